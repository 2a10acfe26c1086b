// An analyst compares a posture model of the library with the running one from Model quality:
// Compare with running on its row of Running posture model opens the posture comparison on the
// coaches' labelled frames (a copy of the committed model under another version, so the figures
// are known: no difference on any label, no frame changed), its table of labels as the server
// answers it, then Run this model from the comparison runs it, and Compare again is refused as
// the running one, worded naming the posture model. Real server (a temp model library), real Chromium.
import fs from 'node:fs';
import path from 'node:path';
import type { PostureComparison } from '../../protocol/compare';
import { addPostureLibraryModel, tempModelsDir } from '../../server/models/library.testkit';
import { labelledFrames } from '../integration/labelledFrames';
import { getJson, openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
jest.setTimeout(240_000);

const COPY = 'posture-20261202-c0ffee00';
const FRAMES = 9;
const EAGER = 'posture-20261202-ea9e4000';
const modelsDir = tempModelsDir();
addPostureLibraryModel(modelsDir, 'copy', COPY);
// The committed weights with every threshold at 0: it judges every label present on every frame, so it breaks the frames the running model gets right.
const eager = addPostureLibraryModel(modelsDir, 'eager', EAGER);
const eagerManifest = JSON.parse(fs.readFileSync(path.join(eager, 'manifest.json'), 'utf8')) as { thresholds: number[] };
fs.writeFileSync(path.join(eager, 'manifest.json'), JSON.stringify({ ...eagerManifest, thresholds: eagerManifest.thresholds.map(() => 0) }, null, 1));
afterAll(() => fs.rmSync(modelsDir, { recursive: true, force: true }));

const suite = useServerAndBrowser({ seedDemo: false, modelsDir });

test('Compare with running on a posture library row: the frames, the labels table, the verdict; Run this model from it; then refused as the running one', async () => {
  await labelledFrames(suite.server.url, FRAMES);
  const committed = (await getJson<{ postureModel: string }>(suite.server, '/api/health')).postureModel;
  const expected = await getJson<PostureComparison>(suite.server, '/api/quality/posture/compare?model=lib/copy');
  const { page } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('quality-button').click();
  const dialog = page.getByTestId('quality-dialog');
  const section = dialog.getByTestId('posture-running-model');
  await section.getByTestId('posture-running-library').waitFor({ timeout: WAIT_MS });
  // The running one has no Compare button; the copy has, named with its version.
  await expect(section.getByTestId('posture-running-compare-base').count()).resolves.toBe(0);
  const compare = section.getByTestId('posture-running-compare-lib/copy');
  await expect(compare.getAttribute('aria-label')).resolves.toBe(`Compare with running: ${COPY}`);
  await compare.click();

  const panel = dialog.getByTestId('posture-compare-panel');
  await panel.getByTestId('posture-compare-labels').waitFor({ timeout: WAIT_MS });
  await expect(panel.getByTestId('posture-compare-heading').textContent()).resolves.toBe(`Posture model ${COPY} compared with the running ${committed}`);
  // The focus follows to the answer.
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('posture-compare-heading');
  await expect(panel.getByTestId('posture-compare-frames').textContent()).resolves.toBe(`Measured on all ${FRAMES} labelled frames: neither model was trained on any of them.`);
  // One row per label the server scored, each with its support and "0.0" for B − A (the same weights).
  const rows = panel.getByTestId('posture-compare-labels').locator('tbody tr');
  await expect(rows.count()).resolves.toBe(expected.perLabel.length);
  for (const [i, l] of expected.perLabel.entries()) {
    const cells = await rows.nth(i).locator('th, td').allTextContents();
    expect(cells[1]).toBe(String(l.support));
    if (l.support) expect(cells[4]).toBe('0.0 (95 % CI 0.0 to 0.0)');
  }
  await expect(panel.getByTestId('posture-compare-verdict').textContent()).resolves.toMatch(new RegExp(`^Cannot tell from ${FRAMES} labelled frames`));
  await expect(panel.getByTestId('posture-compare-changed-note').textContent()).resolves.toMatch(/changes none of these frames/);

  // Run this model from the comparison: confirmed, then it runs (the section's marker follows).
  await panel.getByTestId('posture-compare-run').click();
  await panel.getByTestId('posture-compare-confirm-yes').click();
  await section.locator('[data-testid="posture-running-model-row"]:nth-child(2) [data-testid="posture-running-marker"]').waitFor({ timeout: WAIT_MS });
  expect((await getJson<{ postureModel: string }>(suite.server, '/api/health')).postureModel).toBe(COPY);
  await expect(panel.getByTestId('posture-compare-run').count()).resolves.toBe(0);
  // Asked again, it is the running one now: refused, and said so.
  await panel.getByTestId('posture-compare-again').click();
  await panel.getByTestId('posture-compare-error').waitFor({ timeout: WAIT_MS });
  await expect(panel.getByTestId('posture-compare-error').textContent()).resolves.toMatch(/^Not compared: model: lib\/copy .* is the model the server runs now/);
});

test('a changed frame names its session and time; Open this frame opens that session there', async () => {
  // A second labelled session, renamed so its title is its own: the frames it changes there name it.
  const id = await labelledFrames(suite.server.url, FRAMES);
  const title = 'Acme renewal 周五';
  const renamed = await fetch(`${suite.server.url}/api/sessions/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
  expect(renamed.status).toBe(200);
  const expected = await getJson<PostureComparison>(suite.server, '/api/quality/posture/compare?model=lib/eager');
  const mine = expected.changed.filter((x) => x.session === id);
  expect(mine.length).toBeGreaterThan(0);
  expect(mine.every((x) => x.sessionTitle === title)).toBe(true);

  const { page } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('quality-button').click();
  const dialog = page.getByTestId('quality-dialog');
  const section = dialog.getByTestId('posture-running-model');
  await section.getByTestId('posture-running-library').waitFor({ timeout: WAIT_MS });
  await section.getByTestId('posture-running-compare-lib/eager').click();
  const panel = dialog.getByTestId('posture-compare-panel');
  await panel.getByTestId('posture-compare-changed').waitFor({ timeout: WAIT_MS });
  await expect(panel.getByTestId('posture-compare-changed-frame').count()).resolves.toBe(expected.changed.length);
  // Each row names its session's title, then the time and participant.
  const row = panel.locator(`[data-testid="posture-compare-changed-frame"][data-session="${id}"]`).first();
  const first = mine[0]!;
  const m = Math.floor(first.mediaMs / 60_000);
  const s = String(Math.floor((first.mediaMs % 60_000) / 1000)).padStart(2, '0');
  await expect(row.getByTestId('posture-compare-frame-where').textContent()).resolves.toBe(`“${title}” · ${m}:${s} · Li`);
  const open = row.getByRole('button', { name: `Open this frame: “${title}” at ${m}:${s}, Li` });
  await expect(open.textContent()).resolves.toBe('Open this frame');
  await open.click();
  // The dialog closes and that session is the one shown.
  await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
  await expect(page.getByTestId('session-select').inputValue()).resolves.toBe(id);
  await page.getByTestId('view-title').filter({ hasText: title }).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('view-title').getAttribute('data-session-id')).resolves.toBe(id);
});
