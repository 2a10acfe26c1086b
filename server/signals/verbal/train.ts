// Trains the verbal classifier from labeled rows: seeded split, init, shuffling and feature
// dropout, so the same corpus and seed give the same weights. Adam, class weighting, early
// stopping on the validation macro-F1.
import * as tf from '@tensorflow/tfjs';
import { VERBAL_LABELS, type VerbalLabel } from '../../../protocol/protocol';
import { classificationReport, type ClassificationReport } from '../../eval/metrics';
import { artifactFiles, LEGACY_WEIGHTS_FILE, METRICS_FILE, type ExtraRecord, type Manifest } from './artifact';
import { writeFolderAtomically } from '../modelFolder';
import type { LabeledRow } from './corpus';
import { DENSE_DIM, DEFAULT_FEATURE_CONFIG, featurize, type FeatureConfig, type Featurized } from './features';
import { batchTensors, encodeBatch, forwardHead, forwardLogits, initWeightArrays, WEIGHT_NAMES, weightShapes } from './net';
import type { NetDims, NetWeights, Pooling, WeightArrays } from './net';
import { memberSeed, mulberry32, shuffled, type Rng } from '../random';
import { SparseAdamEmbedding } from './sparseEmbedding';
import type { BackendName } from '../../runtime/backend';
import { defaultTrainWorkers, runMemberJobs } from '../members';

const HEAD = ['w1', 'b1', 'w2', 'b2'] as const;
type HeadName = (typeof HEAD)[number];

export interface TrainOptions {
  seed: number;
  /** Most epochs; early stopping may end sooner. */
  epochs: number;
  /** Epochs without a better validation macro-F1 before stopping. */
  patience: number;
  /** Bag pooling (see net.ts): sqrtn transferred better to real, longer chat turns. */
  pooling: Pooling;
  dim: number;
  hidden: number;
  batchSize: number;
  learningRate: number;
  /** Dropout on the pooled vector before the hidden layer. */
  dropout: number;
  /** Chance of dropping each hashed feature of a training row (never the bias feature). */
  featureDropout: number;
  /** Class weight = (share of the class)^-power, normalised: 0 = none, 1 = fully balanced. */
  classWeightPower: number;
  labelSmoothing: number;
  /** Share of rows held out (stratified by label, whole texts, seeded) for early stopping and metrics. */
  validationFraction: number;
  /**
   * Members trained with different seeds (same split) and merged into one wider network
   * whose logits are the members' mean (see mergeMembers): steadier on real chats than one.
   */
  ensemble: number;
  features: FeatureConfig;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  seed: 7,
  epochs: 20,
  patience: 4,
  pooling: 'sqrtn',
  dim: 8,
  hidden: 128,
  batchSize: 64,
  learningRate: 0.002,
  dropout: 0.4,
  featureDropout: 0.2,
  classWeightPower: 0.5,
  labelSmoothing: 0.05,
  validationFraction: 0.1,
  ensemble: 3,
  features: DEFAULT_FEATURE_CONFIG,
};

export interface TrainResult {
  dims: NetDims;
  features: FeatureConfig;
  weights: WeightArrays;
  validation: ClassificationReport<VerbalLabel>;
  /** Each ensemble member's epochs, in member order: run (early stopping may end it sooner) and best (the weights kept). */
  memberEpochs: { run: number; best: number }[];
  trainRows: number;
  validationRows: number;
  trainingMs: number;
}

/**
 * The key two rows share when they say the same words: NFKC, lower case, letters and digits only.
 * The corpus repeats a text under different previous turns ("ok", 「好的」), so a split by row
 * put the same words on both sides and scored the model on text it had trained on.
 */
export function splitKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Seeded split that keeps every text on one side: rows are grouped by `splitKey`, each group
 * counts for its most frequent label, and about `fraction` of each label's rows go to validation
 * in whole groups. The training seed draws it, so a recipe measured over several seeds is
 * measured over several splits too (one shared split moved every seed's dev figure alike).
 */
export function splitRows<T extends { label: string; text: string }>(rows: readonly T[], fraction: number, seed: number): { train: T[]; val: T[] } {
  const rng = mulberry32(seed ^ 0x5eed);
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const key = splitKey(r.text);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const byLabel = new Map<string, T[][]>();
  const rowsOfLabel = new Map<string, number>();
  for (const g of groups.values()) {
    const counts = new Map<string, number>();
    for (const r of g) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
    const label = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    byLabel.set(label, [...(byLabel.get(label) ?? []), g]);
    rowsOfLabel.set(label, (rowsOfLabel.get(label) ?? 0) + g.length);
  }
  const train: T[] = [];
  const val: T[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const target = rowsOfLabel.get(label)! * fraction;
    let taken = 0;
    for (const g of shuffled(byLabel.get(label)!, rng)) {
      // A group goes to validation while that brings the label's count nearer its share.
      if (Math.abs(taken + g.length - target) < Math.abs(taken - target)) {
        val.push(...g);
        taken += g.length;
      } else train.push(...g);
    }
  }
  return { train, val };
}

function dropFeatures(f: Featurized, p: number, rng: Rng): Featurized {
  if (p <= 0) return f;
  const keep = (ids: number[]): number[] => ids.filter((_, i) => i === 0 || rng() >= p);
  return { utteranceIds: keep(f.utteranceIds), contextIds: keep(f.contextIds), dense: f.dense };
}

function classWeights(labels: readonly number[], power: number): number[] {
  const counts = VERBAL_LABELS.map((_, k) => labels.filter((l) => l === k).length);
  const raw = counts.map((c) => (c === 0 ? 0 : Math.pow(labels.length / (VERBAL_LABELS.length * c), power)));
  const mean = labels.reduce((a, l) => a + raw[l]!, 0) / Math.max(1, labels.length);
  return raw.map((w) => w / (mean || 1));
}

/** Arg-max labels with the inference path (tfjs pooling), so validation scores what ships. */
function predictIndices(weights: WeightArrays, dims: NetDims, feats: readonly Featurized[]): number[] {
  const shapes = weightShapes(dims);
  const net = Object.fromEntries(WEIGHT_NAMES.map((n) => [n, tf.tensor(weights[n], shapes[n])])) as NetWeights;
  const out: number[] = [];
  try {
    for (let i = 0; i < feats.length; i += 2048) {
      const enc = encodeBatch(feats.slice(i, i + 2048), dims);
      const arg = tf.tidy(() => tf.argMax(forwardLogits(net, batchTensors(enc, DENSE_DIM)), 1));
      out.push(...arg.dataSync());
      arg.dispose();
    }
  } finally {
    tf.dispose(Object.values(net));
  }
  return out;
}

interface StepState {
  dims: NetDims;
  options: TrainOptions;
  embedding: SparseAdamEmbedding;
  head: Record<HeadName, tf.Variable>;
  optimizer: tf.Optimizer;
  classWeights: number[];
}

/**
 * One optimisation step; returns the batch loss. Pooling happens in JS so that the loss
 * gradient with respect to each pooled vector can be handed to the sparse embedding update.
 */
function trainStep(st: StepState, feats: readonly Featurized[], ys: readonly number[], seed: number): number {
  const { dims, options: o, embedding, head } = st;
  const uttBags = feats.map((f) => f.utteranceIds);
  const ctxBags = feats.map((f) => f.contextIds);
  const [loss, dUtt, dCtx] = tf.tidy(() => {
    const n = feats.length;
    const pu = tf.tensor2d(embedding.pool(uttBags, dims.pooling), [n, dims.dim]);
    const pc = tf.tensor2d(embedding.pool(ctxBags, dims.pooling), [n, dims.dim]);
    const dense = tf.tensor2d(feats.flatMap((f) => f.dense), [n, DENSE_DIM]);
    const y = tf.oneHot(tf.tensor1d([...ys], 'int32'), VERBAL_LABELS.length);
    const sw = tf.tensor1d(ys.map((l) => st.classWeights[l]!));
    const lossOf = (u: tf.Tensor, c: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(
        y,
        forwardHead({ w1, b1, w2, b2 }, u as tf.Tensor2D, c as tf.Tensor2D, dense, { dropout: { rate: o.dropout, seed } }),
        sw,
        o.labelSmoothing,
      );
    const { value, grads } = tf.valueAndGrads(lossOf)([pu, pc, ...HEAD.map((h) => head[h])]);
    st.optimizer.applyGradients(HEAD.map((h, k) => ({ name: head[h].name, tensor: grads[k + 2]! })));
    return [value, grads[0]!, grads[1]!];
  });
  embedding.applyPooledGradient(uttBags, dUtt.dataSync(), dims.pooling);
  embedding.applyPooledGradient(ctxBags, dCtx.dataSync(), dims.pooling);
  const value = loss.dataSync()[0]!;
  tf.dispose([loss, dUtt, dCtx]);
  return value;
}

export interface TrainHooks {
  log?: (line: string) => void;
  /**
   * Worker threads the members train on (default one per core; 1 trains them in this
   * thread). The weights are the same bytes either way.
   */
  workers?: number;
  /** The tfjs backend the workers use (default: this thread's, as initTf chose it). */
  backend?: BackendName;
  /**
   * Called after each epoch of each member (1-based), with its validation macro-F1: how the
   * server's training jobs report progress. Only members trained in this thread report
   * (`workers: 1`); members in worker threads report through `log` alone.
   */
  epochDone?: (p: EpochProgress) => void;
}

export interface EpochProgress {
  member: number;
  members: number;
  epoch: number;
  epochs: number;
  macroF1: number;
}

export { memberSeed };

/**
 * Merges members of the same dims into one network of width n*dim / n*hidden whose logits are
 * the mean of the members' logits: embeddings side by side, w1 block-diagonal per member (the
 * dense rows stacked side by side), w2 stacked and divided by n, b2 averaged.
 */
export function mergeMembers(members: readonly WeightArrays[], d: NetDims): { dims: NetDims; weights: WeightArrays } {
  const n = members.length;
  if (n === 1) return { dims: d, weights: members[0]! };
  const dims: NetDims = { ...d, dim: d.dim * n, hidden: d.hidden * n };
  const shapes = weightShapes(dims);
  const size = (name: keyof WeightArrays): number => shapes[name].reduce((a, b) => a * b, 1);
  const embedding = new Float32Array(size('embedding'));
  const w1 = new Float32Array(size('w1'));
  const b1 = new Float32Array(size('b1'));
  const w2 = new Float32Array(size('w2'));
  const b2 = new Float32Array(size('b2'));
  const H = dims.hidden;
  members.forEach((m, k) => {
    for (let r = 0; r < d.buckets; r++) embedding.set(m.embedding.subarray(r * d.dim, (r + 1) * d.dim), r * dims.dim + k * d.dim);
    // Member input rows: utterance [0, dim), context [dim, 2 dim), dense [2 dim, 2 dim + dense).
    const inRow = (i: number): number => (i < d.dim ? k * d.dim + i : i < 2 * d.dim ? dims.dim + k * d.dim + (i - d.dim) : 2 * dims.dim + (i - 2 * d.dim));
    for (let i = 0; i < 2 * d.dim + d.dense; i++) {
      w1.set(m.w1.subarray(i * d.hidden, (i + 1) * d.hidden), inRow(i) * H + k * d.hidden);
    }
    b1.set(m.b1, k * d.hidden);
    for (let j = 0; j < d.hidden * d.labels; j++) w2[k * d.hidden * d.labels + j] = m.w2[j]! / n;
    for (let j = 0; j < d.labels; j++) b2[j] = b2[j]! + m.b2[j]! / n;
  });
  return { dims, weights: { embedding, w1, b1, w2, b2 } };
}

interface Prepared {
  feats: Featurized[];
  labels: number[];
}

export interface MemberResult {
  weights: WeightArrays;
  bestEpoch: number;
  epochsRun: number;
}

/** How member k's log lines begin, as posture's: `member 2/3: ` (none for a single network). */
const memberPrefix = (k: number, o: TrainOptions): string => (o.ensemble > 1 ? `member ${k + 1}/${o.ensemble}: ` : '');

function trainMember(
  tr: Prepared,
  va: Prepared,
  dims: NetDims,
  o: TrainOptions,
  k: number,
  log: (line: string) => void,
  epochDone?: (p: EpochProgress) => void,
): MemberResult {
  const seed = memberSeed(o.seed, k);
  const prefix = memberPrefix(k, o);
  const weightsPerClass = classWeights(tr.labels, o.classWeightPower);
  const init = initWeightArrays(dims, seed);
  const shapes = weightShapes(dims);
  const embedding = new SparseAdamEmbedding(dims.buckets, dims.dim, { learningRate: o.learningRate }, init.embedding);
  const head = Object.fromEntries(HEAD.map((n) => [n, tf.variable(tf.tensor(init[n], shapes[n]), true)])) as Record<HeadName, tf.Variable>;
  const optimizer = tf.train.adam(o.learningRate);
  const state: StepState = { dims, options: o, embedding, head, optimizer, classWeights: weightsPerClass };
  const rng = mulberry32(seed);
  const snapshot = (): WeightArrays => ({
    embedding: new Float32Array(embedding.table),
    ...(Object.fromEntries(HEAD.map((n) => [n, new Float32Array(head[n].dataSync())])) as Record<HeadName, Float32Array>),
  });
  let best: { f1: number; epoch: number; weights: WeightArrays } | undefined;
  let epoch = 0;
  let step = 0;
  try {
    for (epoch = 1; epoch <= o.epochs; epoch++) {
      const order = shuffled([...tr.labels.keys()], rng);
      let lossSum = 0;
      let batches = 0;
      for (let b = 0; b < order.length; b += o.batchSize) {
        const idx = order.slice(b, b + o.batchSize);
        const feats = idx.map((i) => dropFeatures(tr.feats[i]!, o.featureDropout, rng));
        lossSum += trainStep(state, feats, idx.map((i) => tr.labels[i]!), seed * 100_003 + step);
        batches++;
        step++;
      }
      const evalSet = va.feats.length ? va : tr;
      const weights = snapshot();
      const report = scoreOn(weights, dims, evalSet);
      log(`${prefix}epoch ${epoch}/${o.epochs}: loss ${(lossSum / batches).toFixed(4)}, validation macro-F1 ${report.macroF1.toFixed(3)}, accuracy ${report.accuracy.toFixed(3)}`);
      epochDone?.({ member: k + 1, members: Math.max(1, Math.floor(o.ensemble)), epoch, epochs: o.epochs, macroF1: report.macroF1 });
      if (!best || report.macroF1 > best.f1) best = { f1: report.macroF1, epoch, weights };
      else if (epoch - best.epoch >= o.patience) break;
    }
  } finally {
    optimizer.dispose();
    for (const n of HEAD) head[n].dispose();
  }
  return { weights: best!.weights, bestEpoch: best!.epoch, epochsRun: Math.min(epoch, o.epochs) };
}

function scoreOn(weights: WeightArrays, dims: NetDims, set: Prepared): ClassificationReport<VerbalLabel> {
  const pred = predictIndices(weights, dims, set.feats);
  return classificationReport(
    VERBAL_LABELS,
    set.labels.map((l) => VERBAL_LABELS[l]!),
    pred.map((p) => VERBAL_LABELS[p]!),
  );
}

interface PreparedTraining {
  train: LabeledRow[];
  val: LabeledRow[];
  tr: Prepared;
  va: Prepared;
  memberDims: NetDims;
}

/** The seeded split and featurised rows every member trains on (the same in every thread). */
function prepareTraining(rows: readonly LabeledRow[], o: TrainOptions): PreparedTraining {
  const labelIndex = (l: VerbalLabel): number => VERBAL_LABELS.indexOf(l);
  const { train, val } = splitRows(rows, o.validationFraction, o.seed);
  if (train.length === 0) throw new Error('no training rows');
  const prep = (rs: readonly LabeledRow[]): Prepared => ({
    feats: rs.map((r) => featurize({ text: r.text, ...(r.context !== undefined ? { context: r.context } : {}) }, o.features)),
    labels: rs.map((r) => labelIndex(r.label)),
  });
  const memberDims: NetDims = { buckets: o.features.buckets, pooling: o.pooling, dim: o.dim, hidden: o.hidden, dense: DENSE_DIM, labels: VERBAL_LABELS.length };
  return { train, val, tr: prep(train), va: prep(val), memberDims };
}

/** Member k of the ensemble (what a worker thread runs). Call initTf() first. */
export function trainVerbalMember(rows: readonly LabeledRow[], o: TrainOptions, k: number, log: (line: string) => void): MemberResult {
  const { tr, va, memberDims } = prepareTraining(rows, o);
  return trainMember(tr, va, memberDims, o, k, log);
}

/** Trains on `rows` (all treated as customer turns). Call initTf() first. */
export async function trainVerbal(rows: readonly LabeledRow[], options: Partial<TrainOptions> = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const t0 = Date.now();
  const log = hooks.log ?? (() => undefined);
  const n = Math.max(1, Math.floor(o.ensemble));
  const workers = Math.min(n, hooks.workers ?? defaultTrainWorkers());
  const inWorkers =
    workers > 1
      ? runMemberJobs(
          Array.from({ length: n }, (_, k) => ({ kind: 'verbal' as const, k, rows, options: o })),
          { workers, backend: hooks.backend ?? (tf.getBackend() as BackendName), log },
        )
      : undefined;
  inWorkers?.catch(() => undefined); // awaited below, after this thread's own preparation
  const { train, val, tr, va, memberDims } = prepareTraining(rows, o);
  const trained = inWorkers ? await inWorkers : Array.from({ length: n }, (_, k) => trainMember(tr, va, memberDims, o, k, log, hooks.epochDone));
  const { dims, weights } = mergeMembers(trained.map((m) => m.weights), memberDims);
  const validation = scoreOn(weights, dims, va.feats.length ? va : tr);
  return {
    dims,
    features: o.features,
    weights,
    validation,
    memberEpochs: trained.map((m) => ({ run: m.epochsRun, best: m.bestEpoch })),
    trainRows: train.length,
    validationRows: val.length,
    trainingMs: Date.now() - t0,
  };
}

export interface SaveInfo {
  corpus: { path: string; sha256: string; rows: number };
  /** The files `train verbal --extra` added to the corpus, recorded in the manifest and metrics; absent without them. */
  extra?: ExtraRecord;
  seed: number;
  options: TrainOptions;
  date: Date;
  /** More files written into the folder with the model, in the same atomic write (a server job's trained-rows.json). */
  files?: Readonly<Record<string, string>>;
}

/**
 * Writes weights, manifest and metrics.json (validation-split scores) into `outDir`, atomically
 * (see writeFolderAtomically): an interrupted write leaves the folder as it was.
 */
export function saveTrainedModel(outDir: string, result: TrainResult, info: SaveInfo): Manifest {
  const { manifest, files } = artifactFiles({
    dims: result.dims, features: result.features, weights: result.weights, date: info.date, ...(info.extra !== undefined ? { extra: info.extra } : {}),
  });
  const round = (x: number): number => Math.round(x * 10_000) / 10_000;
  const v = result.validation;
  const metrics = {
    version: manifest.version,
    split: `validation: ${Math.round(info.options.validationFraction * 100)} % of the corpus, stratified by label, each text on one side only (drawn by the seed)`,
    macroF1: round(v.macroF1),
    accuracy: round(v.accuracy),
    perLabel: Object.fromEntries(
      v.labels.map((l) => {
        const s = v.perLabel[l];
        return [l, { precision: round(s.precision), recall: round(s.recall), f1: round(s.f1), support: s.support }];
      }),
    ),
    confusion: { labels: v.labels, matrix: v.confusion },
    corpus: info.corpus,
    // Only with extra files, so a corpus-only model's metrics.json stays as it was; trainRows and
    // validationRows then count each extra row `weight` times, as training did.
    ...(info.extra !== undefined ? { extra: info.extra } : {}),
    trainRows: result.trainRows,
    validationRows: result.validationRows,
    seed: info.seed,
    // Every member's: each stops early on its own (the first member's alone read as the run's).
    epochs: { max: info.options.epochs, members: result.memberEpochs },
    trainingMs: result.trainingMs,
    options: { ...info.options, features: result.features },
  };
  files.set(METRICS_FILE, JSON.stringify(metrics, null, 2) + '\n');
  for (const [name, text] of Object.entries(info.files ?? {})) files.set(name, text);
  // A server job's trained-rows.json left in a folder retrained without one would name turns this model never saw.
  writeFolderAtomically(outDir, files, [LEGACY_WEIGHTS_FILE, 'trained-rows.json']);
  return manifest;
}
