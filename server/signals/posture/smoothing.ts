// Temporal smoothing for posture, pure and driven by media time (never the clock), so a
// replay at any speed gives the same result: a One-Euro filter for landmarks and a
// hysteresis gate that turns a label on only after it holds and off only after it lapses.
import type { Landmark } from '../pose/types';

export interface OneEuroOptions {
  /** Cut-off (Hz) when still: lower = smoother but laggier. */
  minCutoff: number;
  /** How fast the cut-off rises with speed (per normalised unit per second): higher = less lag on fast moves. */
  beta: number;
  /** Cut-off (Hz) for the speed estimate itself. */
  dCutoff: number;
  /** A gap in media time longer than this restarts the filter instead of smoothing across it. */
  maxGapMs: number;
}

/** Tuned for normalised landmark coordinates at 5-30 frames per second. */
export const DEFAULT_ONE_EURO: OneEuroOptions = { minCutoff: 1.0, beta: 5, dCutoff: 1.0, maxGapMs: 1000 };

const alpha = (cutoffHz: number, dtS: number): number => 1 / (1 + 1 / (2 * Math.PI * cutoffHz * dtS));

/** A One-Euro filter's state as plain data: [x (null before the first sample), dx, lastMs]. */
export type OneEuroState = [number | null, number, number];

/** One-Euro filter of one scalar (Casiez et al. 2012). */
export class OneEuroFilter {
  private x: number | undefined;
  private dx = 0;
  private lastMs = 0;

  constructor(private readonly opts: OneEuroOptions = DEFAULT_ONE_EURO) {}

  filter(value: number, mediaMs: number): number {
    const dtS = (mediaMs - this.lastMs) / 1000;
    if (this.x === undefined || dtS <= 0 || mediaMs - this.lastMs > this.opts.maxGapMs) {
      // First sample, a gap, or time that did not advance: start over from this value.
      if (this.x === undefined || dtS !== 0) {
        this.x = value;
        this.dx = 0;
        this.lastMs = mediaMs;
      }
      return this.x;
    }
    const dx = (value - this.x) / dtS;
    this.dx += alpha(this.opts.dCutoff, dtS) * (dx - this.dx);
    const cutoff = this.opts.minCutoff + this.opts.beta * Math.abs(this.dx);
    this.x += alpha(cutoff, dtS) * (value - this.x);
    this.lastMs = mediaMs;
    return this.x;
  }

  reset(): void {
    this.x = undefined;
  }

  snapshot(): OneEuroState {
    return [this.x ?? null, this.dx, this.lastMs];
  }

  restore([x, dx, lastMs]: OneEuroState): void {
    this.x = x ?? undefined;
    this.dx = dx;
    this.lastMs = lastMs;
  }
}

/** One-Euro filters for all x, y, z of one participant's landmarks; scores pass through. */
export class LandmarkSmoother {
  private filters: OneEuroFilter[][] = [];

  constructor(private readonly opts: OneEuroOptions = DEFAULT_ONE_EURO) {}

  smooth(landmarks: readonly Landmark[], mediaMs: number): Landmark[] {
    return landmarks.map((l, i) => {
      const f = (this.filters[i] ??= [0, 1, 2].map(() => new OneEuroFilter(this.opts)));
      return { x: f[0]!.filter(l.x, mediaMs), y: f[1]!.filter(l.y, mediaMs), z: f[2]!.filter(l.z, mediaMs), score: l.score };
    });
  }

  reset(): void {
    this.filters = [];
  }

  /** Per landmark, the x, y, z filters' states (empty before the first frame or after a reset). */
  snapshot(): OneEuroState[][] {
    return this.filters.map((f) => f.map((x) => x.snapshot()));
  }

  restore(state: readonly (readonly OneEuroState[])[]): void {
    this.filters = state.map((f) =>
      f.map((s) => {
        const x = new OneEuroFilter(this.opts);
        x.restore(s);
        return x;
      }),
    );
  }
}

export interface HysteresisOptions {
  /** Probability at or above which a label starts counting toward on. */
  onThreshold: number;
  /** Probability below which an on label starts counting toward off. */
  offThreshold: number;
  /** Media time the probability must stay at or above onThreshold before the label turns on. */
  holdMs: number;
  /** Media time it must stay below offThreshold before the label turns off. */
  releaseMs: number;
}

export const DEFAULT_HYSTERESIS: HysteresisOptions = { onThreshold: 0.6, offThreshold: 0.4, holdMs: 1500, releaseMs: 1500 };

export interface HysteresisChange {
  state: 'on' | 'off';
  /** For `on`: when the probability first crossed onThreshold in this run; for `off`: when it first fell below offThreshold. */
  sinceMs: number;
}

/** A gate's state as plain data; lastMs null stands for -Infinity (no frame yet), which JSON cannot hold. */
export interface HysteresisState {
  on: boolean;
  since: number | null;
  lastMs: number | null;
}

/** A label's on/off state: a posture must hold before it counts, and a flicker does not end it. */
export class Hysteresis {
  private on = false;
  private since: number | undefined;
  private lastMs = -Infinity;

  constructor(readonly opts: HysteresisOptions = DEFAULT_HYSTERESIS) {
    if (!(opts.offThreshold <= opts.onThreshold)) throw new Error(`offThreshold ${opts.offThreshold} must be <= onThreshold ${opts.onThreshold}`);
    if (opts.holdMs < 0 || opts.releaseMs < 0) throw new Error(`holdMs and releaseMs must be >= 0, got ${opts.holdMs} and ${opts.releaseMs}`);
  }

  get isOn(): boolean {
    return this.on;
  }

  /** Feeds one probability at `mediaMs`; returns the change if the state flipped. Frames going back in time are ignored. */
  update(p: number, mediaMs: number): HysteresisChange | null {
    if (mediaMs < this.lastMs) return null;
    this.lastMs = mediaMs;
    const towardFlip = this.on ? p < this.opts.offThreshold : p >= this.opts.onThreshold;
    if (!towardFlip) {
      this.since = undefined;
      return null;
    }
    this.since ??= mediaMs;
    if (mediaMs - this.since < (this.on ? this.opts.releaseMs : this.opts.holdMs)) return null;
    this.on = !this.on;
    const change: HysteresisChange = { state: this.on ? 'on' : 'off', sinceMs: this.since };
    this.since = undefined;
    return change;
  }

  reset(): void {
    this.on = false;
    this.since = undefined;
    this.lastMs = -Infinity;
  }

  snapshot(): HysteresisState {
    return { on: this.on, since: this.since ?? null, lastMs: Number.isFinite(this.lastMs) ? this.lastMs : null };
  }

  restore(s: HysteresisState): void {
    this.on = s.on;
    this.since = s.since ?? undefined;
    this.lastMs = s.lastMs ?? -Infinity;
  }
}
