// The Running model section's words and its thresholds form's check (the server checks again,
// as `serve --thresholds` does: these only word the refusal in the page's language first).
import { setLang } from '../i18n';
import { historyLine, readThresholdFields, thresholdsWords } from './runningModel';

beforeAll(() => {
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});
afterEach(() => setLang('en'));

test('a field is a number from 0 to 1 or empty (none); anything else is named in the page’s language', () => {
  expect(readThresholdFields({ price_inquiry: '', resistance: '0.6', purchase_intent: ' .4 ', discount_request: '1' })).toEqual({
    values: { resistance: 0.6, purchase_intent: 0.4, discount_request: 1 },
    errors: {},
  });
  for (const bad of ['1.5', '-0.1', 'abc', '0x1', '1e-1', '0,5', 'NaN', 'Infinity']) {
    const r = readThresholdFields({ resistance: bad });
    expect(r.values).toEqual({});
    expect(r.errors).toEqual({ resistance: 'Give a number from 0 to 1, or leave it empty for none' });
  }
  setLang('zh');
  expect(readThresholdFields({ resistance: '2' }).errors.resistance).toBe('请输入 0 到 1 之间的数，留空表示不设');
});

test('thresholds and history in words, in both languages', () => {
  expect(thresholdsWords({})).toBe('none');
  expect(thresholdsWords({ resistance: 0.6, price_inquiry: 0.45 })).toBe('Resistance ≥ 0.60, Price question ≥ 0.45');
  const at = () => '1 Dec 07:00';
  expect(historyLine({ id: 2, at: 0, setting: 'model', from: null, to: { id: 'lib/a', version: 'verbal-20261201-aaaaaaaa' } }, at)).toBe('1 Dec 07:00: verbal model the default → verbal-20261201-aaaaaaaa');
  expect(historyLine({ id: 3, at: 0, setting: 'thresholds', from: { resistance: 0.6 }, to: {} }, at)).toBe('1 Dec 07:00: signal thresholds Resistance ≥ 0.60 → none');
  setLang('zh');
  expect(historyLine({ id: 3, at: 0, setting: 'thresholds', from: null, to: { resistance: 0.6 } }, at)).toBe('1 Dec 07:00：信号阈值 默认 → 抗拒 ≥ 0.60');
});

test('a change’s time is in the page’s language, whatever the browser’s', () => {
  const ms = Date.UTC(2026, 11, 1, 8, 0, 0);
  const entry = { id: 4, at: ms, setting: 'model' as const, from: null, to: { id: 'lib/a', version: 'v' } };
  setLang('zh');
  expect(historyLine(entry)).toBe(`${new Date(ms).toLocaleString('zh-CN')}：言语模型 默认 → v`);
  setLang('en');
  expect(historyLine(entry)).toBe(`${new Date(ms).toLocaleString('en')}: verbal model the default → v`);
});
