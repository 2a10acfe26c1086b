import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { VerbalState } from '../../protocol/models';
import { AppError } from '../errors/errors';
import * as tf from '@tensorflow/tfjs';
import { initTf } from '../runtime/backend';
import { SqliteStore } from '../store/sqliteStore';
import { loadVerbalClassifier } from '../signals/verbal/model';
import type { VerbalClassifier } from '../signals/verbal/types';
import { addLibraryModel, BASE_MODEL_DIR, tempModelsDir } from './library.testkit';
import { VerbalRuntime } from './verbalRuntime';
import { startupChoice, VerbalSettings } from './verbalSettings';

const NO_FLAGS = { model: false, thresholds: false };

describe('the running verbal model settings', () => {
  let modelsDir: string;
  let dbDir: string;
  let dbPath: string;
  const open: { store: SqliteStore; runtime: VerbalRuntime }[] = [];
  beforeAll(async () => {
    await initTf();
  });
  beforeEach(() => {
    modelsDir = tempModelsDir();
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-settings-'));
    dbPath = path.join(dbDir, 'store.db');
    addLibraryModel(modelsDir, 'a', 'verbal-20261201-aaaaaaaa');
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
  function start(flags = NO_FLAGS, thresholds = {}, load?: (dir: string) => Promise<VerbalClassifier>) {
    const store = new SqliteStore(dbPath);
    const places = { baseDir: BASE_MODEL_DIR, modelsDir };
    const choice = startupChoice({ store, places, flags, thresholds });
    const runtime = new VerbalRuntime({ classifier: choice.classifier, id: choice.id, dir: choice.dir, thresholds: choice.thresholds });
    open.push({ store, runtime });
    let t = 1_000;
    const log: string[] = [];
    const settings = new VerbalSettings({ store, runtime, places, sources: choice.sources, now: () => t++, log: (m) => log.push(m), ...(load ? { load } : {}) });
    return { store, runtime, settings, choice, log };
  }
  function stop() {
    const o = open.pop()!;
    o.runtime.dispose();
    o.store.close();
  }
  async function refusal(p: Promise<unknown>): Promise<AppError> {
    try {
      await p;
    } catch (e) {
      if (e instanceof AppError) return e;
      throw e;
    }
    throw new Error('expected a refusal');
  }

  it('starts on the base model and no thresholds when nothing was chosen', () => {
    const { settings } = start();
    expect(settings.state()).toMatchObject({ model: { id: 'base', path: path.join('models', 'verbal'), source: 'default' }, thresholds: { values: {}, source: 'default' }, switching: null });
  });

  it('switches model and thresholds, and a restart keeps them (stored), with their history', async () => {
    const first = start();
    const events: VerbalState[] = [];
    first.settings.onChange((s) => events.push(s));
    const answer = await first.settings.apply({ model: 'lib/a', thresholds: { resistance: 0.6 } });
    expect(answer.model).toMatchObject({ id: 'lib/a', version: 'verbal-20261201-aaaaaaaa', source: 'stored' });
    expect(answer.thresholds).toEqual({ values: { resistance: 0.6 }, source: 'stored' });
    expect(first.runtime.current.classifier.version).toBe('verbal-20261201-aaaaaaaa');
    // Everyone hears the switch start (what it will run), then its end.
    expect(events.map((e) => [e.switching?.model?.id ?? null, e.model.id])).toEqual([['lib/a', 'base'], [null, 'lib/a']]);
    expect(first.settings.library().models.find((m) => m.running)?.id).toBe('lib/a');
    await first.settings.apply({ thresholds: {} });
    expect(first.settings.history(10).map((h) => [h.setting, h.from, h.to])).toEqual([
      ['thresholds', { resistance: 0.6 }, {}],
      ['thresholds', null, { resistance: 0.6 }],
      ['model', null, { id: 'lib/a', version: 'verbal-20261201-aaaaaaaa' }],
    ]);
    stop();
    const again = start();
    expect(again.choice.notes).toEqual([]);
    expect(again.settings.state()).toMatchObject({ model: { id: 'lib/a', version: 'verbal-20261201-aaaaaaaa', source: 'stored' }, thresholds: { values: {}, source: 'stored' } });
  });

  it('flags win over the stored choice, and the start-up says so', async () => {
    await start().settings.apply({ model: 'lib/a', thresholds: { resistance: 0.6 } });
    stop();
    const flagged = start({ model: true, thresholds: true }, { purchase_intent: 0.3 });
    expect(flagged.settings.state()).toMatchObject({ model: { id: 'base', source: 'flag' }, thresholds: { values: { purchase_intent: 0.3 }, source: 'flag' } });
    expect(flagged.choice.notes.join('\n')).toMatch(/--model wins over the stored choice verbal-20261201-aaaaaaaa/);
    expect(flagged.choice.notes.join('\n')).toMatch(/--thresholds wins over the stored choice \(resistance ≥ 0.6\)/);
    stop();
    // One flag only: the other setting is the stored choice.
    const half = start({ model: false, thresholds: true }, { purchase_intent: 0.3 });
    expect(half.settings.state()).toMatchObject({ model: { id: 'lib/a', source: 'stored' }, thresholds: { source: 'flag' } });
  });

  it('history says what ran before a switch, also when a flag or a fallback ran something else than the stored choice', async () => {
    addLibraryModel(modelsDir, 'b', 'verbal-20261201-bbbbbbbb');
    await start().settings.apply({ model: 'lib/a', thresholds: { resistance: 0.6 } });
    stop();
    // --model and --thresholds win at start-up: the base model and 0.3 run, not lib/a and 0.6.
    const flagged = start({ model: true, thresholds: true }, { purchase_intent: 0.3 });
    const base = flagged.runtime.current.classifier.version;
    await flagged.settings.apply({ model: 'lib/b', thresholds: { resistance: 0.7 } });
    const [model, thresholds] = [flagged.settings.history(5).find((h) => h.setting === 'model'), flagged.settings.history(5).find((h) => h.setting === 'thresholds')];
    expect(model).toMatchObject({ from: { id: 'base', version: base }, to: { id: 'lib/b' } });
    expect(thresholds).toMatchObject({ from: { purchase_intent: 0.3 }, to: { resistance: 0.7 } });
    stop();
    // The stored folder gone: the default ran (the fallback), not lib/b, and the next switch says so.
    fs.rmSync(path.join(modelsDir, 'verbal', 'b'), { recursive: true });
    const fallback = start();
    await fallback.settings.apply({ model: 'lib/a' });
    expect(fallback.settings.history(1)[0]).toMatchObject({ from: null, to: { id: 'lib/a' } });
  });

  it('starts on the base model with a warning naming the stored model when its folder is gone', async () => {
    await start().settings.apply({ model: 'lib/a' });
    stop();
    fs.rmSync(path.join(modelsDir, 'verbal', 'a'), { recursive: true });
    const s = start();
    expect(s.settings.state().model).toMatchObject({ id: 'base', source: 'default' });
    const warning = s.choice.notes.join('\n');
    expect(warning).toMatch(/^warning: the stored verbal model verbal-20261201-aaaaaaaa \(lib\/a, folder .*verbal[/\\]a\) cannot be loaded, so the server starts on models[/\\]verbal/);
  });

  it('refuses thresholds as --thresholds does, naming the field and the limit; nothing changes', async () => {
    const { settings, runtime } = start();
    const unknown = await refusal(settings.apply({ thresholds: { resistence: 0.5 } }));
    expect(unknown).toMatchObject({ status: 400, details: { field: 'thresholds.resistence' } });
    expect(unknown.message).toMatch(/not a signal label \(use price_inquiry, discount_request, purchase_intent, resistance\)/);
    expect(await refusal(settings.apply({ thresholds: { neutral: 0.5 } }))).toMatchObject({ status: 400, details: { field: 'thresholds.neutral' } });
    const high = await refusal(settings.apply({ thresholds: { resistance: 1.5 } }));
    expect(high).toMatchObject({ status: 400, details: { field: 'thresholds.resistance', limit: 1 } });
    expect(high.message).toMatch(/1.5 is not a number from 0 to 1/);
    expect(await refusal(settings.apply({ thresholds: { resistance: -0.1 } }))).toMatchObject({ details: { limit: 0 } });
    expect(runtime.current.thresholds).toEqual({});
    expect(settings.history(10)).toEqual([]);
  });

  it('refuses an unknown model (404) and a version two folders hold (409, naming their ids); a version held once names it', async () => {
    addLibraryModel(modelsDir, 'b1', 'verbal-20261201-bbbbbbbb');
    addLibraryModel(modelsDir, 'b2', 'verbal-20261201-bbbbbbbb');
    const { settings } = start();
    expect(await refusal(settings.apply({ model: 'verbal-20261201-00000000' }))).toMatchObject({ status: 404, code: 'not_found', details: { field: 'model' } });
    expect(await refusal(settings.apply({ model: 'lib/../a' }))).toMatchObject({ status: 404 });
    const ambiguous = await refusal(settings.apply({ model: 'verbal-20261201-bbbbbbbb' }));
    expect(ambiguous).toMatchObject({ status: 409, code: 'ambiguous_model', details: { field: 'model' } });
    expect(ambiguous.message).toMatch(/lib\/b1, lib\/b2/);
    expect((await settings.apply({ model: 'verbal-20261201-aaaaaaaa' })).model.id).toBe('lib/a');
    expect((await settings.apply({ model: 'lib/b2' })).model.id).toBe('lib/b2');
  });

  it('runs one switch at a time: another meanwhile is refused (409) naming the one under way', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const { settings, runtime } = start(NO_FLAGS, {}, async (dir) => {
      await gate;
      return loadVerbalClassifier({ modelDir: dir });
    });
    const first = settings.apply({ model: 'lib/a' });
    await new Promise((r) => setImmediate(r));
    expect(settings.state().switching).toMatchObject({ model: { id: 'lib/a' } });
    const second = await refusal(settings.apply({ thresholds: { resistance: 0.7 } }));
    expect(second).toMatchObject({ status: 409, code: 'switch_in_progress' });
    expect(second.message).toMatch(/verbal-20261201-aaaaaaaa \(lib\/a\)/);
    // Until the new model is ready, the old one runs.
    expect(runtime.current.id).toBe('base');
    finish();
    await first;
    expect(runtime.current.id).toBe('lib/a');
    expect(settings.state().switching).toBeNull();
  });

  it('keeps the running model when the chosen folder does not load (422), and a later switch may go on', async () => {
    const broken = addLibraryModel(modelsDir, 'broken', 'verbal-20261201-cccccccc');
    fs.writeFileSync(path.join(broken, 'weights.bin.gz'), 'not gzip');
    const { settings, runtime } = start();
    const e = await refusal(settings.apply({ model: 'lib/broken', thresholds: { resistance: 0.5 } }));
    expect(e).toMatchObject({ status: 422, code: 'model_unloadable', details: { field: 'model' } });
    expect(e.message).toMatch(/not a valid gzip file/);
    expect(runtime.current).toMatchObject({ id: 'base', thresholds: {} });
    expect(settings.state().switching).toBeNull();
    expect(settings.history(5)).toEqual([]);
    expect((await settings.apply({ model: 'lib/a' })).model.id).toBe('lib/a');
  });

  it('the same thresholds written in another order are no change: nothing reloaded, no history', async () => {
    const { settings } = start();
    await settings.apply({ thresholds: { resistance: 0.6, purchase_intent: 0.4 } });
    const events: VerbalState[] = [];
    settings.onChange((e) => events.push(e));
    await settings.apply({ thresholds: { purchase_intent: 0.4, resistance: 0.6 } });
    expect(events).toEqual([]);
    expect(settings.history(5)).toHaveLength(1);
  });

  it('a running folder replaced by other weights (same name) is not shown as running, and choosing it again loads them', async () => {
    const { settings, runtime } = start();
    await settings.apply({ model: 'lib/a' });
    addLibraryModel(modelsDir, 'a', 'verbal-20261202-dddddddd');
    expect(settings.library().models.find((m) => m.id === 'lib/a')).toMatchObject({ version: 'verbal-20261202-dddddddd', running: false });
    const answer = await settings.apply({ model: 'lib/a' });
    expect(answer.model).toMatchObject({ id: 'lib/a', version: 'verbal-20261202-dddddddd' });
    expect(runtime.current.classifier.version).toBe('verbal-20261202-dddddddd');
    expect(settings.history(5)[0]).toMatchObject({ setting: 'model', from: { version: 'verbal-20261201-aaaaaaaa' }, to: { id: 'lib/a', version: 'verbal-20261202-dddddddd' } });
  });

  it('a folder replaced between the listing and its load: what is stored and said is the version that loaded', async () => {
    const { settings, runtime } = start(NO_FLAGS, {}, async (dir) => {
      addLibraryModel(modelsDir, 'a', 'verbal-20261203-eeeeeeee');
      return loadVerbalClassifier({ modelDir: dir });
    });
    const events: VerbalState[] = [];
    settings.onChange((e) => events.push(e));
    const answer = await settings.apply({ model: 'lib/a' });
    expect(runtime.current.classifier.version).toBe('verbal-20261203-eeeeeeee');
    expect(answer.model.version).toBe('verbal-20261203-eeeeeeee');
    expect(settings.history(5)[0]).toMatchObject({ setting: 'model', to: { id: 'lib/a', version: 'verbal-20261203-eeeeeeee' } });
    expect(events.at(-1)?.model.version).toBe('verbal-20261203-eeeeeeee');
  });

  it('refuses (422) a folder whose weights would be huge, unzipped or by its dims, before allocating them; the running model kept', async () => {
    const bomb = addLibraryModel(modelsDir, 'bomb', 'verbal-20261201-44444444');
    // 64 MiB of zeros, ~64 KB zipped: more than the ~24 MiB the dims give.
    fs.writeFileSync(path.join(bomb, 'weights.bin.gz'), zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    const wide = addLibraryModel(modelsDir, 'wide', 'verbal-20261201-55555555');
    const m = JSON.parse(fs.readFileSync(path.join(wide, 'manifest.json'), 'utf8')) as { dims: { buckets: number } };
    fs.writeFileSync(path.join(wide, 'manifest.json'), JSON.stringify({ ...m, dims: { ...m.dims, buckets: 1e9 } }));
    const pipe = addLibraryModel(modelsDir, 'pipe', 'verbal-20261201-66666666');
    fs.rmSync(path.join(pipe, 'weights.bin.gz'));
    execFileSync('mkfifo', [path.join(pipe, 'weights.bin.gz')]);
    const { settings, runtime } = start();
    const bombed = await refusal(settings.apply({ model: 'lib/bomb' }));
    expect(bombed).toMatchObject({ status: 422, code: 'model_unloadable', details: { field: 'model' } });
    expect(bombed.message).toMatch(/weights\.bin\.gz unzips to more than the [\d.]+ MiB of weights its manifest's dims give/);
    expect((await refusal(settings.apply({ model: 'lib/wide' }))).message).toMatch(/its dims give [\d.]+ MiB of weights, more than the 256 MiB a verbal model may have/);
    expect((await refusal(settings.apply({ model: 'lib/pipe' }))).message).toMatch(/weights\.bin\.gz is not a file/);
    expect(runtime.current.id).toBe('base');
    expect(settings.state().switching).toBeNull();
  });

  it('20 switches back and forth and failed loads leave no tensor behind', async () => {
    const broken = addLibraryModel(modelsDir, 'broken', 'verbal-20261201-cccccccc');
    fs.writeFileSync(path.join(broken, 'weights.bin.gz'), zlib.gzipSync(Buffer.alloc(1024)));
    const { settings } = start();
    const before = tf.memory();
    for (let i = 0; i < 20; i++) await settings.apply({ model: i % 2 ? 'base' : 'lib/a' });
    for (let i = 0; i < 3; i++) await refusal(settings.apply({ model: 'lib/broken' }));
    await settings.apply({ model: 'base' });
    const after = tf.memory();
    expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
  }, 60_000);

  it('the same model and thresholds again change nothing and add no history', async () => {
    const { settings } = start();
    await settings.apply({ model: 'base', thresholds: {} });
    expect(settings.history(5)).toEqual([]);
  });
});
