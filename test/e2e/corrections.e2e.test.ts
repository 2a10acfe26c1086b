// A coach reviews a stored meeting and labels a customer turn with what the verbal model should
// have said: the turn shows the coach's chip and the model's label struck through, the header
// counts the labels and the agreement (in Chinese too), a second window sees the label come
// and go live (`corrected`), the window that saved applies its answer once (its echo changes
// nothing and nothing is read again), a reload keeps it, the keyboard does it all, refusals are
// notices, Export labels downloads the session's eval-verbal rows (the footer's link every
// session's, or a notice when there are none), and a label left on a turn
// whose speaker became a rep is kept aside, uncounted, and removable. Real server, real Chromium.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { api } from '../integration/harness';
import { openWatchedSession, useServerAndBrowser, type WatchedPage } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const TRANSCRIPT = {
  participants: [
    { name: 'Ada', role: 'rep' },
    { name: 'Li', role: 'customer' },
  ],
  utterances: [
    { speaker: 'Ada', text: 'So this is the plan we would propose for your team.', startMs: 1000 },
    { speaker: 'Li', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 5000 },
    { speaker: 'Ada', text: 'For twelve seats it comes to 3,000 a month.', startMs: 9000 },
    { speaker: 'Li', text: 'Fine. Send me the contract and we will sign this week.', startMs: 13000 },
  ],
};

const suite = useServerAndBrowser({ seedDemo: false });
let sessionId: string;

beforeAll(async () => {
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=call.json', undefined, JSON.stringify(TRANSCRIPT));
  expect(up.status).toBe(201);
  sessionId = up.body.session.id as string;
});

/** A page showing the session; `corrected` collects the `corrected` socket frames it receives. */
async function openSession(): Promise<Omit<WatchedPage, 'echoes'> & { corrected: string[] }> {
  const { echoes, ...rest } = await openWatchedSession(suite, { sessionId, event: 'corrected', ready: `[data-testid="utterance"] >> nth=${TRANSCRIPT.utterances.length - 1}`, waitMs: WAIT_MS });
  return { ...rest, corrected: echoes };
}

const turn = (page: Page, n: number) => page.locator(`[data-testid="utterance"]`).nth(n);

test('a coach labels a customer turn: chip, disagreement, counts, live in another window, kept on reload, exported', async () => {
  const a = await openSession();
  const b = await openSession();
  const { page } = a;

  // Only the customer's turns can be labelled.
  await expect(page.getByTestId('label-turn').count()).resolves.toBe(2);
  await expect(turn(page, 0).getByTestId('label-turn').count()).resolves.toBe(0);
  await expect(page.getByTestId('labels-summary').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('labels-export').isVisible()).resolves.toBe(false);
  // The footer's link to every session's labels: with none anywhere yet, a notice, no empty file.
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByTestId('all-labels').click();
  await page.getByTestId('notice').filter({ hasText: 'No turn is labelled yet in any session' }).waitFor({ timeout: WAIT_MS });
  expect(downloads).toBe(0);

  // The price question: whatever the model said of it, the coach says otherwise.
  const price = turn(page, 1);
  const model = (await price.getAttribute('data-label')) ?? 'neutral';
  const coach = model === 'resistance' ? 'discount_request' : 'resistance';
  const coachName = coach === 'resistance' ? 'Resistance' : 'Discount request';

  let puts = 0;
  page.on('request', (r) => void (r.method() === 'PUT' && r.url().includes('/correction') && puts++));
  await price.hover();
  await price.getByTestId('label-turn').click();
  const editor = price.getByTestId('label-editor');
  await editor.waitFor({ timeout: WAIT_MS });
  // It opens on the model's label, focused; a note says how long it may be.
  await expect(editor.locator('input[type="radio"]:checked').getAttribute('value')).resolves.toBe(model);
  await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).resolves.toBe(model);
  await expect(editor.textContent()).resolves.toContain('0 / 500 characters');
  await expect(editor.getByTestId('label-remove').count()).resolves.toBe(0); // nothing to remove yet
  await editor.locator(`input[value="${coach}"]`).check();
  await editor.getByTestId('label-note').fill('Asks the price, but to push back on it');
  await expect(editor.textContent()).resolves.toContain('38 / 500 characters');
  await editor.getByTestId('label-save').click();

  const chip = price.getByTestId('coach-label');
  await chip.waitFor({ timeout: WAIT_MS });
  await expect(chip.getAttribute('data-label')).resolves.toBe(coach);
  await expect(chip.locator('.chip').textContent()).resolves.toBe(`Coach: ${coachName}`);
  await expect(price.getByTestId('label-editor').count()).resolves.toBe(0);
  // The focus is back on the turn's Label button.
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('label-turn');
  // The model's label, struck through, says what it was.
  const struck = price.getByTestId('model-overruled');
  await expect(struck.getAttribute('data-label')).resolves.toBe(model);
  await expect(struck.getAttribute('title')).resolves.toMatch(new RegExp(`^Model said .+; the coach labelled it ${coachName}$`));
  await expect(struck.textContent()).resolves.toMatch(/^Model said: /); // its screen-reader text
  await expect(page.getByTestId('labels-summary').textContent()).resolves.toBe('1 turn labelled · model agrees on 0');
  await expect(page.getByTestId('labels-export').isVisible()).resolves.toBe(true);
  // The session's option in the dropdown counts it too (which meetings have been reviewed).
  const option = page.locator(`[data-testid="session-select"] option[value="${sessionId}"]`);
  await expect(option.textContent()).resolves.toMatch(/ · 1 labelled$/);
  // The cue cards are not changed by a label.
  const cueCards = await page.getByTestId('cue-card').count();

  // The other window sees it come, live.
  await turn(b.page, 1).locator(`[data-testid="coach-label"][data-label="${coach}"]`).waitFor({ timeout: WAIT_MS });
  await expect(b.page.getByTestId('labels-summary').textContent()).resolves.toBe('1 turn labelled · model agrees on 0');

  // The saving window applied its answer: its echo came and changed nothing, nothing was read again.
  await page.waitForTimeout(300);
  expect(a.corrected.length).toBeGreaterThanOrEqual(1);
  expect(puts).toBe(1);
  expect(a.reads).toEqual([]);
  await expect(page.getByTestId('coach-label').count()).resolves.toBe(1);
  await expect(page.getByTestId('cue-card').count()).resolves.toBe(cueCards);

  // In Chinese.
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(chip.locator('.chip').textContent()).resolves.toBe(`教练：${coach === 'resistance' ? '抗拒' : '要求优惠'}`);
  await expect(page.getByTestId('labels-summary').textContent()).resolves.toBe('已标注 1 句发言 · 模型判断一致 0 句');
  await expect(page.getByTestId('labels-export').textContent()).resolves.toBe('导出标注');
  await expect(turn(page, 3).getByTestId('label-turn').textContent()).resolves.toBe('标注');
  await page.locator('.lang-btn[data-lang="en"]').click();

  // By keyboard: the other customer turn, labelled as the model said (its label is the one
  // the editor opens on), so the model agrees on one of two.
  const sign = turn(page, 3);
  const signModel = (await sign.getAttribute('data-label')) ?? 'neutral';
  await sign.getByTestId('label-turn').focus();
  await page.keyboard.press('Enter');
  await sign.getByTestId('label-editor').waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('Escape'); // Escape cancels, the focus goes back
  await expect(sign.getByTestId('label-editor').count()).resolves.toBe(0);
  await expect(page.evaluate(() => document.activeElement?.closest('[data-testid="utterance"]')?.getAttribute('data-utterance-id'))).resolves.toBe(
    await sign.getAttribute('data-utterance-id'),
  );
  await page.keyboard.press('Enter');
  await sign.getByTestId('label-editor').waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('Enter'); // on the checked radio: submits
  await sign.locator(`[data-testid="coach-label"][data-label="${signModel}"]`).waitFor({ timeout: WAIT_MS });
  await expect(sign.getByTestId('model-overruled').count()).resolves.toBe(0);
  await expect(page.getByTestId('labels-summary').textContent()).resolves.toBe('2 turns labelled · model agrees on 1');

  // A refusal is a notice and the editor keeps the coach's choice: a turn no longer a
  // customer's (roles changed elsewhere), then no answer at all, in the client's wording.
  await page.route('**/utterances/*/correction', (route) =>
    route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_customer', message: 'utterance is not a customer turn: "Li" is a rep' } }) }),
  );
  const other = signModel === 'neutral' ? 'purchase_intent' : 'neutral';
  await sign.getByTestId('label-turn').click();
  await sign.locator(`input[value="${other}"]`).check();
  await sign.getByTestId('label-save').click();
  const refused = page.getByTestId('notice').filter({ hasText: 'is not a customer turn' });
  await refused.waitFor({ timeout: WAIT_MS });
  await expect(refused.locator('strong').textContent()).resolves.toBe('Label not saved');
  await expect(sign.locator(`input[value="${other}"]`).isChecked()).resolves.toBe(true);
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(refused.textContent()).resolves.toContain('标注未保存只能标注客户的发言：这句发言的发言人是客户经理，或还没有角色。');
  await page.locator('.lang-btn[data-lang="en"]').click();
  await page.unroute('**/utterances/*/correction');
  await page.route('**/utterances/*/correction', (route) => route.abort('connectionfailed'));
  await sign.getByTestId('label-save').click();
  await page.getByTestId('notice').filter({ hasText: 'no answer from the server' }).waitFor({ timeout: WAIT_MS });
  await page.unroute('**/utterances/*/correction');
  await sign.getByTestId('label-cancel').click();
  await sign.locator(`[data-testid="coach-label"][data-label="${signModel}"]`).waitFor({ timeout: WAIT_MS }); // unchanged

  // A reload keeps the labels: they are the server's.
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(sessionId);
  await turn(page, 1).locator(`[data-testid="coach-label"][data-label="${coach}"]`).waitFor({ timeout: WAIT_MS });
  await expect(turn(page, 1).getByTestId('model-overruled').count()).resolves.toBe(1);
  await expect(page.getByTestId('labels-summary').textContent()).resolves.toBe('2 turns labelled · model agrees on 1');
  // And after the reload (the list read from the server, the header counted again).
  await expect(option.textContent()).resolves.toMatch(/ · 2 labelled$/);

  // Export labels: the session's rows, one per labelled turn, the coach's label as gold.
  const download = page.waitForEvent('download');
  await page.getByTestId('labels-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/-labels\.jsonl$/);
  const rows = (await readFile(await file.path(), 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { text: string; label: string; role?: string; model_label?: string; note?: string });
  expect(rows).toHaveLength(2);
  const priceRow = rows.find((r) => r.text === TRANSCRIPT.utterances[1]!.text);
  expect(priceRow).toMatchObject({ label: coach, role: 'customer', model_label: model, note: 'Asks the price, but to push back on it' });
  expect(rows.find((r) => r.text === TRANSCRIPT.utterances[3]!.text)).toMatchObject({ label: signModel });
  // The footer's link: every session's labels in one file, the same rows here (one session).
  const allDownload = page.waitForEvent('download');
  await page.getByTestId('all-labels').click();
  const all = await allDownload;
  expect(all.suggestedFilename()).toBe('corrections.jsonl');
  const allRows = (await readFile(await all.path(), 'utf8')).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { text: string; label: string });
  expect(allRows.map((r) => [r.text, r.label])).toEqual(rows.map((r) => [r.text, r.label]));

  // Remove: gone here and in the other window.
  await turn(page, 1).getByTestId('label-turn').click();
  await turn(page, 1).getByTestId('label-remove').click();
  await turn(page, 1).getByTestId('coach-label').waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(turn(page, 1).getByTestId('model-overruled').count()).resolves.toBe(0);
  await expect(page.getByTestId('labels-summary').textContent()).resolves.toBe('1 turn labelled · model agrees on 1');
  await turn(b.page, 1).getByTestId('coach-label').waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(b.page.getByTestId('labels-summary').textContent()).resolves.toBe('1 turn labelled · model agrees on 1');
  const snap = await api(suite.server.url, 'GET', `/api/sessions/${sessionId}`);
  expect((snap.body.corrections as { label: string }[]).map((c) => c.label)).toEqual([signModel]);

  expect(b.reads).toEqual([]); // the other window applied the events, it did not read the session again

  // Li becomes a rep (roles changed elsewhere): the session is read again with its label, which
  // the server keeps but no longer exports; it is not counted, and its button can only remove it.
  const roles = await api(suite.server.url, 'PUT', `/api/sessions/${sessionId}/roles`, { roles: { Li: 'rep' } });
  expect(roles.status).toBe(200);
  const aside = turn(page, 3).locator('[data-testid="coach-label"][data-aside]');
  await aside.waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('labels-summary').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('labels-export').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('label-turn').count()).resolves.toBe(1);
  await turn(page, 3).getByTestId('label-turn').click();
  await expect(turn(page, 3).getByTestId('label-option').count()).resolves.toBe(0);
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('label-remove');
  await page.keyboard.press('Enter');
  await aside.waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(page.getByTestId('label-turn').count()).resolves.toBe(0);
  await turn(b.page, 3).getByTestId('coach-label').waitFor({ state: 'detached', timeout: WAIT_MS });
  expect((await api(suite.server.url, 'GET', `/api/sessions/${sessionId}`)).body.corrections).toEqual([]);

  expect(a.pageErrors).toEqual([]);
  expect(b.pageErrors).toEqual([]);
});
