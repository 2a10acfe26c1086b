// The project's own posture training data: a posed parametric skeleton (varied body shape,
// seated or standing) seen through a varied camera (yaw frontal..side, pitch, crop, image
// size), with landmark noise, occlusion and low scores like BlazePose gives. Seeded and
// deterministic: the same seed always yields the same examples.
import type { Landmark, Pose } from '../pose/types';
import { gaussian, mulberry32, type Rng } from '../random';
import { applyFrame, frameTransform, projectPoints, type CameraSpec, type FrameTransform } from './camera';
import { computeFeatures, FEATURE_COUNT, featureValue } from './features';
import { drawPosture, type ArmsKind, type LeanKind } from './poses';
import { buildSkeleton, proportions, type BodyShape } from './skeleton';
import { MODEL_LABELS, type Baseline, type ModelLabel } from './types';

export interface SynthExample {
  pose: Pose;
  aspect: number;
  baseline?: Baseline;
  /** 0/1 per MODEL_LABELS entry. */
  labels: number[];
  /** 1 where the label is observable (legs in frame, the open hand in frame), else 0. */
  mask: number[];
  features: Float32Array;
  meta: { lean: LeanKind; arms: ArmsKind; armStyle: string; seated: boolean; yawDeg: number; crop: string };
}

/** Below this body scale (torso length / image height) a person with no baseline counts as sitting far. */
export const FAR_SCALE = 0.085;
/** With a baseline: this much smaller than their usual size counts as moved away. */
export const FAR_RATIO = 0.75;

const DEG = Math.PI / 180;
const u = (r: Rng, a: number, b: number): number => a + (b - a) * r();
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const ASPECTS = [4 / 3, 16 / 9, 3 / 2, 1, 3 / 4, 2 / 3];

interface NoiseSpec {
  heightPx: number;
  /** Relative landmark jitter as a share of the torso length. */
  rel: number;
  zScale: number;
  zNoise: number;
  /** Extra depth exaggeration of the face and of the hands (pose models overstate both). */
  zFace: number;
  zHands: number;
  /** Depth pulled toward the camera per torso length above the hips (a forward-tilt prior). */
  zShear: number;
}

const HAND_POINTS = (k: number): number[] => [15 + k, 17 + k, 19 + k, 21 + k];

/**
 * Where a pose model tends to put hands it cannot see well: folded forearms come out short
 * (the wrist pulled back along the forearm, often to the midline), and a hidden hand is
 * sometimes put on the other, visible hand. Moves each hand's points together.
 */
function guessHands(lm: Landmark[], r: Rng, sides: { pulled: number[]; hidden: Set<number> }): Landmark[] {
  const out = lm.map((l) => ({ ...l }));
  for (const k of [0, 1]) {
    const wrist = lm[15 + k]!, elbow = lm[13 + k]!, other = lm[16 - k]!;
    const hiddenWrist = sides.hidden.has(15 + k);
    const roll = r();
    let target: { x: number; y: number } | undefined;
    if ((sides.pulled.includes(k) || hiddenWrist) && roll < 0.45) {
      const t = u(r, 0.5, 1);
      target = { x: elbow.x + (wrist.x - elbow.x) * t, y: elbow.y + (wrist.y - elbow.y) * t };
    } else if (hiddenWrist && roll > 0.8) target = other;
    if (!target) continue;
    const dx = target.x - wrist.x, dy = target.y - wrist.y;
    for (const i of HAND_POINTS(k)) {
      out[i]!.x += dx;
      out[i]!.y += dy;
    }
  }
  return out;
}

/** BlazePose-like corruption: jitter, unreliable z, low scores for hidden, far-side and off-frame points. */
function corrupt(lm: Landmark[], r: Rng, n: NoiseSpec, aspect: number, hidden: Set<number>, farSide: Set<number>): Landmark[] {
  const sh = lm[11]!, hp = lm[23]!;
  const torso = Math.max(Math.hypot((sh.x - hp.x) * aspect, sh.y - hp.y), 0.02);
  const px = 1.5 / n.heightPx;
  return lm.map((l, i) => {
    const hand = i >= 17 && i <= 22;
    const off = l.x < 0 || l.x > 1 || l.y < 0 || l.y > 1;
    let sigma = n.rel * torso + px * (hand ? 2.5 : 1);
    let score = u(r, 0.8, 1);
    const { x, y } = l;
    // A hidden point still gets a guess, often with a confident score.
    if (hidden.has(i)) {
      score = u(r, 0.25, 1);
      sigma += 0.05 * torso;
    }
    if (farSide.has(i)) {
      score *= u(r, 0.35, 0.95);
      sigma *= 1.6;
    }
    if (off) {
      score = u(r, 0.01, 0.35);
      sigma += 0.1 * torso;
    }
    if (r() < 0.02) {
      score = u(r, 0, 0.4);
      sigma += 0.2 * torso;
    }
    return {
      x: x + (gaussian(r) * sigma) / aspect,
      y: y + gaussian(r) * sigma,
      z: n.zScale === 0 ? 0 : (l.z * n.zScale * (i <= 10 ? n.zFace : i >= 15 && i <= 22 ? n.zHands : 1) - n.zShear * Math.max(0, hp.y - l.y) + gaussian(r) * n.zNoise * torso) / aspect,
      score,
    };
  });
}

function boxOf(lm: Landmark[]): Pose['box'] {
  const vis = lm.filter((l) => l.score > 0.3);
  const pts = vis.length ? vis : lm;
  const xs = pts.map((l) => l.x), ys = pts.map((l) => l.y);
  const xMin = Math.max(0, Math.min(...xs)), yMin = Math.max(0, Math.min(...ys));
  return { xMin, yMin, width: Math.min(1, Math.max(...xs)) - xMin, height: Math.min(1, Math.max(...ys)) - yMin };
}

const shape = (r: Rng): BodyShape => proportions(u(r, 1.5, 1.95), (s) => 1 + u(r, -s, s));

/** One labelled example, or null when the draw left the shoulders unusable (the caller redraws). */
export function sampleExample(r: Rng): SynthExample | null {
  const b = shape(r);
  const seated = r() < 0.55;
  const lean: LeanKind = pick(r, ['upright', 'upright', 'forward', 'forward', 'back'] as const);
  const arms: ArmsKind = pick(r, ['crossed', 'open', 'rest', 'rest'] as const);
  const legsCrossed = r() < (seated ? 0.25 : 0.1);
  // Hunched over a desk or a device is leaning forward too; upright people also look down.
  const hunch = lean === 'forward' && r() < (seated ? 0.55 : 0.35);
  const readDown = lean !== 'forward' && r() < 0.15;
  const draw = drawPosture(r, b, { lean, arms, seated, legsCrossed, hunch, readDown });
  const ref = drawPosture(r, b, { lean: 'upright', arms: 'rest', seated, legsCrossed: false });
  const view = r();
  const yawDeg = (view < 0.4 ? u(r, 0, 20) : view < 0.75 ? u(r, 20, 60) : u(r, 60, 95)) * (r() < 0.5 ? -1 : 1);
  const cam: CameraSpec = { yaw: yawDeg * DEG, pitch: (r() < 0.7 ? u(r, -12, 15) : u(r, 15, 40)) * DEG, roll: u(r, -4, 4) * DEG, distanceM: u(r, 1.4, 5), aimY: b.torso * u(r, 0.3, 0.9) };
  const crop = pick(r, ['full', 'full', 'knees', 'waist', 'waist', 'chest'] as const);
  const T = b.torso;
  const bottomY = crop === 'full' ? -9 : crop === 'knees' ? (seated ? u(r, -0.1, 0) : -b.thigh * u(r, 0.9, 1.1)) : crop === 'waist' ? T * u(r, -0.15, 0.35) : T * u(r, 0.35, 0.6);
  const aspect = pick(r, ASPECTS);
  const ref3d = buildSkeleton(b, ref.spec);
  const refProj = projectPoints(ref3d, cam);
  const fill = crop === 'full' ? u(r, 0.6, 0.95) : u(r, 0.8, 1.15);
  const t0 = frameTransform(ref3d, refProj, { aspect, bottomY, fill, shiftX: u(r, -0.15, 0.15) * aspect, shiftY: u(r, -0.06, 0.06) });
  const far = r() < 0.15 ? u(r, 0.25, 0.72) : 1;
  const t: FrameTransform = far === 1 ? t0 : { ...t0, s: t0.s * far, ox: t0.ox + (aspect / 2 - t0.ox) * (1 - far) * 0.5 };
  // A few examples carry no depth at all (2D-only keypoint sources), so the model copes without z.
  // Depth from one image is weak, and weakest on upper-body crops.
  const cropped = crop === 'waist' || crop === 'chest';
  const noise: NoiseSpec = {
    heightPx: u(r, 150, 1080),
    rel: u(r, 0.008, 0.045),
    // BlazePose tends to exaggerate depth (hands in front come out far closer than they are).
    zScale: r() < 0.12 ? 0 : cropped ? u(r, 0.5, 4) : u(r, 0.5, 3),
    zNoise: cropped ? u(r, 0.2, 0.8) : u(r, 0.08, 0.4),
    zFace: u(r, 1, 4),
    zHands: u(r, 1, 2.5),
    zShear: u(r, -0.2, 0.8),
  };

  const pts = buildSkeleton(b, draw.spec);
  const proj = projectPoints(pts, cam);
  // The arm and leg on the side away from the camera are partly hidden behind the body.
  const farSide = new Set<number>();
  const dShoulder = proj[11]!.depth - proj[12]!.depth;
  if (Math.abs(dShoulder) > 0.12) for (const i of [13, 15, 17, 19, 21, 23, 25, 27, 29, 31]) farSide.add(dShoulder > 0 ? i : i + 1);
  const hidden = new Set(draw.hidden);
  const lm = corrupt(guessHands(applyFrame(proj, t), r, { pulled: draw.pulled, hidden }), r, noise, aspect, hidden, farSide);
  const pose: Pose = { landmarks: lm, score: u(r, 0.6, 1), box: boxOf(lm) };

  let baseline: Baseline | undefined;
  if (r() < 0.5) {
    const calm = { ...noise, rel: noise.rel / 3, zNoise: noise.zNoise / 3 };
    const refLm = corrupt(applyFrame(refProj, t0), r, calm, aspect, new Set(), farSide);
    baseline = computeFeatures({ landmarks: refLm, score: 1, box: boxOf(refLm) }, { aspect })?.body;
  }
  const featAspect = r() < 0.2 ? aspect * u(r, 0.88, 1.12) : aspect;
  const feats = computeFeatures(pose, { aspect: featAspect, baseline });
  if (!feats) return null;
  const isFar = baseline ? feats.body.bodyScale / baseline.bodyScale < FAR_RATIO : feats.body.bodyScale < FAR_SCALE;
  const truth: Record<ModelLabel, boolean> = {
    arms_crossed: arms === 'crossed',
    leaning_forward: lean === 'forward',
    leaning_back: lean === 'back',
    open_palms: arms === 'open',
    legs_crossed: draw.legsCrossed,
    sitting_far: isFar,
  };
  const handInFrame = draw.openHands.some((k) => { const w = lm[15 + k]!; return w.x >= 0 && w.x <= 1 && w.y >= 0 && w.y <= 1; });
  const seen: Record<ModelLabel, boolean> = {
    arms_crossed: true, leaning_forward: true, leaning_back: true,
    open_palms: arms !== 'open' || handInFrame,
    legs_crossed: featureValue(feats.values, 'kneesOk') > 0,
    sitting_far: true,
  };
  return {
    pose, aspect, baseline,
    labels: MODEL_LABELS.map((l) => (truth[l] ? 1 : 0)),
    mask: MODEL_LABELS.map((l) => (seen[l] ? 1 : 0)),
    features: feats.values,
    meta: { lean, arms, armStyle: draw.armStyle, seated, yawDeg, crop },
  };
}

export interface SynthDataset {
  n: number;
  /** n x FEATURE_COUNT, row-major. */
  x: Float32Array;
  /** n x MODEL_LABELS.length targets and masks. */
  y: Float32Array;
  mask: Float32Array;
  /** 0 frontal (|yaw| < 20°), 1 three-quarter, 2 side, per example. */
  view: Uint8Array;
}

/** `n` examples from `seed`; the same arguments always give the same arrays. */
export function generateDataset(seed: number, n: number): SynthDataset {
  const r = mulberry32(seed);
  const L = MODEL_LABELS.length;
  const out: SynthDataset = { n, x: new Float32Array(n * FEATURE_COUNT), y: new Float32Array(n * L), mask: new Float32Array(n * L), view: new Uint8Array(n) };
  for (let i = 0; i < n; ) {
    const ex = sampleExample(r);
    if (!ex) continue;
    out.x.set(ex.features, i * FEATURE_COUNT);
    out.y.set(ex.labels, i * L);
    out.mask.set(ex.mask, i * L);
    const yaw = Math.abs(ex.meta.yawDeg);
    out.view[i] = yaw < 20 ? 0 : yaw < 60 ? 1 : 2;
    i++;
  }
  return out;
}

export interface SynthScene {
  poses: Pose[];
  /** Index of the participant (larger and nearer the centre than the bystanders). */
  target: number;
  example: SynthExample;
}

/**
 * Several people in one frame: the drawn example in the middle, bystanders shrunk and moved
 * toward the edges (behind the table, at the side). For testing who the tracker follows.
 */
export function sampleScene(r: Rng, people: number): SynthScene {
  let example: SynthExample | null = null;
  while (!example) example = sampleExample(r);
  const poses: Pose[] = [];
  for (let k = 1; k < people; k++) {
    let other: SynthExample | null = null;
    while (!other) other = sampleExample(r);
    const shrink = u(r, 0.35, 0.6);
    const side = k % 2 ? -1 : 1;
    const dx = side * u(r, 0.3, 0.42);
    const lm = other.pose.landmarks.map((l) => ({ ...l, x: 0.5 + (l.x - 0.5) * shrink + dx, y: 0.5 + (l.y - 0.5) * shrink - u(r, 0, 0.1) }));
    poses.push({ landmarks: lm, score: other.pose.score, box: boxOf(lm) });
  }
  const target = Math.floor(r() * people);
  poses.splice(target, 0, example.pose);
  return { poses, target, example };
}
