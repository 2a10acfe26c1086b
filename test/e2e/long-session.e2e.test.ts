// A long meeting in the browser: the transcript's rows come in chunks of 50 (so a turn added lays
// out its chunk, not every row: client/view/rowChunks.ts), and these check that nothing of that
// shows: every turn there in order, one list of turns to a screen reader, a turn far down
// reachable from the timeline, live turns filling the last chunk and starting the next, followed
// by a reader at the bottom.
// How much faster it is is measured by `npm run bench client`, not here.
import type { SessionSnapshot } from '../../protocol/protocol';
import { api, connectSocket } from '../integration/harness';
import { getJson, openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
const TURNS = 130;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const SAY = ['We can include onboarding for the whole team.', 'How much is it per seat?', '这款产品期限三年。', '能便宜点吗？'];
const turn = (i: number) => ({ speaker: i % 2 ? 'Customer' : 'Rep', text: `${SAY[i % SAY.length]} (${i})`, startMs: i * 3000, endMs: i * 3000 + 2500 });

async function upload(): Promise<string> {
  const participants = [
    { name: 'Rep', role: 'rep' },
    { name: 'Customer', role: 'customer' },
  ];
  const res = await api(suite.server.url, 'POST', '/api/transcripts', { title: 'long meeting', participants, utterances: Array.from({ length: TURNS }, (_, i) => turn(i)) });
  expect(res.status).toBe(201);
  return res.body.session.id as string;
}

test('a long stored session shows every turn in order, in chunks a screen reader does not meet; live turns fill the last chunk and start the next', async () => {
  const id = await upload();
  const snap = await getJson<SessionSnapshot>(suite.server, `/api/sessions/${id}`);
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('session-select').selectOption(id);
  const rows = page.getByTestId('utterance');
  await expect(rows.nth(TURNS - 1).waitFor({ state: 'attached', timeout: WAIT_MS })).resolves.toBeUndefined();

  const shown = () => rows.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.utteranceId)));
  const chunkSizes = () => page.locator('#transcript > .utt-chunk').evaluateAll((els) => els.map((e) => e.querySelectorAll('[data-testid="utterance"]').length));
  expect(await shown()).toEqual([...snap.utterances].sort((a, b) => a.seq - b.seq).map((u) => u.id));
  expect(await chunkSizes()).toEqual([50, 50, 30]);
  // The chunks have no role: the turns are one list's items.
  await expect(page.getByTestId('transcript').getByRole('listitem').count()).resolves.toBe(TURNS);

  // A turn far down is reached from its timeline marker: the transcript scrolls to it and it is in view.
  const last = [...snap.signals].filter((s) => s.kind === 'verbal' && s.label !== 'neutral').sort((a, b) => b.mediaMs - a.mediaMs)[0]!;
  await page.locator(`[data-testid="timeline-word"][data-media-ms="${last.mediaMs}"]`).first().click();
  const target = page.locator(`[data-testid="utterance"][data-utterance-id="${last.kind === 'verbal' ? last.utteranceId : -1}"]`);
  await expect(target.getAttribute('class')).resolves.toContain('is-focused');
  await page.waitForFunction(
    (uid) => {
      const row = document.querySelector(`[data-utterance-id="${uid}"]`)!.getBoundingClientRect();
      const pane = document.getElementById('transcript-scroll')!.getBoundingClientRect();
      return row.height > 0 && row.top >= pane.top - 1 && row.bottom <= pane.bottom + 1;
    },
    last.kind === 'verbal' ? last.utteranceId : -1,
    { timeout: WAIT_MS },
  );

  // Live turns from another client: 20 fill the last chunk, 5 more start a fourth; a reader at
  // the bottom of the transcript follows them across the chunk boundary.
  await page.locator('#transcript-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight));
  const socket = await connectSocket(suite.server.url);
  try {
    for (let i = TURNS; i < TURNS + 25; i++) {
      const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('utterance', { sessionId: id, utterance: turn(i) }, resolve));
      expect(ack.ok).toBe(true);
    }
  } finally {
    socket.close();
  }
  await rows.nth(TURNS + 24).waitFor({ state: 'attached', timeout: WAIT_MS });
  const after = await getJson<SessionSnapshot>(suite.server, `/api/sessions/${id}`);
  expect(await shown()).toEqual([...after.utterances].sort((a, b) => a.seq - b.seq).map((u) => u.id));
  expect(await chunkSizes()).toEqual([50, 50, 50, 5]);
  await expect(page.getByTestId('transcript').getByRole('listitem').count()).resolves.toBe(TURNS + 25);
  const gap = await page.locator('#transcript-scroll').evaluate((e) => e.scrollHeight - e.scrollTop - e.clientHeight);
  expect(gap).toBeLessThan(2);
  expect(pageErrors).toEqual([]);
});
