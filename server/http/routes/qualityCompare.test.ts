// GET /api/quality/compare's measurement with fake models: B is disposed after it whatever
// happens (answered, failed, the client gone, the server stopping), A is held through it and
// released, and the places and refusals are GET /api/quality's. Fake models live on this thread:
// measured there (measureOnThisThread); the worker's path is test/integration/compare.test.ts's.
import { VerbalRuntime } from '../../models/verbalRuntime';
import type { VerbalSettings } from '../../models/verbalSettings';
import type { LibraryEntry } from '../../models/verbalLibrary';
import { SessionService } from '../../pipeline/sessionService';
import { priceStandIn } from '../../signals/verbal/priceStandIn.testkit';
import { SqliteStore } from '../../store/sqliteStore';
import { QualityMeasurements } from './quality';
import { compareWithRunning, measureOnThisThread } from './qualityCompare';

const model = priceStandIn;

function setup(opts: { onClassifyB?: () => void; loadFails?: boolean } = {}) {
  const a = model('verbal-a');
  const b = model('verbal-b', opts.onClassifyB);
  const runtime = new VerbalRuntime({ classifier: a, id: 'base', dir: '/nowhere/a', thresholds: {} });
  const store = new SqliteStore(':memory:');
  let t = 1000;
  const service = new SessionService({ store, verbal: runtime, now: () => t++ });
  const id = service.createSession({ participants: [{ name: 'Li', role: 'customer' }] }).id;
  for (let i = 0; i < 600; i++) {
    const u = service.addUtterance(id, { speaker: 'Li', text: i % 2 ? `What is the price of ${i}?` : `Fine, thanks ${i}.`, startMs: i * 1000, endMs: i * 1000 + 500 }).utterance;
    service.correct(id, u.id, { label: i % 3 ? 'price_inquiry' : 'neutral' }, t++);
  }
  const entries: Record<string, LibraryEntry> = {
    base: { id: 'base', dir: '/nowhere/a', version: 'verbal-a' } as LibraryEntry,
    'lib/b': { id: 'lib/b', dir: '/nowhere/b', version: 'verbal-b' } as LibraryEntry,
  };
  const settings = {
    resolve: (ref: string) => entries[ref]!,
    loadAside: async () => {
      if (opts.loadFails) throw new Error('weights.bin.gz is damaged');
      return b;
    },
  } as unknown as VerbalSettings;
  const measurements = new QualityMeasurements({ service });
  return { a, b, runtime, measurements, deps: { measurements, service, settings, measure: measureOnThisThread }, close: () => store.close() };
}

const q = { model: 'lib/b', session: null, rowsCap: 5000 };

test('answers, then disposes B and releases A', async () => {
  const t = setup();
  try {
    const r = await compareWithRunning(t.deps, q, new AbortController().signal);
    expect(r).toMatchObject({ rows: 600, a: { id: 'base', trainedOn: null }, b: { id: 'lib/b', trainedOn: null } });
    expect(t.b.disposed).toBe(1);
    expect(t.runtime.holdsOn(t.a)).toBe(0);
  } finally {
    t.close();
  }
});

test('the running model is refused (409 same_model); one that does not load is 422, holding nothing', async () => {
  const t = setup({ loadFails: true });
  try {
    await expect(compareWithRunning(t.deps, { ...q, model: 'base' }, new AbortController().signal)).rejects.toMatchObject({ status: 409, code: 'same_model' });
    await expect(compareWithRunning(t.deps, q, new AbortController().signal)).rejects.toMatchObject({ status: 422, code: 'model_unloadable', details: { field: 'model' } });
    expect(t.runtime.holdsOn(t.a)).toBe(0);
  } finally {
    t.close();
  }
});

test('a client gone mid-way stops it (B disposed, its place freed); the server stopping answers shutting_down', async () => {
  const hungUp = new AbortController();
  const t = setup({ onClassifyB: () => hungUp.abort() });
  try {
    await expect(compareWithRunning(t.deps, q, hungUp.signal)).rejects.toMatchObject({ code: 'abandoned' });
    expect(t.b.disposed).toBe(1);
    expect(t.runtime.holdsOn(t.a)).toBe(0);
    // Stopping mid-way: shutting_down, B disposed; later ones refused.
    let stopped: Promise<void> | undefined;
    const s = setup({ onClassifyB: () => void (stopped ??= s.measurements.close()) });
    try {
      await expect(compareWithRunning(s.deps, q, new AbortController().signal)).rejects.toMatchObject({ status: 503, code: 'shutting_down' });
      await stopped;
      expect(s.b.disposed).toBe(1);
      await expect(compareWithRunning(s.deps, q, new AbortController().signal)).rejects.toMatchObject({ status: 503, code: 'shutting_down' });
      expect(s.runtime.holdsOn(s.a)).toBe(0);
    } finally {
      s.close();
    }
  } finally {
    t.close();
  }
});
