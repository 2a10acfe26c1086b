// Comparing a model of the library with the running one (GET /api/quality/compare) on the real
// server (port 0, a SQLite file, a real training job on a 200-row corpus for 1 epoch): coaches
// label turns, a job trains with a hold-out, and the comparison measures exactly the turns
// neither model was trained on; every refusal names its field; the places it shares with GET
// /api/quality; the model it loads is let go.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COMPARE_CHANGED_MAX, VerbalComparisonSchema, type VerbalComparison } from '../../protocol/compare';
import { QualitySchema } from '../../protocol/quality';
import { TrainJobAnswerSchema, type TrainJob } from '../../protocol/training';
import { QUALITY_MEASUREMENTS_MAX } from '../../server/http/routes/quality';
import { addLibraryModel } from '../../server/models/library.testkit';
import { isHeldOut } from '../../server/training/holdOut';
import { writeTinyCorpus } from '../../server/training/tinyCorpus.testkit';
import { api, expectRefusals, until, useFileStoreServer } from './harness';
import { TEXTS, labelledSession } from './labelledSession';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-compare-it-'));
const corpusPath = writeTinyCorpus(work);
const modelsDir = path.join(work, 'models');
// A copy of the committed model under another version (trained on no labels), and a folder that is listed but does not load.
addLibraryModel(modelsDir, 'copy', 'verbal-20261201-c0ffee00');
const broken = addLibraryModel(modelsDir, 'broken', 'verbal-20261201-0badf00d');
fs.writeFileSync(path.join(broken, 'weights.bin.gz'), 'not weights');
// A library folder that is no model at all (the library lists it as skipped).
fs.mkdirSync(path.join(modelsDir, 'verbal', 'empty'));
const logs: string[] = [];
const suite = useFileStoreServer('bs-compare-', { modelsDir, training: { corpusPath, epochs: 1, progressIntervalMs: 100 }, log: (m) => logs.push(m) });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const url = () => suite.server.url;
const compare = async (query: string): Promise<{ status: number; body: VerbalComparison }> => {
  const r = await api(url(), 'GET', `/api/quality/compare?${query}`);
  if (r.status === 200) VerbalComparisonSchema.parse(r.body);
  return r;
};
const texts = (n: number) => Array.from({ length: n }, (_, i) => `${TEXTS[i % TEXTS.length]} (${i})`);

const job = async (): Promise<TrainJob | null> => TrainJobAnswerSchema.parse((await api(url(), 'GET', '/api/models/verbal/train')).body).job;

describe('GET /api/quality/compare', () => {
  let trainedSession = '';
  let jobModel = '';
  const SEED = 7;
  const HOLD_OUT = 25;
  // 24 labelled turns: seed 7 holds 6 out at 25 %, 18 left to train on.
  const N = 24;

  it('refuses what it cannot compare, naming the field', async () => {
    trainedSession = await labelledSession(url(), N);
    await expectRefusals([
      ['no model', compare(''), 400, 'invalid_input', 'query.model', /is required/],
      ['model twice', compare('model=base&model=lib/copy'), 400, 'invalid_input', 'query.model', /once/],
      ['model empty', compare('model='), 400, 'invalid_input', 'query.model', /must name a model/],
      ['unknown model', compare('model=lib/nope'), 404, 'not_found', 'model', /lib\/nope/],
      ['the running one', compare('model=base'), 409, 'same_model', 'model', /runs now/],
      ['unloadable', compare('model=lib/broken'), 422, 'model_unloadable', 'model', /lib\/broken cannot be loaded/],
      ['no model in the folder', compare('model=lib/empty'), 422, 'model_unloadable', 'model', /lib\/empty cannot be loaded.*manifest\.json is missing/],
      ['not an id', compare('model=lib/../x'), 404, 'not_found', 'model'],
      ['unknown session', compare('model=lib/copy&session=nope'), 404, 'not_found', 'sessionId'],
      ['rows 0', compare('model=lib/copy&rows=0'), 400, 'invalid_input', 'query.rows'],
      ['rows too many', compare('model=lib/copy&rows=20001'), 400, 'invalid_input', 'query.rows'],
    ]);
  });

  it('a copy of the running model: nothing left out (neither trained on labels), no difference', async () => {
    // The server runs in this process: the longest the event loop went without a turn while B loaded and both models ran.
    let worst = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 1);
    const r = await compare('model=lib/copy').finally(() => clearInterval(tick));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      session: null, stored: N, rows: N, changed: [], changedTotal: 0,
      a: { id: 'base', trainedOn: 0, heldOutPercent: null }, b: { id: 'lib/copy', version: 'verbal-20261201-c0ffee00', trainedOn: 0, heldOutPercent: null },
    });
    expect(r.body.subsets[0]).toMatchObject({ name: 'all', n: N, macroF1: { difference: 0, excludesZero: false }, rows: { fixed: 0, broken: 0 } });
    // B's load, for the record (the committed model's size).
    const loaded = logs.find((l) => /comparing lib\/copy .* loaded in \d+ ms/.test(l));
    expect(loaded).toBeDefined();
    console.log(`${loaded}; the answer's ms (load included): ${r.body.ms} on ${r.body.rows} rows; longest event-loop gap ${Math.round(worst)} ms`);
  });

  it('after a job trained with a hold-out: exactly the held-out turns in scope are measured, and each model says what it was trained on', async () => {
    expect((await api(url(), 'POST', '/api/models/verbal/train', { session: trainedSession, seed: SEED, holdOut: HOLD_OUT })).status).toBe(202);
    await until('the job to end', async () => !['queued', 'running'].includes((await job())?.state ?? 'done'), 90_000);
    const done = (await job())!;
    expect(done.state).toBe('done');
    const all = texts(N);
    const heldOut = all.filter((t) => isHeldOut(t, HOLD_OUT, SEED));
    expect(done.rows).toMatchObject({ extra: all.length - heldOut.length, heldOut: heldOut.length, holdOutPercent: HOLD_OUT });
    jobModel = `lib/${done.result!.version}`;

    const r = await compare(`model=${encodeURIComponent(jobModel)}&session=${trainedSession}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      session: trainedSession, stored: N, rows: heldOut.length,
      a: { id: 'base', trainedOn: 0, heldOutPercent: null },
      b: { id: jobModel, version: done.result!.version, trainedOn: all.length - heldOut.length, heldOutPercent: HOLD_OUT },
      thresholds: {},
    });
    expect(r.body.subsets[0]).toMatchObject({ name: 'all', n: heldOut.length });
    expect(r.body.subsets[0]!.perLabel.map((l) => l.label)).toEqual(['price_inquiry', 'discount_request', 'purchase_intent', 'resistance', 'neutral']);
    expect(r.body.changed.length).toBe(Math.min(r.body.changedTotal, COMPARE_CHANGED_MAX));
    for (const c of r.body.changed) expect(heldOut).toContain(c.text);

    // Every session: another session's turns with other words are measured too; the same words as a trained turn are not.
    await labelledSession(url(), 20);
    const otherTexts = texts(20);
    const trained = new Set(all.filter((t) => !heldOut.includes(t)));
    const everywhere = await compare(`model=${encodeURIComponent(jobModel)}`);
    expect(everywhere.body).toMatchObject({ session: null, stored: N + 20, rows: heldOut.length + otherTexts.filter((t) => !trained.has(t)).length });
    expect(everywhere.body.b.trainedOn).toBe(all.length - heldOut.length + otherTexts.filter((t) => trained.has(t)).length);
    // The newest 5 corrections only (the other session's, labelled last).
    expect((await compare(`model=${encodeURIComponent(jobModel)}&rows=5`)).body).toMatchObject({ stored: N + 20, rows: otherTexts.slice(15).filter((t) => !trained.has(t)).length });
  }, 120_000);

  it('with the job model running: Model quality counts its trained turns from trained-rows.json, and base is compared the other way round', async () => {
    expect((await api(url(), 'PUT', '/api/settings/verbal', { model: jobModel })).status).toBe(200);
    try {
      const trainedCount = texts(N).filter((t) => !isHeldOut(t, HOLD_OUT, SEED)).length;
      const q = QualitySchema.parse((await api(url(), 'GET', `/api/quality?session=${trainedSession}`)).body);
      expect(q.verbal.trainedOn).toEqual([expect.objectContaining({ match: 'overlap', overlap: trainedCount })]);
      const r = await compare(`model=base&session=${trainedSession}`);
      expect(r.body).toMatchObject({ rows: N - trainedCount, a: { id: jobModel, trainedOn: trainedCount, heldOutPercent: HOLD_OUT }, b: { id: 'base', trainedOn: 0 } });
      expect((await compare(`model=${encodeURIComponent(jobModel)}`)).status).toBe(409);
    } finally {
      expect((await api(url(), 'PUT', '/api/settings/verbal', { model: 'base' })).status).toBe(200);
    }
  }, 60_000);

  it('no turn left to measure: an empty answer, not an error', async () => {
    // Every turn of the trained session whose words the job model trained on, compared on one such turn only (the newest correction).
    const lone = await labelledSession(url(), 1);
    const r = await compare(`model=${encodeURIComponent(jobModel)}&session=${lone}`);
    expect(r.status).toBe(200);
    const first = texts(1)[0]!;
    if (isHeldOut(first, HOLD_OUT, SEED)) expect(r.body.rows).toBe(1);
    else expect(r.body).toMatchObject({ stored: 1, rows: 0, subsets: [], changed: [], changedTotal: 0, b: { trainedOn: 1 } });
  });

  it(`shares GET /api/quality's ${QUALITY_MEASUREMENTS_MAX} places: 503 busy while they are held, measured once one is free`, async () => {
    const held: (() => void)[] = [];
    const places = Array.from({ length: QUALITY_MEASUREMENTS_MAX }, () => suite.server.quality.runAlone(() => new Promise<void>((resolve) => held.push(resolve))));
    try {
      const r = await api(url(), 'GET', '/api/quality/compare?model=lib/copy');
      expect(r.status).toBe(503);
      expect(r.body.error).toMatchObject({ code: 'busy', limit: QUALITY_MEASUREMENTS_MAX });
      // The same for GET /api/quality: one limit for both.
      expect((await api(url(), 'GET', '/api/quality?rows=3')).status).toBe(503);
    } finally {
      held.forEach((r) => r());
      await Promise.all(places);
    }
    expect((await compare('model=lib/copy')).status).toBe(200);
  });

  it('a client that hangs up stops the measurement and frees its place (the model it loaded let go)', async () => {
    for (let i = 0; i < 3; i++) {
      const ac = new AbortController();
      const answer = fetch(`${url()}/api/quality/compare?model=lib/copy`, { signal: ac.signal }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 5));
      ac.abort();
      await answer;
    }
    await until('the places to be free', async () => (await api(url(), 'GET', '/api/quality/compare?model=lib/copy')).status === 200, 20_000);
    expect(logs.filter((l) => /internal/i.test(l))).toEqual([]);
  }, 30_000);
});
