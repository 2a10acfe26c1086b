// Replaying stored sessions, in headless Debian Chromium against the real server: Play copies
// the whole recording (words and posture track) into a new live session, which gets the same
// cues and posture signals as the original.
import type { Page } from 'playwright-core';
import type { PoseIn, SessionSnapshot } from '../../protocol/protocol';
import { landmarksFromPose } from '../../server/signals/pose/fromLandmarks';
import { ARMS, posture, view } from '../../server/signals/posture/testkit';
import { api } from '../integration/harness';
import { clockMs, getJson as getJsonFrom, openPage as openPageWith, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const openPage = () => openPageWith(suite.browser, suite.server, WAIT_MS);
const getJson = <T>(urlPath: string) => getJsonFrom<T>(suite.server, urlPath);

/** What a replay must reproduce: the cues and the posture signals (times and labels). */
function outcome(s: SessionSnapshot) {
  return {
    cues: s.cues.map((c) => `${c.type}/${c.reason}@${c.mediaMs}`),
    postures: s.signals.flatMap((x) => (x.kind === 'posture' ? [`${x.participant}:${x.label}@${x.mediaMs}-${x.endedMs ?? 'open'}`] : [])),
    verbal: s.signals.filter((x) => x.kind === 'verbal').length,
    utterances: s.utterances.length,
  };
}

/** Selects a stored session, plays it at 50× to the end; the new live session's id. */
async function replay(page: Page, id: string): Promise<string> {
  await page.getByTestId('session-select').selectOption(id);
  await page.locator(`[data-testid="view-title"][data-session-id="${id}"]`).waitFor({ timeout: WAIT_MS });
  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();
  await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });
  const played = await page.getByTestId('view-title').getAttribute('data-session-id');
  if (!played || played === id) throw new Error(`Play did not make a new session (shown: ${played})`);
  return played;
}

test('replaying the stored demo session sends its posture track too: the same cues and posture signals', async () => {
  const original = await getJson<SessionSnapshot>('/api/sessions/demo');
  const want = outcome(original);
  expect(want.postures.length).toBeGreaterThan(0); // the stored demo has a posture track
  expect(original.cues.some((c) => c.evidence.some((e) => e.kind === 'posture'))).toBe(true); // a cue built on a posture

  const { page, pageErrors } = await openPage();
  const played = await replay(page, 'demo');
  expect(outcome(await getJson<SessionSnapshot>(`/api/sessions/${played}`))).toEqual(want);
  // And the page shows as many: the cue count in the head, the postures on the timeline.
  await expect(page.locator('#view-meta').textContent()).resolves.toContain(`${want.utterances} utterances · ${want.cues.length} cues`);
  await expect(page.locator('#posture-count').textContent()).resolves.toBe(String(want.postures.length));

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a stored session of posture alone replays its frames (by media time, which is their stored order here) into the same posture signals and cue', async () => {
  const crossedLeaningBack = (): PoseIn => landmarksFromPose(view(posture(ARMS.crossed, -22), { frameFrom: posture(ARMS.hanging) }));
  const upright = (): PoseIn => landmarksFromPose(view(posture(ARMS.hanging), { frameFrom: posture(ARMS.hanging) }));
  const created = await api(suite.server.url, 'POST', '/api/sessions', { title: 'Posture only', participants: [{ name: 'Dana', role: 'customer' }] });
  const id = created.body.session.id as string;
  const frames = [];
  for (let t = 0; t <= 2000; t += 200) frames.push({ participant: 'Dana', mediaMs: t, poses: [upright()], aspect: 4 / 3 });
  for (let t = 2200; t <= 6000; t += 200) frames.push({ participant: 'Dana', mediaMs: t, poses: [crossedLeaningBack()], aspect: 4 / 3 });
  for (let t = 6200; t <= 8000; t += 200) frames.push({ participant: 'Dana', mediaMs: t, poses: t === 7000 ? [] : [upright()], aspect: 4 / 3 });
  for (let i = 0; i < frames.length; i += 32) expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/landmarks`, frames.slice(i, i + 32))).status).toBe(201);
  const want = outcome(await getJson<SessionSnapshot>(`/api/sessions/${id}`));
  expect(want.postures.length).toBeGreaterThan(0);
  expect(want.cues).toEqual([expect.stringMatching(/^resistance\/closed_posture@/)]);

  const { page, pageErrors } = await openPage();
  const played = await replay(page, id);
  expect(outcome(await getJson<SessionSnapshot>(`/api/sessions/${played}`))).toEqual(want);
  await expect(page.locator('#posture-count').textContent()).resolves.toBe(String(want.postures.length));

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

interface DemoMeeting {
  participants: { name: string; role: string }[];
  utterances: { speaker: string; text: string; startMs: number; endMs?: number }[];
  posture: { participant: string; aspect: number; frames: { mediaMs: number; poses: PoseIn[] }[] };
}

test('a stored session of more frames than a page starts playing before its last page is read, and replays into the same posture signals and cues', async () => {
  // The demo meeting three times over (its words and posture frames shifted in time): 2,103
  // frames, three pages, stored in media order (a turn before the frames of its time) as a
  // live meeting would deliver them.
  const demo = await getJson<DemoMeeting>('/api/demo');
  const p = demo.posture;
  const shift = Math.max(...p.frames.map((f) => f.mediaMs)) + 200;
  const copies = [0, 1, 2];
  const frames = copies.flatMap((k) => p.frames.map((f) => ({ participant: p.participant, mediaMs: f.mediaMs + k * shift, poses: f.poses, aspect: p.aspect })));
  const turns = copies.flatMap((k) => demo.utterances.map((u) => ({ ...u, startMs: u.startMs + k * shift, ...(u.endMs !== undefined ? { endMs: u.endMs + k * shift } : {}) })));
  expect(frames.length).toBeGreaterThan(2000);
  const created = await api(suite.server.url, 'POST', '/api/sessions', { title: 'Three demos', participants: demo.participants });
  expect(created.status).toBe(201);
  const id = created.body.session.id as string;
  let batch: typeof frames = [];
  const flushFrames = async () => {
    if (batch.length) expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/landmarks`, batch)).status).toBe(201);
    batch = [];
  };
  let f = 0;
  for (const u of turns) {
    for (; f < frames.length && (frames[f]?.mediaMs ?? 0) < u.startMs; f++) {
      batch.push(frames[f] as (typeof frames)[number]);
      if (batch.length === 32) await flushFrames();
    }
    await flushFrames();
    expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify([u]))).status).toBe(201);
  }
  for (; f < frames.length; f++) {
    batch.push(frames[f] as (typeof frames)[number]);
    if (batch.length === 32) await flushFrames();
  }
  await flushFrames();
  const want = outcome(await getJson<SessionSnapshot>(`/api/sessions/${id}`));
  expect(want.utterances).toBe(turns.length);
  expect(want.postures.length).toBeGreaterThan(0);
  expect(want.cues.length).toBeGreaterThan(0);

  const { page, pageErrors } = await openPage();
  // Each page of frames the client reads, and whether a turn of the replay was shown by then.
  const pages: { after: number; turnShown: boolean }[] = [];
  await page.route(`**/api/sessions/${id}/landmarks?*`, async (route) => {
    const after = Number(new URL(route.request().url()).searchParams.get('after'));
    // A turn of the new live session (the stored one shows its own before Play).
    const turnShown = await page.evaluate(
      (original) => document.querySelector('[data-testid="view-title"]')?.getAttribute('data-session-id') !== original && document.querySelectorAll('[data-testid="utterance"]').length > 0,
      id,
    );
    pages.push({ after, turnShown });
    await route.continue();
  });
  const played = await replay(page, id);
  // The first page is read before Play starts, the last one while it plays (pages of 1000).
  expect(pages[0]).toEqual({ after: 0, turnShown: false });
  expect(pages.at(-1)?.turnShown).toBe(true);
  expect(pages.length).toBe(3);
  expect(outcome(await getJson<SessionSnapshot>(`/api/sessions/${played}`))).toEqual(want);
  await expect(page.locator('#posture-count').textContent()).resolves.toBe(String(want.postures.length));

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a second window showing the session another window plays watches it live: badge, clock and playhead follow the input', async () => {
  const a = await openPage();
  await a.page.getByTestId('session-select').selectOption(':demo');
  await a.page.getByTestId('speed').selectOption('10');
  await a.page.getByTestId('play').click();
  await a.page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });
  const id = await a.page.getByTestId('view-title').getAttribute('data-session-id');
  if (!id) throw new Error('Play showed no session');
  // A waits while B opens the session, so that A cannot finish first on a slow machine.
  await a.page.getByTestId('pause').click();
  await a.page.locator('body[data-player="paused"]').waitFor({ timeout: WAIT_MS });

  // B opens the session while A plays into it: a stored session, read from the store, that
  // is receiving live turns.
  const b = await openPage();
  await b.page.getByTestId('session-select').selectOption(id);
  await b.page.locator(`[data-testid="view-title"][data-session-id="${id}"]`).waitFor({ timeout: WAIT_MS });
  await a.page.getByTestId('play').click(); // resumes
  await b.page.locator('[data-testid="view-mode"][data-mode="live"]').waitFor({ timeout: WAIT_MS });
  await expect(b.page.getByTestId('view-mode').textContent()).resolves.toBe('Live');
  // The clock follows the media time of what arrives (never ahead of the playing window's).
  const early = await clockMs(b.page);
  expect(early).toBeGreaterThan(0);
  await b.page.waitForFunction((t) => {
    const [m, s] = (document.querySelector('[data-testid="clock"]')?.textContent ?? '').split(':').map(Number);
    return ((m ?? 0) * 60 + (s ?? 0)) * 1000 > t;
  }, early, { timeout: WAIT_MS });
  expect(await clockMs(b.page)).toBeLessThanOrEqual((await clockMs(a.page)) + 1000);
  await b.page.getByTestId('timeline-playhead').waitFor({ state: 'attached', timeout: WAIT_MS });

  // Once A is done, B has every turn A sent, and its clock at the last input.
  await a.page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });
  const total = await a.page.getByTestId('utterance').count();
  await b.page.waitForFunction((n) => document.querySelectorAll('[data-testid="utterance"]').length === n, total, { timeout: WAIT_MS });
  const demo = await getJson<{ utterances: { startMs: number }[] }>('/api/demo');
  const lastTurnMs = Math.max(...demo.utterances.map((u) => u.startMs));
  expect(await clockMs(b.page)).toBeGreaterThanOrEqual(Math.floor(lastTurnMs / 1000) * 1000);
  // A window that only reviews (nothing arriving) still says Review.
  const c = await openPage();
  await c.page.getByTestId('session-select').selectOption('demo');
  await c.page.locator('[data-testid="view-title"][data-session-id="demo"]').waitFor({ timeout: WAIT_MS });
  await expect(c.page.getByTestId('view-mode').getAttribute('data-mode')).resolves.toBe('review');
  await expect(c.page.getByTestId('clock').textContent()).resolves.toBe('0:00');

  expect([...a.pageErrors, ...b.pageErrors, ...c.pageErrors]).toEqual([]);
  for (const p of [a, b, c]) await p.page.context().close();
});

test('a stored session opens at the start of its transcript; read again (roles changed elsewhere) it stays where the reader is', async () => {
  const lines = Array.from({ length: 60 }, (_, i) => `${i % 2 ? 'Lee' : 'Dana'}: Turn number ${i + 1} of a long review.`);
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=long-review.txt', undefined, lines.join('\n') + '\n');
  expect(up.status).toBe(201);
  const id = up.body.session.id as string;

  const { page, pageErrors } = await openPage();
  await page.getByTestId('session-select').selectOption(id);
  await page.getByTestId('utterance').filter({ hasText: 'Turn number 60 ' }).waitFor({ state: 'attached', timeout: WAIT_MS });
  const pane = page.locator('#transcript-scroll');
  const at = () => pane.evaluate((el) => ({ top: el.scrollTop, overflow: el.scrollHeight - el.clientHeight }));
  const opened = await at();
  expect(opened.overflow).toBeGreaterThan(200); // long enough to scroll
  expect(opened.top).toBe(0);
  await expect(page.getByTestId('utterance').first().isVisible()).resolves.toBe(true);

  await pane.evaluate((el) => (el.scrollTop = 200));
  const put = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { Dana: 'rep', Lee: 'customer' } });
  expect(put.status).toBe(200);
  await page.locator('[data-testid="utterance"][data-role="customer"]').first().waitFor({ timeout: WAIT_MS });
  await expect(at()).resolves.toMatchObject({ top: 200 });

  expect(pageErrors).toEqual([]);
  await page.context().close();
});
