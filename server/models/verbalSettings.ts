// Which verbal model and signal thresholds the server runs, chosen by an analyst while it runs
// (PUT /api/settings/verbal) and kept in the store across restarts (settings, migration 17).
// A switch loads and warms the new model aside while live turns go on through the old one, then
// swaps it in (VerbalRuntime) in one synchronous step; one switch at a time (settingsBase.ts:
// what the posture settings share).
import { VERBAL_HISTORY_SHOWN, type SettingSource, type VerbalHistoryEntry, type VerbalSettings as VerbalSettingsAnswer, type VerbalSettingsPut, type VerbalState } from '../../protocol/models';
import { ValidationError } from '../errors/errors';
import { shownPath } from '../paths';
import type { SqliteStore } from '../store/sqliteStore';
import { thresholdsKey } from '../../protocol/thresholds';
import { checkSignalThresholds, describeThresholds, thresholdProblem, type SignalThresholds } from '../signals/verbal/decision';
import { loadVerbalClassifier, loadVerbalClassifierAsync } from '../signals/verbal/model';
import type { VerbalClassifier } from '../signals/verbal/types';
import { dirOfId, listLibrary, verbalLibraryDir, type LibraryEntry, type LibraryPlaces } from './verbalLibrary';
import type { VerbalRuntime } from './verbalRuntime';
import { SettingsBase } from './settingsBase';
import { asModelRef, startupModel } from './switching';

export const MODEL_KEY = 'verbal.model';
export const THRESHOLDS_KEY = 'verbal.thresholds';

/** A few turns of both languages, classified a few times before a new model takes live turns (tfjs's first calls are slow). */
const WARM_UP_TEXTS = [
  'How much does the premium plan cost per month?',
  'Can you do a better price if we sign for two years?',
  "Let's go ahead, send me the contract.",
  "I'm not sure, it seems expensive for us.",
  '这个套餐每个月多少钱？',
  '如果签两年能不能便宜一点？',
  '好的，我们就定这个吧。',
  '我觉得还是太贵了。',
];
const WARM_UP_ROUNDS = 5;

/** What the server starts with: the choice of the flags, the store or the defaults (see startupChoice). */
export interface StartupChoice {
  id: string;
  dir: string;
  classifier: VerbalClassifier;
  thresholds: SignalThresholds;
  sources: { model: SettingSource; thresholds: SettingSource };
  /** What to say at start-up about it (flags over a stored choice, a stored model gone…). */
  notes: string[];
}

/**
 * The verbal model and thresholds to start with. A `serve` flag wins over the stored choice (and
 * the start-up says so); else the stored choice, when its folder still loads; else the base
 * model (`--model`'s folder, default models/verbal) and the default thresholds (none), with a
 * warning naming the stored model that is gone. Never refuses to start for a stored choice.
 */
export function startupChoice(opts: {
  store: SqliteStore;
  places: LibraryPlaces;
  flags: { model: boolean; thresholds: boolean };
  /** `--thresholds`' values, or the defaults. */
  thresholds: SignalThresholds;
}): StartupChoice {
  const { store, places, flags } = opts;
  const model = startupModel({
    kind: 'verbal', flag: '--model', flagGiven: flags.model, stored: store.setting(MODEL_KEY)?.value, baseDir: places.baseDir,
    dirOf: (id) => dirOfId(id, places), load: (dir) => loadVerbalClassifier({ modelDir: dir }),
  });
  const notes = model.notes;
  const storedThresholds = store.setting(THRESHOLDS_KEY)?.value;
  const chosen = { id: model.id, dir: model.dir, classifier: model.classifier };
  const modelSource = model.source;
  let thresholds = opts.thresholds;
  let thresholdsSource: SettingSource = flags.thresholds ? 'flag' : 'default';
  if (storedThresholds !== undefined && flags.thresholds) {
    notes.push(`signal thresholds: --thresholds wins over the stored choice (${describeThresholds(storedThresholds as SignalThresholds) || 'none'})`);
  } else if (storedThresholds !== undefined) {
    try {
      thresholds = checkSignalThresholds(asThresholds(storedThresholds));
      thresholdsSource = 'stored';
    } catch (e) {
      notes.push(`warning: the stored signal thresholds are not valid, so the server starts without them: ${(e as Error).message}`);
    }
  }
  return { ...chosen, thresholds, sources: { model: modelSource, thresholds: thresholdsSource }, notes };
}

export interface VerbalSettingsDeps {
  store: SqliteStore;
  runtime: VerbalRuntime;
  places: LibraryPlaces;
  sources: { model: SettingSource; thresholds: SettingSource };
  now: () => number;
  log: (msg: string) => void;
  /** Loads a model folder (default: off the event loop). */
  load?: (dir: string) => Promise<VerbalClassifier>;
}

type Switching = NonNullable<VerbalState['switching']>;

export class VerbalSettings extends SettingsBase<VerbalState, Switching, LibraryEntry> {
  private readonly sources: { model: SettingSource; thresholds: SettingSource };

  constructor(private readonly deps: VerbalSettingsDeps) {
    super({
      kind: 'verbal',
      what: 'change of the running model',
      places: deps.places,
      runtime: deps.runtime,
      list: listLibrary,
      dirOf: dirOfId,
      libraryDir: verbalLibraryDir,
      describeSwitch,
    });
    this.sources = { ...deps.sources };
  }

  state(): VerbalState {
    const run = this.deps.runtime.current;
    return {
      model: { id: run.id, version: run.classifier.version, path: shownPath(run.dir), source: this.sources.model },
      thresholds: { values: { ...run.thresholds }, source: this.sources.thresholds },
      switching: this.switching,
    };
  }

  /** GET /api/settings/verbal. */
  settings(): VerbalSettingsAnswer {
    return { ...this.state(), history: this.history(VERBAL_HISTORY_SHOWN) };
  }

  history(limit: number): VerbalHistoryEntry[] {
    return this.deps.store.settingsHistory([MODEL_KEY, THRESHOLDS_KEY], limit).flatMap((r): VerbalHistoryEntry[] => {
      if (r.key === MODEL_KEY) {
        const to = asModelRef(r.to);
        return to ? [{ id: r.id, at: r.at, setting: 'model', from: asModelRef(r.from) ?? null, to }] : [];
      }
      return [{ id: r.id, at: r.at, setting: 'thresholds', from: r.from === null ? null : asThresholds(r.from), to: asThresholds(r.to) }];
    });
  }

  /**
   * PUT /api/settings/verbal: checks the request, then (for another model) loads and warms it
   * while the old one goes on running, swaps it in, stores the choice and tells every listener.
   * One at a time: another during it is refused (409 switch_in_progress).
   */
  async apply(put: VerbalSettingsPut): Promise<VerbalSettingsAnswer> {
    this.refuseIfBusy();
    const thresholds = put.thresholds === undefined ? undefined : checkedThresholds(put.thresholds);
    const runtime = this.deps.runtime;
    const target = put.model === undefined ? undefined : this.resolve(put.model);
    // Another folder, or the running one since replaced by other weights (its version differs): loaded.
    const newModel = target !== undefined && (target.id !== runtime.current.id || target.version !== runtime.current.classifier.version) ? target : undefined;
    // The same thresholds in another order are no change.
    const newThresholds = thresholds !== undefined && thresholdsKey(thresholds) !== thresholdsKey(runtime.current.thresholds) ? thresholds : undefined;
    if (!newModel && !newThresholds) return this.settings();
    const to = { model: newModel ? { id: newModel.id, version: newModel.version } : null, thresholds: newThresholds ? { ...newThresholds } : null, startedAt: this.deps.now() };
    const aside = newModel && { id: newModel.id, dir: newModel.dir, load: (dir: string) => this.loadAside(dir), warm: (c: VerbalClassifier) => warm(c, () => this.closing) };
    await this.runSwitch(to, aside, (loaded) => {
      const at = this.deps.now();
      const before = runtime.current;
      // Stored first: a failure there leaves the server running what it ran.
      this.deps.store.transaction(() => {
        // The version that loaded: the folder may have been replaced since it was listed.
        // The history's "from" is what ran (null: the default), not the stored choice: a start-up
        // flag or a stored model whose folder was gone may have run something else.
        if (newModel && loaded) {
          const from = this.sources.model === 'default' ? null : { id: before.id, version: before.classifier.version };
          this.deps.store.putSetting(MODEL_KEY, { id: newModel.id, version: loaded.version }, at, { value: from });
        }
        if (newThresholds) this.deps.store.putSetting(THRESHOLDS_KEY, newThresholds, at, { value: this.sources.thresholds === 'default' ? null : before.thresholds });
      });
      runtime.replace({ ...(newModel && loaded ? { classifier: loaded, id: newModel.id, dir: newModel.dir } : {}), ...(newThresholds ? { thresholds: newThresholds } : {}) });
      if (newModel) this.sources.model = 'stored';
      if (newThresholds) this.sources.thresholds = 'stored';
      const now = runtime.current;
      this.deps.log(
        `running ${newModel ? `verbal model ${now.classifier.version} (${now.id}, was ${before.classifier.version})` : ''}${newModel && newThresholds ? ' and ' : ''}${newThresholds ? `signal thresholds ${describeThresholds(now.thresholds) || 'none'}` : ''} from now on (an analyst's choice, stored)`,
      );
    });
    return this.settings();
  }

  /**
   * Loads a library folder aside, as a switch loads it (off the event loop), for work that runs
   * it beside the running model (GET /api/quality/compare); the caller disposes it.
   */
  loadAside(dir: string): Promise<VerbalClassifier> {
    return (this.deps.load ?? ((d) => loadVerbalClassifierAsync({ modelDir: d })))(dir);
  }
}

/** The body's thresholds checked as `serve --thresholds` checks them, the field named (`thresholds.resistance`). */
function checkedThresholds(t: Record<string, number>): SignalThresholds {
  for (const [label, v] of Object.entries(t)) {
    const problem = thresholdProblem(label, v);
    if (problem) throw new ValidationError(`thresholds.${label}: ${problem}`, { field: `thresholds.${label}`, ...(Number.isFinite(v) && (v < 0 || v > 1) ? { limit: v < 0 ? 0 : 1 } : {}) });
  }
  return checkSignalThresholds(t);
}

function describeSwitch(s: Switching): string {
  return [s.model ? `${s.model.version} (${s.model.id})` : '', s.thresholds ? `thresholds ${describeThresholds(s.thresholds) || 'none'}` : ''].filter(Boolean).join(' with ');
}

/** A few classifications, a turn of the event loop between rounds, so live turns go on meanwhile. */
async function warm(c: VerbalClassifier, stop: () => boolean): Promise<void> {
  const inputs = WARM_UP_TEXTS.map((text, i) => ({ text, ...(i > 0 ? { context: WARM_UP_TEXTS[i - 1]! } : {}) }));
  for (let r = 0; r < WARM_UP_ROUNDS && !stop(); r++) {
    c.classify(r % 2 ? inputs.slice(0, 1) : inputs);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function asThresholds(v: unknown): Record<string, number> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number'));
}
