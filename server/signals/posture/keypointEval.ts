// Measures the posture classifier on the labelled keypoint sets in ../shared/data/posture/
// keypoints (never trains on them): seated MediaPipe classes (x/y only, unknown image
// aspect) and UTD-MHAD Kinect "arm cross" skeletons projected into the 33-point schema.
import fs from 'node:fs';
import path from 'node:path';
import type { Landmark, Pose } from '../pose/types';
import { BLAZEPOSE_KEYPOINTS } from '../pose/types';
import { landmarksFromPose, poseFromLandmarks } from '../pose/fromLandmarks';
import { labelStats, type LabelCounts, type LabelStatsRow } from './evalStats';
import type { PostureClassifier } from './model';
import { classifyPhoto } from './photo';
import { PostureTracker, type PostureTrackerOptions } from './tracker';
import type { PostureEventLabel, PostureLabel } from './types';

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

/** The long-format UTD-MHAD CSV as sequences: file → frames → 20 joints (x, y, z). */
export function readArmCrossCsv(longCsv: string): Map<string, P3[][]> {
  const seqs = new Map<string, P3[][]>();
  const lines = fs.readFileSync(longCsv, 'utf8').split(/\r?\n/).filter((l) => l.trim());
  for (const line of lines.slice(1)) {
    const [file, , , , frame, , joint, , x, y, z] = line.split(',');
    const frames = seqs.get(file!) ?? [];
    const f = (frames[Number(frame)] ??= []);
    f[Number(joint) - 1] = [Number(x), Number(y), Number(z)];
    seqs.set(file!, frames);
  }
  return seqs;
}

/** Per frame: both wrists above the spine joint and across shoulder_center from where they are in the first frame. */
export function crossedFrames(frames: readonly P3[][]): boolean[] {
  const side = (fr: P3[], k: number): number => Math.sign(fr[k - 1]![0] - fr[KINECT.shoulderCenter - 1]![0]);
  const f0 = frames[0]!;
  return frames.map((fr) => [KINECT.lWr, KINECT.rWr].every((w) => fr[w - 1]![1] > fr[KINECT.spine - 1]![1] && side(fr, w) !== side(f0, w)));
}

/** Rest frames: the first and last 3 (arms down). */
const REST_FRAMES = 3;
const isRestFrame = (i: number, n: number): boolean => i < REST_FRAMES || i >= n - REST_FRAMES;

/** Crossed frames: both wrists above the spine joint and across shoulder_center from where they started. */
export function evaluateArmCross(classifier: PostureClassifier, longCsv: string): ArmCrossReport {
  const seqs = readArmCrossCsv(longCsv);
  let crossed = 0, hits = 0, rest = 0, falseHits = 0;
  for (const frames of seqs.values()) {
    const isCrossed = crossedFrames(frames);
    frames.forEach((fr, i) => {
      const isRest = isRestFrame(i, frames.length);
      if (!isCrossed[i] && !isRest) return;
      const r = classifyPhoto(classifier, [kinectToPose(fr)], { aspect: 4 / 3 });
      const said = !!r?.labels.includes('arms_crossed');
      if (isCrossed[i]) {
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

/** How long the video eval holds each clip's last (arms-down) frame, so a label can be seen turning off. */
export const ARM_CROSS_HOLD_LAST_MS = 3000;

/** Kinect v1 skeletons come at 30 frames per second. */
export const KINECT_FRAME_MS = 1000 / 30;

/** One label turning on or off in a sequence, at a frame. */
export interface SequenceEvent {
  label: PostureEventLabel;
  state: 'on' | 'off';
  frame: number;
  mediaMs: number;
  /** Frame at which the evidence began (the event's startedMs). */
  sinceFrame: number;
}

/** One sequence run through a fresh PostureTracker. */
export interface SequenceTrack {
  file: string;
  frames: number;
  /** First and last crossed frame (crossedFrames), or null when the check finds none. */
  crossedPhase: [number, number] | null;
  events: SequenceEvent[];
}

/**
 * Feeds a sequence's frames in order, at `frame * KINECT_FRAME_MS`, through a fresh
 * PostureTracker built as the session pipeline builds one (defaults, 4:3 aspect, the frame's
 * poses going over the wire and back), and returns the events it emits. `holdLastMs` feeds the
 * last frame (arms down) again for that long: the clips end sooner after the arms come down
 * than a label takes to turn off.
 */
export function trackSequence(classifier: PostureClassifier, file: string, frames: readonly P3[][], opts: Partial<PostureTrackerOptions> = {}, holdLastMs = 0): SequenceTrack {
  const tracker = new PostureTracker({ participant: file, classifier, aspect: 4 / 3, ...opts });
  const crossed = crossedFrames(frames);
  const first = crossed.indexOf(true), last = crossed.lastIndexOf(true);
  const toFrame = (ms: number): number => Math.round(ms / KINECT_FRAME_MS);
  const fed = [...frames, ...Array.from({ length: toFrame(holdLastMs) }, () => frames[frames.length - 1]!)];
  const events = fed.flatMap((fr, i) =>
    tracker.update([poseFromLandmarks(landmarksFromPose(kinectToPose(fr)))], i * KINECT_FRAME_MS).map(
      (e): SequenceEvent => ({ label: e.label, state: e.state, frame: i, mediaMs: e.mediaMs, sinceFrame: toFrame(e.startedMs) }),
    ),
  );
  return { file, frames: frames.length, crossedPhase: first < 0 ? null : [first, last], events };
}

export interface LabelSequenceStats {
  /** Sequences in which the label turned on at least once. */
  sequencesOn: number;
  turnOns: number;
  turnOffs: number;
  /** Clip start → each turn-on (ms). */
  onAtMs: Spread | null;
}

/** A median and a maximum, in ms. */
export interface Spread {
  median: number;
  max: number;
}

export interface ArmCrossSequenceReport {
  sequences: number;
  /** Sequences in which the crossed-frame check finds a crossed phase (first to last crossed frame). */
  withCrossedPhase: number;
  /** Crossed-phase lengths (ms), from its first to its last crossed frame. */
  phaseMs: Spread | null;
  /** Of the sequences with a crossed phase, the share in which arms_crossed turned on for it. */
  onShare: number;
  /** Crossed phase's first frame → that turn-on (ms; negative when it came before the check's first crossed frame). */
  delayMs: Spread | null;
  /** In sequences with a crossed phase: arms_crossed turn-ons that do not belong to it, and the sequences with any. */
  falseAlarms: number;
  falseAlarmSequences: number;
  /** arms_crossed turn-ons in sequences where the check finds no crossed phase (Kinect lost the forearms): not scored. */
  unscoredTurnOns: number;
  /** arms_crossed turn-ons at a rest frame (the first or last 3, arms down). */
  restTurnOns: number;
  /** on → off → on of arms_crossed within a sequence, summed over sequences. */
  toggles: number;
  /** Of the sequences where it turned on for the crossed phase: turned off again before the clip ended... */
  offAfter: number;
  /** ...or was still on at the clip's end. */
  stillOnAtEnd: number;
  /** Crossed phase's last frame → turn-off (ms), where it turned off. */
  offDelayMs: Spread | null;
  /** Clip left after the crossed phase's last frame (ms), without holdLastMs: the longest a turn-off could take and still be seen in the clip itself. */
  tailMs: Spread | null;
  /** Every other label the tracker turned on. */
  otherLabels: Partial<Record<PostureEventLabel, LabelSequenceStats>>;
}

/** How long before the check's first crossed frame a turn-on's evidence may begin and still belong to it: the arms are on their way across. */
export const ONSET_SLACK_FRAMES = 10;

export const spread = (xs: readonly number[]): Spread | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)]!, max: s[s.length - 1]! };
};

/**
 * Whether an arms_crossed turn-on belongs to the crossed phase: its evidence (sinceFrame up to
 * the turn-on) overlaps the phase, widened by ONSET_SLACK_FRAMES before its first frame.
 */
export const belongsToPhase = (e: SequenceEvent, phase: readonly [number, number]): boolean =>
  e.sinceFrame <= phase[1] && e.frame >= phase[0] - ONSET_SLACK_FRAMES;

/** Sequence-level figures for arms_crossed (and any other label that turned on) from tracked sequences. */
export function summariseArmCrossTracks(tracks: readonly SequenceTrack[]): ArmCrossSequenceReport {
  const ms = (frames: number): number => Math.round(frames * KINECT_FRAME_MS);
  const delays: number[] = [], offDelays: number[] = [], phases: number[] = [], tails: number[] = [];
  let withPhase = 0, on = 0, falseAlarms = 0, falseAlarmSequences = 0, unscoredTurnOns = 0, restTurnOns = 0, toggles = 0, offAfter = 0, stillOnAtEnd = 0;
  const others: Partial<Record<PostureEventLabel, Omit<LabelSequenceStats, 'onAtMs'> & { onAt: number[] }>> = {};
  for (const t of tracks) {
    for (const e of t.events) {
      if (e.label === 'arms_crossed') continue;
      const s = (others[e.label] ??= { sequencesOn: 0, turnOns: 0, turnOffs: 0, onAt: [] });
      if (e.state === 'off') {
        s.turnOffs++;
        continue;
      }
      if (!t.events.some((o) => o.label === e.label && o.state === 'on' && o.frame < e.frame)) s.sequencesOn++;
      s.turnOns++;
      s.onAt.push(ms(e.frame));
    }
    const arms = t.events.filter((e) => e.label === 'arms_crossed');
    const ons = arms.filter((e) => e.state === 'on');
    toggles += Math.max(0, ons.length - 1);
    restTurnOns += ons.filter((e) => isRestFrame(e.frame, t.frames)).length;
    const phase = t.crossedPhase;
    if (!phase) {
      unscoredTurnOns += ons.length;
      continue;
    }
    const wrong = ons.filter((e) => !belongsToPhase(e, phase)).length;
    falseAlarms += wrong;
    if (wrong) falseAlarmSequences++;
    withPhase++;
    phases.push(ms(phase[1] - phase[0] + 1));
    tails.push(ms(t.frames - 1 - phase[1]));
    const hit = ons.find((e) => belongsToPhase(e, phase));
    if (!hit) continue;
    on++;
    delays.push(ms(hit.frame - phase[0]));
    const off = arms.find((e) => e.state === 'off' && e.frame > hit.frame);
    if (off) {
      offAfter++;
      offDelays.push(ms(off.frame - phase[1]));
    } else stillOnAtEnd++;
  }
  return {
    sequences: tracks.length, withCrossedPhase: withPhase, phaseMs: spread(phases), onShare: withPhase ? on / withPhase : 0,
    delayMs: spread(delays), falseAlarms, falseAlarmSequences, unscoredTurnOns, restTurnOns, toggles, offAfter, stillOnAtEnd,
    offDelayMs: spread(offDelays), tailMs: spread(tails),
    otherLabels: Object.fromEntries(Object.entries(others).map(([l, { onAt, ...c }]) => [l, { ...c, onAtMs: spread(onAt) }])),
  };
}

/** Every arm-cross sequence through its own fresh PostureTracker (video path), summarised. */
export function evaluateArmCrossSequences(classifier: PostureClassifier, longCsv: string, opts: Partial<PostureTrackerOptions> = {}, holdLastMs = 0): ArmCrossSequenceReport {
  return summariseArmCrossTracks([...readArmCrossCsv(longCsv)].map(([file, frames]) => trackSequence(classifier, file, frames, opts, holdLastMs)));
}

export const KEYPOINT_FILES = {
  seated: path.join('keypoints', 'jiayii03_sitting_posture', 'full_mediapipe_keypoints.csv'),
  armCross: path.join('keypoints', 'utd_mhad_arm_cross', 'arm_cross_skeleton_long.csv'),
};

export interface KeypointEvalReport {
  modelVersion: string;
  seated: SeatedReport;
  armCross: ArmCrossReport;
  /** The same sequences through the video path (PostureTracker with its defaults), the last frame held for ARM_CROSS_HOLD_LAST_MS. */
  armCrossVideo: ArmCrossSequenceReport;
}

/** Both keypoint sets from `dataDir` (the posture data folder). The seated CSV's image aspect is unknown; 4:3 is assumed. */
export function runKeypointEval(classifier: PostureClassifier, dataDir: string, seatedAspect = 4 / 3): KeypointEvalReport {
  return {
    modelVersion: classifier.version,
    seated: evaluateSeated(classifier, readSeatedCsv(path.join(dataDir, KEYPOINT_FILES.seated)), seatedAspect),
    armCross: evaluateArmCross(classifier, path.join(dataDir, KEYPOINT_FILES.armCross)),
    armCrossVideo: evaluateArmCrossSequences(classifier, path.join(dataDir, KEYPOINT_FILES.armCross), {}, ARM_CROSS_HOLD_LAST_MS),
  };
}
