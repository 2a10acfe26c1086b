// The posture track: one lane per participant, a chip per posture signal (kind 'posture')
// in media-time order, with the label in the interface language, the time it turned on and
// its score. Fed by the snapshot (review) and by live `signal` events.
import type { PostureSignal, Signal } from '../../protocol/protocol';
import { labelName, t } from '../i18n';
import { h } from './dom';
import { formatMs, formatScore } from './format';

export class PostureTrack {
  private signals: PostureSignal[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly counter: HTMLElement,
  ) {}

  get count(): number {
    return this.signals.length;
  }

  reset(signals: readonly Signal[]): void {
    this.signals = signals.filter((s): s is PostureSignal => s.kind === 'posture').sort(byTime);
    this.render();
  }

  /** A new posture signal, or an update of a shown one (e.g. when it ended). */
  add(s: Signal): void {
    if (s.kind !== 'posture') return;
    const at = this.signals.findIndex((x) => x.id === s.id);
    if (at >= 0) {
      this.signals[at] = s;
      this.render();
      return;
    }
    this.signals.push(s);
    this.signals.sort(byTime);
    this.render();
    this.root.querySelector(`[data-signal-id="${s.id}"]`)?.classList.add('is-new');
  }

  render(): void {
    this.counter.textContent = this.signals.length ? String(this.signals.length) : '';
    if (this.signals.length === 0) {
      this.root.replaceChildren(h('p', { class: 'empty' }, t('emptyPosture')));
      return;
    }
    const lanes = new Map<string, PostureSignal[]>();
    for (const s of this.signals) lanes.set(s.participant, [...(lanes.get(s.participant) ?? []), s]);
    this.root.replaceChildren(
      ...[...lanes].map(([participant, list]) =>
        h(
          'div',
          { class: 'posture-lane', 'data-testid': 'posture-lane', 'data-participant': participant },
          h('span', { class: 'posture-who' }, participant),
          h('ol', { class: 'posture-chips' }, ...list.map((s) => chip(s))),
        ),
      ),
    );
    for (const ol of this.root.querySelectorAll('.posture-chips')) ol.scrollLeft = ol.scrollWidth;
  }
}

function byTime(a: PostureSignal, b: PostureSignal): number {
  return a.mediaMs - b.mediaMs || a.id - b.id;
}

function chip(s: PostureSignal): HTMLElement {
  const since = s.startedMs < s.mediaMs ? ` (${t('postureSince', { time: formatMs(s.startedMs) })})` : '';
  return h(
    'li',
    {
      class: 'posture-item',
      'data-testid': 'posture-chip',
      'data-signal-id': s.id,
      'data-label': s.label,
      'data-participant': s.participant,
      'data-media-ms': s.mediaMs,
      'data-ended-ms': s.endedMs ?? null,
      'data-frame-id': s.frameId,
      title: `${s.participant} · ${labelName(s.label)} · ${formatMs(s.mediaMs)}${since} · ${t('score')} ${formatScore(s.score)} · ${t(s.source === 'browser' ? 'sourceBrowser' : 'sourceServer')} · ${t('model')}: ${s.modelVersion}`,
    },
    h('span', { class: `chip label-${s.label}` }, labelName(s.label)),
    h(
      'time',
      { class: 'posture-time' },
      s.endedMs !== null && s.endedMs !== undefined
        ? `${formatMs(s.mediaMs)}–${formatMs(s.endedMs)}`
        : formatMs(s.mediaMs),
    ),
    h('span', { class: 'posture-score' }, formatScore(s.score)),
  );
}
