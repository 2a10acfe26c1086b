// Pure layout of the posture timeline: media time → x, one lane per posture label that
// occurred, bars merged when they would touch on screen, cue and word markers (clustered when
// they would overlap), rows and ticks; and the zoom: a zoom level (the span of media time the
// chart's viewport shows, or the whole meeting) → the chart's width → the visible window, and
// where the view scrolls to follow the playhead. No DOM here, so all of it is unit-tested;
// client/view/posture.ts draws the result and keeps the scroll position.
import type { CueType, PostureSignalLabel, VerbalLabel } from '../../protocol/protocol';

/** What a posture says about the customer: ready to buy, or holding back. */
export type Valence = 'ready' | 'resisting';

/** Lane order: the ready postures on top, then the resisting ones. */
export const LANE_ORDER: readonly PostureSignalLabel[] = [
  'leaning_forward',
  'nodding',
  'open_palms',
  'arms_crossed',
  'leaning_back',
  'legs_crossed',
  'sitting_far',
];

const READY: ReadonlySet<PostureSignalLabel> = new Set(['leaning_forward', 'nodding', 'open_palms']);

export function valenceOf(label: PostureSignalLabel): Valence {
  return READY.has(label) ? 'ready' : 'resisting';
}

/** Sizes in px and the rules for growing the axis. */
export interface TimelineOptions {
  /** Left gutter for the lane names: fixed, outside the chart that scrolls. */
  gutterPx: number;
  /** Room before 0 and after the end inside the chart, so a marker at either end is whole. */
  leftPadPx: number;
  rightPadPx: number;
  axisPx: number;
  markerRowPx: number;
  lanePx: number;
  laneGapPx: number;
  /** A bar never gets narrower than this, so a short nod stays visible and clickable. */
  minBarPx: number;
  /** Bars of one lane closer than this on screen are drawn as one. */
  mergeGapPx: number;
  /** Ticks are at least this far apart. */
  minTickGapPx: number;
  /** Without a known duration the axis covers at least this much. */
  minSpanMs: number;
  /** Markers of one row closer than this (from a group's first) are drawn as one, with a count. */
  clusterGapPx: number;
}

export const DEFAULT_TIMELINE_OPTIONS: TimelineOptions = {
  gutterPx: 104,
  leftPadPx: 8,
  rightPadPx: 12,
  axisPx: 18,
  markerRowPx: 16,
  lanePx: 16,
  laneGapPx: 4,
  minBarPx: 3,
  mergeGapPx: 2,
  minTickGapPx: 64,
  minSpanMs: 60_000,
  clusterGapPx: 22,
};

// ---- the axis ---------------------------------------------------------------------------

export interface Axis {
  /** Media ms at the right edge (the left edge is 0). */
  endMs: number;
  /** x of 0 ms and of endMs, in the chart's own coordinates (the chart scrolls when zoomed). */
  x0: number;
  x1: number;
}

/** Lengths the axis steps through when the recording's duration is unknown (live input). */
const NICE_SPANS_MS = [0.5, 1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440].map(
  (m) => m * 60_000,
);

/**
 * Where the axis ends. A known duration (a recording being played, a stored session) is used
 * as it is; otherwise the axis grows in nice steps, so bars rescale now and then, not every frame.
 */
export function axisEndMs(latestMs: number, durationMs: number | null, minSpanMs: number): number {
  if (durationMs !== null && durationMs > 0) return Math.max(durationMs, latestMs);
  const need = Math.max(latestMs, minSpanMs, 1);
  return NICE_SPANS_MS.find((s) => s >= need) ?? Math.ceil(need / 3_600_000) * 3_600_000;
}

/** Media ms → x, clamped to the axis. */
export function toX(axis: Axis, ms: number): number {
  const f = Math.min(1, Math.max(0, ms / axis.endMs));
  return axis.x0 + f * (axis.x1 - axis.x0);
}

const TICK_STEPS_MS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000);

/** The smallest tick step (ms) that keeps ticks minGapPx apart at this axis' scale. */
export function tickStepMs(axis: Axis, minGapPx: number): number {
  const pxPerMs = (axis.x1 - axis.x0) / axis.endMs;
  const last = TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  if (!(pxPerMs > 0)) return last;
  return TICK_STEPS_MS.find((s) => s * pxPerMs >= minGapPx) ?? Math.ceil(minGapPx / pxPerMs / last) * last;
}

/** Tick positions (ms): the smallest step that keeps ticks minGapPx apart, from 0 to the end. */
export function ticks(axis: Axis, minGapPx: number): number[] {
  const pxPerMs = (axis.x1 - axis.x0) / axis.endMs;
  if (!(pxPerMs > 0)) return [0];
  const step = tickStepMs(axis, minGapPx);
  const out: number[] = [];
  for (let ms = 0; ms <= axis.endMs; ms += step) out.push(ms);
  return out;
}

// ---- zoom -------------------------------------------------------------------------------

/** The narrowest view: half a minute across the chart's viewport. */
export const MIN_SPAN_MS = 30_000;
/** The spans the zoom buttons step through (ms across the viewport); past the meeting's end is "fit". */
export const ZOOM_STEPS_MS = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 960, 1440].map((m) => m * 60_000);
/** A zoom button changes the span by at least this factor, so every press is a visible step. */
const ZOOM_FACTOR = 1.5;
/** A meeting longer than this does not start at fit while live: fitted, its markers smear. */
export const LONG_SESSION_MS = 15 * 60_000;
/** What a long live session shows by default: about its last ten minutes. */
export const LIVE_WINDOW_MS = 10 * 60_000;

/**
 * The span (ms across the viewport) a zoom level shows on an axis ending at endMs; null is
 * "fit", the whole axis. A span reaching the end is fit; none is narrower than MIN_SPAN_MS.
 */
export function clampSpan(spanMs: number | null, endMs: number): number | null {
  if (spanMs === null || !(spanMs < endMs)) return null;
  return Math.min(endMs, Math.max(MIN_SPAN_MS, spanMs));
}

/** The zoom a session starts at: fit, but about the last ten minutes of a long live session. */
export function defaultSpanMs(endMs: number, live: boolean): number | null {
  return live && endMs > LONG_SESSION_MS ? clampSpan(LIVE_WINDOW_MS, endMs) : null;
}

/** One zoom step in: the next nice span at least ZOOM_FACTOR narrower (null = fit now). */
export function zoomInSpan(spanMs: number | null, endMs: number): number | null {
  const now = spanMs ?? endMs;
  const next = [...ZOOM_STEPS_MS].reverse().find((s) => s * ZOOM_FACTOR <= now) ?? MIN_SPAN_MS;
  return clampSpan(next, endMs);
}

/** One zoom step out: the next nice span at least ZOOM_FACTOR wider, or fit once that shows it all. */
export function zoomOutSpan(spanMs: number | null, endMs: number): number | null {
  if (spanMs === null) return null;
  return clampSpan(ZOOM_STEPS_MS.find((s) => s >= spanMs * ZOOM_FACTOR) ?? null, endMs);
}

/** Wheel or pinch zoom: continuous, a factor of e per 400 px of wheel (deltaY < 0 zooms in). */
export function wheelSpan(spanMs: number | null, endMs: number, deltaY: number): number | null {
  return clampSpan((spanMs ?? endMs) * Math.exp(deltaY / 400), endMs);
}

/**
 * The span that pulls a cluster of n markers over fromMs..toMs apart at viewportPx: each
 * marker gets about gapPx; at least one zoom step in, never narrower than MIN_SPAN_MS.
 */
export function spanToSeparate(
  spanMs: number | null,
  endMs: number,
  range: { fromMs: number; toMs: number; n: number },
  viewportPx: number,
  gapPx: number,
): number | null {
  const wanted = ((range.toMs - range.fromMs) * viewportPx) / (gapPx * (range.n + 1));
  const step = zoomInSpan(spanMs, endMs) ?? endMs;
  return clampSpan(Math.min(step, Math.max(MIN_SPAN_MS, wanted)), endMs);
}

/** The chart's horizontal geometry at a zoom level: its axis, and its whole width. */
export interface ChartGeometry {
  axis: Axis;
  /** The chart's whole width (the scrolled content); at fit, the viewport's. */
  widthPx: number;
  /** The viewport the chart scrolls in. */
  viewportPx: number;
  /** The span shown across the viewport; null at fit. */
  spanMs: number | null;
}

/**
 * The axis for a zoom level: at fit 0…endMs fills the viewport; zoomed, spanMs fills it and
 * the chart is as much wider as the meeting is longer.
 */
export function chartGeometry(
  endMs: number,
  spanMs: number | null,
  viewportPx: number,
  opts: Pick<TimelineOptions, 'leftPadPx' | 'rightPadPx'>,
): ChartGeometry {
  const span = clampSpan(spanMs, endMs);
  const inner = Math.max(1, viewportPx - opts.leftPadPx - opts.rightPadPx);
  const x0 = opts.leftPadPx;
  const x1 = x0 + (span === null ? inner : (inner * endMs) / span);
  return { axis: { endMs, x0, x1 }, widthPx: Math.max(viewportPx, x1 + opts.rightPadPx), viewportPx, spanMs: span };
}

/** The media time under a viewport position (px from the viewport's left) at a scroll offset. */
export function msAt(g: ChartGeometry, scrollPx: number, viewportX: number): number {
  const f = (scrollPx + viewportX - g.axis.x0) / (g.axis.x1 - g.axis.x0);
  return Math.min(g.axis.endMs, Math.max(0, f * g.axis.endMs));
}

/** The media time the viewport shows at a scroll offset. */
export function visibleWindow(g: ChartGeometry, scrollPx: number): { fromMs: number; toMs: number } {
  return { fromMs: msAt(g, scrollPx, 0), toMs: msAt(g, scrollPx, g.viewportPx) };
}

/** A scroll offset the chart can take: 0 … width − viewport. */
export function clampScroll(g: ChartGeometry, scrollPx: number): number {
  return Math.round(Math.min(Math.max(0, g.widthPx - g.viewportPx), Math.max(0, scrollPx)));
}

/** The scroll offset that puts media time ms at viewportX (e.g. under the pointer after a zoom). */
export function scrollToShow(g: ChartGeometry, ms: number, viewportX: number): number {
  return clampScroll(g, toX(g.axis, ms) - viewportX);
}

/** Following: the playhead is kept between these shares of the viewport… */
const FOLLOW_MIN = 0.02;
const FOLLOW_MAX = 0.92;
/** …and when it leaves them the view pages so it lands here (most of the view is the past). */
const FOLLOW_AT = 0.75;

/** Whether media time ms is inside the viewport's followed part at this scroll offset. */
export function inFollowedPart(g: ChartGeometry, scrollPx: number, ms: number): boolean {
  const x = toX(g.axis, ms) - scrollPx;
  return x >= g.viewportPx * FOLLOW_MIN - 1 && x <= g.viewportPx * FOLLOW_MAX + 1;
}

/**
 * Where a following view scrolls to keep the playhead in sight: nowhere while it is inside
 * the followed part (the chart stays still to be read and clicked), else a page, so the
 * playhead lands at three quarters of the view with the recent past before it.
 */
export function followScroll(g: ChartGeometry, scrollPx: number, playheadMs: number): number {
  if (g.spanMs === null || inFollowedPart(g, scrollPx, playheadMs)) return scrollPx;
  return scrollToShow(g, playheadMs, g.viewportPx * FOLLOW_AT);
}

/**
 * After the user moved the view (scrolled, or zoomed at the pointer): it still follows when
 * the playhead is in sight, and stops following when they looked elsewhere.
 */
export function followsAfterUserScroll(g: ChartGeometry, scrollPx: number, playheadMs: number): boolean {
  return g.spanMs === null || inFollowedPart(g, scrollPx, playheadMs);
}

// ---- markers ----------------------------------------------------------------------------

/** A marker, or several drawn as one: items in time order, at the first one's x. */
export interface Marker<T> {
  /** The first item. */
  item: T;
  items: T[];
  x: number;
  /** The last item's x (x when alone). */
  lastX: number;
}

/**
 * Markers in time order, grouped: a group takes every following marker closer than gapPx to
 * its first, so groups are at least gapPx apart and a group never spans more than gapPx.
 */
export function clusterMarkers<T extends { mediaMs: number }>(items: readonly T[], axis: Axis, gapPx: number): Marker<T>[] {
  const out: Marker<T>[] = [];
  for (const item of [...items].sort((a, b) => a.mediaMs - b.mediaMs)) {
    const x = toX(axis, item.mediaMs);
    const last = out[out.length - 1];
    if (last && x - last.x < gapPx) {
      last.items.push(item);
      last.lastX = x;
    } else out.push({ item, items: [item], x, lastX: x });
  }
  return out;
}

// ---- drawing only what is in view -----------------------------------------------------

/** A span of the chart's own x (px), e.g. the part of it that is drawn. */
export interface XRange {
  fromX: number;
  toX: number;
}

/**
 * The part of the chart drawn at a scroll offset: the viewport and at least half a viewport on
 * either side, snapped to half-viewport steps so small scrolls (and clock ticks) keep the same
 * range and redraw nothing; a scroll of half a viewport or more moves it on.
 */
export function drawRange(scrollPx: number, viewportPx: number): XRange {
  const step = Math.max(1, viewportPx / 2);
  const k = Math.floor(Math.max(0, scrollPx) / step);
  return { fromX: (k - 1) * step, toX: (k + 4) * step };
}

/** Whether a span of x (px, either order) reaches into the range. */
export function overlaps(range: XRange, fromX: number, toX: number): boolean {
  return Math.max(fromX, toX) >= range.fromX && Math.min(fromX, toX) <= range.toX;
}

/** The x a marker covers: its triangle or dot, or a group's count badge. */
export function markerExtent(m: Marker<unknown>): [number, number] {
  return m.items.length > 1 ? [m.x - 6, m.x + 2 + 6 * String(m.items.length).length] : [m.x - 7, m.x + 7];
}

/**
 * The items to draw: those reaching into the range, and those pinned (e.g. the one with the
 * keyboard focus, which must stay in the page while the user scrolls away from it).
 */
export function inRange<T>(items: readonly T[], extent: (item: T) => [number, number], range: XRange, pinned?: (item: T) => boolean): T[] {
  return items.filter((item) => {
    const [from, to] = extent(item);
    return overlaps(range, from, to) || (pinned?.(item) ?? false);
  });
}

// ---- keys: what a drawn marker or bar stands for, across redraws ---------------------------

/** A drawn marker, group or bar: a stable key, its kind (word, cue, bar) and the signal or cue ids it holds. */
export interface Keyed {
  key: string;
  kind: string;
  ids: readonly string[];
}

/**
 * Where the keyboard focus goes after a redraw replaced the focused element: the one with
 * the same key; else, of the same kind, the one holding its first id (a marker merged into
 * a group: the group; a group split apart: its first marker); else one holding any of its
 * ids; else none (it is gone).
 */
export function focusSuccessor<T extends Keyed>(prev: Keyed, drawn: readonly T[]): T | null {
  const same = drawn.filter((d) => d.kind === prev.kind);
  const first = prev.ids[0];
  return (
    drawn.find((d) => d.key === prev.key) ??
    (first === undefined ? undefined : same.find((d) => d.ids.includes(first))) ??
    same.find((d) => d.ids.some((id) => prev.ids.includes(id))) ??
    null
  );
}

// ---- input ------------------------------------------------------------------------------

/** The parts of a posture signal the timeline uses. */
export interface PostureSpan {
  id: number;
  participant: string;
  label: PostureSignalLabel;
  score: number;
  /** When the evidence began: the bar starts here. */
  startedMs: number;
  /** When it turned on. */
  mediaMs: number;
  /** null while it holds: the bar grows with the clock. */
  endedMs: number | null;
}

export interface CuePoint {
  id: number;
  type: CueType;
  mediaMs: number;
  score: number;
}

export interface WordPoint {
  id: number;
  utteranceId: number;
  label: VerbalLabel;
  mediaMs: number;
  score: number;
}

/** A coach's posture labels of one frame: a marker in the Coach row (id: the frame's). */
export interface CoachPoint {
  id: number;
  mediaMs: number;
}

/** A coach's comment on a moment: a marker in the Comments row. */
export interface NotePoint {
  id: number;
  mediaMs: number;
}

/** Generic in the marker types so a caller gets its own objects (e.g. whole cues) back. */
export interface TimelineInput<C extends CuePoint = CuePoint, W extends WordPoint = WordPoint, K extends CoachPoint = CoachPoint> {
  postures: readonly PostureSpan[];
  cues: readonly C[];
  /** Verbal signals; neutral ones are not drawn. */
  words: readonly W[];
  /** Coaches' labelled posture moments (absent: none). */
  coach?: readonly K[];
  /** Coaches' comments on moments (absent: none): markers in a row of their own. */
  comments?: readonly NotePoint[];
  /** The playhead, when a clock runs; null otherwise. */
  nowMs: number | null;
  /** The recording's length when known; null for open-ended live input. */
  durationMs: number | null;
  /** Media ms of anything else known to have happened (e.g. the last utterance's end). */
  latestMs: number;
  /** Total width in px: the lane names' gutter and the chart's viewport. */
  widthPx: number;
  /** The zoom: media ms across the chart's viewport; null (or absent) shows the whole meeting. */
  spanMs?: number | null;
}

// ---- lanes and bars ---------------------------------------------------------------------

export interface Lane {
  key: string;
  participant: string;
  label: PostureSignalLabel;
  valence: Valence;
  y: number;
  height: number;
}

export function laneKey(participant: string, label: PostureSignalLabel): string {
  return `${participant}\u0000${label}`;
}

/** One lane per (participant, label) that occurred: participants by first appearance, labels in LANE_ORDER. */
export function assignLanes(spans: readonly PostureSpan[]): { participant: string; label: PostureSignalLabel }[] {
  const people: string[] = [];
  const seen = new Set<string>();
  for (const s of [...spans].sort((a, b) => a.startedMs - b.startedMs || a.id - b.id)) {
    if (!people.includes(s.participant)) people.push(s.participant);
    seen.add(laneKey(s.participant, s.label));
  }
  return people.flatMap((participant) =>
    LANE_ORDER.filter((label) => seen.has(laneKey(participant, label))).map((label) => ({ participant, label })),
  );
}

export interface Bar {
  /** Stable across frames: the first signal's id. */
  key: string;
  laneKey: string;
  participant: string;
  label: PostureSignalLabel;
  valence: Valence;
  /** The merged signals, in time order. */
  ids: number[];
  startMs: number;
  endMs: number;
  /** Still holding: endMs is the clock. */
  open: boolean;
  /** The strongest merged signal's score. */
  score: number;
  x: number;
  width: number;
}

/**
 * The bars of every lane: startedMs → endedMs (an open signal runs to nowMs), at least
 * minBarPx wide, and neighbours of one lane that would touch on screen merged into one.
 */
export function layoutBars(
  spans: readonly PostureSpan[],
  axis: Axis,
  nowMs: number,
  opts: Pick<TimelineOptions, 'minBarPx' | 'mergeGapPx'>,
): Bar[] {
  const byLane = new Map<string, PostureSpan[]>();
  for (const s of spans) {
    const k = laneKey(s.participant, s.label);
    byLane.set(k, [...(byLane.get(k) ?? []), s]);
  }
  const bars: Bar[] = [];
  for (const [k, list] of byLane) {
    list.sort((a, b) => a.startedMs - b.startedMs || a.id - b.id);
    let cur: Bar | null = null;
    for (const s of list) {
      const startMs = Math.min(s.startedMs, s.mediaMs);
      const open = s.endedMs === null;
      const endMs = Math.max(startMs, open ? Math.max(nowMs, s.mediaMs) : s.endedMs!);
      const x = toX(axis, startMs);
      const right = Math.max(toX(axis, endMs), x + opts.minBarPx);
      if (cur && x - (cur.x + cur.width) < opts.mergeGapPx) {
        cur.ids.push(s.id);
        cur.endMs = Math.max(cur.endMs, endMs);
        cur.open ||= open;
        cur.score = Math.max(cur.score, s.score);
        cur.width = Math.max(cur.x + cur.width, right) - cur.x;
        continue;
      }
      cur = {
        key: String(s.id),
        laneKey: k,
        participant: s.participant,
        label: s.label,
        valence: valenceOf(s.label),
        ids: [s.id],
        startMs,
        endMs,
        open,
        score: s.score,
        x,
        width: right - x,
      };
      bars.push(cur);
    }
  }
  return bars;
}

// ---- the whole picture ------------------------------------------------------------------

export interface TimelineLayout<C extends CuePoint = CuePoint, W extends WordPoint = WordPoint, K extends CoachPoint = CoachPoint> {
  axis: Axis;
  /** The chart at this zoom: its width, its viewport, the span shown (null: fit). */
  chart: ChartGeometry;
  ticks: number[];
  tickStepMs: number;
  /** Rows, top to bottom; a marker row is absent when it has nothing to show. */
  cueRow: { y: number; height: number } | null;
  wordRow: { y: number; height: number } | null;
  /** The coaches' labelled posture moments, under the words. */
  coachRow: { y: number; height: number } | null;
  /** The coaches' comments, under the coach's posture labels. */
  commentRow: { y: number; height: number } | null;
  lanes: Lane[];
  /** One label per participant when there is more than one of them. */
  groups: { participant: string; y: number }[];
  bars: Bar[];
  /** Cue and word markers; those that would overlap at this zoom are grouped. */
  cues: Marker<C>[];
  words: Marker<W>[];
  coach: Marker<K>[];
  comments: Marker<NotePoint>[];
  /** null without a running clock. */
  playheadX: number | null;
  /** Where the lanes start. */
  lanesY: number;
  height: number;
}

/** The latest media time anything in the input reaches. */
export function latestOf(input: Omit<TimelineInput<CuePoint, WordPoint, CoachPoint>, 'widthPx' | 'durationMs'>): number {
  let latest = Math.max(0, input.latestMs, input.nowMs ?? 0);
  for (const s of input.postures) latest = Math.max(latest, s.mediaMs, s.endedMs ?? 0);
  for (const c of input.cues) latest = Math.max(latest, c.mediaMs);
  for (const w of input.words) latest = Math.max(latest, w.mediaMs);
  for (const k of input.coach ?? []) latest = Math.max(latest, k.mediaMs);
  for (const n of input.comments ?? []) latest = Math.max(latest, n.mediaMs);
  return latest;
}

export function layoutTimeline<C extends CuePoint, W extends WordPoint, K extends CoachPoint = CoachPoint>(
  input: TimelineInput<C, W, K>,
  opts: TimelineOptions = DEFAULT_TIMELINE_OPTIONS,
): TimelineLayout<C, W, K> {
  const latest = latestOf(input);
  const endMs = axisEndMs(latest, input.durationMs, opts.minSpanMs);
  const chart = chartGeometry(endMs, input.spanMs ?? null, Math.max(1, input.widthPx - opts.gutterPx), opts);
  const { axis } = chart;
  // A stored session has no clock: open signals run to the last thing known to have happened.
  const now = input.nowMs ?? latest;

  let y = opts.axisPx;
  const words = input.words.filter((w) => w.label !== 'neutral');
  const cueRow = input.cues.length > 0 ? { y, height: opts.markerRowPx } : null;
  if (cueRow) y += opts.markerRowPx;
  const wordRow = words.length > 0 ? { y, height: opts.markerRowPx } : null;
  if (wordRow) y += opts.markerRowPx;
  const coach = input.coach ?? [];
  const coachRow = coach.length > 0 ? { y, height: opts.markerRowPx } : null;
  if (coachRow) y += opts.markerRowPx;
  const comments = input.comments ?? [];
  const commentRow = comments.length > 0 ? { y, height: opts.markerRowPx } : null;
  if (commentRow) y += opts.markerRowPx;
  y += opts.laneGapPx;
  const lanesY = y;

  const lanes: Lane[] = [];
  const groups: { participant: string; y: number }[] = [];
  const assigned = assignLanes(input.postures);
  const several = new Set(assigned.map((l) => l.participant)).size > 1;
  for (const { participant, label } of assigned) {
    if (several && !groups.some((g) => g.participant === participant)) {
      groups.push({ participant, y });
      y += opts.lanePx;
    }
    lanes.push({
      key: laneKey(participant, label),
      participant,
      label,
      valence: valenceOf(label),
      y,
      height: opts.lanePx,
    });
    y += opts.lanePx + opts.laneGapPx;
  }
  // With no lanes the chart ends under the marker rows; the note "no posture signals" goes
  // below it, outside the chart, so no cue's guide line runs through it.
  const height = y;

  return {
    axis,
    chart,
    ticks: ticks(axis, opts.minTickGapPx),
    tickStepMs: tickStepMs(axis, opts.minTickGapPx),
    cueRow,
    wordRow,
    coachRow,
    commentRow,
    lanes,
    groups,
    bars: layoutBars(input.postures, axis, now, opts),
    cues: clusterMarkers(input.cues, axis, opts.clusterGapPx),
    words: clusterMarkers(words, axis, opts.clusterGapPx),
    coach: clusterMarkers(coach, axis, opts.clusterGapPx),
    comments: clusterMarkers(comments, axis, opts.clusterGapPx),
    playheadX: input.nowMs === null ? null : toX(axis, input.nowMs),
    lanesY,
    height,
  };
}

// ---- from the timeline to the transcript ------------------------------------------------

/**
 * The last turn that started at or before ms (the one being spoken then, or just said),
 * else the first: where the transcript goes when a bar or marker is clicked.
 */
export function turnAt<T extends { startMs: number }>(turns: readonly T[], ms: number): T | null {
  let best: T | null = null;
  for (const u of turns) {
    if (u.startMs <= ms && (best === null || u.startMs >= best.startMs)) best = u;
  }
  if (best) return best;
  let first: T | null = null;
  for (const u of turns) if (first === null || u.startMs < first.startMs) first = u;
  return first;
}

// ---- the keyboard: one tab stop, the arrow keys through every marker, group and bar -------

/** The key a drawn marker or group is known by: cue-7, or cues-7-8 for a group (bars: bar-<first id>; coach markers: coach-<frame id>; comments: comment-<id>). */
export function markerKey(kind: 'cue' | 'word' | 'coach' | 'comment', ids: readonly number[]): string {
  return ids.length > 1 ? `${kind}s-${ids.join('-')}` : `${kind}-${ids[0]}`;
}

/** A marker, group or bar of the whole layout (drawn or not), where the arrow keys can go. */
export interface NavItem extends Keyed {
  ms: number;
  /** The x it covers (px, the chart's own). */
  fromX: number;
  toX: number;
  /** Its row, top to bottom: 0 the cues, 1 the words, then the coach's markers and the comments (each a row only when it has markers), then the lanes in their order. */
  row: number;
}

/** The markers, groups and bars to order: the layout's, or some of them (e.g. those drawn). */
export type NavParts<C extends CuePoint, W extends WordPoint, K extends CoachPoint = CoachPoint> = Pick<TimelineLayout<C, W, K>, 'bars' | 'cues' | 'words'> & {
  coach?: readonly Marker<K>[];
  comments?: readonly Marker<NotePoint>[];
};

/**
 * Every marker, group and bar of the layout (or of `only`, a part of it), in the order the
 * arrow keys walk them: by time (a bar by its start), then top to bottom (cues, words, the
 * lanes in their order).
 */
export function navOrder<C extends CuePoint, W extends WordPoint, K extends CoachPoint = CoachPoint>(l: TimelineLayout<C, W, K>, only: NavParts<C, W, K> = l): NavItem[] {
  const items: NavItem[] = [];
  const markers = (kind: 'cue' | 'word' | 'coach' | 'comment', row: number, list: readonly Marker<{ id: number; mediaMs: number }>[]): void => {
    for (const m of list) {
      const ids = m.items.map((it) => it.id);
      const [fromX, toX] = markerExtent(m);
      items.push({ key: markerKey(kind, ids), kind, ids: ids.map(String), ms: m.item.mediaMs, fromX, toX, row });
    }
  };
  markers('cue', 0, only.cues);
  markers('word', 1, only.words);
  // The coach's row sits between the words and the lanes (and is a row only when it has markers).
  const hasCoach = l.coach.length > 0;
  markers('coach', 2, only.coach ?? []);
  // The comments' row under it (and under the words when there are no coach markers).
  const commentRow = hasCoach ? 3 : 2;
  const hasComments = (l.comments ?? []).length > 0;
  markers('comment', commentRow, only.comments ?? []);
  const firstLane = commentRow + (hasComments ? 1 : 0);
  const laneRow = new Map(l.lanes.map((lane, i) => [lane.key, firstLane + i]));
  for (const b of only.bars)
    items.push({ key: `bar-${b.key}`, kind: 'bar', ids: b.ids.map(String), ms: b.startMs, fromX: b.x, toX: b.x + b.width, row: laneRow.get(b.laneKey) ?? firstLane });
  return items.sort((a, b) => a.ms - b.ms || a.row - b.row);
}

export type NavStep = 'next' | 'prev' | 'first' | 'last' | 'up' | 'down';

/** The arrow keys and Home/End on a focused marker. */
export const NAV_KEYS: Readonly<Record<string, NavStep>> = {
  ArrowRight: 'next',
  ArrowLeft: 'prev',
  ArrowUp: 'up',
  ArrowDown: 'down',
  Home: 'first',
  End: 'last',
};

/** Where an item is for Up and Down: its row and the x it covers (absent: it has no row to leave). */
type Placed = Keyed & { row?: number; fromX?: number; toX?: number };

/**
 * Of the items in row `row`, the nearest in time to x: the one whose span is closest to it
 * (0 when it covers x, as a long bar may), then the one whose centre is; the earlier on a tie.
 */
function nearestInRow<T extends Placed>(order: readonly T[], row: number, x: number): T | null {
  let best: T | null = null;
  let bestGap = Infinity;
  let bestMid = Infinity;
  for (const it of order) {
    if (it.row !== row || it.fromX === undefined || it.toX === undefined) continue;
    const gap = Math.max(0, it.fromX - x, x - it.toX);
    const mid = Math.abs((it.fromX + it.toX) / 2 - x);
    if (gap < bestGap || (gap === bestGap && mid < bestMid)) [best, bestGap, bestMid] = [it, gap, mid];
  }
  return best;
}

/**
 * Where a step of the keyboard goes from the focused item (found as focusSuccessor finds it,
 * so a marker that merged into a group counts as the group): the next or previous one in the
 * order, staying put at either end; the first or last; up or down, the nearest in time (to its
 * centre) in the next row above or below that has any, staying put in the top or bottom row;
 * null when there is nothing to go to.
 */
export function navTarget<T extends Placed>(order: readonly T[], from: Keyed, step: NavStep): T | null {
  if (order.length === 0) return null;
  if (step === 'first') return order[0]!;
  if (step === 'last') return order[order.length - 1]!;
  const here = focusSuccessor(from, order);
  if (!here) return null;
  if (step === 'up' || step === 'down') {
    if (here.row === undefined || here.fromX === undefined || here.toX === undefined) return here;
    const row = here.row;
    const rows = order.map((it) => it.row).filter((r): r is number => r !== undefined && (step === 'up' ? r < row : r > row));
    if (rows.length === 0) return here;
    const to = step === 'up' ? Math.max(...rows) : Math.min(...rows);
    return nearestInRow(order, to, (here.fromX + here.toX) / 2) ?? here;
  }
  const i = order.indexOf(here);
  return order[step === 'next' ? Math.min(i + 1, order.length - 1) : Math.max(i - 1, 0)]!;
}

/**
 * The chart itself has the focus (nothing of it was drawn near the view): Home and End go to
 * the first or last item, any other step to the item nearest the middle of the view.
 */
export function navFromView<T extends NavItem>(order: readonly T[], view: XRange, step: NavStep): T | null {
  if (order.length === 0) return null;
  if (step === 'first') return order[0]!;
  if (step === 'last') return order[order.length - 1]!;
  const mid = (view.fromX + view.toX) / 2;
  let best = order[0]!;
  const gap = (it: T): number => Math.max(0, it.fromX - mid, mid - it.toX);
  for (const it of order) if (gap(it) < gap(best)) best = it;
  return best;
}

/**
 * The chart's one stop in the Tab order (roving tabindex; every other item is reached by the
 * arrow keys): of the items drawn (in nav order), the one last focused, or what stands for it
 * now (focusSuccessor); else the first reaching into the view; else the first drawn; null when
 * nothing is drawn.
 */
export function tabStop<T extends NavItem>(drawn: readonly T[], last: Keyed | null, view: XRange): T | null {
  return (last && focusSuccessor(last, drawn)) ?? drawn.find((it) => overlaps(view, it.fromX, it.toX)) ?? drawn[0] ?? null;
}

/**
 * The least scroll that shows fromX…toX (the chart's px) with marginPx to spare on either side;
 * one wider than the viewport shows its start. Unchanged when it is in view already.
 */
export function revealScroll(g: ChartGeometry, scrollPx: number, fromX: number, toX: number, marginPx: number): number {
  let s = scrollPx;
  if (toX + marginPx > s + g.viewportPx) s = toX + marginPx - g.viewportPx;
  if (fromX - marginPx < s) s = fromX - marginPx;
  return s === scrollPx ? scrollPx : clampScroll(g, s);
}
