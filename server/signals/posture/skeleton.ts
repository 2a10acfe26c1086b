// A parametric 3D human skeleton in the 33-point BlazePose topology, for the project's own
// synthetic training data. Body frame in metres: origin at the hip midpoint, +x to the
// person's left, +y up, +z the way they face.
import { add, cross, dot, norm, rotate, scale, sub, unit, type V3 } from './vec';

export interface BodyShape {
  shoulderHalf: number;
  hipHalf: number;
  torso: number;
  /** Shoulder midpoint up to the head centre. */
  neck: number;
  head: number;
  upperArm: number;
  forearm: number;
  hand: number;
  thigh: number;
  shin: number;
}

/** Average proportions scaled to a height; callers jitter them for body-shape variety. */
export function proportions(height: number, jitter: (spread: number) => number = () => 1): BodyShape {
  const h = height;
  return {
    shoulderHalf: 0.112 * h * jitter(0.12),
    hipHalf: 0.06 * h * jitter(0.12),
    torso: 0.29 * h * jitter(0.06),
    // Shoulder joints to the head centre: puts the nose about 0.19 m above the shoulder line.
    neck: 0.12 * h * jitter(0.08),
    head: (h / 1.75) * jitter(0.06),
    upperArm: 0.172 * h * jitter(0.06),
    forearm: 0.148 * h * jitter(0.06),
    hand: 0.1 * (h / 1.75) * jitter(0.1),
    thigh: 0.245 * h * jitter(0.05),
    shin: 0.246 * h * jitter(0.05),
  };
}

export interface ArmSpec {
  /** Wrist target in the (unleaned) torso frame, metres from the hip midpoint. */
  wrist: V3;
  /** Direction the elbow bends toward (e.g. down and out). */
  pole: V3;
  /** Where the fingers point, and the palm's outward normal. */
  fingerDir: V3;
  palmNormal: V3;
  /** 0 = fist, 1 = fingers and thumb spread wide. */
  spread: number;
}

export interface LegSpec {
  knee: V3;
  ankle: V3;
}

export interface PostureSpec {
  /** Radians; positive leans the torso forward about the hips. */
  torsoPitch: number;
  torsoRoll: number;
  torsoYaw: number;
  /** Radians; positive tips the head down. */
  headPitch: number;
  headYaw: number;
  /**
   * Metres the shoulders come forward (and a little in and down) in a rounded, hunched upper
   * back, as over a desk or a phone; default 0.
   */
  shoulderFwd?: number;
  arms: [ArmSpec, ArmSpec];
  legs: [LegSpec, LegSpec];
}

const HEAD_POINTS: Record<number, V3> = {
  0: [0, -0.02, 0.1],
  1: [0.017, 0.015, 0.088], 2: [0.032, 0.015, 0.083], 3: [0.046, 0.015, 0.072],
  4: [-0.017, 0.015, 0.088], 5: [-0.032, 0.015, 0.083], 6: [-0.046, 0.015, 0.072],
  7: [0.075, 0, -0.005], 8: [-0.075, 0, -0.005],
  9: [0.025, -0.055, 0.082], 10: [-0.025, -0.055, 0.082],
};

/** Elbow from shoulder, wrist target and pole by two-bone IK; the wrist is pulled in if out of reach. */
export function solveArm(sh: V3, target: V3, pole: V3, a: number, b: number): { elbow: V3; wrist: V3 } {
  const dir = unit(sub(target, sh));
  const d = Math.min(Math.max(norm(sub(target, sh)), Math.abs(a - b) + 1e-3), a + b - 1e-3);
  const x = (a * a - b * b + d * d) / (2 * d);
  const r = Math.sqrt(Math.max(a * a - x * x, 0));
  let perp = sub(pole, scale(dir, dot(pole, dir)));
  if (norm(perp) < 1e-6) perp = Math.abs(dir[1]) < 0.9 ? cross(dir, [0, 1, 0]) : cross(dir, [1, 0, 0]);
  const elbow = add(add(sh, scale(dir, x)), scale(unit(perp), r));
  return { elbow, wrist: add(sh, scale(dir, d)) };
}

/** Pinky, index and thumb points of one hand (BlazePose's hand landmarks) from its orientation. */
function handPoints(wrist: V3, arm: ArmSpec, sigma: number, len: number): [V3, V3, V3] {
  const d = unit(arm.fingerDir);
  const n = unit(sub(arm.palmNormal, scale(d, dot(arm.palmNormal, d))));
  // The thumb sits medially when the palm faces out with fingers up: t = -sigma (d x n).
  const t = scale(cross(d, n), -sigma);
  const s = arm.spread;
  const reach = len * (0.65 + 0.35 * s);
  const pinky = add(wrist, add(scale(d, reach * 0.78), scale(t, -len * (0.32 + 0.2 * s))));
  const index = add(wrist, add(scale(d, reach * 0.9), scale(t, len * (0.12 + 0.12 * s))));
  const thumb = add(wrist, add(add(scale(d, len * (0.35 + 0.1 * s)), scale(t, len * (0.3 + 0.3 * s))), scale(n, len * 0.12 * s)));
  return [pinky, index, thumb];
}

/** The 33 landmarks in the body frame for one shape and posture. */
export function buildSkeleton(shape: BodyShape, spec: PostureSpec): V3[] {
  const pts: V3[] = new Array(33).fill(null).map((): V3 => [0, 0, 0]);
  const torsoToBody = (q: V3): V3 => {
    let r = rotate(q, [1, 0, 0], spec.torsoPitch);
    r = rotate(r, [0, 0, 1], spec.torsoRoll);
    return rotate(r, [0, 1, 0], spec.torsoYaw);
  };
  const T = shape.torso;
  const neckBase: V3 = [0, T + 0.03, -0.01];
  const headCentre: V3 = [0, T + shape.neck, 0.015];
  for (const [k, local] of Object.entries(HEAD_POINTS)) {
    let q = add(headCentre, scale(local, shape.head));
    q = add(neckBase, rotate(rotate(sub(q, neckBase), [1, 0, 0], spec.headPitch), [0, 1, 0], spec.headYaw));
    pts[Number(k)] = torsoToBody(q);
  }
  for (const [k, sigma] of [[0, 1], [1, -1]] as const) {
    const arm = spec.arms[k];
    const fwd = spec.shoulderFwd ?? 0;
    const sh: V3 = [sigma * (shape.shoulderHalf - 0.3 * fwd), T - 0.3 * fwd, fwd];
    const { elbow, wrist } = solveArm(sh, arm.wrist, arm.pole, shape.upperArm, shape.forearm);
    const [pinky, index, thumb] = handPoints(wrist, arm, sigma, shape.hand);
    pts[11 + k] = torsoToBody(sh);
    pts[13 + k] = torsoToBody(elbow);
    pts[15 + k] = torsoToBody(wrist);
    pts[17 + k] = torsoToBody(pinky);
    pts[19 + k] = torsoToBody(index);
    pts[21 + k] = torsoToBody(thumb);
    const leg = spec.legs[k];
    const hip: V3 = [sigma * shape.hipHalf, 0, 0];
    pts[23 + k] = hip;
    // Legs are given as targets; rescale to this body's bone lengths so shapes stay consistent.
    const knee = add(hip, scale(unit(sub(leg.knee, hip)), shape.thigh));
    const ankle = add(knee, scale(unit(sub(leg.ankle, knee)), shape.shin));
    pts[25 + k] = knee;
    pts[27 + k] = ankle;
    const toe = unit([sigma * 0.15, 0, 1]);
    pts[29 + k] = add(ankle, [0, -0.06, -0.05]);
    pts[31 + k] = add(ankle, add([0, -0.08, 0], scale(toe, 0.16)));
  }
  return pts;
}
