import { bootstrapInterval } from './bootstrap';
import { bootstrapMacroF1, classificationReport, pairedMacroF1 } from './metrics';
import { describeDifference, pairedCounts, pairedDifference } from './paired';

const labels = ['yes', 'no'] as const;
type L = (typeof labels)[number];
const flip = (l: L): L => (l === 'yes' ? 'no' : 'yes');
/** `n` gold labels, alternating, and a prediction right everywhere except at `wrong`. */
const goldOf = (n: number): L[] => Array.from({ length: n }, (_, i) => (i % 2 ? 'no' : 'yes'));
const predWrongAt = (gold: readonly L[], wrong: Iterable<number>): L[] => {
  const w = new Set(wrong);
  return gold.map((g, i) => (w.has(i) ? flip(g) : g));
};
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('pairedCounts', () => {
  it('counts rows B fixed, rows it broke, and rows both got wrong or right', () => {
    const a = [true, true, false, false, true, false];
    const b = [true, false, true, false, true, true];
    expect(pairedCounts(a, b)).toEqual({ fixed: 2, broken: 1, bothWrong: 1, bothRight: 2 });
    expect(pairedCounts(a, a)).toEqual({ fixed: 0, broken: 0, bothWrong: 3, bothRight: 3 });
    expect(() => pairedCounts([true], [])).toThrow(/A has 1 rows but model B has 0/);
  });
});

describe('pairedDifference', () => {
  it('a model compared with itself: difference 0, interval [0, 0], not excluding 0', () => {
    const gold = goldOf(50);
    const pred = predWrongAt(gold, [1, 4, 9, 16, 25, 36]);
    const d = pairedMacroF1(labels, gold, pred, pred);
    expect(d.a).toBe(d.b);
    expect(d.difference).toBe(0);
    expect(d.interval).toEqual({ level: 0.95, resamples: 1000, low: 0, high: 0 });
    expect(d.excludesZero).toBe(false);
  });

  it('A and B differ on exactly k rows: fixed and broken in equal number on like rows give 0, an interval around it', () => {
    // 40 rows; A is wrong on rows 0–4, B on rows 5–9 (alternating gold labels: 3 "yes" and 2 "no"
    // against 2 "yes" and 3 "no", so the F1s differ a little; accuracy does not).
    const gold = goldOf(40);
    const aRight = gold.map((_, i) => i >= 5);
    const bRight = gold.map((_, i) => i < 5 || i >= 10);
    const d = pairedDifference(40, (rows, m) => rows.filter((i) => (m === 'a' ? aRight : bRight)[i]).length / rows.length);
    expect(d).toMatchObject({ a: 35 / 40, b: 35 / 40, difference: 0, excludesZero: false });
    expect(d.interval.low).toBeLessThan(0);
    expect(d.interval.high).toBeGreaterThan(0);
    expect(pairedCounts(aRight, bRight)).toEqual({ fixed: 5, broken: 5, bothWrong: 0, bothRight: 30 });
  });

  it('B fixes 6 of A\'s 60 errors on 200 rows: the two separate intervals overlap, the paired one excludes 0', () => {
    const gold = goldOf(200);
    const predA = predWrongAt(gold, range(0, 60));
    const predB = predWrongAt(gold, range(6, 60));
    const d = pairedMacroF1(labels, gold, predA, predB);
    expect(d.a).toBeCloseTo(classificationReport(labels, gold, predA).macroF1, 12);
    expect(d.b).toBeCloseTo(classificationReport(labels, gold, predB).macroF1, 12);
    expect(d.difference).toBeCloseTo(d.b - d.a, 12);
    expect(d.difference).toBeGreaterThan(0);
    const ciA = bootstrapMacroF1(labels, gold, predA);
    const ciB = bootstrapMacroF1(labels, gold, predB);
    expect(ciB.low).toBeLessThan(ciA.high); // by eye: "could be noise"
    expect(d.interval.low).toBeGreaterThan(0); // paired: it is not
    expect(d.excludesZero).toBe(true);
    expect(describeDifference(d)).toMatch(/^\+\d+\.\d points \(95 % CI \+\d+\.\d to \+\d+\.\d; excludes 0: B is better\)$/);
    // And the other way round: the difference negated, the interval below 0.
    const back = pairedMacroF1(labels, gold, predB, predA);
    expect(back.difference).toBeCloseTo(-d.difference, 12);
    expect(back.interval.high).toBeLessThan(0);
    expect(describeDifference(back)).toMatch(/excludes 0: B is worse/);
  });

  it('is seeded: the same input gives the same interval, another seed another; the resamples are the single-model intervals\'', () => {
    const gold = goldOf(80);
    const predA = predWrongAt(gold, range(0, 20));
    const predB = predWrongAt(gold, range(10, 26));
    const d = pairedMacroF1(labels, gold, predA, predB);
    expect(pairedMacroF1(labels, gold, predA, predB)).toEqual(d);
    expect(pairedMacroF1(labels, gold, predA, predB, { seed: 7 }).interval).not.toEqual(d.interval);
    // Same resamples as bootstrapInterval with its default seed: B − A computed on each draw.
    const f1 = (pred: readonly L[], rows: readonly number[]) => classificationReport(labels, rows.map((i) => gold[i]!), rows.map((i) => pred[i]!)).macroF1;
    expect(d.interval).toEqual(bootstrapInterval(80, (rows) => f1(predB, rows) - f1(predA, rows)));
    expect(describeDifference(d)).toMatch(/includes 0: no clear difference/);
  });

  it('0 rows: nothing to compare, 0 and an empty interval', () => {
    expect(pairedMacroF1(labels, [], [], [])).toMatchObject({ a: 0, b: 0, difference: 0, interval: { low: 0, high: 0 }, excludesZero: false });
    expect(() => pairedMacroF1(labels, ['yes'], ['yes'], [])).toThrow(/model A has 1 and model B 0/);
  });
});
