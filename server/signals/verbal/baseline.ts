// A plain keyword baseline in both languages, with the VerbalClassifier interface: what the
// trained model has to beat. It reads only the utterance, never the context.
import { VERBAL_LABELS, type VerbalLabel } from '../../../protocol/protocol';
import { normalizeText } from './features';
import type { VerbalClassifier, VerbalPrediction } from './types';

/** Rules in the rubric's precedence order: the first label whose pattern matches wins. */
export const BASELINE_RULES: ReadonlyArray<readonly [VerbalLabel, RegExp]> = [
  ['discount_request', /\b(discount|cheaper|lower|coupon|promo(tion)?s?|best price|lowest)\b|折扣|打折|便宜|优惠|减价|少点|最低|券/],
  ['price_inquiry', /\b(how much|price|cost|costs|quote)\b|多少钱|价格|价钱|几块|多少元|收费/],
  ['purchase_intent', /\b(i'?ll take it|buy|purchase|deal|order|pay|pick (it )?up)\b|买|下单|拍了|付款|购买/],
  ['resistance', /\b(too expensive|too much|think about it|not sure|pass|no thanks)\b|太贵|考虑|再看看|不要了|不买/],
];

export const BASELINE_VERSION = 'keyword-baseline';

export function baselineLabel(text: string): VerbalLabel {
  const t = normalizeText(text);
  for (const [label, re] of BASELINE_RULES) if (re.test(t)) return label;
  return 'neutral';
}

export function createKeywordBaseline(): VerbalClassifier {
  return {
    version: BASELINE_VERSION,
    classify(inputs): VerbalPrediction[] {
      return inputs.map(({ text }) => {
        const label = baselineLabel(text);
        const scores = Object.fromEntries(VERBAL_LABELS.map((l) => [l, l === label ? 1 : 0])) as Record<VerbalLabel, number>;
        return { label, score: 1, scores };
      });
    },
    dispose() {
      // Nothing to release.
    },
  };
}
