// eval verbal's mixed subset (turns mixing Chinese and English, server/eval/mixedText.ts) through
// the CLI's entry function, with the committed models/verbal: in the report, --json, --compare
// and --sweep; and on the project's code-switched probes, whose rows say "lang": "mixed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { projectPath } from '../paths';
import type { VerbalEvalReport } from '../eval/verbalEval';
import type { VerbalCompareReport } from '../eval/verbalCompare';
import type { VerbalSweepReport } from '../eval/thresholdSweep';

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await main(args, { out: (s) => void out.push(s), err: () => undefined });
  return { code, out: out.join('\n') };
}

let dir: string;
let data: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-mixed-'));
  data = path.join(dir, 'mixed.jsonl');
  const rows = [
    { text: 'What does the garden hose cost?', label: 'price_inquiry' },
    { text: '这根水管多少钱？', label: 'price_inquiry' },
    { text: '这个 hose 能便宜点吗？', label: 'discount_request' },
    { text: 'OK的，我要了', label: 'purchase_intent' },
    { text: 'X5 型号有货吗', label: 'neutral' },
  ];
  fs.writeFileSync(data, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('eval verbal: the mixed subset', () => {
  it('is printed after the languages, its rows still in zh, and is in --json with the figures of its rows', async () => {
    const text = await run(['eval', 'verbal', '--data', data]);
    expect(text.code).toBe(0);
    for (const s of ['== all (5 rows)', '== en (1 rows)', '== zh (4 rows)', '== mixed (2 rows)', 'confusion, model, mixed']) expect(text.out).toContain(s);
    expect(text.out.indexOf('== zh (4 rows)')).toBeLessThan(text.out.indexOf('== mixed (2 rows)'));
    const json = await run(['eval', 'verbal', '--data', data, '--json']);
    const r = JSON.parse(json.out) as VerbalEvalReport;
    expect(r.subsets.map((s) => [s.name, s.n])).toEqual([['all', 5], ['en', 1], ['zh', 4], ['mixed', 2]]);
    expect(r.subsets[3]!.model.perLabel.discount_request.support + r.subsets[3]!.model.perLabel.purchase_intent.support).toBe(2);
  });

  it('--compare and --sweep report it too', async () => {
    const compare = await run(['eval', 'verbal', '--data', data, '--compare', projectPath('models', 'verbal'), '--json']);
    expect((JSON.parse(compare.out) as VerbalCompareReport).subsets.map((s) => s.name)).toEqual(['all', 'en', 'zh', 'mixed']);
    expect((await run(['eval', 'verbal', '--data', data, '--compare', projectPath('models', 'verbal')])).out).toContain('== mixed (2 rows)');
    const sweep = await run(['eval', 'verbal', '--data', data, '--sweep', '--json']);
    expect((JSON.parse(sweep.out) as VerbalSweepReport).subsets.map((s) => [s.name, s.n])).toEqual([['all', 5], ['en', 1], ['zh', 4], ['mixed', 2]]);
    expect((await run(['eval', 'verbal', '--data', data, '--sweep'])).out).toContain('best on mixed, one label at a time');
  });

  it('on the code-switched probes (lang "mixed"): their language subset kept, every probe mixed by the text rule too', async () => {
    const r = JSON.parse((await run(['eval', 'verbal', '--data', projectPath('fixtures', 'verbal', 'probes', 'mixed.jsonl'), '--json'])).out) as VerbalEvalReport;
    expect(r.subsets.map((s) => s.name)).toEqual(['all', 'mixed', 'mixed (by text)']);
    expect(r.subsets.map((s) => s.n)).toEqual([r.rows, r.rows, r.rows]);
  });
});
