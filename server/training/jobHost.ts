// What every kind of server training job shares (the verbal job, trainJobs.ts; the posture one,
// postureJobs.ts): one job held at a time (queued → running → done | failed | cancelled), its
// listeners told of every change (progress at most once per interval, a change of state at once),
// its run on a worker thread writing into a temp folder of the model library that is published as
// `<version>` once done, cancel and close. One job runs at a time across kinds too (TrainingSlot):
// the machine's second core is the live path's, whichever model a job trains.
import { createHash, randomBytes } from 'node:crypto';
import { TrainBusyError, TrainNotRunningError, TrainShuttingDownError } from '../errors/errors';
import type { TrainJobStateName } from '../../protocol/training';
import type { ExtraRecord } from '../signals/extraRecord';
import type { ModelKind } from '../signals/modelFolder';
import { runWorkerOnce, startModuleWorker } from '../runtime/worker';
import { holdJobTemp, jobTempDir, publishModel, releaseJobTemp, removeJobTemp, removeStaleTemps } from './modelLibrary';

/** Least time between two progress notices by default, ms: at most four a second. */
export const PROGRESS_INTERVAL_MS = 250;

/** A started run: its outcome, and how to stop it (the promise then rejects). */
export interface JobRun<O> {
  outcome: Promise<O>;
  stop(): Promise<void>;
}

/** The fields of a job every kind has (TrainJob, PostureTrainJob). */
export interface JobBase {
  id: string;
  state: TrainJobStateName;
  rows: object;
  progress: object;
  startedAt: number;
  elapsedMs: number;
  endedAt: number | null;
  error?: string;
}

/**
 * How a job's model records the labels it trained on, as `train … --extra` records a file: their
 * export's lines (`jsonl`, the bytes the sha256 is of) under a `server:` name, and the hold-out
 * when there was one.
 */
export function labelsRecord(source: string, jsonl: string, rows: number, weight: number, holdOutPercent: number): ExtraRecord {
  return {
    weight,
    files: [{ path: source, sha256: createHash('sha256').update(jsonl).digest('hex'), rows }],
    ...(holdOutPercent > 0 ? { holdOutPercent } : {}),
  };
}

/** The job's state as held: the job but the derived elapsed time. */
export type Held<J extends JobBase> = Omit<J, 'elapsedMs'>;

const active = (state: TrainJobStateName): boolean => state === 'queued' || state === 'running';

/** The one training job a server runs at a time, whatever its kind: each host asks it before starting. */
export class TrainingSlot {
  private readonly hosts = new Set<{ kind: ModelKind; running(): { id: string; state: TrainJobStateName } | undefined }>();

  join(host: { kind: ModelKind; running(): { id: string; state: TrainJobStateName } | undefined }): void {
    this.hosts.add(host);
  }

  /** The job queued or running, of any kind, if one is. */
  busy(): { id: string; state: TrainJobStateName; kind: ModelKind } | undefined {
    for (const h of this.hosts) {
      const job = h.running();
      if (job) return { ...job, kind: h.kind };
    }
    return undefined;
  }
}

export interface JobHostOptions {
  kind: ModelKind;
  modelsDir: string;
  now: () => number;
  log?: (msg: string) => void;
  /** Least time between two progress notices, ms. */
  progressIntervalMs: number;
  /** Shared with the other kind's jobs (one job at a time across kinds); absent: this host's own. */
  slot?: TrainingSlot;
}

/** A run's outcome names the model's version (its folder in the library once published). */
export abstract class JobHost<J extends JobBase, O extends { version: string }> {
  protected job: Held<J> | undefined;
  private run: JobRun<O> | undefined;
  private readonly listeners = new Set<(job: J) => void>();
  private lastNotice = -Infinity;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private settled: Promise<void> = Promise.resolve();
  private readonly slot: TrainingSlot;

  constructor(protected readonly host: JobHostOptions) {
    // A server stopped during a job left its temp folder: no job runs yet, so every one is stale.
    const stale = removeStaleTemps(host.modelsDir, host.kind);
    if (stale.length > 0) host.log?.(`removed ${stale.length} unfinished training folder${stale.length === 1 ? '' : 's'} from ${host.modelsDir}: ${stale.join(', ')}`);
    this.slot = host.slot ?? new TrainingSlot();
    this.slot.join({ kind: host.kind, running: () => (this.job && active(this.job.state) ? { id: this.job.id, state: this.job.state } : undefined) });
  }

  /** Hears every change of the job (progress throttled). */
  onChange(fn: (job: J) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The job running, or the last one (null: none since the server started). */
  current(): J | null {
    return this.job ? this.view(this.job) : null;
  }

  /** Cancels the job running: its worker is terminated and its temp folder removed. */
  async cancel(): Promise<J> {
    const job = this.job;
    if (!job || !active(job.state)) throw new TrainNotRunningError(job ? { id: job.id, state: job.state } : null, this.host.kind);
    this.end(job, 'cancelled');
    await this.stopRun(job);
    return this.view(job);
  }

  /** Stops: a job running is cancelled (its worker terminated, its temp folder removed), later ones refused. */
  async close(): Promise<void> {
    this.closed = true;
    const job = this.job;
    if (job && active(job.state)) {
      this.end(job, 'cancelled', 'the server stopped');
      await this.stopRun(job);
    }
    await this.settled;
    if (this.pending) clearTimeout(this.pending);
    this.listeners.clear();
  }

  /** Refuses a start while the server stops (503) or a job of any kind is queued or running (409). */
  protected checkCanStart(): void {
    if (this.closed) throw new TrainShuttingDownError();
    const busy = this.slot.busy();
    if (busy) throw new TrainBusyError(busy.id, busy.state, busy.kind);
  }

  /** A new job's id: `train-<yyyymmdd>-<8 hex>` (the shape the start-up clean-up knows a temp folder by). */
  protected newJobId(now: number): string {
    return `train-${new Date(now).toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
  }

  /** The temp folder a job's run writes its model into. */
  protected tempDir(jobId: string): string {
    return jobTempDir(this.host.modelsDir, jobId, this.host.kind);
  }

  /** Holds `job` as the current one and starts its run; its outcome is published (or the job failed) when it settles. */
  protected launch(job: Held<J>, start: () => JobRun<O>): void {
    this.job = job;
    holdJobTemp(job.id);
    const run = start();
    this.run = run;
    this.settled = run.outcome
      .then(
        (done) => this.finish(job, done),
        (err: unknown) => this.fail(job, err),
      )
      .finally(() => releaseJobTemp(job.id));
    this.notify(true);
  }

  /**
   * A message of `job`'s run: applied (the job now running) unless the job is no longer the one
   * running; a change of state, or `urgent`, is told at once, else at most once per interval.
   */
  protected report(job: Held<J>, urgent: boolean, apply: (job: Held<J>) => void): void {
    if (this.job !== job || !active(job.state)) return;
    const wasQueued = job.state === 'queued';
    job.state = 'running';
    apply(job);
    this.notify(wasQueued || urgent);
  }

  /** Sets a done job's result from its run's outcome and where it was published; may log. */
  protected abstract done(job: Held<J>, outcome: O, published: { dir: string; existed: boolean }): void;

  private async stopRun(job: Held<J>): Promise<void> {
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
  private removeTemp(job: Held<J>): void {
    try {
      removeJobTemp(this.host.modelsDir, job.id, this.host.kind);
    } catch (err) {
      this.host.log?.(`training job ${job.id}: its temp folder could not be removed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private finish(job: Held<J>, outcome: O): void {
    if (!active(job.state)) return;
    try {
      const { dir, existed, aside } = publishModel(this.host.modelsDir, job.id, outcome.version, this.host.kind);
      if (aside !== undefined) this.host.log?.(`training job ${job.id}: ${dir} was not model ${outcome.version} (no manifest naming it): moved aside to ${aside}`);
      this.done(job, outcome, { dir, existed });
      this.end(job, 'done');
    } catch (err) {
      this.fail(job, err);
    }
  }

  private fail(job: Held<J>, err: unknown): void {
    // A cancelled job's run rejects too (its worker terminated): it stays cancelled.
    if (!active(job.state)) return;
    this.removeTemp(job);
    this.end(job, 'failed', err instanceof Error ? err.message : String(err));
    this.host.log?.(`training job ${job.id} failed: ${job.error}`);
  }

  private end(job: Held<J>, state: 'done' | 'failed' | 'cancelled', error?: string): void {
    job.state = state;
    job.endedAt = this.host.now();
    if (error !== undefined) job.error = error;
    if (this.run && state !== 'cancelled') this.run = undefined;
    this.notify(true);
  }

  private view(job: Held<J>): J {
    return { ...job, rows: { ...job.rows }, progress: { ...job.progress }, elapsedMs: (job.endedAt ?? this.host.now()) - job.startedAt } as unknown as J;
  }

  /** Tells the listeners: now when `urgent` (a change of state), else at most once per interval (the latest progress). */
  private notify(urgent: boolean): void {
    const now = this.host.now();
    const wait = this.lastNotice + this.host.progressIntervalMs - now;
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
        this.host.log?.(`a training job listener failed: ${String(err)}`);
      }
    }
  }
}

/**
 * The real run: a worker module of this folder on a worker thread, stopped by terminating it. Its
 * messages `{ type: 'done' }` and `{ type: 'failed', message, stack? }` end it; every other one is
 * reported.
 */
export function workerRun<M extends { type: string }, O extends { type: 'done' }>(module: string, data: unknown, report: (msg: Exclude<M, { type: 'done' | 'failed' }>) => void): JobRun<O> {
  const stopping = new AbortController();
  const worker = startModuleWorker(__dirname, module, data);
  const outcome = runWorkerOnce<O>(worker, {
    answer: (raw) => {
      const msg = raw as M | O | { type: 'failed'; message: string; stack?: string };
      if (msg.type === 'done') return { value: msg as O };
      if (msg.type === 'failed') {
        const f = msg as { message: string; stack?: string };
        return { error: Object.assign(new Error(f.message), f.stack !== undefined ? { stack: f.stack } : {}) };
      }
      report(msg as Exclude<M, { type: 'done' | 'failed' }>);
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
