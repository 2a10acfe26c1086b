// The 51st participant is refused with the limit and the count (and, in an upload, the line
// that brings them), like the other limit errors: over real HTTP and socket.io on port 0.
import sharp from 'sharp';
import { api, useTestServer, type TestSocket } from './harness';

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}: hello ${i}`).join('\n') + '\n';

function send(socket: TestSocket, sessionId: string, utterance: unknown): Promise<any> {
  return new Promise((resolve) => socket.emit('utterance', { sessionId, utterance } as never, resolve));
}

describe('the participant limit', () => {
  const suite = useTestServer();

  it('an upload with 51 speakers names the limit, the count and the line of the first speaker over it', async () => {
    const r = await api(suite.server.url, 'POST', '/api/transcripts?filename=51.txt', undefined, lines('P', 51));
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({
      code: 'invalid_input',
      field: 'speaker',
      line: 51,
      limit: 50,
      actual: 51,
      message: 'line 51: speaker "P50" would be participant 51; the session would have 51 participants; the limit is 50',
    });
  });

  it('a second 30-speaker file into a 30-participant session: the line of the 21st new speaker, and the count it would reach', async () => {
    const first = await api(suite.server.url, 'POST', '/api/transcripts?filename=30a.txt', undefined, lines('P', 30));
    expect(first.status).toBe(201);
    const id = first.body.session.id as string;
    const r = await api(suite.server.url, 'POST', `/api/sessions/${id}/transcript?filename=30b.txt`, undefined, lines('Q', 30));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_input', field: 'speaker', line: 21, limit: 50, actual: 60 });
    expect(r.body.error.message).toBe('line 21: speaker "Q20" would be participant 51; the session would have 60 participants; the limit is 50');
  });

  it('a JSON upload names the utterance (no line)', async () => {
    const utterances = Array.from({ length: 51 }, (_, i) => ({ speaker: `P${i}`, text: 'hello', startMs: i * 1000 }));
    const r = await api(suite.server.url, 'POST', '/api/transcripts?format=json', undefined, JSON.stringify({ utterances }));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_input', field: 'utterances.50.speaker', limit: 50, actual: 51 });
    expect(r.body.error.line).toBeUndefined();
    expect(r.body.error.message).toMatch(/^utterances\.50: speaker "P50" would be participant 51/);
  });

  it('a live turn and PUT /roles carry the limit and the count too', async () => {
    const participants = Array.from({ length: 50 }, (_, i) => ({ name: `guest ${i}`, role: 'rep' }));
    const id = (await api(suite.server.url, 'POST', '/api/sessions', { participants })).body.session.id as string;
    const socket = await suite.client();
    const ack = await send(socket, id, { speaker: 'one too many', text: 'hi', startMs: 0 });
    expect(ack).toEqual({
      ok: false,
      error: { code: 'invalid_input', field: 'utterance.speaker', limit: 50, actual: 51, message: 'session would have 51 participants; the limit is 50' },
    });
    const roles = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { a: 'rep', b: 'rep' } });
    expect(roles.body.error).toEqual({ code: 'invalid_input', field: 'roles', limit: 50, actual: 52, message: 'session would have 52 participants; the limit is 50' });
  });
});

describe('the participant limit on a JSON batch of frames', () => {
  const suite = useTestServer({ poseWorkers: 1, poseModel: 'blazepose-lite' });

  it('refuses the whole batch, naming the frame that would bring the 51st, and stores none of it (the frames before it were stored under a 400)', async () => {
    const image = (await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 200, b: 90 } } }).jpeg().toBuffer()).toString('base64');
    const participants = Array.from({ length: 50 }, (_, i) => ({ name: `P${i}`, role: 'customer' }));
    const id = (await api(suite.server.url, 'POST', '/api/sessions', { participants })).body.session.id as string;
    const frames = [{ participant: 'P0', mediaMs: 100, image }, { participant: 'P1', mediaMs: 200, image }, { participant: 'Extra', mediaMs: 300, image }];
    const r = await api(suite.server.url, 'POST', `/api/sessions/${id}/frames`, { frames });
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({
      code: 'invalid_input',
      field: 'frames.2.participant',
      limit: 50,
      actual: 51,
      message: 'frames.2.participant: "Extra" would be participant 51; the session would have 51 participants; the limit is 50',
    });
    // The same batch without the 51st is taken: its two frames, once each.
    const ok = await api(suite.server.url, 'POST', `/api/sessions/${id}/frames`, { frames: frames.slice(0, 2) });
    expect(ok.status).toBe(201);
    expect(ok.body.frames.map((f: { status: string }) => f.status)).toEqual(['processed', 'processed']);
    const stored = (await api(suite.server.url, 'GET', `/api/sessions/${id}/landmarks`)).body.frames as Array<{ participant: string; mediaMs: number }>;
    expect(stored.map((f) => [f.participant, f.mediaMs])).toEqual([['P0', 100], ['P1', 200]]);
  }, 60_000);
});
