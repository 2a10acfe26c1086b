// Coaches' corrections of the transcript itself: on each turn, beside Label and Comment, a quiet
// Edit button (an inline editor under the turn: its words, and its speaker chosen among the
// session's or typed in; Save / Cancel, Escape cancels and the focus goes back to Edit) and a
// Delete turn button (an inline confirmation naming the words; Cancel has the focus). Either
// re-analyses the session on the server: the turn shows it is being updated meanwhile, then the
// page shows the snapshot the server answers with. An edited turn carries a quiet "edited"
// marker whose tooltip and screen-reader text give its first words and speaker. Not offered for
// the demo, a session the server lost, or (disabled) while this window plays into the session.
import type { ApiError, Participant, Utterance, UtteranceEdit } from '../../protocol/protocol';
import { LIMITS } from '../../protocol/protocol';
import { clip, draftOf, editBody, followTurn, OTHER_SPEAKER, speakerChoices, type EditDraft } from '../turnEdits';
import { t } from '../i18n';
import { h, isolate } from './dom';
import { formatMs } from './format';
import { wireEditor } from './editorForm';

/** What correcting asks of the page; each resolves false when it was refused (the page says why). */
export interface TurnEditActions {
  edit(sessionId: string, utteranceId: number, body: UtteranceEdit): Promise<boolean>;
  remove(sessionId: string, utteranceId: number): Promise<boolean>;
  /** A draft the server would refuse, said as the server's refusal would be. */
  refused(problem: ApiError): void;
  /** The turn being edited is gone (deleted in another window): the words typed, not saved. */
  lost(text: string): void;
}

/** A row's correcting parts; null where there is nothing to show. */
export interface TurnEditParts {
  edit: HTMLButtonElement | null;
  remove: HTMLButtonElement | null;
  /** "edited", on a turn a coach corrected. */
  marker: HTMLElement | null;
  /** The editor or the delete confirmation, when open on this turn; the updating note while the server works. */
  panel: HTMLElement | null;
  /** The server is re-analysing the session for this turn's correction. */
  updating: boolean;
}

type Open = { kind: 'edit'; utteranceId: number; draft: EditDraft } | { kind: 'delete'; utteranceId: number };

export class TurnEdits {
  private sessionId: string | null = null;
  private participants: readonly Participant[] = [];
  private editable = false;
  private blocked = false;
  private open: Open | null = null;
  /** The turn whose correction the server is working on. */
  private busy: { utteranceId: number; kind: 'edit' | 'delete' } | null = null;
  private redraw: (utteranceId: number) => void = () => {};
  private redrawAll: () => void = () => {};

  constructor(private readonly actions: TurnEditActions) {}

  /** The transcript that shows the rows: how to redraw one, and all (every row's buttons follow a correction under way). */
  attach(redraw: (utteranceId: number) => void, redrawAll: () => void): void {
    this.redraw = redraw;
    this.redrawAll = redrawAll;
  }

  /**
   * The session shown, its participants (the editor's speakers) and whether its turns may be
   * corrected (not the demo, not a session the server lost). Called before the transcript is
   * drawn again; an editor open on the same session stays open with what was typed in it.
   */
  setSession(sessionId: string | null, participants: readonly Participant[], editable: boolean): void {
    if (sessionId !== this.sessionId) {
      this.open = null;
      this.busy = null;
    }
    this.sessionId = sessionId;
    this.participants = participants;
    this.editable = editable && sessionId !== null;
    if (!this.editable) this.open = null;
  }

  /**
   * The turns the session holds now (its snapshot read again: another window's correction),
   * before the transcript is drawn again. An open editor's fields the coach has not changed take
   * the turn's words and speaker now (followTurn). An editor or confirmation open on a turn no longer
   * there closes: the words typed in an editor are given to `lost` (they are not saved), and the
   * focus, if it was in it, goes to the turn that took its place once the rows are redrawn.
   */
  keepTurns(turns: readonly Utterance[]): void {
    const o = this.open;
    if (!o) return;
    const now = turns.find((u) => u.id === o.utteranceId);
    if (now) {
      // Corrected elsewhere: what the coach has not changed follows the turn.
      if (o.kind === 'edit') followTurn(o.draft, now);
      return;
    }
    const panel = document.getElementById(o.kind === 'edit' ? `turn-editor-${o.utteranceId}` : `turn-delete-${o.utteranceId}`);
    const hadFocus = panel?.contains(document.activeElement) ?? false;
    const next = hadFocus ? neighbour(o.utteranceId) : null;
    this.open = null;
    if (o.kind === 'edit' && o.draft.text.trim() !== '') this.actions.lost(o.draft.text);
    // After the caller's redraw, which runs before the next microtask.
    if (next) queueMicrotask(() => document.querySelector<HTMLElement>(`[data-focus-key="turn-edit:${next}"]`)?.focus());
  }

  /**
   * This window plays into the session (or not): the buttons stay, disabled, and an open editor
   * closes. Whether that changed: the page then draws the transcript again.
   */
  setBlocked(blocked: boolean): boolean {
    if (blocked === this.blocked) return false;
    this.blocked = blocked;
    if (blocked) this.open = null;
    return true;
  }

  parts(u: Utterance): TurnEditParts {
    const updating = this.busy?.utteranceId === u.id;
    const open = this.open?.utteranceId === u.id ? this.open : null;
    return {
      edit: this.editable ? this.editButton(u, open?.kind === 'edit') : null,
      remove: this.editable ? this.deleteButton(u, open?.kind === 'delete') : null,
      marker: u.editedAt !== undefined ? this.marker(u) : null,
      panel: updating ? this.updatingNote(u.id) : open?.kind === 'edit' ? this.editor(u, open.draft) : open?.kind === 'delete' ? this.confirm(u) : null,
      updating,
    };
  }

  private disabledTitle(): string | null {
    return this.blocked ? t('turnEditPlaying') : this.busy ? t('turnUpdating') : null;
  }

  private editButton(u: Utterance, open: boolean): HTMLButtonElement {
    const b = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-ghost label-btn turn-edit-btn',
        'data-testid': 'edit-turn',
        'data-focus-key': `turn-edit:${u.id}`,
        'aria-expanded': String(open),
        'aria-controls': `turn-editor-${u.id}`,
        'aria-label': t('turnEditAria', { speaker: u.speaker, time: formatMs(u.startMs) }),
        disabled: this.blocked || this.busy !== null,
        title: this.disabledTitle(),
      },
      t('turnEdit'),
    );
    b.addEventListener('click', () => (open ? this.cancel() : this.openOn({ kind: 'edit', utteranceId: u.id, draft: draftOf(u) })));
    return b;
  }

  private deleteButton(u: Utterance, open: boolean): HTMLButtonElement {
    const b = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-ghost label-btn turn-delete-btn',
        'data-testid': 'delete-turn',
        'data-focus-key': `turn-delete:${u.id}`,
        'aria-expanded': String(open),
        'aria-controls': `turn-delete-${u.id}`,
        'aria-label': t('turnDeleteAria', { speaker: u.speaker, time: formatMs(u.startMs) }),
        disabled: this.blocked || this.busy !== null,
        title: this.disabledTitle(),
      },
      t('turnDelete'),
    );
    b.addEventListener('click', () => (open ? this.cancel() : this.openOn({ kind: 'delete', utteranceId: u.id })));
    return b;
  }

  private marker(u: Utterance): HTMLElement {
    const tip = t('turnEditedTip', { speaker: isolate(u.originalSpeaker ?? u.speaker), text: isolate(clip(u.originalText ?? u.text, 200)) });
    return h(
      'span',
      { class: 'turn-edited', 'data-testid': 'turn-edited', title: tip },
      h('span', { 'aria-hidden': 'true' }, t('turnEdited')),
      h('span', { class: 'sr-only' }, tip),
    );
  }

  private updatingNote(id: number): HTMLElement {
    return h('p', { class: 'turn-updating help', 'data-testid': 'turn-updating', role: 'status', id: `turn-editor-${id}` }, t('turnUpdating'));
  }

  private openOn(next: Open): void {
    if (this.busy || this.blocked) return;
    const before = this.open?.utteranceId;
    this.open = next;
    if (before !== undefined && before !== next.utteranceId) this.redraw(before);
    this.redraw(next.utteranceId);
    const target = next.kind === 'edit' ? `#turn-editor-${next.utteranceId} textarea` : `#turn-delete-${next.utteranceId} [data-testid="turn-delete-cancel"]`;
    document.querySelector<HTMLElement>(target)?.focus();
  }

  /** Closes the editor or confirmation; the focus goes back to the button that opened it. */
  private close(): void {
    const o = this.open;
    if (!o) return;
    const panel = document.getElementById(o.kind === 'edit' ? `turn-editor-${o.utteranceId}` : `turn-delete-${o.utteranceId}`);
    const hadFocus = panel?.contains(document.activeElement) ?? false;
    this.open = null;
    this.redraw(o.utteranceId);
    if (hadFocus || document.activeElement === document.body) document.querySelector<HTMLElement>(`[data-focus-key="turn-${o.kind}:${o.utteranceId}"]`)?.focus();
  }

  private cancel(): void {
    if (this.busy) return;
    this.close();
  }

  private editor(u: Utterance, draft: EditDraft): HTMLElement {
    const id = u.id;
    const text = h('textarea', {
      id: `turn-text-${id}`,
      class: 'turn-text-field',
      rows: 3,
      maxlength: LIMITS.textMaxChars,
      'data-testid': 'turn-edit-text',
      'data-focus-key': `turn-text:${id}`,
    });
    text.value = draft.text;
    text.addEventListener('input', () => (draft.text = text.value));
    // Enter saves (as in the composer); Shift+Enter is a new line.
    text.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing) return;
      ev.preventDefault();
      text.form?.requestSubmit();
    });
    const names = speakerChoices(this.participants, u);
    const select = h(
      'select',
      { id: `turn-speaker-${id}`, 'data-testid': 'turn-edit-speaker', 'data-focus-key': `turn-speaker:${id}` },
      ...names.map((n) => h('option', { value: n, selected: draft.speaker === n }, n)),
      h('option', { value: OTHER_SPEAKER, selected: draft.speaker === OTHER_SPEAKER }, t('turnEditOther')),
    );
    const other = h('input', {
      id: `turn-other-${id}`,
      type: 'text',
      maxlength: LIMITS.speakerMaxChars,
      value: draft.other,
      'data-testid': 'turn-edit-other',
      'data-focus-key': `turn-other:${id}`,
    });
    const otherField = h('div', { class: 'turn-other-field', hidden: draft.speaker !== OTHER_SPEAKER }, h('label', { for: `turn-other-${id}` }, t('turnEditOtherName')), other);
    select.addEventListener('change', () => {
      draft.speaker = select.value;
      otherField.hidden = draft.speaker !== OTHER_SPEAKER;
      if (!otherField.hidden) other.focus();
    });
    other.addEventListener('input', () => (draft.other = other.value));
    const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'turn-edit-save', 'data-focus-key': `turn-save:${id}` }, t('turnEditSave'));
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'turn-edit-cancel', 'data-focus-key': `turn-cancel:${id}` }, t('turnEditCancel'));
    const form = h(
      'form',
      { id: `turn-editor-${id}`, class: 'label-editor turn-editor', 'data-testid': 'turn-editor', tabindex: -1, 'aria-labelledby': `turn-editor-h-${id}` },
      h('p', { id: `turn-editor-h-${id}`, class: 'comment-editor-title' }, t('turnEditTitle', { speaker: u.speaker, time: formatMs(u.startMs) })),
      h('label', { for: `turn-text-${id}` }, t('turnEditText')),
      text,
      h('div', { class: 'turn-speaker-field' }, h('label', { for: `turn-speaker-${id}` }, t('turnEditSpeaker')), select),
      otherField,
      h('p', { class: 'help' }, t('turnEditHelp')),
      h('div', { class: 'label-actions' }, save, cancel),
    );
    wireEditor(form, { cancel }, { submit: () => void this.submit(u, draft), cancel: () => this.cancel() });
    return form;
  }

  private confirm(u: Utterance): HTMLElement {
    const id = u.id;
    const yes = h('button', { type: 'submit', class: 'btn btn-danger btn-small', 'data-testid': 'turn-delete-confirm', 'data-focus-key': `turn-delete-yes:${id}` }, t('turnDelete'));
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'turn-delete-cancel', 'data-focus-key': `turn-delete-cancel:${id}` }, t('turnEditCancel'));
    const form = h(
      'form',
      { id: `turn-delete-${id}`, class: 'label-editor turn-delete', 'data-testid': 'turn-delete', tabindex: -1, role: 'group', 'aria-labelledby': `turn-delete-h-${id}` },
      h('p', { id: `turn-delete-h-${id}` }, t('turnDeleteConfirm', { speaker: isolate(u.speaker), text: isolate(clip(u.text)) })),
      h('div', { class: 'label-actions' }, yes, cancel),
    );
    wireEditor(form, { cancel }, { submit: () => void this.run(id, 'delete', (s) => this.actions.remove(s, id)), cancel: () => this.cancel() });
    return form;
  }

  private async submit(u: Utterance, draft: EditDraft): Promise<void> {
    const checked = editBody(u, draft, this.participants);
    if ('problem' in checked) {
      this.actions.refused(checked.problem);
      return;
    }
    const body = checked.body;
    // Nothing changed: nothing to send.
    if (body === null) {
      this.close();
      return;
    }
    await this.run(u.id, 'edit', (s) => this.actions.edit(s, u.id, body));
  }

  /**
   * An edit or deletion: the turn shows it is being updated meanwhile. Done, the page has shown
   * the new snapshot (the editor is closed: the focus goes to the turn's Edit, or after a
   * deletion to the next turn's, or the one before's if it was the last); refused, the editor stays open with what was typed.
   */
  private async run(utteranceId: number, kind: 'edit' | 'delete', request: (sessionId: string) => Promise<boolean>): Promise<void> {
    const sessionId = this.sessionId;
    if (sessionId === null || this.busy || this.blocked) return;
    const next = kind === 'delete' ? neighbour(utteranceId) : null;
    this.busy = { utteranceId, kind };
    // Every turn's Edit and Delete turn wait for it: one correction at a time.
    this.redrawAll();
    let ok = false;
    try {
      ok = await request(sessionId);
    } finally {
      this.busy = null;
    }
    if (this.sessionId !== sessionId) return; // another session meanwhile
    const o = this.open;
    if (ok) this.open = null;
    this.redrawAll();
    if (ok) {
      const focusId = kind === 'delete' ? next : String(utteranceId);
      if (focusId) document.querySelector<HTMLElement>(`[data-focus-key="turn-edit:${focusId}"]`)?.focus();
    } else if (o?.utteranceId === utteranceId) {
      document.querySelector<HTMLElement>(kind === 'edit' ? `#turn-editor-${utteranceId} textarea` : `#turn-delete-${utteranceId} [data-testid="turn-delete-cancel"]`)?.focus();
    }
  }
}

/**
 * The turn whose Edit takes the focus once `utteranceId` is deleted: the next one shown, else the
 * one before (the last turn deleted). Read over every row, not the row's siblings: the rows are
 * drawn in chunks (rowChunks.ts), and the last row of a chunk has no next sibling.
 */
function neighbour(utteranceId: number): string | null {
  const ids = [...document.querySelectorAll<HTMLElement>('li[data-testid="utterance"][data-utterance-id]')].map((el) => el.getAttribute('data-utterance-id'));
  const at = ids.indexOf(String(utteranceId));
  if (at < 0) return null;
  return ids[at + 1] ?? ids[at - 1] ?? null;
}

