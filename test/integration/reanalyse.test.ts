// POST /api/sessions/:id/reanalyse: a session stored under one verbal model, read by a server
// started with another (`serve --model DIR`), is mixed until re-analysed; then every signal and
// cue is the new model's, its turns untouched. Real server on port 0, real SQLite file, the
// committed model and a copy of it with one weight nudged (so another version id).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeNudgedVerbalModel } from '../../server/signals/verbal/nudged.testkit';
import { loadDemoMeeting } from '../../server/demo/demo';
import type { RunningServer } from '../../server/main';
import { api, collect, connectSocket, startTestServer, type TestSocket } from './harness';

/** Customer turns that give signals (price, discount, intent). */
const TURNS = [
  { speaker: 'Ada', text: 'So this is the plan we would propose for your team.', startMs: 1000 },
  { speaker: 'Li', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 5000 },
  { speaker: 'Li', text: 'Could you give us a discount if we sign for two years?', startMs: 9000 },
  { speaker: 'Li', text: "That sounds good, let's go ahead with it.", startMs: 13000 },
];

/** A second verbal model: the committed one with one output bias nudged, under its own version id. */
const otherModel = (dir: string): string => writeNudgedVerbalModel(path.join(dir, 'verbal-b'), { neutral: 1e-3 });

function send(socket: TestSocket, sessionId: string, utterance: object): Promise<any> {
  return new Promise((resolve) => socket.emit('utterance', { sessionId, utterance } as never, resolve));
}

type Snap = { utterances: { id: number; seq: number; text: string }[]; signals: { modelVersion: string; kind: string; utteranceId?: number }[]; cues: { modelVersion: string }[]; modelVersions: { verbal: string[]; posture: string[]; thresholds: unknown[] } };
const turnsOf = (s: Snap) => s.utterances.map(({ id, seq, text }) => ({ id, seq, text }));

describe('POST /api/sessions/:id/reanalyse', () => {
  let dir: string;
  let server: RunningServer | undefined;
  const sockets: TestSocket[] = [];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-reanalyse-'));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives a session stored under one model the current model\'s signals and cues, keeping its turns; a live turn meanwhile is kept', async () => {
    const dbPath = path.join(dir, 'db.sqlite');
    const modelB = otherModel(dir);

    // Stored under the committed model.
    server = await startTestServer({ dbPath });
    const vA = server.service.modelVersion;
    const id = (await api(server.url, 'POST', '/api/sessions', { participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] })).body.session.id as string;
    expect((await api(server.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: TURNS }))).status).toBe(201);
    const snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body as Snap;
    expect(snap.signals.length).toBeGreaterThanOrEqual(2);
    expect(snap.cues.length).toBeGreaterThanOrEqual(1);
    expect(snap.modelVersions).toEqual({ verbal: [vA], posture: [], thresholds: [{}] });
    await server.close();

    // The analyst's retrained model: stored signals keep theirs, a new turn gets the new one.
    server = await startTestServer({ dbPath, modelDir: modelB });
    const { service } = server;
    const vB = service.modelVersion;
    expect(vB).not.toBe(vA);
    const socket = await connectSocket(server.url);
    sockets.push(socket);
    expect(await send(socket, id, { speaker: 'Li', text: 'What would the price be per seat?', startMs: 20_000 })).toMatchObject({ ok: true });
    const before = (await api(server.url, 'GET', `/api/sessions/${id}`)).body as Snap;
    expect(before.modelVersions.verbal).toEqual([vA, vB].sort());
    expect(before.signals.some((s) => s.modelVersion === vA)).toBe(true);

    // A long posture track for Li (stored in process to save time), so the re-analysis runs
    // over many slices and a live turn can come while it is under way.
    const { aspect, frames } = loadDemoMeeting().posture!;
    for (let lap = 0; lap < 3; lap++) {
      for (let i = 0; i < frames.length; i += 32) {
        service.addLandmarksBatch(id, frames.slice(i, i + 32).map((f) => ({ participant: 'Li', mediaMs: 100_000 + lap * 1_000_000 + f.mediaMs, poses: f.poses, aspect })), 'browser');
      }
    }
    const mid = (await api(server.url, 'GET', `/api/sessions/${id}`)).body as Snap;
    const vP = mid.modelVersions.posture;
    expect(vP).toHaveLength(1);

    const watcher = await connectSocket(server.url);
    sockets.push(watcher);
    expect(await new Promise<any>((resolve) => watcher.emit('join', { sessionId: id }, resolve))).toMatchObject({ ok: true });
    const replaced = collect(watcher, 'reanalysed');

    let answered = false;
    const post = api(server.url, 'POST', `/api/sessions/${id}/reanalyse`).then((r) => ((answered = true), r));
    while (!service.reanalysing(id) && !answered) await new Promise((r) => setImmediate(r));
    const late = await send(socket, id, { speaker: 'Li', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 5_000_000 });
    expect(late).toMatchObject({ ok: true, utterance: { role: 'customer' } });
    expect(service.reanalysing(id)).toBe(true);
    expect(answered).toBe(false);

    const r = await post;
    expect(r.status).toBe(200);
    expect(r.body.previous).toEqual({ verbal: [vA, vB].sort(), posture: vP, thresholds: [{}] });
    const after = r.body.snapshot as Snap;
    expect(after.modelVersions).toEqual({ verbal: [vB], posture: vP, thresholds: [{}] });
    expect(after.signals.filter((s) => s.kind === 'verbal').every((s) => s.modelVersion === vB)).toBe(true);
    expect(after.signals.filter((s) => s.kind === 'posture').every((s) => s.modelVersion === vP[0])).toBe(true);
    expect(after.cues.length).toBeGreaterThanOrEqual(1);
    expect(after.cues.every((c) => c.modelVersion.split('+').every((v) => v === vB || v === vP[0]))).toBe(true);
    expect(after.cues.some((c) => c.modelVersion.split('+').includes(vB))).toBe(true);
    // The turns are those stored, and the one that came meanwhile, analysed by the new model.
    expect(turnsOf(after)).toEqual([...turnsOf(before), { id: late.utterance.id, seq: late.utterance.seq, text: late.utterance.text }]);
    expect(after.signals.find((s) => s.utteranceId === late.utterance.id)).toMatchObject({ modelVersion: vB, label: 'price_inquiry' });
    expect(await replaced.atLeast(1)).toEqual([{ sessionId: id }]);
    expect((await api(server.url, 'GET', `/api/sessions/${id}`)).body).toEqual(after);
  });

  it('is 404 for an unknown session, refuses a body other than {}, and answers a session with nothing to analyse unchanged', async () => {
    server ??= await startTestServer();
    expect(await api(server.url, 'POST', '/api/sessions/nope/reanalyse')).toMatchObject({ status: 404, body: { error: { code: 'not_found', field: 'sessionId' } } });
    const id = (await api(server.url, 'POST', '/api/sessions', { title: 'empty', participants: [{ name: 'Li', role: 'customer' }] })).body.session.id as string;
    expect((await api(server.url, 'POST', `/api/sessions/${id}/reanalyse`, { force: true })).status).toBe(400);
    const snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body as Snap;
    expect(snap.modelVersions).toEqual({ verbal: [], posture: [], thresholds: [] });
    const r = await api(server.url, 'POST', `/api/sessions/${id}/reanalyse`, {});
    expect(r).toMatchObject({ status: 200, body: { previous: { verbal: [], posture: [] } } });
    expect(r.body.snapshot).toEqual(snap);
  });
});
