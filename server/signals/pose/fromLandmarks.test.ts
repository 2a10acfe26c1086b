// The storage form of a pose the server estimated must be one the input schema takes back, so a
// stored session can be replayed.
import { PoseInSchema } from '../../../protocol/protocol';
import { clampPoseIn, landmarksFromPose } from './fromLandmarks';
import type { Pose } from './types';

const pose = (x: number, y: number, score: number): Pose => ({
  landmarks: Array.from({ length: 33 }, (_, i) => ({ x: i === 27 ? x : 0.5, y: i === 27 ? y : 0.5, z: 0.1, score: i === 27 ? score : 0.9 })),
  score: 1.2,
  box: { xMin: 0, yMin: 0, width: 1, height: 1 },
});

describe('landmarksFromPose', () => {
  it('holds positions the pose model put beyond the picture to [-1, 2] and scores to [0, 1]', () => {
    const stored = landmarksFromPose(pose(-3.7, 4.3, 1.0000001));
    expect(stored.landmarks[27]).toEqual({ x: -1, y: 2, z: 0.1, score: 1 });
    expect(stored.score).toBe(1);
    expect(PoseInSchema.safeParse(stored).success).toBe(true);
  });

  it('leaves positions inside the ranges as they were (to 4 decimals)', () => {
    expect(landmarksFromPose(pose(1.23456, -0.5, 0.3)).landmarks[27]).toEqual({ x: 1.2346, y: -0.5, z: 0.1, score: 0.3 });
  });
});

describe('clampPoseIn', () => {
  it('brings a pose stored before the clamp into the input ranges, keeping absent fields absent', () => {
    const old = { landmarks: [{ x: 2.5, y: -1.5, z: 3 }, { x: 0.2, y: 0.3, score: 1.5 }], score: -0.1 };
    expect(clampPoseIn(old)).toEqual({ landmarks: [{ x: 2, y: -1, z: 3 }, { x: 0.2, y: 0.3, score: 1 }], score: 0 });
  });
});
