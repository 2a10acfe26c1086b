// The pipeline rule that only the customer gives buying signals: rep turns and turns of
// speakers without a role are neutral by rule, whatever the model would say.
import { VERBAL_LABELS, type VerbalLabel } from '../../../protocol/protocol';
import type { Turn, VerbalClassifier, VerbalPrediction } from './types';

export function neutralByRule(): VerbalPrediction {
  const scores = Object.fromEntries(VERBAL_LABELS.map((l) => [l, l === 'neutral' ? 1 : 0])) as Record<
    VerbalLabel,
    number
  >;
  return { label: 'neutral', score: 1, scores };
}

/** Classifies turns in one batch, applying the speaker rule. */
export function classifyTurns(classifier: VerbalClassifier, turns: readonly Turn[]): VerbalPrediction[] {
  const idx: number[] = [];
  const inputs = [];
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    if (t.role === 'customer') {
      idx.push(i);
      inputs.push({ text: t.text, ...(t.context !== undefined ? { context: t.context } : {}) });
    }
  }
  const preds = inputs.length ? classifier.classify(inputs) : [];
  const out: VerbalPrediction[] = turns.map(() => neutralByRule());
  idx.forEach((turnIdx, k) => {
    out[turnIdx] = preds[k]!;
  });
  return out;
}
