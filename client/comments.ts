// Coaches' comments on moments of a meeting (the snapshot's `comments`, the `commented` event):
// free text for the rep ("ask for the deal here"), not data for the models; they never change
// signals or cues. Where a comment shows in the transcript (under the turn being spoken at its
// moment), how an event changes the ones held, what a Save sends, and the author name the
// client remembers for its user (there are no accounts). Pure, but for the storage passed in.
import { LIMITS, type Comment, type CommentIn } from '../protocol/protocol';

/** A session's comments by id. */
export type Comments = ReadonlyMap<number, Comment>;

/** The server's `commented` event: a comment posted or edited, or (`comment: null`) removed. */
export interface CommentedEvent {
  sessionId: string;
  commentId: number;
  comment: Comment | null;
}

/** The snapshot's list as a map; only the session's own (the server sends no other). */
export function commentsOf(sessionId: string, list: readonly Comment[]): Map<number, Comment> {
  const out = new Map<number, Comment>();
  for (const c of list) if (c.sessionId === sessionId) out.set(c.id, c);
  return out;
}

/** Whether two comments are the same in every field (an event that repeats what is held changes nothing). */
export function sameComment(a: Comment, b: Comment): boolean {
  return (
    a.id === b.id &&
    a.sessionId === b.sessionId &&
    a.mediaMs === b.mediaMs &&
    a.text === b.text &&
    a.author === b.author &&
    a.createdAt === b.createdAt &&
    a.editedAt === b.editedAt
  );
}

/** Whether two events say the same thing (the echo of this window's own answer). */
export function sameEvent(a: CommentedEvent, b: CommentedEvent): boolean {
  if (a.sessionId !== b.sessionId || a.commentId !== b.commentId) return false;
  if (a.comment === null || b.comment === null) return a.comment === b.comment;
  return sameComment(a.comment, b.comment);
}

/**
 * The comments after a `commented` event (or this window's own answer, as an event): the same
 * map when it changes nothing there (another session's, a removal of one not held, the same
 * comment again), so the caller can skip the redraw; otherwise a new one.
 */
export function applyCommented(current: Comments, sessionId: string | null, ev: CommentedEvent): Comments {
  if (sessionId === null || ev.sessionId !== sessionId) return current;
  const held = current.get(ev.commentId);
  if (ev.comment === null) {
    if (!held) return current;
    const next = new Map(current);
    next.delete(ev.commentId);
    return next;
  }
  if (held && sameComment(held, ev.comment)) return current;
  const next = new Map(current);
  next.set(ev.commentId, { ...ev.comment, id: ev.commentId, sessionId: ev.sessionId });
  return next;
}

/** In the order the snapshot lists them and the transcript shows them: by moment, then id. */
export function byMoment(a: Comment, b: Comment): number {
  return a.mediaMs - b.mediaMs || a.id - b.id;
}

/**
 * The turn a comment at `mediaMs` shows under: the last turn (in the transcript's order) that
 * starts at or before it; null before the first turn (it shows above the transcript).
 */
export function turnFor<T extends { id: number; startMs: number }>(turns: readonly T[], mediaMs: number): number | null {
  let best: T | null = null;
  for (const u of turns) if (u.startMs <= mediaMs && (best === null || u.startMs >= best.startMs)) best = u;
  return best?.id ?? null;
}

/** The comments shown above the first turn (`top`) and under each turn, each list by moment. */
export interface Placement {
  top: Comment[];
  byTurn: Map<number, Comment[]>;
}

export function placeComments(comments: Iterable<Comment>, turns: readonly { id: number; startMs: number }[]): Placement {
  const out: Placement = { top: [], byTurn: new Map() };
  for (const c of [...comments].sort(byMoment)) {
    const at = turnFor(turns, c.mediaMs);
    if (at === null) out.top.push(c);
    else out.byTurn.set(at, [...(out.byTurn.get(at) ?? []), c]);
  }
  return out;
}

/**
 * The body a Save sends: the moment, the text trimmed (the server trims it too), the author
 * trimmed, left out when blank (the fields' maxlength keeps both within their limits).
 */
export function commentBody(mediaMs: number, text: string, author: string): CommentIn {
  const who = author.trim();
  return who ? { mediaMs: Math.round(mediaMs), text: text.trim(), author: who } : { mediaMs: Math.round(mediaMs), text: text.trim() };
}

/** Whether a Save is possible: some text, within the limit. */
export function savable(text: string): boolean {
  const n = text.trim().length;
  return n > 0 && n <= LIMITS.commentMaxChars;
}

/** Whether saving an edit would change anything: another text or author than the one held. */
export function commentChanges(held: Comment, text: string, author: string): boolean {
  return held.text !== text.trim() || (held.author ?? '') !== author.trim();
}

/** Where the author name is remembered, for the next comment (one browser, one user). */
export const AUTHOR_KEY = 'buying-signals.commentAuthor';

/** The name the last comment was saved under ('' when none, or no storage). */
export function rememberedAuthor(storage: Pick<Storage, 'getItem'> | null): string {
  try {
    return (storage?.getItem(AUTHOR_KEY) ?? '').slice(0, LIMITS.speakerMaxChars);
  } catch {
    return ''; // storage refused (private mode, a sandbox): nothing remembered
  }
}

/** Remembers the name a comment was saved under (a blank one forgets it). */
export function rememberAuthor(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, author: string): void {
  const who = author.trim();
  try {
    if (who) storage?.setItem(AUTHOR_KEY, who);
    else storage?.removeItem(AUTHOR_KEY);
  } catch {
    // Not remembered: the field is simply empty next time.
  }
}

/** The key of one session's comment requests (this window's own, see CommentRequests). */
export function commentsKey(sessionId: string): string {
  return `comments\u0000${sessionId}`;
}
