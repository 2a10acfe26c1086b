// `eval cues`: cue precision from coaches' verdicts (GET /api/cue-reviews), useful /
// (useful + false_alarm) of the emitted cues reviewed, overall, per cue type and per (type,
// reason), each with a 95 % bootstrap interval that resamples meetings (a meeting's verdicts are
// not independent: one meeting of bad cues moves the figure more than as many scattered ones);
// per value of a field with --by, and with --sweep the threshold what-if (cueSweep.ts). Pure.
import { CUE_REASONS, CUE_TYPES, type CueReason, type CueType } from '../../protocol/protocol';
import { bootstrapGroupsInterval, bootstrapInterval, type Interval } from './bootstrap';
import { cueRowField, type CueReviewRow } from './cueReviewRows';
import { CUE_SWEEP_CAUTION, sweepCues, type CueLabelSweep, type CueSweep } from './cueSweep';
import { MAX_SLICES, pct, SliceError, type Slice } from './verbalEval';

/** Version of the `eval cues --json` object's shape (docs/eval-json.md); counts apart from the other reports'. */
export const CUE_EVAL_SCHEMA = 1;

/** A precision interval, and what was resampled: the sessions (2 or more in the group), else its rows. */
export interface CueInterval extends Interval {
  resampled: 'sessions' | 'rows';
}

export interface CuePrecision {
  /** null: every type (the overall row). */
  cueType: CueType | null;
  /** null: every reason of the type. */
  reason: CueReason | null;
  /** Emitted cues reviewed, and of them useful and false alarms. */
  reviewed: number;
  useful: number;
  falseAlarms: number;
  /** Sessions the reviewed cues come from. */
  sessions: number;
  /** useful / reviewed; null when none was reviewed. */
  precision: number | null;
  interval: CueInterval | null;
  /** Mean cue score of the useful ones and of the false alarms (null: none). */
  meanScore: { useful: number | null; falseAlarms: number | null };
}

export interface CueSubset {
  /** "all", or "FIELD=VALUE" for a --by slice. */
  name: string;
  slice?: Slice;
  /** Verdicts (rows) in the subset, and those on cues the current analysis no longer emits. */
  verdicts: number;
  notEmitted: number;
  /** Sessions of the subset's verdicts, emitted or not. */
  sessions: number;
  /** The overall row, then each cue type present, each followed by its reasons present. */
  precision: CuePrecision[];
  /** Only with --sweep. */
  sweep?: CueSweep;
}

export interface CueEvalReport {
  schema: typeof CUE_EVAL_SCHEMA;
  eval: 'cues';
  data?: string;
  verdicts: number;
  notEmitted: number;
  sessions: number;
  subsets: CueSubset[];
}

const byValue = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** The fields `--by` could slice these rows on, sorted (free text and objects left out). */
export function cueSliceableFields(rows: readonly CueReviewRow[]): string[] {
  const names = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.fields)) if (k !== 'note') names.add(k);
  return [...names].sort();
}

/**
 * One slice per value of a top-level field (values sorted, numbers in numeric order), then
 * `FIELD=(none)` for rows without it; refused as eval verbal's --by refuses (SliceError): the
 * coach's note (free text), a field holding an object or array in some row, one no row has,
 * more than MAX_SLICES values.
 */
export function cueSlicesOf(rows: readonly CueReviewRow[], field: string): Array<{ name: string; slice: Slice; rows: CueReviewRow[] }> {
  if (field === 'note') throw new SliceError('--by note: it is the free text of the coach\'s note, not a field to slice on');
  const nested = rows.find((r) => r.nestedFields.includes(field));
  if (nested) throw new SliceError(`--by ${field}: line ${nested.line} holds an object or array in "${field}", which cannot be sliced on (only strings, numbers and true/false can)`);
  if (!rows.some((r) => cueRowField(r, field) !== undefined)) {
    throw new SliceError(`--by ${field}: no row has a field "${field}"; the rows have: ${cueSliceableFields(rows).join(', ')}`);
  }
  const groups = new Map<string, CueReviewRow[]>();
  const none: CueReviewRow[] = [];
  for (const r of rows) {
    const v = cueRowField(r, field);
    if (v === undefined) none.push(r);
    else groups.set(v, [...(groups.get(v) ?? []), r]);
  }
  if (groups.size > MAX_SLICES) {
    throw new SliceError(`--by ${field}: ${groups.size} distinct values, more than ${MAX_SLICES}; a slice per value would be too small to read: slice by a coarser field`);
  }
  const slices: Array<{ name: string; slice: Slice; rows: CueReviewRow[] }> = [...groups.keys()].sort(byValue).map((value) => ({ name: `${field}=${value}`, slice: { field, value }, rows: groups.get(value)! }));
  if (none.length) slices.push({ name: `${field}=(none)`, slice: { field, value: null }, rows: none });
  return slices;
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * Precision of emitted, reviewed rows, with its 95 % interval: 1,000 seeded resamples of the
 * sessions when the rows come from 2 or more (each resample draws as many sessions as there are,
 * with replacement, and pools their verdicts), else of the rows.
 */
export function cuePrecision(rows: readonly CueReviewRow[], cueType: CueType | null = null, reason: CueReason | null = null): CuePrecision {
  const useful = rows.filter((r) => r.verdict === 'useful');
  const bySession = new Map<string, number[]>();
  rows.forEach((r, i) => bySession.set(r.session, [...(bySession.get(r.session) ?? []), i]));
  const isUseful = rows.map((r) => r.verdict === 'useful');
  const precisionOf = (idx: readonly number[]): number => idx.filter((i) => isUseful[i]).length / idx.length;
  let interval: CueInterval | null = null;
  if (rows.length) {
    interval = bySession.size >= 2
      ? { ...bootstrapGroupsInterval([...bySession.values()], precisionOf), resampled: 'sessions' }
      : { ...bootstrapInterval(rows.length, precisionOf), resampled: 'rows' };
  }
  const scores = (verdictUseful: boolean) => rows.filter((r) => (r.verdict === 'useful') === verdictUseful).map((r) => r.cue!.score);
  return {
    cueType, reason,
    reviewed: rows.length, useful: useful.length, falseAlarms: rows.length - useful.length, sessions: bySession.size,
    precision: rows.length ? useful.length / rows.length : null,
    interval,
    meanScore: { useful: mean(scores(true)), falseAlarms: mean(scores(false)) },
  };
}

/** The overall row, then per cue type present (protocol order) each followed by its reasons present. */
export function precisionTable(rows: readonly CueReviewRow[]): CuePrecision[] {
  const emitted = rows.filter((r) => r.cue !== undefined);
  const table = [cuePrecision(emitted)];
  for (const type of CUE_TYPES) {
    const ofType = emitted.filter((r) => r.cueType === type);
    if (!ofType.length) continue;
    table.push(cuePrecision(ofType, type));
    for (const reason of CUE_REASONS) {
      const ofReason = ofType.filter((r) => r.cue!.reason === reason);
      if (ofReason.length) table.push(cuePrecision(ofReason, type, reason));
    }
  }
  return table;
}

function subsetOf(name: string, rows: readonly CueReviewRow[], sweep: boolean, slice?: Slice): CueSubset {
  return {
    name, ...(slice ? { slice } : {}),
    verdicts: rows.length,
    notEmitted: rows.filter((r) => r.cue === undefined).length,
    sessions: new Set(rows.map((r) => r.session)).size,
    precision: precisionTable(rows),
    ...(sweep ? { sweep: sweepCues(rows) } : {}),
  };
}

/**
 * The report: all the rows, then for each `by` field in turn one subset per value (each field
 * alone, not their cross product). A --by field the rows cannot be sliced on throws a SliceError.
 */
export function evaluateCues(rows: readonly CueReviewRow[], opts: { data?: string; by?: readonly string[]; sweep?: boolean } = {}): CueEvalReport {
  const sweep = opts.sweep === true;
  // Every --by field is checked before any figure is computed.
  const slicings = [...new Set(opts.by ?? [])].map((field) => cueSlicesOf(rows, field));
  const all = subsetOf('all', rows, sweep);
  return {
    schema: CUE_EVAL_SCHEMA, eval: 'cues', ...(opts.data !== undefined ? { data: opts.data } : {}),
    verdicts: all.verdicts, notEmitted: all.notEmitted, sessions: all.sessions,
    subsets: [all, ...slicings.flat().map((s) => subsetOf(s.name, s.rows, sweep, s.slice))],
  };
}

const score3 = (x: number | null): string => (x === null ? '–' : x.toFixed(3));
const pctOr = (x: number | null): string => (x === null ? '    –' : pct(x));

function precisionLines(table: readonly CuePrecision[]): string[] {
  const lines = [`${'cue'.padEnd(38)} reviewed useful false | precision  95 % CI      resampled | mean score useful  false`];
  for (const p of table) {
    const name = p.cueType === null ? 'all emitted cues' : p.reason === null ? p.cueType : `  ${p.reason}`;
    const ci = p.interval ? `${pct(p.interval.low).trim()}–${pct(p.interval.high).trim()}` : '–';
    const resampled = p.interval ? (p.interval.resampled === 'sessions' ? `${p.sessions} sessions` : 'rows (1 session)') : '';
    lines.push(
      `${name.padEnd(38)} ${String(p.reviewed).padStart(8)} ${String(p.useful).padStart(6)} ${String(p.falseAlarms).padStart(5)} | ${pctOr(p.precision).padStart(9)}  ${ci.padEnd(11)}  ${resampled.padEnd(16)} | ${score3(p.meanScore.useful).padStart(17)}  ${score3(p.meanScore.falseAlarms).padStart(5)}`,
    );
  }
  return lines;
}

function labelSweepLines(l: CueLabelSweep, keepUseful: number): string[] {
  const lines = [
    `${l.label}: triggered ${l.reviewed} reviewed cue${l.reviewed === 1 ? '' : 's'} (${l.useful} useful, ${l.falseAlarms} false alarm${l.falseAlarms === 1 ? '' : 's'}), trigger scores from ${l.minScore.toFixed(3)}`,
    '  threshold  useful kept  false alarms kept  precision  useful lost',
  ];
  for (const p of l.points) {
    const mark = l.best === p.threshold ? `  ◀ best keeping ≥ ${Math.round(keepUseful * 100)} % of the useful` : '';
    lines.push(`  ${p.threshold.toFixed(2).padStart(9)}  ${String(p.usefulKept).padStart(11)}  ${String(p.falseAlarmsKept).padStart(17)}  ${pctOr(p.precision).padStart(9)}  ${String(p.usefulLost).padStart(11)}${mark}`);
  }
  if (l.best === null) lines.push('  no pick: it triggered no useful reviewed cue, so there is nothing a threshold should keep');
  return lines;
}

function sweepLines(s: CueSubset, sw: CueSweep): string[] {
  const lines = [
    '',
    `-- threshold sweep on ${s.name}: the reviewed emitted cues a verbal signal triggered (${sw.swept}), as serve --thresholds for the trigger's label goes over ${sw.grid[0]!.toFixed(2)}–${sw.grid[sw.grid.length - 1]!.toFixed(2)}`,
    '   (a cue is kept when its trigger scores ≥ the threshold; a signal under it is stored as no signal, and raises no cue)',
  ];
  if (sw.postureTriggered) lines.push(`   ${sw.postureTriggered} reviewed cue${sw.postureTriggered === 1 ? '' : 's'} a posture signal triggered (benefit_acknowledged, closed_posture): no verbal threshold applies, left out`);
  if (sw.unidentified) {
    lines.push(`   ${sw.unidentified} reviewed cue${sw.unidentified === 1 ? '' : 's'} whose trigger the row does not show, left out (first: line ${sw.firstUnidentified!.line}, ${sw.firstUnidentified!.why})`);
  }
  if (sw.verbalModels.length > 1) {
    lines.push(`   WARNING: the swept cues come from ${sw.verbalModels.length} verbal models (${sw.verbalModels.join(', ')}); their scores are not on one scale: sweep one at a time (--by model_version)`);
  }
  if (!sw.labels.length) return [...lines, '   no reviewed cue to sweep'];
  for (const l of sw.labels) lines.push(...labelSweepLines(l, sw.keepUseful));
  const flag = Object.entries(sw.best).map(([l, v]) => `${l}=${v}`).join(',');
  lines.push(
    flag
      ? `picked on ${s.name}, one label at a time: --thresholds ${flag} (labels not named: no threshold above ${sw.grid[0]!.toFixed(2)} does better)`
      : `picked on ${s.name}: none (no threshold above ${sw.grid[0]!.toFixed(2)} raises a label's precision while keeping ≥ ${Math.round(sw.keepUseful * 100)} % of its useful cues)`,
  );
  return lines;
}

export function formatCueReport(r: CueEvalReport): string {
  const swept = r.subsets.some((s) => s.sweep);
  const lines: string[] = [
    `cue verdicts: ${r.verdicts} of ${r.sessions} session${r.sessions === 1 ? '' : 's'}${r.data !== undefined ? ` in ${r.data}` : ''}`,
    r.notEmitted
      ? `${r.notEmitted} on cues the current analysis no longer emits (emitted: false; a re-analysis under other roles, models or thresholds): left out of precision, which judges the cues emitted now`
      : 'every verdict is on a cue the current analysis emits',
    'precision = useful / (useful + false_alarm) of the emitted cues reviewed; 95 % CI: 1,000 seeded bootstrap resamples of the sessions',
    '  (a meeting\'s verdicts are not independent); a line whose verdicts all come from one session resamples its rows ("resampled" says which)',
    'these are the cues coaches chose to review, not every cue, and a precision says nothing of the moments where no cue came',
  ];
  if (swept) lines.push(`CAUTION (sweep): ${CUE_SWEEP_CAUTION}`);
  for (const s of r.subsets) {
    lines.push('', `== ${s.name} (${s.verdicts} verdicts, ${s.notEmitted} not emitted, ${s.sessions} session${s.sessions === 1 ? '' : 's'})`);
    lines.push(...precisionLines(s.precision));
    if (s.sweep) lines.push(...sweepLines(s, s.sweep));
  }
  if (swept) lines.push('', `CAUTION (sweep): ${CUE_SWEEP_CAUTION}`);
  return lines.join('\n');
}
