// A stand-in verbal model for the measurement routes' tests: "price" in a turn is a price
// inquiry, anything else neutral (score 0.8), and it counts its disposals and any classification
// after one, so a test can tell a model was held through a measurement and released after it.
import { VERBAL_LABELS, type VerbalLabel } from '../../../protocol/protocol';
import type { VerbalClassifier, VerbalInput } from './types';

export type CountingModel = VerbalClassifier & { disposed: number; usedDisposed: number };

export function priceStandIn(version: string, onClassify: () => void = () => {}): CountingModel {
  const m: CountingModel = {
    version,
    disposed: 0,
    usedDisposed: 0,
    classify: (inputs: readonly VerbalInput[]) => {
      if (m.disposed) m.usedDisposed++;
      onClassify();
      return inputs.map(({ text }) => {
        const label: VerbalLabel = /price/i.test(text) ? 'price_inquiry' : 'neutral';
        const scores = Object.fromEntries(VERBAL_LABELS.map((l) => [l, l === label ? 0.8 : 0.05])) as Record<VerbalLabel, number>;
        return { label, score: 0.8, scores };
      });
    },
    dispose: () => void m.disposed++,
  };
  return m;
}
