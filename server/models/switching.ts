// What the verbal and posture settings share (verbalSettings.ts, postureSettings.ts): reading a
// stored model choice back, and the start-up choice of the model between a `serve` flag, the
// stored choice and the base folder.
import type { SettingSource } from '../../protocol/models';
import { shownPath } from '../paths';
import { BASE_ID } from './libraryFolders';

export interface ModelRef {
  id: string;
  version: string;
}

/** A stored `{ id, version }`, or undefined for anything else. */
export function asModelRef(v: unknown): ModelRef | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const { id, version } = v as { id?: unknown; version?: unknown };
  return typeof id === 'string' && typeof version === 'string' ? { id, version } : undefined;
}

/**
 * The model to start with. A `serve` flag wins over the stored choice (and the start-up says so);
 * else the stored choice, when its folder still loads; else the base folder, with a warning
 * naming the stored model that is gone. Never refuses to start for a stored choice (the base
 * folder failing to load is the flag's error, as before there was a choice).
 */
export function startupModel<C extends { version: string }>(opts: {
  kind: 'verbal' | 'posture';
  /** The flag that names the base folder (`--model`, `--posture-model`). */
  flag: string;
  flagGiven: boolean;
  stored: unknown;
  baseDir: string;
  dirOf: (id: string) => string | undefined;
  load: (dir: string) => C;
}): { id: string; dir: string; classifier: C; source: SettingSource; notes: string[] } {
  const { kind, flag } = opts;
  const notes: string[] = [];
  const storedModel = asModelRef(opts.stored);
  let source: SettingSource = opts.flagGiven ? 'flag' : 'default';
  if (storedModel && opts.flagGiven) {
    notes.push(`${kind} model: ${flag} wins over the stored choice ${storedModel.version} (${storedModel.id}), which applies again when the server starts without ${flag}`);
  } else if (storedModel && storedModel.id !== BASE_ID) {
    const dir = opts.dirOf(storedModel.id);
    try {
      if (dir === undefined) throw new Error(`"${storedModel.id}" is no library id`);
      const classifier = opts.load(dir);
      if (classifier.version !== storedModel.version) notes.push(`${kind} model: the stored choice's folder ${shownPath(dir)} now holds ${classifier.version} (chosen: ${storedModel.version}); running it`);
      return { id: storedModel.id, dir, classifier, source: 'stored', notes };
    } catch (e) {
      notes.push(
        `warning: the stored ${kind} model ${storedModel.version} (${storedModel.id}, folder ${dir ? shownPath(dir) : '?'}) cannot be loaded, so the server starts on ${shownPath(opts.baseDir)}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  } else if (storedModel) {
    source = 'stored';
  }
  return { id: BASE_ID, dir: opts.baseDir, classifier: opts.load(opts.baseDir), source, notes };
}
