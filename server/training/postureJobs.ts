// The server's posture training jobs (POST /api/models/posture/train): a candidate posture model
// trained as `train posture --extra` trains one (the synthetic skeletons plus the coaches'
// labelled frames, each counted `extraWeight` times) on one worker thread, published into
// `<modelsDir>/posture/<version>/`. One job at a time across kinds (JobHost's TrainingSlot): a
// verbal job running refuses a posture one, and the other way round.
import path from 'node:path';
import { HOLD_OUT_DEFAULT_PERCENT } from '../../protocol/compare';
import {
  POSTURE_EXTRA_WEIGHT_DEFAULT,
  POSTURE_TRAIN_LABELS_MIN,
  POSTURE_TRAIN_SEED_DEFAULT,
  type PostureTrainJob,
  type PostureTrainRequest,
} from '../../protocol/postureModels';
import { TooFewLabelsError, TooManyLabelsError, type LabelledNoun } from '../errors/errors';
import { postureLabelsRow } from '../ingest/postureLabelsExport';
import type { BackendName } from '../runtime/backend';
import { DEFAULT_POSTURE_TRAIN_OPTIONS, type PostureTrainOptions } from '../signals/posture/train';
import type { PostureLabelsForExport } from '../store/sqliteStore';
import { JobHost, labelsRecord, PROGRESS_INTERVAL_MS, workerRun, type Held, type JobRun, type TrainingSlot } from './jobHost';
import { postureJobRows, TRAINED_FRAMES_FILE, TRAINED_FRAMES_MAX_BYTES, trainedFramesJson } from './postureRows';
import type { PostureTrainFromWorker, PostureTrainWorkerJob } from './trainProtocol';

export type PostureRunMessage = Exclude<PostureTrainFromWorker, { type: 'done' } | { type: 'failed' }>;
export type PostureRunOutcome = Extract<PostureTrainFromWorker, { type: 'done' }>;
export type PostureTrainRun = JobRun<PostureRunOutcome>;

export interface PostureTrainJobsOptions {
  /** The labels' source (SessionService): as GET /api/posture-labels exports them. */
  service: { postureLabelsForExport(sessionId?: string): Iterable<PostureLabelsForExport>; requireSession(id: string): unknown };
  modelsDir: string;
  /** The training recipe beside the seed (default DEFAULT_POSTURE_TRAIN_OPTIONS; a test's tiny one). Never from a request. */
  recipe?: Partial<Omit<PostureTrainOptions, 'seed'>>;
  backend: BackendName;
  now: () => number;
  log?: (msg: string) => void;
  /** Least time between two progress notices, ms (default 250). */
  progressIntervalMs?: number;
  /** Starts a run (default: the worker thread); a unit test's fake. */
  start?: (job: PostureTrainWorkerJob, report: (msg: PostureRunMessage) => void) => PostureTrainRun;
  /** Shared with the verbal jobs: one job at a time across kinds (absent: its own). */
  slot?: TrainingSlot;
}

/** How too_few_labels words a posture job's frames. */
const frames = (unmeasurable: number): LabelledNoun => ({
  one: 'labelled frame',
  many: 'labelled frames',
  first: "label customers' postures in the session's frames first",
  more: 'label more frames',
  leftOut: { count: unmeasurable, why: 'whose pose cannot be measured, shoulders unseen' },
});

export class PostureTrainJobs extends JobHost<PostureTrainJob, PostureRunOutcome> {
  private readonly o: PostureTrainJobsOptions;
  private readonly startRun: NonNullable<PostureTrainJobsOptions['start']>;

  constructor(opts: PostureTrainJobsOptions) {
    super({ kind: 'posture', modelsDir: opts.modelsDir, now: opts.now, progressIntervalMs: opts.progressIntervalMs ?? PROGRESS_INTERVAL_MS, ...(opts.log ? { log: opts.log } : {}), ...(opts.slot ? { slot: opts.slot } : {}) });
    this.o = opts;
    this.startRun = opts.start ?? ((job, report) => workerRun<PostureRunMessage, PostureRunOutcome>('postureTrainWorker', job, report));
  }

  /**
   * Starts a job on the stored posture labels (one session's or every session's). Refused: the
   * server stopping (503), a job of any kind queued or running (409), an unknown session (404),
   * too few measurable frames left to train on, or so many their trained-frames.json would pass its
   * bound (422).
   */
  start(req: PostureTrainRequest): PostureTrainJob {
    this.checkCanStart();
    const session = req.session ?? null;
    if (session !== null) this.o.service.requireSession(session);
    const seed = req.seed ?? POSTURE_TRAIN_SEED_DEFAULT;
    const holdOutPercent = req.holdOut ?? HOLD_OUT_DEFAULT_PERCENT;
    const exported = [...this.o.service.postureLabelsForExport(session ?? undefined)].map(postureLabelsRow);
    const { trained, heldOut, unmeasurable, noddingOnly, warnings } = postureJobRows(exported, holdOutPercent, seed);
    if (trained.length < POSTURE_TRAIN_LABELS_MIN) {
      throw new TooFewLabelsError(trained.length + heldOut.length, POSTURE_TRAIN_LABELS_MIN, session, { percent: holdOutPercent, heldOut: heldOut.length }, frames(unmeasurable));
    }
    // Written no bigger than Model quality reads it: a model whose list it skipped could not say
    // which measured frames it learnt.
    const trainedFrames = trainedFramesJson(trained, heldOut);
    const trainedFramesBytes = Buffer.byteLength(trainedFrames);
    if (trainedFramesBytes > TRAINED_FRAMES_MAX_BYTES) {
      throw new TooManyLabelsError(trained.length + heldOut.length, trainedFramesBytes, TRAINED_FRAMES_MAX_BYTES, session, frames(unmeasurable), TRAINED_FRAMES_FILE);
    }
    const now = this.o.now();
    const id = this.newJobId(now);
    const weight = req.extraWeight ?? POSTURE_EXTRA_WEIGHT_DEFAULT;
    const options: PostureTrainOptions = { ...DEFAULT_POSTURE_TRAIN_OPTIONS, ...this.o.recipe, seed };
    // The rows trained on as the export writes them: the manifest's sha256 is of these bytes, so
    // `eval posture` tells when it is given them (a holdOut 0 job: the download itself).
    const jsonl = trained.map((r) => `${JSON.stringify(r)}\n`).join('');
    const source = `server:posture-labels${session !== null ? `/${session}` : ''}@${new Date(now).toISOString()}`;
    const job: Held<PostureTrainJob> = {
      id,
      state: 'queued',
      seed,
      session,
      rows: { synthetic: options.trainExamples, extra: trained.length, heldOut: heldOut.length, holdOutPercent, unmeasurable, weight },
      progress: { phase: 'starting', members: Math.max(1, options.members), epochs: options.epochs },
      warnings,
      startedAt: now,
      endedAt: null,
    };
    this.launch(job, () =>
      this.startRun(
        {
          backend: this.o.backend,
          extraJsonl: jsonl,
          extra: labelsRecord(source, jsonl, trained.length, weight, holdOutPercent),
          options,
          trainedFramesJson: trainedFrames,
          outDir: this.tempDir(id),
          date: now,
        },
        (msg) => this.onMessage(job, msg),
      ),
    );
    const left = [unmeasurable > 0 ? `${unmeasurable} unmeasurable` : '', noddingOnly > 0 ? `${noddingOnly} labelled nodding only` : ''].filter(Boolean).join(', ');
    this.o.log?.(
      `posture training job ${id} started: ${trained.length} labelled frames × ${weight} (${heldOut.length} held out, ${holdOutPercent} %${left ? `; left out: ${left}` : ''}), seed ${seed}` +
        `${warnings.length ? `; warnings: ${warnings.join(', ')}` : ''}`,
    );
    return this.current()!;
  }

  private onMessage(job: Held<PostureTrainJob>, msg: PostureRunMessage): void {
    // A change of phase at once; epochs at most once per interval.
    this.report(job, msg.type !== 'epoch', (j) => {
      if (msg.type === 'phase') j.progress = { ...j.progress, phase: msg.phase };
      else j.progress = { phase: 'training', member: msg.member, members: msg.members, epoch: msg.epoch, epochs: msg.epochs };
    });
  }

  protected done(job: Held<PostureTrainJob>, done: PostureRunOutcome, { dir, existed }: { dir: string; existed: boolean }): void {
    // The library lists a folder by its name: `lib/<folder>` runs it (PUT /api/settings/posture).
    job.result = { version: done.version, dir, id: `lib/${path.basename(dir)}`, validation: done.validation, existed };
    this.o.log?.(`posture training job ${job.id} done: ${done.version} in ${path.relative(process.cwd(), dir) || dir}`);
  }
}
