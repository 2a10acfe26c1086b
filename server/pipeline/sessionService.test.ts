// The core without transports: the same meeting fed at different wall-clock speeds, or
// as one upload, gives the same signals and cues (time is data). Real models and SQLite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useRealModels } from './models.testkit';
import { SqliteStore } from '../store/sqliteStore';
import type { DemoMeeting } from '../demo/demo';
import { SessionService } from './sessionService';
import { DEFAULT_PIPELINE_OPTIONS, type PipelineOptions } from './sessionPipeline';
import Database from 'better-sqlite3';
import type { VerbalClassifier } from '../signals/verbal/types';
import type { PostureClassifier } from '../signals/posture/model';
import { LIMITS } from '../../protocol/protocol';
import { ValidationError } from '../errors/errors';

const models = useRealModels();
let verbal: VerbalClassifier;
let posture: PostureClassifier;
let demo: DemoMeeting;
beforeAll(() => ({ verbal, posture, demo } = models));

interface PlayOptions {
  options?: PipelineOptions;
  /** The posture model after `restarts` restarts (the same one throughout by default). */
  postureModel?: (restarts: number) => PostureClassifier;
  /** Runs on the database file while the server is down, before each restart. */
  atRestart?: (file: string) => void;
  /** Rearranges the steps (words and frames in media-time order) before they are played. */
  reorder?: <T extends { t: number; frame: boolean }>(steps: T[]) => T[];
}

/** Plays the demo (words and posture) with a wall clock that advances `msPerMediaMs` per media ms. */
function play(msPerMediaMs: number, restarts: { file: string; every: number } | undefined = undefined, words = false, o: PlayOptions = {}) {
  let store = new SqliteStore(restarts?.file ?? ':memory:');
  let wall = 1_000_000;
  let restarted = 0;
  const deps = () => ({ classifier: verbal, posture: o.postureModel?.(restarted) ?? posture, now: () => wall, ...(o.options ? { options: o.options } : {}) });
  let service = new SessionService({ store, ...deps() });
  const id = service.createSession({ title: 't', participants: demo.participants }).id;
  const steps = [
    ...demo.utterances.map((u) => ({ t: u.startMs, frame: false, run: () => void service.addUtterance(id, u) })),
    ...(words ? [] : demo.posture?.frames ?? []).map((f) => ({
      t: f.mediaMs,
      frame: true,
      run: () => void service.addLandmarks({ sessionId: id, participant: demo.posture!.participant, mediaMs: f.mediaMs, poses: f.poses, aspect: demo.posture!.aspect }, 'browser'),
    })),
  ].sort((a, b) => a.t - b.t);
  for (const [i, s] of (o.reorder ? o.reorder(steps) : steps).entries()) {
    wall = 1_000_000 + Math.round(s.t * msPerMediaMs);
    if (restarts && i > 0 && i % restarts.every === 0) {
      // A restart: a new process's store and service, with only what the file holds.
      store.close();
      o.atRestart?.(restarts.file);
      restarted++;
      store = new SqliteStore(restarts.file);
      service = new SessionService({ store, ...deps() });
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

  it("names in a cue's modelVersion the models of its evidence only: a cue on posture alone does not name the verbal model", () => {
    const store = new SqliteStore(':memory:');
    const service = new SessionService({ store, classifier: verbal, posture, now: () => 1_000_000 });
    const framesOnly = service.createSession({ title: 'frames only', participants: demo.participants }).id;
    for (const f of demo.posture!.frames) {
      service.addLandmarks({ sessionId: framesOnly, participant: demo.posture!.participant, mediaMs: f.mediaMs, poses: f.poses, aspect: demo.posture!.aspect }, 'browser');
    }
    const cues = service.snapshot(framesOnly).cues;
    expect(cues.length).toBeGreaterThan(0);
    for (const c of cues) expect(c.modelVersion).toBe(posture.version);
    store.close();
    // With words too, each cue names exactly the models its evidence came from, verbal first.
    for (const c of play(1).cues) {
      const kinds = new Set(c.evidence.map(([kind]) => kind));
      const expected = [...(kinds.has('verbal') ? [verbal.version] : []), ...(kinds.has('posture') ? [posture.version] : [])].join('+');
      expect(c.modelVersion).toBe(expected);
    }
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

  it('restores posture trackers from their saved states: restarts in a long track give the same signals and cues, replaying only the frames after each state', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-snap-'));
    try {
      const straight = play(1);
      expect(straight.signals.filter((s) => s.kind === 'posture').length).toBeGreaterThan(2);
      const every = 7;
      const options = { ...DEFAULT_PIPELINE_OPTIONS, trackerSnapshotEvery: every };
      let restarts = 0;
      let covered = 0;
      // The frames a saved state covers are not needed: they are blanked in the file before
      // each restart (a full replay would follow someone who vanished), and at most
      // `every - 1` frames of the customer come after the state.
      const atRestart = (file: string) => {
        const db = new Database(file);
        // The demo has one customer: their frames not covered by a saved state.
        const after = db.prepare(
          `SELECT COUNT(*) AS n FROM frames f
             JOIN participants p ON p.session_id = f.session_id AND p.name = f.participant AND p.role = 'customer'
             LEFT JOIN tracker_states t ON t.session_id = f.session_id AND t.participant = f.participant
            WHERE t.frame_id IS NULL OR f.id > t.frame_id`,
        ).get() as { n: number };
        const blanked = db.prepare(
          `UPDATE frames SET poses_json = '[]' WHERE EXISTS (SELECT 1 FROM tracker_states t WHERE t.session_id = frames.session_id
             AND t.participant = frames.participant AND frames.id <= t.frame_id)`,
        ).run();
        db.close();
        restarts++;
        covered += blanked.changes;
        expect(after.n).toBeLessThan(every);
      };
      // Restarts closer together than the states are saved (a state's frames-since count comes
      // back with it), and far apart.
      for (const at of [5, 97]) {
        expect(play(1, { file: path.join(dir, `snap-${at}.db`), every: at }, false, { options, atRestart })).toEqual(straight);
      }
      expect(restarts).toBe(Math.floor(718 / 5) + Math.floor(718 / 97));
      expect(covered).toBeGreaterThan(1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('restarts give the same signals and cues after a seek back: the frames after a saved state are replayed in the order they came, not in media order', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-seek-'));
    try {
      // The manager watches 60 % of the meeting, seeks back to 35 % and plays the next 15 % of
      // its frames again (same media times, later arrivals), then goes on from 60 %.
      const reorder = <T extends { t: number; frame: boolean }>(steps: T[]): T[] => {
        const end = demo.posture!.frames.at(-1)!.mediaMs;
        const at = (share: number) => steps.findIndex((x) => x.t >= end * share);
        return [...steps.slice(0, at(0.6)), ...steps.slice(at(0.35), at(0.5)).filter((x) => x.frame), ...steps.slice(at(0.6))];
      };
      const straight = play(1, undefined, false, { reorder });
      expect(straight.signals.filter((x) => x.kind === 'posture').length).toBeGreaterThan(2);
      const every = 7;
      let covered = 0;
      // As above, the frames a saved state covers (stored before it) are blanked before each
      // restart, so only replaying exactly the frames stored after the state can pass.
      const atRestart = (file: string) => {
        const db = new Database(file);
        covered += db
          .prepare(`UPDATE frames SET poses_json = '[]' WHERE EXISTS (SELECT 1 FROM tracker_states t WHERE t.session_id = frames.session_id AND t.participant = frames.participant AND frames.id <= t.frame_id)`)
          .run().changes;
        db.close();
      };
      for (const at of [5, 97]) {
        expect(play(1, { file: path.join(dir, `seek-${at}.db`), every: at }, false, { options: { ...DEFAULT_PIPELINE_OPTIONS, trackerSnapshotEvery: every }, atRestart, reorder })).toEqual(straight);
      }
      expect(covered).toBeGreaterThan(1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ignores a tracker state saved with another posture model: the customer's frames are all replayed through the current one", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-snap-model-'));
    try {
      // The model before the restart scores leaning forward and arms crossed the other way round.
      const other: PostureClassifier = {
        version: 'posture-other',
        thresholds: posture.thresholds,
        predict: (xs) => posture.predict(xs).map((p) => ({ ...p, arms_crossed: 1 - p.arms_crossed, leaning_forward: 1 - p.leaning_forward })),
        dispose: () => undefined,
      };
      const run = (name: string, trackerSnapshotEvery: number) =>
        play(1, { file: path.join(dir, name), every: 360 }, false, {
          options: { ...DEFAULT_PIPELINE_OPTIONS, trackerSnapshotEvery },
          postureModel: (restarts) => (restarts === 0 ? other : posture),
        });
      // Without saved states the restart replays every frame through the current model.
      const replayed = run('none.db', Number.MAX_SAFE_INTEGER);
      expect(run('saved.db', 5)).toEqual(replayed);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-analysis of words and a posture track longer than one page of frames reproduces the live result', async () => {
    const run = async (rolesLater: boolean) => {
      const store = new SqliteStore(':memory:');
      const service = new SessionService({ store, classifier: verbal, posture, now: () => 0 });
      const customer = demo.posture!.participant;
      const participants = demo.participants.map((p) => (rolesLater && p.name === customer ? { name: p.name, role: 'rep' as const } : p));
      const id = service.createSession({ title: 't', participants }).id;
      const steps = [
        ...demo.utterances.map((u) => ({ t: u.startMs, run: () => void service.addUtterance(id, u) })),
        ...demo.posture!.frames.map((f) => ({
          t: f.mediaMs,
          run: () => void service.addLandmarks({ sessionId: id, participant: customer, mediaMs: f.mediaMs, poses: f.poses, aspect: demo.posture!.aspect }, 'browser'),
        })),
      ].sort((a, b) => a.t - b.t);
      steps.forEach((st) => st.run());
      if (rolesLater) {
        expect(service.snapshot(id).signals.filter((x) => x.participant === customer)).toEqual([]);
        await service.setRoles(id, { [customer]: 'customer' });
      }
      const snap = service.snapshot(id);
      store.close();
      return {
        signals: snap.signals.map(({ id: _i, sessionId: _s, ...rest }) => rest),
        cues: snap.cues.map(({ id: _i, sessionId: _s, evidence, ...rest }) => ({ ...rest, evidence: evidence.map((e) => [e.kind, e.label, e.mediaMs]) })),
      };
    };
    expect(demo.posture!.frames.length).toBeGreaterThan(500); // more than one page of frames (500; 100 in a re-analysis)
    const live = await run(false);
    expect(live.signals.some((x) => x.kind === 'posture')).toBe(true);
    expect(await run(true)).toEqual(live);
  });

  it('re-analysis drops the saved tracker states and saves them again under the new roles', async () => {
    const store = new SqliteStore(':memory:');
    const service = new SessionService({ store, classifier: verbal, posture, now: () => 0, options: { ...DEFAULT_PIPELINE_OPTIONS, trackerSnapshotEvery: 50 } });
    const id = service.createSession({ title: 't', participants: demo.participants }).id;
    const { participant, aspect, frames } = demo.posture!;
    const stored = service.addLandmarksBatch(id, frames.slice(0, 120).map((f) => ({ participant, mediaMs: f.mediaMs, poses: f.poses, aspect })), 'browser');
    const live = store.trackerStates(id);
    expect(live.map((s) => [s.participant, s.frameId])).toEqual([[participant, stored[99]!.frameId]]);
    // No longer a customer: no state of theirs may be restored later.
    await service.setRoles(id, { [participant]: 'rep' });
    expect(store.trackerStates(id)).toEqual([]);
    await service.setRoles(id, { [participant]: 'customer' });
    expect(store.trackerStates(id)).toEqual(live);
    store.close();
  });

  it('re-analysis after a role change reproduces the live result', async () => {
    const store = new SqliteStore(':memory:');
    const service = new SessionService({ store, classifier: verbal, posture, now: () => 0 });
    const id = service.createSession({ title: 't' }).id;
    service.uploadNow(id, demo.utterances, []);
    expect(service.snapshot(id).signals).toEqual([]);
    const roles = Object.fromEntries(demo.participants.map((p) => [p.name, p.role]));
    const after = await service.setRoles(id, roles);

    const store2 = new SqliteStore(':memory:');
    const service2 = new SessionService({ store: store2, classifier: verbal, posture, now: () => 0 });
    const id2 = service2.createSession({ title: 't', participants: demo.participants }).id;
    service2.uploadNow(id2, demo.utterances, demo.participants);
    const strip = (s: typeof after) => s.cues.map((c) => [c.type, c.reason, c.mediaMs, c.score]);
    expect(strip(after)).toEqual(strip(service2.snapshot(id2)));
    store.close();
    store2.close();
  });

  it('keeps at most maxPipelines sessions in memory; one dropped and rebuilt from the store gives the same signals and cues', () => {
    // Three sessions play the demo (words and posture) interleaved step by step, so with room
    // for one pipeline every step rebuilds its session's pipeline from the store.
    const run = (maxPipelines?: number) => {
      const store = new SqliteStore(':memory:');
      // Tracker states every 10 frames keep each rebuild short (at most 9 frames replayed).
      const options = { ...DEFAULT_PIPELINE_OPTIONS, trackerSnapshotEvery: 10 };
      const service = new SessionService({ store, classifier: verbal, posture, now: () => 1_000_000, options, ...(maxPipelines ? { maxPipelines } : {}) });
      const ids = [0, 1, 2].map(() => service.createSession({ title: 't', participants: demo.participants }).id);
      const steps = [
        ...demo.utterances.map((u) => ({ t: u.startMs, run: (id: string) => void service.addUtterance(id, u) })),
        ...(demo.posture?.frames ?? []).map((f) => ({
          t: f.mediaMs,
          run: (id: string) => void service.addLandmarks({ sessionId: id, participant: demo.posture!.participant, mediaMs: f.mediaMs, poses: f.poses, aspect: demo.posture!.aspect }, 'browser'),
        })),
      ].sort((a, b) => a.t - b.t);
      let most = 0;
      for (const step of steps) {
        for (const id of ids) {
          step.run(id);
          most = Math.max(most, service.pipelineCount);
        }
      }
      const result = ids.map((id) => {
        const snap = service.snapshot(id);
        return {
          signals: snap.signals.map(({ id: _id, sessionId: _s, ...rest }) => rest),
          cues: snap.cues.map(({ id: _id, sessionId: _s, evidence, ...rest }) => ({ ...rest, evidence: evidence.map((e) => [e.kind, e.label, e.mediaMs]) })),
        };
      });
      store.close();
      return { result, most };
    };
    const all = run();
    expect(all.most).toBe(3);
    expect(all.result[0]!.signals.some((x) => x.kind === 'posture')).toBe(true);
    expect(all.result[0]!.cues.map((c) => c.reason)).toContain('benefit_acknowledged');
    const one = run(1);
    expect(one.most).toBe(1);
    expect(one.result).toEqual(all.result);
    expect(() => new SessionService({ store: new SqliteStore(':memory:'), classifier: verbal, now: () => 0, maxPipelines: 0 })).toThrow('maxPipelines must be a whole number ≥ 1, got 0');
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

  it('setRoles adds names not yet in the session as participants, within the participant limit', async () => {
    const store = new SqliteStore(':memory:');
    const service = new SessionService({ store, classifier: verbal, now: () => 0 });
    const participants = Array.from({ length: LIMITS.participantsMax - 1 }, (_, i) => ({ name: `guest ${i}`, role: 'rep' as const }));
    const id = service.createSession({ title: 't', participants }).id;
    expect((await service.setRoles(id, { 'Ms Chen': 'customer' })).session.participants).toHaveLength(LIMITS.participantsMax);
    const over = () => service.setRoles(id, { 'guest 0': 'customer', 'one too many': 'customer' });
    await expect(over()).rejects.toThrow(ValidationError);
    await expect(over()).rejects.toThrow(`session would have ${LIMITS.participantsMax + 1} participants; the limit is ${LIMITS.participantsMax}`);
    // Nothing of the refused call is stored, not even the role of the known name.
    expect(service.requireSession(id).participants).toHaveLength(LIMITS.participantsMax);
    expect(service.requireSession(id).participants[0]).toEqual({ name: 'guest 0', role: 'rep' });
    store.close();
  });
});
