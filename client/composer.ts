// The live turn composer's logic (pure: the clock, the socket, the storage and the ids are injected).
//
// - MediaClock: a session's rehearsal clock. Media time 0 is when the session was created in
//   this window; a session opened otherwise starts it on first use (a turn typed, or the
//   webcam's first frame) at the session's latest media time (latestMediaMs: turns, signals,
//   cues), so new turns follow the old ones. The webcam's landmarks and the typed turns read the
//   same clock, so posture and words line up. (With a local video loaded, the typed turns read
//   the video's time instead; docs/client.md "The clock" has every case.)
// - buildTurn: the live `utterance` a draft becomes: the speaker, the text as typed, `startMs`
//   when its draft was begun (the first keystroke after the field was empty), `endMs` when it
//   was sent (Enter), and a `clientTurnId` the same on every send of that turn.
// - Draft: the field's text and the media time it was begun at, on which clock (a start read on
//   the other one, a video loaded or closed meanwhile, is not used).
// - TurnQueue: one session's typed turns, in order, sent one at a time while the connection is
//   up (socket.io would buffer an emit made offline and send it unchecked on reconnect, so
//   nothing is emitted offline). Each turn keeps the media times it was typed at. Stored (or a
//   duplicate: the server already held its clientTurnId) → it leaves the queue. The connection
//   dropped before the ack → unconfirmed: sent again under the same clientTurnId (the server
//   stores it once) when the queue drains next (connected again, another turn typed, or, the
//   ack timed out with the connection up, a little later).
//   Refused → the queue stops at it, its text and the server's message kept, until it is
//   replaced (fixed) or removed; refused for a passing reason (the server busy, stopping or
//   starting) → it waits and goes again under its id, no fix asked. At most QUEUE_MAX_TURNS turns.
// - saveQueue / loadQueues: a session's queue in sessionStorage, so a reload loses nothing.
import { z } from 'zod';
import { ApiErrorSchema, WireError } from '../protocol/outbound';
import type { ApiError, RoomUtterance, SessionSnapshot, Utterance, UtteranceIn } from '../protocol/protocol';
import { ClientTurnIdSchema, LIMITS, LiveUtteranceSchema, MediaMsSchema, zodToApiError } from '../protocol/protocol';
import { normalizeSpeakerName } from '../protocol/speakerName';
import type { AckResult } from './live';

export class MediaClock {
  /** `now()` at media time 0; null: not started. */
  private origin: number | null = null;

  constructor(private readonly now: () => number) {}

  get started(): boolean {
    return this.origin !== null;
  }

  /** Starts the clock at media time `fromMs` now; a running clock is left as it is. */
  start(fromMs = 0): void {
    if (this.origin === null) this.origin = this.now() - Math.max(0, fromMs);
  }

  /** The media time now (whole ms, within the protocol's 24 h), starting the clock at `fromMs` if it is not running. */
  mediaMs(fromMs = 0): number {
    this.start(fromMs);
    return Math.min(LIMITS.mediaMsMax, Math.max(0, Math.round(this.now() - this.origin!)));
  }

  /** Another session: the clock starts again on first use. */
  reset(): void {
    this.origin = null;
  }
}

/**
 * The latest media time a stored session reached, where its clock starts when first used here:
 * its turns' ends, its signals (a posture until it ended, one still on at least from its start)
 * and its cues. A webcam rehearsal runs on past its last typed turn; a clock started at that
 * turn would put new turns and frames back over the old ones. (Frames that gave no signal are
 * not in a snapshot, so a stretch of them past the last signal is not counted.)
 */
export function latestMediaMs(s: Pick<SessionSnapshot, 'utterances' | 'signals' | 'cues'>): number {
  let ms = 0;
  for (const u of s.utterances) ms = Math.max(ms, u.endMs);
  for (const sig of s.signals) ms = Math.max(ms, sig.kind === 'posture' ? (sig.endedMs ?? sig.startedMs) : sig.mediaMs);
  for (const c of s.cues) ms = Math.max(ms, c.mediaMs);
  return ms;
}

/** The utterance a draft becomes; `startMs` is clamped to `endMs` so the server never refuses the order. */
export function buildTurn(d: { speaker: string; text: string; startMs: number; endMs: number; clientTurnId: string }): UtteranceIn {
  const endMs = Math.max(0, Math.round(d.endMs));
  const startMs = Math.min(endMs, Math.max(0, Math.round(d.startMs)));
  return { speaker: d.speaker, text: d.text, startMs, endMs, clientTurnId: d.clientTurnId };
}

/** A speaker name typed in the composer, as the server will store it, or why it is not one. */
export function checkSpeaker(raw: string): { ok: true; name: string } | { ok: false; problem: 'empty' | 'tooLong'; actual?: number } {
  const name = normalizeSpeakerName(raw);
  if (!name) return { ok: false, problem: 'empty' };
  if (name.length > LIMITS.speakerMaxChars) return { ok: false, problem: 'tooLong', actual: name.length };
  return { ok: true, name };
}

/** Whether the draft has anything to send (the server refuses words of nothing visible; it says so itself for the rarer invisible ones). */
export function hasText(text: string): boolean {
  return text.trim().length > 0;
}

/**
 * The refusal the server gives a turn its schema refuses (words over the limit or of nothing
 * visible, …), the same error (the protocol's zodToApiError over the same payload); null: none.
 * Such a turn is refused here, not sent: sent, a text over the socket's message size (1 MB)
 * makes the server close the connection, and the turn, unconfirmed, went again at each reconnect.
 */
export function protocolRefusal(sessionId: string, turn: UtteranceIn): ApiError | null {
  const payload = { sessionId, utterance: turn };
  const parsed = LiveUtteranceSchema.safeParse(payload);
  return parsed.success ? null : zodToApiError(parsed.error, '', undefined, payload);
}

/**
 * Which clock a typed turn's media time is read from: the session's rehearsal clock (MediaClock,
 * also the webcam's), or a local video's playback position while one is loaded.
 */
export type TurnClock = 'clock' | 'video';

/** The field: its text and the media time it was begun at (and on which clock). */
export class Draft {
  text = '';
  /** Media time the draft was begun at (its first keystroke); null: empty. */
  startMs: number | null = null;
  /** The clock startMs was read from; 'any': a refused turn's own start, kept whichever clock runs. */
  private startClock: TurnClock | 'any' | null = null;

  /** The field's text changed: a draft begun now takes its start time (`now()`, read from `clock`); emptied, it has none. */
  edit(text: string, now: () => number, clock: TurnClock = 'clock'): void {
    const was = this.text;
    this.text = text;
    if (!hasText(text)) {
      this.startMs = null;
      this.startClock = null;
    } else if (this.startMs === null || !hasText(was)) {
      this.startMs = now();
      this.startClock = clock;
    }
  }

  /**
   * The draft's start on `clock`; null when it has none there: not begun, or begun on the other
   * clock (a local video loaded or closed while it was typed: that time is not on this time line),
   * so the turn is taken as begun when it is sent.
   */
  startOn(clock: TurnClock): number | null {
    return this.startClock === clock || this.startClock === 'any' ? this.startMs : null;
  }

  /** A refused turn's text is in the field to be fixed: it keeps the start it was typed at. */
  fix(startMs: number): void {
    this.startMs = startMs;
    this.startClock = 'any';
  }

  /** Another session: a draft kept has no start there (it starts again at its next keystroke). */
  forgetStart(): void {
    this.startMs = null;
    this.startClock = null;
  }

  clear(): void {
    this.text = '';
    this.startMs = null;
    this.startClock = null;
  }
}

/** The most turns one session's queue holds (typed offline, or behind one awaiting its ack). */
export const QUEUE_MAX_TURNS = 50;

export type QueuedState =
  /** Waits for the turns before it, or for the connection. */
  | 'waiting'
  /** Sent; its ack has not come. */
  | 'sending'
  /** The connection dropped (or the ack timed out) before the ack: sent again under its id. */
  | 'unconfirmed'
  /** The server refused it: the queue stops here until it is replaced or removed. */
  | 'refused';

export interface QueuedTurn {
  turn: UtteranceIn;
  state: QueuedState;
  /**
   * Refused: the refusal (the server's, or a send that failed otherwise). Waiting: a passing
   * refusal it waits out (the server busy, stopping or starting), or null. Otherwise null.
   */
  error: ApiError | null;
}

export type AddOutcome = 'queued' | 'full';

export interface TurnQueueDeps {
  /** Whether turns may be sent now (connected, and the session not held). */
  mayDrain(): boolean;
  /** Emits the turn; resolves with the server's ack, rejects when no ack came. */
  send(turn: UtteranceIn): Promise<AckResult<Utterance>>;
  /** Whether a rejection means the turn may or may not have got through (see LiveConnection.deliveryUnknown). */
  deliveryUnknown(err: unknown): boolean;
  /**
   * A turn's ack did not come in time though the connection stayed up (the server slow): runs
   * `retry` (the queue's next drain) a little later, as nothing else would start it.
   */
  retryLater(retry: () => void): void;
  /** A turn was stored (the ack's utterance; for a duplicate, the stored original). */
  onStored(u: Utterance): void;
  /** The queue changed (to show it, and to save it). */
  onChange(): void;
}

/**
 * Refusals that say a turn was not stored for a passing reason, not anything in it: the server
 * busy (too many turns awaiting their ack), stopping or starting. The turn waits and goes again.
 */
const PASSING_REFUSALS: ReadonlySet<string> = new Set(['busy', 'shutting_down', 'starting']);

/**
 * The client's own code for an acknowledgement it could not read (not the protocol's shape: a
 * server of another version, or a bug). The turn may be stored; sent again it would get the same
 * answer, so the queue stops at it, as at a refusal, and says so (its message: where the ack was off).
 */
export const MALFORMED_ACK = 'malformed_ack';

/** Whether a queued turn may be taken out: one never stored (waiting to be sent, or refused). */
export function removable(q: QueuedTurn): boolean {
  return q.state === 'waiting' || q.state === 'refused';
}

export class TurnQueue {
  private draining = false;
  private forgotten = false;

  constructor(
    private readonly deps: TurnQueueDeps,
    /** In order: the head is sent first. */
    readonly items: QueuedTurn[] = [],
  ) {}

  get full(): boolean {
    return this.items.length >= QUEUE_MAX_TURNS;
  }

  /** The refused turn the queue stopped at; null when it is not stopped. */
  get refused(): QueuedTurn | null {
    const head = this.items[0];
    return head?.state === 'refused' ? head : null;
  }

  /** The latest media time a queued turn ends at (a clock starting now continues after it); null: empty. */
  get lastEndMs(): number | null {
    return this.items.length ? Math.max(...this.items.map((q) => q.turn.endMs ?? q.turn.startMs)) : null;
  }

  /**
   * Whether the stored turn `u` the room reports is one on its way (sent, or unconfirmed) from
   * this queue: the same clientTurnId (the room's event carries the one a turn was sent with).
   * Not its words: another window's turn with the same words and times is not this one, and two
   * identical turns typed in a row are two. A turn reported without an id is never this queue's.
   */
  awaiting(u: Pick<RoomUtterance, 'clientTurnId'>): boolean {
    const id = u.clientTurnId;
    return id !== undefined && this.items.some((q) => (q.state === 'sending' || q.state === 'unconfirmed') && q.turn.clientTurnId === id);
  }

  /** A turn joins the end of the queue (and goes at once if nothing is ahead of it and it may). */
  add(turn: UtteranceIn): AddOutcome {
    if (this.full) return 'full';
    this.items.push({ turn, state: 'waiting', error: null });
    this.deps.onChange();
    void this.drain();
    return 'queued';
  }

  /**
   * Takes a turn out before it is sent (waiting, or refused); false for one on its way or sent
   * and unconfirmed (it may be stored already: the server's answer decides, or a turn removed
   * here and typed again would be stored twice), or unknown.
   */
  remove(clientTurnId: string): boolean {
    const i = this.indexOf(clientTurnId);
    if (i < 0 || !removable(this.items[i]!)) return false;
    this.items.splice(i, 1);
    this.deps.onChange();
    void this.drain();
    return true;
  }

  /** A refused turn fixed: `turn` (a new id, the same media times) takes its place and the queue goes on. */
  replace(clientTurnId: string, turn: UtteranceIn): boolean {
    const i = this.indexOf(clientTurnId);
    if (i < 0 || this.items[i]!.state !== 'refused') return false;
    this.items[i] = { turn, state: 'waiting', error: null };
    this.deps.onChange();
    void this.drain();
    return true;
  }

  /** The session is gone: nothing more is sent, and an answer still to come changes nothing. */
  forget(): void {
    this.forgotten = true;
    this.items.splice(0);
  }

  /**
   * Sends the turns in order, one at a time, while it may: stops at a refused turn, at one
   * left unconfirmed (sent again on the next drain), or when the connection goes. A drain
   * already under way is not doubled (it sends what was added meanwhile).
   */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const head = this.items[0];
        if (this.forgotten || !head || head.state === 'refused' || !this.deps.mayDrain()) return;
        head.state = 'sending';
        this.deps.onChange();
        const next = await this.attempt(head);
        if (this.forgotten) return;
        this.deps.onChange();
        if (!next) {
          // Unconfirmed with the connection up (an ack timeout): no reconnect will drain it again.
          // Nor a passing refusal (the server busy, say).
          if ((head.state as QueuedState) !== 'refused' && this.items[0] === head && this.deps.mayDrain()) this.deps.retryLater(() => void this.drain());
          return;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Sends the head once; whether to go on with the next. */
  private async attempt(head: QueuedTurn): Promise<boolean> {
    try {
      const res = await this.deps.send(head.turn);
      if (this.forgotten) return false;
      if (res.ok) {
        this.items.splice(this.items.indexOf(head), 1);
        this.deps.onStored(res.value);
        return true;
      }
      // Not stored, and not for anything in the turn: it goes again under its id, no fix asked.
      head.state = PASSING_REFUSALS.has(res.error.code) ? 'waiting' : 'refused';
      head.error = res.error;
      return false;
    } catch (err) {
      if (this.forgotten) return false;
      if (this.deps.deliveryUnknown(err)) {
        head.state = 'unconfirmed';
      } else {
        head.state = 'refused';
        head.error = err instanceof WireError ? { code: MALFORMED_ACK, message: err.message } : { code: 'client_error', message: err instanceof Error ? err.message : String(err) };
      }
      return false;
    }
  }

  private indexOf(clientTurnId: string): number {
    return this.items.findIndex((q) => q.turn.clientTurnId === clientTurnId);
  }
}

/**
 * Whether a refusal says the turn's session is gone (deleted, perhaps while this window was
 * offline and missed the event): its queue could only be refused, so it is dropped.
 */
export function sessionGone(error: ApiError | null | undefined): boolean {
  return error?.code === 'not_found' && error.field === 'sessionId';
}

/** Where a session's queue is kept in sessionStorage (this tab only; survives a reload). */
export const QUEUE_STORAGE_PREFIX = 'buying-signals.composer-queue:';

/** The few Storage methods the queue uses (sessionStorage, or a fake in tests). */
export type QueueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/**
 * A queued turn as buildTurn makes it. Not the server's UtteranceInSchema: the queue keeps what
 * the manager typed whatever the server will say of its words (over the text limit, nothing
 * visible: refused, and kept to be fixed), so one such turn does not make the whole saved queue
 * unreadable on a reload; and its text is kept as typed (not trimmed), as it is sent.
 */
const StoredTurnSchema = z
  .object({
    speaker: z.string().min(1),
    text: z.string(),
    startMs: MediaMsSchema,
    endMs: MediaMsSchema,
    clientTurnId: ClientTurnIdSchema,
  })
  .strict()
  .refine((u) => u.startMs <= u.endMs, 'startMs after endMs');

const StoredQueueSchema = z.object({
  v: z.literal(1),
  items: z
    .array(
      z.object({
        turn: StoredTurnSchema,
        state: z.enum(['waiting', 'sending', 'unconfirmed', 'refused']),
        error: ApiErrorSchema.nullable(),
      }),
    )
    .max(QUEUE_MAX_TURNS),
});

/**
 * Saves session `sessionId`'s queue (an empty one is removed). A turn on its way is saved as
 * unconfirmed: after a reload it is sent again under its id. False when the storage refused
 * (full, or blocked): the queue then lives only as long as the page (its older copy is removed).
 */
export function saveQueue(storage: QueueStorage | null, sessionId: string, items: readonly QueuedTurn[]): boolean {
  if (!storage) return false;
  const key = QUEUE_STORAGE_PREFIX + sessionId;
  try {
    if (!items.length) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify({ v: 1, items: items.map((q) => ({ ...q, state: q.state === 'sending' ? 'unconfirmed' : q.state })) }));
    return true;
  } catch {
    // The copy saved before is out of date (a turn since stored, removed or fixed under a new
    // id): read back after a reload it would send those again. None is better than that.
    try {
      storage.removeItem(key);
    } catch {
      // Blocked altogether: nothing was saved before either.
    }
    return false;
  }
}

/** Every session's saved queue; an entry that is not one (edited by hand, an older page) is dropped. */
export function loadQueues(storage: QueueStorage | null): Map<string, QueuedTurn[]> {
  const out = new Map<string, QueuedTurn[]>();
  if (!storage) return out;
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith(QUEUE_STORAGE_PREFIX)) keys.push(k);
  }
  for (const key of keys) {
    let parsed: z.ZodSafeParseResult<z.infer<typeof StoredQueueSchema>> | null = null;
    try {
      parsed = StoredQueueSchema.safeParse(JSON.parse(storage.getItem(key) ?? 'null'));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      storage.removeItem(key);
      continue;
    }
    const items = parsed.data.items.map((q): QueuedTurn => ({ turn: q.turn, state: q.state === 'sending' ? 'unconfirmed' : q.state, error: q.state === 'refused' ? q.error : null }));
    if (items.length) out.set(key.slice(QUEUE_STORAGE_PREFIX.length), items);
  }
  return out;
}
