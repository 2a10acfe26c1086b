// Training a verbal model on the coaches' labels on the real server (port 0, a real SQLite file,
// real socket.io, a real worker thread training on a 200-row corpus for 1 epoch): refusals, a
// job's progress events and its model in the library (loadable, its manifest recording the
// labels), a second job refused, cancel removing the temp folder, close stopping a job, and a
// live meeting losing no turn while a job trains.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TRAIN_EVENT, TRAIN_LABELS_MIN, TrainJobAnswerSchema, TrainJobSchema, type TrainJob } from '../../protocol/training';
import { dataInTraining } from '../../server/cli/dataInTraining';
import { readVerbalManifest } from '../../server/signals/verbal/artifact';
import { loadVerbalClassifier } from '../../server/signals/verbal/model';
import { verbalLibraryDir } from '../../server/models/verbalLibrary';
import { writeTinyCorpus } from '../../server/training/tinyCorpus.testkit';
import { api, collect, connectSocket, download, expectRefusals, jobEnded, startTestServer, until, useFileStoreServer, type TestSocket } from './harness';
import { LABELLED_FOR_JOB, TEXTS, labelledSession } from './labelledSession';
import { isHeldOut, parseTrainedRows, rowKey, TRAINED_ROWS_FILE } from '../../server/training/holdOut';


// The tiny corpus and the model library, made before the suite's server starts.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-training-it-'));
const corpusPath = writeTinyCorpus(work);
const modelsDir = path.join(work, 'models');
const suite = useFileStoreServer('bs-training-', { modelsDir, training: { corpusPath, epochs: 1, progressIntervalMs: 100 } });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const url = () => suite.server.url;
const library = () => verbalLibraryDir(modelsDir);
const entries = () => (fs.existsSync(library()) ? fs.readdirSync(library()).sort() : []);

const job = async (): Promise<TrainJob | null> => TrainJobAnswerSchema.parse((await api(url(), 'GET', '/api/models/verbal/train')).body).job;
const ended = () => jobEnded(job);

describe('POST /api/models/verbal/train', () => {
  let session = '';
  let socket: TestSocket;

  beforeAll(async () => {
    // Not in any session's room: every connected client hears the job.
    socket = await connectSocket(url());
  });
  afterAll(() => socket?.close());

  it('with no labels stored: refuses clearly, and nothing is started', async () => {
    expect(await job()).toBeNull();
    await expectRefusals([
      ['no labels', api(url(), 'POST', '/api/models/verbal/train', {}), 422, 'no_labels', 'labels', new RegExp(`no coaches' labels in any session to train on; a job needs at least ${TRAIN_LABELS_MIN}`)],
      ['extraWeight too large', api(url(), 'POST', '/api/models/verbal/train', { extraWeight: 21 }), 400, 'invalid_input', 'extraWeight', /at most 20/],
      ['seed negative', api(url(), 'POST', '/api/models/verbal/train', { seed: -1 }), 400, 'invalid_input', 'seed', /at least 0/],
      ['corpus from the body', api(url(), 'POST', '/api/models/verbal/train', { corpus: '/etc/passwd' }), 400, 'invalid_input', 'corpus', /unknown field/],
      ['unknown session', api(url(), 'POST', '/api/models/verbal/train', { session: 'nope' }), 404, 'not_found', 'sessionId'],
      ['cancel with none', api(url(), 'DELETE', '/api/models/verbal/train'), 409, 'not_running', 'job'],
    ]);
    expect(await job()).toBeNull();
  });

  it('with too few labels in a session: refuses with the count and the minimum', async () => {
    const few = await labelledSession(url(), TRAIN_LABELS_MIN - 2);
    const r = await api(url(), 'POST', '/api/models/verbal/train', { session: few });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'too_few_labels', field: 'session', limit: TRAIN_LABELS_MIN, actual: TRAIN_LABELS_MIN - 2 });
    // Ten labels are enough only without a hold-out: the default 20 % keeps 2 of these out (seed 7).
    const ten = await labelledSession(url(), TRAIN_LABELS_MIN);
    await expectRefusals([
      ['hold-out leaves too few', api(url(), 'POST', '/api/models/verbal/train', { session: ten }), 422, 'too_few_labels', 'holdOut',
        /^there are 10 labelled customer turns in session "[^"]+", but holdOut 20 % keeps 2 out for comparing, which leaves 8 to train on; a job needs at least 10 \(label more customer turns, or ask for a smaller holdOut\)$/],
      ['holdOut too large', api(url(), 'POST', '/api/models/verbal/train', { session: ten, holdOut: 51 }), 400, 'invalid_input', 'holdOut', /at most 50/],
      ['holdOut not whole', api(url(), 'POST', '/api/models/verbal/train', { session: ten, holdOut: 2.5 }), 400, 'invalid_input', 'holdOut', /whole number/],
    ]);
    expect(await job()).toBeNull();
  });

  it("trains on a session's labels in a worker: progress events, a second job refused, then a loadable model recording the labels", async () => {
    session = await labelledSession(url(), LABELLED_FOR_JOB);
    const texts = Array.from({ length: LABELLED_FOR_JOB }, (_, i) => `${TEXTS[i % TEXTS.length]} (${i})`);
    const trained = texts.filter((t) => !isHeldOut(t, 20, 11));
    expect(trained.length).toBeGreaterThanOrEqual(TRAIN_LABELS_MIN);
    const events = collect(socket, TRAIN_EVENT);
    const started = await api(url(), 'POST', '/api/models/verbal/train', { session, seed: 11, extraWeight: 3 });
    expect(started.status).toBe(202);
    const first = TrainJobSchema.parse(started.body.job);
    expect(first).toMatchObject({ state: 'queued', seed: 11, session, rows: { extra: trained.length, heldOut: LABELLED_FOR_JOB - trained.length, holdOutPercent: 20, weight: 3 } });

    const second = await api(url(), 'POST', '/api/models/verbal/train', {});
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'busy', message: expect.stringContaining(first.id) });

    const done = await ended();
    expect(done).toMatchObject({ id: first.id, state: 'done', rows: { corpus: 200, extra: trained.length, weight: 3 } });
    const result = done.result!;
    expect(result.dir).toBe(path.join(library(), result.version));
    expect(entries()).toEqual([result.version]);
    // Every client heard it: running (with an epoch) and done; each a valid TrainJob.
    await until('the done event', () => events.items.some((e) => e.state === 'done'));
    const seen = events.items.map((e) => TrainJobSchema.parse(e));
    expect(seen.some((e) => e.state === 'running' && e.progress.phase === 'training' && e.progress.epoch === 1)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ state: 'done', result: { version: result.version } });

    const classifier = loadVerbalClassifier({ modelDir: result.dir });
    expect(classifier.version).toBe(result.version);
    classifier.dispose();
    const manifest = readVerbalManifest(result.dir);
    const labels = await download(url(), `/api/sessions/${session}/corrections`);
    // The rows trained on: the download's lines but those held out, the same bytes.
    const trainedText = labels.text.split('\n').filter((l) => l !== '' && !isHeldOut(JSON.parse(l).text, 20, 11)).map((l) => `${l}\n`).join('');
    expect(manifest.extra).toEqual({
      weight: 3,
      holdOutPercent: 20,
      files: [{ path: expect.stringMatching(new RegExp(`^server:corrections/${session}@`)), sha256: createHash('sha256').update(trainedText).digest('hex'), rows: trained.length }],
    });
    expect(parseTrainedRows(fs.readFileSync(path.join(result.dir, TRAINED_ROWS_FILE), 'utf8'))).toEqual(new Set(trained.map(rowKey)));
    // eval verbal's check: those rows are a file this model was trained on.
    const file = path.join(work, 'labels.jsonl');
    fs.writeFileSync(file, trainedText);
    expect(dataInTraining(file, [{ name: 'new', dir: result.dir }])).toEqual([{ model: 'new', modelVersion: result.version, extra: manifest.extra!.files[0]!.path }]);
    const metrics = JSON.parse(fs.readFileSync(path.join(result.dir, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ version: result.version, seed: 11, corpus: { rows: 200 }, extra: manifest.extra });
    expect(result.validation.macroF1).toBeCloseTo(metrics.macroF1, 3);
  }, 120_000);

  it('cancel terminates the worker and removes its temp folder', async () => {
    const before = entries();
    const started = await api(url(), 'POST', '/api/models/verbal/train', { seed: 12 });
    expect(started.status).toBe(202);
    await until('the temp folder or training', async () => (await job())?.state === 'running');
    const cancelled = await api(url(), 'DELETE', '/api/models/verbal/train');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job).toMatchObject({ id: started.body.job.id, state: 'cancelled' });
    expect(entries()).toEqual(before);
    // Its worker is gone: well after such a job would have ended, nothing was published and it stays cancelled.
    await new Promise((r) => setTimeout(r, 4000));
    expect(entries()).toEqual(before);
    expect((await job())!.state).toBe('cancelled');
  }, 60_000);

  it('a live meeting loses no turn while a job trains', async () => {
    const live = (await api(url(), 'POST', '/api/sessions', { title: 'live', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] })).body.session.id as string;
    const { socket: s } = await suite.joined(live);
    expect((await api(url(), 'POST', '/api/models/verbal/train', { seed: 13 })).status).toBe(202);
    await until('training', async () => (await job())?.state === 'running');
    const acks: any[] = [];
    for (let i = 0; i < 40; i++) {
      acks.push(
        await new Promise((resolve) =>
          s.emit('utterance', { sessionId: live, utterance: { speaker: i % 2 ? 'Li' : 'Ada', text: `${TEXTS[i % TEXTS.length]} #${i}`, startMs: i * 500, clientTurnId: `t-${i}` } }, resolve),
        ),
      );
    }
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(((await job())!.state)).toMatch(/running|done/);
    const snap = (await api(url(), 'GET', `/api/sessions/${live}`)).body;
    expect(snap.utterances).toHaveLength(40);
    expect((await ended()).state).toBe('done');
  }, 120_000);

  it('close() during a job cancels it and leaves no temp folder', async () => {
    const before = entries();
    expect((await api(url(), 'POST', '/api/models/verbal/train', { seed: 14 })).status).toBe(202);
    await until('training', async () => (await job())?.state === 'running');
    await suite.restart();
    expect(entries()).toEqual(before);
    // The new server knows of no job.
    expect(await job()).toBeNull();
  }, 60_000);
});

/** The main thread's nice value when this file started (before any job's worker). */
const startNice = process.platform === 'linux' ? threadNices().get(process.pid) : undefined;

/** Each thread of this process: its nice value (Linux /proc). */
function threadNices(): Map<number, number> {
  return new Map(
    fs.readdirSync('/proc/self/task').map((tid) => {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After "pid (comm) ": state is field 3, nice field 19.
      return [Number(tid), Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16])];
    }),
  );
}

describe('cancelling a long job', () => {
  it('answers at once, the worker stopped mid-training: no model, no temp folder, no more progress', async () => {
    // Its own server: 800 rows for up to 20 epochs, a job of many seconds.
    const lib = fs.mkdtempSync(path.join(work, 'long-'));
    const server = await startTestServer({ modelsDir: lib, training: { corpusPath: writeTinyCorpus(fs.mkdtempSync(path.join(work, 'corpus-')), 800), epochs: 20, progressIntervalMs: 50 } });
    try {
      await labelledSession(server.url, LABELLED_FOR_JOB);
      const read = async () => TrainJobAnswerSchema.parse((await api(server.url, 'GET', '/api/models/verbal/train')).body).job!;
      expect((await api(server.url, 'POST', '/api/models/verbal/train', {})).status).toBe(202);
      await until('an epoch', async () => (await read()).progress.epoch !== undefined);
      // The worker thread trains at the lowest CPU priority (Linux: per thread); the main thread
      // (the live path) keeps its own. It took a core at the live path's priority: live p99 ×4.
      if (process.platform === 'linux') {
        const nices = threadNices();
        // The main thread keeps the nice value the process started with (0, unless CI runs it niced).
        expect(nices.get(process.pid)).toBe(startNice);
        expect([...nices.values()].filter((n) => n === 19).length).toBeGreaterThan(0);
      }
      const t0 = Date.now();
      const cancelled = await api(server.url, 'DELETE', '/api/models/verbal/train');
      // A worker left running would be waited for until its training ended, many seconds on (a
      // wide bound: a loaded CI machine must not fail it; the state checks below are the proof).
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(cancelled.body.job).toMatchObject({ state: 'cancelled' });
      const at = (await read()).progress;
      await new Promise((r) => setTimeout(r, 1500));
      expect((await read())).toMatchObject({ state: 'cancelled', progress: at });
      const verbal = path.join(lib, 'verbal');
      expect(fs.existsSync(verbal) ? fs.readdirSync(verbal) : []).toEqual([]);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('the model library at start-up', () => {
  it('removes the temp folders a stopped server left', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'lib-'));
    fs.mkdirSync(path.join(dir, 'verbal', '.tmp-train-20261201-deadbeef'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'verbal', 'verbal-20261201-abcdef12'), { recursive: true });
    const server = await startTestServer({ modelsDir: dir });
    try {
      expect(fs.readdirSync(path.join(dir, 'verbal'))).toEqual(['verbal-20261201-abcdef12']);
    } finally {
      await server.close();
    }
  });
});

describe('a model library that is a file', () => {
  it('is refused at start-up, naming it', async () => {
    const file = path.join(work, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    await expect(startTestServer({ modelsDir: file })).rejects.toThrow(`the model library ${file} (--models-dir) must be a folder`);
  });
});
