// Coaches' verdicts on cues: the map the events update (by moment), the toggles, the header's counts.
import type { CueReview, CueType } from '../protocol/protocol';
import { applyCueReviewed, cueReviewRequestKey, cueReviewsOf, momentKey, reviewCounts, reviewOf, toggledVerdict } from './cueReviews';

const r = (cueType: CueType, mediaMs: number, extra: Partial<CueReview> = {}): CueReview => ({
  sessionId: 's1',
  cueType,
  mediaMs,
  cueId: mediaMs / 1000,
  verdict: 'useful',
  note: null,
  reviewedAt: 1000 + mediaMs,
  ...extra,
});

test('the snapshot list becomes a map by moment (type and media time), other sessions left out', () => {
  const map = cueReviewsOf('s1', [r('closing_moment', 5000), r('resistance', 5000, { verdict: 'false_alarm' }), r('resistance', 9000, { sessionId: 's2' })]);
  expect([...map.keys()]).toEqual(['closing_moment@5000', 'resistance@5000']);
  expect(reviewOf(map, { cueType: 'resistance', mediaMs: 5000 })?.verdict).toBe('false_alarm');
  expect(reviewOf(map, { cueType: 'resistance', mediaMs: 9000 })).toBeUndefined();
});

test('a cue_reviewed event sets, replaces or takes back a verdict; one that changes nothing keeps the same map', () => {
  const start = cueReviewsOf('s1', [r('closing_moment', 5000)]);
  const ev = (review: CueReview | null, cueType: CueType = 'resistance', mediaMs = 9000) => ({ sessionId: 's1', cueType, mediaMs, review });
  const added = applyCueReviewed(start, 's1', ev(r('resistance', 9000)));
  expect(added).not.toBe(start);
  expect(start.size).toBe(1); // not changed in place
  expect(reviewOf(added, { cueType: 'resistance', mediaMs: 9000 })?.verdict).toBe('useful');

  const replaced = applyCueReviewed(added, 's1', ev(r('resistance', 9000, { verdict: 'false_alarm', reviewedAt: 99_999 })));
  expect(reviewOf(replaced, { cueType: 'resistance', mediaMs: 9000 })?.verdict).toBe('false_alarm');

  // The same again (this window's answer, then its echo): nothing to redraw.
  expect(applyCueReviewed(replaced, 's1', ev(reviewOf(replaced, { cueType: 'resistance', mediaMs: 9000 })!))).toBe(replaced);

  const removed = applyCueReviewed(replaced, 's1', ev(null));
  expect([...removed.keys()]).toEqual(['closing_moment@5000']);
  // A removal of a verdict not held, another session's event, or no session shown: unchanged.
  expect(applyCueReviewed(removed, 's1', ev(null))).toBe(removed);
  expect(applyCueReviewed(removed, 's1', { ...ev(null, 'closing_moment', 5000), sessionId: 's2' })).toBe(removed);
  expect(applyCueReviewed(removed, null, ev(null, 'closing_moment', 5000))).toBe(removed);
});

test('the event’s moment and session name the entry, whatever its review says', () => {
  const map = applyCueReviewed(new Map(), 's1', { sessionId: 's1', cueType: 'closing_moment', mediaMs: 7000, review: r('resistance', 1, { sessionId: 'x' }) });
  expect(reviewOf(map, { cueType: 'closing_moment', mediaMs: 7000 })).toMatchObject({ sessionId: 's1', cueType: 'closing_moment', mediaMs: 7000 });
});

test('a re-attached verdict (its cue id changed by a re-analysis) is a change', () => {
  const start = cueReviewsOf('s1', [r('closing_moment', 5000, { cueId: 4 })]);
  const next = applyCueReviewed(start, 's1', { sessionId: 's1', cueType: 'closing_moment', mediaMs: 5000, review: r('closing_moment', 5000, { cueId: 11 }) });
  expect(next).not.toBe(start);
  expect(reviewOf(next, { cueType: 'closing_moment', mediaMs: 5000 })?.cueId).toBe(11);
});

test('a toggle asks for its verdict, or takes it back when it is the one held', () => {
  expect(toggledVerdict(undefined, 'useful')).toBe('useful');
  expect(toggledVerdict('useful', 'false_alarm')).toBe('false_alarm');
  expect(toggledVerdict('useful', 'useful')).toBeNull();
  expect(toggledVerdict('false_alarm', 'false_alarm')).toBeNull();
});

test('the counts: verdicts on cues shown, the useful ones, and those whose cue is no longer emitted', () => {
  const reviews = cueReviewsOf('s1', [
    r('closing_moment', 5000),
    r('resistance', 9000, { verdict: 'false_alarm' }),
    r('closing_moment', 12_000),
    r('resistance', 20_000, { cueId: null }),
  ]);
  const cues = [
    { cueType: 'closing_moment' as const, mediaMs: 5000 },
    { cueType: 'resistance' as const, mediaMs: 9000 },
    { cueType: 'closing_moment' as const, mediaMs: 12_000 },
    { cueType: 'closing_moment' as const, mediaMs: 30_000 },
  ];
  expect(reviewCounts(reviews, cues)).toEqual({ reviewed: 3, useful: 2, earlier: 1 });
  // The same media time but another type is another moment.
  expect(reviewCounts(reviews, [{ cueType: 'resistance', mediaMs: 5000 }])).toEqual({ reviewed: 0, useful: 0, earlier: 4 });
  expect(reviewCounts(new Map(), cues)).toEqual({ reviewed: 0, useful: 0, earlier: 0 });
});

test('keys: a moment, and a moment of a session for own requests', () => {
  expect(momentKey({ cueType: 'resistance', mediaMs: 0 })).toBe('resistance@0');
  expect(cueReviewRequestKey('a', { cueType: 'resistance', mediaMs: 1 })).not.toBe(cueReviewRequestKey('b', { cueType: 'resistance', mediaMs: 1 }));
});
