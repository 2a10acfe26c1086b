// Playback across a dropped connection, in headless Debian Chromium against the real server:
// the drop pauses playback and says so, nothing is sent while offline, the turn in flight is
// sent again after the reconnect under the same clientTurnId (the server stores it once, also
// when it had stored it already and only its ack got lost),
// the session's room is joined again (its cues keep coming), and playback goes on by itself:
// with the network simulated, and across a real restart of the server on a file store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { SessionSnapshot } from '../../protocol/protocol';
import { startServer } from '../../server/main';
import { getJson as getJsonFrom, openPage as openPageWith, useServerAndBrowser, playDemo, refuseSocket } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const getJson = <T>(urlPath: string) => getJsonFrom<T>(suite.server, urlPath);

interface Demo {
  utterances: { speaker: string; text: string }[];
}

/** Polls in the test process until `ok` holds. */
async function until(ok: () => boolean): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The paused page says why, holds its clock, sends nothing and offers no Resume while offline. */
async function checkPausedOffline(page: Page, sends: () => number): Promise<void> {
  await page.locator('body[data-player="paused"]').waitFor({ timeout: WAIT_MS });
  await page.locator('.notice-info').filter({ hasText: 'Playback paused: the connection to the server was lost' }).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('connection').getAttribute('data-state')).resolves.not.toBe('connected');
  const clock = await page.getByTestId('clock').textContent();
  const sent = sends();
  await page.waitForTimeout(1500); // 75 media seconds at 50×
  await expect(page.getByTestId('clock').textContent()).resolves.toBe(clock);
  await expect(page.getByTestId('play').isDisabled()).resolves.toBe(true);
  expect(sends()).toBe(sent);
}

test('a dropped connection pauses playback; after the rejoin it goes on, and every turn is stored once', async () => {
  const demo = await getJson<Demo>('/api/demo');
  const { page, pageErrors } = await openPageWith(suite.browser, suite.server, WAIT_MS);

  // Stands in for the network between the page and the server (socket.io frames: "42<id>[event,
  // payload]" out, "43<id>[ack]" back). Utterance 3 reaches the server, which stores it, but
  // the connection drops before its ack gets back; utterance 7 is lost on the way out. While
  // `down`, reconnecting fails.
  let down = false;
  const sent: string[] = [];
  const turnIds: string[] = [];
  await page.route(/\/socket\.io\//, (route) => (down ? route.abort() : route.continue()));
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (down) return refuseSocket(ws);
    const upstream = ws.connectToServer();
    let cut = false;
    let lostAck = '';
    const drop = () => {
      down = true;
      void ws.close();
      void upstream.close();
    };
    ws.onMessage((msg) => {
      if (cut) return;
      const m = typeof msg === 'string' ? /^42(\d+)\["utterance",(.*)\]$/s.exec(msg) : null;
      if (m) {
        const { utterance } = JSON.parse(m[2]!) as { utterance: { text: string; clientTurnId: string } };
        sent.push(utterance.text);
        turnIds.push(utterance.clientTurnId);
        if (sent.length === 3) {
          cut = true;
          lostAck = m[1]!;
        } else if (sent.length === 8) {
          // Utterance 7: the eighth message, utterance 3 having gone twice.
          cut = true;
          return drop();
        }
      }
      upstream.send(msg);
    });
    upstream.onMessage((msg) => {
      if (!cut) return ws.send(msg);
      if (typeof msg === 'string' && msg.startsWith(`43${lostAck}[`)) drop();
    });
  });
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();

  // Utterance 3 was stored, its ack lost.
  await checkPausedOffline(page, () => sent.length);
  expect(sent).toHaveLength(3);
  down = false;
  await page.locator('.notice-info').filter({ hasText: 'Connection restored: playback resumed' }).waitFor({ timeout: WAIT_MS });

  // Utterance 7 never reached the server.
  await until(() => sent.length >= 8);
  await checkPausedOffline(page, () => sent.length);
  down = false;
  await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });

  const texts = demo.utterances.map((u) => u.text);
  // Utterance 3 was sent again under its id (the server had stored it and acked the original);
  // utterance 7 was sent again, once; every turn had an id of its own.
  expect(sent).toEqual([...texts.slice(0, 3), ...texts.slice(2, 7), ...texts.slice(6)]);
  expect(turnIds[3]).toBe(turnIds[2]);
  expect(turnIds[8]).toBe(turnIds[7]);
  expect(new Set(turnIds).size).toBe(texts.length);
  const sessionId = await page.getByTestId('view-title').getAttribute('data-session-id');
  const snap = await getJson<SessionSnapshot>(`/api/sessions/${sessionId}`);
  expect(snap.utterances.map((u) => u.text)).toEqual(texts);
  // The room was joined again: the cues raised after the reconnects reached the page too.
  expect(snap.cues.filter((c) => c.mediaMs > 71_000).length).toBeGreaterThan(0);
  await expect(page.getByTestId('cue-card').count()).resolves.toBe(snap.cues.length);
  await expect(page.getByTestId('utterance').count()).resolves.toBe(texts.length);
  // Nothing was reported as refused; the pause notices went once playback went on.
  await expect(page.locator('.notice-error').count()).resolves.toBe(0);
  await expect(page.locator('.notice-info').filter({ hasText: 'Playback paused' }).count()).resolves.toBe(0);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a server restart mid-play (file store) pauses playback; it goes on once the server is back, every turn stored once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-restart-'));
  const dbPath = path.join(dir, 'store.db');
  let own = await startServer({ port: 0, host: '127.0.0.1', dbPath, log: () => {} });
  const port = own.port;
  try {
    const demo = (await (await fetch(`${own.url}/api/demo`)).json()) as Demo;
    const { page, pageErrors } = await openPageWith(suite.browser, own, WAIT_MS);
    await playDemo(page, '10', 4, WAIT_MS);
    await own.close();
    await page.locator('body[data-player="paused"]').waitFor({ timeout: WAIT_MS });
    await page.locator('.notice-info').filter({ hasText: 'Playback paused: the connection to the server was lost' }).waitFor({ timeout: WAIT_MS });
    own = await startServer({ port, host: '127.0.0.1', dbPath, log: () => {} });
    await page.locator('.notice-info').filter({ hasText: 'Connection restored: playback resumed' }).waitFor({ timeout: WAIT_MS });
    await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });

    const sessionId = await page.getByTestId('view-title').getAttribute('data-session-id');
    const snap = (await (await fetch(`${own.url}/api/sessions/${sessionId}`)).json()) as SessionSnapshot;
    expect(snap.utterances.map((u) => u.text)).toEqual(demo.utterances.map((u) => u.text));
    await expect(page.getByTestId('cue-card').count()).resolves.toBe(snap.cues.length);
    await expect(page.locator('.notice-error').count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  } finally {
    await own.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
