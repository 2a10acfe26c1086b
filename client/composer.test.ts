// The live turn composer's logic with an injected clock and socket: the media-time clock, the
// turn a draft becomes, and the send / ack / refusal / reconnect state machine.
import type { ApiError, Utterance, UtteranceIn } from '../protocol/protocol';
import { ClientTurnIdSchema, UtteranceInSchema } from '../protocol/protocol';
import { MediaClock, TurnSender, buildTurn, checkSpeaker, hasText, type TurnSenderDeps } from './composer';
import type { AckResult } from './live';

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

/** A sender on a fake socket whose acks the test answers by hand. */
function harness(opts: { connected?: boolean } = {}) {
  const time = fakeNow();
  const clock = new MediaClock(time.now);
  let connected = opts.connected ?? true;
  const sent: UtteranceIn[] = [];
  const answers: { resolve: (r: AckResult<Utterance>) => void; reject: (e: unknown) => void }[] = [];
  const stored: Utterance[] = [];
  let changes = 0;
  const deps: TurnSenderDeps = {
    prefix: 'ptest',
    clock,
    startFrom: () => 10_000,
    connected: () => connected,
    send: (turn) => {
      sent.push(turn);
      return new Promise((resolve, reject) => answers.push({ resolve, reject }));
    },
    deliveryUnknown: (err) => !connected || (err instanceof Error && err.message === 'operation has timed out'),
    onStored: (u) => stored.push(u),
    onChange: () => changes++,
  };
  const sender = new TurnSender(deps);
  const stored1 = (turn: UtteranceIn, id = 1): Utterance => ({
    id,
    sessionId: 's1',
    seq: id,
    speaker: turn.speaker,
    role: 'customer',
    text: turn.text,
    startMs: turn.startMs,
    endMs: turn.endMs ?? turn.startMs,
    receivedAt: 0,
  });
  return {
    time,
    clock,
    sender,
    sent,
    answers,
    stored,
    stored1,
    changes: () => changes,
    setConnected: (c: boolean) => (connected = c),
  };
}

describe('TurnSender', () => {
  test('a draft is timed from its first keystroke to Send; the field is cleared only after the ack', async () => {
    const h = harness();
    h.sender.edit('How');
    expect(h.sender.draftStartMs).toBe(10_000); // the clock started at the session's latest turn end
    h.time.advance(2500);
    h.sender.edit('How much is it?');
    expect(h.sender.draftStartMs).toBe(10_000);
    h.time.advance(500);
    expect(h.sender.canSend('Lee')).toBe(true);
    const done = h.sender.submit('Lee');
    expect(h.sender.phase).toBe('sending');
    expect(h.sender.draft).toBe('How much is it?'); // not yet acked: still there
    expect(h.sender.canSend('Lee')).toBe(false);
    expect(h.sent).toEqual([{ speaker: 'Lee', text: 'How much is it?', startMs: 10_000, endMs: 13_000, clientTurnId: 'ptest:1' }]);
    expect(ClientTurnIdSchema.safeParse(h.sent[0]!.clientTurnId).success).toBe(true);
    h.answers[0]!.resolve({ ok: true, value: h.stored1(h.sent[0]!) });
    await expect(done).resolves.toBe('stored');
    expect(h.sender.phase).toBe('idle');
    expect(h.sender.draft).toBe('');
    expect(h.sender.draftStartMs).toBeNull();
    expect(h.stored).toHaveLength(1);
  });

  test('emptying the field forgets the draft start; the next turn gets the next id', async () => {
    const h = harness();
    h.sender.edit('a');
    h.time.advance(1000);
    h.sender.edit('');
    expect(h.sender.draftStartMs).toBeNull();
    h.time.advance(1000);
    h.sender.edit('Hi');
    expect(h.sender.draftStartMs).toBe(12_000);
    const one = h.sender.submit('A');
    h.answers[0]!.resolve({ ok: true, value: h.stored1(h.sent[0]!) });
    await one;
    h.sender.edit('Again');
    const two = h.sender.submit('A');
    h.answers[1]!.resolve({ ok: true, value: h.stored1(h.sent[1]!, 2) });
    await two;
    expect(h.sent.map((u) => u.clientTurnId)).toEqual(['ptest:1', 'ptest:2']);
  });

  test('a refused turn keeps its text and the server error until the field is edited', async () => {
    const h = harness();
    const long = 'x'.repeat(2001);
    h.sender.edit(long);
    const done = h.sender.submit('Lee');
    const error: ApiError = { code: 'invalid_input', field: 'utterance.text', limit: 2000, actual: 2001, message: 'utterance.text: text must be at most 2000 characters' };
    h.answers[0]!.resolve({ ok: false, error });
    await expect(done).resolves.toBe('refused');
    expect(h.sender.phase).toBe('idle');
    expect(h.sender.draft).toBe(long);
    expect(h.sender.error).toEqual(error);
    expect(h.stored).toHaveLength(0);
    h.sender.edit('x'.repeat(1999));
    expect(h.sender.error).toBeNull();
  });

  test('offline: nothing is sent, Send is not offered', async () => {
    const h = harness({ connected: false });
    h.sender.edit('Hello');
    expect(h.sender.canSend('Lee')).toBe(false);
    await expect(h.sender.submit('Lee')).resolves.toBe('offline');
    expect(h.sent).toEqual([]);
    expect(h.sender.draft).toBe('Hello');
  });

  test('a turn whose ack the drop took is sent again under the same id once rejoined, and cleared then', async () => {
    const h = harness();
    h.sender.edit('这个理财产品的年费是多少？');
    const first = h.sender.submit('王女士');
    h.setConnected(false);
    h.answers[0]!.reject(new Error('socket has been disconnected'));
    await expect(first).resolves.toBe('unconfirmed');
    expect(h.sender.phase).toBe('unconfirmed');
    expect(h.sender.draft).toBe('这个理财产品的年费是多少？');
    h.sender.edit('changed'); // read-only while unconfirmed
    expect(h.sender.draft).toBe('这个理财产品的年费是多少？');
    await expect(h.sender.resend()).resolves.toBe('offline');
    h.setConnected(true);
    const again = h.sender.resend();
    expect(h.sent).toHaveLength(2);
    expect(h.sent[1]).toEqual(h.sent[0]); // the same turn, the same clientTurnId
    h.answers[1]!.resolve({ ok: true, value: h.stored1(h.sent[1]!) });
    await expect(again).resolves.toBe('stored');
    expect(h.sender.draft).toBe('');
    await expect(h.sender.resend()).resolves.toBeNull(); // nothing left to send
  });

  test('an ack timeout is unconfirmed too; another error is shown and the text kept', async () => {
    const h = harness();
    h.sender.edit('One');
    const one = h.sender.submit('A');
    h.answers[0]!.reject(new Error('operation has timed out'));
    await expect(one).resolves.toBe('unconfirmed');
    h.sender.forget();
    h.sender.edit('Two');
    const two = h.sender.submit('A');
    h.answers[1]!.reject(new Error('"utterance" ack: not what the protocol says'));
    await expect(two).resolves.toBe('refused');
    expect(h.sender.error?.message).toMatch(/not what the protocol says/);
    expect(h.sender.draft).toBe('Two');
  });

  test('an answer for a turn forgotten meanwhile (another session shown) changes nothing', async () => {
    const h = harness();
    h.sender.edit('Hello');
    const p = h.sender.submit('A');
    h.sender.forget();
    h.answers[0]!.resolve({ ok: true, value: h.stored1(h.sent[0]!) });
    await expect(p).resolves.toBe('busy');
    expect(h.stored).toEqual([]);
    expect(h.sender.draft).toBe('Hello');
  });
});
