// What a posture training job trains on (POST /api/models/posture/train): the coaches' labelled
// frames as the posture-labels export writes them, `nodding` taken off (a motion, not a still
// pose: `train posture --extra` refuses it, and the store never holds it on a frame, so this only
// guards rows from elsewhere), frames whose pose cannot be measured left out (measured as
// `train posture --extra` measures them: the classifier would find no person there either), and a
// seeded hold-out by moment: frames of one session, participant and POSTURE_HOLD_OUT_WINDOW_MS of
// media time fall on one side, so near-identical neighbouring frames are not split between
// training and comparing. Also the warnings the job carries and trained-frames.json. Pure.
import { POSTURE_HOLD_OUT_WINDOW_MS, type PostureTrainJob } from '../../protocol/postureModels';
import type { PostureLabelsExportRow } from '../ingest/postureLabelsExport';
import { poseFromLandmarks } from '../signals/pose/fromLandmarks';
import { extraExamples } from '../signals/posture/extraExamples';
import type { LandmarkRow } from '../signals/posture/labelRows';
import { splitHoldOutBy } from './holdOut';

export type PostureJobWarning = PostureTrainJob['warnings'][number];

export interface PostureJobRows {
  /** The frames trained on, in the order given (their labels without `nodding`). */
  trained: PostureLabelsExportRow[];
  /** The measurable frames held out for comparing. */
  heldOut: PostureLabelsExportRow[];
  /** Frames left out because their pose cannot be measured (on either side of the hold-out). */
  unmeasurable: number;
  /** Frames whose only label was `nodding`: nothing left to train on. */
  noddingOnly: number;
  warnings: PostureJobWarning[];
}

/** A frame's hold-out group: its session, participant and window of media time. */
export const holdOutGroup = (r: Pick<PostureLabelsExportRow, 'session' | 'participant' | 'media_ms'>): string =>
  `${r.session}\n${r.participant}\n${Math.floor(r.media_ms / POSTURE_HOLD_OUT_WINDOW_MS)}`;

/** The rows a job with this hold-out (`percent`, 0–100) and `seed` trains on and keeps out. */
export function postureJobRows(rows: readonly PostureLabelsExportRow[], percent: number, seed: number): PostureJobRows {
  // The store's labels are typed without nodding; a row from elsewhere (an archive) may carry it.
  const still = rows.map((r) => ({ ...r, labels: r.labels.filter((l) => (l as string) !== 'nodding') }));
  const labelled = still.filter((r) => r.labels.length > 0);
  const asLandmarks: LandmarkRow[] = labelled.map((r, i) => ({
    kind: 'landmarks',
    pose: poseFromLandmarks({ landmarks: r.landmarks }),
    ...(r.aspect !== undefined ? { aspect: r.aspect } : {}),
    labels: r.labels,
    line: i + 1,
  }));
  const unusable = new Set(extraExamples(asLandmarks).unusable);
  const measurable = labelled.filter((_, i) => !unusable.has(i + 1));
  const { trained, heldOut } = splitHoldOutBy(measurable, percent, seed, holdOutGroup);
  return { trained, heldOut, unmeasurable: unusable.size, noddingOnly: rows.length - labelled.length, warnings: postureJobWarnings(trained) };
}

/**
 * What an analyst should know about the frames trained on: none labelled `neutral` (the model
 * learns only what the postures look like, not what their absence does), or all of one label.
 */
export function postureJobWarnings(trained: readonly Pick<PostureLabelsExportRow, 'labels'>[]): PostureJobWarning[] {
  const warnings: PostureJobWarning[] = [];
  const labels = new Set(trained.flatMap((r) => r.labels));
  if (!labels.has('neutral')) warnings.push('no_neutral_labels');
  if (labels.size === 1) warnings.push('one_label_only');
  return warnings;
}

/** The file of a posture job's model folder listing the labelled frames it trained on and held out. */
export const TRAINED_FRAMES_FILE = 'trained-frames.json';
/**
 * The most trained-frames.json may be: a job writes no bigger one (too_many_labels) and Model
 * quality reads no bigger one, so a stray huge file never holds the event loop. A frame's line is
 * about 130 bytes: ~60k frames, as many as trained-rows.json's 1 MiB holds turns.
 */
export const TRAINED_FRAMES_MAX_BYTES = 8 * 1024 * 1024;

/** A frame as trained-frames.json lists it. */
export interface TrainedFrame {
  session: string;
  participant: string;
  media_ms: number;
  labels: string[];
}

/** A labelled frame as trained-frames.json and Model quality tell frames apart: its session, participant and media time. */
export const trainedFrameKey = (f: Pick<TrainedFrame, 'session' | 'participant' | 'media_ms'>): string => `${f.session}\n${f.participant}\n${f.media_ms}`;

const listed = (r: PostureLabelsExportRow): TrainedFrame => ({ session: r.session, participant: r.participant, media_ms: r.media_ms, labels: r.labels });

/**
 * trained-frames.json's text: `{ "trained": [...], "heldOut": [...] }`, each frame
 * `{ session, participant, media_ms, labels }` in the order trained, one per line for a readable
 * diff, so a quality measure can leave out the frames the model learnt.
 */
export function trainedFramesJson(trained: readonly PostureLabelsExportRow[], heldOut: readonly PostureLabelsExportRow[]): string {
  const list = (rows: readonly PostureLabelsExportRow[]) => (rows.length === 0 ? '[]' : `[\n${rows.map((r) => `  ${JSON.stringify(listed(r))}`).join(',\n')}\n]`);
  return `{\n"trained": ${list(trained)},\n"heldOut": ${list(heldOut)}\n}\n`;
}

/** The frames of a trained-frames.json's text; throws when it is not that file's shape. */
export function parseTrainedFrames(text: string): { trained: TrainedFrame[]; heldOut: TrainedFrame[] } {
  const raw = JSON.parse(text) as { trained?: unknown; heldOut?: unknown };
  const ok = (v: unknown): v is TrainedFrame[] =>
    Array.isArray(v) &&
    v.every((f: Partial<TrainedFrame>) => f !== null && typeof f === 'object' && typeof f.session === 'string' && typeof f.participant === 'string' && Number.isInteger(f.media_ms) && Array.isArray(f.labels));
  if (raw === null || typeof raw !== 'object' || !ok(raw.trained) || !ok(raw.heldOut)) throw new Error(`${TRAINED_FRAMES_FILE} is not {"trained": [...], "heldOut": [...]} of frames {session, participant, media_ms, labels}`);
  return { trained: raw.trained, heldOut: raw.heldOut };
}
