// `eval cues --sweep`: for each verbal signal label that triggered reviewed cues, what a
// `serve --thresholds` value for it would have left of those cues (a signal under its label's
// threshold is stored as no signal, so a cue it triggered would not come). A what-if on the
// reviewed cues only: the engine is not run again. Pure.
import { VERBAL_LABELS } from '../../protocol/protocol';
import type { CueReviewRow } from './cueReviewRows';
import { cueTrigger } from './cueTrigger';

/** 0.50, 0.55, …, 0.95 (as decimals written so, not sums of 0.05). Under 0.5 no signal raises a cue (the engine's minSignalScore). */
export const CUE_SWEEP_GRID: readonly number[] = Array.from({ length: 10 }, (_, i) => (50 + 5 * i) / 100);

/** The least share of a label's useful cues a picked threshold must keep. */
export const KEEP_USEFUL = 0.8;

/** Said in the text and the JSON. */
export const CUE_SWEEP_CAUTION =
  'a what-if on the reviewed cues only: a higher threshold also changes which cues the engine emits (another signal may raise a cue at another moment, signals no longer add up or answer an objection, cooldowns move), and cues no coach reviewed are not counted; check a picked value by re-analysing with it (analyze --thresholds, analyze --compare, serve --thresholds and POST /api/sessions/:id/reanalyse) and new reviews';

export interface CueSweepPoint {
  threshold: number;
  /** Reviewed cues whose trigger scores ≥ threshold, by verdict. */
  usefulKept: number;
  falseAlarmsKept: number;
  /** usefulKept / (usefulKept + falseAlarmsKept); null when none is kept. */
  precision: number | null;
  usefulLost: number;
}

export interface CueLabelSweep {
  label: string;
  /** Reviewed emitted cues this label's signal triggered, by verdict. */
  reviewed: number;
  useful: number;
  falseAlarms: number;
  /** The lowest trigger score among them (a server run with a threshold already keeps none under it). */
  minScore: number;
  points: CueSweepPoint[];
  /**
   * The threshold of the grid with the best precision among those keeping ≥ keepUseful of the
   * useful cues (usefulKept ≥ keepUseful × useful); on a tie the lowest. null: the label
   * triggered no useful cue, so there is nothing to keep and nothing to pick from.
   */
  best: number | null;
}

export interface CueSweep {
  grid: readonly number[];
  keepUseful: number;
  /** Reviewed emitted cues in the sweep (a verbal trigger identified). */
  swept: number;
  /** Reviewed emitted cues a posture signal triggered (benefit_acknowledged, closed_posture): no verbal threshold applies. */
  postureTriggered: number;
  /** Reviewed emitted cues whose trigger could not be told from the row, with the first one's line and why. */
  unidentified: number;
  firstUnidentified?: { line: number; why: string };
  /** The verbal model versions of the swept cues (their scores are on one scale only within one). */
  verbalModels: string[];
  /** One per label that triggered a swept cue, in the protocol's label order. */
  labels: CueLabelSweep[];
  /** Each label's best above the lowest grid value, as `--thresholds` takes them ({}: none). */
  best: Record<string, number>;
  caution: string;
}

/** The pick of `CueLabelSweep.best`: points in grid order, so on a tie the lower threshold (met first) stays. */
function pickOf(points: readonly CueSweepPoint[], useful: number, keepUseful: number): number | null {
  if (useful === 0) return null;
  let best: CueSweepPoint | undefined;
  for (const p of points) {
    // Counts, not shares, so 0.8 × 5 = 4 is met by 4 (no float rounding).
    if (p.usefulKept * 100 < Math.round(keepUseful * 100) * useful || p.precision === null) continue;
    if (!best || p.precision > best.precision!) best = p;
  }
  return best ? best.threshold : null;
}

/** Sweeps every label that triggered one of the rows' emitted cues (rows without one are skipped). */
export function sweepCues(rows: readonly CueReviewRow[], opts: { grid?: readonly number[]; keepUseful?: number } = {}): CueSweep {
  const grid = opts.grid ?? CUE_SWEEP_GRID;
  const keepUseful = opts.keepUseful ?? KEEP_USEFUL;
  const byLabel = new Map<string, Array<{ useful: boolean; score: number }>>();
  const sweep: CueSweep = { grid, keepUseful, swept: 0, postureTriggered: 0, unidentified: 0, verbalModels: [], labels: [], best: {}, caution: CUE_SWEEP_CAUTION };
  const models = new Set<string>();
  for (const row of rows) {
    const t = cueTrigger(row);
    if (t === undefined) continue;
    if (t.kind === 'posture') sweep.postureTriggered++;
    else if (t.kind === 'unidentified') {
      if (sweep.unidentified++ === 0) sweep.firstUnidentified = { line: row.line, why: t.why };
    } else {
      sweep.swept++;
      // A verbal cue's model_version starts with the verbal model's ("verbal-…" or "verbal-…+posture-…").
      models.add(row.cue!.modelVersion.split('+')[0]!);
      const list = byLabel.get(t.label) ?? [];
      list.push({ useful: row.verdict === 'useful', score: t.score });
      byLabel.set(t.label, list);
    }
  }
  sweep.verbalModels = [...models].sort();
  const order = (l: string): number => {
    const i = (VERBAL_LABELS as readonly string[]).indexOf(l);
    return i < 0 ? VERBAL_LABELS.length : i;
  };
  for (const label of [...byLabel.keys()].sort((a, b) => order(a) - order(b) || a.localeCompare(b))) {
    const cues = byLabel.get(label)!;
    const useful = cues.filter((c) => c.useful).length;
    const points = grid.map((threshold): CueSweepPoint => {
      // A stored score is rounded to 3 decimals, so one equal to the threshold counts as kept.
      const kept = cues.filter((c) => c.score >= threshold);
      const usefulKept = kept.filter((c) => c.useful).length;
      const falseAlarmsKept = kept.length - usefulKept;
      return { threshold, usefulKept, falseAlarmsKept, precision: kept.length ? usefulKept / kept.length : null, usefulLost: useful - usefulKept };
    });
    const best = pickOf(points, useful, keepUseful);
    sweep.labels.push({ label, reviewed: cues.length, useful, falseAlarms: cues.length - useful, minScore: Math.min(...cues.map((c) => c.score)), points, best });
    if (best !== null && best > grid[0]!) sweep.best[label] = best;
  }
  return sweep;
}
