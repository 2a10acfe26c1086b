import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareRuns, figureKey, formatComparison, median, parseCompareArgs, parseFigures, signTest, UsageError, type Figure } from './compare';

function builtCheckout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-compare-'));
  fs.mkdirSync(path.join(dir, 'dist', 'bench'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist', 'bench', 'run.js'), '');
  return dir;
}

describe('parseCompareArgs', () => {
  const a = builtCheckout();
  const b = builtCheckout();
  afterAll(() => {
    for (const d of [a, b]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('takes two built checkouts, with live and 6 pairs by default', () => {
    expect(parseCompareArgs(['--a', a, '--b', b])).toEqual({ a, b, runs: 6, part: 'live', json: false });
    expect(parseCompareArgs(['--b', b, '--a', a, '--runs', '9', '--part', 'verbal', '--json'])).toMatchObject({ runs: 9, part: 'verbal', json: true });
  });

  it('refuses bad arguments, naming the option and its limit', () => {
    const bad: [string[], RegExp][] = [
      [['--a', a], /--a and --b are both needed/],
      [['--a', a, '--b', a], /the same checkout/],
      [['--a', a, '--b', path.join(b, 'nope')], /--b: no folder at/],
      [['--a', os.tmpdir(), '--b', b], /--a: .* has no dist\/bench\/run\.js: run `npm run build` there first/],
      [['--a', a, '--b', b, '--runs', '0'], /--runs must be a whole number from 1 to 50, got "0"/],
      [['--a', a, '--b', b, '--runs', '2.5'], /--runs must be a whole number from 1 to 50/],
      [['--a', a, '--b', b, '--runs', '51'], /from 1 to 50, got "51"/],
      [['--a', a, '--b', b, '--part', 'gpu'], /--part must be one of live, verbal, posture, pose, client, got "gpu"/],
      [['--a', a, '--b', b, '--runs'], /--runs needs a value/],
      [['--a', '--b', b], /--a needs a value/],
      [['--a', a, '--b', b, '--fast'], /unknown option "--fast"/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseCompareArgs(argv)).toThrow(UsageError);
      expect(() => parseCompareArgs(argv)).toThrow(message);
    }
  });
});

describe('figures', () => {
  it('keys a figure by its name and labels, not its values or a trained model version', () => {
    const live = { name: 'live_utterance_to_cue_latency', value: 20, p50: 6, sessions: 20, mode: 'lockstep', processes: 2, unit: 'ms (p99)' };
    expect(figureKey(live)).toBe('live_utterance_to_cue_latency sessions=20 mode=lockstep processes=2');
    expect(figureKey({ ...live, value: 25, p50: 9 })).toBe(figureKey(live));
    expect(figureKey({ name: 'verbal_batch_throughput', value: 1, batchSize: 64, model: 'verbal-20261130-ede7e5a6', cores: 1 })).toBe(
      'verbal_batch_throughput batchSize=64 cores=1',
    );
    expect(figureKey({ name: 'pose_throughput', value: 1, model: 'blazepose-lite', size: '640x480', workers: 2 })).toBe(
      'pose_throughput size=640x480 workers=2 model=blazepose-lite',
    );
  });

  it('reads the figure lines of a bench run and skips the rest', () => {
    const out = ['warming up', '{"name":"a","value":1}', '{"name":"written","file":"x"}', '{not json', '{"name":"b","value":"2"}', '{"name":"c","value":3.5,"p50":1}'].join('\n');
    expect(parseFigures(out)).toEqual([
      { name: 'a', value: 1 },
      { name: 'c', value: 3.5, p50: 1 },
    ]);
  });
});

describe('statistics', () => {
  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('sign test: two-sided binomial tail, ties dropped', () => {
    expect(signTest(6, 0)).toBeCloseTo(2 / 64, 10);
    expect(signTest(5, 1)).toBeCloseTo((2 * 7) / 64, 10);
    expect(signTest(3, 3)).toBe(1);
    expect(signTest(0, 0)).toBe(1);
    expect(signTest(0, 9)).toBeCloseTo(2 / 512, 10);
  });
});

describe('compareRuns', () => {
  const fig = (value: number, p50: number, extra: Partial<Figure> = {}): Figure => ({ name: 'live', value, p50, sessions: 20, unit: 'ms (p99)', ...extra });

  it('pairs run i of A with run i of B and counts which side was lower', () => {
    const runsA = [[fig(20, 6)], [fig(22, 7)], [fig(24, 8)]];
    const runsB = [[fig(18, 6)], [fig(23, 6)], [fig(19, 7)]];
    const [row] = compareRuns(runsA, runsB);
    expect(row!.key).toBe('live sessions=20');
    expect(row!.unit).toBe('ms (p99)');
    const value = row!.measures.find((m) => m.measure === 'value')!;
    expect(value).toMatchObject({ a: [20, 22, 24], b: [18, 23, 19], medianA: 22, medianB: 19, medianDiff: -2, bLower: 2, bHigher: 1, ties: 0 });
    expect(value.signTestP).toBe(1);
    const p50 = row!.measures.find((m) => m.measure === 'p50')!;
    expect(p50).toMatchObject({ bLower: 2, bHigher: 0, ties: 1, medianDiff: -1 });
    // A measure no figure has is left out.
    expect(row!.measures.map((m) => m.measure)).toEqual(['value', 'p50']);
  });

  it('keeps figures apart by their labels, and drops a pair where one side lacks the figure', () => {
    const runsA = [[fig(20, 6), fig(5, 1, { sessions: 1 })], [fig(21, 6)]];
    const runsB = [[fig(19, 6), fig(4, 1, { sessions: 1 })], [fig(22, 6), fig(3, 1, { sessions: 1 })]];
    const rows = compareRuns(runsA, runsB);
    expect(rows.map((r) => r.key)).toEqual(['live sessions=20', 'live sessions=1']);
    expect(rows[1]!.measures[0]).toMatchObject({ a: [5], b: [4] });
  });

  it('keeps the client part’s figures apart by their turns (a session size, or a window of a live meeting)', () => {
    const client = (value: number, turns: number | string): Figure => ({ name: 'client_open_stored_session', value, turns, unit: 'ms' });
    const rows = compareRuns([[client(800, 1000), client(2500, 5000)]], [[client(700, 1000), client(2400, 5000)]]);
    expect(rows.map((r) => r.key)).toEqual(['client_open_stored_session turns=1000', 'client_open_stored_session turns=5000']);
    expect(rows[1]!.measures[0]).toMatchObject({ a: [2500], b: [2400] });
  });

  it('prints one line per measure with both medians, the pair counts and p', () => {
    const text = formatComparison(compareRuns([[fig(20, 6)], [fig(22, 7)]], [[fig(18, 6)], [fig(19, 6)]]), { a: '/x', b: '/y', runs: 2, part: 'live' });
    expect(text).toContain('live sessions=20 [ms (p99)]');
    expect(text).toMatch(/value +A +21 \(20–22\) +B +18\.5 \(18–19\) +B−A -2\.5 +lower 2 \/ higher 0 +p 0\.500/);
    expect(text).toMatch(/p50 .* lower 1 \/ higher 0 \/ tie 1/);
  });
});
