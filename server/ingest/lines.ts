// Line handling shared by the line-oriented parsers.
import { isBlank } from '../../protocol/protocol';

/** CRLF, CR and LF all end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

const CJK_EDGE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF00-\uFFEF]/u;

/**
 * Joins wrapped lines of one turn with a space, except between two CJK characters:
 * Chinese has no spaces between words, so "了解一下" + "风险等级" must not gain one.
 */
export function joinParts(parts: string[]): string {
  let out = '';
  for (const raw of parts) {
    const part = raw.replace(/\s+/g, ' ').trim();
    // A part of nothing visible (a zero-width space, direction marks) is no text, as an empty one.
    if (isBlank(part)) continue;
    const needsSpace = out !== '' && !(CJK_EDGE.test(out.slice(-1)) && CJK_EDGE.test(part[0] ?? ''));
    out += needsSpace ? ` ${part}` : part;
  }
  return out;
}
