// The embedding table during training, kept in plain arrays with a lazy (sparse) Adam: a
// batch touches a few thousand of the table's rows, and updating only those is ~20x faster
// than tfjs's dense gradient + dense Adam over the whole table (the wasm backend also lacks
// the UnsortedSegmentSum kernel that tfjs's gather gradient needs). Inference uses the same
// pooling in tfjs (net.ts).
import { poolScale, type Pooling } from './net';

export interface AdamConfig {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class SparseAdamEmbedding {
  readonly table: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(
    readonly rows: number,
    readonly dim: number,
    private readonly cfg: AdamConfig,
    initial?: Float32Array,
  ) {
    this.table = initial ? new Float32Array(initial) : new Float32Array(rows * dim);
    if (this.table.length !== rows * dim) throw new Error(`embedding init has ${this.table.length} values, expected ${rows * dim}`);
    this.m = new Float32Array(rows * dim);
    this.v = new Float32Array(rows * dim);
    this.beta1 = cfg.beta1 ?? 0.9;
    this.beta2 = cfg.beta2 ?? 0.999;
    this.epsilon = cfg.epsilon ?? 1e-7;
  }

  /** Each bag's rows pooled as at inference: [bags.length, dim], row-major. */
  pool(bags: readonly (readonly number[])[], pooling: Pooling): Float32Array {
    const d = this.dim;
    const out = new Float32Array(bags.length * d);
    bags.forEach((ids, b) => {
      const o = b * d;
      for (const id of ids) {
        const r = id * d;
        for (let k = 0; k < d; k++) out[o + k]! += this.table[r + k]!;
      }
      const inv = poolScale(pooling, ids.length);
      for (let k = 0; k < d; k++) out[o + k]! *= inv;
    });
    return out;
  }

  /** One Adam step from the loss gradient with respect to each pooled bag ([bags, dim]). */
  applyPooledGradient(bags: readonly (readonly number[])[], dPooled: ArrayLike<number>, pooling: Pooling): void {
    const d = this.dim;
    const grad = new Map<number, Float32Array>();
    bags.forEach((ids, b) => {
      const inv = poolScale(pooling, ids.length);
      for (const id of ids) {
        let g = grad.get(id);
        if (!g) grad.set(id, (g = new Float32Array(d)));
        for (let k = 0; k < d; k++) g[k]! += dPooled[b * d + k]! * inv;
      }
    });
    this.step++;
    const { beta1, beta2, epsilon } = this;
    const lr = (this.cfg.learningRate * Math.sqrt(1 - beta2 ** this.step)) / (1 - beta1 ** this.step);
    for (const [id, g] of grad) {
      const r = id * d;
      for (let k = 0; k < d; k++) {
        const i = r + k;
        const gk = g[k]!;
        const m = (this.m[i] = beta1 * this.m[i]! + (1 - beta1) * gk);
        const v = (this.v[i] = beta2 * this.v[i]! + (1 - beta2) * gk * gk);
        this.table[i]! -= (lr * m) / (Math.sqrt(v) + epsilon);
      }
    }
  }
}
