import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTf } from '../runtime/backend';
import { DEFAULT_POSTURE_TRAIN_OPTIONS } from '../signals/posture/train';
import { ARMS, posture, view } from '../signals/posture/testkit';
import { main } from './main';
import { runTrainPosture } from './posture';
import { EXTRA_FILES_MAX } from './trainExtra';

/** model.test.ts's tiny recipe, through the command: seconds instead of minutes. */
const tiny = { ...DEFAULT_POSTURE_TRAIN_OPTIONS, trainExamples: 1500, validationExamples: 300, epochs: 2, hidden: [16] };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

/** A row as the server's posture-labels export writes it (its other fields kept, unchecked). */
const labelled = (spec: Parameters<typeof view>[0], labels: string[], frame: number, over: object = {}) => ({
  landmarks: view(spec).landmarks, aspect: 4 / 3, labels, model_labels: [], model_version: null, role: 'customer', session: 's1', participant: 'Li', frame, media_ms: frame * 40, source: 'browser', labelled_at: 1764484134000, ...over,
});
const ROWS = [
  labelled(posture(ARMS.crossed), ['arms_crossed'], 1),
  labelled(posture(ARMS.openPalm, 15), ['leaning_forward', 'open_palms'], 2),
  labelled(posture(ARMS.hanging), ['neutral'], 3),
];

let tmp: string;
const write = (name: string, rows: readonly object[]): string => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
};
beforeAll(() => initTf('wasm'));
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-extra-cli-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('train posture --extra FILE and --extra-weight N: coaches\' labelled frames beside the synthetic skeletons', () => {
  it.each([
    ['--extra-weight without --extra', ['--extra-weight', '5'], '--extra-weight weighs the rows of --extra FILE, and no --extra was given'],
    ['--extra-weight 0', ['--extra', 'LABELS', '--extra-weight', '0'], '--extra-weight must be a whole number from 1 to 20, got "0"'],
    ['--extra-weight 21', ['--extra', 'LABELS', '--extra-weight', '21'], '--extra-weight must be a whole number from 1 to 20, got "21"'],
    ['--extra with no value', ['--extra'], '--extra needs a value'],
    ['a missing --extra file', ['--extra', 'MISSING'], '--extra: no such file: MISSING'],
    ['a folder', ['--extra', 'TMP'], '--extra: TMP is a folder; expected a file'],
    ['a file given twice', ['--extra', 'LABELS', '--extra', 'LABELS'], '--extra LABELS is given twice (use --extra-weight N to count its rows more)'],
    ['one file too many', Array.from({ length: EXTRA_FILES_MAX + 1 }, (_, i) => ['--extra', `f${i}.jsonl`]).flat(), '--extra may be given at most 20 times, got 21 (join the files into fewer)'],
  ])('refuses %s as a usage error naming the flag, before training (exit 2)', async (_what, flags, message) => {
    const file = write('labels.jsonl', ROWS);
    const named = (s: string): string => s.replace('LABELS', file).replace('MISSING', path.join(tmp, 'nope.jsonl')).replace('TMP', tmp);
    const c = capture();
    expect(await main(['train', 'posture', ...flags.map(named), '--out', path.join(tmp, 'model')], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain(`buying-signals train: ${named(message)}\nusage: buying-signals train posture`);
    expect(c.out).toEqual([]);
    expect(fs.existsSync(path.join(tmp, 'model'))).toBe(false);
  });

  it('refuses a file it cannot train on, naming the file and line, before training (exit 1)', async () => {
    const good = write('good.jsonl', ROWS);
    const empty = path.join(tmp, 'empty.jsonl');
    fs.writeFileSync(empty, '\n  \n');
    const photo = write('photo.jsonl', [ROWS[0]!, { file: 'a.jpg', labels: ['neutral'] }]);
    const nodding = write('nodding.jsonl', [ROWS[0]!, ROWS[1]!, { ...ROWS[2]!, labels: ['nodding'] }]);
    const short = write('short.jsonl', [{ ...ROWS[0]!, landmarks: ROWS[0]!.landmarks.slice(0, 17) }]);
    const copy = path.join(tmp, 'copy.jsonl');
    fs.copyFileSync(good, copy);
    const unseen = write('unseen.jsonl', [{ ...ROWS[0]!, landmarks: ROWS[0]!.landmarks.map((l) => ({ ...l, score: 0 })) }]);
    for (const [file, message] of [
      [empty, `--extra ${empty} holds no rows to train on (it is empty or only blank lines)`],
      [photo, `${photo}:2: train on landmark rows; photos need a pose estimate first — `],
      [nodding, `${nodding}:3: field "labels": "nodding" is movement over time`],
      [short, `${short}:1: field "landmarks" must hold exactly 33 landmarks (BlazePose topology), got 17`],
      [copy, `--extra ${copy} holds the same bytes as --extra ${good}: its rows would count twice`],
      [unseen, `--extra ${unseen}: none of its 1 rows has usable shoulders`],
    ] as const) {
      const c = capture();
      // The bad file after a good one: each is read before any training.
      expect(await main(['train', 'posture', '--extra', good, '--extra', file, '--out', path.join(tmp, 'model')], c.io)).toBe(1);
      expect(c.err.join('\n')).toContain(`buying-signals train: ${message}`);
      expect(c.out).toEqual([]);
      expect(fs.existsSync(path.join(tmp, 'model'))).toBe(false);
    }
  });

  it('trains on the rows, records each file in the manifest and metrics.json, and eval posture warns when --labels is one of them', async () => {
    const a = write('a.jsonl', ROWS);
    const hidden = { ...ROWS[0]!, landmarks: ROWS[0]!.landmarks.map((l, i) => (i === 11 ? { ...l, score: 0 } : l)), frame: 9 };
    const b = write('b.jsonl', [ROWS[1]!, hidden]);
    const heldOut = write('held-out.jsonl', [labelled(posture(ARMS.crossed, 10), ['arms_crossed', 'leaning_forward'], 20)]);
    const modelDir = path.join(tmp, 'model');
    const t = capture();
    expect(await runTrainPosture(['--extra', a, '--extra', b, '--extra-weight', '3', '--out', modelDir, '--workers', '1'], t.io, tiny)).toBe(0);
    expect(t.out[0]).toMatch(/^training posture on 1500 synthetic examples and 4 × 3 extra examples from 2 files \(seed 20261128, 2 epochs\)$/);
    expect(t.err).toEqual([`buying-signals train: warning: 1 row of ${b} (line 2) has no usable shoulders, so no posture features: left out of training (the classifier finds no person in such a frame either)`]);
    const sha = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
    const record = { weight: 3, files: [{ path: a, sha256: sha(a), rows: 3 }, { path: b, sha256: sha(b), rows: 1 }] };
    const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
    expect(manifest.extra).toEqual(record);
    expect(JSON.parse(fs.readFileSync(path.join(modelDir, 'metrics.json'), 'utf8'))).toMatchObject({ extra: record, extraExamples: 4 });

    const warning = `buying-signals eval: warning: ${a} is a file model ${modelDir} (${manifest.version}) was trained on (train posture --extra ${a}, the same sha256): these rows were trained on: the figures flatter the model`;
    const flagged = { model: modelDir, modelVersion: manifest.version, extra: a };
    for (const [args, expected] of [
      [['--model', modelDir], [flagged]],
      [['--compare', modelDir], [flagged]],
      [['--model', modelDir, '--compare', modelDir], [flagged, flagged]],
    ] as const) {
      const plain = capture();
      expect(await main(['eval', 'posture', '--labels', a, ...args], plain.io)).toBe(0);
      expect(plain.err).toEqual(expected.map(() => expect.stringContaining(warning)));
      const j = capture();
      expect(await main(['eval', 'posture', '--labels', a, ...args, '--json'], j.io)).toBe(0);
      expect(JSON.parse(j.out.join('')).dataInTraining).toEqual(expected);
    }
    // Rows kept out of training, or the committed model (trained on no file): nothing to say.
    for (const [labels, args] of [[heldOut, ['--model', modelDir]], [a, []]] as const) {
      const j = capture();
      expect(await main(['eval', 'posture', '--labels', labels, ...args, '--json'], j.io)).toBe(0);
      expect(JSON.parse(j.out.join(''))).toMatchObject({ dataInTraining: [], photos: 0, landmarkRows: labels === a ? 3 : 1 });
      expect(j.err).toEqual([]);
    }
  }, 60_000);

  it('without --extra: no extra record in the manifest or metrics.json', async () => {
    const modelDir = path.join(tmp, 'model');
    const t = capture();
    expect(await runTrainPosture(['--out', modelDir, '--workers', '1'], t.io, tiny)).toBe(0);
    expect(t.out[0]).toBe('training posture on 1500 synthetic examples (seed 20261128, 2 epochs)');
    expect(JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'))).not.toHaveProperty('extra');
    const metrics = JSON.parse(fs.readFileSync(path.join(modelDir, 'metrics.json'), 'utf8'));
    expect(metrics).not.toHaveProperty('extra');
    expect(metrics).not.toHaveProperty('extraExamples');
  }, 60_000);
});

describe('eval posture on landmark rows through the command', () => {
  it('needs no --images and reports the rows as landmark rows', async () => {
    const file = write('labels.jsonl', ROWS);
    const c = capture();
    expect(await main(['eval', 'posture', '--labels', file], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/^posture model posture-\S+ on 3 landmark rows \(their own landmarks, no pose model\); no person found in 0\.0%/);
    expect(c.err).toEqual([]);
  });
});
