// A coach backs up a reviewed session and restores it: the stored demo meeting, given a turn
// label, a cue verdict, a posture label and a comment, is downloaded with Full backup (beside
// Export; a refusal is a notice and saves nothing), then chosen in Upload transcript, which
// tells the backup by its format field and restores it as a new session, opened at once: its
// header counts the same labels, verdicts, posture labels and comments, its cues and comment
// show, and its title is the original's. In Chinese the button reads 完整备份. Real server,
// real Chromium.
import { readFile } from 'node:fs/promises';
import type { SessionSnapshot } from '../../protocol/protocol';
import { api } from '../integration/harness';
import { openWatchedSession, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
const SESSION = 'demo';
const SUMMARIES = ['labels-summary', 'cue-reviews-summary', 'posture-labels-summary', 'comments-summary'] as const;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

test('Full backup downloads a reviewed session whole, and Upload transcript restores it as a new session with its labels, verdicts, posture labels, comments and cues', async () => {
  const url = suite.server.url;
  const snap = (await api(url, 'GET', `/api/sessions/${SESSION}`)).body as SessionSnapshot;
  const customerTurn = snap.utterances.find((u) => u.role === 'customer')!;
  const customer = customerTurn.speaker;
  expect((await api(url, 'PUT', `/api/sessions/${SESSION}/utterances/${customerTurn.id}/correction`, { label: 'neutral' })).status).toBe(200);
  expect((await api(url, 'PUT', `/api/sessions/${SESSION}/cues/${snap.cues[0]!.id}/review`, { verdict: 'false_alarm' })).status).toBe(200);
  expect((await api(url, 'PUT', `/api/sessions/${SESSION}/posture-labels`, { participant: customer, mediaMs: 64_200, labels: ['arms_crossed'] })).status).toBe(200);
  expect((await api(url, 'POST', `/api/sessions/${SESSION}/comments`, { mediaMs: 2_000, text: 'Restored with the backup', author: 'Coach Mei' })).status).toBe(201);

  const { page, pageErrors } = await openWatchedSession(suite, { sessionId: SESSION, event: 'commented', ready: '[data-testid="comments-summary"]:visible', waitMs: WAIT_MS });
  const backup = page.getByTestId('archive-link');
  await expect(backup.textContent()).resolves.toBe('Full backup');
  const summaries = async () => Promise.all(SUMMARIES.map((id) => page.getByTestId(id).textContent()));
  const before = await summaries();
  expect(before.every((s) => s !== null && /\d/.test(s))).toBe(true);
  const cues = await page.getByTestId('cue-card').count();
  expect(cues).toBeGreaterThan(0);

  // A refusal is a notice, and nothing is saved.
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.route('**/api/sessions/*/archive', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'shutting_down', message: 'the server is stopping' } }) }));
  await backup.click();
  await page.getByTestId('notice').filter({ hasText: 'Backup not downloaded' }).waitFor({ timeout: WAIT_MS });
  await page.waitForTimeout(300);
  expect(downloads).toBe(0);
  await page.unroute('**/api/sessions/*/archive');

  const download = page.waitForEvent('download');
  await backup.click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.bsarchive\.json$/);
  const saved = await file.path();
  const archive = JSON.parse(await readFile(saved, 'utf8')) as { format: string; comments: unknown[]; frames: unknown[] };
  expect(archive.format).toBe('buying-signals-archive');
  expect(archive.frames.length).toBeGreaterThan(0);

  // Restored through the upload control: a new session, opened.
  await page.getByTestId('upload-input').setInputFiles(saved);
  await page.getByTestId('upload-ok').filter({ hasText: `Restored “${snap.session.title}” from its backup` }).waitFor({ timeout: WAIT_MS });
  const restored = await page.getByTestId('session-select').inputValue();
  expect(restored).not.toBe(SESSION);
  await expect(page.getByTestId('view-title').textContent()).resolves.toBe(snap.session.title);
  await page.waitForFunction((expected) => {
    const texts = expected.ids.map((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '');
    return JSON.stringify(texts) === JSON.stringify(expected.texts);
  }, { ids: [...SUMMARIES], texts: before }, { timeout: WAIT_MS });
  await expect(page.getByTestId('cue-card').count()).resolves.toBe(cues);
  await page.getByTestId('comment').filter({ hasText: 'Restored with the backup' }).waitFor({ timeout: WAIT_MS });
  const copy = (await api(url, 'GET', `/api/sessions/${restored}`)).body as SessionSnapshot;
  expect([copy.corrections.length, copy.cueReviews.length, copy.postureLabels.length, copy.comments.length]).toEqual([1, 1, 1, 1]);

  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(backup.textContent()).resolves.toBe('完整备份');
  expect(pageErrors).toEqual([]);
});
