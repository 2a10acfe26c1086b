// A coach corrects the transcript in the browser: edits a misheard customer turn's words (the
// turn shows it is being updated, then its new signal, a closing-moment cue card and the
// "edited" marker whose tooltip gives the original words), an over-long text is refused with a
// notice naming the field and limit and the editor kept open, Escape cancels and returns the
// focus, and a turn is deleted after a confirmation naming its words. Real server, real Chromium.
import type { Page } from 'playwright-core';
import { api } from '../integration/harness';
import { openWatchedSession, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const MISHEARD = '这个方案多少前？';
const PRICE_QUESTION = '这个方案多少钱？';
const NOISE = 'uh [inaudible] hmm';

const TRANSCRIPT = {
  participants: [
    { name: 'Ada', role: 'rep' },
    { name: 'Li', role: 'customer' },
  ],
  utterances: [
    { speaker: 'Ada', text: 'Let me show you the plan for your team.', startMs: 1000 },
    { speaker: 'Li', text: MISHEARD, startMs: 5000 },
    { speaker: 'Li', text: NOISE, startMs: 8000 },
  ],
};

const suite = useServerAndBrowser({ seedDemo: false });
let sessionId: string;

beforeAll(async () => {
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=call.json', undefined, JSON.stringify(TRANSCRIPT));
  expect(up.status).toBe(201);
  sessionId = up.body.session.id as string;
});

const turn = (page: Page, n: number) => page.locator('[data-testid="utterance"]').nth(n);

test("a coach edits a turn's words (new signal, cue and edited marker) and deletes a turn after confirming", async () => {
  const { page, pageErrors } = await openWatchedSession(suite, { sessionId, event: 'reanalysed', ready: '[data-testid="utterance"] >> nth=2', waitMs: WAIT_MS });
  const li = turn(page, 1);
  expect(await li.getAttribute('data-label')).toBeNull();
  await expect(page.getByTestId('cue-card').count()).resolves.toBe(0);

  // Edit: the editor opens on the words, focused.
  await li.hover();
  await li.getByTestId('edit-turn').click();
  const editor = li.getByTestId('turn-editor');
  await editor.waitFor({ timeout: WAIT_MS });
  await expect(editor.getByTestId('turn-edit-text').inputValue()).resolves.toBe(MISHEARD);
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('turn-edit-text');
  await expect(editor.getByTestId('turn-edit-speaker').inputValue()).resolves.toBe('Li');

  // Escape cancels; the focus goes back to Edit.
  await page.keyboard.press('Escape');
  await expect(li.getByTestId('turn-editor').count()).resolves.toBe(0);
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('edit-turn');

  // Too long: refused by name and limit, the editor stays open with what was typed.
  await li.getByTestId('edit-turn').click();
  await editor.getByTestId('turn-edit-text').evaluate((el: HTMLTextAreaElement) => {
    el.removeAttribute('maxlength');
  });
  await editor.getByTestId('turn-edit-text').fill('x'.repeat(2001));
  await editor.getByTestId('turn-edit-save').click();
  await page.getByTestId('notice').filter({ hasText: '2000' }).waitFor({ timeout: WAIT_MS });
  await expect(editor.isVisible()).resolves.toBe(true);

  // The homophone corrected: the turn is updated, then shows a price question, a cue, and "edited".
  await editor.getByTestId('turn-edit-text').fill(PRICE_QUESTION);
  await editor.getByTestId('turn-edit-save').click();
  await li.locator('[data-label="price_inquiry"]').first().waitFor({ timeout: WAIT_MS });
  await expect(li.locator('.utt-text').textContent()).resolves.toBe(PRICE_QUESTION);
  await page.getByTestId('cue-card').first().waitFor({ timeout: WAIT_MS });
  const marker = li.getByTestId('turn-edited');
  await expect(marker.textContent()).resolves.toContain('edited');
  await expect(marker.getAttribute('title')).resolves.toContain(MISHEARD);
  await expect(marker.locator('.sr-only').textContent()).resolves.toContain(MISHEARD);
  await expect(li.getByTestId('turn-editor').count()).resolves.toBe(0);
  // Stored: a reload shows the same.
  const stored = (await api(suite.server.url, 'GET', `/api/sessions/${sessionId}`)).body;
  expect(stored.utterances[1]).toMatchObject({ text: PRICE_QUESTION, originalText: MISHEARD });

  // Delete the noise: a confirmation naming its words first; Cancel keeps it.
  const noise = turn(page, 2);
  await noise.hover();
  await noise.getByTestId('delete-turn').click();
  const confirm = noise.getByTestId('turn-delete');
  await confirm.waitFor({ timeout: WAIT_MS });
  await expect(confirm.textContent()).resolves.toContain(NOISE);
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('turn-delete-cancel');
  await confirm.getByTestId('turn-delete-confirm').click();
  await page.locator('[data-testid="utterance"]').nth(2).waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(page.locator('[data-testid="utterance"]').count()).resolves.toBe(2);
  const after = (await api(suite.server.url, 'GET', `/api/sessions/${sessionId}`)).body;
  expect(after.utterances.map((u: { text: string }) => u.text)).toEqual([TRANSCRIPT.utterances[0]!.text, PRICE_QUESTION]);
  expect(pageErrors).toEqual([]);
});

test('after a deletion the focus goes to the next turn, across a chunk of rows, or to the turn before the last; an edit far down keeps the scroll place', async () => {
  // 52 turns: the rows are drawn in chunks of 50 (client/view/rowChunks.ts), so turn 50 is the last of its chunk.
  const long = {
    participants: TRANSCRIPT.participants,
    utterances: Array.from({ length: 52 }, (_, i) => ({ speaker: i % 2 ? 'Li' : 'Ada', text: `Turn number ${i + 1}.`, startMs: 1000 * (i + 1) })),
  };
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=long.json', undefined, JSON.stringify(long));
  expect(up.status).toBe(201);
  const id = up.body.session.id as string;
  const { page, pageErrors } = await openWatchedSession(suite, { sessionId: id, event: 'reanalysed', ready: '[data-testid="utterance"] >> nth=51', waitMs: WAIT_MS });
  const focusedTurn = () => page.evaluate(() => document.activeElement?.closest('[data-testid="utterance"]')?.querySelector('.utt-text')?.textContent ?? `not in a turn: ${document.activeElement?.tagName}`);
  const remove = async (n: number) => {
    const row = turn(page, n);
    const text = await row.locator('.utt-text').textContent();
    await row.scrollIntoViewIfNeeded();
    await row.hover();
    await row.getByTestId('delete-turn').click();
    await row.getByTestId('turn-delete-confirm').click();
    await page.locator('.utt-text', { hasText: text! }).waitFor({ state: 'detached', timeout: WAIT_MS });
  };

  // The 50th turn, the last of its chunk: the focus goes to the 51st (the first of the next chunk).
  await remove(49);
  await expect(focusedTurn()).resolves.toBe('Turn number 51.');
  // The last turn: the focus goes to the turn before it.
  await remove(50);
  await expect(focusedTurn()).resolves.toBe('Turn number 51.');

  // An edit of a turn far down: it stays where it was on the screen.
  const row = turn(page, 40);
  await row.scrollIntoViewIfNeeded();
  const top = await row.evaluate((el) => el.getBoundingClientRect().top);
  await row.hover();
  await row.getByTestId('edit-turn').click();
  await row.getByTestId('turn-edit-text').fill('Turn forty-one, corrected.');
  await row.getByTestId('turn-edit-save').click();
  await page.locator('.utt-text', { hasText: 'Turn forty-one, corrected.' }).waitFor({ timeout: WAIT_MS });
  await expect(focusedTurn()).resolves.toBe('Turn forty-one, corrected.');
  const after = await turn(page, 40).evaluate((el) => el.getBoundingClientRect().top);
  expect(Math.abs(after - top)).toBeLessThan(40);
  expect(pageErrors).toEqual([]);
});

test("another window's edit re-reads the session while the editor is open: the coach's words, the focus and the caret stay", async () => {
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=two.json', undefined, JSON.stringify(TRANSCRIPT));
  const id = up.body.session.id as string;
  const { page, pageErrors, reads } = await openWatchedSession(suite, { sessionId: id, event: 'reanalysed', ready: '[data-testid="utterance"] >> nth=2', waitMs: WAIT_MS });
  const li = turn(page, 1);
  await li.hover();
  await li.getByTestId('edit-turn').click();
  const field = li.getByTestId('turn-edit-text');
  await field.fill('这个方案一年多少钱？');
  // The caret after 这个方案, where the coach is typing.
  await field.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(4, 4));
  await page.keyboard.type('每人');
  const readsBefore = reads.length;
  const other = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body.utterances[2].id as number;
  expect((await api(suite.server.url, 'PATCH', `/api/sessions/${id}/utterances/${other}`, { text: 'uh hmm' })).status).toBe(200);
  await page.locator('.utt-text', { hasText: 'uh hmm' }).waitFor({ timeout: WAIT_MS });
  expect(reads.length).toBeGreaterThan(readsBefore);
  await expect(turn(page, 1).getByTestId('turn-edit-text').inputValue()).resolves.toBe('这个方案每人一年多少钱？');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('turn-edit-text');
  await expect(page.evaluate(() => (document.activeElement as HTMLTextAreaElement).selectionStart)).resolves.toBe(6);
  expect(pageErrors).toEqual([]);
});

test("the turn being edited deleted in another window: the editor goes, and a notice keeps the coach's words", async () => {
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=gone.json', undefined, JSON.stringify(TRANSCRIPT));
  const id = up.body.session.id as string;
  const { page, pageErrors } = await openWatchedSession(suite, { sessionId: id, event: 'reanalysed', ready: '[data-testid="utterance"] >> nth=2', waitMs: WAIT_MS });
  const li = turn(page, 1);
  await li.hover();
  await li.getByTestId('edit-turn').click();
  await li.getByTestId('turn-edit-text').fill('这个方案每人一年多少钱？');
  const target = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body.utterances[1].id as number;
  expect((await api(suite.server.url, 'DELETE', `/api/sessions/${id}/utterances/${target}`)).status).toBe(200);
  await page.locator('[data-testid="utterance"]').nth(2).waitFor({ state: 'detached', timeout: WAIT_MS });
  const notice = page.getByTestId('notice').filter({ hasText: 'deleted in another window' });
  await notice.waitFor({ timeout: WAIT_MS });
  await expect(notice.textContent()).resolves.toContain('这个方案每人一年多少钱？');
  await expect(page.getByTestId('turn-editor').count()).resolves.toBe(0);
  // Not left on the page's body: on the turn that took its place.
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('edit-turn');
  expect(pageErrors).toEqual([]);
});

test("two coaches correct one turn: another window's new words stay when this one changes only the speaker (and show in its open editor)", async () => {
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=both.json', undefined, JSON.stringify(TRANSCRIPT));
  const id = up.body.session.id as string;
  const { page, pageErrors } = await openWatchedSession(suite, { sessionId: id, event: 'reanalysed', ready: '[data-testid="utterance"] >> nth=2', waitMs: WAIT_MS });
  const li = turn(page, 1);
  await li.hover();
  await li.getByTestId('edit-turn').click();
  await li.getByTestId('turn-edit-speaker').selectOption('Ada');
  // Meanwhile another coach corrects the words.
  const target = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body.utterances[1].id as number;
  expect((await api(suite.server.url, 'PATCH', `/api/sessions/${id}/utterances/${target}`, { text: PRICE_QUESTION })).status).toBe(200);
  await li.locator('[data-label="price_inquiry"]').first().waitFor({ timeout: WAIT_MS });
  // The open editor shows the words now stored (this coach had not touched them), its speaker choice kept.
  await expect(li.getByTestId('turn-edit-text').inputValue()).resolves.toBe(PRICE_QUESTION);
  await expect(li.getByTestId('turn-edit-speaker').inputValue()).resolves.toBe('Ada');
  await li.getByTestId('turn-edit-save').click();
  await li.getByTestId('turn-editor').waitFor({ state: 'detached', timeout: WAIT_MS });
  const stored = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body.utterances[1];
  expect(stored).toMatchObject({ text: PRICE_QUESTION, speaker: 'Ada', originalText: MISHEARD, originalSpeaker: 'Li' });
  expect(pageErrors).toEqual([]);
});

test("Delete turn's confirmation shows the words as text, right-to-left words isolated so their punctuation stays with them", async () => {
  const rtl = 'مرحبا بكم!';
  const html = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=rtl.json', undefined, JSON.stringify({
    participants: TRANSCRIPT.participants,
    utterances: [{ speaker: 'Li', text: rtl, startMs: 1000 }, { speaker: 'Li', text: html, startMs: 2000 }],
  }));
  const id = up.body.session.id as string;
  const { page, pageErrors } = await openWatchedSession(suite, { sessionId: id, event: 'reanalysed', ready: '[data-testid="utterance"] >> nth=1', waitMs: WAIT_MS });
  const confirmOn = async (n: number) => {
    const row = turn(page, n);
    await row.hover();
    await row.getByTestId('delete-turn').click();
    const c = row.getByTestId('turn-delete');
    await c.waitFor({ timeout: WAIT_MS });
    return c;
  };
  const first = await confirmOn(0);
  // First-strong isolates (U+2068 … U+2069): the Arabic words' "!" is shown at their end, not after the quote.
  await expect(first.locator('p').first().textContent()).resolves.toContain(`\u2068${rtl}\u2069`);
  await first.getByTestId('turn-delete-cancel').click();
  const second = await confirmOn(1);
  await expect(second.locator('p').first().textContent()).resolves.toContain(html);
  await expect(second.locator('img, b').count()).resolves.toBe(0);
  await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
  expect(pageErrors).toEqual([]);
});
