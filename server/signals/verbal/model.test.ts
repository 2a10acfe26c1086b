import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { VERBAL_LABELS, type VerbalLabel } from '../../../protocol/protocol';
import { initTf } from '../../runtime/backend';
import { expectMergedIsMembersMean } from '../ensemble.testkit';
import { LEGACY_WEIGHTS_FILE, MANIFEST_FILE, ModelLoadError, WEIGHTS_FILE } from './artifact';
import { projectPath } from '../../paths';
import type { LabeledRow } from './corpus';
import { loadVerbalClassifier } from './model';
import { classifyTurns } from './speakerRule';
import { encodeBatch, batchTensors, forwardLogits, initWeightArrays, WEIGHT_NAMES, weightShapes, type NetDims, type NetWeights, type WeightArrays } from './net';
import { featurize, DEFAULT_FEATURE_CONFIG, DENSE_DIM } from './features';
import { withExtraRows } from './extraRows';
import { mergeMembers, saveTrainedModel, splitKey, splitRows, trainVerbal, DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './train';

const DEFAULT_FEATURE_CONFIG_SMALL = { ...DEFAULT_FEATURE_CONFIG, buckets: 1 << 12 };

// Made-up rows for the test, a few per label in both languages.
const SAMPLES: Record<VerbalLabel, string[]> = {
  price_inquiry: ['how much is the lamp', 'what does the sofa cost', 'how much for shipping', '台灯多少钱', '运费多少钱', '这个价格多少'],
  discount_request: ['can you go lower', 'any discount on the sofa', 'would you take less', '能便宜点吗', '有优惠券吗', '再便宜一点吧'],
  purchase_intent: ["i'll take the lamp", 'i want to buy it today', 'when can i pick it up', '我要买这个', '我现在下单', '已经付款了'],
  resistance: ['too expensive for me', 'let me think about it', 'i will pass on this', '太贵了吧', '我再考虑考虑', '算了不要了'],
  neutral: ['hello there', 'what colour is the lamp', 'is it made of wood', '你好在吗', '是什么颜色的', '好的谢谢你'],
};
const ROWS: LabeledRow[] = VERBAL_LABELS.flatMap((label) =>
  SAMPLES[label].flatMap((text, i) => [
    { text, label, role: 'customer' as const, line: i },
    { text: `${text}?`, label, role: 'customer' as const, context: 'hi', line: i },
  ]),
);
const OPTIONS: Partial<TrainOptions> = {
  features: DEFAULT_FEATURE_CONFIG_SMALL,
  dim: 8,
  hidden: 16,
  epochs: 40,
  patience: 40,
  learningRate: 0.02,
  dropout: 0,
  featureDropout: 0,
  validationFraction: 0,
  batchSize: 8,
  ensemble: 2,
};

let dir: string;

beforeAll(async () => {
  await initTf('wasm');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-model-'));
  const result = await trainVerbal(ROWS, OPTIONS, { workers: 1 });
  saveTrainedModel(dir, result, {
    corpus: { path: 'test', sha256: 'none', rows: ROWS.length },
    seed: 7,
    options: { ...DEFAULT_TRAIN_OPTIONS, ...OPTIONS },
    date: new Date('2026-01-02T03:04:05Z'),
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('verbal model', () => {
  it('writes weights, manifest and metrics, with a dated version id', () => {
    for (const f of [MANIFEST_FILE, WEIGHTS_FILE, 'metrics.json']) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    expect(fs.existsSync(path.join(dir, LEGACY_WEIGHTS_FILE))).toBe(false);
    const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.version).toMatch(/^verbal-20260102-[0-9a-f]{8}$/);
    expect(metrics.seed).toBe(7);
    expect(Object.keys(metrics.perLabel)).toEqual([...VERBAL_LABELS]);
  });

  it('classifies a batch: one prediction per input, scores sum to 1, label is the arg-max', () => {
    const model = loadVerbalClassifier({ modelDir: dir });
    const preds = model.classify([{ text: '台灯多少钱' }, { text: 'can you go lower', context: 'it is 40' }, { text: 'hello there' }]);
    expect(preds).toHaveLength(3);
    for (const p of preds) {
      const values = VERBAL_LABELS.map((l) => p.scores[l]);
      expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(p.score).toBe(Math.max(...values));
      expect(p.scores[p.label]).toBe(p.score);
    }
    expect(model.classify([])).toEqual([]);
    model.dispose();
  });

  it('fits its training rows', () => {
    const model = loadVerbalClassifier({ modelDir: dir });
    const preds = model.classify(ROWS.map((r) => ({ text: r.text, ...(r.context ? { context: r.context } : {}) })));
    const correct = preds.filter((p, i) => p.label === ROWS[i]!.label).length;
    expect(correct / ROWS.length).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('leaks no tensors in classify, and frees its weights on dispose', () => {
    const before = tf.memory().numTensors;
    const model = loadVerbalClassifier({ modelDir: dir });
    const loaded = tf.memory().numTensors;
    model.classify([{ text: 'how much' }, { text: '太贵了', context: '一百元' }]);
    classifyTurns(model, [{ text: 'how much', role: 'rep' }, { text: 'ok', role: 'customer' }]);
    expect(tf.memory().numTensors).toBe(loaded);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => model.classify([{ text: 'x' }])).toThrow(/disposed/);
  });

  it('is reproducible: the same rows and seed give the same weights, in this thread or members on worker threads', async () => {
    const logs: string[] = [];
    const a = await trainVerbal(ROWS, { ...OPTIONS, epochs: 3 }, { workers: 1 });
    const b = await trainVerbal(ROWS, { ...OPTIONS, epochs: 3 }, { workers: 2, log: (l) => logs.push(l) });
    for (const name of WEIGHT_NAMES) expect(Buffer.from(a.weights[name].buffer).equals(Buffer.from(b.weights[name].buffer))).toBe(true);
    expect(b.validation).toEqual(a.validation);
    // Both members trained, and reported from their threads.
    expect(new Set(logs.map((l) => /^member (\d+)\/2: epoch/.exec(l)?.[1]))).toEqual(new Set(['1', '2']));
  }, 60_000);

  it('reports each member\'s epochs in order when trained in this thread (epochDone), with the same weights as without', async () => {
    const seen: string[] = [];
    const a = await trainVerbal(ROWS, { ...OPTIONS, epochs: 2 }, { workers: 1, epochDone: (p) => seen.push(`${p.member}/${p.members} ${p.epoch}/${p.epochs} ${p.macroF1 >= 0 && p.macroF1 <= 1}`) });
    expect(seen).toEqual(['1/2 1/2 true', '1/2 2/2 true', '2/2 1/2 true', '2/2 2/2 true']);
    const b = await trainVerbal(ROWS, { ...OPTIONS, epochs: 2 }, { workers: 1 });
    for (const name of WEIGHT_NAMES) expect(Buffer.from(a.weights[name].buffer).equals(Buffer.from(b.weights[name].buffer))).toBe(true);
  }, 60_000);

  it('merges ensemble members into one network whose logits are the members\' mean', () => {
    const d: NetDims = { buckets: 1 << 12, pooling: 'sqrtn', dim: 4, hidden: 6, dense: DENSE_DIM, labels: VERBAL_LABELS.length };
    const random = (seed: number): WeightArrays => {
      const w = initWeightArrays(d, seed);
      const e = initWeightArrays({ ...d, dim: d.buckets * d.dim, buckets: 1 }, seed + 99).w1; // any random numbers
      for (let i = 0; i < w.embedding.length; i++) w.embedding[i] = e[i % e.length]!;
      for (let i = 0; i < w.b1.length; i++) w.b1[i] = 0.1 * (i % 3);
      for (let i = 0; i < w.b2.length; i++) w.b2[i] = 0.2 * i - seed;
      return w;
    };
    const members = [random(1), random(2), random(3)];
    const merged = mergeMembers(members, d);
    expect(merged.dims).toMatchObject({ dim: 12, hidden: 18 });
    const inputs = [{ text: '能便宜点吗', context: '一百元' }, { text: 'how much is it?' }].map((i) => featurize(i, DEFAULT_FEATURE_CONFIG_SMALL));
    const logits = (w: WeightArrays, dims: NetDims): number[] => {
      const shapes = weightShapes(dims);
      const net = Object.fromEntries(WEIGHT_NAMES.map((n) => [n, tf.tensor(w[n], shapes[n])])) as NetWeights;
      const out = tf.tidy(() => forwardLogits(net, batchTensors(encodeBatch(inputs, dims), dims.dense)).arraySync().flat());
      tf.dispose(Object.values(net));
      return out;
    };
    expectMergedIsMembersMean(members.map((m) => logits(m, d)), logits(merged.weights, merged.dims), mergeMembers([members[0]!], d).weights, members[0]);
  });

  it('reads uncompressed weights.bin written by older versions', () => {
    const legacy = fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-legacy-'));
    try {
      fs.copyFileSync(path.join(dir, MANIFEST_FILE), path.join(legacy, MANIFEST_FILE));
      fs.writeFileSync(path.join(legacy, LEGACY_WEIGHTS_FILE), zlib.gunzipSync(fs.readFileSync(path.join(dir, WEIGHTS_FILE))));
      const a = loadVerbalClassifier({ modelDir: dir });
      const b = loadVerbalClassifier({ modelDir: legacy });
      const input = [{ text: '能便宜点吗', context: '一百元' }];
      expect(b.classify(input)).toEqual(a.classify(input));
      a.dispose();
      b.dispose();
    } finally {
      fs.rmSync(legacy, { recursive: true, force: true });
    }
  });

  it('says which command rebuilds a missing or broken model', () => {
    const missing = path.join(dir, 'nope');
    // A folder that is not there is most likely a typo: no rebuild advice.
    expect(() => loadVerbalClassifier({ modelDir: missing })).toThrow(`verbal model at ${missing} cannot be loaded: the folder ${missing} does not exist (check the path, or make one there with npx buying-signals train verbal --out ${missing}).`);
    // The project's own folder is rebuilt with the npm script; any other with --out that folder.
    expect(new ModelLoadError(projectPath('models', 'verbal'), 'x').message).toMatch(/Rebuild it with `npm run train:verbal` \(or `npx buying-signals train verbal`\)\.$/);
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-broken-'));
    try {
      fs.writeFileSync(path.join(broken, 'notes.txt'), '');
      expect(() => loadVerbalClassifier({ modelDir: broken })).toThrow(`manifest.json is missing. Rebuild it with npx buying-signals train verbal --out ${broken}.`);
      // A file is not a model folder; a posture model's folder is named as one, not as a bad manifest.
      const file = path.join(broken, 'notes.txt');
      expect(() => loadVerbalClassifier({ modelDir: file })).toThrow(`verbal model at ${file} cannot be loaded: ${file} is a file, not a model folder`);
      const posture = projectPath('models', 'posture');
      expect(() => loadVerbalClassifier({ modelDir: posture })).toThrow(`verbal model at ${posture} cannot be loaded: ${posture} holds a posture model, not a verbal model.`);
      fs.rmSync(file);
      expect(() => loadVerbalClassifier({ modelDir: broken })).toThrow(/manifest\.json is missing.*npx buying-signals train verbal/);
      fs.copyFileSync(path.join(dir, MANIFEST_FILE), path.join(broken, MANIFEST_FILE));
      fs.writeFileSync(path.join(broken, WEIGHTS_FILE), zlib.gzipSync(Buffer.alloc(16)));
      expect(() => loadVerbalClassifier({ modelDir: broken })).toThrow(/does not match the checksum.*npx buying-signals train verbal/);
      fs.writeFileSync(path.join(broken, WEIGHTS_FILE), Buffer.alloc(16));
      expect(() => loadVerbalClassifier({ modelDir: broken })).toThrow(/weights\.bin\.gz is not a valid gzip file.*npx buying-signals train verbal/);
      fs.writeFileSync(path.join(broken, MANIFEST_FILE), '{"format": 1');
      expect(() => loadVerbalClassifier({ modelDir: broken })).toThrow(/not valid JSON.*npx buying-signals train verbal/);
      fs.rmSync(path.join(broken, WEIGHTS_FILE));
      expect(() => loadVerbalClassifier({ modelDir: broken })).toThrow(/weights\.bin\.gz is missing.*npx buying-signals train verbal/);
      // Same shapes and dense features, but hashed ids from another tokenisation.
      const other = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'));
      other.features.featureVersion = DEFAULT_FEATURE_CONFIG.featureVersion + 1;
      fs.writeFileSync(path.join(broken, MANIFEST_FILE), JSON.stringify(other));
      fs.copyFileSync(path.join(dir, WEIGHTS_FILE), path.join(broken, WEIGHTS_FILE));
      const v = DEFAULT_FEATURE_CONFIG.featureVersion;
      expect(() => loadVerbalClassifier({ modelDir: broken })).toThrow(new RegExp(`feature version ${v + 1}, this code makes version ${v}.*npx buying-signals train verbal`));
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});

describe('training data handling', () => {
  it('splits by label with a seed: same seed, same split; about the fraction of each label held out, each text on one side', () => {
    const a = splitRows(ROWS, 0.25, 1);
    const b = splitRows(ROWS, 0.25, 1);
    expect(a.val.map((r) => r.text)).toEqual(b.val.map((r) => r.text));
    // Each text comes twice (bare and with "?"): both copies land on the same side, in whole
    // groups of 2, so 3 of 12 rows per label rounds to 2 or 4.
    for (const label of VERBAL_LABELS) expect([2, 4]).toContain(a.val.filter((r) => r.label === label).length);
    const valKeys = new Set(a.val.map((r) => splitKey(r.text)));
    expect(a.train.filter((r) => valKeys.has(splitKey(r.text)))).toEqual([]);
    expect(a.train.length + a.val.length).toBe(ROWS.length);
  });

  it('keeps the copies of a weighted extra row (train verbal --extra-weight N) on one side of the split, whatever the seed', () => {
    // Real rows beside the corpus: one says the corpus's words (another case and mark), one is new.
    const extra: LabeledRow[] = [
      { text: 'How much is the LAMP!', label: 'price_inquiry', role: 'customer', line: 1 },
      { text: '这个能包邮吗', label: 'neutral', role: 'customer', line: 2 },
      { text: 'fine, wrap it up', label: 'purchase_intent', role: 'customer', line: 3 },
    ];
    const rows = withExtraRows(ROWS, [extra], 5);
    expect(rows).toHaveLength(ROWS.length + 15);
    let heldOut = 0;
    for (let seed = 0; seed < 20; seed++) {
      const { train, val } = splitRows(rows, 0.25, seed);
      heldOut += extra.filter((r) => val.includes(r)).length;
      expect(train.length + val.length).toBe(rows.length);
      for (const r of extra) {
        const sides = [train.filter((t) => t === r).length, val.filter((t) => t === r).length];
        expect(sides).toContainEqual(5);
        expect(sides).toContainEqual(0);
      }
      const valKeys = new Set(val.map((r) => splitKey(r.text)));
      expect(train.filter((r) => valKeys.has(splitKey(r.text)))).toEqual([]);
    }
    // Some seeds hold extra rows out and others train on them: both sides were tried.
    expect(heldOut).toBeGreaterThan(0);
    expect(heldOut).toBeLessThan(20 * extra.length);
  });

  it('adds extra rows after the corpus, each `weight` times in a row; with none, the corpus rows themselves', () => {
    const corpus = ['a', 'b'];
    expect(withExtraRows(corpus, [], 5)).toBe(corpus);
    expect(withExtraRows(corpus, [[], []], 3)).toBe(corpus);
    expect(withExtraRows(corpus, [['x', 'y'], ['z']], 3)).toEqual(['a', 'b', 'x', 'x', 'x', 'y', 'y', 'y', 'z', 'z', 'z']);
    expect(withExtraRows(corpus, [['x']], 1)).toEqual(['a', 'b', 'x']);
    expect(() => withExtraRows(corpus, [['x']], 0)).toThrow(/whole number/);
  });

});
