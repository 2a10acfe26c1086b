// The posture training job with a fake run (no worker, no training): what it trains on and
// records, the refusals (too few frames, naming the counts; busy across kinds through the shared
// slot), progress, publishing into the posture library folder with its library id, and cancel.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POSTURE_TRAIN_LABELS_MIN, type PostureTrainJob } from '../../protocol/postureModels';
import type { PostureFrameLabel } from '../../protocol/protocol';
import { NotFoundError } from '../errors/errors';
import { postureLabelsRow } from '../ingest/postureLabelsExport';
import { ARMS, posture, view } from '../signals/posture/testkit';
import type { PostureLabelsForExport } from '../store/sqliteStore';
import { TrainingSlot } from './jobHost';
import { postureLibraryDir } from '../models/postureLibrary';
import { jobTempDir } from './modelLibrary';
import { postureJobRows, TRAINED_FRAMES_MAX_BYTES, trainedFramesJson } from './postureRows';
import { PostureTrainJobs, type PostureRunMessage, type PostureRunOutcome, type PostureTrainRun } from './postureJobs';
import type { PostureTrainWorkerJob } from './trainProtocol';
import { TrainJobs } from './trainJobs';

const pose = { landmarks: view(posture(ARMS.crossed)).landmarks.map((l) => ({ x: l.x, y: l.y, z: l.z, score: l.score })) };
const unseenPose = { landmarks: pose.landmarks.map((l, i) => (i === 11 || i === 12 ? { ...l, score: 0 } : l)) };

/** A labelled frame as the store gives it for the export; one frame every 20 s (each its own hold-out moment). */
const frame = (n: number, sessionId = 's1', labels: PostureFrameLabel[] = [n % 2 ? 'arms_crossed' : 'neutral'], p = pose): PostureLabelsForExport => ({
  labels: { sessionId, frameId: n, participant: 'Li', mediaMs: n * 20_000, labels, note: null, labelledAt: 1000 + n },
  source: 'browser',
  poses: [p],
  aspect: 4 / 3,
  person: null,
  modelLabels: [],
  modelVersion: null,
});
const many = (n: number, sessionId = 's1') => Array.from({ length: n }, (_, i) => frame(i + 1, sessionId));

interface FakeRun {
  job: PostureTrainWorkerJob;
  report: (msg: PostureRunMessage) => void;
  resolve: (o: PostureRunOutcome) => void;
  reject: (e: Error) => void;
  stopped: boolean;
}

function setup(frames: PostureLabelsForExport[], slot?: TrainingSlot) {
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-posturejobs-'));
  let now = 1_000_000;
  const runs: FakeRun[] = [];
  const notices: PostureTrainJob[] = [];
  const service = {
    postureLabelsForExport: (sessionId?: string) => frames.filter((f) => sessionId === undefined || f.labels.sessionId === sessionId),
    requireSession: (id: string) => {
      if (!frames.some((f) => f.labels.sessionId === id)) throw new NotFoundError('session', id);
    },
  };
  const jobs = new PostureTrainJobs({
    service,
    modelsDir,
    recipe: { epochs: 2, members: 1, trainExamples: 300 },
    backend: 'cpu',
    now: () => now,
    progressIntervalMs: 250,
    ...(slot ? { slot } : {}),
    start: (job, report): PostureTrainRun => {
      const run = { job, report, stopped: false } as FakeRun;
      const outcome = new Promise<PostureRunOutcome>((resolve, reject) => Object.assign(run, { resolve, reject }));
      runs.push(run);
      return {
        outcome,
        stop: async () => {
          run.stopped = true;
          run.reject(new Error('terminated'));
          await outcome.catch(() => undefined);
        },
      };
    },
  });
  jobs.onChange((j) => notices.push(j));
  const writeTemp = (run: FakeRun, version: string) => {
    fs.mkdirSync(run.job.outDir, { recursive: true });
    fs.writeFileSync(path.join(run.job.outDir, 'manifest.json'), JSON.stringify({ version }));
  };
  return { jobs, runs, notices, modelsDir, writeTemp, advance: (ms: number) => (now += ms), cleanup: () => fs.rmSync(modelsDir, { recursive: true, force: true }) };
}

/** Verbal jobs on `labels` sharing `slot`, whose runs never end (until cancelled). */
const verbalJobs = (slot: TrainingSlot, modelsDir: string, labels: unknown[]) =>
  new TrainJobs({
    service: { correctionsForExport: () => labels as never, requireSession: () => undefined },
    modelsDir, corpusPath: 'x', backend: 'cpu', now: () => 0, slot,
    start: () => ({ outcome: new Promise(() => undefined), stop: async () => undefined }),
  });

const settle = () => new Promise((r) => setImmediate(r));
const thrown = (fn: () => unknown): any => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('PostureTrainJobs', () => {
  it('refuses too few measurable frames, naming the counts, the unmeasurable ones and the limit; an unknown session is 404', () => {
    const t = setup([...many(POSTURE_TRAIN_LABELS_MIN - 1), frame(50, 's1', ['neutral'], unseenPose), frame(51, 's1', ['neutral'], unseenPose)]);
    try {
      const err = thrown(() => t.jobs.start({ session: 's1', holdOut: 0 }));
      expect(err).toMatchObject({ status: 422, code: 'too_few_labels', details: { field: 'session', limit: POSTURE_TRAIN_LABELS_MIN, actual: POSTURE_TRAIN_LABELS_MIN - 1 } });
      expect(err.message).toBe(
        `there are ${POSTURE_TRAIN_LABELS_MIN - 1} labelled frames in session "s1" (and 2 more whose pose cannot be measured, shoulders unseen) to train on; ` +
          `a job needs at least ${POSTURE_TRAIN_LABELS_MIN} (label customers' postures in the session's frames first)`,
      );
      expect(() => t.jobs.start({ session: 'nope' })).toThrow(NotFoundError);
      expect(t.runs).toHaveLength(0);
      expect(t.jobs.current()).toBeNull();
    } finally {
      t.cleanup();
    }
  });

  it('names holdOut when it is what leaves too few, and no_labels with none', () => {
    const frames = many(POSTURE_TRAIN_LABELS_MIN);
    const { trained, heldOut } = postureJobRows(frames.map(postureLabelsRow), 30, 20261128);
    expect(heldOut.length).toBeGreaterThan(0);
    const t = setup(frames);
    try {
      const err = thrown(() => t.jobs.start({ holdOut: 30 }));
      expect(err).toMatchObject({ status: 422, code: 'too_few_labels', details: { field: 'holdOut', limit: POSTURE_TRAIN_LABELS_MIN, actual: trained.length } });
      expect(err.message).toContain(`but holdOut 30 % keeps ${heldOut.length} out for comparing, which leaves ${trained.length} to train on`);
      expect(err.message).toContain('(label more frames, or ask for a smaller holdOut)');
    } finally {
      t.cleanup();
    }
    const none = setup([]);
    try {
      expect(thrown(() => none.jobs.start({}))).toMatchObject({ status: 422, code: 'no_labels', details: { field: 'labels', actual: 0 } });
    } finally {
      none.cleanup();
    }
  });

  it('trains on the measurable frames not held out, recorded as their export lines\' sha256, with trained-frames.json and the recipe', () => {
    const frames = [...many(30), frame(80, 's1', ['neutral'], unseenPose), ...many(5, 's2')];
    const t = setup(frames);
    try {
      const job = t.jobs.start({ session: 's1', seed: 3, extraWeight: 4, holdOut: 20 });
      const rows = postureJobRows(frames.filter((f) => f.labels.sessionId === 's1').map(postureLabelsRow), 20, 3);
      expect(rows.heldOut.length).toBeGreaterThan(0);
      expect(job).toMatchObject({
        state: 'queued', seed: 3, session: 's1', warnings: [],
        rows: { synthetic: 300, extra: rows.trained.length, heldOut: rows.heldOut.length, holdOutPercent: 20, unmeasurable: 1, weight: 4 },
        progress: { phase: 'starting', members: 1, epochs: 2 },
      });
      const run = t.runs[0]!;
      const jsonl = rows.trained.map((r) => `${JSON.stringify(r)}\n`).join('');
      expect(run.job.extraJsonl).toBe(jsonl);
      expect(run.job.extra).toEqual({
        weight: 4, holdOutPercent: 20,
        files: [{ path: expect.stringMatching(/^server:posture-labels\/s1@\d{4}-\d\d-\d\dT/), sha256: createHash('sha256').update(jsonl).digest('hex'), rows: rows.trained.length }],
      });
      expect(run.job.trainedFramesJson).toBe(trainedFramesJson(rows.trained, rows.heldOut));
      expect(run.job.options).toMatchObject({ seed: 3, epochs: 2, members: 1, trainExamples: 300, hidden: [96, 48] });
      expect(run.job.outDir).toBe(jobTempDir(t.modelsDir, job.id, 'posture'));
      expect(path.dirname(run.job.outDir)).toBe(postureLibraryDir(t.modelsDir));
    } finally {
      t.cleanup();
    }
  });

  it('refuses before training when trained-frames.json would pass the bound Model quality reads it to (too_many_labels); just under it, it starts', () => {
    // A long participant name makes each listed frame ~4 kB: the bound is passed with a few thousand frames.
    const named = (n: number) => many(n).map((f) => ({ ...f, labels: { ...f.labels, participant: 'P'.repeat(4000) } }));
    const listBytes = (frames: PostureLabelsForExport[]) => {
      const rows = postureJobRows(frames.map(postureLabelsRow), 20, 3);
      return Buffer.byteLength(trainedFramesJson(rows.trained, rows.heldOut));
    };
    const perFrame = listBytes(named(100)) / 100;
    const over = named(Math.ceil(TRAINED_FRAMES_MAX_BYTES / perFrame) + 50);
    const under = named(Math.floor(TRAINED_FRAMES_MAX_BYTES / perFrame) - 50);
    expect(listBytes(over)).toBeGreaterThan(TRAINED_FRAMES_MAX_BYTES);
    expect(listBytes(under)).toBeLessThanOrEqual(TRAINED_FRAMES_MAX_BYTES);
    const t = setup(over);
    try {
      const err = thrown(() => t.jobs.start({ seed: 3 }));
      expect(err).toMatchObject({ status: 422, code: 'too_many_labels', details: { field: 'labels', limit: TRAINED_FRAMES_MAX_BYTES, actual: listBytes(over) } });
      expect(err.message).toBe(
        `the ${over.length} labelled frames of every session would make the model's trained-frames.json ${listBytes(over)} bytes, ` +
          `more than the ${TRAINED_FRAMES_MAX_BYTES} bytes (8 MiB) it may be; train on one session's labels (session) or hold more out (holdOut)`,
      );
      expect(t.runs).toEqual([]);
      expect(t.jobs.current()).toBeNull();
    } finally {
      t.cleanup();
    }
    const u = setup(under);
    try {
      u.jobs.start({ seed: 3 });
      expect(Buffer.byteLength(u.runs[0]!.job.trainedFramesJson)).toBeLessThanOrEqual(TRAINED_FRAMES_MAX_BYTES);
    } finally {
      u.cleanup();
    }
  });

  it('defaults: the seed, weight 1, the default hold-out; warnings of the frames trained on', () => {
    const frames = many(30).map((f) => ({ ...f, labels: { ...f.labels, labels: ['arms_crossed'] as PostureFrameLabel[] } }));
    const t = setup(frames);
    try {
      expect(t.jobs.start({})).toMatchObject({ seed: 20261128, session: null, rows: { weight: 1, holdOutPercent: 20 }, warnings: ['no_neutral_labels', 'one_label_only'] });
    } finally {
      t.cleanup();
    }
  });

  it('goes queued → running → done: progress by member and epoch, published into the posture folder with its library id', async () => {
    const t = setup(many(20));
    try {
      t.jobs.start({ holdOut: 0 });
      const run = t.runs[0]!;
      run.report({ type: 'phase', phase: 'reading' });
      expect(t.jobs.current()).toMatchObject({ state: 'running', progress: { phase: 'reading' } });
      run.report({ type: 'phase', phase: 'training' });
      t.advance(300);
      run.report({ type: 'epoch', member: 1, members: 1, epoch: 1, epochs: 2 });
      expect(t.jobs.current()).toMatchObject({ progress: { phase: 'training', member: 1, members: 1, epoch: 1, epochs: 2 }, elapsedMs: 300 });
      const version = 'posture-20261201-abcdef12';
      t.writeTemp(run, version);
      const validation = { arms_crossed: { f1: 0.9, threshold: 0.5 } };
      run.resolve({ type: 'done', version, validation });
      await settle();
      const dir = path.join(postureLibraryDir(t.modelsDir), version);
      expect(t.jobs.current()).toMatchObject({ state: 'done', result: { version, dir, id: `lib/${version}`, validation, existed: false } });
      expect(fs.readdirSync(postureLibraryDir(t.modelsDir))).toEqual([version]);
      expect(t.notices.map((n) => n.state)).toEqual(expect.arrayContaining(['queued', 'running', 'done']));
    } finally {
      t.cleanup();
    }
  });

  it('one job at a time across kinds: a posture job running refuses a verbal job (409 naming it and its cancel route); cancelled, it frees the slot', async () => {
    const slot = new TrainingSlot();
    const t = setup(many(20), slot);
    const verbal = verbalJobs(slot, t.modelsDir, []);
    try {
      const posture = t.jobs.start({ holdOut: 0 });
      const err = thrown(() => verbal.start({}));
      expect(err).toMatchObject({ status: 409, code: 'busy', details: { field: 'job' } });
      expect(err.message).toBe(`a posture training job is queued (${posture.id}): one training job runs at a time, verbal or posture; wait for it to end, or cancel it (DELETE /api/models/posture/train)`);
      await t.jobs.cancel();
      expect(t.runs[0]!.stopped).toBe(true);
      expect(fs.existsSync(jobTempDir(t.modelsDir, posture.id, 'posture'))).toBe(false);
      // The verbal job has no labels to train on: it is refused for that, no longer as busy.
      expect(thrown(() => verbal.start({}))).toMatchObject({ code: 'no_labels' });
      await expect(verbal.cancel()).rejects.toMatchObject({ code: 'not_running', message: 'no training job is running' });
      await expect(t.jobs.cancel()).rejects.toMatchObject({ code: 'not_running', message: expect.stringMatching(/^no posture training job is running \(the last one, .*, is cancelled\)$/) });
    } finally {
      await verbal.close();
      await t.jobs.close();
      t.cleanup();
    }
  });

  it('a verbal job running refuses a posture job', () => {
    const slot = new TrainingSlot();
    const t = setup(many(20), slot);
    const labels = Array.from({ length: 20 }, (_, n) => ({
      correction: { sessionId: 's1', utteranceId: n, label: 'price_inquiry', note: null, correctedAt: n }, speaker: 'Li', text: `how much is plan ${n}?`, startMs: n, context: null, modelLabel: null, modelScore: null, modelVersion: null,
    }));
    const verbal = verbalJobs(slot, t.modelsDir, labels);
    try {
      const v = verbal.start({ holdOut: 0 });
      const err = thrown(() => t.jobs.start({}));
      expect(err).toMatchObject({ status: 409, code: 'busy', message: expect.stringContaining(`a verbal training job is queued (${v.id})`) });
      expect(err.message).toContain('DELETE /api/models/verbal/train');
      expect(t.runs).toHaveLength(0);
    } finally {
      t.cleanup();
    }
  });

  it('removes the posture folder\'s temp folders a stopped server left at start-up, and no model', () => {
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-posturejobs-'));
    try {
      const lib = postureLibraryDir(modelsDir);
      for (const d of ['.tmp-train-20261201-0a1b2c3d-4194305', 'posture-20261201-abcdef12']) fs.mkdirSync(path.join(lib, d), { recursive: true });
      const logged: string[] = [];
      new PostureTrainJobs({ service: { postureLabelsForExport: () => [], requireSession: () => undefined }, modelsDir, backend: 'cpu', now: () => 0, log: (m) => logged.push(m) });
      expect(fs.readdirSync(lib)).toEqual(['posture-20261201-abcdef12']);
      expect(logged.join('\n')).toContain('removed 1 unfinished training folder');
    } finally {
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });
});
