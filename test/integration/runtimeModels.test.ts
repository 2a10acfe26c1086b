// The running verbal model and thresholds switched while the server runs (PUT /api/settings/
// verbal) end to end: the real server on port 0 with a SQLite file store, a temp model library
// holding a copy of the committed model under another version, live turns over socket.io.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../server/main';
import { addLibraryModel, tempModelsDir } from '../../server/models/library.testkit';
import { VerbalSettingsEventSchema } from '../../protocol/models';
import { api, collect, connectSocket, startTestServer, type TestSocket } from './harness';

const PARTICIPANTS = [
  { name: 'Rep Hu', role: 'rep' },
  { name: 'Ms Tan', role: 'customer' },
];
const NEW = 'verbal-20261201-aaaaaaaa';
const PRICE = 'How much would that be per month?';

function send(socket: TestSocket, sessionId: string, utterance: unknown): Promise<any> {
  return new Promise((resolve) => socket.emit('utterance', { sessionId, utterance } as never, resolve));
}

describe('switching the running verbal model at run time', () => {
  let modelsDir: string;
  let dbDir: string;
  let server: RunningServer;
  let base: string;
  const options = () => ({ dbPath: path.join(dbDir, 'store.db'), modelsDir });
  beforeAll(async () => {
    modelsDir = tempModelsDir();
    addLibraryModel(modelsDir, 'retrained', NEW, { extra: { weight: 2, rows: 12 } });
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-runtime-'));
    server = await startTestServer(options());
    base = (await api(server.url, 'GET', '/api/health')).body.verbalModel;
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
    fs.rmSync(dbDir, { recursive: true, force: true });
  });

  async function liveSession(): Promise<{ id: string; socket: TestSocket }> {
    const id = (await api(server.url, 'POST', '/api/sessions', { participants: PARTICIPANTS })).body.session.id as string;
    const socket = await connectSocket(server.url);
    expect((await new Promise<any>((resolve) => socket.emit('join', { sessionId: id }, resolve))).ok).toBe(true);
    return { id, socket };
  }

  it('lists the library: the base model and the library folder, the base one running', async () => {
    const { status, body } = await api(server.url, 'GET', '/api/models/verbal');
    expect(status).toBe(200);
    expect(body.models.map((m: any) => [m.id, m.version, m.running])).toEqual([
      ['base', base, true],
      ['lib/retrained', NEW, false],
    ]);
    expect(body.models[1].extra).toEqual({ weight: 2, rows: 12, files: ['server:corrections@2026-12-01T07:00:00Z'] });
    const settings = await api(server.url, 'GET', '/api/settings/verbal');
    expect(settings.body).toMatchObject({ model: { id: 'base', version: base, source: 'default' }, thresholds: { values: {}, source: 'default' }, switching: null, history: [] });
  });

  it('refuses a bad request naming the field, as --thresholds does', async () => {
    const put = (body: unknown) => api(server.url, 'PUT', '/api/settings/verbal', body);
    expect((await put({ thresholds: { resistance: 'high' } })).body.error).toMatchObject({ code: 'invalid_input', field: 'thresholds.resistance' });
    expect((await put({ thresholds: { resistance: 2 } })).body.error).toMatchObject({ field: 'thresholds.resistance', limit: 1 });
    expect((await put({ thresholds: { smile: 0.5 } })).body.error).toMatchObject({ field: 'thresholds.smile' });
    // A label JSON can hold but an object cannot: refused by name, not dropped (it answered 200, nothing changed).
    expect((await put({ thresholds: { ['__proto__']: 0.5 } })).body.error).toMatchObject({ code: 'invalid_input', field: 'thresholds.__proto__' });
    expect((await put({ model: 7 })).body.error).toMatchObject({ field: 'model' });
    expect((await put({ model: 'lib/nothing' })).status).toBe(404);
    expect((await put({})).status).toBe(400);
    expect((await put({ model: 'base', colour: 'red' })).body.error).toMatchObject({ field: 'colour' });
  });

  it('switches while a live meeting sends turns: none lost, turns before keep the old version, after it the new; every client hears it', async () => {
    const { id, socket } = await liveSession();
    const watcher = await connectSocket(server.url); // in no room: hears the switch all the same
    const heard = collect(watcher, 'verbal_settings');
    try {
      const acks: any[] = [];
      let switched = false;
      let sentAfterSwitch = 0;
      let i = 0;
      const sending = (async () => {
        while (sentAfterSwitch < 5 && i < 400) {
          const after = switched;
          const ack = await send(socket, id, { speaker: 'Ms Tan', text: `${PRICE} (${i})`, startMs: 1000 * i, endMs: 1000 * i + 800 });
          acks.push({ ack, after });
          i++;
          if (after) sentAfterSwitch++;
        }
      })();
      // A few turns first, then the switch while they go on.
      while (acks.length < 3) await new Promise((r) => setTimeout(r, 5));
      const before = acks.length;
      const t0 = Date.now();
      const put = await api(server.url, "PUT", "/api/settings/verbal", { model: "lib/retrained" });
      // Loaded and warmed aside in well under the time of a few live turns each way (~0.5 s here).
      expect(Date.now() - t0).toBeLessThan(10_000);
      switched = true;
      // Live turns went on while the new model loaded and warmed up.
      const duringSwitch = acks.length - before;
      await sending;
      expect(put.status).toBe(200);
      expect(duringSwitch).toBeGreaterThan(0);
      expect(put.body.model).toMatchObject({ id: 'lib/retrained', version: NEW, source: 'stored' });
      expect(acks.every((a) => a.ack.ok)).toBe(true);
      const snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
      expect(snap.utterances).toHaveLength(acks.length);
      const versionOf = new Map<number, string>(snap.signals.map((s: any) => [s.utteranceId, s.modelVersion]));
      const versions = snap.utterances.map((u: any) => versionOf.get(u.id));
      // Every turn gave a signal; those sent before the switch began came from the old model,
      // those sent after it ended from the new one; never the old after the new.
      expect(versions.filter((v: unknown) => v !== base && v !== NEW)).toEqual([]);
      expect(versions.slice(0, before).every((v: string) => v === base)).toBe(true);
      expect(versions.slice(-5).every((v: string) => v === NEW)).toBe(true);
      expect(versions.lastIndexOf(base)).toBeLessThan(versions.indexOf(NEW));
      expect(snap.modelVersions.verbal).toEqual([NEW, base].sort());
      // Every window, even one in no session: the switch starting, then done.
      const events = await heard.atLeast(2);
      for (const e of events) expect(VerbalSettingsEventSchema.safeParse(e).success).toBe(true);
      expect(events[0]).toMatchObject({ model: { id: 'base' }, switching: { model: { id: 'lib/retrained', version: NEW } } });
      expect(events.at(-1)).toMatchObject({ model: { id: 'lib/retrained', version: NEW }, switching: null });
      const health = (await api(server.url, 'GET', '/api/health')).body;
      expect(health.verbalModel).toBe(NEW);
      expect((await api(server.url, 'GET', '/api/models/verbal')).body.models.find((m: any) => m.running).id).toBe('lib/retrained');
      // Re-analyse makes the session one model's: the running one.
      const re = await api(server.url, 'POST', `/api/sessions/${id}/reanalyse`, {});
      expect(re.status).toBe(200);
      expect(re.body.snapshot.modelVersions.verbal).toEqual([NEW]);
      expect(re.body.snapshot.signals).toHaveLength(acks.length);
    } finally {
      socket.close();
      watcher.close();
    }
  });

  it('applies thresholds to new turns only; stored turns keep their signals', async () => {
    const { id, socket } = await liveSession();
    try {
      expect((await send(socket, id, { speaker: 'Ms Tan', text: PRICE, startMs: 0, endMs: 900 })).ok).toBe(true);
      const all = { price_inquiry: 1, discount_request: 1, purchase_intent: 1, resistance: 1 };
      const put = await api(server.url, 'PUT', '/api/settings/verbal', { thresholds: all });
      expect(put.body.thresholds).toEqual({ values: all, source: 'stored' });
      expect((await api(server.url, 'GET', '/api/health')).body.signalThresholds).toEqual(all);
      expect((await send(socket, id, { speaker: 'Ms Tan', text: PRICE, startMs: 1000, endMs: 1900 })).ok).toBe(true);
      let snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
      expect(snap.utterances).toHaveLength(2);
      expect(snap.signals.map((s: any) => s.utteranceId)).toEqual([snap.utterances[0].id]);
      await api(server.url, 'PUT', '/api/settings/verbal', { thresholds: {} });
      expect((await send(socket, id, { speaker: 'Ms Tan', text: PRICE, startMs: 2000, endMs: 2900 })).ok).toBe(true);
      snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
      expect(snap.signals.map((s: any) => s.utteranceId)).toEqual([snap.utterances[0].id, snap.utterances[2].id]);
    } finally {
      socket.close();
    }
  });

  it('runs one switch at a time: a second meanwhile gets 409 naming the first', async () => {
    const [a, b] = await Promise.all([
      api(server.url, 'PUT', '/api/settings/verbal', { model: 'base' }),
      new Promise((r) => setTimeout(r, 1)).then(() => api(server.url, 'PUT', '/api/settings/verbal', { thresholds: { resistance: 0.5 } })),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe('switch_in_progress');
    expect(b.body.error.message).toContain(`${base} (base)`);
    const settings = (await api(server.url, 'GET', '/api/settings/verbal')).body;
    expect(settings.model.id).toBe('base');
    expect(settings.history.map((h: any) => [h.setting, h.to])).toEqual([
      ['model', { id: 'base', version: base }],
      ['thresholds', {}],
      ['thresholds', { price_inquiry: 1, discount_request: 1, purchase_intent: 1, resistance: 1 }],
      ['model', { id: 'lib/retrained', version: NEW }],
    ]);
  });

  it('keeps the choice across a restart', async () => {
    expect((await api(server.url, 'PUT', '/api/settings/verbal', { model: NEW, thresholds: { resistance: 0.6 } })).status).toBe(200);
    await server.close();
    const lines: string[] = [];
    server = await startTestServer({ ...options(), log: (m) => lines.push(m) });
    const settings = (await api(server.url, 'GET', '/api/settings/verbal')).body;
    expect(settings).toMatchObject({ model: { id: 'lib/retrained', version: NEW, source: 'stored' }, thresholds: { values: { resistance: 0.6 }, source: 'stored' } });
    expect(lines.join('\n')).toMatch(new RegExp(`verbal model: ${NEW} \\(.*retrained\\), the stored choice; signal thresholds: resistance ≥ 0.6, the stored choice`));
  });

  it('a server stopped during a switch stops cleanly: the switch is dropped, nothing stored', async () => {
    const lines: string[] = [];
    await server.close();
    server = await startTestServer({ ...options(), log: (m) => lines.push(m) });
    const put = api(server.url, 'PUT', '/api/settings/verbal', { model: 'base' });
    while (server.verbalSettings.state().switching === null) await new Promise((r) => setImmediate(r));
    await server.close();
    const answer = await put.catch((e: unknown) => ({ status: 0, body: String(e) }));
    // Refused as any request the stopping server did not finish (or the connection went with it).
    expect([0, 503]).toContain(answer.status);
    server = await startTestServer(options());
    expect((await api(server.url, 'GET', '/api/settings/verbal')).body.model).toMatchObject({ id: 'lib/retrained', source: 'stored' });
    expect(lines.filter((l) => /internal|unhandled/i.test(l))).toEqual([]);
  });
});
