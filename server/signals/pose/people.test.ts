import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import { initTf } from '../../runtime/backend';
import { createPoseEstimator } from './create';
import { decodeImage } from './decode';
import { isSamePerson, type TrackingPoseEstimator } from './estimator';
import { choosePerson, cropToBox, uncropPose } from './people';
import { describeWithPostureData, postureImagePath } from './testData';
import type { Landmark, Pose, RgbImage } from './types';

/** A stick person: 33 points spread over `box`, face points scored `face`. */
function person(box: Pose['box'], score = 0.5, face = 0.9): Pose {
  const landmarks: Landmark[] = Array.from({ length: 33 }, (_, i) => ({
    x: box.xMin + box.width * (0.3 + 0.4 * ((i % 5) / 4)),
    y: box.yMin + box.height * (i / 32),
    z: 0,
    score: i <= 10 ? face : 0.8,
  }));
  return { landmarks, score, box };
}

describe('choosePerson', () => {
  it('prefers the larger, more central person and follows a hint', () => {
    const edge = person({ xMin: 0.0, yMin: 0.1, width: 0.3, height: 0.8 });
    const middle = person({ xMin: 0.35, yMin: 0.1, width: 0.3, height: 0.8 });
    const small = person({ xMin: 0.45, yMin: 0.4, width: 0.1, height: 0.3 });
    expect(choosePerson([edge, middle, small])).toBe(1);
    expect(choosePerson([edge, middle, small], { box: edge.box })).toBe(0);
    expect(choosePerson([])).toBe(-1);
  });

  it('passes over someone with their back to the camera', () => {
    const back = person({ xMin: 0.3, yMin: 0.05, width: 0.4, height: 0.9 }, 0.5, 0.05);
    const facing = person({ xMin: 0.55, yMin: 0.15, width: 0.3, height: 0.75 }, 0.5, 0.9);
    expect(choosePerson([back, facing])).toBe(1);
  });
});

describe('cropToBox / uncropPose', () => {
  const image: RgbImage = { width: 40, height: 20, data: new Uint8Array(40 * 20 * 3).map((_, i) => i % 251) };

  it('copies the box plus margin, clipped to the image', () => {
    const crop = cropToBox(image, { xMin: 0.5, yMin: 0.5, width: 0.25, height: 0.25 }, 0.2);
    expect([crop.x0, crop.y0, crop.image.width, crop.image.height]).toEqual([18, 9, 14, 7]);
    const px = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
    expect(px(crop.image, 3, 2)).toEqual(px(image, 21, 11));
    const edge = cropToBox(image, { xMin: 0.9, yMin: 0.0, width: 0.1, height: 1 }, 0.5);
    expect([edge.x0, edge.y0, edge.x0 + edge.image.width, edge.image.height]).toEqual([34, 0, 40, 20]);
  });

  it('maps landmarks back to whole-image coordinates', () => {
    const crop = cropToBox(image, { xMin: 0.25, yMin: 0.25, width: 0.5, height: 0.5 }, 0);
    const onCrop = person({ xMin: 0, yMin: 0, width: 1, height: 1 });
    const back = uncropPose(onCrop, crop, image.width, image.height);
    expect(back.landmarks[0]!.x).toBeCloseTo(0.25 + 0.5 * onCrop.landmarks[0]!.x, 6);
    expect(back.landmarks[32]!.y).toBeCloseTo(0.25 + 0.5 * onCrop.landmarks[32]!.y, 6);
    expect(back.box.xMin).toBeGreaterThanOrEqual(0.25);
    const here = person({ xMin: 0.25, yMin: 0.25, width: 0.5, height: 0.5 });
    const there = person({ xMin: 0.8, yMin: 0.25, width: 0.1, height: 0.5 });
    expect(isSamePerson(back, [there, here], 1)).toBe(true);
    expect(isSamePerson(back, [there, here], 0)).toBe(false);
    // Inside a big box, but nearer a neighbour who overlaps it: not the same person.
    const big = person({ xMin: 0.2, yMin: 0.0, width: 0.8, height: 1 });
    const neighbour = { ...here, box: { xMin: 0.3, yMin: 0.3, width: 0.4, height: 0.4 } };
    expect(isSamePerson(back, [big, neighbour], 0)).toBe(false);
  });
});

describeWithPostureData('person selection on real photos', () => {
  let estimator: TrackingPoseEstimator;
  beforeAll(async () => {
    await initTf('wasm');
    estimator = await createPoseEstimator({ model: 'blazepose-full' });
  }, 60_000);
  afterAll(() => estimator?.dispose());

  it('reads the man in front, not a colleague behind him (d005: five people, his arms crossed)', async () => {
    const photo = await decodeImage(fs.readFileSync(postureImagePath('d005.jpg')));
    const [pose, ...rest] = await estimator.estimate(photo);
    expect(rest).toHaveLength(0);
    const lm = pose!.landmarks;
    // He stands left of centre, filling the frame top to bottom; his wrists lie between his shoulders.
    expect(lm[0]!.y).toBeLessThan(0.3);
    expect((lm[11]!.x + lm[12]!.x) / 2).toBeGreaterThan(0.25);
    expect((lm[11]!.x + lm[12]!.x) / 2).toBeLessThan(0.6);
    for (const w of [15, 16]) {
      expect(lm[w]!.x).toBeGreaterThan(Math.min(lm[11]!.x, lm[12]!.x));
      expect(lm[w]!.x).toBeLessThan(Math.max(lm[11]!.x, lm[12]!.x));
    }
  });

  it('reads someone else when a hint points at them, and leaks no tensors', async () => {
    const photo = await decodeImage(fs.readFileSync(postureImagePath('d005.jpg')));
    await estimator.estimate(photo);
    const before = tf.memory().numTensors;
    // The grey-haired colleague seated at the left edge, behind the man in front.
    const hint = { box: { xMin: 0.0, yMin: 0.4, width: 0.36, height: 0.48 } };
    const [pose] = await estimator.estimate(photo, { person: hint });
    const x = (pose!.landmarks[11]!.x + pose!.landmarks[12]!.x) / 2;
    expect(x).toBeLessThan(0.3);
    await estimator.estimate(photo);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('finds someone where the whole-image detector gave up (d025: two people side by side)', async () => {
    const photo = await decodeImage(fs.readFileSync(postureImagePath('d025.jpg')));
    expect(await estimator.estimate(photo)).toHaveLength(1);
  });
});
