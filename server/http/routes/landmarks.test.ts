// GET /api/sessions/:id/landmarks over HTTP: the real server on port 0 with a real (in-memory
// SQLite) store, the seeded demo session, and frames sent as landmarks and as images. Replaying
// a stored session reads its posture input here.
import sharp from 'sharp';
import { LandmarksPageSchema, type StoredLandmarks } from '../../../protocol/outbound';
import type { PoseIn } from '../../../protocol/protocol';
import { startServer, type RunningServer } from '../../main';
import { loadDemoMeeting } from '../../demo/demo';
import { landmarksFromPose } from '../../signals/pose/fromLandmarks';
import { ARMS, posture, view } from '../../signals/posture/testkit';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dbPath: ':memory:',
    seedDemo: true,
    poseWorkers: 1,
    poseModel: 'blazepose-lite',
    log: () => {},
  });
});
afterAll(async () => {
  await server?.close();
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path);
  return { status: res.status, body: await res.json() };
}

async function post(
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Every page, following `next`. */
async function allFrames(id: string, limit?: number): Promise<{ frames: StoredLandmarks[]; pages: number }> {
  const frames: StoredLandmarks[] = [];
  let after = 0;
  for (let pages = 1; ; pages++) {
    const q = new URLSearchParams({ after: String(after), ...(limit ? { limit: String(limit) } : {}) });
    const res = await get(`/api/sessions/${id}/landmarks?${q.toString()}`);
    expect(res.status).toBe(200);
    const page = LandmarksPageSchema.parse(res.body);
    frames.push(...page.frames);
    if (page.next === null) return { frames, pages };
    after = page.next;
  }
}

const upright = (): PoseIn => landmarksFromPose(view(posture(ARMS.hanging), { frameFrom: posture(ARMS.hanging) }));

test("gives back the stored demo session's whole posture track, page by page, as the demo sent it", async () => {
  const demo = loadDemoMeeting();
  const track = demo.posture;
  if (!track) throw new Error('the demo meeting has no posture track');
  const { frames, pages } = await allFrames('demo', 100);
  expect(pages).toBe(Math.floor(track.frames.length / 100) + 1);
  expect(frames).toHaveLength(track.frames.length);
  // In stored order (ids rising), which for the demo is media order.
  expect(frames.map((f) => f.frameId)).toEqual([...frames.map((f) => f.frameId)].sort((a, b) => a - b));
  expect(frames.map((f) => f.mediaMs)).toEqual(track.frames.map((f) => f.mediaMs));
  expect(
    frames.every((f) => f.participant === track.participant && f.aspect === track.aspect && f.source === 'browser'),
  ).toBe(true);
  expect(frames[7]!.poses).toEqual(track.frames[7]!.poses);
  // The default page holds 500.
  const first = LandmarksPageSchema.parse((await get('/api/sessions/demo/landmarks')).body);
  expect(first.frames).toHaveLength(Math.min(500, track.frames.length));
});

test('keeps the stored order (not media order), the person box sent and the empty frames; a session without frames has none', async () => {
  const { body } = await post('/api/sessions', { participants: [{ name: 'Dana', role: 'customer' }] });
  const id = body.session.id as string;
  expect(LandmarksPageSchema.parse((await get(`/api/sessions/${id}/landmarks`)).body)).toEqual({
    frames: [],
    next: null,
  });

  const box = { xMin: 0.2, yMin: 0.1, width: 0.5, height: 0.8 };
  const sent = [
    { participant: 'Dana', mediaMs: 1000, poses: [upright()], aspect: 16 / 9 },
    { participant: 'Dana', mediaMs: 400, poses: [upright()], person: box }, // a seek back
    { participant: 'Dana', mediaMs: 1200, poses: [] }, // nobody in the picture
    { participant: 'Dana', mediaMs: 1400, poses: [upright()], person: null },
  ];
  expect((await post(`/api/sessions/${id}/landmarks`, sent)).status).toBe(201);
  const { frames, pages } = await allFrames(id, 3);
  expect(pages).toBe(2);
  expect(frames.map((f) => f.mediaMs)).toEqual([1000, 400, 1200, 1400]);
  // As JSON carries them (-0 is sent as 0).
  expect(frames[0]).toMatchObject({ aspect: 16 / 9, poses: JSON.parse(JSON.stringify(sent[0]!.poses)) });
  expect(frames[0]).not.toHaveProperty('person');
  expect(frames[1]!.person).toEqual(box);
  expect(frames[1]).not.toHaveProperty('aspect');
  expect(frames[2]!.poses).toEqual([]);
  expect(frames[3]!.person).toBeNull();
  // After the last frame: an empty last page.
  expect(
    LandmarksPageSchema.parse((await get(`/api/sessions/${id}/landmarks?after=${frames[3]!.frameId}`)).body),
  ).toEqual({ frames: [], next: null });
});

test('an image frame is given back as the landmarks the server estimated from it (none for an empty picture)', async () => {
  const { body } = await post('/api/sessions', { participants: [{ name: 'Dana', role: 'customer' }] });
  const id = body.session.id as string;
  const blank = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#ffffff' } })
    .jpeg()
    .toBuffer();
  const res = await post(`/api/sessions/${id}/frames?participant=Dana&mediaMs=2000&wait=1`, blank, 'image/jpeg');
  expect(res.status).toBe(201);
  expect(res.body.persons).toBe(0);
  const { frames } = await allFrames(id);
  expect(frames).toHaveLength(1);
  expect(frames[0]).toMatchObject({
    frameId: res.body.frameId,
    participant: 'Dana',
    mediaMs: 2000,
    source: 'server',
    poses: [],
    aspect: 320 / 240,
  });
});

test('refuses a bad query naming the field, and an unknown session', async () => {
  for (const [q, field] of [
    ['limit=0', 'query.limit'],
    ['limit=1001', 'query.limit'],
    ['limit=ten', 'query.limit'],
    ['after=-1', 'query.after'],
    ['after=1&after=2', 'query.after'],
    ['after=99999999999999999999', 'query.after'],
  ] as const) {
    const r = await get(`/api/sessions/demo/landmarks?${q}`);
    expect([q, r.status, r.body.error.code, r.body.error.field]).toEqual([q, 400, 'invalid_input', field]);
  }
  expect((await get('/api/sessions/demo/landmarks?after=99999999999999999999')).body.error.message).toContain(`must be at most ${Number.MAX_SAFE_INTEGER}`);
  // Keys it does not know are ignored, as by the other GET routes (a cache-buster, say).
  expect((await get('/api/sessions/demo/landmarks?limit=1&_=123')).status).toBe(200);
  // An unknown session is a 404, also with a bad query.
  for (const q of ['', '?limit=0']) {
    const missing = await get(`/api/sessions/no-such-session/landmarks${q}`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
  }
});
