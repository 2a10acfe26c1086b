// What the verbal and posture settings share (verbalSettings.ts, postureSettings.ts): the
// listeners of the state, the library answer (GET /api/models/<kind>), resolving a model the
// library holds, and a switch: one at a time, the listeners told when it starts and ends, the new
// model loaded and warmed aside while the old one goes on running, then handed to the runtime.
import { ModelUnloadableError, ShuttingDownError, SwitchInProgressError } from '../errors/errors';
import { shownPath } from '../paths';
import { resolveRef, withRunning, type LibraryPlaces, type Skipped } from './libraryFolders';

/** A library model as the kind's list has it: its folder too (listLibrary, listPostureLibrary). */
export interface LibraryEntryLike {
  id: string;
  version: string;
  dir: string;
}

/** What the runtime runs now, as far as the settings read it. */
export interface RunningRef {
  id: string;
  classifier: { version: string };
}

/** The library answer of a kind (VerbalLibrary, PostureLibrary): each model without its folder, with `running` and `duplicate`. */
export interface LibraryAnswer<E extends LibraryEntryLike> {
  libraryDir: string;
  models: (Omit<E, 'dir'> & { running: boolean; duplicate: boolean })[];
  skipped: Skipped;
}

/** A classifier a switch loaded. */
export interface LoadedModel {
  version: string;
  dispose(): void;
}

/** A model folder a switch loads and warms aside before it runs. */
export interface AsideModel<C> {
  id: string;
  dir: string;
  load: (dir: string) => Promise<C>;
  /** A few classifications, a turn of the event loop between rounds (live work goes on meanwhile); cut short when the server stops. */
  warm: (c: C) => Promise<void>;
}

export interface SettingsBaseOptions<E extends LibraryEntryLike, W> {
  kind: 'verbal' | 'posture';
  /** A switch as a 503 shutting_down names it ("change of the running model"). */
  what: string;
  places: LibraryPlaces;
  runtime: { readonly current: Readonly<RunningRef> };
  /** The kind's library: its models and the folders that are none (read afresh at each call). */
  list: (places: LibraryPlaces) => { models: E[]; skipped: Skipped };
  /** The folder a library id names, or undefined for an id that is not of that form. */
  dirOf: (id: string, places: LibraryPlaces) => string | undefined;
  /** `<modelsDir>/<kind>`: where the library's models are. */
  libraryDir: (modelsDir: string) => string;
  /** The switch under way as a 409 switch_in_progress names it. */
  describeSwitch: (w: W) => string;
}

/** `S`: the state the listeners hear; `W`: a switch under way (its `switching`); `E`: a library entry. */
export abstract class SettingsBase<S, W, E extends LibraryEntryLike> {
  /** The switch under way, or null. */
  protected switching: W | null = null;
  /** The server stops: a switch under way drops the model it loaded; later ones are refused. */
  protected closing = false;
  private readonly listeners = new Set<(s: S) => void>();

  protected constructor(private readonly base: SettingsBaseOptions<E, W>) {}

  abstract state(): S;

  /** Hears every change of the state: a switch started, done or failed. */
  onChange(fn: (s: S) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** GET /api/models/<kind>: read afresh. */
  library(): LibraryAnswer<E> {
    const { places, runtime } = this.base;
    const { models, skipped } = this.base.list(places);
    return {
      libraryDir: shownPath(this.base.libraryDir(places.modelsDir)),
      models: withRunning(models, runtime.current),
      skipped,
    };
  }

  /** The server stops: a switch under way drops the model it loaded; later ones are refused. */
  close(): void {
    this.closing = true;
  }

  /** The library model `ref` names: its id, else its version when one folder holds it (404, 409 ambiguous). */
  resolve(ref: string): E {
    return resolveRef(this.base.list(this.base.places).models, ref, this.base.kind);
  }

  /** Why the folder the id `ref` names is no model (the library lists it as skipped), or undefined: no such folder, or a model. */
  whyNotModel(ref: string): string | undefined {
    const dir = this.base.dirOf(ref, this.base.places);
    if (dir === undefined) return undefined;
    const shown = shownPath(dir);
    return this.base.list(this.base.places).skipped.find((s) => s.path === shown)?.reason;
  }

  /** One switch at a time: refused while the server stops (503 shutting_down) or another is under way (409 switch_in_progress). */
  protected refuseIfBusy(): void {
    if (this.closing) throw new ShuttingDownError(this.base.what);
    if (this.switching) throw new SwitchInProgressError(this.base.describeSwitch(this.switching), this.base.kind);
  }

  /**
   * A switch to `to`: the listeners hear it started; `model`, when given, is loaded (a folder that
   * does not load: 422 model_unloadable) and warmed aside while the old one goes on running; then
   * `swap` (synchronous) stores the choice and hands what loaded to the runtime. A loaded model
   * the runtime does not run when the switch ends (it failed, or the server stopped meanwhile) is
   * disposed. The listeners hear it ended, done or failed.
   */
  protected runSwitch<C extends LoadedModel>(to: W, model: AsideModel<C>, swap: (loaded: C) => void): Promise<void>;
  protected runSwitch<C extends LoadedModel>(to: W, model: AsideModel<C> | undefined, swap: (loaded: C | undefined) => void): Promise<void>;
  protected async runSwitch<C extends LoadedModel>(to: W, model: AsideModel<C> | undefined, swap: (loaded: C | undefined) => void): Promise<void> {
    this.switching = to;
    this.emit();
    let loaded: C | undefined;
    try {
      if (model) {
        try {
          loaded = await model.load(model.dir);
        } catch (e) {
          throw new ModelUnloadableError(model.id, e instanceof Error ? e.message : String(e));
        }
        await model.warm(loaded);
        if (this.closing) throw new ShuttingDownError(this.base.what);
      }
      swap(loaded);
    } finally {
      if (loaded !== undefined && this.base.runtime.current.classifier !== loaded) loaded.dispose();
      this.switching = null;
      this.emit();
    }
  }

  private emit(): void {
    const s = this.state();
    for (const fn of this.listeners) fn(s);
  }
}
