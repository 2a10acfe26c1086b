import { frameRight, postureCompareFigures } from './postureCompareFigures';
import type { LabeledExample } from '../signals/posture/evalStats';

const ex = (gold: string[], pred: string[]): LabeledExample => ({ gold: new Set(gold), pred: new Set(pred) });

describe('postureCompareFigures', () => {
  // Gold: 4 crossed, 4 neutral. A finds 2 of the crossed; B finds all 4 and calls one neutral crossed.
  const gold = [['arms_crossed'], ['arms_crossed'], ['arms_crossed'], ['arms_crossed'], ['neutral'], ['neutral'], ['neutral'], ['neutral']];
  const a = gold.map((g, i) => ex(g, i < 2 ? ['arms_crossed'] : ['neutral']));
  const b = gold.map((g, i) => ex(g, i < 5 ? ['arms_crossed'] : ['neutral']));
  const figures = postureCompareFigures({ a, b, labels: ['arms_crossed', 'neutral'] });
  const crossed = figures.find((f) => f.label === 'arms_crossed')!;

  it("gives each model's precision, recall and F1 per label, in the labels' order", () => {
    expect(figures.map((f) => f.label)).toEqual(['arms_crossed', 'neutral']);
    expect(crossed.support).toBe(4);
    expect(crossed.a).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, predicted: 2 });
    expect(crossed.b).toEqual({ precision: 0.8, recall: 1, f1: expect.closeTo(8 / 9, 10), predicted: 5 });
    expect(crossed.f1.difference).toBeCloseTo(8 / 9 - 2 / 3, 10);
    expect(crossed.f1.interval.low).toBeLessThanOrEqual(crossed.f1.difference);
    expect(crossed.f1.interval.high).toBeGreaterThanOrEqual(crossed.f1.difference);
  });

  it('counts the frames B fixed and broke for each label', () => {
    // Crossed: B is right on frames 2 and 3 where A was not, wrong on frame 4 where A was right.
    expect(crossed.frames).toEqual({ fixed: 2, broken: 1, bothWrong: 0, bothRight: 5 });
  });

  it('a model against itself: no difference, an interval of [0, 0]', () => {
    for (const f of postureCompareFigures({ a, b: a, labels: ['arms_crossed', 'neutral'] })) {
      expect(f.f1).toMatchObject({ difference: 0, excludesZero: false, interval: { low: 0, high: 0 } });
      expect(f.frames.fixed + f.frames.broken).toBe(0);
    }
  });
});

describe('frameRight', () => {
  it('is right only when every scored label is present or absent as in the gold', () => {
    const labels = ['arms_crossed', 'leaning_forward', 'neutral'];
    expect(frameRight(ex(['arms_crossed', 'leaning_forward'], ['leaning_forward', 'arms_crossed']), labels)).toBe(true);
    expect(frameRight(ex(['arms_crossed', 'leaning_forward'], ['arms_crossed']), labels)).toBe(false);
    expect(frameRight(ex(['neutral'], ['neutral', 'arms_crossed']), labels)).toBe(false);
    // Nobody judged (no labels) on a labelled frame is wrong.
    expect(frameRight(ex(['neutral'], []), labels)).toBe(false);
    // A label outside those scored does not count.
    expect(frameRight(ex(['neutral'], ['neutral', 'head_tilt']), labels)).toBe(true);
  });
});
