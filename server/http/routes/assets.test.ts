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
  expect(body.error.message).toMatch(/models\/pose\/official/);
});

test('the tasks-vision wasm runtime is served as application/wasm', async () => {
  const res = await fetch(`${url}/vendor/tasks-vision/vision_wasm_internal.wasm`, { method: 'HEAD' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/wasm');
  const js = await fetch(`${url}/vendor/tasks-vision/vision_wasm_internal.js`, { method: 'HEAD' });
  expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect((await fetch(`${url}/vendor/tasks-vision/nothing.wasm`)).status).toBe(404);
});
