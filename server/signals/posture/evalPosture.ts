// `eval posture`: runs the server pose estimator on labelled photos, classifies the chosen
// person of each with classifyPhoto (no baseline), and reports per-label precision, recall,
// F1 and support, plus the share of photos where no person was found.
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../../paths';
import { initTf } from '../../runtime/backend';
import { createPoseEstimator } from '../pose/create';
import { ImageError } from '../pose/errors';
import type { RgbImage } from '../pose/types';
import type { PoseModelName } from '../pose/types';
import { exampleStats, formatStatsTable, labelF1Intervals, type LabeledExample, type LabelStatsRow } from './evalStats';
import type { Interval } from '../../eval/bootstrap';
import { loadPostureClassifier } from './model';
import { photoPeople, readPhotoFile } from './photoFile';
import { POSTURE_LABELS, type PostureLabel } from './types';
import { judgePeople } from './verdict';

/** A labels file row is malformed; names the file, the line and what is wrong. */
export class PostureEvalError extends Error {
  constructor(readonly source: string, readonly line: number, problem: string) {
    super(`${source}:${line}: ${problem}`);
    this.name = 'PostureEvalError';
  }
}

export interface PhotoRow {
  file: string;
  labels: PostureLabel[];
  line: number;
}

/** Parses `{"file", "labels": [...]}` JSON Lines (extra fields allowed); blank lines are skipped. */
export function parsePhotoLabels(text: string, source: string): PhotoRow[] {
  const rows: PhotoRow[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      throw new PostureEvalError(source, line, `not valid JSON (${(e as Error).message})`);
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new PostureEvalError(source, line, 'expected a JSON object');
    const r = obj as Record<string, unknown>;
    if (typeof r.file !== 'string' || !r.file.trim()) throw new PostureEvalError(source, line, 'field "file" must be a non-empty string');
    if (!Array.isArray(r.labels) || r.labels.length === 0) throw new PostureEvalError(source, line, 'field "labels" must be a non-empty array');
    for (const l of r.labels) {
      if (!(POSTURE_LABELS as readonly unknown[]).includes(l)) throw new PostureEvalError(source, line, `field "labels": unknown label ${JSON.stringify(l)}; allowed: ${POSTURE_LABELS.join(', ')}`);
    }
    rows.push({ file: r.file, labels: r.labels as PostureLabel[], line });
  });
  return rows;
}

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
  /** Warnings (an image that could not be read), kept off stdout so `--json` stays one object. */
  warn?: (line: string) => void;
}

export const EVAL_PEOPLE = ['participant', 'all'] as const;
export type EvalPeople = (typeof EVAL_PEOPLE)[number];

export interface PostureEvalReport {
  modelVersion: string;
  poseModel: PoseModelName;
  people: EvalPeople;
  images: number;
  /** Share of images where no usable person was found (all their labels count as missed). */
  noPersonShare: number;
  /** Images that could not be read (counted among those with no person found), with why. */
  unreadable: { file: string; line: number; error: string }[];
  perLabel: Record<string, LabelStatsRow>;
  /** 95 % bootstrap interval of each label's F1 over the images. */
  perLabelF1Interval: Record<string, Interval>;
}

export async function runPostureEval(opts: PostureEvalOptions): Promise<PostureEvalReport> {
  const out = opts.out ?? ((l: string) => console.log(l));
  const rows = parsePhotoLabels(fs.readFileSync(opts.labelsFile, 'utf8'), opts.labelsFile);
  // A table of zeros for 0 photos reads like a result; it is a wrong file (as eval verbal says).
  if (rows.length === 0) {
    throw new Error(`${opts.labelsFile} holds no rows to evaluate (it is empty or only blank lines); expected one JSON object per line`);
  }
  const imagesDir = opts.imagesDir ?? path.dirname(opts.labelsFile);
  // Every image is checked before any is estimated: a wrong --images folder, or a few missing
  // files, are named together at once rather than one by one after minutes of work.
  const missing = rows.filter((row) => !fs.existsSync(imagePath(imagesDir, row.file)));
  if (missing.length) {
    const first = missing[0]!;
    const named = missing.slice(0, 5).map((r) => `line ${r.line}: ${imagePath(imagesDir, r.file)}`).join('; ');
    throw new PostureEvalError(
      opts.labelsFile,
      first.line,
      `${missing.length} of ${rows.length} images do not exist (${named}${missing.length > 5 ? '; …' : ''}); is --images the folder that holds them?`,
    );
  }
  await initTf();
  const poseModel = opts.poseModel ?? 'blazepose-full';
  const people = opts.people ?? 'participant';
  const classifier = loadPostureClassifier({ modelDir: opts.modelDir ?? projectPath('models', 'posture') });
  const estimator = await createPoseEstimator({ model: poseModel, ...(opts.poseModelDir ? { modelDir: opts.poseModelDir } : {}) });
  try {
    // Score the labels the file uses, and always the four main ones plus neutral.
    const labels = POSTURE_LABELS.filter((l) => ['arms_crossed', 'leaning_forward', 'leaning_back', 'open_palms', 'neutral'].includes(l) || rows.some((r) => r.labels.includes(l)));
    let none = 0;
    const unreadable: PostureEvalReport['unreadable'] = [];
    const examples: LabeledExample[] = [];
    for (const row of rows) {
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
      let predicted: PostureLabel[] | undefined;
      if (image) {
        const judged = judgePeople(classifier, await photoPeople(estimator, image, people), image.width / image.height);
        if (judged.length) predicted = unionOfLabels(judged.map((p) => p.labels));
      }
      if (!predicted) none++;
      examples.push({ gold: new Set<string>(row.labels), pred: new Set<string>(predicted ?? []) });
    }
    const report: PostureEvalReport = {
      modelVersion: classifier.version, poseModel, people, images: rows.length, noPersonShare: rows.length ? none / rows.length : 0,
      unreadable, perLabel: exampleStats(examples, labels), perLabelF1Interval: labelF1Intervals(examples, labels),
    };
    out(opts.json ? JSON.stringify(report) : formatPostureReport(report));
    return report;
  } finally {
    estimator.dispose();
    classifier.dispose();
  }
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

export function formatPostureReport(r: PostureEvalReport): string {
  return [
    `posture model ${r.modelVersion} on ${r.images} images (pose model ${r.poseModel}, people: ${r.people}); no person found in ${(r.noPersonShare * 100).toFixed(1)}%` +
      (r.unreadable.length ? ` (${r.unreadable.length} of them could not be read: ${r.unreadable.map((u) => u.file).join(', ')})` : ''),
    formatStatsTable(r.perLabel, r.perLabelF1Interval),
  ].join('\n');
}
