// The posture timeline: an SVG over the meeting's media time with one lane per posture label
// (green = ready, amber = resisting), cue and verbal-signal markers, and the playhead. The
// layout is ./timeline (pure); this module keeps the data, draws it and reports clicks.
import type { Cue, PostureSignal, Signal, VerbalSignal } from '../../protocol/protocol';
import { cueTypeName, labelName, lang, t } from '../i18n';
import { h, setAttrs, svg } from './dom';
import { DEFAULT_CUE_MIN_SCORE, formatMs, formatScore, isTentative } from './format';
import { layoutTimeline, toX, type Bar, type TimelineInput, type TimelineLayout } from './timeline';

/** A bar or marker was chosen: the moment, and the transcript turn behind it when known. */
export interface TimelinePick {
  mediaMs: number;
  utteranceId: number | null;
}

export interface TimelineState {
  signals: readonly Signal[];
  cues: readonly Cue[];
  /** The latest media time known besides signals and cues (e.g. the last utterance's end). */
  latestMs: number;
  /** The recording's length when known (playback, a stored session); null for open-ended live input. */
  durationMs: number | null;
  /** Whether the session is live: it changes what the empty note says. */
  live: boolean;
}

type Layout = TimelineLayout<Cue, VerbalSignal>;

export class PostureTimeline {
  private readonly postures = new Map<number, PostureSignal>();
  private readonly words = new Map<number, VerbalSignal>();
  /** Words scoring below this raise no cue (the server's cueMinSignalScore): drawn hollow. */
  private cueMinScore = DEFAULT_CUE_MIN_SCORE;
  private readonly cues = new Map<number, Cue>();
  private latestMs = 0;
  private durationMs: number | null = null;
  private live = false;
  private nowMs: number | null = null;
  /** What the last full drawing showed; while it stays the same a clock tick only moves things. */
  private drawnShape = '';
  private readonly barEls = new Map<string, SVGRectElement>();
  private playheadEl: SVGLineElement | null = null;
  private picked: string | null = null;
  /** The root's content width; 0 until it was first measured (e.g. while hidden). */
  private widthPx = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly counter: HTMLElement,
    private readonly onPick: (pick: TimelinePick) => void,
  ) {
    new ResizeObserver(([entry]) => {
      const width = Math.floor(entry?.contentRect.width ?? 0);
      if (width === this.widthPx) return;
      this.widthPx = width;
      this.render();
    }).observe(root);
  }

  get count(): number {
    return this.postures.size;
  }

  /** The least score a cue is built on, from the server's health answer. */
  setCueMinScore(score: number): void {
    if (score === this.cueMinScore) return;
    this.cueMinScore = score;
    this.render();
  }

  reset(state: TimelineState): void {
    this.postures.clear();
    this.words.clear();
    this.cues.clear();
    for (const s of state.signals) this.store(s);
    for (const c of state.cues) this.cues.set(c.id, c);
    this.latestMs = state.latestMs;
    this.durationMs = state.durationMs;
    this.live = state.live;
    this.nowMs = null;
    this.picked = null;
    this.render();
  }

  /** A new signal, or an update of a shown one (e.g. a posture that ended). */
  addSignal(s: Signal): void {
    this.store(s);
    this.render();
  }

  addCue(c: Cue): void {
    this.cues.set(c.id, c);
    this.render();
  }

  /** Something happened at ms (e.g. an utterance ended): the axis reaches at least there. */
  noteTime(ms: number): void {
    if (ms <= this.latestMs) return;
    this.latestMs = ms;
    this.update();
  }

  setDuration(ms: number | null): void {
    this.durationMs = ms;
    this.render();
  }

  /** The playhead (media ms), or null when no clock runs. Cheap: called every animation frame. */
  setClock(ms: number | null): void {
    this.nowMs = ms;
    this.update();
  }

  /** Redraws everything, e.g. after new data or a language switch. */
  render(): void {
    this.drawnShape = '';
    this.update();
  }

  private store(s: Signal): void {
    if (s.kind === 'posture') this.postures.set(s.id, s);
    else this.words.set(s.id, s);
  }

  private layout(): Layout {
    const input: TimelineInput<Cue, VerbalSignal> = {
      postures: [...this.postures.values()],
      cues: [...this.cues.values()],
      words: [...this.words.values()],
      nowMs: this.nowMs,
      durationMs: this.durationMs,
      latestMs: this.latestMs,
      widthPx: this.widthPx || 800,
    };
    return layoutTimeline(input);
  }

  private update(): void {
    const l = this.layout();
    const shape = shapeOf(l);
    if (shape === this.drawnShape) {
      // Only the clock moved: grow the open bars and move the playhead, keep every element
      // (replacing them would cut off a tooltip the manager is reading).
      for (const bar of l.bars) if (bar.open) this.barEls.get(bar.key)?.setAttribute('width', String(bar.width));
      if (this.playheadEl && l.playheadX !== null) setAttrs(this.playheadEl, { x1: l.playheadX, x2: l.playheadX });
      return;
    }
    this.drawnShape = shape;
    this.draw(l);
  }

  private draw(l: Layout): void {
    this.counter.textContent = this.postures.size ? String(this.postures.size) : '';
    this.barEls.clear();
    this.playheadEl = null;
    const emptyText = t(this.live ? 'emptyPosture' : 'emptyPostureReview');
    if (l.lanes.length === 0 && !l.cueRow && !l.wordRow && l.playheadX === null) {
      this.root.replaceChildren(h('p', { class: 'empty', 'data-testid': 'posture-empty' }, emptyText));
      return;
    }
    const { axis } = l;
    const bottom = l.height - 2;
    const gutterX = axis.x0 - 8;
    const chart = svg(
      'svg',
      {
        class: 'timeline',
        'data-testid': 'posture-timeline',
        'data-end-ms': axis.endMs,
        width: this.widthPx || axis.x1 + 12,
        height: l.height,
        role: 'group',
        'aria-label': t('timelineLabel'),
      },
      ...l.ticks.map((ms) =>
        svg(
          'g',
          { class: 'tl-tick' },
          svg('line', { x1: toX(axis, ms), x2: toX(axis, ms), y1: 14, y2: bottom }),
          svg('text', { x: toX(axis, ms), y: 11, 'text-anchor': ms === 0 ? 'start' : 'middle' }, formatMs(ms)),
        ),
      ),
      l.cueRow && rowName(gutterX, l.cueRow.y, l.cueRow.height, t('cues')),
      l.wordRow && rowName(gutterX, l.wordRow.y, l.wordRow.height, t('timelineWords')),
      ...l.groups.map((g) => svg('text', { class: 'tl-group', x: 4, y: g.y + 12 }, g.participant)),
      ...l.lanes.map((lane) =>
        svg(
          'g',
          { class: `tl-lane is-${lane.valence}`, 'data-testid': 'timeline-lane', 'data-label': lane.label },
          svg('rect', {
            class: 'tl-lane-bg',
            x: axis.x0,
            y: lane.y,
            width: axis.x1 - axis.x0,
            height: lane.height,
            rx: 3,
          }),
          svg(
            'text',
            { class: 'tl-lane-name', x: gutterX, y: lane.y + lane.height - 4, 'text-anchor': 'end' },
            labelName(lane.label),
          ),
        ),
      ),
      l.lanes.length === 0 &&
        svg('text', { class: 'tl-empty', 'data-testid': 'posture-empty', x: axis.x0, y: l.lanesY + 12 }, emptyText),
      ...l.bars.map((bar) => this.bar(bar, l)),
      ...l.cues.map(({ item: c, x }) => {
        const top = l.cueRow?.y ?? 0;
        const verbal = c.evidence.find((e) => e.kind === 'verbal');
        return this.pickable(
          svg(
            'g',
            {
              class: `tl-cue cue--${c.type}`,
              'data-testid': 'timeline-cue',
              'data-cue-id': c.id,
              'data-cue-type': c.type,
              'data-media-ms': c.mediaMs,
            },
            svg(
              'title',
              {},
              `${cueTypeName(c.type)} · ${formatMs(c.mediaMs)} · ${t('score')} ${formatScore(c.score)}\n${c.title[lang()]}`,
            ),
            svg('line', { class: 'tl-guide', x1: x, x2: x, y1: top + 12, y2: bottom }),
            svg('path', { d: `M${x - 6},${top + 2} h12 l-6,10 z` }),
          ),
          `cue-${c.id}`,
          { mediaMs: c.mediaMs, utteranceId: verbal?.utteranceId ?? null },
        );
      }),
      ...l.words.map(({ item: w, x }) =>
        this.pickable(
          svg(
            'g',
            {
              class: `tl-word label-${w.label}${isTentative(w.score, this.cueMinScore) ? ' tentative' : ''}`,
              'data-testid': 'timeline-word',
              'data-label': w.label,
              'data-media-ms': w.mediaMs,
              ...(isTentative(w.score, this.cueMinScore) ? { 'data-tentative': 'true' } : {}),
            },
            svg(
              'title',
              {},
              `${labelName(w.label)} · ${formatMs(w.mediaMs)} · ${t('score')} ${formatScore(w.score)}${isTentative(w.score, this.cueMinScore) ? ` · ${t('tentative', { pct: formatScore(this.cueMinScore) })}` : ''}`,
            ),
            svg('circle', { cx: x, cy: (l.wordRow?.y ?? 0) + 8, r: 4.5 }),
          ),
          `word-${w.id}`,
          { mediaMs: w.mediaMs, utteranceId: w.utteranceId },
        ),
      ),
      this.playhead(l),
    );
    this.root.replaceChildren(chart);
  }

  private bar(bar: Bar, l: Layout): SVGElement {
    const lane = l.lanes.find((x) => x.key === bar.laneKey);
    const range = `${formatMs(bar.startMs)}–${bar.open ? t('postureOngoing') : formatMs(bar.endMs)}`;
    const merged = bar.ids.length > 1 ? ` · ${t('postureMerged', { n: bar.ids.length })}` : '';
    const rect = svg('rect', {
      class: 'tl-bar-fill',
      x: bar.x,
      y: (lane?.y ?? 0) + 2,
      width: bar.width,
      height: (lane?.height ?? 16) - 4,
      rx: 2,
      // The stronger the evidence, the more solid the bar.
      'fill-opacity': (0.55 + 0.45 * Math.min(1, Math.max(0, bar.score))).toFixed(2),
    });
    this.barEls.set(bar.key, rect);
    return this.pickable(
      svg(
        'g',
        {
          class: `tl-bar is-${bar.valence}${bar.open ? ' is-open' : ''}`,
          'data-testid': 'posture-bar',
          'data-label': bar.label,
          'data-participant': bar.participant,
          'data-signal-ids': bar.ids.join(' '),
          'data-start-ms': bar.startMs,
          'data-end-ms': bar.open ? null : bar.endMs,
        },
        svg(
          'title',
          {},
          `${bar.participant} · ${labelName(bar.label)} · ${range} · ${t('score')} ${formatScore(bar.score)}${merged}`,
        ),
        rect,
      ),
      `bar-${bar.key}`,
      { mediaMs: bar.startMs, utteranceId: null },
    );
  }

  private playhead(l: Layout): SVGElement | null {
    if (l.playheadX === null) return null;
    this.playheadEl = svg('line', {
      class: 'tl-playhead',
      'data-testid': 'timeline-playhead',
      x1: l.playheadX,
      x2: l.playheadX,
      y1: 12,
      y2: l.height,
    });
    return this.playheadEl;
  }

  /** Clickable and keyboard-reachable; the chosen one stays marked across redraws. */
  private pickable(el: SVGElement, key: string, pick: TimelinePick): SVGElement {
    setAttrs(el, { tabindex: 0, role: 'button', 'aria-pressed': String(this.picked === key) });
    const choose = (): void => {
      this.picked = key;
      for (const other of this.root.querySelectorAll('[aria-pressed="true"]'))
        other.setAttribute('aria-pressed', 'false');
      el.setAttribute('aria-pressed', 'true');
      this.onPick(pick);
    };
    el.addEventListener('click', choose);
    el.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      choose();
    });
    return el;
  }
}

function rowName(x: number, y: number, height: number, text: string): SVGElement {
  return svg('text', { class: 'tl-row-name', x, y: y + height - 4, 'text-anchor': 'end' }, text);
}

/** Everything but the clock's effect: when this is unchanged a tick needs no redraw. */
function shapeOf(l: Layout): string {
  return [
    l.axis.endMs,
    l.axis.x1,
    l.height,
    l.playheadX === null,
    l.lanes.map((x) => x.key).join(','),
    l.bars.map((b) => `${b.key}:${b.ids.length}:${b.open}`).join(','),
    l.cues.length,
    l.words.length,
    lang(),
  ].join('|');
}
