// Coaches' posture labels on the real server (port 0, a real SQLite file, real socket.io, the
// real models) with the seeded demo session's posture track (李女士's landmarks at 5 fps): PUT
// labels at a moment (on her frame nearest it), DELETE a frame's labels, every refusal of
// protocol.md's table, `posture_labelled` to the session's room, the snapshot's postureLabels
// (GET and join), the session list's postureLabelCount, labels kept through role changes and a
// restart, and the JSON Lines export read back row by row.
import fs from 'node:fs';
import path from 'node:path';
import { PostureLabelledEventSchema, PostureLabelsSchema } from '../../protocol/outbound';
import { POSTURE_FRAME_LABELS, type PoseIn, type PostureLabels, type PostureSignal, type SessionSnapshot } from '../../protocol/protocol';
import { DEMO_SESSION_ID, loadDemoMeeting } from '../../server/demo/demo';
import { runPostureEval } from '../../server/signals/posture/evalPosture';
import { api, collect, download, rawRequest, readAnswer, useFileStoreServer, expectRefusals, type RefusalCase } from './harness';

const demo = loadDemoMeeting();
const track = demo.posture!;
const CUSTOMER = track.participant;
const REP = demo.participants.find((p) => p.role === 'rep')!.name;
const id = DEMO_SESSION_ID;
/** The demo's frame at a media time (every 200 ms from 0 to 140,000). */
const demoFrame = (mediaMs: number) => track.frames.find((f) => f.mediaMs === mediaMs)!;

const labelsPath = (session = id) => `/api/sessions/${session}/posture-labels`;
const framePath = (frameId: number | string, session = id) => `/api/sessions/${session}/posture-labels/${frameId}`;
const snapshot = async (session = id) => (await api(suite.server.url, 'GET', `/api/sessions/${session}`)).body as SessionSnapshot;
const suite = useFileStoreServer('bs-posture-labels-', { seedDemo: true });
const put = (body: unknown, session = id) => api(suite.server.url, 'PUT', labelsPath(session), body);
const exported = (p: string) => download(suite.server.url, p);
const rowsOf = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
const listed = async (session = id) => ((await api(suite.server.url, 'GET', '/api/sessions')).body.sessions as { id: string; postureLabelCount: number }[]).find((x) => x.id === session)!.postureLabelCount;

const joined = (session = id) => suite.joined(session);

beforeAll(async () => {
  expect((await snapshot()).session.participants).toEqual(demo.participants);
});

describe('coach posture labels over HTTP and socket.io', () => {
  it('PUT labels the customer\'s frame nearest the time and replaces a frame\'s labels, DELETE removes them; a second socket in the room hears each as posture_labelled', async () => {
    const [a, b] = [(await joined()).socket, (await joined()).socket];
    const heard = [collect(a, 'posture_labelled'), collect(b, 'posture_labelled')];

    suite.clock += 1000;
    const first = await put({ participant: CUSTOMER, mediaMs: 64_230, labels: ['open_palms', 'leaning_forward'], note: '  leans in over the brochure  ' });
    expect(first.status).toBe(200);
    const labels = PostureLabelsSchema.parse(first.body.labels);
    expect(labels).toEqual({ sessionId: id, frameId: expect.any(Number), participant: CUSTOMER, mediaMs: 64_200, labels: ['leaning_forward', 'open_palms'], note: 'leans in over the brochure', labelledAt: suite.clock });
    suite.clock += 1000;
    // 64,100 is as near 64,000 as 64,200: the earlier frame, another one.
    const other = await put({ participant: CUSTOMER, mediaMs: 64_100, labels: ['neutral'] });
    expect(other.body.labels).toMatchObject({ mediaMs: 64_000, labels: ['neutral'], note: null });
    suite.clock += 1000;
    const second = await put({ participant: CUSTOMER, mediaMs: 64_150, labels: ['arms_crossed'], note: '' });
    expect(second.body.labels).toEqual({ ...labels, labels: ['arms_crossed'], note: null, labelledAt: suite.clock });
    expect((await snapshot()).postureLabels).toEqual([other.body.labels, second.body.labels]);

    expect(await api(suite.server.url, 'DELETE', framePath(labels.frameId))).toEqual({ status: 200, body: { removed: true } });
    expect(await api(suite.server.url, 'DELETE', framePath(labels.frameId))).toEqual({ status: 200, body: { removed: false } });
    expect(await api(suite.server.url, 'DELETE', framePath(other.body.labels.frameId))).toEqual({ status: 200, body: { removed: true } });
    const expected = [
      { sessionId: id, frameId: labels.frameId, labels: first.body.labels },
      { sessionId: id, frameId: other.body.labels.frameId, labels: other.body.labels },
      { sessionId: id, frameId: labels.frameId, labels: second.body.labels },
      { sessionId: id, frameId: labels.frameId, labels: null },
      { sessionId: id, frameId: other.body.labels.frameId, labels: null },
    ];
    for (const h of heard) expect(await h.atLeast(5)).toEqual(expected);
    for (const e of heard[0]!.items) PostureLabelledEventSchema.parse(e);
    // Nothing for the DELETE that removed nothing.
    await new Promise((r) => setTimeout(r, 100));
    for (const h of heard) expect(h.items).toHaveLength(5);
    expect((await snapshot()).postureLabels).toEqual([]);
  });

  it('refuses each row of protocol.md\'s table with its status, code and field, storing and sending nothing', async () => {
    const watcher = collect((await joined()).socket, 'posture_labelled');
    // A customer without frames, and a participant with a frame but no role yet.
    const bare = (await api(suite.server.url, 'POST', '/api/sessions', { participants: [{ name: 'Wu', role: 'customer' }] })).body.session.id as string;
    expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/landmarks`, { participant: 'Guest', mediaMs: 1000, poses: demoFrame(1000).poses })).status).toBe(201);
    const ok = { participant: CUSTOMER, mediaMs: 1000, labels: ['neutral'] };
    const del = (frameId: string, session = id) => api(suite.server.url, 'DELETE', framePath(frameId, session));
    const cases: RefusalCase[] = [
      ['unknown session', put(ok, 'nope'), 404, 'not_found', 'sessionId'],
      ['unknown session, bad body', put({ labels: ['nodding'] }, 'nope'), 404, 'not_found', 'sessionId'],
      ['unknown session, a body not JSON', api(suite.server.url, 'PUT', labelsPath('nope'), undefined, JSON.stringify(ok)), 404, 'not_found', 'sessionId'],
      ['malformed session id', put(ok, 'x'.repeat(65)), 400, 'invalid_input', 'sessionId'],
      ['no participant', put({ mediaMs: 1000, labels: ['neutral'] }), 400, 'invalid_input', 'participant', /^participant: is required/],
      ['no mediaMs', put({ participant: CUSTOMER, labels: ['neutral'] }), 400, 'invalid_input', 'mediaMs', /^mediaMs: is required/],
      ['no labels', put({ participant: CUSTOMER, mediaMs: 1000 }), 400, 'invalid_input', 'labels', /^labels: is required/],
      ['no body', api(suite.server.url, 'PUT', labelsPath()), 400, 'invalid_input', 'participant'],
      ['mediaMs over 24 h', put({ ...ok, mediaMs: 86_400_001 }), 400, 'invalid_input', 'mediaMs'],
      ['labels empty', put({ ...ok, labels: [] }), 400, 'invalid_input', 'labels', /at least one posture/],
      ['an unknown label', put({ ...ok, labels: ['neutral', 'slouching'] }), 400, 'invalid_input', 'labels', new RegExp(`^labels: item 1 must be one of ${POSTURE_FRAME_LABELS.map((l) => `"${l}"`).join('.*')}, got "slouching"`)],
      ['nodding', put({ ...ok, labels: ['leaning_forward', 'nodding'] }), 400, 'invalid_input', 'labels', /^labels: a frame cannot show nodding, it is movement over time/],
      ['a label twice', put({ ...ok, labels: ['open_palms', 'open_palms'] }), 400, 'invalid_input', 'labels', /each posture once/],
      ['neutral with a main label', put({ ...ok, labels: ['neutral', 'arms_crossed'] }), 400, 'invalid_input', 'labels', /neutral .* cannot come with/],
      ['labels not a list', put({ ...ok, labels: 'neutral' }), 400, 'invalid_input', 'labels'],
      ['another field', put({ ...ok, frameId: 3 }), 400, 'invalid_input', 'frameId', /unknown field/],
      ['note not a string', put({ ...ok, note: 5 }), 400, 'invalid_input', 'note'],
      ['a participant the session does not have', put({ ...ok, participant: 'Nobody' }), 404, 'not_found', 'participant', /"Nobody" is not a participant of session "demo"/],
      ['a rep', put({ ...ok, participant: REP }), 409, 'not_customer', 'participant', new RegExp(`only customers carry posture signals; "${REP}" has role rep$`)],
      ['no role yet', put({ ...ok, participant: 'Guest' }), 409, 'not_customer', 'participant', /"Guest" has no role yet: assign one first \(PUT \/roles\)/],
      ['no frame within 1,000 ms', put({ ...ok, mediaMs: 141_001 }), 404, 'no_frame', 'mediaMs', /within 1000 ms of 141001 ms; the nearest is at 140000 ms$/],
      ['no frame at all', put({ ...ok, participant: 'Wu' }, bare), 404, 'no_frame', 'mediaMs', /"Wu" has no stored frame in which a person was found/],
      ...['abc', '0', '-1', '1.5', '1e3', '0x10', '07', '1234567890123456'].map((bad): [string, Promise<any>, number, string, string, RegExp] => [
        `DELETE frameId ${bad}`, del(bad), 400, 'invalid_input', 'frameId', /^frameId: must be a positive whole number \(the id of one of the session's labelled frames\)/,
      ]),
      ['DELETE undecodable frameId', del('%E0%A4%A'), 400, 'bad_request', 'frameId'],
      ['DELETE unknown session', del('1', 'nope'), 404, 'not_found', 'sessionId'],
      ['DELETE unknown session, bad frameId', del('abc', 'nope'), 404, 'not_found', 'sessionId'],
      ['a body not JSON', api(suite.server.url, 'PUT', labelsPath(), undefined, JSON.stringify(ok)), 415, 'unsupported_media_type', 'content-type'],
    ];
    await expectRefusals(cases);
    const long = await put({ ...ok, note: 'n'.repeat(501) });
    expect(long).toMatchObject({ status: 400, body: { error: { code: 'invalid_input', field: 'note', limit: 500, actual: 501 } } });

    // Writes from another site's page are refused as every write is.
    const foreignOrigin = { origin: 'http://evil.example', 'content-type': 'application/json' };
    expect((await rawRequest(suite.server, 'PUT', labelsPath(), foreignOrigin, JSON.stringify(ok))).status).toBe(403);
    expect(JSON.parse((await rawRequest(suite.server, 'DELETE', framePath(1), foreignOrigin)).body).error.code).toBe('forbidden_origin');

    expect((await snapshot()).postureLabels).toEqual([]);
    expect((await snapshot(bare)).postureLabels).toEqual([]);
    await expect(listed()).resolves.toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(watcher.items).toEqual([]);
  });

  it('the snapshot carries the labels (GET and join); a role change keeps them but leaves them out of the export and the count, a DELETE still takes them, and a customer again brings them back', async () => {
    suite.clock += 1000;
    const early = (await put({ participant: CUSTOMER, mediaMs: 30_000, labels: ['legs_crossed', 'neutral'], note: '跷着腿' })).body.labels as PostureLabels;
    suite.clock += 1000;
    const late = (await put({ participant: CUSTOMER, mediaMs: 120_090, labels: ['leaning_back', 'arms_crossed'] })).body.labels as PostureLabels;
    suite.clock += 1000;
    const gone = (await put({ participant: CUSTOMER, mediaMs: 90_000, labels: ['sitting_far'] })).body.labels as PostureLabels;
    expect([early.mediaMs, late.mediaMs, gone.mediaMs]).toEqual([30_000, 120_000, 90_000]);
    const all = [early, gone, late];
    expect((await snapshot()).postureLabels).toEqual(all);
    const { socket, snapshot: joinedSnapshot } = await joined();
    expect(joinedSnapshot.postureLabels).toEqual(all);
    await expect(listed()).resolves.toBe(3);

    const roles = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [CUSTOMER]: 'rep' } });
    expect(roles.status).toBe(200);
    expect(roles.body.snapshot.postureLabels).toEqual(all);
    expect((await exported(labelsPath())).text).toBe('');
    await expect(listed()).resolves.toBe(0);
    expect((await put({ participant: CUSTOMER, mediaMs: 30_000, labels: ['neutral'] })).body.error).toMatchObject({ code: 'not_customer', field: 'participant' });
    const heard = collect(socket, 'posture_labelled');
    expect(await api(suite.server.url, 'DELETE', framePath(gone.frameId))).toEqual({ status: 200, body: { removed: true } });
    expect(await heard.atLeast(1)).toEqual([{ sessionId: id, frameId: gone.frameId, labels: null }]);

    const back = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [CUSTOMER]: 'customer' } });
    expect(back.body.snapshot.postureLabels).toEqual([early, late]);
    const again = await api(suite.server.url, 'POST', `/api/sessions/${id}/reanalyse`);
    expect(again.status).toBe(200);
    expect(again.body.snapshot.postureLabels).toEqual([early, late]);
    await expect(listed()).resolves.toBe(2);
  });

  it('exports each labelled frame as an eval posture row: her landmarks in that frame, the coach\'s labels, the signals on then, in media-time order, session by session', async () => {
    const snap = await snapshot();
    const signals = snap.signals.filter((s): s is PostureSignal => s.kind === 'posture');
    const res = await exported(labelsPath());
    expect(res).toMatchObject({ status: 200, type: 'application/x-ndjson; charset=utf-8' });
    // A Chinese title: the session id as the ASCII name, the title itself by RFC 5987.
    expect(res.disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`${snap.session.title.replace(/[/\\:*?"<>|]/g, '_')}-posture-labels.jsonl`)}`);
    expect(res.text.endsWith('\n')).toBe(true);
    const rows = rowsOf(res.text);
    expect(rows.map((r) => r.media_ms)).toEqual([30_000, 120_000]);
    for (const [r, l] of rows.map((x, i) => [x, snap.postureLabels[i]!] as const)) {
      const on = signals.filter((s) => s.participant === CUSTOMER && s.label !== 'nodding' && s.startedMs <= l.mediaMs && (s.endedMs === null || s.endedMs > l.mediaMs));
      expect(r).toEqual({
        landmarks: demoFrame(l.mediaMs).poses[0]!.landmarks, aspect: track.aspect, labels: l.labels,
        model_labels: POSTURE_FRAME_LABELS.filter((x) => on.some((s) => s.label === x)), model_version: suite.server.service.snapshot(id).modelVersions.posture[0] ?? null,
        role: 'customer', session: id, participant: CUSTOMER, frame: l.frameId, media_ms: l.mediaMs, source: 'browser',
        ...(l.note !== null ? { note: l.note } : {}), labelled_at: l.labelledAt,
      });
      expect(r.landmarks).toHaveLength(33);
    }
    expect(Object.keys(rows[0]!)).toEqual(['landmarks', 'aspect', 'labels', 'model_labels', 'model_version', 'role', 'session', 'participant', 'frame', 'media_ms', 'source', 'note', 'labelled_at']);
    expect(rows[0]).toMatchObject({ labels: ['legs_crossed', 'neutral'], note: '跷着腿' });
    expect(rows[1]!.model_version).toMatch(/^posture-/);

    // A later session with two people in a frame and a box a user pointed at: the pointed one's landmarks.
    const later = (await api(suite.server.url, 'POST', '/api/sessions', { title: 'Two in view', participants: [{ name: 'Ana', role: 'customer' }] })).body.session.id as string;
    const shift = (p: PoseIn, dx: number, s: number): PoseIn => ({ landmarks: p.landmarks.map((m) => ({ ...m, x: 0.5 + (m.x - 0.5) * s + dx, y: 0.5 + (m.y - 0.5) * s })) });
    const base = demoFrame(30_000).poses[0]!;
    const [central, aside] = [shift(base, 0, 1), shift(base, 0.3, 0.4)];
    const box = { xMin: 0.65, yMin: 0.25, width: 0.3, height: 0.5 };
    const sent = await api(suite.server.url, 'POST', `/api/sessions/${later}/landmarks`, [
      { participant: 'Ana', mediaMs: 0, poses: [aside, central], aspect: 1.5 },
      { participant: 'Ana', mediaMs: 200, poses: [aside, central], aspect: 1.5, person: box },
      { participant: 'Ana', mediaMs: 400, poses: [aside, central], aspect: 1.5 },
    ]);
    expect(sent.status).toBe(201);
    suite.clock += 1000;
    for (const mediaMs of [0, 400]) expect((await put({ participant: 'Ana', mediaMs, labels: ['neutral'] }, later)).status).toBe(200);
    const laterRes = await exported(labelsPath(later));
    expect(laterRes.disposition).toBe('attachment; filename="Two in view-posture-labels.jsonl"');
    const laterRows = rowsOf(laterRes.text);
    expect(laterRows.map((r) => [r.media_ms, r.landmarks])).toEqual([[0, central.landmarks], [400, aside.landmarks]]);
    expect(laterRows[0]).toMatchObject({ aspect: 1.5, model_labels: [], role: 'customer', participant: 'Ana' });

    const every = await exported('/api/posture-labels');
    expect(every).toMatchObject({ status: 200, type: 'application/x-ndjson; charset=utf-8', disposition: 'attachment; filename="posture-labels.jsonl"' });
    // The demo was created first; the refusals test's sessions hold no labels.
    expect(rowsOf(every.text).map((r) => [r.session, r.media_ms])).toEqual([[id, 30_000], [id, 120_000], [later, 0], [later, 400]]);

    // eval posture --labels reads the file as it is: every row a landmark row, no pose model, gold as the coach gave it.
    const file = path.join(suite.dir, 'posture-labels.jsonl');
    fs.writeFileSync(file, every.text);
    const lines: string[] = [];
    const report = await runPostureEval({ labelsFile: file, poseModelDir: path.join(suite.dir, 'no-pose-model-needed'), out: (l) => lines.push(l) });
    expect(report).toMatchObject({ images: 4, photos: 0, landmarkRows: 4, noPersonShare: 0, dataInTraining: [] });
    expect(report.perLabel.neutral!.support).toBe(3);
    expect(report.perLabel.legs_crossed!.support).toBe(1);
    expect(lines.join('\n')).toContain('on 4 landmark rows');
  });

  it('an export with no labels is an empty 200; an unknown session is a 404', async () => {
    const empty = (await api(suite.server.url, 'POST', '/api/sessions', { title: 'nothing yet' })).body.session.id as string;
    expect(await exported(labelsPath(empty))).toEqual({
      status: 200, type: 'application/x-ndjson; charset=utf-8', disposition: 'attachment; filename="nothing yet-posture-labels.jsonl"', text: '',
    });
    const missing = await readAnswer(await fetch(`${suite.server.url}${labelsPath('nope')}`));
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found', field: 'sessionId' } } });
  });

  it('writes a long export as it reads it (more than a store page of frames, many write chunks): every row whole, in order', async () => {
    const long = (await api(suite.server.url, 'POST', '/api/sessions', { title: 'long', participants: [{ name: 'Ana', role: 'customer' }] })).body.session.id as string;
    const n = 230;
    const frames = Array.from({ length: n }, (_, k) => ({ participant: 'Ana', mediaMs: k * 200, poses: track.frames[k]!.poses, aspect: track.aspect }));
    for (let k = 0; k < n; k += 32) expect((await api(suite.server.url, 'POST', `/api/sessions/${long}/landmarks`, frames.slice(k, k + 32))).status).toBe(201);
    for (let k = 0; k < n; k++) expect((await put({ participant: 'Ana', mediaMs: k * 200, labels: [POSTURE_FRAME_LABELS[k % 7]!], note: `frame ${k}` }, long)).status).toBe(200);
    const res = await exported(labelsPath(long));
    expect(res.text.length).toBeGreaterThan(4 * 64 * 1024);
    const rows = rowsOf(res.text);
    expect(rows.map((r) => r.note)).toEqual(frames.map((_, k) => `frame ${k}`));
    expect(rows.every((r, k) => r.media_ms === k * 200 && r.landmarks.length === 33 && r.labels[0] === POSTURE_FRAME_LABELS[k % 7])).toBe(true);
  });

  it('keeps the labels across a restart on the same file', async () => {
    const before = { snap: await snapshot(), one: (await exported(labelsPath())).text, all: (await exported('/api/posture-labels')).text };
    expect(before.snap.postureLabels).toHaveLength(2);
    await expect(listed()).resolves.toBe(2);
    await suite.restart();
    expect((await snapshot()).postureLabels).toEqual(before.snap.postureLabels);
    expect((await exported(labelsPath())).text).toBe(before.one);
    expect((await exported('/api/posture-labels')).text).toBe(before.all);
    await expect(listed()).resolves.toBe(2);
  });
});
