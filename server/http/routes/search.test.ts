// GET /api/search's route: how many searches run at once. Each search gives the event loop back
// between its steps, but every search waiting does its next step in the same turn of the loop,
// so ten at once would hold a live meeting ten steps long: more than SEARCHES_MAX are 503 busy.
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { SearchAnswer } from '../../../protocol/search';
import type { SessionService } from '../../pipeline/sessionService';
import { errorHandler } from '../errorHandler';
import { SEARCHES_MAX, searchRouter } from './search';

let server: Server;
let base: string;
const waiting: (() => void)[] = [];
const service = {
  search: () => new Promise<SearchAnswer>((resolve) => waiting.push(() => resolve({ results: [], next: null }))),
} as unknown as SessionService;

beforeAll(async () => {
  const app = express();
  app.use('/api/search', searchRouter(service));
  app.use(errorHandler(() => {}));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

test('runs at most SEARCHES_MAX searches at once: one more is 503 busy naming the limit; once one ends another may start', async () => {
  expect(SEARCHES_MAX).toBeGreaterThanOrEqual(2);
  const running = Array.from({ length: SEARCHES_MAX }, () => fetch(`${base}/api/search?q=a`));
  while (waiting.length < SEARCHES_MAX) await new Promise((r) => setTimeout(r, 5));
  const refused = await fetch(`${base}/api/search?q=a`);
  expect(refused.status).toBe(503);
  expect(((await refused.json())).error).toMatchObject({ code: 'busy', limit: SEARCHES_MAX, message: expect.stringMatching(/searches/) });
  waiting.shift()!();
  expect((await running[0]!).status).toBe(200);
  const again = fetch(`${base}/api/search?q=a`);
  while (waiting.length < SEARCHES_MAX) await new Promise((r) => setTimeout(r, 5));
  for (const w of waiting.splice(0)) w();
  expect((await again).status).toBe(200);
  for (const r of running.slice(1)) expect((await r).status).toBe(200);
});

test('a search refused as bad input is not counted', async () => {
  for (let i = 0; i < SEARCHES_MAX + 2; i++) expect((await fetch(`${base}/api/search?limit=0&q=a`)).status).toBe(400);
  const ok = fetch(`${base}/api/search?q=a`);
  while (waiting.length < 1) await new Promise((r) => setTimeout(r, 5));
  waiting.shift()!();
  expect((await ok).status).toBe(200);
});
