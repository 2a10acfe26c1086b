// GET /api/quality's figures in words for the Model quality view (client/view/quality.ts):
// percentages, intervals, differences, and the notes (rows capped, trained on these rows).
// Pure apart from the UI language (i18n's t).
import type { VerbalLabel } from '../protocol/protocol';
import type { QualityTrainedOn, QualityVerbal, TrainedOnReason } from '../protocol/quality';
import { labelName, t, type StringKey } from './i18n';

/** 0.625 → "62.5%". */
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** An interval as "55.0–70.2%". */
export const range = (i: { low: number; high: number }): string => `${(i.low * 100).toFixed(1)}–${pct(i.high)}`;

/** A difference in points, signed: +2.4, −1.0, 0.0. */
export function points(x: number): string {
  const v = Math.abs(x * 100).toFixed(1);
  return v === '0.0' ? '0.0' : `${x > 0 ? '+' : '−'}${v}`;
}

/** A label's name: verbal and posture labels by their shown name, any other as it is. */
export function qualityLabelName(label: string): string {
  return labelName(label as VerbalLabel) ?? label;
}

/** A subset's name: "All", "English", "Chinese", "Mixed" (Chinese and English in one turn), or the server's own name. */
export function subsetName(name: string): string {
  const key = `qualitySubset_${name}`;
  return ['all', 'en', 'zh', 'mixed'].includes(name) ? t(key as StringKey) : name;
}

/** How many turns were measured: all of them, or the newest of more. */
export function rowsLine(v: Pick<QualityVerbal, 'rows' | 'stored'>): string {
  if (v.rows === 0) return t('qualityVerbalNone');
  return v.rows < v.stored ? t('qualityVerbalRowsCapped', { n: v.rows, total: v.stored }) : t('qualityVerbalRows', { n: v.rows });
}

const TRAINED_ON_KEYS: Record<'verbal' | 'posture', Record<QualityTrainedOn['match'], StringKey>> = {
  verbal: { same_rows: 'qualityTrainedSame', overlap: 'qualityTrainedOverlap', no_overlap: 'qualityTrainedNone', unknown: 'qualityTrainedUnknown' },
  posture: { same_rows: 'qualityPostureTrainedSame', overlap: 'qualityPostureTrainedOverlap', no_overlap: 'qualityPostureTrainedNone', unknown: 'qualityPostureTrainedUnknown' },
};

/** A size in bytes: 8 MiB, 1.5 KiB, 10 B. */
export function bytesText(n: number): string {
  const unit = (d: number, name: string) => `${Number((n / d).toFixed(1))} ${name}`;
  return n >= 1024 * 1024 ? unit(1024 * 1024, 'MiB') : n >= 1024 ? unit(1024, 'KiB') : `${n} B`;
}

/** The lists a training job writes beside its model: a reason naming one is about that list, not a training file. */
const JOB_LISTS = ['trained-rows.json', 'trained-frames.json'];

/** Why what a model was trained on cannot be told, in words: the file (a training file, or the job's list beside the model) and what is wrong with it. */
export function trainedOnReasonText(r: TrainedOnReason, jobList = JOB_LISTS.includes(r.file)): string {
  const file = jobList ? t('qualityTrainedJobList', { file: r.file }) : r.file;
  // A Chinese phrase that ends in a full-width bracket takes no space before the next word.
  return t(`qualityTrainedWhy_${r.problem}`, { file, max: bytesText(r.maxBytes ?? 0) }).replace(/） /, '）');
}

/** Why a trained-on check is unknown, in words ('' without a reason): a file other than its extra file is the job's list. */
export function trainedOnWhy(x: QualityTrainedOn): string {
  return x.reason ? trainedOnReasonText(x.reason, x.reason.file !== x.path) : '';
}

/** Whether the running verbal (or posture) model was trained on these rows (labelled frames), one line per extra file; an unknown one says why. */
export function trainedOnLine(x: QualityTrainedOn, n: number, kind: 'verbal' | 'posture' = 'verbal'): string {
  if (x.match === 'unknown' && x.reason) return t(kind === 'verbal' ? 'qualityTrainedUnknownWhy' : 'qualityPostureTrainedUnknownWhy', { path: x.path, rows: x.rows, why: trainedOnWhy(x) });
  return t(TRAINED_ON_KEYS[kind][x.match], { path: x.path, k: x.overlap ?? 0, n, rows: x.rows });
}

/** Whether any extra file makes the figures flatter the model (a warning, not a note). */
export const flatters = (x: QualityTrainedOn): boolean => x.match === 'same_rows' || x.match === 'overlap';

/** The stored signals against the running model, in one sentence. */
export function versusStoredLine(v: QualityVerbal): string {
  const s = v.versusStored;
  if (!s) return '';
  return t('qualityVersusStored', {
    stored: s.storedRight, n: v.rows, now: s.nowRight, fixed: s.fixed, broken: s.broken,
    a: pct(s.macroF1.a), b: pct(s.macroF1.b), diff: points(s.macroF1.difference), low: points(s.macroF1.interval.low), high: points(s.macroF1.interval.high),
  });
}

/** The models the stored signals came from: "verbal-… (10), no signal stored (2)". */
export function storedModelsLine(v: QualityVerbal): string {
  const list = v.versusStored?.storedModels ?? [];
  if (!list.length) return '';
  return t('qualityStoredModels', { list: list.map((m) => t('qualityStoredModel', { model: m.version ?? t('qualityStoredNoSignal'), n: m.rows })).join(t('listSep')) });
}

/** A threshold, or "none" (the most probable label counts). */
export const thresholdText = (x: number | null): string => (x === null ? t('qualityNoThreshold') : x.toFixed(2));
