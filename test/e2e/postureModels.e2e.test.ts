// An analyst runs another posture model and trains one on the coaches' posture labels from the
// Model quality view. Running posture model lists the library (the committed model running, a
// copy of it under a new version trained with labelled frames, a half-written folder skipped with
// its reason), Run this model asks to confirm, the server runs it, and the history, the footer
// and another window (not reloaded, then in Chinese) follow the `posture_settings` event. Train a
// posture model on these labels refuses a weight out of range by its field, then trains a tiny
// recipe (set on the test server) on frames all labelled arms crossed: its progress, its warnings
// (no frame labelled neutral, one posture only), the new version with each label's F1, in this
// window and in another that only watched; its Run this model asks in the running section, which
// runs it. Real server (a temp model library), real Chromium.
import fs from 'node:fs';
import path from 'node:path';
import type { PostureLibrary, PostureTrainJob } from '../../protocol/postureModels';
import { addPostureLibraryModel, tempModelsDir } from '../../server/models/library.testkit';
import { labelledFrames, TINY_POSTURE_RECIPE } from '../integration/labelledFrames';
import { getJson, openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
jest.setTimeout(240_000);

const NEW = 'posture-20261202-aaaaaaaa';
const modelsDir = tempModelsDir();
addPostureLibraryModel(modelsDir, 'retrained', NEW, { extra: { weight: 2, rows: 30 } });
// A folder no posture model is in yet (a copy half made): listed as skipped, with why.
fs.mkdirSync(path.join(modelsDir, 'posture', 'half-written'));
afterAll(() => fs.rmSync(modelsDir, { recursive: true, force: true }));

const suite = useServerAndBrowser({ seedDemo: false, modelsDir, training: { progressIntervalMs: 50, postureRecipe: TINY_POSTURE_RECIPE } });

const health = () => getJson<{ postureModel: string }>(suite.server, '/api/health');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

test('Run this model in Running posture model: listed, confirmed, run; the history, the footer and another window follow', async () => {
  const committed = (await health()).postureModel;
  const a = await openPage(suite.browser, suite.server, WAIT_MS);
  const b = await openPage(suite.browser, suite.server, WAIT_MS);
  await b.page.getByTestId('quality-button').click();
  const other = b.page.getByTestId('posture-running-model');
  await other.getByTestId('posture-running-library').waitFor({ timeout: WAIT_MS });

  const page = a.page;
  await page.getByTestId('quality-button').click();
  const section = page.getByTestId('quality-dialog').getByTestId('posture-running-model');
  await section.getByTestId('posture-running-library').waitFor({ timeout: WAIT_MS });
  await expect(section.getByTestId('posture-running-model-now').textContent()).resolves.toBe(`Running now: posture model ${committed} (the default)`);
  const rows = section.getByTestId('posture-running-model-row');
  await expect(rows.count()).resolves.toBe(2);
  await expect(rows.nth(0).textContent()).resolves.toContain(`${committed} · running`);
  // Each label's F1 on the model's synthetic validation set, as the library answers it, in the labels' order.
  const lib = await getJson<PostureLibrary>(suite.server, '/api/models/posture');
  const base = lib.models.find((m) => m.id === 'base')!;
  await expect(rows.nth(0).textContent()).resolves.toContain(`Arms crossed ${pct(base.validation!.arms_crossed!.f1)}, Leaning in ${pct(base.validation!.leaning_forward!.f1)}`);
  await expect(rows.nth(1).textContent()).resolves.toContain('trained with 30 labelled frames (each counted 2×)');
  await expect(section.getByTestId('posture-running-model-skipped').textContent()).resolves.toMatch(/^Not a model it can run: .*half-written \(manifest\.json is missing/);
  await expect(section.getByTestId('posture-running-history').textContent()).resolves.toContain('No change yet: the server runs the posture model it started with.');
  // The running one cannot be run again.
  await expect(section.getByTestId('posture-running-run-base').isDisabled()).resolves.toBe(true);

  // By keyboard: the button, then the confirmation, which says what happens to meetings and sessions.
  await section.getByTestId('posture-running-run-lib/retrained').focus();
  await page.keyboard.press('Enter');
  const confirm = section.getByTestId('posture-running-confirm');
  await confirm.waitFor({ timeout: WAIT_MS });
  await expect(confirm.textContent()).resolves.toContain(`Run ${NEW} from now on? Live meetings switch for their new frames; stored sessions keep their posture signals until they are re-analysed.`);
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('posture-running-confirm-yes');
  await page.keyboard.press('Enter');

  await rows.nth(1).getByTestId('posture-running-marker').waitFor({ timeout: WAIT_MS });
  await expect(section.getByTestId('posture-running-model-now').textContent()).resolves.toBe(`Running now: posture model ${NEW} (chosen here)`);
  // The history comes with the settings read after the switch, which may land after the marker (the event).
  await section.locator(`[data-testid="posture-running-history"]:has-text("posture model the default → ${NEW}")`).waitFor({ timeout: WAIT_MS });
  await expect(section.getByTestId('posture-running-run-lib/retrained').isDisabled()).resolves.toBe(true);
  expect((await health()).postureModel).toBe(NEW);
  // The verbal section is untouched.
  await expect(page.getByTestId('running-model-now').textContent()).resolves.not.toContain(NEW);

  // The other window, not reloaded: its section follows the event (the running marker, the history), and its footer.
  await other.locator('[data-testid="posture-running-model-row"]:nth-child(2) [data-testid="posture-running-marker"]').waitFor({ timeout: WAIT_MS });
  await other.locator(`[data-testid="posture-running-history"]:has-text("the default → ${NEW}")`).waitFor({ timeout: WAIT_MS });
  await b.page.locator(`#health:has-text("${NEW}")`).waitFor({ timeout: WAIT_MS });
  // In Chinese (the dialog is modal: switched with it closed), the same section.
  await b.page.getByTestId('quality-close').click();
  await b.page.getByRole('button', { name: '中文' }).click();
  await b.page.getByTestId('quality-button').click();
  await other.locator('[data-testid="posture-running-model-now"]:has-text("正在运行")').waitFor({ timeout: WAIT_MS });
  await expect(other.getByTestId('posture-running-model-now').textContent()).resolves.toBe(`正在运行：姿态模型 ${NEW}（在此处选择）`);
  await other.locator(`[data-testid="posture-running-history"]:has-text("姿态模型 默认 → ${NEW}")`).waitFor({ timeout: WAIT_MS });
  expect([...a.pageErrors, ...b.pageErrors]).toEqual([]);
});

test('trains a posture model on the labelled frames: progress, warnings, the new version in two windows, and Run this model', async () => {
  const url = suite.server.url;
  // 20 frames, each its own moment, all labelled arms crossed: nothing neutral, one posture only.
  const FRAMES = 20;
  await labelledFrames(url, FRAMES, 0, [['crossed', ['arms_crossed']]]);

  // Another window with Model quality open: it hears the job without starting it.
  const watcher = await openPage(suite.browser, suite.server, WAIT_MS);
  await watcher.page.getByTestId('quality-button').click();
  await watcher.page.getByTestId('quality-posture-train').waitFor({ timeout: WAIT_MS });

  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('quality-button').click();
  const dialog = page.getByTestId('quality-dialog');
  const section = dialog.getByTestId('quality-posture-train');
  await section.locator(`[data-testid="posture-train-rows"]:has-text("${FRAMES}")`).waitFor({ timeout: WAIT_MS });
  await expect(section.getByTestId('posture-train-rows').textContent()).resolves.toBe(`It would use ${FRAMES} labelled frames from every session.`);
  await expect(section.getByTestId('posture-train-seed').inputValue()).resolves.toBe('20261128');
  await expect(section.getByTestId('posture-train-weight').inputValue()).resolves.toBe('1');
  await expect(section.getByTestId('posture-train-hold-out').inputValue()).resolves.toBe('20');
  await expect(section.getByTestId('posture-train-cancel').isDisabled()).resolves.toBe(true);

  // A weight out of range: refused by its field, labelled and marked invalid; nothing started.
  await section.getByLabel('Weight of each labelled frame').fill('21');
  await section.getByTestId('posture-train-start').click();
  await expect(section.getByTestId('posture-train-weight-error').textContent()).resolves.toBe('The weight must be a whole number from 1 to 20.');
  await expect(section.getByTestId('posture-train-weight').getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('posture-train-weight');
  expect((await getJson<{ job: PostureTrainJob | null }>(suite.server, '/api/models/posture/train')).job).toBeNull();

  // Every progress line shown, recorded as it changes (the job takes a few seconds).
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="posture-train-progress"]')!;
    const seen: string[] = ((window as unknown as { progressSeen: string[] }).progressSeen = []);
    new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await section.getByLabel('Weight of each labelled frame').fill('2');
  await section.getByTestId('posture-train-start').click();
  const outcome = section.getByTestId('posture-train-outcome');
  await outcome.filter({ hasText: 'New posture model' }).waitFor({ timeout: WAIT_MS });

  const job = (await getJson<{ job: PostureTrainJob }>(suite.server, '/api/models/posture/train')).job;
  expect(job).toMatchObject({ state: 'done', seed: 20261128, rows: { weight: 2, holdOutPercent: 20, unmeasurable: 0 }, warnings: ['no_neutral_labels', 'one_label_only'] });
  expect(job.rows.extra + job.rows.heldOut).toBe(FRAMES);
  const r = job.result!;
  const text = (await outcome.textContent()) ?? '';
  expect(text).toContain(`New posture model ${r.version}: validation F1 Arms crossed ${pct(r.validation.arms_crossed!.f1)}`);
  expect(text).toContain('It is in the server’s model library');
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  expect(seen.filter(Boolean).length).toBeGreaterThan(0);
  for (const line of seen.filter(Boolean)) {
    expect(line).toMatch(/^(Starting the training job…|(Starting|Reading the labelled frames|Training|Saving the model)… \d+:\d\d elapsed\.|Training member 1 of 1, epoch [12] of 2; \d+:\d\d elapsed\.)$/);
  }
  const heldPart = job.rows.heldOut > 0 ? `, ${job.rows.heldOut} held out for comparing` : '';
  await expect(section.getByTestId('posture-train-job-rows').textContent()).resolves.toBe(`${job.rows.synthetic} synthetic examples per member + ${job.rows.extra} labelled frames × 2${heldPart}, seed 20261128.`);
  // The warnings, worded, in both windows.
  const warnings = section.getByTestId('posture-train-warnings');
  await expect(warnings.locator('li').allTextContents()).resolves.toEqual([
    'No frame is labelled neutral — the model learns only what is there; label what is not there too (upright, arms relaxed).',
    'Every labelled frame carries the same one posture — the model learns from your meetings about that one only; label frames of other postures too.',
  ]);
  await watcher.page.getByTestId('posture-train-outcome').filter({ hasText: r.version }).waitFor({ timeout: WAIT_MS });
  await expect(watcher.page.getByTestId('posture-train-warnings').locator('li').count()).resolves.toBe(2);
  // Train is offered again, Cancel not.
  await expect(section.getByTestId('posture-train-start').isDisabled()).resolves.toBe(false);
  await expect(section.getByTestId('posture-train-cancel').isDisabled()).resolves.toBe(true);

  // Run this model under the outcome asks in Running posture model (which lists the new model by
  // now): the confirmation of its row, the focus on Run it; the server then runs it.
  const run = section.getByTestId('posture-train-run');
  await expect(run.getAttribute('aria-label')).resolves.toBe(`Run this model: ${r.version}`);
  await run.click();
  const running = dialog.getByTestId('posture-running-model');
  await expect(running.getByTestId('posture-running-confirm').textContent()).resolves.toContain(`Run ${r.version} from now on?`);
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('posture-running-confirm-yes');
  await page.keyboard.press('Enter');
  const row = running.getByTestId('posture-running-model-row').filter({ hasText: r.version });
  await row.getByTestId('posture-running-marker').waitFor({ timeout: WAIT_MS });
  expect((await health()).postureModel).toBe(r.version);
  // Its model runs: the button under the outcome goes, in both windows.
  await run.waitFor({ state: 'hidden', timeout: WAIT_MS });
  await watcher.page.getByTestId('posture-train-run').waitFor({ state: 'hidden', timeout: WAIT_MS });
  expect(pageErrors).toEqual([]);
  expect(watcher.pageErrors).toEqual([]);
});
