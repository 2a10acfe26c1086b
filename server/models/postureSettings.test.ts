import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PostureState } from '../../protocol/postureModels';
import { AppError } from '../errors/errors';
import { initTf } from '../runtime/backend';
import { SqliteStore } from '../store/sqliteStore';
import { FEATURE_COUNT } from '../signals/posture/features';
import { loadPostureClassifier, type PostureClassifier } from '../signals/posture/model';
import { addPostureLibraryModel, BASE_POSTURE_DIR, tempModelsDir } from './library.testkit';
import { PostureRuntime } from './postureRuntime';
import { POSTURE_MODEL_KEY, postureStartupChoice, PostureSettings } from './postureSettings';

const A = 'posture-20261201-aaaaaaaa';
const BASE_VERSION = (JSON.parse(fs.readFileSync(path.join(BASE_POSTURE_DIR, 'manifest.json'), 'utf8')) as { version: string }).version;

describe('the running posture model settings', () => {
  let modelsDir: string;
  let dbDir: string;
  let dbPath: string;
  const open: { store: SqliteStore; runtime: PostureRuntime }[] = [];
  beforeAll(async () => {
    await initTf();
  });
  beforeEach(() => {
    modelsDir = tempModelsDir();
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-posture-settings-'));
    dbPath = path.join(dbDir, 'store.db');
    addPostureLibraryModel(modelsDir, 'a', A);
  });
  afterEach(() => {
    for (const o of open.splice(0)) {
      o.runtime.dispose();
      o.store.close();
    }
    fs.rmSync(modelsDir, { recursive: true, force: true });
    fs.rmSync(dbDir, { recursive: true, force: true });
  });

  /** A server's start: the store opened, the choice made, the settings service on it. */
  function start(flagGiven = false, load?: (dir: string) => Promise<PostureClassifier>) {
    const store = new SqliteStore(dbPath);
    const places = { baseDir: BASE_POSTURE_DIR, modelsDir };
    const choice = postureStartupChoice({ store, places, flagGiven });
    const runtime = new PostureRuntime({ classifier: choice.classifier, id: choice.id, dir: choice.dir });
    open.push({ store, runtime });
    let t = 1_000;
    const log: string[] = [];
    const settings = new PostureSettings({ store, runtime, places, source: choice.source, now: () => (t += 10), log: (m) => log.push(m), ...(load ? { load } : {}) });
    const events: PostureState[] = [];
    settings.onChange((s) => events.push(s));
    return { store, runtime, settings, choice, events, log };
  }
  function stop(s: { store: SqliteStore; runtime: PostureRuntime }) {
    s.runtime.dispose();
    s.store.close();
    open.splice(open.findIndex((o) => o.store === s.store), 1);
  }
  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return e instanceof AppError ? { code: e.code, status: e.status, message: e.message } : { code: String(e), status: 0, message: '' };
    }
    return { code: 'none', status: 200, message: '' };
  };

  it('starts on base by default, switches by id, tells listeners start and end, stores the choice and its history', async () => {
    const s = start();
    expect(s.choice).toMatchObject({ id: 'base', source: 'default', notes: [] });
    const old = s.runtime.current.classifier;
    const answer = await s.settings.apply({ model: 'lib/a' });
    expect(answer.model).toMatchObject({ id: 'lib/a', version: A, source: 'stored' });
    expect(s.runtime.current.classifier.version).toBe(A);
    // The old model was disposed: nothing held it.
    expect(() => old.predict([new Float32Array(1)])).toThrow(/disposed/);
    expect(s.events.map((e) => e.switching?.model ?? null)).toEqual([{ id: 'lib/a', version: A }, null]);
    expect(s.events[1]!.model.version).toBe(A);
    expect(s.store.setting(POSTURE_MODEL_KEY)?.value).toEqual({ id: 'lib/a', version: A });
    // From the default: "from" is null; by version from a stored choice: it names what ran.
    await s.settings.apply({ model: BASE_VERSION });
    expect(s.settings.settings().history.map((h) => [h.from?.id ?? null, h.to.id])).toEqual([
      ['lib/a', 'base'],
      [null, 'lib/a'],
    ]);
    expect(s.log.join('\n')).toMatch(new RegExp(`running posture model ${BASE_VERSION} \\(base, was ${A}\\)`));
    // The model running: asked again, nothing happens (no event, no history).
    const n = s.events.length;
    await s.settings.apply({ model: 'base' });
    expect(s.events).toHaveLength(n);
    expect(s.settings.history(20)).toHaveLength(2);
  });

  it('lists the library with the running model and duplicates', async () => {
    addPostureLibraryModel(modelsDir, 'a-copy', A);
    const s = start();
    const lib = s.settings.library();
    expect(lib.models.map((m) => [m.id, m.running, m.duplicate])).toEqual([
      ['base', true, false],
      ['lib/a', false, true],
      ['lib/a-copy', false, true],
    ]);
  });

  it('refuses: an unknown model 404, a version two folders hold 409, a folder that does not load 422; nothing changes', async () => {
    addPostureLibraryModel(modelsDir, 'a-copy', A);
    const broken = addPostureLibraryModel(modelsDir, 'broken', 'posture-20261201-bbbbbbbb');
    fs.appendFileSync(path.join(broken, 'weights.bin'), Buffer.alloc(4));
    const s = start();
    expect(await codeOf(s.settings.apply({ model: 'lib/none' }))).toMatchObject({ code: 'not_found', status: 404, message: expect.stringContaining('GET /api/models/posture') });
    expect(await codeOf(s.settings.apply({ model: A }))).toMatchObject({ code: 'ambiguous_model', status: 409, message: expect.stringContaining('lib/a, lib/a-copy') });
    const unloadable = await codeOf(s.settings.apply({ model: 'lib/broken' }));
    expect(unloadable).toMatchObject({ code: 'model_unloadable', status: 422, message: expect.stringContaining('checksum') });
    // The failed switch was heard (started, then ended with nothing changed).
    expect(s.events.map((e) => [e.switching?.model.id ?? null, e.model.id])).toEqual([
      ['lib/broken', 'base'],
      [null, 'base'],
    ]);
    expect(s.runtime.current.classifier.version).toBe(BASE_VERSION);
    expect(s.store.setting(POSTURE_MODEL_KEY)).toBeUndefined();
    expect(s.settings.history(20)).toEqual([]);
  });

  it('takes one switch at a time: another meanwhile is 409 switch_in_progress', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = start(false, async (dir) => {
      await gate;
      return loadPostureClassifier({ modelDir: dir });
    });
    const first = s.settings.apply({ model: 'lib/a' });
    await new Promise((r) => setImmediate(r));
    expect(s.settings.state().switching).toMatchObject({ model: { id: 'lib/a', version: A } });
    expect(await codeOf(s.settings.apply({ model: 'base' }))).toMatchObject({ code: 'switch_in_progress', status: 409, message: expect.stringContaining('posture model') });
    release();
    expect((await first).model.id).toBe('lib/a');
  });

  it('keeps a held model until released: work that started on it finishes on it', async () => {
    const s = start();
    const held = s.runtime.hold();
    await s.settings.apply({ model: 'lib/a' });
    expect(held.classifier.version).toBe(BASE_VERSION);
    expect(held.classifier.predict([new Float32Array(FEATURE_COUNT)])).toHaveLength(1);
    held.release();
    expect(() => held.classifier.predict([])).toThrow(/disposed/);
  });

  it('at start-up: the stored choice runs; the flag wins with a note; a stored model gone falls back to base with a warning', async () => {
    const first = start();
    await first.settings.apply({ model: 'lib/a' });
    stop(first);
    const again = start();
    expect(again.choice).toMatchObject({ id: 'lib/a', source: 'stored', notes: [] });
    expect(again.runtime.current.classifier.version).toBe(A);
    stop(again);
    const flagged = start(true);
    expect(flagged.choice).toMatchObject({ id: 'base', source: 'flag' });
    expect(flagged.choice.notes.join()).toMatch(/--posture-model wins over the stored choice posture-20261201-aaaaaaaa \(lib\/a\)/);
    stop(flagged);
    fs.rmSync(path.join(modelsDir, 'posture', 'a'), { recursive: true });
    const gone = start();
    expect(gone.choice).toMatchObject({ id: 'base', source: 'default' });
    expect(gone.choice.notes.join()).toMatch(/warning: the stored posture model posture-20261201-aaaaaaaa \(lib\/a, folder .*\) cannot be loaded, so the server starts on models\/posture/);
  });
});
