// The cue pane: a card per cue, newest on top, explaining itself — title and tip in the
// interface language, technique, score, the evidence (quoted words; posture as a label
// chip), the model version, and a coach's verdict on it (see CueVerdicts).
import type { Cue } from '../../protocol/protocol';
import type { CueMoment } from '../cueReviews';
import { cueTypeName, labelName, labelled, lang, t, techniqueName } from '../i18n';
import { h } from './dom';
import type { CueVerdicts } from './cueReviews';
import { formatMs, formatScore } from './format';

export class CueView {
  /** Newest first. */
  private cues: Cue[] = [];

  constructor(
    private readonly list: HTMLElement,
    private readonly counter: HTMLElement,
    /** Coaches' verdicts, drawn on each card. */
    private readonly verdicts?: CueVerdicts,
  ) {
    verdicts?.attach((m) => this.redrawMoment(m));
  }

  /** The cues shown, newest first. */
  get all(): readonly Cue[] {
    return this.cues;
  }

  /** Draws the cards of a moment again (its verdict changed); the focus stays on the same control. */
  redrawMoment(m: CueMoment): void {
    const a = document.activeElement;
    const focused = a instanceof HTMLElement && this.list.contains(a) ? a.dataset.focusKey : undefined;
    for (const cue of this.cues) {
      if (cue.type !== m.cueType || cue.mediaMs !== m.mediaMs) continue;
      const old = this.list.querySelector(`[data-testid="cue-card"][data-cue-id="${cue.id}"]`);
      old?.replaceWith(this.card(cue));
    }
    if (focused === undefined) return;
    [...this.list.querySelectorAll<HTMLElement>('[data-focus-key]')].find((e) => e.dataset.focusKey === focused)?.focus();
  }

  reset(cues: readonly Cue[]): void {
    this.cues = [...cues].sort((a, b) => b.mediaMs - a.mediaMs || b.id - a.id);
    this.render();
  }

  add(cue: Cue): void {
    if (this.cues.some((c) => c.id === cue.id)) return;
    if (this.cues.length === 0) this.list.replaceChildren();
    this.cues.unshift(cue);
    const card = this.card(cue);
    card.classList.add('is-new'); // a one-shot CSS animation marks the arrival
    this.list.prepend(card);
    this.updateCounter();
  }

  /** Rebuilds every card, e.g. after a language switch. */
  render(): void {
    this.updateCounter();
    if (this.cues.length === 0) {
      this.list.replaceChildren(h('p', { class: 'empty' }, t('emptyCues')));
      return;
    }
    this.list.replaceChildren(...this.cues.map((c) => this.card(c)));
  }

  private updateCounter(): void {
    this.counter.textContent = this.cues.length ? String(this.cues.length) : '';
  }

  private card(cue: Cue): HTMLElement {
    const l = lang();
    const pct = formatScore(cue.score);
    const review = this.verdicts?.parts(cue) ?? { verdict: null, tag: null, toggles: null };
    return h(
      'article',
      {
        class: `cue cue--${cue.type}${review.verdict ? ` is-reviewed verdict-${review.verdict}` : ''}`,
        'data-testid': 'cue-card',
        'data-cue-type': cue.type,
        'data-cue-id': cue.id,
        'data-media-ms': cue.mediaMs,
        'data-reason': cue.reason,
        'data-verdict': review.verdict,
      },
      h(
        'header',
        { class: 'cue-head' },
        h('span', { class: 'cue-type' }, cueTypeName(cue.type)),
        review.tag,
        h('time', { class: 'cue-time', title: t('mediaClock') }, formatMs(cue.mediaMs)),
      ),
      h('h3', { class: 'cue-title', 'data-testid': 'cue-title' }, cue.title[l]),
      h('p', { class: 'cue-tip', 'data-testid': 'cue-tip' }, cue.tip[l]),
      h(
        'dl',
        { class: 'cue-facts' },
        h('div', {}, h('dt', {}, t('technique')), h('dd', { class: 'cue-technique' }, techniqueName(cue.technique))),
        h(
          'div',
          {},
          h('dt', {}, t('score')),
          h(
            'dd',
            { class: 'cue-score' },
            scoreBar(cue.score, `${t('score')} ${pct}`),
            h('span', { class: 'cue-score-num' }, pct),
          ),
        ),
      ),
      cue.evidence.length > 0 &&
        h(
          'div',
          { class: 'cue-evidence' },
          h('h4', {}, t('evidence')),
          h(
            'ul',
            {},
            ...cue.evidence.map((e) =>
              h(
                'li',
                {
                  'data-testid': 'cue-evidence',
                  'data-kind': e.kind,
                  'data-label': e.label,
                  'data-utterance-id': e.utteranceId,
                  'data-frame-id': e.frameId,
                },
                h(
                  'div',
                  { class: 'ev-meta' },
                  h('span', { class: `chip label-${e.label}` }, labelName(e.label)),
                  e.kind === 'posture' && h('span', { class: 'ev-kind' }, `${t('postureEvidence')} · ${e.participant}`),
                  h('time', {}, formatMs(e.mediaMs)),
                  h('span', { class: 'ev-score' }, formatScore(e.score)),
                ),
                // Posture evidence has no words: its `text` is an English description, and
                // the localized label chip says the same in the interface language.
                e.kind === 'verbal' && h('q', { class: 'ev-text' }, e.text),
              ),
            ),
          ),
        ),
      h('footer', { class: 'cue-foot' }, h('p', { class: 'cue-model' }, labelled(t('model'), cue.modelVersion)), review.toggles),
    );
  }
}

function scoreBar(score: number, label: string): HTMLElement {
  const pct = Math.round(Math.min(1, Math.max(0, score)) * 100);
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${pct}%`;
  return h(
    'span',
    { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-label': label },
    fill,
  );
}
