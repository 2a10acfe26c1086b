// The verbal models a server can run: the one `serve --model` names (id "base", default
// models/verbal) and every model folder under `<modelsDir>/verbal/` (id "lib/<folder>"), read
// afresh at each call: a training job renames a finished model into the library at any time.
// Models are keyed by folder, not version: a version (date + hash of the weights) is the same
// for a copied folder, while a folder name is unique in its library; a version held by one
// folder only still names it.
import fs from 'node:fs';
import path from 'node:path';
import type { LibraryModel, VerbalLibrary } from '../../protocol/models';
import { shownPath } from '../paths';
import { LEGACY_WEIGHTS_FILE, MANIFEST_FILE, manifestProblem, METRICS_FILE, readVerbalManifest, WEIGHTS_FILE } from '../signals/verbal/artifact';

export const BASE_ID = 'base';
const LIB_PREFIX = 'lib/';

export interface LibraryPlaces {
  /** The `serve --model` folder. */
  baseDir: string;
  /** `<modelsDir>`: the library is its `verbal/` folder. */
  modelsDir: string;
}

/** A model of the library with its folder (the answer shows it relative to the project). */
export interface LibraryEntry extends Omit<LibraryModel, 'running' | 'duplicate'> {
  dir: string;
}

/** `<modelsDir>/verbal`: where the library's verbal models are (listed here, written by server/training). */
export const verbalLibraryDir = (modelsDir: string): string => path.join(path.resolve(modelsDir), 'verbal');

/** The folder an id names, or undefined for an id that is not of this form ("lib/a/b", "lib/..", …). */
export function dirOfId(id: string, places: LibraryPlaces): string | undefined {
  if (id === BASE_ID) return places.baseDir;
  if (!id.startsWith(LIB_PREFIX)) return undefined;
  const name = id.slice(LIB_PREFIX.length);
  if (!name || name.startsWith('.') || name.includes('/') || name.includes('\\') || name.includes('\0')) return undefined;
  return path.join(verbalLibraryDir(places.modelsDir), name);
}

/** The models (base first, then the library's by folder name) and the library's folders that are none. */
export function listLibrary(places: LibraryPlaces): { models: LibraryEntry[]; skipped: VerbalLibrary['skipped'] } {
  const models: LibraryEntry[] = [];
  const skipped: VerbalLibrary['skipped'] = [];
  const base = readEntry(BASE_ID, places.baseDir);
  if ('entry' in base) models.push(base.entry);
  else skipped.push({ path: shownPath(places.baseDir), reason: base.reason });
  const lib = verbalLibraryDir(places.modelsDir);
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
export function idsOfVersion(models: readonly LibraryEntry[], version: string): string[] {
  return models.filter((m) => m.version === version).map((m) => m.id);
}

/**
 * A model folder as the list shows it, or why it is none. Only the manifest and metrics are
 * read (the weights' checksum is checked when the model is loaded: a switch to a folder whose
 * weights are damaged is refused then).
 */
function readEntry(id: string, dir: string, modelsDir?: string): { entry: LibraryEntry } | { reason: string } {
  if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) return { reason: `${MANIFEST_FILE} is missing (an empty or half-written folder)` };
  const unfit = unfitFile(path.join(dir, MANIFEST_FILE), 'a manifest');
  if (unfit) return { reason: unfit };
  let manifest;
  try {
    manifest = readVerbalManifest(dir);
  } catch (e) {
    return { reason: reasonOf(e, dir) };
  }
  const problem = manifestProblem(manifest);
  if (problem) return { reason: problem };
  if (!fs.existsSync(path.join(dir, WEIGHTS_FILE)) && !fs.existsSync(path.join(dir, LEGACY_WEIGHTS_FILE))) return { reason: `${WEIGHTS_FILE} is missing` };
  const metrics = readMetrics(dir);
  const extra = manifest.extra
    ? { weight: manifest.extra.weight, rows: manifest.extra.files.reduce((n, f) => n + f.rows, 0), files: manifest.extra.files.map((f) => f.path) }
    : null;
  return {
    entry: {
      id,
      dir,
      version: manifest.version,
      path: modelsDir === undefined ? shownPath(dir) : shownInLibrary(dir, modelsDir),
      createdAt: manifest.createdAt,
      trainRows: metrics.trainRows,
      validationRows: metrics.validationRows,
      macroF1: metrics.macroF1,
      accuracy: metrics.accuracy,
      extra,
    },
  };
}

function readMetrics(dir: string): { trainRows: number | null; validationRows: number | null; macroF1: number | null; accuracy: number | null } {
  let m: Record<string, unknown> = {};
  try {
    // Figures of a huge or odd metrics.json are not shown (the model still runs).
    if (unfitFile(path.join(dir, METRICS_FILE), 'metrics')) throw new Error('not read');
    const raw = JSON.parse(fs.readFileSync(path.join(dir, METRICS_FILE), 'utf8')) as unknown;
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) m = raw as Record<string, unknown>;
  } catch {
    // No metrics.json (or an unreadable one): the model runs; its figures are not shown.
  }
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { trainRows: num(m.trainRows), validationRows: num(m.validationRows), macroF1: num(m.macroF1), accuracy: num(m.accuracy) };
}

/**
 * The most a library folder's manifest.json or metrics.json may be (ours are ~2 KB). Every
 * listing (GET /api/models/verbal, each PUT) reads them on the server's one thread: a 64 MiB
 * metrics.json held it ~2 s per listing, a 1 GB one ~1 GB of memory too.
 */
export const LIBRARY_FILE_MAX_BYTES = 1024 * 1024;

/**
 * Why `file` is not read by a listing: not a regular file (a named pipe would block the read
 * for good), or larger than LIBRARY_FILE_MAX_BYTES; undefined when it may be read (or is absent:
 * the reader says so).
 */
function unfitFile(file: string, what: string): string | undefined {
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
function reasonOf(e: unknown, dir: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(`verbal model at ${dir} cannot be loaded: `, '').replace(/ Rebuild it with .*$/, '');
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
