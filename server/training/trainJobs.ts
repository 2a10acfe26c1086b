// The server's verbal training jobs (POST /api/models/verbal/train): one at a time, on one
// worker thread (the live path keeps the other core), writing into the model library. Holds the
// job's state (queued → running → done | failed | cancelled), tells listeners of every change
// (progress at most once per interval, a change of state at once) and stops the job on close.
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  TRAIN_LABELS_MIN,
  TRAIN_SEED_DEFAULT,
  EXTRA_WEIGHT_DEFAULT,
  type TrainJob,
  type TrainProgress,
  type TrainRequest,
} from '../../protocol/training';
import { HOLD_OUT_DEFAULT_PERCENT } from '../../protocol/compare';
import { TooFewLabelsError, TooManyLabelsError, TrainBusyError, TrainNotRunningError, TrainShuttingDownError } from '../errors/errors';
import { correctionsJsonl } from '../ingest/correctionsExport';
import type { CorrectionForExport } from '../store/sqliteStore';
import type { BackendName } from '../runtime/backend';
import { runWorkerOnce, startModuleWorker } from '../runtime/worker';
import { DEFAULT_TRAIN_OPTIONS } from '../signals/verbal/train';
import { splitHoldOut, trainedRowsJson, TRAINED_ROWS_MAX_BYTES } from './holdOut';
import { holdJobTemp, jobTempDir, publishModel, releaseJobTemp, removeJobTemp, removeStaleTemps } from './modelLibrary';
import type { TrainFromWorker, TrainWorkerJob } from './trainProtocol';

/** What a run reports back while it goes (the worker's messages but `done` and `failed`). */
export type RunMessage = Exclude<TrainFromWorker, { type: 'done' } | { type: 'failed' }>;
export type RunOutcome = Extract<TrainFromWorker, { type: 'done' }>;

/** A started run: its outcome, and how to stop it (the promise then rejects). */
export interface TrainRun {
  outcome: Promise<RunOutcome>;
  stop(): Promise<void>;
}

export interface TrainJobsOptions {
  /** The labels' source (SessionService): as GET /api/corrections exports them. */
  service: { correctionsForExport(sessionId?: string): CorrectionForExport[]; requireSession(id: string): unknown };
  modelsDir: string;
  /** The corpus a job trains on beside the labels (fixtures/verbal/corpus.jsonl; a test's smaller one). Never from a request. */
  corpusPath: string;
  /** Most epochs per member (DEFAULT_TRAIN_OPTIONS.epochs; a test's 1 or 2). */
  epochs?: number;
  backend: BackendName;
  now: () => number;
  log?: (msg: string) => void;
  /** Least time between two progress notices, ms (default 250: at most four a second). */
  progressIntervalMs?: number;
  /** Starts a run (default: the worker thread); a unit test's fake. */
  start?: (job: TrainWorkerJob, report: (msg: RunMessage) => void) => TrainRun;
}

export const PROGRESS_INTERVAL_MS = 250;

/** The job's state as held: TrainJob but the derived elapsed time. */
type Held = Omit<TrainJob, 'elapsedMs'>;

export class TrainJobs {
  private job: Held | undefined;
  private run: TrainRun | undefined;
  private readonly listeners = new Set<(job: TrainJob) => void>();
  private lastNotice = -Infinity;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private settled: Promise<void> = Promise.resolve();
  private readonly o: Required<Omit<TrainJobsOptions, 'start' | 'log'>> & Pick<TrainJobsOptions, 'log'>;
  private readonly startRun: NonNullable<TrainJobsOptions['start']>;

  constructor(opts: TrainJobsOptions) {
    this.o = { epochs: DEFAULT_TRAIN_OPTIONS.epochs, progressIntervalMs: PROGRESS_INTERVAL_MS, ...opts };
    this.startRun = opts.start ?? workerRun;
    // A server stopped during a job left its temp folder: no job runs yet, so every one is stale.
    const stale = removeStaleTemps(opts.modelsDir);
    if (stale.length > 0) opts.log?.(`removed ${stale.length} unfinished training folder${stale.length === 1 ? '' : 's'} from ${opts.modelsDir}: ${stale.join(', ')}`);
  }

  /** Hears every change of the job (progress throttled). */
  onChange(fn: (job: TrainJob) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The job running, or the last one (null: none since the server started). */
  current(): TrainJob | null {
    return this.job ? this.view(this.job) : null;
  }

  /**
   * Starts a job on the stored labels (one session's or every session's). Refused: the server
   * stopping (503), a job already queued or running (409), an unknown session (404), too few
   * labels (422).
   */
  start(req: TrainRequest): TrainJob {
    if (this.closed) throw new TrainShuttingDownError();
    if (this.job && (this.job.state === 'queued' || this.job.state === 'running')) throw new TrainBusyError(this.job.id, this.job.state);
    const session = req.session ?? null;
    if (session !== null) this.o.service.requireSession(session);
    const labels = this.o.service.correctionsForExport(session ?? undefined);
    const seed = req.seed ?? TRAIN_SEED_DEFAULT;
    const holdOutPercent = req.holdOut ?? HOLD_OUT_DEFAULT_PERCENT;
    // Held out by the words (seeded): the same turn stays out of every job with this seed, so a
    // later comparison measures the model on turns it never saw.
    const { trained, heldOut } = splitHoldOut(labels, holdOutPercent, seed);
    if (trained.length < TRAIN_LABELS_MIN) throw new TooFewLabelsError(labels.length, TRAIN_LABELS_MIN, session, { percent: holdOutPercent, heldOut: heldOut.length });
    const trainedRows = trainedRowsJson(trained.map((c) => c.text));
    const trainedRowsBytes = Buffer.byteLength(trainedRows);
    if (trainedRowsBytes > TRAINED_ROWS_MAX_BYTES) throw new TooManyLabelsError(trained.length, trainedRowsBytes, TRAINED_ROWS_MAX_BYTES, session);
    const now = this.o.now();
    const id = `train-${new Date(now).toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
    const weight = req.extraWeight ?? EXTRA_WEIGHT_DEFAULT;
    // The export of the rows trained on: the manifest's sha256 is of these bytes.
    const jsonl = correctionsJsonl(trained);
    const source = `server:corrections${session !== null ? `/${session}` : ''}@${new Date(now).toISOString()}`;
    const job: Held = {
      id,
      state: 'queued',
      seed,
      session,
      rows: { corpus: null, extra: trained.length, weight, heldOut: heldOut.length, holdOutPercent },
      progress: { phase: 'starting', members: DEFAULT_TRAIN_OPTIONS.ensemble, epochs: this.o.epochs },
      startedAt: now,
      endedAt: null,
    };
    this.job = job;
    holdJobTemp(id);
    const run = this.startRun(
      {
        backend: this.o.backend,
        corpusPath: this.o.corpusPath,
        extraJsonl: jsonl,
        extra: {
          weight,
          files: [{ path: source, sha256: createHash('sha256').update(jsonl).digest('hex'), rows: trained.length }],
          ...(holdOutPercent > 0 ? { holdOutPercent } : {}),
        },
        trainedRowsJson: trainedRows,
        seed,
        epochs: this.o.epochs,
        outDir: jobTempDir(this.o.modelsDir, id),
        date: now,
      },
      (msg) => this.onMessage(job, msg),
    );
    this.run = run;
    this.settled = run.outcome
      .then(
        (done) => this.finish(job, done),
        (err: unknown) => this.fail(job, err),
      )
      .finally(() => releaseJobTemp(id));
    this.notify(true);
    this.o.log?.(`training job ${id} started: ${trained.length} labelled turns × ${weight} (${heldOut.length} held out, ${holdOutPercent} %), seed ${seed}`);
    return this.view(job);
  }

  /** Cancels the job running: its worker is terminated and its temp folder removed. */
  async cancel(): Promise<TrainJob> {
    const job = this.job;
    if (!job || (job.state !== 'queued' && job.state !== 'running')) throw new TrainNotRunningError(job ? { id: job.id, state: job.state } : null);
    this.end(job, 'cancelled');
    await this.stopRun(job);
    return this.view(job);
  }

  /** Stops: a job running is cancelled (its worker terminated, its temp folder removed), later ones refused. */
  async close(): Promise<void> {
    this.closed = true;
    const job = this.job;
    if (job && (job.state === 'queued' || job.state === 'running')) {
      this.end(job, 'cancelled', 'the server stopped');
      await this.stopRun(job);
    }
    await this.settled;
    if (this.pending) clearTimeout(this.pending);
    this.listeners.clear();
  }

  private async stopRun(job: Held): Promise<void> {
    // This job's run and outcome, taken now: another job may start while its worker stops (the
    // job is cancelled already), and waiting on `this.settled` then waited for that one to end.
    const run = this.run;
    const settled = this.settled;
    this.run = undefined;
    await run?.stop();
    await settled;
    this.removeTemp(job);
  }

  /**
   * Removes a job's temp folder, if it can: a library folder deleted or replaced mid-job made
   * this throw, which left the job `running` for good (every later job refused as busy) and its
   * outcome's promise rejected unhandled.
   */
  private removeTemp(job: Held): void {
    try {
      removeJobTemp(this.o.modelsDir, job.id);
    } catch (err) {
      this.o.log?.(`training job ${job.id}: its temp folder could not be removed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private onMessage(job: Held, msg: RunMessage): void {
    if (this.job !== job || (job.state !== 'queued' && job.state !== 'running')) return;
    const wasQueued = job.state === 'queued';
    job.state = 'running';
    if (msg.type === 'phase') job.progress = { ...job.progress, phase: msg.phase };
    else if (msg.type === 'rows') job.rows = { ...job.rows, corpus: msg.corpus };
    else {
      const p: TrainProgress = { phase: 'training', member: msg.member, members: msg.members, epoch: msg.epoch, epochs: msg.epochs, macroF1: msg.macroF1 };
      job.progress = p;
    }
    // A change of state (or phase) at once; epochs at most once per interval.
    this.notify(wasQueued || msg.type !== 'epoch');
  }

  private finish(job: Held, done: RunOutcome): void {
    if (job.state !== 'queued' && job.state !== 'running') return;
    try {
      const { dir, existed, aside } = publishModel(this.o.modelsDir, job.id, done.version);
      if (aside !== undefined) this.o.log?.(`training job ${job.id}: ${dir} was not model ${done.version} (no manifest naming it): moved aside to ${aside}`);
      job.result = { version: done.version, dir, existed, validation: { macroF1: done.macroF1, accuracy: done.accuracy, rows: done.validationRows } };
      this.end(job, 'done');
      this.o.log?.(`training job ${job.id} done: ${done.version} in ${path.relative(process.cwd(), dir) || dir}, validation macro-F1 ${done.macroF1.toFixed(3)}`);
    } catch (err) {
      this.fail(job, err);
    }
  }

  private fail(job: Held, err: unknown): void {
    // A cancelled job's run rejects too (its worker terminated): it stays cancelled.
    if (job.state !== 'queued' && job.state !== 'running') return;
    this.removeTemp(job);
    this.end(job, 'failed', err instanceof Error ? err.message : String(err));
    this.o.log?.(`training job ${job.id} failed: ${job.error}`);
  }

  private end(job: Held, state: 'done' | 'failed' | 'cancelled', error?: string): void {
    job.state = state;
    job.endedAt = this.o.now();
    if (error !== undefined) job.error = error;
    if (this.run && state !== 'cancelled') this.run = undefined;
    this.notify(true);
  }

  private view(job: Held): TrainJob {
    return { ...job, rows: { ...job.rows }, progress: { ...job.progress }, elapsedMs: (job.endedAt ?? this.o.now()) - job.startedAt };
  }

  /** Tells the listeners: now when `urgent` (a change of state), else at most once per interval (the latest progress). */
  private notify(urgent: boolean): void {
    const now = this.o.now();
    const wait = this.lastNotice + this.o.progressIntervalMs - now;
    if (!urgent && wait > 0) {
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.notify(true);
      }, wait);
      return;
    }
    if (this.pending) {
      clearTimeout(this.pending);
      this.pending = undefined;
    }
    this.lastNotice = now;
    const job = this.job;
    if (!job) return;
    const view = this.view(job);
    for (const fn of this.listeners) {
      try {
        fn(view);
      } catch (err) {
        this.o.log?.(`a training job listener failed: ${String(err)}`);
      }
    }
  }
}

/** The real run: trainWorker.ts on a worker thread, stopped by terminating it. */
function workerRun(job: TrainWorkerJob, report: (msg: RunMessage) => void): TrainRun {
  const stopping = new AbortController();
  const worker = startModuleWorker(__dirname, 'trainWorker', job);
  const outcome = runWorkerOnce<RunOutcome>(worker, {
    answer: (raw) => {
      const msg = raw as TrainFromWorker;
      if (msg.type === 'done') return { value: msg };
      if (msg.type === 'failed') return { error: Object.assign(new Error(msg.message), msg.stack !== undefined ? { stack: msg.stack } : {}) };
      report(msg);
      return undefined;
    },
    exited: (code) => new Error(`the training worker exited with code ${code} before finishing`),
    signal: stopping.signal,
  });
  outcome.catch(() => undefined);
  return {
    outcome,
    stop: async () => {
      stopping.abort(new Error('cancelled'));
      await outcome.catch(() => undefined);
    },
  };
}
