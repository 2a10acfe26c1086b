// A server bound to this machine refuses requests and socket.io connections that address it by
// another name (what a page using DNS rebinding sends), and takes the names it is told to.
import { rawRequest, socketConnects, startTestServer } from './harness';
import type { RunningServer } from '../../server/main';

/** GET with a Host header of our choosing. */
const get = (server: RunningServer, path: string, host: string) => rawRequest(server, 'GET', path, { host });
const connectsAs = (server: RunningServer, host: string) => socketConnects(server, { host });

describe('a server bound to 127.0.0.1', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ allowedHosts: ['sales.example.com'] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses HTTP requests that name another host, with a message naming the field and the names it answers to', async () => {
    for (const path of ['/api/health', '/', '/api/sessions']) {
      const r = await get(server, path, `evil.example:${server.port}`);
      expect(r.status).toBe(403);
      const err = JSON.parse(r.body).error;
      expect(err).toMatchObject({ code: 'forbidden_host', field: 'host' });
      expect(err.message).toContain('does not answer to the name "evil.example:');
      expect(err.message).toContain('only to localhost, 127.0.0.1, [::1], sales.example.com');
    }
  });

  it('answers to localhost, 127.0.0.1, [::1] and the allowed name', async () => {
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, 'sales.example.com']) {
      expect((await get(server, '/api/health', host)).status).toBe(200);
    }
  });

  it("says why a socket.io handshake was refused (the polling transport's 403 body)", async () => {
    const r = await get(server, '/socket.io/?EIO=4&transport=polling', `evil.example:${server.port}`);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).message).toBe(`host: this server does not answer to the name "evil.example:${server.port}"`);
  });

  it('refuses a socket.io connection that names another host, takes one that names this machine', async () => {
    expect(await connectsAs(server, `evil.example:${server.port}`)).toBe(false);
    expect(await connectsAs(server, `localhost:${server.port}`)).toBe(true);
  });
});

it('a server bound to the network answers to any name', async () => {
  const server = await startTestServer({ host: '0.0.0.0', auth: 'none' });
  try {
    expect((await get(server, '/api/health', 'buying-signals.lan:3000')).status).toBe(200);
    expect(await connectsAs(server, 'buying-signals.lan')).toBe(true);
  } finally {
    await server.close();
  }
});

it('prints an IPv6 address in brackets, a URL that works', async () => {
  let server: RunningServer;
  try {
    server = await startTestServer({ host: '::1' });
  } catch (err) {
    // No IPv6 loopback on this machine: nothing to check.
    if ((err as { code?: string }).code === 'EADDRNOTAVAIL' || (err as { code?: string }).code === 'EAFNOSUPPORT') return;
    throw err;
  }
  try {
    expect(server.url).toBe(`http://[::1]:${server.port}`);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  } finally {
    await server.close();
  }
});
