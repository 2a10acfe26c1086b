// Pointing at the participant among several people in the video: a click picks the person
// under it, their box goes to the server once (the protocol's `person` on landmarks), and
// the overlay keeps marking whoever is nearest that box in later frames. Pure functions.
import type { PersonBox, PoseIn } from '../../protocol/protocol';

/** Landmarks at least this visible shape the box (as on the server). */
const BOX_MIN_SCORE = 0.3;
/** A click this close to a person's box (share of the frame) still picks them. */
const CLICK_SLACK = 0.03;

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** The normalised box around a pose's visible landmarks, clipped to the frame (a valid `person`). */
export function poseBox(pose: PoseIn): PersonBox {
  const seen = pose.landmarks.filter((l) => (l.score ?? 1) >= BOX_MIN_SCORE);
  const pts = seen.length ? seen : pose.landmarks;
  const xs = pts.map((l) => clamp01(l.x));
  const ys = pts.map((l) => clamp01(l.y));
  const xMin = Math.min(...xs);
  const yMin = Math.min(...ys);
  // A box of zero width (one visible point) is no box: give it a pixel's worth of room.
  const width = Math.max(0.001, Math.min(1 - xMin, Math.max(...xs) - xMin));
  const height = Math.max(0.001, Math.min(1 - yMin, Math.max(...ys) - yMin));
  return { xMin: Math.min(xMin, 0.999), yMin: Math.min(yMin, 0.999), width, height };
}

const centre = (b: PersonBox): [number, number] => [b.xMin + b.width / 2, b.yMin + b.height / 2];

/**
 * Which pose a click at (x, y) (normalised) points at: among the boxes that hold the point
 * (with a little slack), the smallest one (a person in front of a bigger one behind them);
 * -1 when the click is on nobody.
 */
export function poseAt(poses: readonly PoseIn[], x: number, y: number): number {
  let best = -1;
  let bestArea = Infinity;
  poses.forEach((p, i) => {
    const b = poseBox(p);
    const inside = x >= b.xMin - CLICK_SLACK && x <= b.xMin + b.width + CLICK_SLACK && y >= b.yMin - CLICK_SLACK && y <= b.yMin + b.height + CLICK_SLACK;
    const area = b.width * b.height;
    if (inside && area < bestArea) {
      best = i;
      bestArea = area;
    }
  });
  return best;
}

/** The pose nearest `box` (centre distance), to keep marking the pointed person; -1 when there is none. */
export function nearestPose(poses: readonly PoseIn[], box: PersonBox): number {
  const [bx, by] = centre(box);
  let best = -1;
  let bestD = Infinity;
  poses.forEach((p, i) => {
    const [cx, cy] = centre(poseBox(p));
    const d = Math.hypot(cx - bx, cy - by);
    if (d < bestD) {
      best = i;
      bestD = d;
    }
  });
  return best;
}
