// Transcript ingest: bytes of a VTT, SRT, JSON or plain-text transcript in, validated
// utterances out. Pure: no I/O, no clock. Every refusal is a TranscriptError.
import { isBlank, LIMITS, normalizeSpeakerName, UtteranceInSchema, type UtteranceIn } from '../../protocol/protocol';
import { decodeTranscript } from './decode';
import { detectFormat } from './detect';
import { formatPath, parseJsonTranscript } from './json';
import { parsePlain } from './plain';
import { parseSrt } from './srt';
import { clip } from './timestamp';
import {
  TranscriptError,
  Warnings,
  type FormatParseResult,
  type ParsedTranscript,
  type RawUtterance,
  type TranscriptFormat,
} from './types';
import { parseVtt } from './vtt';

export { TranscriptError, TRANSCRIPT_FORMATS } from './types';
export type { ParsedTranscript, TextEncoding, TranscriptErrorCode, TranscriptFormat } from './types';
export { estimateDurationMs, ESTIMATE } from './plain';

export interface ParseOptions {
  /** Skip detection. Checked at run time, since it may come from a request. */
  format?: TranscriptFormat;
  /** Used for its extension when `format` is not given. */
  filename?: string;
}

const PARSERS: Record<TranscriptFormat, (text: string, w: Warnings) => FormatParseResult> = {
  vtt: parseVtt,
  srt: parseSrt,
  json: parseJsonTranscript,
  text: parsePlain,
};

export function parseTranscript(input: Uint8Array, opts: ParseOptions = {}): ParsedTranscript {
  if (input.length > LIMITS.uploadMaxBytes) {
    throw new TranscriptError(
      'too_large',
      `file is ${formatBytes(input.length)}; the limit is ${formatBytes(LIMITS.uploadMaxBytes)}`,
      { limit: LIMITS.uploadMaxBytes, actual: input.length },
    );
  }
  const { text, encoding } = decodeTranscript(input);
  const format = detectFormat(text, opts);
  const warnings = new Warnings();
  const parsed = PARSERS[format](text, warnings);

  const count = parsed.utterances.length;
  if (count === 0) throw new TranscriptError('no_utterances', `file has no utterances (read as ${format})`);
  if (count > LIMITS.uploadMaxUtterances) {
    throw new TranscriptError(
      'too_many_utterances',
      `file has ${count} utterances; the limit is ${LIMITS.uploadMaxUtterances}`,
      { limit: LIMITS.uploadMaxUtterances, actual: count },
    );
  }
  const utterances = parsed.utterances.map(validateUtterance);
  const firstSeen = new Map<string, SpeakerPlace>();
  utterances.forEach((u, i) => {
    const raw = parsed.utterances[i];
    if (raw && !firstSeen.has(u.speaker)) firstSeen.set(u.speaker, raw.line === undefined ? { field: `${raw.where}.speaker` } : { line: raw.line, field: 'speaker' });
  });
  if (parsed.title !== undefined && parsed.title.length > LIMITS.titleMaxChars) {
    throw new TranscriptError(
      'limit_exceeded',
      `title is ${parsed.title.length} characters; the limit is ${LIMITS.titleMaxChars}`,
      { field: 'title', limit: LIMITS.titleMaxChars, actual: parsed.title.length },
    );
  }
  const result: ParsedTranscript = {
    format,
    encoding,
    // A file's title of nothing visible (JSON "\u200B", a VTT header's) is none, as an empty one.
    ...(parsed.title && !isBlank(parsed.title) ? { title: parsed.title } : {}),
    participants: participantsOf(utterances, parsed.roles ?? [], warnings),
    utterances,
    warnings: warnings.list(),
  };
  FIRST_SEEN.set(result, firstSeen);
  return result;
}

/** Where a speaker first speaks in a file: its line, else (JSON) the utterance's field. */
export interface SpeakerPlace {
  line?: number;
  /** `speaker` beside a line; `utterances.3.speaker` in a JSON file. */
  field: string;
}
/** Kept beside a parse result rather than in it, so the result stays what it was (names, turns). */
const FIRST_SEEN = new WeakMap<ParsedTranscript, Map<string, SpeakerPlace>>();

/**
 * Where `name` first speaks in the file `parsed` came from, to name it in an error found after
 * parsing (the participant limit, which depends on the session the file goes into).
 */
export function speakerPlace(parsed: ParsedTranscript, name: string): SpeakerPlace | undefined {
  return FIRST_SEEN.get(parsed)?.get(name);
}

function validateUtterance(raw: RawUtterance): UtteranceIn {
  const line = raw.line === undefined ? {} : { line: raw.line };
  const fieldOf = (name: string) => (raw.line === undefined ? `${raw.where}.${name}` : name);
  const overLimit = (name: 'speaker' | 'text', length: number, limit: number, shown: string) =>
    new TranscriptError('limit_exceeded', `${raw.where}: ${shown} is ${length} characters; the limit is ${limit}`, {
      ...line,
      field: fieldOf(name),
      limit,
      actual: length,
    });

  const speaker = normalizeSpeakerName(raw.speaker);
  const text = raw.text.trim();
  if (speaker.length > LIMITS.speakerMaxChars) {
    throw overLimit('speaker', speaker.length, LIMITS.speakerMaxChars, `speaker "${clip(speaker, 20)}"`);
  }
  if (text.length > LIMITS.textMaxChars) throw overLimit('text', text.length, LIMITS.textMaxChars, 'text');

  const res = UtteranceInSchema.safeParse({
    speaker,
    text,
    startMs: raw.startMs,
    ...(raw.endMs === undefined ? {} : { endMs: raw.endMs }),
  });
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const path = formatPath('', issue?.path ?? []);
  const field = fieldOf(path);
  const label = raw.line === undefined ? field : `${raw.where}: ${path}`;
  throw new TranscriptError('invalid_field', `${label}: ${issue?.message ?? 'is invalid'}`, { ...line, field });
}

/** Speakers in order of first appearance, with the roles the file declared (JSON only). */
function participantsOf(
  utterances: UtteranceIn[],
  declared: NonNullable<FormatParseResult['roles']>,
  warnings: Warnings,
): ParsedTranscript['participants'] {
  const roles = new Map<string, 'customer' | 'rep' | null>();
  declared.forEach((p, i) => {
    const before = roles.get(p.name);
    if (before !== undefined && before !== null && p.role !== null && before !== p.role) {
      throw new TranscriptError(
        'invalid_field',
        `participants.${i}.role: "${p.name}" is already listed as ${before}, not ${p.role}`,
        { field: `participants.${i}.role` },
      );
    }
    if (before === undefined || before === null) roles.set(p.name, p.role);
  });

  const seen = new Set<string>();
  const out: ParsedTranscript['participants'] = [];
  for (const u of utterances) {
    if (seen.has(u.speaker)) continue;
    seen.add(u.speaker);
    out.push({ name: u.speaker, role: roles.get(u.speaker) ?? null });
  }
  for (const name of roles.keys()) {
    if (!seen.has(name)) warnings.add(`participants: "${name}" never speaks; left out`);
  }
  return out;
}

function formatBytes(n: number): string {
  const mb = n / (1024 * 1024);
  if (Number.isInteger(mb)) return `${mb} MB`;
  const shown = mb.toFixed(2);
  return Number(shown) === Math.round(mb) ? `${n} bytes` : `${shown} MB`;
}
