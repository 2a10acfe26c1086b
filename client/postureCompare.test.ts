// The comparison of a library posture model with the running one, in words: the frames line,
// each label's row, the verdict over the labels, the changed frames, both languages.
import { PostureComparisonSchema, type PostureCompareLabel, type PostureComparison } from '../protocol/compare';
import { postureCompareUrl } from './api';
import { compareNotes, compareStaleLines } from './compare';
import { setLang } from './i18n';
import { changedFramesNote, changedFrameText, changedFrameWhere, labelVerdict, openFrameLabel, noPersonLine, postureFramesLine, postureLabelRow, postureVerdictText } from './postureCompare';

beforeAll(() => {
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});
afterEach(() => setLang('en'));

const score = (f1: number) => ({ precision: f1, recall: f1, f1, predicted: 4 });
const label = (over: Partial<PostureCompareLabel> = {}): PostureCompareLabel => ({
  label: 'arms_crossed', support: 10, a: score(0.6), b: score(0.8),
  f1: { a: 0.6, b: 0.8, difference: 0.2, interval: { level: 0.95, low: 0.05, high: 0.35 }, excludesZero: true },
  frames: { fixed: 3, broken: 1, bothWrong: 2, bothRight: 14 },
  ...over,
});
const unclear = label({ label: 'neutral', support: 12, f1: { a: 0.7, b: 0.72, difference: 0.02, interval: { level: 0.95, low: -0.1, high: 0.14 }, excludesZero: false } });

const comparison = (over: Partial<PostureComparison> = {}): PostureComparison => PostureComparisonSchema.parse({
  session: null, ms: 900,
  a: { id: 'base', version: 'posture-a', trainedOn: 0, heldOutPercent: null },
  b: { id: 'lib/b', version: 'posture-b', trainedOn: 6, heldOutPercent: 25 },
  stored: 26, frames: 20, noPerson: { a: 0, b: 0 },
  perLabel: [label(), unclear],
  changed: [
    { change: 'fixed', session: 's1', sessionTitle: 'Acme renewal', participant: 'Li', frame: 3, mediaMs: 65_000, gold: ['arms_crossed'], a: ['neutral'], b: ['arms_crossed'] },
    { change: 'broken', session: 's1', participant: 'Li', frame: 4, mediaMs: 80_000, gold: ['neutral'], a: ['neutral'], b: [] },
  ],
  changedTotal: 2,
  ...over,
});

describe('postureFramesLine', () => {
  it('says how many frames were measured and who was trained on the others', () => {
    expect(postureFramesLine(comparison())).toBe('Measured on 20 of 26 labelled frames; 6 left out because a model was trained on them (posture-b on 6).');
    expect(postureFramesLine(comparison({ stored: 20 }))).toBe('Measured on all 20 labelled frames: neither model was trained on any of them.');
    expect(postureFramesLine(comparison({ stored: 0, frames: 0 }))).toMatch(/no coach has labelled/);
    expect(postureFramesLine(comparison({ frames: 0 }))).toMatch(/trained on each of the 26 labelled frames/);
    // Trained on some that cannot be told: no names, but the count left out.
    expect(postureFramesLine(comparison({ b: { id: 'lib/b', version: 'posture-b', trainedOn: null, heldOutPercent: null } }))).toBe('Measured on 20 of 26 labelled frames; 6 left out because a model was trained on them.');
  });

  it('is worded in Chinese too', () => {
    setLang('zh');
    expect(postureFramesLine(comparison())).toBe('在 26 个已标注帧中的 20 个上比较；另有 6 个因有模型用它们训练过而未计入（posture-b 训练过 6 帧）。');
  });
});

describe('a label row and the verdict', () => {
  it('gives support, both F1, B − A with its interval and the frames fixed / broken', () => {
    expect(postureLabelRow(label())).toEqual(['Arms crossed', '10', '60.0%', '80.0%', '+20.0 (95 % CI +5.0 to +35.0)', '3 / 1']);
  });

  it('shows no F1 for a label no frame has, and gives it no verdict', () => {
    const none = label({ support: 0 });
    expect(postureLabelRow(none).slice(2, 5)).toEqual(['–', '–', '– (no frame has it)']);
    expect(labelVerdict(none)).toBe('unclear');
  });

  it('names the labels B is clearly better or worse on, and says when none is told from noise', () => {
    expect(postureVerdictText(comparison())).toBe('Better: posture-b does better on Arms crossed (+20.0) (the 95 % interval of B − A excludes zero). On the other labels it cannot be told from the running posture-a.');
    const worse = label({ label: 'leaning_back', f1: { a: 0.8, b: 0.6, difference: -0.2, interval: { level: 0.95, low: -0.3, high: -0.1 }, excludesZero: true } });
    expect(postureVerdictText(comparison({ perLabel: [worse, unclear] }))).toMatch(/^Worse: posture-b does worse on Leaning back \(−20\.0\)/);
    expect(postureVerdictText(comparison({ perLabel: [unclear] }))).toBe('Cannot tell from 20 labelled frames: on every label the 95 % interval of B − A holds zero. Label more frames, then compare again.');
  });
});

describe('notes and changed frames', () => {
  it('notes the hold-out and a model that may be flattered, in words of frames', () => {
    const notes = compareNotes(comparison({ a: { id: 'base', version: 'posture-a', trainedOn: null, heldOutPercent: null } }), { flatters: 'postureCompareFlatters', flattersWhy: 'postureCompareFlattersWhy', heldOut: 'postureCompareHeldOutNote' });
    expect(notes).toEqual([
      { text: expect.stringMatching(/^posture-a may flatter it: trained on labelled frames/), warn: true },
      { text: 'posture-b was trained with 25 % of the labelled frames held out for comparing.', warn: false },
    ]);
  });

  it('says the running model changed since, with no thresholds to compare', () => {
    expect(compareStaleLines(comparison(), { id: 'base', version: 'posture-a' }, () => '')).toEqual([]);
    expect(compareStaleLines(comparison(), { id: 'lib/b', version: 'posture-b' }, () => '')).toEqual([expect.stringMatching(/^posture-b runs now\. The running model changed after this comparison \(it was with posture-a\)/)]);
  });

  it('counts frames where a model judged nobody', () => {
    expect(noPersonLine(comparison())).toBeNull();
    expect(noPersonLine(comparison({ noPerson: { a: 2, b: 3 } }))).toBe('On 2 frames the running model (A) judged nobody (the pose not usable), on 3 this model (B): their labels count as missed.');
  });

  it('words the changed frames and says when only the first are listed', () => {
    expect(changedFramesNote(comparison())).toEqual([expect.stringMatching(/^2 frames where one model .* fixed first\. 1 fixed, 1 broken\.$/)]);
    expect(changedFramesNote(comparison({ changedTotal: 500 }))).toEqual([expect.stringMatching(/^500 frames/), 'The first 2 of 500 are listed.']);
    expect(changedFramesNote(comparison({ changed: [], changedTotal: 0 }))).toEqual([expect.stringMatching(/changes none of these frames/)]);
    expect(changedFrameText(comparison().changed[1]!)).toBe('Coach’s label: Neutral · running (A): Neutral · this model (B): nobody judged');
  });

  it('names each changed frame\'s session by its title (its id when the answer has none), and its Open button says what it opens, in both languages', () => {
    const [titled, untitled] = comparison().changed;
    expect(titled!.sessionTitle).toBe('Acme renewal');
    expect(untitled!.sessionTitle).toBeNull();
    expect(changedFrameWhere(titled!, '1:05')).toBe('“Acme renewal” · 1:05 · Li');
    expect(changedFrameWhere(untitled!, '1:20')).toBe('“s1” · 1:20 · Li');
    expect(openFrameLabel(titled!, '1:05')).toBe('Open this frame: “Acme renewal” at 1:05, Li');
    setLang('zh');
    expect(changedFrameWhere(titled!, '1:05')).toBe('会谈“Acme renewal”，1:05，Li');
    expect(openFrameLabel(titled!, '1:05')).toBe('打开这一帧：会谈“Acme renewal”，1:05，Li');
  });
});

it('asks the posture route, the model and session in the query', () => {
  expect(postureCompareUrl('lib/b c', 's-1')).toBe('/api/quality/posture/compare?model=lib%2Fb+c&session=s-1');
  expect(postureCompareUrl('base', null)).toBe('/api/quality/posture/compare?model=base');
});
