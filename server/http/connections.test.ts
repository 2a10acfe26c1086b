// A stopping HTTP server is not held open by connections: a bare one (a browser's spare
// connection) and a half-sent request are dropped, a response under way gets its grace period
// and is cut after it, an answered request's keep-alive connection goes at once.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { trackConnections } from './connections';

interface Fixture {
  server: http.Server;
  port: number;
  connections: ReturnType<typeof trackConnections>;
  /** Requests to /slow are answered when this is called. */
  answerSlow: () => void;
}

async function start(): Promise<Fixture> {
  const slow: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('part');
      slow.push(res);
      return;
    }
    res.end('ok');
  });
  const connections = trackConnections(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections, answerSlow: () => slow.splice(0).forEach((r) => r.end('done')) };
}

async function connect(port: number, send?: string): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.on('error', () => {});
  socket.resume();
  if (send !== undefined) socket.write(send);
  return socket;
}

const ended = (socket: net.Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
const closed = (server: http.Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const settle = () => new Promise((r) => setTimeout(r, 50));

test('a connection that sent nothing and one whose request is half sent are dropped at once, so close() resolves', async () => {
  const f = await start();
  const bare = await connect(f.port);
  const half = await connect(f.port, 'GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  await settle();
  expect(f.connections.size).toBe(2);
  // A grace longer than the test's timeout: only the immediate drop can let close() resolve.
  const cancel = f.connections.hangUp(60_000);
  await closed(f.server);
  cancel();
  await Promise.all([ended(bare), ended(half)]);
  await settle();
  expect(f.connections.size).toBe(0);
});

test('a keep-alive connection whose request was answered goes at once; a new connection while stopping is refused', async () => {
  const f = await start();
  const agent = new http.Agent({ keepAlive: true });
  const body = await new Promise<string>((resolve, reject) => {
    http.get({ port: f.port, host: '127.0.0.1', path: '/', agent }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  expect(body).toBe('ok');
  await settle();
  expect(f.connections.size).toBe(1);
  const cancel = f.connections.hangUp(60_000);
  // Still listening (close() not called yet): a connection now is taken and dropped.
  const late = await connect(f.port);
  await ended(late);
  await closed(f.server);
  cancel();
  agent.destroy();
  await settle();
  expect(f.connections.size).toBe(0);
});

test('a response under way may finish within the grace period', async () => {
  const f = await start();
  const got = new Promise<string>((resolve, reject) => {
    http.get({ port: f.port, host: '127.0.0.1', path: '/slow' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  await settle();
  const cancel = f.connections.hangUp(60_000);
  const done = closed(f.server);
  await settle();
  // Not cut: the response was under way when the server began to stop.
  expect(f.connections.size).toBe(1);
  f.answerSlow();
  await expect(got).resolves.toBe('partdone');
  // And its connection is let go once answered (a keep-alive one would otherwise stay idle).
  await done;
  cancel();
  await settle();
  expect(f.connections.size).toBe(0);
});

test('a response still under way when the grace period ends is cut, so close() resolves', async () => {
  const f = await start();
  const got = new Promise<string>((resolve) => {
    http.get({ port: f.port, host: '127.0.0.1', path: '/slow' }, (res) => {
      res.on('data', () => {});
      res.on('error', () => resolve('cut'));
      res.on('close', () => resolve(res.complete ? 'complete' : 'cut'));
    }).on('error', () => resolve('cut'));
  });
  await settle();
  f.connections.hangUp(100);
  await closed(f.server);
  await expect(got).resolves.toBe('cut');
  await settle();
  expect(f.connections.size).toBe(0);
});
