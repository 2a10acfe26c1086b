// The project's wording for the zod issues a schema gives no message of its own. zod's
// defaults ("Invalid input: expected string, received undefined", "Too big: expected string to
// have <=200 characters") reached clients raw. The field is named by whoever reports the issue
// (zodToApiError: `query.participant: is required`); the message says what is wrong with it, as
// the transcript parsers word it: `is required`, `must be a string, got a number`,
// `must be at most 200 characters`, `must be "customer" or "rep", got "boss"`.
// Installed as zod's global customError when this module loads. protocol.ts imports it, so the
// server (HTTP, socket.io, uploads) and the browser client both have it; a schema's own message
// still wins (zod asks the global map last, before its locale).
import { z } from 'zod';

/** A value's kind as a message names it after "got": `a number`, `null`, `an array`, `NaN`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isFinite(v) ? 'a number' : String(v);
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'bigint') return 'a bigint';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return 'binary data';
  return 'an object';
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  bigint: 'a bigint',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  tuple: 'an array',
  null: 'null',
  date: 'a date',
  function: 'a function',
  map: 'a map',
  set: 'a set',
  file: 'a file',
};

const UNITS: Record<string, string> = { string: 'characters', array: 'items', set: 'items', map: 'entries', file: 'bytes' };

const FORMATS: Record<string, string> = {
  base64: 'base64',
  base64url: 'base64url',
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  datetime: 'an ISO 8601 date and time',
  date: 'an ISO 8601 date',
  time: 'an ISO 8601 time',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
};

/** A value as a message quotes it: strings in JSON quotes (at most 40 characters), numbers as written, else its kind. */
function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length <= 40 ? v : `${v.slice(0, 40)}…`);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  return describeValue(v);
}

/** `"a"`, `"a" or "b"`, `one of "a", "b" or "c"`. */
function choices(values: readonly unknown[]): string {
  const q = values.map(shown);
  if (q.length <= 2) return q.join(' or ');
  return `one of ${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

/** The message for an issue, or undefined to leave it to zod's own (an issue code zod adds later). */
export function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return 'is required';
      const expected = String(issue.expected);
      // z.number() refuses NaN and ±Infinity as not numbers at all.
      if ((expected === 'number' || expected === 'int') && typeof input === 'number') return `must be a finite number, got ${input}`;
      return `must be ${EXPECTED[expected] ?? expected}, got ${describeValue(input)}`;
    }
    case 'invalid_value':
      if (input === undefined) return 'is required';
      return `must be ${choices(issue.values)}, got ${shown(input)}`;
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const bound = big ? issue.maximum : issue.minimum;
      const unit = UNITS[issue.origin];
      if (unit !== undefined) {
        if (!big && Number(bound) === 1 && !issue.exact) return 'must not be empty';
        const verb = issue.origin === 'string' ? 'be' : 'hold';
        return `must ${verb} ${issue.exact ? 'exactly' : big ? 'at most' : 'at least'} ${String(bound)} ${unit}`;
      }
      const op = issue.exact ? '=' : big ? (issue.inclusive === false ? '<' : '<=') : issue.inclusive === false ? '>' : '>=';
      return `must be ${op} ${String(bound)}`;
    }
    case 'invalid_format': {
      const f = issue as z.core.$ZodRawIssue<z.core.$ZodIssueInvalidStringFormat> & { prefix?: string; suffix?: string; includes?: string };
      if (f.format === 'regex') return `must match the pattern ${f.pattern ?? ''}`.trimEnd();
      if (f.format === 'starts_with') return `must start with ${shown(f.prefix)}`;
      if (f.format === 'ends_with') return `must end with ${shown(f.suffix)}`;
      if (f.format === 'includes') return `must include ${shown(f.includes)}`;
      return `must be ${FORMATS[f.format] ?? `a valid ${f.format}`}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => shown(k)).join(', ')}`;
    case 'invalid_union':
      return input === undefined ? 'is required' : `is not any of the accepted forms, got ${describeValue(input)}`;
    case 'invalid_key':
      return 'has an invalid key';
    case 'invalid_element':
      return 'has an invalid element';
    case 'custom':
      return 'is invalid';
    default:
      return undefined;
  }
}

z.config({ customError: issueMessage });
