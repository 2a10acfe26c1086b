import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTf } from '../../runtime/backend';
import { expectMergedIsMembersMean } from '../ensemble.testkit';
import { loadArtifact, PostureModelLoadError, WEIGHTS_FILE } from './artifact';
import { projectPath } from '../../paths';
import { createPostureClassifier, loadPostureClassifier } from './model';
import { generateDataset } from './synth';
import { DEFAULT_POSTURE_TRAIN_OPTIONS, mergeMembers, saveTrainedPosture, trainPosture, type PostureTrainResult } from './train';
import { forwardLogits, initWeights, weightShapes, type MlpDims } from './net';
import { FEATURE_COUNT } from './features';
import { MODEL_LABELS } from './types';

const tiny = { ...DEFAULT_POSTURE_TRAIN_OPTIONS, trainExamples: 1500, validationExamples: 300, epochs: 2, hidden: [16] };
let dir: string;
let result: PostureTrainResult;

beforeAll(async () => {
  await initTf('wasm');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-model-'));
  result = await trainPosture(tiny, undefined, { workers: 1 });
  saveTrainedPosture(dir, result, new Date('2026-11-28T12:00:00Z'));
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const rows = (n: number): Float32Array[] => {
  const d = generateDataset(99, n);
  return Array.from({ length: n }, (_, i) => d.x.slice(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT));
};

describe('posture model', () => {
  it('trains, saves and loads back to the same predictions', () => {
    const manifest = loadArtifact(dir).manifest;
    expect(manifest.version).toMatch(/^posture-20261128-[0-9a-f]{8}$/);
    const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.seed).toBe(tiny.seed);
    expect(Object.keys(metrics.syntheticValidation)).toEqual([...MODEL_LABELS]);
    const loaded = loadPostureClassifier({ modelDir: dir });
    const fresh = createPostureClassifier('fresh', result.artifact);
    const x = rows(5);
    const a = loaded.predict(x);
    const b = fresh.predict(x);
    a.forEach((p, i) => MODEL_LABELS.forEach((l) => expect(p[l]).toBeCloseTo(b[i]![l], 5)));
    expect(loaded.version).toBe(manifest.version);
    loaded.dispose();
    fresh.dispose();
  });

  it('is deterministic for a seed, in this thread or members on worker threads', async () => {
    const again = await trainPosture(tiny, undefined, { workers: 2 });
    again.artifact.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(result.artifact.weights[i]!.buffer))).toBe(true));
    expect(again.validation).toEqual(result.validation);
  }, 60_000);

  it('leaks no tensors in predict and frees its weights on dispose', () => {
    const before = tf.memory().numTensors;
    const clf = loadPostureClassifier({ modelDir: dir });
    const loadedCount = tf.memory().numTensors;
    clf.predict(rows(20));
    clf.predict([]);
    expect(tf.memory().numTensors).toBe(loadedCount);
    clf.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => clf.predict(rows(1))).toThrow(/disposed/);
  });

  it('tells how to build a missing model and refuses a corrupted one', () => {
    const missing = path.join(dir, 'nope');
    expect(() => loadPostureClassifier({ modelDir: missing })).toThrow(`posture model at ${missing} cannot be loaded: the folder ${missing} does not exist (check the path, or make one there with npx buying-signals train posture --out ${missing}).`);
    expect(new PostureModelLoadError(projectPath('models', 'posture'), 'x').message).toMatch(/Rebuild it with `npx buying-signals train posture`\.$/);
    // A verbal model's folder is named as one, not as a posture model missing weights.bin.
    const verbal = projectPath('models', 'verbal');
    expect(() => loadPostureClassifier({ modelDir: verbal })).toThrow(`posture model at ${verbal} cannot be loaded: ${verbal} holds a verbal model, not a posture model.`);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-bad-'));
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
    fs.appendFileSync(path.join(copy, WEIGHTS_FILE), Buffer.from([1, 2, 3, 4]));
    expect(() => loadPostureClassifier({ modelDir: copy })).toThrow(/checksum/);
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it('merges ensemble members into one network whose logits are the members\' mean', () => {
    const d: MlpDims = { inputs: 5, hidden: [4, 3], outputs: 2 };
    const random = (seed: number) => initWeights(d, seed).map((w, i) => (i % 2 ? w.map((_, j) => 0.1 * (j + seed)) : w));
    const members = [random(1), random(2), random(3)];
    const merged = mergeMembers(members, d);
    expect(merged.dims.hidden).toEqual([12, 9]);
    const logits = (weights: Float32Array[], dims: MlpDims) =>
      tf.tidy(() => {
        const shapes = weightShapes(dims);
        const w = weights.map((a, i) => tf.tensor(a, shapes[i]!.shape));
        const norm = { mean: tf.zeros([5]), std: tf.ones([5]) };
        return Array.from(forwardLogits(w, norm, tf.tensor2d([0.3, -1, 2, 0.5, -0.2, 1, 1, -1, 0, 0.4], [2, 5])).dataSync());
      });
    expectMergedIsMembersMean(members.map((m) => logits(m, d)), logits(merged.weights, merged.dims), mergeMembers([members[0]!], d).weights, members[0]);
  });

  it('rejects feature vectors of the wrong length', () => {
    const clf = loadPostureClassifier({ modelDir: dir });
    expect(() => clf.predict([new Float32Array(3)])).toThrow(`expected ${FEATURE_COUNT}`);
    clf.dispose();
  });
});
