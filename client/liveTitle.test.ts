// Live session titles: the start time in the UI language, one suffix however often replayed.
import { clockTime, liveTitle, shownTitle } from './liveTitle';

test('the local start time as HH:MM', () => {
  expect(clockTime(new Date(2025, 0, 2, 9, 5))).toBe('09:05');
  expect(clockTime(new Date(2025, 0, 2, 23, 59))).toBe('23:59');
});

test('the suffix follows the title, in the language it was made in', () => {
  expect(liveTitle('Call with Lee', ' (live 11:55)')).toBe('Call with Lee (live 11:55)');
  expect(liveTitle('与李女士的会谈', '（实时 11:55）')).toBe('与李女士的会谈（实时 11:55）');
});

test('replaying a live session replaces its suffix, in either language, old "(live)" included', () => {
  expect(liveTitle('Call with Lee (live 11:55)', ' (live 12:03)')).toBe('Call with Lee (live 12:03)');
  expect(liveTitle('Call with Lee (live 11:55)', '（实时 12:03）')).toBe('Call with Lee（实时 12:03）');
  expect(liveTitle('与李女士的会谈（实时 11:55）', ' (live 12:03)')).toBe('与李女士的会谈 (live 12:03)');
  expect(liveTitle('Call (live) (live) (live 9:01)', ' (live 12:03)')).toBe('Call (live 12:03)');
  // A title that is nothing but a suffix keeps it rather than becoming empty.
  expect(liveTitle('(live)', ' (live 12:03)')).toBe('(live) (live 12:03)');
});

test('a long title is cut so the suffix fits the limit, never mid-surrogate', () => {
  const t = liveTitle('x'.repeat(300), ' (live 11:55)', 200);
  expect(t).toHaveLength(200);
  expect(t.endsWith('x (live 11:55)')).toBe(true);
  const emoji = liveTitle(`${'x'.repeat(186)}😀`, ' (live 11:55)', 200);
  expect(emoji).toBe(`${'x'.repeat(186)} (live 11:55)`);
});

test('shown, a live title’s suffix is worded in the language of the moment; other titles are as stored', () => {
  const en = (time: string) => ` (live ${time})`;
  const zh = (time: string) => `（实时 ${time}）`;
  expect(shownTitle('与李女士的会谈（实时 18:53）', en)).toBe('与李女士的会谈 (live 18:53)');
  expect(shownTitle('Call with Lee (live 9:05)', zh)).toBe('Call with Lee（实时 9:05）');
  expect(shownTitle('Call with Lee (live 18:53)', en)).toBe('Call with Lee (live 18:53)');
  expect(shownTitle('与李女士的会谈（实时18:53）', en)).toBe('与李女士的会谈 (live 18:53)');
  // No time (an old "(live)"), not at the end, or nothing before it: as stored.
  expect(shownTitle('Call (live)', zh)).toBe('Call (live)');
  expect(shownTitle('Call (live 18:53) notes', zh)).toBe('Call (live 18:53) notes');
  expect(shownTitle('(live 18:53)', zh)).toBe('(live 18:53)');
  expect(shownTitle('Quarterly review', zh)).toBe('Quarterly review');
});
