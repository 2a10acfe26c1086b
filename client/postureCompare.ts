// Comparing a library posture model (B) with the running one (A) on the labelled frames neither
// was trained on (GET /api/quality/posture/compare, protocol/compare.ts), in words: the frames
// line, each label's row (support, A's and B's F1, B − A with its interval, frames fixed and
// broken), the verdict over the labels and the changed frames. The DOM is
// client/view/postureCompare.ts; what it shares with the verbal comparison is client/compare.ts.
// Pure apart from the UI language (i18n's t).
import type { ChangedFrame, PostureCompareLabel, PostureComparison } from '../protocol/compare';
import { differenceText, trainedWho, verdictOfDifference, type Verdict } from './compare';
import { t } from './i18n';
import { pct, points, qualityLabelName } from './quality';

/**
 * How many frames were measured and why the others were not: "Measured on 8 of 10 labelled
 * frames; 2 left out because a model was trained on them (posture-b on 2)."; with none left
 * out, "Measured on all 10 …"; with none to measure, why (no labels, or each was trained on).
 */
export function postureFramesLine(c: Pick<PostureComparison, 'frames' | 'stored' | 'a' | 'b'>): string {
  if (c.stored === 0) return t('postureCompareNoLabels');
  if (c.frames === 0) return t('postureCompareNothingLeft', { m: c.stored });
  const k = c.stored - c.frames;
  if (k <= 0) return t('postureCompareFramesAll', { n: c.frames });
  const who = trainedWho(c, 'postureCompareTrainedOnWho');
  const vars = { n: c.frames, m: c.stored, k };
  return who ? t('postureCompareFrames', { ...vars, who }) : t('postureCompareFramesNoWho', vars);
}

/** The frames where a model judged nobody (their labels all count as missed); null when neither did. */
export function noPersonLine(c: Pick<PostureComparison, 'noPerson'>): string | null {
  if (c.noPerson.a === 0 && c.noPerson.b === 0) return null;
  return t('postureCompareNoPerson', { a: c.noPerson.a, b: c.noPerson.b });
}

/** A label's row of the table: its name, support, A's F1, B's F1, B − A with its interval, frames fixed / broken. */
export function postureLabelRow(l: PostureCompareLabel): string[] {
  // No frame has the label: there is no F1 to compare (as `eval posture --compare` says); fixed and broken still count false alarms.
  const f1s = l.support ? [pct(l.a.f1), pct(l.b.f1), differenceText(l.f1)] : ['–', '–', t('postureCompareNoSupport')];
  return [qualityLabelName(l.label), String(l.support), ...f1s, t('postureCompareFixedBroken', { fixed: l.frames.fixed, broken: l.frames.broken })];
}

/** A label's verdict: better or worse only when it has frames and the paired interval excludes zero. */
export function labelVerdict(l: PostureCompareLabel): Verdict {
  return l.support ? verdictOfDifference(l.f1) : 'unclear';
}

/** The verdict over the labels: on which B is clearly better, on which worse; or that none is told apart from noise. */
export function postureVerdictText(c: Pick<PostureComparison, 'perLabel' | 'frames' | 'a' | 'b'>): string {
  const named = (v: Verdict) => c.perLabel.filter((l) => labelVerdict(l) === v).map((l) => `${qualityLabelName(l.label)} (${points(l.f1.difference)})`);
  const better = named('better');
  const worse = named('worse');
  if (!better.length && !worse.length) return t('postureCompareUnclear', { n: c.frames });
  const parts = [
    ...(better.length ? [t('postureCompareBetterOn', { b: c.b.version, labels: better.join(t('listSep')) })] : []),
    ...(worse.length ? [t('postureCompareWorseOn', { b: c.b.version, labels: worse.join(t('listSep')) })] : []),
  ];
  return `${parts.join(' ')} ${t('postureCompareOthers', { a: c.a.version })}`;
}

/** The changed frames' note: how many fixed and broken (a frame is right when all its labels are), and whether only the first are listed. */
export function changedFramesNote(c: Pick<PostureComparison, 'changed' | 'changedTotal' | 'b'>): string[] {
  if (c.changedTotal === 0) return [t('postureCompareChangedNone')];
  const fixed = c.changed.filter((x) => x.change === 'fixed').length;
  const lines = [t('postureCompareChangedNote', { total: c.changedTotal, b: c.b.version })];
  if (c.changed.length < c.changedTotal) lines.push(t('compareChangedCapped', { n: c.changed.length, total: c.changedTotal }));
  else lines[0] += ` ${t('postureCompareChangedSplit', { fixed, broken: c.changed.length - fixed })}`;
  return lines;
}

/** A set of labels in words ("arms crossed, leaning forward"); "nobody" for a model's empty set (it judged no person). */
export function frameLabelsText(labels: readonly string[]): string {
  return labels.length ? labels.map(qualityLabelName).join(t('listSep')) : t('postureCompareNobody');
}

/** A changed frame's labels: the coach's, the running model's and this model's. */
export function changedFrameText(x: Pick<ChangedFrame, 'gold' | 'a' | 'b'>): string {
  return t('compareLabels', { gold: frameLabelsText(x.gold), a: frameLabelsText(x.a), b: frameLabelsText(x.b) });
}

/** Where a changed frame is: its session's title (its id when the answer names none), its time in the meeting and its participant. */
export function changedFrameWhere(x: Pick<ChangedFrame, 'session' | 'sessionTitle' | 'mediaMs' | 'participant'>, time: string): string {
  return t('postureCompareFrameIn', { title: x.sessionTitle || x.session, time, participant: x.participant });
}

/** The accessible name of a changed frame's Open button: the session, time and participant it opens. */
export function openFrameLabel(x: Pick<ChangedFrame, 'session' | 'sessionTitle' | 'mediaMs' | 'participant'>, time: string): string {
  return t('postureCompareOpenFrameLabel', { title: x.sessionTitle || x.session, time, participant: x.participant });
}
