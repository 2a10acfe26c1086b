// A TranscriptError as the HTTP answer an upload gets (413 for a size, else 400), naming its
// field, line and limit. Its own module so a worker thread (archiveCheck.ts) can use it
// without loading the routes.
import { AppError } from '../errors/errors';
import { TranscriptError } from './types';

/** A TranscriptError as the 4xx an upload answers (its code, line, field, limit); any other error as it is. */
export function uploadError(err: unknown): unknown {
  if (!(err instanceof TranscriptError)) return err;
  const status = err.code === 'too_large' || err.code === 'too_many_utterances' ? 413 : 400;
  return new AppError(err.code, err.message, status, {
    ...(err.field !== undefined ? { field: err.field } : {}),
    ...(err.line !== undefined ? { line: err.line } : {}),
    ...(err.limit !== undefined ? { limit: err.limit } : {}),
    ...(err.actual !== undefined ? { actual: err.actual } : {}),
  });
}
