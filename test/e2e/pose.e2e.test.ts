// In-browser pose estimation against the real server (in-process, in-memory store) in
// headless Debian Chromium, on a REAL photo from ../shared/data/posture (read at run time,
// never copied into the repository):
//  1. the UI path: the photo is the fake webcam; the video panel runs PoseLandmarker (the
//     .task built by scripts/build-pose-task.mjs, wasm CPU path) and sends `landmarks`; the
//     frames are stored and the held posture shows up as a bar on the posture timeline;
//  2. the same photo as consecutive video frames (detectForVideo every 200 ms of media time
//     for 3 s) sent over socket.io yields posture signals through the server's hysteresis,
//     and the browser's landmarks agree with the server's tfjs BlazePose on that photo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  LandmarksIn,
  PoseIn,
  PostureSignal,
  ServerToClientEvents,
  SessionSnapshot,
} from '../../protocol/protocol';
import type { VisionModule } from '../../client/pose/landmarker';
import { startServer } from '../../server/main';
import { CLIENT_INDEX, getJson as getJsonFrom, launchChromium, openPage as openPageWith, requireBrowserAndClient, ROOT } from './browser';
import { createPoseEstimator, decodeImage } from '../../server/signals/pose';

const POSE_MODULE = path.join(ROOT, 'dist', 'client', 'pose-vision.js');
const TASK_FILE = path.join(ROOT, 'models', 'pose', 'pose_landmarker_full.task');
const DATA_DIR = path.join(ROOT, '..', 'shared', 'data', 'posture');
/** A standing man with his arms folded across the chest (labels.jsonl: arms_crossed). */
const PHOTO = path.join(DATA_DIR, 'images', 'd001.jpg');
const WAIT_MS = 90_000;
const SCREENSHOT = '/tmp/client-pose.png';

const haveData = fs.existsSync(PHOTO);
if (!haveData) console.log('skipped: ../shared/data/posture not present');
const maybe = haveData ? describe : describe.skip;

jest.setTimeout(240_000);

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let tmpDir: string;

maybe('in-browser pose estimation (MediaPipe PoseLandmarker)', () => {
  beforeAll(async () => {
    requireBrowserAndClient();
    for (const [file, hint] of [
      [CLIENT_INDEX, 'run `npm run build` first'],
      [POSE_MODULE, 'run `npm run build` first'],
      [TASK_FILE, 'run `node scripts/build-pose-task.mjs` (or `npm run models`) first'],
    ] as const) {
      if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${hint}`);
    }
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-pose-e2e-'));
    // Chromium's fake camera plays an MJPEG file; one JPEG is a one-frame MJPEG it loops.
    const fakeCamera = path.join(tmpDir, 'camera.mjpeg');
    fs.copyFileSync(PHOTO, fakeCamera);
    server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', log: () => {} });
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${fakeCamera}`,
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  const openPage = () => openPageWith(browser, server, WAIT_MS, { height: 900 });
  const getJson = <T>(urlPath: string) => getJsonFrom<T>(server, urlPath);

  test('the asset routes serve the wasm runtime and the built .task, not other files', async () => {
    const wasm = await fetch(`${server.url}/vendor/tasks-vision/vision_wasm_internal.wasm`);
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    await wasm.arrayBuffer();
    const task = await fetch(`${server.url}/models/pose/pose_landmarker_full.task`);
    expect(task.status).toBe(200);
    expect(['built', 'official']).toContain(task.headers.get('x-pose-model-source'));
    const bytes = new Uint8Array(await task.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('PK\u0003\u0004');
    const index = await getJson<{ models: { name: string; source: string }[] }>('/models/pose/index.json');
    expect(index.models.map((m) => m.name)).toEqual(
      expect.arrayContaining(['pose_landmarker_lite', 'pose_landmarker_full']),
    );
    for (const bad of [
      '/models/pose/manifest.json',
      '/models/pose/blazepose-full.bin',
      '/models/pose/..%2Fverbal%2Fmanifest.json',
    ]) {
      expect((await fetch(server.url + bad)).status).toBe(404);
    }
  });

  test('the webcam in the video panel: landmarks are stored and the held posture shows on the posture track', async () => {
    const { page, pageErrors } = await openPage();
    await page.getByTestId('video-toggle').click();
    const panel = page.getByTestId('pose-panel');
    await panel.waitFor({ state: 'visible' });
    await page.getByTestId('pose-webcam').click();
    await page.locator('[data-testid="pose-panel"][data-state="ready"]').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('pose-run').click();
    await page.locator('[data-testid="pose-panel"][data-state="running"]').waitFor({ timeout: WAIT_MS });

    // The session the panel created (the demo's participants, the customer selected).
    const sessionId = await page.getByTestId('view-title').getAttribute('data-session-id');
    expect(sessionId).toBeTruthy();
    const participant = await page.getByTestId('pose-participant').inputValue();
    const demo = await getJson<{ participants: { name: string; role: string }[] }>('/api/demo');
    expect(demo.participants.find((p) => p.name === participant)?.role).toBe('customer');

    // Frames reach the server: acks carry frame ids.
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('[data-testid="pose-panel"]')?.dataset.framesAcked) >= 3,
      undefined,
      { timeout: WAIT_MS },
    );
    expect(Number(await panel.getAttribute('data-last-frame-id'))).toBeGreaterThan(0);
    expect(Number(await panel.getAttribute('data-people'))).toBe(1);

    // A posture held for a few seconds turns into a posture signal, shown as a bar on the timeline.
    const bar = page.getByTestId('posture-bar').first();
    await bar.waitFor({ timeout: WAIT_MS });
    const label = await bar.getAttribute('data-label');
    expect(await bar.getAttribute('data-participant')).toBe(participant);
    // No transcript plays: the webcam's media time drives the timeline's playhead.
    const playhead = page.getByTestId('timeline-playhead');
    await playhead.waitFor({ state: 'attached', timeout: WAIT_MS });
    const x0 = Number(await playhead.getAttribute('x1'));
    await page.waitForFunction((x) => Number(document.querySelector('[data-testid="timeline-playhead"]')?.getAttribute('x1')) > x, x0, { timeout: WAIT_MS });

    // The customer objects while holding the posture: the resistance cue's card shows the
    // posture evidence as a localized label chip, with no quoted text.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'] });
    try {
      const joined = await socket.timeout(10_000).emitWithAck('join', { sessionId: sessionId! });
      expect(joined.ok).toBe(true);
      const said = await socket.timeout(10_000).emitWithAck('utterance', {
        sessionId: sessionId!,
        utterance: {
          speaker: participant,
          text: 'Honestly this is too expensive for us, let me think about it.',
          startMs: 3_000,
        },
      });
      expect(said.ok).toBe(true);
    } finally {
      socket.close();
    }
    const postureEvidence = page
      .locator('[data-testid="cue-card"] [data-testid="cue-evidence"][data-kind="posture"]')
      .first();
    await postureEvidence.waitFor({ timeout: WAIT_MS });
    expect(await postureEvidence.locator('q').count()).toBe(0);
    const evidenceLabel = await postureEvidence.getAttribute('data-label');
    await expect(postureEvidence.locator('.chip').textContent()).resolves.toBe(
      (
        {
          arms_crossed: 'Arms crossed',
          leaning_back: 'Leaning back',
          legs_crossed: 'Legs crossed',
          sitting_far: 'Sitting far',
        } as Record<string, string>
      )[evidenceLabel ?? ''] ?? '',
    );

    await page.screenshot({ path: SCREENSHOT });
    await page.getByTestId('pose-run').click(); // stop
    await page.locator('[data-testid="pose-panel"][data-state="ready"]').waitFor({ timeout: WAIT_MS });

    const snapshot = await getJson<SessionSnapshot>(`/api/sessions/${sessionId}`);
    const posture = snapshot.signals.filter((s): s is PostureSignal => s.kind === 'posture');
    expect(posture.length).toBeGreaterThan(0);
    expect(posture.every((s) => s.source === 'browser' && s.participant === participant)).toBe(true);
    expect(posture.map((s) => s.label)).toContain(label);
    console.log(
      `webcam panel: ${await panel.getAttribute('data-frames-acked')} frames stored, posture signals ` +
        `${posture.map((s) => `${s.label}@${s.mediaMs}`).join(', ')}, detect ${await panel.getAttribute('data-detect-ms')} ms/frame`,
    );

    // The bar's lane name is localized.
    await page.getByRole('button', { name: '中文' }).click();
    await expect(page.locator(`[data-testid="timeline-lane"][data-label="${label}"]`).textContent()).resolves.toMatch(/[\u4e00-\u9fff]/);
    await expect(postureEvidence.locator('.chip').textContent()).resolves.toMatch(/[\u4e00-\u9fff]/);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  test('a local video file with the lite model: frames are analysed while it plays', async () => {
    const photo = fs.readFileSync(PHOTO);
    const { page, pageErrors } = await openPage();
    await page.route('**/__test__/photo.jpg', (route) =>
      route.fulfill({ status: 200, contentType: 'image/jpeg', body: photo }),
    );
    // A 3 s WebM of the photo, recorded in the page (MediaRecorder), stands in for a meeting video.
    const webm = await page.evaluate(async () => {
      const img = new Image();
      img.src = '/__test__/photo.jpg';
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = 410;
      canvas.height = 512;
      const ctx = canvas.getContext('2d')!;
      const stream = canvas.captureStream(15);
      const rec = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8' });
      const chunks: Blob[] = [];
      rec.ondataavailable = (e) => chunks.push(e.data);
      const done = new Promise((resolve) => (rec.onstop = resolve));
      const timer = setInterval(() => ctx.drawImage(img, 0, 0, canvas.width, canvas.height), 50);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      rec.start(250);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      rec.stop();
      await done;
      clearInterval(timer);
      const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer());
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      return btoa(bin);
    });

    await page.getByTestId('video-toggle').click();
    await page.getByTestId('pose-model').selectOption('lite');
    await page
      .getByTestId('pose-file')
      .setInputFiles({ name: 'meeting.webm', mimeType: 'video/webm', buffer: Buffer.from(webm, 'base64') });
    await page.locator('[data-testid="pose-panel"][data-state="ready"]').waitFor({ timeout: WAIT_MS });
    // The clip is 3 s, a meeting much longer: looped, a slow machine still has frames to send
    // after the pointing below (a loop plays as a seek back to 0, which the panel takes).
    await page.evaluate(() => void (document.querySelector<HTMLVideoElement>('[data-testid="pose-panel"] video')!.loop = true));
    await page.getByTestId('pose-run').click();
    await page.locator('[data-testid="pose-panel"][data-state="running"]').waitFor({ timeout: WAIT_MS });
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('[data-testid="pose-panel"]')?.dataset.framesAcked) >= 3,
      undefined,
      { timeout: WAIT_MS },
    );
    const panel = page.getByTestId('pose-panel');
    expect(Number(await panel.getAttribute('data-people'))).toBe(1);

    // Pointing at the person: a click on their skeleton (found on the overlay by its colour)
    // marks them and sends their box with the next frame; "automatic choice" undoes it. The
    // overlay shows the last analysed frame, and a frame in which the landmarker found nobody
    // clears it, so the skeleton is looked for again before each click, as a user would click
    // again (a click on a frame with nobody in it points at no one: that is the behaviour).
    const findSkeleton = () =>
      page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="pose-panel"] canvas')!;
        const hit = document.querySelector<HTMLElement>('[data-testid="pose-hit"]')!.getBoundingClientRect();
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const r = c.getBoundingClientRect();
        for (let i = 0; i < d.length; i += 4) {
          if (d[i] === 0x22 && d[i + 1] === 0xc5 && d[i + 2] === 0x5e) {
            const x = r.left + (((i / 4) % c.width) + 0.5) / c.width * r.width;
            const y = r.top + (Math.floor(i / 4 / c.width) + 0.5) / c.height * r.height;
            if (y < hit.bottom - 1) return { x, y };
          }
        }
        return null;
      });
    const box = (await page.locator('[data-testid="pose-panel"] video').boundingBox())!;
    await page.mouse.click(box.x + 2, box.y + 2); // the corner: nobody there
    expect(await panel.getAttribute('data-pointed')).toBe('0');
    let skeletonsClicked = 0;
    for (let tries = 0; tries < 20 && (await panel.getAttribute('data-pointed')) !== '1'; tries++) {
      const onSkeleton = await findSkeleton();
      if (onSkeleton) {
        await page.mouse.click(onSkeleton.x, onSkeleton.y);
        skeletonsClicked++;
      }
      await page.waitForTimeout(250);
    }
    expect(skeletonsClicked).toBeGreaterThan(0);
    await page.locator('[data-testid="pose-panel"][data-pointed="1"]').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('pose-person-clear').waitFor({ state: 'visible' });
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="pose-panel"]')?.dataset.pointingsSent) >= 1, undefined, { timeout: WAIT_MS });
    await page.getByTestId('pose-person-clear').click();
    await page.locator('[data-testid="pose-panel"][data-pointed="0"]').waitFor({ timeout: WAIT_MS });
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="pose-panel"]')?.dataset.pointingsSent) >= 2, undefined, { timeout: WAIT_MS });
    console.log(
      `video file (lite model): ${await panel.getAttribute('data-frames-acked')} frames stored, detect ${await panel.getAttribute('data-detect-ms')} ms/frame`,
    );
    await expect(page.getByTestId('pose-error').isHidden()).resolves.toBe(true);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  test('the photo as 3 s of video frames yields posture signals; landmarks agree with tfjs BlazePose', async () => {
    const photo = fs.readFileSync(PHOTO);
    const { page, pageErrors } = await openPage();
    // The photo is served to the page by the test, from disk.
    await page.route('**/__test__/photo.jpg', (route) =>
      route.fulfill({ status: 200, contentType: 'image/jpeg', body: photo }),
    );

    // The client's lazily loaded tasks-vision bundle, as a module script (an import() here
    // would be compiled to require() by the test's transform). Served from the page's own
    // origin, as the client's scripts are: the page's CSP refuses inline scripts.
    await page.route('**/__test__/load-vision.js', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: "import * as v from '/pose-vision.js'; window.__vision = v;" }),
    );
    await page.addScriptTag({ type: 'module', url: '/__test__/load-vision.js' });
    await page.waitForFunction(() => '__vision' in window, undefined, { timeout: WAIT_MS });

    const frames = await page.evaluate(async () => {
      const vision = (window as unknown as { __vision: VisionModule }).__vision;
      const img = new Image();
      img.src = '/__test__/photo.jpg';
      await img.decode();
      const fileset = await vision.FilesetResolver.forVisionTasks(
        new URL('vendor/tasks-vision', document.baseURI).href,
      );
      const t0 = performance.now();
      const landmarker = await vision.PoseLandmarker.createFromOptions(fileset, {
        baseOptions: { modelAssetPath: '/models/pose/pose_landmarker_full.task', delegate: 'CPU' },
        runningMode: 'VIDEO',
        numPoses: 3,
      });
      const createMs = performance.now() - t0;
      const out: { mediaMs: number; ms: number; poses: { x: number; y: number; z: number; score: number }[][] }[] = [];
      for (let mediaMs = 0; mediaMs <= 3000; mediaMs += 200) {
        const t = performance.now();
        const res = landmarker.detectForVideo(img, mediaMs);
        out.push({
          mediaMs,
          ms: performance.now() - t,
          poses: res.landmarks.map((pose) => pose.map((p) => ({ x: p.x, y: p.y, z: p.z, score: p.visibility }))),
        });
      }
      landmarker.close();
      return { createMs, out, width: img.naturalWidth, height: img.naturalHeight };
    });
    expect(frames.out.every((f) => f.poses.length === 1)).toBe(true);

    // Send them like the panel does, over socket.io, to a session with a customer.
    const created = await fetch(`${server.url}/api/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        title: 'pose e2e',
        participants: [
          { name: 'Customer', role: 'customer' },
          { name: 'Rep', role: 'rep' },
        ],
      }),
    });
    const { session } = (await created.json()) as { session: { id: string } };
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'] });
    const broadcast: PostureSignal[] = [];
    socket.on('signal', (s) => {
      if (s.kind === 'posture') broadcast.push(s);
    });
    try {
      const joined = await socket.timeout(10_000).emitWithAck('join', { sessionId: session.id });
      expect(joined.ok).toBe(true);
      const acked: PostureSignal[] = [];
      const frameIds: number[] = [];
      for (const f of frames.out) {
        const payload: LandmarksIn = {
          sessionId: session.id,
          participant: 'Customer',
          mediaMs: f.mediaMs,
          poses: f.poses.map((pose): PoseIn => ({
            landmarks: pose.map((p) => ({ x: p.x, y: p.y, z: p.z, score: Math.min(1, Math.max(0, p.score)) })),
          })),
          aspect: frames.width / frames.height,
        };
        const ack = await socket.timeout(10_000).emitWithAck('landmarks', payload);
        if (!ack.ok) throw new Error(`landmarks at ${f.mediaMs} ms rejected: ${ack.error.message}`);
        frameIds.push(ack.frameId);
        acked.push(...ack.signals);
      }
      expect(new Set(frameIds).size).toBe(frames.out.length);
      const snapshot = await getJson<SessionSnapshot>(`/api/sessions/${session.id}`);
      const stored = snapshot.signals.filter((s): s is PostureSignal => s.kind === 'posture');
      console.log(
        `photo as video: ${frames.out.length} frames (ids ${frameIds[0]}..${frameIds.at(-1)}), posture signals ` +
          `${stored.map((s) => `${s.label}@${s.mediaMs} (score ${s.score.toFixed(2)})`).join(', ') || 'none'}`,
      );
      expect(acked.length).toBeGreaterThan(0);
      expect(stored.map((s) => s.id).sort()).toEqual(expect.arrayContaining(acked.map((s) => s.id)));
      expect(stored.every((s) => s.frameId === null || frameIds.includes(s.frameId))).toBe(true);
      // The photo is labeled arms_crossed.
      expect(stored.map((s) => s.label)).toContain('arms_crossed');
    } finally {
      socket.close();
    }

    // Agreement with the server's own estimator on the same photo.
    const estimator = await createPoseEstimator({ model: 'blazepose-full' });
    try {
      const image = await decodeImage(photo);
      const [server0] = await estimator.estimate(image);
      const browser0 = frames.out.at(-1)?.poses[0];
      if (!server0 || !browser0) throw new Error('no pose from the server or the browser');
      const px = (p: { x: number; y: number }) => [p.x * image.width, p.y * image.height] as const;
      const mid = (a: number, b: number) => {
        const [ax, ay] = px(server0.landmarks[a]!);
        const [bx, by] = px(server0.landmarks[b]!);
        return [(ax + bx) / 2, (ay + by) / 2] as const;
      };
      const [sx, sy] = mid(11, 12);
      const [hx, hy] = mid(23, 24);
      const torso = Math.hypot(sx - hx, sy - hy);
      const dist = (i: number) => {
        const [ax, ay] = px(server0.landmarks[i]!);
        const [bx, by] = px(browser0[i]!);
        return Math.hypot(ax - bx, ay - by) / torso;
      };
      const all = Array.from({ length: 33 }, (_, i) => dist(i));
      const body = [0, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28].map(dist);
      // d001 is a portrait: the legs are out of the frame and both models guess them.
      const seen = all.filter((_, i) => server0.landmarks[i]!.score >= 0.5 && browser0[i]!.score >= 0.5);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const times = frames.out.slice(1).map((f) => f.ms);
      console.log(
        `landmark agreement (browser MediaPipe full vs server tfjs BlazePose full) on ${path.basename(PHOTO)}: ` +
          `mean distance ${(mean(seen) * 100).toFixed(1)} % of torso length over the ${seen.length} points both see (visibility >= 0.5), ` +
          `${(mean(all) * 100).toFixed(1)} % over all 33, ${(mean(body) * 100).toFixed(1)} % over 13 body points; ` +
          `headless Chromium: create ${Math.round(frames.createMs)} ms, first frame ${Math.round(frames.out[0]!.ms)} ms, ` +
          `then ${Math.round(mean(times))} ms per frame (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))})`,
      );
      expect(seen.length).toBeGreaterThanOrEqual(17);
      expect(mean(seen)).toBeLessThan(0.1);
    } finally {
      estimator.dispose();
    }
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
