// Display formats for media times and scores.

/** Media ms as m:ss, or h:mm:ss past an hour. */
export function formatMs(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A 0..1 score as a percentage string, e.g. 0.873 → "87%". */
export function formatScore(score: number): string {
  return `${Math.round(Math.min(1, Math.max(0, score)) * 100)}%`;
}

/** The server's least signal score for a cue when it does not say (servers before cueMinSignalScore). */
export const DEFAULT_CUE_MIN_SCORE = 0.5;

/** A non-neutral signal scoring below what a cue needs: stored and shown, but uncertain. */
export function isTentative(score: number, cueMinScore: number): boolean {
  return score < cueMinScore;
}
