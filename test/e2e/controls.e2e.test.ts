// The playback controls in headless Debian Chromium against the real server: the clock at a
// speed the sends cannot keep up with, the keyboard focus as Play and Pause disable
// themselves, Play where there is nothing (or nothing right) to play, the page asking before
// a reload ends a playback, and a session the server lost staying on view, read-only.
import type { Page } from 'playwright-core';
import { startServer } from '../../server/main';
import { getJson as getJsonFrom, openPage as openPageWith, useServerAndBrowser, playDemo } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const openPage = () => openPageWith(suite.browser, suite.server, WAIT_MS);
const getJson = <T>(urlPath: string) => getJsonFrom<T>(suite.server, urlPath);

interface Demo {
  utterances: { startMs: number; endMs?: number }[];
  posture?: { frames: { mediaMs: number }[] };
}

/** The id of the element with the focus (its tag if it has none). */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

test('at 50× the clock never passes the meeting’s end nor a turn not yet shown, and never goes back', async () => {
  const demo = await getJson<Demo>('/api/demo');
  // The meeting ends with its last turn or posture frame.
  const endMs = Math.max(...demo.utterances.map((u) => u.endMs ?? u.startMs), ...(demo.posture?.frames ?? []).map((f) => f.mediaMs));
  const starts = demo.utterances.map((u) => u.startMs);
  const { page, pageErrors } = await openPage();
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption('50');
  // Sampled in the page at every frame, the clock and the turns shown read in the same task.
  const sampling = page.evaluate(
    () =>
      new Promise<{ ms: number; turns: number; player: string }[]>((resolve) => {
        const out: { ms: number; turns: number; player: string }[] = [];
        const tick = () => {
          const [m, s] = (document.querySelector('[data-testid="clock"]')?.textContent ?? '0:00').split(':').map(Number);
          const player = document.body.dataset.player ?? '';
          out.push({ ms: ((m ?? 0) * 60 + (s ?? 0)) * 1000, turns: document.querySelectorAll('[data-testid="utterance"]').length, player });
          if (player === 'done' || out.length > 20_000) resolve(out);
          else requestAnimationFrame(tick);
        };
        tick();
      }),
  );
  await page.getByTestId('play').click();
  const samples = await sampling;
  expect(samples.at(-1)?.player).toBe('done');
  const playing = samples.filter((s) => s.player === 'playing');
  expect(playing.length).toBeGreaterThan(10);
  for (const [i, s] of samples.entries()) {
    expect(s.ms).toBeLessThanOrEqual(endMs);
    if (i > 0) expect(s.ms).toBeGreaterThanOrEqual(samples[i - 1]!.ms);
  }
  // The clock (m:ss, rounded down) is never past a turn that is not shown yet.
  for (const s of playing) expect(s.turns).toBeGreaterThanOrEqual(starts.filter((t) => t < s.ms).length);
  await expect(page.getByTestId('clock').textContent()).resolves.toBe(`${Math.floor(endMs / 60_000)}:${String(Math.floor(endMs / 1000) % 60).padStart(2, '0')}`);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('the keyboard focus moves on as Play and Pause disable themselves; a reload while playing asks first', async () => {
  const { page, pageErrors } = await openPage();
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('play').focus();
  await page.keyboard.press('Space');
  await page.locator('body[data-player="playing"]').waitFor({ timeout: WAIT_MS });
  await expect(focused(page)).resolves.toBe('pause-btn');
  await page.keyboard.press('Space');
  await page.locator('body[data-player="paused"]').waitFor({ timeout: WAIT_MS });
  await expect(focused(page)).resolves.toBe('play-btn'); // Resume
  await page.keyboard.press('Space');
  await page.locator('body[data-player="playing"]').waitFor({ timeout: WAIT_MS });
  await expect(focused(page)).resolves.toBe('pause-btn');

  // Closing the page mid-play would end the playback: the browser asks first.
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.dismiss(); // stay
  });
  await page.close({ runBeforeUnload: true });
  for (const end = Date.now() + WAIT_MS; dialogs.length === 0 && Date.now() < end; ) await page.waitForTimeout(50);
  expect(dialogs).toEqual(['beforeunload']);
  expect(page.isClosed()).toBe(false);
  await page.getByTestId('stop').click();
  await page.locator('body[data-player="stopped"]').waitFor({ timeout: WAIT_MS });
  await expect(focused(page)).resolves.not.toBe('BODY');
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a session with nothing in it offers neither Play nor Roles, and says why in both languages', async () => {
  const res = await fetch(`${suite.server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Nothing said', participants: [] }),
  });
  const { session } = (await res.json()) as { session: { id: string } };
  const { page, pageErrors } = await openPage();
  await page.getByTestId('session-select').selectOption(session.id);
  await page.locator(`[data-testid="view-title"][data-session-id="${session.id}"]`).waitFor({ timeout: WAIT_MS });
  const play = page.getByTestId('play');
  await page.locator('#play-btn[aria-describedby="play-hint"]').waitFor({ timeout: WAIT_MS });
  await expect(play.isDisabled()).resolves.toBe(true);
  await expect(page.getByTestId('play-hint').textContent()).resolves.toMatch(/^Nothing to play/);
  await expect(play.getAttribute('title')).resolves.toMatch(/^Nothing to play/);
  await expect(page.getByTestId('roles-toggle').isHidden()).resolves.toBe(true);
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(page.getByTestId('play-hint').textContent()).resolves.toMatch(/^没有可播放的内容/);
  // The demo has something to play: no hint there.
  await page.getByTestId('session-select').selectOption(':demo');
  await expect(play.isDisabled()).resolves.toBe(false);
  await expect(play.getAttribute('aria-describedby')).resolves.toBeNull();
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a window watching another window’s playback offers no Play (it would copy a half-played session)', async () => {
  const a = await openPage();
  await a.page.getByTestId('session-select').selectOption(':demo');
  await a.page.getByTestId('play').click();
  await a.page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });
  const id = await a.page.getByTestId('view-title').getAttribute('data-session-id');
  if (!id) throw new Error('Play showed no session');
  const b = await openPage();
  await b.page.getByTestId('session-select').selectOption(id);
  await b.page.locator('[data-testid="view-mode"][data-mode="live"]').waitFor({ timeout: WAIT_MS });
  await expect(b.page.getByTestId('play').isDisabled()).resolves.toBe(true);
  await expect(b.page.getByTestId('play-hint').textContent()).resolves.toMatch(/being played in another window/);
  await a.page.getByTestId('stop').click();
  expect([...a.pageErrors, ...b.pageErrors]).toEqual([]);
  await a.page.context().close();
  await b.page.context().close();
});

test('a session lost by a restart stays on view read-only, and the dropdown says so; Start again plays it anew', async () => {
  let own = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', log: () => {} });
  const port = own.port;
  try {
    const { page, pageErrors } = await openPageWith(suite.browser, own, WAIT_MS);
    await playDemo(page, '10', 3, WAIT_MS);
    const id = await page.getByTestId('view-title').getAttribute('data-session-id');
    await own.close();
    own = await startServer({ port, host: '127.0.0.1', dbPath: ':memory:', log: () => {} });
    await page.locator('.notice-error').filter({ hasText: 'no longer exists on the server' }).waitFor({ timeout: WAIT_MS });

    // The view and the dropdown agree: the lost session, marked as such.
    const option = page.locator('#session-select option:checked');
    await expect(option.getAttribute('value')).resolves.toBe(id);
    await expect(option.textContent()).resolves.toMatch(/— no longer on the server$/);
    await expect(page.getByTestId('view-title').getAttribute('data-session-id')).resolves.toBe(id);
    await expect(page.locator('#view-meta').textContent()).resolves.toMatch(/no longer on the server$/);
    await expect(page.getByTestId('roles-toggle').isHidden()).resolves.toBe(true);
    // A refresh of the list keeps it.
    await page.locator('#refresh-btn').click();
    await page.waitForTimeout(300);
    await expect(option.getAttribute('value')).resolves.toBe(id);

    await page.getByTestId('notice-action').click();
    await page.locator('body[data-player="playing"]').waitFor({ timeout: WAIT_MS });
    const again = await page.getByTestId('view-title').getAttribute('data-session-id');
    expect(again).not.toBe(id);
    await expect(page.getByTestId('roles-toggle').isHidden()).resolves.toBe(false);
    await expect(page.locator('#session-select option[data-lost]').count()).resolves.toBe(0);
    await page.getByTestId('stop').click();
    expect(pageErrors).toEqual([]);
    await page.context().close();
  } finally {
    await own.close();
  }
});
