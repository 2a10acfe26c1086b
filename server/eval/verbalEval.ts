// Scores a verbal classifier and the keyword baseline on labeled rows, through the same
// speaker rule the pipeline uses (rep turns are neutral), per language and with and without
// the rows whose label needs the previous turn.
import { VERBAL_LABELS, type Role, type VerbalLabel } from '../../protocol/protocol';
import { rowField, type LabeledRow } from '../signals/verbal/corpus';
import { DEFAULT_SIGNAL_THRESHOLDS, describeThresholds, signalLabel, type SignalThresholds } from '../signals/verbal/decision';
import { classifyTurns } from '../signals/verbal/speakerRule';
import type { VerbalClassifier, VerbalPrediction } from '../signals/verbal/types';
import type { Interval } from './bootstrap';
import { MIXED_SUBSET, isMixedText } from './mixedText';
import { bootstrapMacroF1, classificationReport, type ClassificationReport } from './metrics';

export interface SubsetReport {
  /** e.g. "all", "zh", "en", "all without needs_context", "source=jd" (a slice). */
  name: string;
  /** Only on a subset `--by` made: the field and its value (null: the rows without the field). */
  slice?: Slice;
  n: number;
  model: ClassificationReport<VerbalLabel>;
  baseline: ClassificationReport<VerbalLabel>;
  /** 95 % bootstrap intervals of the two macro-F1 figures over this subset's rows. */
  macroF1Interval: { model: Interval; baseline: Interval };
}

/** Version of the `eval verbal --json` object's shape (docs/eval-json.md); raised when a field changes meaning or goes. */
export const VERBAL_EVAL_SCHEMA = 1;

export interface VerbalEvalReport {
  schema: typeof VERBAL_EVAL_SCHEMA;
  /** The data file evaluated, when the caller names it (the CLI gives the path it read). */
  data?: string;
  modelVersion: string;
  baselineVersion: string;
  /** The least score per signal label the model's predictions were held to (the pipeline's rule). */
  thresholds: SignalThresholds;
  rows: number;
  subsets: SubsetReport[];
  /** The rows the model got wrong, in file order (only when asked for: `errors: true`). */
  errors?: EvalError[];
}

/**
 * A row the model labelled otherwise than its gold label. A rep row is neutral by the speaker
 * rule, not by the model: it has no scores. A customer row has the model's own scores.
 */
export interface EvalError {
  /** 1-based line of the data file. */
  line: number;
  lang: string;
  role: Role;
  gold: VerbalLabel;
  /** The label counted: the pipeline's (the model's most probable label held to the thresholds). */
  predicted: VerbalLabel;
  /** Customer rows: the model's probability of the predicted label, and of the gold one. */
  score?: number;
  goldScore?: number;
  /** Customer rows: the model's most probable label and its probability (differs from `predicted` only when a threshold demoted it). */
  top?: VerbalLabel;
  topScore?: number;
  /** Only when `top` was demoted to neutral: the threshold its score fell under. */
  threshold?: number;
  text: string;
  context?: string;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** The row's lang field, else "zh" when the text has any CJK character, else "en". */
export function rowLang(row: Pick<LabeledRow, 'lang' | 'text'>): string {
  return row.lang ?? (CJK.test(row.text) ? 'zh' : 'en');
}

/** Each row through the classifier and the speaker rule, as the pipeline would label it. */
export function predictRows(classifier: VerbalClassifier, rows: readonly LabeledRow[]): VerbalPrediction[] {
  const turns = rows.map((r) => ({ text: r.text, role: r.role, ...(r.context !== undefined ? { context: r.context } : {}) }));
  return classifyTurns(classifier, turns);
}

function errorsOf(
  rows: readonly LabeledRow[],
  preds: readonly VerbalPrediction[],
  labels: readonly VerbalLabel[],
  thresholds: SignalThresholds,
): EvalError[] {
  return rows.flatMap((r, i): EvalError[] => {
    const predicted = labels[i]!;
    if (predicted === r.label) return [];
    const p = preds[i]!;
    const head = { line: r.line, lang: rowLang(r), role: r.role, gold: r.label, predicted };
    const tail = { text: r.text, ...(r.context !== undefined ? { context: r.context } : {}) };
    // The speaker rule's scores (neutral 1, the rest 0) are not the model's: a rep row has none.
    if (r.role !== 'customer') return [{ ...head, ...tail }];
    const demoted = p.label !== predicted;
    return [{
      ...head,
      score: p.scores[predicted] ?? 0, goldScore: p.scores[r.label] ?? 0,
      top: p.label, topScore: p.score,
      ...(demoted ? { threshold: thresholds[p.label] ?? 0 } : {}),
      ...tail,
    }];
  });
}

/** A subset of the report made by `--by FIELD`: the rows whose FIELD is `value` (null: rows without it). */
export interface Slice {
  field: string;
  value: string | null;
}

/** The rows of one subset, by index into the rows; `slice` when `--by` made it. */
export interface Subset {
  name: string;
  idx: number[];
  slice?: Slice;
}

/** The most distinct values one `--by` field may have: a slice per text id or writer is too small to read. */
export const MAX_SLICES = 50;

/** A `--by` field the rows cannot be sliced on (the message says why and what to do). */
export class SliceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SliceError';
  }
}

/**
 * The fields the parser reads that `--by` takes, with the value the report uses: lang as the
 * language subsets have it (detected when absent), role also from `speaker`.
 */
const READ_FIELDS: Record<string, (r: LabeledRow) => string | undefined> = {
  label: (r) => r.label,
  lang: rowLang,
  role: (r) => r.role,
  needs_context: (r) => (r.needsContext === undefined ? undefined : String(r.needsContext)),
};

/** The fields `--by` could slice these rows on, sorted. */
export function sliceableFields(rows: readonly LabeledRow[]): string[] {
  const names = new Set(['label', 'lang', 'role']);
  for (const r of rows) {
    if (r.needsContext !== undefined) names.add('needs_context');
    for (const k of Object.keys(r.fields ?? {})) names.add(k);
  }
  return [...names].sort();
}

const byValue = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/**
 * One subset per value of `field` (values sorted, numbers in numeric order), then `FIELD=(none)`
 * when any row lacks it. Throws a SliceError for a field that is free text, an object or array in
 * some row, in no row, or has more than MAX_SLICES values.
 */
export function slicesOf(rows: readonly LabeledRow[], field: string): Subset[] {
  if (field === 'text' || field === 'context') throw new SliceError(`--by ${field}: it is the free text of each row, not a field to slice on`);
  if (field === 'speaker') throw new SliceError('--by speaker: speaker is read as the role (buyer: customer, seller: rep); slice with --by role');
  let valueOf = Object.hasOwn(READ_FIELDS, field) ? READ_FIELDS[field] : undefined;
  if (valueOf === undefined) {
    const nested = rows.find((r) => r.nestedFields?.includes(field));
    if (nested) {
      throw new SliceError(`--by ${field}: line ${nested.line} holds an object or array in "${field}", which cannot be sliced on (only strings, numbers and true/false can)`);
    }
    if (!rows.some((r) => rowField(r, field) !== undefined)) {
      throw new SliceError(`--by ${field}: no row has a field "${field}"; the rows have: ${sliceableFields(rows).join(', ')}`);
    }
    valueOf = (r) => rowField(r, field);
  }
  const groups = new Map<string, number[]>();
  const none: number[] = [];
  rows.forEach((r, i) => {
    const v = valueOf(r);
    if (v === undefined) none.push(i);
    else if (groups.has(v)) groups.get(v)!.push(i);
    else groups.set(v, [i]);
  });
  if (groups.size > MAX_SLICES) {
    throw new SliceError(`--by ${field}: ${groups.size} distinct values, more than ${MAX_SLICES}; a slice per value would be too small to read: slice by a coarser field`);
  }
  const slices: Subset[] = [...groups.keys()].sort(byValue).map((value) => ({ name: `${field}=${value}`, idx: groups.get(value)!, slice: { field, value } }));
  if (none.length) slices.push({ name: `${field}=(none)`, idx: none, slice: { field, value: null } });
  return slices;
}

/**
 * The name of the subset of rows whose text mixes Chinese and English (mixedText.ts): `mixed`,
 * or `mixed (by text)` when a row's own `lang` field is "mixed" (the probe files), whose
 * language subset keeps the name it always had.
 */
export function mixedSubsetName(langs: readonly string[]): string {
  return langs.includes(MIXED_SUBSET) ? `${MIXED_SUBSET} (by text)` : MIXED_SUBSET;
}

/**
 * The report's subsets and the indices of their rows: all, each language, then `mixed` (the
 * rows mixing Chinese and English, mixedText.ts; only when there is one: an extra view, each of
 * its rows stays in its language's subset too), and (when any row says whether it needs
 * context) each of those without the rows that do; then, for each field of `by` in turn, one
 * subset per value of that field (each field alone, not their cross product).
 */
export function subsetsOf(rows: readonly LabeledRow[], by: readonly string[] = []): Subset[] {
  const langs = [...new Set(rows.map(rowLang))].sort();
  const views: Array<[string, (r: LabeledRow) => boolean]> = langs.map((lang) => [lang, (r) => rowLang(r) === lang]);
  if (rows.some((r) => isMixedText(r.text))) views.push([mixedSubsetName(langs), (r) => isMixedText(r.text)]);
  const filters: Array<[string, (r: LabeledRow) => boolean]> = [['all', () => true], ...views];
  if (rows.some((r) => r.needsContext !== undefined)) {
    filters.push(['all without needs_context', (r) => r.needsContext !== true]);
    for (const [name, keep] of views) filters.push([`${name} without needs_context`, (r) => keep(r) && r.needsContext !== true]);
  }
  const subsets: Subset[] = filters.map(([name, keep]) => ({ name, idx: rows.flatMap((r, i) => (keep(r) ? [i] : [])) }));
  for (const field of new Set(by)) subsets.push(...slicesOf(rows, field));
  return subsets;
}

/** The model is held to `thresholds` as the pipeline holds it; the keyword baseline to none. */
export function evaluateVerbal(
  rows: readonly LabeledRow[],
  model: VerbalClassifier,
  baseline: VerbalClassifier,
  thresholds: SignalThresholds = DEFAULT_SIGNAL_THRESHOLDS,
  opts: { errors?: boolean; data?: string; by?: readonly string[] } = {},
): VerbalEvalReport {
  const modelScores = predictRows(model, rows);
  const modelPred = modelScores.map((p) => signalLabel(p, thresholds));
  const basePred = predictRows(baseline, rows).map((p) => signalLabel(p, {}));
  const subsets = subsetsOf(rows, opts.by).map(({ name, idx, slice }): SubsetReport => {
    const gold = idx.map((i) => rows[i]!.label);
    const model = idx.map((i) => modelPred[i]!);
    const base = idx.map((i) => basePred[i]!);
    return {
      name,
      ...(slice ? { slice } : {}),
      n: idx.length,
      model: classificationReport(VERBAL_LABELS, gold, model),
      baseline: classificationReport(VERBAL_LABELS, gold, base),
      macroF1Interval: { model: bootstrapMacroF1(VERBAL_LABELS, gold, model), baseline: bootstrapMacroF1(VERBAL_LABELS, gold, base) },
    };
  });
  return {
    schema: VERBAL_EVAL_SCHEMA, ...(opts.data !== undefined ? { data: opts.data } : {}),
    modelVersion: model.version, baselineVersion: baseline.version, thresholds, rows: rows.length, subsets,
    ...(opts.errors ? { errors: errorsOf(rows, modelScores, modelPred, thresholds) } : {}),
  };
}

export const oneLine = (t: string): string => t.replace(/\s+/g, ' ').trim();

/**
 * A probability with 3 decimals, or more when 3 would put it on the other side of `threshold`
 * (0.5996 under 0.6 prints 0.5996, not 0.600).
 */
export function formatScore(x: number, threshold?: number): string {
  if (threshold === undefined) return x.toFixed(3);
  for (let d = 3; d <= 8; d++) {
    const s = x.toFixed(d);
    if (Number(s) >= threshold === x >= threshold) return s;
  }
  return String(x);
}

function formatError(e: EvalError, thresholds: SignalThresholds): string {
  const head = `${String(e.line).padStart(6)} ${e.lang.padEnd(3)} ${e.role.padEnd(8)} ${e.gold} → ${e.predicted}`;
  if (e.score === undefined || e.goldScore === undefined) return `${head} (rep turn: neutral by rule)`;
  const gold = `gold ${formatScore(e.goldScore, thresholds[e.gold])}`;
  if (e.threshold !== undefined && e.top !== undefined && e.topScore !== undefined) {
    // Demoted: the model's own label, its score and the threshold it fell under.
    const top = `${e.top} ${formatScore(e.topScore, e.threshold)} < ${e.threshold}`;
    return `${head} (${top}${e.top === e.gold ? '' : `; ${gold}`})`;
  }
  return `${head} ${formatScore(e.score, thresholds[e.predicted])} (${gold})`;
}
export const pct = (x: number): string => (x * 100).toFixed(1).padStart(5);

/** A plain-text report: per subset, the model beside the baseline; confusion matrices last. */
export function formatEvalReport(r: VerbalEvalReport): string {
  const held = describeThresholds(r.thresholds);
  const lines: string[] = [
    `model ${r.modelVersion} vs ${r.baselineVersion}, ${r.rows} rows${r.data !== undefined ? ` of ${r.data}` : ''}`,
    `a signal counts when it is the most probable label${held ? ` and scores ${held}` : ''}`,
  ];
  const w = Math.max(...VERBAL_LABELS.map((l) => l.length));
  for (const s of r.subsets) {
    lines.push('', `== ${s.name} (${s.n} rows)`);
    lines.push(`${'label'.padEnd(w)}  support |  model P     R    F1 | baseline P  R    F1`);
    for (const l of VERBAL_LABELS) {
      const m = s.model.perLabel[l];
      const b = s.baseline.perLabel[l];
      lines.push(`${l.padEnd(w)}  ${String(m.support).padStart(7)} | ${pct(m.precision)} ${pct(m.recall)} ${pct(m.f1)} | ${pct(b.precision)} ${pct(b.recall)} ${pct(b.f1)}`);
    }
    lines.push(`${'macro-F1'.padEnd(w)}  ${''.padStart(7)} | ${''.padStart(11)} ${pct(s.model.macroF1)} | ${''.padStart(11)} ${pct(s.baseline.macroF1)}`);
    const ci = (x: Interval) => `${pct(x.low).trim()}–${pct(x.high).trim()}`.padStart(11);
    lines.push(`${'  95 % CI'.padEnd(w)}  ${''.padStart(7)} | ${''.padStart(5)} ${ci(s.macroF1Interval.model)} | ${''.padStart(5)} ${ci(s.macroF1Interval.baseline)}`);
    lines.push(`${'accuracy'.padEnd(w)}  ${''.padStart(7)} | ${''.padStart(11)} ${pct(s.model.accuracy)} | ${''.padStart(11)} ${pct(s.baseline.accuracy)}`);
  }
  const short = VERBAL_LABELS.map((l) => l.slice(0, 8));
  // Not for the "without needs_context" subsets; a slice's is shown whatever its value says.
  for (const s of r.subsets.filter((x) => x.slice !== undefined || !x.name.endsWith(' without needs_context'))) {
    lines.push('', `confusion, model, ${s.name} (rows gold, columns predicted)`);
    lines.push(`${''.padEnd(w)} ${short.map((l) => l.padStart(9)).join('')}`);
    s.model.confusion.forEach((row, i) => lines.push(`${VERBAL_LABELS[i]!.padEnd(w)} ${row.map((c) => String(c).padStart(9)).join('')}`));
  }
  if (r.errors) {
    lines.push(
      '',
      `rows the model got wrong: ${r.errors.length} of ${r.rows} (line, language, role, gold → predicted with its probability and the gold label's;`,
      '  a signal under its threshold counts as neutral and shows the model\'s label, score and the threshold; rep turns are neutral by rule)',
    );
    for (const e of r.errors) {
      lines.push(`${formatError(e, r.thresholds)}  ${oneLine(e.text)}`);
      if (e.context !== undefined) lines.push(`${''.padStart(20)}after: ${oneLine(e.context)}`);
    }
  }
  return lines.join('\n');
}
