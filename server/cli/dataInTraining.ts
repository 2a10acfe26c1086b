// Whether `eval verbal` is scoring a model on rows it was trained on: a model trained with
// `train verbal --extra FILE` records each file's sha256 in its manifest, and that same file
// given as --data measures what the model remembers, not how it does on meetings it has not seen.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { readVerbalManifest } from '../signals/verbal/artifact';

export interface DataInTraining {
  /** The model as the command names it (`--model`'s or `--compare`'s value, or the default). */
  model: string;
  modelVersion: string;
  /** The extra file as the model's manifest records it (its path when it was trained). */
  extra: string;
}

/**
 * The models (loaded already, so their folders are known to be sound) whose manifest records
 * an extra file with the data file's sha256. Only the same bytes are recognised: a later
 * download that holds the trained rows and more is another file.
 */
export function dataInTraining(dataFile: string, models: readonly { name: string; dir: string }[]): DataInTraining[] {
  const sha256 = createHash('sha256').update(fs.readFileSync(dataFile)).digest('hex');
  return models.flatMap(({ name, dir }) => {
    const manifest = readVerbalManifest(dir);
    const file = manifest.extra?.files.find((f) => f.sha256 === sha256);
    return file ? [{ model: name, modelVersion: manifest.version, extra: file.path }] : [];
  });
}

/** The stderr warning for one such model. */
export function dataInTrainingWarning(d: DataInTraining, data: string): string {
  return `warning: ${data} is a file model ${d.model} (${d.modelVersion}) was trained on (train verbal --extra ${d.extra}, the same sha256): these rows were trained on: the figures flatter the model; measure it on rows kept out of its training`;
}
