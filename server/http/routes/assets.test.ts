import express from 'express';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { assetsRouter } from './assets';

let dir: string;
let server: http.Server;
let url: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-assets-'));
  fs.mkdirSync(path.join(dir, 'official'));
  fs.writeFileSync(path.join(dir, 'pose_landmarker_full.task'), 'built-full');
  fs.writeFileSync(path.join(dir, 'pose_landmarker_lite.task'), 'built-lite');
  fs.writeFileSync(path.join(dir, 'official', 'pose_landmarker_full.task'), 'official-full');
  fs.writeFileSync(path.join(dir, 'manifest.json'), '{}');
  const app = express();
  app.use(assetsRouter({ poseModelDir: dir }));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an official bundle takes precedence over the built one, and says so', async () => {
  const full = await fetch(`${url}/models/pose/pose_landmarker_full.task`);
  expect(full.status).toBe(200);
  expect(full.headers.get('x-pose-model-source')).toBe('official');
  await expect(full.text()).resolves.toBe('official-full');
  const lite = await fetch(`${url}/models/pose/pose_landmarker_lite.task`);
  expect(lite.headers.get('x-pose-model-source')).toBe('built');
  await expect(lite.text()).resolves.toBe('built-lite');
  const index = (await (await fetch(`${url}/models/pose/index.json`)).json()) as {
    models: { name: string; source: string }[];
  };
  expect(index.models.map((m) => [m.name, m.source])).toEqual([
    ['pose_landmarker_lite', 'built'],
    ['pose_landmarker_full', 'official'],
  ]);
});

test('only the .task files are served; a missing one says how to get it', async () => {
  for (const p of ['manifest.json', 'official%2Fpose_landmarker_full.task', '..%2F..%2Fpackage.json']) {
    expect((await fetch(`${url}/models/pose/${p}`)).status).toBe(404);
  }
  const heavy = await fetch(`${url}/models/pose/pose_landmarker_heavy.task`);
  expect(heavy.status).toBe(404);
  const body = (await heavy.json()) as { error: { message: string } };
  // `npm run models` builds only lite and full: the heavy one comes only as an official bundle.
  expect(body.error.message).not.toContain('run `npm run models`');
  expect(body.error.message).toContain(`place the official pose_landmarker_heavy.task in ${path.join(dir, 'official')}/`);
  expect(body.error.message).toContain('`npm run models` builds only pose_landmarker_lite and pose_landmarker_full');
});

test('a missing lite or full bundle says `npm run models` builds it; the default folder is named relative to the project', async () => {
  const app = express();
  app.use(assetsRouter());
  const other = http.createServer(app);
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  try {
    const heavy = await fetch(`${base}/models/pose/pose_landmarker_heavy.task`);
    // The project's models/pose may hold an official heavy bundle; only its absence is checked.
    if (heavy.status === 404) expect(((await heavy.json()) as { error: { message: string } }).error.message).toContain('in models/pose/official/');
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
  const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-assets-empty-'));
  const app2 = express();
  app2.use(assetsRouter({ poseModelDir: emptyDir }));
  const empty = http.createServer(app2);
  await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
  try {
    const lite = await fetch(`http://127.0.0.1:${(empty.address() as AddressInfo).port}/models/pose/pose_landmarker_lite.task`);
    expect(lite.status).toBe(404);
    const msg = ((await lite.json()) as { error: { message: string } }).error.message;
    expect(msg).toContain('run `npm run models` to build it');
    expect(msg).toContain(`${path.join(emptyDir, 'official')}/`);
  } finally {
    await new Promise<void>((resolve) => empty.close(() => resolve()));
    fs.rmSync(emptyDir, { recursive: true, force: true });
  }
});

test('the tasks-vision wasm runtime is served as application/wasm', async () => {
  const res = await fetch(`${url}/vendor/tasks-vision/vision_wasm_internal.wasm`, { method: 'HEAD' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/wasm');
  const js = await fetch(`${url}/vendor/tasks-vision/vision_wasm_internal.js`, { method: 'HEAD' });
  expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect((await fetch(`${url}/vendor/tasks-vision/nothing.wasm`)).status).toBe(404);
});
