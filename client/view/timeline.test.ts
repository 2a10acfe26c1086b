import {
  DEFAULT_TIMELINE_OPTIONS,
  LIVE_WINDOW_MS,
  MIN_SPAN_MS,
  assignLanes,
  axisEndMs,
  chartGeometry,
  clampSpan,
  clusterMarkers,
  defaultSpanMs,
  drawRange,
  focusSuccessor,
  followScroll,
  followsAfterUserScroll,
  inRange,
  layoutBars,
  layoutTimeline,
  markerExtent,
  markerKey,
  msAt,
  NAV_KEYS,
  navFromView,
  navOrder,
  navTarget,
  revealScroll,
  overlaps,
  scrollToShow,
  spanToSeparate,
  tabStop,
  tickStepMs,
  ticks,
  toX,
  turnAt,
  valenceOf,
  visibleWindow,
  wheelSpan,
  zoomInSpan,
  zoomOutSpan,
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
    // The lane names have their own gutter; the chart (x from 0) fills the rest at fit.
    expect(l.axis).toEqual({ endMs: 140_000, x0: o.leftPadPx, x1: 1000 - o.gutterPx - o.rightPadPx });
    expect(l.chart).toMatchObject({ widthPx: 1000 - o.gutterPx, viewportPx: 1000 - o.gutterPx, spanMs: null });
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

  test('with nothing at all: no rows, no playhead', () => {
    const l = layoutTimeline(input({}));
    expect(l.lanes).toEqual([]);
    expect(l.cueRow).toBeNull();
    expect(l.wordRow).toBeNull();
    expect(l.playheadX).toBeNull();
    expect(l.axis.endMs).toBe(DEFAULT_TIMELINE_OPTIONS.minSpanMs);
  });

  test('with markers but no lanes the chart ends under the marker rows (the empty note goes below it)', () => {
    const l = layoutTimeline(input({ cues: [{ id: 1, type: 'resistance', mediaMs: 5000, score: 0.9 }] }));
    expect(l.lanes).toEqual([]);
    expect(l.height).toBe(l.cueRow!.y + l.cueRow!.height + DEFAULT_TIMELINE_OPTIONS.laneGapPx);
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

describe('zoom', () => {
  const O = { leftPadPx: 8, rightPadPx: 12 };
  const HOUR = 3_600_000;
  /** A 2-hour meeting in a 1020 px viewport: 1000 px of axis at fit. */
  const geometry = (spanMs: number | null) => chartGeometry(2 * HOUR, spanMs, 1020, O);

  test('fit fills the viewport; a span fills it with that much time and widens the chart', () => {
    const fit = geometry(null);
    expect(fit).toMatchObject({ widthPx: 1020, spanMs: null, axis: { endMs: 2 * HOUR, x0: 8, x1: 1008 } });
    const tenMin = geometry(10 * 60_000);
    expect(tenMin.spanMs).toBe(600_000);
    expect(tenMin.axis.x1 - tenMin.axis.x0).toBeCloseTo(12_000); // 12 spans of 1000 px
    expect(tenMin.widthPx).toBeCloseTo(12_020);
    // A span as long as the meeting is fit; none is narrower than the minimum.
    expect(geometry(3 * HOUR).spanMs).toBeNull();
    expect(geometry(1000).spanMs).toBe(MIN_SPAN_MS);
  });

  test('the visible window and the time under the pointer follow the scroll offset', () => {
    const g = geometry(10 * 60_000);
    expect(visibleWindow(g, 0).fromMs).toBe(0);
    expect(visibleWindow(g, 0).toMs).toBeCloseTo(10 * 60_000 + (12 * 600_000) / 1000, -2); // + the right pad's time
    const w = visibleWindow(g, 6000);
    expect(w.fromMs).toBeCloseTo((5992 / 12_000) * 2 * HOUR);
    expect(msAt(g, 6000, 510)).toBeCloseTo(((6000 + 510 - 8) / 12_000) * 2 * HOUR);
    // Keeping a moment under the pointer across a zoom: the scroll puts it back there.
    const at = msAt(g, 6000, 300);
    const zoomed = geometry(5 * 60_000);
    expect(msAt(zoomed, scrollToShow(zoomed, at, 300), 300)).toBeCloseTo(at, -2);
    // The scroll never goes past either end.
    expect(scrollToShow(g, 0, 500)).toBe(0);
    expect(scrollToShow(g, 2 * HOUR, 0)).toBe(Math.round(g.widthPx - g.viewportPx));
  });

  test('ticks get finer as the zoom goes in', () => {
    const steps = [null, 60 * 60_000, 10 * 60_000, 60_000].map((span) => tickStepMs(geometry(span).axis, 64));
    expect(steps).toEqual([600_000, 300_000, 60_000, 5_000]);
  });

  test('the buttons step through nice spans, each a visible step, and out again to fit', () => {
    const end = 2 * HOUR;
    const ins: (number | null)[] = [null];
    while (ins[ins.length - 1] !== MIN_SPAN_MS) ins.push(zoomInSpan(ins[ins.length - 1]!, end));
    expect(ins.map((s) => (s === null ? 'fit' : s / 60_000))).toEqual(['fit', 60, 30, 15, 10, 5, 2, 1, 0.5]);
    expect(zoomInSpan(MIN_SPAN_MS, end)).toBe(MIN_SPAN_MS);
    const outs: (number | null)[] = [MIN_SPAN_MS];
    while (outs[outs.length - 1] !== null) outs.push(zoomOutSpan(outs[outs.length - 1]!, end));
    expect(outs.map((s) => (s === null ? 'fit' : s / 60_000))).toEqual([0.5, 1, 2, 5, 10, 15, 30, 60, 'fit']);
    // The 2:20 demo: one press in shows a minute.
    expect(zoomInSpan(null, 140_000)).toBe(60_000);
    expect(zoomOutSpan(60_000, 140_000)).toBe(120_000);
    expect(zoomOutSpan(120_000, 140_000)).toBeNull();
  });

  test('wheel zoom is continuous, within the same bounds', () => {
    expect(wheelSpan(600_000, 2 * HOUR, -400)).toBeCloseTo(600_000 / Math.E);
    expect(wheelSpan(600_000, 2 * HOUR, 400)).toBeCloseTo(600_000 * Math.E);
    expect(wheelSpan(null, 2 * HOUR, 100)).toBeNull(); // out from fit stays fit
    expect(wheelSpan(MIN_SPAN_MS, 2 * HOUR, -400)).toBe(MIN_SPAN_MS);
  });

  test('a cluster is pulled apart: its markers get room, at least one step in', () => {
    // 5 markers over 20 s at fit of 2 h in 1000 px: 22 px each needs 20 s × 1000 / 132 ≈ 150 s.
    const span = spanToSeparate(null, 2 * HOUR, { fromMs: 0, toMs: 20_000, n: 5 }, 1000, 22)!;
    expect(span).toBeCloseTo((20_000 * 1000) / (22 * 6));
    // Far apart already but clustered at a coarse zoom: still one step in.
    expect(spanToSeparate(null, 2 * HOUR, { fromMs: 0, toMs: 20 * 60_000, n: 2 }, 1000, 22)).toBe(60 * 60_000);
    expect(spanToSeparate(MIN_SPAN_MS, 2 * HOUR, { fromMs: 0, toMs: 100, n: 2 }, 1000, 22)).toBe(MIN_SPAN_MS);
  });

  test('short sessions start at fit; a long live one at its last ten minutes; a long review at fit', () => {
    expect(defaultSpanMs(140_000, true)).toBeNull();
    expect(defaultSpanMs(2 * HOUR, true)).toBe(LIVE_WINDOW_MS);
    expect(defaultSpanMs(2 * HOUR, false)).toBeNull();
    expect(clampSpan(LIVE_WINDOW_MS, 16 * 60_000)).toBe(LIVE_WINDOW_MS);
  });

  test('following: the view stays still while the playhead is in sight, then pages', () => {
    const g = geometry(10 * 60_000); // 1000 px per 10 min: 0.6 s per px
    const px = (ms: number) => toX(g.axis, ms);
    expect(followScroll(g, 0, 5 * 60_000)).toBe(0);
    expect(followScroll(g, 0, 9 * 60_000)).toBe(0); // 90 % of the view: still in
    // Past 92 %: a page, the playhead at three quarters, the recent past before it.
    const paged = followScroll(g, 0, 9.5 * 60_000);
    expect(px(9.5 * 60_000) - paged).toBeCloseTo(765, 0);
    // Scrolled far away (or a seek back): back to the playhead.
    expect(px(30 * 60_000) - followScroll(g, 0, 30 * 60_000)).toBeCloseTo(765, 0);
    expect(followScroll(g, 5000, 60_000)).toBe(0);
    // At fit nothing scrolls.
    expect(followScroll(geometry(null), 0, HOUR)).toBe(0);
  });

  test('a user scroll keeps following while the playhead stays in sight, and stops it otherwise', () => {
    const g = geometry(10 * 60_000);
    expect(followsAfterUserScroll(g, 100, 5 * 60_000)).toBe(true);
    expect(followsAfterUserScroll(g, 6000, 5 * 60_000)).toBe(false);
    expect(followsAfterUserScroll(geometry(null), 0, 5 * 60_000)).toBe(true);
  });
});

describe('markers', () => {
  const cue = (id: number, mediaMs: number) => ({ id, type: 'closing_moment' as const, mediaMs, score: 0.9 });

  test('markers closer than the gap are one group, at its first; groups stay a gap apart', () => {
    // 1 px = 100 ms: 0, 1 s, 2.1 s | 2.2 s, 4 s | 10 s.
    const groups = clusterMarkers([cue(3, 2100), cue(1, 0), cue(2, 1000), cue(4, 2200), cue(5, 4000), cue(6, 10_000)], AXIS, 22);
    expect(groups.map((g) => g.items.map((c) => c.id))).toEqual([[1, 2, 3], [4, 5], [6]]);
    expect(groups.map((g) => [g.x, g.lastX])).toEqual([
      [0, 21],
      [22, 40],
      [100, 100],
    ]);
    expect(groups[2]!.item.id).toBe(6);
  });

  test('zoomed in, the same markers stand alone', () => {
    const cues = [cue(1, 0), cue(2, 1000), cue(3, 2100)];
    const wide = layoutTimeline(input({ cues, durationMs: 10_000, widthPx: 1124, spanMs: 5_000 }));
    expect(wide.cues.map((g) => g.items.length)).toEqual([1, 1, 1]);
    const fit = layoutTimeline(input({ cues, durationMs: 2 * 3_600_000, widthPx: 1124 }));
    expect(fit.cues.map((g) => g.items.length)).toEqual([3]);
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

describe('drawing only what is in view', () => {
  test('the drawn part covers the viewport and half a viewport either side, in half-viewport steps', () => {
    expect(drawRange(0, 1000)).toEqual({ fromX: -500, toX: 2000 });
    // Small scrolls (and clock ticks) keep the same range: nothing to redraw.
    expect(drawRange(499, 1000)).toEqual(drawRange(0, 1000));
    expect(drawRange(500, 1000)).toEqual({ fromX: 0, toX: 2500 });
    for (const scroll of [0, 1, 499, 500, 777, 12_345, 99_999]) {
      const r = drawRange(scroll, 1000);
      expect(r.fromX).toBeLessThanOrEqual(scroll - 500);
      expect(r.toX).toBeGreaterThanOrEqual(scroll + 1000 + 500);
      expect(r.toX - r.fromX).toBe(2500);
    }
  });

  test('an item is drawn when any part of it reaches into the range, or when it is pinned', () => {
    const range = { fromX: 100, toX: 200 };
    expect(overlaps(range, 50, 99)).toBe(false);
    expect(overlaps(range, 50, 100)).toBe(true);
    expect(overlaps(range, 150, 160)).toBe(true);
    expect(overlaps(range, 200, 300)).toBe(true);
    expect(overlaps(range, 201, 300)).toBe(false);
    expect(overlaps(range, 0, 1000)).toBe(true); // a long bar across the whole view
    const bars = [
      { id: 1, x: 0, w: 50 },
      { id: 2, x: 90, w: 20 },
      { id: 3, x: 150, w: 5 },
      { id: 4, x: 0, w: 500 },
      { id: 5, x: 900, w: 5 },
    ];
    const ext = (b: (typeof bars)[number]): [number, number] => [b.x, b.x + b.w];
    expect(inRange(bars, ext, range).map((b) => b.id)).toEqual([2, 3, 4]);
    expect(inRange(bars, ext, range, (b) => b.id === 5).map((b) => b.id)).toEqual([2, 3, 4, 5]);
  });

  test("a marker's extent: its triangle or dot, or a group's badge (wider with more digits)", () => {
    const one = { item: 0, items: [0], x: 100, lastX: 100 };
    expect(markerExtent(one)).toEqual([93, 107]);
    const group = { item: 0, items: Array.from({ length: 12 }, (_, i) => i), x: 100, lastX: 110 };
    expect(markerExtent(group)).toEqual([94, 114]);
  });

  test('on a 3-hour chart zoomed to ten minutes only the markers near the view are drawn, groups as laid out', () => {
    const words = Array.from({ length: 1500 }, (_, i) => ({ id: i, utteranceId: i, label: 'price_inquiry' as const, mediaMs: i * 7_200, score: 0.9 }));
    const l = layoutTimeline(input({ words, latestMs: 3 * 3_600_000, widthPx: 1104, spanMs: 10 * 60_000 }));
    const range = drawRange(5_000, l.chart.viewportPx);
    const drawn = inRange(l.words, markerExtent, range);
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.length).toBeLessThan(l.words.length / 5);
    // Windowing picks from the clustered layout: the groups are the same ones, whatever is in view.
    for (const m of drawn) expect(l.words).toContain(m);
  });
});

describe('focus across redraws', () => {
  const d = (key: string, kind: string, ...ids: string[]) => ({ key, kind, ids });

  test('the same key keeps the focus', () => {
    const drawn = [d('word-1', 'word', '1'), d('bar-7', 'bar', '7', '8')];
    expect(focusSuccessor(d('bar-7', 'bar', '7'), drawn)?.key).toBe('bar-7');
  });

  test('a marker merged into a group: the group holding it', () => {
    const drawn = [d('words-1-2', 'word', '1', '2'), d('words-3-4-5', 'word', '3', '4', '5')];
    expect(focusSuccessor(d('word-4', 'word', '4'), drawn)?.key).toBe('words-3-4-5');
  });

  test('a group split apart: its first marker, else any of its markers', () => {
    const drawn = [d('word-3', 'word', '3'), d('word-4', 'word', '4'), d('word-5', 'word', '5')];
    expect(focusSuccessor(d('words-3-4-5', 'word', '3', '4', '5'), drawn)?.key).toBe('word-3');
    expect(focusSuccessor(d('words-2-4', 'word', '2', '4'), drawn)?.key).toBe('word-4');
  });

  test('ids of another kind do not count (a cue and a word may share a number); nothing left: none', () => {
    const drawn = [d('cue-4', 'cue', '4'), d('bar-9', 'bar', '9')];
    expect(focusSuccessor(d('word-4', 'word', '4'), drawn)).toBeNull();
    expect(focusSuccessor(d('words-4-5', 'word', '4', '5'), [])).toBeNull();
  });
});

describe('the arrow keys', () => {
  const key = (k: string, kind: string, ...ids: string[]) => ({ key: k, kind, ids });

  test('every marker, group and bar of the layout, drawn or not, in time order and top to bottom', () => {
    // Zoomed to 30 s across the view on 100 s: the last ones lie beyond what is drawn at the start.
    const l = layoutTimeline(
      input({
        postures: [span(1, 'arms_crossed', 50_000, 60_000), span(2, 'leaning_forward', 20_000, 30_000)],
        cues: [{ id: 9, type: 'closing_moment', mediaMs: 90_000, score: 0.9 }],
        words: [
          { id: 3, utteranceId: 30, label: 'price_inquiry', mediaMs: 90_000, score: 0.9 },
          { id: 4, utteranceId: 31, label: 'price_inquiry', mediaMs: 5_000, score: 0.9 },
          { id: 5, utteranceId: 31, label: 'price_inquiry', mediaMs: 5_001, score: 0.9 },
        ],
        durationMs: 100_000,
        spanMs: 30_000,
      }),
    );
    const order = navOrder(l);
    expect(order.map((it) => it.key)).toEqual(['words-4-5', 'bar-2', 'bar-1', 'cue-9', 'word-3']);
    expect(order[0]).toMatchObject({ kind: 'word', ids: ['4', '5'], ms: 5_000 });
    const cue = order.find((it) => it.key === 'cue-9')!;
    expect(cue.fromX).toBeLessThan(toX(l.axis, 90_000));
    expect(cue.toX).toBeGreaterThan(toX(l.axis, 90_000));
    expect(cue.fromX).toBeGreaterThan(drawRange(0, l.chart.viewportPx).toX);
  });

  test('next and previous stay put at either end; Home and End go to the ends', () => {
    const order = [key('word-1', 'word', '1'), key('bar-2', 'bar', '2'), key('cues-3-4', 'cue', '3', '4')];
    expect(navTarget(order, order[0]!, 'next')?.key).toBe('bar-2');
    expect(navTarget(order, order[1]!, 'next')?.key).toBe('cues-3-4');
    expect(navTarget(order, order[2]!, 'next')?.key).toBe('cues-3-4');
    expect(navTarget(order, order[1]!, 'prev')?.key).toBe('word-1');
    expect(navTarget(order, order[0]!, 'prev')?.key).toBe('word-1');
    expect(navTarget(order, order[1]!, 'first')?.key).toBe('word-1');
    expect(navTarget(order, order[0]!, 'last')?.key).toBe('cues-3-4');
    // A marker drawn before its group formed counts as the group; one gone has no next.
    expect(navTarget(order, key('cue-4', 'cue', '4'), 'prev')?.key).toBe('bar-2');
    expect(navTarget(order, key('word-9', 'word', '9'), 'next')).toBeNull();
    expect(navTarget([], order[0]!, 'last')).toBeNull();
    expect(NAV_KEYS).toEqual({ ArrowRight: 'next', ArrowLeft: 'prev', ArrowUp: 'up', ArrowDown: 'down', Home: 'first', End: 'last' });
  });

  test('keys of markers and groups', () => {
    expect(markerKey('cue', [7])).toBe('cue-7');
    expect(markerKey('word', [3, 4, 5])).toBe('words-3-4-5');
  });

  test('the scroll that shows an item: unchanged in view, the least move otherwise, a wide one from its start', () => {
    const g = chartGeometry(300_000, 30_000, 1000, { leftPadPx: 0, rightPadPx: 0 }); // 10,000 px wide
    expect(revealScroll(g, 2000, 2500, 2510, 20)).toBe(2000);
    expect(revealScroll(g, 2000, 3500, 3510, 20)).toBe(2530);
    expect(revealScroll(g, 2000, 1500, 1510, 20)).toBe(1480);
    expect(revealScroll(g, 2000, 5000, 7000, 20)).toBe(4980);
    expect(revealScroll(g, 2000, 9990, 10_000, 20)).toBe(9000);
    expect(revealScroll(g, 2000, 5, 10, 20)).toBe(0);
  });

  test('the rows: cues, words, then the lanes in their order; only the items given when asked', () => {
    const l = layoutTimeline(
      input({
        postures: [span(1, 'arms_crossed', 50_000, 60_000), span(2, 'leaning_forward', 20_000, 30_000)],
        cues: [{ id: 9, type: 'closing_moment', mediaMs: 90_000, score: 0.9 }],
        words: [{ id: 3, utteranceId: 30, label: 'price_inquiry', mediaMs: 10_000, score: 0.9 }],
        durationMs: 100_000,
      }),
    );
    const rows = Object.fromEntries(navOrder(l).map((it) => [it.key, it.row]));
    // leaning_forward's lane is above arms_crossed's (the ready postures on top).
    expect(rows).toEqual({ 'cue-9': 0, 'word-3': 1, 'bar-2': 2, 'bar-1': 3 });
    const some = navOrder(l, { bars: l.bars.filter((b) => b.key === '1'), cues: [], words: l.words });
    expect(some.map((it) => [it.key, it.row])).toEqual([
      ['word-3', 1],
      ['bar-1', 3],
    ]);
  });

  test('coaches’ labelled posture moments: a row of their own between the words and the lanes, in the keyboard walk', () => {
    const o = DEFAULT_TIMELINE_OPTIONS;
    const l = layoutTimeline(
      input({
        postures: [span(1, 'arms_crossed', 50_000, 60_000), span(2, 'leaning_forward', 20_000, 30_000)],
        words: [{ id: 3, utteranceId: 30, label: 'price_inquiry', mediaMs: 10_000, score: 0.9 }],
        coach: [
          { id: 812, mediaMs: 55_000 },
          { id: 813, mediaMs: 55_200 }, // too close to tell apart at fit: one group
          { id: 400, mediaMs: 25_000 },
        ],
        durationMs: 100_000,
      }),
    );
    expect(l.coachRow).toEqual({ y: l.wordRow!.y + o.markerRowPx, height: o.markerRowPx });
    expect(l.lanesY).toBe(l.coachRow!.y + o.markerRowPx + o.laneGapPx);
    expect(l.coach.map((m) => m.items.map((k) => k.id))).toEqual([[400], [812, 813]]);
    const order = navOrder(l);
    expect(order.map((it) => [it.key, it.row])).toEqual([
      ['word-3', 1],
      ['bar-2', 3],
      ['coach-400', 2],
      ['bar-1', 4],
      ['coachs-812-813', 2],
    ]);
    // Down from the words reaches the coach's row; down again, the lanes.
    const coach = navTarget(order, { key: 'word-3', kind: 'word', ids: ['3'] }, 'down')!;
    expect(coach.key).toBe('coach-400');
    expect(navTarget(order, coach, 'down')!.kind).toBe('bar');
    // Without coach markers there is no such row.
    expect(layoutTimeline(input({ coach: [] })).coachRow).toBeNull();
  });

  test('coaches’ comments: a row of their own under the coach’s markers (or the words), in the keyboard walk', () => {
    const o = DEFAULT_TIMELINE_OPTIONS;
    const base = {
      postures: [span(1, 'arms_crossed', 50_000, 60_000)],
      words: [{ id: 3, utteranceId: 30, label: 'price_inquiry' as const, mediaMs: 10_000, score: 0.9 }],
      comments: [
        { id: 7, mediaMs: 40_000 },
        { id: 5, mediaMs: 5_000 },
        { id: 6, mediaMs: 5_100 }, // too close to tell apart at fit: one group
      ],
      durationMs: 100_000,
    };
    const l = layoutTimeline(input(base));
    expect(l.coachRow).toBeNull();
    expect(l.commentRow).toEqual({ y: l.wordRow!.y + o.markerRowPx, height: o.markerRowPx });
    expect(l.lanesY).toBe(l.commentRow!.y + o.markerRowPx + o.laneGapPx);
    expect(l.comments.map((m) => m.items.map((n) => n.id))).toEqual([[5, 6], [7]]);
    expect(navOrder(l).map((it) => [it.key, it.row])).toEqual([
      ['comments-5-6', 2],
      ['word-3', 1],
      ['comment-7', 2],
      ['bar-1', 3],
    ]);
    // Down from the words reaches the comments; down again, the lanes.
    const order = navOrder(l);
    const down = navTarget(order, { key: 'word-3', kind: 'word', ids: ['3'] }, 'down')!;
    expect(down.kind).toBe('comment');
    expect(navTarget(order, down, 'down')!.kind).toBe('bar');
    // With coach markers too: coach, then comments, then lanes.
    const both = layoutTimeline(input({ ...base, coach: [{ id: 400, mediaMs: 45_000 }] }));
    expect(both.commentRow!.y).toBe(both.coachRow!.y + o.markerRowPx);
    expect(navOrder(both).map((it) => [it.key, it.row])).toEqual([
      ['comments-5-6', 3],
      ['word-3', 1],
      ['comment-7', 3],
      ['coach-400', 2],
      ['bar-1', 4],
    ]);
    // A comment after everything else stretches the axis to it; none: no row.
    expect(layoutTimeline(input({ ...base, durationMs: null, comments: [{ id: 9, mediaMs: 200_000 }] })).axis.endMs).toBeGreaterThanOrEqual(200_000);
    expect(layoutTimeline(input({ ...base, comments: [] })).commentRow).toBeNull();
  });

  test('Up and Down: the nearest in time in the next row that has any; staying put in the top and bottom rows', () => {
    const it = (k: string, row: number, fromX: number, toX: number) => ({ key: k, kind: k.split('-')[0]!, ids: [k.split('-')[1]!], ms: fromX, fromX, toX, row });
    const order = [
      it('word-1', 1, 95, 105),
      it('bar-2', 2, 100, 400),
      it('cue-3', 0, 290, 304),
      it('word-4', 1, 300, 310),
      it('bar-5', 5, 310, 320),
      it('word-6', 1, 600, 610),
      it('bar-7', 2, 650, 660),
    ];
    const at = (k: string) => order.find((x) => x.key === k)!;
    // Down from a word: the bar covering its time, not the later one nearer its centre.
    expect(navTarget(order, at('word-1'), 'down')?.key).toBe('bar-2');
    expect(navTarget(order, at('word-4'), 'down')?.key).toBe('bar-2');
    expect(navTarget(order, at('word-6'), 'down')?.key).toBe('bar-7');
    // Up from the long bar: the word nearest its middle (250): word-4 at 300–310.
    expect(navTarget(order, at('bar-2'), 'up')?.key).toBe('word-4');
    expect(navTarget(order, at('word-4'), 'up')?.key).toBe('cue-3');
    // Rows with nothing in them (3 and 4) are skipped.
    expect(navTarget(order, at('bar-2'), 'down')?.key).toBe('bar-5');
    expect(navTarget(order, at('bar-5'), 'up')?.key).toBe('bar-2');
    // Top and bottom rows: it stays put.
    expect(navTarget(order, at('cue-3'), 'up')?.key).toBe('cue-3');
    expect(navTarget(order, at('bar-5'), 'down')?.key).toBe('bar-5');
    // A marker merged into a group since counts as the group; one gone has nowhere to go.
    expect(navTarget(order, key('words-4-9', 'word', '4', '9'), 'up')?.key).toBe('cue-3');
    expect(navTarget(order, key('word-8', 'word', '8'), 'down')).toBeNull();
    // Equally near: the earlier one.
    const tie = [it('word-1', 1, 100, 100), it('bar-2', 2, 90, 90), it('bar-3', 2, 110, 110)];
    expect(navTarget(tie, tie[0]!, 'down')?.key).toBe('bar-2');
  });

  test('the one tab stop: the last focused if drawn (or what it merged into), else the first in view, else the first drawn', () => {
    const it = (k: string, fromX: number, ...ids: string[]) => ({ key: k, kind: k.split(/s?-/)[0]!, ids, ms: fromX, fromX, toX: fromX + 10, row: 1 });
    const drawn = [it('word-1', 0, '1'), it('words-2-3', 500, '2', '3'), it('word-4', 1000, '4')];
    const view = { fromX: 400, toX: 1200 };
    expect(tabStop(drawn, key('word-4', 'word', '4'), view)?.key).toBe('word-4');
    expect(tabStop(drawn, key('word-1', 'word', '1'), view)?.key).toBe('word-1');
    expect(tabStop(drawn, key('word-3', 'word', '3'), view)?.key).toBe('words-2-3');
    expect(tabStop(drawn, key('word-9', 'word', '9'), view)?.key).toBe('words-2-3');
    expect(tabStop(drawn, null, view)?.key).toBe('words-2-3');
    expect(tabStop(drawn, null, { fromX: 2000, toX: 3000 })?.key).toBe('word-1');
    expect(tabStop([], key('word-1', 'word', '1'), view)).toBeNull();
  });

  test('from the chart itself (nothing drawn near the view): Home, End, else the one nearest the view', () => {
    const it = (k: string, fromX: number) => ({ key: k, kind: 'word', ids: [k], ms: fromX, fromX, toX: fromX + 10, row: 1 });
    const order = [it('a', 0), it('b', 3000), it('c', 9000)];
    const view = { fromX: 5000, toX: 6000 };
    expect(navFromView(order, view, 'first')?.key).toBe('a');
    expect(navFromView(order, view, 'last')?.key).toBe('c');
    expect(navFromView(order, view, 'next')?.key).toBe('b');
    expect(navFromView(order, { fromX: 7000, toX: 8000 }, 'up')?.key).toBe('c');
    expect(navFromView([], view, 'next')).toBeNull();
  });
});
