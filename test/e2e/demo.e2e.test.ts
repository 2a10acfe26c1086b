// The browser client against the real server (in-process, port 0, in-memory store, the
// real verbal model) in headless Debian Chromium: playing the demo yields a closing-moment
// cue that quotes the customer's price question; a broken upload shows the server's error.
import type { Browser } from 'playwright-core';
import type { SessionSnapshot } from '../../protocol/protocol';
import { startServer } from '../../server/main';
import { getJson as getJsonFrom, launchChromium, openPage as openPageWith, requireBrowserAndClient } from './browser';

/** Generous: the first run loads the model; nothing here asserts on timing. */
const WAIT_MS = 60_000;
const SCREENSHOT = '/tmp/client.png';

jest.setTimeout(180_000);

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  requireBrowserAndClient();
  server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', log: () => {} });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const openPage = () => openPageWith(browser, server, WAIT_MS);
const getJson = <T>(urlPath: string) => getJsonFrom<T>(server, urlPath);

test('playing the demo shows a closing-moment cue quoting the price question, in both languages', async () => {
  const demo = await getJson<{ utterances: { speaker: string; text: string }[]; participants: { name: string; role: string }[] }>(
    '/api/demo',
  );
  const customers = new Set(demo.participants.filter((p) => p.role === 'customer').map((p) => p.name));
  const priceQuestion = demo.utterances.find((u) => customers.has(u.speaker) && /多少钱|how much|price/i.test(u.text));
  if (!priceQuestion) throw new Error('the demo meeting has no customer price question to look for');

  const { page, pageErrors } = await openPage();
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();

  const closingCard = page
    .locator('[data-testid="cue-card"][data-cue-type="closing_moment"]')
    .filter({ has: page.getByTestId('cue-evidence').filter({ hasText: priceQuestion.text }) })
    .first();
  await closingCard.waitFor({ timeout: WAIT_MS });

  const priceRow = page.getByTestId('utterance').filter({ hasText: priceQuestion.text });
  await priceRow.locator('[data-testid="signal-label"][data-label="price_inquiry"]').waitFor({ timeout: WAIT_MS });
  expect(await priceRow.getAttribute('data-label')).toBe('price_inquiry');
  expect(await priceRow.getAttribute('class')).toContain('has-signal');
  await expect(priceRow.getByTestId('signal-label').textContent()).resolves.toContain('Price question');

  await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });
  await page.screenshot({ path: SCREENSHOT });

  // The demo's posture track was played too: the customer's postures are on the page, and the
  // price-question cue carries the lean as posture evidence.
  const chips = page.getByTestId('posture-chip');
  await chips.first().waitFor({ timeout: WAIT_MS });
  const shown = await chips.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
  expect(shown).toEqual(expect.arrayContaining(['arms_crossed', 'leaning_back', 'leaning_forward']));
  await expect(closingCard.getByTestId('cue-evidence').filter({ hasText: /Leaning in/ }).count()).resolves.toBeGreaterThan(0);

  // The card shows the cue's title in the chosen language: compare with the stored cue.
  const sessionId = await page.getByTestId('view-title').getAttribute('data-session-id');
  expect(sessionId).toBeTruthy();
  const snapshot = await getJson<SessionSnapshot>(`/api/sessions/${sessionId}`);
  const cueId = Number(await closingCard.getAttribute('data-cue-id'));
  const cue = snapshot.cues.find((c) => c.id === cueId);
  if (!cue) throw new Error(`cue ${cueId} is on the page but not in session ${sessionId}`);
  expect(cue.type).toBe('closing_moment');
  const card = page.locator(`[data-testid="cue-card"][data-cue-id="${cueId}"]`);
  await expect(card.getByTestId('cue-title').textContent()).resolves.toBe(cue.title.en);

  await page.getByRole('button', { name: '中文' }).click();
  await page.waitForFunction(
    ({ id, zh }) =>
      document.querySelector(`[data-testid="cue-card"][data-cue-id="${id}"] [data-testid="cue-title"]`)?.textContent === zh,
    { id: cueId, zh: cue.title.zh },
    { timeout: WAIT_MS },
  );
  const zhTitle = (await card.getByTestId('cue-title').textContent()) ?? '';
  expect(zhTitle).toMatch(/[\u4e00-\u9fff]/);
  expect(zhTitle).not.toBe(cue.title.en);
  await expect(priceRow.getByTestId('signal-label').textContent()).resolves.toContain('询价');
  await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
  await page.screenshot({ path: SCREENSHOT.replace('.png', '-zh.png') });

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('uploading a broken transcript shows the server’s error message', async () => {
  const broken = Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:0x.500\n<v Anna>Good morning\n', 'utf8');

  // What the server says about these bytes, asked directly: the page must show exactly this.
  const created = await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: 'probe' }),
  });
  const { session } = (await created.json()) as { session: { id: string } };
  const direct = await fetch(`${server.url}/api/sessions/${session.id}/transcript?format=vtt`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(broken),
  });
  expect(direct.status).toBeGreaterThanOrEqual(400);
  expect(direct.status).toBeLessThan(500);
  const { error } = (await direct.json()) as { error: { message: string } };
  expect(error.message.length).toBeGreaterThan(0);

  const { page, pageErrors } = await openPage();
  await page.getByTestId('upload-input').setInputFiles({ name: 'broken.vtt', mimeType: 'text/vtt', buffer: broken });
  const shown = page.getByTestId('upload-error');
  await shown.waitFor({ timeout: WAIT_MS });
  await expect(shown.textContent()).resolves.toBe(error.message);
  await expect(page.getByRole('alert').first().isVisible()).resolves.toBe(true);

  expect(pageErrors).toEqual([]);
  await page.context().close();
});
