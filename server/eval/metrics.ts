// Classification metrics from gold and predicted labels: per-label precision, recall, F1
// and support, macro-F1, accuracy and the confusion matrix, and a bootstrap interval for
// macro-F1. Pure; no I/O.
import { bootstrapInterval, type BootstrapOptions, type Interval } from './bootstrap';
import { pairedDifference, type PairedDifference } from './paired';

export interface LabelStats {
  precision: number;
  recall: number;
  f1: number;
  /** Gold rows with this label. */
  support: number;
  /** Rows predicted as this label. */
  predicted: number;
}

export interface ClassificationReport<L extends string = string> {
  n: number;
  accuracy: number;
  /**
   * Mean F1 over the labels that occur in the gold or the predicted labels (as scikit-learn
   * does): a label absent from both says nothing about this subset and would be a free 0 or 1.
   */
  macroF1: number;
  perLabel: Record<L, LabelStats>;
  labels: readonly L[];
  /** confusion[gold][predicted], indexed in `labels` order. */
  confusion: number[][];
}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

export function classificationReport<L extends string>(
  labels: readonly L[],
  gold: readonly L[],
  pred: readonly L[],
): ClassificationReport<L> {
  if (gold.length !== pred.length) throw new Error(`gold has ${gold.length} labels but pred has ${pred.length}`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  gold.forEach((g, i) => {
    const gi = index.get(g);
    const pi = index.get(pred[i]!);
    if (gi === undefined) throw new Error(`gold label ${JSON.stringify(g)} is not one of ${labels.join(', ')}`);
    if (pi === undefined) throw new Error(`predicted label ${JSON.stringify(pred[i])} is not one of ${labels.join(', ')}`);
    confusion[gi]![pi]! += 1;
  });
  const perLabel = {} as Record<L, LabelStats>;
  let correct = 0;
  let f1Sum = 0;
  let f1Count = 0;
  labels.forEach((l, i) => {
    const tp = confusion[i]![i]!;
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[i]!, 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perLabel[l] = { precision, recall, f1, support, predicted };
    correct += tp;
    if (support > 0 || predicted > 0) {
      f1Sum += f1;
      f1Count += 1;
    }
  });
  return {
    n: gold.length,
    accuracy: ratio(correct, gold.length),
    macroF1: ratio(f1Sum, f1Count),
    perLabel,
    labels,
    confusion,
  };
}

/**
 * A percentile bootstrap interval for macro-F1 over the rows: on a few hundred rows it says how
 * far another sample of the same kind of conversations could move the figure.
 */
export function bootstrapMacroF1<L extends string>(
  labels: readonly L[],
  gold: readonly L[],
  pred: readonly L[],
  opts: BootstrapOptions = {},
): Interval {
  if (gold.length !== pred.length) throw new Error(`gold has ${gold.length} labels but pred has ${pred.length}`);
  return bootstrapInterval(
    gold.length,
    (rows) => classificationReport(labels, rows.map((i) => gold[i]!), rows.map((i) => pred[i]!)).macroF1,
    opts,
  );
}

/**
 * Macro-F1 of two models' predictions for the same gold labels, and the paired bootstrap
 * interval of B − A (bootstrapMacroF1's resamples, each scored for both models).
 */
export function pairedMacroF1<L extends string>(
  labels: readonly L[],
  gold: readonly L[],
  predA: readonly L[],
  predB: readonly L[],
  opts: BootstrapOptions = {},
): PairedDifference {
  if (gold.length !== predA.length || gold.length !== predB.length) {
    throw new Error(`gold has ${gold.length} labels but model A has ${predA.length} and model B ${predB.length}`);
  }
  return pairedDifference(
    gold.length,
    (rows, model) => {
      const pred = model === 'a' ? predA : predB;
      return classificationReport(labels, rows.map((i) => gold[i]!), rows.map((i) => pred[i]!)).macroF1;
    },
    opts,
  );
}
