// Training a candidate verbal model on the coaches' labels stored in the server, as a
// background job (docs/protocol.md "Training a model on the coaches' labels"): the request, the
// job's state (GET's answer and the `model_training` event's payload), and the limits the CLI's
// `train verbal --seed` / `--extra-weight` share.
import { z } from 'zod';
import { HOLD_OUT_MAX_PERCENT } from './compare';
import { SessionIdSchema } from './protocol';
import './zodMessages';

/** Largest seed (`train verbal --seed`, and this request's `seed`). */
export const TRAIN_SEED_MAX = 2 ** 31 - 1;
/** Largest extra weight (`--extra-weight`, `extraWeight`): beyond it a few hundred rows would outweigh whole labels of the ~25k-row corpus. */
export const EXTRA_WEIGHT_MAX = 20;
/** The seed a job trains with when the request gives none (as `train verbal`'s default). */
export const TRAIN_SEED_DEFAULT = 7;
/**
 * The server's default extra weight. 5, not the CLI's 1: a few hundred labels among ~25k corpus
 * rows counted once are under 1 % of the rows and barely move the model; five times is still far
 * from outweighing a whole label of the corpus.
 */
export const EXTRA_WEIGHT_DEFAULT = 5;
/**
 * Fewest labelled customer turns a job trains on. Fewer move a model trained on ~25k corpus rows
 * less than another seed does (ten rows at the largest weight are under 1 % of the rows), so the
 * minutes of training would measure the seed rather than the labels.
 */
export const TRAIN_LABELS_MIN = 10;

/** A whole number from `min` to `max`, the messages naming `what` (the training requests' fields). */
export const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: (iss) => (iss.input === undefined ? `is required (${what})` : `must be a whole number from ${min} to ${max} (${what})`) })
    .int(`must be a whole number from ${min} to ${max} (${what})`)
    .min(min, `must be at least ${min} (${what})`)
    .max(max, `must be at most ${max} (${what})`);

/** `POST /api/models/verbal/train`'s body: all optional; other keys are refused (a typo would be ignored silently). */
export const TrainRequestSchema = z.strictObject({
  seed: whole('the training seed', 0, TRAIN_SEED_MAX).optional(),
  extraWeight: whole('how many times each labelled turn counts', 1, EXTRA_WEIGHT_MAX).optional(),
  /** One session's labels; absent: every session's. */
  session: SessionIdSchema.optional(),
  /**
   * Percent of the labelled turns kept out of training, so the model can be compared with the
   * running one on turns it never saw (GET /api/quality/compare); absent: HOLD_OUT_DEFAULT_PERCENT.
   * The same words always fall on the same side (a seeded hash of the turn's text).
   */
  holdOut: whole('percent of the labelled turns kept out of training for comparing', 0, HOLD_OUT_MAX_PERCENT).optional(),
});
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

export const TRAIN_JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type TrainJobStateName = (typeof TRAIN_JOB_STATES)[number];
export const TRAIN_PHASES = ['starting', 'reading', 'training', 'saving'] as const;

const ProgressSchema = z.object({
  /** starting the worker, reading the corpus, training members, writing the model. */
  phase: z.enum(TRAIN_PHASES),
  /** 1-based member being trained, of `members`; absent before the first epoch. */
  member: z.number().int().optional(),
  members: z.number().int(),
  /** The last epoch finished of this member (1-based), of at most `epochs` (early stopping may end sooner). */
  epoch: z.number().int().optional(),
  epochs: z.number().int(),
  /** That epoch's validation macro-F1. */
  macroF1: z.number().optional(),
});
export type TrainProgress = z.infer<typeof ProgressSchema>;

/**
 * What a training job of either kind says of itself: TrainJobSchema here and PostureTrainJobSchema
 * (postureModels.ts) extend it with their kind's rows, progress and result (and a posture job's
 * warnings).
 */
export const TrainJobBaseSchema = z.object({
  id: z.string(),
  state: z.enum(TRAIN_JOB_STATES),
  seed: z.number().int(),
  /** The session whose labels it trains on; null: every session's. */
  session: z.string().nullable(),
  /** ms since epoch. */
  startedAt: z.number(),
  /** Running time so far (or in all, once ended), ms. */
  elapsedMs: z.number(),
  endedAt: z.number().nullable(),
  /** When failed: why. */
  error: z.string().optional(),
});

export const TrainJobSchema = TrainJobBaseSchema.extend({
  rows: z.object({
    /** Corpus rows (known once the worker has read the corpus; null before). */
    corpus: z.number().int().nullable(),
    /** Labelled customer turns trained on (the store's, but those held out). */
    extra: z.number().int(),
    /** Labelled turns held out for comparing (`holdOut`), and the percent asked. */
    heldOut: z.number().int(),
    holdOutPercent: z.number().int(),
    /** Each labelled turn counts this many times. */
    weight: z.number().int(),
  }),
  progress: ProgressSchema,
  /** When done: the new model. */
  result: z
    .object({
      version: z.string(),
      /** Its folder in the model library (`<modelsDir>/verbal/<version>`). */
      dir: z.string(),
      /** The validation split's figures (metrics.json). */
      validation: z.object({ macroF1: z.number(), accuracy: z.number(), rows: z.number().int() }),
      /** The folder held this version already (the same weights, trained the same day): it was kept, the new copy dropped. */
      existed: z.boolean(),
    })
    .optional(),
});
export type TrainJob = z.infer<typeof TrainJobSchema>;

/** `GET /api/models/verbal/train`: the job running, or the last one since the server started (null: none). */
export const TrainJobAnswerSchema = z.object({ job: TrainJobSchema.nullable() });

/** The socket.io event every connected client hears: a job's state (progress at most a few times a second). */
export const TRAIN_EVENT = 'model_training';
