// The core without transports: the same meeting fed at different wall-clock speeds, or
// as one upload, gives the same signals and cues (time is data). Real models and SQLite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTf } from '../runtime/backend';
import { loadVerbalClassifier } from '../signals/verbal/model';
import { loadPostureClassifier } from '../signals/posture/model';
import { SqliteStore } from '../store/sqliteStore';
import { projectPath } from '../paths';
import { loadDemoMeeting, type DemoMeeting } from '../demo/demo';
import { SessionService } from './sessionService';
import type { VerbalClassifier } from '../signals/verbal/types';
import type { PostureClassifier } from '../signals/posture/model';
import { LIMITS } from '../../protocol/protocol';
import { ValidationError } from '../errors/errors';

let verbal: VerbalClassifier;
let posture: PostureClassifier;
let demo: DemoMeeting;
beforeAll(async () => {
  await initTf();
  verbal = loadVerbalClassifier({ modelDir: projectPath('models', 'verbal') });
  posture = loadPostureClassifier({ modelDir: projectPath('models', 'posture') });
  demo = loadDemoMeeting();
});
afterAll(() => {
  verbal.dispose();
  posture.dispose();
});

/** Plays the demo (words and posture) with a wall clock that advances `msPerMediaMs` per media ms. */
function play(msPerMediaMs: number, restarts: { file: string; every: number } | undefined = undefined, words = false) {
  let store = new SqliteStore(restarts?.file ?? ':memory:');
  let wall = 1_000_000;
  let service = new SessionService({ store, classifier: verbal, posture, now: () => wall });
  const id = service.createSession({ title: 't', participants: demo.participants }).id;
  const steps = [
    ...demo.utterances.map((u) => ({ t: u.startMs, run: () => void service.addUtterance(id, u) })),
    ...(words ? [] : demo.posture?.frames ?? []).map((f) => ({
      t: f.mediaMs,
      run: () => void service.addLandmarks({ sessionId: id, participant: demo.posture!.participant, mediaMs: f.mediaMs, poses: f.poses, aspect: demo.posture!.aspect }, 'browser'),
    })),
  ].sort((a, b) => a.t - b.t);
  for (const [i, s] of steps.entries()) {
    wall = 1_000_000 + Math.round(s.t * msPerMediaMs);
    if (restarts && i > 0 && i % restarts.every === 0) {
      // A restart: a new process's store and service, with only what the file holds.
      store.close();
      store = new SqliteStore(restarts.file);
      service = new SessionService({ store, classifier: verbal, posture, now: () => wall });
    }
    s.run();
  }
  const snap = service.snapshot(id);
  store.close();
  // Wall-clock fields differ by design; everything else must match.
  return {
    signals: snap.signals.map(({ id: _id, sessionId: _s, ...rest }) => rest),
    cues: snap.cues.map(({ id: _id, sessionId: _s, inputReceivedAt: _r, emittedAt: _e, evidence, ...rest }) => ({ ...rest, evidence: evidence.map((e) => [e.kind, e.label, e.mediaMs]) })),
  };
}

describe('SessionService', () => {
  it('gives the same signals and cues at 1x and 10x', () => {
    const slow = play(1);
    const fast = play(0.1);
    expect(fast).toEqual(slow);
    expect(slow.cues.length).toBeGreaterThan(2);
    expect(slow.signals.some((s) => s.kind === 'posture')).toBe(true);
  });

  it('gives the same signals and cues with restarts in the middle (cue engine and posture trackers come back from the store)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-restore-'));
    try {
      const straight = play(1, undefined, true);
      expect(straight.cues.map((c) => c.reason)).toEqual(expect.arrayContaining(['customer_resists', 'objection_removed', 'signals_accumulating']));
      for (const every of [1, 2, 5]) {
        expect(play(1, { file: path.join(dir, `every-${every}.db`), every }, true)).toEqual(straight);
      }
      // With posture: the trackers come back from the stored frames.
      const withPosture = play(1);
      expect(withPosture.cues.map((c) => c.reason)).toContain('benefit_acknowledged');
      for (const every of [40]) {
        expect(play(1, { file: path.join(dir, `posture-every-${every}.db`), every })).toEqual(withPosture);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-analysis after a role change reproduces the live result', () => {
    const store = new SqliteStore(':memory:');
    const service = new SessionService({ store, classifier: verbal, posture, now: () => 0 });
    const id = service.createSession({ title: 't' }).id;
    service.upload(id, demo.utterances, []);
    expect(service.snapshot(id).signals).toEqual([]);
    const roles = Object.fromEntries(demo.participants.map((p) => [p.name, p.role]));
    const after = service.setRoles(id, roles);

    const store2 = new SqliteStore(':memory:');
    const service2 = new SessionService({ store: store2, classifier: verbal, posture, now: () => 0 });
    const id2 = service2.createSession({ title: 't', participants: demo.participants }).id;
    service2.upload(id2, demo.utterances, demo.participants);
    const strip = (s: typeof after) => s.cues.map((c) => [c.type, c.reason, c.mediaMs, c.score]);
    expect(strip(after)).toEqual(strip(service2.snapshot(id2)));
    store.close();
    store2.close();
  });

  it('stores the most probable label as a signal, however low its score, unless a threshold says otherwise; a cue asks more', () => {
    // What eval verbal measures is what the pipeline stores: the same rule (decision.ts).
    const weakIntent: VerbalClassifier = {
      version: 'weak-intent',
      classify: (inputs) => inputs.map(() => ({ label: 'purchase_intent', score: 0.34, scores: { price_inquiry: 0.2, discount_request: 0.1, purchase_intent: 0.34, resistance: 0.06, neutral: 0.3 } })),
      dispose: () => undefined,
    };
    const run = (options?: { signalThresholds: { purchase_intent: number }; cueEngine: object }) => {
      const store = new SqliteStore(':memory:');
      const service = new SessionService({ store, classifier: weakIntent, now: () => 0, ...(options && { options }) });
      const id = service.createSession({ participants: [{ name: 'C', role: 'customer' }] }).id;
      const r = service.addUtterance(id, { speaker: 'C', text: 'ok let us do it', startMs: 0, endMs: 900 });
      store.close();
      return r;
    };
    const weak = run();
    expect(weak.signal).toMatchObject({ label: 'purchase_intent', score: 0.34 });
    // A cue interrupts the manager: it asks more of a signal (the cue engine's minSignalScore).
    expect(weak.cues).toEqual([]);
    const held = run({ signalThresholds: { purchase_intent: 0.5 }, cueEngine: {} });
    expect(held.signal).toBeUndefined();
    expect(held.cues).toEqual([]);
  });

  it('setRoles adds names not yet in the session as participants, within the participant limit', () => {
    const store = new SqliteStore(':memory:');
    const service = new SessionService({ store, classifier: verbal, now: () => 0 });
    const participants = Array.from({ length: LIMITS.participantsMax - 1 }, (_, i) => ({ name: `guest ${i}`, role: 'rep' as const }));
    const id = service.createSession({ title: 't', participants }).id;
    expect(service.setRoles(id, { 'Ms Chen': 'customer' }).session.participants).toHaveLength(LIMITS.participantsMax);
    const over = () => service.setRoles(id, { 'guest 0': 'customer', 'one too many': 'customer' });
    expect(over).toThrow(ValidationError);
    expect(over).toThrow(`session would have ${LIMITS.participantsMax + 1} participants; the limit is ${LIMITS.participantsMax}`);
    // Nothing of the refused call is stored, not even the role of the known name.
    expect(service.requireSession(id).participants).toHaveLength(LIMITS.participantsMax);
    expect(service.requireSession(id).participants[0]).toEqual({ name: 'guest 0', role: 'rep' });
    store.close();
  });
});
