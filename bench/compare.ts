// `npm run bench:compare -- --a DIR --b DIR`: the same bench part run alternately in two built
// checkouts (A, B), so that two versions of the code are compared in the same hour. This
// machine's speed swings by up to ~40 % within an hour, more than most changes move a figure:
// a figure measured in another hour says nothing about a change. Runs go A B, B A, A B, … so
// a drift over the session falls on both sides; the report gives each figure's medians, the
// pairs' differences and how many pairs B won, with a two-sided sign test.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PARTS = ['live', 'verbal', 'posture', 'pose', 'client'] as const;
export type Part = (typeof PARTS)[number];

export interface CompareArgs {
  a: string;
  b: string;
  runs: number;
  part: Part;
  json: boolean;
}

export const USAGE = `usage: npm run bench:compare -- --a DIR --b DIR [--runs N] [--part live|verbal|posture|pose] [--json]
  runs \`npm run bench PART\` (default live) N times in each of two built checkouts (default 6 pairs,
  at most 50), alternating A B, B A, …, and compares each figure: medians, B − A per pair, how many
  pairs B was lower (faster for times, slower for rates), two-sided sign test. Each DIR is a
  checkout with dist/bench/run.js (\`npm run build\` there first). Run it on a quiet machine.`;

export class UsageError extends Error {}

/** Parses and checks the arguments; a bad one throws UsageError naming it. */
export function parseCompareArgs(argv: readonly string[]): CompareArgs {
  const out: Partial<CompareArgs> = { runs: 6, part: 'live', json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--a' || arg === '--b') out[arg.slice(2) as 'a' | 'b'] = checkout(arg, value());
    else if (arg === '--runs') {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > 50) throw new UsageError(`--runs must be a whole number from 1 to 50, got "${v}"`);
      out.runs = n;
    } else if (arg === '--part') {
      const v = value();
      if (!(PARTS as readonly string[]).includes(v)) throw new UsageError(`--part must be one of ${PARTS.join(', ')}, got "${v}"`);
      out.part = v as Part;
    } else if (arg === '--json') out.json = true;
    else throw new UsageError(`unknown option "${arg}"`);
  }
  if (!out.a || !out.b) throw new UsageError('--a and --b are both needed');
  if (out.a === out.b) throw new UsageError('--a and --b are the same checkout');
  return out as CompareArgs;
}

function checkout(flag: string, dir: string): string {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new UsageError(`${flag}: no folder at ${abs}`);
  if (!fs.existsSync(path.join(abs, 'dist', 'bench', 'run.js'))) {
    throw new UsageError(`${flag}: ${abs} has no dist/bench/run.js: run \`npm run build\` there first`);
  }
  return abs;
}

export interface Figure {
  name: string;
  value: number;
  [k: string]: unknown;
}

/** What tells one figure from another in a run: its name and labels, not its measured values. */
const LABELS = ['sessions', 'mode', 'processes', 'meanGapMs', 'watchers', 'turnsPerSession', 'batchSize', 'cores', 'size', 'workers', 'source', 'turns'];
/** Measured values compared besides `value`, where a figure has them. */
export const MEASURES = ['value', 'p50', 'serverCpuMsPerTurn'] as const;

/** A figure's key; `model` counts only where it names a pose model, not a trained model's version. */
export function figureKey(f: Figure): string {
  const parts = [f.name];
  for (const k of LABELS) {
    const v = f[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(`${k}=${v}`);
  }
  if (typeof f.model === 'string' && !/^(verbal|posture)-\d{8}-/.test(f.model)) parts.push(`model=${f.model}`);
  return parts.join(' ');
}

/** The JSON lines a bench run printed that are figures (the `written` line and others aside). */
export function parseFigures(stdout: string): Figure[] {
  const out: Figure[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let f: unknown;
    try {
      f = JSON.parse(line);
    } catch {
      continue;
    }
    if (f && typeof f === 'object' && typeof (f as Figure).name === 'string' && typeof (f as Figure).value === 'number') out.push(f as Figure);
  }
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Two-sided sign test: the chance of a split at least this uneven if B and A were alike (ties dropped). */
export function signTest(lower: number, higher: number): number {
  const n = lower + higher;
  if (n === 0) return 1;
  const k = Math.min(lower, higher);
  let p = 0;
  for (let i = 0; i <= k; i++) p += binom(n, i);
  return Math.min(1, (2 * p) / 2 ** n);
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export interface MeasureComparison {
  measure: string;
  a: number[];
  b: number[];
  medianA: number;
  medianB: number;
  /** Median over the pairs of B − A. */
  medianDiff: number;
  /** Pairs where B's figure was lower than A's / higher / equal. */
  bLower: number;
  bHigher: number;
  ties: number;
  signTestP: number;
}

export interface FigureComparison {
  key: string;
  unit?: string;
  measures: MeasureComparison[];
}

/** Pairs run i of A with run i of B, figure by figure; a figure missing from a run drops that pair. */
export function compareRuns(runsA: readonly Figure[][], runsB: readonly Figure[][]): FigureComparison[] {
  const keys: string[] = [];
  const units = new Map<string, string | undefined>();
  for (const run of [...runsA, ...runsB]) {
    for (const f of run) {
      const k = figureKey(f);
      if (!units.has(k)) {
        keys.push(k);
        units.set(k, typeof f.unit === 'string' ? f.unit : undefined);
      }
    }
  }
  const find = (run: readonly Figure[], key: string) => run.find((f) => figureKey(f) === key);
  return keys.map((key) => {
    const measures: MeasureComparison[] = [];
    for (const m of MEASURES) {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < Math.min(runsA.length, runsB.length); i++) {
        const fa = find(runsA[i]!, key)?.[m];
        const fb = find(runsB[i]!, key)?.[m];
        if (typeof fa === 'number' && typeof fb === 'number') {
          a.push(fa);
          b.push(fb);
        }
      }
      if (a.length === 0) continue;
      const diffs = a.map((x, i) => b[i]! - x);
      const bLower = diffs.filter((d) => d < 0).length;
      const bHigher = diffs.filter((d) => d > 0).length;
      measures.push({
        measure: m,
        a,
        b,
        medianA: r4(median(a)),
        medianB: r4(median(b)),
        medianDiff: r4(median(diffs)),
        bLower,
        bHigher,
        ties: diffs.length - bLower - bHigher,
        signTestP: signTest(bLower, bHigher),
      });
    }
    return { key, ...(units.get(key) ? { unit: units.get(key) } : {}), measures };
  });
}

const r2 = (x: number) => (Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 100) / 100);

/** The plain report: one line per figure and measure. */
export function formatComparison(rows: readonly FigureComparison[], args: Pick<CompareArgs, 'a' | 'b' | 'runs' | 'part'>): string {
  const lines = [`bench ${args.part}: A ${args.a}`, `         B ${args.b}`, `${args.runs} pairs, alternating; medians (range), B − A per pair (median), pairs where B was lower / higher, sign test p`];
  for (const f of rows) {
    lines.push(`${f.key}${f.unit ? ` [${f.unit}]` : ''}`);
    for (const m of f.measures) {
      const range = (xs: number[]) => `${r2(Math.min(...xs))}–${r2(Math.max(...xs))}`;
      lines.push(
        `  ${m.measure.padEnd(18)} A ${String(r2(m.medianA)).padStart(8)} (${range(m.a)})  B ${String(r2(m.medianB)).padStart(8)} (${range(m.b)})  ` +
          `B−A ${r2(m.medianDiff) >= 0 ? '+' : ''}${r2(m.medianDiff)}  lower ${m.bLower} / higher ${m.bHigher}${m.ties ? ` / tie ${m.ties}` : ''}  p ${m.signTestP.toFixed(3)}`,
      );
    }
  }
  lines.push('A sign test over a handful of pairs cannot show a small change: with 6 pairs even 6 of 6 gives p 0.031, 5 of 6 p 0.22.');
  return lines.join('\n');
}

/** A bench run writes bench/results/<date>-<part>.json in its checkout; put back what was there. */
function runBench(dir: string, part: Part): Figure[] {
  const date = new Date().toISOString().slice(0, 10);
  const results = path.join(dir, 'bench', 'results', `${date}-${part}.json`);
  const before = fs.existsSync(results) ? fs.readFileSync(results) : undefined;
  try {
    const r = spawnSync(process.execPath, [path.join(dir, 'dist', 'bench', 'run.js'), part], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`bench in ${dir} failed (exit ${r.status ?? r.signal}):\n${r.stderr.slice(-2000)}`);
    const figures = parseFigures(r.stdout);
    if (figures.length === 0) throw new Error(`bench in ${dir} printed no figures`);
    return figures;
  } finally {
    if (before) fs.writeFileSync(results, before);
    else fs.rmSync(results, { force: true });
  }
}

function main(): void {
  let args: CompareArgs;
  try {
    args = parseCompareArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const load = os.loadavg()[0]!;
  if (load > 1.5) console.error(`note: load average ${load.toFixed(2)} at the start; other work on the machine widens every range`);
  const runsA: Figure[][] = [];
  const runsB: Figure[][] = [];
  for (let i = 0; i < args.runs; i++) {
    const order: ('a' | 'b')[] = i % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    for (const side of order) {
      const figures = runBench(args[side], args.part);
      (side === 'a' ? runsA : runsB).push(figures);
      console.error(`pair ${i + 1}/${args.runs}: ${side.toUpperCase()} done`);
    }
  }
  const rows = compareRuns(runsA, runsB);
  if (args.json) console.log(JSON.stringify({ part: args.part, a: args.a, b: args.b, runs: args.runs, loadAverageAtStart: load, figures: rows }));
  else console.log(formatComparison(rows, args));
}

if (require.main === module) main();
