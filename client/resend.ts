// Re-sending an utterance after a dropped connection without storing it twice. Whether the
// server got a turn whose ack was lost is unknown (it may even still be working on it), so
// every turn of a playback goes under a clientTurnId of its own, the same on every send: the
// server stores a turn once per id and answers a repeat with the stored original.

/** A prefix for one playback's turn ids: "p" and 16 random hex digits. */
export function newPlaybackId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return `p${[...random(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The clientTurnId of a playback's n-th utterance (1-based, in media order). */
export function turnId(playbackId: string, n: number): string {
  return `${playbackId}:${n}`;
}
