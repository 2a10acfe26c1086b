// Coaches' posture labels on the posture timeline: what a customer's posture IS at a moment.
// A coach picks the moment — a posture bar chosen on the timeline (click, or Enter on it) offers
// "Label posture here" just under the chart, the header's "Label posture" takes the playhead
// (else the moment last chosen, else the customer's first posture) — or chooses a coach's marker
// (the timeline's Coach row) to open its labels again. The editor under the chart: the seven
// frame labels as checkboxes (neutral exclusive with the four main ones), pre-checked with what
// the timeline shows then; with two or more customers, a new label's customer picker (switching
// it re-targets the draft to that customer at the same moment, re-pre-checked while the coach has
// not touched a checkbox); a note; Save / Remove / Cancel; Escape cancels and the focus goes back
// to what opened it. A save answers with the frame the server snapped to, said in a status line.
// Labels never change signals or cues. The labels come from the snapshot and from
// `posture_labelled` events (apply()).
import { POSTURE_FRAME_LABELS, type Participant, type PostureFrameLabel, type PostureLabels } from '../../protocol/protocol';
import {
  applyPostureLabelled,
  customerChoice,
  formatFrameMs,
  initialPostureLabels,
  labelCustomers,
  postureLabelsBody,
  postureLabelsChange,
  postureLabelsOf,
  retargetedLabels,
  toggleLabel,
  type PostureLabelledEvent,
  type PostureLabelsMap,
} from '../postureLabels';
import { labelName, t } from '../i18n';
import { h, setAttrs } from './dom';
import { formatMs } from './format';
import { wireEditor } from './editorForm';
import { noteField } from './noteField';
import type { BarPick, CoachMark } from './posture';
import { valenceOf } from './timeline';

/** What labelling asks of the page: the answer's labels (null: refused, the page said why), whether removed. */
export interface PostureLabelActions {
  save(sessionId: string, body: ReturnType<typeof postureLabelsBody>): Promise<PostureLabels | null>;
  remove(sessionId: string, frameId: number): Promise<boolean>;
}

/** What the editor asks of the timeline. */
export interface PostureTimelineInfo {
  /** The postures the timeline shows on for a participant at a moment. */
  posturesAt(participant: string, ms: number): PostureFrameLabel[];
  /** The participants with posture signals, by their first one. */
  postureParticipants(): string[];
  /** When a participant's first posture bar starts. */
  firstPostureMs(participant: string): number | null;
  /** The playhead (media ms), null without one. */
  playheadMs(): number | null;
  /** The focus to the coach's marker of a frame; whether it went there. */
  focusCoach(frameId: number): boolean;
}

/** The parts of the page the labels use. */
export interface PostureLabelElements {
  /** The timeline header's "Label posture" button. */
  button: HTMLButtonElement;
  /** Under the chart: the bar chosen and "Label posture here". */
  offer: HTMLElement;
  /** Under the chart: the editor, when open. */
  editor: HTMLElement;
  /** Under the chart: what the last save or removal did. */
  status: HTMLElement;
}

/** Whether the session has posture frames: known some, known none, or not known (live input may bring some). */
export type FramesKnown = 'some' | 'none' | 'unknown';

interface Draft {
  /** The frame's id when it has labels (opened from its marker), else null: a new moment. */
  frameId: number | null;
  participant: string;
  mediaMs: number;
  labels: PostureFrameLabel[];
  /** Whether the coach has changed a checkbox (then re-picking the customer keeps their checks). */
  touched: boolean;
  note: string;
  /** Where the focus goes back to when the editor closes. */
  opener: 'button' | 'offer' | { frameId: number };
}

/** The editor's order: the main labels, then legs and distance, then neutral (as the contract lists them). */
const ORDER = POSTURE_FRAME_LABELS;

export class PostureLabelEditor {
  private sessionId: string | null = null;
  private labels: PostureLabelsMap = new Map();
  private participants: readonly Participant[] = [];
  private editable = false;
  private frames: FramesKnown = 'unknown';
  /** The bar last chosen on the timeline. */
  private picked: BarPick | null = null;
  private draft: Draft | null = null;
  private busy: 'save' | 'remove' | null = null;
  /** What the last save or removal did (a function: worded in the language of the moment). */
  private said: (() => string) | null = null;

  constructor(
    private readonly els: PostureLabelElements,
    private readonly timeline: PostureTimelineInfo,
    private readonly actions: PostureLabelActions,
    /** The labels changed (the header's count, the timeline's markers). */
    private readonly onChange: () => void,
  ) {
    els.button.addEventListener('click', () => (this.draft?.opener === 'button' ? this.cancel() : this.openAtCurrent()));
    // Its tooltip names the moment it would label: the playhead moves, so it is worded when looked at.
    els.button.addEventListener('pointerenter', () => this.renderButton());
    els.button.addEventListener('focus', () => this.renderButton());
  }

  /**
   * The session shown and its labels (null: none, the demo's preview); `editable`: whether labels
   * may be given (not on a session the server lost). An editor open on the same session stays open.
   */
  setSession(sessionId: string | null, list: readonly PostureLabels[], participants: readonly Participant[], editable: boolean, frames: FramesKnown): void {
    if (sessionId !== this.sessionId) {
      this.draft = null;
      this.busy = null;
      this.picked = null;
      this.said = null;
    }
    this.sessionId = sessionId;
    this.labels = sessionId === null ? new Map() : postureLabelsOf(sessionId, list);
    this.participants = participants;
    this.frames = frames;
    this.editable = editable && sessionId !== null;
    if (!this.editable) this.draft = null;
    this.changed();
  }

  /** What a frame lookup found (for the header button). */
  setFrames(frames: FramesKnown): void {
    this.frames = frames;
    this.render();
  }

  /** Labels may (no longer) be given; an open editor closes when they may not. */
  setEditable(editable: boolean): void {
    this.editable = editable && this.sessionId !== null;
    if (!this.editable) {
      this.draft = null;
      this.picked = null;
    }
    this.changed();
  }

  /** The labels held for the session shown. */
  get all(): PostureLabelsMap {
    return this.labels;
  }

  /** Whether a participant is a customer now (labels of others are kept, not counted). */
  isCustomer(name: string): boolean {
    return this.participants.some((p) => p.name === name && p.role === 'customer');
  }

  /** The timeline's markers: every labelled frame, those of a participant no longer a customer aside. */
  marks(): CoachMark[] {
    return [...this.labels.values()].map((l) => ({ ...l, id: l.frameId, aside: !this.isCustomer(l.participant) }));
  }

  /** A `posture_labelled` event, or this window's own answer as one. */
  apply(ev: PostureLabelledEvent): void {
    const next = applyPostureLabelled(this.labels, this.sessionId, ev);
    if (next === this.labels) return;
    this.labels = next;
    this.changed();
  }

  /** A posture bar was chosen on the timeline: the offer to label that moment. */
  pickBar(pick: BarPick): void {
    this.picked = pick;
    this.render();
  }

  /** A coach's marker was chosen: its labels open in the editor. */
  openFrame(frameId: number): void {
    const held = this.labels.get(frameId);
    if (!held || !this.editable || this.busy) return;
    this.open({ frameId, participant: held.participant, mediaMs: held.mediaMs, labels: initialPostureLabels(held, []), touched: false, note: held.note ?? '', opener: { frameId } });
  }

  /** Redraws the button, the offer, the editor and the status (e.g. after a language switch). */
  render(): void {
    this.renderButton();
    this.renderOffer();
    this.renderEditor();
    this.renderStatus();
  }

  private changed(): void {
    this.render();
    this.onChange();
  }

  // ---- choosing the moment --------------------------------------------------------------

  /** The customer the header button labels: the bar's chosen, else the first with postures, else the first customer. */
  private currentParticipant(): string | null {
    if (this.picked && this.isCustomer(this.picked.participant)) return this.picked.participant;
    return this.timeline.postureParticipants().find((p) => this.isCustomer(p)) ?? this.participants.find((p) => p.role === 'customer')?.name ?? null;
  }

  /** The moment the header button labels: the playhead, else the bar chosen, else the customer's first posture, else the start. */
  private currentMs(participant: string): number {
    return this.timeline.playheadMs() ?? (this.picked?.participant === participant ? this.picked.atMs : null) ?? this.timeline.firstPostureMs(participant) ?? 0;
  }

  /**
   * The moment the header's button would label (the playhead, else the moment last chosen on a
   * bar, else the customer's first posture, else the start): where the header's Comment goes too.
   */
  moment(): number {
    const who = this.currentParticipant();
    return who !== null ? this.currentMs(who) : (this.timeline.playheadMs() ?? this.picked?.atMs ?? 0);
  }

  private openAtCurrent(): void {
    const who = this.currentParticipant();
    if (!who || !this.editable || this.busy) return;
    this.openNew(who, this.currentMs(who), 'button');
  }

  private openNew(participant: string, mediaMs: number, opener: Draft['opener']): void {
    const model = this.timeline.posturesAt(participant, mediaMs);
    this.open({ frameId: null, participant, mediaMs, labels: initialPostureLabels(undefined, model), touched: false, note: '', opener });
  }

  private open(draft: Draft): void {
    this.draft = draft;
    this.said = null;
    this.render();
    // The first label checked, else the first label, else (labels that can only be removed) Remove.
    const first = ['input[type="checkbox"]:checked:not(:disabled)', 'input[type="checkbox"]:not(:disabled)', '[data-testid="posture-label-remove"]']
      .map((sel) => this.els.editor.querySelector<HTMLElement>(sel))
      .find((el) => el !== null);
    first?.focus();
  }

  private renderButton(): void {
    const b = this.els.button;
    b.textContent = t('postureLabelButton');
    b.hidden = !this.editable;
    const who = this.currentParticipant();
    const why = this.frames === 'none' ? t('postureLabelNoFrames') : who === null ? t('postureLabelNoCustomer') : null;
    b.disabled = why !== null || this.busy !== null;
    setAttrs(b, {
      title: why ?? (who ? t('postureLabelButtonTip', { name: who, time: formatMs(this.currentMs(who)) }) : null),
      'aria-expanded': String(this.draft?.opener === 'button'),
      'aria-controls': 'posture-label-editor',
    });
  }

  private renderOffer(): void {
    const p = this.picked;
    const show = this.editable && p !== null && this.isCustomer(p.participant);
    this.els.offer.hidden = !show;
    if (!show || !p) {
      this.els.offer.replaceChildren();
      return;
    }
    const range = `${formatMs(p.startMs)}–${p.open ? t('postureOngoing') : formatMs(p.endMs)}`;
    const here = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small',
        'data-testid': 'posture-label-here',
        'aria-label': t('postureLabelHereAria', { name: p.participant, time: formatMs(p.atMs) }),
        'aria-expanded': String(this.draft?.opener === 'offer'),
        'aria-controls': 'posture-label-editor',
        disabled: this.busy !== null,
      },
      `${t('postureLabelHere')} · ${formatMs(p.atMs)}`,
    );
    here.addEventListener('click', () => {
      if (this.draft?.opener === 'offer') this.cancel();
      else if (!this.busy) this.openNew(p.participant, p.atMs, 'offer');
    });
    this.els.offer.replaceChildren(h('span', { class: 'tl-offer-what' }, t('posturePicked', { label: labelName(p.label), name: p.participant, range })), here);
  }

  private renderStatus(): void {
    const text = this.said?.() ?? '';
    this.els.status.textContent = text;
    this.els.status.hidden = text === '';
  }

  // ---- the editor -------------------------------------------------------------------------

  private renderEditor(): void {
    const draft = this.draft;
    const root = this.els.editor;
    if (!draft || !this.editable) {
      root.hidden = true;
      root.replaceChildren();
      return;
    }
    // Keep the focus where it was across a redraw (busy, refused).
    const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    root.hidden = false;
    root.replaceChildren(this.editorForm(draft));
    if (focusKey && root.contains(document.activeElement) === false) root.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  private editorForm(draft: Draft): HTMLElement {
    const busy = this.busy;
    const held = draft.frameId !== null ? this.labels.get(draft.frameId) : undefined;
    const customer = this.isCustomer(draft.participant);
    const model = this.timeline.posturesAt(draft.participant, draft.mediaMs);
    const time = draft.frameId !== null ? formatFrameMs(draft.mediaMs) : formatMs(draft.mediaMs);
    const boxes = ORDER.map((label) => {
      const input = h('input', {
        type: 'checkbox',
        value: label,
        checked: draft.labels.includes(label),
        disabled: busy !== null || !customer,
        'data-testid': 'posture-label-option',
        'data-focus-key': `plabel-opt:${label}`,
      });
      input.addEventListener('change', () => {
        draft.labels = toggleLabel(draft.labels, label, input.checked);
        draft.touched = true;
        // Neutral and the main labels clear each other: the other boxes follow.
        for (const other of this.els.editor.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) other.checked = draft.labels.includes(other.value as PostureFrameLabel);
        this.renderSaveState();
      });
      input.addEventListener('keydown', (ev) => {
        if (ev.key !== 'Enter') return;
        ev.preventDefault();
        input.form?.requestSubmit();
      });
      return h(
        'label',
        { class: `label-option posture-option is-${label}` },
        input,
        h('span', { class: `chip posture-chip is-${label === 'neutral' ? 'neutral' : valenceOf(label)}` }, labelName(label)),
        label === 'neutral' && h('span', { class: 'label-model-hint' }, t('postureNeutralHint')),
        model.includes(label) && h('span', { class: 'label-model-hint', 'data-testid': 'posture-model-hint' }, t('postureModelHint')),
      );
    });
    const { note, counter } = noteField({
      id: 'posture-label-note',
      value: draft.note,
      disabled: busy !== null || !customer,
      testId: 'posture-label-note',
      focusKey: 'plabel-note',
      onInput: (v) => (draft.note = v),
    });
    const save = h(
      'button',
      { type: 'submit', class: 'btn btn-primary btn-small', disabled: busy !== null || !customer || draft.labels.length === 0, 'data-testid': 'posture-label-save', 'data-focus-key': 'plabel-save' },
      busy === 'save' ? t('labelSaving') : t('postureLabelSave'),
    );
    const remove =
      held &&
      h(
        'button',
        { type: 'button', class: 'btn btn-small', disabled: busy !== null, 'data-testid': 'posture-label-remove', 'data-focus-key': 'plabel-remove' },
        busy === 'remove' ? t('labelRemoving') : t('labelRemove'),
      );
    const cancel = h(
      'button',
      { type: 'button', class: 'btn btn-ghost btn-small', disabled: busy !== null, 'data-testid': 'posture-label-cancel', 'data-focus-key': 'plabel-cancel' },
      t('labelCancel'),
    );
    const who = this.customerField(draft);
    const need = h('p', { class: 'help', 'data-testid': 'posture-label-need', hidden: draft.labels.length > 0 || !customer }, t('postureNeedOne'));
    const form = h(
      'form',
      {
        class: 'label-editor posture-label-editor',
        'data-testid': 'posture-label-editor',
        'data-participant': draft.participant,
        'data-media-ms': draft.mediaMs,
        'data-frame-id': draft.frameId,
        'aria-busy': String(busy !== null),
        'aria-labelledby': 'posture-label-editor-h',
        tabindex: -1,
      },
      who,
      h(
        'fieldset',
        { class: 'label-options' },
        h('legend', { id: 'posture-label-editor-h' }, t('postureEditorTitle', { name: draft.participant, time })),
        ...boxes,
      ),
      need,
      h('label', { class: 'label-note-field', for: 'posture-label-note' }, t('labelNote')),
      note,
      counter,
      h('p', { class: 'help' }, customer ? t('postureEditorHelp', { name: draft.participant }) : t('postureNotCustomer', { name: draft.participant })),
      h('div', { class: 'label-actions' }, save, remove, cancel),
    );
    wireEditor(form, { remove, cancel }, { submit: () => void this.submit(), remove: () => void this.unlabel(), cancel: () => this.cancel() });
    return form;
  }

  /**
   * Whose posture: with two or more customers, a new label's picker (a labelled select,
   * preselected with the draft's customer) or, on a label already given, the name as text; with
   * one customer nothing (the legend names them).
   */
  private customerField(draft: Draft): HTMLElement | null {
    const customers = labelCustomers(this.participants);
    const choice = customerChoice(customers, draft);
    if (choice === 'none') return null;
    if (choice === 'fixed') return h('p', { class: 'posture-label-customer', 'data-testid': 'posture-label-customer-fixed' }, t('postureLabelCustomerFixed', { name: draft.participant }));
    const select = h(
      'select',
      { id: 'posture-label-customer', class: 'posture-label-customer-select', disabled: this.busy !== null, 'data-testid': 'posture-label-customer', 'data-focus-key': 'plabel-customer' },
      ...customers.map((name) => h('option', { value: name, selected: name === draft.participant }, name)),
    );
    select.addEventListener('change', () => this.retarget(draft, select.value));
    return h('p', { class: 'posture-label-customer' }, h('label', { for: 'posture-label-customer' }, t('postureLabelCustomer')), select);
  }

  /** A new label's customer picked: the same moment for that customer, pre-checked again unless the coach has touched the checkboxes. */
  private retarget(draft: Draft, participant: string): void {
    if (this.draft !== draft || draft.frameId !== null || this.busy || participant === draft.participant || !this.isCustomer(participant)) return;
    draft.labels = retargetedLabels(draft.labels, draft.touched, this.timeline.posturesAt(participant, draft.mediaMs));
    draft.participant = participant;
    this.renderEditor(); // the focus stays on the picker (its focus key)
  }

  /** Save is possible with at least one label; the note under the boxes says so otherwise. */
  private renderSaveState(): void {
    const n = this.draft?.labels.length ?? 0;
    const save = this.els.editor.querySelector<HTMLButtonElement>('[data-testid="posture-label-save"]');
    if (save) save.disabled = this.busy !== null || n === 0;
    const need = this.els.editor.querySelector<HTMLElement>('[data-testid="posture-label-need"]');
    if (need) need.hidden = n > 0;
  }

  private cancel(): void {
    if (this.busy) return;
    this.close();
  }

  /** Closes the editor; the focus goes back to what opened it (a coach's marker while it is still drawn, else the header's button). */
  private close(): void {
    const draft = this.draft;
    if (!draft) return;
    const hadFocus = this.els.editor.contains(document.activeElement) || document.activeElement === document.body;
    this.draft = null;
    this.render();
    if (!hadFocus) return;
    const opener = draft.opener;
    if (typeof opener === 'object' && this.timeline.focusCoach(opener.frameId)) return;
    const here = opener === 'offer' ? this.els.offer.querySelector<HTMLButtonElement>('[data-testid="posture-label-here"]') : null;
    (here && !this.els.offer.hidden ? here : this.els.button).focus();
  }

  private async submit(): Promise<void> {
    const draft = this.draft;
    const sessionId = this.sessionId;
    if (!draft || sessionId === null || this.busy || draft.labels.length === 0) return;
    const held = draft.frameId !== null ? this.labels.get(draft.frameId) : undefined;
    if (held && !postureLabelsChange(held, draft.labels, draft.note)) {
      this.close();
      return;
    }
    const asked = draft.mediaMs;
    await this.run('save', sessionId, draft, async () => {
      const answer = await this.actions.save(sessionId, postureLabelsBody(draft.participant, asked, draft.labels, draft.note));
      if (!answer) return false;
      this.said = () => t('postureLabelSaved', { name: answer.participant, frame: formatFrameMs(answer.mediaMs), time: held ? formatFrameMs(asked) : formatMs(asked) });
      return true;
    });
  }

  private async unlabel(): Promise<void> {
    const draft = this.draft;
    const sessionId = this.sessionId;
    if (!draft || draft.frameId === null || sessionId === null || this.busy) return;
    const frameId = draft.frameId;
    await this.run('remove', sessionId, draft, async () => {
      const ok = await this.actions.remove(sessionId, frameId);
      if (ok) this.said = () => t('postureLabelRemoved', { name: draft.participant, frame: formatFrameMs(draft.mediaMs) });
      return ok;
    });
  }

  /** A save or removal: the editor is busy meanwhile, closes once it is done, stays open (with the coach's choice) when refused. */
  private async run(kind: 'save' | 'remove', sessionId: string, draft: Draft, request: () => Promise<boolean>): Promise<void> {
    this.busy = kind;
    this.render();
    let ok = false;
    try {
      ok = await request();
    } finally {
      this.busy = null;
    }
    if (this.sessionId !== sessionId || this.draft !== draft) {
      this.render();
      return; // another session or editor meanwhile
    }
    if (ok) this.close();
    else {
      this.render();
      this.els.editor.querySelector<HTMLElement>(`[data-focus-key="plabel-${kind}"]`)?.focus();
    }
  }
}
