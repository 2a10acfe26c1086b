// When a replay reads the next page of its stored posture frames: soon enough that the
// frames are there before the media clock reaches them, but with at most a couple of pages
// held ahead of the clock, so memory stays bounded however long the recording is.

export interface AheadPolicy {
  /** Frames asked for per page. */
  pageSize: number;
  /** Fetch when fewer frames than this are loaded and not yet sent... */
  minFrames: number;
  /** ...or when those cover less than this many wall ms at the playback speed. */
  minLeadWallMs: number;
  /** Never fetch a page that would put more than this many pages ahead of the clock. */
  maxPages: number;
}

export const DEFAULT_AHEAD: AheadPolicy = { pageSize: 1000, minFrames: 200, minLeadWallMs: 20_000, maxPages: 2 };

export interface AheadState {
  /** Frames loaded but not yet sent. */
  framesAhead: number;
  /** Media ms from the clock to the latest frame loaded (≤ 0: the clock has passed it). */
  msAhead: number;
  /** Media ms per wall ms. */
  speed: number;
  /** A page is being fetched (one at a time). */
  inFlight: boolean;
  /** The last page was read, or reading was given up or cancelled. */
  ended: boolean;
}

/** Whether to fetch the next page now. */
export function shouldFetch(s: AheadState, p: AheadPolicy = DEFAULT_AHEAD): boolean {
  if (s.ended || s.inFlight) return false;
  if (s.framesAhead + p.pageSize > p.maxPages * p.pageSize) return false;
  return s.framesAhead < p.minFrames || s.msAhead / Math.max(s.speed, 1e-9) < p.minLeadWallMs;
}
