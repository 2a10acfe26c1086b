// The figures of two posture models on the same labelled frames, per label: each one's
// precision, recall and F1, B − A of F1 with its paired bootstrap interval, and the frames B got
// right or wrong for the label that A did not. The same functions `eval posture --compare` runs
// (evalStats.ts), so the page and the CLI give the same numbers on the same rows. Pure: GET
// /api/quality/posture/compare runs it in the quality worker.
import type { PostureCompareLabel } from '../../protocol/compare';
import { exampleStats, pairedLabelCounts, pairedLabelF1, type LabeledExample } from '../signals/posture/evalStats';

/** What the route hands the quality worker: each frame's gold and each model's labels, and the labels scored. */
export interface PostureCompareFiguresJob {
  a: LabeledExample[];
  b: LabeledExample[];
  labels: string[];
}

/** Per label, in `labels` order. */
export function postureCompareFigures(job: PostureCompareFiguresJob): PostureCompareLabel[] {
  const { a, b, labels } = job;
  const statsA = exampleStats(a, labels);
  const statsB = exampleStats(b, labels);
  const f1 = pairedLabelF1(a, b, labels);
  const counts = pairedLabelCounts(a, b, labels);
  const score = (s: (typeof statsA)[string]) => ({ precision: s.precision, recall: s.recall, f1: s.f1, predicted: s.predicted });
  return labels.map((label) => {
    const d = f1[label]!;
    return {
      label, support: statsA[label]!.support, a: score(statsA[label]!), b: score(statsB[label]!),
      f1: { a: d.a, b: d.b, difference: d.difference, interval: { level: d.interval.level, low: d.interval.low, high: d.interval.high }, excludesZero: d.excludesZero },
      frames: counts[label]!,
    };
  });
}

/** A frame right for a model: its labels agree with the coach's on every label scored (each present or absent as in the gold). */
export function frameRight(e: LabeledExample, labels: readonly string[]): boolean {
  return labels.every((l) => e.gold.has(l) === e.pred.has(l));
}
