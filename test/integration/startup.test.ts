// Starting a second server where one already runs fails at once with a message saying what
// is taken and what to do: the same port, or the same database file on another port.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer } from './harness';
import { DEFAULT_SERVER_OPTIONS } from '../../server/main';
import { isLoopback } from '../../server/http/hosts';

it('refuses a port in use and a database file in use, naming them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-startup-'));
  const dbPath = path.join(dir, 'db.sqlite');
  const first = await startTestServer({ dbPath });
  try {
    await expect(startTestServer({ port: first.port })).rejects.toThrow(
      `port ${first.port} on 127.0.0.1 is in use (another buying-signals server?): stop that one, or choose another with --port (or $PORT)`,
    );
    await expect(startTestServer({ dbPath })).rejects.toThrow(`${dbPath} is in use by another process`);
  } finally {
    await first.close();
  }
  // Free again once the first one stopped.
  const again = await startTestServer({ dbPath, port: first.port });
  await again.close();
  fs.rmSync(dir, { recursive: true, force: true });
}, 20_000);

it('refuses a --host that is no address of this machine, naming the flag (it said only "getaddrinfo ENOTFOUND …")', async () => {
  await expect(startTestServer({ host: 'no-such-host.invalid' })).rejects.toThrow(
    /^--host no-such-host\.invalid: the name does not resolve to an address \((ENOTFOUND|EAI_AGAIN|EAI_FAIL)\); bind to one of this machine's addresses: 127\.0\.0\.1 \(this machine only\), 0\.0\.0\.0 \(the network\)/,
  );
  // 192.0.2.1 is TEST-NET-1: documentation only, no machine's own address.
  await expect(startTestServer({ host: '192.0.2.1' })).rejects.toThrow(/^--host 192\.0\.2\.1: this machine has no such address \(EADDRNOTAVAIL\); /);
}, 20_000);

it('binds to this machine only unless told otherwise, and says so when it is shared on the network', async () => {
  expect(DEFAULT_SERVER_OPTIONS.host).toBe('127.0.0.1');
  expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
  expect(['0.0.0.0', '::', '192.168.1.20', '127.0.0.1.example.com'].some(isLoopback)).toBe(false);
  for (const [host, auth] of [['127.0.0.1', 'auto'], ['0.0.0.0', 'auto'], ['0.0.0.0', 'none']] as const) {
    const log: string[] = [];
    const server = await startTestServer({ host, auth, log: (m) => log.push(m) });
    await server.close();
    const notes = log.filter((m) => m.startsWith('note: bound to'));
    expect(notes).toEqual(auth === 'none' ? [`note: bound to 0.0.0.0 without an access token, so anyone who can reach this machine on port ${server.port} can read and change every session`] : []);
  }
}, 20_000);

it('does not start without its posture model, naming the command that makes it (docs/protocol.md: no answer reports it missing)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-noposture-'));
  try {
    await expect(startTestServer({ postureModelDir: path.join(dir, 'posture') })).rejects.toThrow('npx buying-signals train posture');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 20_000);
