// The figures of two verbal models on the same rows, per subset: each one's macro-F1, B − A with
// its paired bootstrap interval, accuracy, per-label F1 (VERBAL_LABELS order) and the rows B
// fixed or broke. One pure function for `eval verbal --compare` (verbalCompare.ts) and
// GET /api/quality/compare (comparison.ts, in the quality worker), so both give the same numbers
// on the same rows.
import type { CompareSubset } from '../../protocol/compare';
import { VERBAL_LABELS, type VerbalLabel } from '../../protocol/protocol';
import { classificationReport, pairedMacroF1 } from './metrics';
import { pairedCounts, type PairedCounts, type PairedDifference } from './paired';

export interface PairedLabelF1 {
  label: VerbalLabel;
  /** Gold rows with the label. */
  support: number;
  a: number;
  b: number;
  difference: number;
}

export interface PairedSubsetFigures {
  n: number;
  macroF1: PairedDifference;
  accuracy: { a: number; b: number };
  /** In VERBAL_LABELS order. */
  perLabel: PairedLabelF1[];
  rows: PairedCounts;
}

/** The figures of one subset: `gold[k]`, A's label `a[k]` and B's `b[k]` for its rows (labels after the thresholds). */
export function pairedSubsetFigures(gold: readonly VerbalLabel[], a: readonly VerbalLabel[], b: readonly VerbalLabel[]): PairedSubsetFigures {
  const ra = classificationReport(VERBAL_LABELS, gold, a);
  const rb = classificationReport(VERBAL_LABELS, gold, b);
  return {
    n: gold.length,
    macroF1: pairedMacroF1(VERBAL_LABELS, gold, a, b),
    accuracy: { a: ra.accuracy, b: rb.accuracy },
    perLabel: VERBAL_LABELS.map((label) => ({ label, support: ra.perLabel[label].support, a: ra.perLabel[label].f1, b: rb.perLabel[label].f1, difference: rb.perLabel[label].f1 - ra.perLabel[label].f1 })),
    rows: pairedCounts(a.map((p, k) => p === gold[k]), b.map((p, k) => p === gold[k])),
  };
}

/** Each subset's figures (`idx`: its rows of `gold`, `a`, `b`). */
export function pairedSubsets<S extends { name: string; idx: readonly number[] }>(
  gold: readonly VerbalLabel[], a: readonly VerbalLabel[], b: readonly VerbalLabel[], subsets: readonly S[],
): (PairedSubsetFigures & { subset: S })[] {
  return subsets.map((subset) => ({
    subset,
    ...pairedSubsetFigures(subset.idx.map((i) => gold[i]!), subset.idx.map((i) => a[i]!), subset.idx.map((i) => b[i]!)),
  }));
}

/** What GET /api/quality/compare hands the quality worker: the measured rows' gold and each model's label, and the subsets. */
export interface CompareFiguresJob {
  gold: VerbalLabel[];
  a: VerbalLabel[];
  b: VerbalLabel[];
  subsets: { name: string; idx: number[] }[];
}

/** The comparison's subsets as the answer gives them (protocol/compare.ts). */
export function comparisonSubsets(job: CompareFiguresJob): CompareSubset[] {
  return pairedSubsets(job.gold, job.a, job.b, job.subsets).map(({ subset, n, macroF1: d, accuracy, perLabel, rows }) => ({
    name: subset.name,
    n,
    macroF1: { a: d.a, b: d.b, difference: d.difference, interval: { level: d.interval.level, low: d.interval.low, high: d.interval.high }, excludesZero: d.excludesZero },
    accuracy,
    perLabel,
    rows,
  }));
}
