// The factory: validates a PoseEstimatorConfig (merging defaults, precise messages), makes
// sure a real tfjs backend is up, and loads the chosen model from local files.
import { projectPath } from '../../paths';
import { initTf } from '../../runtime/backend';
import { loadBlazePose } from './blazepose';
import {
  DEFAULT_ENABLE_SMOOTHING,
  DEFAULT_MAX_TRACKS,
  DEFAULT_MIN_POSE_SCORE,
  DEFAULT_MODEL_DIR_PARTS,
  DEFAULT_POSE_MODEL,
  DEFAULT_SELECT_PERSON,
  POSE_MODELS,
} from './constants';
import { PoseConfigError } from './errors';
import { TrackingPoseEstimator } from './estimator';
import { loadMoveNet } from './movenet';
import { loadPeopleDetector } from './people';
import type { PoseEstimatorConfig } from './types';

export type ValidatedPoseConfig = Required<PoseEstimatorConfig>;

const KEYS: readonly (keyof PoseEstimatorConfig)[] = ['model', 'modelDir', 'enableSmoothing', 'maxTracks', 'minPoseScore', 'selectPerson'];

export function validatePoseConfig(config: PoseEstimatorConfig = {}): ValidatedPoseConfig {
  if (config === null || typeof config !== 'object') {
    throw new PoseConfigError(`pose estimator config must be an object, got ${config === null ? 'null' : typeof config}`);
  }
  const unknown = Object.keys(config).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new PoseConfigError(`unknown pose estimator option(s) ${unknown.join(', ')}; allowed: ${KEYS.join(', ')}`);
  }
  const model = config.model ?? DEFAULT_POSE_MODEL;
  if (!POSE_MODELS.includes(model)) {
    throw new PoseConfigError(`model must be one of ${POSE_MODELS.join(', ')}, got ${JSON.stringify(model)}`);
  }
  const modelDir = config.modelDir ?? projectPath(...DEFAULT_MODEL_DIR_PARTS);
  if (typeof modelDir !== 'string' || modelDir.trim() === '') {
    throw new PoseConfigError(`modelDir must be a non-empty path, got ${JSON.stringify(modelDir)}`);
  }
  const enableSmoothing = config.enableSmoothing ?? DEFAULT_ENABLE_SMOOTHING;
  if (typeof enableSmoothing !== 'boolean') {
    throw new PoseConfigError(`enableSmoothing must be a boolean, got ${JSON.stringify(enableSmoothing)}`);
  }
  const maxTracks = config.maxTracks ?? DEFAULT_MAX_TRACKS;
  if (!Number.isInteger(maxTracks) || maxTracks < 1 || maxTracks > 256) {
    throw new PoseConfigError(`maxTracks must be an integer from 1 to 256, got ${JSON.stringify(maxTracks)}`);
  }
  const minPoseScore = config.minPoseScore ?? DEFAULT_MIN_POSE_SCORE;
  if (typeof minPoseScore !== 'number' || !(minPoseScore >= 0 && minPoseScore <= 1)) {
    throw new PoseConfigError(`minPoseScore must be a number from 0 to 1, got ${JSON.stringify(minPoseScore)}`);
  }
  const selectPerson = config.selectPerson ?? DEFAULT_SELECT_PERSON;
  if (typeof selectPerson !== 'boolean') {
    throw new PoseConfigError(`selectPerson must be a boolean, got ${JSON.stringify(selectPerson)}`);
  }
  return { model, modelDir, enableSmoothing, maxTracks, minPoseScore, selectPerson };
}

/**
 * Loads a pose estimator. Uses the tfjs backend `initTf()` chose for this process or thread
 * (call `initTf(prefer)` first to choose); throws PoseModelMissingError when weights are absent.
 */
export async function createPoseEstimator(config: PoseEstimatorConfig = {}): Promise<TrackingPoseEstimator> {
  const cfg = validatePoseConfig(config);
  await initTf();
  const adapter =
    cfg.model === 'movenet-lightning'
      ? await loadMoveNet(cfg)
      : await loadBlazePose({ ...cfg, modelType: cfg.model === 'blazepose-lite' ? 'lite' : 'full' });
  let people;
  try {
    people = cfg.selectPerson ? await loadPeopleDetector(cfg.modelDir) : undefined;
  } catch (err) {
    adapter.root.dispose();
    throw err;
  }
  return new TrackingPoseEstimator(adapter, cfg, people);
}
