// SessionService's coach posture labels without transports: which frame a label goes on (the
// participant's frame with a person nearest the time, within the window, the earlier on a tie),
// what is stored, what is refused and in which order (then nothing is stored or published), what
// the listeners hear, and that labels outlive role changes, re-analyses and a restart on a file
// store, exported with the signals on at each frame. The store and posture model are real.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIMITS, VERBAL_LABELS, type PoseIn, type VerbalLabel } from '../../protocol/protocol';
import { SqliteStore } from '../store/sqliteStore';
import type { VerbalClassifier } from '../signals/verbal/types';
import { SessionService, type SessionEvent } from './sessionService';
import { nearestLabelFrame } from './postureLabelFrame';
import { refusal } from '../errors/refusal.testkit';
import { useRealModels } from './models.testkit';
import { postureLabelsRow } from '../ingest/postureLabelsExport';

/** Every turn neutral: these tests are about posture. */
const classifier: VerbalClassifier = {
  version: 'stand-in-1',
  classify: (inputs) => inputs.map(() => ({ label: 'neutral', score: 0.8, scores: Object.fromEntries(VERBAL_LABELS.map((l) => [l, l === 'neutral' ? 0.8 : 0.05])) as Record<VerbalLabel, number> })),
  dispose: () => {},
};

const pose: PoseIn = { landmarks: Array.from({ length: 33 }, (_, k) => ({ x: 0.4 + (k % 5) * 0.05, y: 0.1 + k * 0.025 })) };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A session with Ada (rep), Li (customer), Mo (no role); Li's frames at the given times (`[]`: nobody found). */
function setup(frames: Array<[number, PoseIn[]]> = [], file = ':memory:') {
  const store = new SqliteStore(file);
  const service = new SessionService({ store, classifier, now: () => 1_000 });
  const events: SessionEvent[] = [];
  service.onEvent((e) => void (e.type === 'posture_labelled' && events.push(e)));
  const id = service.createSession({ participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] }).id;
  store.addParticipants(id, [{ name: 'Mo', role: null }]);
  const ids = frames.map(([mediaMs, poses]) => service.addLandmarks({ sessionId: id, participant: 'Li', mediaMs, poses }, 'browser').frameId);
  return { store, service, events, id, ids };
}

describe('nearestLabelFrame', () => {
  const at = (id: number, mediaMs: number) => ({ id, mediaMs });
  it('takes the nearer of the frames before and after, the earlier on a tie, within the window inclusive', () => {
    expect(nearestLabelFrame({ before: at(1, 900), after: at(2, 1200) }, 1000)).toEqual({ frame: at(1, 900) });
    expect(nearestLabelFrame({ before: at(1, 700), after: at(2, 1200) }, 1000)).toEqual({ frame: at(2, 1200) });
    expect(nearestLabelFrame({ before: at(1, 800), after: at(2, 1200) }, 1000)).toEqual({ frame: at(1, 800) });
    expect(nearestLabelFrame({ before: at(1, 1000) }, 1000)).toEqual({ frame: at(1, 1000) });
    expect(nearestLabelFrame({ after: at(2, 1500) }, 500)).toEqual({ frame: at(2, 1500) });
  });

  it(`accepts a frame exactly ${LIMITS.postureLabelFrameWindowMs} ms away and names the nearest one beyond that`, () => {
    const w = LIMITS.postureLabelFrameWindowMs;
    expect(nearestLabelFrame({ before: at(1, 5000) }, 5000 + w)).toEqual({ frame: at(1, 5000) });
    expect(nearestLabelFrame({ after: at(2, 5000) }, 5000 - w)).toEqual({ frame: at(2, 5000) });
    expect(nearestLabelFrame({ before: at(1, 5000) }, 5001 + w)).toEqual({ frame: null, nearest: at(1, 5000) });
    expect(nearestLabelFrame({ before: at(1, 1000), after: at(2, 9000) }, 5000)).toEqual({ frame: null, nearest: at(1, 1000) });
    expect(nearestLabelFrame({}, 5000)).toEqual({ frame: null, nearest: null });
  });
});

describe('SessionService posture labels', () => {
  it('labels the frame with a person nearest the time (frames where nobody was found skipped), replaces the labels of a frame labelled again, and publishes each; an empty note is none', () => {
    const { service, events, id, ids } = setup([[1000, [pose]], [1400, []], [1600, [pose]], [3000, [pose]]]);
    const [f1000, , f1600, f3000] = ids as [number, number, number, number];
    // 1450: the frame at 1400 found nobody; 1600 is nearer than 1000.
    const first = service.labelPosture(id, { participant: 'Li', mediaMs: 1450, labels: ['open_palms', 'leaning_forward'], note: 'leans in' }, 5_000);
    expect(first).toEqual({ sessionId: id, frameId: f1600, participant: 'Li', mediaMs: 1600, labels: ['leaning_forward', 'open_palms'], note: 'leans in', labelledAt: 5_000 });
    // 1300 is as near 1000 as 1600: the earlier one.
    const tie = service.labelPosture(id, { participant: 'Li', mediaMs: 1300, labels: ['neutral'] }, 6_000);
    expect(tie.frameId).toBe(f1000);
    // Another time that lands on the frame at 1600 replaces its labels.
    const again = service.labelPosture(id, { participant: 'Li', mediaMs: 2000, labels: ['arms_crossed'], note: '' }, 7_000);
    expect(again).toEqual({ ...first, labels: ['arms_crossed'], note: null, labelledAt: 7_000 });
    // Exactly the window away.
    expect(service.labelPosture(id, { participant: 'Li', mediaMs: 4000, labels: ['sitting_far'] }, 8_000).frameId).toBe(f3000);
    expect(service.snapshot(id).postureLabels.map((l) => [l.frameId, l.labels])).toEqual([[f1000, ['neutral']], [f1600, ['arms_crossed']], [f3000, ['sitting_far']]]);
    expect(events.map((e) => e.type === 'posture_labelled' && [e.frameId, e.labels?.labelledAt])).toEqual([[f1600, 5_000], [f1000, 6_000], [f1600, 7_000], [f3000, 8_000]]);
    expect(events[0]).toEqual({ type: 'posture_labelled', sessionId: id, frameId: f1600, labels: first });
  });

  it('refuses, in the order protocol.md gives, an unknown session, an unknown participant, a rep or one with no role, and no frame in the window; storing and publishing nothing', () => {
    const { service, events, id } = setup([[10_000, [pose]], [12_000, []]]);
    const put = (session: string, participant: string, mediaMs: number) => refusal(() => service.labelPosture(session, { participant, mediaMs, labels: ['neutral'] }, 1));
    expect(put('nope', 'Nobody', 0).toApi()).toEqual({ code: 'not_found', field: 'sessionId', message: 'session "nope" does not exist' });
    const unknown = put(id, 'Nobody', 0);
    expect(unknown.status).toBe(404);
    expect(unknown.toApi()).toEqual({ code: 'not_found', field: 'participant', message: `participant: "Nobody" is not a participant of session "${id}"` });
    const rep = put(id, 'Ada', 99_999);
    expect(rep.status).toBe(409);
    expect(rep.toApi()).toEqual({ code: 'not_customer', field: 'participant', message: 'participant: only customers carry posture signals; "Ada" has role rep' });
    expect(put(id, 'Mo', 0).toApi()).toEqual({ code: 'not_customer', field: 'participant', message: 'participant: only customers carry posture signals; "Mo" has no role yet: assign one first (PUT /roles)' });
    const far = put(id, 'Li', 11_001);
    expect(far.status).toBe(404);
    expect(far.toApi()).toEqual({ code: 'no_frame', field: 'mediaMs', message: 'mediaMs: "Li" has no stored frame with a person found within 1000 ms of 11001 ms; the nearest is at 10000 ms' });
    // The frame at 12,000 found nobody: it is not one to label, nor the nearest.
    expect(put(id, 'Li', 12_000).toApi().message).toMatch(/the nearest is at 10000 ms$/);
    const none = setup([[500, []]]);
    expect(refusal(() => none.service.labelPosture(none.id, { participant: 'Li', mediaMs: 500, labels: ['neutral'] }, 1)).toApi()).toEqual({
      code: 'no_frame', field: 'mediaMs', message: 'mediaMs: "Li" has no stored frame in which a person was found, so there is no frame to label (send their landmarks or video frames first)',
    });
    expect(service.snapshot(id).postureLabels).toEqual([]);
    expect(events).toEqual([]);
  });

  it('removes a frame\'s labels (published with labels null) and says false, publishing nothing, when there were none; an unknown session is 404', () => {
    const { service, events, id, ids } = setup([[1000, [pose]]]);
    service.labelPosture(id, { participant: 'Li', mediaMs: 1000, labels: ['neutral'] }, 1);
    events.length = 0;
    expect(service.removePostureLabels(id, ids[0]!)).toBe(true);
    expect(events).toEqual([{ type: 'posture_labelled', sessionId: id, frameId: ids[0], labels: null }]);
    expect(service.removePostureLabels(id, ids[0]!)).toBe(false);
    expect(service.removePostureLabels(id, 999_999)).toBe(false);
    expect(events).toHaveLength(1);
    expect(service.snapshot(id).postureLabels).toEqual([]);
    expect(refusal(() => service.removePostureLabels('nope', ids[0]!)).toApi().field).toBe('sessionId');
    expect(refusal(() => service.postureLabelsForExport('nope')).status).toBe(404);
  });
});

describe('SessionService posture labels export of every session, a session deleted meanwhile', () => {
  /** Two sessions (A then B) on one store, Li's one frame labelled in each. */
  function twoSessions() {
    const store = new SqliteStore(':memory:');
    const service = new SessionService({ store, classifier, now: () => 1_000 });
    const ids = ['A', 'B'].map((title) => {
      const id = service.createSession({ title, participants: [{ name: 'Li', role: 'customer' }] }).id;
      service.addLandmarks({ sessionId: id, participant: 'Li', mediaMs: 1000, poses: [pose] }, 'browser');
      service.labelPosture(id, { participant: 'Li', mediaMs: 1000, labels: ['neutral'] }, 1);
      return id;
    });
    return { service, a: ids[0]!, b: ids[1]! };
  }

  it('one deleted while its rows are read fails the iteration (404): never a session in part', async () => {
    const { service, a } = twoSessions();
    const rows = service.postureLabelsForExport()[Symbol.iterator]();
    expect(rows.next().value?.labels.sessionId).toBe(a);
    await service.deleteSession(a);
    expect(refusal(() => rows.next()).status).toBe(404);
  });

  it('one deleted before its turn is left out, and the rest is whole', async () => {
    const { service, a, b } = twoSessions();
    const rows = service.postureLabelsForExport()[Symbol.iterator]();
    const first = rows.next().value;
    expect(first?.labels.sessionId).toBe(a);
    await service.deleteSession(b);
    expect([first, ...{ [Symbol.iterator]: () => rows }].map((r) => r!.labels.sessionId)).toEqual([a]);
  });
});

describe('SessionService posture labels on the demo meeting (real posture model)', () => {
  const models = useRealModels();

  it('keeps labels through role changes (both re-analysis paths), a re-analysis and a restart on a file store; the export follows the role and reads the signals on at each frame', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-posture-labels-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    const { demo, posture, verbal } = models;
    const track = demo.posture!;
    let store = new SqliteStore(file);
    let service = new SessionService({ store, classifier: verbal, posture, now: () => 2_000 });
    const id = service.createSession({ title: 'demo', participants: demo.participants }).id;
    expect(demo.participants.find((p) => p.name === track.participant)?.role).toBe('customer');
    for (const f of track.frames) service.addLandmarks({ sessionId: id, participant: track.participant, mediaMs: f.mediaMs, poses: f.poses, aspect: track.aspect }, 'browser');
    const signals = service.snapshot(id).signals.filter((s) => s.kind === 'posture');
    expect(signals.length).toBeGreaterThan(0);
    // Label the frame in the middle of each posture signal, and one 10 ms off a frame's time.
    const times = [...new Set(signals.map((s) => (s.kind === 'posture' ? Math.round((s.startedMs + (s.endedMs ?? s.startedMs + 2000)) / 2 / 200) * 200 : 0)))];
    for (const t of times) service.labelPosture(id, { participant: track.participant, mediaMs: t + 10, labels: ['neutral'], note: `at ${t}` }, 3_000);
    const labels = service.snapshot(id).postureLabels;
    expect(labels.map((l) => l.mediaMs)).toEqual([...times].sort((a, b) => a - b));
    const rows = () => [...service.postureLabelsForExport(id)].map(postureLabelsRow);
    const before = rows();
    expect(before).toHaveLength(times.length);
    for (const r of before) {
      const on = signals.filter((s) => s.kind === 'posture' && s.label !== 'nodding' && s.startedMs <= r.media_ms && (s.endedMs === null || s.endedMs > r.media_ms)).map((s) => s.label);
      expect([...r.model_labels].sort()).toEqual([...new Set(on)].sort());
      expect(r).toMatchObject({ role: 'customer', participant: track.participant, aspect: track.aspect, source: 'browser', model_version: posture.version });
      expect(r.landmarks).toEqual(track.frames.find((f) => f.mediaMs === r.media_ms)!.poses[0]!.landmarks);
    }
    expect(before.some((r) => r.model_labels.length > 0)).toBe(true);

    await service.setRoles(id, { [track.participant]: 'rep' });
    expect(service.snapshot(id).postureLabels).toEqual(labels);
    expect(rows()).toEqual([]);
    expect(refusal(() => service.labelPosture(id, { participant: track.participant, mediaMs: times[0]!, labels: ['neutral'] }, 4_000)).code).toBe('not_customer');
    service.setRolesNow(id, { [track.participant]: 'customer' });
    await service.reanalyse(id);
    expect(service.snapshot(id).postureLabels).toEqual(labels);
    expect(rows()).toEqual(before);
    expect(service.listSessions().find((s) => s.id === id)?.postureLabelCount).toBe(times.length);

    store.close();
    store = new SqliteStore(file);
    service = new SessionService({ store, classifier: verbal, posture, now: () => 5_000 });
    expect(service.snapshot(id).postureLabels).toEqual(labels);
    expect(rows()).toEqual(before);
    expect(service.removePostureLabels(id, labels[0]!.frameId)).toBe(true);
    expect(service.snapshot(id).postureLabels).toEqual(labels.slice(1));
    store.close();
  });
});
