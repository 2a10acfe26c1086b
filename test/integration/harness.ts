// Starts the real server (real model, real SQLite, real socket.io) on port 0 for a test.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SessionSnapshot } from '../../protocol/protocol';
import { startServer, type RunningServer, type ServerOptions } from '../../server/main';
import { loadDemoMeeting } from '../../server/demo/demo';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The model library a test server uses unless the test gives one: never the project's data/models,
 * whose unfinished training folders a starting server removes (a real server's job among them).
 */
export const TEST_MODELS_DIR = path.join(os.tmpdir(), `bs-test-models-${process.pid}`);

export async function startTestServer(opts: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', seedDemo: false, modelsDir: TEST_MODELS_DIR, log: () => {}, ...opts });
}

export async function connectSocket(url: string): Promise<TestSocket> {
  const socket: TestSocket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export async function api(base: string, method: string, path: string, body?: unknown, raw?: Buffer | string) {
  const res = await fetch(base + path, {
    method,
    headers: raw !== undefined ? { 'content-type': 'application/octet-stream' } : body !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw !== undefined ? (typeof raw === "string" ? raw : new Uint8Array(raw)) : body !== undefined ? JSON.stringify(body) : null,
  });
  return readAnswer(res);
}

/** An answer's status and body: its JSON, or its text where it is not JSON. */
export async function readAnswer(res: Response): Promise<{ status: number; body: any }> {
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

/** Collects server events of one kind until `count` have arrived or the wait ends. */
/** A GET of a download route: the status, content type, Content-Disposition and the body as text. */
export async function download(base: string, path: string): Promise<{ status: number; type: string | null; disposition: string | null; text: string }> {
  const res = await fetch(base + path);
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() };
}

export function collect<K extends keyof ServerToClientEvents>(socket: TestSocket, event: K) {
  const items: Parameters<ServerToClientEvents[K]>[0][] = [];
  (socket.on as (e: string, fn: (x: unknown) => void) => void)(event, (x) => items.push(x as never));
  return {
    items,
    async atLeast(n: number, timeoutMs = 5000) {
      const t0 = Date.now();
      while (items.length < n && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 10));
      return items;
    },
  };
}

/** A request to the server on 127.0.0.1 with any headers (fetch does not let a caller set Host). */
export function rawRequest(
  server: RunningServer,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether a socket.io connection (websocket) with these extra headers is accepted. */
export function socketConnects(server: RunningServer, headers: Record<string, string>): Promise<boolean> {
  const socket = connect(`http://127.0.0.1:${server.port}`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: headers });
  return new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  }).finally(() => socket.disconnect());
}

/**
 * A suite's real server (started before its tests, closed after them, with the sockets its
 * tests opened with `client()`). Read `server` inside the tests.
 */
export function useTestServer(opts: Partial<ServerOptions> = {}): { readonly server: RunningServer; client(): Promise<TestSocket> } {
  const sockets: TestSocket[] = [];
  const suite = {
    server: undefined as unknown as RunningServer,
    async client() {
      const s = await connectSocket(suite.server.url);
      sockets.push(s);
      return s;
    },
  };
  beforeAll(async () => {
    suite.server = await startTestServer(opts);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await suite.server?.close();
  });
  return suite;
}

/** A suite's real server on a real SQLite file (see useFileStoreServer). */
export interface FileStoreSuite {
  /** The running server; restart() replaces it. */
  readonly server: RunningServer;
  /** The suite's temporary folder, holding the store file (removed after the suite). */
  readonly dir: string;
  /** What the server's clock reads (ms): advance it to tell one write's time from the next. */
  clock: number;
  /** Closes the server and the sockets joined so far, and starts another on the same store file. */
  restart(): Promise<void>;
  /** A socket in the session's room (closed after the suite), with the snapshot its join answered. */
  joined(sessionId: string): Promise<{ socket: TestSocket; snapshot: SessionSnapshot }>;
}

/**
 * The real server on a SQLite file in a fresh temporary folder, started before the suite's tests
 * and closed (folder removed) after them, restartable on the same file, with a clock the suite
 * sets: what the coach-feedback suites (labels, cue reviews, posture labels) share.
 */
export function useFileStoreServer(prefix: string, opts: Partial<ServerOptions> = {}): FileStoreSuite {
  const sockets: TestSocket[] = [];
  let dbPath = '';
  const start = () => startTestServer({ ...opts, dbPath, now: () => suite.clock });
  const suite = {
    server: undefined as unknown as RunningServer,
    dir: '',
    clock: 1_700_000_000_000,
    async restart() {
      sockets.splice(0).forEach((s) => s.close());
      await suite.server.close();
      suite.server = await start();
    },
    async joined(sessionId: string) {
      const socket = await connectSocket(suite.server.url);
      sockets.push(socket);
      const ack = await new Promise<any>((resolve) => socket.emit('join', { sessionId }, resolve));
      if (!ack?.ok) throw new Error(`join ${sessionId} was refused: ${JSON.stringify(ack)}`);
      return { socket, snapshot: ack.snapshot as SessionSnapshot };
    },
  };
  beforeAll(async () => {
    suite.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dbPath = path.join(suite.dir, 'db.sqlite');
    suite.server = await start();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await suite.server?.close();
    if (suite.dir) fs.rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}

/** One refusal a suite expects: what it is, the answer, its status, error code and field, and the message's gist. */
export type RefusalCase = [what: string, answer: Promise<{ status: number; body: any }>, status: number, code: string, field: string, message?: RegExp];

/** Checks each answer is the refusal expected; a failure names the case. */
export async function expectRefusals(cases: readonly RefusalCase[]): Promise<void> {
  for (const [what, answer, status, code, field, message] of cases) {
    const r = await answer;
    try {
      expect(r.status).toBe(status);
      expect(r.body.error).toMatchObject({ code, field });
      if (message) expect(r.body.error.message).toMatch(message);
    } catch (err) {
      (err as Error).message = `${what}: ${(err as Error).message}`;
      throw err;
    }
  }
}

/**
 * Makes a session whose role change is still running when this returns: three laps of the demo's
 * posture track given as a rep's, then `PUT /roles` making that participant the customer (a
 * re-analysis of every frame). `frames`: how many it stored; `put`: the role change's answer.
 */
export async function startLongRoleChange(server: RunningServer): Promise<{ id: string; participant: string; frames: number; put: Promise<{ status: number; body: any }> }> {
  const { participant, aspect, frames } = loadDemoMeeting().posture!;
  const id = server.service.createSession({ title: 'long', participants: [{ name: participant, role: 'rep' }] }).id;
  for (let lap = 0; lap < 3; lap++) {
    for (let i = 0; i < frames.length; i += 32) {
      server.service.addLandmarksBatch(id, frames.slice(i, i + 32).map((f) => ({ participant, mediaMs: lap * 1_000_000 + f.mediaMs, poses: f.poses, aspect })), 'browser');
    }
  }
  const put = api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [participant]: 'customer' } });
  while (!server.service.reanalysing(id)) await new Promise((r) => setImmediate(r));
  return { id, participant, frames: frames.length * 3, put };
}

/** Emits an event with an ack and waits for the ack (none within 5 s fails the test). */
export function emitAck<T = any>(socket: TestSocket, event: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack to "${event}" within 5 s`)), 5000);
    (socket.emit as (e: string, ...a: unknown[]) => void)(event, ...args, (res: T) => {
      clearTimeout(timer);
      resolve(res);
    });
  });
}

/** Connects sockets to the server at `url()` for a test file and closes them all after it. */
export function useSockets(url: () => string): () => Promise<TestSocket> {
  const opened: TestSocket[] = [];
  afterAll(() => opened.forEach((s) => s.close()));
  return async () => {
    const s = await connectSocket(url());
    opened.push(s);
    return s;
  };
}

/** Waits until `check` holds, asking every 50 ms; fails naming `what` after `timeoutMs` (a training job's tests). */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The job a training route's GET answers once it has ended (done, failed or cancelled), read with `read`. */
export async function jobEnded<J extends { state: string }>(read: () => Promise<J | null>): Promise<J> {
  await until('the job to end', async () => !['queued', 'running'].includes((await read())?.state ?? 'done'));
  return (await read())!;
}
