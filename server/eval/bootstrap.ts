// Percentile bootstrap intervals: how far a figure measured on a few hundred rows (or a few
// dozen photos) could move on another sample of the same kind. Seeded, so the same input
// gives the same interval. Pure.
import { mulberry32 } from '../signals/random';

export interface Interval {
  /** Central share of the resampled values, e.g. 0.95. */
  level: number;
  resamples: number;
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
  seed?: number;
}

/**
 * Draws `n` row indices with replacement `resamples` times and takes `statistic` on each
 * draw; the interval holds the central `level` share of those values.
 */
export function bootstrapInterval(n: number, statistic: (rows: readonly number[]) => number, opts: BootstrapOptions = {}): Interval {
  const { resamples = 1000, level = 0.95, seed = 20261129 } = opts;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a whole number ≥ 1, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be between 0 and 1, got ${level}`);
  if (n === 0) return { level, resamples, low: 0, high: 0 };
  const rng = mulberry32(seed);
  const rows: number[] = new Array<number>(n);
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) rows[i] = Math.floor(rng() * n);
    values.push(statistic(rows));
  }
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { level, resamples, low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) };
}

/**
 * The cluster bootstrap: draws whole groups of rows (a meeting's verdicts, which are not
 * independent of one another) with replacement, as many as there are groups, and takes
 * `statistic` on the rows of the groups drawn (a group drawn twice counts twice). The draws are
 * bootstrapInterval's over the group indices, so the same seed gives the same interval, and
 * groups of one row each give exactly bootstrapInterval's interval over the rows.
 */
export function bootstrapGroupsInterval(
  groups: readonly (readonly number[])[],
  statistic: (rows: readonly number[]) => number,
  opts: BootstrapOptions = {},
): Interval {
  return bootstrapInterval(groups.length, (drawn) => statistic(drawn.flatMap((g) => groups[g]!)), opts);
}
