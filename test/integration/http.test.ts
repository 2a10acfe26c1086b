// Through HTTP on port 0 with the real model and a real SQLite store.
import type { RunningServer } from '../../server/main';
import { SnapshotSchema } from '../../protocol/outbound';
import { api, startTestServer } from './harness';

const VTT = `WEBVTT

00:00:01.000 --> 00:00:04.000
<v Rep Zhang>Good morning, thanks for coming in. This fund has no lock-up period.

00:00:05.000 --> 00:00:07.000
<v Ms Chen>How much does it cost to open one, and what are the fees?

00:00:08.000 --> 00:00:12.000
<v Rep Zhang>The minimum is 10,000 and the annual fee is 0.5 percent.
`;

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function newSession(participants = [{ name: 'Rep Zhang', role: 'rep' }, { name: 'Ms Chen', role: 'customer' }]) {
  const r = await api(server.url, 'POST', '/api/sessions', { title: 'test', participants });
  expect(r.status).toBe(201);
  return r.body.session.id as string;
}

describe('HTTP API', () => {
  it('reports health with the backend and the model version', async () => {
    const r = await api(server.url, 'GET', '/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, protocolVersion: 1, backend: 'wasm' });
    expect(r.body.verbalModel).toMatch(/^verbal-/);
  });

  it('serves the demo meeting with roles for every speaker', async () => {
    const r = await api(server.url, 'GET', '/api/demo');
    expect(r.status).toBe(200);
    const speakers = new Set(r.body.utterances.map((u: { speaker: string }) => u.speaker));
    expect(r.body.participants.map((p: { name: string }) => p.name).sort()).toEqual([...speakers].sort());
  });

  it('analyses an uploaded WebVTT transcript: the customer price question is a signal and a cue; the rep quote is not', async () => {
    const id = await newSession();
    const up = await api(server.url, 'POST', `/api/sessions/${id}/transcript?format=vtt`, undefined, VTT);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ utterances: 3, unassignedSpeakers: [], format: 'vtt' });
    const snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
    // What the server sends matches the protocol's outbound schemas (the client checks the same).
    expect(SnapshotSchema.parse(snap)).toEqual(snap);
    expect(snap.utterances.map((u: { startMs: number }) => u.startMs)).toEqual([1000, 5000, 8000]);
    expect(snap.signals).toHaveLength(1);
    expect(snap.signals[0]).toMatchObject({ label: 'price_inquiry', mediaMs: 5000 });
    expect(snap.cues).toHaveLength(1);
    expect(snap.cues[0]).toMatchObject({ type: 'closing_moment', technique: 'direct_request' });
    expect(snap.cues[0].evidence[0].text).toContain('How much does it cost');
    expect(snap.cues[0].tip.zh.length).toBeGreaterThan(5);
  });

  it('reports speakers without a role, gives their turns no signals, and re-analyses once roles are set', async () => {
    const id = await newSession([]);
    const up = await api(server.url, 'POST', `/api/sessions/${id}/transcript`, undefined, '王经理：这款理财起投五万。\n客户：那这个需要多少钱？有没有优惠？\n');
    expect(up.status).toBe(201);
    expect(up.body.unassignedSpeakers).toEqual(['王经理', '客户']);
    expect(up.body.signals).toBe(0);
    const put = await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { 王经理: 'rep', 客户: 'customer' } });
    expect(put.status).toBe(200);
    expect(put.body.snapshot.unassignedSpeakers).toEqual([]);
    expect(put.body.snapshot.signals.map((s: { label: string }) => s.label)).toEqual(['discount_request']);
    expect(put.body.snapshot.utterances[1].role).toBe('customer');
  });

  it('takes a role away (null): that speaker is reported again, their turns lose their signals and cues, and a restored role brings them back', async () => {
    const id = await newSession([]);
    await api(server.url, 'POST', `/api/sessions/${id}/transcript`, undefined, '王经理：这款理财起投五万。\n客户：那这个需要多少钱？有没有优惠？\n');
    const given = await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { 王经理: 'rep', 客户: 'customer' } });
    expect(given.body.snapshot.signals).toHaveLength(1);
    expect(given.body.snapshot.cues.length).toBeGreaterThan(0);

    const taken = await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { 客户: null } });
    expect(taken.status).toBe(200);
    expect(taken.body.snapshot.unassignedSpeakers).toEqual(['客户']);
    expect(taken.body.snapshot.session.participants).toEqual([
      { name: '王经理', role: 'rep' },
      { name: '客户', role: null },
    ]);
    expect(taken.body.snapshot.utterances.map((u: { role: string | null }) => u.role)).toEqual(['rep', null]);
    expect(taken.body.snapshot.signals).toEqual([]);
    expect(taken.body.snapshot.cues).toEqual([]);
    // As stored, not only as answered.
    expect((await api(server.url, 'GET', `/api/sessions/${id}`)).body).toMatchObject({ unassignedSpeakers: ['客户'], signals: [], cues: [] });

    const back = await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { 客户: 'customer' } });
    expect(back.body.snapshot.signals.map((s: { label: string }) => s.label)).toEqual(['discount_request']);
    expect(back.body.snapshot.unassignedSpeakers).toEqual([]);

    const wrong = await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { 客户: 'buyer' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.field).toBe('roles.客户');
  });

  it('creates a session from a file in one step, and a rejected file leaves no session behind', async () => {
    const before = (await api(server.url, 'GET', '/api/sessions')).body.sessions.length;
    const bad = await api(server.url, 'POST', '/api/transcripts?format=vtt&title=broken', undefined, VTT.replace('00:00:08.000', '00:0x:08.000'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^line \d+: timestamp/);
    expect((await api(server.url, 'GET', '/api/sessions')).body.sessions.length).toBe(before);

    const ok = await api(server.url, 'POST', '/api/transcripts?title=Fund%20review', undefined, VTT);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ session: { title: 'Fund review' }, utterances: 3, unassignedSpeakers: ['Rep Zhang', 'Ms Chen'] });
    // The answer's session lists the file's speakers, as a GET of it does.
    expect(ok.body.session.participants).toEqual((await api(server.url, 'GET', `/api/sessions/${ok.body.session.id}`)).body.session.participants);
    expect(ok.body.session.participants.map((p: { name: string }) => p.name)).toEqual(['Rep Zhang', 'Ms Chen']);
    expect((await api(server.url, 'GET', '/api/sessions')).body.sessions.length).toBe(before + 1);
  });

  describe('bad input gets a 4xx naming the field and the limit, and stores nothing', () => {
    it('unknown session', async () => {
      const r = await api(server.url, 'GET', '/api/sessions/nope');
      expect(r.status).toBe(404);
      expect(r.body.error.message).toContain('"nope"');
    });

    it('an unknown route is named with its whole path', async () => {
      const r = await api(server.url, 'PUT', '/api/sessions/nope?x=1');
      expect(r.status).toBe(404);
      expect(r.body.error).toEqual({ code: 'not_found', message: 'no route PUT /api/sessions/nope' });
    });

    it('wrong types when creating a session', async () => {
      const r = await api(server.url, 'POST', '/api/sessions', { title: 5 });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('title');
      const r2 = await api(server.url, 'POST', '/api/sessions', { participants: [{ name: 'A', role: 'boss' }] });
      expect(r2.status).toBe(400);
      expect(r2.body.error.field).toBe('participants.0.role');
      // Over a size limit: the limit and the size found, as an upload's limit errors give them.
      const long = await api(server.url, 'POST', '/api/sessions', { title: 't'.repeat(250) });
      expect(long.status).toBe(400);
      expect(long.body.error).toMatchObject({ code: 'invalid_input', field: 'title', limit: 200, actual: 250 });
      expect(r2.body.error.limit).toBeUndefined();
    });

    it('malformed JSON body', async () => {
      const res = await fetch(server.url + '/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":' });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_json');
    });

    it('a JSON body sent with another content type (curl -d sends form-urlencoded): 415, nothing created', async () => {
      const before = (await api(server.url, 'GET', '/api/sessions')).body.sessions.length;
      const send = (method: string, path: string, type: string) =>
        fetch(server.url + path, { method, headers: { 'content-type': type }, body: '{"title":"Q3 review"}' });
      const created = await send('POST', '/api/sessions', 'application/x-www-form-urlencoded');
      expect(created.status).toBe(415);
      expect((await created.json()).error).toEqual({
        code: 'unsupported_media_type',
        field: 'content-type',
        message: 'content-type must be application/json for this body, got "application/x-www-form-urlencoded"',
      });
      expect((await api(server.url, 'GET', '/api/sessions')).body.sessions).toHaveLength(before);
      const id = await newSession();
      expect((await send('PUT', `/api/sessions/${id}/roles`, 'text/plain')).status).toBe(415);
      expect((await send('POST', `/api/sessions/${id}/landmarks`, 'text/plain')).status).toBe(415);
      // No body at all is still an empty session.
      expect((await fetch(server.url + '/api/sessions', { method: 'POST' })).status).toBe(201);
    });

    it('empty file, binary garbage, a 100 kB utterance, a malformed timestamp', async () => {
      const id = await newSession();
      const empty = await api(server.url, 'POST', `/api/sessions/${id}/transcript`, undefined, Buffer.alloc(0));
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toMatch(/empty/);

      const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
      const bin = await api(server.url, 'POST', `/api/sessions/${id}/transcript`, undefined, garbage);
      expect(bin.status).toBe(400);
      expect(bin.body.error.message).toMatch(/binary|text/i);

      const huge = await api(server.url, 'POST', `/api/sessions/${id}/transcript?format=text`, undefined, `Ms Chen: ok\nMs Chen: ${'x'.repeat(100_000)}\n`);
      expect(huge.status).toBe(400);
      expect(huge.body.error.message).toContain('2000');
      expect(huge.body.error.line).toBe(2);

      const badTime = await api(server.url, 'POST', `/api/sessions/${id}/transcript?format=vtt`, undefined, VTT.replace('00:00:05.000', '00:00:xx.000'));
      expect(badTime.status).toBe(400);
      expect(badTime.body.error.line).toBeGreaterThan(0);

      const snap = await api(server.url, 'GET', `/api/sessions/${id}`);
      expect(snap.body.utterances).toEqual([]);
    });

    it('a 50 MB upload is refused with the limit named', async () => {
      const id = await newSession();
      const r = await api(server.url, 'POST', `/api/sessions/${id}/transcript`, undefined, Buffer.alloc(50 * 1024 * 1024, 0x61));
      expect(r.status).toBe(413);
      expect(r.body.error.message).toContain(String(5 * 1024 * 1024));
    });

    it('roles for names not in the session: added as participants up to the limit of 50, and no further', async () => {
      const guests = Array.from({ length: 49 }, (_, i) => ({ name: `guest ${i}`, role: 'rep' }));
      const id = await newSession(guests);
      // A role for a name not yet heard adds that participant (as creating a session with participants does).
      const one = await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { 'Ms Chen': 'customer' } });
      expect(one.status).toBe(200);
      expect(one.body.snapshot.session.participants).toHaveLength(50);
      const over = await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { 'guest 0': 'customer', 'one too many': 'customer' } });
      expect(over.status).toBe(400);
      expect(over.body.error).toMatchObject({ code: 'invalid_input', field: 'roles' });
      expect(over.body.error.message).toContain('51 participants; the limit is 50');
      const snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
      expect(snap.session.participants).toHaveLength(50);
      expect(snap.session.participants[0]).toEqual({ name: 'guest 0', role: 'rep' });

      const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, 'rep']));
      const tooMany = await api(server.url, 'PUT', `/api/sessions/${await newSession([])}/roles`, { roles: many });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error.field).toBe('roles');
      expect(tooMany.body.error.message).toContain('50');
    });

    it('an empty or missing upload body is the parser\'s empty error, as a whitespace-only file is, on both upload routes', async () => {
      const id = await newSession();
      for (const path of [`/api/sessions/${id}/transcript?format=text`, '/api/transcripts?format=text']) {
        const zero = await api(server.url, 'POST', path, undefined, Buffer.alloc(0));
        const none = await fetch(server.url + path, { method: 'POST' });
        const blank = await api(server.url, 'POST', path, undefined, ' \n\t\n');
        expect([zero.status, none.status, blank.status]).toEqual([400, 400, 400]);
        expect(zero.body.error).toEqual({ code: 'empty', message: 'file is empty' });
        expect((await none.json()).error).toEqual({ code: 'empty', message: 'file is empty' });
        expect(blank.body.error).toEqual({ code: 'empty', message: 'file is empty (it holds only whitespace)' });
      }
      expect((await api(server.url, 'GET', `/api/sessions/${id}`)).body.utterances).toEqual([]);
    });

    it('a bare mm:ss stamp before the speaker is read; a stamp-like start that is none is named (audit #6)', async () => {
      const ok = await api(server.url, 'POST', '/api/transcripts?filename=t.txt', undefined, '10:30 Alice: hi\nBob: ok\n');
      expect(ok.status).toBe(201);
      expect(ok.body.utterances).toBe(2);
      const bad = await api(server.url, 'POST', '/api/transcripts?filename=t.txt', undefined, '99:99 Alice: hi\n');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'bad_timestamp', line: 1 });
      expect(bad.body.error.message).toContain('"99:99" was not recognised');
    });

    it('roles keys: an empty or over-long name says roles and the 1-80 character limit; __proto__ is refused by name', async () => {
      const id = await newSession();
      const long = 'n'.repeat(81);
      for (const key of [long, '', '   ']) {
        const r = await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [key]: 'customer' } });
        expect(r.status).toBe(400);
        expect(r.body.error.field).toBe('roles');
        expect(r.body.error.message).toMatch(/^roles: key ".*" must be a speaker name of 1-80 characters/);
        expect(r.body.error.message).not.toContain('Invalid key in record');
      }
      const proto = await fetch(server.url + `/api/sessions/${id}/roles`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"roles":{"__proto__":"customer"}}',
      });
      expect(proto.status).toBe(400);
      const e = (await proto.json()).error;
      expect(e.field).toBe('roles');
      expect(e.message).toContain('"__proto__"');
      // An 80-character name is fine, trimmed.
      const ok = await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [` ${'n'.repeat(80)} `]: 'rep' } });
      expect(ok.status).toBe(200);
    });

    it('unknown keys are named as the field', async () => {
      const r = await api(server.url, 'POST', '/api/sessions', { title: 't', extra: 1 });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'invalid_input', field: 'extra' });
      expect(r.body.error.message).toBe('extra: unknown field');
      const nested = await api(server.url, 'POST', '/api/sessions', { participants: [{ name: 'A', role: 'rep', age: 3 }] });
      expect(nested.body.error).toMatchObject({ field: 'participants.0.age', message: 'participants.0.age: unknown field' });
      const id = await newSession();
      const lm = await api(server.url, 'POST', `/api/sessions/${id}/landmarks`, { sessionId: id, participant: 'Ms Chen', mediaMs: 0, poses: [] });
      expect(lm.status).toBe(400);
      expect(lm.body.error.field).toBe('sessionId');
    });

    it('landmark batch sizes name the body and the 1-32 limit', async () => {
      const id = await newSession();
      const frame = { participant: 'Ms Chen', mediaMs: 0, poses: [] };
      const over = await api(server.url, 'POST', `/api/sessions/${id}/landmarks`, Array.from({ length: 33 }, (_, i) => ({ ...frame, mediaMs: i })));
      expect(over.status).toBe(400);
      expect(over.body.error).toMatchObject({ field: 'body', message: 'body: at most 32 frames per request' });
      const empty = await api(server.url, 'POST', `/api/sessions/${id}/landmarks`, []);
      expect(empty.status).toBe(400);
      expect(empty.body.error.field).toBe('body');
      expect(empty.body.error.message).toContain('1-32 frames');
      expect((await api(server.url, 'GET', `/api/sessions/${id}`)).body.utterances).toEqual([]);
    });

    it('a JSON body that is valid JSON but not an object says so', async () => {
      for (const body of ['null', '"   "', '42', 'true']) {
        const res = await fetch(server.url + '/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBe(400);
        const e = (await res.json()).error;
        expect(e).toMatchObject({ code: 'invalid_input', field: 'body' });
        expect(e.message).toMatch(/^body: must be a JSON object, got /);
      }
    });

    it('a JSON content type with a charset other than UTF-8: 415 unsupported_media_type naming content-type', async () => {
      const res = await fetch(server.url + '/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json; charset=latin1' }, body: '{"title":"x"}' });
      expect(res.status).toBe(415);
      const e = (await res.json()).error;
      expect(e).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
      expect(e.message).toContain('latin1');
      expect(e.message).toContain('utf-8');
    });

    it('a title, a comment or words of nothing visible (a zero-width space) are refused as empty, naming the field; an author of nothing visible is none (they were stored: rows of nothing)', async () => {
      const blank = '\u200B\u200E';
      const created = await api(server.url, 'POST', '/api/sessions', { title: blank });
      expect(created.status).toBe(400);
      expect(created.body.error).toEqual({ code: 'invalid_input', field: 'title', message: 'title: must not be empty' });
      const upload = await api(server.url, 'POST', `/api/transcripts?title=${encodeURIComponent(blank)}`, undefined, 'Ms Chen: how much?');
      expect(upload.status).toBe(400);
      expect(upload.body.error).toMatchObject({ code: 'invalid_input', field: 'query.title' });
      const id = await newSession();
      const words = await api(server.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify([{ speaker: 'Ms Chen', text: blank, startMs: 0 }]));
      expect(words.status).toBe(400);
      expect(words.body.error).toMatchObject({ code: 'invalid_field', field: 'utterances.0.text' });
      const comment = await api(server.url, 'POST', `/api/sessions/${id}/comments`, { mediaMs: 0, text: blank });
      expect(comment.status).toBe(400);
      expect(comment.body.error).toEqual({ code: 'invalid_input', field: 'text', message: 'text: text must not be empty' });
      const noAuthor = await api(server.url, 'POST', `/api/sessions/${id}/comments`, { mediaMs: 0, text: 'ask for the deal here', author: blank });
      expect(noAuthor.status).toBe(201);
      expect(noAuthor.body.comment.author).toBeNull();
      const snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
      expect(snap.utterances).toEqual([]);
      expect(snap.comments).toEqual([noAuthor.body.comment]);
    });

    it('a JSON body in UTF-16 or UTF-32 (charset=utf-16le, …) is a 415 naming content-type, on every JSON route (it was read as garbage: 400 invalid_json)', async () => {
      const id = await newSession();
      const routes: Array<[string, string, string]> = [
        ['POST', '/api/sessions', '{"title":"x"}'],
        ['PUT', `/api/sessions/${id}/roles`, '{"roles":{}}'],
        ['POST', `/api/sessions/${id}/landmarks`, '{"participant":"Ms Chen","mediaMs":0,"poses":[]}'],
        ['POST', `/api/sessions/${id}/frames`, '{"frames":[]}'],
        ['POST', `/api/sessions/${id}/comments`, '{"mediaMs":0,"text":"x"}'],
      ];
      for (const [method, p, json] of routes) {
        for (const [charset, bytes] of [['utf-16le', Buffer.from(json, 'utf16le')], ['UTF-16', Buffer.from(json, 'utf16le')], ['"utf-32"', Buffer.from(json, 'utf8')]] as const) {
          const res = await fetch(server.url + p, { method, headers: { 'content-type': `application/json; charset=${charset}` }, body: new Uint8Array(bytes) });
          expect([method, p, charset, res.status]).toEqual([method, p, charset, 415]);
          const e = (await res.json()).error;
          expect(e).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
          expect(e.message).toBe(`content-type charset "${charset.replace(/"/g, '')}" is not supported; send utf-8 (or no charset)`);
        }
        // utf-8 in any case, quoted or not, is read (an empty batch of frames is then refused for what it holds).
        const ok = await fetch(server.url + p, { method, headers: { 'content-type': 'application/json; charset="UTF-8"' }, body: json });
        expect([p, ok.status]).toEqual([p, p.endsWith('/frames') ? 400 : method === 'PUT' ? 200 : 201]);
      }
      expect((await api(server.url, 'GET', '/api/sessions')).body.sessions.filter((x: { title: string }) => x.title === 'x')).toHaveLength(1);
    });

    it('a body whose content-encoding it is not (gzip that is not gzip) is a 400 naming content-encoding, stored nowhere (it named no field)', async () => {
      const id = await newSession();
      // Brotli's errors are not zlib's Z_* ones: an archive's JSON sent as "br" was 400 "Decompression failed", naming nothing.
      for (const [p, type, encoding] of [['/api/sessions', 'application/json', 'gzip'], ['/api/transcripts', 'text/plain', 'deflate'], [`/api/sessions/${id}/transcript`, 'text/plain', 'br'], ['/api/archives', 'application/json', 'br']] as const) {
        const body = p === '/api/sessions' ? '{"title":"zipped"}' : p === '/api/archives' ? '{"format":"buying-signals-archive","version":1}' : 'Ms Chen: how much is it?';
        const res = await fetch(server.url + p, { method: 'POST', headers: { 'content-type': type, 'content-encoding': encoding }, body });
        expect([p, res.status]).toEqual([p, 400]);
        const e = (await res.json()).error;
        expect(e).toMatchObject({ code: 'bad_request', field: 'content-encoding' });
        expect(e.message).toMatch(new RegExp(`^content-encoding: the body is not valid ${encoding} data \\(.+\\); send it encoded as the header says, or without content-encoding$`));
      }
      expect((await api(server.url, 'GET', `/api/sessions/${id}`)).body.utterances).toEqual([]);
      expect((await api(server.url, 'GET', '/api/sessions')).body.sessions.map((x: { title: string }) => x.title)).not.toContain('zipped');
    });

    it('a JSON batch of frames is read as JSON whatever the case of its content type (Application/JSON was read as image bytes: 415 "not JPEG, PNG or WebP")', async () => {
      const id = await newSession();
      const r = await fetch(server.url + `/api/sessions/${id}/frames`, { method: 'POST', headers: { 'content-type': 'Application/JSON' }, body: '{"frames":[]}' });
      expect(r.status).toBe(400);
      expect((await r.json()).error).toMatchObject({ code: 'invalid_input', field: 'frames', message: 'frames: must hold 1-32 frames; it is empty' });
    });

    it('field paths are dotted everywhere (participants.1.name, utterances.0.startMs), as docs/protocol.md says', async () => {
      const dup = await api(server.url, 'POST', '/api/sessions', { participants: [{ name: 'A', role: 'rep' }, { name: 'A', role: 'customer' }] });
      expect(dup.status).toBe(400);
      expect(dup.body.error.field).toBe('participants.1.name');
      expect(dup.body.error.message).toMatch(/^participants\.1\.name: /);
      const up = await api(server.url, 'POST', '/api/transcripts?filename=t.json', undefined, JSON.stringify([{ speaker: 'A', text: 'hi', startMs: '1' }]));
      expect(up.status).toBe(400);
      expect(up.body.error.field).toBe('utterances.0.startMs');
    });

    it('an unknown format name', async () => {
      const id = await newSession();
      const r = await api(server.url, 'POST', `/api/sessions/${id}/transcript?format=docx`, undefined, 'A: hi');
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('query.format');
    });
  });

  it('a session id that is not valid percent-encoding is a 400 naming sessionId (was no field; found by fuzzHttp)', async () => {
    for (const [method, p] of [['GET', '/api/sessions/%E0%A4%A'], ['PUT', '/api/sessions/%/roles'], ['POST', '/api/sessions/%C0%AF/transcript']] as const) {
      const r = await api(server.url, method, p, method === 'PUT' ? { roles: {} } : undefined);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'bad_request', field: 'sessionId', message: expect.stringMatching(/^sessionId: Failed to decode param '%/) });
    }
  });

  it('sends security headers on the page, the API and errors: a CSP without inline script, nosniff, no framing', async () => {
    for (const path of ['/', '/api/health', '/api/nope', '/models/pose/nope.task']) {
      const r = await fetch(server.url + path);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('a Range beyond a served file is a 416 in JSON naming range (it was JSON labelled as the file: text/javascript, application/octet-stream)', async () => {
    const model = ((await (await fetch(server.url + '/models/pose/index.json')).json()) as { models: Array<{ url: string }> }).models[0]!.url;
    for (const p of ['/vendor/tasks-vision/vision_bundle.mjs', model]) {
      for (const range of ['bytes=999999999-', 'bytes=5-1']) {
        const r = await fetch(server.url + p, { headers: { range } });
        expect([p, range, r.status, r.headers.get('content-type')]).toEqual([p, range, 416, 'application/json; charset=utf-8']);
        expect(r.headers.get('content-range')).toMatch(/^bytes \*\/\d+$/);
        expect((await r.json()).error).toEqual({ code: 'range_not_satisfiable', field: 'range', message: `range: "${range}" is not within the file; ask for bytes it has, or send no Range` });
      }
      expect((await fetch(server.url + p, { headers: { range: 'bytes=0-3' } })).status).toBe(206);
    }
  });

  describe('a page on another origin', () => {
    const post = (path: string, headers: Record<string, string>, body = 'A: hi') =>
      fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body });

    it('cannot upload a transcript, even as a "simple" text/plain request that needs no preflight (403, nothing stored)', async () => {
      const before = (await api(server.url, 'GET', '/api/sessions')).body.sessions.length;
      for (const origin of ['http://evil.example', 'null', `${server.url.replace('127.0.0.1', 'localhost')}`]) {
        const r = await post('/api/transcripts?format=text', { origin });
        expect(r.status).toBe(403);
        expect((await r.json()).error).toMatchObject({ code: 'forbidden_origin', field: 'origin' });
      }
      expect((await api(server.url, 'GET', '/api/sessions')).body.sessions.length).toBe(before);
    });

    it('the served client (same origin) and tools without an Origin header can', async () => {
      expect((await post('/api/transcripts?format=text', { origin: server.url })).status).toBe(201);
      expect((await post('/api/transcripts?format=text', {})).status).toBe(201);
    });

    it('can still read what any page may read (GET is not refused)', async () => {
      const r = await fetch(`${server.url}/api/health`, { headers: { origin: 'http://evil.example' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});

