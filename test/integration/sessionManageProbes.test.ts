// Hostile probes of renaming, deleting and following the session list, on the real server (port
// 0, a real SQLite file, real socket.io, the real models): odd PATCH bodies, deletions racing
// each other, uploads, re-analyses, role changes and coach writes, every read of a deleted
// session, and `watch_sessions` sent many times, without an ack or with extra arguments.
import type Database from 'better-sqlite3';
import http from 'node:http';
import { DEMO_SESSION_ID, loadDemoMeeting } from '../../server/demo/demo';
import { SESSION_TABLES } from '../../server/store/sqliteStore';
import { api, collect, emitAck, rawRequest, useFileStoreServer, useSockets } from './harness';

const demo = loadDemoMeeting();
const suite = useFileStoreServer('bs-manage-probes-', { seedDemo: true });
const url = () => suite.server.url;
const sessionPath = (id: string) => `/api/sessions/${id}`;
const patch = (id: string, body: unknown) => api(url(), 'PATCH', sessionPath(id), body);
const del = (id: string) => api(url(), 'DELETE', sessionPath(id));
const quiet = () => new Promise((r) => setTimeout(r, 100));
const socket = useSockets(url);


/** A session with turns (a customer's among them), a comment and posture frames of the customer. */
async function newSession(title: string): Promise<string> {
  const id = (await api(url(), 'POST', '/api/sessions', { title, participants: demo.participants })).body.session.id as string;
  const transcript = JSON.stringify({ utterances: demo.utterances.slice(0, 12) });
  expect((await api(url(), 'POST', `${sessionPath(id)}/transcript?format=json`, undefined, transcript)).status).toBe(201);
  expect((await api(url(), 'POST', `${sessionPath(id)}/comments`, { mediaMs: 1000, text: 'ask here' })).status).toBe(201);
  return id;
}

/**
 * Rows of the session in every table keyed by session, and its own row, read through the running
 * server's own connection (the store holds its file exclusively).
 */
function rowsOf(id: string): Record<string, number> {
  const db = (suite.server.service as unknown as { deps: { store: { db: Database.Database } } }).deps.store.db;
  const n = (sql: string) => (db.prepare(sql).get(id) as { n: number }).n;
  return Object.fromEntries([['sessions', n('SELECT COUNT(*) AS n FROM sessions WHERE id = ?')], ...SESSION_TABLES.map((t) => [t, n(`SELECT COUNT(*) AS n FROM ${t} WHERE session_id = ?`)])]);
}

describe('PATCH /api/sessions/:id: bodies of every shape', () => {
  it('wrong content types are 415 naming content-type; bodies not objects are 400 naming body; nothing is renamed', async () => {
    const id = await newSession('kept');
    const raw = (type: string | undefined, body: string) => rawRequest(suite.server, 'PATCH', sessionPath(id), type === undefined ? {} : { 'content-type': type }, body);
    const cases: Array<[string, Promise<{ status: number; body: string }>, number, string, string]> = [
      ['text/plain', raw('text/plain', '{"title":"x"}'), 415, 'unsupported_media_type', 'content-type'],
      ['form', raw('application/x-www-form-urlencoded', 'title=x'), 415, 'unsupported_media_type', 'content-type'],
      ['latin1', raw('application/json; charset=latin1', '{"title":"x"}'), 415, 'unsupported_media_type', 'content-type'],
      ['utf-16', raw('application/json; charset=utf-16le', '{"title":"x"}'), 415, 'unsupported_media_type', 'content-type'],
      ['multipart', raw('multipart/form-data; boundary=x', '--x--'), 415, 'unsupported_media_type', 'content-type'],
      ['no type', raw(undefined, '{"title":"x"}'), 415, 'unsupported_media_type', 'content-type'],
      ['null', raw('application/json', 'null'), 400, 'invalid_input', 'body'],
      ['a string', raw('application/json', '"x"'), 400, 'invalid_input', 'body'],
      ['a number', raw('application/json', '5'), 400, 'invalid_input', 'body'],
      ['an array', raw('application/json', '["x"]'), 400, 'invalid_input', 'body'],
      ['broken JSON', raw('application/json', '{"title":'), 400, 'invalid_json', 'body'],
      ['__proto__ holding the title', raw('application/json', '{"__proto__":{"title":"x"}}'), 400, 'invalid_input', 'title'],
      ['__proto__ beside the title', raw('application/json', '{"title":"x","__proto__":{"demo":true}}'), 400, 'invalid_input', '__proto__'],
      ['constructor', raw('application/json', '{"title":"x","constructor":{"prototype":{"demo":true}}}'), 400, 'invalid_input', 'constructor'],
      ['title an object', raw('application/json', '{"title":{"toString":"x"}}'), 400, 'invalid_input', 'title'],
      ['title an array', raw('application/json', '{"title":["x"]}'), 400, 'invalid_input', 'title'],
      ['title null', raw('application/json', '{"title":null}'), 400, 'invalid_input', 'title'],
      ['10 kB title', raw('application/json', JSON.stringify({ title: 't'.repeat(10_000) })), 400, 'invalid_input', 'title'],
      ['10 kB of emoji', raw('application/json', JSON.stringify({ title: '😀'.repeat(5_000) })), 400, 'invalid_input', 'title'],
      ['over the body limit', raw('application/json', JSON.stringify({ title: 't'.repeat(70_000) })), 413, 'too_large', 'body'],
    ];
    for (const [what, answer, status, code, field] of cases) {
      const r = await answer;
      try {
        expect(r.status).toBe(status);
        expect(JSON.parse(r.body).error).toMatchObject({ code, field });
      } catch (err) {
        (err as Error).message = `${what}: ${(err as Error).message}\n${r.body.slice(0, 300)}`;
        throw err;
      }
    }
    const snap = (await api(url(), 'GET', sessionPath(id))).body;
    expect(snap.session).toMatchObject({ title: 'kept', demo: false });
  });

  it('a title of only invisible characters is refused, whatever invisible characters it is made of', async () => {
    const id = await newSession('visible');
    // Zero-width, direction marks, word joiner, BOM, soft hyphen; and the Hangul fillers, the
    // combining grapheme joiner, the Mongolian free variation selectors: Default_Ignorable, shown as nothing.
    for (const title of ['\u200b\u200c\u200d', '\u2060\ufeff\u00ad', '\u200e\u200f\u202a\u202c', '\u3164', '\u3164\u3164 ', '\uffa0', '\u115f\u1160', '\u034f', '\u180b\u180c', '\u3000\u00a0\u2007']) {
      const r = await patch(id, { title });
      expect({ title: escape(title), status: r.status, field: r.body.error?.field }).toEqual({ title: escape(title), status: 400, field: 'title' });
    }
    expect((await api(url(), 'GET', sessionPath(id))).body.session.title).toBe('visible');
    // A title with visible characters among invisible ones is kept as given (trimmed).
    expect((await patch(id, { title: ' \u3164A\u200bB ' })).body.session.title).toBe('\u3164A\u200bB');
  });

  it('control characters in a title never break the export\'s Content-Disposition header (no 500)', async () => {
    const id = await newSession('plain');
    for (const title of ['a\r\nSet-Cookie: x=1', 'a\u0000b', 'line\u2028sep', '"quoted"; filename=evil.exe', '../../etc/passwd', '😀\ud800x']) {
      expect((await patch(id, { title })).status).toBe(200);
      const res = await fetch(`${url()}${sessionPath(id)}/transcript`);
      expect({ title, status: res.status }).toEqual({ title, status: 200 });
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('content-disposition')).not.toMatch(/[\r\n]|\.\.\//);
      const md = await fetch(`${url()}${sessionPath(id)}/review.md`);
      expect(md.status).toBe(200);
    }
  });
});

describe('DELETE /api/sessions/:id racing other requests', () => {
  it('twice at once: one 200, one 404 naming the session; one session_deleted', async () => {
    const id = await newSession('twice');
    const lobby = await socket();
    expect((await emitAck(lobby, 'watch_sessions', {})).ok).toBe(true);
    const heard = collect(lobby, 'session_deleted');
    const answers = await Promise.all([del(id), del(id), del(id)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 404, 404]);
    for (const a of answers.filter((x) => x.status === 404)) expect(a.body.error).toMatchObject({ code: 'not_found', field: 'sessionId' });
    await quiet();
    expect(heard.items).toEqual([{ sessionId: id }]);
    expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
  });

  it('while an upload into it is being sent: the upload is refused 404 naming the session; never a 500 or an orphan row', async () => {
    const id = await newSession('uploading');
    const transcript = JSON.stringify({ utterances: demo.utterances.slice(12, 40) });
    // The body arrives in two halves, the deletion between them.
    const u = new URL(`${url()}${sessionPath(id)}/transcript?format=json`);
    const upload = new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent: false, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(transcript) } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      const half = Math.floor(transcript.length / 2);
      req.write(transcript.slice(0, half));
      setTimeout(() => {
        void del(id).then((d) => {
          expect(d.status).toBe(200);
          req.end(transcript.slice(half));
        });
      }, 50);
    });
    const r = await upload;
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'not_found', field: 'sessionId' });
    expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
  });

  it('while a re-analysis runs: the re-analysis is answered first, then the session is deleted, nothing left', async () => {
    const id = await newSession('reanalysing');
    const reanalysis = api(url(), 'POST', `${sessionPath(id)}/reanalyse`, {});
    while (!suite.server.service.reanalysing(id)) await new Promise((r) => setImmediate(r));
    const deletion = del(id);
    const [r, d] = await Promise.all([reanalysis, deletion]);
    expect(r.status).toBe(200);
    expect(d).toEqual({ status: 200, body: { deleted: true } });
    expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
    // Another re-analysis asked for now is a 404.
    expect((await api(url(), 'POST', `${sessionPath(id)}/reanalyse`, {})).body.error).toMatchObject({ code: 'not_found', field: 'sessionId' });
  });

  it('a rename during a role change keeps the new title and the new roles', async () => {
    const id = await newSession('before');
    const [rep, customer] = demo.participants;
    const put = api(url(), 'PUT', `${sessionPath(id)}/roles`, { roles: { [rep!.name]: 'customer', [customer!.name]: 'rep' } });
    while (!suite.server.service.reanalysing(id)) await new Promise((r) => setImmediate(r));
    const renamed = await patch(id, { title: 'during' });
    expect(renamed.status).toBe(200);
    const r = await put;
    expect(r.status).toBe(200);
    expect(r.body.snapshot.session.title).toBe('during');
    const snap = (await api(url(), 'GET', sessionPath(id))).body;
    expect(snap.session.title).toBe('during');
    expect(snap.session.participants).toEqual(expect.arrayContaining([{ name: rep!.name, role: 'customer' }, { name: customer!.name, role: 'rep' }]));
  });

  it('then PATCH, and every read of the deleted session: 404 naming the session, never a 500', async () => {
    const id = await newSession('gone');
    const turnId = (await api(url(), 'GET', sessionPath(id))).body.utterances[0].id as number;
    expect((await del(id)).status).toBe(200);
    const reads: Array<[string, string, unknown?]> = [
      ['PATCH', sessionPath(id), { title: 'back' }],
      ['DELETE', sessionPath(id)],
      ['GET', sessionPath(id)],
      ['GET', `${sessionPath(id)}/transcript`],
      ['GET', `${sessionPath(id)}/review.md`],
      ['GET', `${sessionPath(id)}/review.md?lang=zh`],
      ['GET', `${sessionPath(id)}/corrections`],
      ['GET', `${sessionPath(id)}/cue-reviews`],
      ['GET', `${sessionPath(id)}/posture-labels`],
      ['GET', `${sessionPath(id)}/landmarks`],
      ['GET', `${sessionPath(id)}/landmarks?after=5&limit=10`],
      ['PUT', `${sessionPath(id)}/roles`, { roles: { A: 'rep' } }],
      ['POST', `${sessionPath(id)}/reanalyse`, {}],
      ['PUT', `${sessionPath(id)}/utterances/${turnId}/correction`, { label: 'neutral' }],
      ['DELETE', `${sessionPath(id)}/utterances/${turnId}/correction`],
      ['PUT', `${sessionPath(id)}/cues/1/review`, { verdict: 'useful' }],
      ['PUT', `${sessionPath(id)}/posture-labels`, { participant: 'A', mediaMs: 0, labels: ['neutral'] }],
      ['POST', `${sessionPath(id)}/comments`, { mediaMs: 1, text: 'x' }],
      ['POST', `${sessionPath(id)}/landmarks`, { participant: 'A', mediaMs: 0, poses: [] }],
    ];
    for (const [method, p, body] of reads) {
      const r = await api(url(), method, p, body);
      expect({ method, p, status: r.status, error: r.body?.error && { code: r.body.error.code, field: r.body.error.field } }).toEqual({ method, p, status: 404, error: { code: 'not_found', field: 'sessionId' } });
    }
    // The all-sessions exports answer 200 without it.
    for (const p of ['/api/corrections', '/api/cue-reviews', '/api/posture-labels']) {
      const res = await fetch(url() + p);
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain(id);
    }
    expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
  });

  it('coach writes racing a deletion leave no row of the session in any table', async () => {
    const id = await newSession('raced');
    const snap = (await api(url(), 'GET', sessionPath(id))).body;
    const customerTurn = snap.utterances.find((u: { role: string }) => u.role === 'customer');
    const cue = snap.cues[0];
    const commentId = snap.comments[0].id;
    const writes = () => [
      api(url(), 'PUT', `${sessionPath(id)}/utterances/${customerTurn.id}/correction`, { label: 'neutral' }),
      ...(cue ? [api(url(), 'PUT', `${sessionPath(id)}/cues/${cue.id}/review`, { verdict: 'useful' })] : []),
      api(url(), 'POST', `${sessionPath(id)}/comments`, { mediaMs: 5, text: 'late' }),
      api(url(), 'PUT', `${sessionPath(id)}/comments/${commentId}`, { mediaMs: 6, text: 'edited' }),
      api(url(), 'POST', `${sessionPath(id)}/landmarks`, { participant: demo.participants[1]!.name, mediaMs: 10, poses: [] }),
    ];
    const all = await Promise.all([...writes(), del(id), ...writes(), ...writes()]);
    for (const r of all) expect(r.status).toBeLessThan(500);
    expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
  });

  it('writes that arrive while a deletion waits behind a role change are answered, then deleted with the session; posture labels included; nothing is left', async () => {
    const { participant, aspect, frames } = demo.posture!;
    const id = suite.server.service.createSession({ title: 'waiting', participants: [{ name: participant, role: 'customer' }] }).id;
    // Three laps of the demo's frames: a role change long enough for requests to come while the deletion waits.
    for (let lap = 0; lap < 3; lap++) {
      for (let i = 0; i < frames.length; i += 32) {
        suite.server.service.addLandmarksBatch(id, frames.slice(i, i + 32).map((f) => ({ participant, mediaMs: lap * 1_000_000 + f.mediaMs, poses: f.poses, aspect })), 'browser');
      }
    }
    const labelled = frames.find((f) => f.poses.length > 0)!;
    const put = api(url(), 'PUT', `${sessionPath(id)}/roles`, { roles: { [participant]: 'rep' } });
    while (!suite.server.service.reanalysing(id)) await new Promise((r) => setImmediate(r));
    const deletion = del(id);
    await new Promise((r) => setTimeout(r, 5));
    const during = await Promise.all([
      api(url(), 'POST', `${sessionPath(id)}/comments`, { mediaMs: 1, text: 'while it waits' }),
      patch(id, { title: 'renamed while it waits' }),
      api(url(), 'POST', `${sessionPath(id)}/landmarks`, { participant, mediaMs: 9_999_999, poses: [] }),
      // A re-analysis and a role change wait their turn behind the deletion: the session is gone by then.
      api(url(), 'POST', `${sessionPath(id)}/reanalyse`, {}),
      api(url(), 'PUT', `${sessionPath(id)}/roles`, { roles: { [participant]: 'customer' } }),
    ]);
    const [r, d] = await Promise.all([put, deletion]);
    expect(r.status).toBe(200);
    expect(d).toEqual({ status: 200, body: { deleted: true } });
    expect(during.map((w) => w.status)).toEqual([201, 200, 201, 404, 404]);
    for (const w of during.slice(3)) expect(w.body.error).toMatchObject({ code: 'not_found', field: 'sessionId' });
    // A posture label asked for now, on a frame that was there: the session is gone.
    const late = await api(url(), 'PUT', `${sessionPath(id)}/posture-labels`, { participant, mediaMs: labelled.mediaMs, labels: ['neutral'] });
    expect(late.body.error).toMatchObject({ code: 'not_found', field: 'sessionId' });
    expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
  }, 30_000);

  it('a posture label PUT racing a deletion leaves no row', async () => {
    const { participant, aspect, frames } = demo.posture!;
    const id = suite.server.service.createSession({ title: 'labels', participants: [{ name: participant, role: 'customer' }] }).id;
    const some = frames.filter((f) => f.poses.length > 0).slice(0, 20);
    suite.server.service.addLandmarksBatch(id, some.map((f) => ({ participant, mediaMs: f.mediaMs, poses: f.poses, aspect })), 'browser');
    const label = (f: (typeof some)[number]) => api(url(), 'PUT', `${sessionPath(id)}/posture-labels`, { participant, mediaMs: f.mediaMs, labels: ['leaning_forward'] });
    const all = await Promise.all([...some.slice(0, 10).map(label), del(id), ...some.slice(10).map(label)]);
    expect(all.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    for (const a of all) expect([200, 404]).toContain(a.status);
    expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
  });

  it('a deleted session\'s id is not given to a new session, and the demo\'s stays refused', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const id = (await api(url(), 'POST', '/api/sessions', { title: `n${i}` })).body.session.id as string;
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      ids.add(id);
      expect((await del(id)).status).toBe(200);
    }
    expect(ids.size).toBe(5);
    // A client cannot choose the id of the session it creates.
    const chosen = await api(url(), 'POST', '/api/sessions', { title: 'mine', id: [...ids][0] });
    expect(chosen.status).toBe(400);
    expect(chosen.body.error.field).toBe('id');
    expect((await del(DEMO_SESSION_ID)).status).toBe(409);
  });
});

describe('an export being downloaded when its session is deleted', () => {
  /** A session whose customer has `count` labelled frames or more: megabytes of JSON lines, more than the sockets' buffers hold. */
  function labelledSession(title: string, count: number): { id: string; labelled: number } {
    const { participant, aspect, frames } = demo.posture!;
    const id = suite.server.service.createSession({ title, participants: [{ name: participant, role: 'customer' }] }).id;
    const withPerson = frames.filter((f) => f.poses.length > 0);
    let labelled = 0;
    for (let lap = 0; labelled < count; lap++) {
      const batch = withPerson.map((f) => ({ participant, mediaMs: lap * 1_000_000 + f.mediaMs, poses: f.poses, aspect }));
      for (let i = 0; i < batch.length; i += 32) suite.server.service.addLandmarksBatch(id, batch.slice(i, i + 32), 'browser');
      for (const f of batch) {
        suite.server.service.labelPosture(id, { participant, mediaMs: f.mediaMs, labels: ['leaning_forward'] }, 1);
        labelled++;
      }
    }
    return { id, labelled };
  }

  /**
   * Starts a download that the client reads nothing of at first (the server's writes wait for the
   * socket to drain), runs `meanwhile`, then reads on. What it came to: the file whole (its lines),
   * or cut (never a short file that ends as if whole).
   */
  async function downloadPaused(path: string, meanwhile: () => Promise<void>): Promise<{ complete: boolean; lines: string[] }> {
    const u = new URL(url() + path);
    const download = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, agent: false }, resolve);
      // Once answered, a reset shows on the response (below); before, it fails the request.
      req.on('error', reject);
      req.end();
    });
    expect(download.statusCode).toBe(200);
    download.pause();
    const result = new Promise<{ complete: boolean; lines: string[] }>((resolve) => {
      let text = '';
      download.setEncoding('utf8');
      download.on('data', (c: string) => (text += c));
      download.on('end', () => resolve({ complete: download.complete, lines: text.split('\n').filter(Boolean) }));
      download.on('error', () => resolve({ complete: false, lines: [] }));
      download.on('aborted', () => resolve({ complete: false, lines: [] }));
    });
    await new Promise((r) => setTimeout(r, 300));
    await meanwhile();
    // Now it reads on.
    download.resume();
    return result;
  }

  it('the posture labels file (read a page at a time while the client reads) is never a short file answered as whole', async () => {
    const { id, labelled } = labelledSession('big export', 3000);
    const outcome = await downloadPaused(`${sessionPath(id)}/posture-labels`, async () => {
      expect((await del(id)).status).toBe(200);
    });
    if (outcome.complete) expect(outcome.lines).toHaveLength(labelled);
    expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
  }, 60_000);

  it('every session\'s posture labels (GET /api/posture-labels): a session deleted while its rows are sent cuts the file; one deleted before its turn is left out whole', async () => {
    // In the file's order (as created): a small one, the big one being sent when the deletion
    // comes, and one after it, deleted too, before its turn.
    const first = labelledSession('first', 10);
    const big = labelledSession('big, deleted while sent', 3000);
    const last = labelledSession('last, deleted before its turn', 10);
    const sessionOf = (line: string) => (JSON.parse(line) as { session: string }).session;
    const outcome = await downloadPaused('/api/posture-labels', async () => {
      expect((await del(big.id)).status).toBe(200);
      expect((await del(last.id)).status).toBe(200);
    });
    // Whole only if every row of the big session was read before its deletion (and then the
    // last one, deleted before its turn, is not in it at all).
    if (outcome.complete) {
      const of = (id: string) => outcome.lines.filter((l) => sessionOf(l) === id).length;
      expect([of(first.id), of(big.id), of(last.id)]).toEqual([first.labelled, big.labelled, 0]);
    }
    expect(outcome.complete).toBe(false);
    for (const id of [big.id, last.id]) expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
    // Nothing deleted meanwhile: the same file is whole, with the session that is left.
    const after = await fetch(url() + '/api/posture-labels');
    const lines = (await after.text()).split('\n').filter(Boolean);
    expect(lines.filter((l) => sessionOf(l) === first.id)).toHaveLength(first.labelled);
    expect(lines.some((l) => [big.id, last.id].includes(sessionOf(l)))).toBe(false);
  }, 120_000);
});

describe('socket events of a deleted session', () => {
  it('join, utterance, landmarks and frame get the documented not_found ack and store nothing', async () => {
    const id = await newSession('socket gone');
    const s = await socket();
    expect((await emitAck(s, 'join', { sessionId: id })).ok).toBe(true);
    expect((await del(id)).status).toBe(200);
    const sharp = (await import('sharp')).default;
    const image = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 9, g: 9, b: 9 } } }).jpeg().toBuffer();
    const customer = demo.participants[1]!.name;
    const acks = {
      join: await emitAck(s, 'join', { sessionId: id }),
      utterance: await emitAck(s, 'utterance', { sessionId: id, utterance: { speaker: customer, text: 'hello?', startMs: 1 } }),
      landmarks: await emitAck(s, 'landmarks', { sessionId: id, participant: customer, mediaMs: 1, poses: [] }),
      frame: await emitAck(s, 'frame', { sessionId: id, participant: customer, mediaMs: 1, image }),
    };
    for (const [event, ack] of Object.entries(acks)) expect({ event, ack }).toMatchObject({ event, ack: { ok: false, error: { code: 'not_found', field: 'sessionId' } } });
    // The HTTP frame routes: an image, with and without wait, and a JSON batch.
    const posts = [
      await fetch(`${url()}${sessionPath(id)}/frames?participant=${encodeURIComponent(customer)}&mediaMs=1`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(image) }),
      await fetch(`${url()}${sessionPath(id)}/frames?participant=${encodeURIComponent(customer)}&mediaMs=2&wait=1`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(image) }),
      await fetch(`${url()}${sessionPath(id)}/frames`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ frames: [{ participant: customer, mediaMs: 3, image: image.toString('base64') }] }) }),
    ];
    for (const res of posts) expect({ status: res.status, error: (await res.json()).error }).toMatchObject({ status: 404, error: { code: 'not_found', field: 'sessionId' } });
    await quiet();
    expect(Object.values(rowsOf(id)).every((n) => n === 0)).toBe(true);
    expect(suite.server.service.pipelineCount).toBeLessThanOrEqual(1000);
  });
});

describe('watch_sessions abused', () => {
  it('sent 200 times on one socket: each lobby event still comes once', async () => {
    const s = await socket();
    for (let i = 0; i < 200; i++) expect((await emitAck(s, 'watch_sessions', {})).ok).toBe(true);
    const heard = collect(s, 'session_renamed');
    const id = (await api(url(), 'POST', '/api/sessions', { title: 'once' })).body.session.id as string;
    expect((await patch(id, { title: 'once more' })).status).toBe(200);
    await quiet();
    expect(heard.items).toEqual([{ sessionId: id, title: 'once more' }]);
  });

  it('without an ack the socket still follows the list; with extra arguments it is answered field payload and joins nothing', async () => {
    const noAck = await socket();
    (noAck.emit as (e: string, ...a: unknown[]) => void)('watch_sessions', {});
    const extra = await socket();
    const ack = await emitAck(extra, 'watch_sessions', {}, 'more');
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'payload' } });
    const alone = await socket();
    expect(await emitAck(alone, 'watch_sessions')).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'payload' } });
    const noAckHeard = collect(noAck, 'session_listed');
    const extraHeard = collect(extra, 'session_listed');
    const aloneHeard = collect(alone, 'session_listed');
    await quiet();
    const id = (await api(url(), 'POST', '/api/sessions', { title: 'seen' })).body.session.id as string;
    await quiet();
    expect(noAckHeard.items.map((e: any) => e.session.id)).toEqual([id]);
    expect(extraHeard.items).toEqual([]);
    expect(aloneHeard.items).toEqual([]);
  });
});

function escape(s: string): string {
  return [...s].map((c) => `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`).join(' ');
}
