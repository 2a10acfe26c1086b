// GET /api/quality: the models the server runs, measured on the labels its coaches stored, with
// the code `eval verbal`, `eval verbal --sweep`, `eval cues` and `eval posture` run on the same
// rows downloaded (the exports are built and read back as those commands read them), so the
// page and the CLI agree. No second metrics implementation: every figure comes from ./metrics,
// ./thresholdSweep, ./cueReviewEval and the posture eval's stats (qualityFigures.ts). Here, on
// the event loop, the rows are read and the models run, a chunk at a time (the model's scores
// do not depend on the batch: the same bytes as eval's one batch); the resamples, which take
// seconds on thousands of rows, run in a worker thread (qualityWorker.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { VerbalLabel } from '../../protocol/protocol';
import type { Quality, QualityLabelFigures, QualityTrainedOn, QualityVerbal, TrainedOnReason } from '../../protocol/quality';
import { runWorkerOnce, startModuleWorker } from '../runtime/worker';
import { correctionsJsonl } from '../ingest/correctionsExport';
import { cueReviewsJsonl } from '../ingest/cueReviewsExport';
import { postureLabelsRow, type PostureLabelsExportRow } from '../ingest/postureLabelsExport';
import { projectPath } from '../paths';
import type { CorrectionForExport, CueReviewForExport, PostureLabelsForExport } from '../store/sqliteStore';
import type { LabeledExample } from '../signals/posture/evalStats';
import { judgeLandmarkRow, scoredPostureLabels } from '../signals/posture/evalPosture';
import { parseLabelRows, type PostureLabelRow } from '../signals/posture/labelRows';
import type { PostureClassifier } from '../signals/posture/model';
import { parseLabeledJsonl, rowField, type LabeledRow } from '../signals/verbal/corpus';
import { readVerbalManifest } from '../signals/verbal/artifact';
import type { SignalThresholds } from '../signals/verbal/decision';
import type { VerbalClassifier, VerbalPrediction } from '../signals/verbal/types';
import { ExtraSchema, type ExtraRecord } from '../signals/extraRecord';
import { MANIFEST_FILE as POSTURE_MANIFEST_FILE } from '../signals/posture/artifact';
import { parseCueReviewsJsonl } from './cueReviewRows';
import { figuresOf, type Figures, type FiguresJob, type VerbalFiguresJob } from './qualityFigures';
import type { QualityFromWorker, QualityWorkerJob } from './qualityWorker';
import { comparisonSubsets, type CompareFiguresJob } from './compareFigures';
import type { CompareSubset, PostureCompareLabel } from '../../protocol/compare';
import { postureCompareFigures, type PostureCompareFiguresJob } from './postureCompareFigures';
import { EXTRA_FILE_READ_MAX_BYTES, readBoundedResult, readTrainedRowsResult } from './trainedSet';
import { predictRows, subsetsOf } from './verbalEval';
import { isTrainedKey, rowKey } from '../training/holdOut';
import { trainedFrameKey } from '../training/postureRows';
import { readTrainedFramesResult } from './trainedFrames';

/** What the measure reads: the store's rows as the exports take them, and the running models. */
export interface QualityInput {
  session: string | null;
  corrections: readonly CorrectionForExport[];
  /** Corrections measured at most: the newest (by when they were labelled) beyond it. */
  rowsCap: number;
  cueReviews: readonly CueReviewForExport[];
  /** Read whole before the measurement begins (GET /api/quality reads them with the rest, at one moment). */
  postureLabels: Iterable<PostureLabelsForExport>;
  verbal: VerbalClassifier;
  thresholds: SignalThresholds;
  posture?: PostureClassifier | undefined;
  /** The running models' folders (their manifest and metrics.json). */
  verbalDir?: string | undefined;
  postureDir?: string | undefined;
  /**
   * Aborted: the measurement stops at its next turn of the event loop (its worker thread is
   * terminated) and rejects with the signal's reason: the server is stopping, and the store and
   * the models it reads are about to close.
   */
  signal?: AbortSignal | undefined;
}

/** Rows classified per turn of the event loop: a big store is measured without holding the server for long at once. */
export const PREDICT_CHUNK = 250;

/** A turn of the event loop; an aborted measurement stops there (see QualityInput.signal). */
export const breathe = async (signal?: AbortSignal): Promise<void> => {
  await new Promise((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
};

/** The newest `cap` corrections (by when they were labelled), in the export's order. */
export function newestCorrections<T extends { correction: { correctedAt: number } }>(rows: readonly T[], cap: number): T[] {
  if (rows.length <= cap) return [...rows];
  const keep = new Set(
    rows.map((r, i) => [r.correction.correctedAt, i] as const)
      .sort((a, b) => b[0] - a[0] || b[1] - a[1])
      .slice(0, cap)
      .map(([, i]) => i),
  );
  return rows.filter((_, i) => keep.has(i));
}

/** The rows through the running model as `eval verbal` runs it, a chunk per turn of the event loop. */
export async function predictInChunks(model: VerbalClassifier, rows: readonly LabeledRow[], signal: AbortSignal | undefined): Promise<VerbalPrediction[]> {
  const out: VerbalPrediction[] = [];
  for (let i = 0; i < rows.length; i += PREDICT_CHUNK) {
    if (i > 0) await breathe(signal);
    out.push(...predictRows(model, rows.slice(i, i + PREDICT_CHUNK)));
  }
  return out;
}

/**
 * A running model's `train … --extra` files against the rows measured: the same bytes as their
 * export (`exportText`), else (the file still where it was, unchanged) how many of the rows it
 * holds, each row known by its key (`keys`; `keysOf` reads a file's); unknown when the file is
 * moved, changed or unreadable, with why (`listReason`: the job's list beside the model could not
 * be read, which is then why, rather than its extra file's path, which names no file).
 */
export function trainedOnFiles(
  extra: ExtraRecord | undefined, exportText: string, keys: readonly string[], keysOf: (fileText: string, file: string) => ReadonlySet<string>,
  maxBytes = EXTRA_FILE_READ_MAX_BYTES, listReason: TrainedOnReason | null = null,
): QualityTrainedOn[] {
  if (!extra) return [];
  const sha = createHash('sha256').update(exportText).digest('hex');
  return extra.files.map((f): QualityTrainedOn => {
    const base = { path: f.path, rows: f.rows, weight: extra.weight };
    if (keys.length && f.sha256 === sha) return { ...base, match: 'same_rows', overlap: keys.length };
    const unknown = (problem: TrainedOnReason['problem']): QualityTrainedOn => ({
      ...base, match: 'unknown', overlap: null, reason: listReason ?? { file: f.path, problem, maxBytes: problem === 'too_large' ? maxBytes : null },
    });
    // Bounded, and a regular file only: a manifest's path to a huge file, a FIFO or /dev/zero read
    // whole on the event loop held (or hung) the server.
    const read = readBoundedResult(path.isAbsolute(f.path) ? f.path : projectPath(f.path), maxBytes);
    if (!read.ok) return unknown(read.problem);
    if (createHash('sha256').update(read.bytes).digest('hex') !== f.sha256) return unknown('changed');
    let trained: ReadonlySet<string>;
    try {
      trained = keysOf(read.bytes.toString('utf8'), f.path);
    } catch {
      return unknown('malformed');
    }
    const overlap = keys.filter((k) => trained.has(k)).length;
    return { ...base, match: overlap ? 'overlap' : 'no_overlap', overlap };
  });
}

/** The verbal model's `train verbal --extra` files against these corrections, a row known by its words. */
export function trainedOnRows(extra: ExtraRecord | undefined, exportText: string, rows: readonly LabeledRow[], listReason: TrainedOnReason | null = null): QualityTrainedOn[] {
  // By their words (rowKey), as a comparison and the hold-out tell turns apart.
  const keysOf = (text: string, file: string) => new Set(parseLabeledJsonl(text, file).map((r) => rowKey(r.text)));
  return trainedOnFiles(extra, exportText, rows.map((r) => rowKey(r.text)), keysOf, EXTRA_FILE_READ_MAX_BYTES, listReason);
}

/**
 * A server job's model against the rows measured: the list it wrote with itself (verbal:
 * trained-rows.json, posture: trained-frames.json) names the rows it trained on (its hold-out
 * left out), so the export of every label is no longer the bytes its manifest's sha256 is of;
 * the rows are counted by whether the list holds them (`isListed`) instead.
 */
export function trainedOnListedBy<R>(extra: ExtraRecord | undefined, exportText: string, rows: readonly R[], isListed: (row: R) => boolean): QualityTrainedOn[] {
  if (!extra) return [];
  const sha = createHash('sha256').update(exportText).digest('hex');
  const overlap = rows.filter(isListed).length;
  return extra.files.map((f): QualityTrainedOn => {
    const base = { path: f.path, rows: f.rows, weight: extra.weight };
    if (rows.length && f.sha256 === sha) return { ...base, match: 'same_rows', overlap: rows.length };
    return { ...base, match: overlap ? 'overlap' : 'no_overlap', overlap };
  });
}

/** A verbal job's model against these corrections, by the keys its trained-rows.json lists. */
export function trainedOnListed(extra: ExtraRecord | undefined, exportText: string, rows: readonly LabeledRow[], listed: ReadonlySet<string>): QualityTrainedOn[] {
  return trainedOnListedBy(extra, exportText, rows, (r) => isTrainedKey(listed, r.text));
}

/** The running model's trained-on check: by its trained-rows.json when a job wrote one, else by its `--extra` files. */
function trainedOnOf(dir: string | undefined, exportText: string, rows: readonly LabeledRow[]): QualityTrainedOn[] {
  const extra = extraOf(dir);
  if (!extra) return [];
  const listed = readTrainedRowsResult(dir);
  return listed.ok ? trainedOnListed(extra, exportText, rows, listed.value) : trainedOnRows(extra, exportText, rows, listed.reason);
}

/** A posture labels row known by its landmarks (the export writes a frame's as they are stored); a photo row by its file. */
export const postureKey = (r: PostureLabelRow): string => (r.kind === 'landmarks' ? JSON.stringify(r.pose) : `file:${r.file}`);

/** The posture model's `train posture --extra` files against these posture labels, a row known by its frame's landmarks. */
export function trainedOnPostureRows(extra: ExtraRecord | undefined, exportText: string, rows: readonly PostureLabelRow[], listReason: TrainedOnReason | null = null): QualityTrainedOn[] {
  const keysOf = (text: string, file: string) => new Set(parseLabelRows(text, file).map(postureKey));
  return trainedOnFiles(extra, exportText, rows.map(postureKey), keysOf, EXTRA_FILE_READ_MAX_BYTES, listReason);
}

/**
 * The running posture model's trained-on check, as the verbal one's: by its trained-frames.json
 * (the frames trained on, by session, participant and media time: `frameKeys`, one per export
 * line) when a job wrote one, else by its `--extra` files.
 */
function trainedOnPostureOf(dir: string | undefined, exportText: string, rows: readonly PostureLabelRow[], frameKeys: readonly string[]): QualityTrainedOn[] {
  const extra = postureExtraOf(dir);
  if (!extra) return [];
  const listed = readTrainedFramesResult(dir);
  if (!listed.ok) return trainedOnPostureRows(extra, exportText, rows, listed.reason);
  return trainedOnListedBy(extra, exportText, rows, (r) => listed.value.has(frameKeys[r.line - 1] ?? ''));
}

function extraOf(dir: string | undefined): ExtraRecord | undefined {
  if (dir === undefined) return undefined;
  try {
    return readVerbalManifest(dir).extra;
  } catch {
    return undefined;
  }
}

/** The posture model's `extra` record: the manifest's field alone (the weights need not be read for it). */
export function postureExtraOf(dir: string | undefined): ExtraRecord | undefined {
  if (dir === undefined) return undefined;
  try {
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(dir, POSTURE_MANIFEST_FILE), 'utf8'));
    const extra = ExtraSchema.safeParse((manifest as { extra?: unknown } | null)?.extra);
    return extra.success ? extra.data : undefined;
  } catch {
    return undefined;
  }
}

/** The corrections measured (the newest `rowsCap`), as `eval verbal` reads their export, and the model's predictions. */
async function prepareVerbal(input: QualityInput): Promise<{ head: Omit<QualityVerbal, 'subsets' | 'versusStored' | 'whatIf'>; storedModels: NonNullable<QualityVerbal['versusStored']>['storedModels']; job: VerbalFiguresJob | null }> {
  const { verbal: model, thresholds, signal } = input;
  const kept = newestCorrections(input.corrections, input.rowsCap);
  // Each step is tens of ms on thousands of rows: the loop gets a turn between them.
  await breathe(signal);
  const text = correctionsJsonl(kept);
  await breathe(signal);
  const rows = parseLabeledJsonl(text, 'GET /api/corrections');
  await breathe(signal);
  const head = {
    modelVersion: model.version, thresholds: thresholds as Record<string, number>, stored: input.corrections.length, rows: rows.length,
    trainedOn: trainedOnOf(input.verbalDir, text, rows),
  };
  const versions = new Map<string | null, number>();
  for (const r of rows) {
    const v = rowField(r, 'model_version') ?? null;
    versions.set(v, (versions.get(v) ?? 0) + 1);
  }
  const storedModels = [...versions].map(([version, n]) => ({ version, rows: n })).sort((a, b) => b.rows - a.rows);
  if (rows.length === 0) return { head, storedModels, job: null };
  return {
    head, storedModels,
    job: {
      gold: rows.map((r) => r.label),
      // The stored signal: what the model of the time said (the export's model_label).
      stored: rows.map((r) => (rowField(r, 'model_label') ?? 'neutral') as VerbalLabel),
      preds: await predictInChunks(model, rows, signal),
      thresholds,
      // As eval verbal reports them: all, each language, mixed (the exports have no needs_context).
      subsets: subsetsOf(rows).map(({ name, idx }) => ({ name, idx })),
    },
  };
}

/** The posture labels' export as GET /api/posture-labels writes it, read back as `eval posture` reads it. */
export function postureLabelsExport(labels: Iterable<PostureLabelsForExport>): { text: string; rows: PostureLabelRow[]; exported: PostureLabelsExportRow[]; frameKeys: string[] } {
  let text = '';
  const exported: PostureLabelsExportRow[] = [];
  for (const r of labels) {
    const row = postureLabelsRow(r);
    exported.push(row);
    // The download's very bytes (each line ends with its newline), so its sha256 is the file's.
    text += `${JSON.stringify(row)}\n`;
  }
  // Each export line's frame, as trained-frames.json lists it (a row's `line` is its index + 1).
  return { text, rows: parseLabelRows(text, 'GET /api/posture-labels'), exported, frameKeys: exported.map(trainedFrameKey) };
}

/** The posture labels as `eval posture` reads their export, each landmark row judged as it judges them. */
async function preparePosture(
  labels: Iterable<PostureLabelsForExport>, classifier: PostureClassifier | undefined, postureDir: string | undefined, signal: AbortSignal | undefined,
): Promise<{ rows: number; noPerson: number; trainedOn: QualityTrainedOn[]; job: FiguresJob['posture'] }> {
  const { text, rows, frameKeys } = postureLabelsExport(labels);
  await breathe(signal);
  const trainedOn = trainedOnPostureOf(postureDir, text, rows, frameKeys);
  if (!classifier || rows.length === 0) return { rows: rows.length, noPerson: 0, trainedOn, job: null };
  const examples: LabeledExample[] = [];
  let noPerson = 0;
  for (const [k, row] of rows.entries()) {
    if (k > 0 && k % PREDICT_CHUNK === 0) await breathe(signal);
    // The export holds landmark rows only; a photo row (it never writes one) counts as no person found.
    const predicted = row.kind === 'landmarks' ? judgeLandmarkRow(classifier, row) : undefined;
    if (!predicted) noPerson++;
    examples.push({ gold: new Set<string>(row.labels), pred: new Set<string>(predicted ?? []) });
  }
  return { rows: rows.length, noPerson, trainedOn, job: { examples, labels: scoredPostureLabels(rows) } };
}

const asError = (x: unknown): Error => (x instanceof Error ? x : new Error(String(x)));

/**
 * The figures in a worker thread (the default), or here (`inline`: unit tests). `signal`
 * aborted: the worker is terminated and this rejects with its reason once the thread is gone.
 */
export function computeFigures(job: FiguresJob, inline = false, signal?: AbortSignal): Promise<Figures> {
  if (inline) return Promise.resolve(figuresOf(job));
  return inWorker<Figures>(job, signal);
}

/** A comparison's subsets (compareFigures.ts) in the quality worker, or here (`inline`: unit tests). */
export function computeCompareFigures(job: CompareFiguresJob, inline = false, signal?: AbortSignal): Promise<CompareSubset[]> {
  if (inline) return Promise.resolve(comparisonSubsets(job));
  return inWorker<CompareSubset[]>({ compare: job }, signal);
}

/** A posture comparison's per-label figures (postureCompareFigures.ts) in the quality worker, or here (`inline`: unit tests). */
export function computePostureCompareFigures(job: PostureCompareFiguresJob, inline = false, signal?: AbortSignal): Promise<PostureCompareLabel[]> {
  if (inline) return Promise.resolve(postureCompareFigures(job));
  return inWorker<PostureCompareLabel[]>({ postureCompare: job }, signal);
}

function inWorker<T>(job: QualityWorkerJob, signal: AbortSignal | undefined): Promise<T> {
  // Aborted already: no worker is started for nothing.
  if (signal?.aborted) return Promise.reject(asError(signal.reason));
  const worker = startModuleWorker(__dirname, 'qualityWorker', job);
  return runWorkerOnce<T>(worker, {
    answer: (raw) => {
      const msg = raw as QualityFromWorker;
      if (msg.type === 'done') return { value: msg.figures as T };
      return { error: Object.assign(new Error(`measuring model quality failed: ${msg.message}`), msg.stack !== undefined ? { stack: msg.stack } : {}) };
    },
    exited: (code) => new Error(`the model quality worker stopped (exit code ${code}) before it answered`),
    ...(signal ? { signal } : {}),
  });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** A metrics.json's per-label table ({label: {precision, recall, f1, support}}), labels without all four left out. */
function trainingLabels(perLabel: unknown): Omit<QualityLabelFigures, 'predicted'>[] {
  if (!isObj(perLabel)) return [];
  return Object.entries(perLabel).flatMap(([label, s]) => {
    if (!isObj(s)) return [];
    const [precision, recall, f1, support] = [num(s.precision), num(s.recall), num(s.f1), num(s.support)];
    return precision === null || recall === null || f1 === null || support === null ? [] : [{ label, precision, recall, f1, support }];
  });
}

/** The running models' own metrics.json: their validation figures, as training wrote them. */
export function trainingSummary(verbalDir: string | undefined, postureDir: string | undefined): Quality['training'] {
  const v = verbalDir === undefined ? undefined : readJson(path.join(verbalDir, 'metrics.json'));
  const p = postureDir === undefined ? undefined : readJson(path.join(postureDir, 'metrics.json'));
  const verbal = isObj(v) && typeof v.version === 'string' && num(v.macroF1) !== null
    ? {
      version: v.version, split: typeof v.split === 'string' ? v.split : 'validation split', validationRows: num(v.validationRows),
      macroF1: num(v.macroF1)!, accuracy: num(v.accuracy), perLabel: trainingLabels(v.perLabel),
    }
    : null;
  const posture = isObj(p) && typeof p.version === 'string' && isObj(p.syntheticValidation)
    ? { version: p.version, data: typeof p.data === 'string' ? p.data : 'synthetic validation', perLabel: trainingLabels(p.syntheticValidation) }
    : null;
  return { verbal, posture };
}

/** The whole answer of GET /api/quality. `inline`: the figures computed on this thread (tests). */
export async function measureQuality(input: QualityInput, opts: { inline?: boolean } = {}): Promise<Quality> {
  const t0 = performance.now();
  const { signal } = input;
  signal?.throwIfAborted();
  const verbal = await prepareVerbal(input);
  await breathe(signal);
  const cueRows = parseCueReviewsJsonl(cueReviewsJsonl(input.cueReviews), 'GET /api/cue-reviews');
  await breathe(signal);
  const posture = await preparePosture(input.postureLabels, input.posture, input.postureDir, signal);
  const figures = await computeFigures({ verbal: verbal.job, cues: cueRows, posture: posture.job }, opts.inline, signal);
  const v = figures.verbal;
  return {
    session: input.session,
    ms: Math.round(performance.now() - t0),
    verbal: {
      ...verbal.head,
      subsets: v?.subsets ?? [],
      versusStored: v ? { ...v.versusStored, storedModels: verbal.storedModels } : null,
      whatIf: v?.whatIf ?? null,
    },
    cues: figures.cues,
    posture: { modelVersion: input.posture?.version ?? null, rows: posture.rows, noPerson: posture.noPerson, perLabel: figures.posture, trainedOn: posture.trainedOn },
    training: trainingSummary(input.verbalDir, input.postureDir),
  };
}
