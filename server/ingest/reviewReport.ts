// A session as a Markdown review a coach can send the rep or paste into a wiki: who took part,
// the models, a summary, then one time line of the meeting (turns with their signal, the
// coach's label and, for a corrected turn, its words and speaker as first stored; cues with
// their technique, tip and verdict, posture signals starting and ending, coaches' posture
// labels, comments), in media-time order. Pure: the snapshot in, text out. The meeting's words
// and the coaches' notes are escaped, so they read as typed.
import {
  CUE_TYPES, POSTURE_FRAME_LABELS, type Cue, type PostureFrameLabel, type PostureSignal, type SessionSnapshot, type Utterance, type VerbalSignal,
} from '../../protocol/protocol';
import { TECHNIQUE_NAMES } from '../fusion/techniques';
import { CUE_TYPE_NAMES, LABEL_NAMES, REPORT_TEXT, ROLE_NAMES, turnLabelName, VERDICT_NAMES, type ReportLang } from './reportNames';
import { DEFAULT_CUE_ENGINE_OPTIONS } from '../fusion/cueEngine';

/** Sets of signal thresholds as one line: "Resistance ≥ 0.6 / none"; not recorded when there are none. */
function thresholdsLine(sets: NonNullable<SessionSnapshot['modelVersions']['thresholds']>, lang: ReportLang): string {
  const T = REPORT_TEXT[lang];
  if (sets.length === 0) return T.thresholdsNotRecorded;
  return sets.map((th) => Object.entries(th).map(([label, min]) => `${LABEL_NAMES[lang][label as VerbalSignal['label']]} ≥ ${min}`).join(', ') || T.none).join(' / ');
}

/** The parts of a snapshot the report reads. */
export type ReviewInput = Pick<
  SessionSnapshot,
  'session' | 'utterances' | 'signals' | 'cues' | 'modelVersions' | 'corrections' | 'cueReviews' | 'postureLabels' | 'comments'
>;

/** Media time as m:ss, or h:mm:ss from an hour on (whole seconds, rounded down). */
export function formatMediaTime(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Text a user typed (words, names, notes, titles) as one line of Markdown that reads as typed:
 * line breaks and other whitespace runs become one space; Markdown's punctuation is
 * backslash-escaped (`#` anywhere: a trailing one would close a heading) and `<`, `>`, `&`
 * become entities (no HTML gets through); a line-start construct (`-`, `+`, `=`, `1.`) is
 * escaped too, as the text may open a list item.
 */
export function escapeMarkdown(text: string): string {
  const line = text.replace(/[\s\u2028\u2029\u0085]+/g, ' ').trim();
  const escaped = line
    .replace(/[\\`*_[\]|~!#]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
  return escaped.replace(/^([+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** The place of an entry among those at one media time: turns, then cues, then posture, then comments. */
const RANK = { turn: 0, cue: 1, posture: 2, comment: 3 } as const;

interface Entry {
  mediaMs: number;
  rank: number;
  /** The order among entries of one rank at one time: a turn's seq, a cue's or comment's id, the posture entries' place. */
  order: number;
  /** Lines of the entry: the first is the list item, the others are indented under it. */
  lines: string[];
}

/** The cue's title without the cue type it opens with ("Closing moment: the customer asked…"): the report names the type itself. */
function headline(c: Cue, lang: ReportLang): string {
  const title = c.title[lang];
  const type = CUE_TYPE_NAMES[lang][c.type];
  // Only the type followed by its colon: a title stored before a rename of the type ("抗拒信号：…"
  // under the type 抗拒) is shown whole rather than cut inside a word.
  const rest = title.startsWith(type) ? title.slice(type.length) : '';
  return /^\s*[:：]/.test(rest) ? rest.replace(/^\s*[:：]\s*/, '') || title : title;
}

/**
 * `cueMinSignalScore`: the least signal score a cue needs (the server's); a customer's signal
 * under it is marked uncertain, as the client shows it.
 */
/**
 * Separators: half-width with spaces in English, full-width in Chinese (docs/glossary.md).
 * `dash` joins a technique to its tip, `list` the items of a list, `gap` a word to the markup
 * after it (none between Chinese characters).
 */
const PUNCTUATION: Record<ReportLang, { colon: string; open: string; close: string; dash: string; list: string; gap: string }> = {
  en: { colon: ': ', open: ' (', close: ')', dash: ': ', list: ', ', gap: ' ' },
  zh: { colon: '：', open: '（', close: '）', dash: '——', list: '、', gap: '' },
};

export function reviewReport(snap: ReviewInput, lang: ReportLang, opts: { cueMinSignalScore: number } = { cueMinSignalScore: DEFAULT_CUE_ENGINE_OPTIONS.minSignalScore }): string {
  const T = REPORT_TEXT[lang];
  const { session } = snap;
  const role = new Map(session.participants.map((p) => [p.name, p.role]));
  const isCustomer = (name: string) => role.get(name) === 'customer';
  const verbal = new Map<number, VerbalSignal>();
  const postureSignals: PostureSignal[] = [];
  for (const s of snap.signals) {
    if (s.kind === 'verbal') verbal.set(s.utteranceId, s);
    else postureSignals.push(s);
  }
  const corrections = new Map(snap.corrections.map((c) => [c.utteranceId, c]));
  const turnsById = new Map(snap.utterances.map((u) => [u.id, u]));
  const reviews = new Map(snap.cueReviews.flatMap((r) => (r.cueId === null ? [] : [[r.cueId, r] as const])));
  const modelOf = (utteranceId: number) => verbal.get(utteranceId)?.label ?? 'neutral';
  /** The postures the model had on for a participant at a time (as a frame can show them). */
  const postureAt = (participant: string, ms: number): PostureFrameLabel[] => {
    const on = new Set(postureSignals.filter((s) => s.participant === participant && s.startedMs <= ms && (s.endedMs === null || s.endedMs > ms)).map((s) => s.label as string));
    return POSTURE_FRAME_LABELS.filter((l) => l !== 'neutral' && on.has(l));
  };
  const postureAgrees = (labels: readonly PostureFrameLabel[], model: readonly PostureFrameLabel[]) => {
    const coach = labels.filter((l) => l !== 'neutral');
    return coach.length === model.length && coach.every((l) => model.includes(l));
  };
  // Chinese text takes full-width punctuation: "李女士（客户）：…", "English (Customer): …".
  const P = PUNCTUATION[lang];
  const paren = (inside: string) => `${P.open}${inside}${P.close}`;
  const who = (name: string) => `${escapeMarkdown(name)}${paren(ROLE_NAMES[lang][role.get(name) ?? 'none'])}`;
  const score = (x: number) => x.toFixed(2);
  const note = (n: string | null) => (n ? [`  - ${T.note}${P.colon}${escapeMarkdown(n)}`] : []);

  // ---- summary counts (a label on a turn or participant no longer a customer's is not counted, as the exports leave it out)
  const customerTurns = snap.utterances.filter((u) => u.role === 'customer').length;
  const countedCorrections = snap.corrections.filter((c) => turnsById.get(c.utteranceId)?.role === 'customer');
  const countedPosture = snap.postureLabels.filter((l) => isCustomer(l.participant));
  const currentReviews = snap.cueReviews.filter((r) => r.cueId !== null);
  const cueCounts = CUE_TYPES.map((t) => [t, snap.cues.filter((c) => c.type === t).length] as const).filter(([, n]) => n > 0);

  const out: string[] = [
    T.heading(escapeMarkdown(session.title)),
    '',
    T.created(new Date(session.createdAt).toISOString().slice(0, 16).replace('T', ' ') + ' UTC', session.id),
    '',
    T.participants,
    '',
    ...(session.participants.length ? session.participants.map((p) => `- ${who(p.name)}`) : [T.noParticipants]),
    '',
    T.models,
    '',
    `- ${T.verbalModel}${P.colon}${snap.modelVersions.verbal.map(escapeMarkdown).join(', ') || T.none}`,
    `- ${T.postureModel}${P.colon}${snap.modelVersions.posture.map(escapeMarkdown).join(', ') || T.none}`,
    // The thresholds its verbal signals were made under (each set once; none recorded before migration 18).
    ...(snap.modelVersions.thresholds === undefined ? [] : [`- ${T.signalThresholds}${P.colon}${thresholdsLine(snap.modelVersions.thresholds, lang)}`]),
    '',
    T.summary,
    '',
    `- ${T.turns(snap.utterances.length, customerTurns)}`,
    `- ${T.cues}${P.colon}${cueCounts.map(([t, n]) => `${CUE_TYPE_NAMES[lang][t]} ${n}`).join(' · ') || T.noCues}`,
    `- ${T.verdicts(currentReviews.filter((r) => r.verdict === 'useful').length, currentReviews.filter((r) => r.verdict === 'false_alarm').length)}`,
    ...(snap.cueReviews.length > currentReviews.length ? [`- ${T.earlierVerdicts(snap.cueReviews.length - currentReviews.length)}`] : []),
    `- ${T.turnLabels(countedCorrections.length, countedCorrections.filter((c) => c.label === modelOf(c.utteranceId)).length)}`,
    `- ${T.postureLabels(countedPosture.length, countedPosture.filter((l) => postureAgrees(l.labels, postureAt(l.participant, l.mediaMs))).length)}`,
    `- ${T.comments(snap.comments.length)}`,
    '',
    T.timeline,
    '',
  ];

  // ---- the time line
  const entries: Entry[] = [];
  const at = (ms: number) => `**${formatMediaTime(ms)}**`;
  const turn = (u: Utterance): Entry => {
    const lines = [`- ${at(u.startMs)} · ${who(u.speaker)}${P.colon}${escapeMarkdown(u.text)}`];
    // A turn a coach corrected says so, with its words and speaker as first stored.
    if (u.originalText !== undefined || u.originalSpeaker !== undefined) {
      lines.push(`  - ${T.turnEdited(escapeMarkdown(u.originalSpeaker ?? u.speaker), escapeMarkdown(u.originalText ?? u.text))}`);
    }
    const signal = verbal.get(u.id);
    if (u.role === 'customer' && signal && signal.label !== 'neutral') {
      const unsure = signal.score < opts.cueMinSignalScore ? ` · ${T.uncertain(opts.cueMinSignalScore)}` : '';
      lines.push(`  - ${T.signal}${P.colon}${LABEL_NAMES[lang][signal.label]}${paren(`${T.score} ${score(signal.score)}${unsure}`)}`);
    }
    const c = corrections.get(u.id);
    if (c) {
      const model = modelOf(u.id);
      lines.push(
        c.label === model
          ? `  - ${T.coachLabel}${P.colon}**${turnLabelName(lang, c.label)}**${paren(T.modelAgrees)}`
          : `  - ${T.coachLabel}${P.colon}**${turnLabelName(lang, c.label)}**${paren(`${T.modelSaid}${P.gap}~~${turnLabelName(lang, model)}~~`)}`,
        ...note(c.note),
      );
    }
    return { mediaMs: u.startMs, rank: RANK.turn, order: u.seq, lines };
  };
  const cue = (c: Cue): Entry => {
    const review = reviews.get(c.id);
    return {
      mediaMs: c.mediaMs, rank: RANK.cue, order: c.id,
      lines: [
        `- ${at(c.mediaMs)} · **${CUE_TYPE_NAMES[lang][c.type]}**${P.colon}${escapeMarkdown(headline(c, lang))}${paren(`${T.score} ${score(c.score)}`)}`,
        `  - ${T.technique}${P.colon}${TECHNIQUE_NAMES[c.technique][lang]}${P.dash}${escapeMarkdown(c.tip[lang])}`,
        ...(review ? [`  - ${T.verdict}${P.colon}**${VERDICT_NAMES[lang][review.verdict]}**`, ...note(review.note).map((l) => `  ${l}`)] : []),
      ],
    };
  };
  for (const u of snap.utterances) entries.push(turn(u));
  for (const c of snap.cues) entries.push(cue(c));
  for (const s of postureSignals) {
    const name = LABEL_NAMES[lang][s.label];
    entries.push({ mediaMs: s.startedMs, rank: RANK.posture, order: entries.length, lines: [`- ${at(s.startedMs)} · ${T.postureStarts(who(s.participant), name)}${paren(`${T.score} ${score(s.score)}`)}`] });
    if (s.endedMs !== null) entries.push({ mediaMs: s.endedMs, rank: RANK.posture, order: entries.length, lines: [`- ${at(s.endedMs)} · ${T.postureEnds(who(s.participant), name)}`] });
  }
  for (const l of snap.postureLabels) {
    const model = postureAt(l.participant, l.mediaMs);
    const coach = l.labels.map((x) => LABEL_NAMES[lang][x]).join(P.list);
    const modelText = model.length ? model.map((x) => LABEL_NAMES[lang][x]).join(P.list) : LABEL_NAMES[lang].neutral;
    const agrees = postureAgrees(l.labels, model);
    entries.push({
      mediaMs: l.mediaMs, rank: RANK.posture, order: entries.length,
      lines: [`- ${at(l.mediaMs)} · ${T.postureLabel(who(l.participant))}${P.colon}**${coach}**${paren(agrees ? T.modelAgrees : `${T.modelSaid}${P.gap}~~${modelText}~~`)}`, ...note(l.note)],
    });
  }
  for (const c of snap.comments) {
    // English: "**Comment** by Wu _(edited)_: …"; Chinese: "**点评**（吴，已编辑）：…", full-width.
    const author = c.author ? T.by(escapeMarkdown(c.author)) : null;
    const edited = c.editedAt !== null ? T.edited : null;
    const about =
      lang === 'zh'
        ? [author, edited].some((x) => x !== null) ? paren([author, edited].filter((x) => x !== null).join('，')) : ''
        : `${author !== null ? ` ${author}` : ''}${edited !== null ? ` _(${edited})_` : ''}`;
    entries.push({ mediaMs: c.mediaMs, rank: RANK.comment, order: c.id, lines: [`- ${at(c.mediaMs)} · **${T.comment}**${about}${P.colon}${escapeMarkdown(c.text)}`] });
  }
  // Posture at one time: signals' starts and ends as stored, then the coaches' labels.
  entries.sort((a, b) => a.mediaMs - b.mediaMs || a.rank - b.rank || a.order - b.order);
  if (entries.length === 0) out.push(T.emptyTimeline);
  for (const e of entries) out.push(...e.lines);
  return `${out.join('\n')}\n`;
}
