// `eval posture`: judges each labelled row with classifyPhoto (no baseline): a photo's chosen
// person after the server pose estimator has found them, a landmark row's one pose as it is;
// reports per-label precision, recall, F1 and support, plus the share of rows where no person
// was found.
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../../paths';
import { initTf } from '../../runtime/backend';
import { createPoseEstimator } from '../pose/create';
import { ImageError } from '../pose/errors';
import type { RgbImage } from '../pose/types';
import type { PoseModelName } from '../pose/types';
import { exampleStats, formatStatsTable, labelF1Intervals, pairedLabelCounts, pairedLabelF1, type LabeledExample, type LabelStatsRow } from './evalStats';
import type { PairedCounts, PairedDifference } from '../../eval/paired';
import type { Interval } from '../../eval/bootstrap';
import { loadPostureClassifier, type PostureClassifier } from './model';
import { parseLabelRows, PostureEvalError, type LandmarkRow, type PhotoRow, type PostureLabelRow } from './labelRows';
import { classifyPhoto } from './photo';
import type { DataInTraining } from '../extraRecord';
import { photoPeople, readPhotoFile, type PhotoPoseEstimator } from './photoFile';
import { POSTURE_LABELS, type PostureLabel } from './types';
import { judgePeople } from './verdict';

export { PostureEvalError, parseLabelRows, type LandmarkRow, type PhotoRow, type PostureLabelRow } from './labelRows';

export interface PostureEvalOptions {
  labelsFile: string;
  /** Folder the rows' `file` paths are relative to (default: the labels file's folder). */
  imagesDir?: string;
  json?: boolean;
  modelDir?: string;
  poseModel?: PoseModelName;
  poseModelDir?: string;
  /**
   * Whom a photo's labels are judged on. `participant` (default): the one person the estimator
   * chooses (largest, most central). `all`: every sizeable person (estimateEveryone); the photo
   * gets the union of their labels other than neutral, and neutral only when nobody shows one.
   */
  people?: EvalPeople;
  out?: (line: string) => void;
  /** The pose estimator to use instead of making one from poseModel (tests); not disposed here. */
  estimator?: PhotoPoseEstimator;
  /** Warnings (an image that could not be read), kept off stdout so `--json` stays one object. */
  warn?: (line: string) => void;
  /**
   * Called once every model has loaded, with their folders in order (A, then B): which of them
   * were trained on this labels file (the CLI reads their manifests and warns). Its answer is
   * the report's `dataInTraining`; without it, `[]`.
   */
  trainedOn?: (modelDirs: readonly string[]) => DataInTraining[];
}

export const EVAL_PEOPLE = ['participant', 'all'] as const;
export type EvalPeople = (typeof EVAL_PEOPLE)[number];

export interface PostureEvalReport {
  modelVersion: string;
  poseModel: PoseModelName;
  people: EvalPeople;
  /** Rows of the labels file (photos and landmark rows together). */
  images: number;
  /** Rows that are photos (`file`), judged after the pose estimator. */
  photos: number;
  /** Rows that hold one frame's landmarks, judged as they are (no pose estimator). */
  landmarkRows: number;
  /** Share of rows where no usable person was found (all their labels count as missed). */
  noPersonShare: number;
  /** Images that could not be read (counted among those with no person found), with why. */
  unreadable: { file: string; line: number; error: string }[];
  perLabel: Record<string, LabelStatsRow>;
  /** 95 % bootstrap interval of each label's F1 over the images. */
  perLabelF1Interval: Record<string, Interval>;
  /** The model, when it was trained on this very labels file; `[]`: not. */
  dataInTraining: DataInTraining[];
}

/** The labelled photos, their poses (estimated once) and each classifier's labels for them. */
interface JudgedPhotos {
  rows: PostureLabelRow[];
  photos: number;
  dataInTraining: DataInTraining[];
  poseModel: PoseModelName;
  people: EvalPeople;
  unreadable: PostureEvalReport['unreadable'];
  /** One per classifier, in the order of the model folders given. */
  judged: { modelVersion: string; examples: LabeledExample[]; noPersonShare: number }[];
  /** The labels scored: those the file uses, and always the four main ones plus neutral. */
  labels: PostureLabel[];
}

/**
 * Reads and checks the labels file, loads the classifier in each of `modelDirs` (all of them
 * before any photo is estimated, so a wrong folder fails at once), estimates each photo's people
 * once, and has every classifier judge those same poses; a landmark row's pose is judged as it
 * is. The pose estimator is made only when the file has a photo row (it is slow to start).
 */
async function judgeLabelledPhotos(opts: PostureEvalOptions, modelDirs: readonly string[]): Promise<JudgedPhotos> {
  const rows = parseLabelRows(fs.readFileSync(opts.labelsFile, 'utf8'), opts.labelsFile);
  // A table of zeros for 0 photos reads like a result; it is a wrong file (as eval verbal says).
  if (rows.length === 0) {
    throw new Error(`${opts.labelsFile} holds no rows to evaluate (it is empty or only blank lines); expected one JSON object per line`);
  }
  const photoRows = rows.filter((r): r is PhotoRow => r.kind === 'photo');
  const imagesDir = opts.imagesDir ?? path.dirname(opts.labelsFile);
  checkImages(opts.labelsFile, photoRows, imagesDir);
  await initTf();
  const poseModel = opts.poseModel ?? 'blazepose-full';
  const people = opts.people ?? 'participant';
  const classifiers: PostureClassifier[] = [];
  let estimator: (PhotoPoseEstimator & { dispose?: () => void }) | undefined;
  try {
    for (const modelDir of modelDirs) classifiers.push(loadPostureClassifier({ modelDir }));
    const dataInTraining = opts.trainedOn?.(modelDirs) ?? [];
    if (photoRows.length) {
      estimator = opts.estimator ?? (await createPoseEstimator({ model: poseModel, ...(opts.poseModelDir ? { modelDir: opts.poseModelDir } : {}) }));
    }
    const labels = scoredPostureLabels(rows);
    const unreadable: PostureEvalReport['unreadable'] = [];
    const judged = classifiers.map((c) => ({ modelVersion: c.version, examples: [] as LabeledExample[], none: 0 }));
    for (const row of rows) {
      // Each classifier's labels for the row; undefined: no person found (or none usable).
      let judge: (classifier: PostureClassifier) => PostureLabel[] | undefined;
      if (row.kind === 'landmarks') {
        judge = (classifier) => judgeLandmarkRow(classifier, row);
      } else {
        const file = imagePath(imagesDir, row.file);
        let image: RgbImage | undefined;
        try {
          image = await readPhotoFile(file);
        } catch (err) {
          if (!(err instanceof ImageError)) throw err;
          // One bad file does not sink a whole evaluation: it is named, and scored as no person found.
          unreadable.push({ file: row.file, line: row.line, error: err.message });
          (opts.warn ?? ((l: string) => console.error(l)))(`${opts.labelsFile}:${row.line}: ${row.file} could not be read (${err.message}); counted as no person found`);
        }
        // The pose estimate (the costly part) once per photo; every classifier judges the same poses.
        const poses = image ? await photoPeople(estimator!, image, people) : [];
        judge = (classifier) => {
          if (!image) return undefined;
          const verdicts = judgePeople(classifier, poses, image.width / image.height);
          return verdicts.length ? unionOfLabels(verdicts.map((p) => p.labels)) : undefined;
        };
      }
      classifiers.forEach((classifier, k) => {
        const predicted = judge(classifier);
        const j = judged[k]!;
        if (!predicted) j.none++;
        j.examples.push({ gold: new Set<string>(row.labels), pred: new Set<string>(predicted ?? []) });
      });
    }
    return {
      rows, photos: photoRows.length, dataInTraining, poseModel, people, unreadable, labels,
      judged: judged.map((j) => ({ modelVersion: j.modelVersion, examples: j.examples, noPersonShare: j.none / rows.length })),
    };
  } finally {
    if (estimator !== opts.estimator) estimator?.dispose?.();
    for (const c of classifiers) c.dispose();
  }
}

/** The labels a report scores: those the rows use, and always the four main ones plus neutral. */
export function scoredPostureLabels(rows: readonly Pick<PostureLabelRow, 'labels'>[]): PostureLabel[] {
  return POSTURE_LABELS.filter((l) => ['arms_crossed', 'leaning_forward', 'leaning_back', 'open_palms', 'neutral'].includes(l) || rows.some((r) => r.labels.includes(l)));
}

/**
 * A landmark row's labels: the photo rule on the row's one pose (no person selection, no
 * baseline); undefined when the pose is not usable (counted as no person found).
 */
export function judgeLandmarkRow(classifier: PostureClassifier, row: LandmarkRow): PostureLabel[] | undefined {
  return classifyPhoto(classifier, [row.pose], row.aspect !== undefined ? { aspect: row.aspect } : {})?.labels;
}

/**
 * Every photo row's image is checked before any is estimated: a wrong --images folder, or a few
 * missing files, are named together at once rather than one by one after minutes of work.
 */
function checkImages(labelsFile: string, rows: readonly PhotoRow[], imagesDir: string): void {
  const missing = rows.filter((row) => !fs.existsSync(imagePath(imagesDir, row.file)));
  if (missing.length) {
    const first = missing[0]!;
    const named = missing.slice(0, 5).map((r) => `line ${r.line}: ${imagePath(imagesDir, r.file)}`).join('; ');
    throw new PostureEvalError(
      labelsFile,
      first.line,
      `${missing.length} of ${rows.length} images do not exist (${named}${missing.length > 5 ? '; …' : ''}); is --images the folder that holds them?`,
    );
  }
  // A "file" naming a folder (".", "photos/") exists, and reading it failed mid-run with a bare
  // "EISDIR: illegal operation on a directory, read", naming neither the line nor the path.
  const folders = rows.filter((row) => fs.statSync(imagePath(imagesDir, row.file)).isDirectory());
  if (folders.length) {
    const named = folders.slice(0, 5).map((r) => `line ${r.line}: ${imagePath(imagesDir, r.file)}`).join('; ');
    throw new PostureEvalError(
      labelsFile,
      folders[0]!.line,
      `${folders.length} of ${rows.length} "file" entries name a folder, not an image (${named}${folders.length > 5 ? '; …' : ''})`,
    );
  }
}

const defaultModelDir = (opts: PostureEvalOptions): string => opts.modelDir ?? projectPath('models', 'posture');

export async function runPostureEval(opts: PostureEvalOptions): Promise<PostureEvalReport> {
  const out = opts.out ?? ((l: string) => console.log(l));
  const { rows, photos, dataInTraining, poseModel, people, unreadable, labels, judged } = await judgeLabelledPhotos(opts, [defaultModelDir(opts)]);
  const { modelVersion, examples, noPersonShare } = judged[0]!;
  const report: PostureEvalReport = {
    modelVersion, poseModel, people, images: rows.length, photos, landmarkRows: rows.length - photos, noPersonShare,
    unreadable, perLabel: exampleStats(examples, labels), perLabelF1Interval: labelF1Intervals(examples, labels), dataInTraining,
  };
  out(opts.json ? JSON.stringify(report) : formatPostureReport(report));
  return report;
}

/** Version of the `eval posture --compare --json` object's shape (docs/eval-json.md). */
export const POSTURE_COMPARE_SCHEMA = 1;

export interface PostureCompareReport {
  schema: typeof POSTURE_COMPARE_SCHEMA;
  compare: 'posture';
  /** Each model's version, folder (as the caller names it) and share of images where it judged nobody. */
  a: { modelVersion: string; model?: string; noPersonShare: number };
  b: { modelVersion: string; model?: string; noPersonShare: number };
  poseModel: PoseModelName;
  people: EvalPeople;
  images: number;
  photos: number;
  landmarkRows: number;
  unreadable: PostureEvalReport['unreadable'];
  perLabel: Record<string, {
    support: number;
    a: LabelStatsRow;
    b: LabelStatsRow;
    /** F1 of A and B, B − A and its paired 95 % bootstrap interval over the images. */
    f1: PairedDifference;
    /** Images B gets right for this label (present or absent as in the gold) that A got wrong, and the reverse. */
    images: PairedCounts;
  }>;
  /** Either model, when it was trained on this very labels file; `[]`: neither. */
  dataInTraining: DataInTraining[];
}

/**
 * The posture model in `opts.modelDir` (A) and the one in `compareDir` (B) on the same labelled
 * photos: each photo's poses are estimated once and judged by both.
 */
export async function runPostureCompare(
  opts: PostureEvalOptions & { compareDir: string; names?: { a?: string; b?: string } },
): Promise<PostureCompareReport> {
  const out = opts.out ?? ((l: string) => console.log(l));
  const { rows, photos, dataInTraining, poseModel, people, unreadable, labels, judged } = await judgeLabelledPhotos(opts, [defaultModelDir(opts), opts.compareDir]);
  const [a, b] = [judged[0]!, judged[1]!];
  const statsA = exampleStats(a.examples, labels);
  const statsB = exampleStats(b.examples, labels);
  const f1 = pairedLabelF1(a.examples, b.examples, labels);
  const counts = pairedLabelCounts(a.examples, b.examples, labels);
  const named = (j: (typeof judged)[number], name: string | undefined) => ({ modelVersion: j.modelVersion, ...(name !== undefined ? { model: name } : {}), noPersonShare: j.noPersonShare });
  const report: PostureCompareReport = {
    schema: POSTURE_COMPARE_SCHEMA, compare: 'posture', a: named(a, opts.names?.a), b: named(b, opts.names?.b),
    poseModel, people, images: rows.length, photos, landmarkRows: rows.length - photos, unreadable,
    perLabel: Object.fromEntries(labels.map((l) => [l, { support: statsA[l]!.support, a: statsA[l]!, b: statsB[l]!, f1: f1[l]!, images: counts[l]! }])),
    dataInTraining,
  };
  out(opts.json ? JSON.stringify(report) : formatPostureCompare(report));
  return report;
}

/**
 * `file` under `imagesDir`; when that is missing, its base name there (rows may say
 * `images/x.jpg` relative to the labels file while --images names the images folder itself).
 */
export function imagePath(imagesDir: string, file: string): string {
  const direct = path.resolve(imagesDir, file);
  if (fs.existsSync(direct)) return direct;
  const flat = path.resolve(imagesDir, path.basename(file));
  return fs.existsSync(flat) ? flat : direct;
}

/**
 * Several people's labels as one photo's: every label other than neutral that anyone shows, and
 * neutral only when everyone is neutral (nobody shows a main posture label).
 */
export function unionOfLabels(perPerson: readonly (readonly PostureLabel[])[]): PostureLabel[] {
  const shown = new Set<PostureLabel>(perPerson.flat().filter((l) => l !== 'neutral'));
  if (perPerson.length > 0 && perPerson.every((ls) => ls.includes('neutral'))) shown.add('neutral');
  return POSTURE_LABELS.filter((l) => shown.has(l));
}

/**
 * What the rows were: `10 images (pose model …, people: …)`, `10 landmark rows (their own
 * landmarks, no pose model)` or both, `12 rows: 10 images (…) and 2 landmark rows`.
 */
function rowsPhrase(r: { images: number; photos: number; landmarkRows: number; poseModel: PoseModelName; people: EvalPeople }, estimated = ''): string {
  const photos = `${r.photos} images${estimated} (pose model ${r.poseModel}, people: ${r.people})`;
  const landmarks = `${r.landmarkRows} landmark rows`;
  if (r.landmarkRows === 0) return photos;
  if (r.photos === 0) return `${landmarks} (their own landmarks, no pose model)`;
  return `${r.images} rows: ${photos} and ${landmarks}`;
}

export function formatPostureReport(r: PostureEvalReport): string {
  return [
    `posture model ${r.modelVersion} on ${rowsPhrase(r)}; no person found in ${(r.noPersonShare * 100).toFixed(1)}%` +
      (r.unreadable.length ? ` (${r.unreadable.length} of them could not be read: ${r.unreadable.map((u) => u.file).join(', ')})` : ''),
    formatStatsTable(r.perLabel, r.perLabelF1Interval),
  ].join('\n');
}

const f3 = (x: number) => x.toFixed(3);
const signed3 = (x: number) => (x === 0 ? ' 0.000' : `${x > 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`);

export function formatPostureCompare(r: PostureCompareReport): string {
  const name = (m: PostureCompareReport['a']) => `${m.modelVersion}${m.model !== undefined ? ` (${m.model})` : ''}`;
  const share = (x: number) => `${(x * 100).toFixed(1)}%`;
  const level = Object.values(r.perLabel)[0]?.f1.interval;
  const lines = [
    `posture model A ${name(r.a)}`,
    `posture model B ${name(r.b)}`,
    (r.landmarkRows === 0
      ? `on the same ${r.images} images, each person's pose estimated once and judged by both (pose model ${r.poseModel}, people: ${r.people}); `
      : `on the same ${rowsPhrase(r, r.photos ? ', each person\'s pose estimated once' : '')}, judged by both; `) +
      `no person found in ${share(r.a.noPersonShare)} (A), ${share(r.b.noPersonShare)} (B)` +
      (r.unreadable.length ? ` (${r.unreadable.length} could not be read: ${r.unreadable.map((u) => u.file).join(', ')})` : ''),
    ...(level ? [`F1 B − A per label; its ${Math.round(level.level * 100)} % interval is paired: ${level.resamples} seeded resamples of the ${r.landmarkRows ? 'rows' : 'images'}, each scored for both models`] : []),
    `${'label'.padEnd(16)} support  A F1   B F1   B − A   95 % CI of B − A                  fixed broken`,
  ];
  for (const [l, x] of Object.entries(r.perLabel)) {
    const { low, high } = x.f1.interval;
    const verdict = x.f1.excludesZero ? `excludes 0: B ${low > 0 ? 'better' : 'worse'}` : 'includes 0';
    // No row has the label: there is no F1 to compare (as in the one-model table); fixed and
    // broken still count false alarms taken away or added.
    const f1s = x.support
      ? `${f3(x.f1.a)}  ${f3(x.f1.b)}  ${signed3(x.f1.difference)}  ${`${signed3(low)} to ${signed3(high)} (${verdict})`.padEnd(33)}`
      : `${'–'.padEnd(5)}  ${'–'.padEnd(5)}  ${'–'.padEnd(6)}  ${'– (no row has it)'.padEnd(33)}`;
    lines.push(`${l.padEnd(16)} ${String(x.support).padStart(7)}  ${f1s} ${String(x.images.fixed).padStart(5)} ${String(x.images.broken).padStart(6)}`);
  }
  lines.push(`fixed: ${r.landmarkRows ? 'rows' : 'images'} B labels right for that label (present or absent as in the gold) that A got wrong; broken: the reverse`);
  return lines.join('\n');
}
