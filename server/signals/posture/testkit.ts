// Test helper: hand-built skeletons seen by a chosen camera, so feature and tracker tests
// use the project's own synthetic landmarks (never real data).
import type { Pose } from '../pose/types';
import { applyFrame, frameTransform, projectPoints, type CameraSpec } from './camera';
import { buildSkeleton, proportions, type ArmSpec, type LegSpec, type PostureSpec } from './skeleton';

const B = proportions(1.75);
const T = B.torso;

export const ARMS = {
  hanging: (s: number): ArmSpec => ({ wrist: [s * (B.shoulderHalf + 0.04), T - (B.upperArm + B.forearm) * 0.97, 0.03], pole: [s * 0.3, 0, -1], fingerDir: [0, -1, 0], palmNormal: [-s, 0, 0], spread: 0.3 }),
  crossed: (s: number): ArmSpec => ({ wrist: [-s * 0.8 * B.shoulderHalf, T - B.upperArm * 0.7 + (s > 0 ? 0.03 : 0), 0.15 + (s > 0 ? 0.04 : 0)], pole: [s * 0.4, -1, -0.3], fingerDir: [-s, 0.2, -0.2], palmNormal: [0, 0, -1], spread: 0.1 }),
  openPalm: (s: number): ArmSpec => ({ wrist: [s * 0.3, T - B.upperArm * 0.7, 0.3], pole: [s * 0.4, -1, -0.2], fingerDir: [s * 0.3, 0.5, 0.6], palmNormal: [0, 1, 0.2], spread: 1 }),
};

const standing = (s: number): LegSpec => ({ knee: [s * B.hipHalf, -B.thigh, 0.02], ankle: [s * B.hipHalf, -B.thigh - B.shin, 0] });

export function posture(arms: (s: number) => ArmSpec, leanDeg = 0, headPitchDeg = 0): PostureSpec {
  return { torsoPitch: (leanDeg * Math.PI) / 180, torsoRoll: 0, torsoYaw: 0, headPitch: (headPitchDeg * Math.PI) / 180, headYaw: 0, arms: [arms(1), arms(-1)], legs: [standing(1), standing(-1)] };
}

export interface ViewOptions {
  yawDeg?: number;
  aspect?: number;
  /** Share of the image height the full body fills. */
  fill?: number;
  shiftX?: number;
  /** Framing taken from this posture instead (a fixed camera that framed the person upright). */
  frameFrom?: PostureSpec;
}

/** The posture seen by a camera at chest height `distanceM` away, as a Pose with perfect scores. */
export function view(spec: PostureSpec, o: ViewOptions = {}): Pose {
  const cam: CameraSpec = { yaw: ((o.yawDeg ?? 0) * Math.PI) / 180, pitch: 0, roll: 0, distanceM: 3, aimY: T * 0.6 };
  const ref = buildSkeleton(B, o.frameFrom ?? posture(ARMS.hanging));
  const t = frameTransform(ref, projectPoints(ref, cam), { aspect: o.aspect ?? 4 / 3, bottomY: -9, fill: o.fill ?? 0.8, shiftX: o.shiftX ?? 0, shiftY: 0 });
  const landmarks = applyFrame(projectPoints(buildSkeleton(B, spec), cam), t);
  const xs = landmarks.map((l) => l.x), ys = landmarks.map((l) => l.y);
  const box = { xMin: Math.min(...xs), yMin: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
  return { landmarks, score: 0.99, box };
}
