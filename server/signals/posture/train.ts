// Trains the posture MLP on the synthetic skeleton data (never on real photos), plus, with
// `train posture --extra`, coaches' labelled frames (extraExamples.ts) in every member's
// training set: seeded generation, init and shuffling, Adam on a masked sigmoid cross-entropy
// (labels that are not observable in an example, like crossed legs out of frame, carry no loss).
import * as tf from '@tensorflow/tfjs';
import { METRICS_FILE, saveArtifact, type PostureArtifact, type PostureManifest } from './artifact';
import type { ExtraRecord } from '../extraRecord';
import { withExtraExamples, type PostureExtra } from './extraExamples';
import { FEATURE_COUNT } from './features';
import { forwardLogits, initWeights, weightShapes, type MlpDims } from './net';
import { generateDataset, type SynthDataset } from './synth';
import { MODEL_LABELS } from './types';
import { memberSeed, mulberry32, shuffled } from '../random';
import type { BackendName } from '../../runtime/backend';
import { defaultTrainWorkers, runMemberJobs } from '../members';

export interface PostureTrainOptions {
  seed: number;
  trainExamples: number;
  validationExamples: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  hidden: number[];
  dropout: number;
  /**
   * Members trained from different seeds (synthetic draw, init, shuffling, dropout) and merged
   * into one wider network whose logits are their mean (mergeMembers): one seed's quirks move
   * single real photos across a threshold; the mean moves fewer.
   */
  members: number;
}

export const DEFAULT_POSTURE_TRAIN_OPTIONS: PostureTrainOptions = {
  seed: 20261128,
  trainExamples: 60_000,
  validationExamples: 8_000,
  epochs: 14,
  batchSize: 256,
  learningRate: 0.003,
  hidden: [96, 48],
  dropout: 0.1,
  members: 3,
};

export interface LabelMetrics { precision: number; recall: number; f1: number; support: number; threshold: number }
export type ValidationMetrics = Record<string, LabelMetrics & { byView: Record<string, number> }>;

export interface PostureTrainResult {
  artifact: PostureArtifact;
  validation: ValidationMetrics;
  trainingMs: number;
  options: PostureTrainOptions;
  /** Extra examples in each member's training set (each counted `weight` times); 0 without --extra. */
  extraExamples: number;
}

function standardiser(d: SynthDataset): { mean: number[]; std: number[] } {
  const mean = new Array<number>(FEATURE_COUNT).fill(0);
  const sq = new Array<number>(FEATURE_COUNT).fill(0);
  for (let i = 0; i < d.n; i++) for (let j = 0; j < FEATURE_COUNT; j++) { const v = d.x[i * FEATURE_COUNT + j]!; mean[j]! += v; sq[j]! += v * v; }
  return {
    mean: mean.map((m) => m / d.n),
    // Constant features (flags that never fire) keep std 1 so they do not blow up.
    std: sq.map((s, j) => { const v = s / d.n - (mean[j]! / d.n) ** 2; return v > 1e-8 ? Math.sqrt(v) : 1; }),
  };
}

function rows(src: Float32Array, idx: readonly number[], width: number): Float32Array {
  const out = new Float32Array(idx.length * width);
  idx.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/**
 * Metrics at the best-F1 threshold in [0.45, 0.7]: synthetic examples are cleaner than real
 * ones, so a synthetic optimum far below 0.5 buys recall on paper and false cues in use.
 */
export function evaluate(probs: Float32Array, d: SynthDataset): ValidationMetrics {
  const L = MODEL_LABELS.length;
  const out: ValidationMetrics = {};
  MODEL_LABELS.forEach((label, k) => {
    const stats = (th: number, view?: number) => {
      let tp = 0, fp = 0, fn = 0;
      for (let i = 0; i < d.n; i++) {
        if (!d.mask[i * L + k] || (view !== undefined && d.view[i] !== view)) continue;
        const y = d.y[i * L + k]! > 0.5, p = probs[i * L + k]! >= th;
        if (p && y) tp++; else if (p) fp++; else if (y) fn++;
      }
      const precision = tp + fp ? tp / (tp + fp) : 0, recall = tp + fn ? tp / (tp + fn) : 0;
      return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support: tp + fn };
    };
    let best = { th: 0.5, f1: -1 };
    for (let th = 0.45; th <= 0.701; th += 0.05) { const s = stats(th); if (s.f1 > best.f1) best = { th: Math.round(th * 100) / 100, f1: s.f1 }; }
    const byView = { frontal: stats(best.th, 0).f1, threeQuarter: stats(best.th, 1).f1, side: stats(best.th, 2).f1 };
    out[label] = { ...stats(best.th), threshold: best.th, byView };
  });
  return out;
}

export { memberSeed };

/**
 * Merges members of the same dims into one MLP whose logits are the mean of theirs: the
 * first layer's units side by side, every later hidden layer block-diagonal (member k only
 * feeds member k), the output layer stacked and divided by n, its bias averaged.
 */
export function mergeMembers(members: readonly Float32Array[][], d: MlpDims): { dims: MlpDims; weights: Float32Array[] } {
  const n = members.length;
  if (n === 1) return { dims: d, weights: members[0]! };
  const dims: MlpDims = { ...d, hidden: d.hidden.map((h) => h * n) };
  const sizes = [d.inputs, ...d.hidden, d.outputs];
  const merged = weightShapes(dims).map(({ shape }) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  const layers = sizes.length - 1;
  for (let l = 0; l < layers; l++) {
    const [inn, out] = [sizes[l]!, sizes[l + 1]!];
    const first = l === 0, last = l === layers - 1;
    const mergedOut = last ? out : out * n;
    const w = merged[2 * l]!, b = merged[2 * l + 1]!;
    members.forEach((m, k) => {
      const mw = m[2 * l]!, mb = m[2 * l + 1]!;
      for (let i = 0; i < inn; i++) {
        const row = first ? i : k * inn + i;
        for (let j = 0; j < out; j++) {
          if (last) w[row * mergedOut + j] = mw[i * out + j]! / n;
          else w[row * mergedOut + k * out + j] = mw[i * out + j]!;
        }
      }
      for (let j = 0; j < out; j++) {
        if (last) b[j]! += mb[j]! / n;
        else b[k * out + j] = mb[j]!;
      }
    });
  }
  return { dims, weights: merged };
}

/** A member's epoch finished (a server job's progress). */
export interface PostureEpochProgress {
  /** 1-based, of `members`. */
  member: number;
  members: number;
  /** 1-based, of `epochs`. */
  epoch: number;
  epochs: number;
}

/** One member: Adam on the masked sigmoid cross-entropy, seeded init, shuffling and dropout. */
function trainMember(
  train: SynthDataset,
  norm: { mean: number[]; std: number[] },
  dims: MlpDims,
  opts: PostureTrainOptions,
  seed: number,
  log: (line: string) => void,
  epochDone?: (epoch: number) => void,
): Float32Array[] {
  const L = MODEL_LABELS.length;
  const shapes = weightShapes(dims);
  const vars = initWeights(dims, seed).map((w, i) => tf.variable(tf.tensor(w, shapes[i]!.shape)));
  const normT = { mean: tf.tensor1d(norm.mean), std: tf.tensor1d(norm.std) };
  const fast = tf.train.adam(opts.learningRate);
  const slow = tf.train.adam(opts.learningRate / 4);
  const rng = mulberry32(seed ^ 0x5eed);
  const order = Array.from({ length: train.n }, (_, i) => i);
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    // A smaller step for the last third settles the weights without more epochs.
    const optimizer = epoch > (opts.epochs * 2) / 3 ? slow : fast;
    const idx = shuffled(order, rng);
    let lossSum = 0, batches = 0;
    for (let b = 0; b < idx.length; b += opts.batchSize) {
      const batch = idx.slice(b, b + opts.batchSize);
      const x = tf.tensor2d(rows(train.x, batch, FEATURE_COUNT), [batch.length, FEATURE_COUNT]);
      const y = tf.tensor2d(rows(train.y, batch, L), [batch.length, L]);
      const m = tf.tensor2d(rows(train.mask, batch, L), [batch.length, L]);
      const loss = optimizer.minimize(() => {
        const logits = forwardLogits(vars, normT, x, opts.dropout, seed + epoch * 7919 + b);
        return tf.losses.sigmoidCrossEntropy<tf.Tensor2D, tf.Scalar>(y, logits, m, 0.02);
      }, true);
      lossSum += loss!.dataSync()[0]!;
      batches++;
      tf.dispose([x, y, m, loss!]);
    }
    log(`epoch ${epoch}/${opts.epochs}: loss ${(lossSum / batches).toFixed(4)}`);
    epochDone?.(epoch);
  }
  const weights = vars.map((v) => v.dataSync().slice() as Float32Array);
  tf.dispose([normT.mean, normT.std, ...vars]);
  fast.dispose();
  slow.dispose();
  return weights;
}

/**
 * Member k's training set: its synthetic draw (member 0 the seed's own, the others their member
 * seed's), then the extra examples; without them, the synthetic draw itself.
 */
function memberData(opts: PostureTrainOptions, k: number, extra?: PostureExtra): SynthDataset {
  return withExtraExamples(generateDataset(k === 0 ? opts.seed : memberSeed(opts.seed, k), opts.trainExamples), extra);
}

/** Member k of the ensemble (what a worker thread runs). Call initTf() first. */
export function trainPostureMember(
  opts: PostureTrainOptions,
  norm: { mean: number[]; std: number[] },
  k: number,
  log: (line: string) => void,
  extra?: PostureExtra,
  epochDone?: (p: PostureEpochProgress) => void,
): Float32Array[] {
  const memberDims: MlpDims = { inputs: FEATURE_COUNT, hidden: opts.hidden, outputs: MODEL_LABELS.length };
  const prefix = opts.members > 1 ? `member ${k + 1}/${opts.members}: ` : '';
  const members = Math.max(1, opts.members);
  return trainMember(memberData(opts, k, extra), norm, memberDims, opts, memberSeed(opts.seed, k), (line) => log(prefix + line), epochDone && ((epoch) => epochDone({ member: k + 1, members, epoch, epochs: opts.epochs })));
}

/**
 * Trains the members (on `workers` threads, default one per core; 1 trains them in this
 * thread, with the same bytes as the result) and merges them. Call initTf() first.
 * `run.extra`: examples added to every member's training set (never to validation, which stays
 * synthetic: it picks the thresholds, and coaches' rows are measured with eval posture on rows
 * kept out of training). `run.epochDone` hears each member's epochs when they train in this
 * thread (`workers: 1`; a server job's progress).
 */
export async function trainPosture(
  opts: PostureTrainOptions = DEFAULT_POSTURE_TRAIN_OPTIONS,
  log: (line: string) => void = () => {},
  run: { workers?: number; backend?: BackendName; extra?: PostureExtra; epochDone?: (p: PostureEpochProgress) => void } = {},
): Promise<PostureTrainResult> {
  const started = Date.now();
  const extra = run.extra && run.extra.examples.n > 0 ? run.extra : undefined;
  // The standardiser is member 0's training set's, extra examples included.
  const train = memberData(opts, 0, extra);
  const val = generateDataset(opts.seed ^ 0x7a11, opts.validationExamples);
  // Every member shares member 0's standardiser, which is only a fixed affine map of the inputs.
  const norm = standardiser(train);
  const memberDims: MlpDims = { inputs: FEATURE_COUNT, hidden: opts.hidden, outputs: MODEL_LABELS.length };
  const n = Math.max(1, opts.members);
  const workers = Math.min(n, run.workers ?? defaultTrainWorkers());
  // Each member sees its own synthetic draw (same recipe, its own seed).
  const members =
    workers > 1
      ? await runMemberJobs(
          Array.from({ length: n }, (_, k) => ({ kind: 'posture' as const, k, options: opts, norm, ...(extra ? { extra } : {}) })),
          { workers, backend: run.backend ?? (tf.getBackend() as BackendName), log },
        )
      : Array.from({ length: n }, (_, k) => trainPostureMember(opts, norm, k, log, extra, run.epochDone));
  const { dims, weights } = mergeMembers(members, memberDims);
  const shapes = weightShapes(dims);
  const probs = tf.tidy(() => {
    const w = weights.map((a, i) => tf.tensor(a, shapes[i]!.shape));
    const normT = { mean: tf.tensor1d(norm.mean), std: tf.tensor1d(norm.std) };
    return tf.sigmoid(forwardLogits(w, normT, tf.tensor2d(val.x, [val.n, FEATURE_COUNT])));
  });
  const validation = evaluate(probs.dataSync() as Float32Array, val);
  probs.dispose();
  const thresholds = MODEL_LABELS.map((l) => validation[l]!.threshold);
  return { artifact: { dims, standardiser: norm, thresholds, weights }, validation, trainingMs: Date.now() - started, options: opts, extraExamples: extra ? extra.examples.n : 0 };
}

/**
 * Writes weights, manifest and metrics.json (synthetic validation figures, seed, version), and,
 * for a model trained with --extra, the extra files' record in both; without, neither changes.
 * `files`: more files for the folder (a server job's trained-frames.json).
 */
export function saveTrainedPosture(dir: string, r: PostureTrainResult, date: Date, extra?: ExtraRecord, files: Record<string, string> = {}): PostureManifest {
  return saveArtifact(dir, r.artifact, { seed: r.options.seed, date, ...(extra ? { extra } : {}) }, (manifest) => {
    const metrics = {
      version: manifest.version,
      seed: r.options.seed,
      data: extra
        ? 'synthetic skeleton (server/signals/posture/synth.ts) and the landmark rows of the extra files (coaches\' labelled frames); no photos used'
        : 'synthetic skeleton (server/signals/posture/synth.ts); no real photos or keypoints used',
      ...(extra ? { extra, extraExamples: r.extraExamples } : {}),
      options: r.options,
      trainingMs: r.trainingMs,
      syntheticValidation: r.validation,
    };
    return { ...files, [METRICS_FILE]: JSON.stringify(metrics, null, 2) + '\n' };
  });
}

/**
 * What `buying-signals train posture` runs: trains from the seed and writes models/posture/
 * (or `outDir`). Call initTf() first; wasm takes about two minutes on one core (three members).
 */
export async function trainPostureToDir(
  outDir: string,
  opts: Partial<PostureTrainOptions> = {},
  log: (line: string) => void = () => {},
  date = new Date(),
  run: { workers?: number; extra?: PostureExtra & { record: ExtraRecord } } = {},
): Promise<PostureManifest> {
  const options = { ...DEFAULT_POSTURE_TRAIN_OPTIONS, ...opts };
  const extra = run.extra;
  const fromExtra = extra ? ` and ${extra.examples.n}${extra.weight > 1 ? ` × ${extra.weight}` : ''} extra examples from ${extra.record.files.length} file${extra.record.files.length === 1 ? '' : 's'}` : '';
  log(`training posture on ${options.trainExamples} synthetic examples${fromExtra} (seed ${options.seed}, ${options.epochs} epochs)`);
  const result = await trainPosture(options, log, { ...(run.workers !== undefined ? { workers: run.workers } : {}), ...(extra ? { extra: { examples: extra.examples, weight: extra.weight } } : {}) });
  const manifest = saveTrainedPosture(outDir, result, date, extra?.record);
  const f1 = MODEL_LABELS.map((l) => `${l} ${result.validation[l]!.f1.toFixed(3)}`).join(', ');
  log(`wrote ${manifest.version} to ${outDir} in ${(result.trainingMs / 1000).toFixed(1)} s; synthetic validation F1: ${f1}`);
  return manifest;
}
