// The running posture model switched while the server runs (PUT /api/settings/posture) end to
// end: the real server on port 0 with a SQLite file store, a temp model library holding a copy of
// the committed posture model under another version, landmarks over HTTP, the event over socket.io.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../server/main';
import { addPostureLibraryModel, tempModelsDir } from '../../server/models/library.testkit';
import { PostureSettingsEventSchema, PostureLibrarySchema, PostureSettingsSchema } from '../../protocol/postureModels';
import { landmarksFromPose } from '../../server/signals/pose/fromLandmarks';
import { ARMS, posture, view } from '../../server/signals/posture/testkit';
import { api, collect, connectSocket, startTestServer } from './harness';

const NEW = 'posture-20261201-aaaaaaaa';
const TWICE = 'posture-20261201-bbbbbbbb';
const PARTICIPANTS = [
  { name: 'Rep', role: 'rep' },
  { name: 'Dana', role: 'customer' },
];
// As test/integration/posture.test.ts: a clear lean back with crossed arms, and upright.
const crossedLeaningBack = () => landmarksFromPose(view(posture(ARMS.crossed, -22), { frameFrom: posture(ARMS.hanging) }));
const upright = () => landmarksFromPose(view(posture(ARMS.hanging), { frameFrom: posture(ARMS.hanging) }));

describe('switching the running posture model at run time', () => {
  let modelsDir: string;
  let dbDir: string;
  let server: RunningServer | undefined;
  let base: string;
  const options = (o: { postureFlag?: boolean } = {}) => ({ dbPath: path.join(dbDir, 'store.db'), modelsDir, ...o });
  beforeAll(async () => {
    modelsDir = tempModelsDir();
    addPostureLibraryModel(modelsDir, 'labelled', NEW, { extra: { weight: 1, rows: 40 } });
    addPostureLibraryModel(modelsDir, 'twice-1', TWICE);
    addPostureLibraryModel(modelsDir, 'twice-2', TWICE);
    const broken = addPostureLibraryModel(modelsDir, 'broken', 'posture-20261201-cccccccc');
    fs.appendFileSync(path.join(broken, 'weights.bin'), Buffer.alloc(8));
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-posture-runtime-'));
    server = await startTestServer(options());
    base = (await api(server.url, 'GET', '/api/health')).body.postureModel;
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
    fs.rmSync(dbDir, { recursive: true, force: true });
  });
  const url = () => server!.url;

  /** Frames of the customer from `from` to `to` ms, every 200 ms, in batches. */
  async function sendFrames(id: string, from: number, to: number, pose: () => unknown) {
    const frames = [];
    for (let t = from; t <= to; t += 200) frames.push({ participant: 'Dana', mediaMs: t, poses: [pose()], aspect: 4 / 3 });
    for (let i = 0; i < frames.length; i += 32) expect((await api(url(), 'POST', `/api/sessions/${id}/landmarks`, frames.slice(i, i + 32))).status).toBe(201);
  }

  it('lists the library: base running, the library folders, the broken one listed (its weights are checked on load)', async () => {
    const { status, body } = await api(url(), 'GET', '/api/models/posture');
    expect(status).toBe(200);
    PostureLibrarySchema.parse(body);
    expect(body.models.map((m: any) => [m.id, m.version, m.running, m.duplicate])).toEqual([
      ['base', base, true, false],
      ['lib/broken', 'posture-20261201-cccccccc', false, false],
      ['lib/labelled', NEW, false, false],
      ['lib/twice-1', TWICE, false, true],
      ['lib/twice-2', TWICE, false, true],
    ]);
    expect(body.models[2].extra).toEqual({ weight: 1, rows: 40, files: ['server:posture-labels@2026-12-01T07:00:00Z'] });
    expect(body.models[0].validation.arms_crossed).toEqual({ f1: expect.any(Number), threshold: expect.any(Number) });
    const settings = await api(url(), 'GET', '/api/settings/posture');
    expect(PostureSettingsSchema.parse(settings.body)).toMatchObject({ model: { id: 'base', version: base, source: 'default' }, switching: null, history: [] });
  });

  it('refuses bad requests naming the field, and each model it cannot run by its code; nothing changes', async () => {
    const put = (body: unknown) => api(url(), 'PUT', '/api/settings/posture', body);
    expect((await put({ model: 7 })).body.error).toMatchObject({ code: 'invalid_input', field: 'model' });
    expect((await put({})).body.error).toMatchObject({ code: 'invalid_input', field: 'model' });
    expect((await put({ model: '' })).body.error).toMatchObject({ field: 'model' });
    expect((await put({ model: 'base', thresholds: {} })).body.error).toMatchObject({ field: 'thresholds' });
    const unknown = await put({ model: 'lib/nothing' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    const ambiguous = await put({ model: TWICE });
    expect([ambiguous.status, ambiguous.body.error.code]).toEqual([409, 'ambiguous_model']);
    const unloadable = await put({ model: 'lib/broken' });
    expect([unloadable.status, unloadable.body.error.code]).toEqual([422, 'model_unloadable']);
    expect((await api(url(), 'GET', '/api/settings/posture')).body).toMatchObject({ model: { id: 'base' }, history: [] });
  });

  it('switches while a meeting runs: frames before keep the old version, frames after it are classified by the new one; every client hears it', async () => {
    const id = (await api(url(), 'POST', '/api/sessions', { participants: PARTICIPANTS })).body.session.id as string;
    const watcher = await connectSocket(url());
    const heard = collect(watcher, 'posture_settings');
    try {
      await sendFrames(id, 0, 2000, upright);
      await sendFrames(id, 2200, 6000, crossedLeaningBack);
      const put = await api(url(), 'PUT', '/api/settings/posture', { model: 'lib/labelled' });
      expect(put.status).toBe(200);
      expect(put.body.model).toMatchObject({ id: 'lib/labelled', version: NEW, source: 'stored' });
      expect((await api(url(), 'GET', '/api/health')).body.postureModel).toBe(NEW);
      // The customer sits up (the postures end), then crosses their arms again: new signals, the new model's.
      await sendFrames(id, 6200, 9000, upright);
      await sendFrames(id, 9200, 13000, crossedLeaningBack);
      const snap = (await api(url(), 'GET', `/api/sessions/${id}`)).body;
      const before = snap.signals.filter((s: any) => s.kind === 'posture' && s.mediaMs <= 6000);
      const after = snap.signals.filter((s: any) => s.kind === 'posture' && s.mediaMs >= 9200);
      expect(before.length).toBeGreaterThan(0);
      expect(after.length).toBeGreaterThan(0);
      expect(before.every((s: any) => s.modelVersion === base)).toBe(true);
      expect(after.every((s: any) => s.modelVersion === NEW)).toBe(true);
      expect(snap.modelVersions.posture).toEqual([NEW, base].sort());
      // Started, then done; each a valid event.
      const events = await heard.atLeast(2);
      for (const e of events) PostureSettingsEventSchema.parse(e);
      expect(events.map((e: any) => [e.switching?.model.id ?? null, e.model.id])).toEqual([
        ['lib/labelled', 'base'],
        [null, 'lib/labelled'],
      ]);
      const settings = (await api(url(), 'GET', '/api/settings/posture')).body;
      expect(settings.history).toEqual([{ id: expect.any(Number), at: expect.any(Number), from: null, to: { id: 'lib/labelled', version: NEW } }]);
    } finally {
      watcher.close();
    }
  });

  it('keeps the choice across a restart; `--posture-model` given wins over it', async () => {
    await server!.close();
    server = await startTestServer(options());
    expect((await api(url(), 'GET', '/api/settings/posture')).body.model).toMatchObject({ id: 'lib/labelled', version: NEW, source: 'stored' });
    expect((await api(url(), 'GET', '/api/health')).body.postureModel).toBe(NEW);
    await server.close();
    server = await startTestServer(options({ postureFlag: true }));
    expect((await api(url(), 'GET', '/api/settings/posture')).body.model).toMatchObject({ id: 'base', version: base, source: 'flag' });
    // The choice is still stored: its history says so.
    expect((await api(url(), 'GET', '/api/settings/posture')).body.history).toHaveLength(1);
  });
});
