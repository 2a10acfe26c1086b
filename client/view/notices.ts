// Dismissible messages for errors that are not tied to a form: rejected acks, session
// errors, protocol mismatches. The newest few are kept.
import { t } from '../i18n';
import { h } from './dom';

const MAX_NOTICES = 5;

export type NoticeKind = 'error' | 'info';

export class Notices {
  constructor(private readonly root: HTMLElement) {}

  /** Shows a message; `detail` is the server's text, shown verbatim. Returns what takes it away. */
  add(kind: NoticeKind, heading: string, detail = ''): () => void {
    const dismiss = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('dismiss'));
    const el = h(
      'div',
      { class: `notice notice-${kind}`, 'data-testid': 'notice' },
      h('strong', {}, heading),
      detail && h('span', { class: 'notice-detail' }, detail),
      dismiss,
    );
    dismiss.addEventListener('click', () => el.remove());
    this.root.prepend(el);
    while (this.root.children.length > MAX_NOTICES) this.root.lastElementChild?.remove();
    return () => el.remove();
  }

  clear(): void {
    this.root.replaceChildren();
  }
}
