// The transcript pane: one row per utterance (speaker, role badge, media time, text),
// highlighted with its signal's label and score once the signal arrives, and with a coach's
// label of the turn when it has one (see TurnLabels).
import type { Signal, Utterance, VerbalLabel, VerbalSignal } from '../../protocol/protocol';
import { correctionLabelName, labelName, roleName, t } from '../i18n';
import { h } from './dom';
import { RowChunks } from './rowChunks';
import { DEFAULT_CUE_MIN_SCORE, formatMs, formatScore, isTentative } from './format';
import { turnAt } from './timeline';
import type { CommentsView } from './comments';
import type { TurnLabels } from './turnLabels';
import type { TurnEdits } from './turnEdits';

/** How close to the bottom (px) still counts as "following" the newest line. */
const FOLLOW_SLACK_PX = 120;

/** A focused control of the transcript, found again by its key once redrawn; a text field's selection with it. */
interface Focused {
  key: string;
  selection?: readonly [number, number, string];
}

export class TranscriptView {
  private utterances: Utterance[] = [];
  private readonly signals = new Map<number, VerbalSignal>();
  private readonly rows = new Map<number, HTMLLIElement>();
  private emptyText = '';
  /**
   * The turn chosen from the timeline or in Find, marked until the user moves on: another turn
   * chosen, another session shown, or a click in the transcript outside its row. Kept through
   * redraws (a language switch, the session read again after a re-analysis).
   */
  private focusedId: number | null = null;
  /** Chosen in Find: the marked turn also takes the keyboard's focus (by script only), through redraws too. */
  private focusable = false;
  /** Signals scoring below this raise no cue (the server's cueMinSignalScore): shown as tentative. */
  private cueMinScore = DEFAULT_CUE_MIN_SCORE;
  private readonly chunks: RowChunks;

  constructor(
    private readonly list: HTMLElement,
    private readonly scroller: HTMLElement,
    /** Coaches' labels of the customer turns, drawn in each row. */
    private readonly labels?: TurnLabels,
    /** Coaches' comments, each under the turn being spoken at its moment. */
    private readonly comments?: CommentsView,
    /** Coaches' corrections of the turns themselves (Edit, Delete turn, the edited marker). */
    private readonly edits?: TurnEdits,
  ) {
    edits?.attach(
      (id) => this.redrawRow(id),
      () => this.render(),
    );
    this.chunks = new RowChunks(list);
    labels?.attach(
      (id) => this.redrawRow(id),
      (id) => this.signals.get(id),
    );
    comments?.attach({ turns: () => this.utterances, redrawRow: (id) => this.redrawRow(id), redrawAll: () => this.render() });
    // A click elsewhere in the transcript moves on from the chosen turn; one inside its row (its
    // Label, Comment or Edit) does not.
    list.addEventListener('click', (ev) => {
      if (this.focusedId === null || !(ev.target instanceof Element)) return;
      const row = ev.target.closest<HTMLElement>('[data-testid="utterance"]');
      if (row?.dataset.utteranceId === String(this.focusedId)) return;
      this.unmark();
    });
  }

  /** No turn marked any more: its row loses the highlight and its place in the keyboard's focus. */
  private unmark(): void {
    const row = this.focusedId === null ? undefined : this.rows.get(this.focusedId);
    this.focusedId = null;
    this.focusable = false;
    if (!row) return;
    row.classList.remove('is-focused');
    row.removeAttribute('tabindex');
    delete row.dataset.focusKey;
  }

  /**
   * Shows another session, or the same one read again. `scroll`: `end` for a live session (on
   * its newest turn, following the new ones), `start` for a stored one (read from the
   * beginning), `keep` for the same session read again (the reader keeps their place).
   */
  reset(utterances: readonly Utterance[], signals: readonly Signal[], opts: { scroll: 'end' | 'start' | 'keep'; emptyText?: string }): void {
    const kept = this.scroller.scrollTop;
    this.utterances = [...utterances].sort((a, b) => a.seq - b.seq);
    this.signals.clear();
    for (const s of signals) if (s.kind === 'verbal') this.signals.set(s.utteranceId, s);
    this.emptyText = opts.emptyText ?? t('emptyTranscript');
    // The same session read again keeps its chosen turn, if it still has it; another session does not.
    if (opts.scroll !== 'keep' || !this.utterances.some((u) => u.id === this.focusedId)) {
      this.focusedId = null;
      this.focusable = false;
    }
    this.render();
    this.scroller.scrollTop = opts.scroll === 'end' ? this.scroller.scrollHeight : opts.scroll === 'start' ? 0 : kept;
  }

  /** The pane is where a stored session opens (its start): the reader has not moved it. */
  get atStart(): boolean {
    return this.scroller.scrollTop === 0;
  }

  /** Goes to the newest turn, and so follows the turns that come next. */
  scrollToEnd(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** The least score a cue is built on, from the server's health answer. */
  setCueMinScore(score: number): void {
    if (score === this.cueMinScore) return;
    this.cueMinScore = score;
    this.render();
  }

  get count(): number {
    return this.utterances.length;
  }

  addUtterance(u: Utterance): void {
    if (this.rows.has(u.id)) return; // the ack and the broadcast both deliver it
    const follow = this.isFollowing();
    const at = this.utterances.findIndex((x) => x.seq > u.seq);
    const row = this.row(u);
    if (at === -1) {
      this.utterances.push(u);
      this.chunks.insert(row, null);
    } else {
      const before = this.rows.get(this.utterances[at]?.id ?? -1) ?? null;
      this.utterances.splice(at, 0, u);
      this.chunks.insert(row, before);
    }
    this.rows.set(u.id, row);
    this.comments?.turnsChanged(); // comments after its start now show under it
    // Only the pane scrolls: scrollIntoView would also scroll the page, pulling a manager who
    // is reading the cues (above the transcript on a phone) down to every new turn.
    if (follow) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  addSignal(s: Signal): void {
    if (s.kind !== 'verbal') return; // posture signals are not tied to an utterance
    this.signals.set(s.utteranceId, s);
    this.redrawRow(s.utteranceId);
  }

  /** Whether the turn is shown. */
  has(utteranceId: number): boolean {
    return this.rows.has(utteranceId);
  }

  /** Whether the turn is shown and its speaker is a customer (whose turns a coach's label counts for). */
  isCustomerTurn(utteranceId: number): boolean {
    return this.rows.has(utteranceId) && this.utterances.find((u) => u.id === utteranceId)?.role === 'customer';
  }

  /** The turn's verbal signal, if it has one. */
  signalOf(utteranceId: number): VerbalSignal | undefined {
    return this.signals.get(utteranceId);
  }

  /**
   * Draws one turn's row again (its signal arrived, its label changed). The label makes the row
   * taller: when following, stay at the bottom so the newest turn's label (the point of the
   * highlight) is not hidden below the fold. The focus stays on the same control in it.
   */
  redrawRow(utteranceId: number): void {
    const old = this.rows.get(utteranceId);
    const u = this.utterances.find((x) => x.id === utteranceId);
    if (!old || !u) return; // shown when its utterance arrives
    const follow = this.isFollowing();
    const focused = this.focusedKey();
    const row = this.row(u);
    old.replaceWith(row);
    this.rows.set(u.id, row);
    this.refocus(focused);
    if (follow) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /**
   * The `data-focus-key` of the control focused in the transcript, to find it again once redrawn,
   * and, in a text field, where its caret or selection was: a redraw while a coach types (the
   * session read again for another window's change) must not move the caret to the end.
   */
  private focusedKey(): Focused | undefined {
    const a = document.activeElement;
    if (!(a instanceof HTMLElement) || !this.list.contains(a) || a.dataset.focusKey === undefined) return undefined;
    const field = a instanceof HTMLTextAreaElement || a instanceof HTMLInputElement ? a : null;
    return {
      key: a.dataset.focusKey,
      ...(field && field.selectionStart !== null && field.selectionEnd !== null
        ? { selection: [field.selectionStart, field.selectionEnd, field.selectionDirection ?? 'none'] as const }
        : {}),
    };
  }

  private refocus(focused: Focused | undefined): void {
    if (focused === undefined) return;
    const again = [...this.list.querySelectorAll<HTMLElement>('[data-focus-key]')].find((e) => e.dataset.focusKey === focused.key);
    if (!again) return;
    // Disabled meanwhile (a label being saved): the focus waits on its form.
    if ((again as HTMLButtonElement).disabled) again.closest<HTMLElement>('form[tabindex="-1"]')?.focus();
    else again.focus();
    if (focused.selection && (again instanceof HTMLTextAreaElement || again instanceof HTMLInputElement)) {
      const [start, end, direction] = focused.selection;
      try {
        again.setSelectionRange(start, end, direction as 'forward' | 'backward' | 'none');
      } catch {
        // A field without a caret (not a text input): nothing to put back.
      }
    }
  }

  /**
   * Scrolls to and marks the turn behind a moment: the given utterance, else the turn spoken
   * at (or just before) mediaMs. Playback has no seek, so the transcript is where one goes back.
   */
  focus(mediaMs: number, utteranceId: number | null, opts: { keyboard?: boolean } = {}): Utterance | null {
    const u = this.utterances.find((x) => x.id === utteranceId) ?? turnAt(this.utterances, mediaMs);
    if (!u) return null;
    this.unmark();
    this.focusedId = u.id;
    this.focusable = opts.keyboard === true;
    for (const row of this.list.querySelectorAll('.is-focused')) row.classList.remove('is-focused');
    const row = this.rows.get(u.id);
    if (!row) return u;
    // Chosen in Find: the keyboard's focus goes to the turn too (focusable by script only, so
    // the Tab walk is unchanged), and Tab goes on to its Label and Comment buttons.
    this.markRow(row);
    row.scrollIntoView({ block: 'center', behavior: 'smooth' });
    if (opts.keyboard) row.focus({ preventScroll: true });
    return u;
  }

  /** The chosen turn's row marked: highlighted and, chosen in Find, focusable by script and found again after a redraw. */
  private markRow(row: HTMLElement): void {
    row.classList.add('is-focused');
    if (!this.focusable) return;
    row.tabIndex = -1;
    row.dataset.focusKey = 'found-turn';
  }

  /** Signals scoring below this raise no cue (shown as uncertain). */
  get minScore(): number {
    return this.cueMinScore;
  }

  /** Rebuilds every row, e.g. after a language switch. */
  render(): void {
    const focused = this.focusedKey();
    this.rows.clear();
    this.comments?.turnsReset();
    if (this.utterances.length === 0) {
      this.chunks.placeholder(h('p', { class: 'empty' }, this.emptyText));
      return;
    }
    const rows = this.utterances.map((u) => {
      const row = this.row(u);
      this.rows.set(u.id, row);
      return row;
    });
    this.chunks.reset(rows);
    this.refocus(focused);
  }

  private isFollowing(): boolean {
    const el = this.scroller;
    return el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_SLACK_PX;
  }

  private row(u: Utterance): HTMLLIElement {
    const signal = this.signals.get(u.id);
    // A signal too weak to raise a cue is shown, but as uncertain: the row is not highlighted.
    const tentative = signal !== undefined && signal.label !== 'neutral' && isTentative(signal.score, this.cueMinScore);
    const highlighted = signal !== undefined && signal.label !== 'neutral' && !tentative;
    const label = this.labels?.parts(u, signal);
    const comment = this.comments?.parts(u);
    const edit = this.edits?.parts(u);
    const overruled = label?.overruledBy ?? null;
    const row = h(
      'li',
      {
        class: `utt role-${u.role ?? 'none'}${highlighted ? ` has-signal label-${signal.label}` : ''}${label?.editor || comment?.editor || edit?.panel ? ' is-labelling' : ''}${edit?.updating ? ' is-updating' : ''}`,
        'aria-busy': edit?.updating ? 'true' : null,
        // Explicit: its list is the transcript, past the chunk elements (role none) it sits in.
        role: 'listitem',
        'data-testid': 'utterance',
        'data-utterance-id': u.id,
        'data-role': u.role ?? 'none',
        'data-label': signal?.label,
        'data-coach-label': this.labels?.all.get(u.id)?.label,
      },
      h(
        'div',
        { class: 'utt-meta' },
        // The meeting's own text isolated (dir="auto", as <bdi>): a right-to-left name or line does
        // not pull the role badge, the time or punctuation around it.
        h('span', { class: 'utt-speaker', dir: 'auto' }, u.speaker),
        h('span', { class: `role-badge role-${u.role ?? 'none'}` }, roleName(u.role)),
        h('time', { class: 'utt-time', title: t('mediaClock') }, formatMs(u.startMs)),
        edit?.marker,
        label?.button,
        comment?.button,
        edit?.edit,
        edit?.remove,
      ),
      h('p', { class: 'utt-text', dir: 'auto' }, u.text),
      signal &&
        h(
          'div',
          {
            class: `utt-signal label-${signal.label}${tentative ? ' tentative' : ''}`,
            'data-testid': 'signal-label',
            'data-label': signal.label,
            ...(tentative ? { 'data-tentative': 'true' } : {}),
            title: tentative ? `${t('tentative', { pct: formatScore(this.cueMinScore) })} · ${signal.modelVersion}` : signal.modelVersion,
          },
          overruled ? this.overruledChip(signal.label, overruled) : h('span', { class: `chip label-${signal.label}` }, labelName(signal.label)),
          h('span', { class: 'utt-score' }, formatScore(signal.score)),
          label?.coach,
        ),
      // No signal: the model said "no signal", struck through when the coach said otherwise.
      !signal &&
        label?.coach &&
        h('div', { class: 'utt-signal utt-coach' }, overruled && this.overruledChip('neutral', overruled), label.coach),
      edit?.panel,
      label?.editor,
      comment?.list,
      comment?.editor,
    );
    if (u.id === this.focusedId) this.markRow(row);
    return row;
  }

  /** The model's label where the coach said otherwise: struck through, and said so to a screen reader. */
  private overruledChip(model: VerbalLabel, coach: VerbalLabel): HTMLElement {
    const modelName = correctionLabelName(model);
    return h(
      's',
      {
        class: `chip overruled label-${model}`,
        'data-testid': 'model-overruled',
        'data-label': model,
        title: t('modelSaidOther', { model: modelName, coach: correctionLabelName(coach) }),
      },
      h('span', { class: 'sr-only' }, t('modelSaid', { label: '' })),
      model === 'neutral' ? modelName : labelName(model),
    );
  }
}
