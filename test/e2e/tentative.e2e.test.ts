// A signal too weak to raise a cue is still stored and shown, but as uncertain: an outlined
// label with no row highlight in the transcript, a hollow dot on the timeline. The server here
// asks a cue for a score of 0.9 (instead of 0.5), so the stored demo session has signals on
// both sides of the line whatever the model scores them.
import type { Signal, SessionSnapshot } from '../../protocol/protocol';
import { DEFAULT_PIPELINE_OPTIONS } from '../../server/pipeline/sessionPipeline';
import { getJson as getJsonFrom, openPage as openPageWith, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
const CUE_MIN = 0.9;

jest.setTimeout(120_000);

const suite = useServerAndBrowser({ pipeline: { ...DEFAULT_PIPELINE_OPTIONS, cueEngine: { minSignalScore: CUE_MIN } } });

test('signals below the score a cue needs are shown as uncertain, in the transcript and on the timeline', async () => {
  await expect(getJsonFrom<{ cueMinSignalScore: number }>(suite.server, '/api/health')).resolves.toMatchObject({ cueMinSignalScore: CUE_MIN });
  const snap = await getJsonFrom<SessionSnapshot>(suite.server, '/api/sessions/demo');
  const verbal = snap.signals.filter((s): s is Extract<Signal, { kind: 'verbal' }> => s.kind === 'verbal' && s.label !== 'neutral');
  const weak = verbal.filter((s) => s.score < CUE_MIN);
  const strong = verbal.filter((s) => s.score >= CUE_MIN);
  expect(weak.length).toBeGreaterThan(0);
  expect(strong.length).toBeGreaterThan(0);

  const { page, pageErrors } = await openPageWith(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('session-select').selectOption('demo');
  await page.locator(`[data-testid="utterance"][data-utterance-id="${verbal[0]!.utteranceId}"]`).waitFor({ timeout: WAIT_MS });
  for (const s of verbal) {
    const row = page.locator(`[data-testid="utterance"][data-utterance-id="${s.utteranceId}"]`);
    const label = row.getByTestId('signal-label');
    const tentative = s.score < CUE_MIN;
    await expect(label.getAttribute('data-label')).resolves.toBe(s.label);
    await expect(label.getAttribute('data-tentative')).resolves.toBe(tentative ? 'true' : null);
    const cls = (await row.getAttribute('class')) ?? '';
    expect(cls.includes('has-signal')).toBe(!tentative);
    if (tentative) await expect(label.getAttribute('title')).resolves.toContain('90%');
    const dot = page.locator(`[data-testid="timeline-word"][data-media-ms="${s.mediaMs}"][data-label="${s.label}"]`).first();
    await expect(dot.getAttribute('data-tentative')).resolves.toBe(tentative ? 'true' : null);
  }
  expect(pageErrors).toEqual([]);
});
