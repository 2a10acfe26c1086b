import { matchOffsets, searchForm, searchLang } from './searchText';

const marked = (text: string, q: string) => matchOffsets(text, searchForm(q)).map(([a, b]) => text.slice(a, b));

describe('searchForm', () => {
  it('folds Latin case and full-width forms', () => {
    expect(searchForm('ＰＲＩＣＥ Price')).toBe('price price');
    expect(searchForm('太贵了，１２３')).toBe('太贵了,123');
  });
  it('keeps Chinese as it is', () => expect(searchForm('理财产品')).toBe('理财产品'));
});

describe('matchOffsets', () => {
  it('finds 1- and 2-character Chinese queries', () => {
    expect(matchOffsets('这个太贵了，太贵', '太贵')).toEqual([[2, 4], [6, 8]]);
    expect(marked('贵不贵', '贵')).toEqual(['贵', '贵']);
  });
  it('is case-insensitive and treats full-width as half-width, with offsets into the original', () => {
    const text = 'Too ＥＸＰＥＮＳＩＶＥ, too expensive';
    expect(marked(text, 'expensive')).toEqual(['ＥＸＰＥＮＳＩＶＥ', 'expensive']);
    expect(marked(text, 'ＴＯＯ')).toEqual(['Too', 'too']);
  });
  it('counts UTF-16 units past surrogate pairs and emoji', () => {
    const text = '😀👍🏽 price 𠮷贵';
    const [a, b] = matchOffsets(text, searchForm('price'))[0]!;
    const [c, d] = matchOffsets(text, '贵')[0]!;
    expect(text.slice(a, b)).toBe('price');
    expect(a).toBe(7); // 😀 👍 🏽 are two units each, then a space
    expect(text.slice(c, d)).toBe('贵');
    expect(marked(text, '𠮷')).toEqual(['𠮷']);
  });
  it('maps lengths NFKC changes back to whole original characters', () => {
    // "㎏" becomes "kg", "ﬁ" becomes "fi", "①" becomes "1": a match inside one covers it whole.
    expect(marked('5㎏ more', 'kg')).toEqual(['㎏']);
    expect(marked('5㎏ more', 'g')).toEqual(['㎏']);
    expect(marked('ﬁnal offer', 'final')).toEqual(['ﬁnal']);
    expect(marked('a ﬁ b', 'i b')).toEqual(['ﬁ b']);
    expect(marked('①②', '12')).toEqual(['①②']);
  });
  it('keeps combining marks with their letter', () => {
    const text = 'cafe\u0301 cafe';
    expect(marked(text, 'café')).toEqual(['cafe\u0301']);
  });
  it('finds nothing for an empty query and no overlap', () => {
    expect(matchOffsets('aaa', '')).toEqual([]);
    expect(matchOffsets('aaaa', 'aa')).toEqual([[0, 2], [2, 4]]);
  });
});

describe('searchLang', () => {
  it.each([
    ['too expensive', 'en'],
    ['太贵了', 'zh'],
    ['这个price还能再低点吗', 'mixed'],
    ['X5 多少钱', 'zh'],
  ])('%j is %s', (text, lang) => expect(searchLang(text)).toBe(lang));
});

describe('Greek final sigma', () => {
  it('folds ς to σ, so a word ending in sigma matches in any case (lower-casing one character at a time gives σ for Σ)', () => {
    expect(searchForm('ΌΣΟΣ')).toBe(searchForm('όσος'));
    expect(searchForm('Σίσυφος')).toBe(searchForm('ΣΊΣΥΦΟΣ'));
    expect(matchOffsets('Ο ΌΣΟΣ πήγε', searchForm('όσος')).map(([a, b]) => 'Ο ΌΣΟΣ πήγε'.slice(a, b))).toEqual(['ΌΣΟΣ']);
    expect(matchOffsets('πόσος;', searchForm('ΠΌΣΟΣ'))).toEqual([[0, 5]]);
  });
});
