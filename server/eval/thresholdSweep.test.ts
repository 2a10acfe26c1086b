import fs from 'node:fs';
import path from 'node:path';
import { VERBAL_LABELS, type VerbalLabel } from '../../protocol/protocol';
import { parseLabeledJsonl } from '../signals/verbal/corpus';
import type { VerbalClassifier, VerbalPrediction } from '../signals/verbal/types';
import { formatSweepReport, SIGNAL_LABELS, SWEEP_CAUTION, SWEEP_GRID, sweepLabel, sweepVerbal } from './thresholdSweep';

/** A prediction of `label` at `score` (the rest of the probability on neutral, or spread when neutral wins). */
function pred(label: VerbalLabel, score: number): VerbalPrediction {
  const scores = Object.fromEntries(VERBAL_LABELS.map((l) => [l, 0])) as Record<VerbalLabel, number>;
  scores[label] = score;
  if (label !== 'neutral') scores.neutral = 1 - score;
  return { label, score, scores };
}

describe('sweepLabel', () => {
  // Five rows, by hand:               gold             predicted (score)
  const rows: Array<[VerbalLabel, VerbalPrediction]> = [
    ['price_inquiry', pred('price_inquiry', 0.9)],
    ['price_inquiry', pred('price_inquiry', 0.5)],
    ['neutral', pred('price_inquiry', 0.4)],
    ['neutral', pred('neutral', 0.8)],
    ['price_inquiry', pred('neutral', 0.7)],
  ];
  const gold = rows.map((r) => r[0]);
  const preds = rows.map((r) => r[1]);

  it('gives precision, recall and macro-F1 a hand count gives, at 0.30 and 0.45', () => {
    const s = sweepLabel(preds, gold, 'price_inquiry');
    expect(s.support).toBe(3);
    expect(s.points.map((p) => p.threshold)).toEqual(SWEEP_GRID);
    const at = (t: number) => s.points.find((p) => p.threshold === t)!;
    // 0.30: rows 1-3 are price_inquiry, 2 of them rightly; 3 gold. Neutral: rows 4, 5 predicted, row 4 right, of 2 gold.
    expect(at(0.3)).toMatchObject({ predicted: 3 });
    expect(at(0.3).precision).toBeCloseTo(2 / 3);
    expect(at(0.3).recall).toBeCloseTo(2 / 3);
    expect(at(0.3).f1).toBeCloseTo(2 / 3);
    expect(at(0.3).macroF1).toBeCloseTo((2 / 3 + 0.5) / 2);
    // 0.45: row 3 (0.4) turns neutral: price_inquiry P 2/2, R 2/3, F1 0.8; neutral P 2/3, R 2/2, F1 0.8.
    expect(at(0.45)).toMatchObject({ predicted: 2, precision: 1 });
    expect(at(0.45).recall).toBeCloseTo(2 / 3);
    expect(at(0.45).f1).toBeCloseTo(0.8);
    expect(at(0.45).macroF1).toBeCloseTo(0.8);
    // None given: the most probable label counts, as at 0.30 (every score is above it).
    expect(s.given).toMatchObject({ threshold: null, predicted: 3 });
    expect(s.given.macroF1).toBeCloseTo(at(0.3).macroF1);
    // 0.45 and 0.50 tie (row 2 scores 0.5, kept at 0.50): the lower is picked.
    expect(at(0.5).macroF1).toBe(at(0.45).macroF1);
    expect(s.best).toBe(0.45);
    // The gain of the pick over the given (none), paired over the same 5 rows: 0.8 − 0.583.
    expect(s.gain!.difference).toBeCloseTo(0.8 - (2 / 3 + 0.5) / 2);
    expect(s.gain!.interval.low).toBeLessThanOrEqual(s.gain!.difference);
    expect(s.gain!.interval.high).toBeGreaterThanOrEqual(s.gain!.difference);
  });

  it('says the gain of the pick in the text report, paired over the rows', () => {
    const rowsOf = rows.map(([label], i) => ({ text: `row ${i}`, label, role: 'customer' as const, line: i + 1 }));
    const model: VerbalClassifier = { version: 'test-model', classify: (inputs) => inputs.map((_, i) => preds[i]!), dispose: () => undefined };
    const text = formatSweepReport(sweepVerbal(rowsOf, model));
    expect(text).toMatch(/best against none: macro-F1 \+21\.7 points \(95 % CI [^)]*\), paired over these rows \(the pick was made on them too/);
  });

  it('gives no gain when the given threshold stays best', () => {
    expect(sweepLabel(preds, gold, 'price_inquiry', { price_inquiry: 0.45 }).gain).toBeUndefined();
  });

  it('holds the other labels to their given thresholds, and keeps the given threshold when nothing beats it', () => {
    const s = sweepLabel(preds, gold, 'price_inquiry', { price_inquiry: 0.45, resistance: 0.99 });
    expect(s.given).toMatchObject({ threshold: 0.45, predicted: 2 });
    expect(s.best).toBe(0.45);
    // A label nobody predicts or has: all thresholds tie, the given one (none) stays.
    expect(sweepLabel(preds, gold, 'resistance').best).toBeNull();
  });

  it('recall (and the count predicted) never rises as the threshold does', () => {
    // A seeded mix of labels and scores.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const many = Array.from({ length: 300 }, () => {
      const g = VERBAL_LABELS[Math.floor(rnd() * VERBAL_LABELS.length)]!;
      const p = rnd() < 0.6 ? g : VERBAL_LABELS[Math.floor(rnd() * VERBAL_LABELS.length)]!;
      return [g, pred(p, 0.2 + 0.8 * rnd())] as const;
    });
    for (const l of SIGNAL_LABELS) {
      const s = sweepLabel(many.map((m) => m[1]), many.map((m) => m[0]), l);
      expect(s.support).toBeGreaterThan(0);
      for (let i = 1; i < s.points.length; i++) {
        expect(s.points[i]!.recall).toBeLessThanOrEqual(s.points[i - 1]!.recall);
        expect(s.points[i]!.predicted).toBeLessThanOrEqual(s.points[i - 1]!.predicted);
      }
      expect(s.points[0]!.recall).toBeGreaterThan(s.points[s.points.length - 1]!.recall);
    }
  });
});

describe('sweepVerbal', () => {
  const rows = parseLabeledJsonl(
    [
      { text: 'how much is it', label: 'price_inquiry' },
      { text: 'what does it cost', label: 'price_inquiry' },
      { text: '多少钱', label: 'price_inquiry' },
      { text: 'nice weather', label: 'neutral' },
      { text: 'The price is 200', label: 'price_inquiry', speaker: 'seller' },
    ].map((r) => JSON.stringify(r)).join('\n'),
    's.jsonl',
  );
  const scores: Record<string, VerbalPrediction> = {
    'how much is it': pred('price_inquiry', 0.9),
    'what does it cost': pred('price_inquiry', 0.42),
    多少钱: pred('price_inquiry', 0.6),
    'nice weather': pred('price_inquiry', 0.35),
  };
  let calls = 0;
  const model: VerbalClassifier = {
    version: 'table',
    classify: (inputs) => {
      calls++;
      return inputs.map(({ text }) => scores[text]!);
    },
    dispose: () => undefined,
  };

  it('sweeps the mixed subset when a row mixes Chinese and English', () => {
    const mixed = parseLabeledJsonl([{ text: 'iPhone 多少钱', label: 'price_inquiry' }, { text: '多少钱', label: 'price_inquiry' }].map((r) => JSON.stringify(r)).join('\n'), 'm.jsonl');
    const m: VerbalClassifier = { version: 't', classify: (inputs) => inputs.map(() => pred('price_inquiry', 0.6)), dispose: () => undefined };
    const r = sweepVerbal(mixed, m, {});
    expect(r.subsets.map((s) => `${s.name}:${s.n}`)).toEqual(['all:2', 'zh:2', 'mixed:1']);
    expect(formatSweepReport(r)).toContain('== mixed (1 rows)');
  });

  it('classifies the rows once, sweeps every signal label per subset, and says the picks are tuned to the data', () => {
    calls = 0;
    const r = sweepVerbal(rows, model, {}, { data: 's.jsonl' });
    expect(calls).toBe(1);
    expect(r).toMatchObject({ schema: 1, sweep: 'verbal', data: 's.jsonl', modelVersion: 'table', thresholds: {}, rows: 5, caution: SWEEP_CAUTION });
    expect(r.subsets.map((s) => [s.name, s.n])).toEqual([['all', 5], ['en', 4], ['zh', 1]]);
    const all = r.subsets[0]!;
    expect(Object.keys(all.labels)).toEqual(SIGNAL_LABELS);
    // 0.40 drops "nice weather" (0.35) and keeps the 0.42 question; the rep row is neutral by rule throughout.
    expect(all.labels.price_inquiry.best).toBe(0.4);
    expect(all.best).toEqual({ price_inquiry: 0.4 });
    const text = formatSweepReport(r);
    expect(text).toMatch(/^threshold sweep: model table, 5 rows of s\.jsonl$/m);
    expect(text).toContain('CAUTION: thresholds picked on a data file are tuned to it: its figures at the picked thresholds are optimistic');
    expect(text).toMatch(/^ {7}0\.40 .*◀ best$/m);
    expect(text.match(/◀ best$/gm)).toHaveLength(3 * SIGNAL_LABELS.length);
    expect(text).toContain('best on all, one label at a time (together they may score otherwise): --thresholds price_inquiry=0.4');
  });

  it('--by: one sweep per slice too, from the same single classification', () => {
    calls = 0;
    const r = sweepVerbal(rows, model, {}, { by: ['role'] });
    expect(calls).toBe(1);
    expect(r.subsets.map((s) => [s.name, s.n, s.slice])).toEqual([
      ['all', 5, undefined], ['en', 4, undefined], ['zh', 1, undefined],
      ['role=customer', 4, { field: 'role', value: 'customer' }], ['role=rep', 1, { field: 'role', value: 'rep' }],
    ]);
    // The rep row (gold price_inquiry, neutral by rule) is in all but not in the customer slice.
    expect(r.subsets[0]!.labels.price_inquiry.support).toBe(4);
    expect(r.subsets[3]!.labels.price_inquiry.support).toBe(3);
    expect(r.subsets[4]!.labels.price_inquiry.points.every((p) => p.recall === 0)).toBe(true);
    expect(formatSweepReport(r)).toContain('best on role=customer, one label at a time');
  });

  it('every field of the JSON is named in docs/eval-json.md\'s sweep section', () => {
    const docs = fs.readFileSync(path.join(__dirname, '../../docs/eval-json.md'), 'utf8');
    const start = docs.indexOf('## `eval verbal --sweep --json`');
    expect(start).toBeGreaterThan(0);
    const end = docs.indexOf('\n## ', start + 1);
    const section = docs.slice(start, end === -1 ? undefined : end);
    const r = sweepVerbal(rows, model, {}, { data: 's.jsonl', by: ['role'] });
    const l = r.subsets[0]!.labels.price_inquiry;
    const keys = [...Object.keys(r), ...Object.keys(r.subsets[0]!), ...Object.keys(r.subsets.at(-1)!), ...Object.keys(r.subsets.at(-1)!.slice!), ...Object.keys(l), ...Object.keys(l.given)];
    for (const k of new Set(keys)) expect(section).toMatch(new RegExp(`\`([^\`\\s]*[.\\]])?${k}(\\[[a-z]*\\])?\``));
  });
});
