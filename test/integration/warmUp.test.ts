// The start-up warm-up plays turns through a scratch copy of the server: it must run the whole
// live path (turns acked, signals and cues published), leave nothing in the real store, and
// leave the real server working.
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { initTf } from '../../server/runtime/backend';
import { warmUp, MAX_WARM_UP_TURNS } from '../../server/runtime/warmUp';
import { loadVerbalClassifier } from '../../server/signals/verbal/model';
import { loadPostureClassifier } from '../../server/signals/posture/model';
import { loadDemoMeeting } from '../../server/demo/demo';
import { projectPath } from '../../server/paths';
import { api, collect, connectSocket, startTestServer } from './harness';

describe('warmUp', () => {
  const deps = () => ({
    classifier: loadVerbalClassifier({ modelDir: projectPath('models', 'verbal') }),
    posture: loadPostureClassifier({ modelDir: projectPath('models', 'posture') }),
    demo: loadDemoMeeting(),
    now: () => 1_700_000_000_000,
  });

  beforeAll(async () => {
    await initTf();
  });

  it('plays exactly the turns asked for, with landmark frames, and the classifiers and cue engine run', async () => {
    const d = deps();
    try {
      const r = await warmUp(d, { turns: 60, sessions: 4 });
      expect(r.turns).toBe(60);
      expect(r.frames).toBe(60);
      // Half the script's turns are the customer's, most of them signals; cues follow the price and intent turns.
      expect(r.signals).toBeGreaterThan(10);
      expect(r.cues).toBeGreaterThan(0);
    } finally {
      d.classifier.dispose();
      d.posture.dispose();
    }
  }, 30_000);

  it('stops when its signal aborts and says so', async () => {
    const d = deps();
    try {
      const none = await warmUp(d, { turns: 100, sessions: 2, signal: AbortSignal.abort() });
      expect(none).toMatchObject({ turns: 0, stopped: true });
      const cut = await warmUp(d, { turns: 20_000, sessions: 2, signal: AbortSignal.timeout(300) });
      expect(cut.stopped).toBe(true);
      expect(cut.turns).toBeGreaterThan(0);
      expect(cut.turns).toBeLessThan(20_000);
      expect(await warmUp(d, { turns: 10, sessions: 2 })).toMatchObject({ turns: 10, stopped: false });
    } finally {
      d.classifier.dispose();
      d.posture.dispose();
    }
  }, 30_000);

  it('refuses a turn count out of range, naming the limit, and does nothing for 0', async () => {
    const d = deps();
    try {
      await expect(warmUp(d, { turns: -1, sessions: 1 })).rejects.toThrow(`warm-up turns must be a whole number from 0 to ${MAX_WARM_UP_TURNS}, got -1`);
      await expect(warmUp(d, { turns: MAX_WARM_UP_TURNS + 1, sessions: 1 })).rejects.toThrow(`from 0 to ${MAX_WARM_UP_TURNS}`);
      await expect(warmUp(d, { turns: 10, sessions: 0 })).rejects.toThrow('warm-up sessions must be a whole number ≥ 1, got 0');
      expect(await warmUp(d, { turns: 0, sessions: 1 })).toMatchObject({ turns: 0, frames: 0, signals: 0, cues: 0 });
    } finally {
      d.classifier.dispose();
      d.posture.dispose();
    }
  });
});

it('a server that warmed up stores none of the warm-up and serves the first live turn', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-warmup-'));
  const dbPath = path.join(dir, 'db.sqlite');
  const log: string[] = [];
  const server = await startTestServer({ dbPath, warmUp: { turns: 40, sessions: 2 }, log: (m) => log.push(m) });
  try {
    expect(log.some((m) => /^warmed up the live path with 40 turns and 40 landmark frames in \d+\.\d s$/.test(m))).toBe(true);
    expect((await api(server.url, 'GET', '/api/sessions')).body.sessions).toEqual([]);
    const created = await api(server.url, 'POST', '/api/sessions', {
      participants: [
        { name: 'Ann', role: 'rep' },
        { name: 'Bo', role: 'customer' },
      ],
    });
    const sessionId = created.body.session.id as string;
    const socket = await connectSocket(server.url);
    try {
      const cues = collect(socket, 'cue');
      expect(await socket.emitWithAck('join', { sessionId })).toMatchObject({ ok: true });
      const ack = await socket.emitWithAck('utterance', { sessionId, utterance: { speaker: 'Bo', text: 'How much would the yearly plan cost us?', startMs: 0, endMs: 2000 } });
      expect(ack).toMatchObject({ ok: true, utterance: { seq: 1 } });
      expect((await cues.atLeast(1)).map((c) => c.type)).toEqual(['closing_moment']);
    } finally {
      socket.disconnect();
    }
    const sessions = (await api(server.url, 'GET', '/api/sessions')).body.sessions as { id: string }[];
    expect(sessions.map((s) => s.id)).toEqual([sessionId]);
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

it('a failed warm-up leaves a working server and a warning', async () => {
  const log: string[] = [];
  const server = await startTestServer({ warmUp: { turns: 10, sessions: 0 }, log: (m) => log.push(m) });
  try {
    expect(log).toContain('warning: the start-up warm-up failed, so the first meeting runs on a cold live path: warm-up sessions must be a whole number ≥ 1, got 0');
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  } finally {
    await server.close();
  }
});

it('takes its port before warming up: a port in use fails before any warm-up, and meanwhile requests get 503 starting', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  const port = (blocker.address() as AddressInfo).port;
  const log: string[] = [];
  await expect(startTestServer({ port, warmUp: { turns: 20_000, sessions: 10 }, log: (m) => log.push(m) })).rejects.toThrow(`port ${port} on 127.0.0.1 is in use`);
  expect(log.filter((m) => m.includes('warm'))).toEqual([]);
  await new Promise<void>((resolve) => blocker.close(() => resolve()));

  // The port is free now: while this server warms up, the port answers 503 `starting`.
  const starting = startTestServer({ port, warmUp: { turns: 4000, sessions: 10 }, log: () => {} });
  let early: { status: number; body: any } | undefined;
  for (let i = 0; i < 200 && !early; i++) {
    try {
      early = await api(`http://127.0.0.1:${port}`, 'GET', '/api/health');
    } catch {
      await new Promise((r) => setTimeout(r, 10)); // not listening yet
    }
  }
  // A browser opening the page meanwhile gets a page that reloads itself.
  const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
  const pageText = await page.text();
  const server = await starting;
  try {
    expect(early).toMatchObject({ status: 503, body: { error: { code: 'starting' } } });
    expect(page.status).toBe(503);
    expect(pageText).toContain('<meta http-equiv="refresh" content="2">');
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  } finally {
    await server.close();
  }
}, 60_000);
