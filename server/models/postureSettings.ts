// Which posture model the server runs, chosen by an analyst while it runs (PUT
// /api/settings/posture) and kept in the store across restarts (the settings table of migration
// 17, key `posture.model`). A switch loads and warms the new model aside while live frames go on
// through the old one, then swaps it in (PostureRuntime) in one synchronous step; one switch at
// a time. The posture counterpart of verbalSettings.ts (settingsBase.ts: what the two share): no
// thresholds to set (a posture model carries its own).
import fs from 'node:fs';
import { POSTURE_HISTORY_SHOWN, type PostureHistoryEntry, type PostureSettings as PostureSettingsAnswer, type PostureSettingsPut, type PostureState } from '../../protocol/postureModels';
import type { SettingSource } from '../../protocol/models';
import { shownPath } from '../paths';
import type { SqliteStore } from '../store/sqliteStore';
import { DEMO_POSTURE_FILE } from '../demo/demo';
import { poseFromLandmarks } from '../signals/pose/fromLandmarks';
import { loadPostureClassifier, type PostureClassifier } from '../signals/posture/model';
import { classifyPhoto } from '../signals/posture/photo';
import type { Pose } from '../signals/pose';
import type { LibraryPlaces } from './libraryFolders';
import { dirOfPostureId, listPostureLibrary, postureLibraryDir, type PostureLibraryEntry } from './postureLibrary';
import type { PostureRuntime } from './postureRuntime';
import { SettingsBase } from './settingsBase';
import { asModelRef, startupModel } from './switching';

export const POSTURE_MODEL_KEY = 'posture.model';

/** Frames of landmarks classified a few times before a new model takes live frames (tfjs's first calls are slow). */
const WARM_UP_FRAMES = 12;
const WARM_UP_ROUNDS = 3;

/** The posture model to start with: `--posture-model` given wins, else the stored choice if it loads, else base (startupModel). */
export function postureStartupChoice(opts: { store: SqliteStore; places: LibraryPlaces; flagGiven: boolean; load?: (dir: string) => PostureClassifier }) {
  const { store, places } = opts;
  return startupModel({
    kind: 'posture', flag: '--posture-model', flagGiven: opts.flagGiven, stored: store.setting(POSTURE_MODEL_KEY)?.value, baseDir: places.baseDir,
    dirOf: (id) => dirOfPostureId(id, places), load: opts.load ?? ((dir) => loadPostureClassifier({ modelDir: dir })),
  });
}

export interface PostureSettingsDeps {
  store: SqliteStore;
  runtime: PostureRuntime;
  places: LibraryPlaces;
  source: SettingSource;
  now: () => number;
  log: (msg: string) => void;
  /** Loads a model folder (default: loadPostureClassifier, a turn of the event loop later). */
  load?: (dir: string) => Promise<PostureClassifier>;
  /** Landmark frames a new model is warmed on (default: the first frames of the demo's posture track). */
  warmFrames?: readonly { poses: Pose[]; aspect: number }[];
}

type Switching = NonNullable<PostureState['switching']>;

export class PostureSettings extends SettingsBase<PostureState, Switching, PostureLibraryEntry> {
  private source: SettingSource;

  constructor(private readonly deps: PostureSettingsDeps) {
    super({
      kind: 'posture',
      what: 'change of the running posture model',
      places: deps.places,
      runtime: deps.runtime,
      list: listPostureLibrary,
      dirOf: dirOfPostureId,
      libraryDir: postureLibraryDir,
      describeSwitch: (s) => `${s.model.version} (${s.model.id})`,
    });
    this.source = deps.source;
  }

  state(): PostureState {
    const run = this.deps.runtime.current;
    return { model: { id: run.id, version: run.classifier.version, path: shownPath(run.dir), source: this.source }, switching: this.switching };
  }

  /** GET /api/settings/posture. */
  settings(): PostureSettingsAnswer {
    return { ...this.state(), history: this.history(POSTURE_HISTORY_SHOWN) };
  }

  history(limit: number): PostureHistoryEntry[] {
    return this.deps.store.settingsHistory([POSTURE_MODEL_KEY], limit).flatMap((r): PostureHistoryEntry[] => {
      const to = asModelRef(r.to);
      return to ? [{ id: r.id, at: r.at, from: asModelRef(r.from) ?? null, to }] : [];
    });
  }

  /**
   * PUT /api/settings/posture: for another model, loads and warms it while the old one goes on
   * running, swaps it in, stores the choice and tells every listener. One at a time: another
   * during it is refused (409 switch_in_progress).
   */
  async apply(put: PostureSettingsPut): Promise<PostureSettingsAnswer> {
    this.refuseIfBusy();
    const runtime = this.deps.runtime;
    const target = this.resolve(put.model);
    // The running folder, unless it was since replaced by other weights (its version differs): nothing to do.
    if (target.id === runtime.current.id && target.version === runtime.current.classifier.version) return this.settings();
    const aside = { id: target.id, dir: target.dir, load: (dir: string) => this.load(dir), warm: (c: PostureClassifier) => this.warm(c) };
    await this.runSwitch({ model: { id: target.id, version: target.version }, startedAt: this.deps.now() }, aside, (loaded) => {
      const at = this.deps.now();
      const before = runtime.current;
      // Stored first: a failure there leaves the server running what it ran. The history's
      // "from" is what ran (null: the default), and "to" the version that loaded (the folder may
      // have been replaced since it was listed).
      const from = this.source === 'default' ? null : { id: before.id, version: before.classifier.version };
      this.deps.store.putSetting(POSTURE_MODEL_KEY, { id: target.id, version: loaded.version }, at, { value: from });
      runtime.replace({ classifier: loaded, id: target.id, dir: target.dir });
      this.source = 'stored';
      const now = runtime.current;
      this.deps.log(`running posture model ${now.classifier.version} (${now.id}, was ${before.classifier.version}) from now on (an analyst's choice, stored)`);
    });
    return this.settings();
  }

  /** Loads a library folder aside, as a switch loads it, for work that runs it beside the running model (GET /api/quality/posture/compare); the caller disposes it. */
  loadAside(dir: string): Promise<PostureClassifier> {
    return this.load(dir);
  }

  private load(dir: string): Promise<PostureClassifier> {
    if (this.deps.load) return this.deps.load(dir);
    // A posture model is ~100 KB: read on the event loop, after the switch's event went out.
    return new Promise((resolve, reject) => setImmediate(() => {
      try {
        resolve(loadPostureClassifier({ modelDir: dir }));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    }));
  }

  /** A few frames of landmarks through the new model, a turn of the event loop between rounds, so live frames go on meanwhile. */
  private async warm(c: PostureClassifier): Promise<void> {
    const frames = this.deps.warmFrames ?? demoWarmFrames();
    for (let r = 0; r < WARM_UP_ROUNDS && !this.closing && frames.length > 0; r++) {
      for (const f of frames) classifyPhoto(c, f.poses, { aspect: f.aspect });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

let demoFrames: { poses: Pose[]; aspect: number }[] | undefined;

/** The first frames of the demo's posture track (the project's synthetic skeleton); none when it is absent. */
function demoWarmFrames(): { poses: Pose[]; aspect: number }[] {
  if (demoFrames) return demoFrames;
  try {
    const p = JSON.parse(fs.readFileSync(DEMO_POSTURE_FILE, 'utf8')) as { aspect: number; frames: { poses: Parameters<typeof poseFromLandmarks>[0][] }[] };
    demoFrames = p.frames.slice(0, WARM_UP_FRAMES).map((f) => ({ aspect: p.aspect, poses: f.poses.map(poseFromLandmarks) }));
  } catch {
    // No demo track: the new model's first live frames are its warm-up.
    demoFrames = [];
  }
  return demoFrames;
}
