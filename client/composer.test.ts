// The live turn composer's logic with an injected clock, socket and storage: the media-time
// clock, the turn a draft becomes, the queue (order, offline, refusal, reconnect, bound) and
// its keeping across a reload.
import type { ApiError, Utterance, UtteranceIn } from '../protocol/protocol';
import { ClientTurnIdSchema, UtteranceInSchema } from '../protocol/protocol';
import {
  Draft,
  MediaClock,
  QUEUE_MAX_TURNS,
  QUEUE_STORAGE_PREFIX,
  TurnQueue,
  buildTurn,
  checkSpeaker,
  hasText,
  latestMediaMs,
  loadQueues,
  protocolRefusal,
  saveQueue,
  sessionGone,
  type QueuedTurn,
  type TurnQueueDeps,
} from './composer';
import type { AckResult } from './live';
import { fakeStorage } from './fakeStorage.testkit';

function fakeNow(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('MediaClock', () => {
  test('starts at 0 (or the time given) on first use and runs with the injected clock', () => {
    const time = fakeNow();
    const clock = new MediaClock(time.now);
    expect(clock.started).toBe(false);
    time.advance(5000);
    expect(clock.mediaMs()).toBe(0);
    expect(clock.started).toBe(true);
    time.advance(1234.4);
    expect(clock.mediaMs()).toBe(1234);
    // Already running: a later "start at" does not move it.
    clock.start(90_000);
    expect(clock.mediaMs(90_000)).toBe(1234);
  });

  test('an opened session continues after its latest turn; reset starts it again on next use', () => {
    const time = fakeNow();
    const clock = new MediaClock(time.now);
    expect(clock.mediaMs(42_000)).toBe(42_000);
    time.advance(3000);
    expect(clock.mediaMs()).toBe(45_000);
    clock.reset();
    time.advance(10_000);
    expect(clock.mediaMs(7000)).toBe(7000);
  });

  test('stays within the protocol media-time range', () => {
    const time = fakeNow();
    const clock = new MediaClock(time.now);
    clock.start(0);
    time.advance(25 * 3600 * 1000);
    expect(clock.mediaMs()).toBe(24 * 3600 * 1000);
  });
});

describe('buildTurn, checkSpeaker', () => {
  test('a turn with its draft start and send time and its id is a valid utterance', () => {
    const u = buildTurn({ speaker: '王女士', text: '这个多少钱？', startMs: 1200.6, endMs: 4000.2, clientTurnId: 'pabc:1' });
    expect(u).toEqual({ speaker: '王女士', text: '这个多少钱？', startMs: 1201, endMs: 4000, clientTurnId: 'pabc:1' });
    expect(UtteranceInSchema.safeParse(u).success).toBe(true);
  });

  test('a start after the end is clamped so the server never refuses the order', () => {
    expect(buildTurn({ speaker: 'A', text: 'x', startMs: 5000, endMs: 4000, clientTurnId: 'p:1' })).toMatchObject({ startMs: 4000, endMs: 4000 });
  });

  test('speaker names are normalised as the server stores them, and checked for its limit', () => {
    expect(checkSpeaker('  Alice\u00a0 Smith\u200b ')).toEqual({ ok: true, name: 'Alice Smith' });
    expect(checkSpeaker('\u200b ')).toEqual({ ok: false, problem: 'empty' });
    expect(checkSpeaker('x'.repeat(81))).toEqual({ ok: false, problem: 'tooLong', actual: 81 });
    expect(hasText(' \n ')).toBe(false);
    expect(hasText('好')).toBe(true);
  });
});

describe('protocolRefusal', () => {
  test('a turn the server\'s schema refuses gets the server\'s error here (not sent); a valid one none', () => {
    const ok = buildTurn({ speaker: 'Lee', text: 'How much?', startMs: 0, endMs: 500, clientTurnId: 'ptest:1' });
    expect(protocolRefusal('s1', ok)).toBeNull();
    expect(protocolRefusal('s1', { ...ok, text: '价'.repeat(2001) })).toMatchObject({ code: 'invalid_input', field: 'utterance.text', limit: 2000, actual: 2001 });
    // More than a socket message carries: refused the same way, not sent to break the connection.
    expect(protocolRefusal('s1', { ...ok, text: 'x'.repeat(1_100_000) })).toMatchObject({ field: 'utterance.text', limit: 2000, actual: 1_100_000 });
    expect(protocolRefusal('s1', { ...ok, text: '\u200B' })).toMatchObject({ code: 'invalid_input', field: 'utterance.text' });
  });
});

describe('Draft', () => {
  test('a draft is timed from its first keystroke; emptying the field forgets its start', () => {
    const time = fakeNow();
    const clock = new MediaClock(time.now);
    const now = () => clock.mediaMs(10_000);
    const d = new Draft();
    d.edit('How', now);
    expect(d.startMs).toBe(10_000); // the clock started at the session's latest turn end
    time.advance(2500);
    d.edit('How much is it?', now);
    expect(d.startMs).toBe(10_000);
    d.edit('  ', now);
    expect(d.startMs).toBeNull();
    time.advance(1000);
    d.edit('Hi', now);
    expect(d.startMs).toBe(13_500);
    d.clear();
    expect(d).toMatchObject({ text: '', startMs: null });
  });

  test('a draft\'s start counts only on the clock it was read from: begun on the rehearsal clock and sent with a local video loaded (or the other way), the turn begins when it is sent', () => {
    const d = new Draft();
    d.edit('How much', () => 300_000, 'clock'); // the rehearsal clock at 5:00
    expect(d.startOn('clock')).toBe(300_000);
    // A video loaded meanwhile, at 0:05: 5:00 is not on its time line (the turn would be clamped to 0 s long there).
    expect(d.startOn('video')).toBeNull();
    d.edit('How much is it?', () => 5_000, 'video'); // typing on does not move the start
    expect(d.startOn('video')).toBeNull();
    d.edit('', () => 6_000, 'video');
    d.edit('Begun on the video', () => 7_000, 'video');
    expect(d.startOn('video')).toBe(7_000);
    expect(d.startOn('clock')).toBeNull();
    // A refused turn being fixed keeps the times it was typed at, whichever clock runs now.
    d.fix(1_000);
    expect([d.startOn('clock'), d.startOn('video')]).toEqual([1_000, 1_000]);
  });
});

describe('latestMediaMs', () => {
  const turnTo = (endMs: number) => ({ id: 1, sessionId: 's1', seq: 1, speaker: 'Lee', role: 'customer' as const, text: 'Hi', startMs: 0, endMs, receivedAt: 0 });
  const posture = (startedMs: number, endedMs: number | null) => ({
    id: 2, sessionId: 's1', kind: 'posture' as const, participant: 'Lee', label: 'leaning_forward' as const, score: 0.9, mediaMs: startedMs, startedMs, endedMs,
    frameId: null, features: {}, source: 'browser' as const, modelVersion: 'p',
  });

  test('a session\'s clock starts after everything it stored: its turns, and a webcam rehearsal\'s postures and cues past its last turn', () => {
    expect(latestMediaMs({ utterances: [], signals: [], cues: [] })).toBe(0);
    expect(latestMediaMs({ utterances: [turnTo(10_000)], signals: [], cues: [] })).toBe(10_000);
    // The webcam ran on after the last typed turn: a posture held from 12 s to 40 s.
    expect(latestMediaMs({ utterances: [turnTo(10_000)], signals: [posture(12_000, 40_000)], cues: [] })).toBe(40_000);
    // One still on when it was read: it reached at least its start.
    expect(latestMediaMs({ utterances: [turnTo(10_000)], signals: [posture(50_000, null)], cues: [] })).toBe(50_000);
    const cue = { mediaMs: 61_000 } as Parameters<typeof latestMediaMs>[0]['cues'][number];
    expect(latestMediaMs({ utterances: [turnTo(10_000)], signals: [], cues: [cue] })).toBe(61_000);
  });
});

/** A queue on a fake socket whose acks the test answers by hand. */
function harness(opts: { connected?: boolean; items?: QueuedTurn[] } = {}) {
  let connected = opts.connected ?? true;
  let held = false;
  const sent: UtteranceIn[] = [];
  const answers: { resolve: (r: AckResult<Utterance>) => void; reject: (e: unknown) => void }[] = [];
  const stored: Utterance[] = [];
  let changes = 0;
  const retries: (() => void)[] = [];
  const deps: TurnQueueDeps = {
    mayDrain: () => connected && !held,
    send: (turn) => {
      sent.push(turn);
      return new Promise((resolve, reject) => answers.push({ resolve, reject }));
    },
    deliveryUnknown: (err) => !connected || (err instanceof Error && err.message === 'operation has timed out'),
    retryLater: (retry) => retries.push(retry),
    onStored: (u) => stored.push(u),
    onChange: () => changes++,
  };
  const queue = new TurnQueue(deps, opts.items);
  let seq = 0;
  const storedAs = (turn: UtteranceIn): Utterance => ({
    id: ++seq,
    sessionId: 's1',
    seq,
    speaker: turn.speaker,
    role: 'customer',
    text: turn.text,
    startMs: turn.startMs,
    endMs: turn.endMs ?? turn.startMs,
    receivedAt: 0,
  });
  /** Answers the k-th send (0-based) with the server's "stored", and lets the queue go on. */
  const ack = async (k: number) => {
    answers[k]!.resolve({ ok: true, value: storedAs(sent[k]!) });
    await flush();
  };
  return {
    queue,
    sent,
    answers,
    stored,
    ack,
    changes: () => changes,
    retries,
    setConnected: (c: boolean) => (connected = c),
    hold: (h: boolean) => (held = h),
  };
}

/** Lets the queue's awaits run (the fake socket answers synchronously once resolved). */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

const turn = (n: number, text = `Turn ${n}`, startMs = n * 1000): UtteranceIn =>
  buildTurn({ speaker: 'Lee', text, startMs, endMs: startMs + 500, clientTurnId: `ptest:${n}` });

describe('TurnQueue', () => {
  test('turns typed behind one awaiting its ack are sent one at a time, in order, each under its own id', async () => {
    const h = harness();
    expect(h.queue.add(turn(1))).toBe('queued');
    expect(h.queue.add(turn(2))).toBe('queued');
    expect(h.queue.add(turn(3))).toBe('queued');
    expect(h.sent.map((u) => u.clientTurnId)).toEqual(['ptest:1']); // one at a time
    expect(h.queue.items.map((q) => q.state)).toEqual(['sending', 'waiting', 'waiting']);
    await h.ack(0);
    expect(h.sent.map((u) => u.clientTurnId)).toEqual(['ptest:1', 'ptest:2']);
    await h.ack(1);
    await h.ack(2);
    expect(h.stored.map((u) => u.text)).toEqual(['Turn 1', 'Turn 2', 'Turn 3']);
    expect(h.queue.items).toEqual([]);
    for (const u of h.sent) expect(ClientTurnIdSchema.safeParse(u.clientTurnId).success).toBe(true);
  });

  test('typed offline: kept in order with the media times they were typed at, sent once connected', async () => {
    const h = harness({ connected: false });
    h.queue.add(turn(1, 'One', 4000));
    h.queue.add(turn(2, 'Two', 9000));
    await h.queue.drain();
    expect(h.sent).toEqual([]);
    expect(h.queue.items.map((q) => q.state)).toEqual(['waiting', 'waiting']);
    expect(h.queue.lastEndMs).toBe(9500);
    h.setConnected(true);
    void h.queue.drain();
    await h.ack(0);
    await h.ack(1);
    // Sent later, timed as typed (not as sent).
    expect(h.sent.map((u) => [u.text, u.startMs, u.endMs])).toEqual([
      ['One', 4000, 4500],
      ['Two', 9000, 9500],
    ]);
  });

  test('a waiting turn can be removed before it is sent; the one on its way cannot', async () => {
    const h = harness();
    h.queue.add(turn(1));
    h.queue.add(turn(2));
    h.queue.add(turn(3));
    expect(h.queue.remove('ptest:1')).toBe(false); // on its way: its ack decides
    expect(h.queue.remove('ptest:2')).toBe(true);
    expect(h.queue.remove('nope')).toBe(false);
    await h.ack(0);
    await h.ack(1);
    expect(h.sent.map((u) => u.text)).toEqual(['Turn 1', 'Turn 3']);
  });

  test('an unconfirmed turn cannot be removed: it may be stored already, and typed again it would be stored twice', async () => {
    const h = harness();
    h.queue.add(turn(1));
    h.queue.add(turn(2));
    h.setConnected(false);
    h.answers[0]!.reject(new Error('socket has been disconnected'));
    await flush();
    expect(h.queue.items.map((q) => q.state)).toEqual(['unconfirmed', 'waiting']);
    expect(h.queue.remove('ptest:1')).toBe(false);
    expect(h.queue.remove('ptest:2')).toBe(true); // never sent: removable
    expect(h.queue.items.map((q) => q.turn.clientTurnId)).toEqual(['ptest:1']);
  });

  test('bounded: the turn over QUEUE_MAX_TURNS is not added', () => {
    const h = harness({ connected: false });
    for (let n = 1; n <= QUEUE_MAX_TURNS; n++) expect(h.queue.add(turn(n))).toBe('queued');
    expect(h.queue.full).toBe(true);
    expect(h.queue.add(turn(QUEUE_MAX_TURNS + 1))).toBe('full');
    expect(h.queue.items).toHaveLength(QUEUE_MAX_TURNS);
    h.queue.remove('ptest:3');
    expect(h.queue.add(turn(QUEUE_MAX_TURNS + 1))).toBe('queued');
  });

  test('a refused turn stops the queue at it, with the server message; fixed (replaced), the rest follow', async () => {
    const h = harness();
    const long = 'x'.repeat(2001);
    h.queue.add(turn(1, long));
    h.queue.add(turn(2));
    const error: ApiError = { code: 'invalid_input', field: 'utterance.text', limit: 2000, actual: 2001, message: 'utterance.text: text must be at most 2000 characters' };
    h.answers[0]!.resolve({ ok: false, error });
    await flush();
    expect(h.queue.refused).toMatchObject({ turn: { text: long }, state: 'refused', error });
    await h.queue.drain();
    expect(h.sent).toHaveLength(1); // the turn after it waits
    expect(h.queue.replace('ptest:2', turn(9))).toBe(false); // only a refused turn is replaced
    const fixed = buildTurn({ speaker: 'Lee', text: 'x'.repeat(1999), startMs: 1000, endMs: 1500, clientTurnId: 'ptest:3' });
    expect(h.queue.replace('ptest:1', fixed)).toBe(true);
    expect(h.sent[1]).toEqual(fixed);
    await h.ack(1);
    await h.ack(2);
    expect(h.stored.map((u) => u.text)).toEqual(['x'.repeat(1999), 'Turn 2']);
  });

  test('a refused turn removed: the turns after it go', async () => {
    const h = harness();
    h.queue.add(turn(1));
    h.queue.add(turn(2));
    h.answers[0]!.resolve({ ok: false, error: { code: 'invalid_input', message: 'no' } });
    await flush();
    expect(h.queue.remove('ptest:1')).toBe(true);
    expect(h.sent.map((u) => u.clientTurnId)).toEqual(['ptest:1', 'ptest:2']);
  });

  test('a turn whose ack the drop took is sent again under the same id once connected, stored once, then the rest', async () => {
    const h = harness();
    h.queue.add(turn(1, '这个理财产品的年费是多少？'));
    h.queue.add(turn(2));
    h.setConnected(false);
    h.answers[0]!.reject(new Error('socket has been disconnected'));
    await flush();
    expect(h.queue.items.map((q) => q.state)).toEqual(['unconfirmed', 'waiting']);
    await h.queue.drain(); // still offline: nothing
    expect(h.sent).toHaveLength(1);
    h.setConnected(true);
    void h.queue.drain();
    expect(h.sent[1]).toEqual(h.sent[0]); // the same turn, the same clientTurnId
    // The server already held it: a duplicate answers with the stored original; it leaves the queue.
    await h.ack(1);
    expect(h.sent[2]!.clientTurnId).toBe('ptest:2');
    await h.ack(2);
    expect(h.queue.items).toEqual([]);
  });

  test('an ack timeout is unconfirmed (sent again on the next drain); another failure is a refusal', async () => {
    const h = harness();
    h.queue.add(turn(1));
    h.answers[0]!.reject(new Error('operation has timed out'));
    await flush();
    expect(h.queue.items[0]!.state).toBe('unconfirmed');
    h.queue.add(turn(2)); // a turn typed drains again: the unconfirmed one goes first
    expect(h.sent.map((u) => u.clientTurnId)).toEqual(['ptest:1', 'ptest:1']);
    h.answers[1]!.reject(new Error('"utterance" ack: not what the protocol says'));
    await flush();
    expect(h.queue.refused?.error?.message).toMatch(/not what the protocol says/);
    expect(h.queue.items).toHaveLength(2);
  });

  test('an ack timeout with the connection up: sent again under its id a little later, with nothing else to start it; not when offline', async () => {
    const h = harness();
    h.queue.add(turn(1));
    h.queue.add(turn(2));
    h.answers[0]!.reject(new Error('operation has timed out'));
    await flush();
    expect(h.queue.items.map((q) => q.state)).toEqual(['unconfirmed', 'waiting']);
    expect(h.retries).toHaveLength(1);
    h.retries[0]!();
    expect(h.sent.map((u) => u.clientTurnId)).toEqual(['ptest:1', 'ptest:1']);
    await h.ack(1);
    expect(h.sent.map((u) => u.clientTurnId)).toEqual(['ptest:1', 'ptest:1', 'ptest:2']);
    // The connection dropped: the reconnect drains it again, no retry is scheduled.
    h.setConnected(false);
    h.answers[2]!.reject(new Error('socket has been disconnected'));
    await flush();
    expect(h.queue.items[0]!.state).toBe('unconfirmed');
    expect(h.retries).toHaveLength(1);
  });

  test('a passing refusal (the server busy, stopping or starting: not stored) does not stop the queue for a fix: the turn goes again under its id', async () => {
    const h = harness();
    h.queue.add(turn(1));
    h.queue.add(turn(2));
    const stopping: ApiError = { code: 'shutting_down', message: 'the server is stopping: this utterance was not stored; send it again once the server is back' };
    h.answers[0]!.resolve({ ok: false, error: stopping });
    await flush();
    expect(h.queue.refused).toBeNull();
    expect(h.queue.items.map((q) => q.state)).toEqual(['waiting', 'waiting']);
    expect(h.queue.items[0]!.error).toEqual(stopping); // said while it waits
    expect(h.retries).toHaveLength(1);
    h.retries[0]!();
    expect(h.sent.map((u) => u.clientTurnId)).toEqual(['ptest:1', 'ptest:1']);
    await h.ack(1);
    await h.ack(2);
    expect(h.queue.items).toEqual([]);
    // Another refusal is the turn's own: the queue stops at it.
    h.queue.add(turn(3));
    h.answers[3]!.resolve({ ok: false, error: { code: 'invalid_input', message: 'no', field: 'utterance.text' } });
    await flush();
    expect(h.queue.refused?.turn.clientTurnId).toBe('ptest:3');
  });

  test('held (another window plays into the session): nothing is sent until released', async () => {
    const h = harness();
    h.hold(true);
    h.queue.add(turn(1));
    expect(h.sent).toEqual([]);
    h.hold(false);
    void h.queue.drain();
    expect(h.sent).toHaveLength(1);
    // A second drain while one is under way does not send the head twice.
    void h.queue.drain();
    expect(h.sent).toHaveLength(1);
  });

  test('awaiting: a stored turn the room reports is known as this queue\'s own by its clientTurnId while it is on its way, not before it is sent nor after', async () => {
    const h = harness();
    h.hold(true);
    const padded = buildTurn({ speaker: 'Lee', text: '  How much?  ', startMs: 1000, endMs: 1500, clientTurnId: 'ptest:1' });
    h.queue.add(padded);
    const echo = { speaker: 'Lee', text: 'How much?', startMs: 1000, endMs: 1500, clientTurnId: 'ptest:1' };
    expect(h.queue.awaiting(echo)).toBe(false); // waiting: not sent, so not its echo
    h.hold(false);
    void h.queue.drain();
    expect(h.queue.awaiting(echo)).toBe(true);
    // Another window's turn, the same words at the same times: its id is not ours.
    expect(h.queue.awaiting({ ...echo, clientTurnId: 'pother:1' })).toBe(false);
    // A turn sent without an id (another program's) is never ours.
    const { clientTurnId: _none, ...words } = echo;
    const withoutId: typeof words & { clientTurnId?: string } = words;
    expect(h.queue.awaiting(withoutId)).toBe(false);
    h.setConnected(false);
    h.answers[0]!.reject(new Error('socket has been disconnected'));
    await flush();
    expect(h.queue.awaiting(echo)).toBe(true); // unconfirmed: it may arrive yet
    h.setConnected(true);
    void h.queue.drain();
    await h.ack(1);
    expect(h.queue.awaiting(echo)).toBe(false);
  });

  test('awaiting: two identical turns typed in a row are told apart by their ids', async () => {
    const h = harness();
    const same = (n: number) => buildTurn({ speaker: 'Lee', text: 'Yes.', startMs: 1000, endMs: 1000, clientTurnId: `ptest:${n}` });
    h.queue.add(same(1));
    h.queue.add(same(2));
    const echo = (n: number) => ({ speaker: 'Lee', text: 'Yes.', startMs: 1000, endMs: 1000, clientTurnId: `ptest:${n}` });
    expect(h.queue.awaiting(echo(1))).toBe(true); // on its way
    expect(h.queue.awaiting(echo(2))).toBe(false); // still waiting behind it: not sent
    await h.ack(0);
    expect(h.queue.awaiting(echo(1))).toBe(false); // stored: no echo of it is awaited any more
    expect(h.queue.awaiting(echo(2))).toBe(true);
    await h.ack(1);
    expect(h.queue.awaiting(echo(2))).toBe(false);
  });

  test('sessionGone: only a refusal naming the session as not found drops its queue', () => {
    expect(sessionGone({ code: 'not_found', message: 'session "x" does not exist', field: 'sessionId' })).toBe(true);
    expect(sessionGone({ code: 'not_found', message: 'no such turn', field: 'utteranceId' })).toBe(false);
    expect(sessionGone({ code: 'invalid_input', message: 'too long', field: 'utterance.text' })).toBe(false);
    expect(sessionGone(null)).toBe(false);
    expect(sessionGone(undefined)).toBe(false);
  });

  test('forgotten (the session deleted): an answer still to come changes nothing', async () => {
    const h = harness();
    h.queue.add(turn(1));
    h.queue.forget();
    await h.ack(0);
    expect(h.stored).toEqual([]);
    expect(h.queue.items).toEqual([]);
  });
});

/** A Map-backed stand-in for sessionStorage. */

describe('saveQueue, loadQueues', () => {
  test('each session\'s queue survives a reload; one on its way comes back unconfirmed (sent again under its id)', () => {
    const storage = fakeStorage();
    const error: ApiError = { code: 'invalid_input', message: 'too long', field: 'utterance.text', limit: 2000, actual: 2001 };
    expect(
      saveQueue(storage, 's1', [
        { turn: turn(1), state: 'sending', error: null },
        { turn: turn(2), state: 'waiting', error: null },
      ]),
    ).toBe(true);
    saveQueue(storage, 's2', [{ turn: turn(3), state: 'refused', error }]);
    storage.setItem('buying-signals.lang', 'zh'); // not a queue: left alone
    const loaded = loadQueues(storage);
    expect([...loaded.keys()].sort()).toEqual(['s1', 's2']);
    expect(loaded.get('s1')).toEqual([
      { turn: turn(1), state: 'unconfirmed', error: null },
      { turn: turn(2), state: 'waiting', error: null },
    ]);
    expect(loaded.get('s2')).toEqual([{ turn: turn(3), state: 'refused', error }]);
    // Emptied: its entry goes.
    saveQueue(storage, 's1', []);
    expect(storage.getItem(QUEUE_STORAGE_PREFIX + 's1')).toBeNull();
    expect(storage.getItem('buying-signals.lang')).toBe('zh');
  });

  test('an entry that is not a queue (edited by hand, a turn without its id) is dropped, not sent', () => {
    const storage = fakeStorage();
    storage.setItem(QUEUE_STORAGE_PREFIX + 'a', '{not json');
    storage.setItem(QUEUE_STORAGE_PREFIX + 'b', JSON.stringify({ v: 1, items: [{ turn: { speaker: 'A', text: 'x', startMs: 0 }, state: 'waiting', error: null }] }));
    storage.setItem(QUEUE_STORAGE_PREFIX + 'c', JSON.stringify({ v: 1, items: [{ turn: { ...turn(1), startMs: -5 }, state: 'waiting', error: null }] }));
    expect(loadQueues(storage).size).toBe(0);
    expect(storage.map.size).toBe(0);
  });

  test('a turn the server refuses for its words (over the text limit, nothing visible) is kept through a reload with the turns after it', () => {
    // The queue holds what the manager typed, whatever the server will say of it: the server's
    // rules for a turn's words are not the stored queue's, or one refused turn would take the
    // whole queue with it on a reload.
    const storage = fakeStorage();
    const error: ApiError = { code: 'invalid_input', message: 'utterance.text: text must be at most 2000 characters', field: 'utterance.text', limit: 2000, actual: 2001 };
    const items: QueuedTurn[] = [
      { turn: turn(1, 'x'.repeat(2001)), state: 'refused', error },
      { turn: turn(2, '\u200B'), state: 'waiting', error: null },
      { turn: turn(3, '  padded  '), state: 'waiting', error: null },
    ];
    expect(saveQueue(storage, 's1', items)).toBe(true);
    expect(loadQueues(storage).get('s1')).toEqual(items);
  });

  test('a save the storage refuses leaves no older copy behind: a reload does not bring back turns removed or fixed since', () => {
    const storage = fakeStorage();
    const error: ApiError = { code: 'busy', message: 'busy' };
    expect(saveQueue(storage, 's1', [{ turn: turn(1), state: 'refused', error }, { turn: turn(2), state: 'waiting', error: null }])).toBe(true);
    const setItem = storage.setItem;
    storage.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    // Turn 1 fixed under a new id (stored since), a long turn typed: this save fails.
    expect(saveQueue(storage, 's1', [{ turn: turn(4, 'y'.repeat(5000)), state: 'waiting', error: null }, { turn: turn(2), state: 'waiting', error: null }])).toBe(false);
    storage.setItem = setItem;
    // Reloaded: the refused turn 1 (fixed and stored as turn 4) must not be back to be sent again.
    expect(loadQueues(storage).get('s1')?.map((q) => q.turn.clientTurnId) ?? []).not.toContain('ptest:1');
  });

  test('storage that refuses (full, blocked) or none: false, nothing thrown', () => {
    const storage = fakeStorage();
    storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    expect(saveQueue(storage, 's1', [{ turn: turn(1), state: 'waiting', error: null }])).toBe(false);
    expect(saveQueue(null, 's1', [])).toBe(false);
    expect(loadQueues(null).size).toBe(0);
  });
});
