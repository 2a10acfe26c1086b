// A server with an access token: every request but the health check needs it (Bearer header or
// the cookie a browser gets from the printed address), and so does the socket.io handshake.
import { rawRequest as request, socketConnects, startTestServer } from './harness';
import type { RunningServer } from '../../server/main';
import { tokenCookie } from '../../server/http/auth';

const TOKEN_COOKIE = tokenCookie('test-token-0123456789abcdef');

const TOKEN = 'test-token-0123456789abcdef';

describe('a server with an access token', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ auth: { token: TOKEN } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses requests without it (or with another), naming the field and how to get in; nothing is stored', async () => {
    const body = JSON.stringify({ participants: [{ name: 'A', role: 'customer' }] });
    const tries: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { cookie: `${TOKEN_COOKIE}=nope` }];
    for (const headers of tries) {
      const correction = '/api/sessions/s_x/utterances/1/correction';
      const review = '/api/sessions/s_x/cues/1/review';
      const postureLabels = '/api/sessions/s_x/posture-labels';
      const comments = '/api/sessions/s_x/comments';
      for (const [method, path] of [
        ['GET', '/'], ['GET', '/api/sessions'], ['GET', '/api/sessions/s_x/transcript'], ['POST', '/api/sessions'], ['PUT', correction], ['DELETE', correction], ['GET', '/api/corrections'],
        ['PUT', review], ['DELETE', '/api/sessions/s_x/cue-reviews?type=resistance&mediaMs=1000'], ['GET', '/api/sessions/s_x/cue-reviews'], ['GET', '/api/cue-reviews'],
        ['PUT', postureLabels], ['DELETE', `${postureLabels}/1`], ['GET', postureLabels], ['GET', '/api/posture-labels'],
        ['POST', comments], ['PUT', `${comments}/1`], ['DELETE', `${comments}/1`], ['GET', '/api/sessions/s_x/review.md'],
        ['GET', '/api/quality'], ['GET', '/api/search?q=%E8%B4%B5'],
        ['GET', '/api/models/verbal'], ['GET', '/api/settings/verbal'], ['PUT', '/api/settings/verbal'],
        ['GET', '/api/models/posture'], ['GET', '/api/settings/posture'], ['PUT', '/api/settings/posture'],
      ] as const) {
        const put = path === '/api/settings/verbal' ? '{"thresholds":{"resistance":0.9}}' : path === '/api/settings/posture' ? '{"model":"base"}' : path === review ? '{"verdict":"useful"}' : path === postureLabels ? '{"participant":"A","mediaMs":0,"labels":["neutral"]}' : path.startsWith(comments) ? '{"mediaMs":0,"text":"x"}' : '{"label":"neutral"}';
        const r = await request(server, method, path, { 'content-type': 'application/json', ...headers }, method === 'POST' ? (path === comments ? put : body) : method === 'PUT' ? put : undefined);
        expect(r.status).toBe(401);
        expect(JSON.parse(r.body).error).toMatchObject({ code: 'unauthorized', field: 'token' });
        expect(JSON.parse(r.body).error.message).toContain('open the address it printed at start (…/?token=…)');
      }
    }
    const list = await request(server, 'GET', '/api/sessions', { authorization: `Bearer ${TOKEN}` });
    expect(JSON.parse(list.body).sessions).toEqual([]);
  });

  it('takes the Bearer header or the cookie; the health check is open', async () => {
    expect((await request(server, 'GET', '/api/sessions', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await request(server, 'GET', '/api/sessions', { cookie: `a=b; ${TOKEN_COOKIE}=${TOKEN}` })).status).toBe(200);
    // Behind a proxy with Basic auth the browser sends Authorization: Basic along with the cookie.
    expect((await request(server, 'GET', '/api/sessions', { authorization: 'Basic dXNlcjpwYXNz', cookie: `${TOKEN_COOKIE}=${TOKEN}` })).status).toBe(200);
    expect((await request(server, 'GET', '/api/health')).status).toBe(200);
  });

  it('turns /?token= into an HttpOnly SameSite cookie and sends the browser on without the token', async () => {
    const r = await request(server, 'GET', `/?lang=zh&token=${TOKEN}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/?lang=zh');
    const cookie = (r.headers['set-cookie'] ?? []).join('\n');
    expect(cookie).toContain(`${TOKEN_COOKIE}=${TOKEN}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await request(server, 'GET', '/?token=not-the-token-0123456')).status).toBe(401);
  });

  it('sends the browser on to a path of its own only: a path that would read as another host (//evil.example) is no open redirect', async () => {
    for (const path of ['/.//evil.example/x', '/./\\evil.example/x', '//evil.example/x', '/\\evil.example']) {
      const r = await request(server, 'GET', `${path}?token=${TOKEN}`);
      expect(r.status).toBe(303);
      const location = r.headers.location ?? '';
      // A Location starting with // or /\ is protocol-relative: the browser would leave for evil.example.
      expect(location).toMatch(/^\/(?![\/\\])/);
      expect(new URL(location, 'http://127.0.0.1:3000').host).toBe('127.0.0.1:3000');
    }
  });

  it('refuses a socket.io connection without it, takes one with the cookie or the header', async () => {
    expect(await socketConnects(server, {})).toBe(false);
    expect(await socketConnects(server, { cookie: `${TOKEN_COOKIE}=wrong` })).toBe(false);
    expect(await socketConnects(server, { cookie: `${TOKEN_COOKIE}=${TOKEN}` })).toBe(true);
    expect(await socketConnects(server, { authorization: `Bearer ${TOKEN}` })).toBe(true);
    expect(await socketConnects(server, { authorization: 'Basic dXNlcjpwYXNz', cookie: `${TOKEN_COOKIE}=${TOKEN}` })).toBe(true);
  });
});

it('bound to the network, a server makes a token of its own unless told not to; on loopback it asks for none', async () => {
  const shared = await startTestServer({ host: '0.0.0.0' });
  try {
    expect(shared.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await request(shared, 'GET', '/api/sessions')).status).toBe(401);
    expect((await request(shared, 'GET', '/api/sessions', { authorization: `Bearer ${shared.token}` })).status).toBe(200);
  } finally {
    await shared.close();
  }
  const open = await startTestServer({ host: '0.0.0.0', auth: 'none' });
  const local = await startTestServer();
  try {
    expect(open.token).toBeUndefined();
    expect(local.token).toBeUndefined();
    expect((await request(open, 'GET', '/api/sessions')).status).toBe(200);
    expect((await request(local, 'GET', '/api/sessions')).status).toBe(200);
  } finally {
    await open.close();
    await local.close();
  }
  await expect(startTestServer({ auth: { token: 'short' } })).rejects.toThrow('the token must be 16 to 256 characters long, got 5');
}, 20_000);
