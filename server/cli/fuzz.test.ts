// Seeded fuzz of the CLI's file and flag inputs, through its entry function in-process (no
// child processes): mutated transcripts for `analyze`, mutated JSON Lines for `eval verbal
// --data`, `eval posture --labels`, `eval cues --data` and `train posture --extra`, random `--thresholds`,
// `--roles` and `--extra-weight` values. Whatever the
// input, main returns 0, 1 (a bad file: the message names it) or 2 (a usage error), never
// throws, and prints "buying-signals <command>: …" without a stack trace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { int, mutateBytes, mutateJson, pick, preview, runCases, weirdValue, type Rng } from '../../test/integration/fuzzKit';
import { FIXTURES } from '../ingest/testkit';
import { ARMS, posture, view } from '../signals/posture/testkit';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-fuzz-'));
  fs.mkdirSync(path.join(dir, 'photos'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], stdin?: Buffer): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), readStdin: () => stdin ?? Buffer.alloc(0) };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** 0 with output; 1 or 2 with one clear message on stderr; never a stack trace or an internal-looking message. */
function expectClean(r: { code: number; out: string; err: string }, cmd: string): void {
  if (![0, 1, 2].includes(r.code)) throw new Error(`exit ${r.code}`);
  if (/\n\s+at .+:\d+:\d+/.test(r.err)) throw new Error(`stack trace on stderr: ${r.err.slice(0, 600)}`);
  if (/Cannot read prop|is not a function|is not iterable|Maximum call stack|EISDIR|ENOTDIR|EACCES|undefined \(reading/.test(r.err)) throw new Error(`internal-looking message: ${r.err.slice(0, 400)}`);
  if (r.code === 0) {
    if (r.out === '') throw new Error('exit 0 with no output');
  } else if (!r.err.startsWith(`buying-signals ${cmd}: `)) {
    throw new Error(`exit ${r.code} without "buying-signals ${cmd}: …": ${preview(r.err)}`);
  }
}

const TRANSCRIPTS = ['meeting.vtt', 'meeting.srt', 'meeting.json', 'meeting.txt', 'meeting-gbk.txt'].map((f) => fs.readFileSync(path.join(FIXTURES, f)));

const VERBAL_ROWS = [
  { text: '多少钱？', label: 'price_inquiry', lang: 'zh' },
  { text: 'I need to think about it.', label: 'resistance', lang: 'en', source: 'a' },
  { text: 'Can you do a discount?', label: 'discount_request', role: 'customer' },
  { text: 'Our fee is 0.5 percent.', label: 'neutral', speaker: 'seller', context: 'fees' },
];

const PHOTO_ROWS = [
  { file: 'photos/a.jpg', labels: ['arms_crossed'] },
  { file: 'b.png', labels: ['leaning_forward', 'nodding'] },
];

/** Rows as the server's posture-labels export writes them: a synthetic skeleton's 33 landmarks. */
const LANDMARK_ROWS = [
  { landmarks: view(posture(ARMS.crossed)).landmarks, aspect: 1.333, labels: ['arms_crossed'], model_labels: [], session: 's', frame: 3 },
  { landmarks: view(posture(ARMS.openPalm, 15)).landmarks.map(({ x, y }) => ({ x, y })), labels: ['leaning_forward', 'open_palms'] },
];

/** Cue verdicts as GET /api/cue-reviews exports them: an emitted cue of each type, one not emitted, an extra field. */
const CUE_REVIEW_ROWS = [
  {
    session: 's1', cue_type: 'closing_moment', media_ms: 5000, verdict: 'useful', note: 'on time', reviewed_at: 1764484134000, emitted: true,
    reason: 'signals_accumulating', score: 0.93, technique: 'assumptive_close', model_version: 'verbal-x+posture-y',
    evidence: [
      { kind: 'verbal', label: 'purchase_intent', score: 0.7, media_ms: 1000, text: 'Sounds good.' },
      { kind: 'verbal', label: 'price_inquiry', score: 0.8, media_ms: 5000, text: 'How much?' },
      { kind: 'posture', label: 'leaning_forward', score: 0.9, media_ms: 4000, text: 'leaning in' },
    ],
  },
  {
    session: 's2', cue_type: 'resistance', media_ms: 70000, verdict: 'false_alarm', reviewed_at: 1764484135000, emitted: true, reason: 'customer_resists',
    score: 0.6, technique: 'address_objection', model_version: 'verbal-x', evidence: [{ kind: 'verbal', label: 'resistance', score: 0.6, media_ms: 70000, text: 'Too dear.' }], batch: 'q3',
  },
  { session: 's2', cue_type: 'closing_moment', media_ms: 9000, verdict: 'false_alarm', reviewed_at: 1764484136000, emitted: false },
];

/** JSON Lines from rows, each row mutated now and then, a few lines of byte noise. */
function jsonl(rows: readonly object[], rand: Rng): Buffer {
  const lines = rows.map((row) => {
    // A photo path that names a folder, the labels file itself, or climbs out.
    if ('file' in row && rand() < 0.15) return JSON.stringify({ ...row, file: pick(rand, ['.', 'photos', 'photos/', '..', '/', 'd0.jsonl', '../../etc/passwd']) });
    return rand() < 0.3 ? JSON.stringify(mutateJson(row, rand)) ?? 'null' : JSON.stringify(row);
  });
  if (rand() < 0.2) lines.splice(int(rand, lines.length + 1), 0, JSON.stringify(weirdValue(rand)) ?? '');
  const text = Buffer.from(lines.join(pick(rand, ['\n', '\r\n', '\n\n'])));
  return rand() < 0.35 ? mutateBytes(text, rand) : text;
}

describe('fuzz: CLI inputs', () => {
  it('analyze FILE|-: mutated transcripts (40 cases)', async () => {
    let ok = 0;
    await runCases('cli-analyze', 0xc11a, 40, async (rand, i, note) => {
      const bytes = mutateBytes(pick(rand, TRANSCRIPTS), rand);
      const viaStdin = rand() < 0.3;
      const file = path.join(dir, `t${i}${pick(rand, ['.vtt', '.srt', '.json', '.txt', ''])}`);
      if (!viaStdin) fs.writeFileSync(file, bytes);
      const argv = ['analyze', viaStdin ? '-' : file, ...(rand() < 0.3 ? ['--format', pick(rand, ['vtt', 'srt', 'json', 'text'])] : []), ...(rand() < 0.3 ? ['--json'] : [])];
      note(`${argv.join(' ')} ${preview(bytes)}`);
      const r = await run(argv, bytes);
      expectClean(r, 'analyze');
      if (r.code === 0) ok++;
    });
    expect(ok).toBeGreaterThan(0);
  }, 60_000);

  it('eval verbal --data and eval posture --labels: mutated JSON Lines (120 cases)', async () => {
    await runCases('cli-eval-files', 0xc11b, 120, async (rand, i, note) => {
      const verbal = rand() < 0.5;
      const file = path.join(dir, `d${i}.jsonl`);
      const bytes = jsonl(verbal ? VERBAL_ROWS : pick(rand, [PHOTO_ROWS, LANDMARK_ROWS, [...PHOTO_ROWS, ...LANDMARK_ROWS]]), rand);
      fs.writeFileSync(file, bytes);
      // No model folder: a file that reads well stops at the model (exit 1, naming it) instead of
      // running a whole evaluation; everything about the file is checked before that.
      const argv = verbal
        ? ['eval', 'verbal', '--data', file, '--model', path.join(dir, 'no-model'), ...(rand() < 0.3 ? ['--by', pick(rand, ['source', 'lang', 'text', '__proto__', 'constructor'])] : [])]
        : ['eval', 'posture', '--labels', file, '--images', dir, '--model', path.join(dir, 'no-model')];
      note(`${argv.join(' ')} ${preview(bytes)}`);
      expectClean(await run(argv), 'eval');
    });
  }, 60_000);

  it('eval cues --data: mutated cue verdicts, with random --by, --sweep and --json (100 cases)', async () => {
    let ok = 0;
    await runCases('cli-eval-cues', 0xc11e, 100, async (rand, i, note) => {
      const file = path.join(dir, `c${i}.jsonl`);
      const bytes = jsonl(CUE_REVIEW_ROWS, rand);
      fs.writeFileSync(file, bytes);
      const by = pick(rand, ['session', 'model_version', 'reason', 'batch', 'evidence', 'note', 'nope', '__proto__', 'constructor', 'session,reason', '']);
      const argv = [
        'eval', 'cues', '--data', file,
        ...(rand() < 0.4 ? ['--by', by] : []),
        ...(rand() < 0.4 ? ['--sweep'] : []),
        ...(rand() < 0.3 ? ['--json'] : []),
      ];
      note(`${argv.join(' ')} ${preview(bytes)}`);
      const r = await run(argv);
      expectClean(r, 'eval');
      if (r.code === 0) {
        ok++;
        if (argv.includes('--json')) JSON.parse(r.out);
      }
    });
    expect(ok).toBeGreaterThan(0);
  }, 60_000);

  it('train posture --extra and --extra-weight: mutated landmark rows and random values (80 cases)', async () => {
    const WEIGHTS = ['1', '3', '20', '0', '21', '-1', '2.5', '', 'x', '1e1', '0x2'];
    await runCases('cli-train-posture-extra', 0xc11d, 80, async (rand, i, note) => {
      const file = path.join(dir, `x${i}.jsonl`);
      // The last row is a photo row, left whole: a file that reads well up to it is refused
      // there (exit 1), so no case trains; everything before it is checked as it would be.
      const bytes = Buffer.concat([jsonl(LANDMARK_ROWS, rand), Buffer.from(`\n${JSON.stringify(PHOTO_ROWS[0])}\n`)]);
      fs.writeFileSync(file, bytes);
      const extras = Array.from({ length: 1 + int(rand, 2) }, () => pick(rand, [file, file, path.join(dir, 'photos'), path.join(dir, 'missing.jsonl')]));
      const argv = [
        'train', 'posture', ...extras.flatMap((f) => ['--extra', f]),
        ...(rand() < 0.5 ? [`--extra-weight=${pick(rand, WEIGHTS)}`] : []),
        '--out', path.join(dir, `model${i}`),
      ];
      note(`${argv.join(' ')} ${preview(bytes)}`);
      const r = await run(argv);
      expectClean(r, 'train');
      // No case gets as far as training (each has an --extra, and every --extra is refused).
      if (r.code === 0 || r.out !== '') throw new Error(`trained: ${r.out.slice(0, 200)}`);
    });
  }, 60_000);

  it('--thresholds and --roles: random values (150 cases)', async () => {
    const empty = path.join(dir, 'empty.jsonl');
    fs.writeFileSync(empty, '\n');
    const PARTS = ['0.5', '.5', '1', '0', '1.0000001', '-0', '-0.1', '1e-1', '1e400', 'NaN', 'Infinity', '0x1', '', ' ', '=', ',', 'resistance', 'price_inquiry', 'neutral', '__proto__', 'constructor', 'toString', '好', '\u0000', '0.5.5'];
    await runCases('cli-flags', 0xc11c, 150, async (rand, _i, note) => {
      const value = Array.from({ length: 1 + int(rand, 5) }, () => pick(rand, PARTS)).join('');
      if (rand() < 0.5) {
        // After the flags, the empty data file stops the run (exit 1): a good value gets that far.
        const argv = ['eval', 'verbal', '--data', empty, `--thresholds=${value}`];
        note(argv.join(' '));
        expectClean(await run(argv), 'eval');
      } else {
        const argv = ['analyze', '-', '--format', 'text', '--roles', value, ...(rand() < 0.5 ? ['--thresholds', value] : [])];
        note(argv.join(' '));
        // An unreadable transcript after the flags: exit 1 once the flags are read.
        expectClean(await run(argv, Buffer.from('\u0000')), 'analyze');
      }
    });
  });
});
