// Picking the participant among several people in one photo. BlazePose (tfjs) returns one
// person — whichever its detector scores highest, often a bystander. MoveNet MultiPose
// lightning finds up to six people with boxes; the participant is chosen among them (the
// largest, most central person facing the camera, or the one nearest a hint) and BlazePose
// then runs on a crop around that person only, mapped back to whole-image coordinates.
import type * as tf from '@tensorflow/tfjs';
import * as pd from '@tensorflow-models/pose-detection';
import path from 'node:path';
import { MODEL_FILES } from './constants';
import { landmarkBox } from './estimator';
import { assertModelFiles, localModelHandler } from './localModel';
import { moveNetToPose } from './movenet';
import type { Pose, RgbImage } from './types';

type Box = Pose['box'];

/** Where the wanted person is (normalised box), e.g. where they were last seen or where a user pointed. */
export interface PersonHint {
  box: Box;
}

const centre = (b: Box): [number, number] => [b.xMin + b.width / 2, b.yMin + b.height / 2];

/** How well the face shows (nose, eyes): a person seen from behind is not the one we read. */
function faceScore(p: Pose): number {
  if (p.landmarks.length < 7) return 1;
  return Math.max(p.landmarks[0]!.score, p.landmarks[2]!.score, p.landmarks[5]!.score);
}

/**
 * How likely each pose is the participant. Without a hint: the largest box, discounted by
 * distance from the image centre (a big bystander at the edge loses to the person in the
 * middle), by a low pose score and by a hidden face (someone with their back to the camera).
 * With a hint: overlap with the hinted box minus the distance between centres.
 */
function personScore(p: Pose, hint?: PersonHint): number {
  const [cx, cy] = centre(p.box);
  if (hint) {
    const [hx, hy] = centre(hint.box);
    const ix = Math.max(0, Math.min(p.box.xMin + p.box.width, hint.box.xMin + hint.box.width) - Math.max(p.box.xMin, hint.box.xMin));
    const iy = Math.max(0, Math.min(p.box.yMin + p.box.height, hint.box.yMin + hint.box.height) - Math.max(p.box.yMin, hint.box.yMin));
    const union = p.box.width * p.box.height + hint.box.width * hint.box.height - ix * iy;
    return (union > 0 ? (ix * iy) / union : 0) - Math.hypot(cx - hx, cy - hy);
  }
  const area = Math.sqrt(Math.max(p.box.width * p.box.height, 0));
  return area * (1 - 0.8 * Math.min(1, Math.hypot(cx - 0.5, cy - 0.5) / 0.7)) * (0.5 + 0.5 * p.score) * (0.5 + 0.5 * faceScore(p));
}

/** Indices of `poses`, the likeliest participant first (see personScore). */
export function rankPeople(poses: readonly Pose[], hint?: PersonHint): number[] {
  const scores = poses.map((p) => personScore(p, hint));
  return poses.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** Index of the participant among `poses` (the first of rankPeople), or -1 for none. */
export function choosePerson(poses: readonly Pose[], hint?: PersonHint): number {
  return rankPeople(poses, hint)[0] ?? -1;
}

/** A part of an image, with where it sits in the original (pixels). */
export interface Crop {
  image: RgbImage;
  x0: number;
  y0: number;
}

/** Share of the box's width / height added on each side: room for arms and a head the box cut short. */
export const PERSON_CROP_MARGIN = 0.25;

/** The pixels of `box` (normalised) grown by `margin` on each side, clipped to the image. */
export function cropToBox(image: RgbImage, box: Box, margin = PERSON_CROP_MARGIN): Crop {
  const { width: W, height: H } = image;
  const x0 = Math.max(0, Math.floor((box.xMin - margin * box.width) * W));
  const y0 = Math.max(0, Math.floor((box.yMin - margin * box.height) * H));
  const x1 = Math.min(W, Math.max(x0 + 1, Math.ceil((box.xMin + (1 + margin) * box.width) * W)));
  const y1 = Math.min(H, Math.max(y0 + 1, Math.ceil((box.yMin + (1 + margin) * box.height) * H)));
  const w = x1 - x0;
  const h = y1 - y0;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * W + x0) * 3;
    data.set(image.data.subarray(from, from + w * 3), y * w * 3);
  }
  return { image: { width: w, height: h, data }, x0, y0 };
}

/** A pose estimated on `crop` in whole-image coordinates (z, in width units, rescaled too; world landmarks are metric and stay). */
export function uncropPose(pose: Pose, crop: Crop, width: number, height: number): Pose {
  const { width: cw, height: ch } = crop.image;
  const landmarks = pose.landmarks.map((l) => ({
    x: (l.x * cw + crop.x0) / width,
    y: (l.y * ch + crop.y0) / height,
    z: (l.z * cw) / width,
    score: l.score,
  }));
  return { ...pose, landmarks, box: landmarkBox(landmarks) };
}

/** Finds everyone in a photo: boxes and 17 keypoints each (BlazePose indices, as movenet.ts maps them). */
export interface PeopleDetector {
  detect(input: tf.Tensor3D, width: number, height: number): Promise<Pose[]>;
  dispose(): void;
}

/** Lowest MoveNet MultiPose person score kept as a candidate (its scores run low: 0.15–0.7 for real people). */
export const MIN_PERSON_SCORE = 0.15;
export const MAX_PEOPLE = 6;

export async function loadPeopleDetector(modelDir: string): Promise<PeopleDetector> {
  assertModelFiles(modelDir, [MODEL_FILES['movenet-multipose']]);
  const detector = await pd.createDetector(pd.SupportedModels.MoveNet, {
    modelType: pd.movenet.modelType.MULTIPOSE_LIGHTNING,
    modelUrl: localModelHandler(path.join(modelDir, `${MODEL_FILES['movenet-multipose']}.json`)),
    enableTracking: false,
    enableSmoothing: false,
    minPoseScore: MIN_PERSON_SCORE,
  });
  return {
    async detect(input, width, height) {
      // No timestamp and tracking off: nothing carries over between photos (and MultiPose's reset() would throw).
      const raw = await detector.estimatePoses(input, { maxPoses: MAX_PEOPLE, flipHorizontal: false });
      return raw.map((p) => {
        const pose = moveNetToPose(p, width, height);
        // The model's own person box (normalised) covers the body better than the keypoints' box.
        if (p.box) pose.box = { xMin: p.box.xMin, yMin: p.box.yMin, width: p.box.width, height: p.box.height };
        return pose;
      });
    },
    dispose: () => detector.dispose(),
  };
}
