// Two models judged on the same rows: the difference of a figure (B − A) with a *paired*
// bootstrap interval, and how many rows each got right that the other did not. Paired: every
// resample of the rows is scored for both models, so what the rows have in common (easy or
// hard ones drawn more often) cancels out, and a difference two separate intervals would hide
// (they overlap) can still be told from noise. Pure.
import { bootstrapInterval, type BootstrapOptions, type Interval } from './bootstrap';

export interface PairedDifference {
  /** The figure of model A and of model B on all the rows. */
  a: number;
  b: number;
  /** b − a. */
  difference: number;
  /** Percentile bootstrap interval of b − a: the same resamples of the rows for both models. */
  interval: Interval;
  /** The interval lies wholly above or wholly below 0: the difference is unlikely to be noise. */
  excludesZero: boolean;
}

/**
 * `statistic(rows, 'a')` and `statistic(rows, 'b')` on all `n` rows, and the bootstrap interval
 * of their difference, each resample (bootstrapInterval's, same seed and draws as the single-model
 * intervals) scored for both. A model compared with itself gives 0 and [0, 0].
 */
export function pairedDifference(
  n: number,
  statistic: (rows: readonly number[], model: 'a' | 'b') => number,
  opts: BootstrapOptions = {},
): PairedDifference {
  const all = Array.from({ length: n }, (_, i) => i);
  const a = statistic(all, 'a');
  const b = statistic(all, 'b');
  const interval = bootstrapInterval(n, (rows) => statistic(rows, 'b') - statistic(rows, 'a'), opts);
  return { a, b, difference: b - a, interval, excludesZero: interval.low > 0 || interval.high < 0 };
}

export interface PairedCounts {
  /** Rows B gets right that A got wrong. */
  fixed: number;
  /** Rows A got right that B gets wrong. */
  broken: number;
  bothWrong: number;
  bothRight: number;
}

/** Counts of rows by which of the two models got them right (`aRight[i]`, `bRight[i]`). */
export function pairedCounts(aRight: readonly boolean[], bRight: readonly boolean[]): PairedCounts {
  if (aRight.length !== bRight.length) throw new Error(`model A has ${aRight.length} rows but model B has ${bRight.length}`);
  const c: PairedCounts = { fixed: 0, broken: 0, bothWrong: 0, bothRight: 0 };
  aRight.forEach((a, i) => {
    const b = bRight[i]!;
    if (a && b) c.bothRight++;
    else if (b) c.fixed++;
    else if (a) c.broken++;
    else c.bothWrong++;
  });
  return c;
}

/** "+2.4 points (95 % CI +0.3 to +4.6; excludes 0: B is better)", for the text reports (`subject`: what B is). */
export function describeDifference(d: PairedDifference, scale = 100, unit = ' points', subject = 'B'): string {
  const s = (x: number) => (x === 0 ? '0.0' : `${x > 0 ? '+' : '−'}${Math.abs(x * scale).toFixed(1)}`);
  const { low, high, level } = d.interval;
  const verdict = d.excludesZero
    ? `excludes 0: ${subject} is ${low > 0 ? 'better' : 'worse'}`
    : 'includes 0: no clear difference';
  return `${s(d.difference)}${unit} (${Math.round(level * 100)} % CI ${s(low)} to ${s(high)}; ${verdict})`;
}
