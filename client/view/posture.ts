// The posture timeline: an SVG over the meeting's media time with one lane per posture label
// (green = ready, amber = resisting), cue and verbal-signal markers, and the playhead; the
// lane names in a gutter of their own, the chart beside them scrolling sideways when zoomed.
// The layout and the zoom arithmetic are ./timeline (pure); this module keeps the data and
// the zoom, draws, scrolls (following the playhead unless the user looked elsewhere) and
// reports clicks.
import type { Comment, Cue, PostureFrameLabel, PostureLabels, PostureSignal, Signal, VerbalSignal } from '../../protocol/protocol';
import { agreesWithModel, formatFrameMs, modelPosturesAt } from '../postureLabels';
import { cueTypeName, labelName, lang, t } from '../i18n';
import { asButton, h, setAttrs, svg } from './dom';
import { DEFAULT_CUE_MIN_SCORE, formatMs, formatScore, isTentative } from './format';
import {
  DEFAULT_TIMELINE_OPTIONS,
  MIN_SPAN_MS,
  NAV_KEYS,
  axisEndMs,
  clampSpan,
  defaultSpanMs,
  drawRange,
  focusSuccessor,
  followScroll,
  followsAfterUserScroll,
  inRange,
  latestOf,
  layoutTimeline,
  markerExtent,
  markerKey,
  msAt,
  navFromView,
  navOrder,
  navTarget,
  overlaps,
  revealScroll,
  scrollToShow,
  spanToSeparate,
  tabStop,
  toX,
  wheelSpan,
  zoomInSpan,
  zoomOutSpan,
  type Bar,
  type ChartGeometry,
  type Keyed,
  type Marker,
  type NavItem,
  type TimelineInput,
  type TimelineLayout,
} from './timeline';

/** A coach's labels of a frame as the timeline marks them; `aside`: its participant is no longer a customer (not counted). */
export type CoachMark = PostureLabels & { id: number; aside: boolean };

/** A posture bar was chosen: whose, which posture, its span, and the moment to label (where it was clicked, else its middle). */
export interface BarPick {
  participant: string;
  label: PostureSignal['label'];
  startMs: number;
  endMs: number;
  open: boolean;
  atMs: number;
}

/** What the coaches' posture labels ask of the timeline: a bar was chosen, a coach's marker was chosen. */
export interface CoachHooks {
  onBar(pick: BarPick): void;
  onCoach(frameId: number): void;
}

/** What the coaches' comments ask of the timeline: a comment's marker was chosen. */
export interface CommentHooks {
  onComment(commentId: number): void;
}

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

type Layout = TimelineLayout<Cue, VerbalSignal, CoachMark>;

/** The zoom the user chose: a span (ms across the viewport), fit (null), or none yet ('auto'). */
type ZoomChoice = number | null | 'auto';

export class PostureTimeline {
  private readonly postures = new Map<number, PostureSignal>();
  private readonly words = new Map<number, VerbalSignal>();
  /** Words scoring below this raise no cue (the server's cueMinSignalScore): drawn hollow. */
  private cueMinScore = DEFAULT_CUE_MIN_SCORE;
  private readonly cues = new Map<number, Cue>();
  /** Coaches' labelled posture moments, by frame id. */
  private coachMarks = new Map<number, CoachMark>();
  private coachHooks: CoachHooks | null = null;
  /** Coaches' comments, by id. */
  private commentMarks = new Map<number, Comment>();
  private commentHooks: CommentHooks | null = null;
  /** Where the pointer went down on a bar (media ms), for the moment its click picks. */
  private pointerMs: number | null = null;
  private latestMs = 0;
  private durationMs: number | null = null;
  private live = false;
  private nowMs: number | null = null;
  /** What the frame was last drawn for; while it stays the same a clock tick only moves things. */
  private drawnShape = '';
  /** The frame, the part of the chart and the focus the ticks, bars and markers were last drawn for. */
  private drawnItems = '';
  private namesSig = '';
  private lanesSig = '';
  /** The layout last drawn: a scroll draws what it brings into view from it. */
  private laid: Layout | null = null;
  /** What each drawn tick, bar or marker shows (its Item's sig). */
  private readonly sigs = new WeakMap<Element, string>();
  /** The open bars' fills by key, grown by every clock tick. */
  private readonly barEls = new Map<string, SVGRectElement>();
  private readonly playheadEl: SVGLineElement;
  /** The chart, kept across redraws, and its layers, bottom to top. */
  private readonly chartEl: SVGSVGElement;
  private readonly layers: Record<'ticks' | 'lanes' | 'bars' | 'cues' | 'words' | 'coach' | 'comments', SVGGElement>;
  /** A pending animation frame that draws what a scroll brought into view. */
  private itemsFrame = 0;
  /** Inside batched(): the ticks, bars and markers wait for its end. */
  private batching = false;
  private picked: string | null = null;
  /**
   * The chart is one stop in the Tab order (roving tabindex): the item last focused (this),
   * else the first in view, has tabindex 0, every other item -1; the arrow keys go between them.
   */
  private rover: Keyed | null = null;
  /** The items drawn, in the arrow keys' order: where the tab stop is chosen from. */
  private drawnNav: NavItem[] = [];
  /** The item that is the tab stop now (none: the chart itself is), and what it was chosen for. */
  private stopEl: Element | null = null;
  private stopFor = '';
  /** Counts the redraws of the items: the tab stop is chosen again after each. */
  private itemPaints = 0;
  /** The hidden text that tells a screen reader how to use the chart (its aria-describedby). */
  private readonly helpEl: HTMLElement;
  /** The root's content width; 0 until it was first measured (e.g. while hidden). */
  private widthPx = 0;
  private zoom: ZoomChoice = 'auto';
  /** Whether the view keeps the playhead in sight (while a clock runs or the session is live). */
  private following = true;
  /** The chart as last laid out: what scrolling and zooming are computed against. */
  private chart: ChartGeometry | null = null;
  /** The scroll offset this view set last: a scroll event elsewhere is the user's. */
  private ownScroll = 0;
  /** The lane names (fixed) and the chart's scrolling viewport, kept across redraws. */
  private readonly frame: HTMLElement;
  private readonly gutter: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly buttons: { zoomOut: HTMLButtonElement; zoomIn: HTMLButtonElement; fit: HTMLButtonElement; follow: HTMLButtonElement };
  private readonly shown: HTMLElement;
  private toolbarState = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly counter: HTMLElement,
    private readonly onPick: (pick: TimelinePick) => void,
    /** Where the zoom buttons go (the timeline's header). */
    private readonly toolbar: HTMLElement,
  ) {
    this.gutter = h('div', { class: 'tl-gutter', 'data-testid': 'timeline-gutter' });
    this.scroller = h('div', { class: 'tl-scroll', 'data-testid': 'timeline-scroll' });
    this.helpEl = h('p', { id: 'posture-timeline-help', hidden: true });
    this.frame = h('div', { class: 'tl-frame' }, this.gutter, this.scroller, this.helpEl);
    const layer = (name: string): SVGGElement => svg('g', { class: `tl-layer-${name}` });
    this.layers = { ticks: layer('ticks'), lanes: layer('lanes'), bars: layer('bars'), cues: layer('cues'), words: layer('words'), coach: layer('coach'), comments: layer('comments') };
    this.playheadEl = svg('line', { class: 'tl-playhead', 'data-testid': 'timeline-playhead', y1: 12 });
    this.chartEl = svg(
      'svg',
      { class: 'timeline', 'data-testid': 'posture-timeline', role: 'group', tabindex: -1, 'aria-describedby': this.helpEl.id },
      this.layers.ticks,
      this.layers.lanes,
      this.layers.bars,
      this.layers.cues,
      this.layers.words,
      this.layers.coach,
      this.layers.comments,
    );
    this.scroller.append(this.chartEl);
    // On a marker, group or bar the arrow keys, Home and End go through all of them in time order.
    this.chartEl.addEventListener('keydown', (e) => this.onNavKey(e));
    // The item focused (by the keys, a click or Tab) is the chart's tab stop from now on.
    this.chartEl.addEventListener('focusin', (e) => {
      const el = e.target as Element;
      if (el === this.chartEl || !el.hasAttribute('data-key')) return;
      this.rover = keyedOf(el);
      this.rove();
    });
    const button = (testid: string, text: string, onClick: () => void): HTMLButtonElement => {
      const b = h('button', { type: 'button', class: 'btn btn-small tl-zoom-btn', 'data-testid': testid }, text);
      b.addEventListener('click', onClick);
      return b;
    };
    this.buttons = {
      zoomOut: button('timeline-zoom-out', '−', () => this.zoomBy((span, end) => zoomOutSpan(span, end))),
      zoomIn: button('timeline-zoom-in', '+', () => this.zoomBy((span, end) => zoomInSpan(span, end))),
      fit: button('timeline-fit', '', () => this.zoomBy(() => null)),
      follow: button('timeline-follow', '', () => this.setFollowing(!this.following)),
    };
    this.shown = h('span', { class: 'tl-zoom-shown', 'data-testid': 'timeline-shown' });
    toolbar.replaceChildren(this.shown, this.buttons.zoomOut, this.buttons.zoomIn, this.buttons.fit, this.buttons.follow);

    this.scroller.addEventListener(
      'scroll',
      () => {
        this.onScroll();
        this.scheduleItems();
      },
      { passive: true },
    );
    // Ctrl/⌘ + wheel, and a trackpad's pinch (a wheel event with ctrlKey), zoom at the pointer.
    this.scroller.addEventListener(
      'wheel',
      (e) => {
        if (!(e.ctrlKey || e.metaKey) || !this.chart) return;
        e.preventDefault();
        const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
        const x = e.clientX - this.scroller.getBoundingClientRect().left;
        this.zoomTo(wheelSpan(this.chart.spanMs, this.chart.axis.endMs, dy), x);
      },
      { passive: false },
    );
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

  /** The coaches' posture labels: a bar chosen offers to label it, a coach's marker chosen opens its labels. */
  attachCoach(hooks: CoachHooks): void {
    this.coachHooks = hooks;
  }

  /** The coaches' labelled posture moments to mark (all of them; the timeline works out where the model agrees). */
  setCoachMarks(marks: readonly CoachMark[]): void {
    this.coachMarks = new Map(marks.map((m) => [m.id, m]));
    this.render();
  }

  /** The coaches' comments: choosing one's marker goes to it in the transcript. */
  attachComments(hooks: CommentHooks): void {
    this.commentHooks = hooks;
  }

  /** The coaches' comments to mark. */
  setCommentMarks(comments: readonly Comment[]): void {
    this.commentMarks = new Map(comments.map((c) => [c.id, c]));
    this.render();
  }

  /** The playhead (media ms), null when no clock runs. */
  get clockMs(): number | null {
    return this.nowMs;
  }

  /** The postures the timeline shows on for a participant at a moment, as frame labels (see modelPosturesAt). */
  posturesAt(participant: string, ms: number): PostureFrameLabel[] {
    return modelPosturesAt(this.postures.values(), participant, ms);
  }

  /** The participants with posture signals, by their first one. */
  postureParticipants(): string[] {
    const first = new Map<string, number>();
    for (const s of this.postures.values()) first.set(s.participant, Math.min(first.get(s.participant) ?? Infinity, s.startedMs));
    return [...first.entries()].sort((a, b) => a[1] - b[1]).map(([p]) => p);
  }

  /** When a participant's first posture bar starts (null: none). */
  firstPostureMs(participant: string): number | null {
    let first: number | null = null;
    for (const s of this.postures.values()) if (s.participant === participant) first = Math.min(first ?? Infinity, s.startedMs, s.mediaMs);
    return first;
  }

  /** The focus to a coach's marker for this frame (or the group holding it), when one is drawn; whether it went there. */
  focusCoach(frameId: number): boolean {
    const el = this.layers.coach.querySelector<SVGElement>(`[data-ids~="${frameId}"]`);
    el?.focus({ preventScroll: true });
    return el !== null && document.activeElement === el;
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
    this.rover = null;
    const hadFocus = this.root.contains(document.activeElement);
    // Keys are the new session's: nothing drawn for the last one is kept.
    this.clearItems();
    // Another session: its own default zoom, from its start (or, followed, at its playhead).
    this.zoom = 'auto';
    this.batched(() => {
      this.render();
      this.scrollTo(0);
      this.following = true;
      this.follow();
    });
    if (hadFocus) this.keepFocus();
  }

  /**
   * The session shown turned live (input arrives for it from elsewhere) or stopped being so:
   * a live axis grows with what arrives. The view follows the newest moment unless the user
   * chose a zoom of their own (then it stays where they look; Follow brings it along).
   */
  setLive(live: boolean): void {
    if (live === this.live) return;
    this.live = live;
    if (live) {
      this.durationMs = null;
      this.following = this.zoom === 'auto';
    }
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

  /** The latest media time the session shown reached so far (its last turn's end, at least). */
  get latestTimeMs(): number {
    return this.latestMs;
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
    this.drawnItems = '';
    this.update();
  }

  private store(s: Signal): void {
    if (s.kind === 'posture') this.postures.set(s.id, s);
    else this.words.set(s.id, s);
  }

  /** The span shown at an axis ending at endMs: the user's choice, else the session's default. */
  private spanFor(endMs: number): number | null {
    return this.zoom === 'auto' ? defaultSpanMs(endMs, this.live) : clampSpan(this.zoom, endMs);
  }

  /** The moment a following view keeps in sight: the playhead, or a live session's latest; null to follow nothing. */
  private target(): number | null {
    if (this.nowMs !== null) return this.nowMs;
    return this.live ? this.latestKnown() : null;
  }

  private input(): TimelineInput<Cue, VerbalSignal, CoachMark> {
    return {
      postures: [...this.postures.values()],
      cues: [...this.cues.values()],
      words: [...this.words.values()],
      coach: [...this.coachMarks.values()],
      comments: [...this.commentMarks.values()],
      nowMs: this.nowMs,
      durationMs: this.durationMs,
      latestMs: this.latestMs,
      widthPx: this.widthPx || 800,
    };
  }

  private latestKnown(): number {
    return latestOf(this.input());
  }

  private layout(): Layout {
    const input = this.input();
    const endMs = axisEndMs(latestOf(input), input.durationMs, DEFAULT_TIMELINE_OPTIONS.minSpanMs);
    return layoutTimeline({ ...input, spanMs: this.spanFor(endMs) });
  }

  private update(): void {
    const l = this.layout();
    this.chart = l.chart;
    this.laid = l;
    const shape = shapeOf(l);
    if (shape !== this.drawnShape) {
      this.drawnShape = shape;
      this.paintFrame(l);
    } else if (this.playheadEl.isConnected && l.playheadX !== null) {
      // Only the clock moved: the playhead moves (open bars grow below), every element stays
      // (replacing them would cut off a tooltip the manager is reading).
      setAttrs(this.playheadEl, { x1: l.playheadX, x2: l.playheadX });
    }
    this.follow();
    this.paintItems(l);
    for (const bar of l.bars) if (bar.open) this.barEls.get(`bar-${bar.key}`)?.setAttribute('width', String(bar.width));
    this.renderToolbar();
  }

  // ---- zoom and scrolling -----------------------------------------------------------------

  /** A zoom button: the new span from the one shown, keeping the playhead (when followed) or the middle in place. */
  private zoomBy(next: (spanMs: number | null, endMs: number) => number | null): void {
    const g = this.chart;
    if (!g) return;
    const target = this.target();
    const scroll = this.scroller.scrollLeft;
    const targetX = target === null ? null : toX(g.axis, target) - scroll;
    const anchorX = this.following && targetX !== null && targetX >= 0 && targetX <= g.viewportPx ? targetX : g.viewportPx / 2;
    this.zoomTo(next(g.spanMs, g.axis.endMs), anchorX);
  }

  /** Zooms to spanMs (null: fit), keeping the moment at viewportX where it is. */
  private zoomTo(spanMs: number | null, viewportX: number, anchorMs?: number): void {
    const g = this.chart;
    if (!g) return;
    const ms = anchorMs ?? msAt(g, this.scroller.scrollLeft, viewportX);
    this.zoom = spanMs;
    const now = this.batched(() => {
      this.render();
      if (this.chart) this.scrollTo(scrollToShow(this.chart, ms, viewportX));
      return this.chart;
    });
    if (!now) return;
    // Zoomed elsewhere than the playhead: the view stays where the user looks.
    const target = this.target();
    if (target !== null) this.following = followsAfterUserScroll(now, this.scroller.scrollLeft, target);
    this.renderToolbar();
  }

  private setFollowing(on: boolean): void {
    this.following = on;
    const g = this.chart;
    const target = this.target();
    // Back to the playhead at once, as a page would put it.
    if (on && g && target !== null) this.scrollTo(scrollToShow(g, target, g.viewportPx * 0.75));
    this.renderToolbar();
  }

  /** While following, keeps the playhead in sight (paging, so the chart holds still in between). */
  private follow(): void {
    const g = this.chart;
    const target = this.target();
    // A scroll whose event has not come yet (a turn arrived first) is the user's: it counts
    // before this view scrolls over it.
    if (Math.abs(this.scroller.scrollLeft - this.ownScroll) > 1) this.onScroll();
    if (!this.following || !g || target === null || g.spanMs === null) return;
    const scroll = this.scroller.scrollLeft;
    const want = followScroll(g, scroll, target);
    if (want !== scroll) this.scrollTo(want);
  }

  private scrollTo(px: number): void {
    this.scroller.scrollLeft = px;
    this.ownScroll = this.scroller.scrollLeft;
    // What comes into view is drawn now, not a frame later.
    if (this.laid) this.paintItems(this.laid);
  }

  private onScroll(): void {
    const scroll = this.scroller.scrollLeft;
    if (Math.abs(scroll - this.ownScroll) <= 1) return;
    // The user's scroll (or a focused marker brought into view): following goes on only
    // while the playhead is still in sight.
    this.ownScroll = scroll;
    const g = this.chart;
    const target = this.target();
    if (g && target !== null) this.following = followsAfterUserScroll(g, scroll, target);
    this.renderToolbar();
  }

  /**
   * An arrow key, Home or End on a focused marker, group or bar: the focus goes to the
   * next, previous, first or last of the whole layout (not only of what is drawn), or up or
   * down a row to the nearest in time, the view scrolling just enough to show it (which draws
   * it). On the chart itself (nothing of it drawn near the view) they go to the first, the
   * last, or the item nearest the view. Looking elsewhere than the playhead stops following
   * it, as a scroll by hand does.
   */
  private onNavKey(e: KeyboardEvent): void {
    const step = NAV_KEYS[e.key];
    const focus = this.focusedMark();
    const onChart = document.activeElement === this.chartEl;
    const l = this.laid;
    if (!step || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !(focus || onChart) || !l) return;
    // Not the scroller's own scrolling by the same keys.
    e.preventDefault();
    const order = navOrder(l);
    const to = focus ? navTarget(order, focus, step) : navFromView(order, this.viewRange(l), step);
    if (!to || to.key === focus?.key) return;
    const scroll = revealScroll(l.chart, this.scroller.scrollLeft, to.fromX, to.toX, 24);
    if (scroll !== this.scroller.scrollLeft) this.scrollTo(scroll);
    this.chartEl.querySelector<SVGElement>(`[data-key="${CSS.escape(to.key)}"]`)?.focus({ preventScroll: true });
    // The one left is no longer pinned: drawn only if it is near the view.
    this.paintItems(l);
    const target = this.target();
    if (target !== null) this.following = followsAfterUserScroll(l.chart, this.scroller.scrollLeft, target);
    this.renderToolbar();
  }

  /** The zoom buttons' labels (language) and states; cheap when nothing changed. */
  private renderToolbar(): void {
    const g = this.chart;
    const empty = this.root.firstChild !== this.frame;
    const target = this.target();
    const span = g?.spanMs ?? null;
    const key = [lang(), empty, span, g?.axis.endMs, target === null, this.following].join('|');
    if (key === this.toolbarState) return;
    this.toolbarState = key;
    const { zoomOut, zoomIn, fit, follow } = this.buttons;
    this.toolbar.hidden = empty;
    this.toolbar.setAttribute('aria-label', t('tlZoomBar'));
    setAttrs(zoomOut, { 'aria-label': t('tlZoomOut'), title: t('tlZoomOutTip') });
    setAttrs(zoomIn, { 'aria-label': t('tlZoomIn'), title: t('tlZoomInTip') });
    fit.textContent = t('tlFit');
    setAttrs(fit, { 'aria-label': t('tlFitLabel'), title: t('tlFitTip'), 'aria-pressed': String(span === null) });
    follow.textContent = t('tlFollow');
    setAttrs(follow, { 'aria-label': t('tlFollowLabel'), title: t('tlFollowTip'), 'aria-pressed': String(this.following) });
    zoomOut.disabled = span === null;
    zoomIn.disabled = !g || span === MIN_SPAN_MS || g.axis.endMs <= MIN_SPAN_MS;
    fit.disabled = false;
    // Following means something only while zoomed and with a playhead (or a live session's end).
    follow.hidden = target === null || span === null;
    this.shown.textContent = span === null ? '' : t('tlShown', { span: spanText(span) });
  }

  // ---- drawing ----------------------------------------------------------------------------
  //
  // The chart's SVG and its layers (ticks, lane backgrounds, bars, cues, words, the playhead)
  // are kept across updates. The frame (size, lane names, backgrounds) is redrawn when the
  // layout's shape changed; the ticks, bars and markers are drawn only where the view is
  // (see drawRange) and matched by key to those already drawn: one whose content did not
  // change is kept as it is, so the keyboard focus and a hovered marker's tooltip survive a
  // live update, and a 3-hour session draws a few hundred elements, not thousands.

  /** The frame: the chart's size and attributes, the lane names, the lane backgrounds, the playhead, the empty note. */
  private paintFrame(l: Layout): void {
    this.counter.textContent = this.postures.size ? String(this.postures.size) : '';
    const emptyText = t(this.live ? 'emptyPosture' : 'emptyPostureReview');
    if (l.lanes.length === 0 && !l.cueRow && !l.wordRow && !l.coachRow && !l.commentRow && l.playheadX === null) {
      const hadFocus = this.root.contains(document.activeElement);
      this.root.replaceChildren(h('p', { class: 'empty', 'data-testid': 'posture-empty' }, emptyText));
      this.clearItems();
      if (hadFocus) this.keepFocus();
      return;
    }
    const { axis } = l;
    const gutterX = DEFAULT_TIMELINE_OPTIONS.gutterPx - 8;
    const namesSig = JSON.stringify([lang(), l.height, l.cueRow, l.wordRow, l.coachRow, l.commentRow, l.groups, l.lanes]);
    if (namesSig !== this.namesSig) {
      this.namesSig = namesSig;
      const names = svg(
        'svg',
        { class: 'timeline tl-names', width: DEFAULT_TIMELINE_OPTIONS.gutterPx, height: l.height, 'aria-hidden': 'true' },
        l.cueRow && rowName(gutterX, l.cueRow.y, l.cueRow.height, t('cues')),
        l.wordRow && rowName(gutterX, l.wordRow.y, l.wordRow.height, t('timelineWords')),
        l.coachRow && rowName(gutterX, l.coachRow.y, l.coachRow.height, t('timelineCoach')),
        l.commentRow && rowName(gutterX, l.commentRow.y, l.commentRow.height, t('timelineComments')),
        ...l.groups.map((g) => svg('text', { class: 'tl-group', x: 4, y: g.y + 12 }, g.participant)),
        ...l.lanes.map((lane) =>
          svg(
            'g',
            { class: `tl-lane is-${lane.valence}`, 'data-testid': 'timeline-lane', 'data-label': lane.label },
            svg(
              'text',
              { class: 'tl-lane-name', x: gutterX, y: lane.y + lane.height - 4, 'text-anchor': 'end' },
              labelName(lane.label),
            ),
          ),
        ),
      );
      this.gutter.replaceChildren(names);
    }
    setAttrs(this.chartEl, {
      'data-end-ms': axis.endMs,
      'data-zoom': l.chart.spanMs === null ? 'fit' : l.chart.spanMs,
      'data-tick-step-ms': l.tickStepMs,
      width: Math.ceil(l.chart.widthPx),
      height: l.height,
      'aria-label': t('timelineLabel'),
    });
    this.helpEl.textContent = t('timelineHelp');
    const lanesSig = JSON.stringify([axis.x0, axis.x1, l.lanes]);
    if (lanesSig !== this.lanesSig) {
      this.lanesSig = lanesSig;
      this.layers.lanes.replaceChildren(
        ...l.lanes.map((lane) =>
          svg('rect', {
            class: `tl-lane-bg is-${lane.valence}`,
            'data-testid': 'timeline-lane-bg',
            'data-label': lane.label,
            x: axis.x0,
            y: lane.y,
            width: axis.x1 - axis.x0,
            height: lane.height,
            rx: 3,
          }),
        ),
      );
    }
    if (l.playheadX === null) this.playheadEl.remove();
    else {
      setAttrs(this.playheadEl, { x1: l.playheadX, x2: l.playheadX, y2: l.height });
      if (!this.playheadEl.isConnected) this.chartEl.append(this.playheadEl);
    }
    // With no lanes the note goes under the chart, clear of the cues' guide lines.
    const note = l.lanes.length === 0 && h('p', { class: 'tl-note', 'data-testid': 'posture-empty' }, emptyText);
    if (this.root.firstChild !== this.frame || this.root.childNodes.length !== (note ? 2 : 1)) {
      const hadFocus = this.root.contains(document.activeElement) && !this.frame.contains(document.activeElement);
      this.root.replaceChildren(this.frame, ...(note ? [note] : []));
      if (hadFocus) this.keepFocus();
    } else if (note) this.root.lastChild!.replaceWith(note);
  }

  /**
   * The focus was in the timeline and what had it is gone (another session, nothing left to
   * show): it goes to the chart's tab stop, else the chart, else the note that says it is
   * empty, never to the page's body.
   */
  private keepFocus(): void {
    if (this.root.contains(document.activeElement)) return;
    if (this.root.firstChild === this.frame) {
      if (this.laid) this.paintItems(this.laid);
      if (this.root.contains(document.activeElement)) return;
      const to = this.stopEl instanceof SVGElement ? this.stopEl : this.chartEl;
      to.focus({ preventScroll: true });
      return;
    }
    const note = this.root.querySelector<HTMLElement>('[data-testid="posture-empty"]');
    if (note) {
      note.tabIndex = -1;
      note.focus({ preventScroll: true });
    }
  }

  /** Forgets every drawn tick, bar and marker (another session, or nothing to show). */
  private clearItems(): void {
    for (const layer of [this.layers.ticks, this.layers.bars, this.layers.cues, this.layers.words, this.layers.coach, this.layers.comments]) layer.replaceChildren();
    this.barEls.clear();
    this.drawnItems = '';
    this.drawnNav = [];
    this.stopEl = null;
    this.stopFor = '';
    this.namesSig = '';
    this.lanesSig = '';
  }

  /**
   * Runs f (a redraw, then a scroll) drawing the ticks, bars and markers once, at the end, for
   * where the view is then (not first for where it was).
   */
  private batched<T>(f: () => T): T {
    this.batching = true;
    try {
      return f();
    } finally {
      this.batching = false;
      if (this.laid) this.paintItems(this.laid);
    }
  }

  /** A scroll: the part of the chart drawn follows it, once per animation frame. */
  private scheduleItems(): void {
    if (this.itemsFrame) return;
    this.itemsFrame = requestAnimationFrame(() => this.flushScroll());
  }

  /** Draws what a scroll brought into view now instead of at the next frame (the measurement script uses it). */
  flushScroll(): void {
    if (this.itemsFrame) cancelAnimationFrame(this.itemsFrame);
    this.itemsFrame = 0;
    if (this.laid) this.paintItems(this.laid);
  }

  /** The ticks, bars and markers in and near the view; cheap when neither they nor the view changed. */
  private paintItems(l: Layout): void {
    if (this.batching || this.root.firstChild !== this.frame) return;
    const range = drawRange(this.scroller.scrollLeft, l.chart.viewportPx);
    const focus = this.focusedMark();
    const key = [this.drawnShape, range.fromX, range.toX, focus?.key ?? ''].join('|');
    if (key === this.drawnItems) {
      this.rove();
      return;
    }
    this.drawnItems = key;
    // The focused one is drawn wherever it is, so the focus is not lost by scrolling away.
    const pin = (kind: string) => (ids: readonly number[]) =>
      focus !== null && focus.kind === kind && ids.some((id) => focus.ids.includes(String(id)));
    const pinBar = pin('bar');
    const pinCue = pin('cue');
    const pinWord = pin('word');
    const pinCoach = pin('coach');
    const pinComment = pin('comment');
    const bottom = l.height - 2;
    this.reconcile(
      this.layers.ticks,
      l.ticks.filter((ms) => overlaps(range, toX(l.axis, ms) - 40, toX(l.axis, ms) + 40)).map((ms) => this.tick(ms, l, bottom)),
    );
    const drawn = {
      bars: inRange(l.bars, (b) => [b.x, b.x + b.width], range, (b) => pinBar(b.ids)),
      cues: inRange(l.cues, markerExtent, range, (m) => pinCue(m.items.map((c) => c.id))),
      words: inRange(l.words, markerExtent, range, (m) => pinWord(m.items.map((w) => w.id))),
      coach: inRange(l.coach, markerExtent, range, (m) => pinCoach(m.items.map((k) => k.id))),
      comments: inRange(l.comments, markerExtent, range, (m) => pinComment(m.items.map((n) => n.id))),
    };
    this.reconcile(this.layers.bars, drawn.bars.map((b) => this.bar(b, l)));
    this.reconcile(
      this.layers.cues,
      drawn.cues.map((m) => (m.items.length > 1 ? this.cueGroup(m, l) : this.cue(m, l, bottom))),
    );
    this.reconcile(
      this.layers.words,
      drawn.words.map((m) => (m.items.length > 1 ? this.wordGroup(m, l) : this.word(m, l))),
    );
    this.reconcile(
      this.layers.coach,
      drawn.coach.map((m) => (m.items.length > 1 ? this.coachGroup(m, l) : this.coachMarker(m, l))),
    );
    this.reconcile(
      this.layers.comments,
      drawn.comments.map((m) => (m.items.length > 1 ? this.commentGroup(m, l) : this.commentMarker(m, l))),
    );
    this.drawnNav = navOrder(l, drawn);
    this.itemPaints++;
    this.rove();
    this.barEls.clear();
    for (const g of this.layers.bars.children) {
      const rect = g.querySelector('rect');
      if (rect) this.barEls.set(g.getAttribute('data-key') ?? '', rect);
    }
    // The focused element was replaced (its content changed, it merged into a group, a group
    // split): the focus goes to what stands for it now, without scrolling the view; when
    // nothing does (it is gone), to the chart's tab stop, or the chart itself.
    if (focus && !focus.el.isConnected) {
      const els = [...this.chartEl.querySelectorAll<SVGElement>('[data-key][data-ids]')].map((el) => ({ el, ...keyedOf(el) }));
      const to = focusSuccessor(focus, els)?.el ?? (this.stopEl instanceof SVGElement ? this.stopEl : this.chartEl);
      to.focus({ preventScroll: true });
    }
  }

  /** The part of the chart's x the viewport shows. */
  private viewRange(l: Layout): { fromX: number; toX: number } {
    const scroll = this.scroller.scrollLeft;
    return { fromX: scroll, toX: scroll + l.chart.viewportPx };
  }

  /**
   * Makes the tab stop (tabindex 0) the item last focused (or what stands for it now), else
   * the first drawn in view; every other item has -1. With no item drawn near the view the
   * chart itself is the stop while the meeting has any (its arrow keys go to them).
   */
  private rove(): void {
    const l = this.laid;
    if (!l) return;
    const view = this.viewRange(l);
    const sig = [this.itemPaints, this.rover?.key ?? '', view.fromX].join('|');
    if (sig === this.stopFor && this.stopEl?.isConnected) return;
    this.stopFor = sig;
    const stop = tabStop(this.drawnNav, this.rover, view);
    const el = stop ? this.chartEl.querySelector(`[data-key="${CSS.escape(stop.key)}"]`) : null;
    const any = l.bars.length > 0 || l.cues.length > 0 || l.words.length > 0 || l.coach.length > 0 || l.comments.length > 0;
    const chartIndex = !el && any ? '0' : '-1';
    if (this.chartEl.getAttribute('tabindex') !== chartIndex) this.chartEl.setAttribute('tabindex', chartIndex);
    if (el === this.stopEl) return;
    this.stopEl?.setAttribute('tabindex', '-1');
    el?.setAttribute('tabindex', '0');
    this.stopEl = el;
  }

  /** The marker or bar with the keyboard focus, when one has it. */
  private focusedMark(): (Keyed & { el: Element }) | null {
    const el = document.activeElement;
    if (!el || !this.chartEl.contains(el) || !el.hasAttribute('data-key')) return null;
    return { el, ...keyedOf(el) };
  }

  /**
   * Makes a layer hold these items, in this order: one already drawn with the same key and
   * content stays (not even moved when it is in order), the others are built or removed.
   */
  private reconcile(layer: SVGGElement, items: Item[]): void {
    const want = new Map(items.map((it) => [it.key, it]));
    const kept = new Map<string, Element>();
    for (const el of [...layer.children]) {
      const k = el.getAttribute('data-key') ?? '';
      if (want.get(k)?.sig === this.sigs.get(el) && !kept.has(k)) kept.set(k, el);
      else el.remove();
    }
    let cur = layer.firstElementChild;
    for (const it of items) {
      const el = kept.get(it.key);
      if (el === cur && el) cur = el.nextElementSibling;
      else if (el) layer.insertBefore(el, cur);
      else {
        const made = it.build();
        made.setAttribute('data-key', it.key);
        this.sigs.set(made, it.sig);
        layer.insertBefore(made, cur);
      }
    }
  }

  private tick(ms: number, l: Layout, bottom: number): Item {
    const x = toX(l.axis, ms);
    // The first label starts at its tick, the last ends at it, so neither is cut off.
    const anchor = ms === 0 ? 'start' : l.axis.x1 - x < 24 ? 'end' : 'middle';
    return {
      key: `tick-${ms}`,
      sig: `${x}|${anchor}|${bottom}`,
      build: () =>
        svg(
          'g',
          { class: 'tl-tick', 'data-ms': ms },
          svg('line', { x1: x, x2: x, y1: 14, y2: bottom }),
          svg('text', { x, y: 11, 'text-anchor': anchor }, formatMs(ms)),
        ),
    };
  }

  private cue({ item: c, x }: Marker<Cue>, l: Layout, bottom: number): Item {
    const top = l.cueRow?.y ?? 0;
    const verbal = c.evidence.find((e) => e.kind === 'verbal');
    const tip = `${cueTypeName(c.type)} · ${formatMs(c.mediaMs)} · ${t('score')} ${formatScore(c.score)}\n${c.title[lang()]}`;
    const key = markerKey('cue', [c.id]);
    return {
      key,
      sig: [x, top, bottom, c.type, c.mediaMs, verbal?.utteranceId, tip].join('|'),
      build: () =>
        this.pickable(
          svg(
            'g',
            {
              class: `tl-cue cue--${c.type}`,
              'data-testid': 'timeline-cue',
              'data-cue-id': c.id,
              'data-cue-type': c.type,
              'data-media-ms': c.mediaMs,
              'data-ids': c.id,
            },
            svg('title', {}, tip),
            svg('line', { class: 'tl-guide', x1: x, x2: x, y1: top + 12, y2: bottom }),
            svg('path', { d: `M${x - 6},${top + 2} h12 l-6,10 z` }),
          ),
          key,
          { mediaMs: c.mediaMs, utteranceId: verbal?.utteranceId ?? null },
        ),
    };
  }

  private word({ item: w, x }: Marker<VerbalSignal>, l: Layout): Item {
    const tentative = isTentative(w.score, this.cueMinScore);
    const tip = `${labelName(w.label)} · ${formatMs(w.mediaMs)} · ${t('score')} ${formatScore(w.score)}${tentative ? ` · ${t('tentative', { pct: formatScore(this.cueMinScore) })}` : ''}`;
    const y = (l.wordRow?.y ?? 0) + 8;
    const key = markerKey('word', [w.id]);
    return {
      key,
      sig: [x, y, w.label, w.mediaMs, w.utteranceId, tentative, tip].join('|'),
      build: () =>
        this.pickable(
          svg(
            'g',
            {
              class: `tl-word label-${w.label}${tentative ? ' tentative' : ''}`,
              'data-testid': 'timeline-word',
              'data-label': w.label,
              'data-media-ms': w.mediaMs,
              'data-ids': w.id,
              ...(tentative ? { 'data-tentative': 'true' } : {}),
            },
            svg('title', {}, tip),
            svg('circle', { cx: x, cy: y, r: 4.5 }),
          ),
          key,
          { mediaMs: w.mediaMs, utteranceId: w.utteranceId },
        ),
    };
  }

  /** Cues too close to tell apart at this zoom: one badge with their count; a click zooms in on them. */
  private cueGroup(m: Marker<Cue>, l: Layout): Item {
    const types = new Set(m.items.map((c) => c.type));
    const kinds = [...types].map((type) => `${cueTypeName(type)} ${m.items.filter((c) => c.type === type).length}`);
    const tip = `${t('tlCueGroup', { n: m.items.length, from: formatMs(m.item.mediaMs), to: formatMs(m.items[m.items.length - 1]!.mediaMs) })}\n${kinds.join(' · ')}`;
    const first = m.item.evidence.find((e) => e.kind === 'verbal');
    const ids = m.items.map((c) => c.id);
    return this.groupBadge(m, l.cueRow?.y ?? 0, {
      class: `tl-cue tl-group-badge ${types.size === 1 ? `cue--${m.item.type}` : 'is-mixed'}`,
      'data-testid': 'timeline-cue-group',
      'data-cue-ids': ids.join(' '),
      tip,
      key: markerKey('cue', ids),
      ids,
      first: { mediaMs: m.item.mediaMs, utteranceId: first?.utteranceId ?? null },
    });
  }

  private wordGroup(m: Marker<VerbalSignal>, l: Layout): Item {
    const labels = new Set(m.items.map((w) => w.label));
    const kinds = [...labels].map((label) => `${labelName(label)} ${m.items.filter((w) => w.label === label).length}`);
    const tip = `${t('tlWordGroup', { n: m.items.length, from: formatMs(m.item.mediaMs), to: formatMs(m.items[m.items.length - 1]!.mediaMs) })}\n${kinds.join(' · ')}`;
    const allTentative = m.items.every((w) => isTentative(w.score, this.cueMinScore));
    const ids = m.items.map((w) => w.id);
    return this.groupBadge(m, l.wordRow?.y ?? 0, {
      class: `tl-word tl-group-badge ${labels.size === 1 ? `label-${m.item.label}` : 'is-mixed'}${allTentative ? ' tentative' : ''}`,
      'data-testid': 'timeline-word-group',
      tip,
      key: markerKey('word', ids),
      ids,
      first: { mediaMs: m.item.mediaMs, utteranceId: m.item.utteranceId },
    });
  }

  /** A coach's labelled posture moment: a diamond in the Coach row, hollow and amber where the timeline shows otherwise. */
  private coachMarker({ item: k, x }: Marker<CoachMark>, l: Layout): Item {
    const model = this.posturesAt(k.participant, k.mediaMs);
    const agrees = agreesWithModel(k.labels, model);
    const y = (l.coachRow?.y ?? 0) + 8;
    const key = markerKey('coach', [k.id]);
    const tip = coachTip(k, model, agrees);
    const state = k.aside ? 'is-aside' : agrees ? 'is-agree' : 'is-disagree';
    return {
      key,
      sig: [x, y, state, tip].join('|'),
      build: () =>
        this.pickable(
          svg(
            'g',
            {
              class: `tl-coach ${state}`,
              'data-testid': 'timeline-coach',
              'data-frame-id': k.id,
              'data-participant': k.participant,
              'data-media-ms': k.mediaMs,
              'data-labels': k.labels.join(' '),
              'data-agrees': String(agrees),
              'data-aside': k.aside ? 'true' : null,
              'data-ids': k.id,
            },
            svg('title', {}, tip),
            svg('path', { d: `M${x},${y - 6} l6,6 l-6,6 l-6,-6 z` }),
            !agrees && !k.aside && svg('path', { class: 'tl-coach-cross', d: `M${x - 3},${y - 3} l6,6 m0,-6 l-6,6` }),
          ),
          key,
          () => this.coachHooks?.onCoach(k.id),
        ),
    };
  }

  private coachGroup(m: Marker<CoachMark>, l: Layout): Item {
    const ids = m.items.map((k) => k.id);
    const disagree = m.items.some((k) => !k.aside && !agreesWithModel(k.labels, this.posturesAt(k.participant, k.mediaMs)));
    const tip = t('tlCoachGroup', { n: m.items.length, from: formatMs(m.item.mediaMs), to: formatMs(m.items[m.items.length - 1]!.mediaMs) });
    const first = m.item.id;
    return this.groupBadge(m, l.coachRow?.y ?? 0, {
      class: `tl-coach tl-group-badge ${disagree ? 'is-disagree' : 'is-agree'}`,
      'data-testid': 'timeline-coach-group',
      tip,
      key: markerKey('coach', ids),
      ids,
      first: () => this.coachHooks?.onCoach(first),
    });
  }

  /** A coach's comment: a speech-bubble square in the Comments row; choosing it goes to the comment in the transcript. */
  private commentMarker({ item: n, x }: Marker<{ id: number; mediaMs: number }>, l: Layout): Item {
    const c = this.commentMarks.get(n.id);
    const y = (l.commentRow?.y ?? 0) + 8;
    const key = markerKey('comment', [n.id]);
    const tip = c ? commentTip(c) : '';
    return {
      key,
      sig: [x, y, tip].join('|'),
      build: () =>
        this.pickable(
          svg(
            'g',
            { class: 'tl-comment', 'data-testid': 'timeline-comment', 'data-comment-id': n.id, 'data-media-ms': n.mediaMs, 'data-ids': n.id },
            svg('title', {}, tip),
            svg('path', { d: `M${x - 5},${y - 5} h10 v7 h-5 l-3,3 v-3 h-2 z` }),
          ),
          key,
          () => this.commentHooks?.onComment(n.id),
        ),
    };
  }

  private commentGroup(m: Marker<{ id: number; mediaMs: number }>, l: Layout): Item {
    const ids = m.items.map((n) => n.id);
    const tip = t('tlCommentGroup', { n: m.items.length, from: formatMs(m.item.mediaMs), to: formatMs(m.items[m.items.length - 1]!.mediaMs) });
    const first = m.item.id;
    return this.groupBadge(m, l.commentRow?.y ?? 0, {
      class: 'tl-comment tl-group-badge',
      'data-testid': 'timeline-comment-group',
      tip,
      key: markerKey('comment', ids),
      ids,
      first: () => this.commentHooks?.onComment(first),
    });
  }

  /**
   * A group's badge: a rounded count starting where its first marker would, so groups never
   * overlap. Choosing it zooms in until its markers stand apart; at the closest zoom, where
   * they cannot, it goes to the first one's turn.
   */
  private groupBadge<T extends { mediaMs: number }>(
    m: Marker<T>,
    rowY: number,
    o: { class: string; 'data-testid': string; 'data-cue-ids'?: string; tip: string; key: string; ids: number[]; first: TimelinePick | (() => void) },
  ): Item {
    const g = this.chart;
    const range = { fromMs: m.item.mediaMs, toMs: m.items[m.items.length - 1]!.mediaMs, n: m.items.length };
    const next = g ? spanToSeparate(g.spanMs, g.axis.endMs, range, g.viewportPx, DEFAULT_TIMELINE_OPTIONS.clusterGapPx) : null;
    const canZoom = g !== null && next !== null && (g.spanMs === null || next < g.spanMs);
    const label = String(m.items.length);
    const width = 8 + 6 * label.length;
    const tip = `${o.tip}\n${t(canZoom ? 'tlGroupZoom' : 'tlGroupFirst')}`;
    const build = (): SVGElement => {
      const el = svg(
        'g',
        {
          class: o.class,
          'data-testid': o['data-testid'],
          'data-count': m.items.length,
          'data-media-ms': m.item.mediaMs,
          'data-ids': o.ids.join(' '),
          ...(o['data-cue-ids'] ? { 'data-cue-ids': o['data-cue-ids'] } : {}),
        },
        svg('title', {}, tip),
        svg('rect', { x: m.x - 6, y: rowY + 1.5, width, height: 13, rx: 6.5 }),
        svg('text', { x: m.x - 6 + width / 2, y: rowY + 11.5, 'text-anchor': 'middle' }, label),
      );
      if (!canZoom) return this.pickable(el, o.key, o.first);
      const zoomIn = (): void => {
        if (!this.chart) return;
        const mid = (range.fromMs + range.toMs) / 2;
        this.zoomTo(next, this.chart.viewportPx / 2, mid);
      };
      asButton(el, zoomIn, -1);
      return el;
    };
    const firstSig = typeof o.first === 'function' ? 'fn' : o.first.utteranceId;
    return { key: o.key, sig: [m.x, rowY, o.class, firstSig, canZoom, next, tip].join('|'), build };
  }

  private bar(bar: Bar, l: Layout): Item {
    const lane = l.lanes.find((x) => x.key === bar.laneKey);
    const range = `${formatMs(bar.startMs)}–${bar.open ? t('postureOngoing') : formatMs(bar.endMs)}`;
    const merged = bar.ids.length > 1 ? ` · ${t('postureMerged', { n: bar.ids.length })}` : '';
    const tip = `${bar.participant} · ${labelName(bar.label)} · ${range} · ${t('score')} ${formatScore(bar.score)}${merged}`;
    const y = (lane?.y ?? 0) + 2;
    const height = (lane?.height ?? 16) - 4;
    const key = `bar-${bar.key}`;
    // An open bar grows with the clock (update() sets its width): its width is not its content.
    const sig = [bar.x, bar.open ? 'open' : bar.width, y, height, bar.ids.join(' '), bar.valence, bar.startMs, bar.score, tip].join('|');
    const chooseBar = (): void => {
      this.onPick({ mediaMs: bar.startMs, utteranceId: null });
      // Where it was clicked (the pointer went down on it just now), else its middle.
      const at = this.pointerMs !== null && this.pointerMs >= bar.startMs && this.pointerMs <= bar.endMs ? this.pointerMs : (bar.startMs + bar.endMs) / 2;
      this.pointerMs = null;
      this.coachHooks?.onBar({ participant: bar.participant, label: bar.label, startMs: bar.startMs, endMs: bar.endMs, open: bar.open, atMs: Math.round(at) });
    };
    const build = (): SVGElement => {
      const el = this.pickable(
        svg(
          'g',
          {
            class: `tl-bar is-${bar.valence}${bar.open ? ' is-open' : ''}`,
            'data-testid': 'posture-bar',
            'data-label': bar.label,
            'data-participant': bar.participant,
            'data-signal-ids': bar.ids.join(' '),
            'data-ids': bar.ids.join(' '),
            'data-start-ms': bar.startMs,
            'data-end-ms': bar.open ? null : bar.endMs,
          },
          svg('title', {}, tip),
          svg('rect', {
            class: 'tl-bar-fill',
            x: bar.x,
            y,
            width: bar.width,
            height,
            rx: 2,
            // The stronger the evidence, the more solid the bar.
            'fill-opacity': (0.55 + 0.45 * Math.min(1, Math.max(0, bar.score))).toFixed(2),
          }),
        ),
        key,
        chooseBar,
      );
      el.addEventListener('pointerdown', (e) => {
        const g = this.chart;
        if (!g) return;
        const x = e.clientX - this.scroller.getBoundingClientRect().left;
        this.pointerMs = msAt(g, this.scroller.scrollLeft, x);
      });
      return el;
    };
    return { key, sig, build };
  }

  /** Clickable and keyboard-reachable (by the arrow keys, or Tab when it is the stop); the chosen one stays marked across redraws. */
  private pickable(el: SVGElement, key: string, pick: TimelinePick | (() => void)): SVGElement {
    el.setAttribute('aria-pressed', String(this.picked === key));
    const choose = (): void => {
      this.picked = key;
      for (const other of this.root.querySelectorAll('[aria-pressed="true"]'))
        other.setAttribute('aria-pressed', 'false');
      el.setAttribute('aria-pressed', 'true');
      if (typeof pick === 'function') pick();
      else this.onPick(pick);
    };
    asButton(el, choose, -1);
    return el;
  }
}

/** A drawn tick, bar or marker: its key, what it looks like (same sig: kept as drawn), and how to build it. */
interface Item {
  key: string;
  sig: string;
  build: () => SVGElement;
}

/** What a drawn marker, group or bar stands for: word-12 and words-12-13 are both of kind word. */
function keyedOf(el: Element): Keyed {
  const key = el.getAttribute('data-key') ?? '';
  const kind = key.slice(0, key.indexOf('-')).replace(/s$/, '');
  return { key, kind, ids: (el.getAttribute('data-ids') ?? '').split(' ').filter(Boolean) };
}

/** A coach's marker's tooltip: the coach's labels, whose and when; whether the timeline shows the same. */
function coachTip(k: CoachMark, model: readonly PostureFrameLabel[], agrees: boolean): string {
  const names = (ls: readonly PostureFrameLabel[]): string => ls.map((x) => labelName(x)).join(t('labelSep'));
  const head = t('coachMarkerTip', { labels: names(k.labels), name: k.participant, time: formatFrameMs(k.mediaMs) });
  const verdict = k.aside
    ? t('coachMarkerAside', { name: k.participant })
    : agrees
      ? t('coachMarkerAgrees')
      : t('coachMarkerDisagrees', { model: model.length ? names(model) : t('coachModelNone') });
  return [head, verdict, k.note].filter((x) => x).join('\n');
}

/** A comment's marker's tooltip: who, when, and the start of what they wrote. */
function commentTip(c: Comment): string {
  const text = c.text.length > 200 ? `${c.text.slice(0, 200)}…` : c.text;
  return `${c.author ?? t('commentNoAuthor')} · ${formatMs(c.mediaMs)}\n${text}`;
}

function rowName(x: number, y: number, height: number, text: string): SVGElement {
  return svg('text', { class: 'tl-row-name', x, y: y + height - 4, 'text-anchor': 'end' }, text);
}

/** A zoom's span in words: "30 s", "10 min", "1.5 h". */
function spanText(ms: number): string {
  if (ms < 60_000) return t('tlSeconds', { n: Math.round(ms / 1000) });
  if (ms < 90 * 60_000) return t('tlMinutes', { n: Math.round(ms / 60_000) });
  return t('tlHours', { n: Math.round(ms / 360_000) / 10 });
}

/** Everything but the clock's effect: when this is unchanged a tick needs no redraw. */
function shapeOf(l: Layout): string {
  return [
    l.axis.endMs,
    l.axis.x1,
    l.chart.viewportPx,
    l.height,
    l.playheadX === null,
    l.lanes.map((x) => x.key).join(','),
    l.bars.map((b) => `${b.key}:${b.ids.length}:${b.open}`).join(','),
    l.cues.map((m) => m.items.length).join(','),
    l.words.map((m) => m.items.length).join(','),
    l.coach.map((m) => m.items.length).join(','),
    l.comments.map((m) => m.items.length).join(','),
    lang(),
  ].join('|');
}
