// A coach reviews the stored demo meeting (which has the customer's posture track) and labels
// what the customer's posture is at a moment: a posture bar chosen offers "Label posture here",
// the editor opens pre-checked with what the timeline shows then (neutral exclusive with the
// main labels), the save says which frame the server snapped to, a Coach marker appears (hollow
// where the coach disagrees with the timeline), the header counts the labels and the agreement
// (in Chinese too), the dropdown names them, a second window sees them come and go live
// (`posture_labelled`) while the saving window applies its answer once, a reload keeps them, the
// keyboard reaches everything, refusals are notices that keep the coach's choice, and Export
// posture labels downloads eval-posture rows with the frame's 33 landmarks (the footer's link
// every session's, or a notice when there are none). With two customers (a session made over
// HTTP: one with the demo's postures, one sitting upright, so without a posture bar) the editor's
// customer picker labels the one the timeline shows nothing for; and labels and comments taken
// while the demo plays go to the running playhead, playback running on. Real server, real Chromium.
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import type { PostureLabels } from '../../protocol/protocol';
import { loadDemoMeeting } from '../../server/demo/demo';
import { ARMS, posture, view } from '../../server/signals/posture/testkit';
import { api } from '../integration/harness';
import { clockMs, openPage, openWatchedSession, useServerAndBrowser, type WatchedPage } from './browser';

const WAIT_MS = 60_000;
const SESSION = 'demo';
const CUSTOMER = '李女士';

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

/** A page showing the stored demo; `echoes` collects the `posture_labelled` frames, `reads` its snapshot reads. */
const openDemo = (): Promise<WatchedPage> => openWatchedSession(suite, { sessionId: SESSION, event: 'posture_labelled', ready: '[data-testid="posture-bar"] >> nth=0', waitMs: WAIT_MS });

const checked = (page: Page): Promise<string[]> =>
  page.locator('[data-testid="posture-label-editor"] input[type="checkbox"]:checked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
const box = (page: Page, label: string) => page.locator(`[data-testid="posture-label-editor"] input[value="${label}"]`);
const focusedTestId = (page: Page): Promise<string | null | undefined> => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

test('a coach labels the customer’s posture at a moment: marker, agreement, live in another window, kept on reload, exported with landmarks', async () => {
  const a = await openDemo();
  const b = await openDemo();
  const { page } = a;

  // Nothing labelled yet: no header line, and the footer's every-session file is a notice, not an empty file.
  await expect(page.getByTestId('posture-labels-summary').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('posture-labels-export').isVisible()).resolves.toBe(false);
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByTestId('all-posture-labels').click();
  await page.getByTestId('notice').filter({ hasText: 'No posture is labelled yet in any session' }).waitFor({ timeout: WAIT_MS });
  expect(downloads).toBe(0);
  const button = page.getByTestId('posture-label-button');
  await expect(button.isEnabled()).resolves.toBe(true);
  await expect(button.textContent()).resolves.toBe('Label posture');

  // A leaning-in bar chosen: the transcript goes there as before, and the moment can be labelled.
  const bar = page.locator('[data-testid="posture-bar"][data-label="leaning_forward"]').first();
  await bar.click();
  await page.locator('.utt.is-focused').first().waitFor({ timeout: WAIT_MS });
  const here = page.getByTestId('posture-label-here');
  await here.waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('posture-label-offer').textContent()).resolves.toContain(`Leaning in · ${CUSTOMER}`);
  let puts = 0;
  page.on('request', (r) => void (r.method() === 'PUT' && r.url().includes('/posture-labels') && puts++));
  await here.click();
  const editor = page.getByTestId('posture-label-editor');
  await editor.waitFor({ timeout: WAIT_MS });
  // Pre-checked with what the timeline shows then (leaning in among them), marked so; focused.
  const model = await checked(page);
  expect(model).toContain('leaning_forward');
  expect(model).not.toContain('neutral');
  await expect(editor.locator('[data-testid="posture-model-hint"]').count()).resolves.toBe(model.length);
  await expect(focusedTestId(page)).resolves.toBe('posture-label-option');
  await expect(editor.getByTestId('posture-label-remove').count()).resolves.toBe(0); // nothing to remove yet
  await expect(editor.textContent()).resolves.toContain('0 / 500 characters');
  // Neutral and the main labels exclude each other.
  await box(page, 'neutral').check();
  await expect(box(page, 'leaning_forward').isChecked()).resolves.toBe(false);
  await box(page, 'leaning_forward').check();
  await expect(box(page, 'neutral').isChecked()).resolves.toBe(false);
  // The coach sees more than the timeline: a posture it does not show.
  const extra = ['open_palms', 'arms_crossed', 'leaning_back'].find((l) => !model.includes(l))!;
  await box(page, extra).check();
  await editor.getByTestId('posture-label-note').fill('Leans in over the brochure');
  await expect(editor.textContent()).resolves.toContain('26 / 500 characters');
  await editor.getByTestId('posture-label-save').click();

  // Saved: the status names the frame the server snapped to; a hollow (disagreeing) Coach marker.
  const status = page.getByTestId('posture-label-status');
  await status.filter({ hasText: `Saved on ${CUSTOMER}’s frame at` }).waitFor({ timeout: WAIT_MS });
  expect(await status.textContent()).toMatch(/frame at \d+:\d\d\.\d \(the moment chosen: \d+:\d\d\)\.$/);
  await expect(page.getByTestId('posture-label-editor').count()).resolves.toBe(0);
  await expect(focusedTestId(page)).resolves.toBe('posture-label-here'); // back where it was opened from
  const marker = page.getByTestId('timeline-coach');
  await marker.waitFor({ timeout: WAIT_MS });
  await expect(marker.getAttribute('data-agrees')).resolves.toBe('false');
  await expect(marker.getAttribute('class')).resolves.toContain('is-disagree');
  await expect(marker.getAttribute('data-labels')).resolves.toContain(extra);
  const frameId = await marker.getAttribute('data-frame-id');
  await expect(page.getByTestId('posture-labels-summary').textContent()).resolves.toBe('1 posture moment labelled · model agrees on 0');
  await expect(page.getByTestId('posture-labels-export').isVisible()).resolves.toBe(true);
  const option = page.locator(`[data-testid="session-select"] option[value="${SESSION}"]`);
  await expect(option.textContent()).resolves.toMatch(/ · 1 posture labelled$/);

  // The other window sees it come, live.
  await b.page.locator(`[data-testid="timeline-coach"][data-frame-id="${frameId}"]`).waitFor({ timeout: WAIT_MS });
  await expect(b.page.getByTestId('posture-labels-summary').textContent()).resolves.toBe('1 posture moment labelled · model agrees on 0');
  // The saving window applied its answer: its echo came and changed nothing, nothing was read again.
  await page.waitForTimeout(300);
  expect(a.echoes.length).toBeGreaterThanOrEqual(1);
  expect(puts).toBe(1);
  expect(a.reads).toEqual([]);
  await expect(page.getByTestId('timeline-coach').count()).resolves.toBe(1);

  // By keyboard: the marker is in the chart's walk; Enter opens its labels, Escape cancels and
  // the focus goes back to it; the coach agrees with the timeline after all.
  await marker.focus();
  await page.keyboard.press('Enter');
  await editor.waitFor({ timeout: WAIT_MS });
  await expect(checked(page)).resolves.toEqual(expect.arrayContaining([...model, extra]));
  await expect(editor.getByTestId('posture-label-note').inputValue()).resolves.toBe('Leans in over the brochure');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('posture-label-editor').count()).resolves.toBe(0);
  await expect(focusedTestId(page)).resolves.toBe('timeline-coach');
  await page.keyboard.press('Enter');
  await editor.waitFor({ timeout: WAIT_MS });
  await expect(editor.getByTestId('posture-label-remove').count()).resolves.toBe(1);
  await box(page, extra).focus();
  await page.keyboard.press('Space'); // unchecked: the timeline's postures again
  await expect(box(page, extra).isChecked()).resolves.toBe(false);
  await page.keyboard.press('Enter'); // saves
  await page.locator(`[data-testid="timeline-coach"][data-agrees="true"]`).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('posture-labels-summary').textContent()).resolves.toBe('1 posture moment labelled · model agrees on 1');
  await b.page.locator(`[data-testid="timeline-coach"][data-agrees="true"]`).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('timeline-coach').getAttribute('data-frame-id')).resolves.toBe(frameId); // the same frame

  // In Chinese.
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(page.getByTestId('posture-labels-summary').textContent()).resolves.toBe('已标注 1 个姿态时刻 · 模型判断一致 1 个');
  await expect(page.getByTestId('posture-labels-export').textContent()).resolves.toBe('导出姿态标注');
  await expect(button.textContent()).resolves.toBe('标注姿态');
  await expect(page.getByTestId('all-posture-labels').textContent()).resolves.toBe('全部会谈的姿态标注');
  await page.locator('.lang-btn[data-lang="en"]').click();

  // Refusals are notices in the client's wording, and the editor keeps the coach's choice.
  await page.route('**/posture-labels', (route) =>
    route.request().method() === 'PUT'
      ? route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_customer', message: `"${CUSTOMER}" is a rep: posture labels are for customers`, field: 'participant' } }) })
      : route.continue(),
  );
  await page.getByTestId('timeline-coach').click();
  await editor.waitFor({ timeout: WAIT_MS });
  await box(page, 'sitting_far').check();
  await editor.getByTestId('posture-label-save').click();
  const refused = page.getByTestId('notice').filter({ hasText: 'posture labels are for customers' });
  await refused.waitFor({ timeout: WAIT_MS });
  await expect(refused.locator('strong').textContent()).resolves.toBe('Posture labels not saved');
  await expect(box(page, 'sitting_far').isChecked()).resolves.toBe(true);
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(refused.textContent()).resolves.toContain('姿态标注未保存只能标注客户的姿态：这位参与者是客户经理，或还没有角色。');
  await page.locator('.lang-btn[data-lang="en"]').click();
  await expect(box(page, 'sitting_far').isChecked()).resolves.toBe(true); // kept across the redraw
  await page.unroute('**/posture-labels');
  await page.route('**/posture-labels', (route) =>
    route.request().method() === 'PUT'
      ? route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'no_frame', message: `no frame of "${CUSTOMER}" with a person within 1000 ms`, field: 'mediaMs' } }) })
      : route.continue(),
  );
  await editor.getByTestId('posture-label-save').click();
  await page.getByTestId('notice').filter({ hasText: 'within 1000 ms' }).waitFor({ timeout: WAIT_MS });
  await page.unroute('**/posture-labels');
  await editor.getByTestId('posture-label-cancel').click();
  await expect(page.getByTestId('timeline-coach').getAttribute('data-labels')).resolves.not.toContain('sitting_far'); // unchanged

  // A reload keeps the labels: they are the server's.
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(SESSION);
  await page.locator(`[data-testid="timeline-coach"][data-frame-id="${frameId}"][data-agrees="true"]`).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('posture-labels-summary').textContent()).resolves.toBe('1 posture moment labelled · model agrees on 1');
  await expect(option.textContent()).resolves.toMatch(/ · 1 posture labelled$/);

  // The header's Label posture: the customer at the current moment (no playhead, no bar chosen:
  // their first posture); Escape cancels and the focus goes back to the button. One customer:
  // no customer picker, no customer line (the legend names her).
  await button.click();
  await editor.waitFor({ timeout: WAIT_MS });
  await expect(editor.getAttribute('data-participant')).resolves.toBe(CUSTOMER);
  await expect(editor.getByTestId('posture-label-customer').count()).resolves.toBe(0);
  await expect(editor.getByTestId('posture-label-customer-fixed').count()).resolves.toBe(0);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('posture-label-editor').count()).resolves.toBe(0);
  await expect(focusedTestId(page)).resolves.toBe('posture-label-button');

  // By keyboard, a posture bar chosen with Enter offers the moment to the next Tab.
  await page.locator('[data-testid="posture-bar"][data-label="leaning_forward"]').first().focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(focusedTestId(page)).resolves.toBe('posture-label-here');

  // Export posture labels: eval-posture rows with the frame's 33 landmarks and the coach's labels.
  const download = page.waitForEvent('download');
  await page.getByTestId('posture-labels-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/-posture-labels\.jsonl$/);
  type Row = { landmarks: unknown[]; labels: string[]; model_labels: string[]; participant: string; frame: number; media_ms: number; note?: string; role: string };
  const parse = (text: string): Row[] =>
    text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Row);
  const rows = parse(await readFile(await file.path(), 'utf8'));
  expect(rows).toHaveLength(1);
  expect(rows[0]!.landmarks).toHaveLength(33);
  expect(rows[0]).toMatchObject({ participant: CUSTOMER, role: 'customer', frame: Number(frameId), note: 'Leans in over the brochure' });
  expect(rows[0]!.labels).toEqual(model);
  // The footer's link: every session's in one file, the same row here (one labelled session).
  const allDownload = page.waitForEvent('download');
  await page.getByTestId('all-posture-labels').click();
  const all = await allDownload;
  const allRows = parse(await readFile(await all.path(), 'utf8'));
  expect(allRows.map((r) => [r.frame, r.labels, r.landmarks.length])).toEqual([[Number(frameId), model, 33]]);

  expect(b.reads).toEqual([]); // the other window applied the events, it did not read the session again

  // The customer made a rep (roles changed elsewhere): the session is read again with its labels,
  // which the server keeps but no longer counts or exports; the marker is faded and its editor
  // only removes them. Made a customer again, they count again.
  expect((await api(suite.server.url, 'PUT', `/api/sessions/${SESSION}/roles`, { roles: { [CUSTOMER]: 'rep' } })).status).toBe(200);
  await page.locator(`[data-testid="timeline-coach"][data-frame-id="${frameId}"][data-aside="true"]`).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('posture-labels-summary').isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('posture-labels-export').isVisible()).resolves.toBe(false);
  await page.getByTestId('timeline-coach').click();
  await editor.waitFor({ timeout: WAIT_MS });
  await expect(box(page, 'neutral').isDisabled()).resolves.toBe(true);
  await expect(editor.getByTestId('posture-label-save').isDisabled()).resolves.toBe(true);
  await expect(editor.getByTestId('posture-label-remove').isEnabled()).resolves.toBe(true);
  await page.keyboard.press('Escape');
  expect((await api(suite.server.url, 'PUT', `/api/sessions/${SESSION}/roles`, { roles: { [CUSTOMER]: 'customer' } })).status).toBe(200);
  await page.locator(`[data-testid="timeline-coach"][data-frame-id="${frameId}"][data-agrees="true"]:not([data-aside])`).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('posture-labels-summary').textContent()).resolves.toBe('1 posture moment labelled · model agrees on 1');
  await b.page.locator(`[data-testid="timeline-coach"][data-frame-id="${frameId}"]:not([data-aside])`).waitFor({ timeout: WAIT_MS });
  const bReads = b.reads.length; // each role change read the session again, once

  // Remove: gone here and in the other window.
  await page.getByTestId('timeline-coach').click();
  await editor.getByTestId('posture-label-remove').click();
  await page.getByTestId('timeline-coach').waitFor({ state: 'detached', timeout: WAIT_MS });
  await status.filter({ hasText: 'Removed the posture labels' }).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('posture-labels-summary').isVisible()).resolves.toBe(false);
  await b.page.getByTestId('timeline-coach').waitFor({ state: 'detached', timeout: WAIT_MS });
  await expect(b.page.getByTestId('posture-labels-summary').isVisible()).resolves.toBe(false);
  expect((await api(suite.server.url, 'GET', `/api/sessions/${SESSION}`)).body.postureLabels).toEqual([]);
  expect(b.reads).toHaveLength(bReads); // the removal came as an event, nothing was read again

  expect(a.pageErrors).toEqual([]);
  expect(b.pageErrors).toEqual([]);
});

/**
 * Presses `button` while the demo plays and waits for the editor `editorTestId` it opens: the
 * moment the editor took (its data-media-ms) lies between the clock read before the press and
 * the one read after it (the clock shows whole seconds, rounded down).
 */
async function openAtPlayhead(page: Page, button: Locator, editorTestId: string): Promise<{ editor: Locator; at: number; before: number; after: number }> {
  const before = await clockMs(page);
  await button.click();
  const editor = page.getByTestId(editorTestId);
  await editor.waitFor({ timeout: WAIT_MS });
  const after = await clockMs(page);
  const at = Number(await editor.getAttribute('data-media-ms'));
  expect(at).toBeGreaterThanOrEqual(before);
  expect(at).toBeLessThan(after + 1000);
  return { editor, at, before, after };
}

test('with two customers the editor’s picker labels the one without posture bars; a label given shows its customer as text', async () => {
  // A couple at the bank: 李女士 with the demo's first 40 s of postures (bars from about 0:23),
  // 王先生 sitting upright, arms relaxed, in every frame (the model shows nothing for him).
  const demo = loadDemoMeeting();
  const track = demo.posture!;
  const HER = track.participant;
  const HIM = '王先生';
  const created = await api(suite.server.url, 'POST', '/api/sessions', {
    title: 'Couple at the bank',
    participants: [{ name: '王经理', role: 'rep' }, { name: HER, role: 'customer' }, { name: HIM, role: 'customer' }],
  });
  expect(created.status).toBe(201);
  const id = created.body.session.id as string;
  const upright = view(posture(ARMS.hanging));
  const frames = track.frames
    .filter((f) => f.mediaMs <= 40_000)
    .flatMap((f) => [
      { participant: HER, mediaMs: f.mediaMs, poses: f.poses, aspect: track.aspect },
      { participant: HIM, mediaMs: f.mediaMs, poses: [{ landmarks: upright.landmarks, score: upright.score }], aspect: 4 / 3 },
    ]);
  for (let i = 0; i < frames.length; i += 32) expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/landmarks`, frames.slice(i, i + 32))).status).toBe(201);
  const signals = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body.signals as { participant: string; kind: string }[];
  expect(signals.some((x) => x.kind === 'posture' && x.participant === HER)).toBe(true);
  expect(signals.filter((x) => x.participant === HIM)).toEqual([]); // no bar to choose for him

  const w = await openWatchedSession(suite, { sessionId: id, event: 'posture_labelled', ready: '[data-testid="posture-bar"] >> nth=0', waitMs: WAIT_MS });
  const { page } = w;
  await expect(page.locator(`[data-testid="posture-bar"][data-participant="${HIM}"]`).count()).resolves.toBe(0);
  const button = page.getByTestId('posture-label-button');
  const editor = page.getByTestId('posture-label-editor');
  const picker = editor.getByTestId('posture-label-customer');

  // Label posture: her (the first with postures) at her first posture; the picker lists both
  // customers (not the rep), her preselected, labelled "Customer".
  await button.click();
  await editor.waitFor({ timeout: WAIT_MS });
  await expect(editor.getAttribute('data-participant')).resolves.toBe(HER);
  const at = await editor.getAttribute('data-media-ms');
  await expect(picker.inputValue()).resolves.toBe(HER);
  await expect(picker.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))).resolves.toEqual([HER, HIM]);
  await expect(editor.locator('label[for="posture-label-customer"]').textContent()).resolves.toBe('Customer');
  const hers = await checked(page);
  expect(hers).not.toContain('neutral'); // the timeline shows a main posture for her then
  // Escape on the picker cancels, the focus back on the button, as from anywhere in the editor.
  await picker.focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('posture-label-editor').count()).resolves.toBe(0);
  await expect(focusedTestId(page)).resolves.toBe('posture-label-button');

  // Picking him, untouched: the same moment, pre-checked with what the timeline shows for him
  // (nothing: Neutral); by keyboard, the focus stays on the picker across the redraw.
  await button.click();
  await editor.waitFor({ timeout: WAIT_MS });
  await picker.focus();
  await page.keyboard.press('ArrowDown');
  await page.locator(`[data-testid="posture-label-editor"][data-participant="${HIM}"]`).waitFor({ timeout: WAIT_MS });
  await expect(editor.getAttribute('data-media-ms')).resolves.toBe(at);
  await expect(checked(page)).resolves.toEqual(['neutral']);
  await expect(editor.locator('[data-testid="posture-model-hint"]').count()).resolves.toBe(0);
  await expect(focusedTestId(page)).resolves.toBe('posture-label-customer');
  await expect(editor.locator('legend').textContent()).resolves.toContain(HIM);
  // Back to her, still untouched: her postures again. Touched, the coach's checks are kept
  // across a change of customer.
  await picker.selectOption(HER);
  await page.locator(`[data-testid="posture-label-editor"][data-participant="${HER}"]`).waitFor({ timeout: WAIT_MS });
  await expect(checked(page)).resolves.toEqual(hers);
  await box(page, 'sitting_far').check();
  await picker.selectOption(HIM);
  await page.locator(`[data-testid="posture-label-editor"][data-participant="${HIM}"]`).waitFor({ timeout: WAIT_MS });
  await expect(checked(page)).resolves.toEqual(expect.arrayContaining([...hers, 'sitting_far']));
  // What the coach sees in his frame: upright, arms relaxed. Enter on a checkbox saves.
  await box(page, 'neutral').check();
  await box(page, 'sitting_far').uncheck();
  for (const l of hers.filter((l) => l !== 'neutral')) if (await box(page, l).isChecked()) await box(page, l).uncheck();
  await expect(checked(page)).resolves.toEqual(['neutral']);
  await box(page, 'neutral').focus();
  await page.keyboard.press('Enter');
  const status = page.getByTestId('posture-label-status');
  await status.filter({ hasText: `Saved on ${HIM}’s frame at` }).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('posture-label-editor').count()).resolves.toBe(0);
  await expect(focusedTestId(page)).resolves.toBe('posture-label-button');

  // The server put it on his frame, at the moment chosen (within its 1 s).
  const stored = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body.postureLabels as PostureLabels[];
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ participant: HIM, labels: ['neutral'] });
  expect(Math.abs(stored[0]!.mediaMs - Number(at))).toBeLessThanOrEqual(1000);
  const page1 = (await api(suite.server.url, 'GET', `/api/sessions/${id}/landmarks?limit=1000`)).body.frames as { frameId: number; participant: string; mediaMs: number }[];
  expect(page1.find((f) => f.frameId === stored[0]!.frameId)).toMatchObject({ participant: HIM, mediaMs: stored[0]!.mediaMs });

  // Its marker opens it with the customer fixed: his name as text, no picker.
  const marker = page.locator(`[data-testid="timeline-coach"][data-frame-id="${stored[0]!.frameId}"]`);
  await marker.click();
  await editor.waitFor({ timeout: WAIT_MS });
  await expect(editor.getAttribute('data-participant')).resolves.toBe(HIM);
  await expect(editor.getByTestId('posture-label-customer').count()).resolves.toBe(0);
  await expect(editor.getByTestId('posture-label-customer-fixed').textContent()).resolves.toBe(`Customer: ${HIM}`);
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(editor.getByTestId('posture-label-customer-fixed').textContent()).resolves.toBe(`客户：${HIM}`);
  await page.keyboard.press('Escape');
  await button.click();
  await editor.waitFor({ timeout: WAIT_MS });
  await expect(editor.locator('label[for="posture-label-customer"]').textContent()).resolves.toBe('客户');
  await page.keyboard.press('Escape');
  await page.locator('.lang-btn[data-lang="en"]').click();

  expect(w.pageErrors).toEqual([]);
});

test('while the demo plays, Label posture and Comment take the running playhead, and playback runs on', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS, { height: 900 });
  page.on('dialog', (d) => void d.dismiss());
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption('1'); // real time: a 2:20 meeting, still playing long after the saves
  await page.getByTestId('play').click();
  await page.locator('body[data-player="playing"]').waitFor({ timeout: WAIT_MS });
  await page.waitForFunction(() => /^0:(0[4-9]|[1-5]\d)$/.test(document.querySelector('[data-testid="clock"]')?.textContent ?? ''), undefined, { timeout: WAIT_MS }); // some seconds in
  const id = (await page.getByTestId('view-title').getAttribute('data-session-id'))!;
  expect(id).not.toBe('');
  expect(id).not.toBe(SESSION);
  const button = page.getByTestId('posture-label-button');
  await button.waitFor({ state: 'visible', timeout: WAIT_MS });

  // Label posture: the editor opens at the playhead of the press (the clock before and after it).
  const { editor, at: labelAt, before: beforeLabel, after: afterLabel } = await openAtPlayhead(page, button, 'posture-label-editor');
  await expect(editor.getAttribute('data-participant')).resolves.toBe(CUSTOMER);
  await expect(editor.getByTestId('posture-label-customer').count()).resolves.toBe(0); // one customer
  if ((await checked(page)).length === 0) await box(page, 'neutral').check();
  await editor.getByTestId('posture-label-save').click();
  await page.getByTestId('posture-label-status').filter({ hasText: `Saved on ${CUSTOMER}’s frame at` }).waitFor({ timeout: WAIT_MS });
  // Stored on her frame nearest the moment asked (the server's 1 s), so near the press.
  const labels = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body.postureLabels as PostureLabels[];
  expect(labels).toHaveLength(1);
  expect(labels[0]!.participant).toBe(CUSTOMER);
  expect(Math.abs(labels[0]!.mediaMs - labelAt)).toBeLessThanOrEqual(1000);
  expect(labels[0]!.mediaMs).toBeGreaterThanOrEqual(beforeLabel - 1000);
  expect(labels[0]!.mediaMs).toBeLessThan(afterLabel + 2000);
  await expect(page.locator('body').getAttribute('data-player')).resolves.toBe('playing');

  // Comment: the playhead of its press too, later than the label's.
  const { editor: commentEditor, at: commentAt } = await openAtPlayhead(page, page.getByTestId('comment-button'), 'comment-editor');
  expect(commentAt).toBeGreaterThanOrEqual(labelAt);
  await commentEditor.getByTestId('comment-text').fill('She uncrosses her arms here: ask now');
  await commentEditor.getByTestId('comment-save').click();
  await page.getByTestId('comment-editor').waitFor({ state: 'detached', timeout: WAIT_MS });
  const comments = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body.comments as { mediaMs: number; text: string }[];
  expect(comments).toEqual([expect.objectContaining({ mediaMs: commentAt, text: 'She uncrosses her arms here: ask now' })]);

  // Playback ran on through both: still playing, the clock past the comment's moment.
  await expect(page.locator('body').getAttribute('data-player')).resolves.toBe('playing');
  await page.waitForFunction((ms) => {
    const [m, sec] = (document.querySelector('[data-testid="clock"]')?.textContent ?? '0:00').split(':').map(Number);
    return (m! * 60 + sec!) * 1000 > ms + 1000;
  }, commentAt, { timeout: WAIT_MS });
  await page.getByTestId('pause').click();
  await page.locator('body[data-player="paused"]').waitFor({ timeout: WAIT_MS });
  expect(pageErrors).toEqual([]);
});
