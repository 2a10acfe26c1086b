// A live turn sent again under its clientTurnId (its ack was lost, or it was still in flight
// when the client re-sent it) over real socket.io on port 0, with the real model and SQLite:
// stored once, acked with the stored original, published once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, collect, connectSocket, startTestServer, type TestSocket, useTestServer } from './harness';

const PARTICIPANTS = [
  { name: 'Ada (rep)', role: 'rep' },
  { name: 'Bo', role: 'customer' },
];
/** A customer turn that gives a price_inquiry signal and a closing_moment cue. */
const ASK = { speaker: 'Bo', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 4000, endMs: 7000 };

function send(socket: TestSocket, sessionId: string, utterance: unknown): Promise<any> {
  return new Promise((resolve) => socket.emit('utterance', { sessionId, utterance } as never, resolve));
}
function join(socket: TestSocket, sessionId: string): Promise<any> {
  return new Promise((resolve) => socket.emit('join', { sessionId }, resolve));
}
async function newSession(url: string): Promise<string> {
  return (await api(url, 'POST', '/api/sessions', { participants: PARTICIPANTS })).body.session.id as string;
}
async function snapshot(url: string, id: string) {
  return (await api(url, 'GET', `/api/sessions/${id}`)).body;
}

describe('a live turn sent again under its clientTurnId', () => {
  const suite = useTestServer();
  const client = () => suite.client();

  it('after its ack: is acked with the stored original (same id, duplicate: true), stored once, and gives no second utterance, signal or cue', async () => {
    const id = await newSession(suite.server.url);
    const [sender, watcher] = [await client(), await client()];
    await join(sender, id);
    await join(watcher, id);
    const events = { utterance: collect(watcher, 'utterance'), signal: collect(watcher, 'signal'), cue: collect(watcher, 'cue') };

    const first = await send(sender, id, { ...ASK, clientTurnId: 'play-7f3a:2' });
    expect(first).toEqual({ ok: true, utterance: expect.objectContaining({ seq: 1, text: ASK.text }) });
    const again = await send(sender, id, { ...ASK, clientTurnId: 'play-7f3a:2' });
    expect(again).toEqual({ ok: true, utterance: first.utterance, duplicate: true });

    // A later turn's events come after anything the repeat would have published.
    const next = await send(sender, id, { speaker: 'Ada (rep)', text: 'Twelve seats come to 3,600 a month.', startMs: 8000, clientTurnId: 'play-7f3a:3' });
    expect(next).toMatchObject({ ok: true, utterance: { seq: 2 } });
    await events.utterance.atLeast(2);
    expect(events.utterance.items.map((u) => u.id)).toEqual([first.utterance.id, next.utterance.id]);
    expect(events.signal.items.map((s) => s.kind === 'verbal' && s.utteranceId)).toEqual([first.utterance.id]);
    expect(events.cue.items).toHaveLength(1);

    const snap = await snapshot(suite.server.url, id);
    expect(snap.utterances).toEqual([first.utterance, next.utterance]);
    expect(snap.signals).toHaveLength(1);
    expect(snap.cues).toHaveLength(1);
  });

  it('while the first copy is still in flight (two copies in one batch): stored once, both acked ok with the same utterance', async () => {
    const id = await newSession(suite.server.url);
    const s = await client();
    await join(s, id);
    const signals = collect(s, 'signal');
    // Neither copy waits for the other's ack: both reach the server in the same read.
    const [a, b] = await Promise.all([send(s, id, { ...ASK, clientTurnId: 't-1' }), send(s, id, { ...ASK, clientTurnId: 't-1' })]);
    expect(a).toEqual({ ok: true, utterance: expect.objectContaining({ seq: 1 }) });
    expect(b).toEqual({ ok: true, utterance: a.utterance, duplicate: true });
    const snap = await snapshot(suite.server.url, id);
    expect(snap.utterances).toEqual([a.utterance]);
    expect(snap.signals).toHaveLength(1);
    expect(snap.cues).toHaveLength(1);
    expect(signals.items).toHaveLength(1);
  });

  it('with other words or times is refused as a client_turn_id_conflict naming the field, and nothing new is stored', async () => {
    const id = await newSession(suite.server.url);
    const s = await client();
    await join(s, id);
    const first = await send(s, id, { ...ASK, clientTurnId: 't-1' });
    expect(first.ok).toBe(true);
    const other = await send(s, id, { ...ASK, text: 'Can you do a discount?', clientTurnId: 't-1' });
    expect(other).toEqual({
      ok: false,
      error: {
        code: 'client_turn_id_conflict',
        field: 'utterance.clientTurnId',
        message: expect.stringMatching(/^utterance\.clientTurnId: "t-1" is already the id of turn 1 of this session, whose text differs; .*new clientTurnId$/),
      },
    });
    const later = await send(s, id, { ...ASK, startMs: 5000, speaker: 'Ada (rep)', clientTurnId: 't-1' });
    expect(later.error.code).toBe('client_turn_id_conflict');
    expect(later.error.message).toContain('whose speaker, startMs differ;');
    const snap = await snapshot(suite.server.url, id);
    expect(snap.utterances).toEqual([first.utterance]);
    expect(snap.signals).toHaveLength(1);
  });

  it('is another turn in another session: the same id is stored in each', async () => {
    const [one, two] = [await newSession(suite.server.url), await newSession(suite.server.url)];
    const s = await client();
    const a = await send(s, one, { ...ASK, clientTurnId: 'p:1' });
    const b = await send(s, two, { ...ASK, clientTurnId: 'p:1' });
    expect(a).toEqual({ ok: true, utterance: expect.objectContaining({ sessionId: one, seq: 1 }) });
    expect(b).toEqual({ ok: true, utterance: expect.objectContaining({ sessionId: two, seq: 1 }) });
    expect(b.utterance.id).not.toBe(a.utterance.id);
    expect((await snapshot(suite.server.url, one)).utterances).toEqual([a.utterance]);
    expect((await snapshot(suite.server.url, two)).utterances).toEqual([b.utterance]);
  });
});

describe('the room\'s utterance event and the clientTurnId', () => {
  const suite = useTestServer();
  const client = () => suite.client();

  it('carries the id the turn was sent with to every socket in its room (the sender too), none to another session\'s room; a turn sent without one has none', async () => {
    const [id, elsewhere] = [await newSession(suite.server.url), await newSession(suite.server.url)];
    const [sender, watcher, other] = [await client(), await client(), await client()];
    await join(sender, id);
    await join(watcher, id);
    await join(other, elsewhere);
    const heard = { sender: collect(sender, 'utterance'), watcher: collect(watcher, 'utterance'), other: collect(other, 'utterance') };

    const withId = await send(sender, id, { ...ASK, clientTurnId: 'p9:1' });
    const withoutId = await send(sender, id, { speaker: 'Ada (rep)', text: 'Twelve seats come to 3,600 a month.', startMs: 8000 });
    expect([withId.ok, withoutId.ok]).toEqual([true, true]);
    for (const socket of [heard.sender, heard.watcher]) {
      await socket.atLeast(2);
      expect(socket.items).toEqual([{ ...withId.utterance, clientTurnId: 'p9:1' }, withoutId.utterance]);
      expect(socket.items[1]).not.toHaveProperty('clientTurnId');
    }
    // The ack and the snapshot keep the Utterance as stored, without the id.
    expect(withId.utterance).not.toHaveProperty('clientTurnId');
    expect((await snapshot(suite.server.url, id)).utterances).toEqual([withId.utterance, withoutId.utterance]);

    // Another session's room heard nothing; its own turn carries its own id to it alone.
    const there = await send(other, elsewhere, { ...ASK, clientTurnId: 'p9:1' });
    await heard.other.atLeast(1);
    expect(heard.other.items).toEqual([{ ...there.utterance, clientTurnId: 'p9:1' }]);
    expect(heard.watcher.items).toHaveLength(2);
  });

  it('a repeat under the same id publishes nothing again: the room heard the turn once, with its id', async () => {
    const id = await newSession(suite.server.url);
    const [sender, watcher] = [await client(), await client()];
    await join(watcher, id);
    const heard = collect(watcher, 'utterance');
    const first = await send(sender, id, { ...ASK, clientTurnId: 'p9:2' });
    expect(await send(sender, id, { ...ASK, clientTurnId: 'p9:2' })).toMatchObject({ ok: true, duplicate: true });
    const next = await send(sender, id, { ...ASK, startMs: 9000, endMs: 9500, clientTurnId: 'p9:3' });
    await heard.atLeast(2);
    expect(heard.items.map((u) => [u.id, u.clientTurnId])).toEqual([[first.utterance.id, 'p9:2'], [next.utterance.id, 'p9:3']]);
  });
});

describe('clientTurnId across a restart', () => {
  it('is still recognised after the store is reopened: the re-sent turn gets the original, a new id is stored', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-turnid-'));
    const dbPath = path.join(dir, 'db.sqlite');
    let server = await startTestServer({ dbPath });
    try {
      const id = await newSession(server.url);
      let s = await connectSocket(server.url);
      const first = await send(s, id, { ...ASK, clientTurnId: 'p:1' });
      expect(first.ok).toBe(true);
      s.close();
      await server.close();

      server = await startTestServer({ dbPath });
      s = await connectSocket(server.url);
      const again = await send(s, id, { ...ASK, clientTurnId: 'p:1' });
      expect(again).toEqual({ ok: true, utterance: first.utterance, duplicate: true });
      const next = await send(s, id, { ...ASK, startMs: 9000, endMs: 9500, clientTurnId: 'p:2' });
      expect(next).toMatchObject({ ok: true, utterance: { seq: 2 } });
      expect(next).not.toHaveProperty('duplicate');
      s.close();
      const snap = await snapshot(server.url, id);
      expect(snap.utterances.map((u: { id: number }) => u.id)).toEqual([first.utterance.id, next.utterance.id]);
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
