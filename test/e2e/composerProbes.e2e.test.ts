// Probes of the live composer's queue where it meets the rest of the page and the connection:
// its own turns, sent in the background into a session not shown, arriving as room events once
// that session is shown (this window's input, not another window's); a saved queue for a session
// deleted unheard (dropped at the server's not_found, not kept and asked about for ever); a text
// pasted past the socket's message size (refused with the server's error, not sent to break the
// connection at every reconnect). Real server, real Chromium.
import type { Page } from 'playwright-core';
import { connect } from 'socket.io-client';
import { droppableSocket, getJson, openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

async function send(page: Page, text: string): Promise<void> {
  const field = page.getByTestId('composer-text');
  await field.fill(text);
  await field.press('Enter');
}

test('turns of a session sent in the background and stored once it is shown again are this window\'s own: the composer is not paused as if another window played into it', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  // Stands in for the network: `down` refuses the connection; `holdOut` keeps this window's
  // `utterance` events from the server until `release()` (a turn on its way while the manager
  // switches sessions).
  let holdOut = false;
  const held: string[] = [];
  const net = await droppableSocket(page, {
    toServer: (msg, forward) => {
      if (holdOut && typeof msg === 'string' && /^42\d+\["utterance",/.test(msg)) held.push(msg);
      else forward(msg);
    },
  });
  const drop = (): void => net.drop();
  const release = () => {
    holdOut = false;
    for (const msg of held.splice(0)) net.toServer(msg);
  };
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('new-live-session').click();
  await page.getByTestId('new-live-create').click();
  await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
  const id = (await page.getByTestId('view-title').getAttribute('data-session-id'))!;
  await page.getByTestId('composer-new-name').fill('Lee');
  await page.getByTestId('composer-role').selectOption('customer');
  await page.getByTestId('composer-add-speaker').click();
  await page.locator('[data-testid="composer-speaker"] option', { hasText: 'Lee · Customer' }).waitFor({ state: 'attached', timeout: WAIT_MS });

  // Offline, two turns typed; another session shown; back online, the first goes in the
  // background and is held on its way while the manager shows its session again.
  drop();
  await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  await send(page, 'One, sent in the background');
  await send(page, 'Two, after it');
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('composer').waitFor({ state: 'hidden', timeout: WAIT_MS });
  holdOut = true;
  net.down = false;
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  const deadline = Date.now() + WAIT_MS;
  while (!held.length && Date.now() < deadline) await page.waitForTimeout(50);
  expect(held).toHaveLength(1);
  await page.getByTestId('session-select').selectOption(id);
  await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
  await page.waitForTimeout(500); // the session joined (its room's events reach this window)
  release();

  // Both stored, in order, promptly: this window's own turn did not pause its composer.
  await page.getByTestId('composer-queue').waitFor({ state: 'hidden', timeout: 10_000 });
  const snap = await getJson<{ utterances: { text: string }[] }>(suite.server, `/api/sessions/${id}`);
  expect(snap.utterances.map((u) => u.text)).toEqual(['One, sent in the background', 'Two, after it']);
  await expect(page.locator('[data-testid="composer"]').getAttribute('data-blocked')).resolves.toBe('false');
  await expect(page.getByTestId('composer-text').isEnabled()).resolves.toBe(true);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a queue left for a session deleted meanwhile (missed while offline) is dropped when the server says the session is gone: not kept forever, nor asked about at every reload', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.accept();
  });
  const net = await droppableSocket(page);
  const drop = (): void => net.drop();
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('new-live-session').click();
  await page.getByTestId('new-live-create').click();
  await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
  const id = (await page.getByTestId('view-title').getAttribute('data-session-id'))!;
  await page.getByTestId('composer-new-name').fill('Lee');
  await page.getByTestId('composer-add-speaker').click();
  drop();
  await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  await send(page, 'Typed offline into a session about to be deleted');
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('composer').waitFor({ state: 'hidden', timeout: WAIT_MS });
  // Deleted elsewhere while this window is offline: it misses the session_deleted event.
  const res = await fetch(`${suite.server.url}/api/sessions/${id}`, { method: 'DELETE' });
  expect(res.ok).toBe(true);
  net.down = false;
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  const key = `buying-signals.composer-queue:${id}`;
  const deadline = Date.now() + 10_000;
  let saved: string | null = 'not read';
  while (Date.now() < deadline) {
    saved = await page.evaluate((k) => sessionStorage.getItem(k), key);
    if (saved === null) break;
    await page.waitForTimeout(200);
  }
  expect(saved).toBeNull();
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  expect(dialogs).toBe(0); // nothing unsent: the reload did not ask
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a pasted text far over the limit (more than a socket message carries) is refused in the page\'s language, not sent again and again over a connection it breaks', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  let utterances = 0;
  let connections = 0;
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    connections++;
    const upstream = ws.connectToServer();
    ws.onMessage((msg) => {
      if (typeof msg === 'string' && /^42\d+\["utterance",/.test(msg)) utterances++;
      upstream.send(msg);
    });
    upstream.onMessage((msg) => ws.send(msg));
  });
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('new-live-session').click();
  await page.getByTestId('new-live-create').click();
  await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('composer-new-name').fill('Lee');
  await page.getByTestId('composer-add-speaker').click();
  const before = connections;
  await send(page, 'x'.repeat(1_100_000));
  const refused = page.locator('[data-testid="composer-queued"][data-state="refused"]');
  await refused.waitFor({ timeout: 20_000 });
  await expect(page.getByTestId('composer-error').textContent()).resolves.toBe('Turn not stored: utterance.text: text must be at most 2000 characters');
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(page.getByTestId('composer-error').textContent()).resolves.toBe('发言未保存：发言内容长度为 1100000，上限为 2000。');
  expect(connections).toBe(before); // the connection was not broken
  expect(utterances).toBe(0); // nothing the server would refuse was sent
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a queue held while another window plays into its session goes on once the manager shows another session (in the background), not only when that input is seen to stop', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  page.on('dialog', (d) => void d.accept());
  const net = await droppableSocket(page);
  const made = await fetch(`${suite.server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Held queue', participants: [{ name: 'Lee', role: 'customer' }, { name: 'Ada', role: 'rep' }] }),
  });
  const id = ((await made.json()) as { session: { id: string } }).session.id;
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.locator(`[data-testid="session-select"] option[value="${id}"]`).waitFor({ state: 'attached', timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(id); // shown for review: another window's input is watched
  await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });

  // Offline, a turn the server would refuse and one behind it; back online the first is refused
  // (here, unsent) and the queue stops at it.
  net.drop();
  await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  await send(page, 'x'.repeat(2001));
  await send(page, 'Behind the refused one');
  net.down = false;
  const refused = page.locator('[data-testid="composer-queued"][data-state="refused"]');
  await refused.waitFor({ timeout: WAIT_MS });

  // Another window plays into the session: this window's composer is held.
  const other = connect(suite.server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    const ack = await other.timeout(10_000).emitWithAck('utterance', { sessionId: id, utterance: { speaker: 'Ada', text: 'Played from another window.', startMs: 500 } });
    expect(ack).toMatchObject({ ok: true });
  } finally {
    other.close();
  }
  await page.locator('[data-testid="composer"][data-blocked="true"]').waitFor({ timeout: WAIT_MS });
  // The refused turn removed: the one behind it waits, held.
  await refused.getByTestId('composer-queued-remove').click();
  await page.waitForTimeout(1000);
  const texts = async () => (await getJson<{ utterances: { text: string }[] }>(suite.server, `/api/sessions/${id}`)).utterances.map((u) => u.text);
  await expect(texts()).resolves.toEqual(['Played from another window.']);

  // The manager shows another session: this window no longer sees that input, and the queue goes
  // on in the background as every other session's does.
  await page.getByTestId('session-select').selectOption(':demo');
  const deadline = Date.now() + 10_000;
  while ((await texts()).length < 2 && Date.now() < deadline) await page.waitForTimeout(200);
  await expect(texts()).resolves.toEqual(['Played from another window.', 'Behind the refused one']);
  // Shown again: nothing left in its queue.
  await page.getByTestId('session-select').selectOption(id);
  await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('utterance').nth(1).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('composer-queue').isHidden()).resolves.toBe(true);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});
