// Seeded fuzz of the socket.io boundary on the real server: every client → server event (the
// lobby's watch_sessions in a suite of its own) with payloads of random shapes and wrong types, oversize strings, unknown sessions, no ack or a
// non-function one, before any join. An ack, when one is asked for, is `ok` or an error naming
// the field; the connection and the server survive; the process sees no unhandled rejection or
// uncaught exception; every acked turn and frame is stored, in its own session only.
import sharp from 'sharp';
import { api, connectSocket, emitAck } from './harness';
import { useFuzzServer } from './fuzzServer';
import { int, mutateBytes, mutateJson, pick, preview, RAW_ZOD_WORDING, runCases, weirdValue, type Rng } from './fuzzKit';

const server = useFuzzServer();
const { processErrors, internalLogs, newSession } = server;

type AnyAck = { ok: boolean; error?: { code: string; message: string; field?: string } } & Record<string, unknown>;


function expectAckShape(res: AnyAck): void {
  if (res === null || typeof res !== 'object' || typeof res.ok !== 'boolean') throw new Error(`ack is not { ok, … }: ${preview(res)}`);
  if (res.ok) return;
  const e = res.error;
  if (typeof e?.code !== 'string' || typeof e.message !== 'string' || e.message === '') throw new Error(`error ack without code and message: ${preview(res)}`);
  if (e.code === 'internal' || /Cannot read|is not a function|Maximum call stack|is not iterable/.test(e.message)) throw new Error(`internal error ack: ${preview(e)}`);
  if (RAW_ZOD_WORDING.test(e.message)) throw new Error(`error ack in zod's own wording: ${preview(e)}`);
  if (e.code !== 'busy' && e.field === undefined) throw new Error(`error ack names no field: ${preview(e)}`);
}

function utterancePayload(rand: Rng, sessionId: string): Record<string, unknown> {
  const u: Record<string, unknown> = { speaker: pick(rand, ['周先生', 'Rep Sun']), text: pick(rand, ['多少钱？', 'How much is the fee?', 'I need to think about it.', '好的']), startMs: int(rand, 100_000) };
  if (rand() < 0.5) u.endMs = (u.startMs as number) + int(rand, 5000);
  return { sessionId, utterance: u };
}

function landmarksPayload(rand: Rng, sessionId: string): Record<string, unknown> {
  const pose = () => ({ landmarks: Array.from({ length: 33 }, (_, k) => ({ x: 0.3 + (k % 5) * 0.05 + rand() * 0.01, y: 0.1 + k * 0.02, score: 0.9 })) });
  return { sessionId, participant: '周先生', mediaMs: int(rand, 100_000), poses: Array.from({ length: int(rand, 3) }, pose) };
}

describe('fuzz: socket.io events', () => {
  it('join, leave, utterance, landmarks, frame and unknown events with random payloads (400 cases)', async () => {
    const fuzzed = [await newSession(), await newSession()];
    const noAck = await newSession();
    const control = await newSession();
    const images = await (async () => {
      const raw = sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 10, g: 200, b: 90 } } });
      return [await raw.clone().jpeg().toBuffer(), await raw.clone().png().toBuffer(), await raw.clone().webp().toBuffer()];
    })();
    const socket = await connectSocket(server.url);
    const watcher = await connectSocket(server.url);
    expect((await emitAck<AnyAck>(watcher, 'join', { sessionId: control })).ok).toBe(true);
    const seenByWatcher: unknown[] = [];
    watcher.on('utterance', (u) => void seenByWatcher.push(u));
    // What each session must hold at the end: the turns and frames acked ok.
    const acked = new Map<string, { utterances: number; frames: number }>();
    const count = (id: string, what: 'utterances' | 'frames') => {
      const c = acked.get(id) ?? { utterances: 0, frames: 0 };
      c[what]++;
      acked.set(id, c);
    };
    let controlTurns = 0;
    try {
      await runCases('socket', 0x50c4e7, 400, async (rand, i, note) => {
        const sessionId = rand() < 0.8 ? pick(rand, fuzzed) : pick(rand, ['nope', '', 'x'.repeat(65), '../x', 'Ab_-9']);
        const event = pick(rand, ['join', 'leave', 'utterance', 'utterance', 'utterance', 'landmarks', 'landmarks', 'frame', 'nonsense']);
        let payload: unknown =
          event === 'utterance' ? utterancePayload(rand, sessionId)
          : event === 'landmarks' ? landmarksPayload(rand, sessionId)
          : event === 'frame' ? { sessionId, participant: '周先生', mediaMs: int(rand, 1000), image: rand() < 0.5 ? mutateBytes(pick(rand, images), rand) : pick(rand, images) }
          : { sessionId };
        const r = rand();
        if (r < 0.55) payload = mutateJson(payload, rand);
        else if (r < 0.65) payload = weirdValue(rand);
        const withAck = rand() < 0.9;
        note(`${event} ${withAck ? '' : '(no ack) '}${preview(payload)}`);
        if (event === 'nonsense') {
          // No event the server takes: its ack names the event (it was left unanswered); the next case checks the connection still works.
          const res = await emitAck<AnyAck>(socket, event, payload);
          expectAckShape(res);
          expect(res).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'event' } });
          return;
        }
        if (!withAck) {
          // Without an ack (or with a string where the ack goes): nothing to answer, nothing to crash on. Kept to its own session.
          const p = payload !== null && typeof payload === 'object' && 'sessionId' in payload ? { ...payload, sessionId: noAck } : payload;
          (socket.emit as (e: string, ...a: unknown[]) => void)(event, ...(rand() < 0.5 ? [p] : [p, 'not a function']));
          return;
        }
        // Now and then the ack alone, no payload (a client that forgot it): still answered.
        const res = rand() < 0.05 ? await emitAck<AnyAck>(socket, event) : await emitAck<AnyAck>(socket, event, payload);
        expectAckShape(res);
        const id = (payload as { sessionId?: unknown } | null)?.sessionId;
        if (res.ok && typeof id === 'string' && event === 'utterance' && !res.duplicate) count(id, 'utterances');
        if (res.ok && typeof id === 'string' && event === 'landmarks') count(id, 'frames');
        if (i % 40 === 0) {
          // Another session goes on meanwhile: its turns are acked, stored and sent to its room.
          const ok = await emitAck<AnyAck>(socket, 'utterance', { sessionId: control, utterance: { speaker: '周先生', text: `turn ${i}`, startMs: i } });
          expect(ok.ok).toBe(true);
          controlTurns++;
        }
        expect(socket.connected).toBe(true);
      });
    } finally {
      socket.close();
      watcher.close();
    }
    // The mutations leave many payloads valid: the storing path is exercised too.
    const ackedOk = [...acked.values()].reduce((n, c) => n + c.utterances + c.frames, 0);
    if (process.env.FUZZ_DEBUG) console.log(`acked ok: ${ackedOk}`);
    expect(ackedOk).toBeGreaterThan(40);
    for (const id of fuzzed) {
      const snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
      const frames = (await api(server.url, 'GET', `/api/sessions/${id}/landmarks?limit=1000`)).body.frames as Array<{ source: string }>;
      expect({ id, utterances: snap.utterances.length, frames: frames.filter((f) => f.source === 'browser').length }).toEqual({ id, ...(acked.get(id) ?? { utterances: 0, frames: 0 }) });
    }
    const controlSnap = (await api(server.url, 'GET', `/api/sessions/${control}`)).body;
    expect(controlSnap.utterances).toHaveLength(controlTurns);
    expect(seenByWatcher).toHaveLength(controlTurns);
    expect(processErrors).toEqual([]);
    expect(internalLogs.filter((m) => !/frame|pose/.test(m))).toEqual([]);
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  });

  it('watch_sessions with random payloads, no ack, extra arguments, many times on one socket, while sessions come and go: acks clean, a lobby event reaches each watching socket once, and no session_counts follows the session_deleted of its session (150 cases)', async () => {
    const socket = await connectSocket(server.url);
    const other = await connectSocket(server.url);
    // What the fuzzed socket hears: whether it watches, each lobby event exactly once.
    const heard: string[] = [];
    socket.on('session_listed', (e) => void heard.push(`listed:${e.session.id}`));
    socket.on('session_renamed', (e) => void heard.push(`renamed:${e.sessionId}`));
    socket.on('session_deleted', (e) => void heard.push(`deleted:${e.sessionId}`));
    // Every lobby event in order, session_counts included (a session's never after its deletion).
    const order: string[] = [];
    socket.onAny((event: string, e: { sessionId?: string; session?: { id: string } }) => void order.push(`${event}:${e?.sessionId ?? e?.session?.id}`));
    const expected: string[] = [];
    let watching = false;
    try {
      await runCases('watch-sessions', 0x50c4e8, 150, async (rand, i, note) => {
        let payload: unknown = pick(rand, [{}, {}, { protocolVersion: 1 }, { protocolVersion: 2 }, { sessionId: 'x' }]);
        const r = rand();
        if (r < 0.4) payload = mutateJson(payload, rand);
        else if (r < 0.5) payload = weirdValue(rand);
        const how = int(rand, 10);
        note(`watch_sessions ${how} ${preview(payload)}`);
        if (how === 0) {
          // No ack (or a string where it goes): nothing to answer; a valid payload still watches.
          (socket.emit as (e: string, ...a: unknown[]) => void)('watch_sessions', ...(rand() < 0.5 ? [payload] : [payload, 'not a function']));
        } else if (how === 1) {
          // More than a payload before the ack: refused by name, joins nothing.
          const res = await emitAck<AnyAck>(socket, 'watch_sessions', payload, weirdValue(rand));
          expectAckShape(res);
          expect(res).toMatchObject({ ok: false, error: { field: 'payload' } });
        } else {
          const res = how === 2 ? await emitAck<AnyAck>(socket, 'watch_sessions') : await emitAck<AnyAck>(socket, 'watch_sessions', payload);
          expectAckShape(res);
          if (res.ok) {
            watching = true;
            expect((await api(server.url, 'GET', '/api/sessions')).body.sessions).toEqual(res.sessions);
          }
        }
        if (i % 10 === 9) {
          // Another window changes the list; a watching socket hears each change once.
          const ok = await emitAck<AnyAck>(other, 'watch_sessions', {});
          expect(ok.ok).toBe(true);
          await new Promise((resolve) => setTimeout(resolve, 20));
          const watchedNow = watching || heard.length > 0;
          const id = await newSession();
          expect((await api(server.url, 'PATCH', `/api/sessions/${id}`, { title: `t${i}` })).status).toBe(200);
          // A live turn marks its counts; the deletion races the pending flush (or follows it).
          expect((await emitAck<AnyAck>(other, 'utterance', { sessionId: id, utterance: { speaker: '周先生', text: '多少钱？', startMs: 0 } })).ok).toBe(true);
          if (rand() < 0.5) await new Promise((resolve) => setTimeout(resolve, int(rand, 30)));
          expect((await api(server.url, 'DELETE', `/api/sessions/${id}`)).status).toBe(200);
          if (watchedNow) expected.push(`listed:${id}`, `renamed:${id}`, `deleted:${id}`);
        }
        expect(socket.connected).toBe(true);
      });
      // The races above may all delete before a flush (a loaded machine): one session's counts
      // are awaited here, then it is deleted, so the order check below is never vacuous.
      expect((await emitAck<AnyAck>(socket, 'watch_sessions', {})).ok).toBe(true);
      const counted = await newSession();
      expect((await emitAck<AnyAck>(other, 'utterance', { sessionId: counted, utterance: { speaker: '周先生', text: '多少钱？', startMs: 0 } })).ok).toBe(true);
      for (const t0 = Date.now(); !order.includes(`session_counts:${counted}`) && Date.now() - t0 < 5000; ) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(order).toContain(`session_counts:${counted}`);
      expect((await api(server.url, 'DELETE', `/api/sessions/${counted}`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Each event once, however many watches the socket sent (and some before it first watched).
      for (const e of expected) expect(heard.filter((x) => x === e)).toHaveLength(1);
      expect(new Set(heard).size).toBe(heard.length);
      for (const [k, e] of order.entries()) {
        if (e.startsWith('session_deleted:')) expect(order.slice(k + 1)).not.toContain(`session_counts:${e.slice('session_deleted:'.length)}`);
      }
      expect(order.indexOf(`session_counts:${counted}`)).toBeLessThan(order.indexOf(`session_deleted:${counted}`));
    } finally {
      socket.close();
      other.close();
    }
    expect(processErrors).toEqual([]);
    expect(internalLogs).toEqual([]);
  });

  it('a message over the 1 MiB limit closes only its own connection; the server and other connections go on', async () => {
    const id = await newSession();
    const big = await connectSocket(server.url);
    const other = await connectSocket(server.url);
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    big.emit('utterance', { sessionId: id, utterance: { speaker: '周先生', text: 'x'.repeat(1_100_000), startMs: 0 } }, () => {});
    await closed;
    const ok = await emitAck<AnyAck>(other, 'utterance', { sessionId: id, utterance: { speaker: '周先生', text: 'still here', startMs: 1 } });
    expect(ok.ok).toBe(true);
    other.close();
    expect(processErrors).toEqual([]);
  });
});
