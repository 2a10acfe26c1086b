// This window's comment posts, edits and removals, and the `commented` events the room sends.
// The server sends the session's room `commented` for every accepted POST, PUT and DELETE, this
// window's own included, just before it answers; the window shows its answer, and the echo is
// not applied again. A POST's comment id is known only from its answer, so while any request of
// this window on a session is under way, that session's events are held, in the order they came:
// once the answer is in, the held events before its echo are applied (they happened first), then
// the answer, and the echo is dropped; those after the echo wait for the window's other requests
// under way, else are applied too. An answer whose echo has not come yet (a slow socket) is
// remembered, and that echo is dropped when it comes. A refused request sent nothing: what was
// held is applied. Every event is applied in the server's order, so a comment another coach
// edits or deletes meanwhile ends as the server has it.
import type { Comment, CommentIn } from '../protocol/protocol';
import { commentsKey, sameEvent, type CommentedEvent } from './comments';
import { OwnRequests } from './ownRequests';

export interface CommentApi {
  post(sessionId: string, body: CommentIn): Promise<Comment>;
  put(sessionId: string, commentId: number, body: CommentIn): Promise<Comment>;
  delete(sessionId: string, commentId: number): Promise<boolean>;
}

/** Answers whose echo had not come when they did, at most this many (the oldest go first). */
const LATE_ECHOES_MAX = 50;

export class CommentRequests {
  private readonly own = new OwnRequests();
  /** Events held while a request of this window on their session is under way, by its key. */
  private readonly held = new Map<string, CommentedEvent[]>();
  /** Answers applied before their echo came: the echo is dropped when it does. */
  private readonly lateEchoes: CommentedEvent[] = [];

  constructor(
    private readonly api: CommentApi,
    /** Shows an event (or this window's answer as one) on the page. */
    private readonly apply: (ev: CommentedEvent) => void,
  ) {}

  /** A `commented` event from the room: applied, unless it is (or may be) this window's own echo. */
  onEvent(ev: CommentedEvent): void {
    const late = this.lateEchoes.findIndex((e) => sameEvent(e, ev));
    if (late >= 0) {
      this.lateEchoes.splice(late, 1);
      return;
    }
    const key = commentsKey(ev.sessionId);
    const held = this.held.get(key);
    if (held && this.own.isOwnEcho(key)) held.push(ev);
    else this.apply(ev);
  }

  /** Posts a comment; the answer is applied and returned. Throws the refusal. */
  post(sessionId: string, body: CommentIn): Promise<Comment> {
    return this.run(
      sessionId,
      () => this.api.post(sessionId, body),
      (c) => ({ ev: { sessionId, commentId: c.id, comment: c }, echoed: true }),
    );
  }

  /** Replaces a comment's moment, text and author; as post. */
  put(sessionId: string, commentId: number, body: CommentIn): Promise<Comment> {
    return this.run(
      sessionId,
      () => this.api.put(sessionId, commentId, body),
      (c) => ({ ev: { sessionId, commentId, comment: c }, echoed: true }),
    );
  }

  /** Removes a comment; applied once answered (`false`: it was gone already, and nothing was sent). Throws the refusal. */
  remove(sessionId: string, commentId: number): Promise<boolean> {
    return this.run(
      sessionId,
      () => this.api.delete(sessionId, commentId),
      (removed) => ({ ev: { sessionId, commentId, comment: null }, echoed: removed }),
    );
  }

  private async run<T>(sessionId: string, request: () => Promise<T>, answerOf: (value: T) => { ev: CommentedEvent; echoed: boolean }): Promise<T> {
    const key = commentsKey(sessionId);
    const held = this.held.get(key) ?? [];
    this.held.set(key, held);
    let answer: { ev: CommentedEvent; echoed: boolean } | null = null;
    try {
      const value = await this.own.run(key, request);
      answer = answerOf(value);
      return value;
    } finally {
      if (answer) this.settle(held, answer.ev, answer.echoed);
      // No request of this window on the session under way any more: the rest is applied.
      if (!this.own.isOwnEcho(key)) {
        this.held.delete(key);
        for (const ev of held.splice(0)) this.apply(ev);
      }
    }
  }

  /** An answer: what happened before it, then it; its echo dropped (now, or when it comes). */
  private settle(held: CommentedEvent[], answer: CommentedEvent, echoed: boolean): void {
    const at = echoed ? held.findIndex((e) => sameEvent(e, answer)) : -1;
    // Without its echo yet, everything held came before it.
    const before = at >= 0 ? held.splice(0, at + 1).slice(0, -1) : held.splice(0);
    for (const ev of before) this.apply(ev);
    this.apply(answer);
    if (echoed && at < 0) {
      this.lateEchoes.push(answer);
      if (this.lateEchoes.length > LATE_ECHOES_MAX) this.lateEchoes.shift();
    }
  }
}
