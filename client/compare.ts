// Comparing a library verbal model (B) with the running one (A) on the labelled turns neither
// was trained on (GET /api/quality/compare, protocol/compare.ts), in words: the rows line, the
// warnings, each subset's verdict, its figures, and which requests may still be shown. The DOM is
// client/view/compare.ts. Pure apart from the UI language (i18n's t).
import type { CompareSubset, ComparedModel, VerbalComparison } from '../protocol/compare';
import type { ApiError } from '../protocol/protocol';
import { QUALITY_ROWS_DEFAULT } from '../protocol/quality';
import { thresholdsKey } from '../protocol/thresholds';
import { compareUrl } from './api';
import { errorMessage } from './errorText';
import { t, type StringKey } from './i18n';
import { pct, points, trainedOnReasonText } from './quality';

/** The library id of a training job's model: its folder in the library (`<modelsDir>/verbal/<folder>`) as "lib/<folder>". */
export function libraryIdOf(dir: string): string {
  const folder = dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
  return `lib/${folder}`;
}

/** "1 turn", "12 turns" ("12 句发言"). */
export const turnsText = (n: number): string => (n === 1 ? t('compareTurnsOne') : t('compareTurns', { n }));

/**
 * How many turns were measured and why the others were not: "Measured on 8 of 10 labelled
 * turns; 2 left out because a model was trained on them (verbal-b on 2)." With none left out,
 * "Measured on all 10 …"; with none to measure, why (no labels, or each was trained on).
 * The server measures only the newest `cap` of the `stored` turns (the `rows` the client asked
 * for; it asks for none, so the server's default): past it, the older turns are not measured
 * and are said as such, not counted as left out because a model was trained on them.
 */
export function compareRowsLine(c: Pick<VerbalComparison, 'rows' | 'stored' | 'a' | 'b'>, cap: number = QUALITY_ROWS_DEFAULT): string {
  if (c.stored === 0) return t('compareNoLabels');
  const capped = c.stored > cap;
  const considered = capped ? cap : c.stored;
  if (c.rows === 0) return capped ? t('compareNothingLeftCapped', { c: cap, m: c.stored }) : t('compareNothingLeft', { m: c.stored });
  const k = considered - c.rows;
  if (k <= 0) return capped ? t('compareRowsCappedAll', { n: c.rows, m: c.stored }) : t('compareRowsAll', { n: c.rows });
  const who = trainedWho(c);
  const vars = { n: c.rows, m: c.stored, c: cap, k };
  if (capped) return who ? t('compareRowsCapped', { ...vars, who }) : t('compareRowsCappedNoWho', vars);
  return who ? t('compareRows', { ...vars, who }) : t('compareRowsNoWho', vars);
}

/** The words of compareNotes: of labelled turns (the verbal comparison's), or of labelled frames. */
export interface NoteKeys {
  flatters: StringKey;
  /** The same, with why it cannot be told (`{why}`). */
  flattersWhy: StringKey;
  heldOut: StringKey;
}

/** The warnings and notes over the tables: a model whose training labels cannot be told apart may be flattered; a model's hold-out. */
export function compareNotes(
  c: Pick<VerbalComparison, 'a' | 'b'>, keys: NoteKeys = { flatters: 'compareFlatters', flattersWhy: 'compareFlattersWhy', heldOut: 'compareHeldOutNote' },
): { text: string; warn: boolean }[] {
  const notes: { text: string; warn: boolean }[] = [];
  // B first: the model being judged; why its training labels cannot be told when the server says.
  for (const m of [c.b, c.a]) {
    if (m.trainedOn !== null) continue;
    const why = m.unknownReason ? trainedOnReasonText(m.unknownReason) : null;
    notes.push({ text: why === null ? t(keys.flatters, { version: m.version }) : t(keys.flattersWhy, { version: m.version, why }), warn: true });
  }
  for (const m of [c.b, c.a]) if (m.heldOutPercent !== null && m.heldOutPercent > 0) notes.push({ text: t(keys.heldOut, { version: m.version, p: heldOutPercentText(m) }), warn: false });
  return notes;
}

/** "verbal-b on 2" for each model trained on some of the rows in scope, B first (joined by the list separator); '' when none. */
export function trainedWho(c: Pick<VerbalComparison, 'a' | 'b'>, key: StringKey = 'compareTrainedOnWho'): string {
  return [c.b, c.a].filter((m) => m.trainedOn !== null && m.trainedOn > 0).map((m) => t(key, { version: m.version, k: m.trainedOn ?? 0 })).join(t('listSep'));
}

const heldOutPercentText = (m: ComparedModel): string => String(Math.round((m.heldOutPercent ?? 0) * 10) / 10);

/** The running model as last heard: its library id, version and signal thresholds (absent: not known). */
export interface RunningNow {
  id: string;
  version: string;
  thresholds?: Record<string, number>;
}

/**
 * Why a comparison shown no longer measures against what runs: the running model changed (B may
 * be the one running now), or, the model the same, its signal thresholds changed (the figures
 * were made under the old ones). `words` puts thresholds in words (the view's).
 */
export function compareStaleLines(c: Pick<VerbalComparison, 'a' | 'b'> & { thresholds?: Record<string, number> }, running: RunningNow | null, words: (v: Record<string, number>) => string): string[] {
  if (!running) return [];
  if (running.id !== c.a.id || running.version !== c.a.version) {
    const isB = running.id === c.b.id && running.version === c.b.version;
    return [`${isB ? `${t('compareIsRunning', { b: c.b.version })} ` : ''}${t('compareStale', { a: c.a.version })}`];
  }
  // A posture comparison has no thresholds: a posture model carries its own.
  if (running.thresholds && c.thresholds && thresholdsKey(running.thresholds) !== thresholdsKey(c.thresholds)) return [t('compareStaleThresholds', { t: words(c.thresholds) })];
  return [];
}

export type Verdict = 'better' | 'worse' | 'unclear';

/** B against A on a subset: better or worse only when the paired interval of B − A excludes zero. */
export function verdictOf(s: Pick<CompareSubset, 'macroF1'>): Verdict {
  return verdictOfDifference(s.macroF1);
}

/** B against A on a figure: better or worse only when its paired interval excludes zero. */
export function verdictOfDifference(d: Pick<CompareSubset['macroF1'], 'difference' | 'excludesZero'>): Verdict {
  if (!d.excludesZero || d.difference === 0) return 'unclear';
  return d.difference > 0 ? 'better' : 'worse';
}

const VERDICT_KEYS: Record<Verdict, StringKey> = { better: 'compareBetter', worse: 'compareWorse', unclear: 'compareUnclear' };

/** The subset's verdict in plain words, with the difference and its interval in points. */
export function verdictText(s: Pick<CompareSubset, 'macroF1' | 'n'>, a: string, b: string): string {
  const d = s.macroF1;
  return t(VERDICT_KEYS[verdictOf(s)], { turns: turnsText(s.n), a, b, d: points(d.difference), low: points(d.interval.low), high: points(d.interval.high) });
}

/** B − A with its interval: "+2.4 (95 % CI −1.0 to +5.8)". */
export function differenceText(d: CompareSubset['macroF1']): string {
  return t('compareDiffCi', { d: points(d.difference), low: points(d.interval.low), high: points(d.interval.high) });
}

/** One row of a subset's table: its name's cells (A, B, B − A) as text. */
export interface FigureRow {
  /** A label (its VERBAL_LABELS name), or the macro-F1 / accuracy row. */
  kind: 'label' | 'macroF1' | 'accuracy';
  label?: CompareSubset['perLabel'][number]['label'];
  support: string;
  a: string;
  b: string;
  difference: string;
}

/** A subset's table: per-label F1 (support, A, B, B − A), then macro-F1 with its interval and accuracy. */
export function subsetRows(s: CompareSubset): FigureRow[] {
  return [
    ...s.perLabel.map((l): FigureRow => ({ kind: 'label', label: l.label, support: String(l.support), a: pct(l.a), b: pct(l.b), difference: points(l.difference) })),
    { kind: 'macroF1', support: String(s.n), a: pct(s.macroF1.a), b: pct(s.macroF1.b), difference: differenceText(s.macroF1) },
    { kind: 'accuracy', support: String(s.n), a: pct(s.accuracy.a), b: pct(s.accuracy.b), difference: points(s.accuracy.b - s.accuracy.a) },
  ];
}

/** Fixed, broken, right and wrong with both. */
export function countsText(s: Pick<CompareSubset, 'rows'>): string {
  return t('compareCounts', s.rows);
}

/** The changed turns' note: how many fixed and broken, and whether only the first are listed. */
export function changedNote(c: Pick<VerbalComparison, 'changed' | 'changedTotal' | 'subsets' | 'b'>): string[] {
  const all = c.subsets.find((s) => s.name === 'all') ?? c.subsets[0];
  if (!all || c.changedTotal === 0) return [t('compareChangedNone')];
  const lines = [t('compareChangedNote', { fixed: all.rows.fixed, broken: all.rows.broken, b: c.b.version })];
  if (c.changed.length < c.changedTotal) lines.push(t('compareChangedCapped', { n: c.changed.length, total: c.changedTotal }));
  return lines;
}

/** A refused or failed comparison, in the page's language, naming what the server named. */
export function compareFailure(e: ApiError): string {
  return `${t('compareFailed')}${t('colon')}${errorMessage(e)}`;
}

/**
 * Which comparison request may still be shown: each ask gets a number, and only the newest one's
 * answer is shown (another model, another scope, Compare again); asking again for what is already
 * on its way starts nothing.
 */
export class CompareRequests {
  private seq = 0;
  private pending: { n: number; key: string } | null = null;

  /** A new request for `model` in `session`'s scope: its number, or null when the same one is on its way. */
  ask(model: string, session: string | null): number | null {
    const key = compareUrl(model, session);
    if (this.pending?.key === key) return null;
    this.pending = { n: ++this.seq, key };
    return this.seq;
  }

  /** Whether request `n`'s answer is still the newest asked (to be shown); it is no longer pending either way once this says true. */
  settle(n: number): boolean {
    if (n !== this.seq) return false;
    this.pending = null;
    return true;
  }

  /** Nothing on its way is to be shown any more (the panel closed). */
  forget(): void {
    this.seq++;
    this.pending = null;
  }

  get busy(): boolean {
    return this.pending !== null;
  }
}
