// Turns one person's 33 landmarks into posture features a person could read (torso lean,
// wrists across the midline, hand spread, knees crossed), invariant to image size and
// position. Pure: the same pose always gives the same numbers.
import type { Landmark, Pose } from '../pose/types';
import type { Baseline, FeatureOptions } from './types';
import { add, cross, dist2, dist3, dot, mid, norm, scale, segmentDistance, segmentsCross, sub, unit, type V3 } from './vec';

export const DEFAULT_MIN_SCORE = 0.5;
/** Arm points below this score are dropped; between it and minScore they are kept but flagged (crossed forearms hide wrists). */
export const ARM_FLOOR_SCORE = 0.1;
/** Torso length over the (frontal, 2D) shoulder width and over the head size, for the average adult: the scale estimate on upper-body crops. */
const TORSO_PER_SHOULDER = 1 / 0.79;
const TORSO_PER_HEAD = 1 / 0.3;

const SIDE_NAMES = ['l', 'r'] as const;
const ARM_NAMES = ['WristOk', 'WristScore', 'ElbowOk', 'ElbowLat', 'ElbowUp', 'ElbowFwd', 'WristLat', 'WristUp', 'WristFwd', 'WristLat2d', 'WristBeyondOpp', 'ElbowAngle', 'WristToOppElbow', 'WristToChest', 'ForearmLen2d', 'ForearmInward'];
const HAND_NAMES = ['HandOk', 'HandLen', 'HandSpread', 'PalmCross', 'ThumbSide', 'FingerUp', 'FingerLat', 'HandZ', 'ThumbZ'];
const LEG_NAMES = ['KneeLat', 'KneeUp', 'KneeFwd', 'AnkleLat', 'ThighLen'];

/** Feature order of the classifier input; the model manifest stores it and refuses a mismatch. */
export const FEATURE_NAMES: readonly string[] = [
  'hipsOk', 'zMissing', 'frontalness', 'shoulderWidth2d', 'shoulderWidth3d', 'headSize', 'logBodyScale', 'shoulderTilt',
  'torsoTilt2d', 'torsoTiltAbs', 'leanForward2d', 'leanByKnees', 'leanByHands', 'headAhead', 'leanZ', 'torsoForeshortening', 'faceTurn',
  'headUp', 'headFwd', 'headLat', 'headPitch', 'earsUp', 'noseUp',
  'hasBaseline', 'baseShoulder', 'baseHead', 'baseScale', 'baseNeck',
  ...SIDE_NAMES.flatMap((s) => [...ARM_NAMES, ...HAND_NAMES].map((n) => s + n)),
  'forearmsCross', 'forearmDist', 'wristsDist', 'crossAmount',
  'kneesOk', 'anklesOk', ...SIDE_NAMES.flatMap((s) => LEG_NAMES.map((n) => s + n)),
  'kneeSep', 'ankleSep', 'kneeHeightDiff', 'shinsCross', 'thighShinCross',
];
export const FEATURE_COUNT = FEATURE_NAMES.length;

export interface PostureFeatures {
  /** FEATURE_COUNT values in FEATURE_NAMES order; missing parts are filled with 0 and flagged. */
  values: Float32Array;
  /** Raw measurements for the baseline and the event explanation. */
  body: Baseline;
  /** How far the torso tilts from vertical in the image, degrees (0 when the hips are not visible). */
  torsoLeanDeg: number;
}

type Pt = V3;
const clamp = (v: number, lo: number, hi: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : 0);
const angleAt = (a: Pt, o: Pt, b: Pt): number => {
  const u = sub(a, o);
  const v = sub(b, o);
  return Math.acos(clamp(dot(u, v) / Math.max(norm(u) * norm(v), 1e-9), -1, 1));
};
const flat = (p: Pt): Pt => [p[0], p[1], 0];

/**
 * Features of one pose, or null when the shoulders are missing (nothing to measure from).
 * Coordinates are first made square (x and z times the aspect), then expressed in a body
 * frame (lateral = right→left shoulder, up = hips→shoulders, forward = their cross product)
 * scaled by the torso length, so the same posture gives the same numbers at any size.
 */
export function computeFeatures(pose: Pose, opts: FeatureOptions = {}): PostureFeatures | null {
  const aspect = opts.aspect ?? 1;
  const minScore = opts.minScore ?? DEFAULT_MIN_SCORE;
  const lm = pose.landmarks;
  if (lm.length !== 33) throw new Error(`pose has ${lm.length} landmarks, expected 33 (BlazePose topology)`);
  const P: Pt[] = lm.map((l: Landmark) => [l.x * aspect, l.y, (Number.isFinite(l.z) ? l.z : 0) * aspect]);
  const inFrame = (i: number): boolean => lm[i]!.x >= -0.02 && lm[i]!.x <= 1.02 && lm[i]!.y >= -0.02 && lm[i]!.y <= 1.02;
  const ok = (i: number, floor = minScore): boolean => lm[i]!.score >= floor && inFrame(i);
  const p = (i: number): Pt => P[i]!;
  if (!ok(11, ARM_FLOOR_SCORE) || !ok(12, ARM_FLOOR_SCORE)) return null;

  const f: Record<string, number> = {};
  const lsh = p(11), rsh = p(12);
  const M = mid(lsh, rsh);
  const hipsOk = ok(23) && ok(24);
  const H = mid(p(23), p(24));
  const earMid = mid(p(7), p(8));
  const shW2 = dist2(lsh, rsh);
  const shW3 = dist3(lsh, rsh);
  // Scale from image-plane distances only: single-image depth is too unreliable (often
  // exaggerated) to size a body with. Ear to ear shrinks in a side view while nose to ears
  // grows, so the larger of the two keeps the head size steady as the person turns.
  const headSize = Math.max(dist2(p(7), p(8)), 1.5 * dist2(p(0), earMid), 1e-4);
  const estimate = Math.max(shW2 * TORSO_PER_SHOULDER, headSize * TORSO_PER_HEAD);
  const torso2 = dist2(M, H);
  // Foreshortening only shrinks the 2D torso, so the larger of it and the shoulder/head estimate is the safer scale.
  const S = Math.max(hipsOk ? Math.max(torso2, 0.9 * estimate) : estimate, 1e-4);

  const up2: Pt = hipsOk ? unit(flat(sub(M, H))) : [0, -1, 0];
  const up3: Pt = hipsOk ? unit(sub(M, H)) : [0, -1, 0];
  const latRaw = sub(lsh, rsh);
  const lat3 = unit(sub(latRaw, scale(up3, dot(latRaw, up3))));
  const lat2: Pt = [-up2[1], up2[0], 0]; // perpendicular to the 2D body axis...
  const lat2s = dot(lat2, latRaw) >= 0 ? lat2 : scale(lat2, -1); // ...pointing to the person's left
  // Lateral uses depth (it is all there is in a side view); height stays in the image plane
  // and forward is plain depth toward the camera, so noisy z cannot tilt the height axis.
  const body = (q: Pt): Pt => {
    const d = sub(q, M);
    return [dot(d, lat3) / S, dot(flat(d), up2) / S, -d[2] / S];
  };

  f.hipsOk = hipsOk ? 1 : 0;
  f.zMissing = lm.every((l) => !l.z) ? 1 : 0;
  f.frontalness = clamp(shW2 / Math.max(shW3, 1e-6), 0, 1);
  f.shoulderWidth2d = shW2 / S;
  f.shoulderWidth3d = shW3 / S;
  f.headSize = headSize / S;
  f.logBodyScale = Math.log(S);
  f.shoulderTilt = (lsh[1] - rsh[1]) / S;
  const faceTurn = clamp(((p(0)[0] - earMid[0]) / Math.max(headSize, 1e-6)) * 2, -1.5, 1.5);
  f.faceTurn = Math.abs(faceTurn);
  const tilt = hipsOk ? Math.atan2(M[0] - H[0], H[1] - M[1]) : 0;
  f.torsoTilt2d = tilt;
  f.torsoTiltAbs = Math.abs(tilt);
  // Sideways in the image means forward or back only when the face shows which way the body faces.
  const leanFwd = Math.sin(tilt) * clamp(faceTurn, -1, 1);
  f.leanForward2d = leanFwd;
  // Other cues to which way the body faces in side views: knees and hands are in front of it.
  const kneesSeen = hipsOk && ok(25) && ok(26);
  if (kneesSeen) f.leanByKnees = Math.sin(tilt) * clamp(((mid(p(25), p(26))[0] - H[0]) / S) * 3, -1, 1);
  if (ok(15, ARM_FLOOR_SCORE) && ok(16, ARM_FLOOR_SCORE)) f.leanByHands = Math.sin(tilt) * clamp(((mid(p(15), p(16))[0] - M[0]) / S) * 3, -1, 1);
  f.headAhead = ((p(0)[0] - M[0]) / S) * clamp(faceTurn, -1, 1);
  f.leanZ = clamp((H[2] - M[2]) / S, -3, 3);
  f.torsoForeshortening = hipsOk ? clamp(torso2 / Math.max(estimate, 1e-6), 0, 2) : 0;
  const nose = body(p(0));
  f.headUp = nose[1];
  f.headFwd = clamp(nose[2], -3, 3);
  f.headLat = nose[0];
  f.headPitch = clamp(dot(sub(p(0), earMid), scale(up2, -1)) / Math.max(headSize, 1e-6), -2, 2);
  // Head height above the shoulder line in head sizes (not torso lengths, which foreshorten
  // in a lean): a head dropped toward the shoulders is the frontal sign of hunching forward.
  f.earsUp = clamp(dot(flat(sub(earMid, M)), up2) / Math.max(headSize, 1e-6), -3, 3);
  f.noseUp = clamp(dot(flat(sub(p(0), M)), up2) / Math.max(headSize, 1e-6), -3, 3);

  const neck = M[1] - p(0)[1];
  const b = opts.baseline;
  if (b && b.shoulderWidth > 0 && b.headSize > 0 && b.bodyScale > 0) {
    f.hasBaseline = 1;
    f.baseShoulder = clamp(Math.log(shW2 / b.shoulderWidth), -2, 2);
    f.baseHead = clamp(Math.log(headSize / b.headSize), -2, 2);
    f.baseScale = clamp(Math.log(S / b.bodyScale), -2, 2);
    f.baseNeck = b.neckHeight > 0 ? clamp(neck / b.neckHeight - 1, -2, 2) : 0;
  }

  const chest = add(M, scale(up2, -0.3 * S));
  const arm = SIDE_NAMES.map((s, k) => ({ s, sigma: k === 0 ? 1 : -1, sh: 11 + k, el: 13 + k, wr: 15 + k, pinky: 17 + k, index: 19 + k, thumb: 21 + k, oppSh: 12 - k, oppEl: 14 - k }));
  for (const a of arm) {
    const wOk = ok(a.wr, ARM_FLOOR_SCORE);
    const eOk = ok(a.el, ARM_FLOOR_SCORE);
    f[a.s + 'WristOk'] = wOk ? 1 : 0;
    f[a.s + 'WristScore'] = wOk ? clamp(lm[a.wr]!.score, 0, 1) : 0;
    f[a.s + 'ElbowOk'] = eOk ? 1 : 0;
    if (eOk) {
      const e = body(p(a.el));
      f[a.s + 'ElbowLat'] = a.sigma * e[0];
      f[a.s + 'ElbowUp'] = e[1];
      f[a.s + 'ElbowFwd'] = clamp(e[2], -3, 3);
    }
    if (!wOk) continue;
    const w = body(p(a.wr));
    f[a.s + 'WristLat'] = a.sigma * w[0];
    f[a.s + 'WristUp'] = w[1];
    f[a.s + 'WristFwd'] = clamp(w[2], -3, 3);
    f[a.s + 'WristLat2d'] = (a.sigma * dot(flat(sub(p(a.wr), M)), lat2s)) / S;
    f[a.s + 'WristBeyondOpp'] = (-a.sigma * dot(sub(p(a.wr), p(a.oppSh)), lat3)) / S;
    if (eOk) {
      f[a.s + 'ElbowAngle'] = angleAt(p(a.sh), p(a.el), p(a.wr)) / Math.PI;
      // A folded arm shows a long forearm lying across the body in the image plane.
      const fore = flat(sub(p(a.wr), p(a.el)));
      f[a.s + 'ForearmLen2d'] = norm(fore) / S;
      f[a.s + 'ForearmInward'] = -a.sigma * dot(unit(fore), lat2s);
    }
    f[a.s + 'WristToOppElbow'] = dist2(p(a.wr), p(a.oppEl)) / S;
    f[a.s + 'WristToChest'] = dist2(p(a.wr), chest) / S;
    if (!(ok(a.index, ARM_FLOOR_SCORE) && ok(a.pinky, ARM_FLOOR_SCORE))) continue;
    const wr = p(a.wr);
    const vi = flat(sub(p(a.index), wr));
    const vp = flat(sub(p(a.pinky), wr));
    const len = (norm(vi) + norm(vp)) / 2;
    const fingers = mid(p(a.index), p(a.pinky));
    const fdir = unit(flat(sub(fingers, wr)));
    f[a.s + 'HandOk'] = 1;
    f[a.s + 'HandLen'] = len / S;
    f[a.s + 'HandSpread'] = angleAt(p(a.index), wr, p(a.pinky)) / Math.PI;
    f[a.s + 'PalmCross'] = (a.sigma * cross(vi, vp)[2]) / Math.max(norm(vi) * norm(vp), 1e-9);
    f[a.s + 'ThumbSide'] = clamp((a.sigma * dot(flat(sub(p(a.thumb), fingers)), lat2s)) / Math.max(len, 1e-6), -3, 3);
    f[a.s + 'FingerUp'] = dot(fdir, scale(up2, 1));
    f[a.s + 'FingerLat'] = a.sigma * dot(fdir, lat2s);
    f[a.s + 'HandZ'] = clamp((wr[2] - fingers[2]) / S, -1, 1);
    f[a.s + 'ThumbZ'] = clamp((p(a.pinky)[2] - p(a.thumb)[2]) / S, -1, 1);
  }
  const [lel, rel, lwr, rwr] = [p(13), p(14), p(15), p(16)];
  f.forearmsCross = segmentsCross(lel, lwr, rel, rwr) ? 1 : 0;
  f.forearmDist = segmentDistance(lel, lwr, rel, rwr) / S;
  f.wristsDist = dist2(lwr, rwr) / S;
  f.crossAmount = Math.min(f.lWristLat ?? 1, f.rWristLat ?? 1);

  const kneesOk = hipsOk && ok(25) && ok(26);
  const anklesOk = kneesOk && ok(27) && ok(28);
  f.kneesOk = kneesOk ? 1 : 0;
  f.anklesOk = anklesOk ? 1 : 0;
  if (kneesOk) {
    for (const [k, s] of SIDE_NAMES.entries()) {
      const sigma = k === 0 ? 1 : -1;
      const kn = body(p(25 + k));
      f[s + 'KneeLat'] = sigma * kn[0];
      f[s + 'KneeUp'] = kn[1] - body(p(23 + k))[1];
      f[s + 'KneeFwd'] = clamp(kn[2], -3, 3);
      f[s + 'ThighLen'] = dist2(p(23 + k), p(25 + k)) / S;
      if (anklesOk) f[s + 'AnkleLat'] = sigma * body(p(27 + k))[0];
    }
    f.kneeSep = dot(flat(sub(p(25), p(26))), lat2s) / S;
    f.kneeHeightDiff = Math.abs((f.lKneeUp ?? 0) - (f.rKneeUp ?? 0));
    if (anklesOk) {
      f.ankleSep = dot(flat(sub(p(27), p(28))), lat2s) / S;
      f.shinsCross = segmentsCross(p(25), p(27), p(26), p(28)) ? 1 : 0;
      f.thighShinCross = segmentsCross(p(23), p(25), p(26), p(28)) || segmentsCross(p(24), p(26), p(25), p(27)) ? 1 : 0;
    }
  }

  const values = new Float32Array(FEATURE_COUNT);
  FEATURE_NAMES.forEach((n, i) => (values[i] = clamp(f[n] ?? 0, -10, 10)));
  return {
    values,
    body: { shoulderWidth: shW2, headSize, bodyScale: S, neckHeight: neck },
    torsoLeanDeg: (Math.abs(tilt) * 180) / Math.PI,
  };
}

/** Reads one named feature back out of a feature vector (for summaries and tests). */
export function featureValue(values: Float32Array, name: string): number {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`unknown posture feature "${name}"`);
  return values[i]!;
}
