// Replaying stored sessions, in headless Debian Chromium against the real server: Play copies
// the whole recording (words and posture track) into a new live session, which gets the same
// cues and posture signals as the original.
import type { Page } from 'playwright-core';
import type { PoseIn, SessionSnapshot } from '../../protocol/protocol';
import { landmarksFromPose } from '../../server/signals/pose/fromLandmarks';
import { ARMS, posture, view } from '../../server/signals/posture/testkit';
import { api } from '../integration/harness';
import { getJson as getJsonFrom, openPage as openPageWith, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const openPage = () => openPageWith(suite.browser, suite.server, WAIT_MS);
const getJson = <T>(urlPath: string) => getJsonFrom<T>(suite.server, urlPath);

/** What a replay must reproduce: the cues and the posture signals (times and labels). */
function outcome(s: SessionSnapshot) {
  return {
    cues: s.cues.map((c) => `${c.type}/${c.reason}@${c.mediaMs}`),
    postures: s.signals.flatMap((x) => (x.kind === 'posture' ? [`${x.participant}:${x.label}@${x.mediaMs}-${x.endedMs ?? 'open'}`] : [])),
    verbal: s.signals.filter((x) => x.kind === 'verbal').length,
    utterances: s.utterances.length,
  };
}

/** Selects a stored session, plays it at 50× to the end; the new live session's id. */
async function replay(page: Page, id: string): Promise<string> {
  await page.getByTestId('session-select').selectOption(id);
  await page.locator(`[data-testid="view-title"][data-session-id="${id}"]`).waitFor({ timeout: WAIT_MS });
  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();
  await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });
  const played = await page.getByTestId('view-title').getAttribute('data-session-id');
  if (!played || played === id) throw new Error(`Play did not make a new session (shown: ${played})`);
  return played;
}

test('replaying the stored demo session sends its posture track too: the same cues and posture signals', async () => {
  const original = await getJson<SessionSnapshot>('/api/sessions/demo');
  const want = outcome(original);
  expect(want.postures.length).toBeGreaterThan(0); // the stored demo has a posture track
  expect(original.cues.some((c) => c.evidence.some((e) => e.kind === 'posture'))).toBe(true); // a cue built on a posture

  const { page, pageErrors } = await openPage();
  const played = await replay(page, 'demo');
  expect(outcome(await getJson<SessionSnapshot>(`/api/sessions/${played}`))).toEqual(want);
  // And the page shows as many: the cue count in the head, the postures on the timeline.
  await expect(page.locator('#view-meta').textContent()).resolves.toContain(`${want.utterances} utterances · ${want.cues.length} cues`);
  await expect(page.locator('#posture-count').textContent()).resolves.toBe(String(want.postures.length));

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a stored session of posture alone replays its frames (in stored order) into the same posture signals and cue', async () => {
  const crossedLeaningBack = (): PoseIn => landmarksFromPose(view(posture(ARMS.crossed, -22), { frameFrom: posture(ARMS.hanging) }));
  const upright = (): PoseIn => landmarksFromPose(view(posture(ARMS.hanging), { frameFrom: posture(ARMS.hanging) }));
  const created = await api(suite.server.url, 'POST', '/api/sessions', { title: 'Posture only', participants: [{ name: 'Dana', role: 'customer' }] });
  const id = created.body.session.id as string;
  const frames = [];
  for (let t = 0; t <= 2000; t += 200) frames.push({ participant: 'Dana', mediaMs: t, poses: [upright()], aspect: 4 / 3 });
  for (let t = 2200; t <= 6000; t += 200) frames.push({ participant: 'Dana', mediaMs: t, poses: [crossedLeaningBack()], aspect: 4 / 3 });
  for (let t = 6200; t <= 8000; t += 200) frames.push({ participant: 'Dana', mediaMs: t, poses: t === 7000 ? [] : [upright()], aspect: 4 / 3 });
  for (let i = 0; i < frames.length; i += 32) expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/landmarks`, frames.slice(i, i + 32))).status).toBe(201);
  const want = outcome(await getJson<SessionSnapshot>(`/api/sessions/${id}`));
  expect(want.postures.length).toBeGreaterThan(0);
  expect(want.cues).toEqual([expect.stringMatching(/^resistance\/closed_posture@/)]);

  const { page, pageErrors } = await openPage();
  const played = await replay(page, id);
  expect(outcome(await getJson<SessionSnapshot>(`/api/sessions/${played}`))).toEqual(want);
  await expect(page.locator('#posture-count').textContent()).resolves.toBe(String(want.postures.length));

  expect(pageErrors).toEqual([]);
  await page.context().close();
});
