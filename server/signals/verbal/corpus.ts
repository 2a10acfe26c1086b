// Parses labeled verbal rows (JSON Lines) for training and evaluation. A bad row stops the
// read with an error naming the line and the field: silently skipping rows would skew scores.
import fs from 'node:fs';
import { VERBAL_LABELS, type Role, type VerbalLabel } from '../../../protocol/protocol';
import { forEachJsonLine } from '../../eval/jsonLines';

export interface LabeledRow {
  text: string;
  label: VerbalLabel;
  /** As given in the row, trimmed and in lower case; undefined when absent (callers may detect it from the text). */
  lang?: string;
  /** `customer` unless the row says `role: "rep"` or `speaker: "seller"`. */
  role: Role;
  context?: string;
  needsContext?: boolean;
  /** 1-based line number in the file. */
  line: number;
  /**
   * The row's fields this parser does not read (a source, a scenario, a batch, …), kept for
   * slicing a report (`eval verbal --by`): strings trimmed, numbers in decimal, booleans as
   * "true"/"false". A null or blank string is left out (as if absent); absent when there are none.
   */
  fields?: Record<string, string>;
  /** Names of the row's other fields that hold an object or array (they cannot be sliced on). */
  nestedFields?: string[];
}

/** The fields parseRow reads; any other field of a row goes to `fields` or `nestedFields`. */
export const KNOWN_ROW_FIELDS: readonly string[] = ['text', 'label', 'lang', 'role', 'speaker', 'context', 'needs_context'];

export class DatasetError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly field: string | undefined,
    problem: string,
  ) {
    super(`${source}:${line}: ${field ? `field "${field}": ` : ''}${problem}`);
    this.name = 'DatasetError';
  }
}

const SPEAKER_ROLES: Record<string, Role> = { buyer: 'customer', seller: 'rep', customer: 'customer', rep: 'rep' };

function parseRow(obj: unknown, source: string, line: number): LabeledRow {
  const fail = (field: string | undefined, problem: string): never => {
    throw new DatasetError(source, line, field, problem);
  };
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return fail(undefined, 'row is not a JSON object');
  const r = obj as Record<string, unknown>;
  if (typeof r.text !== 'string') return fail('text', r.text === undefined ? 'is missing' : `must be a string, got ${typeof r.text}`);
  if (r.text.trim() === '') fail('text', 'must not be empty');
  if (typeof r.label !== 'string') fail('label', r.label === undefined ? 'is missing' : `must be a string, got ${typeof r.label}`);
  if (!(VERBAL_LABELS as readonly string[]).includes(r.label as string)) {
    fail('label', `unknown label ${JSON.stringify(r.label)} (allowed: ${VERBAL_LABELS.join(', ')})`);
  }
  const row: LabeledRow = { text: r.text.trim(), label: r.label as VerbalLabel, role: 'customer', line };
  if (r.lang !== undefined && r.lang !== null) {
    // "EN", " en" and "en" are one language, not three subsets of a report.
    if (typeof r.lang !== 'string' || r.lang.trim() === '') fail('lang', 'must be a non-empty string such as "en" or "zh"');
    row.lang = (r.lang as string).trim().toLowerCase();
  }
  if (r.role !== undefined && r.role !== null) {
    if (r.role !== 'customer' && r.role !== 'rep') fail('role', `must be "customer" or "rep", got ${JSON.stringify(r.role)}`);
    row.role = r.role as Role;
  } else if (r.speaker !== undefined && r.speaker !== null) {
    const role = typeof r.speaker === 'string' ? SPEAKER_ROLES[r.speaker] : undefined;
    if (!role) fail('speaker', `must be "buyer" or "seller", got ${JSON.stringify(r.speaker)}`);
    row.role = role!;
  }
  if (r.context !== undefined && r.context !== null) {
    if (typeof r.context !== 'string') fail('context', `must be a string, got ${typeof r.context}`);
    if ((r.context as string).trim() !== '') row.context = r.context as string;
  }
  if (r.needs_context !== undefined && r.needs_context !== null) {
    if (typeof r.needs_context !== 'boolean') fail('needs_context', `must be true or false, got ${JSON.stringify(r.needs_context)}`);
    row.needsContext = r.needs_context as boolean;
  }
  // Kept, never checked: a file may carry any other field, as it always could.
  const kept: Array<[string, string]> = [];
  const nested: string[] = [];
  for (const [key, v] of Object.entries(r)) {
    if (KNOWN_ROW_FIELDS.includes(key) || v === null) continue;
    if (typeof v === 'object') {
      nested.push(key);
      continue;
    }
    // JSON leaves a string, a number or a boolean here.
    const value = typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    if (value !== '') kept.push([key, value]);
  }
  // fromEntries: a field named "__proto__" is kept as one, not taken as the object's prototype.
  if (kept.length) row.fields = Object.fromEntries(kept);
  if (nested.length) row.nestedFields = nested;
  return row;
}

/** The row's kept field `name` (see LabeledRow.fields), or undefined; never an Object.prototype member such as "constructor". */
export function rowField(row: Pick<LabeledRow, 'fields'>, name: string): string | undefined {
  return row.fields !== undefined && Object.hasOwn(row.fields, name) ? row.fields[name] : undefined;
}

/** Parses JSON Lines text; blank lines are skipped. `source` names the file in errors. */
export function parseLabeledJsonl(text: string, source: string): LabeledRow[] {
  const rows: LabeledRow[] = [];
  forEachJsonLine(text, (line, problem) => { throw new DatasetError(source, line, undefined, problem); }, (obj, line) => rows.push(parseRow(obj, source, line)));
  return rows;
}

export function readLabeledJsonl(file: string): LabeledRow[] {
  if (!fs.existsSync(file)) throw new Error(`data file not found: ${file}`);
  return parseLabeledJsonl(fs.readFileSync(file, 'utf8'), file);
}
