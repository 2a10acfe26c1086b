// Renaming and deleting a session in the browser: Rename beside the title opens a dialog with the
// title to edit (an empty one is refused there, naming why), and the new title shows in this
// window, in another window showing the session, and in the dropdown. Delete asks first in a
// dialog that names the session, says it cannot be undone and offers Export first; Cancel keeps
// it; confirming deletes it, this window goes back to the list, and another window showing it
// says it was deleted and goes back to the list too. A window showing another session sees the
// new session, its counts as turns and comments come in elsewhere, its new title and its
// deletion in its dropdown without Refresh. The demo offers
// neither. In Chinese too. A rename's answer held back behind another window's later rename does
// not put the older title back.
import type { Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { getJson, openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const CALL = ['Dana: Hi Lee, the starter plan is twelve hundred a year.', 'Lee: How much would it be for a team of five?'].join('\n');

async function upload(page: Page, name: string): Promise<string> {
  await page.getByTestId('upload-input').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(CALL) });
  await page.getByTestId('upload-ok').waitFor({ timeout: WAIT_MS });
  return (await page.getByTestId('view-title').getAttribute('data-session-id'))!;
}

/** Counts the page's reads of the whole list (`GET /api/sessions`: the Refresh button's request). */
function countListReads(page: Page): { count: number } {
  const reads = { count: 0 };
  page.on('request', (r) => void (new URL(r.url()).pathname === '/api/sessions' && r.method() === 'GET' && reads.count++));
  return reads;
}

async function optionText(page: Page, id: string): Promise<string> {
  return (await page.locator(`[data-testid="session-select"] option[value="${id}"]`).textContent()) ?? '';
}

test('rename and delete a session through the UI, seen live in another window and in the dropdown of one showing another session; the demo offers neither', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  // The demo preview: neither control.
  await expect(page.getByTestId('rename-session').isHidden()).resolves.toBe(true);
  await expect(page.getByTestId('delete-session').isHidden()).resolves.toBe(true);

  // The stored demo session (rebuilt at each start) offers neither either.
  await page.getByTestId('session-select').selectOption('demo');
  await page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('rename-session').isHidden()).resolves.toBe(true);
  await expect(page.getByTestId('delete-session').isHidden()).resolves.toBe(true);

  // A window showing another session (the stored demo), which never presses Refresh: its
  // dropdown follows the session list (the lobby) all the same.
  const bystander = await openPage(suite.browser, suite.server, WAIT_MS);
  await bystander.page.getByTestId('session-select').selectOption('demo');
  await bystander.page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });
  const demoTurns = await bystander.page.getByTestId('utterance').count();
  const refreshes = countListReads(bystander.page);

  const id = await upload(page, 'dana-lee.txt');
  await expect(page.getByTestId('rename-session').isVisible()).resolves.toBe(true);
  // The new session appears in the bystander's dropdown.
  await bystander.page.locator(`[data-testid="session-select"] option[value="${id}"]`).waitFor({ state: 'attached', timeout: WAIT_MS });
  await expect(optionText(bystander.page, id)).resolves.toContain('dana-lee.txt');
  await expect(optionText(bystander.page, id)).resolves.toContain('2 utterances');
  // Live turns and a comment in the new session from elsewhere: the bystander's option shows the
  // new counts (the lobby's coalesced session_counts), still without Refresh.
  const sender = connect(suite.server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    for (const [i, text] of ['Lee: Does that include support?', 'Dana: Yes, email support is included.', 'Lee: Great, send me the contract.'].entries()) {
      const [speaker, words] = text.split(': ') as [string, string];
      const ack = await sender.timeout(WAIT_MS).emitWithAck('utterance', { sessionId: id, utterance: { speaker, text: words, startMs: 60_000 + i * 5000 } });
      expect(ack.ok).toBe(true);
    }
  } finally {
    sender.close();
  }
  const commented = await fetch(`${suite.server.url}/api/sessions/${id}/comments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mediaMs: 1000, text: 'ask about the team size' }) });
  expect(commented.status).toBe(201);
  await bystander.page.waitForFunction(
    (sid) => {
      const text = document.querySelector(`[data-testid="session-select"] option[value="${sid}"]`)?.textContent ?? '';
      return text.includes('5 utterances') && text.includes('1 comment');
    },
    id,
    { timeout: WAIT_MS },
  );
  const other = await openPage(suite.browser, suite.server, WAIT_MS);
  await other.page.getByTestId('session-select').selectOption(id);
  await other.page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });

  // Rename: the dialog holds the title; an empty one is refused in the dialog, naming why.
  await page.getByTestId('rename-session').click();
  const dialog = page.getByRole('dialog', { name: 'Rename the session' });
  await dialog.waitFor({ timeout: WAIT_MS });
  const input = page.getByLabel('Title', { exact: true });
  await expect(input.inputValue()).resolves.toBe('dana-lee.txt');
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('session-title-input');
  await input.fill('   ');
  await page.getByTestId('session-rename-save').click();
  await expect(page.getByTestId('session-dialog-error').textContent()).resolves.toBe('The title must not be empty.');
  await input.fill('Bank visit with Lee');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached', timeout: WAIT_MS }).catch(() => dialog.waitFor({ state: 'hidden', timeout: WAIT_MS }));
  await page.getByTestId('view-title').getByText('Bank visit with Lee').waitFor({ timeout: WAIT_MS });
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('rename-session');
  // The other window: its title and dropdown follow at once.
  await other.page.getByTestId('view-title').getByText('Bank visit with Lee').waitFor({ timeout: WAIT_MS });
  await expect(optionText(other.page, id)).resolves.toContain('Bank visit with Lee');
  await expect(optionText(page, id)).resolves.toContain('Bank visit with Lee');
  // The bystander's dropdown too, though it shows another session.
  await bystander.page.waitForFunction((sid) => document.querySelector(`[data-testid="session-select"] option[value="${sid}"]`)?.textContent?.includes('Bank visit with Lee'), id, { timeout: WAIT_MS });
  expect((await getJson<{ session: { title: string } }>(suite.server, `/api/sessions/${id}`)).session.title).toBe('Bank visit with Lee');

  // Delete: the dialog names the session, says it cannot be undone, offers a full backup first; Cancel keeps it.
  await page.getByTestId('delete-session').click();
  const confirm = page.getByRole('dialog', { name: 'Delete “Bank visit with Lee”?' });
  await confirm.waitFor({ timeout: WAIT_MS });
  const warning = (await page.getByTestId('session-delete-warning').textContent()) ?? '';
  expect(warning).toContain('“Bank visit with Lee”');
  expect(warning).toContain('This cannot be undone.');
  await expect(confirm.textContent()).resolves.toContain('download a full backup first');
  // Cancel has the focus: Enter does not delete.
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('session-dialog-cancel');
  // It saves what the deletion destroys (labels, verdicts, comments: the Full backup), not only the words (Export).
  const saved = page.waitForEvent('download');
  await page.getByTestId('session-delete-backup').click();
  expect((await saved).suggestedFilename()).toMatch(/^Bank visit with Lee.*\.bsarchive\.json$/);
  await expect(page.getByTestId('session-dialog').isVisible()).resolves.toBe(true);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('session-dialog').isVisible()).resolves.toBe(false);
  expect((await getJson<{ session: { id: string } }>(suite.server, `/api/sessions/${id}`)).session.id).toBe(id);

  await page.getByTestId('delete-session').click();
  await page.getByTestId('session-delete-confirm').click();
  // This window: back to the list (the demo preview), the session gone from the dropdown, a notice.
  await page.getByText('Deleted “Bank visit with Lee”').waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('session-select').inputValue()).resolves.toBe(':demo');
  await expect(page.locator(`[data-testid="session-select"] option[value="${id}"]`).count()).resolves.toBe(0);
  await expect(page.getByTestId('delete-session').isHidden()).resolves.toBe(true);
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('session-select');
  // The other window: a clear notice, and back to the list.
  await other.page.getByText('“Bank visit with Lee” was deleted in another window').waitFor({ timeout: WAIT_MS });
  await expect(other.page.getByTestId('session-select').inputValue()).resolves.toBe(':demo');
  await expect(other.page.getByTestId('utterance').count()).resolves.toBe(0);
  const gone = await fetch(`${suite.server.url}/api/sessions/${id}`);
  expect(gone.status).toBe(404);
  // The bystander: the option gone, its own session still chosen and shown, no notice, no list read again.
  await bystander.page.locator(`[data-testid="session-select"] option[value="${id}"]`).waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(bystander.page.getByTestId('session-select').inputValue()).resolves.toBe('demo');
  await expect(bystander.page.getByTestId('utterance').count()).resolves.toBe(demoTurns);
  await expect(bystander.page.getByText('was deleted in another window').count()).resolves.toBe(0);
  expect(refreshes.count).toBe(0);
  expect(bystander.pageErrors).toEqual([]);
  await bystander.page.context().close();

  expect(pageErrors).toEqual([]);
  expect(other.pageErrors).toEqual([]);
  await other.page.context().close();
  await page.context().close();
});

test('in Chinese: the dialogs’ words, a title too long refused in the dialog naming the limit, and a deletion from elsewhere while the dialog is open closes it and says so', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.locator('.lang-btn[data-lang="zh"]').click();
  const id = await upload(page, 'zh-call.txt');
  await page.getByTestId('delete-session').click();
  await page.getByRole('dialog', { name: '删除“zh-call.txt”？' }).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('session-delete-warning').textContent()).resolves.toContain('此操作无法撤销');
  await page.getByTestId('session-dialog-cancel').click();
  await page.getByTestId('rename-session').click();
  await page.getByRole('dialog', { name: '重命名会谈' }).waitFor({ timeout: WAIT_MS });
  await page.getByLabel('标题', { exact: true }).fill('x'.repeat(201));
  await page.getByTestId('session-rename-save').click();
  await expect(page.getByTestId('session-dialog-error').textContent()).resolves.toBe('标题有 201 个字符，上限为 200 个字符。');
  // Deleted meanwhile by another client: the dialog closes, and the notice says so.
  await fetch(`${suite.server.url}/api/sessions/${id}`, { method: 'DELETE' });
  await page.getByText('“zh-call.txt”已在另一个窗口中删除').waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('session-dialog').isVisible()).resolves.toBe(false);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test("a rename's answer that comes after another window's later rename does not put the older title back", async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  const id = await upload(page, 'race.txt');
  // This window's PATCH reaches the server at once (its session_renamed is sent), but its answer is held back.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**/api/sessions/${id}`, async (route) => {
    if (route.request().method() !== 'PATCH') return route.fallback();
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  await page.getByTestId('rename-session').click();
  await page.getByLabel('Title', { exact: true }).fill('First title');
  await page.keyboard.press('Enter');
  await page.getByTestId('view-title').getByText('First title').waitFor({ timeout: WAIT_MS });
  // Another window renames it again meanwhile; this window hears it.
  const later = await fetch(`${suite.server.url}/api/sessions/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Second title' }) });
  expect(later.status).toBe(200);
  await page.getByTestId('view-title').getByText('Second title').waitFor({ timeout: WAIT_MS });
  // The first rename's answer comes last: the title stays the one the server holds.
  release();
  await page.getByTestId('session-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
  await new Promise((r) => setTimeout(r, 300));
  await expect(page.getByTestId('view-title').textContent()).resolves.toContain('Second title');
  await expect(optionText(page, id)).resolves.toContain('Second title');
  expect((await getJson<{ session: { title: string } }>(suite.server, `/api/sessions/${id}`)).session.title).toBe('Second title');
  expect(pageErrors).toEqual([]);
  await page.context().close();
});
