import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { projectPath } from '../../paths';
import { describeWithPostureData, POSTURE_DATA_DIR } from '../pose/testData';
import { imagePath, parsePhotoLabels, PostureEvalError, runPostureEval, unionOfLabels } from './evalPosture';
import { kinectToPose, runKeypointEval } from './keypointEval';
import { loadPostureClassifier } from './model';
import { initTf } from '../../runtime/backend';

describe('posture eval labels file', () => {
  it('parses multi-label rows and skips blank lines', () => {
    const rows = parsePhotoLabels('{"file":"a.jpg","labels":["arms_crossed","leaning_forward"],"view":"frontal"}\n\n{"file":"b.jpg","labels":["neutral"]}\n', 'l.jsonl');
    expect(rows).toEqual([
      { file: 'a.jpg', labels: ['arms_crossed', 'leaning_forward'], line: 1 },
      { file: 'b.jpg', labels: ['neutral'], line: 3 },
    ]);
  });

  it.each([
    ['{"file":"a.jpg","labels":["neutral"]}\n{"file": "b.jpg", "labels": [', /l\.jsonl:2: not valid JSON/],
    ['{"file":"a.jpg","labels":["neutral"]}\n{"labels":["neutral"]}', /l\.jsonl:2: field "file"/],
    ['{"file":"a.jpg","labels":[]}', /l\.jsonl:1: field "labels" must be a non-empty array/],
    ['\n\n{"file":"a.jpg","labels":["slouching"]}', /l\.jsonl:3: field "labels": unknown label "slouching"/],
    ['[1,2]', /l\.jsonl:1: expected a JSON object/],
  ])('stops at a malformed row with its line number (%#)', (text, message) => {
    expect(() => parsePhotoLabels(text, 'l.jsonl')).toThrow(PostureEvalError);
    expect(() => parsePhotoLabels(text, 'l.jsonl')).toThrow(message);
  });
});

describe('--people all', () => {
  it('takes the union of everyone\'s labels, neutral only when everyone is neutral', () => {
    expect(unionOfLabels([['neutral'], ['leaning_forward'], ['open_palms', 'arms_crossed']])).toEqual(['arms_crossed', 'leaning_forward', 'open_palms']);
    expect(unionOfLabels([['neutral'], ['neutral']])).toEqual(['neutral']);
    expect(unionOfLabels([['neutral', 'legs_crossed'], ['neutral']])).toEqual(['legs_crossed', 'neutral']);
    expect(unionOfLabels([])).toEqual([]);
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
