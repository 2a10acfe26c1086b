// An uploaded archive's bytes to what the store writes: decoded as a transcript's bytes, parsed,
// checked whole (parseArchive) and its frames' landmarks made JSON text again (StoredFrame).
// For a 34 MiB archive that is ~1.7 s of work, so `POST /api/archives` does it on a worker
// thread (checkArchiveAside), leaving the server's own thread to live meetings; only the
// insert runs there, a slice at a time (SessionService.importArchive). Refusals are the same
// AppErrors either way.
import type { Worker } from 'node:worker_threads';
import { AppError } from '../errors/errors';
import { uploadError } from './uploadError';
import { runWorkerOnce, startModuleWorker } from '../runtime/worker';
import { parseArchive, storedParts, type Archive, type StoredArchiveParts } from './archive';
import { decodeTranscript } from './decode';
import { parseJsonText } from './json';

/** A checked archive, its frames as stored. */
export type CheckedArchive = Omit<Archive, 'frames'> & StoredArchiveParts;

/** What the worker posts back: the archive, or the refusal as an AppError's parts. */
export type ArchiveCheckAnswer =
  | { ok: true; archive: CheckedArchive }
  | { ok: false; error: { code: string; message: string; status: number; details: AppError['details'] } }
  | { ok: false; crash: string };

/**
 * The bytes of an upload as a checked archive. Throws the refusal as an AppError: the bytes as
 * a transcript's (empty, binary, undecodable), JSON that does not parse (naming its line), or
 * parseArchive's ValidationError naming the field.
 */
export function checkArchiveBytes(bytes: Buffer): CheckedArchive {
  let value: unknown;
  try {
    value = parseJsonText(decodeTranscript(bytes).text);
  } catch (err) {
    throw uploadError(err);
  }
  const a = parseArchive(value);
  return { ...a, ...storedParts(a) };
}

/** checkArchiveBytes's answer as a message (what the worker posts). */
export function checkAnswer(bytes: Buffer): ArchiveCheckAnswer {
  try {
    return { ok: true, archive: checkArchiveBytes(bytes) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message, status: err.status, details: err.details } };
    return { ok: false, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

/**
 * Smaller uploads are checked on the server's thread: starting a worker costs more than their
 * check (~50 ms a MiB), and the fuzz tests and small restores would wait on it.
 */
export const ASIDE_FROM_BYTES = 1024 * 1024;

/** The check under way (or done): the next one starts after it. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * checkArchiveBytes on a worker thread of its own (started for this upload, ended after it):
 * the same archive, or the same refusal, without holding the server's thread while it parses.
 * Below `asideFrom` bytes it is checked here, at once. One check at a time on the worker: each
 * holds several times its file's size in memory (the text, the parsed
 * value, zod's checked copy), so five 64 MiB uploads at once would need gigabytes; the others
 * wait their turn, as they did for the server's one thread before.
 */
export function checkArchiveAside(bytes: Buffer, asideFrom = ASIDE_FROM_BYTES): Promise<CheckedArchive> {
  if (bytes.length < asideFrom) return Promise.resolve().then(() => checkArchiveBytes(bytes));
  const mine = queue.then(() => checkInWorker(bytes));
  queue = mine.catch(() => undefined);
  return mine;
}

function checkInWorker(bytes: Buffer): Promise<CheckedArchive> {
  let worker: Worker;
  try {
    worker = startModuleWorker(__dirname, 'archiveWorker', { bytes });
  } catch {
    return Promise.resolve().then(() => checkArchiveBytes(bytes)); // no worker threads here: on this thread
  }
  return runWorkerOnce<CheckedArchive>(worker, {
    answer: (raw) => {
      const answer = raw as ArchiveCheckAnswer;
      if (answer.ok) return { value: answer.archive };
      if ('error' in answer) return { error: new AppError(answer.error.code, answer.error.message, answer.error.status, answer.error.details) };
      return { error: new Error(`checking the archive failed: ${answer.crash}`) };
    },
    exited: (code) => new Error(`checking the archive: its worker exited with code ${code} before answering`),
  });
}
