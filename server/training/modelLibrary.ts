// The server's model library (`serve --models-dir DIR`, default data/models): each trained
// verbal model in `<modelsDir>/verbal/<version>/`. A training job writes into a hidden temp
// folder beside them (`.tmp-<jobid>`) and renames it to its version only once the model is
// complete, so a reader listing the library never sees a half-written model.
import fs from 'node:fs';
import path from 'node:path';

/** `<modelsDir>/verbal`: where the verbal models of the library are. */
export const verbalLibraryDir = (modelsDir: string): string => path.join(path.resolve(modelsDir), 'verbal');

/** The temp folder a job writes its model into. */
export const jobTempDir = (modelsDir: string, jobId: string): string => path.join(verbalLibraryDir(modelsDir), `.tmp-${jobId}`);

/**
 * A job's temp entries: its temp folder and what the atomic write (writeFolderAtomically) makes
 * beside it (`..tmp-<jobid>.writing-*`, `.old-*`), left when the worker was stopped mid-write.
 */
const isTempOf = (name: string, jobId?: string): boolean =>
  jobId === undefined ? /^\.{1,2}tmp-/.test(name) : name === `.tmp-${jobId}` || name.startsWith(`..tmp-${jobId}.`);

function removeTemps(modelsDir: string, jobId?: string): string[] {
  const dir = verbalLibraryDir(modelsDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    // A file where the library (or its verbal folder) should be: said at start-up, not as a failed job later.
    if (code === 'ENOTDIR') throw new Error(`the model library ${path.resolve(modelsDir)} (--models-dir) must be a folder: ${dir} is not one`);
    throw e;
  }
  const gone = names.filter((n) => isTempOf(n, jobId));
  for (const n of gone) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
  return gone;
}

/** Removes one job's temp folder (a failed or cancelled job's). */
export const removeJobTemp = (modelsDir: string, jobId: string): void => void removeTemps(modelsDir, jobId);

/** At start-up: removes the temp folders of jobs a stopped server left (no job runs yet). Returns their names. */
export const removeStaleTemps = (modelsDir: string): string[] => removeTemps(modelsDir);

/**
 * Moves a finished job's model from its temp folder to `<version>`. When the library holds that
 * version already (the same weights trained the same day: the version is their hash and date),
 * the existing folder is kept and the temp one removed: `existed` says so.
 */
export function publishModel(modelsDir: string, jobId: string, version: string): { dir: string; existed: boolean } {
  const dir = path.join(verbalLibraryDir(modelsDir), version);
  const tmp = jobTempDir(modelsDir, jobId);
  if (fs.existsSync(dir)) {
    removeJobTemp(modelsDir, jobId);
    return { dir, existed: true };
  }
  fs.renameSync(tmp, dir);
  return { dir, existed: false };
}
