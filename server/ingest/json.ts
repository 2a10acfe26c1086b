// JSON transcripts: either an array of utterances or { title?, participants?, utterances }.
// Each utterance is { speaker, text, startMs, endMs? } in milliseconds, or, as an
// alternative, { speaker, text, start, end? } in seconds (numbers, fractions allowed; they
// are rounded to whole milliseconds). Giving both startMs and start is an error. Unknown
// fields (of the file, its participants, its utterances) are ignored with one warning per
// level, naming the known field a near miss meant. Shapes and types are checked here with zod; ranges,
// limits and endMs >= startMs are checked for every format in index.ts.
import { z } from 'zod';
import { LIMITS, RoleSchema, toWellFormed } from '../../protocol/protocol';
import { describeValue } from '../../protocol/zodMessages';
import { jsonSyntaxErrorOffset } from './jsonSyntax';
import { normalizeSpeakerName } from '../../protocol/protocol';
import { TranscriptError, type FormatParseResult, type RawUtterance, type Warnings } from './types';
import { ARCHIVE_FORMAT } from './archive';

const typeError = (expected: string) => (iss: { input: unknown }) =>
  iss.input === undefined ? 'is required' : `must be ${expected}, got ${describeValue(iss.input)}`;

// JSON escapes may spell lone surrogates, which SQLite cannot store: U+FFFD, as for live turns.
const str = () => z.string({ error: typeError('a string') }).overwrite(toWellFormed);
/**
 * A time. JSON.parse reads a number too large for a double (1e400) as Infinity, which z.number
 * refuses as if it were not a number at all ("must be a number, got a number"): say finite, and
 * the range.
 */
const time = (range: string) =>
  z.number({
    error: (iss) =>
      typeof iss.input === 'number' ? `must be a finite number from ${range}, got ${iss.input}` : typeError('a number')(iss),
  });
const ms = () => time(`0 to ${LIMITS.mediaMsMax} ms (24 h)`);
const seconds = () =>
  time(`0 to ${LIMITS.mediaMsMax / 1000} seconds (24 h)`)
    .min(0, 'must be >= 0')
    .max(LIMITS.mediaMsMax / 1000, `must be <= ${LIMITS.mediaMsMax / 1000} seconds (24 h)`);

const KNOWN = new Set(['speaker', 'text', 'startMs', 'endMs', 'start', 'end']);
const KNOWN_TOP = new Set(['title', 'participants', 'utterances']);
const KNOWN_PARTICIPANT = new Set(['name', 'role']);

const RawUtteranceSchema = z.looseObject({
  speaker: str(),
  text: str(),
  startMs: ms().optional(),
  endMs: ms().optional(),
  start: seconds().optional(),
  end: seconds().optional(),
});

const ParticipantInSchema = z.object({
  name: str(),
  role: RoleSchema.nullable().optional(),
});

const DocumentSchema = z.object({
  title: str().optional(),
  participants: z.array(ParticipantInSchema, { error: typeError('an array') }).optional(),
  utterances: z.array(z.unknown(), { error: typeError('an array') }),
});

export function parseJsonTranscript(text: string, warnings: Warnings): FormatParseResult {
  const doc = parseJsonText(text);
  refuseArchive(doc);
  refuseMisspeltUtterances(doc);
  const top = Array.isArray(doc) ? { utterances: doc } : check(DocumentSchema, doc, '');
  if (!Array.isArray(doc)) {
    // check() passed, so doc is an object, and its participants (if any) are objects.
    const raw = doc as Record<string, unknown>;
    warnUnknown(warnings, 'file', Object.keys(raw), KNOWN_TOP);
    const participants = Array.isArray(raw.participants) ? (raw.participants as Record<string, unknown>[]) : [];
    warnUnknown(warnings, 'participants', participants.flatMap((p) => Object.keys(p)), KNOWN_PARTICIPANT);
  }
  const unknownKeys = new Set<string>();

  const utterances = top.utterances.map((item, i): RawUtterance => {
    const where = `utterances.${i}`;
    const u = check(RawUtteranceSchema, item, where);
    for (const key of Object.keys(u)) if (!KNOWN.has(key)) unknownKeys.add(key);
    return {
      speaker: normalizeSpeakerName(u.speaker),
      text: u.text,
      startMs: pickMs(u.startMs, u.start, where, 'start'),
      ...optionalEnd(pickMsOptional(u.endMs, u.end, where, 'end')),
      where,
    };
  });
  warnUnknown(warnings, 'utterances', [...unknownKeys], KNOWN);

  const roles = 'participants' in top && top.participants ? top.participants : [];
  const title = 'title' in top && top.title !== undefined ? top.title.trim() : '';
  return {
    ...(title ? { title } : {}),
    roles: roles.map((p) => ({ name: normalizeSpeakerName(p.name), role: p.role ?? null })),
    utterances,
  };
}

/**
 * A session archive (archive.ts) is no transcript: read as one, its turns were stored, analysed
 * again, and its labels, verdicts, posture labels and comments dropped with only a warning of
 * "unknown fields". It goes to POST /api/archives (the page's Upload transcript sends it there).
 */
function refuseArchive(doc: unknown): void {
  if (typeof doc !== 'object' || doc === null || (doc as { format?: unknown }).format !== ARCHIVE_FORMAT) return;
  throw new TranscriptError(
    'invalid_field',
    `format: this file is a session archive (a Full backup), not a transcript; restore it with POST /api/archives (in the page: Upload transcript), which keeps its labels, verdicts and comments`,
    { field: 'format' },
  );
}

/** `{"Utterances": […]}`: say which key was meant, rather than only that "utterances" is required. */
function refuseMisspeltUtterances(doc: unknown): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || 'utterances' in doc) return;
  const meant = new Set(['utterances']);
  const key = Object.keys(doc).find((k) => nearMiss(k, meant) !== undefined);
  if (key === undefined) return;
  throw new TranscriptError('invalid_field', `utterances: is required (the file has "${key}"; did you mean "utterances"?)`, {
    field: 'utterances',
  });
}

/**
 * One warning naming the unknown keys of a level (`file` for the top), each with the known key
 * it most likely meant ("participant" → "participants", "start_ms" → "startMs"), if any.
 */
function warnUnknown(warnings: Warnings, where: string, keys: string[], known: ReadonlySet<string>): void {
  const unknown = [...new Set(keys)].filter((k) => !known.has(k));
  if (unknown.length === 0) return;
  const named = unknown.map((k) => {
    const meant = nearMiss(k, known);
    return meant === undefined ? `"${k}"` : `"${k}" (did you mean "${meant}"?)`;
  });
  warnings.add(`${where}: ignored unknown fields ${named.join(', ')}`);
}

/** The known key a typo most likely meant: the same ignoring case, "_" and "-", or a few edits away. */
export function nearMiss(key: string, known: ReadonlySet<string>): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');
  const k = norm(key);
  if (k.length < 3) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(k, norm(name));
    const allowed = distance === 0 ? 0 : Math.min(k.length, name.length) <= 4 ? 1 : 2;
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance (keys are short). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** JSON.parse, a failure a TranscriptError `bad_json` naming the line and column (also for an archive). */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // V8 places only some errors ("at position N"); for the rest (single quotes, a trailing
    // comma, the end of the text) the scanner finds where the text stops being JSON.
    const pos = /position (\d+)/.exec(msg);
    const offset = pos ? Number(pos[1]) : jsonSyntaxErrorOffset(text);
    if (offset === null) throw new TranscriptError('bad_json', `file is not valid JSON (${msg})`);
    const { line, column } = lineAndColumn(text, offset);
    throw new TranscriptError('bad_json', `line ${line}: file is not valid JSON at column ${column} (${msg})`, { line });
  }
}

/** 1-based line (CRLF, CR, LF) and column (UTF-16 code units, as editors count) of an offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

function check<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  if (where !== '' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new TranscriptError('invalid_field', `${where}: must be an object, got ${describeValue(value)}`, { field: where });
  }
  if (where === '' && (typeof value !== 'object' || value === null)) {
    throw new TranscriptError(
      'invalid_field',
      `file must hold an array of utterances or an object with "utterances", got ${describeValue(value)}`,
      // Named as the file's other errors about it as a whole are (formatPath's `file`).
      { field: 'file' },
    );
  }
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const field = formatPath(where, issue?.path ?? []);
  throw new TranscriptError('invalid_field', `${field}: ${issue?.message ?? 'is invalid'}`, { field });
}

function pickMs(ms: number | undefined, sec: number | undefined, where: string, name: 'start' | 'end'): number {
  const v = pickMsOptional(ms, sec, where, name);
  if (v === undefined) {
    const field = `${where}.${name}Ms`;
    throw new TranscriptError('invalid_field', `${field}: is required (or "${name}" in seconds)`, { field });
  }
  return v;
}

function pickMsOptional(ms: number | undefined, sec: number | undefined, where: string, name: string): number | undefined {
  if (ms !== undefined && sec !== undefined) {
    throw new TranscriptError('invalid_field', `${where}: give either "${name}Ms" or "${name}" (seconds), not both`, {
      field: `${where}.${name}Ms`,
    });
  }
  return sec !== undefined ? Math.round(sec * 1000) : ms;
}

const optionalEnd = (endMs: number | undefined) => (endMs === undefined ? {} : { endMs });

/** A dotted field path (`utterances.0.startMs`), as every other error's `field` (docs/protocol.md). */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((p) => p !== '').join('.') || 'file';
}
