// eval verbal --by FIELD through the CLI's entry function, with the committed models/verbal and
// rows written here (made up for this test, not from any corpus).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { listFlag, parseArgs, UsageError } from './args';
import { projectPath } from '../paths';
import type { VerbalEvalReport } from '../eval/verbalEval';
import type { VerbalCompareReport } from '../eval/verbalCompare';
import type { VerbalSweepReport } from '../eval/thresholdSweep';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

let dir: string;
let data: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-slices-'));
  data = path.join(dir, 'sliced.jsonl');
  const rows = [
    { text: 'What does the garden hose cost?', label: 'price_inquiry', source: 'webchat', hard_negative: false },
    { text: 'Is there a cheaper deal on two hoses?', label: 'discount_request', source: 'webchat', hard_negative: false },
    { text: 'Alright, put me down for the long one.', label: 'purchase_intent', source: 'webchat' },
    { text: 'The hose was left by the shed.', label: 'neutral', source: 'phone', hard_negative: true },
    { text: 'That seems like more than I want to spend.', label: 'resistance', source: 'phone' },
    { text: '这根水管多少钱？', label: 'price_inquiry', source: 'phone', hard_negative: false },
    { text: '两根能便宜点吗？', label: 'discount_request', hard_negative: false },
    { text: '水管放在门口了。', label: 'neutral', hard_negative: true, meta: { writer: 'w1' } },
  ];
  fs.writeFileSync(data, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('eval verbal --by FIELD', () => {
  it('prints a section per value after the usual subsets, "(none)" for rows without the field, with its confusion matrix', async () => {
    const c = capture();
    expect(await main(['eval', 'verbal', '--data', data, '--by', 'source'], c.io)).toBe(0);
    const text = c.out.join('\n');
    const heads = [...text.matchAll(/^== (.*)$/gm)].map((m) => m[1]);
    expect(heads).toEqual(['all (8 rows)', 'en (5 rows)', 'zh (3 rows)', 'source=phone (3 rows)', 'source=webchat (3 rows)', 'source=(none) (2 rows)']);
    expect(text).toContain('confusion, model, source=webchat (rows gold, columns predicted)');
    // Beside the keyword baseline, with an interval, as every subset.
    expect(text.split('\n== source=phone')[1]).toMatch(/95 % CI/);
  });

  it('--json: the slices in subsets with slice {field, value}; two fields repeated or comma-separated give the same, one slicing each', async () => {
    const c = capture();
    expect(await main(['eval', 'verbal', '--data', data, '--json', '--by', 'source', '--by', 'hard_negative'], c.io)).toBe(0);
    const r = JSON.parse(c.out.join('')) as VerbalEvalReport;
    expect(r.subsets.map((s) => [s.name, s.n, s.slice ?? null])).toEqual([
      ['all', 8, null], ['en', 5, null], ['zh', 3, null],
      ['source=phone', 3, { field: 'source', value: 'phone' }],
      ['source=webchat', 3, { field: 'source', value: 'webchat' }],
      ['source=(none)', 2, { field: 'source', value: null }],
      ['hard_negative=false', 4, { field: 'hard_negative', value: 'false' }],
      ['hard_negative=true', 2, { field: 'hard_negative', value: 'true' }],
      ['hard_negative=(none)', 2, { field: 'hard_negative', value: null }],
    ]);
    const s = r.subsets[3]!;
    expect(s.model.perLabel.resistance.support).toBe(1);
    expect(s.model.confusion.flat().reduce((a, b) => a + b, 0)).toBe(3);
    expect(s.macroF1Interval.model.resamples).toBe(1000);
    const d = capture();
    expect(await main(['eval', 'verbal', '--data', data, '--json', '--by', 'source, hard_negative'], d.io)).toBe(0);
    expect(JSON.parse(d.out.join(''))).toEqual(r);
  });

  it('--compare and --sweep slice the same way', async () => {
    const c = capture();
    expect(await main(['eval', 'verbal', '--data', data, '--json', '--compare', projectPath('models/verbal'), '--by', 'source'], c.io)).toBe(0);
    const cmp = JSON.parse(c.out.join('')) as VerbalCompareReport;
    expect(cmp.subsets.slice(3).map((s) => [s.name, s.slice])).toEqual([
      ['source=phone', { field: 'source', value: 'phone' }], ['source=webchat', { field: 'source', value: 'webchat' }], ['source=(none)', { field: 'source', value: null }],
    ]);
    // The same model on both sides: nothing fixed or broken in any slice.
    for (const s of cmp.subsets) expect(s.macroF1.difference).toBe(0);
    const w = capture();
    expect(await main(['eval', 'verbal', '--data', data, '--sweep', '--by', 'source'], w.io)).toBe(0);
    expect(w.out.join('\n')).toContain('== source=(none) (2 rows)');
    expect(w.out.join('\n')).toMatch(/^best on source=webchat, one label at a time/m);
    const j = capture();
    expect(await main(['eval', 'verbal', '--data', data, '--sweep', '--json', '--by', 'source'], j.io)).toBe(0);
    expect((JSON.parse(j.out.join('')) as VerbalSweepReport).subsets.map((s) => s.slice?.value)).toEqual([undefined, undefined, undefined, 'phone', 'webchat', null]);
  }, 60_000);

  it.each([
    ['sorce', '--by sorce: no row has a field "sorce"; the rows have: hard_negative, label, lang, role, source'],
    ['meta', '--by meta: line 8 holds an object or array in "meta", which cannot be sliced on'],
    ['text', '--by text: it is the free text of each row, not a field to slice on'],
  ])('--by %s is an error saying why (exit 1), before a model is loaded', async (field, message) => {
    const c = capture();
    // A model folder that does not exist: the --by error comes first.
    expect(await main(['eval', 'verbal', '--data', data, '--by', field, '--model', path.join(dir, 'no-model')], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/^buying-signals eval: --by /);
    expect(c.err.join('\n')).toContain(message);
    expect(c.out).toEqual([]);
  });

  it('more than 50 values is an error saying how many and to slice by a coarser field', async () => {
    const many = path.join(dir, 'many.jsonl');
    fs.writeFileSync(many, Array.from({ length: 60 }, (_, i) => JSON.stringify({ text: `Sentence number ${i} about hoses.`, label: 'neutral', text_id: i })).join('\n'));
    const c = capture();
    expect(await main(['eval', 'verbal', '--data', many, '--by', 'text_id'], c.io)).toBe(1);
    expect(c.err.join('\n')).toContain('--by text_id: 60 distinct values, more than 50; a slice per value would be too small to read: slice by a coarser field');
  });

  it('an empty name in --by is a usage error (exit 2); repeated --by values join, other flags keep the last', () => {
    expect(() => listFlag('source,', 'by')).toThrow(UsageError);
    expect(() => listFlag('source,,lang', 'by')).toThrow('--by: an empty name in "source,,lang" (give names separated by commas)');
    expect(listFlag(' source , lang,source', 'by')).toEqual(['source', 'lang']);
    expect(listFlag(undefined, 'by')).toEqual([]);
    const a = parseArgs(['--by', 'a', '--by=b,c', '--model', 'x', '--model', 'y'], { values: ['by', 'model'], lists: ['by'] });
    expect(a.values).toEqual({ by: 'a,b,c', model: 'y' });
  });

  it('an empty --by name stops the CLI with the usage', async () => {
    const c = capture();
    expect(await main(['eval', 'verbal', '--data', data, '--by', 'source,'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/^buying-signals eval: --by: an empty name in "source,"/);
    expect(c.err.join('\n')).toContain('usage: buying-signals eval verbal');
  });

  it('--help and the command table (docs/cli.md) name --by FIELD; the README says the rows\' other fields are kept for it', async () => {
    const c = capture();
    expect(await main(['eval', 'verbal', '--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('[--by FIELD]');
    expect(fs.readFileSync(projectPath('docs/cli.md'), 'utf8')).toMatch(/\| `eval verbal [^|]*\[--by FIELD\]/);
    const readme = fs.readFileSync(projectPath('README.md'), 'utf8');
    expect(readme).toMatch(/any other field, such as a `source` or a `hard_negative` flag, is kept\s+unchecked for `--by`/);
  });
});
