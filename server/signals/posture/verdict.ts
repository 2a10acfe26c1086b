// One photo's people as a plain, rounded answer (what `analyze` prints and POST /api/photos
// returns): for each person their box, the labels that pass the thresholds, every score and the
// torso lean. Classification is classifyPhoto's: no baseline, no time.
import type { PostureLabel } from './types';
import type { Pose } from '../pose/types';
import type { PostureClassifier } from './model';
import { classifyPhoto } from './photo';

export interface PersonVerdict {
  /** Normalised to the image (0..1). */
  box: { xMin: number; yMin: number; width: number; height: number };
  labels: PostureLabel[];
  /** Every label's probability, plus neutral = 1 - the largest main-label probability. */
  scores: Record<string, number>;
  /** Degrees from upright, positive forward. */
  torsoLeanDeg: number;
  /** The pose model's confidence in this person. */
  poseScore: number;
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** Each pose judged on its own (in the given order); a pose too incomplete to judge is left out. */
export function judgePeople(classifier: PostureClassifier, poses: readonly Pose[], aspect: number): PersonVerdict[] {
  return poses.flatMap((p) => {
    const r = classifyPhoto(classifier, [p], { aspect });
    if (!r) return [];
    return [
      {
        box: { xMin: r3(p.box.xMin), yMin: r3(p.box.yMin), width: r3(p.box.width), height: r3(p.box.height) },
        labels: r.labels,
        scores: Object.fromEntries(Object.entries(r.scores).map(([k, v]) => [k, r3(v)])),
        torsoLeanDeg: Math.round(r.torsoLeanDeg * 10) / 10,
        poseScore: r3(p.score),
      },
    ];
  });
}

/** One line per person: "person 1 (box 0.21,0.05 0.52×0.93): arms_crossed 0.93, leaning_back 0.71 · lean -12.0°". */
export function formatVerdicts(verdicts: readonly PersonVerdict[]): string[] {
  if (verdicts.length === 0) return ['no person found'];
  return verdicts.map((v, i) => {
    const b = v.box;
    const shown = v.labels.map((l) => `${l} ${(v.scores[l] ?? 0).toFixed(2)}`).join(', ');
    return `person ${i + 1} (box ${b.xMin.toFixed(2)},${b.yMin.toFixed(2)} ${b.width.toFixed(2)}×${b.height.toFixed(2)}): ${shown} · lean ${v.torsoLeanDeg.toFixed(1)}°`;
  });
}
