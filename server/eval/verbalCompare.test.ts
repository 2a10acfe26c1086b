import fs from 'node:fs';
import path from 'node:path';
import { VERBAL_LABELS, type VerbalLabel } from '../../protocol/protocol';
import { createKeywordBaseline } from '../signals/verbal/baseline';
import { parseLabeledJsonl } from '../signals/verbal/corpus';
import type { VerbalClassifier } from '../signals/verbal/types';
import { pairedMacroF1 } from './metrics';
import { compareVerbal, formatCompareReport } from './verbalCompare';
import { evaluateVerbal } from './verbalEval';

const jsonl = (...rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n');

/** A classifier that answers each text from a table (its label at `score`), else neutral. */
function table(version: string, answers: Record<string, VerbalLabel>, score = 0.9): VerbalClassifier {
  return {
    version,
    classify: (inputs) =>
      inputs.map(({ text }) => {
        const label = answers[text] ?? 'neutral';
        const scores = { price_inquiry: 0, discount_request: 0, purchase_intent: 0, resistance: 0, neutral: 0, [label]: score };
        scores.neutral = label === 'neutral' ? score : 1 - score;
        return { label, score, scores };
      }),
    dispose: () => undefined,
  };
}

describe('compareVerbal', () => {
  const rows = parseLabeledJsonl(
    jsonl(
      { text: 'how much is it', label: 'price_inquiry', needs_context: false },
      { text: 'any discount', label: 'discount_request', needs_context: false },
      { text: '多少钱', label: 'price_inquiry', needs_context: false },
      { text: '便宜点', label: 'discount_request', needs_context: true, context: '两千' },
      { text: 'I will take it', label: 'purchase_intent', needs_context: false },
      { text: 'The price is 200', label: 'price_inquiry', speaker: 'seller' },
      { text: 'ok', label: 'neutral' },
    ),
    'c.jsonl',
  );
  // A gets the two discount rows and "多少钱" wrong; B fixes both discount rows but breaks "I will take it".
  const a = table('model-a', { 'how much is it': 'price_inquiry', 'I will take it': 'purchase_intent', 便宜点: 'resistance' });
  const b = table('model-b', { 'how much is it': 'price_inquiry', 'any discount': 'discount_request', 便宜点: 'discount_request' });

  it('gives, per subset of the plain report, both macro-F1s, B − A with its paired interval, per-label F1 and fixed/broken rows', () => {
    const r = compareVerbal(rows, a, b, {}, { data: 'c.jsonl', names: { a: 'models/verbal', b: 'new' } });
    expect(r).toMatchObject({ schema: 1, compare: 'verbal', data: 'c.jsonl', a: { modelVersion: 'model-a', model: 'models/verbal' }, b: { modelVersion: 'model-b', model: 'new' }, rows: 7 });
    expect(r.subsets.map((s) => s.name)).toEqual(evaluateVerbal(rows, a, createKeywordBaseline()).subsets.map((s) => s.name));
    const all = r.subsets[0]!;
    // The rep row is neutral by rule for both (wrong for both: its gold label is price_inquiry).
    expect(all.rows).toEqual({ fixed: 2, broken: 1, bothWrong: 2, bothRight: 2 });
    // The same figures the plain report gives for each model, and the same interval code, paired.
    const plainA = evaluateVerbal(rows, a, createKeywordBaseline()).subsets[0]!;
    const plainB = evaluateVerbal(rows, b, createKeywordBaseline()).subsets[0]!;
    expect(all.macroF1.a).toBe(plainA.model.macroF1);
    expect(all.macroF1.b).toBe(plainB.model.macroF1);
    expect(all.macroF1.difference).toBe(plainB.model.macroF1 - plainA.model.macroF1);
    expect(all.accuracy).toEqual({ a: plainA.model.accuracy, b: plainB.model.accuracy });
    expect(all.perLabel.discount_request).toEqual({ support: 2, a: 0, b: 1, difference: 1 });
    expect(all.perLabel.purchase_intent).toEqual({ support: 1, a: 1, b: 0, difference: -1 });
    const predA: VerbalLabel[] = ['price_inquiry', 'neutral', 'neutral', 'resistance', 'purchase_intent', 'neutral', 'neutral'];
    const predB: VerbalLabel[] = ['price_inquiry', 'discount_request', 'neutral', 'discount_request', 'neutral', 'neutral', 'neutral'];
    expect(all.macroF1).toEqual(pairedMacroF1(VERBAL_LABELS, rows.map((row) => row.label), predA, predB));
    expect(r.changed).toBeUndefined();
  });

  it('lists the fixed and broken rows only when asked, with each model\'s label', () => {
    const r = compareVerbal(rows, a, b, {}, { changed: true });
    expect(r.changed).toEqual([
      { change: 'fixed', line: 2, lang: 'en', role: 'customer', gold: 'discount_request', a: 'neutral', b: 'discount_request', text: 'any discount' },
      { change: 'fixed', line: 4, lang: 'zh', role: 'customer', gold: 'discount_request', a: 'resistance', b: 'discount_request', text: '便宜点', context: '两千' },
      { change: 'broken', line: 5, lang: 'en', role: 'customer', gold: 'purchase_intent', a: 'purchase_intent', b: 'neutral', text: 'I will take it' },
    ]);
    const text = formatCompareReport(r);
    expect(text).toContain('rows B fixed (A wrong, B right): 2');
    expect(text).toMatch(/\n {5}4 zh  customer discount_request: resistance → discount_request {2}便宜点\n {20}after: 两千/);
    expect(text).toContain('rows B broke (A right, B wrong): 1');
    expect(text).toContain('     5 en  customer purchase_intent: purchase_intent → neutral  I will take it');
  });

  it('holds both models to the same thresholds', () => {
    // B's labels at 0.45: neutral once every signal needs 0.5, so B is A's "neutral everywhere".
    const weakB = table('weak-b', { 'how much is it': 'price_inquiry', 'any discount': 'discount_request' }, 0.45);
    const r = compareVerbal(rows, table('none', {}), weakB, { price_inquiry: 0.5, discount_request: 0.5, purchase_intent: 0.5, resistance: 0.5 });
    expect(r.subsets[0]!.rows).toMatchObject({ fixed: 0, broken: 0 });
    expect(r.subsets[0]!.macroF1.difference).toBe(0);
  });

  it('a model compared with itself: difference 0, interval [0, 0], nothing fixed or broken, said so in the text', () => {
    const r = compareVerbal(rows, a, a, {}, { changed: true });
    for (const s of r.subsets) {
      expect(s.macroF1).toMatchObject({ difference: 0, interval: { low: 0, high: 0 }, excludesZero: false });
      expect(s.rows).toMatchObject({ fixed: 0, broken: 0 });
      for (const l of Object.values(s.perLabel)) expect(l.difference).toBe(0);
    }
    expect(r.changed).toEqual([]);
    const text = formatCompareReport(r);
    expect(text).toContain('model A model-a\nmodel B model-a\non the same 7 rows;');
    expect(text).toContain('macro-F1 B − A: 0.0 points (95 % CI 0.0 to 0.0; includes 0: no clear difference)');
    expect(text).toContain('rows: 0 fixed (B right, A wrong), 0 broken (A right, B wrong), 4 both wrong, 3 both right');
    expect(text).toMatch(/== zh without needs_context \(1 rows\)/);
  });

  it('--by: the plain report\'s slices, each compared as the other subsets are', () => {
    const sourced = parseLabeledJsonl(
      jsonl(
        { text: 'how much is it', label: 'price_inquiry', source: 'web' },
        { text: 'any discount', label: 'discount_request', source: 'web' },
        { text: '便宜点', label: 'discount_request', source: 'app' },
        { text: 'I will take it', label: 'purchase_intent' },
      ),
      's.jsonl',
    );
    const r = compareVerbal(sourced, a, b, {}, { by: ['source'] });
    expect(r.subsets.map((s) => s.name)).toEqual(evaluateVerbal(sourced, a, createKeywordBaseline(), {}, { by: ['source'] }).subsets.map((s) => s.name));
    expect(r.subsets.slice(-3).map((s) => [s.name, s.slice, s.rows])).toEqual([
      ['source=app', { field: 'source', value: 'app' }, { fixed: 1, broken: 0, bothWrong: 0, bothRight: 0 }],
      ['source=web', { field: 'source', value: 'web' }, { fixed: 1, broken: 0, bothWrong: 0, bothRight: 1 }],
      ['source=(none)', { field: 'source', value: null }, { fixed: 0, broken: 1, bothWrong: 0, bothRight: 0 }],
    ]);
    expect(r.subsets[0]!.slice).toBeUndefined();
    expect(formatCompareReport(r)).toContain('== source=web (2 rows)');
  });

  it('compares the mixed subset when a row mixes Chinese and English', () => {
    const mixed = parseLabeledJsonl(jsonl(
      { text: 'how much is it', label: 'price_inquiry' },
      { text: 'iPhone 多少钱', label: 'price_inquiry' },
      { text: '多少钱', label: 'price_inquiry' },
    ), 'm.jsonl');
    const r = compareVerbal(mixed, a, table('model-b', { 'how much is it': 'price_inquiry', 'iPhone 多少钱': 'price_inquiry' }));
    expect(r.subsets.map((s) => `${s.name}:${s.n}`)).toEqual(['all:3', 'en:1', 'zh:2', 'mixed:1']);
    const m = r.subsets.find((s) => s.name === 'mixed')!;
    expect(m.rows).toMatchObject({ fixed: 1, broken: 0 });
    expect(formatCompareReport(r)).toContain('== mixed (1 rows)');
  });

  it('every field of the JSON is named in docs/eval-json.md\'s comparison section', () => {
    const docs = fs.readFileSync(path.join(__dirname, '../../docs/eval-json.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## `eval verbal --compare DIR --json`'), docs.indexOf('## `eval posture --compare DIR --json`'));
    const r = compareVerbal(rows, a, b, {}, { changed: true, data: 'c.jsonl', names: { a: 'x', b: 'y' }, by: ['role'] });
    const keys = [...Object.keys(r), ...Object.keys(r.subsets[0]!), ...Object.keys(r.subsets.at(-1)!), ...Object.keys(r.subsets.at(-1)!.slice!), ...Object.keys(r.subsets[0]!.macroF1), ...Object.keys(r.subsets[0]!.rows), ...Object.keys(r.changed![0]!)];
    // Named in a code span of its own or as part of a path (`subsets[].macroF1`).
    for (const k of new Set(keys)) expect(section).toMatch(new RegExp(`\`([^\`\\s]*[.\\]])?${k}(\\[[a-z]*\\])?\``));
  });
});
