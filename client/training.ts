// Training a model on the labels (the Model quality view's section, client/view/training.ts) in
// words: the fields checked as the server checks them, the job's progress and outcome, and its
// refusals, in the page's language. Pure apart from the UI language (i18n's t).
import type { ApiError } from '../protocol/protocol';
import { HOLD_OUT_DEFAULT_PERCENT, HOLD_OUT_MAX_PERCENT } from '../protocol/compare';
import { EXTRA_WEIGHT_DEFAULT, EXTRA_WEIGHT_MAX, TRAIN_LABELS_MIN, TRAIN_SEED_DEFAULT, TRAIN_SEED_MAX, type TrainJob, type TrainJobStateName, type TrainRequest } from '../protocol/training';
import { libraryIdOf } from './compare';
import { errorMessage } from './errorText';
import { lang, t, type StringKey } from './i18n';
import { pct } from './quality';

export const SEED_DEFAULT_TEXT = String(TRAIN_SEED_DEFAULT);
export const WEIGHT_DEFAULT_TEXT = String(EXTRA_WEIGHT_DEFAULT);
export const HOLD_OUT_DEFAULT_TEXT = String(HOLD_OUT_DEFAULT_PERCENT);

/** The form's fields, by the request's field name. */
export type TrainField = 'seed' | 'extraWeight' | 'holdOut';
export const TRAIN_FIELDS: readonly TrainField[] = ['seed', 'extraWeight', 'holdOut'];

/** What a job of any kind has that the section reads (protocol/training.ts, protocol/postureModels.ts). */
export interface TrainJobBase {
  id: string;
  state: TrainJobStateName;
  startedAt: number;
  elapsedMs: number;
  endedAt: number | null;
  error?: string | undefined;
}

/**
 * A kind of training job as the section (client/view/training.ts) shows it: its ids, words,
 * defaults and lines. The form, its checks, Train and Cancel, the ticking progress and the
 * refusals are the section's, the same for both kinds.
 */
export interface TrainingKind<J extends TrainJobBase> {
  /** Element and test ids start with it ("train": the verbal job's, "posture-train"); the section is `quality-<prefix>`. */
  prefix: string;
  heading: StringKey;
  intro: StringKey;
  defaults: Record<TrainField, string>;
  /** Each field's label and hint. */
  fieldWords: Record<TrainField, [StringKey, StringKey]>;
  labelWords: TrainLabelWords;
  progressLine(job: J, elapsedMs: number): string;
  rowsLine(job: J): string;
  outcomeLines(job: J): { lines: string[]; problem: boolean };
  /** Things to know before trusting the candidate (none: []). */
  warnings(job: J): string[];
  /** A finished job's model: the button under its outcome acts on it (null: none). */
  resultModel(job: J | null): { id: string; version: string } | null;
}

/** The fields' problems, by the request's field name. */
export type TrainFieldErrors = Partial<Record<TrainField, string>>;

/** Each field's range, as the server checks it (protocol/training.ts). */
const RANGES: Record<TrainField, [number, number]> = { seed: [0, TRAIN_SEED_MAX], extraWeight: [1, EXTRA_WEIGHT_MAX], holdOut: [0, HOLD_OUT_MAX_PERCENT] };

/** A whole number in digits (no sign, no exponent) within [min, max], else undefined. */
function wholeIn(text: string, min: number, max: number): number | undefined {
  const s = text.trim();
  if (!/^[0-9]{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? n : undefined;
}

/** A field's refusal (not a whole number in its range), in the language of the moment. */
export function fieldProblem(field: TrainField): string {
  if (field === 'seed') return t('trainSeedInvalid', { max: TRAIN_SEED_MAX });
  if (field === 'extraWeight') return t('trainWeightInvalid', { max: EXTRA_WEIGHT_MAX });
  return t('trainHoldOutInvalid', { max: HOLD_OUT_MAX_PERCENT });
}

/**
 * The request from the fields (all required, as the defaults fill them; the hold-out always
 * sent, so the percent shown is the one used), or each field's problem.
 */
export function trainRequest(fields: Record<TrainField, string>, session: string | null): { ok: true; body: TrainRequest } | { ok: false; errors: TrainFieldErrors } {
  const values: Partial<Record<TrainField, number>> = {};
  const errors: TrainFieldErrors = {};
  for (const f of TRAIN_FIELDS) {
    const v = wholeIn(fields[f], ...RANGES[f]);
    if (v === undefined) errors[f] = fieldProblem(f);
    else values[f] = v;
  }
  if (values.seed === undefined || values.extraWeight === undefined || values.holdOut === undefined) return { ok: false, errors };
  return { ok: true, body: { seed: values.seed, extraWeight: values.extraWeight, holdOut: values.holdOut, ...(session !== null ? { session } : {}) } };
}

/** 65_000 → "1:05", 3_723_000 → "1:02:03". */
export function elapsedText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const sec = String(total % 60).padStart(2, '0');
  const min = Math.floor(total / 60);
  return min >= 60 ? `${Math.floor(min / 60)}:${String(min % 60).padStart(2, '0')}:${sec}` : `${min}:${sec}`;
}

/**
 * What differs between a kind's jobs in the words shared here (verbal: labelled customer turns;
 * posture: labelled frames, client/postureTraining.ts), and the fewest labels its job takes.
 */
export interface TrainLabelWords {
  rowsAll: StringKey;
  rowsAllOne: StringKey;
  rowsSession: StringKey;
  rowsSessionOne: StringKey;
  rowsUnknown: StringKey;
  rowsTooFew: StringKey;
  noLabels: StringKey;
  tooFew: StringKey;
  holdOutTooFew: StringKey;
  min: number;
}

export const VERBAL_LABEL_WORDS: TrainLabelWords = {
  rowsAll: 'trainRowsAll', rowsAllOne: 'trainRowsAllOne', rowsSession: 'trainRowsSession', rowsSessionOne: 'trainRowsSessionOne', rowsUnknown: 'trainRowsUnknown',
  rowsTooFew: 'trainRowsTooFew', noLabels: 'trainNoLabels', tooFew: 'trainTooFew', holdOutTooFew: 'trainHoldOutTooFew', min: TRAIN_LABELS_MIN,
};

/** How many labelled turns (frames) a job would use, and whether that is too few; null: not measured yet. */
export function rowsWouldUse(n: number | null, scope: 'all' | 'session', words: TrainLabelWords = VERBAL_LABEL_WORDS): { text: string; tooFew: boolean } {
  if (n === null) return { text: t(words.rowsUnknown), tooFew: false };
  const key = scope === 'all' ? (n === 1 ? words.rowsAllOne : words.rowsAll) : n === 1 ? words.rowsSessionOne : words.rowsSession;
  const tooFew = n < words.min;
  return { text: `${t(key, { n })}${tooFew ? ` ${t(words.rowsTooFew, { min: words.min })}` : ''}`, tooFew };
}

export const isRunning = (job: { state: TrainJobStateName } | null): boolean => job !== null && (job.state === 'queued' || job.state === 'running');

/** The job's rows: "Corpus 25504 rows + 12 labelled turns × 5, 3 held out for comparing, seed 7." */
export function jobRowsLine(job: TrainJob): string {
  const r = job.rows;
  const vars = { corpus: r.corpus ?? t('trainCorpusPending'), extra: r.extra, weight: r.weight, seed: job.seed, held: r.heldOut };
  return t(r.heldOut > 0 ? 'trainRowsLineHeld' : 'trainRowsLine', vars);
}

/** Where the job is: its phase, member and epoch, and the time so far (`elapsedMs`: the job's, brought up to now). */
export function progressLine(job: TrainJob, elapsedMs = job.elapsedMs): string {
  const elapsed = elapsedText(elapsedMs);
  if (job.state === 'queued') return t('trainQueued');
  const p = job.progress;
  if (p.phase === 'training' && p.epoch !== undefined && p.member !== undefined) {
    return t('trainEpochLine', { member: p.member, members: p.members, epoch: p.epoch, epochs: p.epochs, f1: pct(p.macroF1 ?? 0), elapsed });
  }
  return t('trainPhaseLine', { phase: t(`trainPhase_${p.phase}` as StringKey), elapsed });
}

/**
 * Why a job failed, as the server says it (English: the worker's exit, a system error), in
 * Chinese when the words are known; others, and every one in English, as the server wrote them.
 */
const ZH_FAILURES: [RegExp, (...m: string[]) => string][] = [
  [/^the training worker exited with code (-?\d+) before finishing$/, (code) => `训练线程在完成前退出（退出码 ${code}）。`],
  [/memory limit|out of memory|ERR_WORKER_OUT_OF_MEMORY/i, () => '训练线程内存不足，已停止。'],
  [/^ENOSPC\b/, () => '服务器磁盘空间不足，模型未能保存。'],
  [/^(EACCES|EPERM|EROFS)\b/, () => '服务器无权写入模型库。'],
  [/^(ENOTDIR|ENOENT)\b/, () => '训练期间模型库文件夹被删除或替换。'],
];

export function failureText(message: string): string {
  if (lang() !== 'zh') return message;
  for (const [re, zh] of ZH_FAILURES) {
    const m = re.exec(message);
    if (m) return zh(...m.slice(1));
  }
  return message;
}

/** An ended job's outcome: lines to show, and whether it is a problem. */
export function outcomeLines(job: TrainJob): { lines: string[]; problem: boolean } {
  const elapsed = elapsedText(job.elapsedMs);
  if (job.state === 'done' && job.result) {
    const r = job.result;
    const done = t('trainDone', { version: r.version, f1: pct(r.validation.macroF1), acc: pct(r.validation.accuracy), n: r.validation.rows, elapsed });
    return { lines: [done, r.existed ? t('trainDoneExisted', { version: r.version }) : t('trainDoneLibrary', { dir: r.dir })], problem: false };
  }
  return endedLines(job);
}

/** A job that ended without a model, whatever its kind: failed, cancelled or stopped with the server (nothing for any other). */
export function endedLines(job: { state: TrainJobStateName; elapsedMs: number; error?: string | undefined }): { lines: string[]; problem: boolean } {
  if (job.state === 'failed') return { lines: [t('trainFailed', { message: failureText(job.error ?? '') })], problem: true };
  if (job.state === 'cancelled') return { lines: [t(job.error ? 'trainServerStopped' : 'trainCancelled', { elapsed: elapsedText(job.elapsedMs) })], problem: false };
  return { lines: [], problem: false };
}

/** The verbal job: a candidate trained on the corpus and the labelled customer turns. */
export const VERBAL_TRAINING: TrainingKind<TrainJob> = {
  prefix: 'train',
  heading: 'trainH',
  intro: 'trainIntro',
  defaults: { seed: SEED_DEFAULT_TEXT, extraWeight: WEIGHT_DEFAULT_TEXT, holdOut: HOLD_OUT_DEFAULT_TEXT },
  fieldWords: { seed: ['trainSeed', 'trainSeedHint'], extraWeight: ['trainWeight', 'trainWeightHint'], holdOut: ['trainHoldOut', 'trainHoldOutHint'] },
  labelWords: VERBAL_LABEL_WORDS,
  progressLine,
  rowsLine: jobRowsLine,
  outcomeLines,
  warnings: () => [],
  // Its folder in the library names the id it runs (and is compared) by.
  resultModel: (job) => (job?.state === 'done' && job.result ? { id: libraryIdOf(job.result.dir), version: job.result.version } : null),
};

/**
 * A refused start in the page's language, by field when it is one of the form's: `field` says
 * which input it belongs to (none: the form as a whole).
 */
export function startRefusal(e: ApiError, words: TrainLabelWords = VERBAL_LABEL_WORDS): { field?: TrainField; text: string } {
  // The hold-out keeps so many out that too few are left to train on: said under its field.
  if (e.code === 'too_few_labels' && e.field === 'holdOut') return { field: 'holdOut', text: t(words.holdOutTooFew, { n: e.actual ?? 0, min: e.limit ?? words.min }) };
  if (e.field === 'seed' || e.field === 'extraWeight' || e.field === 'holdOut') return { field: e.field, text: fieldProblem(e.field) };
  // The running job's id, as the refusal names it in brackets (a verbal job's `train-…`, a posture job's).
  if (e.code === 'busy') return { text: t('trainBusy', { id: /\(([\w-]*train-[^)]+)\)/.exec(e.message)?.[1] ?? '' }) };
  if (e.code === 'no_labels') return { text: t(words.noLabels, { min: e.limit ?? words.min }) };
  if (e.code === 'too_few_labels') return { text: t(words.tooFew, { n: e.actual ?? 0, min: e.limit ?? words.min }) };
  return { text: `${t('trainNotStarted')}${t('colon')}${errorMessage(e)}` };
}
