// A role change's re-analysis computed aside, a slice at a time (SessionService.setRoles),
// against the same re-analysis done at once in place (setRolesNow): the same result, other
// work runs in between, turns and frames that arrive meanwhile are in it, and it is atomic.
// Real models and SQLite.
import { useRealModels } from './models.testkit';
import { SqliteStore } from '../store/sqliteStore';
import type { DemoMeeting } from '../demo/demo';
import { SessionService, type SessionServiceDeps } from './sessionService';
import { DEFAULT_PIPELINE_OPTIONS } from './sessionPipeline';
import type { VerbalClassifier } from '../signals/verbal/types';
import type { PostureClassifier } from '../signals/posture/model';
import type { SessionSnapshot, UtteranceIn } from '../../protocol/protocol';
import { ShuttingDownError } from '../errors/errors';

const models = useRealModels();
let verbal: VerbalClassifier;
let posture: PostureClassifier;
let demo: DemoMeeting;
beforeAll(() => ({ verbal, posture, demo } = models));

type Step = { t: number; kind: 'word' | 'frame'; run: (s: SessionService, id: string) => void };

/**
 * The demo meeting's words and posture track, `laps` times over (each lap 1,000 s later, so
 * frames and words stay in media-time order): 718 frames a lap, more than a page (500).
 */
function meeting(laps = 1): Step[] {
  const { participant, aspect, frames } = demo.posture!;
  const steps: Step[] = [];
  for (let lap = 0; lap < laps; lap++) {
    const dt = lap * 1_000_000;
    for (const u of demo.utterances) steps.push({ t: u.startMs + dt, kind: 'word', run: (s, id) => void s.addUtterance(id, { ...u, startMs: u.startMs + dt, endMs: (u.endMs ?? u.startMs) + dt }) });
    for (const f of frames) {
      steps.push({ t: f.mediaMs + dt, kind: 'frame', run: (s, id) => void s.addLandmarks({ sessionId: id, participant, mediaMs: f.mediaMs + dt, poses: f.poses, aspect }, 'browser') });
    }
  }
  return steps.sort((a, b) => a.t - b.t);
}

/** A service whose session holds `steps`, the posture participant first a rep (no posture signals). */
function build(steps: Step[], deps: Partial<SessionServiceDeps> = {}) {
  const store = new SqliteStore(':memory:');
  let ids = 0;
  const service = new SessionService({ store, classifier: verbal, posture, now: () => 1_000_000, newId: () => `s${++ids}`, options: { ...DEFAULT_PIPELINE_OPTIONS, trackerSnapshotEvery: 100 }, ...deps });
  const customer = demo.posture!.participant;
  const participants = demo.participants.map((p) => (p.name === customer ? { name: p.name, role: 'rep' as const } : p));
  const id = service.createSession({ title: 't', participants }).id;
  for (const st of steps) st.run(service, id);
  return { store, service, id, customer };
}

/** Everything a session's analysis is: the snapshot and the saved tracker states. */
function state(store: SqliteStore, service: SessionService, id: string) {
  return { snapshot: service.snapshot(id), trackerStates: store.trackerStates(id) };
}

type Built = ReturnType<typeof build>;

/** `a`'s analysis equals `b`'s (and so do the saved tracker states, with `trackers`). */
function expectSameAnalysis(a: Built, b: Built, trackers = false): void {
  expect(analysis(a.service.snapshot(a.id))).toEqual(analysis(b.service.snapshot(b.id)));
  if (trackers) expect(a.store.trackerStates(a.id)).toEqual(b.store.trackerStates(b.id));
}

/** The analysis without ids that depend on the store's history: evidence names signals by their place. */
function analysis(snap: SessionSnapshot) {
  const place = new Map(snap.signals.map((s, i) => [s.id, i]));
  return {
    participants: snap.session.participants,
    utterances: snap.utterances.map(({ id: _i, ...u }) => u),
    signals: snap.signals.map(({ id: _i, ...s }) => s),
    cues: snap.cues.map(({ id: _i, evidence, ...c }) => ({ ...c, evidence: evidence.map((e) => ({ ...e, signalId: place.get(e.signalId) })) })),
  };
}

/** Counts turns of the event loop (check phase) until stopped. */
function loopTurns() {
  let turns = 0;
  let on = true;
  const tick = () => {
    turns++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { stop: () => ((on = false), turns) };
}

describe('re-analysis a slice at a time', () => {
  it.each([
    ['the demo meeting', 1],
    ['three laps of it (2,154 frames: 22 pages of the re-analysis, 5 of a restart)', 3],
  ])('gives what the re-analysis at once gives, on %s: signals, cues, evidence, tracker states', async (_name, laps) => {
    const steps = meeting(laps);
    const now = build(steps);
    const aside = build(steps, { reanalysisSlice: { items: 37, ms: 0 } });
    expect(state(aside.store, aside.service, aside.id)).toEqual(state(now.store, now.service, now.id));
    now.service.setRolesNow(now.id, { [now.customer]: 'customer' });
    const turns = loopTurns();
    await aside.service.setRoles(aside.id, { [aside.customer]: 'customer' });
    // Many slices, with the loop free between them.
    expect(turns.stop()).toBeGreaterThan((718 * laps) / 37);
    const expected = state(now.store, now.service, now.id);
    expect(expected.snapshot.signals.filter((s) => s.kind === 'posture').length).toBeGreaterThan(2);
    expect(expected.snapshot.cues.map((c) => c.reason)).toContain('benefit_acknowledged');
    expect(expected.trackerStates).toHaveLength(1);
    // Same store history, same ids: the whole snapshot matches.
    expect(state(aside.store, aside.service, aside.id)).toEqual(expected);
    // And the live pipelines go on alike (cue engine and trackers taken over).
    const more = meeting(laps + 1).filter((s) => s.t >= laps * 1_000_000);
    for (const st of more) {
      st.run(now.service, now.id);
      st.run(aside.service, aside.id);
    }
    expectSameAnalysis(aside, now);
    now.store.close();
    aside.store.close();
  });

  it('gives what the re-analysis at once gives on a session of words alone, most of them analysed before the end', async () => {
    const words = meeting(12).filter((s) => s.kind === 'word');
    expect(words.length).toBeGreaterThan(64 * 2);
    const now = build(words);
    // The clock moves on with each turn of the loop: a cue's emittedAt says which slice made it.
    let tick = 0;
    const aside = build(words, { reanalysisSlice: { items: 5, ms: 0 }, now: () => 1_000_000 + tick });
    const roles = Object.fromEntries(demo.participants.map((p) => [p.name, p.role]));
    now.service.setRolesNow(now.id, roles);
    let on = true;
    const ticking = () => void (tick++, on && setImmediate(ticking));
    ticking();
    await aside.service.setRoles(aside.id, roles);
    on = false;
    const expected = now.service.snapshot(now.id);
    const got = aside.service.snapshot(aside.id);
    expect(expected.cues.length).toBeGreaterThan(12);
    const noEmit = (s: SessionSnapshot) => ({ ...s, cues: s.cues.map(({ emittedAt: _e, ...c }) => c) });
    expect(noEmit(got)).toEqual(noEmit(expected));
    // Only the cues of the last 64 turns may wait for the end (the swap's loop turn).
    const last = Math.max(...got.cues.map((c) => c.emittedAt));
    const early = got.cues.filter((c) => c.emittedAt < last).length;
    expect(early).toBeGreaterThan(got.cues.length / 2);
    now.store.close();
    aside.store.close();
  });

  it('frames that arrive behind words already analysed: re-analysed in place instead, with the same result', async () => {
    const all = meeting(12);
    const words = all.filter((s) => s.kind === 'word');
    const frames = all.filter((s) => s.kind === 'frame' && s.t < 1_000_000);
    const control = build([...words, ...frames]);
    control.service.setRolesNow(control.id, { [control.customer]: 'customer' });
    const aside = build(words, { reanalysisSlice: { items: 5, ms: 0 } });
    const done = aside.service.setRoles(aside.id, { [aside.customer]: 'customer' });
    // Most words are analysed (all but the last 64) before the first lap's frames come.
    for (let i = 0; i < 60; i++) await new Promise((r) => setImmediate(r));
    expect(aside.service.reanalysing(aside.id)).toBe(true);
    for (const st of frames) st.run(aside.service, aside.id);
    await done;
    const got = analysis(aside.service.snapshot(aside.id));
    expect(got.signals.some((s) => s.kind === 'posture')).toBe(true);
    expect(got).toEqual(analysis(control.service.snapshot(control.id)));
    control.store.close();
    aside.store.close();
  });

  it("another session's work runs while a long re-analysis is under way", async () => {
    const a = build(meeting(2), { reanalysisSlice: { items: 20, ms: 0 } });
    const b = a.service.createSession({ title: 'other', participants: [{ name: 'C', role: 'customer' }] }).id;
    const order: string[] = [];
    const done = a.service.setRoles(a.id, { [a.customer]: 'customer' }).then(() => order.push('re-analysis'));
    await new Promise((r) => setImmediate(r));
    expect(a.service.reanalysing(a.id)).toBe(true);
    const r = a.service.addUtterance(b, { speaker: 'C', text: 'How much does it cost to open one?', startMs: 0, endMs: 900 });
    order.push('other turn');
    expect(r.signal?.label).toBe('price_inquiry');
    expect(a.service.reanalysing(a.id)).toBe(true);
    await done;
    expect(order).toEqual(['other turn', 're-analysis']);
    a.store.close();
  });

  it('turns and frames of the same session that arrive during the re-analysis are in its result, and the live pipeline goes on from it', async () => {
    const all = meeting(2);
    const half = all.filter((s) => s.t < 1_000_000);
    const later = all.filter((s) => s.t >= 1_000_000);
    const control = build(all);
    control.service.setRolesNow(control.id, { [control.customer]: 'customer' });
    const aside = build(half, { reanalysisSlice: { items: 10, ms: 0 } });
    const done = aside.service.setRoles(aside.id, { [aside.customer]: 'customer' });
    // The second lap arrives a few steps at a time while the re-analysis runs.
    for (let i = 0; i < later.length; i += 25) {
      for (const st of later.slice(i, i + 25)) st.run(aside.service, aside.id);
      await new Promise((r) => setImmediate(r));
    }
    expect(aside.service.reanalysing(aside.id)).toBe(true);
    await done;
    expectSameAnalysis(aside, control, true);
    // After it, live input goes on from the new analysis.
    const third = meeting(3).filter((s) => s.t >= 2_000_000);
    for (const st of third) {
      st.run(control.service, control.id);
      st.run(aside.service, aside.id);
    }
    expectSameAnalysis(aside, control);
    control.store.close();
    aside.store.close();
  });

  it('a frame that arrives behind what was already analysed: the session is re-analysed in place instead, with the same result', async () => {
    const steps = meeting(2);
    const early = demo.posture!.frames[10]!;
    const late: Step = {
      t: early.mediaMs,
      kind: 'frame',
      run: (s, id) => void s.addLandmarks({ sessionId: id, participant: demo.posture!.participant, mediaMs: early.mediaMs + 1, poses: early.poses, aspect: demo.posture!.aspect }, 'browser'),
    };
    const control = build([...steps, late]);
    control.service.setRolesNow(control.id, { [control.customer]: 'customer' });
    const aside = build(steps, { reanalysisSlice: { items: 50, ms: 0 } });
    const done = aside.service.setRoles(aside.id, { [aside.customer]: 'customer' });
    // Past the early frame's place (the first slices), then the frame comes.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(aside.service.reanalysing(aside.id)).toBe(true);
    late.run(aside.service, aside.id);
    await done;
    expectSameAnalysis(aside, control, true);
    control.store.close();
    aside.store.close();
  });

  it('two role changes of one session run one after the other, each answered with its own roles applied', async () => {
    const a = build(meeting(1), { reanalysisSlice: { items: 50, ms: 0 } });
    const first = a.service.setRoles(a.id, { [a.customer]: 'customer' });
    const second = a.service.setRoles(a.id, { [a.customer]: 'rep' });
    const [s1, s2] = await Promise.all([first, second]);
    expect(s1.session.participants.find((p) => p.name === a.customer)?.role).toBe('customer');
    expect(s1.signals.some((s) => s.kind === 'posture')).toBe(true);
    expect(s2.session.participants.find((p) => p.name === a.customer)?.role).toBe('rep');
    expect(s2.signals.some((s) => s.participant === a.customer)).toBe(false);
    expect(a.service.reanalysing(a.id)).toBe(false);
    a.store.close();
  });

  it('a failure in the final copy leaves the old roles and the old analysis, and the live pipeline as it was', async () => {
    const steps = meeting(1);
    const control = build(steps);
    const a = build(steps, { reanalysisSlice: { items: 50, ms: 0 } });
    const before = state(a.store, a.service, a.id);
    const spy = jest.spyOn(a.store, 'importAnalysis').mockImplementation(() => {
      throw new Error('disk full');
    });
    await expect(a.service.setRoles(a.id, { [a.customer]: 'customer' })).rejects.toThrow('disk full');
    spy.mockRestore();
    expect(state(a.store, a.service, a.id)).toEqual(before);
    const more = meeting(2).filter((s) => s.t >= 1_000_000);
    for (const st of more) {
      st.run(control.service, control.id);
      st.run(a.service, a.id);
    }
    expectSameAnalysis(a, control);
    control.store.close();
    a.store.close();
  });

  it("an upload that changes a role is re-analysed the same way, and its turns go in the same transaction: a turn that fails leaves the old roles and analysis", async () => {
    const steps = meeting(1);
    const boom: VerbalClassifier = {
      version: verbal.version,
      classify: (inputs) => {
        if (inputs.some((t) => t.text === 'BOOM')) throw new Error('classifier failed');
        return verbal.classify(inputs);
      },
      dispose: () => undefined,
    };
    const control = build(steps);
    const a = build(steps, { classifier: boom, reanalysisSlice: { items: 30, ms: 0 } });
    const before = state(a.store, a.service, a.id);
    const customer = [{ name: a.customer, role: 'customer' as const }];
    const bad = a.service.upload(a.id, [{ speaker: a.customer, text: 'BOOM', startMs: 500_000, endMs: 501_000 }], customer);
    await new Promise((r) => setImmediate(r));
    expect(a.service.reanalysing(a.id)).toBe(true);
    await expect(bad).rejects.toThrow('classifier failed');
    expect(state(a.store, a.service, a.id)).toEqual(before);
    // The same upload without the failing turn: as setRoles, then the turn.
    const turn = { speaker: a.customer, text: 'OK, how much would it cost?', startMs: 500_000, endMs: 501_000 };
    const ok = await a.service.upload(a.id, [turn], customer);
    expect(ok).toMatchObject({ utterances: 1, signals: 1 });
    control.service.setRolesNow(control.id, { [control.customer]: 'customer' });
    control.service.addUtterance(control.id, turn);
    expectSameAnalysis(a, control);
    control.store.close();
    a.store.close();
  });

  it('a pipeline dropped from memory (maxPipelines) during the re-analysis: the same result', async () => {
    const steps = meeting(1);
    const control = build(steps);
    control.service.setRolesNow(control.id, { [control.customer]: 'customer' });
    const a = build(steps, { reanalysisSlice: { items: 30, ms: 0 }, maxPipelines: 1 });
    const other = a.service.createSession({ title: 'other', participants: [{ name: 'C', role: 'customer' }] }).id;
    const done = a.service.setRoles(a.id, { [a.customer]: 'customer' });
    const turn: UtteranceIn = { speaker: 'C', text: 'Can I get a discount?', startMs: 0, endMs: 900 };
    for (let i = 0; i < 5; i++) {
      a.service.addUtterance(other, { ...turn, startMs: i * 1000, endMs: i * 1000 + 900 });
      await new Promise((r) => setImmediate(r));
    }
    expect(a.service.reanalysing(a.id)).toBe(true);
    await done;
    expect(a.service.pipelineCount).toBe(1);
    expectSameAnalysis(a, control);
    control.store.close();
    a.store.close();
  });

  it('reanalyse waits for a role change before it and re-analyses as one pass does; its own `previous` names the versions it replaced', async () => {
    const steps = meeting(1);
    const control = build(steps);
    control.service.setRolesNow(control.id, { [control.customer]: 'customer' });
    const a = build(steps, { reanalysisSlice: { items: 30, ms: 0 } });
    const events: string[] = [];
    a.service.onEvent((e) => void (e.type === 'reanalysed' && events.push(e.type)));
    const roles = a.service.setRoles(a.id, { [a.customer]: 'customer' });
    const re = a.service.reanalyse(a.id);
    await roles;
    expect(a.service.reanalysing(a.id)).toBe(true);
    const { snapshot, previous } = await re;
    expect(events).toEqual(['reanalysed', 'reanalysed']);
    // It ran on the roles the change before it set: the customer's posture signals are there.
    expect(snapshot.session.participants).toContainEqual({ name: a.customer, role: 'customer' });
    expect(previous).toEqual(control.service.snapshot(control.id).modelVersions);
    expect(snapshot.modelVersions).toEqual({ verbal: [verbal.version], posture: [posture.version], thresholds: [{}] });
    expectSameAnalysis(a, control, true);
    control.store.close();
    a.store.close();
  });

  it('stopping the service abandons a reanalyse under way, naming it', async () => {
    const a = build(meeting(1), { reanalysisSlice: { items: 30, ms: 0 } });
    const before = state(a.store, a.service, a.id);
    const done = a.service.reanalyse(a.id);
    await new Promise((r) => setImmediate(r));
    await a.service.close();
    await expect(done).rejects.toThrow(/this re-analysis was not stored/);
    expect(state(a.store, a.service, a.id)).toEqual(before);
    a.store.close();
  });

  it('stopping the service abandons a re-analysis under way: nothing of it is stored', async () => {
    const a = build(meeting(1), { reanalysisSlice: { items: 30, ms: 0 } });
    const before = state(a.store, a.service, a.id);
    const done = a.service.setRoles(a.id, { [a.customer]: 'customer' });
    await new Promise((r) => setImmediate(r));
    await a.service.close();
    await expect(done).rejects.toThrow(ShuttingDownError);
    expect(state(a.store, a.service, a.id)).toEqual(before);
    await expect(a.service.setRoles(a.id, { [a.customer]: 'customer' })).rejects.toThrow(ShuttingDownError);
    a.store.close();
  });
});
