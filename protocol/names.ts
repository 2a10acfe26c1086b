// The names people read for the protocol's labels, cue types and cue reasons, in both languages: one list
// for the browser client (client/i18n.ts) and the server's review report
// (server/ingest/reportNames.ts), so a label reads the same in the page and in the report.
import type { CueReason, CueType, PostureSignalLabel, VerbalLabel } from './protocol';

export const NAME_LANGS = ['en', 'zh'] as const;
export type NameLang = (typeof NAME_LANGS)[number];

/** Verbal signal and posture labels (posture frame labels are these plus `neutral`, a verbal one too). */
export const SIGNAL_LABEL_NAMES: Record<NameLang, Record<VerbalLabel | PostureSignalLabel, string>> = {
  en: {
    price_inquiry: 'Price question',
    discount_request: 'Discount request',
    purchase_intent: 'Purchase intent',
    resistance: 'Resistance',
    neutral: 'Neutral',
    arms_crossed: 'Arms crossed',
    leaning_forward: 'Leaning in',
    leaning_back: 'Leaning back',
    open_palms: 'Open palms',
    nodding: 'Nodding',
    legs_crossed: 'Legs crossed',
    sitting_far: 'Sitting far',
  },
  zh: {
    price_inquiry: '询价',
    discount_request: '议价·要折扣',
    purchase_intent: '购买意向',
    resistance: '抗拒',
    neutral: '中性',
    arms_crossed: '双臂交叉',
    leaning_forward: '身体前倾',
    leaning_back: '身体后仰',
    open_palms: '手掌张开',
    nodding: '点头',
    legs_crossed: '跷腿',
    sitting_far: '坐得很远',
  },
};

export const CUE_TYPE_NAMES: Record<NameLang, Record<CueType, string>> = {
  en: { closing_moment: 'Closing moment', resistance: 'Resistance' },
  zh: { closing_moment: '成交时机', resistance: '客户抗拒' },
};

/** Why a cue was raised (a cue's `reason`), worded as its headline words it (server/fusion/techniques.ts cueTitle). */
export const CUE_REASON_NAMES: Record<NameLang, Record<CueReason, string>> = {
  en: {
    buying_signal: 'A buying signal',
    signals_accumulating: 'Buying signals adding up',
    objection_removed: 'Objection removed',
    benefit_acknowledged: 'Nod at a benefit just stated',
    customer_resists: 'Customer pushing back',
    closed_posture: 'Arms crossed and leaning back',
  },
  zh: {
    buying_signal: '购买信号',
    signals_accumulating: '购买信号正在累积',
    objection_removed: '异议已消除',
    benefit_acknowledged: '对刚介绍的利益点头认可',
    customer_resists: '客户有顾虑',
    closed_posture: '双臂交叉且身体后仰',
  },
};
