// Bytes to string: picks the encoding (BOM, then strict UTF-8, then GB18030 when the result
// reads like Chinese text) and refuses empty, binary or undecodable files with a clear reason.
// A file whose lines are partly UTF-8 Chinese and partly something else (GBK lines pasted
// into a UTF-8 file) is refused too, naming the first line that is not UTF-8: decoded whole
// as GB18030, its UTF-8 lines would be stored garbled.
import { TranscriptError, type TextEncoding } from './types';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

const EXPECTED = 'expected UTF-8, UTF-16 (with BOM) or GB18030 text';

/** Share of control characters above which a decoded file is called binary. */
const MAX_CONTROL_SHARE = 0.01;
/** GB18030 is accepted only if at least this share of its non-ASCII characters is CJK. */
const MIN_CJK_SHARE = 0.7;
/**
 * A line is evidence of UTF-8 only if it is valid UTF-8 holding at least this many CJK
 * characters: a short GBK line can be valid UTF-8 by chance (GBK "涓枃" is UTF-8 "中文"),
 * but hardly one with several ideographs, and never an ASCII-only line.
 */
const MIN_UTF8_EVIDENCE_CJK = 2;

export function decodeTranscript(input: Uint8Array): DecodedText {
  if (input.length === 0) throw new TranscriptError('empty', 'file is empty');

  const decoded = decodeBytes(input);
  const text = decoded.text.startsWith('\uFEFF') ? decoded.text.slice(1) : decoded.text;
  checkNotBinary(text);
  if (text.trim() === '') throw new TranscriptError('empty', 'file is empty (it holds only whitespace)');
  return { text, encoding: decoded.encoding };
}

function decodeBytes(input: Uint8Array): DecodedText {
  const b0 = input[0];
  const b1 = input[1];
  if (b0 === 0xef && b1 === 0xbb && input[2] === 0xbf) {
    return { text: strict('utf-8', input.subarray(3), 'file starts with a UTF-8 BOM but'), encoding: 'utf-8' };
  }
  if (b0 === 0xff && b1 === 0xfe) {
    return { text: strict('utf-16le', input.subarray(2), 'file starts with a UTF-16LE BOM but'), encoding: 'utf-16le' };
  }
  if (b0 === 0xfe && b1 === 0xff) {
    return { text: strict('utf-16be', input.subarray(2), 'file starts with a UTF-16BE BOM but'), encoding: 'utf-16be' };
  }

  const nul = input.indexOf(0);
  if (nul >= 0) {
    throw new TranscriptError('binary', `file looks binary (NUL bytes at offset ${nul}); ${EXPECTED}`);
  }

  const utf8 = tryDecode('utf-8', input);
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8' };
  checkNotMixed(input);

  const gb = tryDecode('gb18030', input);
  if (gb !== null && looksLikeCjkText(gb)) return { text: gb, encoding: 'gb18030' };

  throw new TranscriptError(
    'encoding',
    `file is not valid UTF-8 (first bad byte at offset ${firstBadUtf8Offset(input)}) and does not read as GB18030 Chinese text; ${EXPECTED}`,
  );
}

function tryDecode(encoding: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function strict(encoding: string, bytes: Uint8Array, what: string): string {
  const text = tryDecode(encoding, bytes);
  if (text === null) {
    throw new TranscriptError('encoding', `${what} is not valid ${encoding.toUpperCase()}; ${EXPECTED}`);
  }
  return text;
}

/** The lines' bytes and byte offsets (CR, LF and CRLF end a line, as splitLines); neither byte occurs inside a GB18030 character. */
function byteLines(bytes: Uint8Array): { bytes: Uint8Array; start: number }[] {
  const lines: { bytes: Uint8Array; start: number }[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x0a && b !== 0x0d) continue;
    lines.push({ bytes: bytes.subarray(start, i), start });
    if (b === 0x0d && bytes[i + 1] === 0x0a) i++;
    start = i + 1;
  }
  lines.push({ bytes: bytes.subarray(start), start });
  return lines;
}

const CJK_IDEOGRAPH = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/**
 * Refuses a file (already known not to be UTF-8 as a whole) in which some lines are UTF-8
 * Chinese text and others are not UTF-8: a mix of encodings, which no single decoding reads.
 * Called before GB18030 is tried; a genuine GBK file passes, since none of its lines is
 * evidence of UTF-8 (see MIN_UTF8_EVIDENCE_CJK).
 */
function checkNotMixed(input: Uint8Array): void {
  let utf8Line = 0;
  let bad: { line: number; offset: number } | undefined;
  for (const [i, { bytes, start }] of byteLines(input).entries()) {
    if (utf8Line !== 0 && bad !== undefined) break;
    const text = tryDecode('utf-8', bytes);
    if (text === null) {
      bad ??= { line: i + 1, offset: start + firstBadUtf8Offset(bytes) };
    } else if (utf8Line === 0 && (text.match(CJK_IDEOGRAPH)?.length ?? 0) >= MIN_UTF8_EVIDENCE_CJK) {
      utf8Line = i + 1;
    }
  }
  if (utf8Line === 0 || bad === undefined) return;
  throw new TranscriptError(
    'encoding',
    `line ${bad.line}: not valid UTF-8 (bad byte at offset ${bad.offset}), while line ${utf8Line} is UTF-8 Chinese text: ` +
      'the file mixes encodings (GBK lines in a UTF-8 file?); save it as UTF-8',
    { line: bad.line },
  );
}

/** Byte offset of the first invalid UTF-8 sequence (the lenient decoder marks it with U+FFFD). */
function firstBadUtf8Offset(bytes: Uint8Array): number {
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const at = lenient.indexOf('\uFFFD');
  return at < 0 ? 0 : Buffer.byteLength(lenient.slice(0, at), 'utf8');
}

const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F\u0080-\u009F\uFFFD]/g;

function checkNotBinary(text: string): void {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    throw new TranscriptError('binary', `file looks binary (NUL characters at character ${nul}); ${EXPECTED}`);
  }
  const controls = text.match(CONTROL)?.length ?? 0;
  if (controls > 2 && controls / text.length > MAX_CONTROL_SHARE) {
    const pct = Math.round((100 * controls) / text.length);
    throw new TranscriptError(
      'binary',
      `file looks binary (${controls} control or replacement characters, ${pct}% of the text); ${EXPECTED}`,
    );
  }
}

const CJK = /[\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u2010-\u2027\u00B7]/u;

/**
 * Random bytes often decode as GB18030 too, so the result must read like text: most of
 * its non-ASCII characters are CJK ideographs or CJK/full-width punctuation.
 */
function looksLikeCjkText(text: string): boolean {
  let nonAscii = 0;
  let cjk = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    nonAscii++;
    if (CJK.test(ch)) cjk++;
  }
  return nonAscii > 0 && cjk / nonAscii >= MIN_CJK_SHARE;
}
