// What `train verbal --extra FILE` and `train posture --extra FILE` added to a model's training
// data: each file as its path was shown, its sha256 and its rows (each counted `weight` times).
// In the manifest, which every loader reads, so `eval` can tell when it is asked to score a
// model on rows it was trained on.
import { z } from 'zod';

export const ExtraSchema = z.object({
  weight: z.number().int().positive(),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), rows: z.number().int().nonnegative() })),
  /**
   * A server training job's hold-out (percent of the labelled turns kept out for comparing;
   * absent: none, or not a job). The turns trained on are listed in the folder's trained-rows.json.
   */
  holdOutPercent: z.number().int().min(1).max(100).optional(),
});
export type ExtraRecord = z.infer<typeof ExtraSchema>;

/** A model whose training took in the file an `eval` is given (the same sha256): its figures flatter it. */
export interface DataInTraining {
  /** The model as the command names it (`--model`'s or `--compare`'s value, or the default). */
  model: string;
  modelVersion: string;
  /** The extra file as the model's manifest records it (its path when it was trained). */
  extra: string;
}
