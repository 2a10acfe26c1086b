// The names people read for the protocol's labels, cue types, cue reasons and techniques, in both
// languages: one list for the browser client (client/i18n.ts) and the server's review report
// (server/ingest/reportNames.ts), so a label reads the same in the page and in the report.
import type { CueReason, CueType, PostureSignalLabel, Technique, VerbalLabel } from './protocol';

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
    discount_request: '要求优惠',
    purchase_intent: '购买意向',
    resistance: '抗拒',
    neutral: '中性',
    arms_crossed: '双臂交叉',
    leaning_forward: '身体前倾',
    leaning_back: '身体后仰',
    open_palms: '手掌张开',
    nodding: '点头',
    legs_crossed: '跷腿',
    sitting_far: '坐得较远',
  },
};

export const CUE_TYPE_NAMES: Record<NameLang, Record<CueType, string>> = {
  en: { closing_moment: 'Closing moment', resistance: 'Resistance' },
  zh: { closing_moment: '成交时机', resistance: '抗拒' },
};

/** The closing techniques a cue suggests, named in Chinese as the bank's training deck names them (docs/glossary.md). */
export const TECHNIQUE_NAMES: Record<NameLang, Record<Technique, string>> = {
  en: {
    direct_request: 'Direct request',
    assumptive_close: 'Assumptive close',
    benefit_listing: 'Benefit listing',
    address_objection: 'Address the objection',
  },
  zh: {
    direct_request: '直接请求法',
    assumptive_close: '推定承诺法',
    benefit_listing: '利益罗列法',
    address_objection: '处理异议',
  },
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
    signals_accumulating: '购买信号接连出现',
    objection_removed: '异议已消除',
    benefit_acknowledged: '对刚介绍的利益点头认可',
    customer_resists: '客户提出异议',
    closed_posture: '双臂交叉、身体后仰',
  },
};
