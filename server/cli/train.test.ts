import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTf } from '../runtime/backend';
import { runEval } from './eval';
import { runTrain } from './train';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

describe('train/eval verbal command modules', () => {
  beforeAll(() => initTf('wasm'));

  it.each([
    [[], /train needs a target/],
    [['voice'], /unknown train target "voice"/],
    [['verbal', '--lr', '3'], /unknown option --lr/],
    [['verbal', '--epochs', 'many'], /--epochs must be a whole number/],
    // The bound scripts/measure-verbal-recipe.mjs checks its --seeds against up front.
    [['verbal', '--seed', '2147483648'], /--seed must be a whole number from 0 to 2147483647, got "2147483648"/],
  ])('train %j is a usage error (exit 2)', async (args, message) => {
    const c = capture();
    expect(await runTrain(args, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(message);
    expect(c.err.join('\n')).toMatch(/usage: buying-signals train verbal/);
  });

  it.each([
    [['verbal'], /--data FILE.jsonl is required/],
    [['text', '--data', 'x.jsonl'], /unknown eval target "text"/],
    [['verbal', '--data', 'x.jsonl', '--csv'], /unknown option --csv/],
  ])('eval %j is a usage error (exit 2)', async (args, message) => {
    const c = capture();
    expect(await runEval(args, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(message);
  });

  it('trains into --out and evaluates that model, as a table and as JSON', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-cli-'));
    try {
      const made = [
        ['how much is the chair', 'price_inquiry'],
        ['这把椅子多少钱', 'price_inquiry'],
        ['can you knock some off', 'discount_request'],
        ['能不能便宜点', 'discount_request'],
        ["ok i'll buy the chair", 'purchase_intent'],
        ['我要下单了', 'purchase_intent'],
        ['hmm that is a lot of money', 'resistance'],
        ['我再想想吧', 'resistance'],
        ['does it fold flat', 'neutral'],
        ['能折叠吗', 'neutral'],
      ];
      const corpus = path.join(tmp, 'corpus.jsonl');
      fs.writeFileSync(corpus, [...made, ...made].map(([text, label]) => JSON.stringify({ text, label })).join('\n'));
      const modelDir = path.join(tmp, 'model');
      const t = capture();
      expect(await runTrain(['verbal', '--corpus', corpus, '--out', modelDir, '--epochs', '2', '--seed', '3'], t.io)).toBe(0);
      expect(t.out.at(-1)).toMatch(/^wrote verbal-\d{8}-[0-9a-f]{8} to /);
      // A corpus outside the project is named by its whole path, not as ../../tmp/…
      expect(t.out[0]).toContain(`training verbal on 20 rows from ${corpus} (`);
      const e = capture();
      expect(await runEval(['verbal', '--data', corpus, '--model', modelDir], e.io)).toBe(0);
      expect(e.out.join('\n')).toMatch(/== zh \(10 rows\)/);
      const j = capture();
      expect(await runEval(['verbal', '--data', corpus, '--model', modelDir, '--json'], j.io)).toBe(0);
      const report = JSON.parse(j.out.join(''));
      expect(report.baselineVersion).toBe('keyword-baseline');
      expect(report.subsets[0].n).toBe(20);
      expect(report.errors).toBeUndefined();
      // --errors lists each wrong row with its line; as JSON, the same rows in `errors`.
      const w = capture();
      expect(await runEval(['verbal', '--data', corpus, '--model', modelDir, '--errors', '--json'], w.io)).toBe(0);
      const errors = JSON.parse(w.out.join('')).errors as { line: number; gold: string; predicted: string; text: string }[];
      const wrong = report.subsets[0].model.confusion.reduce((n: number, row: number[], i: number) => n + row.reduce((a, c, k) => a + (k === i ? 0 : c), 0), 0);
      expect(errors).toHaveLength(wrong);
      for (const err of errors) expect(made[(err.line - 1) % made.length]).toEqual([err.text, err.gold]);
      const listed = capture();
      expect(await runEval(['verbal', '--data', corpus, '--model', modelDir, '--errors'], listed.io)).toBe(0);
      expect(listed.out.join('\n')).toContain(`rows the model got wrong: ${wrong} of 20`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
