// Seeded input mutators for the boundary fuzz tests (fuzz*.test.ts): each case draws from its
// own mulberry32 stream, derived from the suite's seed and the case index, so a failure names
// `seed` and `case` and `FUZZ_CASE=<case>` replays that case alone.
import { mulberry32, type Rng } from '../../server/signals/random';

export type { Rng };

export const int = (rand: Rng, n: number): number => Math.floor(rand() * n);
export const pick = <T>(rand: Rng, items: readonly T[]): T => items[int(rand, items.length)]!;

/** The random stream of case `i` of a suite seeded `seed` (independent of the other cases). */
export function caseRng(seed: number, i: number): Rng {
  return mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
}

/**
 * Runs `count` cases (or only `FUZZ_CASE`), one after another; a failing case's error is
 * rethrown naming the suite, seed and case index and what `describe` says about its input.
 */
export async function runCases(
  name: string,
  seed: number,
  count: number,
  fn: (rand: Rng, i: number, note: (s: string) => void) => Promise<void> | void,
): Promise<void> {
  const only = process.env.FUZZ_CASE === undefined ? undefined : Number(process.env.FUZZ_CASE);
  // FUZZ_SCALE=10 runs ten times the cases, FUZZ_SEED=n other ones: for a longer hunt by hand.
  const scale = Number(process.env.FUZZ_SCALE ?? 1);
  const extra = process.env.FUZZ_SEED ? `FUZZ_SEED=${process.env.FUZZ_SEED} ` : '';
  seed = (seed ^ Number(process.env.FUZZ_SEED ?? 0)) >>> 0;
  for (let i = 0; i < count * scale; i++) {
    if (only !== undefined && i !== only) continue;
    let what = '';
    try {
      await fn(caseRng(seed, i), i, (s) => (what = s));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      e.message = `${name}: seed ${seed}, case ${i} (replay: ${extra}FUZZ_CASE=${i})${what ? `; input: ${what}` : ''}\n${e.message}`;
      throw e;
    }
  }
}

/**
 * zod's own default wording ("Invalid input: expected string, received undefined", "Too big:
 * …"): never in an answer; protocol/zodMessages.ts words every issue as the project does.
 */
export const RAW_ZOD_WORDING = /Invalid input|Invalid option|expected \w+, received|Too (?:big|small):|Unrecognized key|Invalid (?:string|number):|Invalid (?:key|value) in /;

/** A short printable summary of bytes or a value, for failure messages. */
export function preview(v: unknown, max = 300): string {
  const s = Buffer.isBuffer(v) || v instanceof Uint8Array ? JSON.stringify(Buffer.from(v).toString('latin1')) : safeJson(v);
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} chars)`;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `<${x.length} bytes>` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** Byte strings a transcript parser may choke on, spliced into files. */
const TOKENS: Buffer[] = [
  ...['-->', ' --> ', ':', '：', '\n', '\r\n', '\r', '\n\n', '<v ', '>', '</v>', '{', '}', '[', ']', '"', ',', '00:', ',000', '.999', '99:99:99.999', '9999999999999999999:00:00', '-1', 'NaN', 'Infinity', '1e308',
    '&amp;', '&#0;', '\u0000', '好', '\uFEFF', '\u200B', '\u3000', 'WEBVTT', 'NOTE ', '\\u0000', '\\ud800', '"startMs": -5', '"startMs": 1e99', '"endMs": "x"',
    '"speaker": null', '"text": 5', '[[[[[[[[', '{"a":{"a":{"a":', '\u2028'].map(utf8),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xfe, 0xff]),
  Buffer.from([0xc3]), // a UTF-8 lead byte with nothing after it
  Buffer.from([0xed, 0xa0, 0x80]), // a lone surrogate, CESU-style (invalid UTF-8)
  Buffer.from([0xf0, 0x9f, 0x98]), // an emoji cut short
  Buffer.from([0xb0, 0xa1, 0xb0, 0xa1]), // GBK "啊啊"
  Buffer.from([0x81, 0x30, 0x81, 0x30]), // a GB18030 four-byte sequence
];

/** A long run: a line near or over the 2,000-character text limit, or a name over 80. */
function longRun(rand: Rng): Buffer {
  const n = pick(rand, [79, 80, 81, 1999, 2000, 2001, 2500, 9000]);
  return utf8(pick(rand, ['a', '好', '😀', ' ']).repeat(n));
}

/** One to six random edits: flip, delete, insert a token or random bytes, truncate, duplicate, long runs. */
export function mutateBytes(src: Buffer, rand: Rng): Buffer {
  let buf = Buffer.from(src);
  const edits = 1 + int(rand, 6);
  for (let e = 0; e < edits; e++) {
    const at = int(rand, buf.length + 1);
    const kind = int(rand, 8);
    if (kind === 0 && buf.length > 0) {
      buf[Math.min(at, buf.length - 1)] = int(rand, 256);
    } else if (kind === 1) {
      buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1 + int(rand, 40))]);
    } else if (kind === 2) {
      buf = Buffer.concat([buf.subarray(0, at), pick(rand, TOKENS), buf.subarray(at)]);
    } else if (kind === 3) {
      buf = buf.subarray(0, at);
    } else if (kind === 4) {
      const junk = Buffer.alloc(1 + int(rand, 16));
      for (let j = 0; j < junk.length; j++) junk[j] = int(rand, 256);
      buf = Buffer.concat([buf.subarray(0, at), junk, buf.subarray(at)]);
    } else if (kind === 5) {
      buf = Buffer.concat([buf.subarray(0, at), longRun(rand), buf.subarray(at)]);
    } else if (kind === 6) {
      // Duplicate a stretch (repeated cues, a speaker line twice, times out of order).
      const from = int(rand, buf.length + 1);
      buf = Buffer.concat([buf.subarray(0, at), buf.subarray(from, from + int(rand, 200)), buf.subarray(at)]);
    } else {
      // Swap two digits runs' order: reversed or overflowing times.
      const s = buf.toString('latin1').replace(/\d{2}:\d{2}/, () => pick(rand, ['99:99', '00:00', '59:60', '-1:00', '1e9:00', '0x:10']));
      buf = Buffer.from(s, 'latin1');
    }
  }
  return buf;
}

/** A value of any JSON type, often an awkward one. */
export function weirdValue(rand: Rng, depth = 0): unknown {
  switch (int(rand, 18)) {
    case 0: return null;
    case 1: return pick(rand, [true, false]);
    case 2: return pick(rand, [0, -1, -0, 0.5, 1, 1e21, -1e21, 86_400_001, Number.MAX_SAFE_INTEGER + 2, 1.7976931348623157e308, 5e-324, 3.9999999999999996]);
    case 3: return pick(rand, ['', ' ', '\u0000', '\ud800', '\udfff', 'NaN', 'Infinity', '-1', '1e3', '0x10', '00:00:01.000', '__proto__', 'constructor', 'toString', '\u200B', '\u3000']);
    case 4: return 'x'.repeat(pick(rand, [64, 65, 80, 81, 200, 201, 2000, 2001, 70_000]));
    case 5: return pick(rand, ['客户', 'Rep Zhang', 'Ms Chen', 'A'.repeat(81)]);
    case 6: return [];
    case 7: return {};
    case 8: return depth < 3 ? Array.from({ length: int(rand, 4) }, () => weirdValue(rand, depth + 1)) : [];
    case 9: return depth < 3 ? Object.fromEntries(Array.from({ length: int(rand, 4) }, (_, k) => [pick(rand, ['a', 'speaker', 'text', '__proto__', 'length', `k${k}`]), weirdValue(rand, depth + 1)])) : {};
    case 10: return deepNest(rand);
    case 11: return { __proto__: null, toString: 1 };
    case 12: return pick(rand, ['😀'.repeat(1000) + '😀', '好'.repeat(2001), '\ud83d'.repeat(3)]);
    case 13: return Array.from({ length: pick(rand, [32, 33, 34, 100]) }, () => ({ x: 0.5, y: 0.5 }));
    case 14: return { x: weirdNumber(rand), y: weirdNumber(rand) };
    case 15: return pick(rand, [1e-7, 2.0000001, -1.0000001, 10, 10.0000001]);
    case 16: return String(int(rand, 1e6));
    default: return int(rand, 100_000);
  }
}

/** A number field's awkward values (JSON cannot carry NaN or Infinity: they become null there). */
export function weirdNumber(rand: Rng): unknown {
  return pick(rand, [NaN, Infinity, -Infinity, -1, 0, 0.5, 1e308, -1e308, 2, 2.5, -1.5, '0.5', null, undefined, true, [0.5], { v: 1 }]);
}

/** Objects and arrays nested 10 to 500 deep (deeper: deepJsonText; JSON.stringify and socket.io-client's encoder recurse). */
export function deepNest(rand: Rng): unknown {
  const depth = pick(rand, [10, 100, 500]);
  let v: unknown = 1;
  for (let d = 0; d < depth; d++) v = d % 2 ? [v] : { a: v };
  return v;
}

/** JSON text nested `depth` deep (built as text: JSON.stringify itself recurses). */
export function deepJsonText(depth: number, open = '[', close = ']'): string {
  return open.repeat(depth) + close.repeat(depth);
}

type Json = unknown;

/**
 * One to four structural edits of a JSON-like value: a node replaced by an awkward value, a
 * key removed or added, an array emptied or grown. Returns a new value; `value` is untouched.
 */
export function mutateJson(value: Json, rand: Rng): Json {
  let v = structuredCloneJson(value);
  const edits = 1 + int(rand, 4);
  for (let e = 0; e < edits; e++) v = editOnce(v, rand);
  return v;
}

function structuredCloneJson(v: Json): Json {
  if (Array.isArray(v)) return v.map(structuredCloneJson);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof ArrayBuffer)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCloneJson(x)]));
  }
  return v;
}

/** Containers on the way down, to pick one to edit. */
function containers(v: Json, out: Array<Record<string, unknown> | unknown[]> = [], depth = 0): Array<Record<string, unknown> | unknown[]> {
  if (depth > 8 || v === null || typeof v !== 'object' || v instanceof Uint8Array || v instanceof ArrayBuffer) return out;
  out.push(v as Record<string, unknown> | unknown[]);
  for (const x of Object.values(v)) containers(x, out, depth + 1);
  return out;
}

function editOnce(root: Json, rand: Rng): Json {
  const all = containers(root);
  if (all.length === 0 || rand() < 0.05) return weirdValue(rand);
  const c = pick(rand, all);
  const keys = Object.keys(c);
  const kind = int(rand, 6);
  if (Array.isArray(c)) {
    if (kind === 0) c.length = 0;
    else if (kind === 1 && c.length > 0) c.push(...c.slice(0, 1 + int(rand, pick(rand, [2, 60, 300]))).map(structuredCloneJson));
    else if (kind === 2) c.splice(int(rand, c.length + 1), 1);
    else if (c.length > 0) c[int(rand, c.length)] = weirdValue(rand);
    else c.push(weirdValue(rand));
    return root;
  }
  const key = keys.length ? pick(rand, keys) : 'x';
  if (kind === 0) delete c[key];
  else if (kind === 1) c[pick(rand, ['extra', 'Utterances', 'participant', 'start', 'end', 'image', 'sessionID', 'score', 'z'])] = weirdValue(rand);
  else if (kind === 2 && typeof c[key] === 'number') c[key] = weirdNumber(rand);
  else c[key] = weirdValue(rand);
  return root;
}
