import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTf } from '../../runtime/backend';
import { DEFAULT_POSTURE_TRAIN_OPTIONS, saveTrainedPosture, trainPosture } from './train';

/** model.test.ts's tiny recipe: seconds on one thread. */
const tiny = { ...DEFAULT_POSTURE_TRAIN_OPTIONS, trainExamples: 1500, validationExamples: 300, epochs: 2, hidden: [16] };

beforeAll(() => initTf('wasm'));

describe('posture training without extra rows', () => {
  it('makes the weights the code made before --extra existed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-golden-'));
    try {
      const result = await trainPosture(tiny, undefined, { workers: 1 });
      const manifest = saveTrainedPosture(dir, result, new Date('2026-11-28T12:00:00Z'));
      const sha = (f: string): string => createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex');
      // Recorded from this recipe by the code of commit a3fdc99, before train posture --extra: the
      // default path's examples, their order and its random draws are unchanged, and the manifest
      // gained no field. If a deliberate change of the recipe moves them, record the new hashes
      // (and retrain models/posture).
      expect(manifest.weightsSha256).toBe('2d424319344892a75174a0cfb158f8135b27ab239d0d55f16e3b172f41a59b64');
      expect(sha('manifest.json')).toBe('9810d4eeb80a0da79bfa64854347e71ab60bab7b8ed85610e5dff32f13c54500');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
