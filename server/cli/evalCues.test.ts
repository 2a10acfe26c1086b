// eval cues through the CLI's entry function: exit codes, usage, errors and --json, on rows
// written here (made up for this test).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { projectPath } from '../paths';
import type { CueEvalReport } from '../eval/cueReviewEval';
import { exportRow, verbalCue } from '../eval/cueTestkit';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}
async function run(argv: string[]) {
  const c = capture();
  const code = await main(argv, c.io);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

let dir: string;
let data: string;
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-eval-cues-'));
  const rows = [
    exportRow({ session: 'a', ...verbalCue('price_inquiry', 0.9, 1000) }),
    exportRow({ session: 'a', ...verbalCue('price_inquiry', 0.55, 60_000), verdict: 'false_alarm' }),
    exportRow({ session: 'b', ...verbalCue('resistance', 0.8, 2000), source: 'pilot' }),
    exportRow({ session: 'b', media_ms: 90_000, emitted: false, verdict: 'false_alarm' }),
  ];
  data = write('reviews.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('eval cues', () => {
  it('prints the precision table; --json one object with the same figures', async () => {
    const t = await run(['eval', 'cues', '--data', data]);
    expect(t.code).toBe(0);
    expect(t.err).toBe('');
    expect(t.out).toContain(`cue verdicts: 4 of 2 sessions in ${data}`);
    expect(t.out).toMatch(/^all emitted cues +3 +2 +1 \| +66\.7/m);
    expect(t.out).not.toContain('threshold sweep');
    const j = await run(['eval', 'cues', '--data', data, '--json', '--sweep', '--by', 'source']);
    expect(j.code).toBe(0);
    const r = JSON.parse(j.out) as CueEvalReport;
    expect([r.schema, r.eval, r.data, r.verdicts, r.notEmitted, r.sessions]).toEqual([1, 'cues', data, 4, 1, 2]);
    expect(r.subsets.map((s) => s.name)).toEqual(['all', 'source=pilot', 'source=(none)']);
    expect(r.subsets[0]!.precision[0]).toMatchObject({ reviewed: 3, useful: 2, falseAlarms: 1, sessions: 2, interval: { resampled: 'sessions', resamples: 1000, level: 0.95 } });
    expect(r.subsets[0]!.sweep!.best).toEqual({ price_inquiry: 0.6 });
    expect(r.subsets[0]!.sweep!.caution).toMatch(/^a what-if on the reviewed cues only/);
  });

  it('--sweep prints the tables and the picked value as --thresholds', async () => {
    const t = await run(['eval', 'cues', '--data', data, '--sweep']);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^picked on all, one label at a time: --thresholds price_inquiry=0\.6 /m);
    expect(t.out).toMatch(/^ +0\.60 +1 +0 +100\.0 +0  ◀ best keeping ≥ 80 % of the useful$/m);
  });

  it.each([
    [['eval', 'cues'], '--data FILE.jsonl is required'],
    [['eval', 'cues', '--data'], '--data needs a value'],
    [['eval', 'cues', '--data', 'x', '--model', 'm'], 'unknown option --model (known: --data, --by, --json, --sweep)'],
    [['eval', 'cues', 'file.jsonl'], 'eval cues takes no arguments, got "file.jsonl"'],
    [['eval', 'cues', '--data', '/no/such/file.jsonl'], 'no such file: /no/such/file.jsonl'],
    [['eval', 'cues', '--data', '.'], 'is a folder; expected a file'],
    [['eval', 'cues', '--data', 'x', '--by', 'a,'], '--by: an empty name in "a,"'],
    [['eval', 'cues', '--data', 'x', '--sweep=1'], '--sweep takes no value'],
  ])('%j is a usage error: exit 2, the message and the usage on stderr', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^buying-signals eval: /);
    expect(r.err).toContain(message);
    expect(r.err).toContain('usage: buying-signals eval cues --data FILE.jsonl');
  });

  it('a bad file is exit 1 naming it: empty, a bad row (line and field), a --by it cannot slice on', async () => {
    const empty = write('empty.jsonl', '\n\n');
    const e = await run(['eval', 'cues', '--data', empty]);
    expect([e.code, e.err]).toEqual([1, `buying-signals eval: ${empty} holds no rows to evaluate (it is empty or only blank lines); expected one JSON object per line, as GET /api/cue-reviews downloads them (an empty download: no cue has a verdict yet)`]);
    const bad = write('bad.jsonl', `${JSON.stringify(exportRow())}\n${JSON.stringify(exportRow({ session: 'z', verdict: 'meh' }))}\n`);
    const b = await run(['eval', 'cues', '--data', bad]);
    expect(b.code).toBe(1);
    expect(b.err).toBe(`buying-signals eval: ${bad}:2: field "verdict": unknown verdict "meh" (allowed: useful, false_alarm)`);
    const by = await run(['eval', 'cues', '--data', data, '--by', 'evidence']);
    expect(by.code).toBe(1);
    expect(by.err).toMatch(/^buying-signals eval: --by evidence: line 1 holds an object or array/);
    expect(by.out).toBe('');
  });

  it('--help prints its usage (exit 0); eval --help lists every target; an unknown target names cues', async () => {
    const h = await run(['eval', 'cues', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/^usage: buying-signals eval cues --data FILE.jsonl \[--by FIELD\] \[--sweep\] \[--json\]/);
    expect(h.out).not.toContain('eval verbal');
    const all = await run(['eval', '--help']);
    expect(all.out).toContain('eval cues --data');
    const unknown = await run(['eval', 'cue']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown eval target "cue"');
    expect(unknown.err).toContain('eval cues --data');
    expect((await run(['help'])).out).toContain('eval cues --data F');
  });

  it('the command table (docs/cli.md) has its row, docs/cli.md explains it, docs/eval-json.md documents its --json', () => {
    const table = fs.readFileSync(projectPath('docs/cli.md'), 'utf8');
    expect(table).toMatch(/\| `eval cues --data FILE\.jsonl \[--by FIELD\] \[--sweep\] \[--json\]` \|/);
    expect(fs.readFileSync(projectPath('docs/cli.md'), 'utf8')).toMatch(/## Cue reviews[\s\S]*eval cues --data cue-reviews\.jsonl/);
    expect(fs.readFileSync(projectPath('docs/eval-json.md'), 'utf8')).toContain('## `eval cues --json`');
  });
});
