// Display names the review report prints, in both languages: label and cue type names are the
// client's own (protocol/names.ts); the rest is the report's. Technique names and posture
// phrases the cues are built with live in server/fusion/techniques.ts.
import { CUE_TYPE_NAMES, SIGNAL_LABEL_NAMES } from '../../protocol/names';
import type { CueVerdict, PostureFrameLabel, PostureSignalLabel, Role, VerbalLabel } from '../../protocol/protocol';

export const REPORT_LANGS = ['en', 'zh'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

type Named<K extends string> = Record<ReportLang, Record<K, string>>;

/** Signal and posture label names, as the client shows them (protocol/names.ts). */
export const LABEL_NAMES: Named<VerbalLabel | PostureSignalLabel | PostureFrameLabel> = SIGNAL_LABEL_NAMES;

/** A coach's label of a turn: `neutral` reads "No signal" there, as in the client. */
export function turnLabelName(lang: ReportLang, label: VerbalLabel): string {
  return label === 'neutral' ? REPORT_TEXT[lang].noSignal : LABEL_NAMES[lang][label];
}

export { CUE_TYPE_NAMES };

export const VERDICT_NAMES: Named<CueVerdict> = {
  en: { useful: 'useful', false_alarm: 'false alarm' },
  zh: { useful: '有用', false_alarm: '误报' },
};

export const ROLE_NAMES: Named<Role | 'none'> = {
  en: { customer: 'Customer', rep: 'Sales rep', none: 'no role' },
  zh: { customer: '客户', rep: '客户经理', none: '未指定角色' },
};

/** The report's own wording. */
export const REPORT_TEXT = {
  en: {
    heading: (title: string) => `# Meeting review: ${title}`,
    created: (date: string, id: string) => `Session \`${id}\` · recorded ${date}`,
    participants: '## Participants',
    noParticipants: 'No participants yet.',
    models: '## Models',
    verbalModel: 'Verbal model',
    postureModel: 'Posture model',
    signalThresholds: 'Signal thresholds',
    thresholdsNotRecorded: 'not recorded (analysed before the server kept them)',
    none: 'none',
    summary: '## Summary',
    turns: (n: number, customer: number) => `Turns: ${n} (customer turns: ${customer})`,
    cues: 'Cues',
    noCues: 'none',
    verdicts: (useful: number, falseAlarm: number) => `Coach's verdicts on cues: ${useful} useful, ${falseAlarm} false alarm`,
    earlierVerdicts: (n: number) => `Earlier verdicts on cues no longer emitted: ${n}`,
    turnLabels: (n: number, agree: number) => `Turns labelled by a coach: ${n} · model agrees on ${agree}`,
    postureLabels: (n: number, agree: number) => `Posture moments labelled: ${n} · model agrees on ${agree}`,
    comments: (n: number) => `Comments: ${n}`,
    timeline: '## Time line',
    emptyTimeline: '_Nothing in this session yet._',
    signal: 'Signal',
    uncertain: (min: number) => `uncertain: below the ${min} a cue needs`,
    noSignal: 'No signal',
    coachLabel: "Coach's label",
    modelAgrees: 'model agrees',
    modelSaid: 'model said',
    note: 'Note',
    score: 'score',
    technique: 'Technique',
    verdict: 'Coach',
    postureStarts: (who: string, label: string) => `${who}: posture **${label}** starts`,
    postureEnds: (who: string, label: string) => `${who}: posture **${label}** ends`,
    postureLabel: (who: string) => `Coach's posture label for ${who}`,
    comment: 'Comment',
    by: (author: string) => `by ${author}`,
    edited: 'edited',
    /** A turn a coach corrected: its words and speaker as first stored, as the client's tooltip gives them. */
    turnEdited: (speaker: string, text: string) => `Edited by a coach. Originally ${speaker}: “${text}”`,
  },
  zh: {
    heading: (title: string) => `# 会谈复盘：${title}`,
    created: (date: string, id: string) => `会谈 \`${id}\` · 记录于 ${date}`,
    participants: '## 参与者',
    noParticipants: '还没有参与者。',
    models: '## 模型',
    verbalModel: '言语模型',
    postureModel: '姿态模型',
    signalThresholds: '信号阈值',
    thresholdsNotRecorded: '未记录（分析时服务器尚未记录阈值）',
    none: '无',
    summary: '## 概要',
    turns: (n: number, customer: number) => `发言：${n} 句（客户发言 ${customer} 句）`,
    cues: '提示',
    noCues: '无',
    verdicts: (useful: number, falseAlarm: number) => `教练对提示的评价：有用 ${useful} 条，误报 ${falseAlarm} 条`,
    earlierVerdicts: (n: number) => `对已不再发出的提示的早先评价：${n} 条`,
    turnLabels: (n: number, agree: number) => `教练已标注 ${n} 句发言 · 模型判断一致 ${agree} 句`,
    postureLabels: (n: number, agree: number) => `已标注 ${n} 个姿态时刻 · 模型判断一致 ${agree} 个`,
    comments: (n: number) => `点评：${n} 条`,
    timeline: '## 时间轴',
    emptyTimeline: '_此会谈还没有内容。_',
    signal: '信号',
    uncertain: (min: number) => `把握不足：低于触发提示所需的 ${min}`,
    noSignal: '无信号',
    coachLabel: '教练标注',
    modelAgrees: '模型判断一致',
    modelSaid: '模型判断为',
    note: '备注',
    score: '分数',
    technique: '成交方法',
    verdict: '教练',
    postureStarts: (who: string, label: string) => `${who}：**${label}**开始`,
    postureEnds: (who: string, label: string) => `${who}：**${label}**结束`,
    postureLabel: (who: string) => `教练对${who}的姿态标注`,
    comment: '点评',
    by: (author: string) => `${author}`,
    edited: '已编辑',
    turnEdited: (speaker: string, text: string) => `教练已编辑。原为${speaker}：“${text}”`,
  },
} as const;
