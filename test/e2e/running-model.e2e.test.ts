// An analyst runs another verbal model from the Model quality view: the Running model section
// lists the library (the committed model running, a retrained copy beside it, trained with coach
// labels), Run this model asks to confirm, then the server runs it; the model line of every
// window showing a session ("analysed with an older verbal model … / Re-analyse") and the footer
// follow without a reload; a threshold that is no number is refused by its field. Real server
// (a temp model library), real Chromium.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { addLibraryModel, tempModelsDir } from '../../server/models/library.testkit';
import { api } from '../integration/harness';
import { openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
jest.setTimeout(180_000);

const NEW = 'verbal-20261201-aaaaaaaa';
const modelsDir = tempModelsDir();
addLibraryModel(modelsDir, 'retrained', NEW, { extra: { weight: 3, rows: 14 } });
const suite = useServerAndBrowser({ seedDemo: false, modelsDir });
afterAll(() => fs.rmSync(modelsDir, { recursive: true, force: true }));

const TRANSCRIPT = {
  participants: [
    { name: 'Ada', role: 'rep' },
    { name: 'Li', role: 'customer' },
  ],
  utterances: [
    { speaker: 'Ada', text: 'So this is the plan we would propose for your team.', startMs: 1000 },
    { speaker: 'Li', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 5000 },
    { speaker: 'Li', text: 'Could you give us a discount if we sign for two years?', startMs: 9000 },
  ],
};

async function showSession(page: Page, id: string): Promise<void> {
  await page.getByTestId('session-select').selectOption(id);
  await page.getByTestId('utterance').nth(TRANSCRIPT.utterances.length - 1).waitFor({ timeout: WAIT_MS });
}

test('Run this model from Model quality: confirmed, run, and every window’s model line and footer follow', async () => {
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=call.json', undefined, JSON.stringify(TRANSCRIPT));
  expect(up.status).toBe(201);
  const id = up.body.session.id as string;
  const committed = suite.server.service.modelVersion;

  const a = await openPage(suite.browser, suite.server, WAIT_MS);
  const b = await openPage(suite.browser, suite.server, WAIT_MS);
  await showSession(a.page, id);
  await showSession(b.page, id);
  // Analysed by the model the server runs: no older model to speak of.
  await expect(b.page.locator('[data-testid="model-status"][data-state="stale"]').count()).resolves.toBe(0);

  const page = a.page;
  await page.getByTestId('quality-button').click();
  const dialog = page.getByTestId('quality-dialog');
  const section = dialog.getByTestId('running-model');
  await section.getByTestId('running-library').waitFor({ timeout: WAIT_MS });
  await expect(section.getByTestId('running-model-now').textContent()).resolves.toContain(`Running now: verbal model ${committed} (the default)`);
  const rows = section.getByTestId('running-model-row');
  await expect(rows.count()).resolves.toBe(2);
  await expect(rows.nth(0).textContent()).resolves.toContain(`${committed} · running`);
  await expect(rows.nth(1).textContent()).resolves.toContain('trained with 14 coach labels (each counted 3×)');
  // The running one cannot be run again.
  await expect(section.getByTestId('running-run-base').isDisabled()).resolves.toBe(true);

  // By keyboard: the button, then the confirmation, which says what happens to meetings and sessions.
  await section.getByTestId('running-run-lib/retrained').focus();
  await page.keyboard.press('Enter');
  const confirm = section.getByTestId('running-confirm');
  await confirm.waitFor({ timeout: WAIT_MS });
  await expect(confirm.textContent()).resolves.toContain(`Run ${NEW} from now on? Live meetings switch for their new turns; stored sessions keep their signals until they are re-analysed.`);
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('running-confirm-yes');
  await page.keyboard.press('Enter');

  await section.locator('[data-testid="running-model-row"]:nth-child(2) [data-testid="running-marker"]').waitFor({ timeout: WAIT_MS });
  await expect(section.getByTestId('running-model-now').textContent()).resolves.toContain(`Running now: verbal model ${NEW} (chosen here)`);
  // The history comes with the settings read after the switch, which may land after the marker (the event).
  await section.locator(`[data-testid="running-history"]:has-text("verbal model the default → ${NEW}")`).waitFor({ timeout: WAIT_MS });
  expect(suite.server.service.modelVersion).toBe(NEW);

  // The other window, not reloaded: its model line offers Re-analyse, its footer names the new model.
  await b.page.locator('[data-testid="model-status"][data-state="stale"]').waitFor({ timeout: WAIT_MS });
  await expect(b.page.getByTestId('model-status-text').textContent()).resolves.toBe(`Analysed with an older verbal model (${committed}; the server runs ${NEW})`);
  await expect(b.page.locator('#health').textContent()).resolves.toContain(NEW);
  await page.getByTestId('quality-close').click();
  await page.locator('[data-testid="model-status"][data-state="stale"]').waitFor({ timeout: WAIT_MS });

  // A threshold that is no number: refused by its field, in the page's language; nothing sent.
  await page.getByTestId('quality-button').click();
  await section.getByTestId('running-thresholds').waitFor({ timeout: WAIT_MS });
  await section.getByTestId('running-threshold-resistance').fill('1.5');
  await section.getByTestId('running-apply').click();
  const error = section.getByTestId('running-threshold-resistance-error');
  await error.waitFor({ timeout: WAIT_MS });
  await expect(error.textContent()).resolves.toBe('Give a number from 0 to 1, or leave it empty for none');
  await expect(section.getByTestId('running-threshold-resistance').getAttribute('aria-invalid')).resolves.toBe('true');
  expect(suite.server.service.signalThresholds).toEqual({});
  await section.getByTestId('running-threshold-resistance').fill('0.6');
  await section.getByTestId('running-apply').click();
  await section.locator('[data-testid="running-model-now"]:has-text("Resistance ≥ 0.60")').waitFor({ timeout: WAIT_MS });
  expect(suite.server.service.signalThresholds).toEqual({ resistance: 0.6 });
  await b.page.locator('#health:has-text("Resistance ≥ 0.6")').waitFor({ timeout: WAIT_MS });
  // Re-analysed under the new model, the session's signals are still of the old thresholds: said, with Re-analyse.
  await b.page.getByTestId('reanalyse').click();
  await b.page.locator('[data-testid="model-status"][data-state="current"]').waitFor({ timeout: WAIT_MS });
  await section.getByTestId('running-threshold-resistance').fill('');
  await section.getByTestId('running-apply').click();
  await section.locator('[data-testid="running-model-now"]:has-text("none")').waitFor({ timeout: WAIT_MS });
  await b.page.locator('[data-testid="model-status"][data-state="stale"]').waitFor({ timeout: WAIT_MS });
  await expect(b.page.getByTestId('model-status-text').textContent()).resolves.toBe('Its signals were made under other signal thresholds (Resistance ≥ 0.6; the server runs none)');

  // In Chinese (the other window), the same line.
  await b.page.getByRole('button', { name: '中文' }).click();
  await expect(b.page.getByTestId('model-status-text').textContent()).resolves.toBe('其信号是在其他信号阈值下生成的（抗拒 ≥ 0.6；服务器当前运行 不设）');
  expect([...a.pageErrors, ...b.pageErrors]).toEqual([]);
});
