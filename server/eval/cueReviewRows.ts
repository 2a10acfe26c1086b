// Reads the coaches' cue verdicts as the server exports them (GET /api/cue-reviews, one JSON
// line per verdict; docs/protocol.md "The export: one row per verdict") for `eval cues`. Every
// row is checked before anything is counted: a bad one stops the read naming the file, the line
// and the field, as eval verbal's reader does (a row skipped in silence would skew a precision).
import fs from 'node:fs';
import { CUE_REASONS, CUE_TYPES, CUE_VERDICTS, TECHNIQUES, type CueReason, type CueType, type CueVerdict, type Technique } from '../../protocol/protocol';
import { DatasetError } from '../signals/verbal/corpus';
import { forEachJsonLine } from './jsonLines';

/** One piece of a cue's evidence, as exported. */
export interface CueReviewEvidence {
  kind: 'verbal' | 'posture';
  label: string;
  score: number;
  mediaMs: number;
  text: string;
}

/** What the current analysis emits at the verdict's moment (only on rows with `emitted: true`). */
export interface EmittedCue {
  reason: CueReason;
  score: number;
  technique: Technique;
  modelVersion: string;
  /** In the order the cue engine listed it (the trigger of a verbal cue is its last verbal piece). */
  evidence: CueReviewEvidence[];
}

export interface CueReviewRow {
  /** 1-based line of the file. */
  line: number;
  session: string;
  cueType: CueType;
  mediaMs: number;
  verdict: CueVerdict;
  note?: string;
  reviewedAt: number;
  /** Absent when the row says `emitted: false`: no cue there in the current analysis. */
  cue?: EmittedCue;
  /**
   * Every top-level field holding a string, number or boolean, the known ones and any other, as
   * text (strings trimmed, numbers in decimal, booleans "true"/"false"), for `--by`; a null or
   * blank string is left out, as if absent.
   */
  fields: Record<string, string>;
  /** Names of top-level fields holding an object or array (they cannot be sliced on). */
  nestedFields: string[];
}

/** Which reasons each cue type has (docs/protocol.md "Cues"). */
export const REASONS_OF: Record<CueType, readonly CueReason[]> = {
  closing_moment: ['buying_signal', 'signals_accumulating', 'objection_removed', 'benefit_acknowledged'],
  resistance: ['customer_resists', 'closed_posture'],
};

const listOf = (xs: readonly string[]): string => xs.join(', ');

function parseRow(obj: unknown, source: string, line: number): CueReviewRow {
  const fail = (field: string | undefined, problem: string): never => {
    throw new DatasetError(source, line, field, problem);
  };
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return fail(undefined, 'row is not a JSON object');
  const r = obj as Record<string, unknown>;
  const has = (k: string): boolean => Object.hasOwn(r, k) && r[k] !== undefined && r[k] !== null;
  const got = (v: unknown): string => {
    if (Array.isArray(v)) return 'an array';
    if (v === null) return 'null';
    if (typeof v === 'object') return 'an object';
    return JSON.stringify(v) ?? 'nothing';
  };
  const str = (o: Record<string, unknown>, k: string, name = k): string => {
    const v = o[k];
    if (v === undefined || v === null) return fail(name, 'is missing');
    if (typeof v !== 'string' || v.trim() === '') return fail(name, `must be a non-empty string, got ${got(v)}`);
    return v;
  };
  const oneOf = <T extends string>(k: string, allowed: readonly T[], what: string): T => {
    const v = r[k];
    if (v === undefined || v === null) return fail(k, 'is missing');
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) return fail(k, `unknown ${what} ${got(v)} (allowed: ${listOf(allowed)})`);
    return v as T;
  };
  const ms = (o: Record<string, unknown>, k: string, name = k): number => {
    const v = o[k];
    if (v === undefined || v === null) return fail(name, 'is missing');
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return fail(name, `must be a whole number of milliseconds ≥ 0, got ${got(v)}`);
    return v;
  };
  const score = (o: Record<string, unknown>, k: string, name = k): number => {
    const v = o[k];
    if (v === undefined || v === null) return fail(name, 'is missing');
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) return fail(name, `must be a number from 0 to 1, got ${got(v)}`);
    return v;
  };

  const session = str(r, 'session');
  const cueType = oneOf('cue_type', CUE_TYPES, 'cue type');
  const mediaMs = ms(r, 'media_ms');
  const verdict = oneOf('verdict', CUE_VERDICTS, 'verdict');
  let note: string | undefined;
  if (has('note')) {
    if (typeof r.note !== 'string') fail('note', `must be a string, got ${got(r.note)}`);
    note = r.note as string;
  }
  const reviewedAt = ms(r, 'reviewed_at');
  if (!has('emitted')) fail('emitted', 'is missing');
  if (typeof r.emitted !== 'boolean') fail('emitted', `must be true or false, got ${got(r.emitted)}`);
  const row: CueReviewRow = { line, session, cueType, mediaMs, verdict, ...(note !== undefined ? { note } : {}), reviewedAt, fields: {}, nestedFields: [] };
  if (r.emitted === true) {
    // The cue the verdict is counted for: what precision is split by, and the sweep reads.
    const reason = oneOf('reason', CUE_REASONS, 'reason');
    if (!REASONS_OF[cueType].includes(reason)) fail('reason', `${reason} is not a reason of a ${cueType} cue (its reasons: ${listOf(REASONS_OF[cueType])})`);
    const cueScore = score(r, 'score');
    const technique = oneOf('technique', TECHNIQUES, 'technique');
    const modelVersion = str(r, 'model_version');
    if (!has('evidence')) fail('evidence', 'is missing');
    if (!Array.isArray(r.evidence)) fail('evidence', `must be an array, got ${got(r.evidence)}`);
    const evidence = (r.evidence as unknown[]).map((e, i): CueReviewEvidence => {
      const at = `evidence.${i}`;
      if (typeof e !== 'object' || e === null || Array.isArray(e)) return fail(at, `must be an object, got ${got(e)}`);
      const o = e as Record<string, unknown>;
      if (o.kind !== 'verbal' && o.kind !== 'posture') fail(`${at}.kind`, o.kind === undefined ? 'is missing' : `must be "verbal" or "posture", got ${got(o.kind)}`);
      const label = str(o, 'label', `${at}.label`);
      const s = score(o, 'score', `${at}.score`);
      const m = ms(o, 'media_ms', `${at}.media_ms`);
      if (typeof o.text !== 'string') fail(`${at}.text`, o.text === undefined ? 'is missing' : `must be a string, got ${got(o.text)}`);
      return { kind: o.kind as 'verbal' | 'posture', label, score: s, mediaMs: m, text: o.text as string };
    });
    row.cue = { reason, score: cueScore, technique, modelVersion, evidence };
  }
  // Kept for --by, never checked further: any field the export adds later, or an analyst's own.
  const kept: Array<[string, string]> = [];
  for (const [key, v] of Object.entries(r)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') {
      row.nestedFields.push(key);
      continue;
    }
    const value = typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    if (value !== '') kept.push([key, value]);
  }
  // fromEntries: a field named "__proto__" is kept as one, not taken as the object's prototype.
  row.fields = Object.fromEntries(kept);
  return row;
}

/** The row's field `name` as text (see CueReviewRow.fields), or undefined; never an Object.prototype member. */
export function cueRowField(row: Pick<CueReviewRow, 'fields'>, name: string): string | undefined {
  return Object.hasOwn(row.fields, name) ? row.fields[name] : undefined;
}

/**
 * Parses JSON Lines text; blank lines are skipped. `source` names the file in errors. Two rows of
 * one moment (session, cue type, media time) are refused: the export has one verdict per moment,
 * so a second is a file holding two downloads, and would count the verdict twice.
 */
export function parseCueReviewsJsonl(text: string, source: string): CueReviewRow[] {
  const rows: CueReviewRow[] = [];
  const moments = new Map<string, number>();
  forEachJsonLine(text, (line, problem) => { throw new DatasetError(source, line, undefined, problem); }, (obj, line) => {
    const row = parseRow(obj, source, line);
    const key = JSON.stringify([row.session, row.cueType, row.mediaMs]);
    const before = moments.get(key);
    if (before !== undefined) {
      throw new DatasetError(source, row.line, undefined, `the same moment as line ${before} (session ${JSON.stringify(row.session)}, ${row.cueType} at media_ms ${row.mediaMs}): the export has one verdict per moment; is this two downloads joined?`);
    }
    moments.set(key, row.line);
    rows.push(row);
  });
  return rows;
}

export function readCueReviewsJsonl(file: string): CueReviewRow[] {
  if (!fs.existsSync(file)) throw new Error(`data file not found: ${file}`);
  return parseCueReviewsJsonl(fs.readFileSync(file, 'utf8'), file);
}
