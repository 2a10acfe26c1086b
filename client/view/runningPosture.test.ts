// The Running posture model section's words: a change of the history in both languages, its
// time in the page's language (the verbal section's rule, modelSwitch.ts's historyTime).
import { setLang } from '../i18n';
import { postureHistoryLine } from './runningPosture';

beforeAll(() => {
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});
afterEach(() => setLang('en'));

test('a change in words: from what ran (the default when nothing was chosen before) to the new version', () => {
  const at = () => '2 Dec 13:00';
  expect(postureHistoryLine({ id: 1, at: 0, from: null, to: { id: 'lib/p2', version: 'posture-20261202-bbbbbbbb' } }, at)).toBe('2 Dec 13:00: posture model the default → posture-20261202-bbbbbbbb');
  expect(postureHistoryLine({ id: 2, at: 0, from: { id: 'base', version: 'posture-a' }, to: { id: 'lib/p2', version: 'posture-b' } }, at)).toBe('2 Dec 13:00: posture model posture-a → posture-b');
  setLang('zh');
  expect(postureHistoryLine({ id: 2, at: 0, from: { id: 'base', version: 'posture-a' }, to: { id: 'lib/p2', version: 'posture-b' } }, at)).toBe('2 Dec 13:00：姿态模型 posture-a → posture-b');
  expect(postureHistoryLine({ id: 1, at: 0, from: null, to: { id: 'lib/p2', version: 'posture-b' } }, at)).toBe('2 Dec 13:00：姿态模型 默认 → posture-b');
});

test('a change’s time is in the page’s language, whatever the browser’s', () => {
  const ms = Date.UTC(2026, 11, 2, 13, 0, 0);
  const entry = { id: 3, at: ms, from: null, to: { id: 'lib/a', version: 'v' } };
  setLang('zh');
  expect(postureHistoryLine(entry)).toBe(`${new Date(ms).toLocaleString('zh-CN')}：姿态模型 默认 → v`);
  setLang('en');
  expect(postureHistoryLine(entry)).toBe(`${new Date(ms).toLocaleString('en')}: posture model the default → v`);
});
