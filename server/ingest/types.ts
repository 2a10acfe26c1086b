// Shared types of the transcript ingest: the parse result, the per-format parser output,
// and the typed error every parser throws.
import type { UtteranceIn } from '../../protocol/protocol';

export const TRANSCRIPT_FORMATS = ['vtt', 'srt', 'json', 'text'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface ParsedTranscript {
  format: TranscriptFormat;
  encoding: TextEncoding;
  title?: string;
  /** Every speaker that appears, in order of first appearance; roles come only from JSON files. */
  participants: { name: string; role: 'customer' | 'rep' | null }[];
  utterances: UtteranceIn[];
  warnings: string[];
}

/**
 * What a format parser hands to index.ts before limits and schema checks. `where` locates
 * the utterance for error messages ("line 7" or "utterances.3"); `line` is its 1-based line.
 */
export interface RawUtterance {
  speaker: string;
  text: string;
  startMs: number;
  endMs?: number;
  where: string;
  line?: number;
}

export interface FormatParseResult {
  title?: string;
  /** Roles declared by the file (JSON only), by speaker name. */
  roles?: { name: string; role: 'customer' | 'rep' | null }[];
  utterances: RawUtterance[];
}

export type TranscriptErrorCode =
  | 'empty'
  | 'binary'
  | 'encoding'
  | 'too_large'
  | 'too_many_utterances'
  | 'limit_exceeded'
  | 'bad_format'
  | 'bad_header'
  | 'bad_timestamp'
  | 'bad_cue'
  | 'bad_json'
  | 'invalid_field'
  | 'missing_speaker'
  | 'no_utterances';

export class TranscriptError extends Error {
  override readonly name = 'TranscriptError';
  readonly code: TranscriptErrorCode;
  readonly line?: number;
  readonly field?: string;
  readonly limit?: number;
  /** With `limit`: the size found (characters, utterances, bytes), so a client can word it. */
  readonly actual?: number;

  constructor(
    code: TranscriptErrorCode,
    message: string,
    where: { line?: number; field?: string; limit?: number; actual?: number } = {},
  ) {
    super(message);
    this.code = code;
    if (where.line !== undefined) this.line = where.line;
    if (where.field !== undefined) this.field = where.field;
    if (where.limit !== undefined) this.limit = where.limit;
    if (where.actual !== undefined) this.actual = where.actual;
  }
}

/**
 * Collects warnings, keeping the first `max` so a 20 000-cue file cannot flood the reply. The
 * web client words them in Chinese by their pattern (client/errorText.ts, whose test runs this
 * ingest): a new or changed warning needs its pattern there.
 */
export class Warnings {
  private readonly kept: string[] = [];
  private dropped = 0;

  constructor(private readonly max = 50) {}

  add(message: string): void {
    if (this.kept.length < this.max) this.kept.push(message);
    else this.dropped++;
  }

  list(): string[] {
    return this.dropped === 0 ? [...this.kept] : [...this.kept, `... and ${this.dropped} more warnings`];
  }
}
