// The posture timeline on a long session, in headless Chromium against the real server: a
// two-hour transcript (1,500 turns, a customer and a rep, roles in the JSON upload) is fitted
// into the panel at first; zooming in widens the chart past its viewport, scrollable, with
// finer ticks, while the lane names stay put; a cue far to the right is scrolled to and
// clicked, focusing its turn; Fit shows the whole meeting again. Played live, the same
// session starts at its last ten minutes and the view follows the playhead until the user
// scrolls away; Follow brings it back. On a short stored session, a marker reached by Tab keeps
// the keyboard focus (and a hovered one its element) when a new turn's signal redraws the chart,
// and the focus moves to the group it merges into when zoomed out, and back when zoomed in.
// By keyboard, End, Home and the arrows reach every marker of the zoomed long session, drawn or not.
// The chart is one Tab stop: Tab lands on one marker, the arrows (Up/Down between rows) move the
// focus and the stop with it, the next Tab leaves; zoomed where nothing is drawn, the chart is the stop.
import type { Locator, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SessionSnapshot, Signal } from '../../protocol/protocol';
import { api } from '../integration/harness';
import { getJson, openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
const SHOTS = '/tmp/timeline-zoom';

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const REP = 'Rep Sun';
const CUSTOMER = '周女士';
/** What the two say, in turn: questions about price and terms, doubts, agreement, small talk. */
const LINES: [string, string][] = [
  ['Thanks for coming in today. Shall we look at the education fund plan?', '好的，你说说看。'],
  ['It runs three years, with about 3.5 % a year in the past.', '三年有点长，万一中间急用钱取不出来怎么办？我还是有点犹豫。'],
  ['You can redeem half of it every quarter, with no fee.', '哦，季度就能赎回啊，那流动性还可以。'],
  ['At maturity it moves straight into your child’s savings account.', '那么，这个需要多少钱？起投金额是多少？'],
  ['From fifty thousand; the fee is half a percent a year.', '管理费能不能再便宜一点？现在有没有什么优惠活动？'],
  ['This month the first year’s fee is twenty percent off.', 'Hmm, that sounds quite worthwhile.'],
  ['Many clients start with fifty thousand and add later.', 'I am not sure, it seems expensive compared to my bank.'],
  ['Let me show you the comparison with deposits.', 'OK, how do I sign up? Can I do it on the app today?'],
];
const TURNS = 1500;
const DURATION_MS = 2 * 3_600_000;

function longTranscript(): string {
  const step = DURATION_MS / TURNS;
  const utterances = Array.from({ length: TURNS }, (_, i) => {
    const [rep, customer] = LINES[Math.floor(i / 2) % LINES.length]!;
    const startMs = Math.round(i * step);
    return { speaker: i % 2 === 0 ? REP : CUSTOMER, text: i % 2 === 0 ? rep : customer, startMs, endMs: startMs + Math.round(step * 0.8) };
  });
  return JSON.stringify({
    title: 'Long review: two hours',
    participants: [
      { name: REP, role: 'rep' },
      { name: CUSTOMER, role: 'customer' },
    ],
    utterances,
  });
}

/** The chart's scroll box: its viewport and content widths, and the offset. */
async function scrollBox(page: Page): Promise<{ client: number; scroll: number; left: number }> {
  return page.getByTestId('timeline-scroll').evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth, left: el.scrollLeft }));
}

async function upload(page: Page): Promise<void> {
  await page.getByTestId('upload-input').setInputFiles({ name: 'long.json', mimeType: 'application/json', buffer: Buffer.from(longTranscript()) });
  await page.getByTestId('upload-ok').waitFor({ timeout: WAIT_MS });
  await page.locator('[data-testid="view-mode"][data-mode="review"]').waitFor({ timeout: WAIT_MS });
}

async function tickStep(page: Page): Promise<number> {
  return Number(await page.getByTestId('posture-timeline').getAttribute('data-tick-step-ms'));
}

async function box(l: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await l.boundingBox();
  if (!b) throw new Error('not drawn');
  return b;
}

test('a two-hour session: fit, zoom in and scroll to a late cue, click it, fit again', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await upload(page);
  const sessionId = await page.getByTestId('view-title').getAttribute('data-session-id');
  const snap = await getJson<SessionSnapshot>(suite.server, `/api/sessions/${sessionId}`);
  expect(snap.utterances).toHaveLength(TURNS);
  // The last cue that quotes a turn: far to the right of a zoomed view.
  const late = [...snap.cues].reverse().find((c) => c.evidence.some((e) => e.kind === 'verbal'));
  if (!late) throw new Error('the long session raised no cue');
  expect(late.mediaMs).toBeGreaterThan(DURATION_MS * 0.9);
  const lateTurn = late.evidence.find((e) => e.kind === 'verbal')!;

  // Reviewing: the whole meeting fits the panel, no horizontal scroll; markers are grouped.
  const timeline = page.getByTestId('posture-timeline');
  await expect(timeline.getAttribute('data-zoom')).resolves.toBe('fit');
  const fit = await scrollBox(page);
  expect(fit.scroll).toBeLessThanOrEqual(fit.client + 1);
  expect((await box(timeline)).width).toBeGreaterThan(fit.client - 2);
  expect(await page.getByTestId('timeline-cue-group').count()).toBeGreaterThan(0);
  const fitStep = await tickStep(page);
  await expect(page.getByRole('button', { name: 'Fit the whole meeting' }).getAttribute('aria-pressed')).resolves.toBe('true');
  await expect(page.getByRole('button', { name: 'Zoom out', exact: true }).isDisabled()).resolves.toBe(true);
  await page.screenshot({ path: `${SHOTS}-fit-en.png` });

  // Zoom in, three presses: the chart is many viewports wide, scrollable, with finer ticks.
  const zoomIn = page.getByRole('button', { name: 'Zoom in', exact: true });
  for (let i = 0; i < 3; i++) await zoomIn.click();
  await expect(timeline.getAttribute('data-zoom')).resolves.not.toBe('fit');
  const zoomed = await scrollBox(page);
  expect(zoomed.client).toBe(fit.client);
  expect(zoomed.scroll).toBeGreaterThan(zoomed.client * 4);
  expect(await tickStep(page)).toBeLessThan(fitStep);
  const rowNames = page.getByTestId('timeline-gutter').locator('.tl-row-name');
  const namesAt = await box(page.getByTestId('timeline-gutter'));

  // The late cue is far beyond the viewport's right edge: not drawn at all (only what is in
  // and near the view is) until the view scrolls to it; there it stands alone at this zoom.
  const marker = page.locator(`[data-testid="timeline-cue"][data-cue-id="${late.id}"]`);
  const viewport = await box(page.getByTestId('timeline-scroll'));
  await expect(marker.count()).resolves.toBe(0);
  expect(await page.getByTestId('timeline-cue').count()).toBeGreaterThan(0);
  await page.getByTestId('timeline-scroll').evaluate((el, ms) => {
    const svg = el.querySelector('svg')!;
    const x = (Number(ms) / Number(svg.dataset.endMs)) * el.scrollWidth;
    el.scrollLeft = x - el.clientWidth / 2;
  }, late.mediaMs);
  const markerBox = await box(marker.locator('path'));
  expect(markerBox.x).toBeGreaterThan(viewport.x);
  expect(markerBox.x + markerBox.width).toBeLessThan(viewport.x + viewport.width);
  // The row names stayed where they were, at the left (this session has no posture lanes).
  expect(await box(page.getByTestId('timeline-gutter'))).toEqual(namesAt);
  await expect(rowNames.allTextContents()).resolves.toEqual(['Cues', 'Words']);
  await page.screenshot({ path: `${SHOTS}-zoomed-en.png` });

  await marker.locator('path').click();
  const focused = page.locator('[data-testid="utterance"].is-focused');
  await expect(focused.getAttribute('data-utterance-id')).resolves.toBe(String(lateTurn.utteranceId));
  await expect(marker.getAttribute('aria-pressed')).resolves.toBe('true');

  // Ctrl + wheel over the chart zooms too (in, then out), keeping the time under the pointer.
  const before = await tickStep(page);
  await page.mouse.move(viewport.x + viewport.width / 2, viewport.y + 30);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -600);
  await page.keyboard.up('Control');
  await page.waitForFunction((step) => Number(document.querySelector('[data-testid="posture-timeline"]')?.getAttribute('data-tick-step-ms')) < step, before);
  expect((await scrollBox(page)).scroll).toBeGreaterThan(zoomed.scroll);

  // Fit: the whole meeting in the panel again.
  await page.getByRole('button', { name: 'Fit the whole meeting' }).click();
  await expect(timeline.getAttribute('data-zoom')).resolves.toBe('fit');
  const again = await scrollBox(page);
  expect(again.scroll).toBeLessThanOrEqual(again.client + 1);
  expect(await tickStep(page)).toBe(fitStep);

  // In Chinese: the buttons and lane names are relabelled.
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('button', { name: '显示全程' }).waitFor({ timeout: WAIT_MS });
  await page.screenshot({ path: `${SHOTS}-fit-zh.png` });
  await page.getByRole('button', { name: '放大', exact: true }).click();
  await page.getByRole('button', { name: '放大', exact: true }).click();
  await page.getByTestId('timeline-scroll').evaluate((el) => (el.scrollLeft = el.scrollWidth));
  await page.screenshot({ path: `${SHOTS}-zoomed-zh.png` });

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('by keyboard, every marker of a zoomed-in long session is reachable: End, the arrows, Home', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await upload(page);
  const zoomIn = page.getByRole('button', { name: 'Zoom in', exact: true });
  for (let i = 0; i < 3; i++) await zoomIn.click();
  await expect(page.getByTestId('posture-timeline').getAttribute('data-zoom')).resolves.not.toBe('fit');
  await page.getByTestId('timeline-scroll').evaluate((el) => (el.scrollLeft = 0));
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline-scroll"]')!.scrollLeft === 0);
  const viewport = await box(page.getByTestId('timeline-scroll'));
  const drawnKeys = (): Promise<string[]> =>
    page.evaluate(() => [...document.querySelectorAll('[data-testid="posture-timeline"] [data-key][data-ids]')].map((el) => el.getAttribute('data-key')!));
  /** The focused element: its key and time, and whether it lies in the chart's viewport. */
  const focus = (): Promise<{ key: string | null; ms: number; inView: boolean }> =>
    page.evaluate((v) => {
      const el = document.activeElement!;
      const r = el.getBoundingClientRect();
      return {
        key: el.getAttribute('data-key'),
        ms: Number(el.getAttribute('data-media-ms') ?? el.getAttribute('data-start-ms')),
        inView: r.width > 0 && r.x >= v.x && r.x + r.width <= v.x + v.width,
      };
    }, viewport);

  // Tab from the Fit button to the first marker drawn.
  await page.getByTestId('timeline-fit').focus();
  for (let i = 0; i < 10 && (await focus()).key === null; i++) await page.keyboard.press('Tab');
  const first = await focus();
  expect(first.key).not.toBeNull();
  expect(first.inView).toBe(true);
  const before = await drawnKeys();

  // End: the last item of the meeting, far beyond what was drawn, now drawn, in view and focused.
  await page.keyboard.press('End');
  const last = await focus();
  expect(last.key).not.toBeNull();
  expect(before).not.toContain(last.key);
  expect(last.ms).toBeGreaterThan(DURATION_MS * 0.9);
  expect(last.inView).toBe(true);
  expect((await scrollBox(page)).left).toBeGreaterThan(viewport.width * 4);
  await page.screenshot({ path: `${SHOTS}-keyboard-end-en.png` });

  // Left arrow: the one before it in time, in view too; Right: back to the last.
  await page.keyboard.press('ArrowLeft');
  const prev = await focus();
  expect(prev.key).not.toBe(last.key);
  expect(prev.ms).toBeLessThanOrEqual(last.ms);
  expect(prev.inView).toBe(true);
  await page.keyboard.press('ArrowRight');
  await expect(focus()).resolves.toMatchObject({ key: last.key, inView: true });

  // Home: the first item again, the view back at the start; Right steps on in time.
  await page.keyboard.press('Home');
  await expect(focus()).resolves.toMatchObject({ key: first.key, inView: true });
  expect((await scrollBox(page)).left).toBeLessThan(viewport.width);
  await page.keyboard.press('ArrowRight');
  const next = await focus();
  expect(next.key).not.toBe(first.key);
  expect(next.ms).toBeGreaterThanOrEqual(first.ms);
  expect(next.inView).toBe(true);

  // The chart says what it is, and how to use it (aria-describedby).
  await expect(page.getByTestId('posture-timeline').getAttribute('aria-label')).resolves.toContain('Posture timeline');
  await expect(
    page.getByTestId('posture-timeline').evaluate((el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent),
  ).resolves.toContain('Home and End');

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('played live, a long session shows its last ten minutes and follows the playhead until the user scrolls away', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await upload(page);
  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();
  await page.locator('[data-testid="view-mode"][data-mode="live"]').waitFor({ timeout: WAIT_MS });
  const timeline = page.getByTestId('posture-timeline');
  await expect(timeline.getAttribute('data-zoom')).resolves.toBe(String(10 * 60_000));
  const follow = page.getByRole('button', { name: 'Follow the playhead', exact: true });
  await expect(follow.getAttribute('aria-pressed')).resolves.toBe('true');
  await expect(page.getByTestId('timeline-shown').textContent()).resolves.toBe('10 min shown');
  expect((await scrollBox(page)).left).toBe(0);

  // Past nine minutes (about 11 s at 50×) the view pages after the playhead.
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline-scroll"]')!.scrollLeft > 0, undefined, { timeout: WAIT_MS });
  const viewport = await box(page.getByTestId('timeline-scroll'));
  const inView = async (): Promise<boolean> => {
    // Read in one go: the chart is redrawn as turns arrive, so a held element may be gone.
    const x = await page.evaluate(() => document.querySelector('[data-testid="timeline-playhead"]')!.getBoundingClientRect().x);
    return x >= viewport.x && x <= viewport.x + viewport.width;
  };
  await page.screenshot({ path: `${SHOTS}-live-en.png` });
  await expect(inView()).resolves.toBe(true);

  // The user scrolls to the end of the meeting: following stops, and the view stays there.
  await page.getByTestId('timeline-scroll').evaluate((el) => (el.scrollLeft = el.scrollWidth));
  await page.waitForFunction(() => document.querySelector('[aria-label="Follow the playhead"]')?.getAttribute('aria-pressed') === 'false');
  const away = (await scrollBox(page)).left;
  await page.waitForTimeout(1500);
  expect((await scrollBox(page)).left).toBe(away);
  await expect(inView()).resolves.toBe(false);

  // Follow: back at the playhead, following again.
  await follow.click();
  await expect(follow.getAttribute('aria-pressed')).resolves.toBe('true');
  await expect(inView()).resolves.toBe(true);
  await page.getByTestId('stop').click();

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('the stored demo: fitted at first, one step in shows a minute and scrolls, in both languages', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('session-select').selectOption('demo');
  await page.getByTestId('posture-bar').first().waitFor({ timeout: WAIT_MS });
  const timeline = page.getByTestId('posture-timeline');
  await expect(timeline.getAttribute('data-zoom')).resolves.toBe('fit');
  await page.screenshot({ path: `${SHOTS}-demo-fit-en.png` });
  await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
  await expect(timeline.getAttribute('data-zoom')).resolves.toBe('60000');
  const zoomed = await scrollBox(page);
  expect(zoomed.scroll).toBeGreaterThan(zoomed.client * 2);
  // The lane names stay at the left of a scrolled chart.
  await page.getByTestId('timeline-scroll').evaluate((el) => (el.scrollLeft = el.scrollWidth / 3));
  await expect(page.locator('[data-testid="timeline-lane"][data-label="leaning_forward"]').isVisible()).resolves.toBe(true);
  await page.screenshot({ path: `${SHOTS}-demo-zoomed-en.png` });
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('button', { name: '放大', exact: true }).waitFor({ timeout: WAIT_MS });
  await page.screenshot({ path: `${SHOTS}-demo-zoomed-zh.png` });
  await page.getByRole('button', { name: '显示全程', exact: true }).click();
  await page.screenshot({ path: `${SHOTS}-demo-fit-zh.png` });
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

/**
 * Ten minutes, stored: the customer asks about the price at 1:00 and again at 1:06 (one group
 * at fit, apart when zoomed in) and says yes at 8:00; the rep talks in between.
 */
function shortTranscript(): string {
  const turn = (speaker: string, text: string, s: number): { speaker: string; text: string; startMs: number; endMs: number } => ({
    speaker,
    text,
    startMs: s * 1000,
    endMs: s * 1000 + 4000,
  });
  return JSON.stringify({
    title: 'Focus across redraws',
    participants: [
      { name: REP, role: 'rep' },
      { name: CUSTOMER, role: 'customer' },
    ],
    utterances: [
      turn(REP, 'Thanks for coming in today. Shall we look at the education fund plan?', 10),
      turn(CUSTOMER, '那么，这个需要多少钱？起投金额是多少？', 60),
      turn(CUSTOMER, 'How much does it cost? What is the minimum amount?', 66),
      turn(REP, 'From fifty thousand; the fee is half a percent a year.', 200),
      turn(CUSTOMER, 'OK, how do I sign up? Can I do it on the app today?', 480),
      turn(REP, 'Let me show you the form.', 590),
    ],
  });
}

/** What the focused element is: its kind and the signal ids it stands for (data-ids). */
async function focused(page: Page): Promise<{ testid: string | null; mediaMs: string | null; ids: string | null; probe: string | null }> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      testid: el?.getAttribute('data-testid') ?? null,
      mediaMs: el?.getAttribute('data-media-ms') ?? null,
      ids: el?.getAttribute('data-ids') ?? null,
      probe: el?.getAttribute('data-probe') ?? null,
    };
  });
}

/** Ctrl + wheel over the middle of the chart: zooms without moving the keyboard focus. */
async function wheelZoom(page: Page, deltaY: number): Promise<void> {
  const view = await box(page.getByTestId('timeline-scroll'));
  await page.mouse.move(view.x + view.width / 2, view.y + 8);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, deltaY);
  await page.keyboard.up('Control');
}

test('a marker with the keyboard focus keeps it across redraws: a new signal, merged into a group, split out again', async () => {
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=focus.json', undefined, shortTranscript());
  expect(up.status).toBe(201);
  const sessionId = up.body.session.id as string;
  const snap = await getJson<SessionSnapshot>(suite.server, `/api/sessions/${sessionId}`);
  const asked = snap.signals.filter((s) => s.kind === 'verbal' && s.label !== 'neutral' && s.mediaMs < 120_000);
  expect(asked).toHaveLength(2);
  const [first, second] = asked as [Signal, Signal];

  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('session-select').selectOption(sessionId);
  const timeline = page.getByTestId('posture-timeline');
  await page.locator(`[data-testid="timeline-word-group"][data-media-ms="${first.mediaMs}"]`).waitFor({ timeout: WAIT_MS });
  await expect(timeline.getAttribute('data-zoom')).resolves.toBe('fit');
  // Two steps in (2 minutes across the view) the two questions stand apart; scrolled to the start.
  const zoomIn = page.getByRole('button', { name: 'Zoom in', exact: true });
  await zoomIn.click();
  await zoomIn.click();
  await expect(timeline.getAttribute('data-zoom')).resolves.toBe(String(2 * 60_000));
  await page.getByTestId('timeline-scroll').evaluate((el) => (el.scrollLeft = 0));
  await page.locator(`[data-testid="timeline-word"][data-media-ms="${first.mediaMs}"]`).waitFor({ timeout: WAIT_MS });

  // By keyboard: Tab from the Fit button into the chart (one stop), then the arrow keys to the
  // first question's marker. The element is tagged, so a redraw that replaced it (cutting off
  // its tooltip) would show.
  await page.getByTestId('timeline-fit').focus();
  const onFirst = async (): Promise<boolean> => {
    const f = await focused(page);
    return f.testid === 'timeline-word' && f.mediaMs === String(first.mediaMs);
  };
  await page.keyboard.press('Tab');
  await page.keyboard.press('Home');
  for (let i = 0; i < 10 && !(await onFirst()); i++) await page.keyboard.press('ArrowRight');
  await expect(focused(page)).resolves.toMatchObject({ testid: 'timeline-word', mediaMs: String(first.mediaMs) });
  await page.evaluate(() => document.activeElement?.setAttribute('data-probe', 'kept'));
  // The second one is hovered (its tooltip would be showing).
  await page.locator(`[data-testid="timeline-word"][data-media-ms="${second.mediaMs}"]`).hover();
  const scrolled = (await scrollBox(page)).left;

  // 1. A new turn arrives for the session (another window plays into it): the chart takes its
  // signal, and the focus, the hovered marker and the scroll position stay.
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(suite.server.url, { transports: ['websocket'] });
  try {
    await expect(socket.timeout(10_000).emitWithAck('join', { sessionId })).resolves.toMatchObject({ ok: true });
    const said = await socket.timeout(10_000).emitWithAck('utterance', {
      sessionId,
      utterance: { speaker: CUSTOMER, text: 'Is there a discount if I sign up this month?', startMs: 300_000, endMs: 304_000 },
    });
    expect(said.ok).toBe(true);
  } finally {
    socket.close();
  }
  await page.getByTestId('utterance').filter({ hasText: 'discount if I sign up' }).getByTestId('signal-label').waitFor({ timeout: WAIT_MS });
  await expect(focused(page)).resolves.toEqual({ testid: 'timeline-word', mediaMs: String(first.mediaMs), ids: String(first.id), probe: 'kept' });
  await expect(page.locator(`[data-testid="timeline-word"][data-media-ms="${second.mediaMs}"]`).evaluate((el) => el.matches(':hover'))).resolves.toBe(true);
  expect((await scrollBox(page)).left).toBe(scrolled);

  // 2. Zoomed out to fit (Ctrl + wheel, the focus stays on the marker): the two questions are
  // one group now, and the group has the focus.
  await wheelZoom(page, 2000);
  await page.waitForFunction(() => document.querySelector('[data-testid="posture-timeline"]')?.getAttribute('data-zoom') === 'fit');
  const group = await focused(page);
  expect(group.testid).toBe('timeline-word-group');
  expect(group.ids?.split(' ')).toEqual([String(first.id), String(second.id)]);

  // 3. Zoomed in again: the group splits, and its first marker has the focus.
  await wheelZoom(page, -1000);
  await page.waitForFunction(() => document.querySelector('[data-testid="posture-timeline"]')?.getAttribute('data-zoom') !== 'fit');
  await expect(focused(page)).resolves.toMatchObject({ testid: 'timeline-word', mediaMs: String(first.mediaMs), ids: String(first.id) });

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('the timeline is one Tab stop: Tab lands on one marker, the arrow keys (Up and Down too) move, one more Tab leaves it', async () => {
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=roving.json', undefined, shortTranscript());
  expect(up.status).toBe(201);
  const sessionId = up.body.session.id as string;
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('session-select').selectOption(sessionId);
  await page.getByTestId('timeline-word-group').first().waitFor({ timeout: WAIT_MS });
  await page.getByTestId('timeline-cue').first().waitFor({ timeout: WAIT_MS });
  /** Where the focus is: a timeline item's key and row, or outside the chart (and whether after it). */
  const where = (): Promise<{ key: string | null; testid: string | null; inChart: boolean; afterChart: boolean }> =>
    page.evaluate(() => {
      const el = document.activeElement!;
      const chart = document.querySelector('[data-testid="posture-timeline"]')!;
      return {
        key: el.getAttribute('data-key'),
        testid: el.getAttribute('data-testid'),
        inChart: chart.contains(el),
        afterChart: !chart.contains(el) && (chart.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
      };
    });
  const stops = (): Promise<string[]> =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="posture-timeline"] [tabindex="0"], [data-testid="posture-timeline"][tabindex="0"]')].map(
        (el) => el.getAttribute('data-key') ?? 'chart',
      ),
    );
  const drawn = await page.locator('[data-testid="posture-timeline"] [data-key][data-ids]').count();
  expect(drawn).toBeGreaterThan(2);
  // Exactly one item is in the Tab order.
  expect(await stops()).toHaveLength(1);

  // Tab from the Fit button: onto that one item.
  await page.getByTestId('timeline-fit').focus();
  await page.keyboard.press('Tab');
  const entered = await where();
  expect(entered.inChart).toBe(true);
  expect(entered.key).not.toBeNull();
  expect(await stops()).toEqual([entered.key]);

  // Home, then Right: the next item in time, which becomes the stop.
  await page.keyboard.press('Home');
  const home = await where();
  await page.keyboard.press('ArrowRight');
  const right = await where();
  expect(right.inChart).toBe(true);
  expect(right.key).not.toBe(home.key);
  expect(await stops()).toEqual([right.key]);

  // Up and Down between the cue row and the word row: the question's cue is above its word.
  const word = page.getByTestId('timeline-word-group').first();
  await word.focus();
  const onWord = await where();
  await page.keyboard.press('ArrowUp');
  const upTo = await where();
  expect(upTo.testid).toMatch(/^timeline-cue/);
  await page.keyboard.press('ArrowUp'); // the top row: it stays put
  await expect(where()).resolves.toMatchObject({ key: upTo.key });
  await page.keyboard.press('ArrowDown');
  await expect(where()).resolves.toMatchObject({ key: onWord.key });
  await page.keyboard.press('ArrowUp');

  // One more Tab leaves the chart, to the next control after it; Shift+Tab comes back to the
  // item last focused.
  await page.keyboard.press('Tab');
  const out = await where();
  expect(out.inChart).toBe(false);
  expect(out.afterChart).toBe(true);
  await page.keyboard.press('Shift+Tab');
  await expect(where()).resolves.toMatchObject({ key: upTo.key, inChart: true });
  expect(await stops()).toEqual([upTo.key]);

  // Zoomed in on a stretch with nothing drawn near it (4:00, half a minute across the view):
  // the chart itself is the stop, and an arrow key goes from it to the item nearest the view.
  const zoomIn = page.getByRole('button', { name: 'Zoom in', exact: true });
  for (let i = 0; i < 6 && !(await zoomIn.isDisabled()); i++) await zoomIn.click();
  await expect(page.getByTestId('posture-timeline').getAttribute('data-zoom')).resolves.toBe('30000');
  await page.getByTestId('timeline-scroll').evaluate((el) => {
    const svg = el.querySelector('svg')!;
    el.scrollLeft = (240_000 / Number(svg.dataset.endMs)) * el.scrollWidth;
  });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="posture-timeline"] [data-key][data-ids]').length === 0);
  expect(await stops()).toEqual(['chart']);
  await page.getByTestId('timeline-fit').focus();
  await page.keyboard.press('Tab');
  await expect(where()).resolves.toMatchObject({ key: null, inChart: true });
  await page.keyboard.press('ArrowRight');
  const near = await where();
  expect(near.inChart).toBe(true);
  expect(near.key).not.toBeNull();
  expect(await stops()).toEqual([near.key]);

  expect(pageErrors).toEqual([]);
  await page.context().close();
});
