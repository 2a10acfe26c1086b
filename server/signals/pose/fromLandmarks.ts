// Landmarks that arrive over the wire (the browser's MediaPipe output, or stored frames) into
// the project's Pose shape: missing depth is 0, missing visibility is 1, the box is derived.
import type { PoseIn } from '../../../protocol/protocol';
import type { Pose } from './types';

/** Landmarks at least this visible shape the bounding box. */
const BOX_MIN_SCORE = 0.3;

export function poseFromLandmarks(p: PoseIn): Pose {
  const landmarks = p.landmarks.map((l) => ({ x: l.x, y: l.y, z: l.z ?? 0, score: l.score ?? 1 }));
  const seen = landmarks.filter((l) => l.score >= BOX_MIN_SCORE);
  const pts = seen.length ? seen : landmarks;
  const xs = pts.map((l) => l.x);
  const ys = pts.map((l) => l.y);
  const xMin = Math.min(...xs);
  const yMin = Math.min(...ys);
  const score = p.score ?? landmarks.reduce((a, l) => a + l.score, 0) / landmarks.length;
  return { landmarks, score, box: { xMin, yMin, width: Math.max(...xs) - xMin, height: Math.max(...ys) - yMin } };
}

/**
 * The wire/storage form of a pose: 4 decimals are far below landmark noise. Positions are held
 * to the ranges the input schema takes ([-1, 2], as the browser clamps MediaPipe's), scores to
 * [0, 1]: the pose model places body parts it cannot see beyond the picture (ankles of a frame
 * cut at the waist), and a stored frame must be one the server would take back (a replay).
 */
export function landmarksFromPose(p: Pose): PoseIn {
  const r = (v: number) => Math.round(v * 10_000) / 10_000;
  const pos = (v: number) => r(clamp(v, -1, 2));
  const unit = (v: number) => r(clamp(v, 0, 1));
  return { landmarks: p.landmarks.map((l) => ({ x: pos(l.x), y: pos(l.y), z: r(l.z), score: unit(l.score) })), score: unit(p.score) };
}

/** A stored pose brought into the input ranges (frames stored before the clamp above). */
export function clampPoseIn(p: PoseIn): PoseIn {
  const landmarks = p.landmarks.map((l) => ({
    ...l,
    x: clamp(l.x, -1, 2),
    y: clamp(l.y, -1, 2),
    ...(l.score !== undefined ? { score: clamp(l.score, 0, 1) } : {}),
  }));
  return { ...p, landmarks, ...(p.score !== undefined ? { score: clamp(p.score, 0, 1) } : {}) };
}

/** The widest frame the input schema takes (width / height). */
export const ASPECT_MAX = 10;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
