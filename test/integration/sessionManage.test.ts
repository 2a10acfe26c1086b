// Renaming and deleting a session on the real server (port 0, a real SQLite file, real
// socket.io, the real models) with the seeded demo session: PATCH and DELETE, every refusal of
// protocol.md's table (after which nothing is changed or sent), `session_renamed` and
// `session_deleted` to the room (which is emptied), nothing of a deleted session left in any
// table, a restart keeping both, and a deletion racing live turns: nothing acknowledged is
// half-deleted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LIMITS, SessionDeletedEventSchema, SessionRenamedEventSchema, type Session } from '../../protocol/protocol';
import { DEMO_SESSION_ID, loadDemoMeeting } from '../../server/demo/demo';
import { SESSION_TABLES } from '../../server/store/sqliteStore';
import { api, collect, expectRefusals, rawRequest, startLongRoleChange, startTestServer, useFileStoreServer, type RefusalCase, type TestSocket } from './harness';

const demo = loadDemoMeeting();
const suite = useFileStoreServer('bs-sessions-', { seedDemo: true });
const sessionPath = (id: string) => `/api/sessions/${id}`;
const patch = (id: string, body: unknown) => api(suite.server.url, 'PATCH', sessionPath(id), body);
const del = (id: string) => api(suite.server.url, 'DELETE', sessionPath(id));
const quiet = () => new Promise((r) => setTimeout(r, 100));

/** A stored session with turns, a comment and a role, through the HTTP API. */
async function newSession(title: string): Promise<string> {
  const id = (await api(suite.server.url, 'POST', '/api/sessions', { title, participants: demo.participants })).body.session.id as string;
  const transcript = JSON.stringify({ utterances: demo.utterances.slice(0, 12) });
  expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, transcript)).status).toBe(201);
  expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/comments`, { mediaMs: 1000, text: 'ask here' })).status).toBe(201);
  return id;
}

/** Rows of the session in every table keyed by session (and its own row), read from the file while the server is down. */
function rowsIn(dbPath: string, id: string): Record<string, number> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const n = (sql: string) => (db.prepare(sql).get(id) as { n: number }).n;
    return Object.fromEntries([['sessions', n('SELECT COUNT(*) AS n FROM sessions WHERE id = ?')], ...SESSION_TABLES.map((t) => [t, n(`SELECT COUNT(*) AS n FROM ${t} WHERE session_id = ?`)])]);
  } finally {
    db.close();
  }
}
const dbFile = () => path.join(suite.dir, 'db.sqlite');

describe('renaming a session: PATCH /api/sessions/:id', () => {
  it('answers the session with its new title (trimmed), tells every socket in the room, lists it so, and keeps it over a restart', async () => {
    const id = await newSession('Q3 review');
    const [a, b] = [(await suite.joined(id)).socket, (await suite.joined(id)).socket];
    const heard = [collect(a, 'session_renamed'), collect(b, 'session_renamed')];
    const r = await patch(id, { title: '  Bank visit 银行拜访  ' });
    expect(r.status).toBe(200);
    expect(r.body.session as Session).toMatchObject({ id, title: 'Bank visit 银行拜访', demo: false });
    for (const h of heard) expect((await h.atLeast(1)).map((e) => SessionRenamedEventSchema.parse(e))).toEqual([{ sessionId: id, title: 'Bank visit 银行拜访' }]);
    expect((await api(suite.server.url, 'GET', sessionPath(id))).body.session.title).toBe('Bank visit 银行拜访');
    const listed = (await api(suite.server.url, 'GET', '/api/sessions')).body.sessions.find((s: { id: string }) => s.id === id);
    expect(listed).toMatchObject({ title: 'Bank visit 银行拜访', utteranceCount: 12, commentCount: 1 });
    // The export names its file after the new title.
    const exported = await fetch(`${suite.server.url}${sessionPath(id)}/transcript`);
    expect(exported.headers.get('content-disposition')).toContain('Bank visit');
    await suite.restart();
    expect((await api(suite.server.url, 'GET', sessionPath(id))).body.session.title).toBe('Bank visit 银行拜访');
  });

  it("refuses as protocol.md's table says, with the create route's title limits, changing and sending nothing", async () => {
    const id = await newSession('kept');
    const watcher = collect((await suite.joined(id)).socket, 'session_renamed');
    const max = LIMITS.titleMaxChars;
    const cases: RefusalCase[] = [
      ['unknown session', patch('nope', { title: 'x' }), 404, 'not_found', 'sessionId'],
      ['malformed session id', patch('x'.repeat(65), { title: 'x' }), 400, 'invalid_input', 'sessionId'],
      ['undecodable session id', patch('%E0%A4%A', { title: 'x' }), 400, 'bad_request', 'sessionId'],
      ['the demo session', patch(DEMO_SESSION_ID, { title: 'mine now' }), 409, 'demo_session', 'sessionId', /^sessionId: the demo session .* cannot be renamed/],
      ['no title', patch(id, {}), 400, 'invalid_input', 'title', /^title: is required/],
      ['no body', api(suite.server.url, 'PATCH', sessionPath(id)), 400, 'invalid_input', 'title', /^title: is required/],
      ['an empty title', patch(id, { title: '  \u200b ' }), 400, 'invalid_input', 'title', /^title: /],
      ['a title not a string', patch(id, { title: 5 }), 400, 'invalid_input', 'title', /^title: must be a string, got a number/],
      ['a title too long', patch(id, { title: 't'.repeat(max + 1) }), 400, 'invalid_input', 'title', new RegExp(`^title: must be at most ${max} characters`)],
      ['another field', patch(id, { title: 'x', demo: true }), 400, 'invalid_input', 'demo', /unknown field/],
      ['body an array', patch(id, [{ title: 'x' }]), 400, 'invalid_input', 'body'],
      ['a body not JSON', api(suite.server.url, 'PATCH', sessionPath(id), undefined, '{"title":"x"}'), 415, 'unsupported_media_type', 'content-type'],
    ];
    await expectRefusals(cases);
    expect(await patch(id, { title: 't'.repeat(max + 1) })).toMatchObject({ body: { error: { limit: max, actual: max + 1 } } });
    const foreign = await rawRequest(suite.server, 'PATCH', sessionPath(id), { origin: 'http://evil.example', 'content-type': 'application/json' }, '{"title":"evil"}');
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.code).toBe('forbidden_origin');
    expect((await api(suite.server.url, 'GET', sessionPath(id))).body.session.title).toBe('kept');
    expect((await api(suite.server.url, 'GET', sessionPath(DEMO_SESSION_ID))).body.session.title).toBe(demo.title);
    // Exactly at the limit: accepted.
    expect((await patch(id, { title: 't'.repeat(max) })).status).toBe(200);
    await quiet();
    expect(watcher.items).toHaveLength(1);
  });
});

describe('deleting a session: DELETE /api/sessions/:id', () => {
  it('answers { deleted: true }, tells the room and empties it, refuses it from then on, leaves nothing in any table and other sessions whole, over a restart', async () => {
    const id = await newSession('to delete');
    const other = await newSession('to keep');
    const [a, b] = [(await suite.joined(id)).socket, (await suite.joined(id)).socket];
    const watcherOfOther = collect((await suite.joined(other)).socket, 'session_deleted');
    const heard = [collect(a, 'session_deleted'), collect(b, 'session_deleted')];
    const otherBefore = (await api(suite.server.url, 'GET', sessionPath(other))).body;
    expect(await del(id)).toEqual({ status: 200, body: { deleted: true } });
    for (const h of heard) expect((await h.atLeast(1)).map((e) => SessionDeletedEventSchema.parse(e))).toEqual([{ sessionId: id }]);
    await quiet();
    expect(watcherOfOther.items).toEqual([]);
    expect((await api(suite.server.url, 'GET', sessionPath(id))).status).toBe(404);
    expect((await api(suite.server.url, 'GET', '/api/sessions')).body.sessions.map((s: { id: string }) => s.id)).not.toContain(id);
    expect((await api(suite.server.url, 'GET', sessionPath(other))).body).toEqual(otherBefore);
    // The sockets left the room: a join of it, or a turn sent to it, is refused as for any unknown session.
    const join = await new Promise<any>((resolve) => a.emit('join', { sessionId: id }, resolve));
    expect(join).toMatchObject({ ok: false, error: { code: 'not_found', field: 'sessionId' } });
    const turn = await new Promise<any>((resolve) => b.emit('utterance', { sessionId: id, utterance: { speaker: 'Li', text: 'still there?', startMs: 1 } }, resolve));
    expect(turn).toMatchObject({ ok: false, error: { code: 'not_found', field: 'sessionId' } });
    expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/comments`, { mediaMs: 1, text: 'x' })).status).toBe(404);
    await suite.server.close();
    expect(Object.values(rowsIn(dbFile(), id)).every((n) => n === 0)).toBe(true);
    expect(rowsIn(dbFile(), other)).toMatchObject({ sessions: 1, utterances: 12, comments: 1 });
    await suite.restart();
    expect((await api(suite.server.url, 'GET', sessionPath(id))).status).toBe(404);
    expect((await api(suite.server.url, 'GET', sessionPath(other))).body.utterances).toHaveLength(12);
  });

  it("refuses as protocol.md's table says, deleting and sending nothing", async () => {
    const id = await newSession('kept too');
    const watcher = collect((await suite.joined(id)).socket, 'session_deleted');
    const cases: RefusalCase[] = [
      ['unknown session', del('nope'), 404, 'not_found', 'sessionId'],
      ['malformed session id', del('x'.repeat(65)), 400, 'invalid_input', 'sessionId'],
      ['undecodable session id', del('%E0%A4%A'), 400, 'bad_request', 'sessionId'],
      ['the demo session', del(DEMO_SESSION_ID), 409, 'demo_session', 'sessionId', /^sessionId: the demo session .* cannot be deleted \(the server stores it again at its next start\)/],
    ];
    await expectRefusals(cases);
    const foreign = await rawRequest(suite.server, 'DELETE', sessionPath(id), { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.code).toBe('forbidden_origin');
    expect((await api(suite.server.url, 'GET', sessionPath(id))).status).toBe(200);
    expect((await api(suite.server.url, 'GET', sessionPath(DEMO_SESSION_ID))).body.utterances).toHaveLength(demo.utterances.length);
    await quiet();
    expect(watcher.items).toEqual([]);
  });

  it('while live turns are being sent: every turn acknowledged came before the deletion on its socket, every later one is a 404, and nothing of the session is left', async () => {
    const id = await newSession('busy');
    const other = await newSession('busy neighbour');
    const sender: TestSocket = (await suite.joined(id)).socket;
    const neighbour: TestSocket = (await suite.joined(other)).socket;
    // What the sender hears, in the order it arrives: its acks and the deletion.
    const order: string[] = [];
    sender.on('session_deleted', () => void order.push('deleted'));
    const send = (socket: TestSocket, sessionId: string, i: number) =>
      new Promise<any>((resolve) =>
        socket.emit('utterance', { sessionId, utterance: { speaker: demo.participants[1]!.name, text: `What would it cost, ${i}?`, startMs: 600_000 + i * 500, clientTurnId: `t:${i}` } }, (ack: any) => {
          if (socket === sender) order.push(ack.ok ? `ok:${i}` : `refused:${ack.error.code}`);
          resolve(ack);
        }),
      );
    const acks: Promise<any>[] = [];
    let deletion: Promise<{ status: number; body: any }> | undefined;
    for (let i = 0; i < 80; i++) {
      acks.push(send(sender, id, i), send(neighbour, other, i));
      if (i === 30) deletion = del(id);
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5));
    }
    const answers = await Promise.all(acks);
    expect(await deletion).toEqual({ status: 200, body: { deleted: true } });
    await quiet();
    const deletedAt = order.indexOf('deleted');
    expect(deletedAt).toBeGreaterThan(0);
    expect(order.length).toBeGreaterThan(deletedAt + 1); // some turns came after it
    expect(order.slice(0, deletedAt).every((x) => x.startsWith('ok:'))).toBe(true);
    expect(order.slice(deletedAt + 1).every((x) => x === 'refused:not_found')).toBe(true);
    expect(order.filter((x) => x.startsWith('ok:')).length).toBeGreaterThan(0);
    // The neighbour's turns were all stored.
    expect(answers.filter((_, k) => k % 2 === 1).every((a) => a.ok)).toBe(true);
    await suite.server.close();
    expect(Object.values(rowsIn(dbFile(), id)).every((n) => n === 0)).toBe(true);
    expect(rowsIn(dbFile(), other)).toMatchObject({ sessions: 1, utterances: 12 + 80 });
    await suite.restart();
  }, 30_000);
});

it('a deletion waiting behind a role change under way when the server stops is answered shutting_down, and nothing is deleted', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-shutdown-delete-'));
  const dbPath = path.join(dir, 'db.sqlite');
  const server = await startTestServer({ dbPath });
  const { id, frames, put } = await startLongRoleChange(server);
  const deletion = api(server.url, 'DELETE', `/api/sessions/${id}`);
  await new Promise((r) => setTimeout(r, 50));
  const closed = server.close();
  const [r, d] = await Promise.all([put, deletion]);
  await closed;
  expect(r.body.error.code).toBe('shutting_down');
  expect(d.status).toBe(503);
  expect(d.body.error).toMatchObject({ code: 'shutting_down' });
  expect(rowsIn(dbPath, id)).toMatchObject({ sessions: 1, frames });
  fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);
