// What each cue says to the manager, in both languages: the deck's closing techniques
// (直接请求法, 推定承诺法, 利益罗列法) and how to handle resistance. Terms: docs/glossary.md.
import type { Bilingual, CueReason, PostureSignalLabel, Technique, VerbalLabel } from '../../protocol/protocol';
import { TECHNIQUE_NAMES as NAMES } from '../../protocol/names';

/** The technique names, the client's own (protocol/names.ts), so the page and the report agree. */
export const TECHNIQUE_NAMES = Object.fromEntries(
  (Object.keys(NAMES.en) as Technique[]).map((t) => [t, { en: NAMES.en[t], zh: NAMES.zh[t] }]),
) as Record<Technique, Bilingual>;

const LABEL_PHRASE: Record<VerbalLabel, Bilingual> = {
  price_inquiry: { en: 'asked about the price', zh: '询问了价格' },
  discount_request: { en: 'asked for a better price', zh: '提出了优惠要求' },
  purchase_intent: { en: 'signalled they want to buy', zh: '表达了购买意向' },
  resistance: { en: 'is resisting', zh: '表现出抗拒' },
  neutral: { en: 'spoke', zh: '发言' },
};

export const TIPS: Record<Technique, Bilingual> = {
  direct_request: {
    en: 'Ask for the decision now, sincerely and simply: a little pressure helps, a lot kills the deal.',
    zh: '现在就真诚、简洁地请客户做决定：适度施压有帮助，压得太紧反而会丢单。',
  },
  assumptive_close: {
    en: 'Act as if the decision is made: move to the next step (paperwork, start date, delivery).',
    zh: '假设客户已经决定购买，直接进入下一步：办理手续、确定起始日期或交付安排。',
  },
  benefit_listing: {
    en: 'Restate the benefits they care about until they see they get more than they expected, then ask.',
    zh: '逐条重申客户关心的利益，让客户感到所得超出预期，再提出成交。',
  },
  address_objection: {
    en: 'Do not ask for the deal yet: acknowledge the concern, ask what is behind it, and answer it.',
    zh: '暂不提出成交：先认同客户的顾虑，问清背后的原因，再有针对性地化解。',
  },
};

export const POSTURE_PHRASE: Record<PostureSignalLabel, Bilingual> = {
  arms_crossed: { en: 'arms crossed', zh: '双臂交叉' },
  leaning_forward: { en: 'leaning in', zh: '身体前倾' },
  leaning_back: { en: 'leaning back', zh: '身体后仰' },
  open_palms: { en: 'open palms', zh: '手掌张开' },
  nodding: { en: 'nodding', zh: '点头' },
  legs_crossed: { en: 'legs crossed', zh: '跷腿' },
  sitting_far: { en: 'sitting far away', zh: '坐得较远' },
};

function withPosture(t: Bilingual, posture: readonly PostureSignalLabel[]): Bilingual {
  if (!posture.length) return t;
  const en = posture.map((p) => POSTURE_PHRASE[p].en).join(', ');
  const zh = posture.map((p) => POSTURE_PHRASE[p].zh).join('、');
  return { en: `${t.en} (${en})`, zh: `${t.zh}（${zh}）` };
}

/** The cue's headline, e.g. "Closing moment: the customer asked about the price, and is leaning in". */
export function cueTitle(reason: CueReason, trigger: VerbalLabel | PostureSignalLabel, posture: readonly PostureSignalLabel[] = []): Bilingual {
  const p = (LABEL_PHRASE as Record<string, Bilingual>)[trigger] ?? { en: POSTURE_PHRASE[trigger as PostureSignalLabel].en, zh: POSTURE_PHRASE[trigger as PostureSignalLabel].zh };
  switch (reason) {
    case 'buying_signal':
      return withPosture({ en: `Closing moment: the customer ${p.en}`, zh: `成交时机：客户${p.zh}` }, posture);
    case 'signals_accumulating':
      return withPosture({ en: `Closing moment: buying signals are adding up — the customer ${p.en}`, zh: `成交时机：购买信号接连出现——客户${p.zh}` }, posture);
    case 'objection_removed':
      return withPosture({ en: `Closing moment: objection removed, the customer ${p.en}`, zh: `成交时机：异议已消除，客户${p.zh}` }, posture);
    case 'benefit_acknowledged':
      return { en: 'Closing moment: the customer nods at the benefit you just stated', zh: '成交时机：客户对您刚介绍的利益点头认可' };
    case 'customer_resists':
      return withPosture({ en: 'Resistance: the customer is pushing back', zh: '抗拒：客户提出异议' }, posture);
    case 'closed_posture':
      return { en: 'Resistance: arms crossed and leaning back — address the objection before asking', zh: '抗拒：客户双臂交叉、身体后仰，先处理异议，再提成交' };
  }
}
