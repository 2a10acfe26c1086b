// --thresholds on every command that runs the verbal model, and eval verbal --sweep, through the
// CLI's entry function with the committed models/verbal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { serveOptions } from './serve';
import { projectPath } from '../paths';
import { SWEEP_GRID, type VerbalSweepReport } from '../eval/thresholdSweep';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-thresholds-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A few rows written for this test (not from any corpus), English and Chinese. */
function sweepData(): string {
  const file = path.join(dir, 'sweep.jsonl');
  const rows = [
    { text: 'What would the yearly fee come to for this card?', label: 'price_inquiry' },
    { text: 'How much do I pay each month for the premium plan?', label: 'price_inquiry' },
    { text: 'Could you knock a bit off the opening charge?', label: 'discount_request' },
    { text: 'Fine, let us sign the papers today.', label: 'purchase_intent' },
    { text: "I really don't think this is right for us.", label: 'resistance' },
    { text: 'The weather was lovely on the drive over.', label: 'neutral' },
    { text: 'Our fee is forty a month.', label: 'neutral', role: 'rep' },
    { text: '这个理财产品手续费是多少？', label: 'price_inquiry' },
    { text: '能不能再便宜一点？', label: 'discount_request' },
    { text: '好的，我们今天就办吧。', label: 'purchase_intent' },
    { text: '我还是觉得风险太大了。', label: 'resistance' },
    { text: '今天路上有点堵。', label: 'neutral' },
  ];
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

describe('eval verbal --sweep', () => {
  it('prints, per subset and signal label, a row per threshold with the best macro-F1 marked, and the caution', async () => {
    const data = sweepData();
    const c = capture();
    expect(await main(['eval', 'verbal', '--data', data, '--sweep'], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toMatch(/^threshold sweep: model verbal-\S+, 12 rows of /);
    expect(text).toContain('CAUTION: thresholds picked on a data file are tuned to it: its figures at the picked thresholds are optimistic');
    for (const s of ['== all (12 rows)', '== en (7 rows)', '== zh (5 rows)']) expect(text).toContain(s);
    for (const t of SWEEP_GRID) expect(text).toContain(`       ${t.toFixed(2)} `);
    // One best row per label and subset (4 labels × 3 subsets).
    expect(text.match(/◀ best$/gm)).toHaveLength(12);
    expect(text).toMatch(/^best on all, one label at a time/m);
    // No baseline, no confusion matrix: it is not the plain report.
    expect(text).not.toContain('keyword-baseline');
  });

  it('--json: the documented object, the others held to --thresholds', async () => {
    const data = sweepData();
    const c = capture();
    expect(await main(['eval', 'verbal', '--data', data, '--sweep', '--json', '--thresholds', 'resistance=0.6'], c.io)).toBe(0);
    const r = JSON.parse(c.out.join('')) as VerbalSweepReport;
    expect(r).toMatchObject({ schema: 1, sweep: 'verbal', data, thresholds: { resistance: 0.6 }, rows: 12, grid: SWEEP_GRID });
    expect(r.caution).toMatch(/optimistic/);
    expect(r.subsets.map((s) => s.name)).toEqual(['all', 'en', 'zh']);
    const all = r.subsets[0]!;
    expect(Object.keys(all.labels)).toEqual(['price_inquiry', 'discount_request', 'purchase_intent', 'resistance']);
    expect(all.labels.resistance.given.threshold).toBe(0.6);
    expect(all.labels.price_inquiry.given.threshold).toBeNull();
    for (const l of Object.values(all.labels)) {
      expect(l.points.map((p) => p.threshold)).toEqual(SWEEP_GRID);
      for (let i = 1; i < l.points.length; i++) expect(l.points[i]!.recall).toBeLessThanOrEqual(l.points[i - 1]!.recall);
    }
  });

  it('--help and the command table (docs/cli.md) name --sweep, serve\'s and analyze\'s --help and rows --thresholds; the README says how to tune them', async () => {
    const table = fs.readFileSync(projectPath('docs/cli.md'), 'utf8');
    for (const [argv, flag] of [[['eval', 'verbal'], '--sweep'], [['serve'], '--thresholds T'], [['analyze'], '--thresholds T']] as const) {
      const c = capture();
      expect(await main([...argv, '--help'], c.io)).toBe(0);
      expect(c.out.join('\n')).toContain(`[${flag}]`);
      expect(table).toMatch(new RegExp(`\\| \`${argv.join(' ')} [^|]*\\[${flag}\\]`));
    }
    expect(fs.readFileSync(projectPath('README.md'), 'utf8')).toContain('**Tuning thresholds.**');
  });

  it('refuses --sweep with --compare or --errors, naming both (exit 2, before loading anything)', async () => {
    let c = capture();
    expect(await main(['eval', 'verbal', '--data', 'x.jsonl', '--sweep', '--compare', 'models/verbal'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/^buying-signals eval: --sweep and --compare cannot be used together/);
    c = capture();
    expect(await main(['eval', 'verbal', '--data', 'x.jsonl', '--sweep', '--errors'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('--sweep and --errors cannot be used together');
  });
});

describe('analyze --thresholds', () => {
  it('drops a customer turn\'s signal under its threshold, and says the thresholds in force (text and --json)', async () => {
    const file = path.join(dir, 'meeting.txt');
    fs.writeFileSync(file, 'Rep Wu: The savings account pays two percent a year.\nGuest: And how much does it cost to keep it open?\n');
    const roles = ['--roles', 'Rep Wu=rep,Guest=customer'];
    let c = capture();
    expect(await main(['analyze', file, ...roles, '--json'], c.io)).toBe(0);
    const plain = JSON.parse(c.out.join(''));
    expect(plain.signalThresholds).toEqual({});
    expect(plain.signals.map((s: { label: string }) => s.label)).toEqual(['price_inquiry']);
    const score = plain.signals[0].score as number;
    expect(score).toBeLessThan(0.99);

    c = capture();
    expect(await main(['analyze', file, ...roles, '--json', '--thresholds', '0.99'], c.io)).toBe(0);
    const held = JSON.parse(c.out.join(''));
    expect(held.signals).toEqual([]);
    expect(held.cues).toEqual([]);
    expect(held.signalThresholds).toEqual({ price_inquiry: 0.99, discount_request: 0.99, purchase_intent: 0.99, resistance: 0.99 });

    // A threshold on another label leaves it; one under its score keeps it.
    c = capture();
    expect(await main(['analyze', file, ...roles, '--json', '--thresholds', `resistance=0.99,price_inquiry=${Math.floor(score * 100) / 100}`], c.io)).toBe(0);
    expect(JSON.parse(c.out.join('')).signals).toHaveLength(1);

    c = capture();
    expect(await main(['analyze', file, ...roles, '--thresholds', 'price_inquiry=0.99'], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text.split('\n')[0]).toMatch(/^model verbal-\S+; signal thresholds: price_inquiry ≥ 0\.99 \(a customer turn scoring under its label's gives no signal\)$/);
    expect(text).not.toContain('▲');
    expect(text).toMatch(/2 utterances, 0 signals, 0 cues$/);

    c = capture();
    expect(await main(['analyze', file, ...roles], c.io)).toBe(0);
    expect(c.out.join('\n').split('\n')[0]).toMatch(/^model verbal-\S+$/);
  });

  it.each([
    ['analyze', ['meeting.txt']],
    ['serve', ['--warm-up', '0']],
  ])('%s: a bad --thresholds is the usage error eval gives (exit 2, naming the flag and the bad part)', async (cmd, rest) => {
    for (const [value, message] of [
      ['abc', '--thresholds: value "abc" is not a number from 0 to 1'],
      ['1.5', '--thresholds: threshold for price_inquiry: 1.5 is not a number from 0 to 1'],
      ['neutral=0.5', '--thresholds: threshold for "neutral": not a signal label'],
      ['resistance=0x1', '--thresholds: value for resistance "0x1" is not a number from 0 to 1'],
    ] as const) {
      const c = capture();
      expect(await main([cmd, ...rest.map((r) => (r.endsWith('.txt') ? path.join(dir, r) : r)), '--thresholds', value], c.io)).toBe(2);
      expect(c.err.join('\n')).toContain(`buying-signals ${cmd}: ${message}`);
      expect(c.out).toEqual([]);
    }
  });

  it('analyze: --thresholds is for transcripts, not photos', async () => {
    const c = capture();
    expect(await main(['analyze', 'a.jpg', '--thresholds', '0.5'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('--format, --roles and --thresholds are for transcripts, not photos');
  });
});

describe('serve --thresholds', () => {
  it('goes into the pipeline options; without it there are none', () => {
    expect(serveOptions(['--thresholds', 'resistance=0.6'], {}).pipeline?.signalThresholds).toEqual({ resistance: 0.6 });
    expect(serveOptions([], {}).pipeline).toBeUndefined();
  });
});
