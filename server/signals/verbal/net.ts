// The raw network: weight shapes and initialisation, packing featurised inputs into flat
// arrays, and the forward pass in tfjs core ops. Nothing here knows about text or labels.
//
//   utterance ids ─ pooled embedding rows ─┐
//   context ids   ─ pooled embedding rows ─┼─ concat ─ dense+relu ─ dense ─ logits
//   dense features ─────────────────────────┘
import * as tf from '@tensorflow/tfjs';
import type { Featurized } from './features';
import { gaussian, mulberry32 } from '../random';

/**
 * How a bag of embedding rows becomes one vector: `mean` = sum / n; `sqrtn` = sum / sqrt(n),
 * which dilutes one telling n-gram less in a long utterance (real chat turns are often long
 * and mix a buying signal with small talk).
 */
export type Pooling = 'mean' | 'sqrtn';
export const POOLINGS: readonly Pooling[] = ['mean', 'sqrtn'];

/** The factor a bag of n rows is scaled by after summing. */
export function poolScale(pooling: Pooling, n: number): number {
  const k = Math.max(1, n);
  return pooling === 'mean' ? 1 / k : 1 / Math.sqrt(k);
}

export interface NetDims {
  buckets: number;
  pooling: Pooling;
  /** Embedding width. */
  dim: number;
  hidden: number;
  dense: number;
  labels: number;
}

export const WEIGHT_NAMES = ['embedding', 'w1', 'b1', 'w2', 'b2'] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];
export type NetWeights = Record<WeightName, tf.Tensor>;
export type WeightArrays = Record<WeightName, Float32Array>;

export function weightShapes(d: NetDims): Record<WeightName, number[]> {
  return {
    embedding: [d.buckets, d.dim],
    w1: [2 * d.dim + d.dense, d.hidden],
    b1: [d.hidden],
    w2: [d.hidden, d.labels],
    b2: [d.labels],
  };
}

/**
 * Seeded initial weights. The embedding starts at zero (the hidden layer is random, so its
 * gradient is not symmetric): buckets that no training feature reaches stay zero and add no
 * noise for unseen n-grams at inference.
 */
export function initWeightArrays(d: NetDims, seed: number): WeightArrays {
  const rng = mulberry32(seed);
  const shapes = weightShapes(d);
  const he = (fanIn: number, n: number): Float32Array => {
    const a = new Float32Array(n);
    const s = Math.sqrt(2 / fanIn);
    for (let i = 0; i < n; i++) a[i] = gaussian(rng) * s;
    return a;
  };
  const size = (n: WeightName): number => shapes[n].reduce((x, y) => x * y, 1);
  return {
    embedding: new Float32Array(size('embedding')),
    w1: he(2 * d.dim + d.dense, size('w1')),
    b1: new Float32Array(size('b1')),
    w2: he(d.hidden, size('w2')),
    b2: new Float32Array(size('b2')),
  };
}

/** Featurised inputs flattened for sparse segment ops (segment ids are sorted by design). */
export interface EncodedBatch {
  size: number;
  uttIds: Int32Array;
  uttSeg: Int32Array;
  ctxIds: Int32Array;
  ctxSeg: Int32Array;
  /** Per input: the pooling factor of its utterance bag and of its context bag. */
  uttScale: Float32Array;
  ctxScale: Float32Array;
  dense: Float32Array;
}

export function encodeBatch(items: readonly Featurized[], dims: Pick<NetDims, 'dense' | 'pooling'>): EncodedBatch {
  const denseDim = dims.dense;
  let nu = 0;
  let nc = 0;
  for (const it of items) {
    nu += it.utteranceIds.length;
    nc += it.contextIds.length;
  }
  const b: EncodedBatch = {
    size: items.length,
    uttIds: new Int32Array(nu),
    uttSeg: new Int32Array(nu),
    ctxIds: new Int32Array(nc),
    ctxSeg: new Int32Array(nc),
    uttScale: new Float32Array(items.length),
    ctxScale: new Float32Array(items.length),
    dense: new Float32Array(items.length * denseDim),
  };
  let pu = 0;
  let pc = 0;
  items.forEach((it, row) => {
    // Every bag holds at least the bias feature, so no segment is empty and the segment
    // op's output has exactly one row per input.
    if (!it.utteranceIds.length || !it.contextIds.length) throw new Error(`input ${row} has an empty feature bag`);
    if (it.dense.length !== denseDim) throw new Error(`input ${row} has ${it.dense.length} dense features, expected ${denseDim}`);
    for (const id of it.utteranceIds) {
      b.uttIds[pu] = id;
      b.uttSeg[pu++] = row;
    }
    for (const id of it.contextIds) {
      b.ctxIds[pc] = id;
      b.ctxSeg[pc++] = row;
    }
    b.uttScale[row] = poolScale(dims.pooling, it.utteranceIds.length);
    b.ctxScale[row] = poolScale(dims.pooling, it.contextIds.length);
    b.dense.set(it.dense, row * denseDim);
  });
  return b;
}

export interface BatchTensors {
  uttIds: tf.Tensor1D;
  uttSeg: tf.Tensor1D;
  ctxIds: tf.Tensor1D;
  ctxSeg: tf.Tensor1D;
  uttScale: tf.Tensor2D;
  ctxScale: tf.Tensor2D;
  dense: tf.Tensor2D;
}

/** Creates tensors for a batch; call inside tf.tidy or dispose them. */
export function batchTensors(b: EncodedBatch, denseDim: number): BatchTensors {
  return {
    uttScale: tf.tensor2d(b.uttScale, [b.size, 1]),
    ctxScale: tf.tensor2d(b.ctxScale, [b.size, 1]),
    uttIds: tf.tensor1d(b.uttIds, 'int32'),
    uttSeg: tf.tensor1d(b.uttSeg, 'int32'),
    ctxIds: tf.tensor1d(b.ctxIds, 'int32'),
    ctxSeg: tf.tensor1d(b.ctxSeg, 'int32'),
    dense: tf.tensor2d(b.dense, [b.size, denseDim]),
  };
}

/** Pools the embedding rows of each bag: segment sum times the bag's factor -> [bags, dim]. */
export function bagPool(embedding: tf.Tensor, ids: tf.Tensor1D, seg: tf.Tensor1D, scale: tf.Tensor2D): tf.Tensor2D {
  return tf.mul<tf.Tensor2D>(tf.sparse.sparseSegmentSum(embedding, ids, seg), scale);
}

export type HeadWeights = Pick<NetWeights, 'w1' | 'b1' | 'w2' | 'b2'>;

export interface HeadOptions {
  /** Training only: dropout on the pooled vector, seeded per step. */
  dropout?: { rate: number; seed: number };
}

/** Everything after pooling: concat, hidden relu layer, logits [batch, labels]. */
export function forwardHead(w: HeadWeights, pooledUtt: tf.Tensor2D, pooledCtx: tf.Tensor2D, dense: tf.Tensor2D, opts: HeadOptions = {}): tf.Tensor2D {
  let z: tf.Tensor2D = tf.concat([pooledUtt, pooledCtx, dense], 1);
  if (opts.dropout && opts.dropout.rate > 0) z = tf.dropout(z, opts.dropout.rate, undefined, opts.dropout.seed) as tf.Tensor2D;
  const h = tf.relu(tf.add(tf.matMul(z, w.w1 as tf.Tensor2D), w.b1));
  return tf.add<tf.Tensor2D>(tf.matMul(h, w.w2), w.b2);
}

/** The inference forward pass: logits [batch, labels]. */
export function forwardLogits(w: NetWeights, x: BatchTensors): tf.Tensor2D {
  const u = bagPool(w.embedding, x.uttIds, x.uttSeg, x.uttScale);
  const c = bagPool(w.embedding, x.ctxIds, x.ctxSeg, x.ctxScale);
  return forwardHead(w, u, c, x.dense);
}
