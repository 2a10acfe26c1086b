// The Model quality view's words for GET /api/quality's figures, in both languages.
import type { QualityVerbal } from '../protocol/quality';
import { setLang } from './i18n';
import { bytesText, flatters, pct, points, qualityLabelName, range, rowsLine, storedModelsLine, subsetName, thresholdText, trainedOnLine, versusStoredLine } from './quality';

beforeAll(() => {
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});
afterEach(() => setLang('en'));

const interval = { level: 0.95, low: -0.05, high: 0.125 };
const verbal = (over: Partial<QualityVerbal> = {}): QualityVerbal => ({
  modelVersion: 'verbal-20261130-041ba44c', thresholds: {}, stored: 12, rows: 12, subsets: [], whatIf: null, trainedOn: [],
  versusStored: {
    storedRight: 5, nowRight: 7, fixed: 3, broken: 1,
    macroF1: { a: 0.5, b: 0.625, difference: 0.125, interval, excludesZero: false },
    storedModels: [{ version: 'verbal-a', rows: 9 }, { version: null, rows: 3 }],
  },
  ...over,
});

test('percentages, intervals and signed points', () => {
  expect(pct(0.625)).toBe('62.5%');
  expect(pct(0)).toBe('0.0%');
  expect(range({ low: 0.5, high: 0.75 })).toBe('50.0–75.0%');
  expect([points(0.024), points(-0.01), points(0), points(-0.0001)]).toEqual(['+2.4', '−1.0', '0.0', '0.0']);
  expect([thresholdText(null), thresholdText(0.6)]).toEqual(['none', '0.60']);
});

test('label and subset names in the language shown; unknown ones as they are', () => {
  expect([qualityLabelName('price_inquiry'), qualityLabelName('arms_crossed'), qualityLabelName('odd')]).toEqual(['Price question', 'Arms crossed', 'odd']);
  expect([subsetName('all'), subsetName('zh'), subsetName('mixed'), subsetName('source=x')]).toEqual(['All', 'Chinese', 'Mixed', 'source=x']);
  setLang('zh');
  expect([qualityLabelName('price_inquiry'), subsetName('en'), subsetName('mixed'), subsetName('mixed (by text)')]).toEqual(['询价', '英文', '中英混合', 'mixed (by text)']);
});

test('how many turns were measured: none, all, or the newest of more', () => {
  expect(rowsLine({ rows: 0, stored: 0 })).toBe('Nothing to measure yet: no coach has labelled a customer turn.');
  expect(rowsLine({ rows: 12, stored: 12 })).toMatch(/^12 labelled turns measured/);
  expect(rowsLine({ rows: 5000, stored: 6000 })).toMatch(/^The newest 5000 of 6000 labelled turns/);
  setLang('zh');
  expect(rowsLine({ rows: 0, stored: 0 })).toMatch(/^暂无可测量的数据/);
});

test('then and now, and the models the stored signals came from', () => {
  expect(versusStoredLine(verbal())).toBe('Then and now: the stored signals got 5 of 12 right, the running model gets 7 (3 fixed, 1 broken); macro-F1 50.0% → 62.5%, +12.5 points (95 % CI −5.0 to +12.5).');
  expect(versusStoredLine(verbal({ versusStored: null }))).toBe('');
  expect(storedModelsLine(verbal())).toBe('The stored signals came from: verbal-a (9), no signal stored (3).');
  setLang('zh');
  expect(storedModelsLine(verbal())).toBe('已存信号来自：verbal-a（9 句），未存信号（3 句）。');
});

test('trained on these rows: a warning when the figures flatter the model, a note otherwise', () => {
  const x = (match: 'same_rows' | 'overlap' | 'no_overlap' | 'unknown', overlap: number | null) => ({ path: 'labels.jsonl', rows: 12, weight: 1, match, overlap });
  expect(trainedOnLine(x('same_rows', 12), 12)).toMatch(/^Trained on these rows: .*exactly this download.*flatter/);
  expect(trainedOnLine(x('overlap', 4), 12)).toMatch(/holds 4 of these 12 texts, so its figures here flatter it/);
  expect(trainedOnLine(x('no_overlap', 0), 12)).toMatch(/holds none of these texts/);
  expect(trainedOnLine(x('unknown', null), 12)).toMatch(/cannot be told/);
  expect(['same_rows', 'overlap', 'no_overlap', 'unknown'].map((m) => flatters(x(m as 'unknown', 0)))).toEqual([true, true, false, false]);
  // The posture model's, of labelled frames.
  expect(trainedOnLine(x('same_rows', 12), 12, 'posture')).toMatch(/^Trained on these frames: .*posture model.*train posture --extra labels\.jsonl.*flatter/);
  expect(trainedOnLine(x('overlap', 4), 12, 'posture')).toMatch(/holds 4 of these 12 labelled frames, so its figures here flatter it/);
  expect(trainedOnLine(x('no_overlap', 0), 12, 'posture')).toMatch(/posture model’s training file labels\.jsonl holds none of these frames/);
  expect(trainedOnLine(x('unknown', null), 12, 'posture')).toMatch(/\(12 rows\).*these frames cannot be told/);
  setLang('zh');
  expect(trainedOnLine(x('overlap', 4), 12, 'posture')).toBe('已用这些帧训练：当前姿态模型的训练文件 labels.jsonl 包含这 12 个已标注帧中的 4 个，因此这里的数字偏高。');
  expect(trainedOnLine(x('overlap', 4), 12)).toMatch(/包含这 12 句中的 4 句，/);
});

test('an unknown trained-on check says why: the file and its problem, in both languages', () => {
  const job = { path: 'server:corrections@2026-12-01T07:00:00Z', rows: 12, weight: 5, match: 'unknown' as const, overlap: null };
  const why = (file: string, problem: 'missing' | 'changed' | 'too_large' | 'unreadable' | 'malformed', maxBytes: number | null = null) => ({ ...job, reason: { file, problem, maxBytes } });
  expect(trainedOnLine(why('trained-rows.json', 'too_large', 1024 * 1024), 12)).toBe(
    'The running model was trained with server:corrections@2026-12-01T07:00:00Z (12 rows), but whether it holds these rows cannot be told: the list its training job wrote beside it (trained-rows.json) is bigger than the 1 MiB read at most.',
  );
  expect(trainedOnLine(why('trained-frames.json', 'malformed'), 12, 'posture')).toBe(
    'The running posture model was trained with server:corrections@2026-12-01T07:00:00Z (12 rows), but whether it holds these frames cannot be told: the list its training job wrote beside it (trained-frames.json) is damaged or not in its format.',
  );
  const file = { ...job, path: 'labels.jsonl' };
  expect(trainedOnLine({ ...file, reason: { file: 'labels.jsonl', problem: 'changed', maxBytes: null } }, 12)).toMatch(/cannot be told: labels\.jsonl has changed since \(its sha256/);
  expect(trainedOnLine({ ...file, reason: { file: 'labels.jsonl', problem: 'missing', maxBytes: null } }, 12)).toMatch(/: labels\.jsonl is no longer there\.$/);
  expect(trainedOnLine({ ...file, reason: { file: 'labels.jsonl', problem: 'unreadable', maxBytes: null } }, 12, 'posture')).toMatch(/: labels\.jsonl cannot be read \(not a regular file/);
  // An older server gives no reason: the line it always gave.
  expect(trainedOnLine(file, 12)).toMatch(/no longer there unchanged: whether it holds these rows cannot be told/);
  expect([bytesText(8 * 1024 * 1024), bytesText(64 * 1024 * 1024), bytesText(1536), bytesText(10)]).toEqual(['8 MiB', '64 MiB', '1.5 KiB', '10 B']);
  setLang('zh');
  expect(trainedOnLine(why('trained-rows.json', 'too_large', 1024 * 1024), 12)).toBe(
    '当前模型用 server:corrections@2026-12-01T07:00:00Z（12 行）训练，但无法判断其中是否包含这些数据：训练任务写在模型旁的清单（trained-rows.json）超过读取上限 1 MiB。',
  );
  expect(trainedOnLine(why('trained-frames.json', 'malformed'), 12, 'posture')).toBe(
    '当前姿态模型用 server:corrections@2026-12-01T07:00:00Z（12 行）训练，但无法判断其中是否包含这些帧：训练任务写在模型旁的清单（trained-frames.json）已损坏或格式不对。',
  );
});
