// Small 2D/3D vector arithmetic shared by the feature extractor and the synthetic skeleton,
// kept as plain tuples so both stay allocation-light and easy to test.
export type V3 = [number, number, number];
export type V2 = [number, number];

export const add = (a: V3, b: V3): V3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: V3, k: number): V3 => [a[0] * k, a[1] * k, a[2] * k];
export const dot = (a: V3, b: V3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const norm = (a: V3): number => Math.sqrt(dot(a, a));
export const mid = (a: V3, b: V3): V3 => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
export const lerp = (a: V3, b: V3, t: number): V3 => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

/** Unit vector; a zero vector stays zero rather than becoming NaN. */
export function unit(a: V3): V3 {
  const n = norm(a);
  return n > 1e-9 ? scale(a, 1 / n) : [0, 0, 0];
}

export const dist2 = (a: V3, b: V3): number => Math.hypot(a[0] - b[0], a[1] - b[1]);
export const dist3 = (a: V3, b: V3): number => norm(sub(a, b));

/** Rotation of `p` about the unit axis `k` by `angle` radians (Rodrigues). */
export function rotate(p: V3, k: V3, angle: number): V3 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const kxp = cross(k, p);
  const kdp = dot(k, p) * (1 - c);
  return [p[0] * c + kxp[0] * s + k[0] * kdp, p[1] * c + kxp[1] * s + k[1] * kdp, p[2] * c + kxp[2] * s + k[2] * kdp];
}

/** 2D cross product z-component of (a - o) x (b - o). */
const orient = (o: V3, a: V3, b: V3): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Whether 2D segments p1-p2 and q1-q2 properly intersect (touching ends do not count). */
export function segmentsCross(p1: V3, p2: V3, q1: V3, q2: V3): boolean {
  const d1 = orient(q1, q2, p1);
  const d2 = orient(q1, q2, p2);
  const d3 = orient(p1, p2, q1);
  const d4 = orient(p1, p2, q2);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

function pointSegmentDist(p: V3, a: V3, b: V3): number {
  const abx = b[0] - a[0];
  const aby = b[1] - a[1];
  const len2 = abx * abx + aby * aby;
  const t = len2 > 1e-12 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * abx + (p[1] - a[1]) * aby) / len2)) : 0;
  return Math.hypot(p[0] - a[0] - t * abx, p[1] - a[1] - t * aby);
}

/** Smallest 2D distance between two segments (0 when they cross). */
export function segmentDistance(p1: V3, p2: V3, q1: V3, q2: V3): number {
  if (segmentsCross(p1, p2, q1, q2)) return 0;
  return Math.min(pointSegmentDist(p1, q1, q2), pointSegmentDist(p2, q1, q2), pointSegmentDist(q1, p1, p2), pointSegmentDist(q2, p1, p2));
}
