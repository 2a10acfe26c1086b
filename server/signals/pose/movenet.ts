// MoveNet SinglePose Lightning from local weights: the fast alternative. It gives the 17 COCO
// keypoints; they are placed at their BlazePose indices and the 16 points MoveNet lacks
// (eye corners, mouth, hands, heels, feet) get score 0, so consumers must read scores.
import * as pd from '@tensorflow-models/pose-detection';
import path from 'node:path';
import { MODEL_FILES } from './constants';
import type { DetectorAdapter } from './estimator';
import { landmarkBox } from './estimator';
import { assertModelFiles, localModelHandler } from './localModel';
import { BLAZEPOSE_KEYPOINTS, type KeypointName, type Landmark, type Pose } from './types';

export interface MoveNetLoadConfig {
  modelDir: string;
  enableSmoothing: boolean;
  minPoseScore: number;
}

/**
 * Where a point MoveNet lacks borrows its coordinates from (score stays 0): copying the nearest
 * measured point keeps code that forgets to check scores from seeing (0,0) corners.
 */
const STAND_IN: Partial<Record<KeypointName, KeypointName>> = {
  left_eye_inner: 'left_eye',
  left_eye_outer: 'left_eye',
  right_eye_inner: 'right_eye',
  right_eye_outer: 'right_eye',
  mouth_left: 'nose',
  mouth_right: 'nose',
  left_pinky: 'left_wrist',
  left_index: 'left_wrist',
  left_thumb: 'left_wrist',
  right_pinky: 'right_wrist',
  right_index: 'right_wrist',
  right_thumb: 'right_wrist',
  left_heel: 'left_ankle',
  left_foot_index: 'left_ankle',
  right_heel: 'right_ankle',
  right_foot_index: 'right_ankle',
};

/** MoveNet single-pose keeps the region it reads the next frame from (normalised); null = the whole image. */
interface MoveNetInternals {
  cropRegion: { xMin: number; yMin: number; xMax: number; yMax: number; width: number; height: number } | null;
}
type MoveNetCtor = new (model: unknown, config: object) => pd.PoseDetector;

export async function loadMoveNet(config: MoveNetLoadConfig): Promise<DetectorAdapter> {
  assertModelFiles(config.modelDir, [MODEL_FILES['movenet-lightning']]);
  const modelConfig: pd.MoveNetModelConfig = {
    modelType: pd.movenet.modelType.SINGLEPOSE_LIGHTNING,
    enableSmoothing: config.enableSmoothing,
    minPoseScore: config.minPoseScore,
    modelUrl: localModelHandler(path.join(config.modelDir, `${MODEL_FILES['movenet-lightning']}.json`)),
  };
  const root = await pd.createDetector(pd.SupportedModels.MoveNet, modelConfig);
  const model = (root as unknown as { moveNetModel?: unknown }).moveNetModel;
  if (!model) {
    root.dispose();
    throw new Error('@tensorflow-models/pose-detection changed: MoveNet detector internals not found (pinned 2.1.3)');
  }
  const Ctor = root.constructor as MoveNetCtor;
  return {
    model: 'movenet-lightning',
    root,
    // MoveNet's constructor only sets up filters and the crop region: sharing the model is safe.
    spawn: () => new Ctor(model, { ...modelConfig, modelUrl: undefined }),
    release: () => undefined,
    toPose: moveNetToPose,
    isCold: (d) => (d as unknown as MoveNetInternals).cropRegion == null,
    seed: (track, from, crop, width, height) => {
      const r = (from as unknown as MoveNetInternals).cropRegion;
      if (!r) return;
      const { width: cw, height: ch } = crop.image;
      const xMin = (r.xMin * cw + crop.x0) / width;
      const yMin = (r.yMin * ch + crop.y0) / height;
      const xMax = (r.xMax * cw + crop.x0) / width;
      const yMax = (r.yMax * ch + crop.y0) / height;
      (track as unknown as MoveNetInternals).cropRegion = { xMin, yMin, xMax, yMax, width: xMax - xMin, height: yMax - yMin };
    },
  };
}

export function moveNetToPose(raw: pd.Pose, width: number, height: number): Pose {
  const byName = new Map<string, Landmark>();
  for (const k of raw.keypoints) {
    if (k.name) byName.set(k.name, { x: k.x / width, y: k.y / height, z: 0, score: k.score ?? 0 });
  }
  const landmarks = BLAZEPOSE_KEYPOINTS.map((name): Landmark => {
    const measured = byName.get(name);
    if (measured) return measured;
    const stand = byName.get(STAND_IN[name] ?? '');
    return { x: stand?.x ?? 0, y: stand?.y ?? 0, z: 0, score: 0 };
  });
  return { landmarks, score: raw.score ?? 0, box: landmarkBox(landmarks) };
}
