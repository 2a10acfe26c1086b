// Reads the numbers out of a (normalised) utterance and compares them with the previous
// turn's: in a negotiation "120" after "150" is a counter-offer, "150" after "150" accepts.

import { englishNumbers } from './englishNumbers';

// (?<!\d): a match never starts inside a run of digits. Such a start can only succeed where
// the run's first digit does, so the numbers are the same; without it "1111…1a" was quadratic
// (each digit re-scanned the run: 4,000 digits, e.g. 2,000 NFKC-expanded "㉑", took ~90 ms per
// call, three calls per turn, on the event loop).
export const DIGITS_RE = /(?<!\d)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|千|万|w|thousand|grand|million|mil|billion|hundred)?(?![a-z\d])/g;
const ZH_DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const ZH_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
// A run of Chinese numerals counts as a number only with a unit character in it or a
// currency word after it, so that 一下 / 一点 are not read as 1.
const ZH_NUM_RE = /([零〇一二两三四五六七八九十百千万]+)(块|元|米|毛)?/g;
// 三点五万 (35,000), 一点二万, 九点九元: a decimal counts only before a unit or a currency word,
// since 三点 alone is three o'clock.
const ZH_DECIMAL_RE = /([零〇一二两三四五六七八九十]+)点([零〇一二三四五六七八九]+)(万|千|块|元)/g;

const SUFFIX: Record<string, number> = {
  k: 1_000, 千: 1_000, 万: 10_000, w: 10_000, thousand: 1_000, grand: 1_000, million: 1_000_000,
  mil: 1_000_000, billion: 1_000_000_000, hundred: 100,
};

/**
 * Parses a Chinese numeral such as 一百二 (120), 八十 (80), 两千五百 (2500), 三万 (30000), and
 * the spoken shorthands 一万二八 (12,800) and 九九八 (998, said digit by digit).
 */
export function parseChineseNumeral(s: string): number | undefined {
  let total = 0;
  let section = 0;
  let trail: number[] = []; // the digits since the last unit
  let lastUnit = 1;
  let sawZero = false;
  for (const ch of s) {
    const d = ZH_DIGIT[ch];
    if (d !== undefined) {
      trail.push(d);
      if (d === 0) sawZero = true;
      continue;
    }
    const digit = trail[trail.length - 1];
    trail = [];
    if (ch === '万') {
      section += digit ?? 0;
      total += (section || 1) * 10_000;
      section = 0;
      lastUnit = 10_000;
      continue;
    }
    const u = ZH_UNIT[ch];
    if (u === undefined) return undefined;
    section += (digit ?? 1) * u;
    lastUnit = u;
  }
  if (trail.length > 0) {
    const unitSeen = total > 0 || section > 0;
    if (!unitSeen) {
      // 九九八: digits said one by one are the number they spell.
      section += Number(trail.join(''));
    } else if (!sawZero && lastUnit > 10) {
      // Digits right after a unit are shorthand for the next places down: 一百二 = 120, 两千五 =
      // 2500, 一万二 = 12,000, 一万二八 = 12,800. After 零 a digit is literal: 一百零五 = 105. A
      // last 一 after another digit begins the next words (一百二一件, 一万二一年: "each", "a year").
      if (trail.length > 1 && trail[trail.length - 1] === 1) trail.pop();
      let place = lastUnit / 10;
      for (const d of trail) {
        section += d * place;
        place /= 10;
      }
    } else {
      section += trail[trail.length - 1]!; // 十五 is 15
    }
  }
  const value = total + section;
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Calls `fn` with each match of a global regex. exec rather than matchAll, which copies the
 * regex on every call (most of the time this took: it runs three times per turn).
 */
function eachMatch(re: RegExp, text: string, fn: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) fn(m);
  re.lastIndex = 0;
}

/**
 * All numbers in normalised text, in order: digits with their k/千/万/w/thousand/… multipliers,
 * Chinese numerals, and numbers said in English words (englishNumbers.ts).
 */
export function extractNumbers(normalized: string): number[] {
  const found: Array<[number, number]> = [];
  eachMatch(DIGITS_RE, normalized, (m) => {
    const base = Number(m[1]!.replace(/,/g, ''));
    const mult = m[2] === undefined ? 1 : (SUFFIX[m[2]] ?? 1);
    if (Number.isFinite(base)) found.push([m.index, base * mult]);
  });
  found.push(...englishNumbers(normalized));
  // Decimals first; their characters are then blanked so that 三点五万 is not also read as 五万.
  let rest = normalized;
  eachMatch(ZH_DECIMAL_RE, normalized, (m) => {
    const whole = parseChineseNumeral(m[1]!);
    if (whole === undefined) return;
    const decimals = [...m[2]!].map((ch) => ZH_DIGIT[ch]).join('');
    const mult = m[3] === '万' ? 10_000 : m[3] === '千' ? 1_000 : 1;
    const value = Number(`${whole}.${decimals}`) * mult;
    if (Number.isFinite(value) && value > 0) found.push([m.index, value]);
    rest = rest.slice(0, m.index) + ' '.repeat(m[0].length) + rest.slice(m.index + m[0].length);
  });
  eachMatch(ZH_NUM_RE, rest, (m) => {
    const run = m[1]!;
    if (!/[十百千万]/.test(run) && m[2] === undefined) return;
    if (run.length === 1 && m[2] === undefined) return;
    const v = parseChineseNumeral(run);
    if (v !== undefined && v > 0) found.push([m.index, v]);
  });
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
  const c = Math.max(0, ...context);
  const u = Math.max(0, ...utterance);
  if (c <= 0 || u <= 0) return 'none';
  // Customers often drop the thousands the rep said: "168" after "168k", "seventy eight" after
  // "eighty four thousand". A whole number of at least 10 that lands near the rep's once scaled
  // by a thousand or a million is read so; a small one (4 years, 2 lines) and a decimal (a
  // 1.5 m mattress, a 0.1 % rate) are not.
  if (u < c * 0.25 && u >= 10 && Number.isInteger(u)) {
    const f = [1_000, 1_000_000].find((k) => u * k >= c * 0.5 && u * k <= c * 1.5);
    if (f !== undefined) return priceComparison(utterance.map((x) => x * f), context);
  }
  if (utterance.some((x) => x > 0 && context.some((y) => same(x, y)))) return 'equal';
  if (u < c && u >= c * 0.25) return 'below';
  if (u > c && u <= c * 4) return 'above';
  return 'none';
}
