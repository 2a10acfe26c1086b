import * as tf from '@tensorflow/tfjs';
import { initTf } from '../../runtime/backend';
import { bagPool, batchTensors, encodeBatch, type Pooling } from './net';
import { SparseAdamEmbedding } from './sparseEmbedding';

const ROWS = 6;
const DIM = 3;
const table = Float32Array.from({ length: ROWS * DIM }, (_, i) => (i % 7) - 3 + i / 10);
const bags = [[0, 2, 2], [5], [1, 3, 4, 0]];

beforeAll(() => initTf('wasm'));

describe('SparseAdamEmbedding', () => {
  it.each<Pooling>(['mean', 'sqrtn'])('pools exactly like the tfjs inference path (%s)', (pooling) => {
    const emb = new SparseAdamEmbedding(ROWS, DIM, { learningRate: 0.1 }, table);
    const js = emb.pool(bags, pooling);
    const enc = encodeBatch(
      bags.map((ids) => ({ utteranceIds: ids, contextIds: [0], dense: [] })),
      { dense: 0, pooling },
    );
    const fromTf = tf.tidy(() => {
      const x = batchTensors(enc, 0);
      return bagPool(tf.tensor2d(table, [ROWS, DIM]), x.uttIds, x.uttSeg, x.uttScale).dataSync();
    });
    expect(Array.from(js).map((v) => +v.toFixed(5))).toEqual(Array.from(fromTf).map((v) => +v.toFixed(5)));
  });

  it('moves only the rows in the batch, against the gradient', () => {
    const emb = new SparseAdamEmbedding(ROWS, DIM, { learningRate: 0.1 }, table);
    emb.applyPooledGradient([[0, 2]], [1, -1, 0], 'mean');
    const row = (r: number): number[] => Array.from(emb.table.slice(r * DIM, (r + 1) * DIM));
    const orig = (r: number): number[] => Array.from(table.slice(r * DIM, (r + 1) * DIM));
    expect(row(0)[0]).toBeLessThan(orig(0)[0]!);
    expect(row(0)[1]).toBeGreaterThan(orig(0)[1]!);
    expect(row(0)[2]).toBeCloseTo(orig(0)[2]!, 6);
    for (const untouched of [1, 3, 4, 5]) expect(row(untouched)).toEqual(orig(untouched));
  });
});
