// Training a posture model on the coaches' posture labels (the Model quality view's section,
// client/view/training.ts with these words) in words: its defaults, the job's progress, rows,
// warnings and outcome, and its refusals, in the page's language. The fields are checked as the
// verbal job's are (the same ranges: protocol/postureModels.ts takes the limits of
// protocol/training.ts), so their check and the failure and cancellation lines are shared
// (client/training.ts). Pure apart from the UI language (i18n's t).
import { HOLD_OUT_DEFAULT_PERCENT } from '../protocol/compare';
import { POSTURE_SIGNAL_LABELS } from '../protocol/protocol';
import { POSTURE_EXTRA_WEIGHT_DEFAULT, POSTURE_TRAIN_SEED_DEFAULT, POSTURE_TRAIN_LABELS_MIN, type PostureTrainJob } from '../protocol/postureModels';
import { t, type StringKey } from './i18n';
import { pct, qualityLabelName } from './quality';
import { elapsedText, endedLines, type TrainField, type TrainingKind, type TrainLabelWords } from './training';

/** The fields as the form starts: the server's defaults, so what is shown is what is sent. */
export const POSTURE_FIELD_DEFAULTS: Record<TrainField, string> = {
  seed: String(POSTURE_TRAIN_SEED_DEFAULT),
  extraWeight: String(POSTURE_EXTRA_WEIGHT_DEFAULT),
  holdOut: String(HOLD_OUT_DEFAULT_PERCENT),
};

export const POSTURE_LABEL_WORDS: TrainLabelWords = {
  rowsAll: 'postureTrainRowsAll', rowsAllOne: 'postureTrainRowsAllOne', rowsSession: 'postureTrainRowsSession', rowsSessionOne: 'postureTrainRowsSessionOne',
  rowsUnknown: 'postureTrainRowsUnknown', rowsTooFew: 'postureTrainRowsTooFew', noLabels: 'postureTrainNoLabels', tooFew: 'postureTrainTooFew',
  holdOutTooFew: 'postureTrainHoldOutTooFew', min: POSTURE_TRAIN_LABELS_MIN,
};

/** A phase's name: a posture job reads labelled frames, not a corpus. */
const PHASE_KEYS: Record<PostureTrainJob['progress']['phase'], StringKey> = {
  starting: 'trainPhase_starting', reading: 'postureTrainPhase_reading', training: 'trainPhase_training', saving: 'trainPhase_saving',
};

/** Where the job is: its phase, member x of n and epoch x of n, and the time so far (`elapsedMs`: the job's, brought up to now). */
export function postureProgressLine(job: PostureTrainJob, elapsedMs = job.elapsedMs): string {
  const elapsed = elapsedText(elapsedMs);
  if (job.state === 'queued') return t('trainQueued');
  const p = job.progress;
  if (p.phase === 'training' && p.member !== undefined && p.epoch !== undefined) {
    return t('postureTrainEpochLine', { member: p.member, members: p.members, epoch: p.epoch, epochs: p.epochs, elapsed });
  }
  return t('trainPhaseLine', { phase: t(PHASE_KEYS[p.phase]), elapsed });
}

/** The job's rows: "60000 synthetic examples per member + 12 labelled frames × 1, 3 held out for comparing, seed 20261128." and any frames left out. */
export function postureRowsLine(job: PostureTrainJob): string {
  const r = job.rows;
  const vars = { synthetic: r.synthetic, extra: r.extra, weight: r.weight, held: r.heldOut, seed: job.seed };
  const line = t(r.heldOut > 0 ? 'postureTrainRowsLineHeld' : 'postureTrainRowsLine', vars);
  return r.unmeasurable > 0 ? `${line} ${t(r.unmeasurable === 1 ? 'postureTrainUnmeasurableOne' : 'postureTrainUnmeasurable', { n: r.unmeasurable })}` : line;
}

/** The job's warnings in words (machine codes from the server; one a line). */
export function postureWarnings(job: Pick<PostureTrainJob, 'warnings'>): string[] {
  return job.warnings.map((w) => t(`postureTrainWarning_${w}` satisfies StringKey));
}

/** Per-label F1 in the posture labels' order, any other label after: "Arms crossed 91.2%, Leaning in 88.0%". */
export function labelF1Words(validation: Record<string, { f1: number }>): string {
  const order = (l: string) => {
    const i = (POSTURE_SIGNAL_LABELS as readonly string[]).indexOf(l);
    return i < 0 ? POSTURE_SIGNAL_LABELS.length : i;
  };
  const labels = Object.keys(validation).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  if (!labels.length) return '–';
  return labels.map((l) => `${qualityLabelName(l)} ${pct(validation[l]!.f1)}`).join(t('listSep'));
}

/** An ended job's outcome: lines to show, and whether it is a problem. */
export function postureOutcomeLines(job: PostureTrainJob): { lines: string[]; problem: boolean } {
  if (job.state === 'done' && job.result) {
    const r = job.result;
    const done = t('postureTrainDone', { version: r.version, f1: labelF1Words(r.validation), elapsed: elapsedText(job.elapsedMs) });
    return { lines: [done, r.existed ? t('trainDoneExisted', { version: r.version }) : t('postureTrainDoneLibrary', { dir: r.dir })], problem: false };
  }
  return endedLines(job);
}

/** The finished job's model, by the library id it runs by (null: none). */
export function postureResultModel(job: PostureTrainJob | null): { id: string; version: string } | null {
  const r = job?.state === 'done' ? job.result : undefined;
  return r ? { id: r.id, version: r.version } : null;
}

/** The posture job: a candidate trained on the synthetic set and the labelled frames. */
export const POSTURE_TRAINING: TrainingKind<PostureTrainJob> = {
  prefix: 'posture-train',
  heading: 'postureTrainH',
  intro: 'postureTrainIntro',
  defaults: POSTURE_FIELD_DEFAULTS,
  fieldWords: { seed: ['trainSeed', 'trainSeedHint'], extraWeight: ['postureTrainWeight', 'postureTrainWeightHint'], holdOut: ['trainHoldOut', 'postureTrainHoldOutHint'] },
  labelWords: POSTURE_LABEL_WORDS,
  progressLine: postureProgressLine,
  rowsLine: postureRowsLine,
  outcomeLines: postureOutcomeLines,
  warnings: postureWarnings,
  resultModel: postureResultModel,
};
