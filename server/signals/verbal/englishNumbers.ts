// Numbers said in English words, as speech recognition writes a live meeting's prices: "thirty
// four thousand nine hundred", "twenty grand", "four point one percent", and the spoken price
// shorthand of dealers and shops, where groups run on without their units: "six forty nine"
// (649), "nine ninety nine" (999), "thirty one four ninety five" (31,495), "thirty four nine"
// (34,900). Digits are read by numbers.ts; this reads only words.

const SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
  seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const SCALE: Record<string, number> = {
  thousand: 1_000, grand: 1_000, k: 1_000, million: 1_000_000, mil: 1_000_000, billion: 1_000_000_000,
};
// A lone number word under ten ("this one", "one of those", "a two bedroom") is read as a
// number only with a word after it that says it counts something paid or a share of it.
const COUNTS_AFTER = new Set(['dollars', 'dollar', 'bucks', 'buck', 'percent', 'pounds', 'euros', 'yuan', 'k']);

const SMALL_WORDS = Object.keys(SMALL).sort((a, b) => b.length - a.length).join('|');
const TENS_WORDS = Object.keys(TENS).join('|');
const SCALE_WORDS = 'hundred|thousand|grand|million|mil|billion';
const DIGIT_WORDS = 'zero|one|two|three|four|five|six|seven|eight|nine';
const NUMBER_WORD = `(?:${SMALL_WORDS}|${TENS_WORDS}|${SCALE_WORDS}|k)\\b`;
// One pass of the regex engine finds the runs of number words: a run starts with a number (or
// "a" before a scale word: "a hundred", "a grand") and goes on through number words, "and" and
// "point" before another, joined by spaces or hyphens ("thirty-four"); any other character
// between two words ends it. Only the runs are then read word by word.
const RUN_RE = new RegExp(
  `\\b(?:a[\\s-]+(?:${SCALE_WORDS})|${SMALL_WORDS}|${TENS_WORDS})\\b` +
    `(?:[\\s-]+(?:${NUMBER_WORD}|and(?=[\\s-]+(?:${SMALL_WORDS}|${TENS_WORDS})\\b)|point(?=[\\s-]+(?:${DIGIT_WORDS})\\b)))*`,
  'g',
);
const AFTER_RE = /[\s-]+([a-z]+)/y;

/** One number as written in full: "thirty four", "twelve hundred", "a hundred and twenty". */
interface Chunk {
  value: number;
  /** It had a scale, "hundred" or a decimal point: not a shorthand group. */
  full: boolean;
}

/**
 * Reads the chunks of one run of number words. A new chunk starts where a number word cannot
 * continue the one before: "thirty four" is one, "six forty" two, "thirty four nine" two.
 */
function chunks(run: readonly string[]): Chunk[] {
  const out: Chunk[] = [];
  let total = 0; // the part above the last scale word
  let current = 0; // the part below it
  let full = false;
  let last: 'none' | 'small' | 'tens' | 'tensUnit' | 'hundred' | 'scale' = 'none';
  let started = false;
  const close = (): void => {
    if (started) out.push({ value: total + current, full });
    total = 0;
    current = 0;
    full = false;
    last = 'none';
    started = false;
  };
  for (let i = 0; i < run.length; i++) {
    const w = run[i]!;
    if (w === 'point') {
      // "four point one": the digits after it, one word each.
      let decimals = '';
      while (i + 1 < run.length && (SMALL[run[i + 1]!] ?? 10) < 10) decimals += String(SMALL[run[++i]!]);
      current = Number(`${current}.${decimals}`);
      full = true;
      last = 'small';
      continue;
    }
    if (w === 'hundred') {
      current = (current || 1) * 100;
      full = true;
      started = true;
      last = 'hundred';
      continue;
    }
    const scale = SCALE[w];
    if (scale !== undefined) {
      total += (current || 1) * scale;
      current = 0;
      full = true;
      started = true;
      last = 'scale';
      continue;
    }
    const tens = TENS[w];
    const small = SMALL[w];
    const v = tens ?? small ?? 0;
    const joins =
      last === 'none' ||
      last === 'hundred' ||
      (last === 'scale' && current === 0) ||
      (last === 'tens' && tens === undefined && v > 0 && v < 10);
    if (!joins) close();
    current += v;
    started = true;
    last = tens !== undefined ? 'tens' : last === 'tens' ? 'tensUnit' : 'small';
  }
  close();
  return out;
}

/**
 * The value of a run of chunks. Two to four bare groups under 100 that follow each other are one
 * spoken price: each later group adds its own digits ("six" "forty nine" → 649), and a last single
 * digit after a two-digit group is hundreds ("thirty four" "nine" → 34,900). Anything else is
 * one number per chunk.
 */
function values(cs: readonly Chunk[]): number[] {
  const bare = cs.length >= 2 && cs.length <= 4 && cs.every((c) => !c.full && c.value < 100 && Number.isInteger(c.value));
  if (bare && cs[0]!.value > 0 && !(cs.length === 2 && cs[0]!.value < 10 && cs[1]!.value < 10)) {
    let digits = String(cs[0]!.value);
    for (const c of cs.slice(1)) digits += c.value < 10 ? String(c.value) : String(c.value).padStart(2, '0');
    const last = cs[cs.length - 1]!;
    if (cs.length === 2 && last.value < 10 && cs[0]!.value >= 10) digits += '00';
    return [Number(digits)];
  }
  return cs.map((c) => c.value);
}

/** The numbers written in words in normalised (lower-case) text, each with where it starts. */
export function englishNumbers(normalized: string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  // exec rather than matchAll, which copies the regex on every call (numbers.ts: eachMatch).
  RUN_RE.lastIndex = 0;
  for (let m = RUN_RE.exec(normalized); m !== null; m = RUN_RE.exec(normalized)) {
    const at = m.index;
    const words = m[0].split(/[\s-]+/);
    if (words[0] === 'a') words[0] = 'one';
    AFTER_RE.lastIndex = at + m[0].length;
    const after = AFTER_RE.exec(normalized)?.[1];
    // "and" joins only after a scale word ("a hundred and twenty"); elsewhere it parts two
    // numbers ("five and six"), which are read apart.
    let from = 0;
    for (let i = 0; i <= words.length; i++) {
      const w = words[i];
      const prev = words[i - 1];
      if (w !== undefined && !(w === 'and' && prev !== 'hundred' && !(prev! in SCALE))) continue;
      read(words.slice(from, i).filter((x) => x !== 'and'), at, i === words.length ? after : 'and', found);
      from = i + 1;
    }
  }
  return found;
}

function read(run: readonly string[], at: number, after: string | undefined, found: Array<[number, number]>): void {
  if (run.length === 0) return;
  const cs = chunks(run);
  const vs = values(cs);
  const lone = vs.length === 1 && cs.length === 1 && !cs[0]!.full && cs[0]!.value < 10;
  if (lone && (after === undefined || !COUNTS_AFTER.has(after))) return;
  for (const v of vs) if (v > 0 && Number.isFinite(v)) found.push([at, v]);
}
