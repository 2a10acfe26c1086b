import fs from 'node:fs';
import path from 'node:path';
import { createKeywordBaseline } from '../signals/verbal/baseline';
import { DatasetError, parseLabeledJsonl } from '../signals/verbal/corpus';
import type { VerbalClassifier } from '../signals/verbal/types';
import { evaluateVerbal, formatEvalReport, formatScore, MAX_SLICES, mixedSubsetName, rowLang, SliceError, slicesOf, subsetsOf } from './verbalEval';

const jsonl = (...rows: unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

describe('parseLabeledJsonl', () => {
  it('reads roles from role or speaker (buyer/seller); a row without either is a customer', () => {
    const rows = parseLabeledJsonl(
      jsonl(
        { text: 'how much is the lamp?', label: 'price_inquiry' },
        '',
        { text: 'it is 40', label: 'neutral', speaker: 'seller', needs_context: false },
        { text: 'fine', label: 'neutral', role: 'rep', context: 'ok?', extra: 1 },
      ),
      'x.jsonl',
    );
    expect(rows.map((r) => r.role)).toEqual(['customer', 'rep', 'rep']);
    expect(rows.map((r) => r.line)).toEqual([1, 3, 4]);
    expect(rows[1]!.needsContext).toBe(false);
    expect(rows[2]!.context).toBe('ok?');
  });

  it('reads lang in lower case and trimmed, so "EN" and "en" are one subset', () => {
    const rows = parseLabeledJsonl(jsonl({ text: 'hi', label: 'neutral', lang: 'EN' }, { text: 'ok', label: 'neutral', lang: ' en ' }, { text: '好', label: 'neutral', lang: 'zh' }), 'l.jsonl');
    expect(rows.map((r) => r.lang)).toEqual(['en', 'en', 'zh']);
    const r = evaluateVerbal(rows, createKeywordBaseline(), createKeywordBaseline());
    expect(r.subsets.map((s) => [s.name, s.n])).toEqual([['all', 3], ['en', 2], ['zh', 1]]);
    expect(() => parseLabeledJsonl(jsonl({ text: 'hi', label: 'neutral', lang: '  ' }), 'l.jsonl')).toThrow(/field "lang": must be a non-empty string/);
  });

  it('takes a file that starts with a byte-order mark (as Windows editors write it)', () => {
    const rows = parseLabeledJsonl(`\uFEFF${jsonl({ text: '多少钱', label: 'price_inquiry' }, { text: 'ok', label: 'neutral' })}`, 'bom.jsonl');
    expect(rows.map((r) => [r.text, r.label, r.line])).toEqual([
      ['多少钱', 'price_inquiry', 1],
      ['ok', 'neutral', 2],
    ]);
  });

  it.each([
    ['{"text": "hi", "label": ', 2, undefined, /not valid JSON/],
    ['{"label": "neutral"}', 2, 'text', /field "text": is missing/],
    ['{"text": 5, "label": "neutral"}', 2, 'text', /field "text": must be a string/],
    ['{"text": "hi", "label": "greeting"}', 2, 'label', /unknown label "greeting"/],
    ['{"text": "hi", "label": "neutral", "speaker": "boss"}', 2, 'speaker', /must be "buyer" or "seller"/],
    ['{"text": "hi", "label": "neutral", "role": "buyer"}', 2, 'role', /must be "customer" or "rep"/],
    ['{"text": "hi", "label": "neutral", "context": 3}', 2, 'context', /must be a string/],
    ['{"text": "hi", "label": "neutral", "needs_context": "yes"}', 2, 'needs_context', /must be true or false/],
    ['[1, 2]', 2, undefined, /not a JSON object/],
  ])('stops at a malformed row with its line and field: %s', (bad, line, field, message) => {
    const text = jsonl({ text: 'ok', label: 'neutral' }, bad);
    let err: unknown;
    try {
      parseLabeledJsonl(text, 'data.jsonl');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetError);
    const d = err as DatasetError;
    expect(d.line).toBe(line);
    expect(d.field).toBe(field);
    expect(d.message).toMatch(/^data\.jsonl:2: /);
    expect(d.message).toMatch(message);
  });
});

describe('evaluateVerbal', () => {
  const rows = parseLabeledJsonl(
    jsonl(
      { text: 'How much is the desk?', label: 'price_inquiry', lang: 'en', needs_context: false },
      { text: 'can you do it cheaper', label: 'discount_request', needs_context: false },
      { text: '这个多少钱', label: 'price_inquiry', needs_context: false },
      { text: '那我再考虑一下', label: 'resistance', needs_context: true },
      { text: 'The price is 200, how much can you pay?', label: 'neutral', speaker: 'seller' },
    ),
    't.jsonl',
  );

  it('detects the language when the row has none', () => {
    expect(rows.map(rowLang)).toEqual(['en', 'en', 'zh', 'zh', 'en']);
  });

  it('scores through the speaker rule: rep rows are neutral whatever the classifier says', () => {
    const alwaysPrice: VerbalClassifier = {
      version: 'always-price',
      classify: (inputs) => inputs.map(() => ({ label: 'price_inquiry', score: 1, scores: { price_inquiry: 1, discount_request: 0, purchase_intent: 0, resistance: 0, neutral: 0 } })),
      dispose: () => undefined,
    };
    const r = evaluateVerbal(rows, alwaysPrice, createKeywordBaseline());
    expect(r.subsets.map((s) => s.name)).toEqual(['all', 'en', 'zh', 'all without needs_context', 'en without needs_context', 'zh without needs_context']);
    const all = r.subsets[0]!;
    expect(all.model.perLabel.neutral).toMatchObject({ support: 1, recall: 1, precision: 1 });
    expect(all.model.perLabel.price_inquiry).toMatchObject({ support: 2, predicted: 4 });
    expect(all.baseline.accuracy).toBe(1);
    expect(r.subsets[3]!.n).toBe(4);
    expect(formatEvalReport(r)).toContain('== zh without needs_context (1 rows)');
    // The baseline is right on every row: its interval has no width; the model's lies around its figure.
    expect(all.macroF1Interval.baseline).toMatchObject({ level: 0.95, low: 1, high: 1 });
    expect(all.macroF1Interval.model.low).toBeLessThanOrEqual(all.model.macroF1);
    expect(all.macroF1Interval.model.high).toBeGreaterThanOrEqual(all.model.macroF1);
    expect(formatEvalReport(r)).toMatch(/95 % CI .*100\.0–100\.0/);
  });

  it('holds the model to the pipeline\'s thresholds: a signal below its threshold counts as neutral', () => {
    // Price at 0.45 on every turn: a signal by default (the most probable label counts), neutral
    // once price_inquiry needs 0.5.
    const weakPrice: VerbalClassifier = {
      version: 'weak-price',
      classify: (inputs) => inputs.map(() => ({ label: 'price_inquiry', score: 0.45, scores: { price_inquiry: 0.45, discount_request: 0.1, purchase_intent: 0.1, resistance: 0.1, neutral: 0.25 } })),
      dispose: () => undefined,
    };
    const byDefault = evaluateVerbal(rows, weakPrice, createKeywordBaseline());
    expect(byDefault.thresholds).toEqual({});
    expect(byDefault.subsets[0]!.model.perLabel.price_inquiry.predicted).toBe(4);
    const held = evaluateVerbal(rows, weakPrice, createKeywordBaseline(), { price_inquiry: 0.5 });
    expect(held.thresholds).toEqual({ price_inquiry: 0.5 });
    expect(held.subsets[0]!.model.perLabel.price_inquiry.predicted).toBe(0);
    expect(held.subsets[0]!.model.perLabel.neutral.predicted).toBe(5);
    expect(held.subsets[0]!.baseline).toEqual(byDefault.subsets[0]!.baseline);
    expect(formatEvalReport(held)).toContain('a signal counts when it is the most probable label and scores price_inquiry ≥ 0.5');
    expect(formatEvalReport(byDefault)).toContain('a signal counts when it is the most probable label\n');
  });
  it('lists the rows the model got wrong only when asked: line, gold, predicted, both probabilities, text and context', () => {
    const weakPrice: VerbalClassifier = {
      version: 'weak-price',
      classify: (inputs) => inputs.map(() => ({ label: 'price_inquiry', score: 0.45, scores: { price_inquiry: 0.45, discount_request: 0.1, purchase_intent: 0.1, resistance: 0.2, neutral: 0.15 } })),
      dispose: () => undefined,
    };
    const withCtx = parseLabeledJsonl(jsonl({ text: 'ok', label: 'neutral' }, '', { text: '那我再考虑一下', label: 'resistance', context: '一共两千' }), 'c.jsonl');
    expect(evaluateVerbal(withCtx, weakPrice, createKeywordBaseline()).errors).toBeUndefined();
    const r = evaluateVerbal(withCtx, weakPrice, createKeywordBaseline(), {}, { errors: true });
    expect(r.errors).toEqual([
      { line: 1, lang: 'en', role: 'customer', gold: 'neutral', predicted: 'price_inquiry', score: 0.45, goldScore: 0.15, top: 'price_inquiry', topScore: 0.45, text: 'ok' },
      { line: 3, lang: 'zh', role: 'customer', gold: 'resistance', predicted: 'price_inquiry', score: 0.45, goldScore: 0.2, top: 'price_inquiry', topScore: 0.45, text: '那我再考虑一下', context: '一共两千' },
    ]);
    const text = formatEvalReport(r);
    expect(text).toContain('rows the model got wrong: 2 of 2');
    expect(text).toMatch(/\n {5}3 zh  customer resistance → price_inquiry 0\.450 \(gold 0\.200\)  那我再考虑一下\n {20}after: 一共两千/);
    // Held to a threshold, the predicted label is the one the pipeline would give: neutral here, so row 1 is right.
    const held = evaluateVerbal(withCtx, weakPrice, createKeywordBaseline(), { price_inquiry: 0.5 }, { errors: true });
    expect(held.errors!.map((e) => [e.line, e.predicted, e.score])).toEqual([[3, 'neutral', 0.15]]);
  });

  it('--errors says why a threshold made a row wrong: the model\'s own label, its score and the threshold', () => {
    // The audit's case: gold discount, the model's top label resistance at 0.49, demoted under 0.6.
    const resist = (top: number): VerbalClassifier => ({
      version: 'resist',
      classify: (inputs) => inputs.map(() => ({ label: 'resistance', score: top, scores: { price_inquiry: 0.05, discount_request: 0.23, purchase_intent: 0.05, resistance: top, neutral: 0.67 - top } })),
      dispose: () => undefined,
    });
    const rows2 = parseLabeledJsonl(jsonl({ text: '能便宜点吗', label: 'discount_request' }, { text: '太贵了', label: 'resistance' }), 'd.jsonl');
    const r = evaluateVerbal(rows2, resist(0.49), createKeywordBaseline(), { resistance: 0.6 }, { errors: true });
    expect(r.errors![0]).toMatchObject({ predicted: 'neutral', top: 'resistance', topScore: 0.49, threshold: 0.6, goldScore: 0.23 });
    const text = formatEvalReport(r);
    expect(text).toContain('1 zh  customer discount_request → neutral (resistance 0.490 < 0.6; gold 0.230)  能便宜点吗');
    // When the demoted label is the gold one, its score is said once.
    expect(text).toContain('2 zh  customer resistance → neutral (resistance 0.490 < 0.6)  太贵了');
    // Just under the threshold: more decimals rather than a rounded 0.600 that reads as passing it.
    const close = formatEvalReport(evaluateVerbal(rows2, resist(0.5996), createKeywordBaseline(), { resistance: 0.6 }, { errors: true }));
    expect(close).toContain('resistance → neutral (resistance 0.5996 < 0.6)');
  });

  it('--errors shows a rep row\'s role and that it is neutral by rule, not the rule\'s made-up scores', () => {
    const alwaysPrice: VerbalClassifier = {
      version: 'always-price',
      classify: (inputs) => inputs.map(() => ({ label: 'price_inquiry', score: 1, scores: { price_inquiry: 1, discount_request: 0, purchase_intent: 0, resistance: 0, neutral: 0 } })),
      dispose: () => undefined,
    };
    const repRows = parseLabeledJsonl(jsonl({ text: 'it is 40 dollars', label: 'price_inquiry', speaker: 'seller' }), 'r.jsonl');
    const r = evaluateVerbal(repRows, alwaysPrice, createKeywordBaseline(), {}, { errors: true });
    expect(r.errors).toEqual([{ line: 1, lang: 'en', role: 'rep', gold: 'price_inquiry', predicted: 'neutral', text: 'it is 40 dollars' }]);
    const text = formatEvalReport(r);
    expect(text).toContain('1 en  rep      price_inquiry → neutral (rep turn: neutral by rule)  it is 40 dollars');
    expect(text).not.toContain('1.000');
  });

  it('formatScore: 3 decimals, more only when 3 would cross the threshold', () => {
    expect(formatScore(0.5965)).toBe('0.597');
    expect(formatScore(0.5965, 0.6)).toBe('0.597');
    expect(formatScore(0.59996, 0.6)).toBe('0.59996');
    expect(formatScore(0.6, 0.6)).toBe('0.600');
  });

  it('names its schema version and the data file it was given, in the JSON and the text', () => {
    const r = evaluateVerbal(rows, createKeywordBaseline(), createKeywordBaseline(), {}, { data: 'probes/x.jsonl' });
    expect(r).toMatchObject({ schema: 1, data: 'probes/x.jsonl' });
    expect(formatEvalReport(r).split('\n')[0]).toMatch(/, 5 rows of probes\/x\.jsonl$/);
    expect(evaluateVerbal(rows, createKeywordBaseline(), createKeywordBaseline()).data).toBeUndefined();
  });
});

describe('--by: slices of the report by a field of the rows', () => {
  // Made-up rows: two chat platforms, one row without a source (and one with null), a hard_negative flag, a batch number.
  const rows = parseLabeledJsonl(
    jsonl(
      { text: 'how much for the blue kettle', label: 'price_inquiry', source: 'shopchat', hard_negative: false, batch: 10 },
      { text: 'any chance of a lower price', label: 'discount_request', source: ' shopchat ', hard_negative: false, batch: 9 },
      { text: '这个水壶多少钱', label: 'price_inquiry', source: 'mallim', hard_negative: true, batch: 9 },
      { text: '我再看看别家', label: 'resistance', source: 'mallim', batch: 10 },
      { text: 'the kettle comes in blue and red', label: 'neutral', hard_negative: true, batch: 9, meta: { writer: 'a' } },
      { text: 'I will order two', label: 'purchase_intent', source: null, batch: 10, tags: ['x'] },
    ),
    'by.jsonl',
  );
  const alwaysPrice: VerbalClassifier = {
    version: 'always-price',
    classify: (inputs) => inputs.map(() => ({ label: 'price_inquiry', score: 1, scores: { price_inquiry: 1, discount_request: 0, purchase_intent: 0, resistance: 0, neutral: 0 } })),
    dispose: () => undefined,
  };

  it('the parser keeps the other fields as text (trimmed; numbers in decimal, booleans true/false; null left out) and names nested ones, validating nothing more', () => {
    expect(rows[0]!.fields).toEqual({ source: 'shopchat', hard_negative: 'false', batch: '10' });
    expect(rows[1]!.fields).toEqual({ source: 'shopchat', hard_negative: 'false', batch: '9' });
    expect(rows[4]!.fields).toEqual({ hard_negative: 'true', batch: '9' });
    expect(rows[4]!.nestedFields).toEqual(['meta']);
    expect(rows[5]!.fields).toEqual({ batch: '10' });
    expect(rows[5]!.nestedFields).toEqual(['tags']);
    // The fields it reads itself are not repeated; a row with none has neither property.
    const plain = parseLabeledJsonl(jsonl({ text: 'ok', label: 'neutral', lang: 'en', role: 'rep', context: 'c', needs_context: false }), 'p.jsonl');
    expect(plain[0]).toEqual({ text: 'ok', label: 'neutral', lang: 'en', role: 'rep', context: 'c', needsContext: false, line: 1 });
  });

  it('one subset per value after the usual ones, "(none)" last for rows without the field or with null, each with the full report', () => {
    const r = evaluateVerbal(rows, alwaysPrice, createKeywordBaseline(), {}, { by: ['source'] });
    expect(r.subsets.map((s) => [s.name, s.n])).toEqual([['all', 6], ['en', 4], ['zh', 2], ['source=mallim', 2], ['source=shopchat', 2], ['source=(none)', 2]]);
    expect(r.subsets.slice(0, 3).every((s) => s.slice === undefined)).toBe(true);
    expect(r.subsets.slice(3).map((s) => s.slice)).toEqual([{ field: 'source', value: 'mallim' }, { field: 'source', value: 'shopchat' }, { field: 'source', value: null }]);
    const mallim = r.subsets[3]!;
    expect(mallim.model.perLabel.price_inquiry).toMatchObject({ support: 1, predicted: 2, recall: 1 });
    expect(mallim.model.perLabel.resistance).toMatchObject({ support: 1, recall: 0 });
    expect(mallim.baseline.n).toBe(2);
    expect(mallim.macroF1Interval.model.low).toBeLessThanOrEqual(mallim.model.macroF1);
    const text = formatEvalReport(r);
    expect(text).toContain('== source=mallim (2 rows)');
    expect(text).toContain('== source=(none) (2 rows)');
    expect(text).toContain('confusion, model, source=(none) (rows gold, columns predicted)');
    // Without --by, the report is as before.
    expect(evaluateVerbal(rows, alwaysPrice, createKeywordBaseline()).subsets.map((s) => s.name)).toEqual(['all', 'en', 'zh']);
  });

  it('booleans read true/false, numbers sort as numbers; two fields give one slicing each, not their cross product', () => {
    const names = subsetsOf(rows, ['hard_negative', 'batch', 'hard_negative']).map((s) => `${s.name}:${s.idx.join('')}`);
    expect(names).toEqual(['all:012345', 'en:0145', 'zh:23', 'hard_negative=false:01', 'hard_negative=true:24', 'hard_negative=(none):35', 'batch=9:124', 'batch=10:035']);
    // A field every row has: no "(none)".
    expect(slicesOf(rows, 'batch').map((s) => s.name)).toEqual(['batch=9', 'batch=10']);
  });

  it('the fields the parser reads slice by the value the report uses: lang as detected, role also from speaker', () => {
    const rs = parseLabeledJsonl(jsonl({ text: 'hi', label: 'neutral', speaker: 'seller' }, { text: '你好', label: 'neutral' }, { text: 'yo', label: 'neutral', lang: 'EN' }), 'k.jsonl');
    expect(slicesOf(rs, 'lang').map((s) => [s.name, s.idx])).toEqual([['lang=en', [0, 2]], ['lang=zh', [1]]]);
    expect(slicesOf(rs, 'role').map((s) => [s.name, s.idx])).toEqual([['role=customer', [1, 2]], ['role=rep', [0]]]);
    expect(() => slicesOf(rs, 'speaker')).toThrow('--by speaker: speaker is read as the role (buyer: customer, seller: rep); slice with --by role');
    expect(() => slicesOf(rs, 'text')).toThrow(/--by text: it is the free text of each row/);
  });

  it('refuses a field no row has, listing those the rows have (a typo is caught)', () => {
    expect(() => subsetsOf(rows, ['sorce'])).toThrow(SliceError);
    expect(() => subsetsOf(rows, ['sorce'])).toThrow('--by sorce: no row has a field "sorce"; the rows have: batch, hard_negative, label, lang, role, source');
    // "constructor" is not a field because every object has one.
    expect(() => slicesOf(rows, 'constructor')).toThrow(/no row has a field "constructor"/);
    // A field named __proto__ is a field like another.
    const proto = parseLabeledJsonl('{"text": "hi", "label": "neutral", "__proto__": "x"}', 'p.jsonl');
    expect(slicesOf(proto, '__proto__').map((s) => s.name)).toEqual(['__proto__=x']);
  });

  it('refuses a field holding an object or array, naming it and the line of the first such row', () => {
    expect(() => slicesOf(rows, 'meta')).toThrow('--by meta: line 5 holds an object or array in "meta", which cannot be sliced on (only strings, numbers and true/false can)');
    expect(() => slicesOf(rows, 'tags')).toThrow(/^--by tags: line 6 holds/);
  });

  it(`refuses more than ${MAX_SLICES} distinct values, saying how many and to slice by a coarser field`, () => {
    const many = parseLabeledJsonl(jsonl(...Array.from({ length: MAX_SLICES + 1 }, (_, i) => ({ text: `row ${i}`, label: 'neutral', text_id: `t${i}`, kind: i % 2 ? 'odd' : 'even' }))), 'm.jsonl');
    expect(() => slicesOf(many, 'text_id')).toThrow(`--by text_id: ${MAX_SLICES + 1} distinct values, more than ${MAX_SLICES}; a slice per value would be too small to read: slice by a coarser field`);
    expect(slicesOf(many.slice(0, MAX_SLICES), 'text_id')).toHaveLength(MAX_SLICES);
    expect(slicesOf(many, 'kind').map((s) => [s.name, s.idx.length])).toEqual([['kind=even', 26], ['kind=odd', 25]]);
  });
});

it('docs/eval-json.md\'s plain section names a slice\'s fields', () => {
  const docs = fs.readFileSync(path.join(__dirname, '../../docs/eval-json.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## `eval verbal --json`'), docs.indexOf('## `eval verbal --sweep --json`'));
  const rows = parseLabeledJsonl(jsonl({ text: 'hi', label: 'neutral', source: 'a' }), 'd.jsonl');
  const s = evaluateVerbal(rows, createKeywordBaseline(), createKeywordBaseline(), {}, { by: ['source'] }).subsets.at(-1)!;
  expect(s.slice).toEqual({ field: 'source', value: 'a' });
  for (const k of ['slice', 'field', 'value', 'FIELD=(none)']) expect(section).toContain(`\`${k}\``);
});

describe('the mixed subset', () => {
  const rows = parseLabeledJsonl(
    jsonl(
      { text: 'How much is the desk?', label: 'price_inquiry', needs_context: false },
      { text: 'iPhone 多少钱', label: 'price_inquiry', needs_context: false },
      { text: '这个多少钱', label: 'price_inquiry', needs_context: false },
      { text: 'OK的 我要了', label: 'purchase_intent', needs_context: true },
      { text: 'X5 有优惠吗', label: 'discount_request', needs_context: false },
      { text: 'annual fee how much? 第一年要收吗', label: 'price_inquiry', lang: 'en', needs_context: false },
    ),
    'm.jsonl',
  );

  it('follows the languages, its rows staying in their language subsets; and without needs_context like them', () => {
    const subsets = subsetsOf(rows).map((s) => `${s.name}:${s.idx.join('')}`);
    expect(subsets).toEqual([
      'all:012345', 'en:05', 'zh:1234', 'mixed:135',
      'all without needs_context:01245', 'en without needs_context:05', 'zh without needs_context:124', 'mixed without needs_context:15',
    ]);
  });

  it('is left out when no row mixes (a model number beside Chinese is not English)', () => {
    expect(subsetsOf([rows[0]!, rows[2]!, rows[4]!]).map((s) => s.name)).toEqual(['all', 'en', 'zh', 'all without needs_context', 'en without needs_context', 'zh without needs_context']);
  });

  it('keeps the name of a language subset the rows call "mixed" (the probe files), the text rule\'s taking another', () => {
    expect(mixedSubsetName(['en', 'zh'])).toBe('mixed');
    expect(mixedSubsetName(['mixed'])).toBe('mixed (by text)');
    const probes = parseLabeledJsonl(jsonl({ text: '那个 interest rate 多少', label: 'price_inquiry', lang: 'mixed' }, { text: '多少钱', label: 'price_inquiry', lang: 'mixed' }), 'p.jsonl');
    expect(subsetsOf(probes).map((s) => `${s.name}:${s.idx.join('')}`)).toEqual(['all:01', 'mixed:01', 'mixed (by text):0']);
  });

  it('is reported with its figures and confusion in the plain report', () => {
    const alwaysPrice: VerbalClassifier = {
      version: 'always-price',
      classify: (inputs) => inputs.map(() => ({ label: 'price_inquiry', score: 1, scores: { price_inquiry: 1, discount_request: 0, purchase_intent: 0, resistance: 0, neutral: 0 } })),
      dispose: () => undefined,
    };
    const r = evaluateVerbal(rows, alwaysPrice, createKeywordBaseline());
    const mixed = r.subsets.find((s) => s.name === 'mixed')!;
    expect(mixed.n).toBe(3);
    // Two price questions right, the purchase intent wrong.
    expect(mixed.model.accuracy).toBeCloseTo(2 / 3);
    const text = formatEvalReport(r);
    expect(text).toContain('== mixed (3 rows)');
    expect(text).toContain('confusion, model, mixed (rows gold, columns predicted)');
    expect(text).not.toContain('confusion, model, mixed without needs_context');
  });
});
