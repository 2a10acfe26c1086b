import { countExample, formatStatsTable, labelF1Intervals, labelStats, pairedLabelCounts, pairedLabelF1, type LabelCounts, type LabeledExample } from './evalStats';

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

  it('shows "–" for what a label cannot be measured on: no gold rows (recall, F1, interval), no predictions (precision)', () => {
    const stats = labelStats({ open_palms: { tp: 0, fp: 0, fn: 0 }, arms_crossed: { tp: 0, fp: 3, fn: 0 }, leaning_back: { tp: 0, fp: 0, fn: 4 } });
    const none = { low: 0, high: 0, level: 0.95, resamples: 1000 };
    const table = formatStatsTable(stats, { open_palms: none, arms_crossed: none, leaning_back: none }).split('\n');
    expect(table[0]).toMatch(/support {2}predicted {2}F1 95 % CI$/);
    expect(table[1]).toMatch(/^open_palms +– +– +– +0 +0 {2}–$/);
    expect(table[2]).toMatch(/^arms_crossed +0\.000 +– +– +0 +3 {2}–$/);
    expect(table[3]).toMatch(/^leaning_back +– +0\.000 +0\.000 +4 +0 {2}0\.00–0\.00$/);
  });
});

describe('pairedLabelF1 and pairedLabelCounts', () => {
  // 30 photos judged by A and by B: B finds 3 more of the 10 arms_crossed, and raises one false
  // leaning_forward; neutral is right for both everywhere.
  const gold = [
    ...Array.from({ length: 10 }, () => ['arms_crossed']),
    ...Array.from({ length: 5 }, () => ['leaning_forward']),
    ...Array.from({ length: 15 }, () => ['neutral']),
  ];
  const a = gold.map((g, i) => ex(g, i < 5 ? ['neutral'] : g));
  const b = gold.map((g, i) => ex(g, i < 2 ? ['neutral'] : i === 20 ? ['neutral', 'leaning_forward'] : g));
  const labels = ['arms_crossed', 'leaning_forward', 'neutral'];

  it('gives each label\'s F1 of both, their difference and a paired interval', () => {
    const d = pairedLabelF1(a, b, labels);
    expect(d.arms_crossed!.a).toBeCloseTo(labelStats({ x: { tp: 5, fp: 0, fn: 5 } }).x!.f1, 12);
    expect(d.arms_crossed!.b).toBeCloseTo(labelStats({ x: { tp: 8, fp: 0, fn: 2 } }).x!.f1, 12);
    expect(d.arms_crossed!.difference).toBeGreaterThan(0);
    expect(d.leaning_forward!.difference).toBeLessThan(0);
    expect(d.leaning_forward!.excludesZero).toBe(false);
    expect(pairedLabelF1(a, b, labels)).toEqual(d);
  });

  it('counts the photos each label was fixed or broken on', () => {
    const c = pairedLabelCounts(a, b, labels);
    expect(c.arms_crossed).toEqual({ fixed: 3, broken: 0, bothWrong: 2, bothRight: 25 });
    expect(c.leaning_forward).toEqual({ fixed: 0, broken: 1, bothWrong: 0, bothRight: 29 });
    // A's misses predicted neutral on arms_crossed photos: wrong for neutral too, and fixed by B.
    expect(c.neutral).toEqual({ fixed: 3, broken: 0, bothWrong: 2, bothRight: 25 });
  });

  it('a model compared with itself: every difference 0, every interval [0, 0], nothing fixed or broken', () => {
    const d = pairedLabelF1(a, a, labels);
    for (const l of labels) {
      expect(d[l]).toMatchObject({ difference: 0, interval: { low: 0, high: 0 }, excludesZero: false });
      expect(pairedLabelCounts(a, a, labels)[l]).toMatchObject({ fixed: 0, broken: 0 });
    }
  });
});
