import { PersonBoxSchema, type PoseIn } from '../../protocol/protocol';
import { nearestPose, poseAt, poseBox } from './pointing';

/** A pose whose 33 landmarks fill the box (x0..x1, y0..y1), with a hidden point far outside it. */
function person(x0: number, x1: number, y0: number, y1: number): PoseIn {
  const landmarks = Array.from({ length: 33 }, (_, i) => ({ x: x0 + ((x1 - x0) * (i % 5)) / 4, y: y0 + ((y1 - y0) * (i % 7)) / 6, score: 0.9 }));
  landmarks[32] = { x: 1.6, y: 1.8, score: 0.05 };
  return { landmarks };
}

describe('pointing at a person', () => {
  const big = person(0.3, 0.7, 0.1, 1);
  const small = person(0.05, 0.25, 0.3, 0.8);
  const front = person(0.45, 0.6, 0.5, 0.9); // in front of the big one, overlapping them

  test('a pose box covers the visible landmarks and is a valid person box', () => {
    const b = poseBox(big);
    expect(b.xMin).toBeCloseTo(0.3);
    expect(b.width).toBeCloseTo(0.4);
    expect(b.yMin).toBeCloseTo(0.1);
    expect(b.height).toBeCloseTo(0.9);
    expect(PersonBoxSchema.safeParse(b).success).toBe(true);
    // Landmarks off the frame are clipped; one visible point still gives a valid box.
    const edge = { landmarks: Array.from({ length: 33 }, () => ({ x: 1.3, y: -0.2, score: 1 })) };
    expect(PersonBoxSchema.safeParse(poseBox(edge)).success).toBe(true);
  });

  test('a click picks the person under it, the smaller one where two overlap, nobody on empty ground', () => {
    const poses = [big, small, front];
    expect(poseAt(poses, 0.15, 0.5)).toBe(1);
    expect(poseAt(poses, 0.35, 0.2)).toBe(0);
    expect(poseAt(poses, 0.5, 0.7)).toBe(2);
    expect(poseAt(poses, 0.9, 0.1)).toBe(-1);
    expect(poseAt([], 0.5, 0.5)).toBe(-1);
  });

  test('the pointed person is followed as they move', () => {
    const pointed = poseBox(small);
    const moved = person(0.1, 0.3, 0.32, 0.82);
    expect(nearestPose([big, moved], pointed)).toBe(1);
    expect(nearestPose([], pointed)).toBe(-1);
  });
});
