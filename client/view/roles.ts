// The role panel and its header button. Every session shown with someone in it offers the button ("Roles"),
// which opens the panel listing all participants with their current role, so a role given
// wrongly can be changed or swapped; the panel also opens by itself when the server reports
// speakers without a role. Save sends one PUT with the roles that changed; while the server
// re-analyses, the button says so and is disabled. Escape or Close shuts the panel and gives
// the focus back to the button.
import type { ApiError, Participant, Role } from '../../protocol/protocol';
import { toApiError } from '../api';
import { errorMessage } from '../errorText';
import { t } from '../i18n';
import { changedRoles, pendingChoices, roleRows, type RoleRow } from '../roleChanges';
import { h } from './dom';

export class RolesPanel {
  private sessionId: string | null = null;
  private rows: RoleRow[] = [];
  /** The coach's choices; null: take the role away. */
  private chosen = new Map<string, Role | null>();
  private open = false;
  /** Opened because speakers have no role (rather than by the button). */
  private prompted = false;
  /** The session whose roles are being saved (its re-analysis under way), if any. */
  private savingFor: string | null = null;
  /** A save is under way for the session shown (another session's does not lock this one). */
  private get saving(): boolean {
    return this.savingFor !== null && this.savingFor === this.sessionId;
  }
  private error: ApiError | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly toggle: HTMLButtonElement,
    private readonly save: (sessionId: string, roles: Record<string, Role | null>) => Promise<void>,
  ) {
    toggle.addEventListener('click', () => {
      if (this.open) this.close();
      else this.openPanel();
    });
    root.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape' || !this.open) return;
      ev.preventDefault();
      this.close();
    });
  }

  /**
   * The session shown (null: none, e.g. the demo preview) as the server holds it now. The
   * panel opens by itself for speakers without a role; open on the same session, it keeps the
   * choices that still change a role.
   */
  setSession(sessionId: string | null, participants: readonly Participant[], unassigned: readonly string[]): void {
    if (sessionId !== this.sessionId) {
      this.sessionId = sessionId;
      this.chosen.clear();
      this.error = null;
      this.open = false;
      this.prompted = false;
    }
    this.rows = sessionId === null ? [] : roleRows(participants, unassigned);
    this.chosen = pendingChoices(this.rows, this.chosen);
    if (unassigned.length > 0) {
      this.open = true;
      this.prompted = true;
    } else if (this.prompted && !this.saving) {
      // Everyone has a role now (given here or in another window): the prompt has done its job.
      this.open = false;
      this.prompted = false;
    }
    this.render();
  }

  /** A live session reports speakers without a role: they are listed, and the panel opens. */
  rolesNeeded(speakers: readonly string[]): void {
    if (this.sessionId === null || speakers.length === 0) return;
    this.rows = roleRows(this.rows, speakers);
    this.chosen = pendingChoices(this.rows, this.chosen);
    this.open = true;
    this.prompted = true;
    this.render();
  }

  private openPanel(): void {
    if (this.sessionId === null) return;
    this.open = true;
    this.render();
    this.root.querySelector<HTMLSelectElement>('select')?.focus();
  }

  private close(): void {
    const hadFocus = this.root.contains(document.activeElement);
    this.open = false;
    this.prompted = false;
    this.error = null;
    this.render();
    if (hadFocus) this.toggle.focus();
  }

  render(): void {
    this.renderToggle();
    // Rebuilt in place (a language switch, a reload): the focus stays on the same control.
    const focused =
      document.activeElement instanceof HTMLElement && this.root.contains(document.activeElement)
        ? document.activeElement.dataset.focusKey
        : undefined;
    this.root.hidden = !this.open || this.rows.length === 0;
    if (this.root.hidden) {
      this.root.replaceChildren();
      return;
    }
    const changes = new Set(Object.keys(changedRoles(this.rows, this.chosen)));
    const button = h(
      'button',
      {
        type: 'submit',
        class: 'btn btn-primary',
        'data-focus-key': 'save',
        disabled: changes.size === 0 || this.saving,
      },
      this.saving ? t('rolesSaving') : t('rolesSave'),
    );
    const rows = this.rows.map((row, i) => {
      const id = `role-${i}`;
      // The empty value is "no role": "— choose —" for someone without one, and for someone
      // with a role, a way to take it away (an interpreter or a colleague given one by mistake).
      const select = h(
        'select',
        {
          id,
          'data-speaker': row.name,
          'data-testid': 'role-select',
          'data-focus-key': `role:${row.name}`,
          disabled: this.saving,
        },
        row.role === null && h('option', { value: '' }, t('roleUnset')),
        h('option', { value: 'customer' }, t('roleCustomer')),
        h('option', { value: 'rep' }, t('roleRep')),
        row.role !== null && h('option', { value: '' }, t('roleNone')),
      );
      const choice = this.chosen.has(row.name) ? this.chosen.get(row.name)! : row.role;
      select.value = choice ?? '';
      const line = h(
        'div',
        { class: 'role-row', 'data-changed': changes.has(row.name) },
        h('label', { for: id }, row.name),
        select,
      );
      select.addEventListener('change', () => {
        const v = select.value === 'customer' || select.value === 'rep' ? select.value : null;
        if (v !== row.role) this.chosen.set(row.name, v);
        else this.chosen.delete(row.name);
        const changed = changedRoles(this.rows, this.chosen);
        line.toggleAttribute('data-changed', Object.keys(changed).includes(row.name));
        button.disabled = Object.keys(changed).length === 0 || this.saving;
      });
      return line;
    });
    const form = h(
      'form',
      {
        class: 'roles-form',
        tabindex: -1,
        'data-focus-key': 'form',
        'aria-busy': this.saving,
        'aria-labelledby': 'roles-h',
      },
      h('h2', { id: 'roles-h' }, t('rolesTitle')),
      h('p', { class: 'help' }, this.prompted ? t('rolesHelp') : t('rolesEditHelp')),
      h('div', { class: 'role-rows' }, ...rows),
      h(
        'div',
        { class: 'roles-actions' },
        button,
        h(
          'button',
          { type: 'button', class: 'btn', 'data-focus-key': 'close', 'data-action': 'close' },
          t('rolesClose'),
        ),
      ),
      this.error && h('p', { class: 'error', role: 'alert' }, t('rolesFailed', { message: errorMessage(this.error) })),
    );
    form.querySelector('[data-action="close"]')?.addEventListener('click', () => this.close());
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    this.root.replaceChildren(form);
    if (focused !== undefined) {
      const again = [form, ...form.querySelectorAll<HTMLElement>('[data-focus-key]')].find(
        (e) => e.dataset.focusKey === focused,
      );
      if (again && !(again as HTMLButtonElement | HTMLSelectElement).disabled) again.focus();
      else form.focus(); // disabled while saving: the focus waits on the form
    }
  }

  private renderToggle(): void {
    // No one to give a role to (a session without participants or speakers): no button.
    this.toggle.hidden = this.sessionId === null || this.rows.length === 0;
    this.toggle.disabled = this.saving;
    this.toggle.textContent = this.saving ? t('rolesReanalysing') : t('rolesButton');
    this.toggle.setAttribute('aria-expanded', String(this.open && this.rows.length > 0));
    this.toggle.setAttribute('aria-busy', String(this.saving));
  }

  private async submit(): Promise<void> {
    const id = this.sessionId;
    const roles = changedRoles(this.rows, this.chosen);
    if (id === null || Object.keys(roles).length === 0 || this.saving) return;
    this.savingFor = id;
    this.error = null;
    this.render();
    let ok = false;
    try {
      await this.save(id, roles);
      ok = true;
    } catch (err) {
      if (this.sessionId === id) this.error = toApiError(err);
    } finally {
      if (this.savingFor === id) this.savingFor = null;
    }
    if (this.sessionId !== id) {
      this.render(); // another session is shown now; its panel stays as it is
      return;
    }
    if (ok && !this.rows.some((r) => r.role === null)) {
      this.chosen.clear();
      this.close();
    } else this.render(); // refused, or speakers still without a role: the panel stays
  }
}
