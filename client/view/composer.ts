// The live turn composer under the transcript, and the "New live session" dialog.
//
// The composer is offered for the session shown when it is stored on the server, is not the
// demo (its preview or the stored demo session), is not lost, and this window is not playing a
// recording into it (see composerOffered). It lists the session's speakers with their roles (a
// new one can be typed, with a role), and its role choice sends the existing role change (`PUT
// /roles`, which re-analyses the session). The text field sends on Enter (Shift+Enter: a new
// line; not while an input method is composing, so Chinese typed with an IME is not sent
// half-way). The logic (clock, turn, send/ack/refusal) is client/composer.ts.
import type { ApiError, Participant, Role, Utterance, UtteranceIn } from '../../protocol/protocol';
import { LIMITS } from '../../protocol/protocol';
import { toApiError } from '../api';
import { MediaClock, TurnSender, checkSpeaker, type SendOutcome } from '../composer';
import { errorMessage } from '../errorText';
import { t, type StringKey } from '../i18n';
import type { AckResult } from '../live';
import { newPlaybackId } from '../resend';
import { checkTitle, titleForm, titleProblemText, type TitleProblem } from './sessionActions';
import { h } from './dom';
import { formatMs } from './format';

/** What the app knows of the session shown, for the composer. */
export interface ComposerSession {
  /** null: no stored session shown (the demo preview). */
  id: string | null;
  participants: readonly Participant[];
  /** Speakers the server reports without a role (a live `roles_needed` may name some not yet participants). */
  unassigned: readonly string[];
  /** The stored demo session. */
  demo: boolean;
  /** The server no longer has it. */
  lost: boolean;
  /** This window is playing a recording into it (or starting to). */
  playing: boolean;
}

/** Whether the composer is offered for the session shown (see the file's comment). */
export function composerOffered(s: ComposerSession): boolean {
  return s.id !== null && !s.demo && !s.lost && !s.playing;
}

export interface ComposerDeps {
  now(): number;
  connected(): boolean;
  send(sessionId: string, turn: UtteranceIn): Promise<AckResult<Utterance>>;
  deliveryUnknown(err: unknown): boolean;
  /** The media time a session's clock starts at when first used here: its latest turn's end. */
  latestMs(): number;
  /** A turn of session `sessionId` was stored (the ack's utterance). */
  onStored(sessionId: string, u: Utterance): void;
  /** Gives `name` a role in the session (the role panel's request); throws the server's refusal. */
  setRole(sessionId: string, name: string, role: Role | null): Promise<void>;
}

const NEW_SPEAKER = '\u0000new';

type RoleChoice = Role | '';

export class Composer {
  private session: ComposerSession = { id: null, participants: [], unassigned: [], demo: false, lost: false, playing: false };
  private readonly clock: MediaClock;
  private sender: TurnSender;
  /** Names typed here that are not participants yet (they have no role: their first turn names them). */
  private added: string[] = [];
  private speaker: string | null = null;
  /** A role change (or a new speaker's) under way. */
  private roleSaving = false;
  private roleError: ApiError | null = null;
  /** A new speaker's name the composer itself refused (empty, too long). */
  private nameProblem: { key: StringKey; vars?: Record<string, number> } | null = null;
  private tick: ReturnType<typeof setInterval> | undefined;
  private shownKey = '';
  /** The role chosen for the new speaker being typed ('' : none yet). */
  private newRole: RoleChoice = '';

  private readonly speakerSelect: HTMLSelectElement;
  private readonly roleSelect: HTMLSelectElement;
  private readonly newName: HTMLInputElement;
  private readonly newRow: HTMLElement;
  private readonly addButton: HTMLButtonElement;
  private readonly text: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly clockOut: HTMLElement;
  private readonly status: HTMLElement;
  private readonly error: HTMLElement;
  private readonly labels: Record<string, HTMLElement> = {};

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: ComposerDeps,
  ) {
    this.clock = new MediaClock(() => deps.now());
    this.sender = this.newSender();
    const label = (key: string, forId: string, cls = 'composer-label') => (this.labels[key] = h('label', { for: forId, class: cls }));
    this.speakerSelect = h('select', { id: 'composer-speaker', 'data-testid': 'composer-speaker' });
    this.roleSelect = h('select', { id: 'composer-role', 'data-testid': 'composer-role' });
    this.newName = h('input', { id: 'composer-new-name', type: 'text', autocomplete: 'off', maxlength: 200, 'data-testid': 'composer-new-name' });
    this.addButton = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'composer-add-speaker' });
    this.newRow = h('div', { class: 'composer-new', hidden: true }, label('newName', 'composer-new-name'), this.newName, this.addButton);
    this.text = h('textarea', {
      id: 'composer-text',
      rows: 1,
      'data-testid': 'composer-text',
      'aria-describedby': 'composer-help composer-status composer-error',
    });
    this.sendButton = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'composer-send' });
    this.clockOut = h('span', { class: 'composer-clock', 'data-testid': 'composer-clock' });
    this.status = h('p', { id: 'composer-status', class: 'composer-status', role: 'status', 'data-testid': 'composer-status' });
    this.error = h('p', { id: 'composer-error', class: 'composer-error', role: 'alert', 'data-testid': 'composer-error' });
    const form = h(
      'form',
      { class: 'composer-form', 'aria-labelledby': 'composer-h' },
      (this.labels.title = h('h3', { id: 'composer-h', class: 'sr-only' })),
      h(
        'div',
        { class: 'composer-who' },
        h('span', { class: 'composer-field' }, label('speaker', 'composer-speaker'), this.speakerSelect),
        h('span', { class: 'composer-field' }, label('role', 'composer-role'), this.roleSelect),
        h('p', { id: 'composer-help', class: 'composer-help' }, (this.labels.help = h('span', {})), ' ', this.clockOut),
      ),
      this.newRow,
      h('div', { class: 'composer-say' }, label('text', 'composer-text', 'sr-only'), this.text, this.sendButton),
      this.status,
      this.error,
    );
    root.replaceChildren(form);
    this.bind(form);
    this.render();
  }

  /** The session shown, as the app knows it now (a snapshot, a role change, a playback starting). */
  setSession(s: ComposerSession): void {
    const key = JSON.stringify(s);
    // Called on every render of the header (each live turn): rebuilt only when something changed,
    // so a speaker list held open is not closed by a turn arriving.
    if (key === this.shownKey) return;
    this.shownKey = key;
    const other = s.id !== this.session.id;
    this.session = { ...s, participants: [...s.participants], unassigned: [...s.unassigned] };
    if (other) {
      this.clock.reset();
      this.sender = this.newSender();
      this.sender.draft = this.text.value; // a draft typed is kept; its time starts again
      this.added = [];
      this.speaker = null;
      this.roleError = null;
      this.nameProblem = null;
    }
    // A name added here that the session now knows is one of its participants.
    this.added = this.added.filter((n) => !this.names().participants.includes(n));
    this.render();
  }

  /** The session shown was created live in this window just now: its media time starts at 0 now. */
  startedHere(): void {
    this.clock.start(0);
    this.render();
  }

  /** The session was joined again after a reconnect: a turn whose ack the drop took goes again (same clientTurnId). */
  rejoined(): void {
    void this.sender.resend();
  }

  /**
   * The connection went up or down: Send follows it. Up again, an unconfirmed turn goes at once
   * too (for a session shown without being joined, which gets no rejoin); whichever of this and
   * rejoined() comes second finds it on its way and does nothing.
   */
  connectionChanged(): void {
    if (this.deps.connected()) void this.sender.resend();
    this.render();
  }

  /**
   * The rehearsal clock's media time now, for the webcam's landmarks, while the composer is
   * offered for session `sessionId`; null otherwise (the webcam keeps its own clock).
   */
  webcamMs(sessionId: string): number | null {
    if (!composerOffered(this.session) || this.session.id !== sessionId) return null;
    return this.clock.mediaMs(this.deps.latestMs());
  }

  /** A turn is on its way or waits to be sent again: leaving the page now may lose it. */
  get unsent(): boolean {
    return this.sender.phase !== 'idle';
  }

  get offered(): boolean {
    return composerOffered(this.session);
  }

  focus(): void {
    if (this.offered) this.text.focus();
  }

  private newSender(): TurnSender {
    return new TurnSender({
      prefix: newPlaybackId(),
      clock: this.clock,
      startFrom: () => this.deps.latestMs(),
      connected: () => this.deps.connected(),
      send: (turn) => {
        const id = this.session.id;
        if (id === null) return Promise.reject(new Error('no session'));
        return this.deps.send(id, turn);
      },
      deliveryUnknown: (err) => this.deps.deliveryUnknown(err),
      onStored: (u) => this.deps.onStored(u.sessionId, u),
      onChange: () => this.render(),
    });
  }

  private bind(form: HTMLFormElement): void {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    this.text.addEventListener('input', () => this.sender.edit(this.text.value));
    this.text.addEventListener('keydown', (ev) => {
      // Enter sends; Shift+Enter is a new line; an IME's Enter picks its candidate.
      if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing || ev.keyCode === 229) return;
      ev.preventDefault();
      void this.submit();
    });
    this.speakerSelect.addEventListener('change', () => {
      this.speaker = this.speakerSelect.value;
      if (this.speaker === NEW_SPEAKER) this.newRole = '';
      this.roleError = null;
      this.nameProblem = null;
      this.render();
      if (this.speaker === NEW_SPEAKER) this.newName.focus();
    });
    this.roleSelect.addEventListener('change', () => {
      // An existing speaker's role is changed at once; a new speaker's goes with Add.
      const chosen = this.roleSelect.value as RoleChoice;
      if (this.speakerSelect.value === NEW_SPEAKER) this.newRole = chosen;
      else {
        const speaker = this.currentSpeaker();
        if (speaker !== null) void this.saveRole(speaker, chosen);
      }
    });
    this.addButton.addEventListener('click', () => void this.addSpeaker());
    this.newName.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' || ev.isComposing || ev.keyCode === 229) return;
      ev.preventDefault();
      void this.addSpeaker();
    });
    this.newName.addEventListener('input', () => {
      if (!this.nameProblem) return;
      this.nameProblem = null;
      this.render();
    });
  }

  private async submit(): Promise<void> {
    const speaker = this.currentSpeaker();
    if (speaker === null) {
      (this.newRow.hidden ? this.speakerSelect : this.newName).focus();
      return;
    }
    const outcome: SendOutcome = await this.sender.submit(speaker);
    if (outcome === 'stored' || outcome === 'refused') this.text.focus();
  }

  private async addSpeaker(): Promise<void> {
    const checked = checkSpeaker(this.newName.value);
    if (!checked.ok) {
      this.nameProblem = checked.problem === 'empty' ? { key: 'composerNameEmpty' } : { key: 'composerNameTooLong', vars: { actual: checked.actual ?? 0, max: LIMITS.speakerMaxChars } };
      this.render();
      this.newName.focus();
      return;
    }
    const name = checked.name;
    const role = this.newRole;
    const known = this.names().all.includes(name);
    if (role !== '' && (!known || this.roleOf(name) !== role)) {
      if (!(await this.saveRole(name, role))) return;
    } else if (!known) this.added.push(name);
    this.speaker = name;
    this.newRole = '';
    this.newName.value = '';
    this.render();
    this.text.focus();
  }

  /** Sends a role change through the app (PUT /roles); false when it was refused. */
  private async saveRole(name: string, role: RoleChoice): Promise<boolean> {
    const id = this.session.id;
    if (id === null || this.roleSaving) return false;
    this.roleSaving = true;
    this.roleError = null;
    this.render();
    try {
      await this.deps.setRole(id, name, role === '' ? null : role);
      return true;
    } catch (err) {
      if (this.session.id === id) this.roleError = toApiError(err);
      return false;
    } finally {
      this.roleSaving = false;
      this.render();
    }
  }

  private names(): { participants: string[]; all: string[] } {
    const participants = [...new Set([...this.session.participants.map((p) => p.name), ...this.session.unassigned])];
    return { participants, all: [...participants, ...this.added.filter((n) => !participants.includes(n))] };
  }

  private roleOf(name: string): Role | null {
    if (this.session.unassigned.includes(name)) return null;
    return this.session.participants.find((p) => p.name === name)?.role ?? null;
  }

  /** The speaker chosen, or the first customer, else the first speaker; null: none (a new one to type). */
  private currentSpeaker(): string | null {
    const all = this.names().all;
    if (this.speaker === NEW_SPEAKER) return null;
    if (this.speaker !== null && all.includes(this.speaker)) return this.speaker;
    const customer = this.session.participants.find((p) => p.role === 'customer' && !this.session.unassigned.includes(p.name));
    return customer?.name ?? all[0] ?? null;
  }

  render(): void {
    const offered = composerOffered(this.session);
    this.root.hidden = !offered;
    clearInterval(this.tick);
    this.tick = undefined;
    if (!offered) return;
    const roleText = (r: Role | null) => t(r === 'customer' ? 'roleCustomer' : r === 'rep' ? 'roleRep' : 'roleUnknown');
    this.labels.title!.textContent = t('composerTitle');
    this.labels.speaker!.textContent = t('composerSpeaker');
    this.labels.role!.textContent = t('composerRole');
    this.labels.newName!.textContent = t('composerNewName');
    this.labels.text!.textContent = t('composerText');
    this.labels.help!.textContent = t('composerHelp');
    this.addButton.textContent = t('composerAddSpeaker');
    this.text.placeholder = t('composerPlaceholder');

    // Speakers: the session's, those typed here, then "New speaker…".
    const current = this.currentSpeaker();
    const chosen = this.speaker === NEW_SPEAKER ? NEW_SPEAKER : current;
    this.speakerSelect.replaceChildren(
      ...this.names().all.map((n) => h('option', { value: n }, `${n} · ${roleText(this.roleOf(n))}`)),
      h('option', { value: NEW_SPEAKER }, t('composerNewSpeaker')),
    );
    this.speakerSelect.value = chosen ?? NEW_SPEAKER;
    const isNew = this.speakerSelect.value === NEW_SPEAKER;
    this.newRow.hidden = !isNew;
    // The role: the speaker's current one (changing it re-analyses the session), or a new speaker's.
    const role = isNew ? this.newRole : (this.roleOf(chosen!) ?? '');
    this.roleSelect.replaceChildren(
      h('option', { value: '' }, t(isNew ? 'composerRoleLater' : 'roleUnknown')),
      h('option', { value: 'customer' }, t('roleCustomer')),
      h('option', { value: 'rep' }, t('roleRep')),
    );
    this.roleSelect.value = role;
    this.roleSelect.disabled = this.roleSaving;
    this.speakerSelect.disabled = this.roleSaving;
    this.addButton.disabled = this.roleSaving;
    this.newName.setAttribute('aria-invalid', String(this.nameProblem !== null));

    // The field: read-only while its turn is on its way (it is cleared once stored).
    const s = this.sender;
    if (this.text.value !== s.draft) this.text.value = s.draft;
    this.text.readOnly = s.phase !== 'idle';
    this.text.setAttribute('aria-invalid', String(s.error !== null));
    this.sendButton.textContent = s.phase === 'sending' ? t('composerSending') : t('composerSend');
    this.sendButton.disabled = !s.canSend(isNew ? null : current);
    const connected = this.deps.connected();
    const statusKey: StringKey | null =
      s.phase === 'sending'
        ? 'composerSendingStatus'
        : s.phase === 'unconfirmed'
          ? 'composerUnconfirmed'
          : !connected
            ? 'composerOffline'
            : this.roleSaving
              ? 'composerRoleSaving'
              : null;
    this.status.textContent = statusKey ? t(statusKey) : '';
    this.root.dataset.phase = s.phase;
    this.root.dataset.connected = String(connected);
    const err = s.error
      ? `${t('composerRefused')}${t('colon')}${errorMessage(s.error)}`
      : this.roleError
        ? `${t('composerRoleFailed')}${t('colon')}${errorMessage(this.roleError)}`
        : this.nameProblem
          ? t(this.nameProblem.key, this.nameProblem.vars)
          : '';
    this.error.textContent = err;
    this.error.hidden = !err;
    this.renderClock();
    this.tick = setInterval(() => this.renderClock(), 1000);
  }

  private renderClock(): void {
    const started = this.clock.started;
    this.clockOut.textContent = started ? t('composerClock', { time: formatMs(this.clock.mediaMs()) }) : '';
  }
}

/** The "New live session" button's dialog: a title (checked as the server checks it), Create or Cancel. */
export class NewLiveSessionDialog {
  private readonly dialog: HTMLDialogElement;
  private working = false;
  private problem: TitleProblem | null = null;
  private failure: ApiError | null = null;

  constructor(
    private readonly button: HTMLButtonElement,
    host: HTMLElement,
    private readonly defaultTitle: () => string,
    /** Creates the session; resolves with what to do once the dialog has closed (e.g. focus the composer). */
    private readonly create: (title: string) => Promise<(() => void) | void>,
  ) {
    this.dialog = h('dialog', { class: 'dialog', 'data-testid': 'new-live-dialog' });
    host.appendChild(this.dialog);
    button.addEventListener('click', () => this.show());
    this.dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      if (!this.working) this.close();
    });
  }

  render(): void {
    this.button.textContent = t('composerNewSession');
    this.button.title = t('composerNewSessionTip');
    if (this.dialog.open) this.renderDialog();
  }

  private show(): void {
    this.problem = null;
    this.failure = null;
    this.working = false;
    this.renderDialog(this.defaultTitle());
    if (!this.dialog.open) this.dialog.showModal();
    const input = this.dialog.querySelector('input');
    input?.focus();
    input?.select();
  }

  private close(refocus = true): void {
    this.working = false;
    if (this.dialog.open) this.dialog.close();
    this.dialog.replaceChildren();
    if (refocus) this.button.focus();
  }

  private renderDialog(title?: string): void {
    const typed = title ?? this.dialog.querySelector('input')?.value ?? '';
    const errorText = this.problem
      ? titleProblemText(this.problem)
      : this.failure
        ? `${t('composerCreateFailed')}${t('colon')}${errorMessage(this.failure)}`
        : '';
    const cancel = h('button', { type: 'button', class: 'btn', disabled: this.working, 'data-testid': 'new-live-cancel' }, t('dialogCancel'));
    cancel.addEventListener('click', () => this.close());
    const create = h('button', { type: 'submit', class: 'btn btn-primary', disabled: this.working, 'data-testid': 'new-live-create' }, this.working ? t('composerCreating') : t('composerCreate'));
    const form = titleForm({
      id: 'new-live',
      inputId: 'new-live-title',
      errorId: 'new-live-error',
      heading: t('composerNewSessionTitle'),
      help: t('composerNewSessionHelp', { max: LIMITS.titleMaxChars }),
      value: typed,
      errorText,
      working: this.working,
      actions: [cancel, create],
      submit: (v) => void this.submit(v),
    });
    this.dialog.setAttribute('aria-labelledby', 'new-live-h');
    this.dialog.replaceChildren(form);
  }

  private async submit(raw: string): Promise<void> {
    if (this.working) return;
    const checked = checkTitle(raw);
    this.failure = null;
    if (!checked.ok) {
      this.problem = checked.problem;
      this.renderDialog();
      this.dialog.querySelector('input')?.focus();
      return;
    }
    this.problem = null;
    this.working = true;
    this.renderDialog();
    try {
      const then = await this.create(checked.title);
      this.close(false);
      // After closing: the dialog gives the focus back to where it was (the button) as it closes.
      if (then) then();
      else this.button.focus();
    } catch (err) {
      this.working = false;
      this.failure = toApiError(err);
      this.renderDialog();
      this.dialog.querySelector('input')?.focus();
    }
  }
}
