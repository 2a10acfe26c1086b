// Dismissible messages for errors that are not tied to a form: rejected acks, session
// errors, protocol mismatches. The newest few are kept; the same message again is not added
// twice but moved to the top with a count ("×3").
import { t } from '../i18n';
import { h } from './dom';

const MAX_NOTICES = 5;

export type NoticeKind = 'error' | 'info';

/** A button on a notice that does something about it (the notice goes once it is pressed). */
export interface NoticeAction {
  label: string;
  run: () => void;
}

interface Shown {
  el: HTMLElement;
  count: number;
  repeat: HTMLElement;
}

export class Notices {
  /** The notices shown, by kind, heading and detail. */
  private readonly shown = new Map<string, Shown>();

  constructor(private readonly root: HTMLElement) {}

  /**
   * Shows a message; `detail` is what the server said, worded for the UI language by the caller.
   * Returns what takes it away.
   */
  add(kind: NoticeKind, heading: string, detail = '', action?: NoticeAction): () => void {
    const key = JSON.stringify([kind, heading, detail]);
    const same = this.shown.get(key);
    if (same && same.el.isConnected) {
      same.count++;
      same.repeat.textContent = t('noticeRepeat', { n: same.count });
      same.repeat.hidden = false;
      this.root.prepend(same.el);
      return () => this.remove(key, same.el);
    }
    const dismiss = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('dismiss'));
    const repeat = h('span', { class: 'notice-repeat', 'data-testid': 'notice-repeat', hidden: true });
    const act = action && h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'notice-action' }, action.label);
    const el = h(
      'div',
      { class: `notice notice-${kind}`, 'data-testid': 'notice' },
      h('strong', {}, heading),
      detail && h('span', { class: 'notice-detail' }, detail),
      repeat,
      act,
      dismiss,
    );
    dismiss.addEventListener('click', () => this.remove(key, el));
    act?.addEventListener('click', () => {
      this.remove(key, el);
      action?.run();
    });
    this.shown.set(key, { el, count: 1, repeat });
    this.root.prepend(el);
    while (this.root.children.length > MAX_NOTICES) this.root.lastElementChild?.remove();
    for (const [k, v] of this.shown) if (!v.el.isConnected) this.shown.delete(k);
    return () => this.remove(key, el);
  }

  private remove(key: string, el: HTMLElement): void {
    el.remove();
    if (this.shown.get(key)?.el === el) this.shown.delete(key);
  }

  clear(): void {
    this.root.replaceChildren();
    this.shown.clear();
  }
}
