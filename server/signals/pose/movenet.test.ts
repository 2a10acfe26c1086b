import { moveNetToPose } from './movenet';
import { BLAZEPOSE_KEYPOINTS, KEYPOINT_COUNT } from './types';

const COCO = ['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow',
  'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle'];

describe('moveNetToPose', () => {
  const raw = {
    score: 0.6,
    keypoints: COCO.map((name, i) => ({ name, x: 10 * (i + 1), y: 5 * (i + 1), score: 0.5 + i / 100 })),
  };
  const pose = moveNetToPose(raw, 200, 100);

  it('puts the 17 COCO points at their BlazePose indices, normalised', () => {
    expect(pose.landmarks).toHaveLength(KEYPOINT_COUNT);
    COCO.forEach((name, i) => {
      const p = pose.landmarks[BLAZEPOSE_KEYPOINTS.indexOf(name as never)]!;
      expect(p).toEqual({ x: (10 * (i + 1)) / 200, y: (5 * (i + 1)) / 100, z: 0, score: 0.5 + i / 100 });
    });
  });

  it('gives the 16 missing points score 0 at the nearest measured point', () => {
    const missing = BLAZEPOSE_KEYPOINTS.filter((n) => !COCO.includes(n));
    expect(missing).toHaveLength(16);
    for (const name of missing) expect(pose.landmarks[BLAZEPOSE_KEYPOINTS.indexOf(name)]!.score).toBe(0);
    const wrist = pose.landmarks[BLAZEPOSE_KEYPOINTS.indexOf('left_wrist')]!;
    const thumb = pose.landmarks[BLAZEPOSE_KEYPOINTS.indexOf('left_thumb')]!;
    expect([thumb.x, thumb.y]).toEqual([wrist.x, wrist.y]);
  });

  it('boxes the confident points', () => {
    expect(pose.score).toBe(0.6);
    expect(pose.box.xMin).toBeCloseTo(0.05);
    expect(pose.box.yMin).toBeCloseTo(0.05);
  });
});
