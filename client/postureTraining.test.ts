// Training a posture model on the posture labels, in words: its defaults (taken by the server's
// request schema), the job's progress, rows, warnings and outcome, and its refusals, in both
// languages; the shared field check and failure lines as the verbal job's.
import { HOLD_OUT_DEFAULT_PERCENT } from '../protocol/compare';
import { POSTURE_EXTRA_WEIGHT_DEFAULT, POSTURE_TRAIN_LABELS_MIN, POSTURE_TRAIN_SEED_DEFAULT, PostureTrainJobSchema, PostureTrainRequestSchema, type PostureTrainJob } from '../protocol/postureModels';
import { setLang } from './i18n';
import { labelF1Words, POSTURE_FIELD_DEFAULTS, POSTURE_LABEL_WORDS, POSTURE_TRAINING, postureOutcomeLines, postureProgressLine, postureResultModel, postureRowsLine, postureWarnings } from './postureTraining';
import { rowsWouldUse, startRefusal, trainRequest, VERBAL_TRAINING } from './training';

beforeAll(() => {
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});
afterEach(() => setLang('en'));

const job = (over: Partial<PostureTrainJob> = {}): PostureTrainJob => PostureTrainJobSchema.parse({
  id: 'posture-train-20261202-0a1b2c3d', state: 'running', seed: 20261128, session: null,
  rows: { synthetic: 60000, extra: 12, heldOut: 0, holdOutPercent: 0, unmeasurable: 0, weight: 1 },
  progress: { phase: 'training', member: 2, members: 3, epoch: 4, epochs: 30 }, warnings: [], startedAt: 0, elapsedMs: 65_000, endedAt: null, ...over,
});

const VALIDATION = { leaning_back: { f1: 0.9, threshold: 0.5 }, arms_crossed: { f1: 0.8125, threshold: 0.4 }, something_new: { f1: 0.5, threshold: 0.5 } };

test('the fields start at the server’s defaults, which make a request its schema takes', () => {
  expect(POSTURE_FIELD_DEFAULTS).toEqual({ seed: String(POSTURE_TRAIN_SEED_DEFAULT), extraWeight: String(POSTURE_EXTRA_WEIGHT_DEFAULT), holdOut: String(HOLD_OUT_DEFAULT_PERCENT) });
  const r = trainRequest(POSTURE_FIELD_DEFAULTS, 's1');
  expect(r).toEqual({ ok: true, body: { seed: POSTURE_TRAIN_SEED_DEFAULT, extraWeight: POSTURE_EXTRA_WEIGHT_DEFAULT, holdOut: HOLD_OUT_DEFAULT_PERCENT, session: 's1' } });
  if (r.ok) expect(PostureTrainRequestSchema.parse(r.body)).toEqual(r.body);
  // The same ranges as the verbal job's: one refused by the form is refused by the posture schema too.
  const bad = trainRequest({ seed: '1', extraWeight: '21', holdOut: '20' }, null);
  expect(bad).toMatchObject({ ok: false, errors: { extraWeight: expect.any(String) } });
  expect(PostureTrainRequestSchema.safeParse({ extraWeight: 21 }).success).toBe(false);
  expect(POSTURE_TRAINING.defaults).not.toEqual(VERBAL_TRAINING.defaults);
});

test('progress: queued, a phase (reading labelled frames, not a corpus), member x of n and epoch x of n, with the time so far', () => {
  expect(postureProgressLine(job({ state: 'queued' }))).toBe('Starting the training job…');
  expect(postureProgressLine(job({ progress: { phase: 'reading', members: 3, epochs: 30 } }), 3000)).toBe('Reading the labelled frames… 0:03 elapsed.');
  expect(postureProgressLine(job())).toBe('Training member 2 of 3, epoch 4 of 30; 1:05 elapsed.');
  expect(postureProgressLine(job(), 3_723_000)).toBe('Training member 2 of 3, epoch 4 of 30; 1:02:03 elapsed.');
  // Training, but before the first epoch ended: the phase alone.
  expect(postureProgressLine(job({ progress: { phase: 'training', members: 3, epochs: 30 } }))).toBe('Training… 1:05 elapsed.');
  setLang('zh');
  expect(postureProgressLine(job())).toBe('正在训练第 2/3 个成员，第 4/30 轮；已用 1:05。');
  expect(postureProgressLine(job({ progress: { phase: 'reading', members: 3, epochs: 30 } }))).toBe('正在读取已标注的帧…已用 1:05。');
});

test('the rows: synthetic examples and labelled frames × weight, those held out, those left out unmeasured', () => {
  expect(postureRowsLine(job())).toBe('60000 synthetic examples per member + 12 labelled frames × 1, seed 20261128.');
  const held = job({ rows: { synthetic: 60000, extra: 40, heldOut: 10, holdOutPercent: 20, unmeasurable: 3, weight: 2 } });
  expect(postureRowsLine(held)).toBe('60000 synthetic examples per member + 40 labelled frames × 2, 10 held out for comparing, seed 20261128. 3 labelled frames left out: their pose cannot be measured (shoulders unseen).');
  expect(postureRowsLine(job({ rows: { ...job().rows, unmeasurable: 1 } }))).toMatch(/ 1 labelled frame left out: its pose/);
  setLang('zh');
  expect(postureRowsLine(held)).toBe('每个成员 60000 个合成样本 + 已标注的 40 帧 × 2，留作比较 10 帧，随机种子 20261128。 已标注的帧中有 3 帧未使用：无法测量其姿态（看不到双肩）。');
});

test('the warnings are worded, one a line, in both languages', () => {
  expect(postureWarnings(job())).toEqual([]);
  const both = job({ warnings: ['no_neutral_labels', 'one_label_only'] });
  expect(postureWarnings(both)).toEqual([
    'No frame is labelled neutral — the model learns only what is there; label what is not there too (upright, arms relaxed).',
    'Every labelled frame carries the same one posture — the model learns from your meetings about that one only; label frames of other postures too.',
  ]);
  expect(POSTURE_TRAINING.warnings(both)).toEqual(postureWarnings(both));
  setLang('zh');
  expect(postureWarnings(both)[0]).toBe('没有标注为中性的帧——模型只学到画面中有的姿态；请也标注没有这些姿态的帧（坐直、双臂放松）。');
  expect(postureWarnings(both)[1]).toMatch(/^所有已标注的帧都是同一种姿态/);
});

test('per-label F1 in the posture labels’ order, a label not known after, by its identifier', () => {
  expect(labelF1Words(VALIDATION)).toBe('Arms crossed 81.3%, Leaning back 90.0%, something_new 50.0%');
  expect(labelF1Words({})).toBe('–');
  setLang('zh');
  expect(labelF1Words({ arms_crossed: { f1: 1 } })).toBe('双臂交叉 100.0%');
});

test('the outcome: the new version with each label’s F1, where it went (or that it existed), and its model to run by id', () => {
  const done = job({ state: 'done', endedAt: 1, result: { version: 'posture-20261202-abcdef12', dir: '/srv/models/posture/posture-20261202-abcdef12', id: 'lib/posture-20261202-abcdef12', validation: VALIDATION, existed: false } });
  expect(postureOutcomeLines(done)).toEqual({
    lines: [
      'New posture model posture-20261202-abcdef12: validation F1 Arms crossed 81.3%, Leaning back 90.0%, something_new 50.0% (on the synthetic validation set, not your meetings); trained in 1:05.',
      'It is in the server’s model library (/srv/models/posture/posture-20261202-abcdef12); the running posture model is unchanged until you run it (Running posture model).',
    ],
    problem: false,
  });
  const existed = job({ ...done, result: { ...done.result!, existed: true } });
  expect(postureOutcomeLines(existed).lines[1]).toBe('The model library already held posture-20261202-abcdef12 (the same weights, trained today): that folder was kept.');
  // The id the server gives, not one made from its folder (the verbal job's way).
  expect(postureResultModel(done)).toEqual({ id: 'lib/posture-20261202-abcdef12', version: 'posture-20261202-abcdef12' });
  expect(postureResultModel(job())).toBeNull();
  expect(postureResultModel(null)).toBeNull();
  expect(postureOutcomeLines(job({ state: 'failed', error: 'boom' }))).toEqual({ lines: ['Training failed: boom'], problem: true });
  expect(postureOutcomeLines(job({ state: 'cancelled' })).lines).toEqual(['Training was cancelled after 1:05.']);
  expect(postureOutcomeLines(job())).toEqual({ lines: [], problem: false });
  setLang('zh');
  expect(postureOutcomeLines(done).lines[0]).toBe('新姿态模型 posture-20261202-abcdef12：验证集 F1 双臂交叉 81.3%，身体后仰 90.0%，something_new 50.0%（合成验证集，而非您的会谈）；用时 1:05。');
});

test('how many labelled frames a job would use, and when they are too few', () => {
  expect(rowsWouldUse(null, 'all', POSTURE_LABEL_WORDS).text).toBe('How many labelled frames it would use shows once the figures are measured.');
  expect(rowsWouldUse(12, 'all', POSTURE_LABEL_WORDS)).toEqual({ text: 'It would use 12 labelled frames from every session.', tooFew: false });
  expect(rowsWouldUse(1, 'session', POSTURE_LABEL_WORDS)).toEqual({
    text: `It would use the 1 labelled frame of this session. A posture model needs at least ${POSTURE_TRAIN_LABELS_MIN}: label the posture of more frames on the timeline first.`,
    tooFew: true,
  });
  expect(rowsWouldUse(POSTURE_TRAIN_LABELS_MIN, 'session', POSTURE_LABEL_WORDS).tooFew).toBe(false);
  setLang('zh');
  expect(rowsWouldUse(12, 'session', POSTURE_LABEL_WORDS).text).toBe('将使用本场会谈已标注的 12 帧。');
});

test('a refused start in frames’ words: too few, none, a hold-out that leaves too few (under its field), a job running', () => {
  const w = POSTURE_LABEL_WORDS;
  expect(startRefusal({ code: 'too_few_labels', message: 'only 4', limit: 10, actual: 4 }, w)).toEqual({ text: 'Only 4 labelled frames here: a posture model needs at least 10.' });
  expect(startRefusal({ code: 'no_labels', message: 'none', limit: 10 }, w)).toEqual({ text: 'There are no labelled frames here to train on: label the posture of some frames on the timeline first (at least 10).' });
  expect(startRefusal({ code: 'too_few_labels', field: 'holdOut', message: 'holdOut: leaves 8', limit: 10, actual: 8 }, w)).toEqual({
    field: 'holdOut', text: 'Holding these out leaves only 8 labelled frames to train on: a posture model needs at least 10. Hold out less, or label more frames.',
  });
  // The running job named, whatever its kind's id looks like.
  expect(startRefusal({ code: 'busy', message: 'a training job is running (posture-train-20261202-0a1b2c3d)' }, w).text).toBe('A training job is already running (posture-train-20261202-0a1b2c3d): wait for it to end, or cancel it.');
  expect(startRefusal({ code: 'busy', message: 'a training job is running (train-20261202-0a1b2c3d)' }).text).toContain('(train-20261202-0a1b2c3d)');
  setLang('zh');
  expect(startRefusal({ code: 'too_few_labels', message: 'only 4', limit: 10, actual: 4 }, w).text).toBe('这里只有已标注的 4 帧：训练姿态模型至少需要 10 帧。');
});
