// Comparing a verbal model of the library with the running one on the coaches' labels that
// neither was trained on (docs/protocol.md "Comparing a model with the running one"):
// `GET /api/quality/compare?model=ID[&session=ID][&rows=N]`. The server builds the answer with
// the code `eval verbal --compare` runs (server/eval/verbalCompare.ts); the client checks it with
// this schema before showing it.
import { z } from 'zod';
import { VERBAL_LABELS } from './protocol';
import { IntervalSchema } from './quality';

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
