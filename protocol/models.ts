// The verbal models a server can run and the one it runs now (docs/protocol.md "Running model"):
// GET /api/models/verbal (the library), GET and PUT /api/settings/verbal, and the
// `verbal_settings` event every connected client hears when they change. The body schema is the
// server's check of a PUT; the answer schemas the client's check of what comes back.
import { z } from 'zod';

/** History entries GET /api/settings/verbal answers (the newest first). */
export const VERBAL_HISTORY_SHOWN = 20;
/** Longest model id or version a PUT may name. */
export const MODEL_REF_MAX_CHARS = 200;

/** Where a setting came from: a `serve` flag, an analyst's choice stored in the server, or the default. */
export const SETTING_SOURCES = ['flag', 'stored', 'default'] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];

const ThresholdValues = z.record(z.string(), z.number());

/**
 * PUT /api/settings/verbal. `model`: a library id ("base", "lib/<folder>") or a version the
 * library holds once; `thresholds`: the least score per signal label ({}: none), checked as
 * `serve --thresholds` checks them (known labels, numbers from 0 to 1).
 */
export const VerbalSettingsPutSchema = z
  .object({
    model: z
      .string({ error: 'must be a string (a model id or version from GET /api/models/verbal)' })
      .min(1, 'must name a model (an id or version from GET /api/models/verbal)')
      .max(MODEL_REF_MAX_CHARS, `must be at most ${MODEL_REF_MAX_CHARS} characters (a model id or version)`)
      .optional(),
    thresholds: z
      .preprocess(
        (v, ctx) => {
          // JSON may name "__proto__", which a record drops unseen (the request answered 200, nothing changed).
          if (v !== null && typeof v === 'object' && Object.hasOwn(v, '__proto__')) {
            ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'threshold for "__proto__": not a signal label (use price_inquiry, discount_request, purchase_intent, resistance)' });
          }
          return v;
        },
        z.record(z.string(), z.number({ error: 'must be a number from 0 to 1' }), {
          error: 'must be an object of label: number ({} for none)',
        }),
      )
      .optional(),
  })
  .strict()
  .refine((b) => b.model !== undefined || b.thresholds !== undefined, { error: 'give "model", "thresholds" or both' });
export type VerbalSettingsPut = z.infer<typeof VerbalSettingsPutSchema>;

export const LibraryModelSchema = z.object({
  /** "base" (the `serve --model` folder, default models/verbal) or "lib/<folder>" (the library's). */
  id: z.string(),
  version: z.string(),
  /** Its folder, relative to the project when inside it, else (a library folder) to the models dir: `verbal/<folder>`. */
  path: z.string(),
  createdAt: z.string(),
  /** From its metrics.json, when it has one. */
  trainRows: z.number().nullable(),
  validationRows: z.number().nullable(),
  macroF1: z.number().nullable(),
  accuracy: z.number().nullable(),
  /** Trained with coaches' labels or other extra rows (`train verbal --extra`): how many, counted `weight` times. */
  extra: z.object({ rows: z.number(), weight: z.number(), files: z.array(z.string()) }).nullable(),
  running: z.boolean(),
  /** Another folder holds the same version: choose it by id. */
  duplicate: z.boolean(),
});
export type LibraryModel = z.infer<typeof LibraryModelSchema>;

export const VerbalLibrarySchema = z.object({
  /** `<models dir>/verbal`, as shown. */
  libraryDir: z.string(),
  models: z.array(LibraryModelSchema),
  /** Folders of the library that are no model it can run, and why (half-written, unreadable, another format…). */
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type VerbalLibrary = z.infer<typeof VerbalLibrarySchema>;

const ModelRefSchema = z.object({ id: z.string(), version: z.string() });

/** A switch under way: what it will run. */
const SwitchingSchema = z.object({
  model: ModelRefSchema.nullable(),
  thresholds: ThresholdValues.nullable(),
  startedAt: z.number(),
});

export const VerbalStateSchema = z.object({
  model: ModelRefSchema.extend({ path: z.string(), source: z.enum(SETTING_SOURCES) }),
  thresholds: z.object({ values: ThresholdValues, source: z.enum(SETTING_SOURCES) }),
  switching: SwitchingSchema.nullable(),
});
export type VerbalState = z.infer<typeof VerbalStateSchema>;

export const VerbalHistoryEntrySchema = z.discriminatedUnion('setting', [
  z.object({
    id: z.number(),
    at: z.number(),
    setting: z.literal('model'),
    from: ModelRefSchema.nullable(),
    to: ModelRefSchema,
  }),
  z.object({
    id: z.number(),
    at: z.number(),
    setting: z.literal('thresholds'),
    from: ThresholdValues.nullable(),
    to: ThresholdValues,
  }),
]);
export type VerbalHistoryEntry = z.infer<typeof VerbalHistoryEntrySchema>;

/** GET /api/settings/verbal and PUT's answer. */
export const VerbalSettingsSchema = VerbalStateSchema.extend({ history: z.array(VerbalHistoryEntrySchema) });
export type VerbalSettings = z.infer<typeof VerbalSettingsSchema>;

/** `verbal_settings`, to every connected socket: a switch started, ended or failed (then `switching` is null and nothing changed). */
export const VerbalSettingsEventSchema = VerbalStateSchema;
export type VerbalSettingsEvent = VerbalState;
