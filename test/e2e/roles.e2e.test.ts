// Roles can be corrected in the browser: a session whose roles were given wrongly (the rep
// made the customer) offers the role panel again from its header, with every participant and
// their current role, and saving a swap re-analyses it, here and in another window showing it:
// each reads the session once (the saving window from the PUT's answer, not again for its
// `reanalysed` echo; the other window on that echo).
// Also: the panel by keyboard, in Chinese, at phone width, and a refused save worded there.
import type { Page } from 'playwright-core';
import { openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

// No roles in the file. As the customer, Dana's price statement reads as a buying signal; Lee's
// price question and objection give signals only when Lee is the customer.
const CALL = [
  'Dana: Hi Lee, the starter plan is twelve hundred a year.',
  'Lee: How much would it be for a team of five?',
  'Lee: Honestly that is too expensive for us, I am not sure we need it.',
  'Dana: I understand, let me show you what the team plan includes.',
].join('\n');

async function upload(page: Page, name: string, text: string): Promise<void> {
  await page.getByTestId('upload-input').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.getByTestId('upload-ok').waitFor({ timeout: WAIT_MS });
}

/** The ids of the utterances each cue's evidence names. */
function cueEvidenceIds(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="cue-card"] [data-testid="cue-evidence"][data-utterance-id]', (els) =>
    els.map((e) => e.getAttribute('data-utterance-id')!),
  );
}

/** Every GET of the session's snapshot `page` makes from now on (socket joins are not HTTP). */
function snapshotReads(page: Page, id: string): string[] {
  const reads: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === `/api/sessions/${id}`) reads.push(r.url());
  });
  return reads;
}

function utteranceIds(page: Page, speakerText: RegExp): Promise<string[]> {
  return page
    .getByTestId('utterance')
    .filter({ has: page.locator('.utt-speaker', { hasText: speakerText }) })
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-utterance-id')!));
}

test('roles given wrongly are swapped from the session header; signals and cues follow, in this window and another', async () => {
  const { page, pageErrors, echoes } = await openPage(suite.browser, suite.server, WAIT_MS);
  await upload(page, 'dana-lee.txt', CALL);
  const id = (await page.getByTestId('view-title').getAttribute('data-session-id'))!;

  // No roles: the panel opened by itself. The coach swaps them by mistake and saves.
  await page.locator('[data-testid="role-select"][data-speaker="Dana"]').selectOption('customer');
  await page.locator('[data-testid="role-select"][data-speaker="Lee"]').selectOption('rep');
  await page.getByRole('button', { name: 'Save roles' }).click();
  await page.getByTestId('roles-panel').and(page.locator('[hidden]')).waitFor({ state: 'attached', timeout: WAIT_MS });
  const dana = await utteranceIds(page, /^Dana$/);
  const lee = await utteranceIds(page, /^Lee$/);
  expect(dana).toHaveLength(2);
  expect(lee).toHaveLength(2);
  await page.getByTestId('cue-card').first().waitFor({ timeout: WAIT_MS });
  // The wrong analysis: the rep's statement raised the cue, the customer's objection nothing.
  expect((await cueEvidenceIds(page)).every((u) => dana.includes(u))).toBe(true);

  // Another window shows the same session.
  const other = await openPage(suite.browser, suite.server, WAIT_MS);
  await other.page.getByTestId('session-select').selectOption(id);
  await other.page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });

  // The header offers the panel again, every participant with their current role.
  const toggle = page.getByTestId('roles-toggle');
  await expect(toggle.textContent()).resolves.toBe('Roles');
  await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
  await toggle.click();
  await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
  const danaSelect = page.locator('[data-testid="role-select"][data-speaker="Dana"]');
  const leeSelect = page.locator('[data-testid="role-select"][data-speaker="Lee"]');
  await expect(danaSelect.inputValue()).resolves.toBe('customer');
  await expect(leeSelect.inputValue()).resolves.toBe('rep');
  const save = page.getByRole('button', { name: 'Save roles' });
  await expect(save.isDisabled()).resolves.toBe(true); // nothing changed yet

  // The swap goes in one PUT naming both; while the server re-analyses, the header button
  // says so and cannot be pressed.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const bodies: unknown[] = [];
  const reads = snapshotReads(page, id);
  const otherReads = snapshotReads(other.page, id);
  const echoesBefore = echoes.length;
  await page.route(`**/api/sessions/${id}/roles`, async (route) => {
    bodies.push(route.request().postDataJSON());
    await held;
    await route.continue();
  });
  await danaSelect.selectOption('rep');
  await leeSelect.selectOption('customer');
  await save.click();
  await page
    .locator('[data-testid="roles-toggle"][disabled]')
    .filter({ hasText: 'Re-analysing…' })
    .waitFor({ timeout: WAIT_MS });
  release();
  await page.getByTestId('roles-panel').and(page.locator('[hidden]')).waitFor({ state: 'attached', timeout: WAIT_MS });
  expect(bodies).toEqual([{ roles: { Dana: 'rep', Lee: 'customer' } }]);
  await expect(toggle.isEnabled()).resolves.toBe(true);
  await expect(toggle.textContent()).resolves.toBe('Roles');

  // Re-analysed: the customer's price question raised the closing cue, their objection the
  // resistance cue; the rep's turns give nothing.
  for (const p of [page, other.page]) {
    const ask = p.getByTestId('utterance').filter({ hasText: 'team of five' });
    await ask.locator('[data-testid="signal-label"][data-label="price_inquiry"]').waitFor({ timeout: WAIT_MS });
    await expect(ask.getAttribute('data-role')).resolves.toBe('customer');
    await p.locator('[data-testid="cue-card"][data-cue-type="resistance"]').waitFor({ timeout: WAIT_MS });
    const evidence = await cueEvidenceIds(p);
    expect(evidence).toContain(lee[0]);
    expect(evidence.some((u) => dana.includes(u))).toBe(false);
    for (const u of dana)
      await expect(p.locator(`[data-utterance-id="${u}"] [data-testid="signal-label"]`).count()).resolves.toBe(0);
  }
  // Read once in each window: here from the PUT's answer alone (its echo came, and was not
  // read again), there from one GET on the echo.
  await page.waitForTimeout(500); // a read for the echo would have come by now
  expect(echoes.slice(echoesBefore).filter((e) => e.includes(id))).toHaveLength(1);
  expect(bodies).toHaveLength(1);
  expect(reads).toEqual([]);
  expect(otherReads).toHaveLength(1);

  // Reopened, the panel shows the roles now held.
  await toggle.click();
  await expect(danaSelect.inputValue()).resolves.toBe('rep');
  await expect(leeSelect.inputValue()).resolves.toBe('customer');

  // A role can be taken away: Lee gets none, so Lee's turns give no signals and no cue, and
  // the panel (still open) asks for a role for Lee again.
  await page.unroute(`**/api/sessions/${id}/roles`);
  await leeSelect.selectOption({ label: 'No role (no signals)' });
  await save.click();
  await page.locator('[data-testid="role-select"][data-speaker="Lee"]').filter({ hasText: '— choose —' }).waitFor({ timeout: WAIT_MS });
  await expect(leeSelect.inputValue()).resolves.toBe('');
  for (const p of [page, other.page]) {
    await p.getByTestId('cue-card').first().waitFor({ state: 'detached', timeout: WAIT_MS });
    await expect(p.locator('[data-testid="signal-label"]').count()).resolves.toBe(0);
    await expect(p.getByTestId('utterance').filter({ hasText: 'team of five' }).getAttribute('data-role')).resolves.not.toBe('customer');
  }

  expect(pageErrors).toEqual([]);
  expect(other.pageErrors).toEqual([]);
  await other.page.context().close();
  await page.context().close();
});

test('the role panel by keyboard, in Chinese, at phone width; a refused save is worded in the language shown', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS, { width: 375, height: 740 });
  await page.locator('.lang-btn[data-lang="zh"]').click();
  const file = JSON.stringify({
    title: '与李女士的会谈',
    participants: [
      { name: '陈经理', role: 'customer' },
      { name: '李女士（采购部负责人）', role: 'rep' },
    ],
    utterances: [
      { speaker: '陈经理', text: '您好，这款产品每年一万二。', startMs: 0, endMs: 3000 },
      { speaker: '李女士（采购部负责人）', text: '五个人的团队要多少钱？', startMs: 4000, endMs: 6000 },
    ],
  });
  await page
    .getByTestId('upload-input')
    .setInputFiles({ name: 'chen-li.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await page.getByTestId('upload-ok').waitFor({ timeout: WAIT_MS });
  const id = (await page.getByTestId('view-title').getAttribute('data-session-id'))!;

  // Everyone has a role: no panel, but the header's button opens it.
  await expect(page.getByTestId('roles-panel').isHidden()).resolves.toBe(true);
  const toggle = page.getByTestId('roles-toggle');
  await expect(toggle.textContent()).resolves.toBe('角色');
  await toggle.focus();
  await page.keyboard.press('Enter');
  const panel = page.getByTestId('roles-panel');
  await expect(panel.isVisible()).resolves.toBe(true);
  // The focus moved into the panel, on the first participant's select.
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-speaker'))).resolves.toBe('陈经理');
  await expect(panel.locator('h2').textContent()).resolves.toBe('指定发言人角色');
  // An assigned participant's role can be changed or taken away.
  await expect(panel.locator('[data-speaker="陈经理"] option').allTextContents()).resolves.toEqual([
    '客户',
    '客户经理',
    '无角色（不识别信号）',
  ]);

  // It fits the phone's width.
  const overflow = await page.evaluate(() => {
    const right = Math.max(
      ...[...document.querySelectorAll('#roles-panel *')].map((e) => e.getBoundingClientRect().right),
    );
    return { page: document.documentElement.scrollWidth, right };
  });
  expect(overflow.page).toBeLessThanOrEqual(375);
  expect(overflow.right).toBeLessThanOrEqual(375);

  // The server refuses the save: said in Chinese, and in English after a switch.
  await page.route(`**/api/sessions/${id}/roles`, (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({
        error: { code: 'shutting_down', message: 'the server is shutting down; nothing was changed' },
      }),
    }),
  );
  await page.keyboard.press('ArrowDown'); // 陈经理: customer → rep, from the keyboard
  await expect(panel.locator('[data-speaker="陈经理"]').inputValue()).resolves.toBe('rep');
  await page.getByRole('button', { name: '保存角色' }).focus();
  await page.keyboard.press('Enter');
  const alert = panel.getByRole('alert');
  await alert.waitFor({ timeout: WAIT_MS });
  await expect(alert.textContent()).resolves.toContain('服务器正在停止');
  await expect(toggle.isEnabled()).resolves.toBe(true);
  await page.locator('.lang-btn[data-lang="en"]').click();
  await expect(alert.textContent()).resolves.toBe('Roles not saved: the server is shutting down; nothing was changed');
  // The choice is kept for another try.
  await expect(panel.locator('[data-speaker="陈经理"]').inputValue()).resolves.toBe('rep');

  // Escape closes the panel and gives the focus back to the header's button.
  await panel.locator('[data-speaker="陈经理"]').focus();
  await page.keyboard.press('Escape');
  await expect(panel.isHidden()).resolves.toBe(true);
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('roles-toggle');
  await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');

  expect(pageErrors).toEqual([]);
  await page.context().close();
});
