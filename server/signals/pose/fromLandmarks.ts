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

/** The wire/storage form of a pose: 4 decimals are far below landmark noise. */
export function landmarksFromPose(p: Pose): PoseIn {
  const r = (v: number) => Math.round(v * 10_000) / 10_000;
  return { landmarks: p.landmarks.map((l) => ({ x: r(l.x), y: r(l.y), z: r(l.z), score: r(l.score) })), score: r(p.score) };
}
