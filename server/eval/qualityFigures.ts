// The figures of GET /api/quality from rows already classified (server/eval/quality.ts does the
// classifying): every bootstrap, the threshold what-if, cue precision and the posture table,
// with the eval code the CLI runs. Pure and synchronous, so it can run in a worker thread
// (qualityWorker.ts): on thousands of rows its resamples take seconds the event loop must not.
import { VERBAL_LABELS, type VerbalLabel } from '../../protocol/protocol';
import type { Quality, QualityLabelFigures, QualityVerbal } from '../../protocol/quality';
import { exampleStats, labelF1Intervals, type LabeledExample } from '../signals/posture/evalStats';
import type { SignalThresholds } from '../signals/verbal/decision';
import { signalLabel } from '../signals/verbal/decision';
import type { VerbalPrediction } from '../signals/verbal/types';
import type { Interval } from './bootstrap';
import { evaluateCues } from './cueReviewEval';
import type { CueReviewRow } from './cueReviewRows';
import { bootstrapMacroF1, classificationReport, pairedMacroF1, type ClassificationReport } from './metrics';
import { pairedCounts, type PairedDifference } from './paired';
import { SIGNAL_LABELS, SWEEP_CAUTION, sweepLabel } from './thresholdSweep';

export interface VerbalFiguresJob {
  /** The coach's label, the stored signal's label (`model_label`) and the running model's prediction, per row. */
  gold: VerbalLabel[];
  stored: VerbalLabel[];
  preds: VerbalPrediction[];
  thresholds: SignalThresholds;
  /** As verbalEval's subsetsOf made them: all, each language, mixed. */
  subsets: { name: string; idx: number[] }[];
}

export interface FiguresJob {
  /** null: no correction to measure. */
  verbal: VerbalFiguresJob | null;
  cues: CueReviewRow[];
  /** null: no posture label (or no posture model) to measure. */
  posture: { examples: LabeledExample[]; labels: string[] } | null;
}

export type VerbalFigures = Pick<QualityVerbal, 'subsets' | 'whatIf'> & { versusStored: Omit<NonNullable<QualityVerbal['versusStored']>, 'storedModels'> };

export interface Figures {
  verbal: VerbalFigures | null;
  cues: Quality['cues'];
  posture: Quality['posture']['perLabel'];
}

const interval = (i: Interval) => ({ level: i.level, low: i.low, high: i.high });

function labelFigures<L extends string>(r: ClassificationReport<L>): QualityLabelFigures[] {
  return r.labels.map((label) => ({ label, ...r.perLabel[label] }));
}

const difference = (d: PairedDifference) => ({ a: d.a, b: d.b, difference: d.difference, interval: interval(d.interval), excludesZero: d.excludesZero });

export function verbalFigures(job: VerbalFiguresJob): VerbalFigures {
  const { gold, stored, preds, thresholds } = job;
  const now = preds.map((p) => signalLabel(p, thresholds));
  const subsets = job.subsets.map(({ name, idx }) => {
    const g = idx.map((i) => gold[i]!);
    const p = idx.map((i) => now[i]!);
    const report = classificationReport(VERBAL_LABELS, g, p);
    return {
      name, n: idx.length, accuracy: report.accuracy, macroF1: report.macroF1,
      macroF1Interval: interval(bootstrapMacroF1(VERBAL_LABELS, g, p)), perLabel: labelFigures(report), confusion: report.confusion,
    };
  });
  const counts = pairedCounts(stored.map((s, i) => s === gold[i]), now.map((p, i) => p === gold[i]));
  const versusStored = {
    storedRight: counts.bothRight + counts.broken,
    nowRight: counts.bothRight + counts.fixed,
    fixed: counts.fixed,
    broken: counts.broken,
    macroF1: difference(pairedMacroF1(VERBAL_LABELS, gold, stored, now)),
  };
  const labels = SIGNAL_LABELS.map((label) => {
    const s = sweepLabel(preds, gold, label, thresholds);
    const best = s.best === s.given.threshold ? s.given : s.points.find((p) => p.threshold === s.best)!;
    return {
      label, support: s.support, given: s.given.threshold, givenMacroF1: s.given.macroF1,
      best: s.best, bestMacroF1: best.macroF1, gain: s.gain ? difference(s.gain) : null,
    };
  });
  return { subsets, versusStored, whatIf: { caution: SWEEP_CAUTION, labels } };
}

/** Cue precision as `eval cues` reports its "all" subset. */
export function cueFigures(rows: readonly CueReviewRow[]): Quality['cues'] {
  const all = evaluateCues(rows).subsets[0]!;
  return {
    verdicts: all.verdicts, notEmitted: all.notEmitted, sessions: all.sessions,
    // No verdict on an emitted cue: no table (its one row would be a precision of nothing).
    precision: all.precision[0]!.reviewed === 0 ? [] : all.precision.map((p) => ({
      cueType: p.cueType, reason: p.reason, reviewed: p.reviewed, useful: p.useful, falseAlarms: p.falseAlarms, sessions: p.sessions,
      precision: p.precision, interval: p.interval && { ...interval(p.interval), resampled: p.interval.resampled },
    })),
  };
}

/** Per-label figures and F1 intervals as `eval posture` reports them. */
export function postureFigures(examples: readonly LabeledExample[], labels: readonly string[]): Quality['posture']['perLabel'] {
  const stats = exampleStats(examples, labels);
  const intervals = labelF1Intervals(examples, labels);
  return labels.map((label) => ({ label, ...stats[label]!, f1Interval: interval(intervals[label]!) }));
}

export function figuresOf(job: FiguresJob): Figures {
  return {
    verbal: job.verbal && verbalFigures(job.verbal),
    cues: cueFigures(job.cues),
    posture: job.posture ? postureFigures(job.posture.examples, job.posture.labels) : [],
  };
}
