import { VERBAL_LABELS, type VerbalLabel } from '../../../protocol/protocol';
import { checkSignalThresholds, signalLabel } from './decision';
import type { VerbalPrediction } from './types';

function pred(label: VerbalLabel, score: number): VerbalPrediction {
  const rest = (1 - score) / (VERBAL_LABELS.length - 1);
  const scores = Object.fromEntries(VERBAL_LABELS.map((l) => [l, l === label ? score : rest])) as Record<VerbalLabel, number>;
  return { label, score, scores };
}

describe('signalLabel', () => {
  it('counts the most probable label, however low its score, when no threshold is set', () => {
    expect(signalLabel(pred('purchase_intent', 0.31))).toBe('purchase_intent');
    expect(signalLabel(pred('neutral', 0.4))).toBe('neutral');
  });

  it('holds each label to its own threshold; below it the turn counts as neutral', () => {
    const t = { resistance: 0.6 };
    expect(signalLabel(pred('resistance', 0.59), t)).toBe('neutral');
    expect(signalLabel(pred('resistance', 0.6), t)).toBe('resistance');
    expect(signalLabel(pred('price_inquiry', 0.2), t)).toBe('price_inquiry');
  });
});

describe('checkSignalThresholds', () => {
  it('takes signal labels with numbers from 0 to 1', () => {
    expect(checkSignalThresholds({ price_inquiry: 0, resistance: 1 })).toEqual({ price_inquiry: 0, resistance: 1 });
  });

  it.each([
    [{ neutral: 0.5 }, /"neutral": not a signal label/],
    [{ greeting: 0.5 }, /"greeting": not a signal label \(use price_inquiry, discount_request, purchase_intent, resistance\)/],
    [{ resistance: 1.5 }, /resistance: 1.5 is not a number from 0 to 1/],
    [{ resistance: Number.NaN }, /resistance: NaN is not a number from 0 to 1/],
  ])('refuses %p naming the label', (t, message) => {
    expect(() => checkSignalThresholds(t)).toThrow(message);
  });
});
