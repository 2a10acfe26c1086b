// The server's verbal training jobs (POST /api/models/verbal/train): one at a time (of any kind),
// on one worker thread (the live path keeps the other core), writing into the model library.
// JobHost holds the job's state and tells listeners of every change; this builds the job from
// the stored labels and reads its run's messages.
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
import { TooFewLabelsError, TooManyLabelsError } from '../errors/errors';
import { correctionsJsonl } from '../ingest/correctionsExport';
import type { CorrectionForExport } from '../store/sqliteStore';
import type { BackendName } from '../runtime/backend';
import { DEFAULT_TRAIN_OPTIONS } from '../signals/verbal/train';
import { splitHoldOut, trainedRowsJson, TRAINED_ROWS_MAX_BYTES } from './holdOut';
import { JobHost, labelsRecord, PROGRESS_INTERVAL_MS, workerRun, type Held, type JobRun, type TrainingSlot } from './jobHost';
import type { TrainFromWorker, TrainWorkerJob } from './trainProtocol';

/** What a run reports back while it goes (the worker's messages but `done` and `failed`). */
export type RunMessage = Exclude<TrainFromWorker, { type: 'done' } | { type: 'failed' }>;
export type RunOutcome = Extract<TrainFromWorker, { type: 'done' }>;

/** A started run: its outcome, and how to stop it (the promise then rejects). */
export type TrainRun = JobRun<RunOutcome>;

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
  /** Shared with the posture jobs: one job at a time across kinds (absent: its own). */
  slot?: TrainingSlot;
}

export { PROGRESS_INTERVAL_MS } from './jobHost';

export class TrainJobs extends JobHost<TrainJob, RunOutcome> {
  private readonly o: TrainJobsOptions & { epochs: number };
  private readonly startRun: NonNullable<TrainJobsOptions['start']>;

  constructor(opts: TrainJobsOptions) {
    super({ kind: 'verbal', modelsDir: opts.modelsDir, now: opts.now, progressIntervalMs: opts.progressIntervalMs ?? PROGRESS_INTERVAL_MS, ...(opts.log ? { log: opts.log } : {}), ...(opts.slot ? { slot: opts.slot } : {}) });
    this.o = { epochs: DEFAULT_TRAIN_OPTIONS.epochs, ...opts };
    this.startRun = opts.start ?? ((job, report) => workerRun<RunMessage, RunOutcome>('trainWorker', job, report));
  }

  /**
   * Starts a job on the stored labels (one session's or every session's). Refused: the server
   * stopping (503), a job of any kind already queued or running (409), an unknown session (404),
   * too few labels (422).
   */
  start(req: TrainRequest): TrainJob {
    this.checkCanStart();
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
    const id = this.newJobId(now);
    const weight = req.extraWeight ?? EXTRA_WEIGHT_DEFAULT;
    // The export of the rows trained on: the manifest's sha256 is of these bytes.
    const jsonl = correctionsJsonl(trained);
    const source = `server:corrections${session !== null ? `/${session}` : ''}@${new Date(now).toISOString()}`;
    const job: Held<TrainJob> = {
      id,
      state: 'queued',
      seed,
      session,
      rows: { corpus: null, extra: trained.length, weight, heldOut: heldOut.length, holdOutPercent },
      progress: { phase: 'starting', members: DEFAULT_TRAIN_OPTIONS.ensemble, epochs: this.o.epochs },
      startedAt: now,
      endedAt: null,
    };
    this.launch(job, () =>
      this.startRun(
        {
          backend: this.o.backend,
          corpusPath: this.o.corpusPath,
          extraJsonl: jsonl,
          extra: labelsRecord(source, jsonl, trained.length, weight, holdOutPercent),
          trainedRowsJson: trainedRows,
          seed,
          epochs: this.o.epochs,
          outDir: this.tempDir(id),
          date: now,
        },
        (msg) => this.onMessage(job, msg),
      ),
    );
    this.o.log?.(`training job ${id} started: ${trained.length} labelled turns × ${weight} (${heldOut.length} held out, ${holdOutPercent} %), seed ${seed}`);
    return this.current()!;
  }

  private onMessage(job: Held<TrainJob>, msg: RunMessage): void {
    // A change of state (or phase) at once; epochs at most once per interval.
    this.report(job, msg.type !== 'epoch', (j) => {
      if (msg.type === 'phase') j.progress = { ...j.progress, phase: msg.phase };
      else if (msg.type === 'rows') j.rows = { ...j.rows, corpus: msg.corpus };
      else {
        const p: TrainProgress = { phase: 'training', member: msg.member, members: msg.members, epoch: msg.epoch, epochs: msg.epochs, macroF1: msg.macroF1 };
        j.progress = p;
      }
    });
  }

  protected done(job: Held<TrainJob>, done: RunOutcome, { dir, existed }: { dir: string; existed: boolean }): void {
    job.result = { version: done.version, dir, existed, validation: { macroF1: done.macroF1, accuracy: done.accuracy, rows: done.validationRows } };
    this.o.log?.(`training job ${job.id} done: ${done.version} in ${path.relative(process.cwd(), dir) || dir}, validation macro-F1 ${done.macroF1.toFixed(3)}`);
  }
}
