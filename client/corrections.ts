// Coaches' labels of customer turns (the snapshot's `corrections`, the `corrected` event): what
// the verbal model should have said of a turn. They never change signals or cues; the client
// shows them beside the model's label and counts how often the two agree. Pure.
import type { Correction, VerbalLabel } from '../protocol/protocol';

/** A session's corrections by utterance id. */
export type Corrections = ReadonlyMap<number, Correction>;

/** The server's `corrected` event: a turn labelled, or (`correction: null`) its label removed. */
export interface CorrectedEvent {
  sessionId: string;
  utteranceId: number;
  correction: Correction | null;
}

/** The snapshot's list as a map; only the session's own (the server sends no other). */
export function correctionsOf(sessionId: string, list: readonly Correction[]): Map<number, Correction> {
  const out = new Map<number, Correction>();
  for (const c of list) if (c.sessionId === sessionId) out.set(c.utteranceId, c);
  return out;
}

/**
 * The corrections after a `corrected` event (or this window's own answer, as an event): the
 * same map when it changes nothing there (another session's, a removal of a label not held, the
 * same correction again), so the caller can skip the redraw; otherwise a new one.
 */
export function applyCorrected(current: Corrections, sessionId: string | null, ev: CorrectedEvent): Corrections {
  if (sessionId === null || ev.sessionId !== sessionId) return current;
  const held = current.get(ev.utteranceId);
  if (ev.correction === null) {
    if (!held) return current;
    const next = new Map(current);
    next.delete(ev.utteranceId);
    return next;
  }
  if (held && sameCorrection(held, ev.correction)) return current;
  const next = new Map(current);
  next.set(ev.utteranceId, { ...ev.correction, utteranceId: ev.utteranceId, sessionId: ev.sessionId });
  return next;
}

function sameCorrection(a: Correction, b: Correction): boolean {
  return a.label === b.label && a.note === b.note && a.correctedAt === b.correctedAt;
}

/** What the model said of a turn: its stored verbal signal's label, `neutral` when it has none. */
export function modelLabel(signal: { label: VerbalLabel } | undefined): VerbalLabel {
  return signal?.label ?? 'neutral';
}

/** The label the editor opens on: the coach's, else the model's. */
export function initialLabel(correction: Correction | undefined, signal: { label: VerbalLabel } | undefined): VerbalLabel {
  return correction?.label ?? modelLabel(signal);
}

/** Whether the coach's label differs from what the model said of the turn. */
export function disagrees(correction: Correction, signal: { label: VerbalLabel } | undefined): boolean {
  return correction.label !== modelLabel(signal);
}

export interface Agreement {
  /** Turns labelled (those counted). */
  labelled: number;
  /** Of those, the turns where the model said what the coach did. */
  agree: number;
}

/**
 * How many turns are labelled and on how many the model agrees. `signalOf` gives a turn's
 * verbal signal; `counted`, when given, leaves out the labels of other turns (the page counts
 * the customer turns it shows: a label on a turn whose speaker is no longer a customer is kept
 * by the server but not exported, so not counted either).
 */
export function agreement(
  corrections: Corrections,
  signalOf: (utteranceId: number) => { label: VerbalLabel } | undefined,
  counted?: (utteranceId: number) => boolean,
): Agreement {
  let labelled = 0;
  let agree = 0;
  for (const c of corrections.values()) {
    if (counted && !counted(c.utteranceId)) continue;
    labelled++;
    if (!disagrees(c, signalOf(c.utteranceId))) agree++;
  }
  return { labelled, agree };
}

/**
 * The body a Save sends: the label, and the note trimmed (the server trims it too), left out
 * when blank (the textarea's maxlength keeps it within LIMITS.correctionNoteMaxChars).
 */
export function correctionBody(label: VerbalLabel, note: string): { label: VerbalLabel; note?: string } {
  const trimmed = note.trim();
  return trimmed ? { label, note: trimmed } : { label };
}

/** Whether a Save would change anything: another label or another note than the one held. */
export function changes(held: Correction | undefined, label: VerbalLabel, note: string): boolean {
  if (!held) return true;
  const trimmed = note.trim();
  return held.label !== label || (held.note ?? '') !== trimmed;
}

/** The key of one turn's label requests (this window's own, see OwnRequests). */
export function turnKey(sessionId: string, utteranceId: number): string {
  return `${sessionId}\u0000${utteranceId}`;
}
