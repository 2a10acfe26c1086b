// The verbal models a server can run: the one `serve --model` names (id "base", default
// models/verbal) and every model folder under `<modelsDir>/verbal/` (id "lib/<folder>"), read
// afresh at each call (libraryFolders.ts: what the posture library shares).
import fs from 'node:fs';
import path from 'node:path';
import type { LibraryModel, VerbalLibrary } from '../../protocol/models';
import { LEGACY_WEIGHTS_FILE, manifestProblem, METRICS_FILE, readVerbalManifest, WEIGHTS_FILE } from '../signals/verbal/artifact';
import { dirOfLibraryId, extraShown, libraryDirOf, listFolders, readFolderManifest, readMetricsObject, shownFolder, type LibraryPlaces } from './libraryFolders';

export { BASE_ID, idsOfVersion, LIBRARY_FILE_MAX_BYTES, shownInLibrary, type LibraryPlaces } from './libraryFolders';

/** A model of the library with its folder (the answer shows it relative to the project). */
export interface LibraryEntry extends Omit<LibraryModel, 'running' | 'duplicate'> {
  dir: string;
}

/** `<modelsDir>/verbal`: where the library's verbal models are (listed here, written by server/training). */
export const verbalLibraryDir = (modelsDir: string): string => libraryDirOf(modelsDir, 'verbal');

/** The folder an id names, or undefined for an id that is not of this form ("lib/a/b", "lib/..", …). */
export const dirOfId = (id: string, places: LibraryPlaces): string | undefined => dirOfLibraryId(id, places, 'verbal');

/** The models (base first, then the library's by folder name) and the library's folders that are none. */
export function listLibrary(places: LibraryPlaces): { models: LibraryEntry[]; skipped: VerbalLibrary['skipped'] } {
  return listFolders(places, 'verbal', readEntry);
}

/**
 * A model folder as the list shows it, or why it is none. Only the manifest and metrics are
 * read (the weights' checksum is checked when the model is loaded: a switch to a folder whose
 * weights are damaged is refused then).
 */
function readEntry(id: string, dir: string, modelsDir?: string): { entry: LibraryEntry } | { reason: string } {
  const read = readFolderManifest(dir, 'verbal', readVerbalManifest, manifestProblem);
  if ('reason' in read) return read;
  const { manifest } = read;
  if (!fs.existsSync(path.join(dir, WEIGHTS_FILE)) && !fs.existsSync(path.join(dir, LEGACY_WEIGHTS_FILE))) return { reason: `${WEIGHTS_FILE} is missing` };
  const m = readMetricsObject(path.join(dir, METRICS_FILE));
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    entry: {
      id,
      dir,
      version: manifest.version,
      path: shownFolder(dir, modelsDir),
      createdAt: manifest.createdAt,
      trainRows: num(m.trainRows),
      validationRows: num(m.validationRows),
      macroF1: num(m.macroF1),
      accuracy: num(m.accuracy),
      extra: extraShown(manifest.extra),
    },
  };
}
