// Measures the posture classifier on the labelled keypoint sets in ../shared/data/posture/
// keypoints (never trains on them): seated MediaPipe classes (x/y only, unknown image
// aspect) and UTD-MHAD Kinect "arm cross" skeletons projected into the 33-point schema.
import fs from 'node:fs';
import path from 'node:path';
import type { Landmark, Pose } from '../pose/types';
import { BLAZEPOSE_KEYPOINTS } from '../pose/types';
import { labelStats, type LabelCounts, type LabelStatsRow } from './evalStats';
import type { PostureClassifier } from './model';
import { classifyPhoto } from './photo';
import type { PostureLabel } from './types';

const SEATED_CLASSES: Record<string, PostureLabel> = { proper: 'neutral', reclining: 'leaning_back', slouching: 'leaning_forward', crossed_legs: 'legs_crossed' };

const boxOf = (lm: Landmark[]): Pose['box'] => {
  const xs = lm.map((l) => l.x), ys = lm.map((l) => l.y);
  return { xMin: Math.min(...xs), yMin: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
};

/** Rows of `full_mediapipe_keypoints.csv` as poses (z = 0, score 1: the file has neither). */
export function readSeatedCsv(file: string): Array<{ cls: string; pose: Pose }> {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim());
  const header = lines[0]!.split(',');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: column ${name} is missing`);
    return i;
  };
  const cols = BLAZEPOSE_KEYPOINTS.map((k) => [col(`${k}_x`), col(`${k}_y`)] as const);
  const clsCol = col('class');
  return lines.slice(1).map((line, n) => {
    const v = line.split(',');
    const landmarks = cols.map(([x, y]) => ({ x: Number(v[x]), y: Number(v[y]), z: 0, score: 1 }));
    if (landmarks.some((l) => !Number.isFinite(l.x) || !Number.isFinite(l.y))) throw new Error(`${file}:${n + 2}: non-numeric coordinate`);
    return { cls: v[clsCol]!.trim(), pose: { landmarks, score: 1, box: boxOf(landmarks) } };
  });
}

export interface SeatedReport {
  aspect: number;
  rows: number;
  noPerson: number;
  perLabel: Record<string, LabelStatsRow>;
}

/** Lean and neutral are scored on proper/reclining/slouching rows; legs_crossed on all rows. */
export function evaluateSeated(classifier: PostureClassifier, rows: Array<{ cls: string; pose: Pose }>, aspect: number): SeatedReport {
  const counts: Record<string, LabelCounts> = {};
  const bump = (label: string, gold: boolean, pred: boolean): void => {
    const c = (counts[label] ??= { tp: 0, fp: 0, fn: 0 });
    if (gold && pred) c.tp++; else if (pred) c.fp++; else if (gold) c.fn++;
  };
  let noPerson = 0;
  for (const { cls, pose } of rows) {
    const gold = SEATED_CLASSES[cls];
    if (!gold) throw new Error(`unknown seated class "${cls}"; expected ${Object.keys(SEATED_CLASSES).join(', ')}`);
    const r = classifyPhoto(classifier, [pose], { aspect });
    if (!r) noPerson++;
    const pred = new Set<string>(r?.labels ?? []);
    if (cls !== 'crossed_legs') for (const l of ['neutral', 'leaning_back', 'leaning_forward']) bump(l, gold === l, pred.has(l));
    bump('legs_crossed', gold === 'legs_crossed', pred.has('legs_crossed'));
  }
  return { aspect, rows: rows.length, noPerson, perLabel: labelStats(counts) };
}

const KINECT = { head: 1, shoulderCenter: 2, spine: 3, lSh: 5, lEl: 6, lWr: 7, lHand: 8, rSh: 9, rEl: 10, rWr: 11, rHand: 12, lHip: 13, lKnee: 14, lAnkle: 15, lFoot: 16, rHip: 17, rKnee: 18, rAnkle: 19, rFoot: 20 };
type P3 = [number, number, number];

/**
 * One Kinect v1 frame (20 joints, metres, y up, z away from the camera) as 33 BlazePose
 * landmarks through a 4:3 pinhole. Kinect has no face or finger joints: the face points are
 * placed around the head joint and the hand points along wrist→hand; those are stand-ins.
 */
export function kinectToPose(j: readonly P3[]): Pose {
  const g = (k: number): P3 => j[k - 1]!;
  const lsh = g(KINECT.lSh), rsh = g(KINECT.rSh), head = g(KINECT.head);
  const a: P3 = [lsh[0] - rsh[0], lsh[1] - rsh[1], lsh[2] - rsh[2]];
  const an = Math.hypot(...a) || 1;
  const lat: P3 = [a[0] / an, a[1] / an, a[2] / an];
  const at = (p: P3, dl: number, du: number, df: number): P3 => [p[0] + lat[0] * dl, p[1] + lat[1] * dl + du, p[2] + lat[2] * dl - df];
  const lerp = (p: P3, q: P3, t: number): P3 => [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t, p[2] + (q[2] - p[2]) * t];
  const pts: P3[] = [
    at(head, 0, -0.02, 0.1), at(head, 0.017, 0.015, 0.088), at(head, 0.032, 0.015, 0.083), at(head, 0.046, 0.015, 0.072),
    at(head, -0.017, 0.015, 0.088), at(head, -0.032, 0.015, 0.083), at(head, -0.046, 0.015, 0.072),
    at(head, 0.075, 0, 0), at(head, -0.075, 0, 0), at(head, 0.025, -0.055, 0.082), at(head, -0.025, -0.055, 0.082),
    lsh, rsh, g(KINECT.lEl), g(KINECT.rEl), g(KINECT.lWr), g(KINECT.rWr),
    lerp(g(KINECT.lWr), g(KINECT.lHand), 0.9), lerp(g(KINECT.rWr), g(KINECT.rHand), 0.9),
    lerp(g(KINECT.lWr), g(KINECT.lHand), 1.3), lerp(g(KINECT.rWr), g(KINECT.rHand), 1.3),
    lerp(g(KINECT.lWr), g(KINECT.lHand), 0.6), lerp(g(KINECT.rWr), g(KINECT.rHand), 0.6),
    g(KINECT.lHip), g(KINECT.rHip), g(KINECT.lKnee), g(KINECT.rKnee), g(KINECT.lAnkle), g(KINECT.rAnkle),
    g(KINECT.lAnkle), g(KINECT.rAnkle), g(KINECT.lFoot), g(KINECT.rFoot),
  ];
  const aspect = 4 / 3;
  const f = 525 / 480; // Kinect v1 depth camera focal length in image-height units
  const hipZ = (g(KINECT.lHip)[2] + g(KINECT.rHip)[2]) / 2;
  const landmarks = pts.map(([x, y, z]) => ({ x: 0.5 + (f * x) / z / aspect, y: 0.5 - (f * y) / z, z: ((z - hipZ) * f) / hipZ / aspect, score: 1 }));
  return { landmarks, score: 1, box: boxOf(landmarks) };
}

export interface ArmCrossReport {
  sequences: number;
  crossedFrames: number;
  /** Share of crossed-phase frames labelled arms_crossed. */
  recall: number;
  restFrames: number;
  /** Share of the first/last 3 frames (arms down) wrongly labelled arms_crossed. */
  falsePositiveRate: number;
}

/** Crossed frames: both wrists above the spine joint and across shoulder_center from where they started. */
export function evaluateArmCross(classifier: PostureClassifier, longCsv: string): ArmCrossReport {
  const seqs = new Map<string, P3[][]>();
  const lines = fs.readFileSync(longCsv, 'utf8').split(/\r?\n/).filter((l) => l.trim());
  for (const line of lines.slice(1)) {
    const [file, , , , frame, , joint, , x, y, z] = line.split(',');
    const frames = seqs.get(file!) ?? [];
    const f = (frames[Number(frame)] ??= []);
    f[Number(joint) - 1] = [Number(x), Number(y), Number(z)];
    seqs.set(file!, frames);
  }
  let crossed = 0, hits = 0, rest = 0, falseHits = 0;
  for (const frames of seqs.values()) {
    const side = (fr: P3[], k: number): number => Math.sign(fr[k - 1]![0] - fr[KINECT.shoulderCenter - 1]![0]);
    const f0 = frames[0]!;
    frames.forEach((fr, i) => {
      const isCrossed = [KINECT.lWr, KINECT.rWr].every((w) => fr[w - 1]![1] > fr[KINECT.spine - 1]![1] && side(fr, w) !== side(f0, w));
      const isRest = i < 3 || i >= frames.length - 3;
      if (!isCrossed && !isRest) return;
      const r = classifyPhoto(classifier, [kinectToPose(fr)], { aspect: 4 / 3 });
      const said = !!r?.labels.includes('arms_crossed');
      if (isCrossed) {
        crossed++;
        if (said) hits++;
      } else {
        rest++;
        if (said) falseHits++;
      }
    });
  }
  return { sequences: seqs.size, crossedFrames: crossed, recall: crossed ? hits / crossed : 0, restFrames: rest, falsePositiveRate: rest ? falseHits / rest : 0 };
}

export const KEYPOINT_FILES = {
  seated: path.join('keypoints', 'jiayii03_sitting_posture', 'full_mediapipe_keypoints.csv'),
  armCross: path.join('keypoints', 'utd_mhad_arm_cross', 'arm_cross_skeleton_long.csv'),
};

export interface KeypointEvalReport {
  modelVersion: string;
  seated: SeatedReport;
  armCross: ArmCrossReport;
}

/** Both keypoint sets from `dataDir` (the posture data folder). The seated CSV's image aspect is unknown; 4:3 is assumed. */
export function runKeypointEval(classifier: PostureClassifier, dataDir: string, seatedAspect = 4 / 3): KeypointEvalReport {
  return {
    modelVersion: classifier.version,
    seated: evaluateSeated(classifier, readSeatedCsv(path.join(dataDir, KEYPOINT_FILES.seated)), seatedAspect),
    armCross: evaluateArmCross(classifier, path.join(dataDir, KEYPOINT_FILES.armCross)),
  };
}
