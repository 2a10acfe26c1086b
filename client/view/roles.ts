// The role assignment panel: shown when the server reports speakers without a role; one
// customer/rep select per speaker, saved in one PUT.
import type { Role } from '../../protocol/protocol';
import { t } from '../i18n';
import { h } from './dom';

export class RolesPanel {
  private speakers: string[] = [];
  private readonly chosen = new Map<string, Role>();
  private saving = false;
  private error = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly save: (roles: Record<string, Role>) => Promise<void>,
  ) {}

  show(speakers: readonly string[]): void {
    this.speakers = [...new Set(speakers)];
    for (const name of [...this.chosen.keys()]) if (!this.speakers.includes(name)) this.chosen.delete(name);
    this.error = '';
    this.render();
  }

  hide(): void {
    this.speakers = [];
    this.chosen.clear();
    this.render();
  }

  render(): void {
    this.root.hidden = this.speakers.length === 0;
    if (this.root.hidden) {
      this.root.replaceChildren();
      return;
    }
    const rows = this.speakers.map((name, i) => {
      const id = `role-${i}`;
      const select = h(
        'select',
        { id, 'data-speaker': name, 'data-testid': 'role-select' },
        h('option', { value: '' }, t('roleUnset')),
        h('option', { value: 'customer' }, t('roleCustomer')),
        h('option', { value: 'rep' }, t('roleRep')),
      );
      select.value = this.chosen.get(name) ?? '';
      select.addEventListener('change', () => {
        const v = select.value;
        if (v === 'customer' || v === 'rep') this.chosen.set(name, v);
        else this.chosen.delete(name);
        button.disabled = this.chosen.size === 0 || this.saving;
      });
      return h('div', { class: 'role-row' }, h('label', { for: id }, name), select);
    });
    const button = h(
      'button',
      { type: 'submit', class: 'btn btn-primary', disabled: this.chosen.size === 0 || this.saving },
      this.saving ? t('rolesSaving') : t('rolesSave'),
    );
    const form = h(
      'form',
      { class: 'roles-form' },
      h('h2', {}, t('rolesTitle')),
      h('p', { class: 'help' }, t('rolesHelp')),
      h('div', { class: 'role-rows' }, ...rows),
      h('div', { class: 'roles-actions' }, button),
      this.error && h('p', { class: 'error', role: 'alert' }, this.error),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    this.root.replaceChildren(form);
  }

  private async submit(): Promise<void> {
    if (this.chosen.size === 0 || this.saving) return;
    this.saving = true;
    this.error = '';
    this.render();
    try {
      await this.save(Object.fromEntries(this.chosen));
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.saving = false;
      this.render();
    }
  }
}
