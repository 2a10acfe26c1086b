// The posture models a server can run, the one it runs now, and training a candidate posture
// model on the coaches' posture labels (docs/protocol.md "Running posture model" and "Training a
// posture model on the coaches' labels"): GET /api/models/posture (the library), GET and PUT
// /api/settings/posture, the `posture_settings` event, and POST / GET / DELETE
// /api/models/posture/train with the `posture_training` event. The posture counterpart of
// models.ts and training.ts: the same shapes where the two kinds agree, so one client view
// serves both; what differs is named here (no thresholds to set: a posture model carries its
// own per-label thresholds, picked on its synthetic validation set).
import { z } from 'zod';
import { HOLD_OUT_MAX_PERCENT } from './compare';
import { MODEL_REF_MAX_CHARS, SETTING_SOURCES } from './models';
import { SessionIdSchema } from './protocol';
import { EXTRA_WEIGHT_MAX, TRAIN_SEED_MAX, TrainJobBaseSchema, whole } from './training';
import './zodMessages';

/** History entries GET /api/settings/posture answers (the newest first). */
export const POSTURE_HISTORY_SHOWN = 20;

/** PUT /api/settings/posture: `model`, a library id ("base", "lib/<folder>") or a version the library holds once. */
export const PostureSettingsPutSchema = z
  .object({
    model: z
      .string({ error: 'must be a string (a model id or version from GET /api/models/posture)' })
      .min(1, 'must name a model (an id or version from GET /api/models/posture)')
      .max(MODEL_REF_MAX_CHARS, `must be at most ${MODEL_REF_MAX_CHARS} characters (a model id or version)`),
  })
  .strict();
export type PostureSettingsPut = z.infer<typeof PostureSettingsPutSchema>;

/** A posture label's synthetic-validation figures (metrics.json `syntheticValidation`). */
const LabelFigureSchema = z.object({ f1: z.number(), threshold: z.number() });

export const PostureLibraryModelSchema = z.object({
  /** "base" (the `serve --posture-model` folder, default models/posture) or "lib/<folder>" (the library's). */
  id: z.string(),
  version: z.string(),
  /** Its folder, relative to the project when inside it, else (a library folder) to the models dir: `posture/<folder>`. */
  path: z.string(),
  createdAt: z.string(),
  /** From its metrics.json, when it has one: per model label, F1 and threshold on the synthetic validation set. */
  validation: z.record(z.string(), LabelFigureSchema).nullable(),
  /** Trained with coaches' posture labels or other landmark rows (`train posture --extra`, a job): how many, counted `weight` times. */
  extra: z.object({ rows: z.number(), weight: z.number(), files: z.array(z.string()) }).nullable(),
  running: z.boolean(),
  /** Another folder holds the same version: choose it by id. */
  duplicate: z.boolean(),
});
export type PostureLibraryModel = z.infer<typeof PostureLibraryModelSchema>;

export const PostureLibrarySchema = z.object({
  /** `<models dir>/posture`, as shown. */
  libraryDir: z.string(),
  models: z.array(PostureLibraryModelSchema),
  /** Folders of the library that are no posture model it can run, and why. */
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type PostureLibrary = z.infer<typeof PostureLibrarySchema>;

const ModelRefSchema = z.object({ id: z.string(), version: z.string() });

export const PostureStateSchema = z.object({
  model: ModelRefSchema.extend({ path: z.string(), source: z.enum(SETTING_SOURCES) }),
  /** A switch under way: what it will run (ms since epoch it started). */
  switching: z.object({ model: ModelRefSchema, startedAt: z.number() }).nullable(),
});
export type PostureState = z.infer<typeof PostureStateSchema>;

export const PostureHistoryEntrySchema = z.object({
  id: z.number(),
  at: z.number(),
  from: ModelRefSchema.nullable(),
  to: ModelRefSchema,
});
export type PostureHistoryEntry = z.infer<typeof PostureHistoryEntrySchema>;

/** GET /api/settings/posture and PUT's answer. */
export const PostureSettingsSchema = PostureStateSchema.extend({ history: z.array(PostureHistoryEntrySchema) });
export type PostureSettings = z.infer<typeof PostureSettingsSchema>;

/** `posture_settings`, to every connected socket: a switch started, ended or failed (then `switching` is null and nothing changed). */
export const POSTURE_SETTINGS_EVENT = 'posture_settings';
export const PostureSettingsEventSchema = PostureStateSchema;

// ---- Training a candidate posture model on the coaches' posture labels ----

/** The seed a job trains with when the request gives none (`train posture`'s default). */
export const POSTURE_TRAIN_SEED_DEFAULT = 20261128;
/** The server's default extra weight: 1, as `train posture --extra-weight` (docs/cli.md measured that a few hundred frames at weight 1 already move the model a long way where they lie). */
export const POSTURE_EXTRA_WEIGHT_DEFAULT = 1;
/** Fewest labelled frames a job trains on (after the hold-out). */
export const POSTURE_TRAIN_LABELS_MIN = 10;
/**
 * A posture label's hold-out group: labels of one session and participant within this many ms of
 * media time fall on the same side, so neighbouring frames of one moment (nearly the same
 * landmarks) are not split between training and comparing.
 */
export const POSTURE_HOLD_OUT_WINDOW_MS = 10_000;

/** `POST /api/models/posture/train`'s body: all optional; other keys are refused. */
export const PostureTrainRequestSchema = z.strictObject({
  seed: whole('the training seed', 0, TRAIN_SEED_MAX).optional(),
  extraWeight: whole('how many times each labelled frame counts', 1, EXTRA_WEIGHT_MAX).optional(),
  /** One session's labels; absent: every session's. */
  session: SessionIdSchema.optional(),
  /** Percent of the labelled frames' groups (POSTURE_HOLD_OUT_WINDOW_MS) kept out of training; absent: HOLD_OUT_DEFAULT_PERCENT. */
  holdOut: whole('percent of the labelled frames kept out of training for comparing', 0, HOLD_OUT_MAX_PERCENT).optional(),
});
export type PostureTrainRequest = z.infer<typeof PostureTrainRequestSchema>;

export const POSTURE_TRAIN_PHASES = ['starting', 'reading', 'training', 'saving'] as const;

export const PostureTrainJobSchema = TrainJobBaseSchema.extend({
  rows: z.object({
    /** Synthetic training examples per member (60,000 by default). */
    synthetic: z.number().int(),
    /** Labelled frames trained on (the store's, but those held out and those whose pose cannot be measured). */
    extra: z.number().int(),
    /** Labelled frames held out for comparing, and the percent asked. */
    heldOut: z.number().int(),
    holdOutPercent: z.number().int(),
    /** Labelled frames left out because their pose cannot be measured (shoulders unseen). */
    unmeasurable: z.number().int(),
    /** Each labelled frame counts this many times. */
    weight: z.number().int(),
  }),
  progress: z.object({
    phase: z.enum(POSTURE_TRAIN_PHASES),
    /** 1-based member being trained, of `members`; absent before the first epoch. */
    member: z.number().int().optional(),
    members: z.number().int(),
    /** The last epoch finished of this member (1-based), of `epochs`. */
    epoch: z.number().int().optional(),
    epochs: z.number().int(),
  }),
  /** Things an analyst should know before trusting the candidate, e.g. no frame labelled `neutral` (docs/cli.md "Label what is not there too"). Machine codes; the client words them. */
  warnings: z.array(z.enum(['no_neutral_labels', 'one_label_only'])),
  /** When done: the new model. */
  result: z
    .object({
      version: z.string(),
      /** Its folder in the model library (`<modelsDir>/posture/<version>`). */
      dir: z.string(),
      /** Library id to run it by (PUT /api/settings/posture). */
      id: z.string(),
      /** Per model label, F1 and threshold on the synthetic validation set (metrics.json). */
      validation: z.record(z.string(), LabelFigureSchema),
      /** The folder held this version already: it was kept, the new copy dropped. */
      existed: z.boolean(),
    })
    .optional(),
});
export type PostureTrainJob = z.infer<typeof PostureTrainJobSchema>;

/** `GET /api/models/posture/train`: the job running, or the last one since the server started (null: none). */
export const PostureTrainJobAnswerSchema = z.object({ job: PostureTrainJobSchema.nullable() });

/** The socket.io event every connected client hears: a posture job's state (progress at most a few times a second). */
export const POSTURE_TRAIN_EVENT = 'posture_training';
