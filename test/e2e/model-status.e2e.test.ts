// An analyst serves a retrained verbal model: a session stored under the committed one says,
// under its title, that it was analysed with an older verbal model (in Chinese too), and its
// Re-analyse button brings it over — the status then names the current model only, the
// outcome gives the counts before and after, and the session is read once (from the answer,
// not again for its `reanalysed` echo). Refusals and a lost connection are worded as the
// client words errors. The server's thresholds show in the footer. Real server (a SQLite file
// shared by two starts), real Chromium.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer, type ServerOptions } from '../../server/main';
import { DEFAULT_PIPELINE_OPTIONS } from '../../server/pipeline/sessionPipeline';
import { writeNudgedVerbalModel } from '../../server/signals/verbal/nudged.testkit';
import { api } from '../integration/harness';
import { launchChromium, requireBrowserAndClient } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const TRANSCRIPT = {
  participants: [
    { name: 'Ada', role: 'rep' },
    { name: 'Li', role: 'customer' },
  ],
  utterances: [
    { speaker: 'Ada', text: 'So this is the plan we would propose for your team.', startMs: 1000 },
    { speaker: 'Li', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 5000 },
    { speaker: 'Li', text: 'Could you give us a discount if we sign for two years?', startMs: 9000 },
    { speaker: 'Li', text: "That sounds good, let's go ahead with it.", startMs: 13000 },
  ],
};

/**
 * The analyst's retrained model: the committed one with one output bias nudged, under its own
 * version id, trained (by its id) after the committed one.
 */
const retrainedModel = (dir: string): string =>
  writeNudgedVerbalModel(path.join(dir, 'verbal-retrained'), { neutral: 1e-3 }, new Date('2099-01-02T00:00:00Z'));

type Snap = { signals: unknown[]; cues: unknown[]; modelVersions: { verbal: string[]; posture: string[] } };

let dir: string;
let server: RunningServer | undefined;
let browser: Browser;
let sessionId: string;
let committed: string;

const start = (opts: Partial<ServerOptions>) => startServer({ port: 0, host: '127.0.0.1', dbPath: path.join(dir, 'db.sqlite'), seedDemo: false, log: () => {}, ...opts });

beforeAll(async () => {
  requireBrowserAndClient();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-model-status-'));
  // Stored under the committed model.
  server = await start({});
  committed = server.service.modelVersion;
  const up = await api(server.url, 'POST', '/api/transcripts?filename=call.json', undefined, JSON.stringify(TRANSCRIPT));
  expect(up.status).toBe(201);
  sessionId = up.body.session.id as string;
  await server.close();
  // Served again with the retrained model and a threshold.
  server = await start({ modelDir: retrainedModel(dir), pipeline: { ...DEFAULT_PIPELINE_OPTIONS, signalThresholds: { resistance: 0.6 } } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A page showing the session, once its `turns` utterances are; `echoes` collects the room's
 * `reanalysed` events it receives (listened for before the page opens its socket).
 */
async function openSession(turns: number): Promise<{ page: Page; pageErrors: string[]; echoes: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const echoes: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('websocket', (ws) => ws.on('framereceived', (f) => void (typeof f.payload === 'string' && f.payload.includes('"reanalysed"') && echoes.push(f.payload))));
  await page.goto(server!.url);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(sessionId);
  await page.getByTestId('utterance').nth(turns - 1).waitFor({ timeout: WAIT_MS });
  return { page, pageErrors, echoes };
}

test('an older model is said, Re-analyse brings the session over once, and the status then names the current model', async () => {
  const current = server!.service.modelVersion;
  expect(current).not.toBe(committed);
  const before = (await api(server!.url, 'GET', `/api/sessions/${sessionId}`)).body as Snap;
  expect(before.modelVersions.verbal).toEqual([committed]);

  const { page, pageErrors, echoes } = await openSession(TRANSCRIPT.utterances.length);
  const status = page.getByTestId('model-status');
  const text = page.getByTestId('model-status-text');
  const button = page.getByTestId('reanalyse');
  await page.locator('[data-testid="model-status"][data-state="stale"]').waitFor({ timeout: WAIT_MS });
  // Stored with no thresholds, served with one: both said.
  await expect(text.textContent()).resolves.toBe(`Analysed with an older verbal model (${committed}; the server runs ${current}) · Its signals were made under other signal thresholds (none; the server runs Resistance ≥ 0.6)`);
  await expect(button.isVisible()).resolves.toBe(true);
  // The line's height with its button, to compare once the button is gone: what is below it does not move.
  const heightWithButton = (await status.boundingBox())!.height;
  // The footer names the server's threshold beside its models.
  await expect(page.locator('#health').textContent()).resolves.toContain('Signal thresholds: Resistance ≥ 0.6');

  await page.getByRole('button', { name: '中文' }).click();
  await expect(text.textContent()).resolves.toBe(`用较旧的言语模型分析（${committed}；服务器当前运行 ${current}） · 其信号是在其他信号阈值下生成的（不设；服务器当前运行 抗拒 ≥ 0.6）`);
  await expect(button.textContent()).resolves.toBe('重新分析');
  await expect(page.locator('#health').textContent()).resolves.toContain('信号阈值：抗拒 ≥ 0.6');
  await page.getByRole('button', { name: 'English' }).click();

  // Every read of the session's snapshot from here on (socket joins are not HTTP).
  const reads: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === `/api/sessions/${sessionId}`) reads.push(r.url());
  });
  // Held a moment at the network, so the running state can be seen.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/reanalyse', async (route) => {
    await held;
    await route.continue();
  });
  await button.click();
  await page.locator('[data-testid="reanalyse"][aria-busy="true"]').waitFor({ timeout: WAIT_MS });
  await expect(button.isDisabled()).resolves.toBe(true);
  await expect(button.textContent()).resolves.toBe('Re-analysing…');
  release();

  const result = page.getByTestId('reanalyse-result');
  await result.waitFor({ timeout: WAIT_MS });
  const after = (await api(server!.url, 'GET', `/api/sessions/${sessionId}`)).body as Snap;
  expect(after.modelVersions.verbal).toEqual([current]);
  await expect(result.textContent()).resolves.toBe(
    `Re-analysed with ${current}: signals ${before.signals.length} → ${after.signals.length}, cues ${before.cues.length} → ${after.cues.length}.`,
  );
  await expect(status.getAttribute('data-state')).resolves.toBe('current');
  await expect(text.textContent()).resolves.toBe(`Analysed with ${current}`);
  await expect(button.isVisible()).resolves.toBe(false);
  // (Before, the line also said the thresholds, so it wrapped: it is no taller now than with its button.)
  await expect(status.boundingBox().then((b) => b!.height <= heightWithButton)).resolves.toBe(true);
  // The session shown is the re-analysed one (its cue cards), read from the answer alone.
  await expect(page.getByTestId('cue-card').count()).resolves.toBe(after.cues.length);
  await page.waitForTimeout(500); // a `reanalysed` read would have come by now
  expect(echoes).toHaveLength(1);
  expect(reads).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('a refusal and a lost connection are said in the client’s error words, and Re-analyse can be pressed again', async () => {
  // A session analysed by the server's current model.
  const id = (await api(server!.url, 'POST', '/api/sessions', { title: 'mixed', participants: TRANSCRIPT.participants })).body.session.id as string;
  const turns = { utterances: TRANSCRIPT.utterances.slice(0, 2) };
  expect((await api(server!.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify(turns))).status).toBe(201);
  sessionId = id;
  const { page, pageErrors } = await openSession(turns.utterances.length);
  // Analysed by the current model only: named, no button.
  await page.locator('[data-testid="model-status"][data-state="current"]').waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('reanalyse').isVisible()).resolves.toBe(false);

  const stopping = { error: { code: 'shutting_down', message: 'the server is stopping: this re-analysis was not stored; send it again once the server is back' } };
  let answer: 'stopping' | 'gone' = 'stopping';
  await page.route('**/reanalyse', (route) =>
    answer === 'stopping' ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(stopping) }) : route.abort('connectionrefused'),
  );
  // Made stale for this page: its health names a model newer than the server's.
  await page.route('**/api/health', async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as Record<string, unknown>;
    await route.fulfill({ response: res, json: { ...body, verbalModel: 'verbal-21000101-00000000' } });
  });
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(id);
  await page.locator('[data-testid="model-status"][data-state="stale"]').waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('model-status-text').textContent()).resolves.toContain('Analysed with an older verbal model');

  const result = page.getByTestId('reanalyse-result');
  await page.getByTestId('reanalyse').click();
  await page.locator('[data-testid="reanalyse-result"][data-kind="error"]').waitFor({ timeout: WAIT_MS });
  await expect(result.textContent()).resolves.toBe(`Not re-analysed: ${stopping.error.message}`);
  await expect(result.getAttribute('role')).resolves.toBe('alert');
  await page.getByRole('button', { name: '中文' }).click();
  await expect(result.textContent()).resolves.toBe('未重新分析：服务器正在停止，没有重新分析，会谈保持原样；服务器恢复后请再试。');
  await page.getByRole('button', { name: 'English' }).click();

  answer = 'gone';
  await expect(page.getByTestId('reanalyse').isEnabled()).resolves.toBe(true);
  await page.getByTestId('reanalyse').click();
  await page.locator('[data-testid="reanalyse-result"]', { hasText: 'no answer from the server' }).waitFor({ timeout: WAIT_MS });
  await expect(result.textContent()).resolves.toMatch(/^Not re-analysed: no answer from the server \(.+\)$/);
  expect(pageErrors).toEqual([]);
});
