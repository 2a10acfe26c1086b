// What the verbal and posture model libraries share (verbalLibrary.ts, postureLibrary.ts): the
// `serve` flag's folder (id "base") and every model folder under `<modelsDir>/<kind>/` (id
// "lib/<folder>"), read afresh at each call (a training job renames a finished model into the
// library at any time), the folders that are no model with the reason, and the guards every
// listing needs on the server's one thread. Models are keyed by folder, not version: a version
// is the same for a copied folder, while a folder name is unique in its library.
import fs from 'node:fs';
import path from 'node:path';
import type { ExtraRecord } from '../signals/extraRecord';
import { MODEL_MANIFEST, type ModelKind } from '../signals/modelFolder';
import { shownPath } from '../paths';
import { AmbiguousModelError, ModelNotInLibraryError } from '../errors/errors';

export const BASE_ID = 'base';
const LIB_PREFIX = 'lib/';

export interface LibraryPlaces {
  /** The `serve` flag's folder (`--model`, `--posture-model`). */
  baseDir: string;
  /** `<modelsDir>`: the library is its `<kind>/` folder. */
  modelsDir: string;
}

export type Skipped = { path: string; reason: string }[];

/** How a kind reads one folder: the entry the list shows, or why it is none. `modelsDir`: given for a library folder, absent for base. */
export type ReadEntry<E> = (id: string, dir: string, modelsDir?: string) => { entry: E } | { reason: string };

/** `<modelsDir>/<kind>`: where the library's models of that kind are. */
export const libraryDirOf = (modelsDir: string, kind: ModelKind): string => path.join(path.resolve(modelsDir), kind);

/** The folder an id names, or undefined for an id that is not of this form ("lib/a/b", "lib/..", …). */
export function dirOfLibraryId(id: string, places: LibraryPlaces, kind: ModelKind): string | undefined {
  if (id === BASE_ID) return places.baseDir;
  if (!id.startsWith(LIB_PREFIX)) return undefined;
  const name = id.slice(LIB_PREFIX.length);
  if (!name || name.startsWith('.') || name.includes('/') || name.includes('\\') || name.includes('\0')) return undefined;
  return path.join(libraryDirOf(places.modelsDir, kind), name);
}

/** The models (base first, then the library's by folder name) and the library's folders that are none. */
export function listFolders<E>(places: LibraryPlaces, kind: ModelKind, readEntry: ReadEntry<E>): { models: E[]; skipped: Skipped } {
  const models: E[] = [];
  const skipped: Skipped = [];
  const base = readEntry(BASE_ID, places.baseDir);
  if ('entry' in base) models.push(base.entry);
  else skipped.push({ path: shownPath(places.baseDir), reason: base.reason });
  const lib = libraryDirOf(places.modelsDir, kind);
  let names: fs.Dirent[] = [];
  try {
    names = fs.readdirSync(lib, { withFileTypes: true });
  } catch (e) {
    // No library yet: no training job has written one. Anything else is said.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') skipped.push({ path: shownPath(lib), reason: `the library folder cannot be read (${(e as Error).message})` });
  }
  const baseReal = realOrSelf(places.baseDir);
  for (const d of names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const dir = path.join(lib, d.name);
    if (d.name.startsWith('.')) {
      if (d.isDirectory()) skipped.push({ path: shownPath(dir), reason: 'a folder being written (a training job’s, or one it left): its name starts with "."' });
      continue;
    }
    if (!d.isDirectory() && !(d.isSymbolicLink() && isDir(dir))) {
      skipped.push({ path: shownPath(dir), reason: 'not a folder' });
      continue;
    }
    // The base folder inside the library (serve --model data/models/verbal/x) is listed once, as base.
    if (realOrSelf(dir) === baseReal) continue;
    const r = readEntry(`${LIB_PREFIX}${d.name}`, dir, places.modelsDir);
    if ('entry' in r) models.push(r.entry);
    else skipped.push({ path: shownPath(dir), reason: r.reason });
  }
  return { models, skipped };
}

/** The ids of the models holding `version` (several: ambiguous by version). */
export function idsOfVersion(models: readonly { id: string; version: string }[], version: string): string[] {
  return models.filter((m) => m.version === version).map((m) => m.id);
}

/** The model `ref` names: its id, else its version when one folder holds it (404, 409 ambiguous). */
export function resolveRef<E extends { id: string; version: string }>(models: readonly E[], ref: string, kind: ModelKind): E {
  const byId = models.find((m) => m.id === ref);
  if (byId) return byId;
  const ids = idsOfVersion(models, ref);
  if (ids.length > 1) throw new AmbiguousModelError(ref, ids);
  const byVersion = models.find((m) => m.version === ref);
  if (!byVersion) throw new ModelNotInLibraryError(ref, kind);
  return byVersion;
}

/**
 * A folder's manifest, read and checked by the kind's reader, or why the folder is no model this
 * code can run: no manifest (an empty or half-written folder), one too large or no file, not the
 * kind's (`read` throws the loader's error), or one this code cannot run (`problemOf`).
 */
export function readFolderManifest<M>(dir: string, kind: ModelKind, read: (dir: string) => M, problemOf: (m: M) => string | undefined): { manifest: M } | { reason: string } {
  const file = path.join(dir, MODEL_MANIFEST);
  if (!fs.existsSync(file)) return { reason: `${MODEL_MANIFEST} is missing (an empty or half-written folder)` };
  const unfit = unfitFile(file, 'a manifest');
  if (unfit) return { reason: unfit };
  let manifest: M;
  try {
    manifest = read(dir);
  } catch (e) {
    return { reason: reasonOf(e, dir, kind) };
  }
  const problem = problemOf(manifest);
  return problem ? { reason: problem } : { manifest };
}

/** The library's models as the answer shows them: `running` (its folder and the version loaded from it: a folder since replaced holds another) and `duplicate`. */
export function withRunning<E extends { id: string; version: string; dir: string }>(models: readonly E[], run: { id: string; classifier: { version: string } }): (Omit<E, 'dir'> & { running: boolean; duplicate: boolean })[] {
  return models.map(({ dir: _dir, ...m }) => ({ ...m, running: m.id === run.id && m.version === run.classifier.version, duplicate: idsOfVersion(models, m.version).length > 1 }));
}

/** The manifest's extra training rows as the list shows them, or null (none). */
export function extraShown(extra: ExtraRecord | undefined): { rows: number; weight: number; files: string[] } | null {
  return extra ? { weight: extra.weight, rows: extra.files.reduce((n, f) => n + f.rows, 0), files: extra.files.map((f) => f.path) } : null;
}

/** The model's metrics.json as an object, or {} (none, unreadable, too large: the model runs; its figures are not shown). */
export function readMetricsObject(file: string): Record<string, unknown> {
  try {
    if (unfitFile(file, 'metrics')) return {};
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  } catch {
    // No metrics.json (or an unreadable one).
  }
  return {};
}

/**
 * The most a library folder's manifest.json or metrics.json may be (ours are ~2-5 KB). Every
 * listing (GET /api/models/<kind>, each PUT) reads them on the server's one thread: a 64 MiB
 * metrics.json held it ~2 s per listing, a 1 GB one ~1 GB of memory too.
 */
export const LIBRARY_FILE_MAX_BYTES = 1024 * 1024;

/**
 * Why `file` is not read by a listing: not a regular file (a named pipe would block the read
 * for good), or larger than LIBRARY_FILE_MAX_BYTES; undefined when it may be read (or is absent:
 * the reader says so).
 */
export function unfitFile(file: string, what: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return undefined;
  }
  const name = path.basename(file);
  if (!st.isFile()) return `${name} is not a file`;
  if (st.size > LIBRARY_FILE_MAX_BYTES) return `${name} is ${mib(st.size)} MiB, more than the ${mib(LIBRARY_FILE_MAX_BYTES)} MiB ${what} may be`;
  return undefined;
}

const mib = (bytes: number): string => String(Math.round((bytes / 1024 / 1024) * 10) / 10);

/** The loader's message without the folder (the list names it) and the rebuild advice. */
export function reasonOf(e: unknown, dir: string, kind: ModelKind): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(`${kind} model at ${dir} cannot be loaded: `, '').replace(/ Rebuild it with .*$/, '');
}

/**
 * A library folder as the list shows it: relative to the project when inside it
 * (data/models/verbal/x), else relative to the models dir (verbal/x; the answer's libraryDir
 * says where that is), never a long absolute path per model.
 */
export function shownInLibrary(dir: string, modelsDir: string): string {
  const inProject = shownPath(dir);
  return path.isAbsolute(inProject) ? path.relative(path.resolve(modelsDir), path.resolve(dir)) : inProject;
}

/** How a folder is shown: base relative to the project, a library one by shownInLibrary. */
export const shownFolder = (dir: string, modelsDir: string | undefined): string => (modelsDir === undefined ? shownPath(dir) : shownInLibrary(dir, modelsDir));

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
