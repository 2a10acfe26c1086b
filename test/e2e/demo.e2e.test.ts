// The browser client against the real server (in-process, port 0, in-memory store, the
// real verbal model) in headless Debian Chromium: playing the demo yields a closing-moment
// cue that quotes the customer's price question; a broken upload shows the server's error.
import type { Page } from 'playwright-core';
import type { SessionSnapshot } from '../../protocol/protocol';
import { getJson as getJsonFrom, openPage as openPageWith, useServerAndBrowser } from './browser';

/** Generous: the first run loads the model; nothing here asserts on timing. */
const WAIT_MS = 60_000;
const SCREENSHOT = '/tmp/client.png';

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const openPage = () => openPageWith(suite.browser, suite.server, WAIT_MS);
const getJson = <T>(urlPath: string) => getJsonFrom<T>(suite.server, urlPath);

test('playing the demo shows a closing-moment cue quoting the price question, in both languages', async () => {
  const demo = await getJson<{ utterances: { speaker: string; text: string }[]; participants: { name: string; role: string }[] }>(
    '/api/demo',
  );
  const customers = new Set(demo.participants.filter((p) => p.role === 'customer').map((p) => p.name));
  const priceQuestion = demo.utterances.find((u) => customers.has(u.speaker) && /多少钱|how much|price/i.test(u.text));
  if (!priceQuestion) throw new Error('the demo meeting has no customer price question to look for');

  const { page, pageErrors } = await openPage();
  await page.getByTestId('session-select').selectOption(':demo');
  // Before playing, the posture timeline says it has nothing yet.
  await expect(page.getByTestId('posture-empty').textContent()).resolves.toBe('No posture signals yet.');
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

  // The demo's posture track was played too: the customer's postures are bars on the timeline,
  // and the price-question cue carries the lean as posture evidence.
  const bars = page.getByTestId('posture-bar');
  await bars.first().waitFor({ timeout: WAIT_MS });
  const shown = await bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
  expect(shown).toEqual(expect.arrayContaining(['arms_crossed', 'leaning_back', 'leaning_forward']));
  await expect(closingCard.getByTestId('cue-evidence').filter({ hasText: /Leaning in/ }).count()).resolves.toBeGreaterThan(0);
  const cueId = Number(await closingCard.getAttribute('data-cue-id'));
  await checkTimeline(page, cueId);

  // The card shows the cue's title in the chosen language: compare with the stored cue.
  const sessionId = await page.getByTestId('view-title').getAttribute('data-session-id');
  expect(sessionId).toBeTruthy();
  const snapshot = await getJson<SessionSnapshot>(`/api/sessions/${sessionId}`);
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
  // The timeline is relabelled too: lane names and the bars' tooltips.
  const lean = page.locator('[data-testid="timeline-lane"][data-label="leaning_forward"]');
  await expect(lean.textContent()).resolves.toBe('身体前倾');
  await expect(page.locator('[data-testid="timeline-lane"][data-label="arms_crossed"]').textContent()).resolves.toBe('双臂交叉');
  await expect(page.locator('[data-testid="posture-bar"][data-label="leaning_forward"] title').first().textContent()).resolves.toContain('身体前倾');
  await expect(page.locator('.tl-legend').textContent()).resolves.toBe('积极抗拒');
  await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
  await page.screenshot({ path: SCREENSHOT.replace('.png', '-zh.png') });

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

/**
 * After the demo played: bars as wide as their time range on the axis, closed ones closed (the
 * server sends the end), the price-question cue's marker inside the leaning-in bar, the
 * playhead at the end, English lane names; a click on the marker finds the turn.
 */
async function checkTimeline(page: Page, cueId: number): Promise<void> {
  const timeline = page.getByTestId('posture-timeline');
  const axisEndMs = Number(await timeline.getAttribute('data-end-ms'));
  expect(axisEndMs).toBeGreaterThan(100_000); // the demo runs 2:20
  const lane = await page.locator('[data-testid="timeline-lane-bg"][data-label="leaning_forward"]').boundingBox();
  const timelineBox = await timeline.boundingBox();
  if (!lane || !timelineBox) throw new Error('the timeline or its leaning-in lane is not drawn');
  expect(lane.width).toBeGreaterThan(timelineBox.width * 0.6);

  const lean = page.locator('[data-testid="posture-bar"][data-label="leaning_forward"]').first();
  const crossed = page.locator('[data-testid="posture-bar"][data-label="arms_crossed"]').first();
  for (const bar of [lean, crossed]) {
    const startMs = Number(await bar.getAttribute('data-start-ms'));
    const endAttr = await bar.getAttribute('data-end-ms');
    expect(endAttr).not.toBeNull(); // it ended during the demo, and the live page learnt so
    const endMs = Number(endAttr);
    expect(endMs - startMs).toBeGreaterThan(5_000);
    const box = await bar.locator('rect').boundingBox();
    if (!box) throw new Error('a posture bar has no box');
    expect(box.x - lane.x).toBeCloseTo((startMs / axisEndMs) * lane.width, -0.5); // within 1.6 px
    expect(box.width).toBeCloseTo(((endMs - startMs) / axisEndMs) * lane.width, -0.5);
    expect(box.width).toBeGreaterThan(20);
  }
  await expect(crossed.getAttribute('class')).resolves.toContain('is-resisting');
  await expect(lean.getAttribute('class')).resolves.toContain('is-ready');

  // The cue: on the same axis, inside a lean ("price question while leaning in").
  const marker = page.locator(`[data-testid="timeline-cue"][data-cue-id="${cueId}"]`);
  const cueMs = Number(await marker.getAttribute('data-media-ms'));
  const leans = await page
    .locator('[data-testid="posture-bar"][data-label="leaning_forward"]')
    .evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-start-ms')), Number(e.getAttribute('data-end-ms'))]));
  const during = leans.findIndex(([from, to]) => from! <= cueMs && cueMs <= to!);
  expect(during).toBeGreaterThanOrEqual(0);
  const markerBox = await marker.locator('path').boundingBox();
  const leanBox = await page.locator('[data-testid="posture-bar"][data-label="leaning_forward"] rect').nth(during).boundingBox();
  if (!markerBox || !leanBox) throw new Error(`cue ${cueId} has no marker on the timeline`);
  const markerX = markerBox.x + markerBox.width / 2;
  expect(markerX).toBeGreaterThan(leanBox.x);
  expect(markerX).toBeLessThan(leanBox.x + leanBox.width);
  expect(markerX - lane.x).toBeCloseTo((cueMs / axisEndMs) * lane.width, -0.5);
  await expect(marker.locator('title').textContent()).resolves.toMatch(/^Closing moment · \d:\d\d · Score \d+%/);

  const playhead = await page.getByTestId('timeline-playhead').boundingBox();
  expect(playhead && playhead.x).toBeGreaterThan(lane.x + lane.width * 0.95);
  await expect(page.locator('[data-testid="timeline-lane"][data-label="leaning_forward"]').textContent()).resolves.toBe('Leaning in');

  // Clicking the marker takes the transcript to the turn behind the cue (its quoted words).
  const quoted = await page
    .locator(`[data-testid="cue-card"][data-cue-id="${cueId}"] [data-testid="cue-evidence"][data-kind="verbal"]`)
    .first()
    .getAttribute('data-utterance-id');
  expect(quoted).toBeTruthy();
  await marker.locator('path').click();
  const focused = page.locator('[data-testid="utterance"].is-focused');
  await expect(focused.count()).resolves.toBe(1);
  await expect(focused.getAttribute('data-utterance-id')).resolves.toBe(quoted);
  await expect(marker.getAttribute('aria-pressed')).resolves.toBe('true');
}

test('uploading a broken transcript shows the server’s error message', async () => {
  const broken = Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:0x.500\n<v Anna>Good morning\n', 'utf8');

  // What the server says about these bytes, asked directly: the page must show exactly this.
  const created = await fetch(`${suite.server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: 'probe' }),
  });
  const { session } = (await created.json()) as { session: { id: string } };
  const direct = await fetch(`${suite.server.url}/api/sessions/${session.id}/transcript?format=vtt`, {
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
