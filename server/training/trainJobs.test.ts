// The training job's state machine with a fake run (no worker, no training): refusals, the
// states a job goes through, the throttled notices, cancel and close, and the temp folders.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TRAIN_LABELS_MIN, type TrainJob } from '../../protocol/training';
import { NotFoundError } from '../errors/errors';
import type { CorrectionForExport } from '../store/sqliteStore';
import { correctionsJsonl } from '../ingest/correctionsExport';
import { verbalLibraryDir } from '../models/verbalLibrary';
import { splitHoldOut, trainedRowsJson, TRAINED_ROWS_MAX_BYTES } from './holdOut';
import { jobTempDir } from './modelLibrary';
import type { TrainWorkerJob } from './trainProtocol';
import { TrainJobs, type RunMessage, type RunOutcome, type TrainRun } from './trainJobs';

const label = (n: number, sessionId = 's1'): CorrectionForExport => ({
  correction: { sessionId, utteranceId: n, label: 'price_inquiry', note: null, correctedAt: 1000 + n },
  speaker: 'Li',
  text: `how much is plan ${n}?`,
  startMs: n * 1000,
  context: null,
  modelLabel: null,
  modelScore: null,
  modelVersion: null,
});

interface FakeRun {
  job: TrainWorkerJob;
  report: (msg: RunMessage) => void;
  resolve: (o: RunOutcome) => void;
  reject: (e: Error) => void;
  stopped: boolean;
  /** With `slowStop`: ends the stop (the thread gone). */
  terminated?: () => void;
}

function setup(labels: CorrectionForExport[], opts: { interval?: number; slowStop?: boolean } = {}) {
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-trainjobs-'));
  let now = 1_000_000;
  const runs: FakeRun[] = [];
  const notices: TrainJob[] = [];
  const service = {
    correctionsForExport: (sessionId?: string) => labels.filter((l) => sessionId === undefined || l.correction.sessionId === sessionId),
    requireSession: (id: string) => {
      if (!labels.some((l) => l.correction.sessionId === id) && id !== 'empty') throw new NotFoundError('session', id);
    },
  };
  const jobs = new TrainJobs({
    service,
    modelsDir,
    corpusPath: '/nowhere/corpus.jsonl',
    epochs: 2,
    backend: 'cpu',
    now: () => now,
    progressIntervalMs: opts.interval ?? 250,
    start: (job, report): TrainRun => {
      const run = { job, report, stopped: false } as FakeRun;
      const outcome = new Promise<RunOutcome>((resolve, reject) => Object.assign(run, { resolve, reject }));
      runs.push(run);
      return {
        outcome,
        stop: async () => {
          run.stopped = true;
          // A worker's terminate takes a while: the thread is gone only then.
          if (opts.slowStop) await new Promise<void>((r) => (run.terminated = r));
          run.reject(new Error('terminated'));
          await outcome.catch(() => undefined);
        },
      };
    },
  });
  jobs.onChange((j) => notices.push(j));
  const advance = (ms: number) => (now += ms);
  /** What the worker would have written: the model in the job's temp folder. */
  const writeTemp = (run: FakeRun) => {
    fs.mkdirSync(run.job.outDir, { recursive: true });
    fs.writeFileSync(path.join(run.job.outDir, 'manifest.json'), '{}');
  };
  return { jobs, runs, notices, modelsDir, advance, writeTemp, cleanup: () => fs.rmSync(modelsDir, { recursive: true, force: true }) };
}

const many = (n: number, sessionId?: string) => Array.from({ length: n }, (_, i) => label(i + 1, sessionId));
const settle = () => new Promise((r) => setImmediate(r));

describe('TrainJobs', () => {
  it('refuses with no labels, and with fewer than the minimum, naming how many there are and the limit', () => {
    const none = setup([]);
    try {
      expect(() => none.jobs.start({})).toThrow(expect.objectContaining({ status: 422, code: 'no_labels', message: expect.stringContaining("no coaches' labels in any session") }));
      expect(none.runs).toHaveLength(0);
    } finally {
      none.cleanup();
    }
    const few = setup(many(TRAIN_LABELS_MIN - 1));
    try {
      let err: any;
      try {
        few.jobs.start({ session: 's1' });
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ status: 422, code: 'too_few_labels', details: { field: 'session', limit: TRAIN_LABELS_MIN, actual: TRAIN_LABELS_MIN - 1 } });
      expect(err.message).toContain(`at least ${TRAIN_LABELS_MIN}`);
      expect(() => few.jobs.start({ session: 'nope' })).toThrow(NotFoundError);
    } finally {
      few.cleanup();
    }
  });

  it('under the minimum before any hold-out: the message does not count the held-out turns as trained on', () => {
    const labels = many(TRAIN_LABELS_MIN - 1, 's1');
    const seed = Array.from({ length: 50 }, (_, i) => i + 1).find((k) => splitHoldOut(labels, 20, k).heldOut.length > 0)!;
    const { trained, heldOut } = splitHoldOut(labels, 20, seed);
    const t = setup(labels);
    try {
      let err: any;
      try {
        t.jobs.start({ session: 's1', seed });
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ status: 422, code: 'too_few_labels', details: { field: 'session', limit: TRAIN_LABELS_MIN, actual: TRAIN_LABELS_MIN - 1 } });
      expect(err.message).toBe(
        `there are ${TRAIN_LABELS_MIN - 1} labelled customer turns in session "s1", and holdOut 20 % keeps ${heldOut.length} of them out for comparing, which leaves ${trained.length} to train on; ` +
          `a job needs at least ${TRAIN_LABELS_MIN} (label customer turns in the transcript first)`,
      );
    } finally {
      t.cleanup();
    }
  });

  it('refuses when the hold-out is what leaves too few to train on, naming holdOut and the counts', () => {
    const t = setup(many(TRAIN_LABELS_MIN));
    try {
      const { trained, heldOut } = splitHoldOut(many(TRAIN_LABELS_MIN), 20, 7);
      expect(heldOut.length).toBeGreaterThan(0);
      let err: any;
      try {
        t.jobs.start({});
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ status: 422, code: 'too_few_labels', details: { field: 'holdOut', limit: TRAIN_LABELS_MIN, actual: trained.length } });
      expect(err.message).toBe(
        `there are ${TRAIN_LABELS_MIN} labelled customer turns in any session, but holdOut 20 % keeps ${heldOut.length} out for comparing, which leaves ${trained.length} to train on; ` +
          `a job needs at least ${TRAIN_LABELS_MIN} (label more customer turns, or ask for a smaller holdOut)`,
      );
      expect(t.runs).toHaveLength(0);
      // Without a hold-out the same labels are enough.
      expect(t.jobs.start({ holdOut: 0 }).rows).toMatchObject({ extra: TRAIN_LABELS_MIN, heldOut: 0 });
    } finally {
      t.cleanup();
    }
  });

  it("refuses before training when the list of the turns trained on would pass its bound (too_many_labels)", () => {
    // ~19 bytes a key: enough turns to pass 1 MiB.
    const n = Math.ceil(TRAINED_ROWS_MAX_BYTES / 19) + 1000;
    const t = setup(many(n));
    try {
      let err: any;
      try {
        t.jobs.start({ holdOut: 0 });
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ status: 422, code: 'too_many_labels', details: { field: 'labels', limit: TRAINED_ROWS_MAX_BYTES } });
      expect(err.message).toContain('1 MiB');
      expect(t.runs).toHaveLength(0);
      expect(t.jobs.current()).toBeNull();
    } finally {
      t.cleanup();
    }
  });

  it("trains on one session's labels or every session's, recorded as the exported rows' sha256", () => {
    const t = setup([...many(12, 's1'), ...many(3, 's2')]);
    try {
      const job = t.jobs.start({ session: 's1', seed: 3, extraWeight: 4 });
      // The default hold-out (20 %) keeps some out: the rows trained on are the rest, and the
      // manifest's sha256 is of their export (not of every label's).
      const { trained, heldOut } = splitHoldOut(many(12, 's1'), 20, 3);
      expect(heldOut.length).toBeGreaterThan(0);
      expect(job).toMatchObject({ state: 'queued', seed: 3, session: 's1', rows: { corpus: null, extra: trained.length, heldOut: heldOut.length, holdOutPercent: 20, weight: 4 }, progress: { phase: 'starting' } });
      const run = t.runs[0]!;
      const jsonl = correctionsJsonl(trained);
      expect(run.job.extraJsonl).toBe(jsonl);
      expect(run.job.extra).toEqual({
        weight: 4, holdOutPercent: 20,
        files: [{ path: expect.stringMatching(/^server:corrections\/s1@\d{4}-\d\d-\d\dT/), sha256: createHash('sha256').update(jsonl).digest('hex'), rows: trained.length }],
      });
      expect(run.job.trainedRowsJson).toBe(trainedRowsJson(trained.map((c) => c.text)));
      // holdOut 0: every label trained on, no hold-out recorded.
      t.advance(1);
      void t.jobs.cancel();
      const all = t.jobs.start({ session: 's1', seed: 3, holdOut: 0 });
      expect(all.rows).toMatchObject({ extra: 12, heldOut: 0, holdOutPercent: 0 });
      expect(t.runs[1]!.job.extra).not.toHaveProperty('holdOutPercent');
      expect(run.job).toMatchObject({ seed: 3, epochs: 2, outDir: jobTempDir(t.modelsDir, job.id) });
      expect(path.dirname(run.job.outDir)).toBe(verbalLibraryDir(t.modelsDir));
    } finally {
      t.cleanup();
    }
  });

  it('goes queued → running → done, publishing the temp folder as <version>, with defaults for seed and weight', async () => {
    const t = setup(many(13));
    try {
      const started = t.jobs.start({});
      expect(started).toMatchObject({ seed: 7, rows: { weight: 5 } });
      const run = t.runs[0]!;
      run.report({ type: 'phase', phase: 'reading' });
      expect(t.jobs.current()).toMatchObject({ state: 'running', progress: { phase: 'reading' } });
      run.report({ type: 'rows', corpus: 200 });
      run.report({ type: 'phase', phase: 'training' });
      t.advance(1000);
      run.report({ type: 'epoch', member: 1, members: 3, epoch: 1, epochs: 2, macroF1: 0.5 });
      expect(t.jobs.current()).toMatchObject({ rows: { corpus: 200 }, progress: { phase: 'training', member: 1, epoch: 1, macroF1: 0.5 }, elapsedMs: 1000 });
      t.writeTemp(run);
      t.advance(500);
      run.resolve({ type: 'done', version: 'verbal-20261201-abcdef12', macroF1: 0.61, accuracy: 0.7, validationRows: 20 });
      await settle();
      const dir = path.join(verbalLibraryDir(t.modelsDir), 'verbal-20261201-abcdef12');
      expect(t.jobs.current()).toMatchObject({ state: 'done', elapsedMs: 1500, result: { version: 'verbal-20261201-abcdef12', dir, existed: false, validation: { macroF1: 0.61, accuracy: 0.7, rows: 20 } } });
      expect(fs.readdirSync(verbalLibraryDir(t.modelsDir))).toEqual(['verbal-20261201-abcdef12']);
      t.advance(10_000);
      expect(t.jobs.current()!.elapsedMs).toBe(1500);
      expect(t.notices.map((n) => n.state)).toEqual(expect.arrayContaining(['queued', 'running', 'done']));
      // A new job may start once one has ended.
      expect(t.jobs.start({}).state).toBe('queued');
    } finally {
      t.cleanup();
    }
  });

  it('keeps a version the library holds already, dropping the copy', async () => {
    const t = setup(many(13));
    try {
      const held = path.join(verbalLibraryDir(t.modelsDir), 'verbal-20261201-abcdef12');
      fs.mkdirSync(held, { recursive: true });
      fs.writeFileSync(path.join(held, 'manifest.json'), JSON.stringify({ version: 'verbal-20261201-abcdef12' }));
      t.jobs.start({});
      t.writeTemp(t.runs[0]!);
      t.runs[0]!.resolve({ type: 'done', version: 'verbal-20261201-abcdef12', macroF1: 0.6, accuracy: 0.7, validationRows: 20 });
      await settle();
      expect(t.jobs.current()).toMatchObject({ state: 'done', result: { existed: true } });
      expect(fs.readdirSync(verbalLibraryDir(t.modelsDir))).toEqual(['verbal-20261201-abcdef12']);
    } finally {
      t.cleanup();
    }
  });

  it('refuses a second job while one runs, naming it (409)', () => {
    const t = setup(many(13));
    try {
      const first = t.jobs.start({});
      expect(() => t.jobs.start({})).toThrow(expect.objectContaining({ status: 409, code: 'busy', message: expect.stringContaining(first.id) }));
      expect(t.runs).toHaveLength(1);
    } finally {
      t.cleanup();
    }
  });

  it('a failed run is failed with its error, its temp folder removed', async () => {
    const t = setup(many(13));
    try {
      t.jobs.start({});
      t.writeTemp(t.runs[0]!);
      t.runs[0]!.reject(new Error('fixtures/x.jsonl:3: field "label": unknown label'));
      await settle();
      expect(t.jobs.current()).toMatchObject({ state: 'failed', error: 'fixtures/x.jsonl:3: field "label": unknown label' });
      expect(fs.readdirSync(verbalLibraryDir(t.modelsDir))).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  it('cancel stops the run and removes its temp folder (and the atomic write beside it); with none running it is refused', async () => {
    const t = setup(many(13));
    try {
      await expect(t.jobs.cancel()).rejects.toMatchObject({ status: 409, code: 'not_running' });
      const job = t.jobs.start({});
      t.runs[0]!.report({ type: 'phase', phase: 'saving' });
      t.writeTemp(t.runs[0]!);
      fs.mkdirSync(path.join(verbalLibraryDir(t.modelsDir), `.${path.basename(jobTempDir(t.modelsDir, job.id))}.writing-abc`));
      const cancelled = await t.jobs.cancel();
      expect(cancelled.state).toBe('cancelled');
      expect(t.runs[0]!.stopped).toBe(true);
      expect(fs.readdirSync(verbalLibraryDir(t.modelsDir))).toEqual([]);
      expect(t.notices.at(-1)!.state).toBe('cancelled');
      await expect(t.jobs.cancel()).rejects.toMatchObject({ message: expect.stringContaining(`${job.id}, is cancelled`) });
    } finally {
      t.cleanup();
    }
  });

  it('close cancels the job running and refuses later ones', async () => {
    const t = setup(many(13));
    try {
      t.jobs.start({});
      await t.jobs.close();
      expect(t.runs[0]!.stopped).toBe(true);
      expect(t.jobs.current()).toMatchObject({ state: 'cancelled', error: 'the server stopped' });
      expect(() => t.jobs.start({})).toThrow(expect.objectContaining({ status: 503, code: 'shutting_down' }));
    } finally {
      t.cleanup();
    }
  });

  it('removes the temp folders a stopped server left, and no model, at start-up', () => {
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-trainjobs-'));
    try {
      const lib = verbalLibraryDir(modelsDir);
      // A dead pid (above Linux's largest), and none (left by a server from before pids were in the names).
      for (const d of ['.tmp-train-20261201-0a1b2c3d-4194305', '..tmp-train-20261201-0a1b2c3d-4194305.writing-x', 'verbal-20261201-abcdef12']) fs.mkdirSync(path.join(lib, d), { recursive: true });
      const logged: string[] = [];
      new TrainJobs({ service: { correctionsForExport: () => [], requireSession: () => undefined }, modelsDir, corpusPath: 'x', backend: 'cpu', now: () => 0, log: (m) => logged.push(m) });
      expect(fs.readdirSync(lib)).toEqual(['verbal-20261201-abcdef12']);
      expect(logged.join('\n')).toContain('removed 2 unfinished training folders');
    } finally {
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });

  it('refuses a model library that is a file, naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-trainjobs-'));
    try {
      const file = path.join(dir, 'models');
      fs.writeFileSync(file, 'x');
      expect(() => new TrainJobs({ service: { correctionsForExport: () => [], requireSession: () => undefined }, modelsDir: file, corpusPath: 'x', backend: 'cpu', now: () => 0 })).toThrow(
        `the model library ${file} (--models-dir) must be a folder`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells of epochs at most once per interval, the latest one, and of a change of state at once', async () => {
    jest.useFakeTimers();
    const t = setup(many(13), { interval: 250 });
    try {
      t.jobs.start({});
      const run = t.runs[0]!;
      run.report({ type: 'phase', phase: 'training' });
      const before = t.notices.length;
      for (let e = 1; e <= 5; e++) run.report({ type: 'epoch', member: 1, members: 3, epoch: e, epochs: 20, macroF1: e / 10 });
      expect(t.notices.length).toBe(before);
      t.advance(250);
      jest.advanceTimersByTime(250);
      expect(t.notices.length).toBe(before + 1);
      expect(t.notices.at(-1)!.progress.epoch).toBe(5);
      run.report({ type: 'epoch', member: 1, members: 3, epoch: 6, epochs: 20, macroF1: 0.6 });
      run.report({ type: 'phase', phase: 'saving' });
      // The phase went out at once, and the epoch waiting with it (no later stale notice).
      expect(t.notices.at(-1)!.progress.phase).toBe('saving');
      const n = t.notices.length;
      jest.advanceTimersByTime(1000);
      expect(t.notices.length).toBe(n);
    } finally {
      jest.useRealTimers();
      t.cleanup();
    }
  });

  it('a cancel answers once its own worker is gone, though another job was started meanwhile (it waited for that one to end)', async () => {
    const t = setup(many(13), { slowStop: true });
    try {
      const a = t.jobs.start({});
      t.writeTemp(t.runs[0]!);
      let answered: TrainJob | undefined;
      const cancelling = t.jobs.cancel().then((j) => (answered = j));
      // Another window trains again at once: the first job is cancelled already.
      const b = t.jobs.start({});
      t.writeTemp(t.runs[1]!);
      t.runs[0]!.terminated!();
      for (let i = 0; i < 5; i++) await settle();
      expect(answered).toMatchObject({ id: a.id, state: 'cancelled' });
      await cancelling;
      expect(fs.existsSync(jobTempDir(t.modelsDir, a.id))).toBe(false);
      // The second job runs on, its temp folder kept.
      expect(t.jobs.current()).toMatchObject({ id: b.id, state: 'queued' });
      expect(fs.existsSync(jobTempDir(t.modelsDir, b.id))).toBe(true);
      t.runs[1]!.resolve({ type: 'done', version: 'v-b', macroF1: 0.5, accuracy: 0.5, validationRows: 3 });
      await settle();
      expect(t.jobs.current()).toMatchObject({ id: b.id, state: 'done' });
    } finally {
      t.cleanup();
    }
  });

  it('a job whose library folder was replaced by a file mid-job ends failed, saying so; the next one may start (it stayed running for good)', async () => {
    for (const outcome of ['done', 'failed', 'cancelled'] as const) {
      const t = setup(many(13));
      try {
        t.jobs.start({});
        t.writeTemp(t.runs[0]!);
        const lib = verbalLibraryDir(t.modelsDir);
        fs.rmSync(lib, { recursive: true });
        fs.writeFileSync(lib, 'not a folder');
        if (outcome === 'done') t.runs[0]!.resolve({ type: 'done', version: 'verbal-20261201-abcdef12', macroF1: 0.6, accuracy: 0.7, validationRows: 20 });
        else if (outcome === 'failed') t.runs[0]!.reject(new Error(`ENOTDIR: not a directory, mkdir '${lib}/.tmp-x'`));
        else await expect(t.jobs.cancel()).resolves.toMatchObject({ state: 'cancelled' });
        await settle();
        expect(t.jobs.current()).toMatchObject({ state: outcome === 'cancelled' ? 'cancelled' : 'failed' });
        if (outcome === 'done') expect(t.jobs.current()!.error).toContain('not a directory');
        await expect(t.jobs.close()).resolves.toBeUndefined();
      } finally {
        t.cleanup();
      }
    }
  });

  it("start-up clean-up keeps a running job's temp folder (another server's, or this process's) and a folder that is no job's", async () => {
    const t = setup(many(13));
    try {
      const job = t.jobs.start({});
      t.writeTemp(t.runs[0]!);
      const lib = verbalLibraryDir(t.modelsDir);
      const keep = [
        // Another live server's job (the parent process stands for it).
        `.tmp-train-20261201-0a1b2c3d-${process.ppid}`,
        `..tmp-train-20261201-0a1b2c3d-${process.ppid}.writing-x`,
        // Hidden folders that only look like temp ones: someone's copy of a model.
        '.tmp-my-model',
        '.tmp-',
      ];
      for (const d of [...keep, '.tmp-train-20261201-deadbeef']) fs.mkdirSync(path.join(lib, d), { recursive: true });
      fs.writeFileSync(path.join(lib, '.tmp-my-model', 'manifest.json'), '{}');
      // A second server starting on the same library, in this process.
      const logged: string[] = [];
      new TrainJobs({ service: { correctionsForExport: () => [], requireSession: () => undefined }, modelsDir: t.modelsDir, corpusPath: 'x', backend: 'cpu', now: () => 0, log: (m) => logged.push(m) });
      expect(fs.readdirSync(lib).sort()).toEqual([...keep, path.basename(jobTempDir(t.modelsDir, job.id))].sort());
      expect(logged.join('\n')).toContain('removed 1 unfinished training folder');
      // The first server's job finishes into its version.
      t.runs[0]!.resolve({ type: 'done', version: 'verbal-20261201-abcdef12', macroF1: 0.6, accuracy: 0.7, validationRows: 20 });
      await settle();
      expect(t.jobs.current()).toMatchObject({ state: 'done', result: { existed: false } });
    } finally {
      t.cleanup();
    }
  });

  it('a folder named as the new version that is not that model (a broken copy) is moved aside, not taken for it', async () => {
    const t = setup(many(13));
    try {
      const lib = verbalLibraryDir(t.modelsDir);
      const version = 'verbal-20261201-abcdef12';
      fs.mkdirSync(path.join(lib, version), { recursive: true });
      fs.writeFileSync(path.join(lib, version, 'weights.bin'), 'half a copy');
      const job = t.jobs.start({});
      t.writeTemp(t.runs[0]!);
      fs.writeFileSync(path.join(t.runs[0]!.job.outDir, 'manifest.json'), JSON.stringify({ version }));
      t.runs[0]!.resolve({ type: 'done', version, macroF1: 0.6, accuracy: 0.7, validationRows: 20 });
      await settle();
      expect(t.jobs.current()).toMatchObject({ state: 'done', result: { version, existed: false } });
      expect(JSON.parse(fs.readFileSync(path.join(lib, version, 'manifest.json'), 'utf8'))).toEqual({ version });
      // Nothing of the user's is deleted.
      expect(fs.readFileSync(path.join(lib, `${version}.replaced-${job.id}`, 'weights.bin'), 'utf8')).toBe('half a copy');
    } finally {
      t.cleanup();
    }
  });
});
