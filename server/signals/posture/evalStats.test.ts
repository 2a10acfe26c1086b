import { countExample, formatStatsTable, labelF1Intervals, labelStats, type LabelCounts, type LabeledExample } from './evalStats';

const ex = (gold: string[], pred: string[]): LabeledExample => ({ gold: new Set(gold), pred: new Set(pred) });

describe('labelF1Intervals', () => {
  // 40 photos: arms_crossed always right; leaning_forward right on 6 of 10 and 2 false alarms.
  const examples: LabeledExample[] = [
    ...Array.from({ length: 10 }, () => ex(['arms_crossed'], ['arms_crossed'])),
    ...Array.from({ length: 6 }, () => ex(['leaning_forward'], ['leaning_forward'])),
    ...Array.from({ length: 4 }, () => ex(['leaning_forward'], ['neutral'])),
    ...Array.from({ length: 2 }, () => ex(['neutral'], ['leaning_forward'])),
    ...Array.from({ length: 18 }, () => ex(['neutral'], ['neutral'])),
  ];
  const labels = ['arms_crossed', 'leaning_forward', 'neutral'];
  const counts: Record<string, LabelCounts> = {};
  for (const e of examples) countExample(counts, labels, e.gold, e.pred);
  const point = labelStats(counts);
  const ci = labelF1Intervals(examples, labels);

  it('gives a label that is always right no width, and brackets the others', () => {
    expect(ci.arms_crossed).toMatchObject({ low: 1, high: 1, level: 0.95, resamples: 1000 });
    expect(point.leaning_forward!.f1).toBeCloseTo(0.6667, 3);
    expect(ci.leaning_forward!.low).toBeLessThan(point.leaning_forward!.f1);
    expect(ci.leaning_forward!.high).toBeGreaterThan(point.leaning_forward!.f1);
    // 10 positives: the interval is wide (this is the point of printing it).
    expect(ci.leaning_forward!.high - ci.leaning_forward!.low).toBeGreaterThan(0.2);
    expect(labelF1Intervals(examples, labels)).toEqual(ci);
  });

  it('adds the interval column to the table only when given', () => {
    expect(formatStatsTable(point)).not.toContain('CI');
    const table = formatStatsTable(point, ci);
    expect(table).toContain('F1 95 % CI');
    expect(table).toMatch(/arms_crossed .* 1\.00–1\.00/);
  });
});
