// Every session's typed-turn queue in this window, and when each may be sent (pure: the socket,
// the storage and the timer are injected). The queues of sessions not shown are sent in the
// background (the server takes a turn for any session, joined or not); the shown session's waits
// while another window plays into it ("held"), as far as this window sees that input.
import type { RoomUtterance, Utterance, UtteranceIn } from '../protocol/protocol';
import { TurnQueue, loadQueues, protocolRefusal, saveQueue, sessionGone, type QueueStorage, type QueuedTurn } from './composer';
import type { AckResult } from './live';

export interface ComposerQueuesDeps {
  connected(): boolean;
  send(sessionId: string, turn: UtteranceIn): Promise<AckResult<Utterance>>;
  deliveryUnknown(err: unknown): boolean;
  /** Runs `retry` a little later (a turn unconfirmed with the connection up, or a passing refusal). */
  retryLater(retry: () => void): void;
  /** A turn of session `sessionId` was stored (the ack's utterance). */
  onStored(sessionId: string, u: Utterance): void;
  /** Where the queues are kept across a reload (sessionStorage); null: not kept. */
  storage(): QueueStorage | null;
  /** Session `sessionId`'s queue changed (saved already), or was dropped (the session is gone). */
  onChange(sessionId: string): void;
}

export class ComposerQueues {
  private readonly queues = new Map<string, TurnQueue>();
  /** The session shown (null: none), and whether another window plays into it (its queue waits). */
  private shown: { id: string | null; held: boolean } = { id: null, held: false };

  constructor(private readonly deps: ComposerQueuesDeps) {
    // Turns a reload interrupted: each session's queue again, sent once connected.
    for (const [id, items] of loadQueues(deps.storage())) this.queues.set(id, this.newQueue(id, items));
  }

  /** Session `sessionId`'s queue; undefined: none yet. */
  get(sessionId: string): TurnQueue | undefined {
    return this.queues.get(sessionId);
  }

  /** Session `sessionId`'s queue, made on first use. */
  of(sessionId: string): TurnQueue {
    let q = this.queues.get(sessionId);
    if (!q) this.queues.set(sessionId, (q = this.newQueue(sessionId, [])));
    return q;
  }

  /**
   * The session shown and whether it is held (another window plays into it): a queue that may go
   * on now goes on. That is the shown one's when its hold ends, and the one left when another
   * session (or none) is shown: held, it waited for nothing else to start it again (a session not
   * shown is sent in the background; this window no longer sees the other's input there).
   */
  show(id: string | null, held: boolean): void {
    const before = this.shown;
    this.shown = { id, held };
    if (before.id === id && before.held === held) return;
    // drain() asks mayDrain, so a queue still held stays put.
    if (before.id !== null && before.id !== id) void this.queues.get(before.id)?.drain();
    if (id !== null) void this.queues.get(id)?.drain();
  }

  /** The shown session was joined again after a reconnect: its queue goes on (an unconfirmed turn under its id). */
  rejoined(): void {
    if (this.shown.id !== null) void this.queues.get(this.shown.id)?.drain();
  }

  /** Connected again: every session's queue goes on (whichever of this and rejoined() comes second finds it on its way). */
  connectionChanged(): void {
    if (this.deps.connected()) for (const q of this.queues.values()) void q.drain();
  }

  /** The session is gone: its queue is forgotten and its saved copy removed; false when it had none. */
  drop(sessionId: string): boolean {
    const q = this.queues.get(sessionId);
    if (!q) return false;
    q.forget();
    this.queues.delete(sessionId);
    saveQueue(this.deps.storage(), sessionId, []);
    return true;
  }

  /** Whether `u`, a turn the session's room reports, is one on its way from this window (by its clientTurnId). */
  sentHere(u: Pick<RoomUtterance, 'sessionId' | 'clientTurnId'>): boolean {
    return this.queues.get(u.sessionId)?.awaiting(u) ?? false;
  }

  /** Typed turns not yet stored, in any session. */
  get unsent(): boolean {
    return [...this.queues.values()].some((q) => q.items.length > 0);
  }

  private newQueue(sessionId: string, items: QueuedTurn[]): TurnQueue {
    const q: TurnQueue = new TurnQueue(
      {
        // Not into a session another window is playing into, as far as this window sees.
        mayDrain: () => this.deps.connected() && !(this.shown.id === sessionId && this.shown.held),
        send: (turn) => {
          // What the server's schema refuses is refused here, with its error, and not sent.
          const refusal = protocolRefusal(sessionId, turn);
          return refusal ? Promise.resolve({ ok: false, error: refusal }) : this.deps.send(sessionId, turn);
        },
        deliveryUnknown: (err) => this.deps.deliveryUnknown(err),
        retryLater: (retry) => this.deps.retryLater(retry),
        onStored: (u) => this.deps.onStored(sessionId, u),
        onChange: () => {
          // The server no longer has the session (deleted unheard, e.g. offline, or before a reload).
          if (sessionGone(q.refused?.error)) {
            this.drop(sessionId);
            return this.deps.onChange(sessionId);
          }
          saveQueue(this.deps.storage(), sessionId, q.items);
          this.deps.onChange(sessionId);
        },
      },
      items,
    );
    return q;
  }
}
