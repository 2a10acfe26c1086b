// Session archives read and stored a slice at a time on the real server (port 0, a real SQLite
// file): an export taken while a meeting goes on live is one moment's state; a client that
// leaves mid-download lets its snapshot go; an import is invisible until whole (list, snapshot,
// lobby, exports), and one that fails half-way or is cut by the server stopping leaves nothing,
// also after a restart; a process killed mid-import leaves nothing once the store opens again.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Archive } from '../../server/ingest/archive';
import { loadDemoMeeting } from '../../server/demo/demo';
import { SESSION_TABLES, SqliteStore } from '../../server/store/sqliteStore';
import { ARCHIVE_EXPORTS_MAX, ARCHIVE_SEND } from '../../server/http/routes/archives';
import { api, collect, emitAck, useFileStoreServer } from './harness';

const demo = loadDemoMeeting();
const track = demo.posture!;
const suite = useFileStoreServer('bs-archive-sliced-');
const url = () => suite.server.url;
const store = () => (suite.server.service as unknown as { deps: { store: SqliteStore } }).deps.store;
const db = () => (store() as unknown as { db: Database.Database }).db;

/** A synthetic archive: the demo's words and posture track repeated, a correction on a customer turn. */
function bigArchive(turns: number, frames: number): Archive {
  const roles = new Map(demo.participants.map((p) => [p.name, p.role] as const));
  const customer = demo.utterances.findIndex((u) => roles.get(u.speaker) === 'customer');
  return {
    format: 'buying-signals-archive', version: 1, exportedAt: 1_700_000_000_000,
    session: { id: 'big', title: 'Sliced probe', createdAt: 1_700_000_000_000 },
    participants: demo.participants.map((p) => ({ name: p.name, role: p.role })),
    utterances: Array.from({ length: turns }, (_, i) => {
      const u = demo.utterances[i % demo.utterances.length]!;
      return { id: i + 1, seq: i + 1, speaker: u.speaker, role: roles.get(u.speaker) ?? null, text: u.text, startMs: i * 2000, endMs: i * 2000 + 1500, receivedAt: 1_700_000_000_000 + i };
    }),
    frames: Array.from({ length: frames }, (_, i) => {
      const f = track.frames[i % track.frames.length]!;
      return { id: i + 1, participant: track.participant, mediaMs: i * 200, source: 'browser' as const, persons: f.poses.length, aspect: track.aspect ?? null, poses: f.poses, receivedAt: 1_700_000_000_000 + i };
    }),
    signals: [], cues: [],
    corrections: [{ utteranceId: customer + 1, label: 'neutral', note: null, correctedAt: 1_700_000_000_000 }],
    cueReviews: [], postureLabels: [], comments: [],
  } as unknown as Archive;
}

const importArchive = (body: string) => api(url(), 'POST', '/api/archives', undefined, body);
const sessionIds = async () => ((await api(url(), 'GET', '/api/sessions')).body.sessions as { id: string }[]).map((s) => s.id);
/** Rows stored under the session in any table (and its own row, visible or not). */
const rowsOf = (id: string) => [...SESSION_TABLES, 'sessions'].reduce((n, t) => n + (db().prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE ${t === 'sessions' ? 'id' : 'session_id'} = ?`).get(id) as { n: number }).n, 0);
const halfImported = () => (db().prepare('SELECT id FROM sessions WHERE importing = 1').all() as { id: string }[]).map((r) => r.id);
/** Holds the next import at its `at`-th pause; `release` lets it go on. */
function holdImport(at = 3) {
  const { service } = suite.server;
  const pause = service.importPause;
  let n = 0;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const held = new Promise<void>((r) => (reached = r));
  service.importPause = async (workedMs) => {
    if (++n === at) {
      reached();
      await released;
    }
    return pause(workedMs);
  };
  return { held, release, restore: () => (service.importPause = pause) };
}
const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let big = '';
let bigId = '';
beforeAll(async () => {
  big = JSON.stringify(bigArchive(300, 3000));
  const r = await importArchive(big);
  expect(r.status).toBe(201);
  bigId = r.body.session.id as string;
});

describe('an export', () => {
  it('taken while turns and frames are added live is one moment\'s state: every live turn with its frame, none after the moment', async () => {
    const speaker = demo.participants.find((p) => p.role === 'customer')!.name;
    const res = await fetch(`${url()}/api/sessions/${bigId}/archive`);
    expect(res.status).toBe(200);
    let added = 0;
    let stop = false;
    // A turn then its frame, again and again, while the download runs (the event loop turns between slices).
    const live = (async () => {
      while (!stop) {
        suite.server.service.addUtterance(bigId, { speaker, text: `Live turn ${added}`, startMs: 700_000 + added * 1000, endMs: 700_500 + added * 1000 });
        suite.server.service.addLandmarksBatch(bigId, [{ participant: track.participant, mediaMs: 700_000 + added * 1000, poses: track.frames[0]!.poses, aspect: track.aspect }], 'browser');
        added++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const reader = res.body!.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      await new Promise((r) => setTimeout(r, 2)); // a slow client: writes land between slices
    }
    stop = true;
    await live;
    const a = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Archive;
    const liveTurns = a.utterances.length - 300;
    const liveFrames = a.frames.length - 3000;
    expect(added).toBeGreaterThan(liveTurns + 2); // turns were added after the moment, while it was sent
    expect([0, 1]).toContain(liveTurns - liveFrames); // the moment falls between two writes, or between a turn and its frame
    expect(a.utterances.map((u) => u.seq)).toEqual(Array.from({ length: a.utterances.length }, (_, i) => i + 1));
    expect(store().openArchives).toBe(0);
  });

  it('that the client abandons mid-download lets its snapshot go: a later export and live turns work', async () => {
    const gone = new AbortController();
    const res = await fetch(`${url()}/api/sessions/${bigId}/archive`, { signal: gone.signal });
    const reader = res.body!.getReader();
    await reader.read();
    expect(store().openArchives).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(store().openArchives).toBe(1); // still sending: what follows is the abandonment, not the end
    gone.abort();
    await until(() => store().openArchives === 0);
    const { socket } = await suite.joined(bigId);
    const speaker = demo.participants.find((p) => p.role === 'customer')!.name;
    expect((await emitAck(socket, 'utterance', { sessionId: bigId, utterance: { speaker, text: 'After the abandoned download', startMs: 900_000 } })).ok).toBe(true);
    const again = await fetch(`${url()}/api/sessions/${bigId}/archive`);
    const a = JSON.parse(await again.text()) as Archive;
    expect(a.utterances.at(-1)?.text).toBe('After the abandoned download');
    expect(store().openArchives).toBe(0);
  });

  it('to a client that stops reading is cut after ARCHIVE_SEND.stallMs, letting its snapshot go (the WAL cannot be checkpointed past it)', async () => {
    const stallMs = ARCHIVE_SEND.stallMs;
    ARCHIVE_SEND.stallMs = 300;
    try {
      const { port } = new URL(url());
      let got = 0;
      const req = http.get({ host: '127.0.0.1', port, path: `/api/sessions/${bigId}/archive`, headers: { host: `127.0.0.1:${port}` } }, (res) => {
        res.once('data', (chunk: Buffer) => {
          got += chunk.length;
          res.pause(); // and never reads again: the server's writes wait for a drain that does not come
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      await until(() => got > 0);
      // Held by the client: the download is not over on its own (the session is larger than the socket's buffers).
      await new Promise((r) => setTimeout(r, 100));
      expect(store().openArchives).toBe(1);
      await until(() => store().openArchives === 0, 3000);
      req.destroy();
    } finally {
      ARCHIVE_SEND.stallMs = stallMs;
    }
  });

  it('at most ARCHIVE_EXPORTS_MAX at once (each holds a connection and a snapshot): one more is 503 busy, and is served once one ends', async () => {
    const { port } = new URL(url());
    const held: http.ClientRequest[] = [];
    try {
      for (let i = 0; i < ARCHIVE_EXPORTS_MAX; i++) {
        let got = 0;
        const req = http.get({ host: '127.0.0.1', port, path: `/api/sessions/${bigId}/archive`, headers: { host: `127.0.0.1:${port}` } }, (res) => {
          res.once('data', () => {
            got++;
            res.pause();
          });
          res.on('error', () => undefined);
        });
        req.on('error', () => undefined);
        held.push(req);
        await until(() => got > 0);
      }
      expect(store().openArchives).toBe(ARCHIVE_EXPORTS_MAX);
      const more = await api(url(), 'GET', `/api/sessions/${bigId}/archive`);
      expect(more.status).toBe(503);
      expect(more.body.error).toMatchObject({ code: 'busy', limit: ARCHIVE_EXPORTS_MAX });
      held.pop()!.destroy();
      await until(() => store().openArchives === ARCHIVE_EXPORTS_MAX - 1);
      expect((await api(url(), 'GET', `/api/sessions/${bigId}/archive`)).status).toBe(200);
    } finally {
      for (const r of held) r.destroy();
      await until(() => store().openArchives === 0);
    }
  });

  it('to a client that stops reading does not hold the server\'s stop: the download is cut at once', async () => {
    const { port } = new URL(url());
    let got = 0;
    const req = http.get({ host: '127.0.0.1', port, path: `/api/sessions/${bigId}/archive`, headers: { host: `127.0.0.1:${port}` } }, (res) => {
      res.once('data', (chunk: Buffer) => {
        got += chunk.length;
        res.pause();
      });
      res.on('error', () => undefined);
    });
    req.on('error', () => undefined);
    await until(() => got > 0);
    expect(store().openArchives).toBe(1);
    const started = Date.now();
    const stopped = await Promise.race([suite.server.close().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still stopping'), 5000))]);
    req.destroy();
    expect(stopped).toBe('stopped');
    expect(Date.now() - started).toBeLessThan(ARCHIVE_SEND.stallMs);
    await suite.restart();
  });
});

describe('an import', () => {
  it('is invisible until whole: not listed, no snapshot, archive or join by id, not in the exports, not heard by the lobby; then all at once', async () => {
    const before = await sessionIds();
    const { socket } = await suite.joined(bigId);
    const lobby = collect(socket, 'session_listed');
    expect((await emitAck(socket, 'watch_sessions', {})).ok).toBe(true);
    const corrections = async () => (await fetch(`${url()}/api/corrections`)).text();
    const correctionsBefore = await corrections();
    const hold = holdImport();
    const answer = importArchive(big);
    await hold.held;
    const [id] = halfImported();
    expect(id).toBeDefined();
    expect(rowsOf(id!)).toBeGreaterThan(1); // some of it is stored
    expect(await sessionIds()).toEqual(before);
    expect((await api(url(), 'GET', `/api/sessions/${id}`)).status).toBe(404);
    expect((await fetch(`${url()}/api/sessions/${id}/archive`)).status).toBe(404);
    expect((await fetch(`${url()}/api/sessions/${id}/corrections`)).status).toBe(404);
    expect(await corrections()).toBe(correctionsBefore);
    // Find neither searches it by id nor finds its turns among every session's.
    expect((await api(url(), 'GET', `/api/search?session=${id}&q=a`)).status).toBe(404);
    const q = encodeURIComponent(demo.utterances[0]!.text.slice(0, 6));
    const found = (await api(url(), 'GET', `/api/search?q=${q}&limit=200`)).body.results as { sessionId: string }[];
    expect(found.map((r) => r.sessionId)).toContain(bigId);
    expect(found.map((r) => r.sessionId)).not.toContain(id);
    expect((await emitAck(socket, 'join', { sessionId: id })).ok).toBe(false);
    // Nor changed by id: every write route and a live turn are 404, and nothing of it is touched.
    const rows = rowsOf(id!);
    const firstTurn = (db().prepare('SELECT id FROM utterances WHERE session_id = ? ORDER BY seq LIMIT 1').get(id) as { id: number }).id;
    const writes: [string, string, unknown?][] = [
      ['PATCH', `/api/sessions/${id}`, { title: 'renamed' }],
      ['DELETE', `/api/sessions/${id}`],
      ['PATCH', `/api/sessions/${id}/utterances/${firstTurn}`, { text: 'edited' }],
      ['DELETE', `/api/sessions/${id}/utterances/${firstTurn}`],
      ['PUT', `/api/sessions/${id}/utterances/${firstTurn}/correction`, { label: 'neutral' }],
      ['POST', `/api/sessions/${id}/comments`, { mediaMs: 0, text: 'hi' }],
      ['POST', `/api/sessions/${id}/reanalyse`],
      ['POST', `/api/sessions/${id}/landmarks`, { participant: track.participant, mediaMs: 1, poses: track.frames[0]!.poses }],
      ['GET', `/api/sessions/${id}/transcript`],
      ['GET', `/api/sessions/${id}/landmarks`],
    ];
    for (const [method, route, body] of writes) expect([method, route, (await api(url(), method, route, body)).status]).toEqual([method, route, 404]);
    const live = await emitAck(socket, 'utterance', { sessionId: id, utterance: { speaker: demo.utterances[0]!.speaker, text: 'a live turn by id', startMs: 1 } });
    expect(live).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(rowsOf(id!)).toBe(rows);
    expect(lobby.items).toEqual([]);
    hold.release();
    const r = await answer;
    hold.restore();
    expect(r.status).toBe(201);
    expect(r.body.session).toMatchObject({ id, utteranceCount: 300 });
    expect(await sessionIds()).toContain(id);
    expect((await lobby.atLeast(1)).map((e) => e.session.id)).toContain(id);
    expect(halfImported()).toEqual([]);
  });

  it('that fails half-way stores nothing: no session, no orphan rows', async () => {
    const before = await sessionIds();
    const { service } = suite.server;
    const pause = service.importPause;
    let n = 0;
    let id = '';
    service.importPause = async (workedMs) => {
      if (++n === 4) {
        id = halfImported()[0]!;
        throw new Error('injected failure half-way');
      }
      return pause(workedMs);
    };
    try {
      const r = await importArchive(big);
      expect(r.status).toBe(500);
    } finally {
      service.importPause = pause;
    }
    expect(id).not.toBe('');
    expect(rowsOf(id)).toBe(0);
    expect(await sessionIds()).toEqual(before);
  });

  it('cut by the server stopping stores nothing, also after a restart', async () => {
    const before = await sessionIds();
    const hold = holdImport();
    const answer = importArchive(big).catch((err: unknown) => ({ status: 0, body: { error: String(err) } }));
    await hold.held;
    const id = halfImported()[0]!;
    const closing = suite.server.close();
    hold.release();
    await closing;
    const r = await answer;
    expect([0, 503]).toContain(r.status);
    await suite.restart();
    expect(halfImported()).toEqual([]);
    expect(rowsOf(id)).toBe(0);
    expect((await sessionIds()).sort()).toEqual([...before].sort());
  });
});

describe('a process killed mid-import', () => {
  it('leaves nothing once the store is opened again (a real kill -9 of a process holding the file)', async () => {
    const file = path.join(suite.dir, 'killed.sqlite');
    const seed = new SqliteStore(file);
    seed.createSession({ id: 'kept', title: 'kept', createdAt: 1, demo: false, participants: [] });
    seed.close();
    // A child process (compiled by ts-jest's own transpiler is not at hand there: plain JS on
    // better-sqlite3) writes what importSteps' first slices write, then waits to be killed.
    const child = spawn(process.execPath, ['-e', `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(file)});
      db.pragma('journal_mode = WAL');
      db.prepare("INSERT INTO sessions (id, title, created_at, demo, importing) VALUES ('half', 't', 1, 0, 1)").run();
      db.prepare("INSERT INTO participants (session_id, name, role, ord) VALUES ('half', 'Li', 'customer', 0)").run();
      db.prepare("INSERT INTO utterances (session_id, seq, speaker, role, text, start_ms, end_ms, received_at) VALUES ('half', 1, 'Li', 'customer', 'hi', 0, 1, 1)").run();
      process.stdout.write('ready');
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(fs.existsSync(`${file}-wal`)).toBe(true); // killed: nothing checkpointed or cleaned up
    const reopened = new SqliteStore(file);
    try {
      const raw = (reopened as unknown as { db: Database.Database }).db;
      const n = (sql: string) => (raw.prepare(sql).get() as { n: number }).n;
      expect(n("SELECT COUNT(*) AS n FROM sessions WHERE id = 'half'")).toBe(0);
      expect(n("SELECT COUNT(*) AS n FROM utterances WHERE session_id = 'half'") + n("SELECT COUNT(*) AS n FROM participants WHERE session_id = 'half'")).toBe(0);
      expect(reopened.getSession('kept')?.title).toBe('kept');
    } finally {
      reopened.close();
    }
  });
});
