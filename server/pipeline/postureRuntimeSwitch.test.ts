// The running posture model switched under a SessionService (models/postureRuntime.ts): a live
// customer's next frame is the new model's, their tracker going on with what it learnt (a switch
// alone ends no posture); a re-analysis under way holds the model it started with and, ending
// after the switch, is done again with the new one. Real posture weights under two versions, real SQLite.
import { PostureRuntime } from '../models/postureRuntime';
import { projectPath } from '../paths';
import { initTf } from '../runtime/backend';
import { landmarksFromPose } from '../signals/pose/fromLandmarks';
import { loadArtifact } from '../signals/posture/artifact';
import { createPostureClassifier, type PostureClassifier } from '../signals/posture/model';
import { ARMS, posture, view } from '../signals/posture/testkit';
import { keywordStandIn } from '../signals/verbal/keywordStandIn.testkit';
import { SqliteStore } from '../store/sqliteStore';
import { SessionService } from './sessionService';

const crossedLeaningBack = () => landmarksFromPose(view(posture(ARMS.crossed, -22), { frameFrom: posture(ARMS.hanging) }));
const upright = () => landmarksFromPose(view(posture(ARMS.hanging), { frameFrom: posture(ARMS.hanging) }));

function model(version: string): PostureClassifier & { disposed: number } {
  const inner = createPostureClassifier(version, loadArtifact(projectPath('models', 'posture')).artifact);
  const m = { version, thresholds: inner.thresholds, disposed: 0, predict: (f: Parameters<PostureClassifier['predict']>[0]) => inner.predict(f), dispose: () => void (m.disposed++, inner.dispose()) };
  return m;
}

beforeAll(async () => {
  await initTf();
});

function setUp() {
  const store = new SqliteStore(':memory:');
  const a = model('posture-20261201-aaaaaaaa');
  const runtime = new PostureRuntime({ classifier: a, id: 'base', dir: '/a' });
  const service = new SessionService({ store, classifier: keywordStandIn(), postureRuntime: runtime, now: () => 1000, reanalysisSlice: { items: 1, ms: 0 } });
  const id = service.createSession({ participants: [{ name: 'Dana', role: 'customer' }, { name: 'Rep', role: 'rep' }] }).id;
  const frames = (from: number, to: number, pose: () => unknown) => {
    for (let t = from; t <= to; t += 200) service.addLandmarks({ sessionId: id, participant: 'Dana', mediaMs: t, poses: [pose()], aspect: 4 / 3 } as never, 'browser');
  };
  return { store, a, runtime, service, id, frames };
}

test('a live customer’s next frame is the new model’s; postures on stay on across the switch', () => {
  const { store, a, runtime, service, id, frames } = setUp();
  frames(0, 2000, upright);
  frames(2200, 6000, crossedLeaningBack);
  const on = service.snapshot(id).signals.filter((s) => s.kind === 'posture');
  expect(on.length).toBeGreaterThan(0);
  const b = model('posture-20261201-bbbbbbbb');
  runtime.replace({ classifier: b, id: 'lib/b' });
  expect(a.disposed).toBe(1);
  // The same posture held on: no signal ends or starts because of the switch.
  frames(6200, 7000, crossedLeaningBack);
  const after = service.snapshot(id).signals.filter((s) => s.kind === 'posture');
  expect(after.map((s) => [s.id, s.endedMs])).toEqual(on.map((s) => [s.id, null]));
  // Sitting up ends them; crossing the arms again is the new model's.
  frames(7200, 10000, upright);
  frames(10200, 14000, crossedLeaningBack);
  const later = service.snapshot(id).signals.filter((s) => s.kind === 'posture' && s.mediaMs >= 10200);
  expect(later.length).toBeGreaterThan(0);
  expect(later.every((s) => s.modelVersion === b.version)).toBe(true);
  expect(service.snapshot(id).modelVersions.posture).toEqual([a.version, b.version]);
  runtime.dispose();
  store.close();
});

test('a re-analysis under way holds its posture model through a switch and ends with the session all the new model’s', async () => {
  const { store, a, runtime, service, id, frames } = setUp();
  frames(0, 2000, upright);
  frames(2200, 8000, crossedLeaningBack);
  const running = service.reanalyse(id);
  for (let k = 0; k < 3; k++) await new Promise((r) => setImmediate(r));
  expect(runtime.holdsOn(a)).toBe(1);
  const b = model('posture-20261201-bbbbbbbb');
  runtime.replace({ classifier: b, id: 'lib/b' });
  expect(a.disposed).toBe(0);
  const { snapshot, previous } = await running;
  expect(previous.posture).toEqual([a.version]);
  expect(snapshot.modelVersions.posture).toEqual([b.version]);
  expect(runtime.holdsOn(a)).toBe(0);
  expect(a.disposed).toBe(1);
  runtime.dispose();
  store.close();
});
