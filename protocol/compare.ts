// Comparing a verbal model of the library with the running one on the coaches' labels that
// neither was trained on (docs/protocol.md "Comparing a model with the running one"):
// `GET /api/quality/compare?model=ID[&session=ID][&rows=N]`. The server builds the answer with
// the code `eval verbal --compare` runs (server/eval/verbalCompare.ts); the client checks it with
// this schema before showing it.
import { z } from 'zod';
import { VERBAL_LABELS } from './protocol';
import { IntervalSchema, TrainedOnReasonSchema } from './quality';

/** Rows B fixed or broke sent back at most (the counts are always whole). */
export const COMPARE_CHANGED_MAX = 200;
/** Largest share of the labelled turns a training job may hold out for comparing (percent). */
export const HOLD_OUT_MAX_PERCENT = 50;
/**
 * The share a training job holds out when the request does not say (percent): a fifth, so a
 * candidate can be compared at once on turns it never saw, while four fifths still teach it.
 */
export const HOLD_OUT_DEFAULT_PERCENT = 20;

/** A figure of A (the running model) and of B (the candidate), B − A with its paired bootstrap interval. */
const DifferenceSchema = z.object({
  a: z.number(),
  b: z.number(),
  difference: z.number(),
  interval: IntervalSchema,
  excludesZero: z.boolean(),
});

export const CompareSubsetSchema = z.object({
  /** "all", then each language the rows hold, then "mixed", as `eval verbal` splits them. */
  name: z.string(),
  n: z.number().int(),
  macroF1: DifferenceSchema,
  accuracy: z.object({ a: z.number(), b: z.number() }),
  /** In VERBAL_LABELS order: gold rows with the label, each model's F1. */
  perLabel: z.array(z.object({ label: z.enum(VERBAL_LABELS), support: z.number().int(), a: z.number(), b: z.number(), difference: z.number() })),
  /** Rows B gets right that A got wrong (fixed), the reverse (broken), both wrong, both right. */
  rows: z.object({ fixed: z.number().int(), broken: z.number().int(), bothWrong: z.number().int(), bothRight: z.number().int() }),
});
export type CompareSubset = z.infer<typeof CompareSubsetSchema>;

/** A model of the comparison and the labelled turns left out because it was trained on them. */
const ComparedModelSchema = z.object({
  /** The library id ("base", "lib/<folder>"). */
  id: z.string(),
  version: z.string(),
  /**
   * Labelled turns in scope that it was trained on (left out of the comparison); null: it was
   * trained on extra rows whose turns cannot be told (a `train verbal --extra` file moved or
   * changed since), so the figures may flatter it.
   */
  trainedOn: z.number().int().nullable(),
  /** trainedOn null: why it cannot be told (the file and its problem, as GET /api/quality's trained-on reason); else null (absent from an older server). */
  unknownReason: TrainedOnReasonSchema.nullable().optional(),
  /** It was trained with coaches' labels and held some out for comparing (percent), or null. */
  heldOutPercent: z.number().nullable(),
});
export type ComparedModel = z.infer<typeof ComparedModelSchema>;

export const ChangedTurnSchema = z.object({
  change: z.enum(['fixed', 'broken']),
  /** The turn, as the corrections export names it: its session, utterance id and time in the meeting. */
  session: z.string(),
  utterance: z.number().int(),
  startMs: z.number(),
  lang: z.string(),
  gold: z.enum(VERBAL_LABELS),
  a: z.enum(VERBAL_LABELS),
  b: z.enum(VERBAL_LABELS),
  text: z.string(),
  context: z.string().optional(),
});
export type ChangedTurn = z.infer<typeof ChangedTurnSchema>;

export const VerbalComparisonSchema = z.object({
  /** The session measured (`?session=`), or null: every session. */
  session: z.string().nullable(),
  ms: z.number(),
  /** A: the model the server runs now; B: the one compared with it. */
  a: ComparedModelSchema,
  b: ComparedModelSchema,
  /** The running thresholds, held for both models. */
  thresholds: z.record(z.string(), z.number()),
  /** Labelled customer turns in scope (the newest `?rows=` of them measured at most). */
  stored: z.number().int(),
  /** Of those, measured: neither model was trained on them. */
  rows: z.number().int(),
  /** Empty when no row is left to measure. */
  subsets: z.array(CompareSubsetSchema),
  /** The rows B fixed or broke, fixed first, at most COMPARE_CHANGED_MAX; `changedTotal` counts all. */
  changed: z.array(ChangedTurnSchema),
  changedTotal: z.number().int(),
});
export type VerbalComparison = z.infer<typeof VerbalComparisonSchema>;

// Comparing a posture model of the library with the running one on the coaches' labelled frames
// that neither was trained on: `GET /api/quality/posture/compare?model=ID[&session=ID]`. A frame
// has a set of labels (several at once), so the figures are per label, as `eval posture
// --compare` reports them (server/signals/posture/evalPosture.ts).

/** A label's precision, recall and F1 for one model, and how many frames it gave the label. */
const PostureLabelScoreSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number(), predicted: z.number().int() });

export const PostureCompareLabelSchema = z.object({
  label: z.string(),
  /** Frames whose coach's labels hold it. */
  support: z.number().int(),
  a: PostureLabelScoreSchema,
  b: PostureLabelScoreSchema,
  /** F1 of A and B, B − A and its paired bootstrap interval over the frames. */
  f1: DifferenceSchema,
  /** Frames B gets right for this label (present or absent as in the gold) that A got wrong, the reverse, both wrong, both right. */
  frames: z.object({ fixed: z.number().int(), broken: z.number().int(), bothWrong: z.number().int(), bothRight: z.number().int() }),
});
export type PostureCompareLabel = z.infer<typeof PostureCompareLabelSchema>;

/** A frame whose whole set of labels B got right and A did not (fixed), or the reverse (broken). */
export const ChangedFrameSchema = z.object({
  change: z.enum(['fixed', 'broken']),
  /** The frame, as the posture labels export names it (`session`: the session's id). */
  session: z.string(),
  /** The session's title as stored when compared (null: not known, e.g. an older server's answer; show the id). */
  sessionTitle: z.string().nullable().default(null),
  participant: z.string(),
  frame: z.number().int(),
  mediaMs: z.number(),
  gold: z.array(z.string()),
  /** Each model's labels; empty: it judged nobody (the pose not usable). */
  a: z.array(z.string()),
  b: z.array(z.string()),
});
export type ChangedFrame = z.infer<typeof ChangedFrameSchema>;

export const PostureComparisonSchema = z.object({
  /** The session measured (`?session=`), or null: every session. */
  session: z.string().nullable(),
  ms: z.number(),
  /** A: the posture model the server runs now; B: the one compared with it (trainedOn: labelled frames it was trained on, left out). */
  a: ComparedModelSchema,
  b: ComparedModelSchema,
  /** Labelled frames in scope. */
  stored: z.number().int(),
  /** Of those, measured: neither model was trained on them. */
  frames: z.number().int(),
  /** Of the measured, frames where A (B) judged nobody (the pose not usable): all their labels count as missed. */
  noPerson: z.object({ a: z.number().int(), b: z.number().int() }),
  /** The labels scored (those the frames use, and always the main ones plus neutral); empty when no frame is left to measure. */
  perLabel: z.array(PostureCompareLabelSchema),
  /** The frames B fixed or broke, fixed first, at most COMPARE_CHANGED_MAX; `changedTotal` counts all. */
  changed: z.array(ChangedFrameSchema),
  changedTotal: z.number().int(),
});
export type PostureComparison = z.infer<typeof PostureComparisonSchema>;
