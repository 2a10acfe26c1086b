import { VerbalComparisonSchema, COMPARE_CHANGED_MAX } from '../../protocol/compare';
import type { VerbalLabel } from '../../protocol/protocol';
import { correctionsJsonl } from '../ingest/correctionsExport';
import { parseLabeledJsonl } from '../signals/verbal/corpus';
import type { VerbalClassifier } from '../signals/verbal/types';
import type { CorrectionForExport } from '../store/sqliteStore';
import { parseTrainedRows, rowKey, trainedRowsJson } from '../training/holdOut';
import { measureComparison } from './comparison';
import { compareVerbal } from './verbalCompare';

/** A classifier that answers each text from a table (its label at 0.9), else neutral. */
function table(version: string, answers: Record<string, VerbalLabel>): VerbalClassifier {
  return {
    version,
    classify: (inputs) =>
      inputs.map(({ text }) => {
        const label = answers[text] ?? 'neutral';
        const scores = { price_inquiry: 0.025, discount_request: 0.025, purchase_intent: 0.025, resistance: 0.025, neutral: 0.025, [label]: 0.9 };
        return { label, score: 0.9, scores };
      }),
    dispose: () => undefined,
  };
}

const turn = (n: number, text: string, label: VerbalLabel, sessionId = 's1'): CorrectionForExport => ({
  correction: { sessionId, utteranceId: n, label, note: null, correctedAt: 1000 + n },
  speaker: 'Li', text, startMs: n * 1000, context: n > 1 ? 'before' : null, modelLabel: null, modelScore: null, modelVersion: null,
});

const labels: VerbalLabel[] = ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance', 'neutral'];
const corrections = Array.from({ length: 60 }, (_, i) => turn(i + 1, i % 3 === 0 ? `多少钱 ${i}` : `how much ${i}`, labels[i % 5]!));
// A gets the first half right, B the even rows: some fixed, some broken.
const answersA = Object.fromEntries(corrections.filter((_, i) => i < 30).map((c) => [c.text, c.correction.label]));
const answersB = Object.fromEntries(corrections.filter((_, i) => i % 2 === 0).map((c) => [c.text, c.correction.label]));
const a = { id: 'base', classifier: table('verbal-a', answersA), dir: '/a' };
const b = { id: 'lib/b', classifier: table('verbal-b', answersB), dir: '/b' };

describe('measureComparison', () => {
  it('leaves out the turns either model was trained on, and gives the numbers eval verbal --compare gives on the rest', async () => {
    const trainedB = new Set(corrections.slice(0, 10).map((c) => rowKey(c.text)));
    const answer = await measureComparison(
      { session: null, corrections, rowsCap: 5000, a, b, thresholds: {}, trainedSet: (dir) => (dir === '/b' ? { kind: 'keys', keys: trainedB, heldOutPercent: 20 } : { kind: 'none' }) },
      { inline: true },
    );
    VerbalComparisonSchema.parse(answer);
    expect(answer).toMatchObject({ stored: 60, rows: 50, a: { id: 'base', version: 'verbal-a', trainedOn: 0, heldOutPercent: null }, b: { id: 'lib/b', version: 'verbal-b', trainedOn: 10, heldOutPercent: 20 } });
    const rest = parseLabeledJsonl(correctionsJsonl(corrections.slice(10)), 'x');
    const cli = compareVerbal(rest, a.classifier, b.classifier, {}, { changed: true });
    expect(answer.subsets.map((s) => s.name)).toEqual(cli.subsets.map((s) => s.name));
    for (const [k, s] of answer.subsets.entries()) {
      const c = cli.subsets[k]!;
      expect(s.n).toBe(c.n);
      expect(s.macroF1).toEqual({ a: c.macroF1.a, b: c.macroF1.b, difference: c.macroF1.difference, interval: { level: c.macroF1.interval.level, low: c.macroF1.interval.low, high: c.macroF1.interval.high }, excludesZero: c.macroF1.excludesZero });
      expect(s.accuracy).toEqual(c.accuracy);
      expect(s.rows).toEqual(c.rows);
      expect(s.perLabel).toEqual(labels.map((label) => ({ label, ...c.perLabel[label] })));
    }
    expect(answer.changedTotal).toBe(cli.changed!.length);
    expect(answer.changed.map((c) => c.change)).toEqual([...cli.changed!.filter((c) => c.change === 'fixed'), ...cli.changed!.filter((c) => c.change === 'broken')].map((c) => c.change));
    expect(answer.changed[0]).toMatchObject({ session: 's1', utterance: expect.any(Number), startMs: expect.any(Number), context: 'before' });
  });

  it('a turn with the same words as a trained one (case, width, punctuation) counts as trained, as the training split counts it', async () => {
    // B trained on the first 10 turns as a coach typed them elsewhere: upper case, full stop.
    const trainedB = parseTrainedRows(trainedRowsJson(corrections.slice(0, 10).map((c) => `${c.text.toUpperCase()}.`)));
    const answer = await measureComparison(
      { session: null, corrections, rowsCap: 5000, a, b, thresholds: {}, trainedSet: (dir) => (dir === '/b' ? { kind: 'keys', keys: trainedB, heldOutPercent: 20 } : { kind: 'none' }) },
      { inline: true },
    );
    expect(answer).toMatchObject({ stored: 60, rows: 50, b: { trainedOn: 10 } });
  });

  it('an unknown trained set counts as null and measures every row; nothing left is an empty answer', async () => {
    const unknown = await measureComparison({ session: 's1', corrections, rowsCap: 20, a, b, thresholds: {}, trainedSet: () => ({ kind: 'unknown', heldOutPercent: null }) }, { inline: true });
    expect(unknown).toMatchObject({ session: 's1', stored: 60, rows: 20, a: { trainedOn: null }, b: { trainedOn: null } });
    const every = new Set(corrections.map((c) => rowKey(c.text)));
    const none = await measureComparison({ session: null, corrections, rowsCap: 5000, a, b, thresholds: {}, trainedSet: () => ({ kind: 'keys', keys: every, heldOutPercent: null }) }, { inline: true });
    expect(VerbalComparisonSchema.parse(none)).toMatchObject({ rows: 0, subsets: [], changed: [], changedTotal: 0, a: { trainedOn: 60 } });
    // A model whose extra file is byte for byte the scope's export was trained on every turn in it.
    const whole = await measureComparison({ session: null, corrections, rowsCap: 5000, a, b, thresholds: {}, trainedSet: (dir) => (dir === '/b' ? { kind: 'all', heldOutPercent: null } : { kind: 'none' }) }, { inline: true });
    expect(whole).toMatchObject({ rows: 0, a: { trainedOn: 0 }, b: { trainedOn: 60 } });
  });

  it(`sends at most ${COMPARE_CHANGED_MAX} changed rows, counting all`, async () => {
    const many = Array.from({ length: 450 }, (_, i) => turn(i + 1, `turn ${i}`, 'price_inquiry'));
    const right = table('b', Object.fromEntries(many.map((c) => [c.text, 'price_inquiry' as const])));
    const r = await measureComparison({ session: null, corrections: many, rowsCap: 5000, a, b: { ...b, classifier: right }, thresholds: {}, trainedSet: () => ({ kind: 'none' }) }, { inline: true });
    expect(r.changedTotal).toBe(450);
    expect(r.changed).toHaveLength(COMPARE_CHANGED_MAX);
  });

  it('stops when aborted', async () => {
    const stop = new AbortController();
    stop.abort(new Error('gone'));
    await expect(measureComparison({ session: null, corrections, rowsCap: 5000, a, b, thresholds: {}, signal: stop.signal, trainedSet: () => ({ kind: 'none' }) })).rejects.toThrow('gone');
  });
});
