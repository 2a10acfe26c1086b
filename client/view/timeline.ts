// Pure layout of the posture timeline: media time → x, one lane per posture label that
// occurred, bars merged when they would touch on screen, cue and word markers, rows and
// ticks. No DOM here, so all of it is unit-tested; client/view/posture.ts draws the result.
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
  /** Left gutter for the lane names. */
  gutterPx: number;
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
}

export const DEFAULT_TIMELINE_OPTIONS: TimelineOptions = {
  gutterPx: 104,
  rightPadPx: 12,
  axisPx: 18,
  markerRowPx: 16,
  lanePx: 16,
  laneGapPx: 4,
  minBarPx: 3,
  mergeGapPx: 2,
  minTickGapPx: 64,
  minSpanMs: 60_000,
};

// ---- the axis ---------------------------------------------------------------------------

export interface Axis {
  /** Media ms at the right edge (the left edge is 0). */
  endMs: number;
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

/** Tick positions (ms): the smallest step that keeps ticks minGapPx apart, from 0 to the end. */
export function ticks(axis: Axis, minGapPx: number): number[] {
  const pxPerMs = (axis.x1 - axis.x0) / axis.endMs;
  if (!(pxPerMs > 0)) return [0];
  const step = TICK_STEPS_MS.find((s) => s * pxPerMs >= minGapPx) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const out: number[] = [];
  for (let ms = 0; ms <= axis.endMs; ms += step) out.push(ms);
  return out;
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

/** Generic in the marker types so a caller gets its own objects (e.g. whole cues) back. */
export interface TimelineInput<C extends CuePoint = CuePoint, W extends WordPoint = WordPoint> {
  postures: readonly PostureSpan[];
  cues: readonly C[];
  /** Verbal signals; neutral ones are not drawn. */
  words: readonly W[];
  /** The playhead, when a clock runs; null otherwise. */
  nowMs: number | null;
  /** The recording's length when known; null for open-ended live input. */
  durationMs: number | null;
  /** Media ms of anything else known to have happened (e.g. the last utterance's end). */
  latestMs: number;
  /** Total width in px. */
  widthPx: number;
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

export interface Marker<T> {
  item: T;
  x: number;
}

export interface TimelineLayout<C extends CuePoint = CuePoint, W extends WordPoint = WordPoint> {
  axis: Axis;
  ticks: number[];
  /** Rows, top to bottom; a marker row is absent when it has nothing to show. */
  cueRow: { y: number; height: number } | null;
  wordRow: { y: number; height: number } | null;
  lanes: Lane[];
  /** One label per participant when there is more than one of them. */
  groups: { participant: string; y: number }[];
  bars: Bar[];
  cues: Marker<C>[];
  words: Marker<W>[];
  /** null without a running clock. */
  playheadX: number | null;
  /** Where the lanes start (and, with no lanes, where the empty note goes). */
  lanesY: number;
  height: number;
}

/** The latest media time anything in the input reaches. */
export function latestOf(input: Omit<TimelineInput<CuePoint, WordPoint>, 'widthPx' | 'durationMs'>): number {
  let latest = Math.max(0, input.latestMs, input.nowMs ?? 0);
  for (const s of input.postures) latest = Math.max(latest, s.mediaMs, s.endedMs ?? 0);
  for (const c of input.cues) latest = Math.max(latest, c.mediaMs);
  for (const w of input.words) latest = Math.max(latest, w.mediaMs);
  return latest;
}

export function layoutTimeline<C extends CuePoint, W extends WordPoint>(
  input: TimelineInput<C, W>,
  opts: TimelineOptions = DEFAULT_TIMELINE_OPTIONS,
): TimelineLayout<C, W> {
  const latest = latestOf(input);
  const x1 = Math.max(opts.gutterPx + 1, input.widthPx - opts.rightPadPx);
  const axis: Axis = { endMs: axisEndMs(latest, input.durationMs, opts.minSpanMs), x0: opts.gutterPx, x1 };
  // A stored session has no clock: open signals run to the last thing known to have happened.
  const now = input.nowMs ?? latest;

  let y = opts.axisPx;
  const words = input.words.filter((w) => w.label !== 'neutral');
  const cueRow = input.cues.length > 0 ? { y, height: opts.markerRowPx } : null;
  if (cueRow) y += opts.markerRowPx;
  const wordRow = words.length > 0 ? { y, height: opts.markerRowPx } : null;
  if (wordRow) y += opts.markerRowPx;
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
  // With no lanes the note "no posture signals" takes one lane's room.
  const height = lanes.length > 0 ? y : y + opts.lanePx + opts.laneGapPx;

  return {
    axis,
    ticks: ticks(axis, opts.minTickGapPx),
    cueRow,
    wordRow,
    lanes,
    groups,
    bars: layoutBars(input.postures, axis, now, opts),
    cues: [...input.cues].sort((a, b) => a.mediaMs - b.mediaMs).map((item) => ({ item, x: toX(axis, item.mediaMs) })),
    words: words.sort((a, b) => a.mediaMs - b.mediaMs).map((item) => ({ item, x: toX(axis, item.mediaMs) })),
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
