// Posture labels and the shapes the posture classifier shares with the tracker, the
// trainer and the pipeline. Labels name observable behaviour only, never emotions.

/** Labels the per-frame classifier scores (sigmoid, several may hold at once). */
export const MODEL_LABELS = ['arms_crossed', 'leaning_forward', 'leaning_back', 'open_palms', 'legs_crossed', 'sitting_far'] as const;
export type ModelLabel = (typeof MODEL_LABELS)[number];

/** Every posture label, including those derived over time (`nodding`) or by exclusion (`neutral`). */
export const POSTURE_LABELS = [...MODEL_LABELS, 'nodding', 'neutral'] as const;
export type PostureLabel = (typeof POSTURE_LABELS)[number];

/** The labels whose absence makes a frame `neutral` (upright, arms relaxed). */
export const MAIN_LABELS: readonly ModelLabel[] = ['arms_crossed', 'leaning_forward', 'leaning_back', 'open_palms'];

/**
 * One participant's usual size in the image, in image-height units, so that "leaning in"
 * can mean closer than they were, not just big in this frame.
 */
export interface Baseline {
  shoulderWidth: number;
  headSize: number;
  /** Body scale (see features.ts: torso length, or its estimate on upper-body crops). */
  bodyScale: number;
  /** Vertical distance from the shoulder midpoint up to the nose. */
  neckHeight: number;
}

export interface FeatureOptions {
  /** Image width / height: landmarks are normalised per axis, angles need square units. */
  aspect?: number;
  baseline?: Baseline;
  /** Landmarks scored below this are treated as missing. */
  minScore?: number;
}

/** A per-frame prediction: probability per model label. */
export type PostureScores = Record<ModelLabel, number>;

/** Labels the tracker emits events for (`neutral` is the absence of a signal, not one); the protocol's PostureSignalLabel. */
export type PostureEventLabel = Exclude<PostureLabel, 'neutral'>;

/** A label turning on (or off) for one participant, in media time. */
export interface PostureEvent {
  participant: string;
  label: PostureEventLabel;
  state: 'on' | 'off';
  /** Probability that turned the label on (for `off`: the last smoothed probability). */
  score: number;
  mediaMs: number;
  /** When the evidence began (the first frame above the on-threshold). */
  startedMs: number;
  /** A few human-readable measurements behind the decision, for the cue's explanation. */
  features: Record<string, number>;
  modelVersion: string;
}
