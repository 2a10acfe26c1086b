// Bytes to string: picks the encoding (BOM, then strict UTF-8, then GB18030 when the result
// reads like Chinese text) and refuses empty, binary or undecodable files with a clear reason.
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
