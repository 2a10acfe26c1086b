// What a model folder holds, for the loaders' error messages and for `train --out`'s check,
// and the atomic write both trainers use. The two trained models (verbal, posture) share a
// manifest name and, for older verbal models, a weights name (weights.bin), so a folder's kind
// is read from its manifest's `format`, never from its file names.
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../paths';

export type ModelKind = 'verbal' | 'posture';

export const MODEL_MANIFEST = 'manifest.json';
const FORMAT_PREFIX: Record<ModelKind, string> = { verbal: 'buying-signals/verbal', posture: 'buying-signals/posture' };

/** The project's folder for each kind (what a plain `train verbal` / `train posture` writes). */
export function defaultModelDir(kind: ModelKind): string {
  return projectPath('models', kind);
}

export const isDefaultModelDir = (kind: ModelKind, dir: string): boolean => path.resolve(dir) === defaultModelDir(kind);

/** The command that rebuilds the model in `dir`: the npm script for the project's folder, `--out` for any other. */
export function rebuildCommand(kind: ModelKind, dir: string): string {
  if (!isDefaultModelDir(kind, dir)) return `npx buying-signals train ${kind} --out ${dir}`;
  return kind === 'verbal' ? '`npm run train:verbal` (or `npx buying-signals train verbal`)' : '`npx buying-signals train posture`';
}

/** The kind of model whose manifest is in `dir`, or undefined (no manifest, unreadable, or another format). */
export function manifestKind(dir: string): ModelKind | undefined {
  let format: unknown;
  try {
    format = (JSON.parse(fs.readFileSync(path.join(dir, MODEL_MANIFEST), 'utf8')) as { format?: unknown }).format;
  } catch {
    return undefined;
  }
  if (typeof format !== 'string') return undefined;
  return (Object.keys(FORMAT_PREFIX) as ModelKind[]).find((k) => format.startsWith(FORMAT_PREFIX[k]));
}

export type FolderState =
  | { state: 'missing'; fileAncestor?: string }
  | { state: 'file' }
  | { state: 'empty' }
  | { state: 'model'; kind: ModelKind; entries: string[] }
  | { state: 'other'; entries: string[] };

/** The path's stat, or undefined when nothing is there (also when a parent is a file: ENOTDIR). */
function statOrNone(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** What is at `dir`: nothing (and, if so, a file standing where a parent folder should be), a file, or a folder and what it holds. */
export function folderState(dir: string): FolderState {
  const stat = statOrNone(dir);
  if (!stat) {
    for (let up = path.dirname(path.resolve(dir)); ; up = path.dirname(up)) {
      const s = statOrNone(up);
      if (s) return s.isDirectory() ? { state: 'missing' } : { state: 'missing', fileAncestor: up };
      if (path.dirname(up) === up) return { state: 'missing' };
    }
  }
  if (!stat.isDirectory()) return { state: 'file' };
  const entries = fs.readdirSync(dir).sort();
  if (entries.length === 0) return { state: 'empty' };
  const kind = manifestKind(dir);
  return kind ? { state: 'model', kind, entries } : { state: 'other', entries };
}

/**
 * Why a model folder cannot be loaded when the cause is the folder itself (missing, a file, or
 * a model of the other kind), else undefined. The loaders check this before any file in it.
 */
export function folderProblem(kind: ModelKind, dir: string): { problem: string; otherKind?: ModelKind; advise: boolean } | undefined {
  const s = folderState(dir);
  if (s.state === 'missing') {
    // A typo, most likely, for a folder given by hand; else a model never built there.
    const make = isDefaultModelDir(kind, dir) ? '' : `, or make one there with ${rebuildCommand(kind, dir)}`;
    return { problem: `the folder ${dir} does not exist (check the path${make})`, advise: isDefaultModelDir(kind, dir) };
  }
  if (s.state === 'file') return { problem: `${dir} is a file, not a model folder (a ${kind} model is a folder, as \`train ${kind} --out DIR\` writes)`, advise: false };
  if (s.state === 'model' && s.kind !== kind) return { problem: `${dir} holds a ${s.kind} model, not a ${kind} model`, otherKind: s.kind, advise: false };
  return undefined;
}

/**
 * A model folder that cannot be loaded: "<kind> model at DIR cannot be loaded: <problem>.",
 * then the command that rebuilds it (`--out DIR` for any folder but the project's own) unless
 * `advise` is false; `otherKind` when it holds the other kind of model.
 */
export class ModelFolderError extends Error {
  readonly otherKind?: ModelKind;
  constructor(
    readonly kind: ModelKind,
    readonly modelDir: string,
    problem: string,
    opts: { otherKind?: ModelKind; advise?: boolean } = {},
  ) {
    const advice = opts.advise === false ? '' : ` Rebuild it with ${rebuildCommand(kind, modelDir)}.`;
    super(`${kind} model at ${modelDir} cannot be loaded: ${problem}.${advice}`);
    if (opts.otherKind) this.otherKind = opts.otherKind;
  }
}

/**
 * `err` with what to do instead when it is a model folder of the other kind (e.g. serve's
 * "give it to --posture-model"), as the command that loaded it knows; any other error as it is.
 */
export function adviseOtherKind(err: unknown, advice: Partial<Record<ModelKind, string>>): unknown {
  if (err instanceof ModelFolderError && err.otherKind && advice[err.otherKind]) {
    err.message = `${err.message.replace(/\.$/, '')}; ${advice[err.otherKind]}.`;
  }
  return err;
}

/** `load()`, its model folder error (if any) advised as adviseOtherKind does. */
export function withModelAdvice<T>(load: () => T, advice: Partial<Record<ModelKind, string>>): T {
  try {
    return load();
  } catch (e) {
    throw adviseOtherKind(e, advice);
  }
}

/**
 * Writes `files` as the folder `dir` so that a reader never sees a half-written model: they are
 * written into a temporary folder beside it, the other entries of an existing `dir` (a README,
 * say) copied in, except `drop`, and the folders swapped with two renames; on failure `dir`
 * is left as it was. `dir` and its parents are created when missing.
 */
export function writeFolderAtomically(dir: string, files: ReadonlyMap<string, string | Uint8Array>, drop: readonly string[] = []): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.writing-`));
  let old: string | undefined;
  try {
    for (const [name, data] of files) fs.writeFileSync(path.join(tmp, name), data);
    if (fs.existsSync(target)) {
      for (const entry of fs.readdirSync(target)) {
        if (files.has(entry) || drop.includes(entry)) continue;
        fs.cpSync(path.join(target, entry), path.join(tmp, entry), { recursive: true, preserveTimestamps: true });
      }
      fs.chmodSync(tmp, fs.statSync(target).mode & 0o7777);
      old = `${tmp.replace(/\.writing-([^/]*)$/, '.old-$1')}`;
      fs.renameSync(target, old);
    } else {
      fs.chmodSync(tmp, 0o777 & ~process.umask());
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    if (old !== undefined && !fs.existsSync(target)) fs.renameSync(old, target);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (old !== undefined) fs.rmSync(old, { recursive: true, force: true });
}
