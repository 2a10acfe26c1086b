// The live turn composer's logic (pure: the clock, the socket and the ids are injected).
//
// - MediaClock: a session's rehearsal clock. Media time 0 is when the session was created in
//   this window; a session opened otherwise starts it on first use (a turn sent, or the
//   webcam's first frame) at the session's latest media time, so new turns follow the old
//   ones. The webcam's landmarks and the typed turns read the same clock, so posture and words
//   line up.
// - buildTurn: the live `utterance` a draft becomes: the speaker, the text as typed, `startMs`
//   when its draft was begun (the first keystroke after the field was empty), `endMs` when it
//   was sent, and a `clientTurnId` the same on every send of that turn.
// - TurnSender: one turn at a time. Send → sending → stored (the draft is cleared only now) or
//   refused (the draft is kept, with the server's error) or, when the connection dropped before
//   the ack, unconfirmed: sent again under the same clientTurnId once connected again (the
//   server stores it once). While offline nothing is sent (socket.io would buffer an
//   emit and send it unchecked on reconnect): Send is disabled and says why.
import type { ApiError, Utterance, UtteranceIn } from '../protocol/protocol';
import { LIMITS } from '../protocol/protocol';
import { normalizeSpeakerName } from '../protocol/speakerName';
import type { AckResult } from './live';
import { turnId } from './resend';

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

export type SenderPhase =
  /** Nothing under way: the draft can be edited and sent. */
  | 'idle'
  /** A turn was sent and its ack has not come. */
  | 'sending'
  /** The connection dropped before its ack: sent again once the session is joined again. */
  | 'unconfirmed';

export type SendOutcome = 'stored' | 'duplicate' | 'refused' | 'unconfirmed' | 'offline' | 'busy' | 'empty';

export interface TurnSenderDeps {
  /** The clientTurnId prefix for this session's turns (a random one per session shown). */
  prefix: string;
  clock: MediaClock;
  /** The media time a clock not yet running starts at (the session's latest turn end). */
  startFrom(): number;
  connected(): boolean;
  /** Emits the turn; resolves with the server's ack, rejects when no ack came. */
  send(turn: UtteranceIn): Promise<AckResult<Utterance>>;
  /** Whether a rejection means the turn may or may not have got through (see LiveConnection.deliveryUnknown). */
  deliveryUnknown(err: unknown): boolean;
  /** A turn was stored (the ack's utterance); the draft has been cleared. */
  onStored(u: Utterance): void;
  /** Anything shown changed (phase, error, draft). */
  onChange(): void;
}

export class TurnSender {
  phase: SenderPhase = 'idle';
  /** The last refusal (the server's, or a send that failed otherwise), shown until the next send or edit. */
  error: ApiError | null = null;
  /** The text in the field. */
  draft = '';
  /** Media time the current draft was begun at (its first keystroke); null: empty. */
  draftStartMs: number | null = null;
  /** The turn sent and not yet acked (kept to send again under the same id). */
  pending: UtteranceIn | null = null;
  private n = 0;

  constructor(private readonly deps: TurnSenderDeps) {}

  /** The field's text changed: a draft begun now takes its start time; emptied, it has none. */
  edit(text: string): void {
    if (this.phase !== 'idle') return; // the field is read-only meanwhile
    const was = this.draft;
    this.draft = text;
    if (!hasText(text)) this.draftStartMs = null;
    else if (this.draftStartMs === null || !hasText(was)) this.draftStartMs = this.now();
    if (this.error) {
      this.error = null;
      this.deps.onChange();
    }
  }

  /** Whether Send can be pressed now. */
  canSend(speaker: string | null): boolean {
    return this.phase === 'idle' && speaker !== null && hasText(this.draft) && this.deps.connected();
  }

  /** Sends the draft as `speaker`'s turn. */
  async submit(speaker: string): Promise<SendOutcome> {
    if (this.phase !== 'idle') return 'busy';
    if (!hasText(this.draft)) return 'empty';
    if (!this.deps.connected()) return 'offline';
    const endMs = this.now();
    this.n++;
    this.pending = buildTurn({ speaker, text: this.draft, startMs: this.draftStartMs ?? endMs, endMs, clientTurnId: turnId(this.deps.prefix, this.n) });
    return this.attempt();
  }

  /** Connected again (or the session joined again): an unconfirmed turn goes again, under its id. */
  async resend(): Promise<SendOutcome | null> {
    if (this.phase !== 'unconfirmed' || !this.pending) return null;
    if (!this.deps.connected()) return 'offline';
    return this.attempt();
  }

  /** Another session shown (or none): what was under way is forgotten, a draft kept for the next. */
  forget(): void {
    this.phase = 'idle';
    this.pending = null;
    this.error = null;
    this.draftStartMs = null; // the old session's clock: the next keystroke starts it again
  }

  private now(): number {
    return this.deps.clock.mediaMs(this.deps.startFrom());
  }

  private async attempt(): Promise<SendOutcome> {
    const turn = this.pending!;
    this.phase = 'sending';
    this.error = null;
    this.deps.onChange();
    let outcome: SendOutcome;
    try {
      const res = await this.deps.send(turn);
      if (this.pending !== turn) return 'busy'; // forgotten meanwhile (another session)
      if (res.ok) {
        this.phase = 'idle';
        this.pending = null;
        this.draft = '';
        this.draftStartMs = null;
        this.deps.onStored(res.value);
        outcome = 'stored';
      } else {
        this.phase = 'idle';
        this.pending = null;
        this.error = res.error;
        outcome = 'refused';
      }
    } catch (err) {
      if (this.pending !== turn) return 'busy';
      if (this.deps.deliveryUnknown(err)) {
        this.phase = 'unconfirmed';
        outcome = 'unconfirmed';
      } else {
        this.phase = 'idle';
        this.pending = null;
        this.error = { code: 'client_error', message: err instanceof Error ? err.message : String(err) };
        outcome = 'refused';
      }
    }
    this.deps.onChange();
    return outcome;
  }
}
