// Coaches' labels of what a customer's posture is in one stored frame (the snapshot's
// `postureLabels`, the `posture_labelled` event). They never change posture signals or cues:
// they are data for measuring and training the posture classifier. The client shows them as
// markers on the posture timeline and compares them with the postures the timeline shows on at
// the frame's time. Pure.
import {
  POSTURE_FRAME_LABELS,
  POSTURE_MAIN_LABELS,
  type Participant,
  type PostureFrameLabel,
  type PostureLabels,
  type PostureSignalLabel,
} from '../protocol/protocol';

/** A session's posture labels by frame id. */
export type PostureLabelsMap = ReadonlyMap<number, PostureLabels>;

/** The server's `posture_labelled` event: a frame labelled, or (`labels: null`) its labels removed. */
export interface PostureLabelledEvent {
  sessionId: string;
  frameId: number;
  labels: PostureLabels | null;
}

/** The parts of a posture signal that say when the timeline shows it on (as its bar). */
export interface PostureOn {
  participant: string;
  label: PostureSignalLabel;
  startedMs: number;
  mediaMs: number;
  endedMs: number | null;
}

const MAIN: ReadonlySet<PostureFrameLabel> = new Set(POSTURE_MAIN_LABELS);
const FRAME: ReadonlySet<string> = new Set(POSTURE_FRAME_LABELS);

/** The snapshot's list as a map; only the session's own (the server sends no other). */
export function postureLabelsOf(sessionId: string, list: readonly PostureLabels[]): Map<number, PostureLabels> {
  const out = new Map<number, PostureLabels>();
  for (const l of list) if (l.sessionId === sessionId) out.set(l.frameId, l);
  return out;
}

/**
 * The labels after a `posture_labelled` event (or this window's own answer, as one): the same
 * map when it changes nothing (another session's, a removal of labels not held, the same labels
 * again, or labels older than those held: an echo overtaken by a later answer), so the caller
 * can skip the redraw; otherwise a new one.
 */
export function applyPostureLabelled(current: PostureLabelsMap, sessionId: string | null, ev: PostureLabelledEvent): PostureLabelsMap {
  if (sessionId === null || ev.sessionId !== sessionId) return current;
  const held = current.get(ev.frameId);
  if (ev.labels === null) {
    if (!held) return current;
    const next = new Map(current);
    next.delete(ev.frameId);
    return next;
  }
  if (held && (held.labelledAt > ev.labels.labelledAt || sameLabels(held, ev.labels))) return current;
  const next = new Map(current);
  next.set(ev.frameId, { ...ev.labels, sessionId: ev.sessionId, frameId: ev.frameId });
  return next;
}

function sameLabels(a: PostureLabels, b: PostureLabels): boolean {
  return a.labelledAt === b.labelledAt && a.note === b.note && a.labels.join(',') === b.labels.join(',') && a.mediaMs === b.mediaMs;
}

/** Labels in the contract's order (POSTURE_FRAME_LABELS), each once. */
export function ordered(labels: Iterable<PostureFrameLabel>): PostureFrameLabel[] {
  const set = new Set(labels);
  return POSTURE_FRAME_LABELS.filter((l) => set.has(l));
}

/**
 * The postures the timeline shows on for `participant` at media time `ms`, as frame labels
 * (`nodding` is movement, no frame shows it): a signal's bar runs from when its evidence began
 * (the earlier of startedMs and mediaMs) up to, not including, endedMs; an open one runs on.
 */
export function modelPosturesAt(signals: Iterable<PostureOn>, participant: string, ms: number): PostureFrameLabel[] {
  const on = new Set<PostureFrameLabel>();
  for (const s of signals) {
    if (s.participant !== participant || !FRAME.has(s.label)) continue;
    const start = Math.min(s.startedMs, s.mediaMs);
    if (ms >= start && (s.endedMs === null || ms < s.endedMs)) on.add(s.label as PostureFrameLabel);
  }
  return ordered(on);
}

/**
 * What the editor opens on: the coach's labels when the frame has them, else the postures the
 * timeline shows then, with `neutral` when none of them is a main label (upright, arms relaxed:
 * what the model's silence says).
 */
export function initialPostureLabels(held: PostureLabels | undefined, model: readonly PostureFrameLabel[]): PostureFrameLabel[] {
  if (held) return ordered(held.labels);
  const out = new Set(model);
  if (!model.some((l) => MAIN.has(l))) out.add('neutral');
  return ordered(out);
}

/**
 * A checkbox changed: the labels after it. `neutral` and the four main labels exclude each
 * other (the server refuses the mix), so checking one clears the other side.
 */
export function toggleLabel(current: readonly PostureFrameLabel[], label: PostureFrameLabel, checked: boolean): PostureFrameLabel[] {
  const next = new Set(current);
  if (!checked) next.delete(label);
  else {
    next.add(label);
    if (label === 'neutral') for (const m of POSTURE_MAIN_LABELS) next.delete(m);
    else if (MAIN.has(label)) next.delete('neutral');
  }
  return ordered(next);
}

/**
 * Whether the model agrees with the coach on a frame: the coach's labels other than `neutral`
 * are exactly the postures the timeline shows on then (coach `neutral` alone agrees with none).
 */
export function agreesWithModel(labels: readonly PostureFrameLabel[], model: readonly PostureFrameLabel[]): boolean {
  const coach = labels.filter((l) => l !== 'neutral');
  const shown = new Set(model.filter((l) => l !== 'neutral'));
  return coach.length === shown.size && coach.every((l) => shown.has(l));
}

export interface PostureAgreement {
  /** Frames labelled (those counted). */
  labelled: number;
  /** Of those, the frames where the model agrees. */
  agree: number;
}

/**
 * How many frames are labelled and on how many the model agrees. `modelAt` gives the postures
 * the timeline shows on for a participant at a time; `counted` leaves out the labels of
 * participants who are no longer customers (kept by the server, not exported).
 */
export function postureAgreement(
  labels: PostureLabelsMap,
  modelAt: (participant: string, ms: number) => PostureFrameLabel[],
  counted: (participant: string) => boolean = () => true,
): PostureAgreement {
  let labelled = 0;
  let agree = 0;
  for (const l of labels.values()) {
    if (!counted(l.participant)) continue;
    labelled++;
    if (agreesWithModel(l.labels, modelAt(l.participant, l.mediaMs))) agree++;
  }
  return { labelled, agree };
}

/** The body a Save sends: the note trimmed, left out when blank (the server trims it too). */
export function postureLabelsBody(
  participant: string,
  mediaMs: number,
  labels: readonly PostureFrameLabel[],
  note: string,
): { participant: string; mediaMs: number; labels: PostureFrameLabel[]; note?: string } {
  const trimmed = note.trim();
  const body = { participant, mediaMs: Math.max(0, Math.round(mediaMs)), labels: ordered(labels) };
  return trimmed ? { ...body, note: trimmed } : body;
}

/** Whether a Save would change anything on a labelled frame: other labels or another note. */
export function postureLabelsChange(held: PostureLabels | undefined, labels: readonly PostureFrameLabel[], note: string): boolean {
  if (!held) return true;
  return ordered(held.labels).join(',') !== ordered(labels).join(',') || (held.note ?? '') !== note.trim();
}

/** The key of this window's PUTs for one participant (the frame is known only from the answer; see OwnRequests). */
export function postureSaveKey(sessionId: string, participant: string): string {
  return `${sessionId}\u0000put\u0000${participant}`;
}

/** The key of this window's DELETE of one frame's labels. */
export function postureRemoveKey(sessionId: string, frameId: number): string {
  return `${sessionId}\u0000delete\u0000${frameId}`;
}

/** Media ms with tenths, for a frame's time: 0:42.4 (frames are a fifth of a second apart or closer). */
export function formatFrameMs(ms: number): string {
  const tenths = Math.max(0, Math.round(ms / 100));
  const s = Math.floor(tenths / 10);
  const sec = s % 60;
  const m = Math.floor(s / 60) % 60;
  const hours = Math.floor(s / 3600);
  const ss = `${String(sec).padStart(2, '0')}.${tenths % 10}`;
  return hours > 0 ? `${hours}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The customers a new label can go to: the session's participants with role customer, in the session's order, each once. */
export function labelCustomers(participants: readonly Participant[]): string[] {
  const out: string[] = [];
  for (const p of participants) if (p.role === 'customer' && !out.includes(p.name)) out.push(p.name);
  return out;
}

/**
 * How the editor shows whose posture it labels: `select` (a customer picker) on a new label
 * (no frame yet) when the session has two or more customers and the draft's participant is one
 * of them; `fixed` (the name as text) on a label already given (its frame is the participant's)
 * in such a session; `none` with one customer, or for a participant no longer a customer (the
 * legend names them, the help says why the labels can only be removed).
 */
export function customerChoice(customers: readonly string[], draft: { frameId: number | null; participant: string }): 'select' | 'fixed' | 'none' {
  if (customers.length < 2 || !customers.includes(draft.participant)) return 'none';
  return draft.frameId === null ? 'select' : 'fixed';
}

/**
 * A new label's customer changed in the picker: the draft's labels for the other customer at the
 * same moment. Untouched (the coach has not changed a checkbox yet), they are pre-checked again
 * with what the timeline shows on for that customer then, as opening does; once the coach has
 * checked or cleared one, their choice is kept (it is what they saw in the frame, and re-picking
 * the customer must not silently undo it).
 */
export function retargetedLabels(current: readonly PostureFrameLabel[], touched: boolean, model: readonly PostureFrameLabel[]): PostureFrameLabel[] {
  return touched ? ordered(current) : initialPostureLabels(undefined, model);
}
