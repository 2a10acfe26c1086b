// GET /api/quality/compare's measurement in its worker thread with real model folders: the main
// thread classifies nothing and loads nothing (its running classifier here throws if asked), the
// answer is the one measured on this thread, a running model's folder replaced meanwhile is 409
// running_model_changed, a B that does not load 422, and a client gone stops the worker.
import fs from 'node:fs';
import path from 'node:path';
import { VerbalRuntime } from '../../models/verbalRuntime';
import type { VerbalSettings } from '../../models/verbalSettings';
import type { LibraryEntry } from '../../models/verbalLibrary';
import { addLibraryModel, tempModelsDir } from '../../models/library.testkit';
import { SessionService } from '../../pipeline/sessionService';
import { initTf } from '../../runtime/backend';
import { loadVerbalClassifierAsync } from '../../signals/verbal/model';
import type { VerbalClassifier, VerbalInput } from '../../signals/verbal/types';
import { SqliteStore } from '../../store/sqliteStore';
import { QualityMeasurements } from './quality';
import { compareWithRunning, measureInWorker, measureOnThisThread, type CompareDeps } from './qualityCompare';

const A = 'verbal-20261201-aaaaaaaa';
const B = 'verbal-20261201-bbbbbbbb';
const TEXTS = ['How much would that be per month?', 'Can you do a better price for two years?', 'I am not sure it fits our budget.', '这个套餐每个月多少钱？', '好的，我们就定这个吧。', 'Tell me more about the onboarding.'];
const GOLD = ['price_inquiry', 'discount_request', 'resistance', 'price_inquiry', 'purchase_intent', 'neutral'] as const;

let modelsDir = '';
let aDir = '';
let bDir = '';
beforeAll(async () => {
  await initTf();
  modelsDir = tempModelsDir();
  aDir = addLibraryModel(modelsDir, 'a', A);
  bDir = addLibraryModel(modelsDir, 'b', B);
});
afterAll(() => fs.rmSync(modelsDir, { recursive: true, force: true }));

/** The running model as the main thread holds it: once armed (the store filled), any classification here fails the test. */
function mainThreadModel(): VerbalClassifier & { classified: number; armed: boolean } {
  const m = {
    version: A,
    classified: 0,
    armed: false,
    classify: (inputs: readonly VerbalInput[]) => {
      if (!m.armed) return inputs.map(() => ({ label: 'neutral' as const, score: 0.9, scores: { price_inquiry: 0, discount_request: 0, purchase_intent: 0, resistance: 0, neutral: 0.9 } }));
      m.classified++;
      throw new Error('the main thread must not classify for a comparison');
    },
    dispose: () => {},
  };
  return m;
}

function setup(running: VerbalClassifier, opts: { aDir?: string; bDir?: string } = {}) {
  if ('armed' in running) running.armed = false;
  const runtime = new VerbalRuntime({ classifier: running, id: 'lib/a', dir: opts.aDir ?? aDir, thresholds: { resistance: 0.5 } });
  const store = new SqliteStore(':memory:');
  let t = 1000;
  const service = new SessionService({ store, verbal: runtime, now: () => t++ });
  const id = service.createSession({ participants: [{ name: 'Rep', role: 'rep' }, { name: 'Li', role: 'customer' }] }).id;
  for (let i = 0; i < 60; i++) {
    const u = service.addUtterance(id, { speaker: 'Li', text: `${TEXTS[i % TEXTS.length]} ${i}`, startMs: i * 1000, endMs: i * 1000 + 500 }).utterance;
    service.correct(id, u.id, { label: GOLD[i % GOLD.length]! }, t++);
  }
  const entries: Record<string, LibraryEntry> = { 'lib/b': { id: 'lib/b', dir: opts.bDir ?? bDir, version: B } as LibraryEntry };
  const settings = {
    resolve: (ref: string) => entries[ref]!,
    loadAside: (dir: string) => loadVerbalClassifierAsync({ modelDir: dir }),
  } as unknown as VerbalSettings;
  if ('armed' in running) running.armed = true;
  const measurements = new QualityMeasurements({ service });
  const logs: string[] = [];
  const deps: CompareDeps = { measurements, service, settings, measure: measureInWorker, log: (m) => logs.push(m) };
  return { runtime, deps, logs, close: () => store.close() };
}

const q = { model: 'lib/b', session: null, rowsCap: 50 };

test('the worker answers what this thread would, and the main thread classifies nothing', async () => {
  const m = mainThreadModel();
  const t = setup(m);
  const real = await loadVerbalClassifierAsync({ modelDir: aDir });
  const here = setup(real);
  try {
    const inWorker = await compareWithRunning(t.deps, q, new AbortController().signal);
    expect(m.classified).toBe(0);
    expect(t.logs.some((l) => /comparing lib\/b \(verbal-20261201-bbbbbbbb\) with the running lib\/a .*loaded in \d+ ms/.test(l))).toBe(true);
    const onThread = await compareWithRunning({ ...here.deps, measure: measureOnThisThread }, q, new AbortController().signal);
    expect({ ...inWorker, ms: 0 }).toEqual({ ...onThread, ms: 0 });
    expect(inWorker).toMatchObject({ stored: 60, rows: 50, a: { id: 'lib/a', version: A }, b: { id: 'lib/b', version: B } });
    expect(t.runtime.holdsOn(m)).toBe(0);
  } finally {
    real.dispose();
    t.close();
    here.close();
  }
}, 60_000);

test("the running model's folder replaced meanwhile: 409 running_model_changed; a B that does not load: 422", async () => {
  const m = mainThreadModel();
  const t = setup(m);
  const moved = addLibraryModel(modelsDir, 'a-replaced', 'verbal-20261201-cccccccc');
  const broken = addLibraryModel(modelsDir, 'broken', 'verbal-20261201-dddddddd');
  fs.writeFileSync(path.join(broken, 'weights.bin.gz'), 'not weights');
  try {
    // The server runs A from a folder that holds another version by now.
    const replaced = setup(m, { aDir: moved });
    await expect(compareWithRunning(replaced.deps, q, new AbortController().signal)).rejects.toMatchObject({ status: 409, code: 'running_model_changed', details: { field: 'model' } });
    replaced.close();
    const b = setup(m, { bDir: broken });
    await expect(compareWithRunning(b.deps, q, new AbortController().signal)).rejects.toMatchObject({ status: 422, code: 'model_unloadable', details: { field: 'model' } });
    b.close();
    // Listed, then removed before the worker loads it.
    const gone = setup(m, { bDir: path.join(modelsDir, 'verbal', 'removed-meanwhile') });
    await expect(compareWithRunning(gone.deps, q, new AbortController().signal)).rejects.toMatchObject({ status: 422, code: 'model_unloadable', message: expect.stringMatching(/^model: lib\/b cannot be loaded, so it cannot be compared: /) });
    expect(gone.runtime.holdsOn(m)).toBe(0);
    gone.close();
    expect(m.classified).toBe(0);
  } finally {
    t.close();
  }
}, 60_000);

test('a client gone stops the worker (abandoned, its place freed); the server stopping answers shutting_down', async () => {
  const m = mainThreadModel();
  const t = setup(m);
  try {
    const hungUp = new AbortController();
    const answer = compareWithRunning(t.deps, q, hungUp.signal);
    setTimeout(() => hungUp.abort(), 50);
    await expect(answer).rejects.toMatchObject({ code: 'abandoned' });
    expect(t.runtime.holdsOn(m)).toBe(0);
    const during = compareWithRunning(t.deps, q, new AbortController().signal);
    const closed = t.deps.measurements.close();
    await expect(during).rejects.toMatchObject({ status: 503, code: 'shutting_down' });
    await closed;
    await expect(compareWithRunning(t.deps, q, new AbortController().signal)).rejects.toMatchObject({ status: 503, code: 'shutting_down' });
  } finally {
    t.close();
  }
}, 60_000);
