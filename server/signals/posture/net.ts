// The raw posture network: a small MLP over standardised features with one sigmoid per
// label. Weight shapes, seeded initialisation and the forward pass in tfjs core ops;
// nothing here knows about poses or labels.
import * as tf from '@tensorflow/tfjs';
import { gaussian, mulberry32 } from '../random';

export interface MlpDims {
  inputs: number;
  hidden: number[];
  outputs: number;
}

/** Layer k has weights `w<k>` [in, out] and bias `b<k>` [out]. */
export function weightShapes(d: MlpDims): Array<{ name: string; shape: number[] }> {
  const sizes = [d.inputs, ...d.hidden, d.outputs];
  const out: Array<{ name: string; shape: number[] }> = [];
  for (let k = 0; k + 1 < sizes.length; k++) {
    out.push({ name: `w${k}`, shape: [sizes[k]!, sizes[k + 1]!] }, { name: `b${k}`, shape: [sizes[k + 1]!] });
  }
  return out;
}

/** He-initialised weights, zero biases, from a seed. */
export function initWeights(d: MlpDims, seed: number): Float32Array[] {
  const rng = mulberry32(seed);
  return weightShapes(d).map(({ name, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    if (name.startsWith('w')) {
      const s = Math.sqrt(2 / shape[0]!);
      for (let i = 0; i < n; i++) a[i] = gaussian(rng) * s;
    }
    return a;
  });
}

export interface Standardiser {
  mean: number[];
  std: number[];
}

/** Logits [batch, outputs] from raw features [batch, inputs]; call inside tf.tidy. */
export function forwardLogits(weights: readonly tf.Tensor[], norm: { mean: tf.Tensor; std: tf.Tensor }, x: tf.Tensor2D, dropout = 0, seed = 0): tf.Tensor2D {
  // Standardise, then clip: synthetic training never saw values far outside its range.
  let h = tf.clipByValue(tf.div(tf.sub(x, norm.mean), norm.std), -6, 6) as tf.Tensor2D;
  const layers = weights.length / 2;
  for (let k = 0; k < layers; k++) {
    h = tf.add<tf.Tensor2D>(tf.matMul(h, weights[2 * k] as tf.Tensor2D), weights[2 * k + 1]!);
    if (k + 1 < layers) {
      h = tf.relu(h);
      if (dropout > 0) h = tf.dropout(h, dropout, undefined, seed + k) as tf.Tensor2D;
    }
  }
  return h;
}
