import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTf } from '../runtime/backend';
import { runEval } from './eval';
import { main } from './main';
import { runTrain } from './train';
import { EXTRA_FILES_MAX } from './trainExtra';

const MADE = [
  ['how much is the chair', 'price_inquiry'],
  ['这把椅子多少钱', 'price_inquiry'],
  ['can you knock some off', 'discount_request'],
  ['能不能便宜点', 'discount_request'],
  ["ok i'll buy the chair", 'purchase_intent'],
  ['我要下单了', 'purchase_intent'],
  ['hmm that is a lot of money', 'resistance'],
  ['我再想想吧', 'resistance'],
  ['does it fold flat', 'neutral'],
  ['能折叠吗', 'neutral'],
];

/** A 20-row corpus in `dir`. */
function writeCorpus(dir: string): string {
  const corpus = path.join(dir, 'corpus.jsonl');
  fs.writeFileSync(corpus, [...MADE, ...MADE].map(([text, label]) => JSON.stringify({ text, label })).join('\n'));
  return corpus;
}

/** A folder that looks like a posture model to the --out check (its manifest's format). */
function writePostureLike(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ format: 'buying-signals/posture-mlp@1' }));
  fs.writeFileSync(path.join(dir, 'weights.bin'), 'posture weights');
  fs.writeFileSync(path.join(dir, 'metrics.json'), '{}');
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

describe('train/eval verbal command modules', () => {
  beforeAll(() => initTf('wasm'));

  it.each([
    [[], /train needs a target/],
    [['voice'], /unknown train target "voice"/],
    [['verbal', '--lr', '3'], /unknown option --lr/],
    [['verbal', '--epochs', 'many'], /--epochs must be a whole number/],
    // The bound scripts/measure-verbal-recipe.mjs checks its --seeds against up front.
    [['verbal', '--seed', '2147483648'], /--seed must be a whole number from 0 to 2147483647, got "2147483648"/],
  ])('train %j is a usage error (exit 2)', async (args, message) => {
    const c = capture();
    expect(await runTrain(args, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(message);
    expect(c.err.join('\n')).toMatch(/usage: buying-signals train verbal/);
  });

  it.each([
    [['verbal'], /--data FILE.jsonl is required/],
    [['text', '--data', 'x.jsonl'], /unknown eval target "text"/],
    [['verbal', '--data', 'x.jsonl', '--csv'], /unknown option --csv/],
  ])('eval %j is a usage error (exit 2)', async (args, message) => {
    const c = capture();
    expect(await runEval(args, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(message);
  });

  it.each([
    ['verbal', '[--corpus fixtures/verbal/corpus.jsonl] [--extra FILE]... [--extra-weight N] [--out models/verbal] [--seed N] [--epochs N] [--workers N] [--force]'],
    ['posture', '[--extra FILE]... [--extra-weight N] [--out models/posture] [--seed N] [--workers N] [--force]'],
  ])('train %s --help names every flag, as the command table in docs/cli.md does', async (target, synopsis) => {
    const c = capture();
    expect(await main(['train', target, '--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toContain(synopsis);
    expect(c.out.join('\n')).toContain('--force: write into a folder holding other files or the other kind of model');
    const table = fs.readFileSync(path.join(__dirname, '../../docs/cli.md'), 'utf8');
    expect(table).toContain(`| \`train ${target} [`);
    expect(table).toMatch(new RegExp(`\\| \`train ${target} \\[[^|]*--workers N\\] \\[--force\\]\` \\|`));
  });

  it('warns about rep rows in a corpus, naming their lines: the pipeline never classifies a rep turn', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-rep-'));
    try {
      const corpus = path.join(tmp, 'corpus.jsonl');
      const rows = [...MADE, ...MADE].map(([text, label], i) => JSON.stringify({ text, label, ...(i === 3 || i === 12 ? { role: 'rep' } : i === 7 ? { speaker: 'seller' } : {}) }));
      fs.writeFileSync(corpus, rows.join('\n'));
      const t = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--out', path.join(tmp, 'model'), '--epochs', '1'], t.io)).toBe(0);
      expect(t.err).toEqual([expect.stringMatching(/^buying-signals train: warning: 3 rows of .* are rep turns \(lines 4, 8, 13\); they are trained as customer turns/)]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  describe('--extra FILE and --extra-weight N: a team\'s own labelled rows beside the corpus', () => {
    let tmp: string;
    let corpus: string;
    /** A file of rows in eval verbal's format as the corrections export writes them (their other fields are kept, unchecked). */
    const labels = (name: string, rows: readonly object[]): string => {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      return file;
    };
    const correction = (text: string, label: string, utterance: number) => ({
      text, label, lang: /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en', role: 'customer', session: 's1', utterance, speaker: 'Li Wei', startMs: utterance * 1000,
      model_label: 'neutral', model_score: 0.61, model_version: 'verbal-20261130-ede7e5a6', corrected_at: '2026-12-01T10:00:00.000Z',
    });
    const CORRECTIONS = [correction('那能不能再少一点', 'discount_request', 3), correction('行，就这个吧', 'purchase_intent', 7), correction('shipping is extra?', 'price_inquiry', 9)];
    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-extra-'));
      corpus = writeCorpus(tmp);
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it.each([
      ['--extra-weight without --extra', ['--extra-weight', '5'], '--extra-weight weighs the rows of --extra FILE, and no --extra was given'],
      ['--extra-weight 0', ['--extra', 'LABELS', '--extra-weight', '0'], '--extra-weight must be a whole number from 1 to 20, got "0"'],
      ['--extra-weight 21', ['--extra', 'LABELS', '--extra-weight', '21'], '--extra-weight must be a whole number from 1 to 20, got "21"'],
      ['--extra-weight 2.5', ['--extra', 'LABELS', '--extra-weight', '2.5'], '--extra-weight must be a whole number from 1 to 20, got "2.5"'],
      ['--extra with no value', ['--extra'], '--extra needs a value'],
      ['a missing --extra file', ['--extra', 'MISSING'], '--extra: no such file: MISSING'],
      ['a folder', ['--extra', 'TMP'], '--extra: TMP is a folder; expected a file'],
      ['a file given twice', ['--extra', 'LABELS', '--extra', 'LABELS'], '--extra LABELS is given twice (use --extra-weight N to count its rows more)'],
      ['the corpus itself', ['--extra', 'CORPUS'], '--extra CORPUS is the corpus (--corpus) itself'],
      ['one file too many', Array.from({ length: EXTRA_FILES_MAX + 1 }, (_, i) => ['--extra', `f${i}.jsonl`]).flat(), '--extra may be given at most 20 times, got 21 (join the files into fewer)'],
    ])('refuses %s as a usage error naming the flag, before training (exit 2)', async (_what, flags, message) => {
      const file = labels('labels.jsonl', CORRECTIONS);
      const named = (s: string): string => s.replace('LABELS', file).replace('MISSING', path.join(tmp, 'nope.jsonl')).replace('TMP', tmp).replace('CORPUS', corpus);
      const c = capture();
      expect(await main(['train', 'verbal', '--corpus', corpus, ...flags.map(named), '--out', path.join(tmp, 'model'), '--epochs', '1'], c.io)).toBe(2);
      expect(c.err.join('\n')).toContain(`buying-signals train: ${named(message)}\nusage: buying-signals train verbal`);
      expect(c.out).toEqual([]);
      expect(fs.existsSync(path.join(tmp, 'model'))).toBe(false);
    });

    it('refuses an empty extra file, or one with a bad line (naming the file and line, as the corpus\'s), before training (exit 1)', async () => {
      const good = labels('good.jsonl', CORRECTIONS);
      const empty = path.join(tmp, 'empty.jsonl');
      fs.writeFileSync(empty, '\n  \n');
      const bad = labels('bad.jsonl', [CORRECTIONS[0]!, { ...CORRECTIONS[1]!, label: 'maybe' }]);
      const broken = path.join(tmp, 'broken.jsonl');
      fs.writeFileSync(broken, `${JSON.stringify(CORRECTIONS[0])}\n\n{"text": "ok"`);
      for (const [file, message] of [
        [empty, `--extra ${empty} holds no rows to train on (it is empty or only blank lines)`],
        [bad, `${bad}:2: field "label": unknown label "maybe" (allowed: price_inquiry, discount_request, purchase_intent, resistance, neutral)`],
        [broken, `${broken}:3: not valid JSON`],
      ] as const) {
        const c = capture();
        // The bad file after a good one: each is read before any training.
        expect(await main(['train', 'verbal', '--corpus', corpus, '--extra', good, '--extra', file, '--out', path.join(tmp, 'model'), '--epochs', '1'], c.io)).toBe(1);
        expect(c.err.join('\n')).toContain(`buying-signals train: ${message}`);
        expect(c.out).toEqual([]);
        expect(fs.existsSync(path.join(tmp, 'model'))).toBe(false);
      }
    });

    it('trains on the corpus and each extra row N times, records each file in the manifest and metrics.json, and warns of rep rows by file and line', async () => {
      const a = labels('a.jsonl', CORRECTIONS);
      const b = labels('b.jsonl', [{ text: 'we can do 20 % off', label: 'neutral', role: 'rep' }, correction('太贵了，不要了', 'resistance', 12)]);
      const modelDir = path.join(tmp, 'model');
      const c = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--extra', a, '--extra', b, '--extra-weight', '4', '--out', modelDir, '--epochs', '1', '--workers', '1'], c.io)).toBe(0);
      // 20 + (3 + 2) × 4 rows.
      expect(c.out[0]).toMatch(new RegExp(`^training verbal on 40 rows: 20 from ${corpus}, 3 × 4 from ${a}, 2 × 4 from ${b} \\(backend`));
      expect(c.err).toEqual([expect.stringMatching(new RegExp(`^buying-signals train: warning: 1 row of ${b} is a rep turn \\(line 1\\); they are trained as customer turns`))]);
      const sha = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
      const record = { weight: 4, files: [{ path: a, sha256: sha(a), rows: 3 }, { path: b, sha256: sha(b), rows: 2 }] };
      const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
      const metrics = JSON.parse(fs.readFileSync(path.join(modelDir, 'metrics.json'), 'utf8'));
      expect(manifest.extra).toEqual(record);
      expect(metrics.extra).toEqual(record);
      expect(metrics.corpus).toEqual({ path: corpus, sha256: sha(corpus), rows: 20 });
      expect(Object.keys(metrics).slice(Object.keys(metrics).indexOf('corpus'), Object.keys(metrics).indexOf('corpus') + 2)).toEqual(['corpus', 'extra']);
      expect(metrics.trainRows + metrics.validationRows).toBe(40);
      // Weight 1 (the default) counts each row once and is recorded as such.
      const once = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--extra', a, '--out', path.join(tmp, 'once'), '--epochs', '1', '--workers', '1'], once.io)).toBe(0);
      expect(once.out[0]).toContain(`training verbal on 23 rows: 20 from ${corpus}, 3 from ${a} (`);
      expect(JSON.parse(fs.readFileSync(path.join(tmp, 'once', 'manifest.json'), 'utf8')).extra).toEqual({ weight: 1, files: [record.files[0]] });
    });

    it('without --extra, trains exactly as before: no extra record, and the weights the code made before --extra existed', async () => {
      const modelDir = path.join(tmp, 'model');
      const c = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--out', modelDir, '--epochs', '2', '--seed', '3', '--workers', '1'], c.io)).toBe(0);
      expect(c.out[0]).toMatch(new RegExp(`^training verbal on 20 rows from ${corpus} \\(backend`));
      const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
      expect(manifest).not.toHaveProperty('extra');
      expect(JSON.parse(fs.readFileSync(path.join(modelDir, 'metrics.json'), 'utf8'))).not.toHaveProperty('extra');
      // Recorded from this corpus, seed and epochs by the code of commit 2f17d65, before --extra:
      // the default path's rows, their order and its random draws are unchanged. If a deliberate
      // change of the recipe moves it, record the new hash (and retrain models/verbal).
      expect(manifest.weightsSha256).toBe('4edc67ebd0dca9ae991faf6c2fbda1db7352d421e2de893ed15ccf0b5c45ce32');
    });

    it('eval verbal warns (stderr) and says in --json when --data is a file the model was trained on', async () => {
      const trained = labels('trained.jsonl', CORRECTIONS);
      const heldOut = labels('held-out.jsonl', [correction('能送货上门吗', 'neutral', 20), correction('how much with installation', 'price_inquiry', 21)]);
      const candidate = path.join(tmp, 'candidate');
      expect(await runTrain(['verbal', '--corpus', corpus, '--extra', trained, '--extra-weight', '5', '--out', candidate, '--epochs', '1', '--workers', '1'], capture().io)).toBe(0);
      const version = JSON.parse(fs.readFileSync(path.join(candidate, 'manifest.json'), 'utf8')).version;
      const warning = `buying-signals eval: warning: ${trained} is a file model ${candidate} (${version}) was trained on (train verbal --extra ${trained}, the same sha256): these rows were trained on: the figures flatter the model`;
      const flagged = { model: candidate, modelVersion: version, extra: trained };
      // The plain report, the sweep and the comparison (where B was trained on them).
      for (const [args, expected] of [
        [['--model', candidate], [flagged]],
        [['--model', candidate, '--sweep'], [flagged]],
        [['--compare', candidate], [flagged]],
        [['--model', candidate, '--compare', candidate], [flagged, flagged]],
      ] as const) {
        const t = capture();
        expect(await runEval(['verbal', '--data', trained, ...args], t.io)).toBe(0);
        expect(t.err).toEqual(expected.map(() => expect.stringContaining(warning)));
        const j = capture();
        expect(await runEval(['verbal', '--data', trained, ...args, '--json'], j.io)).toBe(0);
        expect(JSON.parse(j.out.join('')).dataInTraining).toEqual(expected);
        expect(j.err).toHaveLength(expected.length);
      }
      // Rows kept out of training, or a model trained on the corpus alone: nothing to say.
      for (const [data, args] of [[heldOut, ['--model', candidate]], [trained, []]] as const) {
        const j = capture();
        expect(await runEval(['verbal', '--data', data, ...args, '--json'], j.io)).toBe(0);
        expect(JSON.parse(j.out.join('')).dataInTraining).toEqual([]);
        expect(j.err).toEqual([]);
      }
    });
  });

  describe('--out is checked before training', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-out-'));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('refuses a folder holding a posture model, naming it, and leaves the model as it was (verbal and posture)', async () => {
      const corpus = writeCorpus(tmp);
      const posture = path.join(tmp, 'posture');
      writePostureLike(posture);
      const c = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--out', posture, '--epochs', '1'], c.io)).toBe(2);
      expect(c.err.join('\n')).toContain(`--out ${posture} holds a posture model (manifest.json, metrics.json, weights.bin)`);
      expect(c.err.join('\n')).toMatch(/--force/);
      expect(c.out).toEqual([]); // refused before training
      expect(fs.readFileSync(path.join(posture, 'weights.bin'), 'utf8')).toBe('posture weights');
      // And the other way round: train posture refuses a verbal model's folder, before training.
      const verbal = path.join(tmp, 'verbal');
      fs.mkdirSync(verbal);
      fs.writeFileSync(path.join(verbal, 'manifest.json'), JSON.stringify({ format: 'buying-signals/verbal-fasttext@1' }));
      const p = capture();
      expect(await main(['train', 'posture', '--out', verbal], p.io)).toBe(2);
      expect(p.err.join('\n')).toContain(`buying-signals train: --out ${verbal} holds a verbal model (manifest.json)`);
      expect(p.out).toEqual([]);
    });

    it('refuses a folder of other files unless --force, which keeps them; replaces a verbal model with another', async () => {
      const corpus = writeCorpus(tmp);
      const out = path.join(tmp, 'out');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
      const c = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--out', out, '--epochs', '1'], c.io)).toBe(2);
      expect(c.err.join('\n')).toContain(`--out ${out} holds files that are not a verbal model (notes.txt)`);
      const f = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--out', out, '--epochs', '1', '--force'], f.io)).toBe(0);
      expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'metrics.json', 'notes.txt', 'weights.bin.gz']);
      expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
      // A verbal model's folder is simply retrained (how models/verbal is refreshed), no temporary folder left beside it.
      const again = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--out', out, '--epochs', '1', '--seed', '4'], again.io)).toBe(0);
      expect(fs.readdirSync(tmp).sort()).toEqual(['corpus.jsonl', 'out']);
    });

    it('refuses an --out that is a file or under one, before training (verbal and posture)', async () => {
      const corpus = writeCorpus(tmp);
      const file = path.join(tmp, 'a-file');
      fs.writeFileSync(file, 'x');
      for (const [out, message] of [
        [file, `--out ${file} is a file; expected a folder`],
        [path.join(file, 'model'), `--out ${path.join(file, 'model')} is under ${file}, which is a file`],
      ] as const) {
        const c = capture();
        expect(await runTrain(['verbal', '--corpus', corpus, '--out', out, '--force'], c.io)).toBe(2);
        expect(c.err.join('\n')).toContain(message);
        expect(c.out).toEqual([]);
        const p = capture();
        expect(await main(['train', 'posture', '--out', out], p.io)).toBe(2);
        expect(p.err.join('\n')).toContain(message);
      }
    });
  });

  it('eval verbal --compare: the committed model (A) beside a freshly trained one (B), and a model beside itself', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-compare-'));
    try {
      const corpus = writeCorpus(tmp);
      const modelDir = path.join(tmp, 'model');
      expect(await runTrain(['verbal', '--corpus', corpus, '--out', modelDir, '--epochs', '1', '--seed', '5'], capture().io)).toBe(0);
      const plain = async (...args: string[]) => {
        const c = capture();
        expect(await runEval(['verbal', '--data', corpus, ...args, '--json'], c.io)).toBe(0);
        return JSON.parse(c.out.join(''));
      };
      const j = capture();
      expect(await runEval(['verbal', '--data', corpus, '--compare', modelDir, '--errors', '--json'], j.io)).toBe(0);
      const r = JSON.parse(j.out.join(''));
      const [a, b] = [await plain(), await plain('--model', modelDir)];
      expect(r).toMatchObject({ schema: 1, compare: 'verbal', data: corpus, rows: 20, a: { modelVersion: a.modelVersion, model: 'models/verbal' }, b: { modelVersion: b.modelVersion, model: modelDir } });
      expect(r.subsets.map((s: { name: string }) => s.name)).toEqual(a.subsets.map((s: { name: string }) => s.name));
      // Each model's figures are the plain report's, subset by subset; the rows add up.
      r.subsets.forEach((s: { n: number; macroF1: { a: number; b: number }; rows: { fixed: number; broken: number; bothWrong: number; bothRight: number } }, k: number) => {
        expect(s.macroF1.a).toBe(a.subsets[k].model.macroF1);
        expect(s.macroF1.b).toBe(b.subsets[k].model.macroF1);
        expect(s.rows.fixed + s.rows.broken + s.rows.bothWrong + s.rows.bothRight).toBe(s.n);
      });
      const all = r.subsets[0];
      expect(r.changed).toHaveLength(all.rows.fixed + all.rows.broken);
      const t = capture();
      expect(await runEval(['verbal', '--data', corpus, '--compare', modelDir], t.io)).toBe(0);
      const text = t.out.join('\n');
      expect(text).toContain(`model A ${a.modelVersion} (models/verbal)\nmodel B ${b.modelVersion} (${modelDir})\non the same 20 rows of ${corpus}`);
      expect(text).toMatch(/== zh \(10 rows\)/);
      expect(text).toMatch(/macro-F1 B − A: .* \(95 % CI .*; (excludes 0: B is (better|worse)|includes 0: no clear difference)\)/);
      expect(text).not.toContain('keyword-baseline');
      expect(text).not.toContain('rows B fixed'); // only with --errors

      const self = capture();
      expect(await runEval(['verbal', '--data', corpus, '--model', modelDir, '--compare', modelDir, '--json'], self.io)).toBe(0);
      for (const s of JSON.parse(self.out.join('')).subsets) {
        expect(s.macroF1).toMatchObject({ difference: 0, interval: { low: 0, high: 0 }, excludesZero: false });
        expect(s.rows).toMatchObject({ fixed: 0, broken: 0 });
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('trains into --out and evaluates that model, as a table and as JSON', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-cli-'));
    try {
      const made = MADE;
      const corpus = writeCorpus(tmp);
      const modelDir = path.join(tmp, 'model');
      const t = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--out', modelDir, '--epochs', '2', '--seed', '3'], t.io)).toBe(0);
      expect(t.out.at(-1)).toMatch(/^wrote verbal-\d{8}-[0-9a-f]{8} to .*: best epochs [12], [12], [12] \(of [12], [12], [12] run\), validation/);
      // Members are named as posture names them, not by their derived seed; metrics.json has every member's epochs.
      for (const k of [1, 2, 3]) expect(t.out).toContain(t.out.find((l) => l.startsWith(`member ${k}/3: epoch 1/2: loss `)));
      expect(t.out.join('\n')).not.toMatch(/seed \d+ epoch/);
      const metrics = JSON.parse(fs.readFileSync(path.join(modelDir, 'metrics.json'), 'utf8'));
      expect(metrics.epochs.max).toBe(2);
      expect(metrics.epochs.members).toHaveLength(3);
      for (const m of metrics.epochs.members) expect(m).toEqual({ run: expect.any(Number), best: expect.any(Number) });
      // A corpus outside the project is named by its whole path, not as ../../tmp/…
      expect(t.out[0]).toContain(`training verbal on 20 rows from ${corpus} (`);
      expect(t.err).toEqual([]);
      const e = capture();
      expect(await runEval(['verbal', '--data', corpus, '--model', modelDir], e.io)).toBe(0);
      expect(e.out.join('\n')).toMatch(/== zh \(10 rows\)/);
      const j = capture();
      expect(await runEval(['verbal', '--data', corpus, '--model', modelDir, '--json'], j.io)).toBe(0);
      const report = JSON.parse(j.out.join(''));
      expect(report.baselineVersion).toBe('keyword-baseline');
      expect(report.subsets[0].n).toBe(20);
      expect(report.errors).toBeUndefined();
      // --errors lists each wrong row with its line; as JSON, the same rows in `errors`.
      const w = capture();
      expect(await runEval(['verbal', '--data', corpus, '--model', modelDir, '--errors', '--json'], w.io)).toBe(0);
      const errors = JSON.parse(w.out.join('')).errors as { line: number; gold: string; predicted: string; text: string }[];
      const wrong = report.subsets[0].model.confusion.reduce((n: number, row: number[], i: number) => n + row.reduce((a, c, k) => a + (k === i ? 0 : c), 0), 0);
      expect(errors).toHaveLength(wrong);
      for (const err of errors) expect(made[(err.line - 1) % made.length]).toEqual([err.text, err.gold]);
      const listed = capture();
      expect(await runEval(['verbal', '--data', corpus, '--model', modelDir, '--errors'], listed.io)).toBe(0);
      expect(listed.out.join('\n')).toContain(`rows the model got wrong: ${wrong} of 20`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
