// Single-photo posture: pick the person (largest, most central unless a hint is given),
// classify their landmarks with no baseline, and name the labels that pass the thresholds.
import type { Pose } from '../pose/types';
import { computeFeatures, featureValue, type PostureFeatures } from './features';
import type { PostureClassifier } from './model';
import { MAIN_LABELS, MODEL_LABELS, type Baseline, type PostureLabel, type PostureScores } from './types';

/** Where the wanted person was last seen, to keep following them among several people. */
export interface TrackHint {
  box: Pose['box'];
}

const centre = (b: Pose['box']): [number, number] => [b.xMin + b.width / 2, b.yMin + b.height / 2];

/**
 * Index of the participant among `poses`, or -1 for none. Without a hint: the largest box,
 * discounted by distance from the image centre (a big bystander at the edge loses to the
 * person in the middle). With a hint: the box that overlaps it most, else the nearest.
 */
export function choosePerson(poses: readonly Pose[], hint?: TrackHint): number {
  let best = -1;
  let bestScore = -Infinity;
  poses.forEach((p, i) => {
    const [cx, cy] = centre(p.box);
    let score: number;
    if (hint) {
      const [hx, hy] = centre(hint.box);
      const ix = Math.max(0, Math.min(p.box.xMin + p.box.width, hint.box.xMin + hint.box.width) - Math.max(p.box.xMin, hint.box.xMin));
      const iy = Math.max(0, Math.min(p.box.yMin + p.box.height, hint.box.yMin + hint.box.height) - Math.max(p.box.yMin, hint.box.yMin));
      const union = p.box.width * p.box.height + hint.box.width * hint.box.height - ix * iy;
      score = (union > 0 ? (ix * iy) / union : 0) - Math.hypot(cx - hx, cy - hy);
    } else {
      const area = Math.sqrt(Math.max(p.box.width * p.box.height, 0));
      score = area * (1 - 0.8 * Math.min(1, Math.hypot(cx - 0.5, cy - 0.5) / 0.7)) * (0.5 + 0.5 * p.score);
    }
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

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
