// A server with an access token, in headless Chromium: without the token the page is refused;
// the address the server prints (/?token=…) lets the browser in for good (a cookie), and the
// whole client works through it: its API calls, socket.io, a played demo's cue and its Export (and an
// Export that fails: a gone session's 404, no answer, saves nothing and says why).
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

  // Export downloads the played session as a JSON transcript: fetched with the cookie's token,
  // named by the server's Content-Disposition (filename*, the title in Chinese and English).
  const exportLink = page.getByTestId('export-link');
  const download = page.waitForEvent('download');
  await exportLink.click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^演示：教育金理财方案面谈 _ Demo_ education-fund plan meeting \(live \d\d_\d\d\)\.json$/);
  const { readFile } = await import('node:fs/promises');
  const doc = JSON.parse(await readFile(await file.path(), 'utf8')) as { participants: { name: string; role: string }[]; utterances: unknown[] };
  expect(doc.participants).toContainEqual({ name: '李女士', role: 'customer' });
  expect(doc.utterances.length).toBeGreaterThan(0);
  await expect(exportLink.getAttribute('aria-disabled')).resolves.toBe('false');

  // A failed Export saves nothing (a plain link saved the error's body as the transcript) and
  // says why in the notices: the session gone (a restarted server's 404, as the server words it)…
  let downloads = 0;
  page.on('download', () => downloads++);
  const sessionId = await page.getByTestId('view-title').getAttribute('data-session-id');
  const gone = { code: 'not_found', message: `session "${sessionId}" does not exist`, field: 'sessionId' };
  await page.route('**/api/sessions/*/transcript', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: gone }) }));
  await exportLink.click();
  const goneNotice = page.getByTestId('notice').filter({ hasText: gone.message });
  await goneNotice.waitFor({ timeout: WAIT_MS });
  expect(await goneNotice.locator('strong').textContent()).toBe('Not exported');
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(goneNotice.textContent()).resolves.toContain('未导出服务器上没有此会谈（可能已删除，或服务器重启时未保留）。');
  await page.locator('.lang-btn[data-lang="en"]').click();

  // …and no answer at all, the request held, then dropped: the link is disabled meanwhile
  // (a second press sends nothing), and it goes from the keyboard as well.
  await page.unroute('**/api/sessions/*/transcript');
  let requests = 0;
  let drop!: () => void;
  const held = new Promise<void>((resolve) => (drop = resolve));
  await page.route('**/api/sessions/*/transcript', async (route) => {
    requests++;
    await held;
    await route.abort('connectionfailed');
  });
  await exportLink.focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="export-link"][aria-disabled="true"]').waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('Enter');
  await exportLink.click({ force: true });
  drop();
  const offline = page.getByTestId('notice').filter({ hasText: 'no answer from the server' });
  await offline.waitFor({ timeout: WAIT_MS });
  expect(await offline.locator('strong').textContent()).toBe('Not exported');
  expect(requests).toBe(1);
  await page.locator('[data-testid="export-link"][aria-disabled="false"]').waitFor({ timeout: WAIT_MS });
  await page.waitForTimeout(300); // a download would have begun by now
  expect(downloads).toBe(0);
  await page.unroute('**/api/sessions/*/transcript');

  // A reload needs no token: the cookie carries it.
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await context.close();
});
