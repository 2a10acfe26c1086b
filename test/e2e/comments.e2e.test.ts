// A coach reviews the stored demo meeting and comments for the rep: on a turn (its quiet Comment
// button, at the turn's start) and at a moment chosen on the posture timeline (the header's
// Comment, the moment Label posture would take). Each comment shows under the turn being spoken
// then, as text (a hostile one stays text), with its author (remembered for the next comment)
// and a Comments-row marker on the timeline that goes to it; the header counts them (in Chinese
// too), the dropdown names them, a second window sees them come, change and go live
// (`commented`) while the saving window applies its answer once, a reload keeps them, Escape
// cancels, refusals are notices (both languages) that keep the text, and Review report downloads
// the session's Markdown report with the comments in it, in English and in Chinese. Real server,
// real Chromium.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { api } from '../integration/harness';
import { openWatchedSession, useServerAndBrowser, type WatchedPage } from './browser';

const WAIT_MS = 60_000;
const SESSION = 'demo';
const HOSTILE = '<img src=x onerror=alert(1)> **not bold**';
const AUTHOR = 'Coach Mei';

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

/** A page showing the stored demo; `echoes` collects the `commented` frames, `reads` its snapshot reads. */
const openDemo = (): Promise<WatchedPage> => openWatchedSession(suite, { sessionId: SESSION, event: 'commented', ready: '[data-testid="posture-bar"] >> nth=0', waitMs: WAIT_MS });

const turn = (page: Page, n: number) => page.locator('[data-testid="utterance"]').nth(n);
const focusedTestId = (page: Page): Promise<string | null | undefined> => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
/** The id of the turn a comment is shown under ('' above the transcript). */
const turnOf = (page: Page, commentId: string): Promise<string> =>
  page.locator(`[data-testid="comment"][data-comment-id="${commentId}"]`).evaluate((el) => el.closest('[data-testid="utterance"]')?.getAttribute('data-utterance-id') ?? '');

interface StoredComment {
  id: number;
  mediaMs: number;
  text: string;
  author: string | null;
  editedAt: number | null;
}

async function storedComments(): Promise<StoredComment[]> {
  return (await api(suite.server.url, 'GET', `/api/sessions/${SESSION}`)).body.comments as StoredComment[];
}

test('a coach comments on a turn and at a timeline moment: inline, on the timeline, edited, live elsewhere, kept on reload, in the review report', async () => {
  const a = await openDemo();
  const b = await openDemo();
  const { page } = a;
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });

  // No comments yet: no count, no marker row; the review report is offered for any stored session.
  await expect(page.getByTestId('comments-summary').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('timeline-comment').count()).resolves.toBe(0);
  await expect(page.getByTestId('review-report').isVisible()).resolves.toBe(true);
  await expect(page.getByTestId('review-report').textContent()).resolves.toBe('Review report');
  await expect(page.getByTestId('comment-button').textContent()).resolves.toBe('Comment');
  let posts = 0;
  page.on('request', (r) => void (r.method() === 'POST' && r.url().includes('/comments') && posts++));

  // On a turn: its quiet Comment button beside Label (every turn has one, not only customers').
  await expect(page.getByTestId('comment-turn').count()).resolves.toBe(await page.getByTestId('utterance').count());
  const second = turn(page, 1);
  const secondId = (await second.getAttribute('data-utterance-id'))!;
  await second.hover();
  await second.getByTestId('comment-turn').click();
  const editor = second.getByTestId('comment-editor');
  await editor.waitFor({ timeout: WAIT_MS });
  await expect(focusedTestId(page)).resolves.toBe('comment-text');
  await expect(editor.textContent()).resolves.toContain('0 / 2000 characters');
  await expect(editor.getByTestId('comment-author').inputValue()).resolves.toBe(''); // nothing remembered yet
  await expect(editor.getByTestId('comment-save').isDisabled()).resolves.toBe(true); // no text, no save
  await expect(editor.getByTestId('comment-editor-delete').count()).resolves.toBe(0);
  await editor.getByTestId('comment-text').fill(HOSTILE);
  await expect(editor.textContent()).resolves.toContain(`${HOSTILE.length} / 2000 characters`);
  await editor.getByTestId('comment-author').fill(AUTHOR);
  await editor.getByTestId('comment-save').click();

  const first = second.getByTestId('comment');
  await first.waitFor({ timeout: WAIT_MS });
  await expect(second.getByTestId('comment-editor').count()).resolves.toBe(0);
  await expect(focusedTestId(page)).resolves.toBe('comment-turn'); // back where it was opened from
  // Text as text: the markup is shown, nothing of it became an element, no script ran.
  await expect(first.getByTestId('comment-body').textContent()).resolves.toBe(HOSTILE);
  await expect(first.locator('img').count()).resolves.toBe(0);
  await expect(first.getByTestId('comment-author-name').textContent()).resolves.toBe(AUTHOR);
  await expect(first.getByTestId('comment-edited').count()).resolves.toBe(0);
  const firstId = (await first.getAttribute('data-comment-id'))!;
  const startMs = (await storedComments()).find((c) => String(c.id) === firstId)!.mediaMs;
  await expect(first.getAttribute('data-media-ms')).resolves.toBe(String(startMs)); // at the turn's start
  await expect(page.getByTestId('comments-summary').textContent()).resolves.toBe('1 comment');
  const option = page.locator(`[data-testid="session-select"] option[value="${SESSION}"]`);
  await expect(option.textContent()).resolves.toMatch(/ · 1 comment$/);
  // A marker in the timeline's Comments row.
  const marker = page.locator(`[data-testid="timeline-comment"][data-comment-id="${firstId}"]`);
  await marker.waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('timeline-gutter').textContent()).resolves.toContain('Comments');

  // The other window sees it come, live, as text.
  await b.page.locator(`[data-testid="comment"][data-comment-id="${firstId}"]`).waitFor({ timeout: WAIT_MS });
  await expect(turnOf(b.page, firstId)).resolves.toBe(secondId);
  await expect(b.page.locator(`[data-comment-id="${firstId}"] [data-testid="comment-body"]`).textContent()).resolves.toBe(HOSTILE);
  await expect(b.page.getByTestId('comments-summary').textContent()).resolves.toBe('1 comment');
  // The saving window applied its answer: its echo came and changed nothing, nothing was read again.
  await page.waitForTimeout(300);
  expect(a.echoes.length).toBeGreaterThanOrEqual(1);
  expect(posts).toBe(1);
  expect(a.reads).toEqual([]);
  await expect(page.getByTestId('comment').count()).resolves.toBe(1);

  // At a moment chosen on the timeline: a posture bar, then the header's Comment (the author remembered).
  const bar = page.locator('[data-testid="posture-bar"]').last(); // far from the second turn: its own marker
  await bar.click();
  const barFrom = Number(await bar.getAttribute('data-start-ms'));
  const barTo = Number((await bar.getAttribute('data-end-ms')) ?? Infinity);
  await page.getByTestId('comment-button').click();
  const momentEditor = page.getByTestId('comment-moment-editor').getByTestId('comment-editor');
  await momentEditor.waitFor({ timeout: WAIT_MS });
  await expect(focusedTestId(page)).resolves.toBe('comment-text');
  await expect(momentEditor.getByTestId('comment-author').inputValue()).resolves.toBe(AUTHOR);
  const momentMs = Number(await momentEditor.getAttribute('data-media-ms'));
  expect(momentMs).toBeGreaterThanOrEqual(barFrom);
  expect(momentMs).toBeLessThanOrEqual(barTo);
  await momentEditor.getByTestId('comment-text').fill('Ask for the deal here: she leans in.');
  await page.keyboard.press('Control+Enter'); // saves from the text
  await momentEditor.waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(focusedTestId(page)).resolves.toBe('comment-button');
  await expect(page.getByTestId('comment').count()).resolves.toBe(2);
  const second2 = (await storedComments()).find((c) => c.text === 'Ask for the deal here: she leans in.')!;
  expect(second2).toMatchObject({ mediaMs: momentMs, author: AUTHOR, editedAt: null });
  // Shown under the last turn starting at or before its moment.
  const utterances = (await api(suite.server.url, 'GET', `/api/sessions/${SESSION}`)).body.utterances as { id: number; startMs: number }[];
  const under = utterances.filter((u) => u.startMs <= momentMs).sort((x, y) => y.startMs - x.startMs)[0];
  await expect(turnOf(page, String(second2.id))).resolves.toBe(under ? String(under.id) : '');
  await expect(page.getByTestId('comments-summary').textContent()).resolves.toBe('2 comments');

  // Choosing a marker goes to its comment in the transcript.
  await marker.click();
  await page.locator(`[data-testid="comment"][data-comment-id="${firstId}"].is-focused`).waitFor({ timeout: WAIT_MS });
  // By keyboard too: the marker is in the chart's walk.
  await page.locator(`[data-testid="timeline-comment"][data-comment-id="${second2.id}"]`).focus();
  await page.keyboard.press('Enter');
  await page.locator(`[data-testid="comment"][data-comment-id="${second2.id}"].is-focused`).waitFor({ timeout: WAIT_MS });

  // Edit: in place, Escape cancels (the focus back on Edit), then a new text is saved, marked edited.
  const firstAgain = page.locator(`[data-testid="comment"][data-comment-id="${firstId}"]`);
  await firstAgain.getByTestId('comment-edit').click();
  const inPlace = page.locator(`[data-testid="comment-editor"][data-comment-id="${firstId}"]`);
  await inPlace.waitFor({ timeout: WAIT_MS });
  await expect(inPlace.getByTestId('comment-text').inputValue()).resolves.toBe(HOSTILE);
  await expect(inPlace.getByTestId('comment-author').inputValue()).resolves.toBe(AUTHOR);
  await page.keyboard.press('Escape');
  await inPlace.waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(focusedTestId(page)).resolves.toBe('comment-edit');
  await page.keyboard.press('Enter');
  await inPlace.waitFor({ timeout: WAIT_MS });
  await inPlace.getByTestId('comment-text').fill('Name the price before she asks.');
  await inPlace.getByTestId('comment-author').fill('');
  await inPlace.getByTestId('comment-save').click();
  await inPlace.waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(firstAgain.getByTestId('comment-body').textContent()).resolves.toBe('Name the price before she asks.');
  await expect(firstAgain.getByTestId('comment-edited').textContent()).resolves.toBe('edited');
  await expect(firstAgain.getByTestId('comment-author-name').textContent()).resolves.toBe('Coach'); // no author: "Coach"
  await expect(focusedTestId(page)).resolves.toBe('comment-edit');
  // The other window sees the edit.
  await b.page.locator(`[data-comment-id="${firstId}"] [data-testid="comment-edited"]`).waitFor({ timeout: WAIT_MS });
  await expect(b.page.locator(`[data-comment-id="${firstId}"] [data-testid="comment-body"]`).textContent()).resolves.toBe('Name the price before she asks.');
  // A blank author forgot the name: the next comment's field is empty.
  await turn(page, 0).hover();
  await turn(page, 0).getByTestId('comment-turn').click();
  await expect(turn(page, 0).getByTestId('comment-author').inputValue()).resolves.toBe('');
  await page.keyboard.press('Escape');
  await turn(page, 0).getByTestId('comment-editor').waitFor({ state: 'detached', timeout: WAIT_MS });

  // Review report: the session's Markdown with the comments in it, in the page's language.
  const reportUrls: string[] = [];
  page.on('request', (r) => void (r.url().includes('/review.md') && reportUrls.push(r.url())));
  const download = page.waitForEvent('download');
  await page.getByTestId('review-report').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/-review\.md$/);
  const en = await readFile(await file.path(), 'utf8');
  expect(en).toContain('Name the price before she asks.');
  expect(en).toContain('Ask for the deal here: she leans in.');
  expect(en).toContain(AUTHOR);
  expect(en).toContain('Comments: 2'); // the summary counts them
  expect(reportUrls.pop()).toMatch(/review\.md\?lang=en$/);

  // In Chinese: the header, the buttons, the marker row, and the report's language.
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(page.getByTestId('comments-summary').textContent()).resolves.toBe('2 条点评');
  await expect(page.getByTestId('review-report').textContent()).resolves.toBe('复盘报告');
  await expect(page.getByTestId('comment-button').textContent()).resolves.toBe('点评');
  await expect(turn(page, 0).getByTestId('comment-turn').textContent()).resolves.toBe('点评');
  await expect(firstAgain.getByTestId('comment-edited').textContent()).resolves.toBe('已编辑');
  await expect(page.getByTestId('timeline-gutter').textContent()).resolves.toContain('点评');
  const zhDownload = page.waitForEvent('download');
  await page.getByTestId('review-report').click();
  const zhFile = await zhDownload;
  const zh = await readFile(await zhFile.path(), 'utf8');
  expect(zh).toContain('Name the price before she asks.');
  expect(zh).toContain('点评：2 条'); // headings in Chinese, the words as typed
  expect(zh).not.toContain('Comments: 2');
  expect(reportUrls.pop()).toMatch(/review\.md\?lang=zh$/);
  await page.locator('.lang-btn[data-lang="en"]').click();

  // A reload keeps them, where they were, as text.
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(SESSION);
  await page.locator(`[data-testid="comment"][data-comment-id="${firstId}"]`).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('comment').count()).resolves.toBe(2);
  await expect(turnOf(page, firstId)).resolves.toBe(secondId);
  await expect(page.getByTestId('comments-summary').textContent()).resolves.toBe('2 comments');
  await expect(page.getByTestId('timeline-comment').count()).resolves.toBe(2);

  // Delete (on the comment itself): gone here and in the other window.
  await page.locator(`[data-testid="comment"][data-comment-id="${firstId}"]`).getByTestId('comment-delete').click();
  await page.locator(`[data-testid="comment"][data-comment-id="${firstId}"]`).waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(focusedTestId(page)).resolves.toBe('comment-turn'); // its turn's Comment button
  await expect(page.getByTestId('comments-summary').textContent()).resolves.toBe('1 comment');
  await expect(page.locator(`[data-testid="timeline-comment"][data-comment-id="${firstId}"]`).count()).resolves.toBe(0);
  await b.page.locator(`[data-testid="comment"][data-comment-id="${firstId}"]`).waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(b.page.getByTestId('comments-summary').textContent()).resolves.toBe('1 comment');
  // And from the editor.
  await page.locator(`[data-testid="comment"][data-comment-id="${second2.id}"]`).getByTestId('comment-edit').click();
  // (While edited, the comment is drawn as its editor: gone once the delete is done.)
  await page.getByTestId('comment-editor-delete').click();
  await page.locator(`[data-testid="comment-editor"][data-comment-id="${second2.id}"]`).waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(page.locator(`[data-comment-id="${second2.id}"]`).count()).resolves.toBe(0);
  await expect(page.getByTestId('comment-editor').count()).resolves.toBe(0);
  await expect(page.getByTestId('comments-summary').isVisible()).resolves.toBe(false);
  await b.page.getByTestId('comment').first().waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(storedComments()).resolves.toEqual([]);
  expect(b.reads).toEqual([]); // the other window applied the events, it did not read the session again

  expect(dialogs).toBe(0);
  expect(a.pageErrors).toEqual([]);
  expect(b.pageErrors).toEqual([]);
});

test('refusals are notices in both languages, and the editor keeps the text', async () => {
  const { page, pageErrors } = await openDemo();
  // The session is full (409), then a comment gone meanwhile (404): answered here as the server would.
  await page.route(`**/api/sessions/${SESSION}/comments`, (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: 409,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'too_many_comments', message: 'this session holds 1000 comments, the most it can hold', field: 'comments', limit: 1000 } }),
        })
      : route.continue(),
  );
  await turn(page, 2).hover();
  await turn(page, 2).getByTestId('comment-turn').click();
  const editor = turn(page, 2).getByTestId('comment-editor');
  await editor.getByTestId('comment-text').fill('Slow down here.');
  await editor.getByTestId('comment-save').click();
  await page.getByTestId('notice').filter({ hasText: 'Comment not saved' }).filter({ hasText: 'holds 1000 comments' }).waitFor({ timeout: WAIT_MS });
  await expect(editor.getByTestId('comment-text').inputValue()).resolves.toBe('Slow down here.');
  await expect(focusedTestId(page)).resolves.toBe('comment-save');
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await editor.getByTestId('comment-save').click();
  await page.getByTestId('notice').filter({ hasText: '点评未保存' }).filter({ hasText: '此会谈的点评已达上限（1000 条）' }).waitFor({ timeout: WAIT_MS });
  await expect(editor.getByTestId('comment-text').inputValue()).resolves.toBe('Slow down here.');
  await page.locator('.lang-btn[data-lang="en"]').click();
  await page.unroute(`**/api/sessions/${SESSION}/comments`);

  // Saved for real, then its edit refused: the comment was deleted elsewhere as it was saved.
  await editor.getByTestId('comment-save').click();
  const shown = turn(page, 2).getByTestId('comment');
  await shown.waitFor({ timeout: WAIT_MS });
  const id = (await shown.getAttribute('data-comment-id'))!;
  await page.route(`**/api/sessions/${SESSION}/comments/${id}`, (route) =>
    route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: `no comment ${id} in this session`, field: 'commentId' } }) }),
  );
  await shown.getByTestId('comment-edit').click();
  const inPlace = page.locator(`[data-testid="comment-editor"][data-comment-id="${id}"]`);
  await inPlace.getByTestId('comment-text').fill('Slow down, and ask.');
  await inPlace.getByTestId('comment-save').click();
  await page.getByTestId('notice').filter({ hasText: 'Comment not saved' }).filter({ hasText: `no comment ${id}` }).waitFor({ timeout: WAIT_MS });
  await expect(inPlace.getByTestId('comment-text').inputValue()).resolves.toBe('Slow down, and ask.');
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await inPlace.getByTestId('comment-save').click();
  await page.getByTestId('notice').filter({ hasText: '服务器上已没有这条点评' }).waitFor({ timeout: WAIT_MS });
  await page.locator('.lang-btn[data-lang="en"]').click();
  await page.unroute(`**/api/sessions/${SESSION}/comments/${id}`);
  await page.keyboard.press('Escape');

  // Delete it (the real server) so the suite leaves nothing behind.
  expect((await api(suite.server.url, 'DELETE', `/api/sessions/${SESSION}/comments/${id}`)).body).toEqual({ removed: true });
  await shown.waitFor({ state: 'detached', timeout: WAIT_MS });
  expect(pageErrors).toEqual([]);
});
