// Re-sending an utterance after a dropped connection without storing it twice. The server
// stores every `utterance` it gets (it has no idempotency key), and an ack can be lost after
// the turn was stored: so before sending again, the client asks the store whether it is there.
import { toWellFormed } from '../protocol/protocol';

/** What identifies a turn of a played recording. */
export interface TurnKey {
  speaker: string;
  text: string;
  startMs: number;
}

/** A string as the server stores it (UtteranceInSchema): well-formed and trimmed. */
const asStored = (s: string) => toWellFormed(s).trim();

const same = (a: TurnKey, b: TurnKey) => asStored(a.speaker) === asStored(b.speaker) && asStored(a.text) === asStored(b.text) && a.startMs === b.startMs;

/**
 * Whether `turn`, sent and never acked, was stored anyway: the session holds more copies of
 * it than the acks this playback got for it (a recording may say the same thing twice at the
 * same time; each ack accounts for one stored copy).
 */
export function storedWithoutAck(stored: readonly TurnKey[], acked: readonly TurnKey[], turn: TurnKey): boolean {
  const count = (list: readonly TurnKey[]) => list.reduce((n, u) => n + (same(u, turn) ? 1 : 0), 0);
  return count(stored) > count(acked);
}
