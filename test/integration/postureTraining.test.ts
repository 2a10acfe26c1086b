// Training a posture model on the coaches' posture labels on the real server (port 0, a real
// SQLite file, real socket.io, a real worker thread training a tiny recipe: one member, two
// epochs, a few hundred synthetic examples): refusals naming the field, too few frames, a job's
// progress events and its model published in the posture library with its metrics and
// trained-frames.json (Model quality counting the frames it lists once it runs), one job at a time
// across kinds (409 both ways), and cancel.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POSTURE_TRAIN_EVENT, POSTURE_TRAIN_LABELS_MIN, PostureTrainJobAnswerSchema, PostureTrainJobSchema, type PostureTrainJob } from '../../protocol/postureModels';
import { QualitySchema } from '../../protocol/quality';
import type { PostureLabelsExportRow } from '../../server/ingest/postureLabelsExport';
import { loadPostureClassifier } from '../../server/signals/posture/model';
import { postureLibraryDir } from '../../server/models/postureLibrary';
import { parseTrainedFrames, postureJobRows, TRAINED_FRAMES_FILE, TRAINED_FRAMES_MAX_BYTES } from '../../server/training/postureRows';
import { writeTinyCorpus } from '../../server/training/tinyCorpus.testkit';
import { api, collect, connectSocket, download, expectRefusals, jobEnded, startTestServer, until, useFileStoreServer, type TestSocket } from './harness';
import { labelledFrames, labelledFramesHeldOut, TINY_POSTURE_RECIPE } from './labelledFrames';
import { LABELLED_FOR_JOB, labelledSession } from './labelledSession';

const TINY = TINY_POSTURE_RECIPE;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-posture-training-it-'));
const modelsDir = path.join(work, 'models');
const suite = useFileStoreServer('bs-posture-training-', { modelsDir, training: { corpusPath: writeTinyCorpus(work), epochs: 1, progressIntervalMs: 100, postureRecipe: TINY } });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const url = () => suite.server.url;
const library = () => postureLibraryDir(modelsDir);
const entries = () => (fs.existsSync(library()) ? fs.readdirSync(library()).sort() : []);
const TRAIN = '/api/models/posture/train';

const readJob = async (base = url()): Promise<PostureTrainJob | null> => PostureTrainJobAnswerSchema.parse((await api(base, 'GET', TRAIN)).body).job;

const exportRows = async (session: string): Promise<PostureLabelsExportRow[]> =>
  (await download(url(), `/api/sessions/${session}/posture-labels`)).text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PostureLabelsExportRow);

describe('POST /api/models/posture/train', () => {
  let socket: TestSocket;
  beforeAll(async () => {
    // In no session's room: every connected client hears the job.
    socket = await connectSocket(url());
  });
  afterAll(() => socket?.close());

  it('with no labels stored: refuses clearly, naming the field, and nothing is started', async () => {
    expect(await readJob()).toBeNull();
    await expectRefusals([
      ['no labels', api(url(), 'POST', TRAIN, {}), 422, 'no_labels', 'labels', new RegExp(`^there are no coaches' labels \\(labelled frames\\) in any session to train on; a job needs at least ${POSTURE_TRAIN_LABELS_MIN}`)],
      ['extraWeight too large', api(url(), 'POST', TRAIN, { extraWeight: 21 }), 400, 'invalid_input', 'extraWeight', /at most 20 \(how many times each labelled frame counts\)/],
      ['extraWeight zero', api(url(), 'POST', TRAIN, { extraWeight: 0 }), 400, 'invalid_input', 'extraWeight', /at least 1/],
      ['seed negative', api(url(), 'POST', TRAIN, { seed: -1 }), 400, 'invalid_input', 'seed', /at least 0/],
      ['seed not whole', api(url(), 'POST', TRAIN, { seed: 1.5 }), 400, 'invalid_input', 'seed', /whole number/],
      ['holdOut too large', api(url(), 'POST', TRAIN, { holdOut: 51 }), 400, 'invalid_input', 'holdOut', /at most 50/],
      ['a recipe from the body', api(url(), 'POST', TRAIN, { epochs: 1 }), 400, 'invalid_input', 'epochs', /unknown field/],
      ['session malformed', api(url(), 'POST', TRAIN, { session: 'x'.repeat(65) }), 400, 'invalid_input', 'session'],
      ['unknown session', api(url(), 'POST', TRAIN, { session: 'nope' }), 404, 'not_found', 'sessionId'],
      ['a body not JSON', api(url(), 'POST', TRAIN, undefined, '{}'), 415, 'unsupported_media_type', 'content-type'],
      ['cancel with none', api(url(), 'DELETE', TRAIN), 409, 'not_running', 'job', /^no posture training job is running$/],
    ]);
    expect(await readJob()).toBeNull();
  });

  it('with too few measurable frames in a session: 422 naming the counts (the unmeasurable ones too) and the minimum', async () => {
    const few = await labelledFrames(url(), POSTURE_TRAIN_LABELS_MIN - 1, 2);
    const r = await api(url(), 'POST', TRAIN, { session: few, holdOut: 0 });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'too_few_labels', field: 'session', limit: POSTURE_TRAIN_LABELS_MIN, actual: POSTURE_TRAIN_LABELS_MIN - 1 });
    expect(r.body.error.message).toBe(
      `there are ${POSTURE_TRAIN_LABELS_MIN - 1} labelled frames in session "${few}" (and 2 more whose pose cannot be measured, shoulders unseen) to train on; ` +
        `a job needs at least ${POSTURE_TRAIN_LABELS_MIN} (label customers' postures in the session's frames first)`,
    );
    expect(await readJob()).toBeNull();
  });

  it("trains on a session's frames in a worker: progress events, a verbal job refused meanwhile, then the model in the posture library with its metrics and trained-frames.json", async () => {
    const session = await labelledFramesHeldOut(url(), 20, 20, 5, 1);
    const rows = postureJobRows(await exportRows(session), 20, 5);
    expect(rows.unmeasurable).toBe(1);
    expect(rows.trained.length).toBeGreaterThanOrEqual(POSTURE_TRAIN_LABELS_MIN);
    expect(rows.heldOut.length).toBeGreaterThan(0);
    const events = collect(socket, POSTURE_TRAIN_EVENT);
    const started = await api(url(), 'POST', TRAIN, { session, seed: 5, extraWeight: 2 });
    expect(started.status).toBe(202);
    const first = PostureTrainJobSchema.parse(started.body.job);
    expect(first).toMatchObject({
      state: 'queued', seed: 5, session, warnings: [],
      rows: { synthetic: TINY.trainExamples, extra: rows.trained.length, heldOut: rows.heldOut.length, holdOutPercent: 20, unmeasurable: 1, weight: 2 },
      progress: { phase: 'starting', members: 1, epochs: 2 },
    });

    // One job at a time across kinds: a verbal job is refused while this one runs, naming it.
    const verbal = await api(url(), 'POST', '/api/models/verbal/train', {});
    expect(verbal.status).toBe(409);
    expect(verbal.body.error).toMatchObject({ code: 'busy', field: 'job', message: expect.stringContaining(`a posture training job is`) });
    expect(verbal.body.error.message).toContain(first.id);
    const again = await api(url(), 'POST', TRAIN, {});
    expect(again.body.error).toMatchObject({ code: 'busy', message: expect.stringContaining(first.id) });

    const done = await jobEnded(() => readJob());
    expect(done).toMatchObject({ id: first.id, state: 'done', rows: first.rows });
    const result = done.result!;
    expect(result).toMatchObject({ dir: path.join(library(), result.version), id: `lib/${result.version}`, existed: false });
    expect(entries()).toEqual([result.version]);
    await until('the done event', () => events.items.some((e) => e.state === 'done'));
    const seen = events.items.map((e) => PostureTrainJobSchema.parse(e));
    // Epochs at most every 100 ms: the last one is told by the latest (with `saving`, if not sooner).
    expect(seen.some((e) => e.state === 'running' && e.progress.phase === 'training')).toBe(true);
    expect(seen.some((e) => e.state === 'running' && e.progress.member === 1 && e.progress.epoch === TINY.epochs)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ state: 'done', result: { version: result.version } });

    // A posture model the server can load, recording the frames as train posture --extra records a file.
    const classifier = loadPostureClassifier({ modelDir: result.dir });
    expect(classifier.version).toBe(result.version);
    classifier.dispose();
    const jsonl = rows.trained.map((r) => `${JSON.stringify(r)}\n`).join('');
    const extra = { weight: 2, holdOutPercent: 20, files: [{ path: expect.stringMatching(new RegExp(`^server:posture-labels/${session}@`)), sha256: createHash('sha256').update(jsonl).digest('hex'), rows: rows.trained.length }] };
    const manifest = JSON.parse(fs.readFileSync(path.join(result.dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: result.version, seed: 5, extra });
    const metrics = JSON.parse(fs.readFileSync(path.join(result.dir, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ version: result.version, seed: 5, extra, extraExamples: rows.trained.length, options: { ...TINY, seed: 5 } });
    for (const [label, m] of Object.entries(result.validation)) expect(metrics.syntheticValidation[label]).toMatchObject(m);
    expect(Object.keys(result.validation).sort()).toEqual(Object.keys(metrics.syntheticValidation).sort());
    const frames = parseTrainedFrames(fs.readFileSync(path.join(result.dir, TRAINED_FRAMES_FILE), 'utf8'));
    const listed = (list: PostureLabelsExportRow[]) => list.map((r) => ({ session, participant: 'Li', media_ms: r.media_ms, labels: r.labels }));
    expect(frames).toEqual({ trained: listed(rows.trained), heldOut: listed(rows.heldOut) });

    // Running, Model quality counts the measured frames it trained on from trained-frames.json (its
    // hold-out, the unmeasurable frame and the other sessions' frames not among them), as the verbal
    // job's model from trained-rows.json; one over its bound is not read: unknown, as the verbal's.
    const before = (await api(url(), 'GET', '/api/settings/posture')).body.model.id as string;
    expect((await api(url(), 'PUT', '/api/settings/posture', { model: result.id })).status).toBe(200);
    try {
      const trainedOn = async (query: string) => QualitySchema.parse((await api(url(), 'GET', `/api/quality${query}`)).body).posture.trainedOn;
      const counted = { path: manifest.extra.files[0].path, rows: rows.trained.length, weight: 2, match: 'overlap', overlap: rows.trained.length };
      expect(await trainedOn(`?session=${session}`)).toEqual([counted]);
      expect(await trainedOn('')).toEqual([counted]);
      const file = path.join(result.dir, TRAINED_FRAMES_FILE);
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text + ' '.repeat(TRAINED_FRAMES_MAX_BYTES + 1 - Buffer.byteLength(text)));
      expect(await trainedOn(`?session=${session}`)).toEqual([{ ...counted, match: 'unknown', overlap: null, reason: { file: TRAINED_FRAMES_FILE, problem: 'too_large', maxBytes: TRAINED_FRAMES_MAX_BYTES } }]);
      fs.writeFileSync(file, text);
    } finally {
      expect((await api(url(), 'PUT', '/api/settings/posture', { model: before })).status).toBe(200);
    }
  }, 120_000);

  it('a verbal job running refuses a posture job (409 naming it); DELETE of the posture job is not_running then', async () => {
    await labelledSession(url(), LABELLED_FOR_JOB);
    const verbal = await api(url(), 'POST', '/api/models/verbal/train', { seed: 12 });
    expect(verbal.status).toBe(202);
    try {
      const refused = await api(url(), 'POST', TRAIN, {});
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'busy', field: 'job', message: expect.stringContaining(`a verbal training job is`) });
      expect(refused.body.error.message).toContain(verbal.body.job.id);
      expect(refused.body.error.message).toContain('DELETE /api/models/verbal/train');
      // The posture route cancels posture jobs only: the last one is done.
      const del = await api(url(), 'DELETE', TRAIN);
      expect(del).toMatchObject({ status: 409, body: { error: { code: 'not_running', message: expect.stringMatching(/^no posture training job is running \(the last one, .*, is done\)$/) } } });
    } finally {
      expect((await api(url(), 'DELETE', '/api/models/verbal/train')).status).toBe(200);
    }
  }, 60_000);
});

describe('cancelling a posture job', () => {
  it('answers at once, the worker stopped mid-training: no model, no temp folder, no more progress; closing the server does the same', async () => {
    // Its own server: a recipe of many epochs, a job of many seconds.
    const lib = fs.mkdtempSync(path.join(work, 'long-'));
    const server = await startTestServer({ modelsDir: lib, training: { progressIntervalMs: 50, postureRecipe: { ...TINY, trainExamples: 6000, epochs: 60 } } });
    try {
      const session = await labelledFrames(server.url, 12);
      const started = await api(server.url, 'POST', TRAIN, { session, holdOut: 0 });
      expect(started.status).toBe(202);
      await until('an epoch', async () => (await readJob(server.url))?.progress.epoch !== undefined);
      const cancelled = await api(server.url, 'DELETE', TRAIN);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.job).toMatchObject({ id: started.body.job.id, state: 'cancelled' });
      const at = (await readJob(server.url))!.progress;
      await new Promise((r) => setTimeout(r, 1500));
      expect(await readJob(server.url)).toMatchObject({ state: 'cancelled', progress: at });
      const folder = postureLibraryDir(lib);
      expect(fs.existsSync(folder) ? fs.readdirSync(folder) : []).toEqual([]);
      // The slot is free again: a verbal job is refused for its labels, not as busy.
      expect((await api(server.url, 'POST', '/api/models/verbal/train', {})).body.error.code).toBe('no_labels');
      // A server stopped during a job cancels it, leaving no temp folder.
      expect((await api(server.url, 'POST', TRAIN, { session, holdOut: 0, seed: 9 })).status).toBe(202);
      await until('training', async () => (await readJob(server.url))?.state === 'running');
      await server.close();
      expect(fs.existsSync(folder) ? fs.readdirSync(folder) : []).toEqual([]);
    } finally {
      await server.close();
    }
  }, 120_000);
});
