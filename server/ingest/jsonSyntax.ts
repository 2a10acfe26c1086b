// Where a JSON text first breaks the grammar (RFC 8259). JSON.parse says where only for some
// errors ("… in JSON at position 42"); for others V8 names the token but not its place
// ("Unexpected token ''', … is not valid JSON" for single quotes, a trailing comma before
// "]", "Unexpected end of JSON input"). The upload's error must name the line, so this
// scanner finds the offset itself. Pure; iterative, so deep nesting cannot overflow the stack.

/**
 * What may come next: a value (at the start, after ":" or after "," in an array); a value or
 * "]" (just after "["); a key (after "," in an object); a key or "}" (just after "{"); ":"
 * after a key; or, after a value, "," or the container's close (the end of the text at the top).
 */
type State = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'after';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** After a backslash: " \ / b f n r t (u is handled apart). */
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/** A scanned token: where it ends, or where it went wrong. */
type Scan = { end: number } | { error: number };

/**
 * The offset (UTF-16 code units, as JSON.parse's "position") of the first character at which
 * `text` stops being JSON, `text.length` when it ends too soon, or null when it is valid JSON.
 */
export function jsonSyntaxErrorOffset(text: string): number | null {
  const n = text.length;
  const stack: number[] = []; // the open containers' brackets, "[" or "{"
  let state: State = 'value';
  let i = 0;
  for (;;) {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== SPACE && c !== TAB && c !== LF && c !== CR) break;
      i++;
    }
    if (i >= n) return state === 'after' && stack.length === 0 ? null : n;
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];

    switch (state) {
      case 'valueOrClose':
      case 'value': {
        if (c === 0x5d /* ] */ && state === 'valueOrClose') {
          stack.pop();
          i++;
          state = 'after';
        } else if (c === 0x7b /* { */) {
          stack.push(c);
          i++;
          state = 'keyOrClose';
        } else if (c === 0x5b /* [ */) {
          stack.push(c);
          i++;
          state = 'valueOrClose';
        } else {
          const s = scanScalar(text, i);
          if ('error' in s) return s.error;
          i = s.end;
          state = 'after';
        }
        break;
      }
      case 'keyOrClose':
      case 'key': {
        if (c === 0x7d /* } */ && state === 'keyOrClose') {
          stack.pop();
          i++;
          state = 'after';
        } else if (c === QUOTE) {
          const s = scanString(text, i);
          if ('error' in s) return s.error;
          i = s.end;
          state = 'colon';
        } else {
          return i;
        }
        break;
      }
      case 'colon': {
        if (c !== 0x3a /* : */) return i;
        i++;
        state = 'value';
        break;
      }
      case 'after': {
        if (top === undefined) return i; // something after the whole value
        if (c === 0x2c /* , */) {
          i++;
          state = top === 0x5b ? 'value' : 'key';
        } else if ((top === 0x5b && c === 0x5d) || (top === 0x7b && c === 0x7d)) {
          stack.pop();
          i++;
        } else {
          return i;
        }
        break;
      }
    }
  }
}

function scanScalar(text: string, i: number): Scan {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return scanString(text, i);
  if (c === MINUS || isDigit(c)) return scanNumber(text, i);
  for (const word of ['true', 'false', 'null']) {
    if (c === word.charCodeAt(0)) return scanWord(text, i, word);
  }
  return { error: i };
}

function scanWord(text: string, i: number, word: string): Scan {
  for (let k = 0; k < word.length; k++) {
    if (i + k >= text.length || text.charCodeAt(i + k) !== word.charCodeAt(k)) return { error: i + k };
  }
  return { end: i + word.length };
}

/** A string from its opening quote at `i`. */
function scanString(text: string, i: number): Scan {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return { end: j + 1 };
    if (c < 0x20) return { error: j }; // a raw control character (a tab, a line break)
    if (c !== BACKSLASH) {
      j++;
      continue;
    }
    if (j + 1 >= n) return { error: n };
    const e = text.charCodeAt(j + 1);
    if (SIMPLE_ESCAPES.has(e)) {
      j += 2;
    } else if (e === 0x75 /* u */) {
      for (let k = 2; k < 6; k++) {
        if (j + k >= n) return { error: n };
        if (!isHex(text.charCodeAt(j + k))) return { error: j + k };
      }
      j += 6;
    } else {
      return { error: j + 1 };
    }
  }
  return { error: n };
}

/** -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
function scanNumber(text: string, i: number): Scan {
  const n = text.length;
  let j = i;
  const digits = (): Scan => {
    if (j >= n) return { error: n };
    if (!isDigit(text.charCodeAt(j))) return { error: j };
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    return { end: j };
  };
  if (text.charCodeAt(j) === MINUS) j++;
  if (j < n && text.charCodeAt(j) === ZERO) {
    j++; // a leading zero stands alone: "01" ends the number after the 0
  } else {
    const d = digits();
    if ('error' in d) return d;
  }
  if (j < n && text.charCodeAt(j) === 0x2e /* . */) {
    j++;
    const d = digits();
    if ('error' in d) return d;
  }
  const e = text.charCodeAt(j);
  if (j < n && (e === 0x65 || e === 0x45) /* e E */) {
    j++;
    const sign = text.charCodeAt(j);
    if (j < n && (sign === 0x2b || sign === MINUS)) j++;
    const d = digits();
    if ('error' in d) return d;
  }
  return { end: j };
}
