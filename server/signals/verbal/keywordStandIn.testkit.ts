// A verbal classifier for the pipeline's unit tests that need no real model: each rule's
// pattern found in a turn gives its label at 0.8 (the first that matches), anything else is
// neutral. Real models are in models.testkit.ts.
import { VERBAL_LABELS, type VerbalLabel } from '../../../protocol/protocol';
import type { VerbalClassifier } from './types';

export function keywordStandIn(rules: ReadonlyArray<readonly [RegExp, VerbalLabel]> = [[/price/i, 'price_inquiry']]): VerbalClassifier {
  return {
    version: 'stand-in-1',
    classify: (inputs) =>
      inputs.map(({ text }) => {
        const label = rules.find(([re]) => re.test(text))?.[1] ?? 'neutral';
        const scores = Object.fromEntries(VERBAL_LABELS.map((l) => [l, l === label ? 0.8 : 0.05])) as Record<VerbalLabel, number>;
        return { label, score: 0.8, scores };
      }),
    dispose: () => {},
  };
}
