// Every session's queue in one window: which may be sent when (the shown session held while
// another window plays into it, the others in the background), with a fake socket and storage.
import type { Utterance, UtteranceIn } from '../protocol/protocol';
import { QUEUE_STORAGE_PREFIX, buildTurn, type QueueStorage } from './composer';
import { ComposerQueues } from './composerQueues';
import type { AckResult } from './live';
import { fakeStorage } from './fakeStorage.testkit';


/** A window's queues over a fake socket that acks every turn at once ("stored"). */
function harness(opts: { connected?: boolean; storage?: QueueStorage } = {}) {
  let connected = opts.connected ?? true;
  const sent: { sessionId: string; turn: UtteranceIn }[] = [];
  const changed: string[] = [];
  const storage = opts.storage ?? fakeStorage();
  let seq = 0;
  const queues = new ComposerQueues({
    connected: () => connected,
    send: (sessionId, turn): Promise<AckResult<Utterance>> => {
      sent.push({ sessionId, turn });
      const u: Utterance = { id: ++seq, sessionId, seq, speaker: turn.speaker, role: 'customer', text: turn.text, startMs: turn.startMs, endMs: turn.endMs ?? turn.startMs, receivedAt: 0 };
      return Promise.resolve({ ok: true, value: u });
    },
    deliveryUnknown: () => !connected,
    retryLater: () => undefined,
    onStored: () => undefined,
    storage: () => storage,
    onChange: (id) => changed.push(id),
  });
  return { queues, sent, changed, storage, setConnected: (c: boolean) => (connected = c) };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const turn = (n: number, text = `Turn ${n}`): UtteranceIn => buildTurn({ speaker: 'Lee', text, startMs: n * 1000, endMs: n * 1000 + 500, clientTurnId: `pq:${n}` });

/** Session `id` shown and held, with `texts` typed offline into its queue, then connected again (still held). */
async function heldWith(h: ReturnType<typeof harness>, id: string, texts: string[]) {
  h.setConnected(false);
  h.queues.show(id, true);
  texts.forEach((text, i) => h.queues.of(id).add(turn(i + 1, text)));
  h.setConnected(true);
  h.queues.connectionChanged();
  await flush();
}

describe('ComposerQueues', () => {
  test('the shown session\'s queue waits while held, and goes on when that input ends', async () => {
    const h = harness();
    await heldWith(h, 'A', ['One', 'Two']);
    expect(h.sent).toEqual([]);
    h.queues.show('A', false);
    await flush();
    expect(h.sent.map((s) => s.turn.text)).toEqual(['One', 'Two']);
  });

  test('a session not shown is sent in the background, connected', async () => {
    const h = harness({ connected: false });
    h.queues.show('B', false);
    h.queues.of('A').add(turn(1));
    await flush();
    expect(h.sent).toEqual([]);
    h.setConnected(true);
    h.queues.connectionChanged();
    await flush();
    expect(h.sent.map((s) => [s.sessionId, s.turn.text])).toEqual([['A', 'Turn 1']]);
  });

  test('a held queue goes on once another session is shown (in the background, as every other session\'s)', async () => {
    const h = harness();
    await heldWith(h, 'A', ['One']);
    h.queues.show('B', false);
    await flush();
    expect(h.sent.map((s) => [s.sessionId, s.turn.text])).toEqual([['A', 'One']]);
  });

  test('a held queue goes on once no session is shown (the demo preview): the manager who comes back finds it sent', async () => {
    const h = harness();
    await heldWith(h, 'A', ['One']);
    h.queues.show(null, false);
    h.queues.show('A', false);
    await flush();
    expect(h.sent.map((s) => s.turn.text)).toEqual(['One']);
  });

  test('held again when shown again while the other window still plays: nothing is sent meanwhile', async () => {
    const h = harness();
    await heldWith(h, 'A', ['One']);
    h.queues.show('A', true);
    h.queues.show('A', true);
    await flush();
    expect(h.sent).toEqual([]);
  });

  test('a queue saved before a reload is read back and sent once connected; a session gone drops it and its copy', async () => {
    const storage = fakeStorage();
    storage.setItem(`${QUEUE_STORAGE_PREFIX}A`, JSON.stringify({ v: 1, items: [{ turn: turn(1), state: 'unconfirmed', error: null }] }));
    const h = harness({ storage });
    expect(h.queues.unsent).toBe(true);
    h.queues.connectionChanged();
    await flush();
    expect(h.sent.map((s) => s.turn.clientTurnId)).toEqual(['pq:1']);
    expect(h.queues.unsent).toBe(false);
    expect(storage.map.size).toBe(0);
    h.queues.of('B').add(turn(2));
    expect(h.queues.drop('B')).toBe(true);
    expect(h.queues.drop('B')).toBe(false);
  });
});
