// Rename and Delete beside the session's title, each with a modal dialog (the browser's own
// <dialog>: focus kept inside, Escape cancels, the focus goes back to the button after).
// Rename offers the title to edit, checked as the server checks it (TitleSchema: trimmed, not
// blank, at most LIMITS.titleMaxChars) before it is sent. Delete asks first, naming the session,
// saying it cannot be undone and offering a Full backup first (everything the deletion destroys,
// the coaches' labels, verdicts and comments too, not only the words Export saves); Cancel has the focus. A refusal is shown
// in the dialog, which stays open. Neither is offered for the demo preview, the stored demo
// session (the server refuses: it stores it again at each start), a session the server lost,
// or while this window plays into the session.
import type { ApiError } from '../../protocol/protocol';
import { LIMITS, TitleSchema, zodToApiError } from '../../protocol/protocol';
import { toApiError } from '../api';
import { errorMessage } from '../errorText';
import { t } from '../i18n';
import { h } from './dom';

/** What the header knows of the session shown. */
export interface ShownSession {
  /** null: the demo preview (nothing stored). */
  id: string | null;
  /** As stored. */
  title: string;
  /** As shown (a live copy's suffix in the UI language). */
  shownTitle: string;
  /** The stored demo session (id "demo"). */
  demo: boolean;
  /** The server no longer has it. */
  lost: boolean;
  /** This window is playing into it (or starting to). */
  busy: boolean;
}

/** Whether Rename and Delete are offered for the session shown (see the file's comment). */
export function sessionActionsOffered(s: ShownSession): boolean {
  return s.id !== null && !s.demo && !s.lost && !s.busy;
}

export type TitleProblem = { key: 'sessionRenameEmpty' } | { key: 'sessionRenameTooLong'; actual: number; max: number };

/**
 * A title as the server would take it (trimmed), or what is wrong with it: checked by the
 * protocol's own TitleSchema, so the client never words a refusal the server would not make.
 */
export function checkTitle(raw: string): { ok: true; title: string } | { ok: false; problem: TitleProblem } {
  const r = TitleSchema.safeParse(raw);
  if (r.success) return { ok: true, title: r.data };
  const e = zodToApiError(r.error, 'title', undefined, raw);
  if (e.limit !== undefined) return { ok: false, problem: { key: 'sessionRenameTooLong', actual: e.actual ?? raw.trim().length, max: e.limit } };
  return { ok: false, problem: { key: 'sessionRenameEmpty' } };
}

/** The words for a title the client refused (see checkTitle). */
export function titleProblemText(p: TitleProblem): string {
  return p.key === 'sessionRenameEmpty' ? t('sessionRenameEmpty') : t('sessionRenameTooLong', { actual: p.actual, max: p.max });
}

/**
 * A dialog's title form, as Rename and New live session show it: heading, the labelled title
 * field (described by the help and, when there is one, the error), the error, then the actions;
 * submitting hands `submit` the text typed. `id` prefixes the heading's and the help's ids; the
 * field and the error take `inputId` and `errorId`, as their ids and their test ids.
 */
export function titleForm(o: {
  id: string;
  inputId: string;
  errorId: string;
  heading: string;
  help: string;
  value: string;
  errorText: string;
  working: boolean;
  actions: HTMLElement[];
  submit: (typed: string) => void;
}): HTMLFormElement {
  const { inputId, errorId } = o;
  const [headingId, helpId] = [`${o.id}-h`, `${o.id}-help`];
  const input = h('input', {
    id: inputId, type: 'text', value: o.value, autocomplete: 'off',
    'aria-describedby': o.errorText ? `${helpId} ${errorId}` : helpId,
    'aria-invalid': o.errorText ? 'true' : null, disabled: o.working, 'data-testid': inputId,
  });
  const form = h(
    'form', { class: 'dialog-form', 'aria-labelledby': headingId },
    h('h2', { id: headingId, class: 'dialog-title' }, o.heading),
    h('label', { for: inputId, class: 'dialog-label' }, t('sessionRenameLabel')),
    input,
    h('p', { id: helpId, class: 'dialog-help' }, o.help),
    o.errorText ? h('p', { class: 'dialog-error', role: 'alert', id: errorId, 'data-testid': errorId }, o.errorText) : null,
    h('div', { class: 'dialog-actions' }, ...o.actions),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    o.submit(input.value);
  });
  return form;
}

export interface SessionActionHandlers {
  /** Sends the new title; throws the server's refusal. */
  rename(id: string, title: string): Promise<void>;
  /** Deletes the session; throws the server's refusal. */
  remove(id: string): Promise<void>;
  /** Starts the session's Full backup (the header's link beside Export). */
  backupFirst(): void;
}

type Dialog = 'rename' | 'delete';

export class SessionActions {
  private session: ShownSession = { id: null, title: '', shownTitle: '', demo: false, lost: false, busy: false };
  private open: Dialog | null = null;
  private working = false;
  /** A refusal from the server, or the title's own problem, shown in the open dialog. */
  private error: { api: ApiError } | { problem: TitleProblem } | null = null;
  private readonly dialog: HTMLDialogElement;

  constructor(
    private readonly renameButton: HTMLButtonElement,
    private readonly deleteButton: HTMLButtonElement,
    host: HTMLElement,
    private readonly handlers: SessionActionHandlers,
  ) {
    this.dialog = h('dialog', { class: 'dialog', 'data-testid': 'session-dialog' });
    host.appendChild(this.dialog);
    renameButton.addEventListener('click', () => this.show('rename'));
    deleteButton.addEventListener('click', () => this.show('delete'));
    // Escape (the browser's cancel) closes it, as Cancel does; not while a request is under way.
    this.dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      if (!this.working) this.close();
    });
  }

  /** The session shown, as the header knows it now (a rename elsewhere, a deletion, a playback). */
  setSession(s: ShownSession): void {
    const other = s.id !== this.session.id;
    this.session = s;
    // Another session shown, or this one no longer offers the actions: the dialog goes.
    if (this.open && (other || !sessionActionsOffered(s))) this.close(false);
    this.render();
  }

  /** Whether a dialog is open (for tests and the page's state). */
  get openDialog(): Dialog | null {
    return this.open;
  }

  render(): void {
    const offered = sessionActionsOffered(this.session);
    this.renameButton.hidden = !offered;
    this.deleteButton.hidden = !offered;
    this.renameButton.textContent = t('sessionRename');
    this.renameButton.title = t('sessionRenameTip');
    this.deleteButton.textContent = t('sessionDelete');
    this.deleteButton.title = t('sessionDeleteTip');
    if (this.open) this.renderDialog();
  }

  private show(which: Dialog): void {
    if (!sessionActionsOffered(this.session)) return;
    this.open = which;
    this.error = null;
    this.working = false;
    this.renderDialog();
    if (!this.dialog.open) this.dialog.showModal();
    // Rename: the title, selected to type over; Delete: Cancel, so Enter does not delete.
    const first = this.dialog.querySelector<HTMLElement>(which === 'rename' ? 'input' : '[data-role="cancel"]');
    first?.focus();
    if (first instanceof HTMLInputElement) first.select();
  }

  private close(refocus = true): void {
    const was = this.open;
    this.open = null;
    this.working = false;
    this.error = null;
    if (this.dialog.open) this.dialog.close();
    this.dialog.replaceChildren();
    if (refocus && was) (was === 'rename' ? this.renameButton : this.deleteButton).focus();
  }

  private renderDialog(): void {
    const which = this.open;
    if (!which) return;
    // Re-rendering (a language switch) keeps what was typed.
    const typed = this.dialog.querySelector<HTMLInputElement>('input')?.value;
    const errorText = this.errorText();
    const error = errorText ? h('p', { class: 'dialog-error', role: 'alert', id: 'session-dialog-error', 'data-testid': 'session-dialog-error' }, errorText) : null;
    const cancel = h('button', { type: 'button', class: 'btn', 'data-role': 'cancel', 'data-testid': 'session-dialog-cancel', disabled: this.working }, t('dialogCancel'));
    cancel.addEventListener('click', () => this.close());
    if (which === 'rename') {
      const save = h('button', { type: 'submit', class: 'btn btn-primary', disabled: this.working, 'data-testid': 'session-rename-save' }, this.working ? t('sessionRenameSaving') : t('sessionRenameSave'));
      const form = titleForm({
        id: 'session-dialog',
        inputId: 'session-title-input',
        errorId: 'session-dialog-error',
        heading: t('sessionRenameTitle'),
        help: t('sessionRenameHelp', { max: LIMITS.titleMaxChars }),
        value: typed ?? this.session.title,
        errorText,
        working: this.working,
        actions: [cancel, save],
        submit: (v) => void this.submitRename(v),
      });
      this.dialog.setAttribute('aria-labelledby', 'session-dialog-h');
      this.dialog.removeAttribute('aria-describedby');
      this.dialog.replaceChildren(form);
      return;
    }
    const title = this.session.shownTitle;
    const backupFirst = h('button', { type: 'button', class: 'btn', disabled: this.working, 'data-testid': 'session-delete-backup' }, t('sessionDeleteBackup'));
    backupFirst.addEventListener('click', () => this.handlers.backupFirst());
    const confirm = h('button', { type: 'button', class: 'btn btn-danger', disabled: this.working, 'data-testid': 'session-delete-confirm' }, this.working ? t('sessionDeleting') : t('sessionDeleteConfirm'));
    confirm.addEventListener('click', () => void this.submitDelete());
    this.dialog.setAttribute('aria-labelledby', 'session-dialog-h');
    this.dialog.setAttribute('aria-describedby', 'session-dialog-body');
    this.dialog.replaceChildren(
      h('h2', { id: 'session-dialog-h', class: 'dialog-title' }, t('sessionDeleteTitle', { title })),
      h(
        'div', { id: 'session-dialog-body' },
        h('p', { class: 'dialog-warning', 'data-testid': 'session-delete-warning' }, t('sessionDeleteBody', { title })),
        h('p', { class: 'dialog-help' }, t('sessionDeleteBackupHint')),
      ),
      ...(error ? [error] : []),
      h('div', { class: 'dialog-actions' }, backupFirst, cancel, confirm),
    );
  }

  private errorText(): string {
    if (!this.error) return '';
    if ('api' in this.error) return `${t(this.open === 'rename' ? 'sessionRenameFailed' : 'sessionDeleteFailed')}${t('colon')}${errorMessage(this.error.api)}`;
    return titleProblemText(this.error.problem);
  }

  private async submitRename(raw: string): Promise<void> {
    const id = this.session.id;
    if (this.working || id === null) return;
    const checked = checkTitle(raw);
    if (!checked.ok) {
      this.error = { problem: checked.problem };
      this.renderDialog();
      this.dialog.querySelector('input')?.focus();
      return;
    }
    await this.run(() => this.handlers.rename(id, checked.title));
  }

  private async submitDelete(): Promise<void> {
    const id = this.session.id;
    if (this.working || id === null) return;
    await this.run(() => this.handlers.remove(id));
  }

  /** Runs the request with the dialog's controls disabled; closes it when done, or shows the refusal. */
  private async run(request: () => Promise<void>): Promise<void> {
    const which = this.open;
    this.working = true;
    this.error = null;
    this.renderDialog();
    try {
      await request();
      // A deletion takes the buttons away (the page shows the list): the focus goes elsewhere.
      if (this.open === which) this.close(which === 'rename');
    } catch (err) {
      if (this.open !== which) return;
      this.working = false;
      this.error = { api: toApiError(err) };
      this.renderDialog();
      this.dialog.querySelector<HTMLElement>(which === 'rename' ? 'input' : '[data-role="cancel"]')?.focus();
    }
  }
}
