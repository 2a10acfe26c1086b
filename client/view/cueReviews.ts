// Coaches' verdicts on the cue cards: two small toggles on each card, "Useful" and "False
// alarm" (aria-pressed; the pressed one clicked again takes the verdict back), quiet until the
// card is hovered or holds the focus (always in the Tab order), shown while a verdict is set;
// a reviewed card carries a small "Coach: useful" tag and a tinted border. Verdicts never
// change cues. No note: the API takes one, the cards do not ask for it. The cue view asks for
// each card's parts (parts()) and redraws a moment's card when asked; the verdicts come from
// the snapshot and from `cue_reviewed` events (apply()), matched to cards by moment.
import { CUE_VERDICTS, type Cue, type CueReview, type CueVerdict } from '../../protocol/protocol';
import { applyCueReviewed, cueReviewsOf, momentKey, reviewOf, toggledVerdict, type CueMoment, type CueReviewedEvent, type CueReviews } from '../cueReviews';
import { t, type StringKey } from '../i18n';
import { h } from './dom';

/** What a verdict asks of the page; each resolves false when it was refused (the page says why). */
export interface VerdictActions {
  save(sessionId: string, cue: Cue, verdict: CueVerdict): Promise<boolean>;
  remove(sessionId: string, cue: Cue): Promise<boolean>;
}

/** A card's verdict parts; null where there is nothing to show. */
export interface VerdictParts {
  /** The verdict held, for the card's tint. */
  verdict: CueVerdict | null;
  /** The small tag in the card's head, on a reviewed card. */
  tag: HTMLElement | null;
  /** The two toggles (a session whose cues can be reviewed). */
  toggles: HTMLElement | null;
}

const TEXT: Record<CueVerdict, { name: StringKey; tip: StringKey; tag: StringKey }> = {
  useful: { name: 'cueVerdictUseful', tip: 'cueVerdictUsefulTip', tag: 'cueVerdictTagUseful' },
  false_alarm: { name: 'cueVerdictFalseAlarm', tip: 'cueVerdictFalseAlarmTip', tag: 'cueVerdictTagFalseAlarm' },
};

export class CueVerdicts {
  private sessionId: string | null = null;
  private reviews: CueReviews = new Map();
  private editable = false;
  /** Moments whose verdict request is under way: their toggles wait (still focusable). */
  private readonly busy = new Set<string>();
  private redraw: (m: CueMoment) => void = () => {};

  constructor(
    private readonly actions: VerdictActions,
    /** The verdicts changed (the header's counts). */
    private readonly onChange: () => void,
  ) {}

  /** The cue view that shows the cards: how to redraw a moment's. */
  attach(redraw: (m: CueMoment) => void): void {
    this.redraw = redraw;
  }

  /**
   * The session shown and its verdicts (null: none, the demo's preview); `editable`: whether
   * verdicts may be given (not on a session the server lost). Called before the cards are drawn again.
   */
  setSession(sessionId: string | null, list: readonly CueReview[], editable: boolean): void {
    if (sessionId !== this.sessionId) this.busy.clear();
    this.sessionId = sessionId;
    this.reviews = sessionId === null ? new Map() : cueReviewsOf(sessionId, list);
    this.editable = editable && sessionId !== null;
    this.onChange();
  }

  /** Verdicts may (no longer) be given: the cards are drawn again by the caller. */
  setEditable(editable: boolean): void {
    this.editable = editable && this.sessionId !== null;
    this.onChange();
  }

  /** The verdicts held for the session shown. */
  get all(): CueReviews {
    return this.reviews;
  }

  /** A `cue_reviewed` event, or this window's own answer as one: the moment's card is drawn again. */
  apply(ev: CueReviewedEvent): void {
    const next = applyCueReviewed(this.reviews, this.sessionId, ev);
    if (next === this.reviews) return;
    this.reviews = next;
    this.redraw(ev);
    this.onChange();
  }

  parts(cue: Cue): VerdictParts {
    const moment = { cueType: cue.type, mediaMs: cue.mediaMs };
    const verdict = reviewOf(this.reviews, moment)?.verdict ?? null;
    return {
      verdict,
      tag: verdict && h('span', { class: `cue-verdict-tag verdict-${verdict}`, 'data-testid': 'cue-verdict-tag', 'data-verdict': verdict, title: t('cueVerdictTagTip') }, t(TEXT[verdict].tag)),
      toggles: this.editable ? this.toggles(cue, verdict) : null,
    };
  }

  private toggles(cue: Cue, held: CueVerdict | null): HTMLElement {
    const key = momentKey({ cueType: cue.type, mediaMs: cue.mediaMs });
    const busy = this.busy.has(key);
    return h(
      'div',
      { class: `cue-verdicts${held ? ' is-set' : ''}`, role: 'group', 'aria-label': t('cueVerdictGroup'), 'aria-busy': String(busy) },
      ...CUE_VERDICTS.map((v) => {
        const b = h(
          'button',
          {
            type: 'button',
            class: `btn btn-small btn-ghost cue-verdict-btn verdict-${v}`,
            'aria-pressed': String(held === v),
            // Not `disabled` while its request runs: the focus stays on it.
            'aria-disabled': String(busy),
            title: t(TEXT[v].tip),
            'data-testid': 'cue-verdict',
            'data-verdict': v,
            'data-focus-key': `verdict:${key}:${v}`,
          },
          t(TEXT[v].name),
        );
        b.addEventListener('click', () => void this.toggle(cue, v));
        return b;
      }),
    );
  }

  private async toggle(cue: Cue, clicked: CueVerdict): Promise<void> {
    const sessionId = this.sessionId;
    const moment = { cueType: cue.type, mediaMs: cue.mediaMs };
    const key = momentKey(moment);
    if (sessionId === null || !this.editable || this.busy.has(key)) return;
    const next = toggledVerdict(reviewOf(this.reviews, moment)?.verdict, clicked);
    this.busy.add(key);
    this.redraw(moment);
    try {
      await (next === null ? this.actions.remove(sessionId, cue) : this.actions.save(sessionId, cue, next));
    } finally {
      if (this.sessionId === sessionId) {
        this.busy.delete(key);
        this.redraw(moment);
      }
    }
  }
}
