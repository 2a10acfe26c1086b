// The live turn composer: a new live session from the toolbar, the customer given a role right
// in the composer, a Chinese and an English price question typed (Enter sends) and shown as the
// room's events show any live turn (transcript, price_inquiry signal, a closing-moment cue
// card); a turn over the text limit refused with its text kept and the limit named, in English
// and in Chinese, then removed from the queue; a reload shows the turns stored. The offline
// queue, the pause while another window plays into the session, and a local video's time.
// Real server, real Chromium.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { droppableSocket, getJson, launchChromium, openPage, useServerAndBrowser } from './browser';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.x A/AA violations within `selector` (the composer's states the axe suite does not reach). */
async function axeViolations(page: Page, selector: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (sel) => {
    type Axe = { run(ctx: Element, opts: object): Promise<{ violations: { id: string; help: string }[] }> };
    const axe = (window as unknown as { axe: Axe }).axe;
    const r = await axe.run(document.querySelector(sel)!, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id}: ${v.help}`);
  }, selector);
}

/** No violation in the composer, in English and in Chinese. */
async function expectComposerAccessible(page: Page): Promise<void> {
  for (const lang of ['zh', 'en']) {
    await page.locator(`.lang-btn[data-lang="${lang}"]`).click();
    await expect(axeViolations(page, '[data-testid="composer"]')).resolves.toEqual([]);
  }
}

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const ZH = '五个人的团队要多少钱？';
const EN = 'How much would it be for a team of five?';

async function send(page: Page, text: string): Promise<void> {
  const field = page.getByTestId('composer-text');
  await field.fill(text);
  await field.press('Enter');
}

/** Makes a new live session from the toolbar and adds `name` as its customer in the composer; its id. */
async function newLiveSessionWithCustomer(page: Page, name: string): Promise<string> {
  await page.getByTestId('new-live-session').click();
  await page.getByTestId('new-live-create').click();
  await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
  const id = (await page.getByTestId('view-title').getAttribute('data-session-id'))!;
  await page.getByTestId('composer-new-name').fill(name);
  await page.getByTestId('composer-role').selectOption('customer');
  await page.getByTestId('composer-add-speaker').click();
  await page.locator('[data-testid="composer-speaker"] option', { hasText: `${name} · Customer` }).waitFor({ state: 'attached', timeout: WAIT_MS });
  return id;
}

test('a live session typed in the browser: roles, turns, signals, a cue card, a refusal kept, stored through a reload', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  // The demo preview offers no composer.
  await expect(page.getByTestId('composer').isHidden()).resolves.toBe(true);

  // New live session: a dialog with a default title; Create makes the session and shows it live.
  await page.getByTestId('new-live-session').click();
  const title = page.getByTestId('new-live-title');
  await expect(title.inputValue()).resolves.toMatch(/^Live rehearsal \(live \d{1,2}:\d{2}\)$/);
  await title.fill('Rehearsal with Lee');
  await page.getByTestId('new-live-create').click();
  await page.getByTestId('new-live-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
  await page.locator('[data-testid="view-title"]', { hasText: 'Rehearsal with Lee' }).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('view-mode').getAttribute('data-mode')).resolves.toBe('live');
  const id = (await page.getByTestId('view-title').getAttribute('data-session-id'))!;
  expect(id).toBeTruthy();
  // The composer is there, its text field focused; nobody in the session yet: "New speaker…".
  await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('composer-text');
  await expect(page.getByTestId('composer-send').isDisabled()).resolves.toBe(true);

  // The customer, typed with their role: added through the role change (PUT /roles).
  const roleBodies: unknown[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().endsWith(`/api/sessions/${id}/roles`)) roleBodies.push(r.postDataJSON());
  });
  await expect(page.getByTestId('composer-speaker').inputValue()).resolves.not.toBe('');
  await page.getByTestId('composer-new-name').fill('李女士');
  await page.getByTestId('composer-role').selectOption('customer');
  await page.getByTestId('composer-add-speaker').click();
  await page.locator('[data-testid="composer-speaker"] option', { hasText: '李女士 · Customer' }).waitFor({ state: 'attached', timeout: WAIT_MS });
  await expect(page.getByTestId('composer-speaker').inputValue()).resolves.toBe('李女士');
  expect(roleBodies).toEqual([{ roles: { 李女士: 'customer' } }]);
  // And the rep, without a role now: given one from the composer's role list afterwards.
  await page.getByTestId('composer-speaker').selectOption({ label: 'New speaker…' });
  await page.getByTestId('composer-new-name').fill('Dana');
  await page.getByTestId('composer-new-name').press('Enter');
  await expect(page.getByTestId('composer-speaker').inputValue()).resolves.toBe('Dana');
  await page.getByTestId('composer-role').selectOption('rep');
  await page.locator('[data-testid="composer-speaker"] option', { hasText: 'Dana · Sales rep' }).waitFor({ state: 'attached', timeout: WAIT_MS });
  expect(roleBodies).toEqual([{ roles: { 李女士: 'customer' } }, { roles: { Dana: 'rep' } }]);

  // The rep speaks, then the customer asks the price in Chinese and in English (Enter sends).
  await send(page, 'The team plan includes onboarding and support.');
  await page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('composer-text').inputValue()).resolves.toBe(''); // cleared once stored
  await page.getByTestId('composer-speaker').selectOption('李女士');
  // Shift+Enter is a new line, not a send.
  await page.getByTestId('composer-text').fill('五个人的团队');
  await page.getByTestId('composer-text').press('Shift+Enter');
  await expect(page.getByTestId('composer-text').inputValue()).resolves.toBe('五个人的团队\n');
  await send(page, ZH);
  await send(page, EN); // typed behind the Chinese turn's ack: queued, sent after it
  for (const text of [ZH, EN]) {
    const row = page.getByTestId('utterance').filter({ hasText: text });
    await row.locator('[data-testid="signal-label"][data-label="price_inquiry"]').waitFor({ timeout: WAIT_MS });
    await expect(row.getAttribute('data-role')).resolves.toBe('customer');
  }
  // The closing moment: "try a direct request", raised by the customer's price question.
  await page.locator('[data-testid="cue-card"][data-cue-type="closing_moment"]').first().waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('utterance').count()).resolves.toBe(3);

  // Over the text limit: refused with the server's error (the composer checks the server's schema
  // before sending), the text kept, the limit named; in Chinese too.
  const long = '价'.repeat(2001);
  await send(page, long);
  const error = page.getByTestId('composer-error');
  await page.locator('[data-testid="composer-error"]:not([hidden])').waitFor({ timeout: WAIT_MS });
  await expect(error.textContent()).resolves.toMatch(/^Turn not stored: .*2000/);
  await expect(page.getByTestId('composer-text').inputValue()).resolves.toBe(long);
  await expect(page.getByTestId('composer-text').getAttribute('aria-invalid')).resolves.toBe('true');
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(error.textContent()).resolves.toBe('发言未保存：发言内容长度为 2001，上限为 2000。');
  await page.locator('.lang-btn[data-lang="en"]').click();
  await expect(page.getByTestId('utterance').count()).resolves.toBe(3);
  // The refused turn stays listed, marked, until fixed or removed; removed, its text goes too.
  const refused = page.locator('[data-testid="composer-queued"][data-state="refused"]');
  await expect(refused.locator('[data-testid="composer-queued-state"]').textContent()).resolves.toBe('Refused: being fixed in the field');
  await refused.getByTestId('composer-queued-remove').click();
  await page.getByTestId('composer-queue').waitFor({ state: 'hidden', timeout: WAIT_MS });
  await expect(page.getByTestId('composer-text').inputValue()).resolves.toBe('');
  await expect(page.getByTestId('composer-text').getAttribute('aria-invalid')).resolves.toBe('false');

  // Stored: the server holds the three turns with increasing media times and the signals.
  const snap = await getJson<{ utterances: { text: string; startMs: number; endMs: number }[]; signals: { label: string }[]; cues: unknown[] }>(suite.server, `/api/sessions/${id}`);
  expect(snap.utterances.map((u) => u.text)).toEqual(['The team plan includes onboarding and support.', ZH, EN]);
  for (const u of snap.utterances) expect(u.endMs).toBeGreaterThanOrEqual(u.startMs);
  expect(snap.utterances[2]!.startMs).toBeGreaterThanOrEqual(snap.utterances[1]!.endMs);
  expect(snap.signals.filter((s) => s.label === 'price_inquiry')).toHaveLength(2);

  // A reload: the session picked again shows the turns stored, and the composer for it.
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.locator(`[data-testid="session-select"] option[value="${id}"]`).waitFor({ state: 'attached', timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(id);
  await page.getByTestId('utterance').nth(2).waitFor({ timeout: WAIT_MS });
  await page.getByTestId('utterance').filter({ hasText: EN }).locator('[data-testid="signal-label"][data-label="price_inquiry"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('cue-card').first().waitFor({ timeout: WAIT_MS });
  await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
  // A turn typed now goes after the stored ones (the clock continues from the last turn's end).
  await page.getByTestId('composer-speaker').selectOption('Dana');
  await send(page, 'Shall I set it up for you today?');
  await page.getByTestId('utterance').nth(3).waitFor({ timeout: WAIT_MS });
  const after = await getJson<{ utterances: { startMs: number; endMs: number }[] }>(suite.server, `/api/sessions/${id}`);
  expect(after.utterances).toHaveLength(4);
  expect(after.utterances[3]!.startMs).toBeGreaterThanOrEqual(after.utterances[2]!.endMs);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('offline the manager keeps typing: turns queue in order (removable), an unconfirmed one goes again under its id, each keeps its typed time, and the queue is sent with another session shown and survives a reload', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  page.on('dialog', (d) => void d.accept()); // the reload with turns unsent asks first
  // Stands in for the network (as the playback reconnect test does): the first turn typed
  // reaches the server, which stores it, and the connection drops before its ack gets back;
  // while `net.down`, reconnecting fails. `drop()` cuts the connection of the moment.
  const turns: { text: string; clientTurnId: string }[] = [];
  let lostAck = '';
  const net = await droppableSocket(page, {
    toServer: (msg, forward) => {
      const m = typeof msg === 'string' ? /^42(\d+)\["utterance",(.*)\]$/s.exec(msg) : null;
      if (m) {
        const { utterance } = JSON.parse(m[2]!) as { utterance: { text: string; clientTurnId: string } };
        turns.push(utterance);
        if (turns.length === 1) lostAck = m[1]!;
      }
      forward(msg);
    },
    toPage: (msg, forward) => {
      if (lostAck && typeof msg === 'string' && msg.startsWith(`43${lostAck}[`)) {
        lostAck = '';
        return net.drop();
      }
      forward(msg);
    },
  });
  const drop = (): void => net.drop();
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  const id = await newLiveSessionWithCustomer(page, 'Lee');
  const queued = page.getByTestId('composer-queued');

  await send(page, EN);
  // Stored by the server, its ack lost: listed as not confirmed, the field free for the next turn.
  await page.locator('[data-testid="composer"][data-phase="unconfirmed"]').waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('composer-status').textContent()).resolves.toMatch(/sent again when the connection is back/);
  await expect(page.getByTestId('composer-text').inputValue()).resolves.toBe('');
  await expect(queued.first().getAttribute('data-state')).resolves.toBe('unconfirmed');
  await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('composer-status').textContent()).resolves.toMatch(/^The connection dropped/);

  // Offline: the manager keeps typing; each turn is listed as waiting, one removed before it goes.
  await send(page, 'Two');
  await page.waitForTimeout(2500);
  await send(page, 'Three');
  await send(page, 'Not this one');
  await expect(queued.count()).resolves.toBe(4);
  await expect(page.getByTestId('composer-queue-count').textContent()).resolves.toBe('Not yet stored: 4 (at most 50)');
  await expect(queued.nth(1).locator('[data-testid="composer-queued-state"]').textContent()).resolves.toBe('Waiting');
  await queued.filter({ hasText: 'Not this one' }).getByTestId('composer-queued-remove').click();
  await expect(queued.count()).resolves.toBe(3);
  await expectComposerAccessible(page); // the queue listed offline, its Remove buttons
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(page.getByTestId('composer-queue-count').textContent()).resolves.toBe('尚未保存：3 句（最多 50 句）');
  await page.locator('.lang-btn[data-lang="en"]').click();

  // Back: sent one at a time in order, the first again under its id (stored once).
  net.down = false;
  await page.getByTestId('composer-queue').waitFor({ state: 'hidden', timeout: WAIT_MS });
  expect(turns.map((u) => u.text)).toEqual([EN, EN, 'Two', 'Three']);
  expect(turns[1]).toEqual(turns[0]); // the same turn under the same clientTurnId
  expect(new Set(turns.map((u) => u.clientTurnId)).size).toBe(3);
  const snap = await getJson<{ utterances: { text: string; startMs: number; endMs: number }[] }>(suite.server, `/api/sessions/${id}`);
  expect(snap.utterances.map((u) => u.text)).toEqual([EN, 'Two', 'Three']);
  // Each at the media time it was typed (2.5 s apart), not when it was sent (together).
  expect(snap.utterances[2]!.endMs - snap.utterances[1]!.endMs).toBeGreaterThanOrEqual(2400);
  await expect(page.getByTestId('utterance').count()).resolves.toBe(3);

  /** The session's stored turns' texts once it holds `n` (or what it holds at the deadline). */
  const storedTexts = async (n: number): Promise<string[]> => {
    const deadline = Date.now() + WAIT_MS;
    let texts: string[] = [];
    while (Date.now() < deadline) {
      texts = (await getJson<{ utterances: { text: string }[] }>(suite.server, `/api/sessions/${id}`)).utterances.map((u) => u.text);
      if (texts.length >= n) break;
      await page.waitForTimeout(200);
    }
    return texts;
  };

  // Offline again, a turn typed, another session shown: once connected, the turn is sent into
  // its own session in the background; shown again, its queue is empty.
  drop();
  await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  await send(page, 'Four, typed before switching');
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('composer').waitFor({ state: 'hidden', timeout: WAIT_MS });
  net.down = false;
  await expect(storedTexts(4)).resolves.toEqual([EN, 'Two', 'Three', 'Four, typed before switching']);
  await page.getByTestId('session-select').selectOption(id);
  await page.getByTestId('utterance').nth(3).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('composer-queue').isHidden()).resolves.toBe(true);

  // Offline again, a turn typed, the page reloaded: the turn is kept (sessionStorage) and,
  // once connected, sent into its session though the reloaded page shows none.
  drop();
  await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  await send(page, 'Five, typed before a reload');
  await expect(queued.count()).resolves.toBe(1);
  await page.reload();
  await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  net.down = false;
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await expect(storedTexts(5)).resolves.toEqual([EN, 'Two', 'Three', 'Four, typed before switching', 'Five, typed before a reload']);
  await expect(page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.includes('composer-queue')))).resolves.toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a refused turn waits for Fix while the field holds a draft, keeps its place and time when fixed; the queue stops at 50, said in both languages', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  page.on('dialog', (d) => void d.accept());
  // A network the test cuts and restores (a cut closes the connection; reconnecting fails meanwhile).
  const net = await droppableSocket(page);
  const cut = (): void => net.drop();
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  const id = await newLiveSessionWithCustomer(page, 'Lee');
  const field = page.getByTestId('composer-text');
  const queued = page.getByTestId('composer-queued');

  // Offline: a turn over the limit, one after it, and a draft left in the field.
  cut();
  await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  const long = 'x'.repeat(2001);
  await send(page, long);
  await send(page, 'After the fixed one');
  await field.fill('a draft in progress');
  net.down = false;
  // Refused: the queue stops at it; the draft stays in the field, so Fix waits for it to be emptied.
  const refused = page.locator('[data-testid="composer-queued"][data-state="refused"]');
  await refused.waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('composer-error').textContent()).resolves.toMatch(/^Turn not stored: .*2000/);
  await expect(page.getByTestId('composer-queue-count').textContent()).resolves.toMatch(/^Not yet stored: 2\. The first was refused/);
  await expect(queued.nth(1).getAttribute('data-state')).resolves.toBe('waiting');
  await expect(field.inputValue()).resolves.toBe('a draft in progress');
  await expect(refused.getByTestId('composer-queued-edit').isDisabled()).resolves.toBe(true);
  await field.fill('');
  await refused.getByTestId('composer-queued-edit').click();
  await expect(field.inputValue()).resolves.toBe(long);
  await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
  await send(page, 'Fixed: a short one');
  await page.getByTestId('composer-queue').waitFor({ state: 'hidden', timeout: WAIT_MS });
  const snap = await getJson<{ utterances: { text: string; startMs: number; endMs: number }[] }>(suite.server, `/api/sessions/${id}`);
  // In its place (before the turn typed after it), at the times it was first typed.
  expect(snap.utterances.map((u) => u.text)).toEqual(['Fixed: a short one', 'After the fixed one']);
  expect(snap.utterances[0]!.endMs).toBeLessThanOrEqual(snap.utterances[1]!.startMs);

  // Bounded: offline, 50 turns wait; the 51st is not added, its text kept, the limit said.
  cut();
  await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  for (let n = 1; n <= 50; n++) await send(page, `Queued ${n}`);
  await expect(queued.count()).resolves.toBe(50);
  await send(page, 'One too many');
  const error = page.getByTestId('composer-error');
  await expect(error.textContent()).resolves.toBe('Not added: at most 50 turns can wait to be sent. Wait until some are stored, or remove some.');
  await expect(field.inputValue()).resolves.toBe('One too many');
  await expect(page.getByTestId('composer-send').isDisabled()).resolves.toBe(true);
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(error.textContent()).resolves.toBe('未加入：最多只能有 50 句发言等待发送。请等部分发言保存后再试，或删除一些。');
  await page.locator('.lang-btn[data-lang="en"]').click();
  await queued.filter({ hasText: 'Queued 50' }).getByTestId('composer-queued-remove').click();
  await field.press('Enter');
  await expect(queued.count()).resolves.toBe(50);
  await expect(queued.last().textContent()).resolves.toContain('One too many');
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('while another window plays into the session the composer is paused, saying why, and typing comes back when that input stops', async () => {
  const { page: typist, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  const id = await newLiveSessionWithCustomer(typist, 'Lee');
  await send(typist, EN);
  await typist.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });
  // A second window shows the session for review, then the first types into it again.
  const { page: watcher, pageErrors: watcherErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await watcher.locator(`[data-testid="session-select"] option[value="${id}"]`).waitFor({ state: 'attached', timeout: WAIT_MS });
  await watcher.getByTestId('session-select').selectOption(id);
  await watcher.getByTestId('composer').waitFor({ timeout: WAIT_MS });
  await expect(watcher.getByTestId('composer-text').isEnabled()).resolves.toBe(true);
  await send(typist, 'Another question: is support included?');
  await watcher.locator('[data-testid="composer"][data-blocked="true"]').waitFor({ timeout: WAIT_MS });
  const field = watcher.getByTestId('composer-text');
  await expect(field.isDisabled()).resolves.toBe(true);
  await expect(watcher.getByTestId('composer-send').isDisabled()).resolves.toBe(true);
  const reason = watcher.getByTestId('composer-blocked');
  await expect(reason.textContent()).resolves.toMatch(/^Another window is playing into this session/);
  // The reason is the field's description (read with it).
  await expect(field.getAttribute('aria-describedby')).resolves.toContain((await reason.getAttribute('id'))!);
  await watcher.locator('.lang-btn[data-lang="zh"]').click();
  await expect(reason.textContent()).resolves.toBe('另一个窗口正在向此会谈输入内容：在其输入停止之前，这里暂停输入。');
  await watcher.locator('.lang-btn[data-lang="en"]').click();
  await expectComposerAccessible(watcher); // the disabled field and its reason
  // That input stops: after the same quiet time that gives Re-analyse back, the field is back.
  await watcher.locator('[data-testid="composer"][data-blocked="false"]').waitFor({ timeout: 45_000 });
  await expect(reason.isHidden()).resolves.toBe(true);
  await send(watcher, 'Typed in the second window');
  await watcher.getByTestId('utterance').filter({ hasText: 'Typed in the second window' }).waitFor({ timeout: WAIT_MS });
  expect(pageErrors).toEqual([]);
  expect(watcherErrors).toEqual([]);
  await typist.context().close();
  await watcher.context().close();
});

test('with a local video loaded, a typed turn takes the video\'s current time (its words line up with its landmarks)', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  const id = await newLiveSessionWithCustomer(page, 'Lee');
  // A 4 s WebM recorded in the page stands in for the rehearsal's video.
  const webm = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const ctx = canvas.getContext('2d')!;
    const rec = new MediaRecorder(canvas.captureStream(15), { mimeType: 'video/webm;codecs=vp8' });
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => chunks.push(e.data);
    const done = new Promise((resolve) => (rec.onstop = resolve));
    let n = 0;
    const timer = setInterval(() => {
      ctx.fillStyle = `hsl(${(n += 10) % 360} 60% 50%)`;
      ctx.fillRect(0, 0, 160, 120);
    }, 50);
    rec.start(250);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    rec.stop();
    await done;
    clearInterval(timer);
    const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer());
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  });
  await page.getByTestId('video-toggle').click();
  await page.getByTestId('pose-file').setInputFiles({ name: 'rehearsal.webm', mimeType: 'video/webm', buffer: Buffer.from(webm, 'base64') });
  await page.locator('[data-testid="pose-panel"][data-state="ready"]').waitFor({ timeout: WAIT_MS });
  // The video paused at 1.25 s (the session's own clock is past 4 s by now).
  await page.evaluate(async () => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="pose-panel"] video')!;
    v.pause();
    const seeked = new Promise((resolve) => v.addEventListener('seeked', resolve, { once: true }));
    v.currentTime = 1.25;
    await seeked;
  });
  await send(page, EN);
  await page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });
  const snap = await getJson<{ utterances: { startMs: number; endMs: number }[] }>(suite.server, `/api/sessions/${id}`);
  expect(snap.utterances).toEqual([expect.objectContaining({ startMs: 1250, endMs: 1250 })]);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('with the webcam on, its landmarks and the typed turns share the session\'s clock (posture and words on one time line)', async () => {
  // Chromium's fake camera (its test pattern: nobody in it, so the frames are stored empty).
  const browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  try {
    const { page, pageErrors } = await openPage(browser, suite.server, WAIT_MS);
    const id = await newLiveSessionWithCustomer(page, 'Lee');
    // The clock runs from the session's creation: a while later the webcam starts.
    await page.waitForTimeout(1500);
    await page.getByTestId('video-toggle').click();
    await page.getByTestId('pose-webcam').click();
    await page.locator('[data-testid="pose-panel"][data-state="ready"]').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('pose-run').click();
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="pose-panel"]')?.dataset.framesAcked) >= 3, undefined, { timeout: WAIT_MS });
    // Still the same session (the webcam sends to the live session shown).
    await expect(page.getByTestId('view-title').getAttribute('data-session-id')).resolves.toBe(id);
    await send(page, EN);
    await page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="pose-panel"]')?.dataset.framesAcked) >= 8, undefined, { timeout: WAIT_MS });
    await page.getByTestId('pose-run').click(); // stop

    const snap = await getJson<{ utterances: { startMs: number; endMs: number }[] }>(suite.server, `/api/sessions/${id}`);
    const page1 = await getJson<{ frames: { mediaMs: number }[] }>(suite.server, `/api/sessions/${id}/landmarks?limit=1000`);
    const frames = page1.frames.map((f) => f.mediaMs);
    const turn = snap.utterances[0]!;
    // The webcam's first frame is on the session's clock (after the 1.5 s it had run), not at 0.
    expect(frames[0]!).toBeGreaterThanOrEqual(1500);
    // The turn falls among the frames: some before it was sent, some after, within the frame rate's gaps.
    const before = frames.filter((ms) => ms <= turn.endMs);
    const after = frames.filter((ms) => ms > turn.endMs);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(turn.endMs - Math.max(...before)).toBeLessThan(2000);
    expect(Math.min(...after) - turn.endMs).toBeLessThan(2000);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  } finally {
    await browser.close();
  }
});
