// What the server refuses, said in the UI's language, and the session the manager is looking at
// named in the picker — in headless Debian Chromium against the real server: a binary file and
// an over-long line refused in Chinese (naming the line and the limit, not in the server's
// English); after Play the dropdown names the new live session, and roles assigned then reach
// it; a session the server lost in a restart is not resumed turn by turn into refusals, but
// offered again in a new session.
import type { Page } from 'playwright-core';
import type { SessionSnapshot } from '../../protocol/protocol';
import { startServer } from '../../server/main';
import { getJson, openPage as openPageWith, useServerAndBrowser, playDemo } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const openPage = () => openPageWith(suite.browser, suite.server, WAIT_MS);

async function toChinese(page: Page): Promise<void> {
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached', timeout: WAIT_MS });
}

async function uploadFile(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('upload-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
}

test('in Chinese, a binary file and an over-long line are refused in Chinese, naming the line and the limit', async () => {
  const { page, pageErrors } = await openPage();
  await toChinese(page);

  await uploadFile(page, 'photo.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]));
  const error = page.getByTestId('upload-error');
  await error.waitFor({ timeout: WAIT_MS });
  const binary = (await error.textContent()) ?? '';
  expect(binary).toContain('二进制');
  expect(binary).toContain('GB18030');
  expect(binary).not.toMatch(/looks binary|expected/);

  await uploadFile(page, 'long.txt', Buffer.from(`Alice: ${'好'.repeat(2500)}\nBob: 明白。\n`));
  await error.filter({ hasText: '第 1 行' }).waitFor({ timeout: WAIT_MS });
  const long = (await error.textContent()) ?? '';
  expect(long).toMatch(/第 1 行.*2500.*2000/);
  expect(long).not.toMatch(/characters|limit/);
  await expect(page.locator('.upload-error strong').textContent()).resolves.toContain('上传失败');

  // Switching back to English shows the server's own words.
  await page.locator('.lang-btn[data-lang="en"]').click();
  await expect(error.textContent()).resolves.toBe('line 1: text is 2500 characters; the limit is 2000');

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('in Chinese, the warnings of an upload are in Chinese, naming their lines', async () => {
  const { page, pageErrors } = await openPage();
  await toChinese(page);
  const srt = '1\n00:00:01,000 --> 00:00:02,000\nAlice: 你好\n\n2\n00:00:03,000 --> 00:00:04,000\n价格是多少？\n';
  await uploadFile(page, 'w.srt', Buffer.from(srt));
  await page.getByTestId('upload-ok').waitFor({ timeout: WAIT_MS });
  const warnings = await page.locator('.warnings li').allTextContents();
  expect(warnings).toEqual([expect.stringMatching(/^第 6 行：.*Alice/)]);
  expect(warnings[0]).not.toContain('speaker');
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('after Play the dropdown names the live session shown, and roles assigned then reach that session', async () => {
  const { page, pageErrors } = await openPage();
  const file = {
    title: 'Lee call',
    participants: [{ name: 'Dana', role: 'rep' }],
    utterances: [
      { speaker: 'Dana', text: 'Hi Lee, good to see you again.', startMs: 1000, endMs: 3000 },
      { speaker: 'Lee', text: 'So how much would the starter package be?', startMs: 4000, endMs: 7000 },
    ],
  };
  await uploadFile(page, 'lee.json', Buffer.from(JSON.stringify(file)));
  await page.getByTestId('upload-ok').waitFor({ timeout: WAIT_MS });
  const original = await page.getByTestId('view-title').getAttribute('data-session-id');

  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();
  await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });
  const liveId = (await page.getByTestId('view-title').getAttribute('data-session-id'))!;
  expect(liveId).not.toBe(original);
  await expect(page.getByTestId('session-select').inputValue()).resolves.toBe(liveId);
  await expect(page.locator('#session-select option:checked').textContent()).resolves.toMatch(/^Lee call \(live \d\d:\d\d\) — 2 utterances · 0 cues$/);
  // Nothing more is coming: the badge says it is a stored session now.
  await expect(page.getByTestId('view-mode').textContent()).resolves.toBe('Review');

  const select = page.locator('[data-testid="role-select"][data-speaker="Lee"]');
  await select.selectOption('customer');
  await page.getByRole('button', { name: 'Save roles' }).click();
  await page.getByTestId('cue-card').first().waitFor({ timeout: WAIT_MS });

  const live = await getJson<SessionSnapshot>(suite.server, `/api/sessions/${liveId}`);
  expect(live.session.participants).toContainEqual({ name: 'Lee', role: 'customer' });
  expect(live.cues.length).toBeGreaterThan(0);
  const before = await getJson<SessionSnapshot>(suite.server, `/api/sessions/${original}`);
  expect(before.session.participants).not.toContainEqual({ name: 'Lee', role: 'customer' });
  await expect(page.getByTestId('session-select').inputValue()).resolves.toBe(liveId);
  await expect(page.locator('#session-select option:checked').textContent()).resolves.toMatch(/ — 2 utterances · 1 cue$/);

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a session the server lost in a restart is not resumed into refusals: it is played again in a new session', async () => {
  let own = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', log: () => {} });
  const port = own.port;
  try {
    const { page, pageErrors } = await openPageWith(suite.browser, own, WAIT_MS);
    await playDemo(page, '10', 3, WAIT_MS);
    const lost = await page.getByTestId('view-title').getAttribute('data-session-id');
    await own.close();
    await page.locator('body[data-player="paused"]').waitFor({ timeout: WAIT_MS });
    own = await startServer({ port, host: '127.0.0.1', dbPath: ':memory:', log: () => {} });

    // The session is gone with the old server: no Resume into it, one notice offering a new one.
    const notice = page.locator('.notice-error').filter({ hasText: 'no longer exists' });
    await notice.waitFor({ timeout: WAIT_MS });
    await page.locator('body[data-player="stopped"]').waitFor({ timeout: WAIT_MS });
    await expect(page.getByTestId('play').textContent()).resolves.toBe('Play');
    await notice.getByRole('button', { name: 'Start again in a new session' }).click();
    await page.locator('body[data-player="playing"], body[data-player="done"]').waitFor({ timeout: WAIT_MS });
    await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });

    const id = await page.getByTestId('view-title').getAttribute('data-session-id');
    expect(id).not.toBe(lost);
    const demo = await getJson<{ utterances: unknown[] }>(own, '/api/demo');
    const snap = await getJson<SessionSnapshot>(own, `/api/sessions/${id}`);
    expect(snap.utterances).toHaveLength(demo.utterances.length);
    await expect(page.getByTestId('session-select').inputValue()).resolves.toBe(id);
    // No refusal per turn or frame; the notice about the lost session went with the new start.
    await expect(page.locator('.notice-error').count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  } finally {
    await own.close();
  }
});

test('the same refusal again is counted on its notice, not shown again', async () => {
  const { page, pageErrors } = await openPage();
  // Stand in for the server: the first ten posture frames (0:00.0 … 0:01.8, five a second)
  // are refused with the same error (socket.io: "42<id>[event, payload]" out, "43<id>[ack]" back).
  let frames = 0;
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((msg) => {
      const m = typeof msg === 'string' ? /^42(\d+)\["landmarks",/.exec(msg) : null;
      if (m && ++frames <= 10) {
        ws.send(`43${m[1]}${JSON.stringify([{ ok: false, error: { code: 'invalid_input', message: 'refused for the test' } }])}`);
        return;
      }
      upstream.send(msg);
    });
  });
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();
  await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });

  const notices = page.getByTestId('notice');
  await expect(notices.allTextContents()).resolves.toEqual([
    expect.stringMatching(/^The posture frame at 0:01 was rejectedrefused for the test×5/),
    expect.stringMatching(/^The posture frame at 0:00 was rejectedrefused for the test×5/),
  ]);
  // Switching the language words the notices shown again (they kept English before).
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(notices.allTextContents()).resolves.toEqual([
    expect.stringMatching(/^服务器拒收了 0:01 处的姿态帧输入无效。（refused for the test）×5关闭$/),
    expect.stringMatching(/^服务器拒收了 0:00 处的姿态帧输入无效。（refused for the test）×5关闭$/),
  ]);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});
