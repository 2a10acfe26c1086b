// BlazePose (tfjs runtime) from local weights: a detector model finds the person, a landmark
// model ('full' or 'lite') gives the 33 points, already in the project's schema.
import * as tf from '@tensorflow/tfjs';
import * as pd from '@tensorflow-models/pose-detection';
import path from 'node:path';
import { MODEL_FILES } from './constants';
import type { DetectorAdapter } from './estimator';
import { landmarkBox } from './estimator';
import { assertModelFiles, localModelHandler } from './localModel';
import type { Crop } from './people';
import { KEYPOINT_COUNT, type Pose } from './types';

export interface BlazePoseLoadConfig {
  modelDir: string;
  modelType: 'full' | 'lite';
  enableSmoothing: boolean;
}

/**
 * The fields of pose-detection's (unexported) BlazePoseTfjsDetector that spawning relies on.
 * Checked at load time, so an upgrade that renames them fails loudly instead of leaking.
 */
interface BlazePoseInternals {
  /** The region the next frame's landmarks are read from (normalised, rotated); null = run the detector. */
  regionOfInterest: Rect | null;
  detectorModel: unknown;
  landmarkModel: unknown;
  anchorTensor: { x: tf.Tensor; y: tf.Tensor; w: tf.Tensor; h: tf.Tensor };
}
interface Rect {
  xCenter: number;
  yCenter: number;
  width: number;
  height: number;
  rotation?: number;
}
type BlazePoseCtor = new (
  detectorModel: unknown,
  landmarkModel: unknown,
  enableSmoothing: boolean,
  enableSegmentation: boolean,
  smoothSegmentation: boolean,
  modelType: string,
) => pd.PoseDetector;

export async function loadBlazePose(config: BlazePoseLoadConfig): Promise<DetectorAdapter> {
  const landmarkStem = config.modelType === 'lite' ? MODEL_FILES['blazepose-lite'] : MODEL_FILES['blazepose-full'];
  assertModelFiles(config.modelDir, [MODEL_FILES['blazepose-detector'], landmarkStem]);
  const root = await pd.createDetector(pd.SupportedModels.BlazePose, {
    runtime: 'tfjs',
    modelType: config.modelType,
    enableSmoothing: config.enableSmoothing,
    enableSegmentation: false,
    detectorModelUrl: localModelHandler(path.join(config.modelDir, `${MODEL_FILES['blazepose-detector']}.json`)),
    landmarkModelUrl: localModelHandler(path.join(config.modelDir, `${landmarkStem}.json`)),
  });
  const internals = root as unknown as Partial<BlazePoseInternals>;
  if (!internals.detectorModel || !internals.landmarkModel || !internals.anchorTensor) {
    root.dispose();
    throw new Error('@tensorflow-models/pose-detection changed: BlazePose detector internals not found (pinned 2.1.3)');
  }
  const Ctor = root.constructor as BlazePoseCtor;
  return {
    model: config.modelType === 'lite' ? 'blazepose-lite' : 'blazepose-full',
    root,
    // Same constructor call as pose-detection's own load(), reusing the loaded graph models.
    spawn: () =>
      new Ctor(internals.detectorModel, internals.landmarkModel, config.enableSmoothing, false, true, config.modelType),
    // A spawned detector owns only its SSD anchor tensors; dispose() would free the shared models.
    release: (d) => tf.dispose(Object.values((d as unknown as BlazePoseInternals).anchorTensor)),
    toPose: blazePoseToPose,
    isCold: (d) => (d as unknown as BlazePoseInternals).regionOfInterest == null,
    seed: (track, from, crop, width, height) => {
      const roi = (from as unknown as BlazePoseInternals).regionOfInterest;
      (track as unknown as BlazePoseInternals).regionOfInterest = roi && uncropRect(roi, crop, width, height);
    },
  };
}

/**
 * A region found on `crop` in whole-image coordinates. The region is a square in pixels with a
 * rotation; moving and scaling it keeps both, so the rotation stays.
 */
export function uncropRect(r: Rect, crop: Crop, width: number, height: number): Rect {
  const { width: cw, height: ch } = crop.image;
  return {
    xCenter: (r.xCenter * cw + crop.x0) / width,
    yCenter: (r.yCenter * ch + crop.y0) / height,
    width: (r.width * cw) / width,
    height: (r.height * ch) / height,
    ...(r.rotation !== undefined && { rotation: r.rotation }),
  };
}

/**
 * pose-detection gives pixels (z scaled like x, by the width); the project wants 0..1.
 * pose-detection 2.1.3's keypointsToNormalizedKeypoints forgets to divide z (it writes the
 * input object, not the copy), so after the smoothing filter z comes out `width` times too
 * large: undo that for smoothed frames.
 */
export function blazePoseToPose(raw: pd.Pose, width: number, height: number, smoothed = false): Pose {
  const zScale = smoothed ? width * width : width;
  if (raw.keypoints.length !== KEYPOINT_COUNT) {
    throw new Error(`BlazePose returned ${raw.keypoints.length} keypoints, expected ${KEYPOINT_COUNT}`);
  }
  const landmarks = raw.keypoints.map((k) => ({
    x: k.x / width,
    y: k.y / height,
    z: (k.z ?? 0) / zScale,
    score: k.score ?? 0,
  }));
  const pose: Pose = { landmarks, score: raw.score ?? 0, box: landmarkBox(landmarks) };
  if (raw.keypoints3D && raw.keypoints3D.length === KEYPOINT_COUNT) {
    pose.world = raw.keypoints3D.map((k) => ({ x: k.x, y: k.y, z: k.z ?? 0 }));
  }
  return pose;
}
