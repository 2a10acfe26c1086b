// Requests Node's HTTP parser refuses before any route (server/http/clientError.ts), on the real
// server: a URL over the header limit is a 431 JSON error naming the limit (it was a bare 431
// with no body), a request that is not HTTP keeps Node's 400, and the server answers after both.
import http from 'node:http';
import net from 'node:net';
import { api, useTestServer } from './harness';

const suite = useTestServer();

/** Sends raw bytes and reads the whole answer until the server closes the connection. */
function raw(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(text));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
  });
}

describe('client errors', () => {
  it('a URL longer than the header limit: 431, JSON naming the url and the limit; the server answers after', async () => {
    const r = await fetch(`${suite.server.url}/api/quality/compare?model=${'m'.repeat(http.maxHeaderSize + 1)}`);
    expect(r.status).toBe(431);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await r.json()).toEqual({
      error: { code: 'too_large', field: 'url', limit: http.maxHeaderSize, message: `the request line and headers are larger than the limit of ${http.maxHeaderSize} bytes (a query string too long?)` },
    });
    expect((await api(suite.server.url, 'GET', '/api/health')).status).toBe(200);
  });

  it('bytes that are not HTTP: Node\'s 400, the connection closed; the server answers after', async () => {
    expect(await raw(suite.server.url, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect((await api(suite.server.url, 'GET', '/api/health')).status).toBe(200);
  });
});
