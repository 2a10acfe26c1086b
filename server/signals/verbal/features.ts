// Turns an utterance and its preceding turn into fastText-style hashed feature ids plus a
// few dense negotiation features. Pure and deterministic: the same text gives the same ids
// on every run and machine, which the saved model relies on.
import { extractNumbers, priceComparison } from './numbers';
import type { VerbalInput } from './types';

export interface FeatureConfig {
  /** Number of hash buckets (rows of the embedding matrix). */
  buckets: number;
  /** Longest unit n-gram taken over CJK text (characters). English word n-grams stop at 2. */
  maxCjkNgram: number;
  /** Character n-gram lengths taken inside latin words, e.g. [3, 4]. */
  wordCharNgrams: readonly number[];
  /** Bump when tokenisation changes so that old models are refused instead of misread. */
  featureVersion: number;
}

// 2^18 buckets for ~45k distinct training features: with zero-initialised embeddings, most
// n-grams never seen in training land in untouched (zero) rows instead of colliding with a
// trained one. This transferred better to real chats than 2^16 x 32 at the same file size.
export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  buckets: 1 << 18,
  maxCjkNgram: 3,
  wordCharNgrams: [3, 4],
  featureVersion: 2,
};

/**
 * Keyword cues in both languages (the baseline's and a few more), as dense 0/1 features: the
 * network learns when to trust them. Names (with a `kw_` prefix) join DENSE_FEATURE_NAMES.
 */
export const KEYWORD_CUES: ReadonlyArray<readonly [string, RegExp]> = [
  ['kw_price', /\b(how much|price|prices|cost|costs|quote|fee|shipping cost)\b|多少钱|价格|价钱|几块|多少元|收费|运费|包邮|多少/],
  ['kw_discount', /\b(discount|cheaper|lower|coupon|promo(tion)?s?|best price|lowest|negotiable|firm|would you take|willing to|throw in|come down)\b|折扣|打折|便宜|优惠|减价|少点|最低|券|活动|送|赠|包邮吗|抹零|能少/],
  ['kw_order', /\b(i'?ll take it|buy|purchase|deal|order|pay|pick (it )?up|come by|paypal|cash|deliver)\b|买|下单|拍了|拍下|付款|购买|发货|到货|货到付款|支付|发票|要了|拍/],
  ['kw_objection', /\b(too expensive|too much|think about it|not sure|pass|no thanks|expensive|can't afford|walk away|out of my budget)\b|太贵|考虑|再看看|不要了|不买|贵|算了|取消|不划算|别家|人家/],
  ['kw_aftersales', /退货|退款|换货|物流|快递|单号|已经买了|已经下单|已经付款|收到|签收|售后|维修|保修|坏了|质量问题/],
  ['kw_reorder', /重新(下单|下个单|拍|买|购买)|再(下单|拍|买一)|不取消|我要的|要这个|就这个|\b(i'?ll take|i want it|sounds good|it'?s a deal|works for me)\b/],
  ['kw_when', /(几天|多久|什么时候|啥时候|今天|明天|最快).{0,4}(到|发|送|能到|发货)|\b(when can|tomorrow|today|this weekend|tonight)\b/],
];

/** Names of the dense features, in order; saved in the manifest so a model can be checked. */
export const DENSE_FEATURE_NAMES = [
  'question_mark',
  'ends_with_question_particle',
  'utterance_has_number',
  'context_has_number',
  'number_below_context',
  'number_equals_context',
  'number_above_context',
  'no_context',
  'len_1_3',
  'len_4_8',
  'len_9_20',
  'len_21_plus',
  'cjk_share',
  'kw_price',
  'kw_discount',
  'kw_order',
  'kw_objection',
  'kw_aftersales',
  'kw_reorder',
  'kw_when',
] as const;
export const DENSE_DIM = DENSE_FEATURE_NAMES.length;

export interface Featurized {
  utteranceIds: number[];
  contextIds: number[];
  dense: number[];
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
// One regex walks the normalised text: numbers, latin words, single CJK characters, and the
// few punctuation marks that carry meaning in negotiation (question, currency, exclamation).
const UNIT_RE = /(\d+(?:[.,]\d+)*)|([a-z]+(?:'[a-z]+)*)|([\u3400-\u9fff\uf900-\ufaff])|([?!$¥€£%])/g;
const QUESTION_PARTICLE = /[吗呢么嘛][?!.。~～]*$/;

/** NFKC folds full-width letters, digits and punctuation to half-width; then lower-case. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** 32-bit FNV-1a over UTF-16 code units: stable across runs and platforms. */
export function fnv1a32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function hashBucket(feature: string, buckets: number): number {
  return fnv1a32(feature) % buckets;
}

/** Splits normalised text into units: "#" for a number, a word, a CJK character, or a mark. */
export function units(normalized: string): string[] {
  const out: string[] = [];
  for (const m of normalized.matchAll(UNIT_RE)) {
    if (m[1] !== undefined) out.push('#');
    else out.push(m[0]);
  }
  return out;
}

function magnitudeToken(value: number): string {
  if (value <= 0) return 'mag:0';
  return `mag:${Math.min(7, Math.floor(Math.log10(value)) + 1)}`;
}

/**
 * The string features of one text. `full` adds the costly parts (trigrams, character
 * n-grams inside words) that the utterance gets and the context does not need.
 */
export function textFeatures(text: string, config: FeatureConfig, full: boolean): string[] {
  const norm = normalizeText(text);
  const us = units(norm);
  const feats: string[] = ['<bias>'];
  for (let i = 0; i < us.length; i++) {
    const a = us[i]!;
    feats.push(`1:${a}`);
    const b = us[i + 1];
    if (b !== undefined) feats.push(`2:${a} ${b}`);
    // Trigrams only inside CJK text, where a "unit" is a character and 3 characters is a word.
    const c = us[i + 2];
    if (full && b !== undefined && c !== undefined && config.maxCjkNgram >= 3 && CJK.test(a + b + c)) {
      feats.push(`3:${a}${b}${c}`);
    }
  }
  if (us.length > 0) {
    feats.push(`first:${us[0]!}`, `last:${us[us.length - 1]!}`);
  }
  if (full) {
    for (const u of us) {
      if (u.length < 3 || !/^[a-z]/.test(u)) continue;
      const w = `<${u}>`;
      for (const n of config.wordCharNgrams) {
        for (let i = 0; i + n <= w.length; i++) feats.push(`c${n}:${w.slice(i, i + n)}`);
      }
    }
    for (const v of extractNumbers(norm)) feats.push(magnitudeToken(v));
  }
  return feats;
}

function lengthBucket(n: number): [number, number, number, number] {
  if (n <= 3) return [1, 0, 0, 0];
  if (n <= 8) return [0, 1, 0, 0];
  if (n <= 20) return [0, 0, 1, 0];
  return [0, 0, 0, 1];
}

/** Dense features, in the order of DENSE_FEATURE_NAMES. */
export function denseFeatures(text: string, context: string | undefined): number[] {
  const norm = normalizeText(text);
  const ctxNorm = context === undefined ? '' : normalizeText(context);
  const us = units(norm);
  const uttNums = extractNumbers(norm);
  const ctxNums = extractNumbers(ctxNorm);
  const cmp = priceComparison(uttNums, ctxNums);
  const chars = [...norm].filter((ch) => !/\s/.test(ch));
  const cjk = chars.filter((ch) => CJK.test(ch)).length;
  return [
    /[?]/.test(norm) ? 1 : 0,
    QUESTION_PARTICLE.test(norm.trim()) ? 1 : 0,
    uttNums.length > 0 ? 1 : 0,
    ctxNums.length > 0 ? 1 : 0,
    cmp === 'below' ? 1 : 0,
    cmp === 'equal' ? 1 : 0,
    cmp === 'above' ? 1 : 0,
    context === undefined || context.trim() === '' ? 1 : 0,
    ...lengthBucket(us.length),
    chars.length ? cjk / chars.length : 0,
    ...KEYWORD_CUES.map(([, re]) => (re.test(norm) ? 1 : 0)),
  ];
}

/** Hashes the features of one input; context features live in their own namespace. */
export function featurize(input: VerbalInput, config: FeatureConfig): Featurized {
  const utt = textFeatures(input.text, config, true);
  const dense = denseFeatures(input.text, input.context);
  // The price comparison also enters the bag, so the embedding can combine it with words.
  const cmp = ['below', 'equal', 'above'][dense.slice(4, 7).indexOf(1)];
  if (cmp !== undefined) utt.push(`cmp:${cmp}`);
  const ctx = input.context === undefined ? ['<bias>', '<no-context>'] : textFeatures(input.context, config, false);
  return {
    utteranceIds: utt.map((f) => hashBucket(`u|${f}`, config.buckets)),
    contextIds: ctx.map((f) => hashBucket(`x|${f}`, config.buckets)),
    dense,
  };
}
