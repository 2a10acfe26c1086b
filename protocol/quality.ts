// GET /api/quality: the running models measured on the labels coaches stored in this server
// (docs/protocol.md "Model quality"). The server builds it (server/eval/quality.ts) with the
// eval code the CLI runs; the client checks it with this schema before showing it.
import { z } from 'zod';
import { CUE_TYPES, VERBAL_LABELS } from './protocol';

/** Most corrections one answer measures: the newest ones beyond it are measured, the rest said to be left out. */
export const QUALITY_ROWS_MAX = 20_000;
/** Corrections measured when the query does not say (`?rows=`). */
export const QUALITY_ROWS_DEFAULT = 5_000;

/** A bootstrap interval of a figure (its level, 0.95, and its ends). */
export const IntervalSchema = z.object({ level: z.number(), low: z.number(), high: z.number() });

const LabelFiguresSchema = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  /** Gold rows (or frames) with this label: every F1 is read beside it. */
  support: z.number().int(),
  predicted: z.number().int(),
});
export type QualityLabelFigures = z.infer<typeof LabelFiguresSchema>;

const VerbalSubsetSchema = z.object({
  /** "all", then each language the rows hold, then "mixed" (Chinese and English in one turn) when any is, as `eval verbal` splits them. */
  name: z.string(),
  n: z.number().int(),
  accuracy: z.number(),
  macroF1: z.number(),
  macroF1Interval: IntervalSchema,
  perLabel: z.array(LabelFiguresSchema),
  /** confusion[gold][predicted], in VERBAL_LABELS order. */
  confusion: z.array(z.array(z.number().int())),
});
export type QualityVerbalSubset = z.infer<typeof VerbalSubsetSchema>;

const DifferenceSchema = z.object({
  a: z.number(),
  b: z.number(),
  difference: z.number(),
  interval: IntervalSchema,
  excludesZero: z.boolean(),
});

const StoredSchema = z.object({
  /** Rows whose stored signal (the model of the time, `model_label`) was the coach's label. */
  storedRight: z.number().int(),
  /** Rows the running model gets right now. */
  nowRight: z.number().int(),
  /** Right now and wrong then, and the other way round. */
  fixed: z.number().int(),
  broken: z.number().int(),
  /** Macro-F1 of the stored signals (a) and of the running model (b), b − a with its paired 95 % interval. */
  macroF1: DifferenceSchema,
  /** The models the stored signals came from, with their rows (null: turns stored with no signal, i.e. neutral, which name no model). */
  storedModels: z.array(z.object({ version: z.string().nullable(), rows: z.number().int() })),
});

const WhatIfLabelSchema = z.object({
  label: z.enum(VERBAL_LABELS),
  support: z.number().int(),
  /** The server's threshold for it (null: none, the most probable label counts) and the macro-F1 there. */
  given: z.number().nullable(),
  givenMacroF1: z.number(),
  /** The threshold with the best macro-F1 on these rows (thresholdSweep's pick), and the macro-F1 there. */
  best: z.number().nullable(),
  bestMacroF1: z.number(),
  /** best − given, with the paired interval; null when the best is the given threshold. */
  gain: DifferenceSchema.nullable(),
});

/**
 * Why a model's trained-on check is unknown: missing (the file is not there), changed (its sha256
 * is not the one recorded), too_large (bigger than the most read of it, `maxBytes`), unreadable
 * (not a regular file, or it cannot be read), malformed (not its format).
 */
export const TRAINED_ON_PROBLEMS = ['missing', 'changed', 'too_large', 'unreadable', 'malformed'] as const;
export type TrainedOnProblem = (typeof TRAINED_ON_PROBLEMS)[number];

export const TrainedOnReasonSchema = z.object({
  /** The file that could not be used: the extra file's path, or the job's list beside the model (trained-rows.json, trained-frames.json). */
  file: z.string(),
  problem: z.enum(TRAINED_ON_PROBLEMS),
  /** too_large: the most bytes read of that file; else null. */
  maxBytes: z.number().int().nullable(),
});
export type TrainedOnReason = z.infer<typeof TrainedOnReasonSchema>;

const TrainedOnSchema = z.object({
  /** The extra file as the model's manifest records it, its rows and how many times each counted in training (`--extra-weight`). */
  path: z.string(),
  rows: z.number().int(),
  weight: z.number().int(),
  /**
   * same_rows: its sha256 is that of these rows' export; overlap / no_overlap: the file is still
   * at its path with that sha256 and holds `overlap` of these rows (verbal: the same text; posture:
   * the same frame's landmarks) or none; unknown: it is not
   * (moved or changed), so whether it holds these rows cannot be told.
   */
  match: z.enum(['same_rows', 'overlap', 'no_overlap', 'unknown']),
  overlap: z.number().int().nullable(),
  /** unknown only: why it cannot be told (absent from an older server, and on every other match). */
  reason: TrainedOnReasonSchema.optional(),
});
export type QualityTrainedOn = z.infer<typeof TrainedOnSchema>;

export const QualityVerbalSchema = z.object({
  modelVersion: z.string(),
  /** The server's signal thresholds (serve --thresholds; {}: none). */
  thresholds: z.record(z.string(), z.number()),
  /** Corrections in the store (or the session), and of them measured (the newest `rows` when capped). */
  stored: z.number().int(),
  rows: z.number().int(),
  /** null: no row to measure. */
  subsets: z.array(VerbalSubsetSchema),
  versusStored: StoredSchema.nullable(),
  whatIf: z.object({ caution: z.string(), labels: z.array(WhatIfLabelSchema) }).nullable(),
  /** The running model's `train verbal --extra` files, each matched against these rows ([]: none). */
  trainedOn: z.array(TrainedOnSchema),
});
export type QualityVerbal = z.infer<typeof QualityVerbalSchema>;

const CuePrecisionSchema = z.object({
  cueType: z.enum(CUE_TYPES).nullable(),
  /** One of CUE_REASONS; any text is taken, so a newer server's reason is shown by its identifier rather than refused. */
  reason: z.string().nullable(),
  reviewed: z.number().int(),
  useful: z.number().int(),
  falseAlarms: z.number().int(),
  sessions: z.number().int(),
  precision: z.number().nullable(),
  interval: IntervalSchema.extend({ resampled: z.enum(['sessions', 'rows']) }).nullable(),
});
export type QualityCuePrecision = z.infer<typeof CuePrecisionSchema>;

export const QualityCuesSchema = z.object({
  verdicts: z.number().int(),
  notEmitted: z.number().int(),
  sessions: z.number().int(),
  /** The overall row, then each cue type present, each followed by its reasons present ([]: no verdict on an emitted cue). */
  precision: z.array(CuePrecisionSchema),
});

export const QualityPostureSchema = z.object({
  modelVersion: z.string().nullable(),
  /** Labelled frames (landmark rows) measured. */
  rows: z.number().int(),
  /** Rows whose pose the model could not use (all their labels count as missed). */
  noPerson: z.number().int(),
  perLabel: z.array(LabelFiguresSchema.extend({ f1Interval: IntervalSchema })),
  /**
   * The running posture model's `train posture --extra` files, each matched against these labelled
   * frames ([]: none); a model a server job wrote is matched by its trained-frames.json instead.
   */
  trainedOn: z.array(TrainedOnSchema),
});

const TrainingVerbalSchema = z.object({
  version: z.string(),
  split: z.string(),
  validationRows: z.number().int().nullable(),
  macroF1: z.number(),
  accuracy: z.number().nullable(),
  perLabel: z.array(LabelFiguresSchema.omit({ predicted: true })),
});
const TrainingPostureSchema = z.object({
  version: z.string(),
  data: z.string(),
  perLabel: z.array(LabelFiguresSchema.omit({ predicted: true })),
});

export const QualitySchema = z.object({
  /** The session measured (`?session=`), or null: every session. */
  session: z.string().nullable(),
  /** How long the server took to measure, in ms. */
  ms: z.number(),
  verbal: QualityVerbalSchema,
  cues: QualityCuesSchema,
  posture: QualityPostureSchema,
  /** The running models' own metrics.json: their validation split, not these meetings (null: no metrics.json). */
  training: z.object({ verbal: TrainingVerbalSchema.nullable(), posture: TrainingPostureSchema.nullable() }),
});
export type Quality = z.infer<typeof QualitySchema>;
