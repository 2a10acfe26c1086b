// An analyst trains a model on the coaches' labels from the Model quality view: sixteen labelled
// customer turns stored (a fifth held out for comparing by default leaves enough to train on), the section says how many a job would use; a weight out of range is
// refused by its field; Train starts a job (on a 200-row corpus, 2 epochs, set on the test
// server), the progress line shows its phase, member, epoch and time, Cancel is offered while it
// runs, and the new version with its validation figure shows once done, in this window and in
// another one that only watched; Running model then lists it and runs it. Real server, real Chromium.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TrainJob } from '../../protocol/training';
import { writeTinyCorpus } from '../../server/training/tinyCorpus.testkit';
import { LABELLED_FOR_JOB, labelledSession } from '../integration/labelledSession';
import { getJson, openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
jest.setTimeout(180_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-training-e2e-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const modelsDir = path.join(work, 'models');
const suite = useServerAndBrowser({ modelsDir, training: { corpusPath: writeTinyCorpus(work, 400), epochs: 2, progressIntervalMs: 50 } });


test('trains a model on the labels from Model quality: progress, then the new version, in two windows', async () => {
  const url = suite.server.url;
  await labelledSession(url, LABELLED_FOR_JOB);

  // Another window with Model quality open: it hears the job without starting it.
  const other = await openPage(suite.browser, suite.server, WAIT_MS);
  await other.page.getByTestId('quality-button').click();
  await other.page.getByTestId('quality-train').waitFor({ timeout: WAIT_MS });

  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('quality-button').click();
  const dialog = page.getByTestId('quality-dialog');
  await dialog.getByTestId('quality-verbal-all').waitFor({ timeout: WAIT_MS });
  const section = dialog.getByTestId('quality-train');
  await expect(section.getByTestId('train-rows').textContent()).resolves.toBe(`It would use ${LABELLED_FOR_JOB} labelled customer turns from every session.`);
  await expect(section.getByTestId('train-seed').inputValue()).resolves.toBe('7');
  await expect(section.getByTestId('train-weight').inputValue()).resolves.toBe('5');
  await expect(section.getByTestId('train-hold-out').inputValue()).resolves.toBe('20');
  await expect(section.getByTestId('train-cancel').isDisabled()).resolves.toBe(true);

  // A weight out of range: refused by its field, labelled and marked invalid; nothing started.
  await section.getByLabel('Weight of each label').fill('21');
  await section.getByTestId('train-start').click();
  await expect(section.getByTestId('train-weight-error').textContent()).resolves.toBe('The weight must be a whole number from 1 to 20.');
  await expect(section.getByTestId('train-weight').getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('train-weight');
  expect((await getJson<{ job: TrainJob | null }>(suite.server, '/api/models/verbal/train')).job).toBeNull();

  // Every progress line shown, recorded as it changes (the job takes a few seconds).
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="train-progress"]')!;
    const seen: string[] = ((window as unknown as { progressSeen: string[] }).progressSeen = []);
    new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await section.getByLabel('Weight of each label').fill('3');
  await section.getByLabel('Seed').fill('11');
  // By keyboard: Enter in a field trains.
  await section.getByLabel('Seed').press('Enter');
  const outcome = section.getByTestId('train-outcome');
  await outcome.filter({ hasText: 'New model' }).waitFor({ timeout: WAIT_MS });

  const job = (await getJson<{ job: TrainJob }>(suite.server, '/api/models/verbal/train')).job;
  // The default hold-out: a fifth of the labelled turns kept out for comparing (seed 11 holds 5 of these out).
  expect(job).toMatchObject({ state: 'done', seed: 11, rows: { corpus: 400, weight: 3, holdOutPercent: 20 } });
  expect(job.rows.heldOut).toBeGreaterThan(0);
  expect(job.rows.extra + job.rows.heldOut).toBe(LABELLED_FOR_JOB);
  const version = job.result!.version;
  const text = (await outcome.textContent()) ?? '';
  expect(text).toContain(`New model ${version}: validation macro-F1 ${(job.result!.validation.macroF1 * 100).toFixed(1)}%`);
  expect(text).toContain('It is in the server’s model library');
  expect(fs.existsSync(path.join(modelsDir, 'verbal', version, 'manifest.json'))).toBe(true);
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  expect(seen.some((l) => /^Training member [1-3] of 3, epoch [12] \(at most 2\), validation macro-F1 [\d.]+%; \d+:\d\d elapsed\.$/.test(l))).toBe(true);
  await expect(section.getByTestId('train-job-rows').textContent()).resolves.toBe(`Corpus 400 rows + ${job.rows.extra} labelled turns × 3, ${job.rows.heldOut} held out for comparing, seed 11.`);
  // Train is offered again, Cancel not.
  await expect(section.getByTestId('train-start').isDisabled()).resolves.toBe(false);
  await expect(section.getByTestId('train-cancel').isDisabled()).resolves.toBe(true);

  // The window that only watched shows the same outcome.
  await other.page.getByTestId('train-outcome').filter({ hasText: version }).waitFor({ timeout: WAIT_MS });

  // Both windows' Running model lists the new model once the job ends (the dialogs stayed open),
  // and running it is one click and a confirmation away: the server runs it for new turns.
  const row = dialog.getByTestId('running-model-row').filter({ hasText: version });
  await row.waitFor({ timeout: WAIT_MS });
  await other.page.getByTestId('running-model-row').filter({ hasText: version }).waitFor({ timeout: WAIT_MS });
  await dialog.getByTestId(`running-run-lib/${version}`).click();
  await dialog.getByTestId('running-confirm-yes').click();
  await row.getByTestId('running-marker').waitFor({ timeout: WAIT_MS });
  expect((await getJson<{ verbalModel: string }>(suite.server, '/api/health')).verbalModel).toBe(version);
  expect(pageErrors).toEqual([]);
  expect(other.pageErrors).toEqual([]);
});
