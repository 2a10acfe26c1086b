// Following the session list (the lobby) on the real server (port 0, a real SQLite file, real
// socket.io, the real models): `watch_sessions` answers the list and puts the socket in the
// lobby, which hears `session_listed` (a session created, a transcript uploaded into one),
// `session_renamed` and `session_deleted` of every session without being in its room; the
// session's room hears what it heard before, once; a bad payload is refused in the ack; live
// turns, labels and comments send the lobby no event of their own, only `session_counts`,
// coalesced (at most one per session per interval, on a clock the test moves), never after the
// session's `session_deleted`, and nothing with nobody in the lobby; and the access token is
// needed as for any socket.
import { io as connect } from 'socket.io-client';
import { SessionCountsEventSchema, SessionDeletedEventSchema, SessionRenamedEventSchema, type SessionCountsEvent } from '../../protocol/protocol';
import { SessionListSchema, SessionListedEventSchema } from '../../protocol/outbound';
import { DEMO_SESSION_ID, loadDemoMeeting } from '../../server/demo/demo';
import { ManualScheduler } from '../../server/realtime/manualScheduler.testkit';
import { api, collect, connectSocket, emitAck, socketConnects, startTestServer, useFileStoreServer, useSockets, type TestSocket } from './harness';

const demo = loadDemoMeeting();
/** The lobby's counts go out when the test moves this clock (a second apart at most, the default). */
const clock = new ManualScheduler();
const suite = useFileStoreServer('bs-lobby-', { seedDemo: true, lobbyCounts: { scheduler: clock } });
const quiet = () => new Promise((r) => setTimeout(r, 150));
const socket = useSockets(() => suite.server.url);


/** A socket following the list, with the list its ack gave. */
async function watcher(): Promise<{ socket: TestSocket; sessions: { id: string }[] }> {
  const s = await socket();
  const ack = await emitAck(s, 'watch_sessions', {});
  expect(ack.ok).toBe(true);
  return { socket: s, sessions: SessionListSchema.parse({ sessions: ack.sessions }).sessions };
}

/** Every event a socket receives, by name. */
function everything(s: TestSocket): string[] {
  const names: string[] = [];
  s.onAny((event: string) => void names.push(event));
  return names;
}

const create = async (title: string) => (await api(suite.server.url, 'POST', '/api/sessions', { title, participants: demo.participants })).body.session.id as string;

describe('watch_sessions: the lobby', () => {
  it('answers the list as GET /api/sessions does, and the lobby hears a session created, uploaded into, renamed and deleted without being in its room; its room hears renamed and deleted once', async () => {
    const before = await create('already there');
    const lobby = await watcher();
    const listed = (await api(suite.server.url, 'GET', '/api/sessions')).body.sessions;
    expect(lobby.sessions).toEqual(listed);
    expect(lobby.sessions.map((s) => s.id)).toEqual(expect.arrayContaining([before, DEMO_SESSION_ID]));

    // Another window showing another session, also following the list: it is in both.
    const both = (await suite.joined(before)).socket;
    expect((await emitAck(both, 'watch_sessions', { protocolVersion: 1 })).ok).toBe(true);
    // A window showing another session, not following the list: it hears nothing of the new one.
    const roomOnly = (await suite.joined(before)).socket;
    const heardByRoomOnly = everything(roomOnly);

    const lobbyListed = collect(lobby.socket, 'session_listed');
    const lobbyRenamed = collect(lobby.socket, 'session_renamed');
    const lobbyDeleted = collect(lobby.socket, 'session_deleted');

    // Created (POST /api/sessions): listed with its participants and no counts yet.
    const id = await create('Q3 review');
    const created = SessionListedEventSchema.parse((await lobbyListed.atLeast(1))[0]);
    expect(created.session).toEqual({
      id, title: 'Q3 review', createdAt: suite.clock, demo: false,
      participants: demo.participants, utteranceCount: 0, cueCount: 0, correctionCount: 0, cueReviewCount: 0, postureLabelCount: 0, commentCount: 0,
    });

    // A transcript uploaded into it: listed again, with its counts (one event for the whole file).
    const transcript = JSON.stringify({ utterances: demo.utterances.slice(0, 12) });
    expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, transcript)).status).toBe(201);
    const uploaded = SessionListedEventSchema.parse((await lobbyListed.atLeast(2))[1]);
    expect(uploaded.session).toMatchObject({ id, title: 'Q3 review', utteranceCount: 12 });
    expect(uploaded.session).toEqual((await api(suite.server.url, 'GET', '/api/sessions')).body.sessions.find((s: { id: string }) => s.id === id));

    // A new session from a file (POST /api/transcripts): listed once it is stored, with its counts.
    const made = await api(suite.server.url, 'POST', '/api/transcripts?format=json&title=From%20a%20file', undefined, transcript);
    expect(made.status).toBe(201);
    const fromFile = SessionListedEventSchema.parse((await lobbyListed.atLeast(3))[2]);
    expect(fromFile.session).toMatchObject({ id: made.body.session.id, title: 'From a file', utteranceCount: 12, cueCount: made.body.cues });
    // A file refused makes no session: nothing is listed.
    expect((await api(suite.server.url, 'POST', '/api/transcripts?format=json', undefined, '{"utterances": []}')).status).toBe(400);

    // Its own room: one socket in it and in the lobby hears each of renamed and deleted once.
    const inRoomAndLobby = (await suite.joined(id)).socket;
    expect((await emitAck(inRoomAndLobby, 'watch_sessions', {})).ok).toBe(true);
    const roomRenamed = collect(inRoomAndLobby, 'session_renamed');
    const roomDeleted = collect(inRoomAndLobby, 'session_deleted');
    const bothRenamed = collect(both, 'session_renamed');
    const bothDeleted = collect(both, 'session_deleted');

    expect((await api(suite.server.url, 'PATCH', `/api/sessions/${id}`, { title: 'Bank visit 银行拜访' })).status).toBe(200);
    for (const h of [lobbyRenamed, bothRenamed, roomRenamed]) {
      expect((await h.atLeast(1)).map((e) => SessionRenamedEventSchema.parse(e))).toEqual([{ sessionId: id, title: 'Bank visit 银行拜访' }]);
    }
    expect(await del(id)).toEqual({ status: 200, body: { deleted: true } });
    for (const h of [lobbyDeleted, bothDeleted, roomDeleted]) {
      expect((await h.atLeast(1)).map((e) => SessionDeletedEventSchema.parse(e))).toEqual([{ sessionId: id }]);
    }
    await quiet();
    // Once each, though in the room and the lobby.
    for (const h of [lobbyRenamed, bothRenamed, roomRenamed, lobbyDeleted, bothDeleted, roomDeleted]) expect(h.items).toHaveLength(1);
    expect(lobbyListed.items).toHaveLength(3);
    // The socket in another session's room, not following the list, heard none of it.
    expect(heardByRoomOnly).toEqual([]);
    // Still following the list after its room went: the next one is heard.
    const after = collect(inRoomAndLobby, 'session_listed');
    const next = await create('after');
    expect(SessionListedEventSchema.parse((await after.atLeast(1))[0]).session.id).toBe(next);
  });

  it('refuses a bad payload in its ack, naming the field, and the socket is not in the lobby then', async () => {
    const s = await socket();
    const heard = everything(s);
    const cases: [unknown[], string, RegExp][] = [
      [[{ extra: 1 }], 'extra', /^extra: unknown field/],
      [[{ protocolVersion: 2 }], 'protocolVersion', /^protocolVersion: /],
      [[7], 'payload', /^payload: the "watch_sessions" event takes an object, got a number/],
      [[null], 'payload', /^payload: the "watch_sessions" event takes an object/],
      [[[{}]], 'payload', /^payload: the "watch_sessions" event takes an object/],
      [[], 'payload', /got a function/],
      [[{}, 'extra'], 'payload', /^payload: the "watch_sessions" event takes one payload before its ack, got 2 arguments$/],
    ];
    for (const [args, field, message] of cases) {
      const ack = await emitAck(s, 'watch_sessions', ...args);
      expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_input', field } });
      expect(ack.error.message).toMatch(message);
    }
    // Without an ack: nothing to answer, and nothing joined.
    (s.emit as (e: string, ...a: unknown[]) => void)('watch_sessions', { extra: 1 });
    await create('not heard');
    await quiet();
    expect(heard).toEqual([]);
    expect(s.connected).toBe(true);
    // The unknown-event answer names it among the events the server takes.
    const unknown = await emitAck(s, 'watch_session', {});
    expect(unknown.error.message).toMatch(/\(join, leave, utterance, landmarks, frame, watch_sessions\)$/);
  });

  it('20 live turns send the lobby no turn, signal or cue, only their counts, coalesced: one session_counts per interval, the last one as GET /api/sessions lists it', async () => {
    const id = await create('live');
    const lobby = await watcher();
    const heard = everything(lobby.socket);
    const counted = collect(lobby.socket, 'session_counts');
    const sender = (await suite.joined(id)).socket;
    const inRoom = everything(sender);
    const turns = demo.utterances.slice(0, 20);
    // A turn every 100 ms of the test's clock: 2 s of meeting, so at most 3 flushes of a second.
    for (const [i, u] of turns.entries()) {
      const ack = await emitAck(sender, 'utterance', { sessionId: id, utterance: { speaker: u.speaker, text: u.text, startMs: u.startMs, clientTurnId: `t:${i}` } });
      expect(ack.ok).toBe(true);
      clock.advance(100);
    }
    clock.advance(1000);
    await quiet();
    expect(inRoom.filter((e) => e === 'utterance')).toHaveLength(turns.length);
    expect(inRoom).toContain('cue');
    expect(inRoom).not.toContain('session_counts');
    expect(new Set(heard)).toEqual(new Set(['session_counts']));
    const updates = counted.items.map((e) => SessionCountsEventSchema.parse(e));
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(4);
    expect(updates.every((u) => u.sessionId === id)).toBe(true);
    expect(updates.at(-1)).toEqual(countsListed(await listed(id)));
    expect(updates.at(-1)!.utteranceCount).toBe(turns.length);
  });

  it('50 live turns, a comment and a label: a few session_counts, in order, the last with every count right; a quiet lobby hears nothing more', async () => {
    const id = await create('busy');
    const lobby = await watcher();
    const counted = collect(lobby.socket, 'session_counts');
    const sender = (await suite.joined(id)).socket;
    const turns = Array.from({ length: 50 }, (_, i) => demo.utterances[i % demo.utterances.length]!);
    for (const [i, u] of turns.entries()) {
      expect((await emitAck(sender, 'utterance', { sessionId: id, utterance: { speaker: u.speaker, text: u.text, startMs: i * 1000, clientTurnId: `b:${i}` } })).ok).toBe(true);
      clock.advance(50);
    }
    expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/comments`, { mediaMs: 1000, text: 'ask about the budget' })).status).toBe(201);
    const snap = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;
    const customerTurn = snap.utterances.find((u: { role: string }) => u.role === 'customer');
    expect((await api(suite.server.url, 'PUT', `/api/sessions/${id}/utterances/${customerTurn.id}/correction`, { label: 'neutral' })).status).toBe(200);
    clock.advance(1000);
    await quiet();
    const updates = counted.items.map((e) => SessionCountsEventSchema.parse(e));
    // 2.5 s of the test's clock at most once a second: 4 flushes, each a single event of the session.
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.length).toBeLessThanOrEqual(4);
    const ups = updates.map((u) => u.utteranceCount);
    expect(ups).toEqual([...ups].sort((a, b) => a - b));
    expect(updates.at(-1)).toEqual(countsListed(await listed(id)));
    expect(updates.at(-1)).toMatchObject({ utteranceCount: 50, commentCount: 1, correctionCount: 1 });
    // Nothing changed since: more time sends nothing.
    clock.advance(5000);
    await quiet();
    expect(counted.items).toHaveLength(updates.length);
  });

  it('no session_counts after session_deleted: counts pending when the session is deleted are dropped, and the lobby hears deleted last', async () => {
    const id = await create('deleted while counted');
    const lobby = await watcher();
    const order: string[] = [];
    lobby.socket.onAny((event: string, p: { sessionId?: string; session?: { id: string } }) => {
      if ((p?.sessionId ?? p?.session?.id) === id) order.push(event);
    });
    const sender = (await suite.joined(id)).socket;
    const say = async (i: number) => {
      const u = demo.utterances[i]!;
      expect((await emitAck(sender, 'utterance', { sessionId: id, utterance: { speaker: u.speaker, text: u.text, startMs: u.startMs } })).ok).toBe(true);
    };
    await say(0);
    clock.advance(1000);
    // Turns whose counts wait for the next flush, then the deletion.
    await say(1);
    await say(2);
    expect((await del(id)).status).toBe(200);
    clock.advance(5000);
    // A label or comment refused now marks nothing either.
    expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/comments`, { mediaMs: 1, text: 'late' })).status).toBe(404);
    clock.advance(5000);
    await quiet();
    expect(order).toEqual(['session_counts', 'session_deleted']);
  });
});

describe('session_counts with nobody in the lobby, and on the real clock', () => {
  it('sends nothing and sets no timer while no socket follows the list; once one does, it hears the counts on the real clock, a few times, the last right', async () => {
    const manual = new ManualScheduler();
    const server = await startTestServer({ lobbyCounts: { scheduler: manual } });
    const real = await startTestServer({ lobbyCounts: { intervalMs: 50 } });
    const sockets: TestSocket[] = [];
    try {
      const open = async (url: string) => {
        const s = await connectSocket(url);
        sockets.push(s);
        return s;
      };
      // Nobody in the lobby: a meeting's turns mark nothing, set no timer, send nothing.
      const id = (await api(server.url, 'POST', '/api/sessions', { title: 'unwatched', participants: demo.participants })).body.session.id as string;
      const bystander = await open(server.url);
      const heard = everything(bystander);
      const sender = await open(server.url);
      expect((await emitAck(sender, 'join', { sessionId: id })).ok).toBe(true);
      for (const [i, u] of demo.utterances.slice(0, 20).entries()) {
        expect((await emitAck(sender, 'utterance', { sessionId: id, utterance: { speaker: u.speaker, text: u.text, startMs: u.startMs, clientTurnId: `u:${i}` } })).ok).toBe(true);
      }
      expect((await api(server.url, 'POST', `/api/sessions/${id}/comments`, { mediaMs: 1, text: 'x' })).status).toBe(201);
      expect(manual.waiting).toBe(0);
      manual.advance(10_000);
      await quiet();
      expect(heard).toEqual([]);

      // The real clock, 50 ms apart: counts come without the test moving anything.
      const rid = (await api(real.url, 'POST', '/api/sessions', { title: 'watched', participants: demo.participants })).body.session.id as string;
      const lobby = await open(real.url);
      expect((await emitAck(lobby, 'watch_sessions', {})).ok).toBe(true);
      const counted = collect(lobby, 'session_counts');
      const talker = await open(real.url);
      expect((await emitAck(talker, 'join', { sessionId: rid })).ok).toBe(true);
      const t0 = Date.now();
      for (const [i, u] of demo.utterances.slice(0, 20).entries()) {
        expect((await emitAck(talker, 'utterance', { sessionId: rid, utterance: { speaker: u.speaker, text: u.text, startMs: u.startMs, clientTurnId: `r:${i}` } })).ok).toBe(true);
      }
      const t1 = Date.now();
      while (counted.items.at(-1)?.utteranceCount !== 20 && Date.now() - t1 < 5000) await new Promise((r) => setTimeout(r, 10));
      const waited = Date.now() - t0;
      expect(counted.items.at(-1)).toEqual(countsListed((await api(real.url, 'GET', '/api/sessions')).body.sessions.find((x: { id: string }) => x.id === rid)));
      // At most one a 50 ms interval (and the first at once).
      expect(counted.items.length).toBeGreaterThanOrEqual(1);
      expect(counted.items.length).toBeLessThanOrEqual(Math.ceil(waited / 50) + 1);
    } finally {
      sockets.forEach((s) => s.close());
      await server.close();
      await real.close();
    }
  });
});

/** The session as GET /api/sessions lists it now. */
async function listed(id: string) {
  return (await api(suite.server.url, 'GET', '/api/sessions')).body.sessions.find((s: { id: string }) => s.id === id);
}

/** A listed session's counts, as `session_counts` carries them. */
function countsListed(s: { id: string } & Omit<SessionCountsEvent, 'sessionId'>): SessionCountsEvent {
  const { id, utteranceCount, cueCount, correctionCount, cueReviewCount, postureLabelCount, commentCount } = s;
  return { sessionId: id, utteranceCount, cueCount, correctionCount, cueReviewCount, postureLabelCount, commentCount };
}

const del = (id: string) => api(suite.server.url, 'DELETE', `/api/sessions/${id}`);

it('with an access token: a socket without it never reaches the lobby; with it, it follows the list', async () => {
  const TOKEN = 'lobby-token-0123456789abcdef';
  const server = await startTestServer({ auth: { token: TOKEN } });
  try {
    expect(await socketConnects(server, {})).toBe(false);
    const s = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { authorization: `Bearer ${TOKEN}` } }) as TestSocket;
    try {
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      expect(await emitAck(s, 'watch_sessions', {})).toEqual({ ok: true, sessions: [] });
      const listed = collect(s, 'session_listed');
      const r = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"title":"private"}' });
      expect(r.status).toBe(201);
      expect((await listed.atLeast(1)).map((e) => e.session.title)).toEqual(['private']);
    } finally {
      s.close();
    }
  } finally {
    await server.close();
  }
});
