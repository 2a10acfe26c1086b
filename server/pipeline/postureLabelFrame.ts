// Which stored frame a coach's posture labels go on: the participant's frame with a person
// found nearest the media time the coach gave, at most LIMITS.postureLabelFrameWindowMs away,
// the earlier one when two are as near. Pure: the store finds the two candidates
// (SqliteStore.framesWithPersonAround), this picks one.
import { LIMITS } from '../../protocol/protocol';
import type { FramePlace } from '../store/sqliteStore';

/** The frame to label, or (none within the window) the nearest frame there is, if any. */
export type LabelFrameChoice = { frame: FramePlace } | { frame: null; nearest: FramePlace | null };

/**
 * `around`: the participant's latest frame with a person at or before `mediaMs`, and their
 * first after it. The nearer one within `windowMs` (inclusive); on a tie, the one before.
 */
export function nearestLabelFrame(
  around: { before?: FramePlace; after?: FramePlace },
  mediaMs: number,
  windowMs: number = LIMITS.postureLabelFrameWindowMs,
): LabelFrameChoice {
  const { before, after } = around;
  const distance = (f: FramePlace | undefined) => (f ? Math.abs(f.mediaMs - mediaMs) : Infinity);
  const nearest = distance(before) <= distance(after) ? before : after;
  if (!nearest) return { frame: null, nearest: null };
  return distance(nearest) <= windowMs ? { frame: nearest } : { frame: null, nearest };
}
