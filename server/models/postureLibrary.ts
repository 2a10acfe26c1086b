// The posture models a server can run: the one `serve --posture-model` names (id "base", default
// models/posture) and every model folder under `<modelsDir>/posture/` (id "lib/<folder>"), read
// afresh at each call (libraryFolders.ts: what the verbal library shares). A posture model
// carries its own per-label thresholds; the list shows them with each label's F1 on the
// synthetic validation set (metrics.json `syntheticValidation`).
import fs from 'node:fs';
import path from 'node:path';
import type { PostureLibraryModel, PostureLibrary } from '../../protocol/postureModels';
import { METRICS_FILE, postureManifestProblem, readPostureManifest, WEIGHTS_FILE } from '../signals/posture/artifact';
import { dirOfLibraryId, extraShown, libraryDirOf, listFolders, readFolderManifest, readMetricsObject, shownFolder, type LibraryPlaces } from './libraryFolders';

/** A posture model of the library with its folder (the answer shows it relative to the project). */
export interface PostureLibraryEntry extends Omit<PostureLibraryModel, 'running' | 'duplicate'> {
  dir: string;
}

/** `<modelsDir>/posture`: where the library's posture models are. */
export const postureLibraryDir = (modelsDir: string): string => libraryDirOf(modelsDir, 'posture');

/** The folder an id names, or undefined for an id that is not of this form. */
export const dirOfPostureId = (id: string, places: LibraryPlaces): string | undefined => dirOfLibraryId(id, places, 'posture');

/** The posture models (base first, then the library's by folder name) and the library's folders that are none. */
export function listPostureLibrary(places: LibraryPlaces): { models: PostureLibraryEntry[]; skipped: PostureLibrary['skipped'] } {
  return listFolders(places, 'posture', readEntry);
}

/** Only the manifest and metrics are read: weights that do not match their checksum are found when the model is loaded (a switch to it is refused then). */
function readEntry(id: string, dir: string, modelsDir?: string): { entry: PostureLibraryEntry } | { reason: string } {
  const read = readFolderManifest(dir, 'posture', readPostureManifest, postureManifestProblem);
  if ('reason' in read) return read;
  const { manifest } = read;
  if (!fs.existsSync(path.join(dir, WEIGHTS_FILE))) return { reason: `${WEIGHTS_FILE} is missing` };
  return {
    entry: {
      id,
      dir,
      version: manifest.version,
      path: shownFolder(dir, modelsDir),
      createdAt: manifest.createdAt,
      validation: validationOf(readMetricsObject(path.join(dir, METRICS_FILE))),
      extra: extraShown(manifest.extra),
    },
  };
}

/** Per label, F1 and threshold from metrics.json's `syntheticValidation`; null when it has none (labels without both numbers are left out). */
export function validationOf(metrics: Record<string, unknown>): PostureLibraryModel['validation'] {
  const sv = metrics.syntheticValidation;
  if (!sv || typeof sv !== 'object' || Array.isArray(sv)) return null;
  const out: Record<string, { f1: number; threshold: number }> = {};
  for (const [label, v] of Object.entries(sv as Record<string, unknown>)) {
    const { f1, threshold } = (v ?? {}) as { f1?: unknown; threshold?: unknown };
    if (typeof f1 === 'number' && Number.isFinite(f1) && typeof threshold === 'number' && Number.isFinite(threshold)) out[label] = { f1, threshold };
  }
  return Object.keys(out).length ? out : null;
}
