import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTf } from '../../runtime/backend';
import { mulberry32 } from '../random';
import { computeFeatures } from './features';
import { extraExamples, type PostureExtra } from './extraExamples';
import { parseLabelRows } from './labelRows';
import { createPostureClassifier } from './model';
import { DEFAULT_POSTURE_TRAIN_OPTIONS, saveTrainedPosture, trainPosture, type PostureTrainResult } from './train';
import { ARMS, posture, view } from './testkit';
import { MODEL_LABELS } from './types';

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

describe('posture training with extra rows (train posture --extra)', () => {
  // A distinctive frame the synthetic data never calls open palms: upright, arms hanging by the
  // sides, seen from a little to either side and at a few sizes, labelled open_palms.
  const hanging = (seed: number, n: number) => {
    const r = mulberry32(seed);
    return Array.from({ length: n }, () => view(posture(ARMS.hanging, (r() - 0.5) * 6), { yawDeg: (r() - 0.5) * 30, fill: 0.7 + 0.2 * r(), shiftX: (r() - 0.5) * 0.2 }));
  };
  const rows = hanging(1, 300).map((p) => JSON.stringify({ landmarks: p.landmarks.map(({ x, y, z, score }) => ({ x, y, z, score })), aspect: 4 / 3, labels: ['open_palms'], session: 's' }));
  const extra: PostureExtra = { examples: extraExamples(parseLabelRows(rows.join('\n'), 'extra.jsonl')).examples, weight: 1 };
  /** Mean open_palms probability of a model on held-out hanging-arms frames (other draws than the rows'). */
  const openPalms = (r: PostureTrainResult): number => {
    const clf = createPostureClassifier('test', r.artifact);
    try {
      const probs = clf.predict(hanging(2, 50).map((p) => computeFeatures(p, { aspect: 4 / 3 })!.values));
      return probs.reduce((a, p) => a + p.open_palms, 0) / probs.length;
    } finally {
      clf.dispose();
    }
  };
  let plain: PostureTrainResult;
  let taught: PostureTrainResult;
  beforeAll(async () => {
    plain = await trainPosture(tiny, undefined, { workers: 1 });
    taught = await trainPosture(tiny, undefined, { workers: 1, extra });
  }, 60_000);

  it('learns the extra rows: frames like them score higher for their label than without them', () => {
    expect(extra.examples.n).toBe(300);
    expect(taught.extraExamples).toBe(300);
    expect(plain.extraExamples).toBe(0);
    const [without, withExtra] = [openPalms(plain), openPalms(taught)];
    const k = MODEL_LABELS.indexOf('open_palms');
    // Without them the model does not say open palms on such frames (0.31 on average here); with them it does (0.78).
    expect(without).toBeLessThan(Math.min(0.4, plain.artifact.thresholds[k]!));
    expect(withExtra).toBeGreaterThan(without + 0.3);
    expect(withExtra).toBeGreaterThan(taught.artifact.thresholds[k]!);
  });

  it('is the same bytes on one thread or members on worker threads, extra examples included', async () => {
    const threads = await trainPosture(tiny, undefined, { workers: 2, extra });
    threads.artifact.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(taught.artifact.weights[i]!.buffer))).toBe(true));
  }, 60_000);

  it('counts each extra row weight times: a higher weight moves the model further', async () => {
    const heavy = await trainPosture(tiny, undefined, { workers: 1, extra: { ...extra, weight: 4 } });
    expect(openPalms(heavy)).toBeGreaterThan(openPalms(taught));
  }, 60_000);

  it('records the extra files in the manifest and metrics.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-extra-'));
    try {
      const record = { weight: 1, files: [{ path: 'extra.jsonl', sha256: 'ab'.repeat(32), rows: 300 }] };
      const manifest = saveTrainedPosture(dir, taught, new Date('2026-11-28T12:00:00Z'), record);
      expect(manifest.extra).toEqual(record);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).extra).toEqual(record);
      const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
      expect(metrics).toMatchObject({ extra: record, extraExamples: 300 });
      expect(metrics.data).toMatch(/landmark rows of the extra files/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
