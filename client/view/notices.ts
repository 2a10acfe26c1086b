// Dismissible messages for errors that are not tied to a form: rejected acks, session
// errors, protocol mismatches. The newest few are kept; the same message again is not added
// twice but moved to the top with a count ("×3"). Text given as a function is worded again
// when the UI language changes (render()), so a notice does not stay in the old language.
import { t } from '../i18n';
import { h, setIsolatedText } from './dom';

const MAX_NOTICES = 5;

export type NoticeKind = 'error' | 'info';

/** Text, or what words it in the current UI language. */
export type NoticeText = string | (() => string);

/** A button on a notice that does something about it (the notice goes once it is pressed). */
export interface NoticeAction {
  label: NoticeText;
  run: () => void;
}

interface Shown {
  el: HTMLElement;
  count: number;
  repeat: HTMLElement;
  /** Fills the notice's text in the current language. */
  word: () => void;
  kind: NoticeKind;
  heading: NoticeText;
  detail: NoticeText;
}

const say = (text: NoticeText): string => (typeof text === 'function' ? text() : text);
const keyOf = (kind: NoticeKind, heading: NoticeText, detail: NoticeText): string => JSON.stringify([kind, say(heading), say(detail)]);

export class Notices {
  /** The notices shown, by kind, heading and detail. */
  private readonly shown = new Map<string, Shown>();

  constructor(private readonly root: HTMLElement) {}

  /**
   * Shows a message; `detail` is what the server said, worded for the UI language by the caller.
   * Returns what takes it away.
   */
  add(kind: NoticeKind, heading: NoticeText, detail: NoticeText = '', action?: NoticeAction): () => void {
    const key = keyOf(kind, heading, detail);
    const same = this.shown.get(key);
    if (same && same.el.isConnected) {
      same.count++;
      same.word();
      this.root.prepend(same.el);
      return () => this.remove(same.el);
    }
    const dismiss = h('button', { type: 'button', class: 'btn btn-ghost btn-small' });
    const repeat = h('span', { class: 'notice-repeat', 'data-testid': 'notice-repeat', hidden: true });
    const act = action && h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'notice-action' });
    const strong = h('strong', {});
    const detailEl = h('span', { class: 'notice-detail' });
    const el = h('div', { class: `notice notice-${kind}`, 'data-testid': 'notice' }, strong, detailEl, repeat, act, dismiss);
    const shown: Shown = {
      el,
      count: 1,
      repeat,
      kind,
      heading,
      detail,
      word: () => {
        setIsolatedText(strong, say(heading));
        const d = say(detail);
        setIsolatedText(detailEl, d);
        detailEl.hidden = d === '';
        repeat.textContent = shown.count > 1 ? t('noticeRepeat', { n: shown.count }) : '';
        repeat.hidden = shown.count <= 1;
        if (act && action) act.textContent = say(action.label);
        dismiss.textContent = t('dismiss');
      },
    };
    shown.word();
    dismiss.addEventListener('click', () => this.remove(el));
    act?.addEventListener('click', () => {
      this.remove(el);
      action?.run();
    });
    this.shown.set(key, shown);
    this.root.prepend(el);
    while (this.root.children.length > MAX_NOTICES) this.root.lastElementChild?.remove();
    for (const [k, v] of this.shown) if (!v.el.isConnected) this.shown.delete(k);
    return () => this.remove(el);
  }

  /** Words every notice again in the current UI language (call when it changes). */
  render(): void {
    const all = [...this.shown.values()];
    this.shown.clear();
    for (const s of all) {
      s.word();
      // Keyed by the new wording, so the same message arriving now is counted, not repeated.
      this.shown.set(keyOf(s.kind, s.heading, s.detail), s);
    }
  }

  private remove(el: HTMLElement): void {
    el.remove();
    for (const [k, v] of this.shown) if (v.el === el) this.shown.delete(k);
  }

  clear(): void {
    this.root.replaceChildren();
    this.shown.clear();
  }
}
