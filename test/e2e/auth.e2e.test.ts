// A server with an access token, in headless Chromium: without the token the page is refused;
// the address the server prints (/?token=…) lets the browser in for good (a cookie), and the
// whole client works through it: its API calls, socket.io, a played demo's cue and its Export.
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/main';
import { launchChromium, requireBrowserAndClient } from './browser';

const WAIT_MS = 60_000;
const TOKEN = 'e2e-token-0123456789abcdefgh';

jest.setTimeout(180_000);

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  requireBrowserAndClient();
  server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', auth: { token: TOKEN }, log: () => {} });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('the printed address lets a browser in; without the token the page is refused', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const refused = await page.goto(server.url);
  expect(refused?.status()).toBe(401);
  expect(await page.textContent('body')).toContain('"code":"unauthorized"');

  await page.goto(`${server.url}/?token=${TOKEN}`);
  expect(new URL(page.url()).search).toBe(''); // the token left the address bar
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();
  await page.locator('[data-testid="cue-card"][data-cue-type="closing_moment"]').first().waitFor({ timeout: WAIT_MS });

  // Export downloads the played session as a JSON transcript: a plain link, the cookie carries the token.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-link').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.json$/);
  const { readFile } = await import('node:fs/promises');
  const doc = JSON.parse(await readFile(await file.path(), 'utf8')) as { participants: { name: string; role: string }[]; utterances: unknown[] };
  expect(doc.participants).toContainEqual({ name: '李女士', role: 'customer' });
  expect(doc.utterances.length).toBeGreaterThan(0);

  // A reload needs no token: the cookie carries it.
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await context.close();
});
