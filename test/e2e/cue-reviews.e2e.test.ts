// A coach reviews the cues of a stored meeting: marks the price question's cue useful, then a
// false alarm (the pressed toggle again takes it back), by mouse and keyboard; the card shows
// the verdict, the header counts it (in Chinese too) and the dropdown names it; a second window
// sees each verdict live (`cue_reviewed`, matched to its card by the cue's moment), the window
// that gave it applies its answer once and reads nothing again; a reload keeps it; a refusal
// is a notice; Export cue reviews downloads the rows with the verdict (the footer's link every
// session's, or a notice when there are none); and a role change that takes the cue away
// (the customer made a rep) leaves the verdict on no card, counted in the header as an earlier
// verdict, back on its card when the cue is emitted again. Real server, real Chromium.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { api } from '../integration/harness';
import { openWatchedSession, useServerAndBrowser, type WatchedPage } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const TRANSCRIPT = {
  participants: [
    { name: 'Mara', role: 'rep' },
    { name: 'Tomas', role: 'customer' },
  ],
  utterances: [
    { speaker: 'Mara', text: 'That covers the onboarding, the reporting and the support hours we include.', startMs: 1000 },
    { speaker: 'Tomas', text: 'Sounds good. What would the price be for our forty drivers per year?', startMs: 6000 },
    { speaker: 'Mara', text: 'For forty drivers it is 9,600 a year, support included.', startMs: 11000 },
  ],
};

const suite = useServerAndBrowser({ seedDemo: false });
let sessionId: string;

beforeAll(async () => {
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=fleet.json', undefined, JSON.stringify(TRANSCRIPT));
  expect(up.status).toBe(201);
  sessionId = up.body.session.id as string;
});

/** A page showing the session; `echoes` collects the `cue_reviewed` frames, `reads` its snapshot reads. */
const openSession = (): Promise<WatchedPage> => openWatchedSession(suite, { sessionId, event: 'cue_reviewed', ready: '[data-testid="cue-card"] >> nth=0', waitMs: WAIT_MS });

const toggle = (page: Page, verdict: 'useful' | 'false_alarm') => page.getByTestId('cue-card').first().locator(`[data-testid="cue-verdict"][data-verdict="${verdict}"]`);
const card = (page: Page) => page.getByTestId('cue-card').first();

test('a coach marks a cue useful, then a false alarm: card, counts, live elsewhere, kept on reload, exported, left aside when the cue goes', async () => {
  const a = await openSession();
  const b = await openSession();
  const { page } = a;
  await expect(page.getByTestId('cue-card').count()).resolves.toBe(1);
  const moment = { type: await card(page).getAttribute('data-cue-type'), mediaMs: await card(page).getAttribute('data-media-ms') };

  // Nothing reviewed yet: no counts, no export; the footer's link says there is nothing.
  await expect(page.getByTestId('cue-reviews-summary').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('cue-reviews-export').isVisible()).resolves.toBe(false);
  await expect(toggle(page, 'useful').getAttribute('aria-pressed')).resolves.toBe('false');
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByTestId('all-cue-reviews').click();
  await page.getByTestId('notice').filter({ hasText: 'No cue has a verdict yet in any session' }).waitFor({ timeout: WAIT_MS });
  expect(downloads).toBe(0);

  // Useful, by mouse.
  let writes = 0;
  page.on('request', (r) => void ((r.method() === 'PUT' || r.method() === 'DELETE') && r.url().includes('review') && writes++));
  await card(page).hover();
  await toggle(page, 'useful').click();
  await page.locator('[data-testid="cue-card"][data-verdict="useful"]').waitFor({ timeout: WAIT_MS });
  await expect(toggle(page, 'useful').getAttribute('aria-pressed')).resolves.toBe('true');
  await expect(card(page).getByTestId('cue-verdict-tag').textContent()).resolves.toBe('Coach: useful');
  await expect(page.getByTestId('cue-reviews-summary').textContent()).resolves.toBe('1 cue reviewed · 1 useful');
  await expect(page.getByTestId('cue-reviews-export').isVisible()).resolves.toBe(true);
  const option = page.locator(`[data-testid="session-select"] option[value="${sessionId}"]`);
  await expect(option.textContent()).resolves.toMatch(/ · 1 cue reviewed$/);
  // The other window sees it come, live, on the card of the same moment.
  await b.page.locator('[data-testid="cue-card"][data-verdict="useful"]').waitFor({ timeout: WAIT_MS });
  await expect(b.page.getByTestId('cue-reviews-summary').textContent()).resolves.toBe('1 cue reviewed · 1 useful');

  // A false alarm, by keyboard: the toggle is in the Tab order, Enter presses it, the focus stays.
  await toggle(page, 'false_alarm').focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="cue-card"][data-verdict="false_alarm"]').waitFor({ timeout: WAIT_MS });
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-verdict'))).resolves.toBe('false_alarm');
  await expect(toggle(page, 'useful').getAttribute('aria-pressed')).resolves.toBe('false');
  await expect(toggle(page, 'false_alarm').getAttribute('aria-pressed')).resolves.toBe('true');
  await expect(page.getByTestId('cue-reviews-summary').textContent()).resolves.toBe('1 cue reviewed · 0 useful');
  await b.page.locator('[data-testid="cue-card"][data-verdict="false_alarm"]').waitFor({ timeout: WAIT_MS });

  // The saving window applied its answers once: the echoes came and changed nothing.
  await page.waitForTimeout(300);
  expect(a.echoes.length).toBeGreaterThanOrEqual(2);
  expect(writes).toBe(2);
  expect(a.reads).toEqual([]);
  expect(b.reads).toEqual([]);

  // In Chinese.
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(card(page).getByTestId('cue-verdict-tag').textContent()).resolves.toBe('教练：误报');
  await expect(toggle(page, 'useful').textContent()).resolves.toBe('有用');
  await expect(toggle(page, 'false_alarm').textContent()).resolves.toBe('误报');
  await expect(page.getByTestId('cue-reviews-summary').textContent()).resolves.toBe('已评 1 条提示 · 有用 0 条');
  await expect(page.getByTestId('cue-reviews-export').textContent()).resolves.toBe('导出提示评价');
  await expect(option.textContent()).resolves.toMatch(/ · 已评 1 条提示$/);
  await page.locator('.lang-btn[data-lang="en"]').click();

  // A refusal is a notice, and the card keeps its verdict.
  await page.route('**/cues/*/review', (route) =>
    route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: 'cue 999 does not exist', field: 'cueId' } }) }),
  );
  await toggle(page, 'useful').click();
  const refused = page.getByTestId('notice').filter({ hasText: 'cue 999 does not exist' });
  await refused.waitFor({ timeout: WAIT_MS });
  await expect(refused.locator('strong').textContent()).resolves.toBe('Verdict not saved');
  await expect(card(page).getAttribute('data-verdict')).resolves.toBe('false_alarm');
  await page.unroute('**/cues/*/review');

  // A reload keeps it: it is the server's.
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(sessionId);
  await page.locator('[data-testid="cue-card"][data-verdict="false_alarm"]').waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('cue-reviews-summary').textContent()).resolves.toBe('1 cue reviewed · 0 useful');

  // Export cue reviews: the session's row with the verdict; the footer's link, every session's.
  const download = page.waitForEvent('download');
  await page.getByTestId('cue-reviews-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.jsonl$/);
  const rows = (await readFile(await file.path(), 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ session: sessionId, cue_type: moment.type, media_ms: Number(moment.mediaMs), verdict: 'false_alarm', emitted: true, reason: 'buying_signal' });
  const allDownload = page.waitForEvent('download');
  await page.getByTestId('all-cue-reviews').click();
  const all = await allDownload;
  const allRows = (await readFile(await all.path(), 'utf8')).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { verdict: string });
  expect(allRows.map((r) => r.verdict)).toEqual(['false_alarm']);

  // Tomas becomes a rep (roles changed elsewhere): the price question raises no cue now, so the
  // verdict is on no card; the header counts it as an earlier verdict, the export stays.
  const toRep = await api(suite.server.url, 'PUT', `/api/sessions/${sessionId}/roles`, { roles: { Tomas: 'rep' } });
  expect(toRep.status).toBe(200);
  await page.getByTestId('cue-reviews-earlier').waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('cue-card').count()).resolves.toBe(0);
  await expect(page.getByTestId('cue-verdict-tag').count()).resolves.toBe(0);
  await expect(page.getByTestId('cue-reviews-summary').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('cue-reviews-earlier').textContent()).resolves.toBe('1 earlier verdict on a cue no longer emitted');
  await expect(b.page.getByTestId('cue-reviews-earlier').textContent()).resolves.toBe('1 earlier verdict on a cue no longer emitted');
  const snap = await api(suite.server.url, 'GET', `/api/sessions/${sessionId}`);
  expect(snap.body.cueReviews).toMatchObject([{ verdict: 'false_alarm', cueId: null }]);
  // The export and the dropdown still count it (the server's cueReviewCount: every verdict).
  await expect(page.getByTestId('cue-reviews-export').isVisible()).resolves.toBe(true);
  await expect(option.textContent()).resolves.toMatch(/ · 1 cue reviewed$/);

  // A customer again: the cue is emitted at the same moment, and the verdict is back on its card.
  const back = await api(suite.server.url, 'PUT', `/api/sessions/${sessionId}/roles`, { roles: { Tomas: 'customer' } });
  expect(back.status).toBe(200);
  await page.locator('[data-testid="cue-card"][data-verdict="false_alarm"]').waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('cue-reviews-earlier').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('cue-reviews-summary').textContent()).resolves.toBe('1 cue reviewed · 0 useful');

  // Clicking the pressed toggle takes the verdict back, here and in the other window.
  await toggle(page, 'false_alarm').click();
  await card(page).locator('[data-testid="cue-verdict"][aria-pressed="true"]').waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(card(page).getAttribute('data-verdict')).resolves.toBeNull();
  await expect(page.getByTestId('cue-reviews-summary').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('cue-reviews-export').isVisible()).resolves.toBe(false);
  await b.page.locator('[data-testid="cue-card"]:not([data-verdict])').waitFor({ timeout: WAIT_MS });
  expect((await api(suite.server.url, 'GET', `/api/sessions/${sessionId}`)).body.cueReviews).toEqual([]);

  expect(a.pageErrors).toEqual([]);
  expect(b.pageErrors).toEqual([]);
});
