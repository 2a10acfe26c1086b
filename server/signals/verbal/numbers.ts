// Reads the numbers out of a (normalised) utterance and compares them with the previous
// turn's: in a negotiation "120" after "150" is a counter-offer, "150" after "150" accepts.

// (?<!\d): a match never starts inside a run of digits. Such a start can only succeed where
// the run's first digit does, so the numbers are the same; without it "1111…1a" was quadratic
// (each digit re-scanned the run: 4,000 digits, e.g. 2,000 NFKC-expanded "㉑", took ~90 ms per
// call, three calls per turn, on the event loop).
export const DIGITS_RE = /(?<!\d)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|千|万|w)?(?![a-z\d])/g;
const ZH_DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const ZH_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
// A run of Chinese numerals counts as a number only with a unit character in it or a
// currency word after it, so that 一下 / 一点 are not read as 1.
const ZH_NUM_RE = /([零〇一二两三四五六七八九十百千万]+)(块|元|米|毛)?/g;

const SUFFIX: Record<string, number> = { k: 1_000, 千: 1_000, 万: 10_000, w: 10_000 };

/** Parses a Chinese numeral such as 一百二 (120), 八十 (80), 两千五百 (2500), 三万 (30000). */
export function parseChineseNumeral(s: string): number | undefined {
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  let lastUnit = 1;
  let sawZero = false;
  for (const ch of s) {
    const d = ZH_DIGIT[ch];
    if (d !== undefined) {
      digit = d;
      if (d === 0) sawZero = true;
      continue;
    }
    if (ch === '万') {
      section += digit ?? 0;
      total += (section || 1) * 10_000;
      section = 0;
      digit = undefined;
      lastUnit = 10_000;
      continue;
    }
    const u = ZH_UNIT[ch];
    if (u === undefined) return undefined;
    section += (digit ?? 1) * u;
    digit = undefined;
    lastUnit = u;
  }
  // A trailing digit right after a unit is shorthand: 一百二 = 120, 两千五 = 2500, 一万二 =
  // 12000; after 零 it is literal: 一百零五 = 105. 十五 is 15 either way.
  if (digit !== undefined) {
    section += !sawZero && lastUnit > 10 ? (digit * lastUnit) / 10 : digit;
  }
  const value = total + section;
  return Number.isFinite(value) ? value : undefined;
}

/** All numbers in normalised text, in order, with k/千/万/w multipliers applied. */
export function extractNumbers(normalized: string): number[] {
  const found: Array<[number, number]> = [];
  for (const m of normalized.matchAll(DIGITS_RE)) {
    const base = Number(m[1]!.replace(/,/g, ''));
    const mult = m[2] === undefined ? 1 : (SUFFIX[m[2]] ?? 1);
    if (Number.isFinite(base)) found.push([m.index ?? 0, base * mult]);
  }
  for (const m of normalized.matchAll(ZH_NUM_RE)) {
    const run = m[1]!;
    if (!/[十百千万]/.test(run) && m[2] === undefined) continue;
    if (run.length === 1 && m[2] === undefined) continue;
    const v = parseChineseNumeral(run);
    if (v !== undefined && v > 0) found.push([m.index ?? 0, v]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

export type PriceComparison = 'below' | 'equal' | 'above' | 'none';

/**
 * `equal` when the utterance repeats a number of the context (a seller offering "30 picked up
 * or 35 delivered" is accepted by "30 works"); otherwise the largest numbers are compared.
 * Numbers far from the context's (under a quarter, over four times) are quantities, not prices.
 */
export function priceComparison(utterance: readonly number[], context: readonly number[]): PriceComparison {
  const same = (a: number, b: number): boolean => Math.abs(a - b) <= Math.max(a, b) * 0.005;
  const u = Math.max(0, ...utterance);
  const c = Math.max(0, ...context);
  if (c <= 0 || u <= 0) return 'none';
  if (utterance.some((x) => x > 0 && context.some((y) => same(x, y)))) return 'equal';
  if (u < c && u >= c * 0.25) return 'below';
  if (u > c && u <= c * 4) return 'above';
  return 'none';
}
