import { bootstrapGroupsInterval, bootstrapInterval } from './bootstrap';
import { cuePrecision, evaluateCues, formatCueReport, precisionTable } from './cueReviewEval';
import { SliceError } from './verbalEval';
import { cueRows, verbalCue } from './cueTestkit';

/** `n` emitted verdicts in `session`, `useful` of them useful, at distinct media times from `from`. */
function verdicts(session: string, n: number, useful: number, from = 0, over: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({ session, ...verbalCue('price_inquiry', 0.6 + 0.01 * (i % 30), from + 1000 * i), verdict: i < useful ? 'useful' : 'false_alarm', ...over }));
}

describe('bootstrapGroupsInterval', () => {
  it('groups of one row give bootstrapInterval\'s interval; the same seed gives the same interval', () => {
    const x = [1, 0, 1, 1, 0, 1, 1, 1];
    const stat = (rows: readonly number[]) => rows.reduce((a, i) => a + x[i]!, 0) / rows.length;
    expect(bootstrapGroupsInterval(x.map((_, i) => [i]), stat)).toEqual(bootstrapInterval(x.length, stat));
    const groups = [[0, 1], [2, 3, 4], [5], [6, 7]];
    expect(bootstrapGroupsInterval(groups, stat)).toEqual(bootstrapGroupsInterval(groups, stat));
    // Every resample is whole groups, as many as there are: a row's group mates come with it, as often.
    bootstrapGroupsInterval(groups, (drawn) => {
      const count = (i: number) => drawn.filter((d) => d === i).length;
      for (const g of groups) expect(new Set(g.map(count)).size).toBe(1);
      expect(groups.reduce((a, g) => a + count(g[0]!), 0)).toBe(groups.length);
      return 0;
    }, { resamples: 50 });
  });
});

describe('cue precision', () => {
  it('useful / reviewed, with the mean cue score of each verdict', () => {
    const p = cuePrecision(cueRows([
      { ...verbalCue('price_inquiry', 0.9, 1000), session: 'a' },
      { ...verbalCue('price_inquiry', 0.7, 2000), session: 'a' },
      { ...verbalCue('price_inquiry', 0.6, 3000), session: 'b', verdict: 'false_alarm' },
    ]));
    expect(p).toMatchObject({ cueType: null, reason: null, reviewed: 3, useful: 2, falseAlarms: 1, sessions: 2, precision: 2 / 3 });
    expect(p.meanScore.useful).toBeCloseTo(0.8, 10);
    expect(p.meanScore.falseAlarms).toBe(0.6);
    expect(p.interval).toMatchObject({ level: 0.95, resamples: 1000, resampled: 'sessions' });
  });

  it('all useful: precision 1 and the interval [1, 1], over sessions or rows', () => {
    const many = cuePrecision(cueRows([...verdicts('a', 3, 3), ...verdicts('b', 2, 2)]));
    expect([many.precision, many.interval?.low, many.interval?.high, many.interval?.resampled]).toEqual([1, 1, 1, 'sessions']);
    const one = cuePrecision(cueRows(verdicts('a', 4, 4)));
    expect([one.precision, one.interval?.low, one.interval?.high, one.interval?.resampled]).toEqual([1, 1, 1, 'rows']);
  });

  it('one meeting of many false alarms: the interval over meetings is much wider than one over rows would be', () => {
    // Ten meetings of 4 useful verdicts, one of 20 false alarms: 40 / 60 useful.
    const rows = cueRows([...Array.from({ length: 10 }, (_, s) => verdicts(`m${s}`, 4, 4)).flat(), ...verdicts('bad', 20, 0)]);
    const p = cuePrecision(rows);
    expect(p.precision).toBeCloseTo(2 / 3, 10);
    expect(p.interval!.resampled).toBe('sessions');
    const isUseful = rows.map((r) => r.verdict === 'useful');
    const overRows = bootstrapInterval(rows.length, (idx) => idx.filter((i) => isUseful[i]).length / idx.length);
    const width = (i: { low: number; high: number }) => i.high - i.low;
    expect(width(p.interval!)).toBeGreaterThan(1.5 * width(overRows));
    // Drawing the bad meeting not at all gives 1; twice or more, well under 2/3.
    expect(p.interval!.high).toBe(1);
    expect(p.interval!.low).toBeLessThan(0.5);
  });

  it('no reviewed cue: precision and interval null', () => {
    expect(cuePrecision([])).toMatchObject({ reviewed: 0, precision: null, interval: null, meanScore: { useful: null, falseAlarms: null } });
  });

  it('the table: all emitted cues, then each type present with its reasons present; not-emitted verdicts left out', () => {
    const table = precisionTable(cueRows([
      { ...verbalCue('resistance', 0.8, 1000) },
      { ...verbalCue('price_inquiry', 0.8, 2000), verdict: 'false_alarm' },
      { ...verbalCue('price_inquiry', 0.8, 3000), reason: 'objection_removed' },
      { media_ms: 4000, emitted: false, verdict: 'false_alarm' },
    ]));
    expect(table.map((p) => [p.cueType, p.reason, p.reviewed, p.useful])).toEqual([
      [null, null, 3, 2],
      ['closing_moment', null, 2, 1], ['closing_moment', 'buying_signal', 1, 0], ['closing_moment', 'objection_removed', 1, 1],
      ['resistance', null, 1, 1], ['resistance', 'customer_resists', 1, 1],
    ]);
  });
});

describe('evaluateCues', () => {
  const rows = cueRows([
    ...verdicts('a', 3, 2, 0, { batch: 'q3' }),
    ...verdicts('b', 2, 1, 0, { model_version: 'verbal-new' }),
    { session: 'b', media_ms: 99_000, emitted: false },
  ]);

  it('counts the verdicts, the not emitted and the sessions; --by gives one subset per value, (none) last', () => {
    const r = evaluateCues(rows, { data: 'x.jsonl', by: ['model_version', 'batch'] });
    expect([r.schema, r.eval, r.data, r.verdicts, r.notEmitted, r.sessions]).toEqual([1, 'cues', 'x.jsonl', 6, 1, 2]);
    expect(r.subsets.map((s) => [s.name, s.slice ?? null, s.verdicts, s.notEmitted, s.precision[0]!.reviewed, s.precision[0]!.useful])).toEqual([
      ['all', null, 6, 1, 5, 3],
      ['model_version=verbal-20261130-ede7e5a6', { field: 'model_version', value: 'verbal-20261130-ede7e5a6' }, 3, 0, 3, 2],
      ['model_version=verbal-new', { field: 'model_version', value: 'verbal-new' }, 2, 0, 2, 1],
      ['model_version=(none)', { field: 'model_version', value: null }, 1, 1, 0, 0],
      ['batch=q3', { field: 'batch', value: 'q3' }, 3, 0, 3, 2],
      ['batch=(none)', { field: 'batch', value: null }, 3, 1, 2, 1],
    ]);
    expect(r.subsets.every((s) => s.sweep === undefined)).toBe(true);
    expect(evaluateCues(rows, { sweep: true }).subsets[0]!.sweep?.swept).toBe(5);
  });

  it.each([
    ['modelversion', /^--by modelversion: no row has a field "modelversion"; the rows have: batch, cue_type, emitted, media_ms, model_version, reason, reviewed_at, score, session, technique, verdict$/],
    ['evidence', /^--by evidence: line 1 holds an object or array in "evidence"/],
    ['note', /^--by note: it is the free text of the coach's note/],
    ['media_ms', /^--by media_ms: 100 distinct values, more than 50/],
  ])('--by %s is refused, saying why', (field, message) => {
    const many = field === 'media_ms' ? cueRows(verdicts('a', 100, 50)) : rows;
    expect(() => evaluateCues(many, { by: [field] })).toThrow(SliceError);
    expect(() => evaluateCues(many, { by: [field] })).toThrow(message);
  });

  it('the text report says how many were left out and what was resampled, and the sweep\'s caution', () => {
    const text = formatCueReport(evaluateCues(rows, { data: 'x.jsonl', sweep: true, by: ['session'] }));
    expect(text).toMatch(/^cue verdicts: 6 of 2 sessions in x\.jsonl$/m);
    expect(text).toMatch(/^1 on cues the current analysis no longer emits \(emitted: false/m);
    expect(text).toMatch(/^all emitted cues +5 +3 +2 \| +60\.0 .* 2 sessions/m);
    expect(text).toMatch(/^== session=a \(3 verdicts, 0 not emitted, 1 session\)$/m);
    expect(text).toMatch(/^all emitted cues +3 +2 +1 \| +66\.7 .* rows \(1 session\)/m);
    expect(text).toContain('CAUTION (sweep): a what-if on the reviewed cues only');
    expect(text).toMatch(/^price_inquiry: triggered 5 reviewed cues \(3 useful, 2 false alarms\), trigger scores from 0\.600$/m);
    expect(text).toMatch(/WARNING: the swept cues come from 2 verbal models/);
  });
});
