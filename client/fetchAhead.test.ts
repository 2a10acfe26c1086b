// The fetch-ahead policy of a replay's posture frames.
import { DEFAULT_AHEAD, shouldFetch, type AheadState } from './fetchAhead';

const at = (s: Partial<AheadState>): AheadState => ({ framesAhead: 500, msAhead: 100_000, speed: 1, inFlight: false, ended: false, ...s });
const policy = { pageSize: 1000, minFrames: 200, minLeadWallMs: 20_000, maxPages: 2 };

test('fetches when few frames are left ahead of the clock', () => {
  expect(shouldFetch(at({ framesAhead: 199, msAhead: 10 * 60_000 }), policy)).toBe(true);
  expect(shouldFetch(at({ framesAhead: 200, msAhead: 10 * 60_000 }), policy)).toBe(false);
  expect(shouldFetch(at({ framesAhead: 0, msAhead: -5000 }), policy)).toBe(true); // already behind
});

test('fetches when the frames ahead cover too little wall time at the playback speed', () => {
  // 500 frames over 100 media s: 100 wall s at 1×, 2 wall s at 50×.
  expect(shouldFetch(at({ speed: 1 }), policy)).toBe(false);
  expect(shouldFetch(at({ speed: 50 }), policy)).toBe(true);
  expect(shouldFetch(at({ msAhead: 19_999, speed: 1 }), policy)).toBe(true);
  expect(shouldFetch(at({ msAhead: 20_000, speed: 1 }), policy)).toBe(false);
});

test('never more than one fetch at a time, none after the end, and at most maxPages ahead', () => {
  expect(shouldFetch(at({ framesAhead: 0, inFlight: true }), policy)).toBe(false);
  expect(shouldFetch(at({ framesAhead: 0, ended: true }), policy)).toBe(false);
  // At 50× a full page is not enough lead, but a second page on top of 1001 would make > 2.
  expect(shouldFetch(at({ framesAhead: 1000, msAhead: 200_000, speed: 50 }), policy)).toBe(true);
  expect(shouldFetch(at({ framesAhead: 1001, msAhead: 200_000, speed: 50 }), policy)).toBe(false);
});

test('the default reads pages the server serves whole (≤ 1000) and keeps about two ahead', () => {
  expect(DEFAULT_AHEAD.pageSize).toBeLessThanOrEqual(1000);
  expect(DEFAULT_AHEAD.maxPages).toBe(2);
  expect(shouldFetch(at({ framesAhead: 150, msAhead: 30_000 }))).toBe(true);
});
