// The running verbal model and thresholds switched under a SessionService (models/verbalRuntime.ts):
// a session's cached pipeline takes the new ones for its next turn; a re-analysis under way holds
// the model it started with (not disposed under it) and, ending after the switch, is done again
// with the new one, so the session is one model's. Stand-in classifiers, real SQLite.
import { SqliteStore } from '../store/sqliteStore';
import { VerbalRuntime } from '../models/verbalRuntime';
import { keywordStandIn } from '../signals/verbal/keywordStandIn.testkit';
import type { VerbalClassifier } from '../signals/verbal/types';
import { SessionPipeline } from './sessionPipeline';
import { SessionService } from './sessionService';

function model(version: string): VerbalClassifier & { disposed: number } {
  const inner = keywordStandIn();
  const m = { version, disposed: 0, classify: (inputs: Parameters<VerbalClassifier["classify"]>[0]) => inner.classify(inputs), dispose: () => void m.disposed++ };
  return m;
}

function setUp() {
  const store = new SqliteStore(':memory:');
  const a = model('verbal-a');
  const runtime = new VerbalRuntime({ classifier: a, id: 'base', dir: '/a', thresholds: {} });
  let t = 1000;
  const service = new SessionService({ store, verbal: runtime, now: () => t++, reanalysisSlice: { items: 1, ms: 0 } });
  const id = service.createSession({ participants: [{ name: 'Li', role: 'customer' }, { name: 'Ada', role: 'rep' }] }).id;
  return { store, a, runtime, service, id };
}

const turn = (i: number) => ({ speaker: 'Li', text: `What is the price of plan ${i}?`, startMs: i * 1000, endMs: i * 1000 + 500 });

test('a live session’s next turn uses the model and thresholds switched in, its stored turns keep theirs', () => {
  const { store, runtime, service, id } = setUp();
  service.addUtterance(id, turn(1));
  runtime.replace({ classifier: model('verbal-b'), id: 'lib/b' });
  service.addUtterance(id, turn(2));
  runtime.replace({ thresholds: { price_inquiry: 0.9 } });
  service.addUtterance(id, turn(3));
  const snap = service.snapshot(id);
  expect(snap.signals.map((s) => [snap.utterances.find((u) => u.id === (s as { utteranceId: number }).utteranceId)?.startMs, s.modelVersion])).toEqual([
    [1000, 'verbal-a'],
    [2000, 'verbal-b'],
  ]);
  expect(service.modelVersion).toBe('verbal-b');
  expect(service.signalThresholds).toEqual({ price_inquiry: 0.9 });
  store.close();
});

test('a re-analysis under way holds its model through a switch and ends with the session all the new model’s', async () => {
  const { store, a, runtime, service, id } = setUp();
  for (let i = 0; i < 60; i++) service.addUtterance(id, turn(i));
  const running = service.reanalyse(id);
  // A few slices in, the model is switched.
  for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
  expect(runtime.holdsOn(a)).toBe(1);
  const b = model('verbal-b');
  runtime.replace({ classifier: b, id: 'lib/b' });
  expect(a.disposed).toBe(0);
  const { snapshot, previous } = await running;
  expect(previous.verbal).toEqual(['verbal-a']);
  expect(snapshot.modelVersions.verbal).toEqual(['verbal-b']);
  expect(snapshot.signals).toHaveLength(60);
  // Released at its end: the replaced model is disposed once, the running one not.
  expect(runtime.holdsOn(a)).toBe(0);
  expect(a.disposed).toBe(1);
  expect(b.disposed).toBe(0);
  store.close();
});

test('a re-analysis with no switch meanwhile keeps the result it computed aside', async () => {
  const { store, a, runtime, service, id } = setUp();
  for (let i = 0; i < 10; i++) service.addUtterance(id, turn(i));
  const { snapshot } = await service.reanalyse(id);
  expect(snapshot.modelVersions.verbal).toEqual(['verbal-a']);
  expect(runtime.holdsOn(a)).toBe(0);
  expect(a.disposed).toBe(0);
  store.close();
});

test('a session records the thresholds its analysis was made under: live turns those of their time, a re-analysis today’s', async () => {
  const { store, runtime, service, id } = setUp();
  service.addUtterance(id, turn(1));
  expect(service.snapshot(id).modelVersions.thresholds).toEqual([{}]);
  runtime.replace({ thresholds: { price_inquiry: 0.9, resistance: 0.5 } });
  service.addUtterance(id, turn(2));
  // Recorded in one form whatever the order of the labels.
  runtime.replace({ thresholds: { resistance: 0.5, price_inquiry: 0.9 } });
  service.addUtterance(id, turn(3));
  expect(service.snapshot(id).modelVersions.thresholds).toEqual([{ price_inquiry: 0.9, resistance: 0.5 }, {}]);
  const { snapshot, previous } = await service.reanalyse(id);
  expect(previous.thresholds).toEqual([{ price_inquiry: 0.9, resistance: 0.5 }, {}]);
  expect(snapshot.modelVersions.thresholds).toEqual([{ price_inquiry: 0.9, resistance: 0.5 }]);
  // A thresholds-only switch during a re-analysis: the session ends all under the new ones.
  const running = service.reanalyse(id);
  await new Promise((r) => setImmediate(r));
  runtime.replace({ thresholds: { resistance: 0.7 } });
  expect((await running).snapshot.modelVersions.thresholds).toEqual([{ resistance: 0.7 }]);
  store.close();
});

test('a switch during a re-analysis starts it again aside with the new model, not in place (which held the event loop for the whole session)', async () => {
  const { store, runtime, service, id } = setUp();
  for (let i = 0; i < 60; i++) service.addUtterance(id, turn(i));
  const inPlace = jest.spyOn(SessionPipeline.prototype, 'reanalyze');
  try {
    const running = service.reanalyse(id);
    for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
    const b = model('verbal-b');
    runtime.replace({ classifier: b, id: 'lib/b' });
    const { snapshot } = await running;
    expect(snapshot.modelVersions.verbal).toEqual(['verbal-b']);
    expect(snapshot.signals).toHaveLength(60);
    expect(inPlace).not.toHaveBeenCalled();
  } finally {
    inPlace.mockRestore();
  }
  store.close();
});

test('switches that keep coming during a re-analysis: after two fresh starts it is done in place, all under the last thresholds, no turn lost', async () => {
  const { store, runtime, service, id } = setUp();
  for (let i = 0; i < 60; i++) service.addUtterance(id, turn(i));
  let done = false;
  const running = service.reanalyse(id).finally(() => (done = true));
  let k = 0;
  while (!done) {
    for (let t = 0; t < 3; t++) await new Promise((r) => setImmediate(r));
    if (!done) runtime.replace({ thresholds: { resistance: 0.5 + (k++ % 5) / 10 } });
  }
  const { snapshot } = await running;
  expect(k).toBeGreaterThan(2);
  expect(snapshot.utterances).toHaveLength(60);
  expect(snapshot.modelVersions.thresholds).toEqual([runtime.current.thresholds]);
  store.close();
});
