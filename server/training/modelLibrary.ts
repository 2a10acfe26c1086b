// The server's model library (`serve --models-dir DIR`, default data/models): each trained
// model in `<modelsDir>/<kind>/<version>/` (verbal or posture). A training job writes into a
// hidden temp folder beside them (`.tmp-<jobid>-<pid>`) and renames it to its version only once
// the model is complete, so a reader listing the library never sees a half-written model.
import fs from 'node:fs';
import path from 'node:path';
import { libraryDirOf } from '../models/libraryFolders';
import type { ModelKind } from '../signals/modelFolder';

const MODEL_KINDS: readonly ModelKind[] = ['verbal', 'posture'];

/**
 * The temp folder a job writes its model into: `.tmp-<jobid>-<pid>`, the pid of the server
 * running it, so that another server starting on the same library (its start-up clean-up) tells
 * a live job's folder from one a stopped server left.
 */
export const jobTempDir = (modelsDir: string, jobId: string, kind: ModelKind = 'verbal'): string => path.join(libraryDirOf(modelsDir, kind), `.tmp-${jobId}-${process.pid}`);

/**
 * The temp folders of jobs this process runs (by name): a second server in this process on the
 * same library (tests) keeps them too.
 */
const activeTemps = new Set<string>();

/** Marks a job's temp folder as in use by this process (until `releaseJobTemp`). */
export const holdJobTemp = (jobId: string): void => void activeTemps.add(path.basename(jobTempDir('.', jobId)));
export const releaseJobTemp = (jobId: string): void => void activeTemps.delete(path.basename(jobTempDir('.', jobId)));

/**
 * A job's temp entries, by name: its temp folder and what the atomic write
 * (writeFolderAtomically) makes beside it (`..tmp-<jobid>-<pid>.writing-*`, `.old-*`), left
 * when the worker was stopped mid-write. Only a job id's shape is taken (`train-YYYYMMDD-`
 * and 8 hex digits): another hidden folder whose name merely starts with `.tmp-` is not a job's.
 * `pid` is absent in a folder left by a server from before pids were in the names.
 */
const TEMP_NAME = /^\.{1,2}tmp-(train-\d{8}-[0-9a-f]{8})(?:-(\d+))?(?:$|\.(?:writing|old)-)/;

/** Whether process `pid` is alive (EPERM: it is, another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A temp entry left by a job no server runs: its server's process is gone, or this process holds no such job. */
function isStale(name: string): boolean {
  const m = TEMP_NAME.exec(name);
  if (!m) return false;
  const pid = m[2] === undefined ? undefined : Number(m[2]);
  if (pid === undefined) return true;
  if (pid === process.pid) return !activeTemps.has(`.tmp-${m[1]}-${pid}`);
  return !alive(pid);
}

const isTempOf = (name: string, jobId: string): boolean => {
  const own = path.basename(jobTempDir('.', jobId));
  return name === own || name.startsWith(`.${own}.`);
};

function removeTemps(modelsDir: string, kind: ModelKind, which: (name: string) => boolean): string[] {
  const dir = libraryDirOf(modelsDir, kind);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    // A file where the library (or its verbal or posture folder) should be: said at start-up, not as a failed job later.
    if (code === 'ENOTDIR') throw new Error(`the model library ${path.resolve(modelsDir)} (--models-dir) must be a folder: ${dir} is not one`);
    throw e;
  }
  const gone = names.filter(which);
  // A symlink is removed, not what it points at (rmSync does not follow it).
  for (const n of gone) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
  return gone;
}

/** Removes one job's temp folder (a failed or cancelled job's). */
export const removeJobTemp = (modelsDir: string, jobId: string, kind: ModelKind = 'verbal'): void => void removeTemps(modelsDir, kind, (n) => isTempOf(n, jobId));

/**
 * At start-up: removes the temp folders of jobs a stopped server left (not those of a job another
 * running server, or this process, runs on the same library), of one kind's folder or (no kind)
 * of every kind's. Returns their names (`posture/<name>` for the posture folder's).
 */
export const removeStaleTemps = (modelsDir: string, kind?: ModelKind): string[] =>
  (kind !== undefined ? [kind] : MODEL_KINDS).flatMap((k) => removeTemps(modelsDir, k, isStale).map((n) => (k === 'verbal' ? n : `${k}/${n}`)));

/** Whether `dir` holds the model `version` (its manifest.json names it). */
function holdsVersion(dir: string, version: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { version?: unknown }).version === version;
  } catch {
    return false;
  }
}

/**
 * Moves a finished job's model from its temp folder to `<version>`. When the library holds that
 * version already (the same weights trained the same day: the version is their hash and date),
 * the existing folder is kept and the temp one removed: `existed` says so. A folder of that name
 * that is not that model (no manifest naming it: a copy broken off, something else) is not taken
 * for it: it is moved aside to `<version>.replaced-<jobid>` (`aside`), never deleted, and the new
 * model takes its place.
 */
export function publishModel(modelsDir: string, jobId: string, version: string, kind: ModelKind = 'verbal'): { dir: string; existed: boolean; aside?: string } {
  const dir = path.join(libraryDirOf(modelsDir, kind), version);
  const tmp = jobTempDir(modelsDir, jobId, kind);
  let aside: string | undefined;
  if (fs.existsSync(dir)) {
    if (holdsVersion(dir, version)) {
      removeJobTemp(modelsDir, jobId, kind);
      return { dir, existed: true };
    }
    aside = `${dir}.replaced-${jobId}`;
    fs.renameSync(dir, aside);
  }
  fs.renameSync(tmp, dir);
  return { dir, existed: false, ...(aside !== undefined ? { aside } : {}) };
}
