import type { SearchResult } from '../protocol/search';
import { setLang } from './i18n';
import { EMPTY_FIND, foundLine, groupBySession, highlightPieces, isAskable, searchParams } from './search';

const result = (sessionId: string, seq: number): SearchResult => ({
  sessionId, sessionTitle: `T ${sessionId}`, utteranceId: seq, seq, speaker: 'Li', role: 'customer', startMs: 0, endMs: 1, text: 'x', matches: [], signal: null, coachLabel: null,
});

describe('the Find query', () => {
  it('asks nothing without words or a filter', () => {
    expect(isAskable(EMPTY_FIND)).toBe(false);
    expect(isAskable({ ...EMPTY_FIND, q: '   ' })).toBe(false);
    expect(isAskable({ ...EMPTY_FIND, uncertain: true })).toBe(true);
    expect(isAskable({ ...EMPTY_FIND, session: 's1' })).toBe(true);
  });
  it('sends only what is chosen, the words trimmed, the cursor of the next page', () => {
    expect(searchParams({ ...EMPTY_FIND, q: ' 太贵 ' }, 50)).toBe('q=%E5%A4%AA%E8%B4%B5&limit=50');
    expect(searchParams({ q: '', role: 'customer', lang: 'zh', label: 'resistance', coachLabel: 'none', uncertain: true, session: 's1' }, 20, '1.2.3'))
      .toBe('session=s1&role=customer&lang=zh&label=resistance&coachLabel=none&uncertain=1&limit=20&after=1.2.3');
  });
});

describe('groupBySession', () => {
  it('keeps the order given, one group per run of a session', () => {
    const groups = groupBySession([result('b', 1), result('b', 4), result('a', 2)]);
    expect(groups.map((g) => [g.sessionId, g.title, g.results.map((r) => r.seq)])).toEqual([['b', 'T b', [1, 4]], ['a', 'T a', [2]]]);
  });
});

describe('highlightPieces', () => {
  it('cuts the text at the matches, past surrogate pairs', () => {
    expect(highlightPieces('😀太贵了太贵', [[2, 4], [5, 7]])).toEqual([
      { text: '😀', mark: false }, { text: '太贵', mark: true }, { text: '了', mark: false }, { text: '太贵', mark: true },
    ]);
  });
  it('clips matches beyond the text or overlapping', () => {
    expect(highlightPieces('abc', [[1, 9], [0, 2]])).toEqual([{ text: 'a', mark: false }, { text: 'bc', mark: true }]);
    expect(highlightPieces('', [])).toEqual([]);
  });
});

describe('foundLine', () => {
  // setLang sets <html lang>; the rest of i18n needs no DOM.
  beforeAll(() => ((globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } }));
  afterAll(() => setLang('en'));
  it('counts turns and sessions in both languages', () => {
    setLang('en');
    expect(foundLine([], false)).toBe('No turns match.');
    expect(foundLine([result('a', 1)], false)).toBe('1 turn in 1 session.');
    expect(foundLine([result('a', 1), result('a', 2)], false)).toBe('2 turns in 1 session.');
    expect(foundLine([result('a', 1), result('b', 2), result('c', 2)], true)).toBe('3 turns in 3 sessions so far; More results shows the next.');
    setLang('zh');
    expect(foundLine([], false)).toBe('没有符合条件的发言。');
    expect(foundLine([result('a', 1), result('b', 2), result('c', 2)], false)).toBe('找到 3 句发言，来自 3 场会谈。');
    expect(foundLine([result('a', 1), result('b', 2)], true)).toBe('找到 2 句发言，来自 2 场会谈；点击“更多结果”查看后续。');
  });
});

describe('the Find query at its length limit', () => {
  it('cuts the words at 200 characters without splitting a surrogate pair (a lone half would be sent as U+FFFD)', () => {
    const q = `${'a'.repeat(199)}😀😀`;
    const sent = new URLSearchParams(searchParams({ ...EMPTY_FIND, q }, 50)).get('q')!;
    expect(sent).not.toContain('\ufffd');
    expect(sent).toBe(`${'a'.repeat(199)}😀`);
    expect(new URLSearchParams(searchParams({ ...EMPTY_FIND, q: '😀'.repeat(200) }, 50)).get('q')).toBe('😀'.repeat(200));
  });
});
