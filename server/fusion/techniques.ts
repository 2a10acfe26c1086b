// What each cue says to the manager, in both languages: the deck's closing techniques
// (直接请求法, 推定承诺法, 利益罗列法) and how to handle resistance.
import type { Bilingual, CueReason, Technique, VerbalLabel } from '../../protocol/protocol';

export const TECHNIQUE_NAMES: Record<Technique, Bilingual> = {
  direct_request: { en: 'Direct request', zh: '直接请求法' },
  assumptive_close: { en: 'Assumptive close', zh: '推定承诺法' },
  benefit_listing: { en: 'Benefit listing', zh: '利益罗列法' },
  address_objection: { en: 'Address the objection', zh: '先处理异议' },
};

const LABEL_PHRASE: Record<VerbalLabel, Bilingual> = {
  price_inquiry: { en: 'asked about the price', zh: '询问了价格' },
  discount_request: { en: 'asked for a better price', zh: '提出了议价/优惠要求' },
  purchase_intent: { en: 'signalled they want to buy', zh: '表达了购买意向' },
  resistance: { en: 'is resisting', zh: '表现出抗拒' },
  neutral: { en: 'spoke', zh: '发言' },
};

export const TIPS: Record<Technique, Bilingual> = {
  direct_request: {
    en: 'Ask for the decision now, sincerely and simply: a little pressure helps, a lot kills the deal.',
    zh: '现在就真诚、直接地提出成交请求：适度的压力有帮助，过度施压会适得其反。',
  },
  assumptive_close: {
    en: 'Act as if the decision is made: move to the next step (paperwork, start date, delivery).',
    zh: '假定客户已决定购买，直接推进下一步（签约、起始日期、交付安排）。',
  },
  benefit_listing: {
    en: 'Restate the benefits they care about until the value clearly exceeds the price, then ask.',
    zh: '逐条列出客户关心的利益，让其感到价值超出预期，再提出成交。',
  },
  address_objection: {
    en: 'Do not ask for the deal yet: acknowledge the concern, ask what is behind it, and answer it.',
    zh: '暂不提出成交：先认同顾虑，了解背后的原因，再针对性地化解。',
  },
};

/** The cue's headline, e.g. "Closing moment: the customer asked about the price". */
export function cueTitle(reason: CueReason, label: VerbalLabel): Bilingual {
  const p = LABEL_PHRASE[label];
  switch (reason) {
    case 'buying_signal':
      return { en: `Closing moment: the customer ${p.en}`, zh: `成交时机：客户${p.zh}` };
    case 'signals_accumulating':
      return { en: `Closing moment: buying signals are adding up (the customer ${p.en})`, zh: `成交时机：购买信号正在累积（客户${p.zh}）` };
    case 'objection_removed':
      return { en: `Closing moment: objection removed, the customer ${p.en}`, zh: `成交时机：异议已消除，客户${p.zh}` };
    case 'customer_resists':
      return { en: 'Resistance: the customer is pushing back', zh: '抗拒信号：客户有顾虑' };
  }
}
