// Live utterances over real socket.io on port 0, with the real model and SQLite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../server/main';
import { CueSchema, SignalSchema, UtteranceSchema } from '../../protocol/outbound';
import { io as connect } from 'socket.io-client';
import { api, collect, connectSocket, startTestServer, type TestSocket, useTestServer } from './harness';

const PARTICIPANTS = [
  { name: 'Ada (rep)', role: 'rep' },
  { name: 'Bo', role: 'customer' },
];

function send(socket: TestSocket, sessionId: string, utterance: unknown): Promise<any> {
  return new Promise((resolve) => socket.emit('utterance', { sessionId, utterance } as never, resolve));
}
function join(socket: TestSocket, sessionId: unknown): Promise<any> {
  return new Promise((resolve) => socket.emit('join', { sessionId } as never, resolve));
}

describe('live session over socket.io', () => {
  const suite = useTestServer();
  const client = () => suite.client();
  async function session() {
    return (await api(suite.server.url, 'POST', '/api/sessions', { participants: PARTICIPANTS })).body.session.id as string;
  }

  it('acks a stored utterance and sends its signal and cue to everyone in the room', async () => {
    const id = await session();
    const [sender, watcher] = [await client(), await client()];
    expect((await join(sender, id)).ok).toBe(true);
    const joined = await join(watcher, id);
    expect(joined.snapshot.session.id).toBe(id);
    const utts = collect(watcher, 'utterance');
    const signals = collect(watcher, 'signal');
    const cues = collect(watcher, 'cue');

    const a1 = await send(sender, id, { speaker: 'Ada (rep)', text: 'The premium plan is 300 dollars a month, billed yearly.', startMs: 0, endMs: 3000 });
    expect(a1).toMatchObject({ ok: true, utterance: { seq: 1, role: 'rep' } });
    const a2 = await send(sender, id, { speaker: 'Bo', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 4000, endMs: 7000 });
    expect(a2.ok).toBe(true);

    // Acknowledged means stored.
    const snap = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;
    expect(snap.utterances.map((u: { id: number }) => u.id)).toEqual([a1.utterance.id, a2.utterance.id]);

    await utts.atLeast(2);
    await cues.atLeast(1);
    expect(signals.items.map((s) => [s.label, s.kind === 'verbal' ? s.utteranceId : null])).toEqual([['price_inquiry', a2.utterance.id]]);
    for (const u of utts.items) UtteranceSchema.parse(u);
    for (const s of signals.items) SignalSchema.parse(s);
    CueSchema.parse(cues.items[0]);
    expect(cues.items[0]).toMatchObject({ type: 'closing_moment', mediaMs: 4000 });
    expect(cues.items[0]!.evidence[0]!.utteranceId).toBe(a2.utterance.id);
    expect(cues.items[0]!.emittedAt).toBeGreaterThanOrEqual(cues.items[0]!.inputReceivedAt);
  });

  it("names the participant limit's field as the payload has it (utterance.speaker), and stores nothing of the refused turn", async () => {
    const names = Array.from({ length: 48 }, (_, i) => ({ name: `guest ${i}`, role: 'customer' }));
    const id = (await api(suite.server.url, 'POST', '/api/sessions', { participants: [...PARTICIPANTS, ...names] })).body.session.id as string;
    const s = await client();
    const over = await send(s, id, { speaker: 'one too many', text: 'hello', startMs: 0 });
    expect(over.ok).toBe(false);
    expect(over.error).toMatchObject({ code: 'invalid_input', field: 'utterance.speaker', message: expect.stringContaining('the limit is 50') });
    expect((await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body.utterances).toEqual([]);
  });

  it('answers bad payloads with an error ack naming the field and limit, and keeps what was accepted', async () => {
    const id = await session();
    const s = await client();
    await join(s, id);
    expect((await send(s, id, { speaker: 'Bo', text: 'hello', startMs: 0 })).ok).toBe(true);

    const cases: [unknown, RegExp][] = [
      [{ speaker: 'Bo', text: 'x'.repeat(100_000), startMs: 1 }, /text.*2000/],
      [{ speaker: 'Bo', text: 'hi', startMs: 'soon' }, /startMs/],
      [{ speaker: 'Bo', text: 'hi', startMs: -5 }, /startMs.*>= 0/],
      [{ speaker: '', text: 'hi', startMs: 1 }, /speaker/],
      [{ speaker: 'Bo', text: 'hi', startMs: 10, endMs: 5 }, /endMs/],
      [{ speaker: 'Bo', text: '   ', startMs: 1 }, /text/],
      [{ speaker: 'Bo', text: 'hi', startMs: 1, extra: true }, /extra|unrecognized/i],
    ];
    for (const [utterance, re] of cases) {
      const ack = await send(s, id, utterance);
      expect(ack.ok).toBe(false);
      expect(ack.error.message).toMatch(re);
    }
    // A size limit comes with its numbers, as an upload's does: a client can word it.
    expect((await send(s, id, { speaker: 'Bo', text: 'x'.repeat(100_000), startMs: 1 })).error).toMatchObject({
      field: 'utterance.text', limit: 2000, actual: 100_000,
    });
    expect((await send(s, id, { speaker: 'Bo', text: 'hi', startMs: 1 })).error).toBeUndefined();
    const unknown = await send(s, 'no-such-session', { speaker: 'Bo', text: 'hi', startMs: 1 });
    expect(unknown.error).toMatchObject({ code: 'not_found' });
    expect((await join(s, 42)).error.field).toBe('sessionId');

    // The socket survived all of it, and the accepted utterance is still there.
    expect((await send(s, id, { speaker: 'Bo', text: 'still here', startMs: 2 })).ok).toBe(true);
    const snap = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;
    expect(snap.utterances.map((u: { text: string }) => u.text)).toEqual(['hello', 'hi', 'still here']);
  });

  it('names a payload that is not an object `payload`, and answers an ack sent without a payload (found by fuzzSocket)', async () => {
    const s = await client();
    const emit = (s.emit as (e: string, ...a: unknown[]) => void).bind(s);
    const ackTo = (event: string, ...args: unknown[]) => new Promise<any>((resolve) => emit(event, ...args, resolve));
    for (const event of ['join', 'leave', 'utterance', 'landmarks', 'frame']) {
      for (const [payload, got] of [[79950, 'a number'], [null, 'null'], ['s', 'a string'], [[1], 'an array']] as const) {
        expect((await ackTo(event, payload)).error).toEqual({ code: 'invalid_input', field: 'payload', message: `payload: the "${event}" event takes an object, got ${got}` });
      }
      // emit(event, ack): the ack comes first; it was never called, and the client waited for ever.
      expect((await ackTo(event)).error).toMatchObject({ code: 'invalid_input', field: 'payload', message: expect.stringContaining('got a function') });
    }
    expect(s.connected).toBe(true);
  });

  it('answers an event it does not take, or one with more than a payload before its ack, when it carries an ack (the client waited for ever); the connection goes on', async () => {
    const id = await session();
    const s = await client();
    const emit = (s.emit as (e: string, ...a: unknown[]) => void).bind(s);
    const ackTo = (event: string, ...args: unknown[]) => new Promise<any>((resolve) => emit(event, ...args, resolve));
    for (const [event, args] of [['utterances', [{ sessionId: id }]], ['Join', [{ sessionId: id }]], ['x'.repeat(500), []], ['frame_stats', [1, 2]]] as const) {
      const ack = await ackTo(event, ...args);
      expect(ack).toEqual({ ok: false, error: { code: 'invalid_input', field: 'event', message: expect.stringMatching(/^event: ".*" is not an event this server takes \(join, leave, utterance, landmarks, frame, watch_sessions\)$/) } });
      expect(ack.error.message.length).toBeLessThan(200);
    }
    emit('nonsense', { sessionId: id });
    // More than a payload before the ack: the handler took the second argument for its ack, and never answered.
    for (const event of ['join', 'leave', 'utterance', 'landmarks', 'frame', 'watch_sessions']) {
      expect(await ackTo(event, { sessionId: id }, 'extra')).toEqual({
        ok: false,
        error: { code: 'invalid_input', field: 'payload', message: `payload: the "${event}" event takes one payload before its ack, got 2 arguments` },
      });
    }
    expect((await join(s, id)).ok).toBe(true);
    expect((await send(s, id, { speaker: 'Bo', text: 'still here', startMs: 0 })).ok).toBe(true);
  });

  it('reads a speaker name with control characters as the name without them: "Bo\\u0000" is Bo, "\\u0001" no name (it was a new participant)', async () => {
    const id = await session();
    const s = await client();
    await join(s, id);
    const ack = await send(s, id, { speaker: 'Bo\u0000', text: 'How much is it for twelve seats?', startMs: 0 });
    expect(ack).toMatchObject({ ok: true, utterance: { speaker: 'Bo', role: 'customer' } });
    expect(await send(s, id, { speaker: '\u0001\u007f', text: 'hello', startMs: 10 })).toEqual({
      ok: false,
      error: { code: 'invalid_input', field: 'utterance.speaker', message: 'utterance.speaker: speaker must not be empty' },
    });
    // Words of nothing visible are no words (a zero-width space passed trim() and was stored and classified).
    expect(await send(s, id, { speaker: 'Bo', text: ' \u200B\u200E ', startMs: 20 })).toEqual({
      ok: false,
      error: { code: 'invalid_input', field: 'utterance.text', message: 'utterance.text: text must not be empty' },
    });
    const snap = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;
    expect(snap.utterances).toEqual([ack.utterance]);
    expect(snap.session.participants.map((p: { name: string }) => p.name)).toEqual(['Ada (rep)', 'Bo']);
  });

  it('leave refuses an unknown key by name, as the other events do (it ignored them: its payload was not checked whole)', async () => {
    const id = await session();
    const s = await client();
    const emit = (s.emit as (e: string, ...a: unknown[]) => void).bind(s);
    const leave = (payload: unknown) => new Promise<any>((resolve) => emit('leave', payload, resolve));
    await join(s, id);
    expect(await leave({ sessionId: id, extra: 1 })).toEqual({ ok: false, error: { code: 'invalid_input', field: 'extra', message: 'extra: unknown field' } });
    expect(await leave({})).toEqual({ ok: false, error: { code: 'invalid_input', field: 'sessionId', message: 'sessionId: is required' } });
    expect(await leave({ sessionId: 'a b' })).toMatchObject({ ok: false, error: { field: 'sessionId' } });
    expect(await leave({ sessionId: id })).toEqual({ ok: true });
  });

  it('stores a name or text with half an emoji (a lone surrogate) as acked, and the speaker keeps their role', async () => {
    const id = await session();
    const s = await client();
    await join(s, id);
    const cut = 'Bo \uD83D'; // an emoji cut in two by a client that truncated the name
    const roles = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [cut]: 'customer' } });
    expect(roles.status).toBe(200);
    const ack = await send(s, id, { speaker: cut, text: 'How much is it for twelve seats? \uDE00', startMs: 0 });
    expect(ack).toMatchObject({ ok: true, utterance: { speaker: 'Bo \uFFFD', role: 'customer', text: 'How much is it for twelve seats? \uFFFD' } });
    const snap = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;
    expect(snap.utterances).toEqual([ack.utterance]);
    expect(snap.session.participants.map((p: { name: string }) => p.name)).toEqual(['Ada (rep)', 'Bo', 'Bo \uFFFD']);
    expect(snap.unassignedSpeakers).toEqual([]);
  });

  it('stores turns sent together from several sessions, each in order, and acks each once stored', async () => {
    const ids = [await session(), await session(), await session()];
    const sockets = await Promise.all(ids.map(() => client()));
    await Promise.all(ids.map((id, i) => join(sockets[i]!, id)));
    const turns = ['The plan is 300 a month.', 'How much for twelve seats?', 'Any discount for a two-year contract?'];
    // Nobody waits for an ack: all nine turns reach the server in the same few ticks.
    const acks = await Promise.all(
      ids.flatMap((id, i) => turns.map((text, k) => send(sockets[i]!, id, { speaker: k === 0 ? 'Ada (rep)' : 'Bo', text, startMs: k * 1000 }))),
    );
    expect(acks.map((a) => a.ok && a.utterance.seq)).toEqual(ids.flatMap(() => [1, 2, 3]));
    for (const id of ids) {
      const snap = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;
      expect(snap.utterances.map((u: { text: string }) => u.text)).toEqual(turns);
      expect(snap.signals.map((s: { label: string }) => s.label)).toEqual(['price_inquiry', 'discount_request']);
    }
  });

  it('refuses turns beyond 256 waiting for their ack on one connection (busy, naming the limit), and stores every turn it acked', async () => {
    const id = await session();
    const s = await client();
    expect((await join(s, id)).ok).toBe(true);
    // One session's turns are stored one per round, so 400 sent without waiting pile up.
    const acks = await Promise.all(Array.from({ length: 400 }, (_, i) => send(s, id, { speaker: 'Bo', text: `turn ${i}`, startMs: i * 1000 })));
    const busy = acks.filter((a) => !a.ok);
    expect(busy.length).toBeGreaterThan(0);
    for (const a of busy) {
      expect(a.error).toMatchObject({ code: 'busy', field: 'utterance' });
      expect(a.error.message).toContain('at most 256 turns of one connection may wait for their ack at once');
    }
    const ok = acks.filter((a) => a.ok);
    expect(ok.length).toBeGreaterThanOrEqual(256);
    const snap = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;
    expect(snap.utterances.map((u: { id: number }) => u.id).sort()).toEqual(ok.map((a) => a.utterance.id).sort());
    // Once the acks are in, the connection may send again.
    expect((await send(s, id, { speaker: 'Bo', text: 'one more', startMs: 500_000 })).ok).toBe(true);
  });

  it('sends a turn’s utterance, signal and cue before its ack (one write, in order)', async () => {
    const id = await session();
    const s = await client();
    await join(s, id);
    const seen: string[] = [];
    for (const e of ['utterance', 'signal', 'cue'] as const) (s.on as (e: string, fn: () => void) => void)(e, () => seen.push(e));
    await send(s, id, { speaker: 'Ada (rep)', text: 'The premium plan is 300 dollars a month.', startMs: 0 });
    seen.push('ack');
    await send(s, id, { speaker: 'Bo', text: 'How much would it cost for the whole team of twelve?', startMs: 4000 });
    seen.push('ack');
    expect(seen).toEqual(['utterance', 'ack', 'utterance', 'signal', 'cue', 'ack']);
  });

  it('keeps that order for every connection in the room, on websocket and long-polling alike (a turn’s packets are held to one write per connection)', async () => {
    const id = await session();
    const polling = () => connect(suite.server.url, { transports: ['polling'], forceNew: true, reconnection: false }) as TestSocket;
    const sockets = [await client(), await client(), polling(), polling()];
    const [sender, watcher, pollSender, pollWatcher] = sockets as [TestSocket, TestSocket, TestSocket, TestSocket];
    try {
      for (const s of sockets) expect((await join(s, id)).ok).toBe(true);
      const seen = new Map<TestSocket, string[]>(sockets.map((s) => [s, []]));
      for (const s of sockets) s.onAny((event: string) => seen.get(s)!.push(event));
      const ask = (from: TestSocket, startMs: number) =>
        send(from, id, { speaker: 'Bo', text: 'How much would it cost for the whole team of twelve?', startMs }).then((a) => {
          expect(a.ok).toBe(true);
          seen.get(from)!.push('ack');
        });
      await ask(sender, 4000);
      await ask(pollSender, 200_000);
      await collect(pollWatcher, 'cue').atLeast(1);
      while (seen.get(pollWatcher)!.length < 6) await new Promise((r) => setTimeout(r, 10));
      const turn = ['utterance', 'signal', 'cue'];
      expect(seen.get(sender)).toEqual([...turn, 'ack', ...turn]);
      expect(seen.get(pollSender)).toEqual([...turn, ...turn, 'ack']);
      expect(seen.get(watcher)).toEqual([...turn, ...turn]);
      expect(seen.get(pollWatcher)).toEqual([...turn, ...turn]);
    } finally {
      for (const s of sockets.slice(2)) s.close();
    }
  });

  it('tells the room which speakers need a role, and gives their turns no signal', async () => {
    const id = await session();
    const s = await client();
    await join(s, id);
    const needed = collect(s, 'roles_needed');
    const ack = await send(s, id, { speaker: 'Stranger', text: 'How much is it? Any discount?', startMs: 0 });
    expect(ack.utterance.role).toBeNull();
    await needed.atLeast(1);
    expect(needed.items[0]!.speakers).toEqual(['Stranger']);
    const snap = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;
    expect(snap.signals).toEqual([]);
  });
});

describe('restart', () => {
  it('keeps sessions, utterances, signals and cues in the SQLite file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-restart-'));
    const dbPath = path.join(dir, 'db.sqlite');
    let server = await startTestServer({ dbPath });
    const id = (await api(server.url, 'POST', '/api/sessions', { participants: PARTICIPANTS })).body.session.id as string;
    const s = await connectSocket(server.url);
    await join(s, id);
    await send(s, id, { speaker: 'Bo', text: "Great, we'll take it. Where do I sign?", startMs: 1000 });
    s.close();
    const before = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
    expect(before.cues.length).toBeGreaterThan(0);
    await server.close();

    server = await startTestServer({ dbPath });
    const after = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
    expect(after).toEqual(before);
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('socket.io from a page on another origin', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });
  const tryConnect = (transport: 'websocket' | 'polling', origin: string) =>
    new Promise<string>((resolve) => {
      const s = connect(server.url, { transports: [transport], forceNew: true, reconnection: false, extraHeaders: { origin } });
      s.once('connect', () => (s.close(), resolve('connected')));
      s.once('connect_error', () => (s.close(), resolve('refused')));
    });

  it('is refused on both transports (a WebSocket is not subject to CORS), while the same origin connects', async () => {
    expect(await tryConnect('websocket', 'http://evil.example')).toBe('refused');
    expect(await tryConnect('polling', 'http://evil.example')).toBe('refused');
    expect(await tryConnect('websocket', 'null')).toBe('refused');
    expect(await tryConnect('websocket', server.url)).toBe('connected');
  });
});

