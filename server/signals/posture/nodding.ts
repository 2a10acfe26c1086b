// Nodding from head pitch over time: counts down-up swings of the nose against the ears and
// eyes within a short window. Pure; media time is an argument.
import type { Landmark } from '../pose/types';

export interface NodOptions {
  /** Only swings inside this much recent media time count. */
  windowMs: number;
  /** Smallest swing, in head sizes of nose travel relative to the ears and eyes. */
  minAmplitude: number;
  /** Down-up cycles needed within the window. */
  minCycles: number;
}

export const DEFAULT_NOD: NodOptions = { windowMs: 2000, minAmplitude: 0.08, minCycles: 2 };

/**
 * Head pitch proxy: how far the nose sits below the ear/eye line, in head sizes (ear to ear),
 * larger = looking further down. Null when the face points are not confident.
 */
export function headPitchSignal(lm: readonly Landmark[], aspect = 1, minScore = 0.5): number | null {
  const pts = [0, 2, 5, 7, 8].map((i) => lm[i]);
  if (pts.some((p) => !p || p.score < minScore)) return null;
  const [nose, le, re, lear, rear] = pts as Landmark[];
  const refY = (le!.y + re!.y + lear!.y + rear!.y) / 4;
  const head = Math.hypot((lear!.x - rear!.x) * aspect, lear!.y - rear!.y, (lear!.z - rear!.z) * aspect);
  // In side views the ears overlap; the eye-to-ear distance keeps the scale usable there.
  const size = Math.max(head, 1.5 * Math.hypot((le!.x - lear!.x) * aspect, le!.y - lear!.y), 1e-4);
  return (nose!.y - refY) / size;
}

export interface NodState {
  nodding: boolean;
  cycles: number;
  /** Largest swing in the window, head sizes. */
  amplitude: number;
}

/** A nod detector's state as plain data: the pitch samples in its window. */
export interface NodDetectorState {
  samples: Array<{ t: number; v: number }>;
}

/** Keeps a window of pitch samples for one participant and counts nods in it. */
export class NodDetector {
  private samples: Array<{ t: number; v: number }> = [];

  constructor(private readonly opts: NodOptions = DEFAULT_NOD) {}

  update(pitch: number | null, mediaMs: number): NodState {
    const last = this.samples[this.samples.length - 1];
    if (pitch !== null && Number.isFinite(pitch) && (!last || mediaMs > last.t)) this.samples.push({ t: mediaMs, v: pitch });
    while (this.samples.length && this.samples[0]!.t < mediaMs - this.opts.windowMs) this.samples.shift();
    return countNods(this.samples.map((s) => s.v), this.opts.minAmplitude, this.opts.minCycles);
  }

  reset(): void {
    this.samples = [];
  }

  snapshot(): NodDetectorState {
    return { samples: this.samples.map((s) => ({ ...s })) };
  }

  restore(s: NodDetectorState): void {
    this.samples = s.samples.map((x) => ({ ...x }));
  }
}

/**
 * Zig-zag over the values: a turning point counts once the signal has moved minAmplitude
 * back from it. A cycle is a down swing (pitch up) followed by an up swing (pitch down).
 */
export function countNods(values: readonly number[], minAmplitude: number, minCycles: number): NodState {
  if (values.length < 3) return { nodding: false, cycles: 0, amplitude: 0 };
  const swings: number[] = []; // signed swing sizes between confirmed turning points
  let pivot = values[0]!;
  let extreme = pivot;
  let dir = 0; // +1 rising (head going down), -1 falling
  for (const v of values.slice(1)) {
    if (dir >= 0 && v > extreme) extreme = v;
    else if (dir <= 0 && v < extreme) extreme = v;
    if (dir === 0) {
      if (Math.abs(v - pivot) >= minAmplitude) {
        dir = v > pivot ? 1 : -1;
        extreme = v;
      }
      continue;
    }
    if ((dir > 0 && extreme - v >= minAmplitude) || (dir < 0 && v - extreme >= minAmplitude)) {
      swings.push(extreme - pivot);
      pivot = extreme;
      extreme = v;
      dir = -dir;
    }
  }
  if (dir !== 0 && Math.abs(extreme - pivot) >= minAmplitude) swings.push(extreme - pivot);
  let cycles = 0;
  for (let i = 0; i + 1 < swings.length; i++) {
    if (swings[i]! > 0 && swings[i + 1]! < 0) {
      cycles++;
      i++;
    }
  }
  const amplitude = swings.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
  return { nodding: cycles >= minCycles, cycles, amplitude };
}
