import { bootstrapMacroF1, classificationReport } from './metrics';

describe('classificationReport', () => {
  // Hand-computed example, labels a/b/c:
  //   gold: a a a b b c      pred: a a b b c c
  //   a: tp 2, predicted 2, support 3 -> P 1, R 2/3, F1 0.8
  //   b: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
  //   c: tp 1, predicted 2, support 1 -> P 1/2, R 1, F1 2/3
  //   macro-F1 (0.8 + 0.5 + 2/3) / 3 = 0.65556, accuracy 4/6
  const labels = ['a', 'b', 'c'] as const;
  const gold = ['a', 'a', 'a', 'b', 'b', 'c'] as const;
  const pred = ['a', 'a', 'b', 'b', 'c', 'c'] as const;
  const r = classificationReport(labels, gold, pred);

  it('computes per-label precision, recall, F1 and support', () => {
    expect(r.perLabel.a).toEqual({ precision: 1, recall: 2 / 3, f1: expect.closeTo(0.8, 10), support: 3, predicted: 2 });
    expect(r.perLabel.b).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(r.perLabel.c.precision).toBe(0.5);
    expect(r.perLabel.c.recall).toBe(1);
    expect(r.perLabel.c.f1).toBeCloseTo(2 / 3, 10);
  });

  it('computes macro-F1, accuracy and the confusion matrix (rows gold)', () => {
    expect(r.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 10);
    expect(r.accuracy).toBeCloseTo(4 / 6, 10);
    expect(r.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(r.n).toBe(6);
  });

  it('leaves a label absent from gold and predictions out of macro-F1', () => {
    const x = classificationReport(['a', 'b', 'z'], ['a', 'b'], ['a', 'a']);
    // a: P 1/2 R 1 F1 2/3; b: F1 0; z: absent -> macro over a, b only.
    expect(x.macroF1).toBeCloseTo(1 / 3, 10);
    expect(x.perLabel.z).toEqual({ precision: 0, recall: 0, f1: 0, support: 0, predicted: 0 });
  });

  it('rejects unknown labels and length mismatches', () => {
    expect(() => classificationReport(['a'], ['a'], ['a', 'a'])).toThrow(/gold has 1 labels but pred has 2/);
    expect(() => classificationReport(['a'], ['q'], ['a'])).toThrow(/gold label "q"/);
  });
});

describe('bootstrapMacroF1', () => {
  const labels = ['a', 'b', 'c'] as const;
  // 30 rows, 20 right: macro-F1 about 0.67.
  const gold = Array.from({ length: 30 }, (_, i) => labels[i % 3]!);
  const pred = gold.map((g, i) => (i % 3 === 0 && i < 27 ? labels[(labels.indexOf(g) + 1) % 3]! : g));

  it('brackets the point estimate, and is the same on every run (seeded)', () => {
    const point = classificationReport(labels, gold, pred).macroF1;
    const ci = bootstrapMacroF1(labels, gold, pred);
    expect(ci.low).toBeLessThan(point);
    expect(ci.high).toBeGreaterThan(point);
    expect(ci).toEqual(bootstrapMacroF1(labels, gold, pred));
    expect(ci).toMatchObject({ level: 0.95, resamples: 1000 });
  });

  it('narrows with more rows of the same kind (about 1/sqrt(n))', () => {
    const small = bootstrapMacroF1(labels, gold, pred);
    const big = bootstrapMacroF1(labels, [...gold, ...gold, ...gold, ...gold], [...pred, ...pred, ...pred, ...pred]);
    const ratio = (big.high - big.low) / (small.high - small.low);
    expect(ratio).toBeGreaterThan(0.35);
    expect(ratio).toBeLessThan(0.65);
  });

  it('has no width when every prediction is right, and rejects bad options', () => {
    expect(bootstrapMacroF1(labels, gold, gold)).toMatchObject({ low: 1, high: 1 });
    expect(() => bootstrapMacroF1(labels, gold, pred, { resamples: 0 })).toThrow(/resamples must be a whole number ≥ 1, got 0/);
    expect(() => bootstrapMacroF1(labels, gold, pred, { level: 1 })).toThrow(/level must be between 0 and 1, got 1/);
    expect(() => bootstrapMacroF1(labels, gold, pred.slice(1))).toThrow(/gold has 30 labels but pred has 29/);
  });
});
