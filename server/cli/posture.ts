// `buying-signals train posture` and `eval posture`: the posture classifier's commands.
import fs from 'node:fs';
import { initTf } from '../runtime/backend';
import { defaultTrainWorkers } from '../signals/members';
import { DEFAULT_POSTURE_TRAIN_OPTIONS, trainPostureToDir, type PostureTrainOptions } from '../signals/posture/train';
import { EVAL_PEOPLE, runPostureCompare, runPostureEval, type EvalPeople } from '../signals/posture/evalPosture';
import type { PoseModelName } from '../signals/pose';
import { checkOutFolder, intFlag, outRule, parseArgs, requireFile, UsageError } from './args';
import type { CliIO } from './io';
import { adviseOtherKind } from '../signals/modelFolder';
import { dataInTraining, dataInTrainingWarning } from './dataInTraining';
import { resolveFlagPath } from './train';
import { EXTRA_FILES_MAX, EXTRA_WEIGHT_MAX, extraFlags, type ExtraFlags } from './trainExtra';
import { readPostureExtraFiles } from './trainPostureExtra';

export const POSE_MODELS: readonly PoseModelName[] = ['blazepose-full', 'blazepose-lite', 'movenet-lightning'];
export const DEFAULT_POSTURE_DIR = 'models/posture';

export const TRAIN_POSTURE_USAGE = `usage: buying-signals train posture [--extra FILE]... [--extra-weight N] [--out ${DEFAULT_POSTURE_DIR}] [--seed N] [--workers N] [--force]
  trains on the project's synthetic posed skeletons (seed ${DEFAULT_POSTURE_TRAIN_OPTIONS.seed});
  --extra FILE: coaches' labelled frames, landmark rows in eval posture's format (GET /api/posture-labels), trained on
    beside them (training only; photo rows and "nodding" are refused); repeat it for more files (at most ${EXTRA_FILES_MAX});
    the model's manifest and metrics.json record each file's path, sha256 and rows
  --extra-weight N: each --extra row counts N times (a whole number from 1 to ${EXTRA_WEIGHT_MAX}, default 1)
  --workers: threads the ${DEFAULT_POSTURE_TRAIN_OPTIONS.members} ensemble members train on (default one per core; the weights are the same bytes for any number)
  ${outRule('posture')}`;

export const EVAL_POSTURE_USAGE = `usage: buying-signals eval posture --labels FILE.jsonl [--images DIR] [--pose-model ${POSE_MODELS.join('|')}] [--model ${DEFAULT_POSTURE_DIR}] [--compare DIR] [--people ${EVAL_PEOPLE.join('|')}] [--json]
  rows (multi-label), any other fields ignored: a photo {"file", "labels": [...]}, or one frame's landmarks
    {"landmarks": [33 × {"x", "y", "z"?, "score"?}], "aspect"?: width/height (default 1), "labels": [...]}
    (the server's posture-labels export), judged as they are: no pose model, no person selection;
    a file of landmark rows only needs no --images and loads no pose model
  --images: the folder photo rows' files are in (default the labels file's folder)
  --people participant (default): judge a photo's chosen participant only; all: every sizeable person,
  the union of their labels (neutral only when nobody shows another); a landmark row is its one pose
  --compare DIR: judge the same poses (estimated once per photo) with the posture model in DIR (B)
    beside --model (A): per label both F1s, B − A with a paired 95 % bootstrap interval (says
    whether it excludes 0), and the rows B fixed and broke
  a model trained on this very file (train posture --extra FILE, the same sha256) gets a warning on stderr
    and is listed in --json's dataInTraining: its figures flatter it`;

/**
 * `train posture`. `recipe` overrides the training options beyond the flags (tests train a tiny
 * model through the command with it); the command itself always trains the default recipe.
 */
export async function runTrainPosture(args: string[], io: CliIO, recipe: Partial<PostureTrainOptions> = {}): Promise<number> {
  let opts: { seed: number; workers: number; out: string; extra: ExtraFlags };
  try {
    const a = parseArgs(args, { values: ['out', 'seed', 'workers', 'extra', 'extra-weight'], switches: ['force'], repeated: ['extra'] });
    if (a.positionals.length) throw new UsageError(`train posture takes no arguments, got "${a.positionals.join(' ')}"`);
    opts = {
      seed: intFlag(a.values.seed, 'seed', 0, 2 ** 31 - 1) ?? DEFAULT_POSTURE_TRAIN_OPTIONS.seed,
      workers: intFlag(a.values.workers, 'workers', 1, 64) ?? defaultTrainWorkers(),
      out: resolveFlagPath(a.values.out, DEFAULT_POSTURE_DIR),
      extra: extraFlags(a.repeated.extra ?? [], a.values['extra-weight']),
    };
    checkOutFolder('posture', opts.out, a.switches.has('force'));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // As train verbal prints its own: "buying-signals train: …", then the usage.
    io.err(`buying-signals train: ${e.hasUsage ? e.message : `${e.message}\n${TRAIN_POSTURE_USAGE}`}`);
    return 2;
  }
  // Read (and refused) before training starts: a bad line costs no minutes of training.
  const extra = readPostureExtraFiles(opts.extra);
  for (const w of extra?.warnings ?? []) io.err(`buying-signals train: ${w}`);
  await initTf();
  await trainPostureToDir(opts.out, { ...recipe, seed: opts.seed }, io.out, new Date(), { workers: opts.workers, ...(extra ? { extra } : {}) });
  return 0;
}

export async function runEvalPosture(args: string[], io: CliIO): Promise<number> {
  const a = parseArgs(args, { values: ['labels', 'images', 'pose-model', 'model', 'compare', 'people'], switches: ['json'] });
  if (a.positionals.length) throw new UsageError(`eval posture takes no arguments, got "${a.positionals.join(' ')}"\n${EVAL_POSTURE_USAGE}`);
  if (!a.values.labels) throw new UsageError(`--labels FILE.jsonl is required\n${EVAL_POSTURE_USAGE}`);
  const poseModel = a.values['pose-model'] ?? 'blazepose-full';
  if (!(POSE_MODELS as readonly string[]).includes(poseModel)) throw new UsageError(`--pose-model must be one of ${POSE_MODELS.join(', ')}, got "${poseModel}"`);
  const people = a.values.people ?? 'participant';
  if (!(EVAL_PEOPLE as readonly string[]).includes(people)) throw new UsageError(`--people must be one of ${EVAL_PEOPLE.join(', ')}, got "${people}"`);
  const labelsFile = resolveFlagPath(a.values.labels, '');
  requireFile(labelsFile);
  if (a.values.images && !fs.existsSync(a.values.images)) throw new UsageError(`no such folder: ${a.values.images}`);
  // runPostureEval starts tfjs itself, once the labels file has been read and checked.
  const compare = a.values.compare;
  const advice = { verbal: `evaluate a verbal model with \`eval verbal --data FILE.jsonl ${compare === undefined ? '--model' : '--compare'} DIR\`` };
  const modelGiven = a.values.model ?? DEFAULT_POSTURE_DIR;
  const names = (dirs: readonly string[]) => dirs.map((dir, k) => ({ name: k === 0 ? modelGiven : (compare ?? dir), dir }));
  const opts = {
    labelsFile,
    // Scoring a model on rows it was trained with (train posture --extra) flatters it: said on
    // stderr, so it is seen beside the table and stdout stays one JSON object, and in the JSON.
    trainedOn: (dirs: readonly string[]) => {
      const found = dataInTraining(labelsFile, names(dirs), 'posture');
      for (const d of found) io.err(`buying-signals eval: ${dataInTrainingWarning(d, a.values.labels!, 'posture')}`);
      return found;
    },
    ...(a.values.images ? { imagesDir: resolveFlagPath(a.values.images, '') } : {}),
    ...(a.values.model ? { modelDir: resolveFlagPath(a.values.model, DEFAULT_POSTURE_DIR) } : {}),
    poseModel: poseModel as PoseModelName,
    people: people as EvalPeople,
    json: a.switches.has('json'),
    out: io.out,
  };
  const run = compare === undefined
    ? runPostureEval(opts)
    : runPostureCompare({ ...opts, compareDir: resolveFlagPath(compare, ''), names: { a: modelGiven, b: compare } });
  await run.catch((e: unknown) => {
    throw adviseOtherKind(e, advice);
  });
  return 0;
}
