import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { projectPath } from '../../paths';
import { describeWithPostureData, POSTURE_DATA_DIR } from '../pose/testData';
import { formatPostureCompare, imagePath, PostureEvalError, runPostureCompare, runPostureEval, unionOfLabels, type PostureCompareReport } from './evalPosture';
import { loadArtifact, saveArtifact } from './artifact';
import { ARMS, posture, view } from './testkit';
import { MODEL_LABELS } from './types';
import type { Pose, RgbImage } from '../pose/types';
import { kinectToPose, runKeypointEval } from './keypointEval';
import { loadPostureClassifier } from './model';
import { initTf } from '../../runtime/backend';

describe('--people all', () => {
  it('takes the union of everyone\'s labels, neutral only when everyone is neutral', () => {
    expect(unionOfLabels([['neutral'], ['leaning_forward'], ['open_palms', 'arms_crossed']])).toEqual(['arms_crossed', 'leaning_forward', 'open_palms']);
    expect(unionOfLabels([['neutral'], ['neutral']])).toEqual(['neutral']);
    expect(unionOfLabels([['neutral', 'legs_crossed'], ['neutral']])).toEqual(['legs_crossed', 'neutral']);
    expect(unionOfLabels([])).toEqual([]);
  });
});

describe('the --compare table', () => {
  it('shows no F1 for a label no row has, but still counts the false alarms B took away or added', () => {
    const stats = (f1: number, support: number, predicted: number) => ({ precision: f1, recall: f1, f1, support, predicted });
    const interval = (low: number, high: number) => ({ low, high, level: 0.95, resamples: 1000 });
    const report: PostureCompareReport = {
      schema: 1, compare: 'posture', a: { modelVersion: 'posture-a', noPersonShare: 0 }, b: { modelVersion: 'posture-b', noPersonShare: 0 },
      poseModel: 'blazepose-full', people: 'participant', images: 20, photos: 0, landmarkRows: 20, unreadable: [], dataInTraining: [],
      perLabel: {
        leaning_back: { support: 8, a: stats(0.5, 8, 8), b: stats(0.75, 8, 8), f1: { a: 0.5, b: 0.75, difference: 0.25, interval: interval(0.05, 0.45), excludesZero: true }, images: { fixed: 3, broken: 1, bothWrong: 2, bothRight: 14 } },
        open_palms: { support: 0, a: stats(0, 0, 5), b: stats(0, 0, 2), f1: { a: 0, b: 0, difference: 0, interval: interval(0, 0), excludesZero: false }, images: { fixed: 4, broken: 1, bothWrong: 1, bothRight: 14 } },
      },
    };
    const lines = formatPostureCompare(report).split('\n');
    expect(lines.find((l) => l.startsWith('leaning_back'))).toMatch(/^leaning_back +8 {2}0\.500 {2}0\.750 {2}\+0\.250 {2}\+0\.050 to \+0\.450 \(excludes 0: B better\) +3 +1$/);
    expect(lines.find((l) => l.startsWith('open_palms'))).toMatch(/^open_palms +0 {2}– +– +– +– \(no row has it\) +4 +1$/);
  });
});

describe('image paths', () => {
  it('finds images/x.jpg under --images given as the images folder itself', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-img-'));
    fs.writeFileSync(path.join(dir, 'x.jpg'), '');
    expect(imagePath(dir, 'images/x.jpg')).toBe(path.join(dir, 'x.jpg'));
    expect(imagePath(dir, 'x.jpg')).toBe(path.join(dir, 'x.jpg'));
    expect(imagePath(dir, 'images/y.jpg')).toBe(path.join(dir, 'images', 'y.jpg'));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('keypoint sets', () => {
  it('maps a Kinect skeleton onto the 33-point schema', () => {
    const joints = Array.from({ length: 20 }, (_, i): [number, number, number] => [((i % 5) - 2) * 0.1, 0.8 - i * 0.08, 2.5]);
    const pose = kinectToPose(joints);
    expect(pose.landmarks).toHaveLength(33);
    expect(pose.landmarks.every((l) => Number.isFinite(l.x) && Number.isFinite(l.y) && Number.isFinite(l.z))).toBe(true);
  });
});

describe('eval posture --compare (synthetic skeletons, the committed posture model and a changed copy)', () => {
  // Each photo is a plain grey picture whose shade says which synthetic skeleton the stand-in
  // estimator "finds" in it: no pose model, no real photos, and every estimate counted.
  const POSES: Record<number, { pose: Pose; gold: string[] }> = {
    40: { pose: view(posture(ARMS.crossed)), gold: ['arms_crossed'] },
    80: { pose: view(posture(ARMS.crossed, 20)), gold: ['arms_crossed', 'leaning_forward'] },
    120: { pose: view(posture(ARMS.hanging)), gold: ['neutral'] },
    160: { pose: view(posture(ARMS.hanging, -20)), gold: ['leaning_back'] },
    200: { pose: view(posture(ARMS.openPalm)), gold: ['open_palms'] },
  };
  let dir: string;
  let labels: string;
  let changed: string;
  let calls: number;
  const estimator = {
    estimate: async (image: RgbImage) => {
      calls++;
      const shade = POSES[image.data[0]!];
      return shade ? [shade.pose] : [];
    },
    estimateEveryone: async (image: RgbImage) => estimator.estimate(image),
  };

  beforeAll(async () => {
    await initTf('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-compare-'));
    const rows: string[] = [];
    for (const [shade, { gold }] of Object.entries(POSES)) {
      const file = `shade-${shade}.png`;
      fs.writeFileSync(path.join(dir, file), await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: Number(shade), g: Number(shade), b: Number(shade) } } }).png().toBuffer());
      // Each photo twice: 10 rows, so a resample can leave some out.
      rows.push(JSON.stringify({ file, labels: gold }), JSON.stringify({ file, labels: gold }));
    }
    labels = path.join(dir, 'labels.jsonl');
    fs.writeFileSync(labels, rows.join('\n'));
    // B: the committed model that never says arms_crossed (its threshold out of reach), its
    // output bias nudged so that it is another version.
    const { manifest, artifact } = loadArtifact(projectPath('models', 'posture'));
    const k = MODEL_LABELS.indexOf('arms_crossed');
    const weights = artifact.weights.map((w) => w.slice());
    weights[weights.length - 1]![k]! -= 1e-3;
    changed = path.join(dir, 'changed');
    saveArtifact(changed, { ...artifact, weights, thresholds: artifact.thresholds.map((t, i) => (i === k ? 1.1 : t)) }, { seed: manifest.seed, date: new Date() });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    calls = 0;
  });

  it('estimates each photo once, has both models judge the same poses, and gives each model the figures its own eval gives', async () => {
    const lines: string[] = [];
    const r = await runPostureCompare({ labelsFile: labels, compareDir: changed, estimator, names: { a: 'models/posture', b: changed }, json: true, out: (l) => lines.push(l) });
    expect(calls).toBe(10);
    const a = await runPostureEval({ labelsFile: labels, estimator, out: () => undefined });
    const b = await runPostureEval({ labelsFile: labels, modelDir: changed, estimator, out: () => undefined });
    expect(r).toMatchObject({ schema: 1, compare: 'posture', images: 10, a: { modelVersion: a.modelVersion, model: 'models/posture' }, b: { modelVersion: b.modelVersion, model: changed } });
    expect(r.a.modelVersion).not.toBe(r.b.modelVersion);
    expect([r.a.noPersonShare, r.b.noPersonShare]).toEqual([0, 0]); // every shade held its skeleton
    expect(Object.keys(r.perLabel)).toEqual(Object.keys(a.perLabel));
    for (const [l, x] of Object.entries(r.perLabel)) {
      expect(x.a).toEqual(a.perLabel[l]);
      expect(x.b).toEqual(b.perLabel[l]);
      expect(x.f1).toMatchObject({ a: a.perLabel[l]!.f1, b: b.perLabel[l]!.f1, difference: b.perLabel[l]!.f1 - a.perLabel[l]!.f1 });
      expect(x.images.fixed + x.images.broken + x.images.bothWrong + x.images.bothRight).toBe(10);
    }
    // B never says arms_crossed: every crossed-arms photo A got right, B breaks.
    const crossed = r.perLabel.arms_crossed!;
    expect(crossed.a.predicted).toBeGreaterThan(0);
    expect(crossed.b.predicted).toBe(0);
    expect(crossed.images.fixed).toBe(0);
    expect(crossed.images.broken).toBe(crossed.a.precision * crossed.a.predicted);
    expect(JSON.parse(lines[0]!)).toEqual(JSON.parse(JSON.stringify(r)));
  }, 60_000);

  it('a model compared with itself: every difference 0, every interval [0, 0], nothing fixed or broken; the text says so', async () => {
    const lines: string[] = [];
    const r = await runPostureCompare({ labelsFile: labels, compareDir: projectPath('models', 'posture'), estimator, out: (l) => lines.push(l) });
    expect(calls).toBe(10);
    for (const x of Object.values(r.perLabel)) {
      expect(x.f1).toMatchObject({ difference: 0, interval: { low: 0, high: 0 }, excludesZero: false });
      expect(x.images).toMatchObject({ fixed: 0, broken: 0 });
    }
    const text = lines.join('\n');
    expect(text).toMatch(/^posture model A posture-\S+\nposture model B posture-\S+\non the same 10 images, each person's pose estimated once and judged by both/);
    expect(text).toMatch(/\narms_crossed +\d+ +\d\.\d{3} +\d\.\d{3} +0\.000 +0\.000 to +0\.000 \(includes 0\) +0 +0\n/);
  }, 60_000);

  describe('landmark rows (the coach posture-labels export)', () => {
    /** The same skeletons as landmark rows, at the photos' aspect (64 × 48), with the export's other fields. */
    const landmarkRows = (extra: object = {}) =>
      Object.entries(POSES).flatMap(([shade, { pose, gold }]) => {
        const r = JSON.stringify({ landmarks: pose.landmarks, aspect: 64 / 48, labels: gold, model_labels: [], session: 's', frame: Number(shade), ...extra });
        return [r, r];
      });
    const write = (name: string, lines: readonly string[]): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, lines.join('\n') + '\n');
      return file;
    };

    it('judges each row\'s pose as the photo path judges the same pose, with no pose model loaded and no --images', async () => {
      const file = write('landmarks.jsonl', landmarkRows());
      const lines: string[] = [];
      // A pose model folder that does not exist: made at all, the estimator would fail.
      const r = await runPostureEval({ labelsFile: file, poseModelDir: path.join(dir, 'no-pose-model'), imagesDir: path.join(dir, 'nowhere'), json: true, out: (l) => lines.push(l) });
      const photos = await runPostureEval({ labelsFile: labels, estimator, out: () => undefined });
      expect(calls).toBe(10); // the photo run only
      expect(r).toMatchObject({ images: 10, photos: 0, landmarkRows: 10, noPersonShare: 0, unreadable: [], dataInTraining: [] });
      expect(photos).toMatchObject({ images: 10, photos: 10, landmarkRows: 0 });
      expect(r.perLabel).toEqual(photos.perLabel);
      expect(r.perLabelF1Interval).toEqual(photos.perLabelF1Interval);
      expect(JSON.parse(lines[0]!)).toEqual(JSON.parse(JSON.stringify(r)));
      const text: string[] = [];
      await runPostureEval({ labelsFile: file, out: (l) => text.push(l) });
      expect(text[0]).toMatch(/^posture model posture-\S+ on 10 landmark rows \(their own landmarks, no pose model\); no person found in 0\.0%\n/);
    }, 60_000);

    it('mixes photo rows and landmark rows in one file; --compare judges both kinds', async () => {
      const photoLines = fs.readFileSync(labels, 'utf8').split('\n').filter(Boolean);
      const file = write('mixed.jsonl', [...photoLines.slice(0, 4), ...landmarkRows().slice(4)]);
      const r = await runPostureEval({ labelsFile: file, estimator, out: () => undefined });
      expect(calls).toBe(4);
      expect(r).toMatchObject({ images: 10, photos: 4, landmarkRows: 6 });
      const all = await runPostureEval({ labelsFile: labels, estimator, out: () => undefined });
      expect(r.perLabel).toEqual(all.perLabel);
      const lines: string[] = [];
      const c = await runPostureCompare({ labelsFile: file, compareDir: changed, estimator, out: (l) => lines.push(l) });
      expect(c).toMatchObject({ images: 10, photos: 4, landmarkRows: 6, dataInTraining: [] });
      expect(c.perLabel.arms_crossed!.b.predicted).toBe(0);
      expect(c.perLabel.arms_crossed!.a).toEqual(all.perLabel.arms_crossed);
      expect(lines.join('\n')).toMatch(/\non the same 10 rows: 4 images, each person's pose estimated once \(pose model blazepose-full, people: participant\) and 6 landmark rows, judged by both; /);
    }, 60_000);

    it('counts a pose whose features cannot be computed (shoulders unseen) as no person found', async () => {
      const { pose } = POSES[40]!;
      const hidden = pose.landmarks.map((l, i) => (i === 11 || i === 12 ? { ...l, score: 0 } : l));
      const file = write('unseen.jsonl', [
        JSON.stringify({ landmarks: hidden, labels: ['arms_crossed'] }),
        JSON.stringify({ landmarks: pose.landmarks, labels: ['arms_crossed'] }),
      ]);
      const r = await runPostureEval({ labelsFile: file, out: () => undefined });
      expect(r).toMatchObject({ images: 2, landmarkRows: 2, noPersonShare: 0.5 });
      expect(r.perLabel.arms_crossed!.support).toBe(2);
    });

    it('checks every row before judging any: a bad landmark row after good photo rows stops the run, naming its line', async () => {
      const photoLines = fs.readFileSync(labels, 'utf8').split('\n').filter(Boolean);
      const bad = JSON.stringify({ landmarks: POSES[40]!.pose.landmarks.slice(3), labels: ['neutral'] });
      const file = write('bad.jsonl', [...photoLines.slice(0, 3), bad]);
      await expect(runPostureEval({ labelsFile: file, estimator, out: () => undefined })).rejects.toThrow(`${file}:4: field "landmarks" must hold exactly 33 landmarks (BlazePose topology), got 30`);
      expect(calls).toBe(0);
    });
  });

  it('a --compare folder that cannot be loaded fails before any photo is estimated, as --model does', async () => {
    for (const bad of [path.join(dir, 'nope'), labels, projectPath('models', 'verbal')]) {
      const asModel = runPostureEval({ labelsFile: labels, modelDir: bad, estimator, out: () => undefined });
      const message = await asModel.then(() => '', (e: Error) => e.message);
      expect(message).toMatch(/^posture model at .* cannot be loaded/);
      await expect(runPostureCompare({ labelsFile: labels, compareDir: bad, estimator, out: () => undefined })).rejects.toThrow(message);
    }
    expect(calls).toBe(0);
  });
});

// Measures on real data when it and the trained models are present (never copied into the repo).
const haveModels = fs.existsSync(projectPath('models', 'posture', 'manifest.json')) && fs.existsSync(projectPath('models', 'pose', 'blazepose-full.json'));
if (!haveModels) console.log('skipped: models/posture or models/pose missing (run `npx buying-signals train posture` and `npm run models`)');
(haveModels ? describe : describe.skip)('posture eval on files it cannot fully read', () => {
  it('reads GIF and TIFF photos, names the unreadable ones and keeps going', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-eval-files-'));
    const grey = sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } });
    fs.writeFileSync(path.join(dir, 'a.gif'), await grey.clone().gif().toBuffer());
    fs.writeFileSync(path.join(dir, 'b.tiff'), await grey.clone().tiff().toBuffer());
    const jpeg = await grey.clone().jpeg().toBuffer();
    fs.writeFileSync(path.join(dir, 'c.jpg'), jpeg.subarray(0, 40)); // truncated
    fs.writeFileSync(path.join(dir, 'd.jpg'), ''); // zero bytes
    fs.writeFileSync(path.join(dir, 'e.jpg'), 'not an image at all');
    const labels = path.join(dir, 'labels.jsonl');
    fs.writeFileSync(labels, ['a.gif', 'b.tiff', 'c.jpg', 'd.jpg', 'e.jpg'].map((f) => JSON.stringify({ file: f, labels: ['neutral'] })).join('\n'));
    const warnings: string[] = [];
    const lines: string[] = [];
    const report = await runPostureEval({ labelsFile: labels, json: true, out: (l) => lines.push(l), warn: (l) => warnings.push(l) });
    expect(report.images).toBe(5);
    expect(report.unreadable.map((u) => [u.file, u.line])).toEqual([['c.jpg', 3], ['d.jpg', 4], ['e.jpg', 5]]);
    expect(report.unreadable[1]!.error).toMatch(/empty/);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/labels\.jsonl:3: c\.jpg could not be read/);
    // Blank pictures hold nobody; the unreadable ones count as no person found too.
    expect(report.noPersonShare).toBe(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).unreadable).toHaveLength(3);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('names every missing image before estimating any (a wrong --images folder fails at once)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-eval-missing-'));
    fs.writeFileSync(path.join(dir, 'a.jpg'), await sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } }).jpeg().toBuffer());
    const labels = path.join(dir, 'labels.jsonl');
    fs.writeFileSync(labels, ['a.jpg', 'gone.jpg', 'a.jpg', 'lost.png'].map((f) => JSON.stringify({ file: f, labels: ['neutral'] })).join('\n'));
    const lines: string[] = [];
    const run = runPostureEval({ labelsFile: labels, json: true, out: (l) => lines.push(l), warn: () => undefined });
    await expect(run).rejects.toThrow(PostureEvalError);
    await expect(run).rejects.toThrow(`${labels}:2: 2 of 4 images do not exist (line 2: ${path.join(dir, 'gone.jpg')}; line 4: ${path.join(dir, 'lost.png')}); is --images the folder that holds them?`);
    expect(lines).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses a row whose "file" names a folder, naming its line, before estimating any (was a bare EISDIR; found by the CLI fuzz)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-eval-folder-'));
    fs.mkdirSync(path.join(dir, 'photos'));
    fs.writeFileSync(path.join(dir, 'a.jpg'), await sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } }).jpeg().toBuffer());
    const labels = path.join(dir, 'labels.jsonl');
    fs.writeFileSync(labels, ['a.jpg', 'photos', '.'].map((f) => JSON.stringify({ file: f, labels: ['neutral'] })).join('\n'));
    const run = runPostureEval({ labelsFile: labels, json: true, out: () => undefined, warn: () => undefined });
    await expect(run).rejects.toThrow(PostureEvalError);
    await expect(run).rejects.toThrow(`${labels}:2: 2 of 3 "file" entries name a folder, not an image (line 2: ${path.join(dir, 'photos')}; line 3: ${dir})`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describeWithPostureData('posture eval on real photos and keypoints', () => {
  const maybe = haveModels ? it : it.skip;
  maybe('reports per-label figures for a few photos', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-eval-'));
    const rows = fs.readFileSync(path.join(POSTURE_DATA_DIR, 'labels.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 3);
    const labels = path.join(dir, 'labels.jsonl');
    fs.writeFileSync(labels, rows.join('\n') + '\n');
    const lines: string[] = [];
    const report = await runPostureEval({ labelsFile: labels, imagesDir: POSTURE_DATA_DIR, json: true, out: (l) => lines.push(l) });
    expect(report.images).toBe(3);
    expect(report.noPersonShare).toBeGreaterThanOrEqual(0);
    expect(report.perLabel.arms_crossed!.support).toBe(3);
    expect(JSON.parse(lines[0]!).modelVersion).toMatch(/^posture-/);
    expect(report.people).toBe('participant');
    const all = await runPostureEval({ labelsFile: labels, imagesDir: path.join(POSTURE_DATA_DIR, 'images'), people: 'all', json: true, out: () => undefined });
    expect(all.people).toBe('all');
    expect(all.perLabel.arms_crossed!.support).toBe(3);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  maybe('scores the keypoint sets', async () => {
    await initTf('wasm');
    const clf = loadPostureClassifier({ modelDir: projectPath('models', 'posture') });
    const r = runKeypointEval(clf, POSTURE_DATA_DIR);
    console.log(`keypoint eval ${r.modelVersion}: seated ${JSON.stringify(r.seated.perLabel)}; arm cross recall ${r.armCross.recall.toFixed(3)}, rest FP ${r.armCross.falsePositiveRate.toFixed(3)}; as video ${JSON.stringify(r.armCrossVideo)}`);
    expect(r.seated.rows).toBeGreaterThan(0);
    expect(r.armCross.crossedFrames).toBeGreaterThan(0);
    expect(r.armCrossVideo.sequences).toBe(r.armCross.sequences);
    clf.dispose();
  }, 60_000);
});
