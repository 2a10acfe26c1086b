// Which labelled turns a verbal model was trained on, read from its folder: a server job's
// trained-rows.json (the keys of the turns it trained on, holdOut.ts), else the `train verbal
// --extra` files its manifest records, when they are still where they were and unchanged.
// GET /api/quality counts from it, GET /api/quality/compare leaves those turns out.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../paths';
import type { TrainedOnReason } from '../../protocol/quality';
import type { ExtraRecord } from '../signals/extraRecord';
import { parseLabeledJsonl } from '../signals/verbal/corpus';
import { readVerbalManifest } from '../signals/verbal/artifact';
import { parseTrainedRows, rowKey, TRAINED_ROWS_FILE, TRAINED_ROWS_MAX_BYTES } from '../training/holdOut';

/** The most an `--extra` file is read to tell its turns (a coaches' export of ~100k turns is ~50 MiB). */
export const EXTRA_FILE_READ_MAX_BYTES = 64 * 1024 * 1024;

export type TrainedSet =
  /** No coaches' rows in its training (the corpus only). */
  | { kind: 'none' }
  /** Every turn in scope: a file it was trained on is byte for byte their export (a job's from before trained-rows.json, or a download). */
  | { kind: 'all'; heldOutPercent: number | null }
  /** The keys (rowKey) of the labelled turns it was trained on. */
  | { kind: 'keys'; keys: ReadonlySet<string>; heldOutPercent: number | null }
  /** Trained on extra rows that cannot be told now (a file moved, changed or too big; no trained-rows.json), and why when known. */
  | { kind: 'unknown'; heldOutPercent: number | null; reason?: TrainedOnReason };

/** A file read bounded: its bytes, or why not (trained-on's problems, protocol/quality.ts). */
export type BoundedRead = { ok: true; bytes: Buffer } | { ok: false; problem: 'missing' | 'too_large' | 'unreadable' };

/** A regular file of at most `max` bytes, else why not: missing, too_large, unreadable (a pipe, a folder, no permission). */
export function readBoundedResult(file: string, max: number): BoundedRead {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    return { ok: false, problem: (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'unreadable' };
  }
  if (!st.isFile()) return { ok: false, problem: 'unreadable' };
  if (st.size > max) return { ok: false, problem: 'too_large' };
  try {
    return { ok: true, bytes: fs.readFileSync(file) };
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
}

/** A regular file of at most `max` bytes, else undefined (absent, a pipe, too big, unreadable). */
export function readBounded(file: string, max: number): Buffer | undefined {
  const r = readBoundedResult(file, max);
  return r.ok ? r.bytes : undefined;
}

/**
 * A job's list read: its value; absent (no folder or no such file: the model is matched by its
 * extra files instead); or why it cannot be used (the reason GET /api/quality gives).
 */
export type JobListRead<T> = { ok: true; value: T } | { ok: false; reason: TrainedOnReason | null };

/**
 * A list a job wrote beside its model (trained-rows.json, trained-frames.json) in `dir`, read
 * as `parse` reads it, bounded by `maxBytes` (the bound its job writes under, so a stray huge
 * file never holds the event loop): its value, or none with why (null: there is none).
 */
export function readJobListResult<T>(dir: string | undefined, file: string, maxBytes: number, parse: (text: string) => T): JobListRead<T> {
  if (dir === undefined) return { ok: false, reason: null };
  const read = readBoundedResult(path.join(dir, file), maxBytes);
  if (!read.ok) return { ok: false, reason: read.problem === 'missing' ? null : { file, problem: read.problem, maxBytes: read.problem === 'too_large' ? maxBytes : null } };
  try {
    return { ok: true, value: parse(read.bytes.toString('utf8')) };
  } catch {
    return { ok: false, reason: { file, problem: 'malformed', maxBytes: null } };
  }
}

/** readJobListResult's value, or undefined when there is none or it cannot be read. */
export function readJobList<T>(dir: string | undefined, file: string, maxBytes: number, parse: (text: string) => T): T | undefined {
  const r = readJobListResult(dir, file, maxBytes, parse);
  return r.ok ? r.value : undefined;
}

/** A job's trained-rows.json in `dir` (bounded): its keys, or why not (reason null: there is none). */
export const readTrainedRowsResult = (dir: string | undefined): JobListRead<ReadonlySet<string>> => readJobListResult(dir, TRAINED_ROWS_FILE, TRAINED_ROWS_MAX_BYTES, parseTrainedRows);

/** A job's trained-rows.json in `dir` (bounded), or undefined when there is none or it cannot be read. */
export const readTrainedRows = (dir: string | undefined): ReadonlySet<string> | undefined => readJobList(dir, TRAINED_ROWS_FILE, TRAINED_ROWS_MAX_BYTES, parseTrainedRows);

/** A row's key as the kind's `--extra` files are read: `keysOf` reads a file's text (named `file`) into its rows' keys. */
export type ExtraFileKeys = (text: string, file: string) => Iterable<string>;

/** A verbal `--extra` file's rows, each known by its words (rowKey). */
const verbalKeys: ExtraFileKeys = (text, file) => parseLabeledJsonl(text, file).map((r) => rowKey(r.text));

/** The keys of an `--extra` file's rows, when it is still there with the sha256 recorded; else why not. */
function keysOfExtraFile(f: ExtraRecord['files'][number], keysOf: ExtraFileKeys): { keys: Set<string> } | { reason: TrainedOnReason } {
  const why = (problem: TrainedOnReason['problem']) => ({ reason: { file: f.path, problem, maxBytes: problem === 'too_large' ? EXTRA_FILE_READ_MAX_BYTES : null } });
  const read = readBoundedResult(path.isAbsolute(f.path) ? f.path : projectPath(f.path), EXTRA_FILE_READ_MAX_BYTES);
  if (!read.ok) return why(read.problem);
  if (createHash('sha256').update(read.bytes).digest('hex') !== f.sha256) return why('changed');
  try {
    return { keys: new Set(keysOf(read.bytes.toString('utf8'), f.path)) };
  } catch {
    return why('malformed');
  }
}

/**
 * What the model in `dir` was trained on, its manifest read (unknown when it cannot be).
 * `exportSha256`: the sha256 of the rows in scope's export, which an extra file may be.
 */
export function trainedSetOfFolder(dir: string, exportSha256?: string): TrainedSet {
  let extra: ExtraRecord | undefined;
  try {
    extra = readVerbalManifest(dir).extra;
  } catch {
    return { kind: 'unknown', heldOutPercent: null, reason: { file: 'manifest.json', problem: 'unreadable', maxBytes: null } };
  }
  return trainedSetOf(dir, extra, exportSha256);
}

/** What the model in `dir` was trained on of the coaches' turns, `extra` its manifest's record. */
export function trainedSetOf(dir: string, extra: ExtraRecord | undefined, exportSha256?: string): TrainedSet {
  return trainedSetFrom(extra, exportSha256, () => readTrainedRowsResult(dir), verbalKeys);
}

/**
 * What a model was trained on of the coaches' rows (either kind): none without extra files, the
 * keys its job's list holds (`listed`, read only when it has extra files), every row when a file
 * is their export byte for byte, else the keys of its files (`keysOf`) when each is still as
 * recorded, or unknown with why (the job's list that could not be read, else the first file).
 */
export function trainedSetFrom(
  extra: ExtraRecord | undefined, exportSha256: string | undefined, listed: () => JobListRead<ReadonlySet<string>>, keysOf: ExtraFileKeys,
): TrainedSet {
  if (!extra || extra.files.length === 0) return { kind: 'none' };
  const heldOutPercent = extra.holdOutPercent ?? null;
  const list = listed();
  if (list.ok) return { kind: 'keys', keys: list.value, heldOutPercent };
  if (exportSha256 !== undefined && extra.files.some((f) => f.sha256 === exportSha256)) return { kind: 'all', heldOutPercent };
  const keys = new Set<string>();
  for (const f of extra.files) {
    const of = keysOfExtraFile(f, keysOf);
    if ('reason' in of) return { kind: 'unknown', heldOutPercent, reason: list.reason ?? of.reason };
    for (const k of of.keys) keys.add(k);
  }
  return { kind: 'keys', keys, heldOutPercent };
}
