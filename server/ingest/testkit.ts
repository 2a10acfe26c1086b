// Test helpers for the ingest tests (not used by production code).
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseTranscript, type ParsedTranscript, type TranscriptFormat } from './index';
import { TranscriptError } from './types';

export const FIXTURES = join(__dirname, '../../fixtures/transcripts');

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export function parseText(text: string, format?: TranscriptFormat): ParsedTranscript {
  return parseTranscript(Buffer.from(text, 'utf8'), format ? { format } : {});
}

/** Runs `fn` and returns the TranscriptError it throws; fails on success or any other error. */
export function errorOf(fn: () => unknown): TranscriptError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TranscriptError) return err;
    throw err;
  }
  throw new Error('expected a TranscriptError, but the call succeeded');
}

/** Speaker, text and times only, for compact expectations. */
export function turns(p: ParsedTranscript): [string, string, number, number?][] {
  return p.utterances.map((u) => (u.endMs === undefined ? [u.speaker, u.text, u.startMs] : [u.speaker, u.text, u.startMs, u.endMs]));
}
