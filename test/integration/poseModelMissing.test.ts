// The server started without the pose weights (a skipped `npm run models`): frames and photos
// are answered with 503 `pose_model_missing` naming the command that brings them, over HTTP
// and as the socket's `session_error`, and the server keeps answering.
import sharp from 'sharp';
import type { RunningServer } from '../../server/main';
import { api, connectSocket, startTestServer } from './harness';

let server: RunningServer;
let image: Buffer;
beforeAll(async () => {
  server = await startTestServer({ poseWorkers: 1, poseModel: 'blazepose-lite', poseModelDir: '/nonexistent/pose-models' });
  image = await sharp({ create: { width: 160, height: 120, channels: 3, background: '#88aacc' } }).jpeg().toBuffer();
});
afterAll(async () => {
  await server.close();
});

async function newSession(): Promise<string> {
  return (await api(server.url, 'POST', '/api/sessions', { participants: [{ name: 'Dana', role: 'customer' }] })).body.session.id as string;
}

const missing = { code: 'pose_model_missing', message: expect.stringContaining('npm run models') };

describe('pose weights missing', () => {
  it('answers a frame (raw and in a JSON batch) and a photo with 503 pose_model_missing naming `npm run models`', async () => {
    const id = await newSession();
    const raw = await api(server.url, 'POST', `/api/sessions/${id}/frames?participant=Dana&mediaMs=0&wait=1`, undefined, image);
    expect(raw.status).toBe(503);
    expect(raw.body.error).toMatchObject(missing);
    expect(raw.body.error.message).toContain('/nonexistent/pose-models');

    const batch = await api(server.url, 'POST', `/api/sessions/${id}/frames`, { frames: [{ participant: 'Dana', mediaMs: 200, image: image.toString('base64') }] });
    expect(batch.status).toBe(201);
    expect(batch.body.frames).toEqual([{ status: 'failed', error: missing }]);

    const photo = await api(server.url, 'POST', '/api/photos', undefined, image);
    expect(photo.status).toBe(503);
    expect(photo.body.error).toMatchObject(missing);
    // Everything else keeps working, and health names the pose model the server was started with.
    expect((await api(server.url, 'GET', `/api/sessions/${id}`)).status).toBe(200);
    expect((await api(server.url, 'GET', '/api/health')).body).toMatchObject({ ok: true, poseModel: 'blazepose-lite' });
  }, 60_000);

  it('reports a socket frame that fails for it as session_error pose_model_missing', async () => {
    const id = await newSession();
    const s = await connectSocket(server.url);
    try {
      const failed = new Promise<unknown>((resolve) => s.once('session_error', resolve));
      const ack = await new Promise<any>((resolve) => (s.emit as (e: string, p: unknown, cb: (r: unknown) => void) => void)('frame', { sessionId: id, participant: 'Dana', mediaMs: 0, image }, resolve));
      expect(ack.ok).toBe(true);
      expect(await failed).toMatchObject({ ...missing, sessionId: id, participant: 'Dana', mediaMs: 0 });
    } finally {
      s.close();
    }
  }, 60_000);
});
