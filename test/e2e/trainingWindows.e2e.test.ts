// Model quality's training section across windows and connections, in real Chromium against the
// real server (a job of many seconds: 800 rows, up to 20 epochs): a field's refusal is re-worded
// when the page's language changes; two windows cancelling at once both show the job cancelled
// (the later one's 409 is no error: the job is over); a window whose connection dropped while
// the job ended shows the job's end once it is back (events missed are not replayed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { writeTinyCorpus } from '../../server/training/tinyCorpus.testkit';
import { api } from '../integration/harness';
import { LABELLED_FOR_JOB, labelledSession } from '../integration/labelledSession';
import { droppableSocket, openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
jest.setTimeout(180_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-training-windows-e2e-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const suite = useServerAndBrowser({ modelsDir: path.join(work, 'models'), training: { corpusPath: writeTinyCorpus(work, 800), epochs: 20, progressIntervalMs: 50 } });


const section = (page: Page) => page.getByTestId('quality-dialog').getByTestId('quality-train');
const running = (page: Page) => section(page).locator('[data-testid="train-cancel"]:not([disabled])').waitFor({ timeout: WAIT_MS });
const cancelledShown = (page: Page) => section(page).getByTestId('train-outcome').filter({ hasText: 'Training was cancelled after' }).waitFor({ timeout: WAIT_MS });

async function openQuality(page: Page): Promise<void> {
  await page.getByTestId('quality-button').click();
  await section(page).waitFor({ timeout: WAIT_MS });
}

// Enough labelled customer turns for a job once the default hold-out (a fifth) keeps some out.
beforeAll(async () => {
  const url = suite.server.url;
  await labelledSession(url, LABELLED_FOR_JOB);
});

test('an answer read before a job started, arriving after its event, does not hide the job (none yet since the start, then an older one)', async () => {
  for (const round of ['no job yet', 'an older job'] as const) {
    // The page's GET of the job is answered by the server at once but handed to the page only
    // when the test says; the job's events after the first are held back (no later event mends it).
    let releaseAnswer = (): void => undefined;
    const answered = new Promise<void>((r) => (releaseAnswer = r));
    let eventsSeen = 0;
    const a = await openPage(suite.browser, suite.server, WAIT_MS);
    await droppableSocket(a.page, { toPage: (msg, forward) => (String(msg).includes('"model_training"') && ++eventsSeen > 1 ? undefined : forward(msg)) });
    await a.page.route('**/api/models/verbal/train', async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch();
      await answered;
      await route.fulfill({ response });
    });
    await a.page.reload();
    await a.page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
    await openQuality(a.page);
    // The dialog's GET is on its way (answered: no job, or the last one); a job starts meanwhile.
    await a.page.waitForTimeout(300);
    expect((await api(suite.server.url, 'POST', '/api/models/verbal/train', {})).status).toBe(202);
    await running(a.page);
    releaseAnswer();
    await a.page.waitForTimeout(500);
    expect(`${round}: ${await section(a.page).getByTestId('train-cancel').isDisabled()}`).toBe(`${round}: false`);
    await expect(section(a.page).getByTestId('train-progress').isHidden()).resolves.toBe(false);
    await expect(section(a.page).getByTestId('train-outcome').isHidden()).resolves.toBe(true);
    expect((await api(suite.server.url, 'DELETE', '/api/models/verbal/train')).status).toBe(200);
    expect(a.pageErrors).toEqual([]);
    await a.page.context().close();
  }
});

test('refusals re-worded by language; two windows cancelling at once; a window back after a drop shows the job ended', async () => {
  const url = suite.server.url;

  const a = await openPage(suite.browser, suite.server, WAIT_MS);
  const net = await droppableSocket(a.page);
  await a.page.reload();
  await a.page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  const b = await openPage(suite.browser, suite.server, WAIT_MS);
  await openQuality(a.page);
  await openQuality(b.page);

  // A field refused, then the language switched: the refusal is in the new language too.
  await section(a.page).getByTestId('train-weight').fill('21');
  await section(a.page).getByTestId('train-start').click();
  const weightError = section(a.page).getByTestId('train-weight-error');
  await expect(weightError.textContent()).resolves.toBe('The weight must be a whole number from 1 to 20.');
  // (The dialog is modal: the language is switched with it closed; the section is kept.)
  const switchTo = async (lang: 'zh' | 'en') => {
    await a.page.getByTestId('quality-dialog').press('Escape');
    await a.page.locator(`.lang-btn[data-lang="${lang}"]`).click();
    await a.page.getByTestId('quality-button').click();
  };
  await switchTo('zh');
  await expect(weightError.textContent()).resolves.toBe('权重须为 1 到 20 之间的整数。');
  await switchTo('en');
  await expect(weightError.textContent()).resolves.toBe('The weight must be a whole number from 1 to 20.');
  await section(a.page).getByTestId('train-weight').fill('5');

  // Two windows cancel at once: one DELETE cancels, the other is answered 409 not_running.
  await section(b.page).getByTestId('train-start').click();
  await running(a.page);
  await running(b.page);
  // dispatchEvent: no wait for the layout to settle (the quality table above can still grow and
  // cover A's button for a moment, and B's cancel would end the job before A's click landed).
  await Promise.all([section(a.page).getByTestId('train-cancel').dispatchEvent('click'), section(b.page).getByTestId('train-cancel').dispatchEvent('click')]);
  await cancelledShown(a.page);
  await cancelledShown(b.page);
  await a.page.waitForTimeout(500);
  for (const page of [a.page, b.page]) await expect(section(page).getByTestId('train-error').isHidden()).resolves.toBe(true);

  // A's connection drops while a job runs; the job is cancelled meanwhile; once back, A shows it.
  await section(b.page).getByTestId('train-start').click();
  await running(a.page);
  net.drop();
  await a.page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: WAIT_MS });
  expect((await api(url, 'DELETE', '/api/models/verbal/train')).status).toBe(200);
  await cancelledShown(b.page);
  net.down = false;
  await a.page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await cancelledShown(a.page);
  await expect(section(a.page).getByTestId('train-progress').isHidden()).resolves.toBe(true);
  await expect(section(a.page).getByTestId('train-start').isDisabled()).resolves.toBe(false);

  expect(a.pageErrors).toEqual([]);
  expect(b.pageErrors).toEqual([]);
});

test('a start refused as busy is not left saying a job runs once that job has ended', async () => {
  // A window that has not heard of the job yet (its events held back) asks to train: 409 busy.
  let holdTraining = true;
  const a = await openPage(suite.browser, suite.server, WAIT_MS);
  await droppableSocket(a.page, { toPage: (msg, forward) => (holdTraining && String(msg).includes('"model_training"') ? undefined : forward(msg)) });
  await a.page.reload();
  await a.page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await openQuality(a.page);
  expect((await api(suite.server.url, 'POST', '/api/models/verbal/train', {})).status).toBe(202);
  await section(a.page).getByTestId('train-start').click();
  const error = section(a.page).getByTestId('train-error');
  await error.filter({ hasText: 'A training job is already running' }).waitFor({ timeout: WAIT_MS });
  // The events pass again; the job is cancelled elsewhere: nothing runs, and A no longer says one does.
  holdTraining = false;
  expect((await api(suite.server.url, 'DELETE', '/api/models/verbal/train')).status).toBe(200);
  await cancelledShown(a.page);
  await expect(error.isHidden()).resolves.toBe(true);
  expect(a.pageErrors).toEqual([]);
});
