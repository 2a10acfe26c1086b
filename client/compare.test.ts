// The comparison of a library model with the running one, in words: the rows line, the
// warnings, each subset's verdict and figures, the route's refusals, and which answer may be shown.
import { VerbalComparisonSchema, type CompareSubset, type VerbalComparison } from '../protocol/compare';
import { compareUrl } from './api';
import { changedNote, compareFailure, compareNotes, compareRowsLine, CompareRequests, compareStaleLines, countsText, differenceText, libraryIdOf, subsetRows, verdictOf, verdictText } from './compare';
import { setLang } from './i18n';

beforeAll(() => {
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});
afterEach(() => setLang('en'));

const subset = (over: Partial<CompareSubset> = {}): CompareSubset => ({
  name: 'all',
  n: 40,
  macroF1: { a: 0.6, b: 0.7, difference: 0.1, interval: { level: 0.95, low: 0.02, high: 0.18 }, excludesZero: true },
  accuracy: { a: 0.65, b: 0.75 },
  perLabel: [
    { label: 'price_inquiry', support: 10, a: 0.8, b: 0.9, difference: 0.1 },
    { label: 'neutral', support: 30, a: 0.5, b: 0.45, difference: -0.05 },
  ],
  rows: { fixed: 6, broken: 2, bothWrong: 4, bothRight: 28 },
  ...over,
});

const comparison = (over: Partial<VerbalComparison> = {}): VerbalComparison => ({
  session: null,
  ms: 1234,
  a: { id: 'base', version: 'verbal-a', trainedOn: 0, heldOutPercent: null },
  b: { id: 'lib/verbal-b', version: 'verbal-b', trainedOn: 8, heldOutPercent: 20 },
  thresholds: {},
  stored: 48,
  rows: 40,
  subsets: [subset()],
  changed: [{ change: 'fixed', session: 's1', utterance: 3, startMs: 5000, lang: 'en', gold: 'price_inquiry', a: 'neutral', b: 'price_inquiry', text: 'How much?' }],
  changedTotal: 8,
  ...over,
});

test('the fixtures are answers the schema takes', () => {
  expect(VerbalComparisonSchema.parse(comparison())).toEqual(comparison());
});

test('where it asks: the model and the scope, escaped', () => {
  expect(compareUrl('lib/verbal-b', null)).toBe('/api/quality/compare?model=lib%2Fverbal-b');
  expect(compareUrl('base', 'abc')).toBe('/api/quality/compare?model=base&session=abc');
  // A finished job's model: its folder in the library.
  expect(libraryIdOf('/srv/models/verbal/verbal-20261201-abcdef12')).toBe('lib/verbal-20261201-abcdef12');
  expect(libraryIdOf('C:\\models\\verbal\\v1\\')).toBe('lib/v1');
});

test('the rows line: measured of stored, the left-out turns and which model was trained on them', () => {
  expect(compareRowsLine(comparison())).toBe('Measured on 40 of 48 labelled turns; 8 left out because a model was trained on them (verbal-b on 8).');
  expect(compareRowsLine(comparison({ stored: 40 }))).toBe('Measured on all 40 labelled turns: neither model was trained on any of them.');
  expect(compareRowsLine(comparison({ b: { id: 'lib/x', version: 'x', trainedOn: null, heldOutPercent: null } }))).toBe('Measured on 40 of 48 labelled turns; 8 left out because a model was trained on them.');
  expect(compareRowsLine(comparison({ rows: 0, subsets: [] }))).toMatch(/^Nothing left to compare: a model was trained on each of the 48 labelled turns here\. Train with a hold-out/);
  expect(compareRowsLine(comparison({ stored: 0, rows: 0, subsets: [] }))).toBe('Nothing to compare yet: no coach has labelled a customer turn here.');
  setLang('zh');
  expect(compareRowsLine(comparison())).toBe('在 48 句已标注发言中的 40 句上比较；另有 8 句因有模型用它们训练过而未计入（verbal-b 训练过 8 句）。');
  expect(compareRowsLine(comparison({ rows: 0, subsets: [] }))).toContain('留作比较');
});

test('the rows line past the cap the client asks for: only the newest turns are measured, the older ones are not "left out because trained on"', () => {
  // 12,000 labelled turns in scope; the server measures the newest 5,000 (the default cap), of
  // which B was trained on 300: 4,700 measured. The 7,000 older turns were never trained on.
  const big = comparison({ stored: 12000, rows: 4700, b: { id: 'lib/verbal-b', version: 'verbal-b', trainedOn: 300, heldOutPercent: 20 } });
  expect(compareRowsLine(big)).toBe('Measured on 4700 of the newest 5000 of 12000 labelled turns (older ones are not measured); 300 of those left out because a model was trained on them (verbal-b on 300).');
  expect(compareRowsLine(big)).not.toContain('7300');
  expect(compareRowsLine(comparison({ stored: 12000, rows: 5000, b: { id: 'lib/x', version: 'x', trainedOn: 0, heldOutPercent: null } })))
    .toBe('Measured on all of the newest 5000 of 12000 labelled turns (older ones are not measured): neither model was trained on any of them.');
  expect(compareRowsLine(comparison({ stored: 12000, rows: 4700, b: { id: 'lib/x', version: 'x', trainedOn: null, heldOutPercent: null }, a: { id: 'base', version: 'verbal-a', trainedOn: 300, heldOutPercent: null } })))
    .toBe('Measured on 4700 of the newest 5000 of 12000 labelled turns (older ones are not measured); 300 of those left out because a model was trained on them (verbal-a on 300).');
  expect(compareRowsLine(comparison({ stored: 12000, rows: 0, subsets: [] }))).toMatch(/^Nothing left to compare: a model was trained on each of the newest 5000 of the 12000 labelled turns here \(only the newest are measured\)\. Train with a hold-out/);
  // A cap the client asked for (the server's default when it asks for none).
  expect(compareRowsLine(comparison({ stored: 300, rows: 90 }), 100)).toBe('Measured on 90 of the newest 100 of 300 labelled turns (older ones are not measured); 10 of those left out because a model was trained on them (verbal-b on 8).');
  setLang('zh');
  expect(compareRowsLine(big)).toBe('在 12000 句已标注发言中只比较最新的 5000 句（更早的不计入），其中 4700 句参与比较；另有 300 句因有模型用它们训练过而未计入（verbal-b 训练过 300 句）。');
  expect(compareRowsLine(comparison({ stored: 12000, rows: 5000, b: { id: 'lib/x', version: 'x', trainedOn: 0, heldOutPercent: null } })))
    .toBe('在 12000 句已标注发言中只比较最新的 5000 句（更早的不计入），两个模型都没有用它们训练过。');
  expect(compareRowsLine(comparison({ stored: 12000, rows: 0, subsets: [] }))).toContain('最新的 5000 句');
});

test('stale: the running model or its signal thresholds changed after the comparison, each said, in both languages', () => {
  const c = comparison({ thresholds: { resistance: 0.6 } });
  const words = (v: Record<string, number> | null) => JSON.stringify(v);
  const running = { id: 'base', version: 'verbal-a', thresholds: { resistance: 0.6 } };
  expect(compareStaleLines(c, running, words)).toEqual([]);
  expect(compareStaleLines(c, null, words)).toEqual([]);
  // Same thresholds written in another order: not a change.
  expect(compareStaleLines(comparison({ thresholds: { resistance: 0.6, price_inquiry: 0.4 } }), { ...running, thresholds: { price_inquiry: 0.4, resistance: 0.6 } }, words)).toEqual([]);
  expect(compareStaleLines(c, { ...running, id: 'lib/other', version: 'other' }, words)).toEqual(['The running model changed after this comparison (it was with verbal-a): compare again to measure against the one running now.']);
  expect(compareStaleLines(c, { ...running, id: 'lib/verbal-b', version: 'verbal-b' }, words)).toEqual(['verbal-b runs now. The running model changed after this comparison (it was with verbal-a): compare again to measure against the one running now.']);
  // The same model, its thresholds changed: the figures were made under the old ones.
  expect(compareStaleLines(c, { ...running, thresholds: {} }, words)).toEqual(['The running signal thresholds changed after this comparison (it held both models to {"resistance":0.6}): compare again to measure under the ones set now.']);
  // Unknown thresholds (not read yet): nothing said of them.
  expect(compareStaleLines(c, { id: 'base', version: 'verbal-a' }, words)).toEqual([]);
  setLang('zh');
  expect(compareStaleLines(c, { ...running, thresholds: { resistance: 0.7 } }, words)).toEqual(['此次比较之后，运行中的信号阈值已更改（比较时两个模型都使用 {"resistance":0.6}）：请重新比较，按现在的阈值测量。']);
});

test('warnings: a model trained on labels that cannot be told apart may be flattered; a hold-out is noted', () => {
  expect(compareNotes(comparison())).toEqual([{ text: 'verbal-b was trained with 20 % of the labelled turns held out for comparing.', warn: false }]);
  const both = compareNotes(comparison({ a: { id: 'base', version: 'verbal-a', trainedOn: null, heldOutPercent: null }, b: { id: 'lib/b', version: 'verbal-b', trainedOn: null, heldOutPercent: null } }));
  expect(both.map((n) => n.warn)).toEqual([true, true]);
  expect(both[0]!.text).toMatch(/^verbal-b may flatter it: trained on labels that cannot be told apart/);
  expect(both[1]!.text).toMatch(/^verbal-a may flatter it/);
  setLang('zh');
  expect(compareNotes(comparison())[0]!.text).toBe('verbal-b 训练时将 20% 的已标注发言留作比较。');
});

test('a model whose training labels cannot be told: the warning says why when the server does (the file and its problem), in both languages', () => {
  const why = (file: string, problem: 'missing' | 'malformed' | 'too_large', maxBytes: number | null = null) =>
    comparison({ b: { id: 'lib/b', version: 'verbal-b', trainedOn: null, heldOutPercent: null, unknownReason: { file, problem, maxBytes } } });
  expect(compareNotes(why('trained-rows.json', 'malformed'))[0]).toEqual({
    text: 'verbal-b may flatter it: trained on labels that cannot be told apart from these (the list its training job wrote beside it (trained-rows.json) is damaged or not in its format), so some of these turns may be ones it learned.',
    warn: true,
  });
  expect(compareNotes(why('/data/labels.jsonl', 'missing'))[0]!.text).toMatch(/\(\/data\/labels\.jsonl is no longer there\)/);
  expect(compareNotes(why('trained-frames.json', 'too_large', 8 * 1024 * 1024), { flatters: 'postureCompareFlatters', flattersWhy: 'postureCompareFlattersWhy', heldOut: 'postureCompareHeldOutNote' })[0]!.text)
    .toBe('verbal-b may flatter it: trained on labelled frames that cannot be told apart from these (the list its training job wrote beside it (trained-frames.json) is bigger than the 8 MiB read at most), so some of these frames may be ones it learned.');
  setLang('zh');
  expect(compareNotes(why('trained-rows.json', 'malformed'))[0]!.text).toBe('verbal-b 的数字可能偏高：它用无法与这些发言区分的标注训练过（训练任务写在模型旁的清单（trained-rows.json）已损坏或格式不对），其中部分发言可能是它学过的。');
});

test('the verdict: better or worse only when the paired interval excludes zero; else cannot tell from these turns', () => {
  expect(verdictOf(subset())).toBe('better');
  const worse = subset({ macroF1: { a: 0.7, b: 0.6, difference: -0.1, interval: { level: 0.95, low: -0.18, high: -0.02 }, excludesZero: true } });
  expect(verdictOf(worse)).toBe('worse');
  const unclear = subset({ n: 1, macroF1: { a: 0.6, b: 0.62, difference: 0.02, interval: { level: 0.95, low: -0.05, high: 0.09 }, excludesZero: false } });
  expect(verdictOf(unclear)).toBe('unclear');
  // A difference of exactly zero is no verdict, whatever the flag says.
  expect(verdictOf(subset({ macroF1: { a: 0.6, b: 0.6, difference: 0, interval: { level: 0.95, low: 0, high: 0 }, excludesZero: true } }))).toBe('unclear');
  expect(verdictText(subset(), 'verbal-a', 'verbal-b')).toBe('Better: on these 40 labelled turns verbal-b does better than the running verbal-a (macro-F1 +10.0 points; the 95 % interval, +2.0 to +18.0, excludes zero).');
  expect(verdictText(worse, 'verbal-a', 'verbal-b')).toMatch(/^Worse: on these 40 labelled turns verbal-b does worse than the running verbal-a \(macro-F1 −10\.0 points/);
  expect(verdictText(unclear, 'verbal-a', 'verbal-b')).toBe('Cannot tell from 1 labelled turn: macro-F1 +2.0 points, but the 95 % interval (−5.0 to +9.0) holds zero. Label more turns, then compare again.');
  setLang('zh');
  expect(verdictText(subset(), 'verbal-a', 'verbal-b')).toBe('更好：在这 40 句已标注发言上，verbal-b 优于运行中的 verbal-a（宏 F1 +10.0 个百分点；95% 置信区间 +2.0 至 +18.0，不含零）。');
  expect(verdictText(unclear, 'verbal-a', 'verbal-b')).toMatch(/^从这 1 句已标注发言还看不出高下/);
});

test('a subset’s figures: per-label F1, then macro-F1 with its interval and accuracy; the row counts', () => {
  expect(subsetRows(subset())).toEqual([
    { kind: 'label', label: 'price_inquiry', support: '10', a: '80.0%', b: '90.0%', difference: '+10.0' },
    { kind: 'label', label: 'neutral', support: '30', a: '50.0%', b: '45.0%', difference: '−5.0' },
    { kind: 'macroF1', support: '40', a: '60.0%', b: '70.0%', difference: '+10.0 (95 % CI +2.0 to +18.0)' },
    { kind: 'accuracy', support: '40', a: '65.0%', b: '75.0%', difference: '+10.0' },
  ]);
  expect(countsText(subset())).toBe('Fixed 6 · broken 2 · right with both 28 · wrong with both 4');
  setLang('zh');
  expect(differenceText(subset().macroF1)).toBe('+10.0（95% 置信区间 +2.0 至 +18.0）');
  expect(countsText(subset())).toBe('改对 6 句 · 改错 2 句 · 两者都对 28 句 · 两者都错 4 句');
});

test('the changed turns: fixed and broken, and whether only the first are listed', () => {
  expect(changedNote(comparison())).toEqual([
    '6 fixed (right with verbal-b, wrong with the running model) and 2 broken (the reverse); fixed first.',
    'The first 1 of 8 are listed.',
  ]);
  expect(changedNote(comparison({ changed: [], changedTotal: 0 }))).toEqual(['It changes none of these turns: on each, both models are right or both wrong.']);
});

test('refusals name what the server named, in the page’s language', () => {
  const sameModel = { code: 'same_model', field: 'query.model', message: 'lib/a is the running model: compare another one' };
  expect(compareFailure(sameModel)).toBe('Not compared: lib/a is the running model: compare another one');
  const unknown = { code: 'not_found', field: 'query.model', message: 'no model lib/x in the library' };
  expect(compareFailure(unknown)).toBe('Not compared: no model lib/x in the library');
  setLang('zh');
  expect(compareFailure(sameModel)).toBe('未能比较：这就是运行中的模型，无需与自身比较：请选择另一个模型。（lib/a is the running model: compare another one）');
  expect(compareFailure(unknown)).toMatch(/^未能比较：模型库中没有这个言语模型/);
  expect(compareFailure({ code: 'not_found', field: 'query.session', message: 'no session abc' })).toMatch(/^未能比较：服务器上没有此会谈/);
  expect(compareFailure({ code: 'invalid_input', field: 'query.model', message: 'query.model: is required' })).toMatch(/^未能比较：言语模型无效。/);
  expect(compareFailure({ code: 'model_unloadable', field: 'model', message: 'lib/x: weights.bin is missing' })).toMatch(/^未能比较：无法载入这个言语模型/);
  expect(compareFailure({ code: 'busy', message: 'model quality comparisons are under way (at most 2)', limit: 2 })).toMatch(/^未能比较：服务器正在进行其他模型质量测量或比较（最多同时 2 项）/);
  expect(compareFailure({ code: 'shutting_down', message: 'the server is stopping: this comparison was abandoned' })).toBe('未能比较：服务器正在停止，模型比较没有完成；服务器恢复后请再试。');
});

test('only the newest request’s answer is shown; the same one asked again while on its way starts nothing', () => {
  const r = new CompareRequests();
  const first = r.ask('lib/a', null);
  expect(first).not.toBeNull();
  expect(r.ask('lib/a', null)).toBeNull();
  expect(r.busy).toBe(true);
  // Another scope (or model): a new request; the first one's answer is stale.
  const second = r.ask('lib/a', 's1');
  const third = r.ask('lib/b', 's1');
  expect(r.settle(first!)).toBe(false);
  expect(r.settle(second!)).toBe(false);
  expect(r.busy).toBe(true);
  expect(r.settle(third!)).toBe(true);
  expect(r.busy).toBe(false);
  // Asked again once answered: Compare again.
  const again = r.ask('lib/b', 's1');
  expect(again).not.toBeNull();
  r.forget();
  expect(r.settle(again!)).toBe(false);
  expect(r.busy).toBe(false);
});
