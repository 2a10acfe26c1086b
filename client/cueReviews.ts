// Coaches' verdicts on cues (the snapshot's `cueReviews`, the `cue_reviewed` event): whether a
// cue came at the right moment with fitting advice (`useful`) or should not have come
// (`false_alarm`). A verdict is kept under the cue's moment — its type and media time — not its
// id, so it outlives the ids a re-analysis replaces; the client matches verdicts to cards the
// same way. Verdicts never change cues. Pure.
import type { CueReview, CueType, CueVerdict } from '../protocol/protocol';

/** A reviewed moment: the cue's type and media time. */
export interface CueMoment {
  cueType: CueType;
  mediaMs: number;
}

/** A session's verdicts by moment (see momentKey). */
export type CueReviews = ReadonlyMap<string, CueReview>;

/** The server's `cue_reviewed` event: a verdict given, or (`review: null`) taken back. */
export interface CueReviewedEvent extends CueMoment {
  sessionId: string;
  review: CueReview | null;
}

/** The map key of a moment. */
export function momentKey(m: CueMoment): string {
  return `${m.cueType}@${m.mediaMs}`;
}

/** The key of one moment's verdict requests (this window's own, see OwnRequests). */
export function cueReviewRequestKey(sessionId: string, m: CueMoment): string {
  return `${sessionId}\u0000${momentKey(m)}`;
}

/** The snapshot's list as a map; only the session's own (the server sends no other). */
export function cueReviewsOf(sessionId: string, list: readonly CueReview[]): Map<string, CueReview> {
  const out = new Map<string, CueReview>();
  for (const r of list) if (r.sessionId === sessionId) out.set(momentKey(r), r);
  return out;
}

/**
 * The verdicts after a `cue_reviewed` event (or this window's own answer, as an event): the
 * same map when it changes nothing there (another session's, a removal of a verdict not held,
 * the same verdict again), so the caller can skip the redraw; otherwise a new one.
 */
export function applyCueReviewed(current: CueReviews, sessionId: string | null, ev: CueReviewedEvent): CueReviews {
  if (sessionId === null || ev.sessionId !== sessionId) return current;
  const key = momentKey(ev);
  const held = current.get(key);
  if (ev.review === null) {
    if (!held) return current;
    const next = new Map(current);
    next.delete(key);
    return next;
  }
  if (held && sameReview(held, ev.review)) return current;
  const next = new Map(current);
  next.set(key, { ...ev.review, sessionId: ev.sessionId, cueType: ev.cueType, mediaMs: ev.mediaMs });
  return next;
}

function sameReview(a: CueReview, b: CueReview): boolean {
  return a.verdict === b.verdict && a.note === b.note && a.reviewedAt === b.reviewedAt && a.cueId === b.cueId;
}

/** The verdict on a cue's moment, if any. */
export function reviewOf(reviews: CueReviews, cue: CueMoment): CueReview | undefined {
  return reviews.get(momentKey(cue));
}

/**
 * What a click on a verdict's toggle asks for: that verdict, or (it is the one held) none — the
 * verdict taken back.
 */
export function toggledVerdict(held: CueVerdict | undefined, clicked: CueVerdict): CueVerdict | null {
  return held === clicked ? null : clicked;
}

export interface ReviewCounts {
  /** Cues shown that have a verdict. */
  reviewed: number;
  /** Of those, the ones found useful. */
  useful: number;
  /** Verdicts on moments where no cue is shown now (the analysis no longer emits it). */
  earlier: number;
}

/**
 * The header's counts: the verdicts on the cues shown (matched by moment, as the cards are) and
 * those left over from an earlier analysis, whose cue is no longer emitted.
 */
export function reviewCounts(reviews: CueReviews, cues: readonly CueMoment[]): ReviewCounts {
  const shown = new Set(cues.map(momentKey));
  let reviewed = 0;
  let useful = 0;
  let earlier = 0;
  for (const [key, r] of reviews) {
    if (!shown.has(key)) {
      earlier++;
      continue;
    }
    reviewed++;
    if (r.verdict === 'useful') useful++;
  }
  return { reviewed, useful, earlier };
}
