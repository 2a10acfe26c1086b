// Coaches' comments in the transcript: a quiet "Comment" button on each turn (beside Label,
// shown on hover or focus, always in the Tab order) comments at the turn's start; the posture
// timeline's header "Comment" comments at the moment "Label posture" would label (the playhead,
// else the moment last chosen on a bar, else the first posture). Each comment shows under the
// turn it belongs to (the last one starting at or before its moment; before the first turn:
// above the transcript) with its author, time, text (as text), an "edited" mark, Edit and
// Delete. The editor (the text with its count, an optional author remembered for the next
// comment, Save / Delete / Cancel; Escape cancels and the focus goes back to what opened it)
// opens under the turn, under the timeline, or in place of the comment edited. Comments never
// change signals or cues. They come from the snapshot and from `commented` events (apply()).
import { LIMITS, type Comment, type CommentIn, type Utterance } from '../../protocol/protocol';
import {
  applyCommented,
  commentBody,
  commentChanges,
  commentsOf,
  placeComments,
  rememberAuthor,
  rememberedAuthor,
  savable,
  turnFor,
  type CommentedEvent,
  type Comments,
  type Placement,
} from '../comments';
import { lang, t } from '../i18n';
import { h, setAttrs } from './dom';
import { formatMs } from './format';
import { wireEditor } from './editorForm';
import { noteField } from './noteField';

/** What commenting asks of the page; each resolves false when it was refused (the page says why). */
export interface CommentActions {
  /** Posts a comment (commentId null) or replaces one. */
  save(sessionId: string, commentId: number | null, body: CommentIn): Promise<boolean>;
  remove(sessionId: string, commentId: number): Promise<boolean>;
}

/** The transcript that shows the comments: its turns, and how to draw rows again. */
export interface CommentHost {
  turns(): readonly Utterance[];
  redrawRow(utteranceId: number): void;
  redrawAll(): void;
}

/** The parts of the page outside the transcript the comments use. */
export interface CommentElements {
  /** Above the transcript's turns: comments before the first turn. */
  top: HTMLElement;
  /** The posture timeline header's "Comment" button. */
  button: HTMLButtonElement;
  /** Under the timeline: the editor of a comment at the moment. */
  editor: HTMLElement;
}

/** A row's comment parts; null where there is nothing to show. */
export interface CommentParts {
  button: HTMLButtonElement | null;
  list: HTMLElement | null;
  editor: HTMLElement | null;
}

/** Where the editor is open: a new comment at a turn, a new one at the timeline's moment, or in place of one edited. */
type Slot = { kind: 'turn'; utteranceId: number } | { kind: 'moment' } | { kind: 'edit'; commentId: number };

interface Draft {
  slot: Slot;
  mediaMs: number;
  text: string;
  author: string;
}

export class CommentsView {
  private sessionId: string | null = null;
  private comments: Comments = new Map();
  private editable = false;
  private draft: Draft | null = null;
  private busy: { kind: 'save' | 'delete'; commentId: number | null } | null = null;
  private host: CommentHost = { turns: () => [], redrawRow: () => {}, redrawAll: () => {} };
  /** Where each comment is now, worked out from the turns and the comments (null: not since they changed). */
  private placement: Placement | null = null;
  /** Where each comment was last drawn: its turn's id, or null (above the transcript). */
  private readonly placed = new Map<number, number | null>();
  /** The comment last chosen on the timeline, marked until another is (or the session changes). */
  private revealed: number | null = null;

  constructor(
    private readonly els: CommentElements,
    /** The moment the header's button comments on (the rule of "Label posture"). */
    private readonly moment: () => number,
    private readonly actions: CommentActions,
    /** The comments changed (the header's count, the timeline's markers). */
    private readonly onChange: () => void,
    /** Where the author name is remembered (null: nowhere). */
    private readonly storage: () => Storage | null,
  ) {
    els.button.addEventListener('click', () => (this.draft?.slot.kind === 'moment' ? this.cancel() : this.openAtMoment()));
    // Its tooltip names the moment: the playhead moves, so it is worded when looked at.
    els.button.addEventListener('pointerenter', () => this.renderButton());
    els.button.addEventListener('focus', () => this.renderButton());
  }

  attach(host: CommentHost): void {
    this.host = host;
  }

  /**
   * The session shown and its comments (null: none, the demo's preview); `editable`: whether
   * comments may be given (not on a session the server lost). Called before the transcript is
   * drawn again; an editor open on the same session stays open, with what was typed in it.
   */
  setSession(sessionId: string | null, list: readonly Comment[], editable: boolean): void {
    if (sessionId !== this.sessionId) {
      this.draft = null;
      this.busy = null;
      this.revealed = null;
    }
    this.sessionId = sessionId;
    this.comments = sessionId === null ? new Map() : commentsOf(sessionId, list);
    this.placement = null;
    this.editable = editable && sessionId !== null;
    if (!this.editable) this.draft = null;
    this.renderMoment();
    this.onChange();
  }

  /** Comments may (no longer) be given: the buttons and an open editor go. */
  setEditable(editable: boolean): void {
    const next = editable && this.sessionId !== null;
    if (next === this.editable) return;
    this.editable = next;
    if (!next) this.draft = null;
    this.host.redrawAll();
    this.renderMoment();
    this.onChange();
  }

  /** The comments held for the session shown. */
  get all(): Comments {
    return this.comments;
  }

  /** The timeline's markers. */
  marks(): Comment[] {
    return [...this.comments.values()];
  }

  /** A `commented` event, or this window's own answer as one: the rows it was and is under are drawn again. */
  apply(ev: CommentedEvent): void {
    const next = applyCommented(this.comments, this.sessionId, ev);
    if (next === this.comments) return;
    const was = this.placed.has(ev.commentId) ? this.placed.get(ev.commentId) : undefined;
    this.comments = next;
    this.placement = null;
    if (ev.comment === null) {
      this.placed.delete(ev.commentId);
      // Removed elsewhere while being edited here: what was typed stays, as a new comment at that moment.
      const d = this.draft;
      const ownDelete = this.busy?.kind === 'delete' && this.busy.commentId === ev.commentId;
      if (d?.slot.kind === 'edit' && d.slot.commentId === ev.commentId && !ownDelete) {
        d.slot = was === undefined || was === null ? { kind: 'moment' } : { kind: 'turn', utteranceId: was };
        this.redrawSlot(d.slot);
      }
    }
    const now = ev.comment ? turnFor(this.host.turns(), ev.comment.mediaMs) : undefined;
    if (was !== undefined) this.redrawPlace(was);
    if (now !== undefined && now !== was) this.redrawPlace(now);
    this.onChange();
  }

  /** The transcript was drawn anew (another session, a language): the comments above it too. */
  turnsReset(): void {
    this.placement = null;
    this.placed.clear();
    this.renderTop();
  }

  /** A turn arrived (live): comments after its start move under it. */
  turnsChanged(): void {
    if (this.comments.size === 0) return;
    this.placement = null;
    const moved = new Set<number | null>();
    for (const c of this.comments.values()) {
      const now = turnFor(this.host.turns(), c.mediaMs);
      const was = this.placed.get(c.id);
      if (was !== now) {
        if (was !== undefined) moved.add(was);
        moved.add(now);
      }
    }
    for (const place of moved) this.redrawPlace(place);
  }

  /** Scrolls to a comment (chosen on the timeline) and marks it. */
  reveal(commentId: number): void {
    this.revealed = commentId;
    for (const el of document.querySelectorAll('[data-testid="comment"].is-focused')) el.classList.remove('is-focused');
    const el = document.querySelector<HTMLElement>(`[data-testid="comment"][data-comment-id="${commentId}"]`);
    el?.classList.add('is-focused');
    el?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }

  /** A turn's row's parts: its Comment button, the comments under it, a new comment's editor. */
  parts(u: Utterance): CommentParts {
    const list = this.place().byTurn.get(u.id) ?? [];
    for (const c of list) this.placed.set(c.id, u.id);
    const d = this.draft;
    return {
      button: this.editable ? this.turnButton(u) : null,
      list: list.length > 0 ? h('div', { class: 'comments', 'data-testid': 'turn-comments' }, ...list.map((c) => this.item(c))) : null,
      editor: d && d.slot.kind === 'turn' && d.slot.utteranceId === u.id ? this.editorForm(d) : null,
    };
  }

  /** Redraws the comments above the transcript, the header's button and the moment's editor (e.g. after a language switch). */
  render(): void {
    this.renderTop();
    this.renderMoment();
  }

  // ---- drawing --------------------------------------------------------------------------

  private place(): Placement {
    this.placement ??= placeComments(this.comments.values(), this.host.turns());
    return this.placement;
  }

  private renderTop(): void {
    const list = this.place().top;
    for (const c of list) this.placed.set(c.id, null);
    this.els.top.hidden = list.length === 0;
    this.els.top.setAttribute('aria-label', t('commentsTop'));
    replaceKeepingFocus(this.els.top, list.map((c) => this.item(c)));
  }

  private renderMoment(): void {
    this.renderButton();
    const d = this.draft;
    const open = d !== null && d.slot.kind === 'moment' && this.editable;
    this.els.editor.hidden = !open;
    replaceKeepingFocus(this.els.editor, open && d ? [this.editorForm(d)] : []);
  }

  private renderButton(): void {
    const b = this.els.button;
    b.textContent = t('commentButton');
    b.hidden = !this.editable;
    b.disabled = this.busy !== null;
    setAttrs(b, {
      title: this.editable ? t('commentMomentTip', { time: formatMs(this.moment()) }) : null,
      'aria-expanded': String(this.draft?.slot.kind === 'moment'),
      'aria-controls': 'comment-editor',
    });
  }

  private redrawPlace(place: number | null): void {
    if (place === null) this.renderTop();
    else this.host.redrawRow(place);
  }

  private redrawSlot(slot: Slot): void {
    if (slot.kind === 'turn') this.host.redrawRow(slot.utteranceId);
    else if (slot.kind === 'moment') this.renderMoment();
    else this.redrawPlace(this.placed.get(slot.commentId) ?? this.placeOf(slot.commentId));
  }

  private placeOf(commentId: number): number | null {
    const c = this.comments.get(commentId);
    return c ? turnFor(this.host.turns(), c.mediaMs) : null;
  }

  private turnButton(u: Utterance): HTMLButtonElement {
    const open = this.draft?.slot.kind === 'turn' && this.draft.slot.utteranceId === u.id;
    const b = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-ghost label-btn comment-btn',
        'data-testid': 'comment-turn',
        'data-focus-key': `comment:${u.id}`,
        'aria-expanded': String(open),
        'aria-controls': `comment-editor-turn-${u.id}`,
        'aria-label': t('commentTurnAria', { speaker: u.speaker, time: formatMs(u.startMs) }),
      },
      t('commentButton'),
    );
    b.addEventListener('click', () => (open ? this.cancel() : this.open({ slot: { kind: 'turn', utteranceId: u.id }, mediaMs: u.startMs, text: '', author: rememberedAuthor(this.storage()) })));
    return b;
  }

  /** A comment as shown: author, time, "edited", Edit and Delete, the text; or its editor while it is edited. */
  private item(c: Comment): HTMLElement {
    const d = this.draft;
    if (d && d.slot.kind === 'edit' && d.slot.commentId === c.id && this.editable) return this.editorForm(d);
    const author = c.author ?? t('commentNoAuthor');
    const time = formatMs(c.mediaMs);
    const busyHere = this.busy !== null;
    const edit =
      this.editable &&
      h(
        'button',
        { type: 'button', class: 'btn btn-small btn-ghost', disabled: busyHere, 'data-testid': 'comment-edit', 'data-focus-key': `comment-edit:${c.id}`, 'aria-label': t('commentEditAria', { author, time }) },
        t('commentEdit'),
      );
    const del =
      this.editable &&
      h(
        'button',
        { type: 'button', class: 'btn btn-small btn-ghost', disabled: busyHere, 'data-testid': 'comment-delete', 'data-focus-key': `comment-del:${c.id}`, 'aria-label': t('commentDeleteAria', { author, time }) },
        this.busy?.kind === 'delete' && this.busy.commentId === c.id ? t('commentDeleting') : t('commentDelete'),
      );
    if (edit) edit.addEventListener('click', () => this.open({ slot: { kind: 'edit', commentId: c.id }, mediaMs: c.mediaMs, text: c.text, author: c.author ?? '' }));
    if (del) del.addEventListener('click', () => void this.removeInline(c));
    return h(
      'article',
      {
        class: `comment${this.revealed === c.id ? ' is-focused' : ''}`,
        'data-testid': 'comment',
        'data-comment-id': c.id,
        'data-media-ms': c.mediaMs,
        'aria-label': `${author} · ${time}`,
      },
      h(
        'div',
        { class: 'comment-meta' },
        h('span', { class: `comment-author${c.author === null ? ' is-anonymous' : ''}`, 'data-testid': 'comment-author-name', dir: 'auto' }, author),
        h('time', { class: 'comment-time', title: t('mediaClock') }, time),
        c.editedAt !== null &&
          h('span', { class: 'comment-edited', 'data-testid': 'comment-edited', title: t('commentEditedTip', { when: new Date(c.editedAt).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en') }) }, t('commentEdited')),
        edit,
        del,
      ),
      h('p', { class: 'comment-text', 'data-testid': 'comment-body', dir: 'auto' }, c.text),
    );
  }

  private editorForm(draft: Draft): HTMLElement {
    const id = slotId(draft.slot);
    const held = draft.slot.kind === 'edit' ? this.comments.get(draft.slot.commentId) : undefined;
    const busy = this.busy;
    const save = h(
      'button',
      { type: 'submit', class: 'btn btn-primary btn-small', disabled: busy !== null || !savable(draft.text), 'data-testid': 'comment-save', 'data-focus-key': `comment-save:${id}` },
      busy?.kind === 'save' ? t('labelSaving') : t('commentSave'),
    );
    const { note: text, counter } = noteField({
      id: `comment-text-${id}`,
      value: draft.text,
      disabled: busy !== null,
      testId: 'comment-text',
      focusKey: `comment-text:${id}`,
      max: LIMITS.commentMaxChars,
      rows: 3,
      onInput: (v) => {
        draft.text = v;
        save.disabled = this.busy !== null || !savable(v);
      },
    });
    // Ctrl/⌘+Enter in the text saves (Enter is a new line there).
    text.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' || !(ev.ctrlKey || ev.metaKey)) return;
      ev.preventDefault();
      text.form?.requestSubmit();
    });
    const author = h('input', {
      type: 'text',
      id: `comment-author-${id}`,
      class: 'comment-author-input',
      maxlength: LIMITS.speakerMaxChars,
      autocomplete: 'name',
      disabled: busy !== null,
      'data-testid': 'comment-author',
      'data-focus-key': `comment-author:${id}`,
    });
    author.value = draft.author;
    author.addEventListener('input', () => (draft.author = author.value));
    const del =
      held &&
      h(
        'button',
        { type: 'button', class: 'btn btn-small', disabled: busy !== null, 'data-testid': 'comment-editor-delete', 'data-focus-key': `comment-delete:${id}` },
        busy?.kind === 'delete' ? t('commentDeleting') : t('commentDelete'),
      );
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost btn-small', disabled: busy !== null, 'data-testid': 'comment-cancel', 'data-focus-key': `comment-cancel:${id}` }, t('labelCancel'));
    const form = h(
      'form',
      {
        id: `comment-editor-${id}`,
        class: 'label-editor comment-editor',
        'data-testid': 'comment-editor',
        'data-media-ms': draft.mediaMs,
        'data-comment-id': held?.id,
        'aria-busy': String(busy !== null),
        'aria-labelledby': `comment-editor-h-${id}`,
        tabindex: -1,
      },
      h('p', { id: `comment-editor-h-${id}`, class: 'comment-editor-title' }, t(held ? 'commentEditorEdit' : 'commentEditorNew', { time: formatMs(draft.mediaMs) })),
      h('label', { class: 'label-note-field', for: `comment-text-${id}` }, t('commentText')),
      text,
      counter,
      h('label', { class: 'label-note-field', for: `comment-author-${id}` }, t('commentAuthor')),
      author,
      h('p', { class: 'help' }, t('commentHelp')),
      h('div', { class: 'label-actions' }, save, del, cancel),
    );
    wireEditor(form, { remove: del, cancel }, { submit: () => void this.submit(), remove: () => void this.removeDrafted(), cancel: () => this.cancel() });
    return form;
  }

  // ---- opening, closing, saving -------------------------------------------------------------

  private openAtMoment(): void {
    if (!this.editable) return;
    this.open({ slot: { kind: 'moment' }, mediaMs: Math.max(0, Math.round(this.moment())), text: '', author: rememberedAuthor(this.storage()) });
  }

  private open(draft: Draft): void {
    if (this.busy || !this.editable) return;
    const before = this.draft;
    this.draft = draft;
    if (before) this.redrawSlot(before.slot);
    this.redrawSlot(draft.slot);
    document.getElementById(`comment-text-${slotId(draft.slot)}`)?.focus();
  }

  private cancel(): void {
    if (this.busy) return;
    this.close();
  }

  /** Closes the editor (Cancel, Escape, a save); the focus goes back to what opened it. */
  private close(): void {
    const d = this.draft;
    if (!d) return;
    const form = document.getElementById(`comment-editor-${slotId(d.slot)}`);
    const hadFocus = (form?.contains(document.activeElement) ?? false) || document.activeElement === document.body || document.activeElement === null;
    this.draft = null;
    this.redrawSlot(d.slot);
    if (hadFocus) this.focusOpener(d.slot);
  }

  private focusOpener(slot: Slot): void {
    const byKey = (key: string) => document.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`);
    let to: HTMLElement | null = null;
    if (slot.kind === 'turn') to = byKey(`comment:${slot.utteranceId}`);
    else if (slot.kind === 'edit') {
      const place = this.placed.get(slot.commentId);
      to = byKey(`comment-edit:${slot.commentId}`) ?? (place !== undefined && place !== null ? byKey(`comment:${place}`) : null);
    }
    (to ?? (this.els.button.hidden ? null : this.els.button))?.focus();
  }

  private async submit(): Promise<void> {
    const d = this.draft;
    const sessionId = this.sessionId;
    if (!d || sessionId === null || this.busy || !savable(d.text)) return;
    const held = d.slot.kind === 'edit' ? this.comments.get(d.slot.commentId) : undefined;
    if (held && !commentChanges(held, d.text, d.author)) {
      this.close();
      return;
    }
    const body = commentBody(d.mediaMs, d.text, d.author);
    await this.run('save', held?.id ?? null, sessionId, d, async () => {
      const ok = await this.actions.save(sessionId, held?.id ?? null, body);
      if (ok) rememberAuthor(this.storage(), d.author);
      return ok;
    });
  }

  /** Delete in the editor of a comment. */
  private async removeDrafted(): Promise<void> {
    const d = this.draft;
    const sessionId = this.sessionId;
    if (!d || d.slot.kind !== 'edit' || sessionId === null || this.busy) return;
    const id = d.slot.commentId;
    const place = this.placed.get(id);
    await this.run('delete', id, sessionId, d, () => this.actions.remove(sessionId, id));
    // The comment and its Edit are gone: the focus goes to its turn's Comment button.
    if (!this.comments.has(id) && this.draft === null) this.focusAfterDelete(place);
  }

  /** Delete on a comment shown (no editor): busy meanwhile; once gone, the focus goes to its turn's Comment button. */
  private async removeInline(c: Comment): Promise<void> {
    const sessionId = this.sessionId;
    if (sessionId === null || this.busy) return;
    const place = this.placed.get(c.id) ?? null;
    this.busy = { kind: 'delete', commentId: c.id };
    this.redrawPlace(place);
    let ok = false;
    try {
      ok = await this.actions.remove(sessionId, c.id);
    } finally {
      this.busy = null;
    }
    if (this.sessionId !== sessionId) return;
    this.redrawPlace(this.placed.get(c.id) ?? place);
    if (ok) this.focusAfterDelete(place);
    else document.querySelector<HTMLElement>(`[data-focus-key="comment-del:${c.id}"]`)?.focus();
  }

  private focusAfterDelete(place: number | null | undefined): void {
    const turnButton = place !== undefined && place !== null ? document.querySelector<HTMLElement>(`[data-focus-key="comment:${place}"]`) : null;
    (turnButton ?? (this.els.button.hidden ? null : this.els.button))?.focus();
  }

  /** A save or removal from the editor: busy meanwhile, closes once done, stays open (with the text) when refused. */
  private async run(kind: 'save' | 'delete', commentId: number | null, sessionId: string, draft: Draft, request: () => Promise<boolean>): Promise<void> {
    this.busy = { kind, commentId };
    this.redrawSlot(draft.slot);
    this.renderButton();
    let ok = false;
    try {
      ok = await request();
    } finally {
      this.busy = null;
    }
    this.renderButton();
    if (this.sessionId !== sessionId || this.draft !== draft) return; // another session or editor meanwhile
    if (ok) {
      // A deleted comment's editor has nowhere to give the focus back to: closed without it.
      if (kind === 'delete') {
        this.draft = null;
        this.redrawSlot(draft.slot);
      } else this.close();
    } else {
      this.redrawSlot(draft.slot);
      const id = slotId(draft.slot);
      document.querySelector<HTMLElement>(`[data-focus-key="${kind === 'save' ? `comment-save:${id}` : `comment-delete:${id}`}"]`)?.focus();
    }
  }
}

function slotId(slot: Slot): string {
  return slot.kind === 'turn' ? `turn-${slot.utteranceId}` : slot.kind === 'moment' ? 'moment' : `c-${slot.commentId}`;
}

/** Replaces an element's children, the focus staying on the control with the same `data-focus-key`. */
function replaceKeepingFocus(root: HTMLElement, children: Node[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && root.contains(active) ? active.dataset.focusKey : undefined;
  root.replaceChildren(...children);
  if (key === undefined) return;
  const again = root.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`);
  if (again && !(again as HTMLButtonElement).disabled) again.focus();
  else again?.closest<HTMLElement>('form[tabindex="-1"]')?.focus();
}
