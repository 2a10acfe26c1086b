// Starts the real server (real model, real SQLite, real socket.io) on port 0 for a test.
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol/protocol';
import { startServer, type RunningServer, type ServerOptions } from '../../server/main';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function startTestServer(opts: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', seedDemo: false, log: () => {}, ...opts });
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
