// What a frame or photo with no bytes, or with a JPEG/PNG signature but a damaged header, is
// answered over real HTTP on port 0 (pose pool with one worker).
import net from 'node:net';
import type { RunningServer } from '../../server/main';
import { api, startTestServer } from './harness';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ poseWorkers: 1, poseModel: 'blazepose-lite' });
});
afterAll(async () => {
  await server.close();
});

/** A POST with no body at all: no Content-Length, no Transfer-Encoding (as `curl -X POST` sends). */
function postWithoutBody(path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: '127.0.0.1', port: server.port });
    let text = '';
    socket.on('data', (d) => (text += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(body) });
    });
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

async function newSession(): Promise<string> {
  return (await api(server.url, 'POST', '/api/sessions', { participants: [{ name: 'Dana', role: 'customer' }] })).body.session.id as string;
}

describe('image errors', () => {
  it('a frame or photo with no body at all is image_empty, as one with Content-Length: 0', async () => {
    const id = await newSession();
    for (const path of [`/api/sessions/${id}/frames?participant=Dana&mediaMs=0`, `/api/sessions/${id}/frames?participant=Dana&mediaMs=0&wait=1`, '/api/photos']) {
      for (const r of [await postWithoutBody(path), await api(server.url, 'POST', path, undefined, Buffer.alloc(0))]) {
        expect(r.status).toBe(400);
        expect(r.body.error).toMatchObject({ code: 'image_empty', field: 'image' });
      }
    }
    // A JSON batch with no frames is still about the batch.
    const batch = await api(server.url, 'POST', `/api/sessions/${id}/frames`, { frames: [] });
    expect(batch.body.error).toMatchObject({ code: 'invalid_input', field: 'frames' });
  });

  it('an image whose first bytes say JPEG or PNG but whose header is damaged is 400 image_corrupt, not 415', async () => {
    const id = await newSession();
    const images = [
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('garbage')]),
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really a png header')]),
    ];
    for (const image of images) {
      const frame = await api(server.url, 'POST', `/api/sessions/${id}/frames?participant=Dana&mediaMs=0&wait=1`, undefined, image);
      const photo = await api(server.url, 'POST', '/api/photos', undefined, image);
      for (const r of [frame, photo]) {
        expect(r.status).toBe(400);
        expect(r.body.error).toMatchObject({ code: 'image_corrupt', field: 'image', message: expect.stringMatching(/^(JPEG|PNG) image could not be decoded/) });
      }
    }
    // Bytes of no format taken are still 415.
    const text = await api(server.url, 'POST', '/api/photos', undefined, 'hello, not an image');
    expect(text.body.error.code).toBe('image_unsupported_format');
  });
});
