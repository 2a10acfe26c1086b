// `eval verbal --sweep`: how each signal label's threshold would move its precision, recall, F1
// and the macro-F1, from predictions made once (the model is not run again per threshold: the
// thresholds are re-applied to the stored probabilities by decision.ts's rule).
import { VERBAL_LABELS, type VerbalLabel } from '../../protocol/protocol';
import type { LabeledRow } from '../signals/verbal/corpus';
import { DEFAULT_SIGNAL_THRESHOLDS, describeThresholds, signalLabel, type SignalThresholds } from '../signals/verbal/decision';
import type { VerbalClassifier, VerbalPrediction } from '../signals/verbal/types';
import { classificationReport, pairedMacroF1 } from './metrics';
import { describeDifference, type PairedDifference } from './paired';
import { pct, predictRows, subsetsOf, type Slice } from './verbalEval';

export type SignalLabelName = Exclude<VerbalLabel, 'neutral'>;
export const SIGNAL_LABELS = VERBAL_LABELS.filter((l): l is SignalLabelName => l !== 'neutral');

/** 0.30, 0.35, …, 0.90 (as decimals written so, not sums of 0.05). */
export const SWEEP_GRID: readonly number[] = Array.from({ length: 13 }, (_, i) => (30 + 5 * i) / 100);

/** Version of the `eval verbal --sweep --json` object's shape (docs/eval-json.md); counts apart from the other reports'. */
export const VERBAL_SWEEP_SCHEMA = 1;

/** Said in the text and the JSON: the figures at thresholds picked on these rows flatter them. */
export const SWEEP_CAUTION =
  'thresholds picked on a data file are tuned to it: its figures at the picked thresholds are optimistic; check them on other rows (eval verbal --data OTHER.jsonl --thresholds …) before running them (serve --thresholds …)';

export interface SweepPoint {
  /** The label's threshold; null: none (the most probable label counts). */
  threshold: number | null;
  /** This label's figures. */
  precision: number;
  recall: number;
  f1: number;
  /** Rows predicted as this label. */
  predicted: number;
  /** Over all labels, with this label at `threshold` and the others at the given thresholds. */
  macroF1: number;
}

export interface LabelSweep {
  /** Gold rows with this label. */
  support: number;
  /** At the threshold given for this label (`--thresholds`; null: none). */
  given: SweepPoint;
  /** One per threshold of the grid, in order. */
  points: SweepPoint[];
  /**
   * The threshold with the highest macro-F1 among `given` and `points`; on a tie the given one,
   * else the lowest (it drops the fewest signals). null: none.
   */
  best: number | null;
  /**
   * When `best` is not the given threshold: macro-F1 at `best` minus at the given one, with its
   * paired 95 % bootstrap interval over the rows. The pick was made on these same rows, so even
   * this interval flatters it; one that includes 0 says the pick is not worth running.
   */
  gain?: PairedDifference;
}

/**
 * One label's threshold over `grid`, the others held to `others`: pure, from the predictions
 * (label, score) and the gold labels of the same rows.
 */
export function sweepLabel(
  preds: readonly VerbalPrediction[],
  gold: readonly VerbalLabel[],
  label: SignalLabelName,
  others: SignalThresholds = DEFAULT_SIGNAL_THRESHOLDS,
  grid: readonly number[] = SWEEP_GRID,
): LabelSweep {
  if (preds.length !== gold.length) throw new Error(`${preds.length} predictions for ${gold.length} gold labels`);
  const labelsAt = (threshold: number | null): VerbalLabel[] => {
    const thresholds: SignalThresholds = { ...others };
    if (threshold === null) delete thresholds[label];
    else thresholds[label] = threshold;
    return preds.map((p) => signalLabel(p, thresholds));
  };
  const at = (threshold: number | null): SweepPoint => {
    const r = classificationReport(VERBAL_LABELS, gold, labelsAt(threshold));
    const s = r.perLabel[label];
    return { threshold, precision: s.precision, recall: s.recall, f1: s.f1, predicted: s.predicted, macroF1: r.macroF1 };
  };
  const given = at(others[label] ?? null);
  const points = grid.map((t) => at(t));
  let best = given;
  for (const p of [...points].sort((x, y) => x.threshold! - y.threshold!)) if (p.macroF1 > best.macroF1) best = p;
  const sweep: LabelSweep = { support: gold.filter((g) => g === label).length, given, points, best: best.threshold };
  if (best !== given) sweep.gain = pairedMacroF1(VERBAL_LABELS, gold, labelsAt(given.threshold), labelsAt(best.threshold));
  return sweep;
}

export interface SweepSubset {
  /** As the plain report's subsets: "all", each language, "… without needs_context", the `--by` slices. */
  name: string;
  /** Only on a subset `--by` made, as in the plain report. */
  slice?: Slice;
  n: number;
  labels: Record<SignalLabelName, LabelSweep>;
  /** Each label's best threshold, picked one label at a time (labels whose best is none are left out). */
  best: SignalThresholds;
}

export interface VerbalSweepReport {
  schema: typeof VERBAL_SWEEP_SCHEMA;
  sweep: 'verbal';
  data?: string;
  modelVersion: string;
  /** The thresholds the other labels are held to while one is swept (`--thresholds`; {}: none). */
  thresholds: SignalThresholds;
  grid: readonly number[];
  rows: number;
  subsets: SweepSubset[];
  caution: string;
}

/** Classifies the rows once (with the speaker rule, as eval does), then sweeps every signal label per subset. */
export function sweepVerbal(
  rows: readonly LabeledRow[],
  model: VerbalClassifier,
  thresholds: SignalThresholds = DEFAULT_SIGNAL_THRESHOLDS,
  opts: { data?: string; grid?: readonly number[]; by?: readonly string[] } = {},
): VerbalSweepReport {
  const grid = opts.grid ?? SWEEP_GRID;
  const preds = predictRows(model, rows);
  const subsets = subsetsOf(rows, opts.by).map(({ name, idx, slice }): SweepSubset => {
    const p = idx.map((i) => preds[i]!);
    const gold = idx.map((i) => rows[i]!.label);
    const labels = Object.fromEntries(SIGNAL_LABELS.map((l) => [l, sweepLabel(p, gold, l, thresholds, grid)])) as Record<SignalLabelName, LabelSweep>;
    const best: SignalThresholds = {};
    for (const l of SIGNAL_LABELS) if (labels[l].best !== null) best[l] = labels[l].best;
    return { name, ...(slice ? { slice } : {}), n: idx.length, labels, best };
  });
  return {
    schema: VERBAL_SWEEP_SCHEMA, sweep: 'verbal', ...(opts.data !== undefined ? { data: opts.data } : {}),
    modelVersion: model.version, thresholds, grid, rows: rows.length, subsets, caution: SWEEP_CAUTION,
  };
}

/** `--thresholds` text for these thresholds ("" when none). */
export const thresholdsFlag = (t: SignalThresholds): string => Object.entries(t).map(([l, v]) => `${l}=${v}`).join(',');

export function formatSweepReport(r: VerbalSweepReport): string {
  const grid = r.grid.length ? `${r.grid[0]!.toFixed(2)}–${r.grid[r.grid.length - 1]!.toFixed(2)}` : '(none)';
  const lines: string[] = [
    `threshold sweep: model ${r.modelVersion}, ${r.rows} rows${r.data !== undefined ? ` of ${r.data}` : ''}`,
    `each signal label's threshold over ${grid} in turn, the other labels held to ${Object.keys(r.thresholds).length ? describeThresholds(r.thresholds) : 'none (the most probable label counts)'};`,
    'P, R, F1: that label\'s; macro-F1: over all labels; ◀ best: the row with the best macro-F1 for the label',
    `CAUTION: ${SWEEP_CAUTION}`,
  ];
  for (const s of r.subsets) {
    lines.push('', `== ${s.name} (${s.n} rows)`);
    for (const l of SIGNAL_LABELS) {
      const ls = s.labels[l];
      lines.push(`${l} (support ${ls.support})`, '  threshold  predicted      P      R     F1 | macro-F1');
      const row = (p: SweepPoint, name: string, isBest: boolean) =>
        `  ${name.padStart(9)}  ${String(p.predicted).padStart(9)}  ${pct(p.precision)}  ${pct(p.recall)}  ${pct(p.f1)} |    ${pct(p.macroF1)}${isBest ? '  ◀ best' : ''}`;
      const givenName = ls.given.threshold === null ? 'none' : `${ls.given.threshold} given`;
      lines.push(row(ls.given, givenName, ls.best === ls.given.threshold));
      for (const p of ls.points) lines.push(row(p, p.threshold!.toFixed(2), ls.best === p.threshold && ls.best !== ls.given.threshold));
      if (ls.gain) lines.push(`  best against ${givenName}: macro-F1 ${describeDifference(ls.gain, 100, ' points', 'the pick')}, paired over these rows (the pick was made on them too, so even this flatters it)`);
    }
    const flag = thresholdsFlag(s.best);
    lines.push(
      `best on ${s.name}, one label at a time (together they may score otherwise): ${flag ? `--thresholds ${flag}` : 'none (no threshold beats the most probable label)'}`,
    );
  }
  lines.push('', `CAUTION: ${SWEEP_CAUTION}`);
  return lines.join('\n');
}
