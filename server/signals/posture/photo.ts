// Single-photo posture: pick the person (largest, most central unless a hint is given),
// classify their landmarks with no baseline, and name the labels that pass the thresholds.
import { choosePerson, type PersonHint } from '../pose/people';
import type { Pose } from '../pose/types';
import { computeFeatures, featureValue, type PostureFeatures } from './features';
import type { PostureClassifier } from './model';
import { MAIN_LABELS, MODEL_LABELS, type Baseline, type PostureLabel, type PostureScores } from './types';

/** Where the wanted person was last seen, to keep following them among several people. */
export type TrackHint = PersonHint;

// Person selection lives with the pose estimator, which uses it to crop photos to the participant.
export { choosePerson };

export interface LabelDecision {
  labels: PostureLabel[];
  /** Model probabilities plus `neutral` = 1 - the largest main-label probability. */
  scores: PostureScores & { neutral: number };
}

/** Thresholds the probabilities; labels about legs count only when the knees are in view. */
export function decideLabels(scores: PostureScores, thresholds: Readonly<PostureScores>, feats: PostureFeatures): LabelDecision {
  const legsSeen = featureValue(feats.values, 'kneesOk') > 0;
  const labels: PostureLabel[] = MODEL_LABELS.filter((l) => scores[l] >= thresholds[l] && (l !== 'legs_crossed' || legsSeen));
  const neutral = 1 - Math.max(...MAIN_LABELS.map((l) => scores[l]));
  if (!MAIN_LABELS.some((l) => labels.includes(l))) labels.push('neutral');
  return { labels, scores: { ...scores, neutral } };
}

export interface PhotoResult extends LabelDecision {
  /** Index of the classified person in `poses`. */
  person: number;
  torsoLeanDeg: number;
}

/**
 * Classifies one photo (no baseline, no time). Returns null when nobody usable is found.
 * `aspect` is the image's width / height (landmarks are normalised per axis).
 */
export function classifyPhoto(
  classifier: PostureClassifier,
  poses: readonly Pose[],
  opts: { aspect?: number; hint?: TrackHint; baseline?: Baseline } = {},
): PhotoResult | null {
  const person = choosePerson(poses, opts.hint);
  if (person < 0) return null;
  const feats = computeFeatures(poses[person]!, { aspect: opts.aspect, baseline: opts.baseline });
  if (!feats) return null;
  const [scores] = classifier.predict([feats.values]);
  return { person, torsoLeanDeg: feats.torsoLeanDeg, ...decideLabels(scores!, classifier.thresholds, feats) };
}
