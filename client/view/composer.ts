// The live turn composer under the transcript, and the "New live session" dialog.
//
// The composer is offered for the session shown when it is stored on the server, is not the
// demo (its preview or the stored demo session), is not lost, and this window is not playing a
// recording into it (see composerOffered). While another window plays into it (this window
// watches that input), the field and Send are disabled and say why. It lists the session's
// speakers with their roles (a new one can be typed, with a role), and its role choice sends
// the existing role change (`PUT /roles`, which re-analyses the session). The text field sends
// on Enter (Shift+Enter: a new line; not while an input method is composing, so Chinese typed
// with an IME is not sent half-way): the turn joins the session's queue, listed under the field
// until the server has stored it. Each session keeps its queue (per session id, saved in
// sessionStorage), sent in the background while another session is shown (the server takes a
// turn for any session, joined or not). The logic (clock, draft, queue, storage) is
// client/composer.ts; every session's queue and when it may be sent, client/composerQueues.ts.
import type { ApiError, Participant, Role, RoomUtterance, Utterance, UtteranceIn } from '../../protocol/protocol';
import { LIMITS } from '../../protocol/protocol';
import { toApiError } from '../api';
import {
  Draft,
  MALFORMED_ACK,
  MediaClock,
  QUEUE_MAX_TURNS,
  buildTurn,
  checkSpeaker,
  hasText,
  removable,
  type QueueStorage,
  type QueuedTurn,
  type TurnClock,
  type TurnQueue,
} from '../composer';
import { ComposerQueues } from '../composerQueues';
import { errorMessage } from '../errorText';
import { t, type StringKey } from '../i18n';
import type { AckResult } from '../live';
import { newPlaybackId, turnId } from '../resend';
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
  /** Another window plays (or feeds) into it: this window watches that input. */
  watching: boolean;
}

/**
 * What is said of the turn the queue stopped at: the server's refusal ("Turn not stored: …", in
 * the page's language), or an acknowledgement this page could not read ("Turn not confirmed": it
 * may be stored), with where it was off as the detail.
 */
export function refusalText(error: ApiError): string {
  if (error.code === MALFORMED_ACK) return t('composerMalformedAck', { detail: error.message });
  return `${t('composerRefused')}${t('colon')}${errorMessage(error)}`;
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
  /** The media time a session's clock starts at when first used here: the latest it holds (turns, signals, cues). */
  latestMs(): number;
  /** The local video's playback position (ms) while one is loaded; null: none (the webcam, or no video). */
  videoMs(): number | null;
  /** A turn of session `sessionId` was stored (the ack's utterance). */
  onStored(sessionId: string, u: Utterance): void;
  /** Gives `name` a role in the session (the role panel's request); throws the server's refusal. */
  setRole(sessionId: string, name: string, role: Role | null): Promise<void>;
  /** Where the queues are kept across a reload (sessionStorage); null: not kept. */
  storage(): QueueStorage | null;
}

const NEW_SPEAKER = '\u0000new';

/** How long after an ack timeout (the connection up) a turn is sent again under its id. */
const UNCONFIRMED_RETRY_MS = 3000;

type RoleChoice = Role | '';

const QUEUED_STATE_KEY: Record<QueuedTurn['state'], StringKey> = {
  waiting: 'composerQueuedWaiting',
  sending: 'composerQueuedSending',
  unconfirmed: 'composerQueuedUnconfirmed',
  refused: 'composerQueuedRefused',
};

export class Composer {
  private session: ComposerSession = { id: null, participants: [], unassigned: [], demo: false, lost: false, playing: false, watching: false };
  private readonly clock: MediaClock;
  private readonly draft = new Draft();
  /** Each session's typed turns not yet stored, by session id (the shown one's and those left behind). */
  private readonly queues: ComposerQueues;
  /** The clientTurnId prefix for this page's typed turns, and the last turn's number. */
  private readonly prefix = newPlaybackId();
  private n = 0;
  /** The refused turn whose text is in the field being fixed (its clientTurnId); null: a new turn. */
  private editing: string | null = null;
  /** The last turn typed did not fit in the queue. */
  private queueFull = false;
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
  private readonly blocked: HTMLElement;
  private readonly error: HTMLElement;
  private readonly queueBox: HTMLElement;
  private readonly queueCount: HTMLElement;
  private readonly queueList: HTMLOListElement;
  private readonly labels: Record<string, HTMLElement> = {};

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: ComposerDeps,
  ) {
    this.clock = new MediaClock(() => deps.now());
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
      'aria-describedby': 'composer-blocked composer-help composer-status composer-error composer-queue-count',
    });
    this.sendButton = h('button', { type: 'submit', class: 'btn btn-primary', 'aria-describedby': 'composer-blocked', 'data-testid': 'composer-send' });
    this.clockOut = h('span', { class: 'composer-clock', 'data-testid': 'composer-clock' });
    this.status = h('p', { id: 'composer-status', class: 'composer-status', role: 'status', 'data-testid': 'composer-status' });
    this.blocked = h('p', { id: 'composer-blocked', class: 'composer-blocked', 'data-testid': 'composer-blocked' });
    this.error = h('p', { id: 'composer-error', class: 'composer-error', role: 'alert', 'data-testid': 'composer-error' });
    this.queueCount = h('p', { id: 'composer-queue-count', class: 'composer-queue-count', 'data-testid': 'composer-queue-count' });
    this.queueList = h('ol', { class: 'composer-queue-list', 'aria-labelledby': 'composer-queue-count' });
    this.queueBox = h('div', { class: 'composer-queue', hidden: true, 'data-testid': 'composer-queue' }, this.queueCount, this.queueList);
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
      this.blocked,
      h('div', { class: 'composer-say' }, label('text', 'composer-text', 'sr-only'), this.text, this.sendButton),
      this.status,
      this.error,
      this.queueBox,
    );
    root.replaceChildren(form);
    this.bind(form);
    this.queues = new ComposerQueues({
      connected: () => deps.connected(),
      send: (sessionId, turn) => deps.send(sessionId, turn),
      deliveryUnknown: (err) => deps.deliveryUnknown(err),
      retryLater: (retry) => void setTimeout(retry, UNCONFIRMED_RETRY_MS),
      onStored: (sessionId, u) => deps.onStored(sessionId, u),
      storage: () => deps.storage(),
      onChange: (sessionId) => {
        if (sessionId !== this.session.id) return;
        // Dropped (the server no longer has the session): a refused turn being fixed goes with it.
        if (!this.queues.get(sessionId) && this.editing !== null) {
          this.editing = null;
          this.draft.clear();
        }
        this.fixRefused();
        this.render();
      },
    });
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
      // A draft typed is kept (its time starts again); a refused turn being fixed stays in its session's queue.
      if (this.editing !== null) this.draft.clear();
      else this.draft.forgetStart();
      this.editing = null;
      this.queueFull = false;
      this.added = [];
      this.speaker = null;
      this.roleError = null;
      this.nameProblem = null;
    }
    // A name added here that the session now knows is one of its participants.
    this.added = this.added.filter((n) => !this.names().participants.includes(n));
    this.fixRefused();
    this.render();
    this.queues.show(s.id, s.watching);
  }

  /** The session shown was created live in this window just now: its media time starts at 0 now. */
  startedHere(): void {
    this.clock.start(0);
    this.render();
  }

  /** The session was joined again after a reconnect: its queue goes on (an unconfirmed turn under its id). */
  rejoined(): void {
    this.queues.rejoined();
  }

  /**
   * The connection went up or down. Up again, every session's queue goes on (the shown one's,
   * and those of sessions shown before: the server takes a turn for a session not joined);
   * whichever of this and rejoined() comes second finds the queue on its way and does nothing.
   */
  connectionChanged(): void {
    this.queues.connectionChanged();
    this.render();
  }

  /** The session is gone (deleted, or the server lost it): its queued turns could only be refused. */
  dropSession(sessionId: string): void {
    if (!this.queues.drop(sessionId)) return;
    if (sessionId === this.session.id && this.editing !== null) {
      this.editing = null;
      this.draft.clear();
    }
    this.render();
  }

  /**
   * The rehearsal clock's media time now, for the webcam's landmarks, while the composer is
   * offered for session `sessionId`; null otherwise (the webcam keeps its own clock).
   */
  webcamMs(sessionId: string): number | null {
    if (!composerOffered(this.session) || this.session.id !== sessionId) return null;
    return this.clock.mediaMs(this.startFrom());
  }

  /**
   * Whether `u`, a turn the session's room reports, is one this window sent and awaits the ack
   * of (its own input, not another window's: a turn sent in the background, before its session
   * was shown again, comes back as the room's event once the session is joined). Known by the
   * clientTurnId the event carries: the server serves this client, so it always sends the id.
   */
  sentHere(u: Pick<RoomUtterance, 'sessionId' | 'clientTurnId'>): boolean {
    return this.queues.sentHere(u);
  }

  /** Typed turns not yet stored (in any session): closing the page now would lose them. */
  get unsent(): boolean {
    return this.queues.unsent;
  }

  get offered(): boolean {
    return composerOffered(this.session);
  }

  focus(): void {
    if (this.offered && !this.session.watching) this.text.focus();
  }

  /** The shown session's queue (made on first use). */
  private queue(): TurnQueue | null {
    const id = this.session.id;
    if (id === null) return null;
    return this.queues.of(id);
  }

  /** The shown session's queue stopped at a refused turn and the field is empty: its text goes into the field, to fix. */
  private fixRefused(): void {
    const refused = this.session.id !== null ? this.queues.get(this.session.id)?.refused : null;
    if (this.editing !== null && refused?.turn.clientTurnId !== this.editing) this.editing = null;
    if (!refused || this.editing !== null || hasText(this.draft.text) || !this.offered) return;
    this.edit(refused);
  }

  private edit(q: QueuedTurn): void {
    this.editing = q.turn.clientTurnId!;
    this.draft.text = q.turn.text;
    this.draft.fix(q.turn.startMs);
    if (this.names().all.includes(q.turn.speaker)) this.speaker = q.turn.speaker;
  }

  /** Media time now: the local video's position while one is loaded, else the session's clock. */
  private mediaNow(): number {
    return this.deps.videoMs() ?? this.clock.mediaMs(this.startFrom());
  }

  /** The clock mediaNow() reads. */
  private clockNow(): TurnClock {
    return this.deps.videoMs() !== null ? 'video' : 'clock';
  }

  /** Where a clock not yet running starts: after the session's latest turn, stored or queued. */
  private startFrom(): number {
    const queued = this.session.id !== null ? this.queues.get(this.session.id)?.lastEndMs : null;
    return Math.max(this.deps.latestMs(), queued ?? 0);
  }

  private bind(form: HTMLFormElement): void {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.text.addEventListener('input', () => {
      this.draft.edit(this.text.value, () => this.mediaNow(), this.clockNow());
      const q = this.session.id !== null ? this.queues.get(this.session.id) : undefined;
      // Fix is offered only with the field empty: a refused turn waiting for it follows the typing.
      if (this.queueFull || (q?.refused && this.editing === null)) {
        this.queueFull = false;
        this.render();
      } else this.renderSend();
    });
    this.text.addEventListener('keydown', (ev) => {
      // Enter sends; Shift+Enter is a new line; an IME's Enter picks its candidate.
      if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing || ev.keyCode === 229) return;
      ev.preventDefault();
      this.submit();
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
    this.queueList.addEventListener('click', (ev) => {
      const button = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
      const id = button?.closest<HTMLElement>('li')?.dataset.turnId;
      const q = this.queue();
      if (!button || !id || !q) return;
      if (button.dataset.action === 'remove') {
        const wasEditing = this.editing === id;
        const item = q.items.find((i) => i.turn.clientTurnId === id);
        if (!q.remove(id)) return;
        // Its text was in the field to be fixed: it goes with it.
        if (wasEditing && item && this.draft.text === item.turn.text) this.draft.clear();
        if (wasEditing) this.editing = null;
        this.render();
        this.text.focus();
      } else if (button.dataset.action === 'edit') {
        const item = q.refused;
        if (!item || item.turn.clientTurnId !== id || hasText(this.draft.text)) return;
        this.edit(item);
        this.render();
        this.text.focus();
      }
    });
  }

  /** The field's turn joins the queue (a refused turn being fixed takes its place, at its media times). */
  private submit(): void {
    const speaker = this.currentSpeaker();
    if (speaker === null) {
      (this.newRow.hidden ? this.speakerSelect : this.newName).focus();
      return;
    }
    const q = this.queue();
    if (!q || !hasText(this.draft.text) || this.session.watching) return;
    const fixing = this.editing !== null ? q.items.find((i) => i.turn.clientTurnId === this.editing) : undefined;
    const endMs = fixing ? (fixing.turn.endMs ?? fixing.turn.startMs) : this.mediaNow();
    // A draft begun on the other clock (a video loaded or closed meanwhile) begins when it is sent.
    const startMs = fixing ? fixing.turn.startMs : (this.draft.startOn(this.clockNow()) ?? endMs);
    const turn = buildTurn({ speaker, text: this.draft.text, startMs, endMs, clientTurnId: turnId(this.prefix, ++this.n) });
    if (fixing) {
      this.editing = null;
      q.replace(fixing.turn.clientTurnId!, turn);
    } else if (q.add(turn) === 'full') {
      this.queueFull = true;
      this.render();
      return;
    }
    this.draft.clear();
    this.queueFull = false;
    this.fixRefused();
    this.render();
    this.text.focus();
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

  /** Send: a speaker, something typed, not held by another window's input, and room in the queue (or a refused turn being fixed). */
  private renderSend(): void {
    const isNew = this.speakerSelect.value === NEW_SPEAKER;
    const q = this.session.id !== null ? this.queues.get(this.session.id) : undefined;
    this.sendButton.disabled =
      this.session.watching || isNew || this.currentSpeaker() === null || !hasText(this.draft.text) || (this.editing === null && (q?.full ?? false));
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

    // Another window plays into the session: nothing is typed into it here meanwhile.
    const held = this.session.watching;
    this.blocked.textContent = held ? t('composerBlockedWatching') : '';
    this.blocked.hidden = !held;
    this.text.disabled = held;
    this.root.dataset.blocked = String(held);

    // The field: the draft, or a refused turn's text being fixed (marked invalid).
    const q = this.queue()!;
    if (this.text.value !== this.draft.text) this.text.value = this.draft.text;
    this.text.setAttribute('aria-invalid', String(this.editing !== null));
    this.sendButton.textContent = t('composerSend');
    this.renderSend();
    const head = q.items[0];
    const connected = this.deps.connected();
    const statusKey: StringKey | null =
      head?.state === 'sending'
        ? 'composerSendingStatus'
        : head?.state === 'unconfirmed'
          ? connected
            ? 'composerUnconfirmedSlow'
            : 'composerUnconfirmed'
          : head?.state === 'waiting' && head.error && connected
            ? 'composerRetrying'
            : !connected
            ? 'composerOffline'
            : this.roleSaving
              ? 'composerRoleSaving'
              : null;
    this.status.textContent = statusKey ? t(statusKey) : '';
    this.root.dataset.phase = head?.state ?? 'idle';
    this.root.dataset.connected = String(connected);
    const refused = q.refused;
    const err = this.queueFull
      ? t('composerQueueFull', { max: QUEUE_MAX_TURNS })
      : refused?.error
        ? refusalText(refused.error)
        : this.roleError
          ? `${t('composerRoleFailed')}${t('colon')}${errorMessage(this.roleError)}`
          : this.nameProblem
            ? t(this.nameProblem.key, this.nameProblem.vars)
            : '';
    this.error.textContent = err;
    this.error.hidden = !err;
    this.renderQueue(q);
    this.renderClock();
    this.tick = setInterval(() => this.renderClock(), 1000);
  }

  /** The turns not yet stored: how many, and each with its state; Remove (one never sent, or refused), Edit (a refused one). */
  private renderQueue(q: TurnQueue): void {
    const n = q.items.length;
    this.queueBox.hidden = n === 0;
    this.queueBox.dataset.count = String(n);
    this.queueCount.textContent = n === 0 ? '' : q.refused && n > 1 ? t('composerQueueStopped', { n, max: QUEUE_MAX_TURNS }) : t('composerQueueCount', { n, max: QUEUE_MAX_TURNS });
    const focusedId = (document.activeElement as HTMLElement | null)?.closest?.<HTMLElement>('.composer-queue li')?.dataset.turnId;
    const focusedAction = (document.activeElement as HTMLElement | null)?.dataset?.action;
    this.queueList.replaceChildren(
      ...q.items.map((item, i) => {
        const id = item.turn.clientTurnId!;
        const editingThis = this.editing === id;
        const li = h(
          'li',
          { class: 'composer-queued', 'data-state': item.state, 'data-turn-id': id, 'data-testid': 'composer-queued' },
          h('span', { class: 'composer-queued-state', 'data-testid': 'composer-queued-state' }, t(editingThis ? 'composerQueuedEditing' : QUEUED_STATE_KEY[item.state])),
          ' ',
          h('span', { class: 'composer-queued-text' }, `${item.turn.speaker}${t('colon')}${item.turn.text}`),
        );
        const label = `${item.turn.speaker}${t('colon')}${item.turn.text.slice(0, 40)}`;
        if (item.state === 'refused' && !editingThis) {
          li.append(
            h(
              'button',
              { type: 'button', class: 'btn btn-small', 'data-action': 'edit', 'data-testid': 'composer-queued-edit', disabled: hasText(this.draft.text), title: hasText(this.draft.text) ? t('composerQueuedEditBusy') : '', 'aria-label': `${t('composerQueuedEdit')} (${i + 1}) ${label}` },
              t('composerQueuedEdit'),
            ),
          );
        }
        if (removable(item)) {
          li.append(
            h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'remove', 'data-testid': 'composer-queued-remove', 'aria-label': `${t('composerQueuedRemove')} (${i + 1}) ${label}` }, t('composerQueuedRemove')),
          );
        }
        return li;
      }),
    );
    // A button re-made under the focus keeps it (Remove of another turn, a state change).
    if (focusedId && focusedAction) this.queueList.querySelector<HTMLElement>(`li[data-turn-id="${CSS.escape(focusedId)}"] button[data-action="${focusedAction}"]`)?.focus();
  }

  private renderClock(): void {
    const video = this.deps.videoMs();
    const started = video !== null || this.clock.started;
    this.clockOut.textContent = started ? t('composerClock', { time: formatMs(video ?? this.clock.mediaMs()) }) : '';
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
