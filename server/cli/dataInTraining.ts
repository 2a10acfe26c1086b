// Whether `eval verbal` or `eval posture` is scoring a model on rows it was trained on: a model
// trained with `train verbal --extra FILE` (or `train posture --extra FILE`) records each file's
// sha256 in its manifest, and that same file given as --data (--labels) measures what the model
// remembers, not how it does on meetings it has not seen.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { loadArtifact as loadPostureArtifact } from '../signals/posture/artifact';
import type { DataInTraining, ExtraRecord } from '../signals/extraRecord';

export type { DataInTraining };
import { readVerbalManifest } from '../signals/verbal/artifact';

export type TrainedKind = 'verbal' | 'posture';

const manifestOf: Record<TrainedKind, (dir: string) => { version: string; extra?: ExtraRecord | undefined }> = {
  verbal: readVerbalManifest,
  posture: (dir) => loadPostureArtifact(dir).manifest,
};

/**
 * The models (loaded already, so their folders are known to be sound) whose manifest records
 * an extra file with the data file's sha256. Only the same bytes are recognised: a later
 * download that holds the trained rows and more is another file.
 */
export function dataInTraining(dataFile: string, models: readonly { name: string; dir: string }[], kind: TrainedKind = 'verbal'): DataInTraining[] {
  const sha256 = createHash('sha256').update(fs.readFileSync(dataFile)).digest('hex');
  return models.flatMap(({ name, dir }) => {
    const manifest = manifestOf[kind](dir);
    const file = manifest.extra?.files.find((f) => f.sha256 === sha256);
    return file ? [{ model: name, modelVersion: manifest.version, extra: file.path }] : [];
  });
}

/** The stderr warning for one such model. */
export function dataInTrainingWarning(d: DataInTraining, data: string, kind: TrainedKind = 'verbal'): string {
  return `warning: ${data} is a file model ${d.model} (${d.modelVersion}) was trained on (train ${kind} --extra ${d.extra}, the same sha256): these rows were trained on: the figures flatter the model; measure it on rows kept out of its training`;
}
