// Coaches' labelled frames as posture training examples (`train posture --extra FILE`): each
// landmark row's single-frame features, measured as the classifier measures a photo (no
// baseline), with multi-label targets: a label given is 1, every other model label 0.
import { computeFeatures, FEATURE_COUNT, featureValue } from './features';
import { PostureEvalError, type PostureLabelRow } from './labelRows';
import type { SynthDataset } from './synth';
import { MAIN_LABELS, MODEL_LABELS, type ModelLabel } from './types';

/** Examples in the trainer's layout: n × FEATURE_COUNT inputs, n × labels targets and masks. */
export interface ExtraExamples {
  n: number;
  x: Float32Array;
  y: Float32Array;
  mask: Float32Array;
}

/** Extra examples and how many times each counts (`--extra-weight`). */
export interface PostureExtra {
  examples: ExtraExamples;
  weight: number;
}

/**
 * Refuses, naming the line, what cannot be trained on: a photo row (it has no landmarks until a
 * pose model has read it), `nodding` (movement over time; no frame shows it, and the classifier
 * has no such output), and `neutral` beside a main label (neutral means none of them).
 */
export function checkTrainingRows(rows: readonly PostureLabelRow[], source: string): void {
  for (const row of rows) {
    const fail = (problem: string): never => {
      throw new PostureEvalError(source, row.line, problem);
    };
    if (row.kind === 'photo') {
      fail(`train on landmark rows; photos need a pose estimate first — this row holds a photo ("file"), not "landmarks" (coaches' posture labels, GET /api/posture-labels, give landmark rows)`);
    }
    if (row.labels.includes('nodding')) fail('field "labels": "nodding" is movement over time, which no single frame shows; the posture classifier does not learn it (remove it from the row)');
    const main = MAIN_LABELS.filter((l) => row.labels.includes(l));
    if (row.labels.includes('neutral') && main.length) fail(`field "labels": "neutral" means none of ${MAIN_LABELS.join(', ')}, and the row also says ${main.join(', ')}`);
  }
}

/**
 * The rows' examples, in row order, and the lines of rows whose pose cannot be measured (the
 * shoulders unseen: the classifier would find no person in them either), which are left out.
 * Targets: a label present is 1, the other model labels 0 (`neutral` alone: all 0). Crossed legs
 * not labelled on a frame whose knees are out of view is unknown, not absent: no loss, as the
 * synthetic examples treat legs the camera cannot see.
 */
export function extraExamples(rows: readonly PostureLabelRow[]): { examples: ExtraExamples; unusable: number[] } {
  const L = MODEL_LABELS.length;
  const kept: { x: Float32Array; y: number[]; mask: number[] }[] = [];
  const unusable: number[] = [];
  for (const row of rows) {
    if (row.kind !== 'landmarks') throw new Error(`line ${row.line} is a photo row; checkTrainingRows refuses those first`);
    const feats = computeFeatures(row.pose, row.aspect !== undefined ? { aspect: row.aspect } : {});
    if (!feats) {
      unusable.push(row.line);
      continue;
    }
    const has = (l: ModelLabel): boolean => (row.labels as readonly string[]).includes(l);
    const kneesSeen = featureValue(feats.values, 'kneesOk') > 0;
    kept.push({
      x: feats.values,
      y: MODEL_LABELS.map((l) => (has(l) ? 1 : 0)),
      mask: MODEL_LABELS.map((l) => (l === 'legs_crossed' && !has(l) && !kneesSeen ? 0 : 1)),
    });
  }
  const n = kept.length;
  const examples: ExtraExamples = { n, x: new Float32Array(n * FEATURE_COUNT), y: new Float32Array(n * L), mask: new Float32Array(n * L) };
  kept.forEach((e, i) => {
    examples.x.set(e.x, i * FEATURE_COUNT);
    examples.y.set(e.y, i * L);
    examples.mask.set(e.mask, i * L);
  });
  return { examples, unusable };
}

/**
 * A member's synthetic draw, then the extra examples, each `weight` times in a row (a copy is how
 * an example counts N times in the loss and the batches). With no extra examples it is `synth`
 * itself, so training without --extra sees exactly the examples, in the order, it always did.
 * Extra examples count as frontal in `view`, which only the validation set's figures read.
 */
export function withExtraExamples(synth: SynthDataset, extra: PostureExtra | undefined): SynthDataset {
  if (!extra || extra.examples.n === 0) return synth;
  const { examples: e, weight } = extra;
  if (!Number.isInteger(weight) || weight < 1) throw new Error(`extra examples' weight must be a whole number from 1, got ${weight}`);
  const L = MODEL_LABELS.length;
  const n = synth.n + e.n * weight;
  const out: SynthDataset = { n, x: new Float32Array(n * FEATURE_COUNT), y: new Float32Array(n * L), mask: new Float32Array(n * L), view: new Uint8Array(n) };
  out.x.set(synth.x);
  out.y.set(synth.y);
  out.mask.set(synth.mask);
  out.view.set(synth.view);
  let at = synth.n;
  for (let i = 0; i < e.n; i++) {
    for (let k = 0; k < weight; k++, at++) {
      out.x.set(e.x.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), at * FEATURE_COUNT);
      out.y.set(e.y.subarray(i * L, (i + 1) * L), at * L);
      out.mask.set(e.mask.subarray(i * L, (i + 1) * L), at * L);
    }
  }
  return out;
}
