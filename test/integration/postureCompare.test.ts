// Comparing a posture model of the library with the running one (GET /api/quality/posture/compare)
// on the real server (port 0, a SQLite file): coaches label a customer's frames, and the
// comparison measures exactly the frames neither model was trained on (a trained-frames.json
// beside a library model), agrees with Model quality's figures of the running model, and every
// refusal names its field.
import fs from 'node:fs';
import path from 'node:path';
import { PostureComparisonSchema, type PostureComparison } from '../../protocol/compare';
import { QualitySchema } from '../../protocol/quality';
import { addPostureLibraryModel, tempModelsDir } from '../../server/models/library.testkit';
import { trainedFramesJson, TRAINED_FRAMES_FILE } from '../../server/training/postureRows';
import { PostureTrainJobAnswerSchema } from '../../protocol/postureModels';
import { QUALITY_MEASUREMENTS_MAX } from '../../server/http/routes/quality';
import { parseTrainedFrames } from '../../server/training/postureRows';
import { api, expectRefusals, jobEnded, useFileStoreServer } from './harness';
import { LABELS, labelledFrames, labelledFramesHeldOut, TINY_POSTURE_RECIPE } from './labelledFrames';

const modelsDir = tempModelsDir();
addPostureLibraryModel(modelsDir, 'copy', 'posture-20261201-c0ffee00');
// A copy that says it was trained on coaches' frames, holding 25 % out: trained-frames.json is written once the labels exist.
const held = addPostureLibraryModel(modelsDir, 'held', 'posture-20261201-4e1d0000', { extra: { weight: 1, rows: 6 } });
const manifestFile = path.join(held, 'manifest.json');
const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { extra: Record<string, unknown> };
manifest.extra.holdOutPercent = 25;
fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 1));
const broken = addPostureLibraryModel(modelsDir, 'broken', 'posture-20261201-0badf00d');
fs.appendFileSync(path.join(broken, 'weights.bin'), Buffer.alloc(8));
fs.mkdirSync(path.join(modelsDir, 'posture', 'empty'));
// The committed weights with every threshold at 0: every label judged present on every frame, so it changes frames.
const eager = addPostureLibraryModel(modelsDir, 'eager', 'posture-20261201-ea9e4000');
const eagerManifest = JSON.parse(fs.readFileSync(path.join(eager, 'manifest.json'), 'utf8')) as { thresholds: number[] };
fs.writeFileSync(path.join(eager, 'manifest.json'), JSON.stringify({ ...eagerManifest, thresholds: eagerManifest.thresholds.map(() => 0) }, null, 1));
const suite = useFileStoreServer('bs-posture-compare-', { modelsDir, training: { progressIntervalMs: 100, postureRecipe: TINY_POSTURE_RECIPE } });
afterAll(() => fs.rmSync(modelsDir, { recursive: true, force: true }));

const url = () => suite.server.url;
const compare = async (query: string): Promise<{ status: number; body: PostureComparison }> => {
  const r = await api(url(), 'GET', `/api/quality/posture/compare?${query}`);
  if (r.status === 200) PostureComparisonSchema.parse(r.body);
  return r;
};

describe('GET /api/quality/posture/compare', () => {
  // 9 labelled frames: 3 of each kind in LABELS; 2 more whose shoulders are unseen.
  const N = 9;
  const UNMEASURABLE = 2;
  let first = '';

  it('refuses what it cannot compare, naming the field', async () => {
    first = await labelledFrames(url(), N, UNMEASURABLE);
    await expectRefusals([
      ['no model', compare(''), 400, 'invalid_input', 'query.model', /is required/],
      ['model twice', compare('model=base&model=lib/copy'), 400, 'invalid_input', 'query.model', /once/],
      ['model empty', compare('model='), 400, 'invalid_input', 'query.model', /must name a model/],
      ['unknown model', compare('model=lib/nope'), 404, 'not_found', 'model', /lib\/nope.*GET \/api\/models\/posture/],
      ['the running one', compare('model=base'), 409, 'same_model', 'model', /runs now/],
      ['unloadable', compare('model=lib/broken'), 422, 'model_unloadable', 'model', /lib\/broken cannot be loaded/],
      ['no model in the folder', compare('model=lib/empty'), 422, 'model_unloadable', 'model', /lib\/empty cannot be loaded.*manifest\.json is missing/],
      ['unknown session', compare('model=lib/copy&session=nope'), 404, 'not_found', 'sessionId'],
    ]);
  });

  it('a copy of the running model: every frame measured, the same figures as Model quality gives the running one, no difference', async () => {
    const r = await compare('model=lib/copy');
    expect(r.status).toBe(200);
    const total = N + UNMEASURABLE;
    expect(r.body).toMatchObject({
      session: null, stored: total, frames: total, changed: [], changedTotal: 0,
      a: { id: 'base', trainedOn: 0, heldOutPercent: null }, b: { id: 'lib/copy', version: 'posture-20261201-c0ffee00', trainedOn: 0, heldOutPercent: null },
    });
    // The same weights judge alike: no frame counted as no person by one and not the other.
    expect(r.body.noPerson.a).toBe(r.body.noPerson.b);
    expect(r.body.noPerson.a).toBeGreaterThanOrEqual(UNMEASURABLE);
    for (const l of r.body.perLabel) {
      expect(l.f1).toMatchObject({ difference: 0, excludesZero: false, interval: { low: 0, high: 0 } });
      expect(l.frames.fixed + l.frames.broken).toBe(0);
      expect(l.a).toEqual(l.b);
    }
    // Support is the coach's labels: every label of LABELS on its share of the frames (the unseen ones cycle on).
    const support = (label: string) => Array.from({ length: total }, (_, k) => LABELS[k % LABELS.length]![1]).filter((ls) => (ls as string[]).includes(label)).length;
    for (const label of ['arms_crossed', 'open_palms', 'neutral']) expect(r.body.perLabel.find((l) => l.label === label)?.support).toBe(support(label));
    // Model quality measures the running model on the same frames: A's F1 is its F1.
    const q = await api(url(), 'GET', '/api/quality');
    expect(q.status).toBe(200);
    const quality = QualitySchema.parse(q.body);
    for (const l of quality.posture.perLabel) {
      const mine = r.body.perLabel.find((x) => x.label === l.label);
      expect({ label: l.label, f1: mine?.a.f1, support: mine?.support }).toEqual({ label: l.label, f1: l.f1, support: l.support });
    }
  });

  it('leaves out the frames the library model lists in trained-frames.json, and measures one session', async () => {
    const rows = ((await api(url(), 'GET', '/api/posture-labels')).body as string).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(N + UNMEASURABLE);
    fs.writeFileSync(path.join(held, TRAINED_FRAMES_FILE), trainedFramesJson(rows.slice(0, 6), rows.slice(6, 8)));
    const second = await labelledFrames(url(), 3);
    const all = await compare('model=lib/held');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ stored: N + UNMEASURABLE + 3, frames: N + UNMEASURABLE + 3 - 6, a: { trainedOn: 0 }, b: { id: 'lib/held', trainedOn: 6, heldOutPercent: 25 } });
    // One session's frames only: the other session's trained frames are not in scope.
    const one = await compare(`model=lib/held&session=${second}`);
    expect(one.body).toMatchObject({ session: second, stored: 3, frames: 3, b: { trainedOn: 0 } });
    const firstOnly = await compare(`model=lib/held&session=${first}`);
    expect(firstOnly.body).toMatchObject({ session: first, stored: N + UNMEASURABLE, frames: N + UNMEASURABLE - 6, b: { trainedOn: 6 } });
    // Every frame trained on: nothing to measure, and the answer says so rather than scoring nothing.
    fs.writeFileSync(path.join(held, TRAINED_FRAMES_FILE), trainedFramesJson(rows, []));
    const none = await compare(`model=lib/held&session=${first}`);
    expect(none.body).toMatchObject({ frames: 0, perLabel: [], changed: [], changedTotal: 0, b: { trainedOn: N + UNMEASURABLE } });
  });

  it('each changed frame names its session: its id and its title as stored now', async () => {
    const title = 'Acme renewal 周五';
    expect((await api(url(), 'PATCH', `/api/sessions/${first}`, { title })).status).toBe(200);
    const r = await compare(`model=lib/eager&session=${first}`);
    expect(r.status).toBe(200);
    expect(r.body.changedTotal).toBeGreaterThan(0);
    expect(r.body.changed.map((f) => [f.session, f.sessionTitle, f.participant])).toEqual(r.body.changed.map(() => [first, title, 'Li']));
    expect((await api(url(), 'PATCH', `/api/sessions/${first}`, { title: 'postures' })).status).toBe(200);
    expect((await compare(`model=lib/eager&session=${first}`)).body.changed[0]!.sessionTitle).toBe('postures');
  });

  it(`shares GET /api/quality's ${QUALITY_MEASUREMENTS_MAX} places: 503 busy while they are held, measured once one is free`, async () => {
    const held: (() => void)[] = [];
    const places = Array.from({ length: QUALITY_MEASUREMENTS_MAX }, () => suite.server.quality.runAlone(() => new Promise<void>((resolve) => held.push(resolve))));
    try {
      const r = await api(url(), 'GET', '/api/quality/posture/compare?model=lib/copy');
      expect(r.status).toBe(503);
      expect(r.body.error).toMatchObject({ code: 'busy', limit: QUALITY_MEASUREMENTS_MAX });
    } finally {
      held.forEach((r) => r());
      await Promise.all(places);
    }
    expect((await compare('model=lib/copy')).status).toBe(200);
  });

  it("a job's model trained with a hold-out: measured on exactly its held-out frames, each changed frame right with one model only", async () => {
    const session = await labelledFramesHeldOut(url(), 20, 20, 5);
    const started = await api(url(), 'POST', '/api/models/posture/train', { session, seed: 5 });
    expect(started.status).toBe(202);
    const done = await jobEnded(async () => PostureTrainJobAnswerSchema.parse((await api(url(), 'GET', '/api/models/posture/train')).body).job);
    expect(done.state).toBe('done');
    const { id, dir } = done.result!;
    const listed = parseTrainedFrames(fs.readFileSync(path.join(dir, TRAINED_FRAMES_FILE), 'utf8'));
    const r = await compare(`model=${encodeURIComponent(id)}&session=${session}`);
    expect(r.status).toBe(200);
    const c = r.body;
    expect(c).toMatchObject({ stored: 20, frames: listed.heldOut.length, a: { trainedOn: 0 }, b: { id, trainedOn: listed.trained.length, heldOutPercent: 20 } });
    expect(c.frames).toBeGreaterThan(0);
    // Each label's frames add up to those measured; its support is the held-out frames' gold.
    for (const l of c.perLabel) {
      expect(l.frames.fixed + l.frames.broken + l.frames.bothWrong + l.frames.bothRight).toBe(c.frames);
      expect(l.support).toBe(listed.heldOut.filter((f) => f.labels.includes(l.label)).length);
    }
    // Only held-out frames are listed as changed, each right (all the scored labels) with exactly one model.
    const heldOutAt = new Set(listed.heldOut.map((f) => f.media_ms));
    const scored = c.perLabel.map((l) => l.label);
    const right = (pred: string[], gold: string[]) => scored.every((l) => pred.includes(l) === gold.includes(l));
    expect(c.changed.length).toBe(Math.min(c.changedTotal, 200));
    for (const f of c.changed) {
      expect(heldOutAt.has(f.mediaMs)).toBe(true);
      expect([right(f.a, f.gold), right(f.b, f.gold)]).toEqual(f.change === 'fixed' ? [false, true] : [true, false]);
    }
  }, 120_000);
});
