import {
  DEFAULT_TIMELINE_OPTIONS,
  assignLanes,
  axisEndMs,
  layoutBars,
  layoutTimeline,
  ticks,
  toX,
  turnAt,
  valenceOf,
  type Axis,
  type PostureSpan,
  type TimelineInput,
} from './timeline';

const OPTS = { minBarPx: 3, mergeGapPx: 2 };
/** 100 s over 1000 px: 1 px = 100 ms. */
const AXIS: Axis = { endMs: 100_000, x0: 0, x1: 1000 };

function span(
  id: number,
  label: PostureSpan['label'],
  startedMs: number,
  endedMs: number | null,
  extra: Partial<PostureSpan> = {},
): PostureSpan {
  return { id, participant: 'Li', label, score: 0.8, startedMs, mediaMs: startedMs + 1000, endedMs, ...extra };
}

function input(over: Partial<TimelineInput>): TimelineInput {
  return { postures: [], cues: [], words: [], nowMs: null, durationMs: null, latestMs: 0, widthPx: 1000, ...over };
}

describe('axis', () => {
  test('media time maps linearly onto the axis and is clamped to it', () => {
    const axis: Axis = { endMs: 60_000, x0: 100, x1: 700 };
    expect(toX(axis, 0)).toBe(100);
    expect(toX(axis, 30_000)).toBe(400);
    expect(toX(axis, 60_000)).toBe(700);
    expect(toX(axis, -5)).toBe(100);
    expect(toX(axis, 90_000)).toBe(700);
  });

  test('a known duration is the axis; unknown, the axis grows in nice steps', () => {
    expect(axisEndMs(10_000, 140_000, 60_000)).toBe(140_000);
    expect(axisEndMs(150_000, 140_000, 60_000)).toBe(150_000); // never cuts off what happened
    expect(axisEndMs(10_000, null, 60_000)).toBe(60_000);
    expect(axisEndMs(61_000, null, 60_000)).toBe(120_000);
    expect(axisEndMs(125_000, null, 60_000)).toBe(180_000);
    expect(axisEndMs(25 * 3_600_000, null, 60_000)).toBe(25 * 3_600_000);
  });

  test('ticks use the smallest step that keeps them apart, starting at 0', () => {
    expect(ticks(AXIS, 64)).toEqual([
      0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000,
    ]);
    expect(ticks({ endMs: 3_600_000, x0: 0, x1: 600 }, 64)).toEqual([
      0, 600_000, 1_200_000, 1_800_000, 2_400_000, 3_000_000, 3_600_000,
    ]);
  });
});

describe('lanes', () => {
  test('one lane per label that occurred, ready postures first, then resisting', () => {
    const lanes = assignLanes([
      span(1, 'arms_crossed', 5000, 9000),
      span(2, 'nodding', 1000, 2000),
      span(3, 'leaning_forward', 20_000, null),
      span(4, 'nodding', 30_000, 31_000),
    ]);
    expect(lanes.map((l) => l.label)).toEqual(['leaning_forward', 'nodding', 'arms_crossed']);
    expect(lanes.map((l) => valenceOf(l.label))).toEqual(['ready', 'ready', 'resisting']);
  });

  test('participants get their own lanes, in order of first appearance', () => {
    const lanes = assignLanes([
      span(1, 'nodding', 9000, null, { participant: 'Wang' }),
      span(2, 'nodding', 1000, 2000),
      span(3, 'arms_crossed', 500, 900, { participant: 'Wang' }),
    ]);
    expect(lanes).toEqual([
      { participant: 'Wang', label: 'nodding' },
      { participant: 'Wang', label: 'arms_crossed' },
      { participant: 'Li', label: 'nodding' },
    ]);
  });
});

describe('bars', () => {
  test('a bar spans startedMs to endedMs', () => {
    const [bar] = layoutBars([span(7, 'arms_crossed', 24_000, 40_500)], AXIS, 50_000, OPTS);
    expect(bar).toMatchObject({
      key: '7',
      ids: [7],
      startMs: 24_000,
      endMs: 40_500,
      open: false,
      valence: 'resisting',
      x: 240,
    });
    expect(bar!.width).toBeCloseTo(165);
  });

  test('an open signal grows with the clock', () => {
    const at = (now: number) => layoutBars([span(1, 'leaning_forward', 52_000, null)], AXIS, now, OPTS)[0]!;
    expect(at(60_000)).toMatchObject({ open: true, endMs: 60_000 });
    expect(at(60_000).width).toBeCloseTo(80);
    expect(at(70_000).width).toBeCloseTo(180);
  });

  test('an open signal never ends before it turned on, even with the clock behind', () => {
    const [bar] = layoutBars([span(1, 'nodding', 10_000, null)], AXIS, 0, OPTS);
    expect(bar!.endMs).toBe(11_000);
  });

  test('a short posture keeps a minimum width', () => {
    const [bar] = layoutBars([span(1, 'nodding', 10_000, 10_050, { mediaMs: 10_000 })], AXIS, 50_000, OPTS);
    expect(bar!.width).toBe(3);
  });

  test('bars of one lane that touch on screen merge; the gap must be real to split them', () => {
    const spans = [
      span(1, 'nodding', 10_000, 15_000),
      span(2, 'nodding', 15_100, 20_000, { score: 0.95 }),
      span(3, 'nodding', 30_000, 31_000),
    ];
    const bars = layoutBars(spans, AXIS, 50_000, OPTS);
    expect(bars.map((b) => b.ids)).toEqual([[1, 2], [3]]);
    expect(bars[0]).toMatchObject({ startMs: 10_000, endMs: 20_000, score: 0.95, x: 100 });
    expect(bars[0]!.width).toBeCloseTo(100);
    // On a 10× wider axis the same 100 ms gap is 10 px: two bars.
    const wide = layoutBars(spans, { ...AXIS, x1: 10_000 }, 50_000, OPTS);
    expect(wide.map((b) => b.ids)).toEqual([[1], [2], [3]]);
  });

  test('different labels never merge, and a merged bar stays open while any part is', () => {
    const bars = layoutBars(
      [span(1, 'nodding', 10_000, 12_000), span(2, 'arms_crossed', 11_000, null), span(3, 'nodding', 12_050, null)],
      AXIS,
      40_000,
      OPTS,
    );
    expect(bars.map((b) => [b.label, b.ids, b.open])).toEqual([
      ['nodding', [1, 3], true],
      ['arms_crossed', [2], true],
    ]);
  });
});

describe('the whole layout', () => {
  test('rows stack under the axis: cues, words, then one lane per label', () => {
    const o = DEFAULT_TIMELINE_OPTIONS;
    const l = layoutTimeline(
      input({
        postures: [span(1, 'leaning_forward', 52_000, 80_000), span(2, 'arms_crossed', 24_000, 40_000)],
        cues: [{ id: 9, type: 'closing_moment', mediaMs: 57_000, score: 0.9 }],
        words: [
          { id: 3, utteranceId: 30, label: 'price_inquiry', mediaMs: 57_000, score: 0.9 },
          { id: 4, utteranceId: 31, label: 'neutral', mediaMs: 58_000, score: 0.9 },
        ],
        nowMs: 70_000,
        durationMs: 140_000,
      }),
    );
    expect(l.axis).toEqual({ endMs: 140_000, x0: o.gutterPx, x1: 1000 - o.rightPadPx });
    expect(l.cueRow).toEqual({ y: o.axisPx, height: o.markerRowPx });
    expect(l.wordRow).toEqual({ y: o.axisPx + o.markerRowPx, height: o.markerRowPx });
    expect(l.lanes.map((x) => [x.label, x.y])).toEqual([
      ['leaning_forward', l.lanesY],
      ['arms_crossed', l.lanesY + o.lanePx + o.laneGapPx],
    ]);
    expect(l.words.map((w) => w.item.id)).toEqual([3]); // neutral words are not marked
    // "Price question while leaning in": the cue marker falls inside the leaning-in bar.
    const lean = l.bars.find((b) => b.label === 'leaning_forward')!;
    expect(l.cues[0]!.x).toBeGreaterThan(lean.x);
    expect(l.cues[0]!.x).toBeLessThan(lean.x + lean.width);
    expect(l.playheadX).toBeCloseTo(toX(l.axis, 70_000));
    expect(l.groups).toEqual([]);
  });

  test('with nothing at all: no rows, no playhead, room for the empty note', () => {
    const l = layoutTimeline(input({}));
    expect(l.lanes).toEqual([]);
    expect(l.cueRow).toBeNull();
    expect(l.wordRow).toBeNull();
    expect(l.playheadX).toBeNull();
    expect(l.axis.endMs).toBe(DEFAULT_TIMELINE_OPTIONS.minSpanMs);
    expect(l.height).toBeGreaterThan(l.lanesY);
  });

  test('without a clock (a stored session) an open posture runs to the last known moment', () => {
    const l = layoutTimeline(
      input({ postures: [span(1, 'open_palms', 99_000, null)], latestMs: 130_000, durationMs: 130_000 }),
    );
    expect(l.bars[0]).toMatchObject({ open: true, endMs: 130_000 });
    expect(l.bars[0]!.x + l.bars[0]!.width).toBeCloseTo(l.axis.x1);
  });

  test('several participants get a group label each', () => {
    const l = layoutTimeline(
      input({ postures: [span(1, 'nodding', 0, 1000), span(2, 'nodding', 0, 1000, { participant: 'Wang' })] }),
    );
    expect(l.groups.map((g) => g.participant)).toEqual(['Li', 'Wang']);
    expect(l.groups[1]!.y).toBeGreaterThan(l.lanes[0]!.y);
  });
});

describe('turnAt', () => {
  const turns = [
    { id: 1, startMs: 1000 },
    { id: 2, startMs: 5000 },
    { id: 3, startMs: 9000 },
  ];
  test('the turn being spoken or just said', () => {
    expect(turnAt(turns, 5000)?.id).toBe(2);
    expect(turnAt(turns, 8999)?.id).toBe(2);
    expect(turnAt(turns, 60_000)?.id).toBe(3);
  });
  test('before the first turn: the first; no turns: none', () => {
    expect(turnAt(turns, 10)?.id).toBe(1);
    expect(turnAt([], 10)).toBeNull();
  });
});
