// `buying-signals analyze PHOTO...`: each photo judged on its own, as `eval posture` measures it
// (no baseline, no time): who is in it and their posture labels, human-readable or `--json`.
import path from 'node:path';
import { initTf } from '../runtime/backend';
import { createPoseEstimator, type PoseModelName } from '../signals/pose';
import { ImageError } from '../signals/pose/errors';
import { EVAL_PEOPLE, type EvalPeople } from '../signals/posture/evalPosture';
import { loadPostureClassifier } from '../signals/posture/model';
import { withModelAdvice } from '../signals/modelFolder';
import { photoPeople, readPhotoFile } from '../signals/posture/photoFile';
import { formatVerdicts, judgePeople, type PersonVerdict } from '../signals/posture/verdict';
import { projectPath } from '../paths';
import { requireFile, UsageError } from './args';
import type { CliIO } from './io';
import { POSE_MODELS } from './posture';

/** File names `analyze` reads as photos rather than transcripts. */
export const PHOTO_FILE = /\.(jpe?g|png|webp|tiff?|gif|avif|heic|heif)$/i;

export interface PhotoAnswer {
  file: string;
  width?: number;
  height?: number;
  persons: PersonVerdict[];
  /** Why the file could not be read, when it could not. */
  error?: string;
}

export interface AnalyzePhotosOptions {
  people: EvalPeople;
  poseModel: PoseModelName;
  modelDir?: string;
  json: boolean;
}

/** Judges each photo in turn; a file that cannot be read is reported and the others go on (exit 1). */
export async function runAnalyzePhotos(files: readonly string[], o: AnalyzePhotosOptions, io: CliIO): Promise<number> {
  if (!(EVAL_PEOPLE as readonly string[]).includes(o.people)) throw new UsageError(`--people must be one of ${EVAL_PEOPLE.join(', ')}, got "${o.people}"`);
  if (!POSE_MODELS.includes(o.poseModel)) throw new UsageError(`--pose-model must be one of ${POSE_MODELS.join(', ')}, got "${o.poseModel}"`);
  for (const f of files) requireFile(f);
  await initTf();
  const classifier = withModelAdvice(() => loadPostureClassifier({ modelDir: o.modelDir ?? projectPath('models', 'posture') }), {
    verbal: 'a verbal model annotates transcripts: `analyze FILE --model DIR`',
  });
  const estimator = await createPoseEstimator({ model: o.poseModel });
  const answers: PhotoAnswer[] = [];
  try {
    for (const file of files) {
      try {
        const image = await readPhotoFile(file);
        const persons = judgePeople(classifier, await photoPeople(estimator, image, o.people), image.width / image.height);
        answers.push({ file, width: image.width, height: image.height, persons });
      } catch (err) {
        if (!(err instanceof ImageError)) throw err;
        answers.push({ file, persons: [], error: err.message });
      }
    }
  } finally {
    estimator.dispose();
    classifier.dispose();
  }
  if (o.json) {
    io.out(JSON.stringify({ modelVersion: classifier.version, poseModel: o.poseModel, people: o.people, photos: answers }));
  } else {
    for (const a of answers) {
      if (a.error) {
        io.err(`${a.file}: could not be read (${a.error})`);
        continue;
      }
      io.out(`${path.basename(a.file)} (${a.width}×${a.height}):`);
      for (const line of formatVerdicts(a.persons)) io.out(`  ${line}`);
    }
    io.out(`posture model ${classifier.version}, pose model ${o.poseModel}, people: ${o.people}`);
  }
  return answers.some((a) => a.error) ? 1 : 0;
}
