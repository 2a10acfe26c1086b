import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPoseEstimator, validatePoseConfig } from './create';
import { DEFAULT_DECODE_LIMITS } from './constants';
import { PoseConfigError, PoseModelMissingError } from './errors';
import type { PoseEstimatorConfig } from './types';

describe('validatePoseConfig', () => {
  it('merges the defaults', () => {
    const cfg = validatePoseConfig();
    expect(cfg).toMatchObject({ model: 'blazepose-full', enableSmoothing: true, maxTracks: 8, minPoseScore: 0.25 });
    expect(cfg.modelDir).toMatch(/models[\\/]pose$/);
    expect(DEFAULT_DECODE_LIMITS.maxSide).toBe(1280);
  });

  it.each<[unknown, RegExp]>([
    [{ model: 'blazepose-heavy' }, /model must be one of blazepose-full, blazepose-lite, movenet-lightning, got "blazepose-heavy"/],
    [{ modelDir: '' }, /modelDir must be a non-empty path, got ""/],
    [{ maxTracks: 0 }, /maxTracks must be an integer from 1 to 256, got 0/],
    [{ maxTracks: 2.5 }, /maxTracks must be an integer from 1 to 256, got 2.5/],
    [{ minPoseScore: 1.5 }, /minPoseScore must be a number from 0 to 1, got 1.5/],
    [{ minPoseScore: Number.NaN }, /minPoseScore must be a number from 0 to 1, got null/],
    [{ enableSmoothing: 'yes' }, /enableSmoothing must be a boolean, got "yes"/],
    [{ modle: 'blazepose-lite' }, /unknown pose estimator option\(s\) modle; allowed: model, modelDir/],
    [null, /config must be an object, got null/],
  ])('rejects %j', (config, message) => {
    expect(() => validatePoseConfig(config as PoseEstimatorConfig)).toThrow(PoseConfigError);
    expect(() => validatePoseConfig(config as PoseEstimatorConfig)).toThrow(message);
  });
});

describe('createPoseEstimator', () => {
  it('names the missing files and the command that fetches them', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'pose-empty-'));
    try {
      const err = await createPoseEstimator({ model: 'blazepose-lite', modelDir: empty }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PoseModelMissingError);
      expect((err as Error).message).toContain('blazepose-detector.json');
      expect((err as Error).message).toContain('blazepose-lite.bin');
      expect((err as Error).message).toContain('run `npm run models`');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
