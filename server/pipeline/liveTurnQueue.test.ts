// The live-turn queue with the real service, model and SQLite: batching across sessions
// changes nothing a client can see (order, context, signals, cues, errors), only speed.
import type { UtteranceIn } from '../../protocol/protocol';
import { initTf } from '../runtime/backend';
import { loadVerbalClassifier } from '../signals/verbal/model';
import type { VerbalClassifier } from '../signals/verbal/types';
import { SqliteStore } from '../store/sqliteStore';
import { projectPath } from '../paths';
import { loadDemoMeeting, type DemoMeeting } from '../demo/demo';
import { NotFoundError, TurnIdConflictError, ValidationError } from '../errors/errors';
import { LIMITS } from '../../protocol/protocol';
import { SessionService, type TurnOutcome } from './sessionService';
import { LiveTurnQueue, type LiveTurnQueueOptions } from './liveTurnQueue';

let verbal: VerbalClassifier;
let demo: DemoMeeting;
let CUSTOMER: string;
beforeAll(async () => {
  await initTf();
  verbal = loadVerbalClassifier({ modelDir: projectPath('models', 'verbal') });
  demo = loadDemoMeeting(undefined, null);
  CUSTOMER = demo.participants.find((p) => p.role === 'customer')!.name;
});
afterAll(() => verbal.dispose());

/** A service on a fresh store whose classifier counts its forward passes. */
function setup(queueOpts: Partial<LiveTurnQueueOptions> = {}) {
  const store = new SqliteStore(':memory:');
  const calls: number[] = [];
  const classifier: VerbalClassifier = {
    version: verbal.version,
    classify: (inputs) => {
      calls.push(inputs.length);
      return verbal.classify(inputs);
    },
    dispose: () => {},
  };
  const service = new SessionService({ store, classifier, now: () => 1000 });
  const flushes = { count: 0 };
  const queue = new LiveTurnQueue(service, {
    schedule: (flush) => {
      flushes.count++;
      setImmediate(flush);
    },
    ...queueOpts,
  });
  const submit = (sessionId: string, u: UtteranceIn) =>
    new Promise<TurnOutcome>((resolve) => queue.submit(sessionId, u, resolve));
  const newSession = () => service.createSession({ title: 't', participants: demo.participants }).id;
  return { store, service, queue, submit, newSession, calls, flushes };
}

/** What a client sees of a session, without ids and wall-clock fields. */
function seen(service: SessionService, id: string) {
  const snap = service.snapshot(id);
  return {
    utterances: snap.utterances.map((u) => [u.seq, u.speaker, u.text]),
    signals: snap.signals.map((s) => [s.kind, s.label, s.score, s.mediaMs]),
    cues: snap.cues.map((c) => [c.type, c.reason, c.mediaMs, c.score, c.evidence.map((e) => e.label)]),
  };
}

describe('LiveTurnQueue', () => {
  it('gives the same signals and cues as turns stored one at a time, with many sessions batched together', async () => {
    const one = setup();
    const oneId = one.newSession();
    for (const u of demo.utterances) one.service.addUtterance(oneId, u);
    const expected = seen(one.service, oneId);
    expect(expected.cues.length).toBeGreaterThanOrEqual(2);

    const many = setup();
    const ids = Array.from({ length: 5 }, () => many.newSession());
    // Every session sends its next turn once the previous is acked, all at once: batches of 5.
    await Promise.all(
      ids.map(async (id) => {
        for (const u of demo.utterances) expect((await many.submit(id, u)).ok).toBe(true);
      }),
    );
    for (const id of ids) expect(seen(many.service, id)).toEqual(expected);
    const customerTurns = demo.utterances.filter(
      (u) => demo.participants.find((p) => p.name === u.speaker)?.role === 'customer',
    ).length;
    // Customer turns of all five sessions share forward passes.
    expect(many.calls.reduce((a, b) => a + b, 0)).toBe(5 * customerTurns);
    expect(many.calls.length).toBeLessThanOrEqual(customerTurns);
  });

  it('keeps one session’s turns in order when they are sent without waiting for acks', async () => {
    const { service, submit, newSession, calls, flushes } = setup();
    const ordered = newSession();
    const expected = setup();
    const refId = expected.newSession();
    const turns = demo.utterances.slice(0, 12);
    for (const u of turns) expected.service.addUtterance(refId, u);

    const outcomes = await Promise.all(turns.map((u) => submit(ordered, u)));
    expect(outcomes.map((o) => o.ok && o.result.utterance.seq)).toEqual(turns.map((_, i) => i + 1));
    // Each turn had the one before it as context: the same signals as one at a time.
    expect(seen(service, ordered)).toEqual(seen(expected.service, refId));
    // One turn per session per pass: a turn's context must be stored before it is classified;
    // the passes follow each other in one flush, without waiting for the event loop.
    expect(Math.max(...calls)).toBe(1);
    expect(flushes.count).toBe(1);
  });

  it('tells each turn its outcome only once it is stored', async () => {
    const { store, queue, newSession } = setup();
    const ids = [newSession(), newSession(), newSession()];
    const stored = await Promise.all(
      ids.map(
        (id, i) =>
          new Promise<boolean>((resolve) =>
            queue.submit(id, { speaker: CUSTOMER, text: `How much is it for ${i + 2} seats?`, startMs: 0 }, (o) => {
              resolve(o.ok && store.utterances(id).some((u) => u.id === o.result.utterance.id));
            }),
          ),
      ),
    );
    expect(stored).toEqual([true, true, true]);
  });

  it('fails a bad turn alone: the others in its batch are stored', async () => {
    const { service, submit, newSession, flushes } = setup();
    const [a, b, full] = [newSession(), newSession(), newSession()];
    for (let i = service.requireSession(full).participants.length; i < LIMITS.participantsMax; i++) {
      service.addUtterance(full, { speaker: `guest ${i}`, text: 'hello', startMs: i });
    }
    const outcomes = await Promise.all([
      submit(a, { speaker: CUSTOMER, text: 'How much would it cost?', startMs: 1 }),
      submit('no-such-session', { speaker: CUSTOMER, text: 'hi', startMs: 1 }),
      submit(full, { speaker: 'one too many', text: 'hi', startMs: 99_999 }),
      submit(b, { speaker: CUSTOMER, text: 'Can you do a discount?', startMs: 1 }),
    ]);
    expect(flushes.count).toBe(1);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true]);
    expect(!outcomes[1].ok && outcomes[1].error).toBeInstanceOf(NotFoundError);
    expect(!outcomes[2].ok && outcomes[2].error).toBeInstanceOf(ValidationError);
    expect(service.snapshot(a).utterances).toHaveLength(1);
    expect(service.snapshot(b).utterances).toHaveLength(1);
    expect(service.requireSession(full).participants).toHaveLength(LIMITS.participantsMax);
  });

  it('stores a round in one commit, and a failed commit stores none of it and tells every turn', async () => {
    const { store, service, submit, newSession } = setup();
    const [a, b] = [newSession(), newSession()];
    const ask = { speaker: CUSTOMER, text: 'How much would it cost for ten seats?', startMs: 1000 };
    // Outermost transactions (nested ones are savepoints inside them).
    const real = store.transaction.bind(store);
    let depth = 0;
    let commits = 0;
    let failNext = false;
    jest.spyOn(store, 'transaction').mockImplementation(<T,>(fn: () => T): T => {
      if (depth === 0) commits++;
      const outer = depth === 0;
      depth++;
      try {
        return real(() => {
          const r = fn();
          if (outer && failNext) {
            failNext = false;
            throw new Error('disk I/O error'); // rolls the whole round back, as a failed COMMIT does
          }
          return r;
        });
      } finally {
        depth--;
      }
    });

    failNext = true;
    const failed = await Promise.all([submit(a, ask), submit(b, ask)]);
    expect(failed.map((o) => o.ok)).toEqual([false, false]);
    expect(!failed[0].ok && String(failed[0].error)).toMatch(/disk I\/O error/);
    expect(service.snapshot(a).utterances).toHaveLength(0);
    expect(service.snapshot(b).utterances).toHaveLength(0);

    // The pipelines forgot what was rolled back: the same turns now give the same cue that
    // a fresh session gives them (no cooldown left from the lost attempt).
    commits = 0;
    const ok = await Promise.all([submit(a, ask), submit(b, ask)]);
    expect(commits).toBe(1);
    expect(ok.map((o) => o.ok)).toEqual([true, true]);
    const fresh = newSession();
    service.addUtterance(fresh, ask);
    expect(seen(service, a)).toEqual(seen(service, fresh));
    expect(seen(service, a).cues.length).toBeGreaterThan(0);
  });

  it('stores two copies of a clientTurnId in one flush once: both told ok, the later as a duplicate of the stored turn', async () => {
    const { store, submit, newSession, flushes, calls } = setup();
    const [a, b] = [newSession(), newSession()];
    const ask = { speaker: CUSTOMER, text: 'How much would it cost for ten seats?', startMs: 1000, clientTurnId: 'p:1' };
    const outcomes = await Promise.all([submit(a, ask), submit(b, ask), submit(a, ask), submit(a, { ...ask, text: 'Any discount?' })]);
    expect(flushes.count).toBe(1);
    const [first, other, copy, conflict] = outcomes;
    expect(first).toMatchObject({ ok: true, result: { utterance: { sessionId: a, seq: 1 } } });
    expect(first).not.toHaveProperty('duplicate');
    // Another session's turn under the same id is its own.
    expect(other).toMatchObject({ ok: true, result: { utterance: { sessionId: b, seq: 1 } } });
    expect(copy).toEqual({ ok: true, result: { utterance: first.ok && first.result.utterance, cues: [] }, duplicate: true });
    expect(!conflict.ok && conflict.error).toBeInstanceOf(TurnIdConflictError);
    expect(store.utterances(a)).toHaveLength(1);
    expect(store.signals(a)).toHaveLength(1);
    // The repeat was not classified: one forward pass for the two sessions' first turns.
    expect(calls).toEqual([2]);
  });

  it('splits a large backlog into flushes of at most maxBatch turns', async () => {
    const { submit, newSession, calls } = setup({ maxBatch: 2 });
    const ids = Array.from({ length: 5 }, () => newSession());
    const outcomes = await Promise.all(
      ids.map((id) => submit(id, { speaker: CUSTOMER, text: 'What is the price per seat?', startMs: 0 })),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(calls).toEqual([2, 2, 1]);
  });

  it('still tells the other turns when one callback throws', async () => {
    const logged: string[] = [];
    const { queue, newSession } = setup({ log: (m) => logged.push(m) });
    const [a, b] = [newSession(), newSession()];
    queue.submit(a, { speaker: CUSTOMER, text: 'hi', startMs: 0 }, () => {
      throw new Error('socket gone');
    });
    const second = await new Promise<TurnOutcome>((resolve) =>
      queue.submit(b, { speaker: CUSTOMER, text: 'hi', startMs: 0 }, resolve),
    );
    expect(second.ok).toBe(true);
    expect(logged).toEqual(['live turn callback failed: Error: socket gone']);
  });

  it('idle() resolves once every submitted turn is stored and told, over several flushes', async () => {
    const { queue, newSession, store } = setup({ maxBatch: 2 });
    await queue.idle(); // nothing queued: at once
    const id = newSession();
    const told: number[] = [];
    for (let i = 0; i < 5; i++) queue.submit(id, { speaker: CUSTOMER, text: `turn ${i}`, startMs: i * 1000 }, () => told.push(i));
    await queue.idle();
    expect(told).toEqual([0, 1, 2, 3, 4]);
    expect(store.utterances(id)).toHaveLength(5);
    expect(queue.size).toBe(0);
  });

  it("settled(session) resolves once that session's turns submitted so far are told, without waiting for later ones or other sessions'", async () => {
    const { queue, newSession } = setup({ maxBatch: 2 });
    const [a, b] = [newSession(), newSession()];
    await queue.settled(a); // nothing queued: at once
    const told: string[] = [];
    const send = (id: string, i: number) => queue.submit(id, { speaker: CUSTOMER, text: `turn ${i}`, startMs: i * 1000 }, () => told.push(`${id === a ? 'a' : 'b'}${i}`));
    for (let i = 0; i < 3; i++) send(a, i);
    send(b, 0);
    const settled = queue.settled(a).then(() => [...told]);
    // Submitted after the call: not waited for.
    for (let i = 3; i < 6; i++) send(a, i);
    const atSettle = await settled;
    expect(atSettle).toEqual(expect.arrayContaining(['a0', 'a1', 'a2']));
    expect(atSettle).not.toContain('a5');
    await queue.idle();
    expect(told.filter((x) => x.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
    await queue.settled(a); // all told: at once
  });

  it('rejects a maxBatch below 1', () => {
    const { service } = setup();
    expect(() => new LiveTurnQueue(service, { maxBatch: 0 })).toThrow('maxBatch must be a whole number ≥ 1, got 0');
  });
});
