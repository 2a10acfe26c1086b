import { denseFeatures, DENSE_DIM, DENSE_FEATURE_NAMES, DEFAULT_FEATURE_CONFIG, KEYWORD_CUES, featurize, fnv1a32, hashBucket, normalizeText, textFeatures, units } from './features';
import { DIGITS_RE, extractNumbers, parseChineseNumeral, priceComparison } from './numbers';
import { mulberry32 } from '../random';

const dense = (text: string, context?: string): Record<string, number> =>
  Object.fromEntries(denseFeatures(text, context).map((v, i) => [DENSE_FEATURE_NAMES[i]!, v]));

describe('hashing', () => {
  it('is FNV-1a 32-bit (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('gives the same ids on every call, inside the bucket range', () => {
    const a = featurize({ text: 'Would you take 80 for it?', context: 'I am asking 100' }, DEFAULT_FEATURE_CONFIG);
    const b = featurize({ text: 'Would you take 80 for it?', context: 'I am asking 100' }, DEFAULT_FEATURE_CONFIG);
    expect(a).toEqual(b);
    expect(a.dense).toHaveLength(DENSE_DIM);
    for (const id of [...a.utteranceIds, ...a.contextIds]) {
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(0);
      expect(id).toBeLessThan(DEFAULT_FEATURE_CONFIG.buckets);
    }
    // Golden value: changing the hash or its namespacing silently breaks every saved model.
    expect(hashBucket('u|1:price', 1 << 16)).toBe(fnv1a32('u|1:price') % 65536);
    expect(hashBucket('u|1:price', 1 << 16)).toBe(21864);
  });

  it('keeps context features apart from utterance features', () => {
    const f = featurize({ text: '多少钱', context: '多少钱' }, DEFAULT_FEATURE_CONFIG);
    const shared = f.utteranceIds.filter((id) => f.contextIds.includes(id));
    expect(shared.length).toBeLessThanOrEqual(1);
  });
});

describe('normalisation and n-grams', () => {
  it('folds full-width characters to half-width and lower-cases', () => {
    expect(normalizeText('ＨＯＷ　ＭＵＣＨ？１２０')).toBe('how much?120');
  });

  it('takes Chinese character 1- to 3-grams without segmentation', () => {
    const f = textFeatures('能便宜点吗', DEFAULT_FEATURE_CONFIG, true);
    expect(f).toEqual(expect.arrayContaining(['1:便', '2:便 宜', '3:便宜点', '3:宜点吗', 'last:吗']));
  });

  it('takes English word unigrams, bigrams and in-word character n-grams, and a number token', () => {
    expect(units(normalizeText('Would you take $1,200?'))).toEqual(['would', 'you', 'take', '$', '#', '?']);
    const f = textFeatures('Would you take $1,200?', DEFAULT_FEATURE_CONFIG, true);
    expect(f).toEqual(expect.arrayContaining(['1:take', '2:you take', '2:$ #', 'c3:<ta', 'c4:ake>', 'mag:4']));
    expect(f.some((x) => x.startsWith('3:'))).toBe(false);
  });

  it('gives the context a lighter bag (no trigrams, no character n-grams)', () => {
    const f = textFeatures('这个价格可以', DEFAULT_FEATURE_CONFIG, false);
    expect(f.some((x) => x.startsWith('3:') || x.startsWith('c3:'))).toBe(false);
    expect(f).toContain('2:价 格');
  });
});

describe('numbers', () => {
  it('reads digits with separators and multipliers', () => {
    expect(extractNumbers(normalizeText('$1,600 or 1.5k, maybe 2万'))).toEqual([1600, 1500, 20000]);
    expect(extractNumbers('at 3pm')).toEqual([]);
  });

  it('reads a long run of digits followed by a letter in linear time', () => {
    // 60,000 digits took ~16 s when every digit of the run started a new scan of it.
    const t0 = Date.now();
    expect(extractNumbers(`${'1'.repeat(60_000)}a`)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('finds the same numbers as the digit regex without its guard against starting inside a run', () => {
    const unguarded = new RegExp(DIGITS_RE.source.replace('(?<!\\d)', ''), 'g');
    expect(unguarded.source).not.toBe(DIGITS_RE.source);
    const alphabet = ['1', '2', '0', ',', '.', ' ', 'k', 'w', 'a', 'x', '万', '千', '-'];
    const rand = mulberry32(7);
    const spans = (s: string, re: RegExp) => JSON.stringify([...s.matchAll(re)].map((m) => [m.index, m[0], m[1], m[2]]));
    const differ: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = Array.from({ length: 1 + Math.floor(rand() * 24) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      if (spans(s, DIGITS_RE) !== spans(s, unguarded)) differ.push(s);
    }
    expect(differ).toEqual([]);
  });

  it('reads Chinese numerals with a unit or a currency word, not 一下', () => {
    expect(parseChineseNumeral('八十')).toBe(80);
    expect(parseChineseNumeral('一百二')).toBe(120);
    expect(parseChineseNumeral('一百零五')).toBe(105);
    expect(parseChineseNumeral('两千五')).toBe(2500);
    expect(parseChineseNumeral('十五')).toBe(15);
    expect(extractNumbers('八十块行吗')).toEqual([80]);
    expect(extractNumbers('我看一下')).toEqual([]);
  });

  it('compares the utterance price with the context price', () => {
    expect(priceComparison([120], [150])).toBe('below');
    expect(priceComparison([150], [150])).toBe('equal');
    expect(priceComparison([180], [150])).toBe('above');
    expect(priceComparison([30], [35, 30])).toBe('equal');
    expect(priceComparison([2], [300])).toBe('none');
    expect(priceComparison([120], [])).toBe('none');
  });

  it('turns the comparison into dense features', () => {
    expect(dense('I could do 120', 'I am asking $150 for it')).toMatchObject({
      number_below_context: 1,
      number_equals_context: 0,
      utterance_has_number: 1,
      context_has_number: 1,
    });
    expect(dense('150 it is', 'Lowest I can go is 150.')).toMatchObject({ number_equals_context: 1, number_below_context: 0 });
    expect(dense('80元行吗', '这款一百元')).toMatchObject({ number_below_context: 1, ends_with_question_particle: 1 });
    expect(dense('hello')).toMatchObject({ no_context: 1, question_mark: 0, len_1_3: 1, cjk_share: 0 });
    expect(dense('多少钱？')).toMatchObject({ question_mark: 1, cjk_share: 0.75 });
  });

  it('adds keyword cues in both languages as dense features', () => {
    expect(DENSE_FEATURE_NAMES.filter((n) => n.startsWith('kw_'))).toEqual(KEYWORD_CUES.map(([n]) => n));
    expect(dense('能便宜点吗')).toMatchObject({ kw_discount: 1, kw_price: 0, kw_objection: 0 });
    expect(dense('How much for the bike?')).toMatchObject({ kw_price: 1, kw_discount: 0 });
    expect(dense('太贵了，我再考虑一下')).toMatchObject({ kw_objection: 1 });
    expect(dense('我已经买了，想退货')).toMatchObject({ kw_aftersales: 1, kw_order: 1 });
    expect(dense('取消吧，我重新下单')).toMatchObject({ kw_reorder: 1, kw_objection: 1 });
    expect(dense('明天能到吗')).toMatchObject({ kw_when: 1 });
    expect(dense("Sounds good, I'll take it")).toMatchObject({ kw_reorder: 1, kw_order: 1 });
    expect(dense('hello')).toMatchObject({ kw_price: 0, kw_discount: 0, kw_order: 0, kw_objection: 0, kw_aftersales: 0, kw_reorder: 0, kw_when: 0 });
  });
});
