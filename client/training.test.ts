// Training a model on the labels, in words: the fields checked as the server checks them, the
// job's progress and outcome, and its refusals, in both languages.
import type { TrainJob } from '../protocol/training';
import { TrainRequestSchema } from '../protocol/training';
import { setLang } from './i18n';
import { HOLD_OUT_DEFAULT_PERCENT, HOLD_OUT_MAX_PERCENT } from '../protocol/compare';
import { elapsedText, HOLD_OUT_DEFAULT_TEXT, isRunning, jobRowsLine, outcomeLines, progressLine, rowsWouldUse, SEED_DEFAULT_TEXT, startRefusal, trainRequest, WEIGHT_DEFAULT_TEXT } from './training';

beforeAll(() => {
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});
afterEach(() => setLang('en'));

const job = (over: Partial<TrainJob> = {}): TrainJob => ({
  id: 'train-20261201-0a1b2c3d', state: 'running', seed: 7, session: null, rows: { corpus: 25504, extra: 12, weight: 5, heldOut: 0, holdOutPercent: 0 },
  progress: { phase: 'training', member: 2, members: 3, epoch: 4, epochs: 20, macroF1: 0.8125 }, startedAt: 0, elapsedMs: 65_000, endedAt: null, ...over,
});

const fields = (seed: string, extraWeight: string, holdOut = '20') => ({ seed, extraWeight, holdOut });

test('the fields: whole numbers in range make the request the server takes; anything else is named by field', () => {
  const ok = trainRequest(fields(' 42 ', '3', ' 25 '), 'abc');
  expect(ok).toEqual({ ok: true, body: { seed: 42, extraWeight: 3, holdOut: 25, session: 'abc' } });
  if (ok.ok) expect(TrainRequestSchema.parse(ok.body)).toEqual(ok.body);
  expect(trainRequest(fields('0', '20', '0'), null)).toEqual({ ok: true, body: { seed: 0, extraWeight: 20, holdOut: 0 } });
  expect(trainRequest(fields('1', '1', '50'), null)).toMatchObject({ ok: true, body: { holdOut: 50 } });
  expect(trainRequest(fields('2147483648', '21', '51'), null)).toEqual({
    ok: false,
    errors: {
      seed: 'The seed must be a whole number from 0 to 2147483647.',
      extraWeight: 'The weight must be a whole number from 1 to 20.',
      holdOut: 'The hold-out must be a whole number from 0 to 50 (a percent).',
    },
  });
  for (const bad of ['', '-1', '1.5', '1e3', '0x10', 'seven', '３']) expect(trainRequest(fields(bad, '1'), null)).toMatchObject({ ok: false, errors: { seed: expect.any(String) } });
  for (const bad of ['', '-1', '12.5', '20%', '51', '100']) expect(trainRequest(fields('7', '5', bad), null)).toEqual({ ok: false, errors: { holdOut: expect.any(String) } });
  expect(trainRequest(fields('1', '0'), null)).toMatchObject({ ok: false, errors: { extraWeight: expect.any(String) } });
  setLang('zh');
  expect(trainRequest(fields('x', '1'), null)).toMatchObject({ ok: false, errors: { seed: '随机种子须为 0 到 2147483647 之间的整数。' } });
  expect(trainRequest(fields('7', '5', '60'), null)).toEqual({ ok: false, errors: { holdOut: '留作比较的比例须为 0 到 50 之间的整数（百分比）。' } });
});

test('the hold-out defaults to the protocol’s percent, which the server takes', () => {
  expect(HOLD_OUT_DEFAULT_TEXT).toBe(String(HOLD_OUT_DEFAULT_PERCENT));
  const r = trainRequest(fields(SEED_DEFAULT_TEXT, WEIGHT_DEFAULT_TEXT, HOLD_OUT_DEFAULT_TEXT), null);
  expect(r).toEqual({ ok: true, body: { seed: 7, extraWeight: 5, holdOut: 20 } });
  if (r.ok) expect(TrainRequestSchema.safeParse({ ...r.body, holdOut: HOLD_OUT_MAX_PERCENT + 1 }).success).toBe(false);
});

test('elapsed time as m:ss or h:mm:ss', () => {
  expect([elapsedText(0), elapsedText(65_000), elapsedText(3_723_000), elapsedText(-5)]).toEqual(['0:00', '1:05', '1:02:03', '0:00']);
});

test('how many labelled turns a job would use, per scope, and when they are too few', () => {
  expect(rowsWouldUse(null, 'all')).toEqual({ text: expect.stringContaining('once the figures are measured'), tooFew: false });
  expect(rowsWouldUse(12, 'all')).toEqual({ text: 'It would use 12 labelled customer turns from every session.', tooFew: false });
  expect(rowsWouldUse(1, 'session').text).toBe('It would use the 1 labelled customer turn of this session. A model needs at least 10: label more customer turns in the transcript first.');
  expect(rowsWouldUse(9, 'session').tooFew).toBe(true);
  setLang('zh');
  expect(rowsWouldUse(12, 'session').text).toBe('将使用本场会谈已标注的 12 句客户发言。');
});

test('progress: queued, a phase, or the member and epoch, with the time so far', () => {
  expect(isRunning(job())).toBe(true);
  expect(isRunning(job({ state: 'done' }))).toBe(false);
  expect(isRunning(null)).toBe(false);
  expect(progressLine(job({ state: 'queued' }))).toBe('Starting the training job…');
  expect(progressLine(job({ progress: { phase: 'reading', members: 3, epochs: 20 } }), 3000)).toBe('Reading the corpus… 0:03 elapsed.');
  expect(progressLine(job())).toBe('Training member 2 of 3, epoch 4 (at most 20), validation macro-F1 81.3%; 1:05 elapsed.');
  expect(jobRowsLine(job())).toBe('Corpus 25504 rows + 12 labelled turns × 5, seed 7.');
  expect(jobRowsLine(job({ rows: { corpus: null, extra: 12, weight: 5, heldOut: 0, holdOutPercent: 0 } }))).toBe('Corpus … rows + 12 labelled turns × 5, seed 7.');
  // Turns held out for comparing are named; none held out, the line is as before.
  const held = job({ rows: { corpus: 25504, extra: 12, weight: 5, heldOut: 3, holdOutPercent: 20 } });
  expect(jobRowsLine(held)).toBe('Corpus 25504 rows + 12 labelled turns × 5, 3 held out for comparing, seed 7.');
  setLang('zh');
  expect(progressLine(job())).toBe('正在训练第 2/3 个成员，第 4 轮（最多 20 轮），验证集宏 F1 81.3%；已用 1:05。');
  expect(jobRowsLine(held)).toBe('语料 25504 条 + 已标注发言 12 句 × 5，留作比较 3 句，随机种子 7。');
  expect(jobRowsLine(job())).toBe('语料 25504 条 + 已标注发言 12 句 × 5，随机种子 7。');
});

test('the outcome: the new version and its figures in the library, a failure, a cancellation', () => {
  const done = job({ state: 'done', result: { version: 'verbal-20261201-abcdef12', dir: '/srv/models/verbal/verbal-20261201-abcdef12', existed: false, validation: { macroF1: 0.8, accuracy: 0.85, rows: 2550 } } });
  expect(outcomeLines(done)).toEqual({
    lines: ['New model verbal-20261201-abcdef12: validation macro-F1 80.0%, accuracy 85.0%, on 2550 validation rows; trained in 1:05.', 'It is in the server’s model library (/srv/models/verbal/verbal-20261201-abcdef12); the running model is unchanged until you run it (Running model).'],
    problem: false,
  });
  expect(outcomeLines(job({ state: 'failed', error: 'boom' }))).toEqual({ lines: ['Training failed: boom'], problem: true });
  expect(outcomeLines(job({ state: 'cancelled' })).lines).toEqual(['Training was cancelled after 1:05.']);
  expect(outcomeLines(job({ state: 'cancelled', error: 'the server stopped' })).lines).toEqual(['Training stopped after 1:05: the server stopped.']);
  expect(outcomeLines(job()).lines).toEqual([]);
});

test('refusals in the page language, by field where the form has it', () => {
  expect(startRefusal({ code: 'invalid_input', field: 'extraWeight', message: 'extraWeight: must be at most 20' })).toEqual({ field: 'extraWeight', text: 'The weight must be a whole number from 1 to 20.' });
  expect(startRefusal({ code: 'invalid_input', field: 'holdOut', message: 'holdOut: must be at most 50' })).toEqual({ field: 'holdOut', text: 'The hold-out must be a whole number from 0 to 50 (a percent).' });
  // Too few left to train on once the hold-out is kept out: under the hold-out field, not as an invalid value.
  const heldTooMany = { code: 'too_few_labels', field: 'holdOut', message: 'there are 12 labelled customer turns in any session, but holdOut 50 % keeps 5 out for comparing, which leaves 7 to train on; …', limit: 10, actual: 7 };
  expect(startRefusal(heldTooMany)).toEqual({ field: 'holdOut', text: 'Holding these out leaves only 7 labelled turns to train on: a model needs at least 10. Hold out less, or label more customer turns.' });
  expect(startRefusal({ code: 'busy', field: 'job', message: 'a training job is running (train-20261201-0a1b2c3d): one runs at a time' }).text).toBe('A training job is already running (train-20261201-0a1b2c3d): wait for it to end, or cancel it.');
  expect(startRefusal({ code: 'no_labels', field: 'labels', message: '…', limit: 10, actual: 0 }).text).toContain('at least 10');
  setLang('zh');
  expect(startRefusal({ code: 'too_few_labels', field: 'session', message: '…', limit: 10, actual: 3 })).toEqual({ text: '这里只有 3 句已标注的客户发言：训练至少需要 10 句。' });
  expect(startRefusal({ code: 'shutting_down', message: 'the server is stopping' }).text).toMatch(/^训练未开始：/);
});

test("a failed job's reason in Chinese when the server's words are known (they are English): the worker's exit, memory, disk, the library", () => {
  setLang('zh');
  const failed = (error: string) => outcomeLines(job({ state: 'failed', error })).lines[0];
  expect(failed('the training worker exited with code 1 before finishing')).toBe('训练失败：训练线程在完成前退出（退出码 1）。');
  expect(failed('Worker terminated due to reaching memory limit: JS heap out of memory')).toBe('训练失败：训练线程内存不足，已停止。');
  expect(failed("ENOSPC: no space left on device, write '/srv/models/verbal/.tmp-x/weights.bin'")).toBe('训练失败：服务器磁盘空间不足，模型未能保存。');
  expect(failed("EACCES: permission denied, mkdir '/srv/models/verbal/.tmp-x'")).toBe('训练失败：服务器无权写入模型库。');
  expect(failed("ENOTDIR: not a directory, rename '/srv/models/verbal/.tmp-x' -> '/srv/models/verbal/v'")).toBe('训练失败：训练期间模型库文件夹被删除或替换。');
  // Words not known are shown as the server wrote them.
  expect(failed('boom')).toBe('训练失败：boom');
  setLang('en');
  expect(failed('the training worker exited with code 1 before finishing')).toBe('Training failed: the training worker exited with code 1 before finishing');
});

