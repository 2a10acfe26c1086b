// Per-label precision / recall / F1 from true-positive, false-positive and false-negative
// counts (multi-label: each label is its own yes/no question), with bootstrap intervals. Pure.
import { bootstrapInterval, type BootstrapOptions, type Interval } from '../../eval/bootstrap';
import { pairedCounts, pairedDifference, type PairedCounts, type PairedDifference } from '../../eval/paired';

export interface LabelCounts { tp: number; fp: number; fn: number }
export interface LabelStatsRow { precision: number; recall: number; f1: number; support: number; predicted: number }

export function labelStats(counts: Record<string, LabelCounts>): Record<string, LabelStatsRow> {
  const out: Record<string, LabelStatsRow> = {};
  for (const [label, { tp, fp, fn }] of Object.entries(counts)) {
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    out[label] = { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support: tp + fn, predicted: tp + fp };
  }
  return out;
}

/** Adds one example's gold and predicted label sets to the counts for `labels`. */
export function countExample(counts: Record<string, LabelCounts>, labels: readonly string[], gold: ReadonlySet<string>, pred: ReadonlySet<string>): void {
  for (const l of labels) {
    const c = (counts[l] ??= { tp: 0, fp: 0, fn: 0 });
    if (gold.has(l) && pred.has(l)) c.tp++;
    else if (pred.has(l)) c.fp++;
    else if (gold.has(l)) c.fn++;
  }
}

export interface LabeledExample {
  gold: ReadonlySet<string>;
  pred: ReadonlySet<string>;
}

/** Per-label stats over the examples, or over the given rows of them (a row may repeat). */
export function exampleStats(examples: readonly LabeledExample[], labels: readonly string[], rows?: Iterable<number>): Record<string, LabelStatsRow> {
  const counts: Record<string, LabelCounts> = Object.fromEntries(labels.map((l) => [l, { tp: 0, fp: 0, fn: 0 }]));
  for (const i of rows ?? examples.keys()) countExample(counts, labels, examples[i]!.gold, examples[i]!.pred);
  return labelStats(counts);
}

/**
 * Each label's F1 as a percentile bootstrap interval over the examples: on a few dozen photos,
 * one photo more or less right moves an F1 a lot, and this says how much.
 */
export function labelF1Intervals(examples: readonly LabeledExample[], labels: readonly string[], opts: BootstrapOptions = {}): Record<string, Interval> {
  return Object.fromEntries(labels.map((l) => [l, bootstrapInterval(examples.length, (rows) => exampleStats(examples, [l], rows)[l]!.f1, opts)]));
}

/**
 * Each label's F1 for two models' predictions on the same examples (same gold sets), with the
 * paired bootstrap interval of B − A: labelF1Intervals' resamples, each scored for both.
 */
export function pairedLabelF1(
  a: readonly LabeledExample[],
  b: readonly LabeledExample[],
  labels: readonly string[],
  opts: BootstrapOptions = {},
): Record<string, PairedDifference> {
  if (a.length !== b.length) throw new Error(`model A has ${a.length} examples but model B has ${b.length}`);
  return Object.fromEntries(
    labels.map((l) => [l, pairedDifference(a.length, (rows, model) => exampleStats(model === 'a' ? a : b, [l], rows)[l]!.f1, opts)]),
  );
}

/**
 * Per label, the examples B gets right that A got wrong and the reverse; an example is right
 * for a label when the label is in both its gold and predicted sets, or in neither.
 */
export function pairedLabelCounts(a: readonly LabeledExample[], b: readonly LabeledExample[], labels: readonly string[]): Record<string, PairedCounts> {
  const right = (e: LabeledExample, l: string) => e.gold.has(l) === e.pred.has(l);
  return Object.fromEntries(labels.map((l) => [l, pairedCounts(a.map((e) => right(e, l)), b.map((e) => right(e, l)))]));
}

/**
 * The per-label table. A figure with nothing to measure reads "–", not 0: recall, F1 and its
 * interval of a label no row has (support 0; a landmark file of seated rows has no crossed
 * arms), and precision of a label never predicted. `predicted` counts the rows given the label,
 * so false alarms of a label no row has still show.
 */
export function formatStatsTable(perLabel: Record<string, LabelStatsRow>, f1Intervals?: Record<string, Interval>): string {
  const dash = (width: number) => '–'.padEnd(width);
  const ci = (l: string, s: LabelStatsRow) => {
    const x = f1Intervals?.[l];
    if (!x) return '';
    return s.support ? `  ${x.low.toFixed(2)}–${x.high.toFixed(2)}` : '  –';
  };
  const rows = Object.entries(perLabel).map(([l, s]) => {
    const prec = s.predicted ? s.precision.toFixed(3) : dash(5);
    const rec = s.support ? s.recall.toFixed(3) : dash(5);
    const f1 = s.support ? s.f1.toFixed(3) : dash(5);
    return `${l.padEnd(16)} ${prec}  ${rec}  ${f1}  ${String(s.support).padStart(7)}  ${String(s.predicted).padStart(9)}${ci(l, s)}`;
  });
  return [`${'label'.padEnd(16)} prec   rec    F1     support  predicted${f1Intervals ? '  F1 95 % CI' : ''}`, ...rows].join('\n');
}
