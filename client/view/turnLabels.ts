// Coaches' labels on the transcript's customer turns: a quiet "Label" button on each (shown on
// hover or focus, always in the Tab order), an inline editor under the turn (the five labels,
// an optional note, Save / Remove / Cancel; Escape cancels and the focus goes back to the
// button), and on a labelled turn a "Coach: …" chip, the model's label struck through when the
// coach said otherwise. Labels never change signals or cues. The transcript view asks for each
// row's parts (parts()) and redraws a row when asked; the corrections come from the snapshot
// and from `corrected` events (apply()).
import { VERBAL_LABELS, type Correction, type Utterance, type VerbalLabel } from '../../protocol/protocol';
import { applyCorrected, changes, correctionBody, correctionsOf, disagrees, initialLabel, modelLabel, type CorrectedEvent, type Corrections } from '../corrections';
import { correctionLabelName, t } from '../i18n';
import { h } from './dom';
import { formatMs } from './format';
import { wireEditor } from './editorForm';
import { noteField } from './noteField';

/** What labelling asks of the page; each resolves false when it was refused (the page says why). */
export interface LabelActions {
  save(sessionId: string, utteranceId: number, body: { label: VerbalLabel; note?: string }): Promise<boolean>;
  remove(sessionId: string, utteranceId: number): Promise<boolean>;
}

/** A row's labelling parts; null where there is nothing to show. */
export interface LabelParts {
  /** The Label button (customer turns of a session that can be labelled). */
  button: HTMLButtonElement | null;
  /** The coach's chip (and note), on a labelled turn. */
  coach: HTMLElement | null;
  /** The coach said otherwise than the model: its label (its chip is struck through). */
  overruledBy: VerbalLabel | null;
  /** The editor, when it is open on this turn. */
  editor: HTMLElement | null;
}

interface Draft {
  utteranceId: number;
  label: VerbalLabel;
  note: string;
}

/** The editor's labels: the buying signals, resistance, then "No signal". */
const ORDER: readonly VerbalLabel[] = [...VERBAL_LABELS.filter((l) => l !== 'neutral'), 'neutral'];

export class TurnLabels {
  private sessionId: string | null = null;
  private corrections: Corrections = new Map();
  private editable = false;
  private draft: Draft | null = null;
  private busy: 'save' | 'remove' | null = null;
  private redraw: (utteranceId: number) => void = () => {};
  private signalOf: (utteranceId: number) => { label: VerbalLabel } | undefined = () => undefined;

  constructor(
    private readonly actions: LabelActions,
    /** The corrections changed (the header's count). */
    private readonly onChange: () => void,
  ) {}

  /** The transcript that shows the rows: how to redraw one, and a turn's verbal signal. */
  attach(redraw: (utteranceId: number) => void, signalOf: (utteranceId: number) => { label: VerbalLabel } | undefined): void {
    this.redraw = redraw;
    this.signalOf = signalOf;
  }

  /**
   * The session shown and its corrections (null: none, the demo's preview); `editable`: whether
   * labels may be given (not on a session the server lost). Called before the transcript is
   * drawn again; an editor open on the same session stays open, with what was chosen in it.
   */
  setSession(sessionId: string | null, list: readonly Correction[], editable: boolean): void {
    if (sessionId !== this.sessionId) {
      this.draft = null;
      this.busy = null;
    }
    this.sessionId = sessionId;
    this.corrections = sessionId === null ? new Map() : correctionsOf(sessionId, list);
    this.setEditable(editable, false);
  }

  /** Labels may (no longer) be given; an open editor closes when they may not. */
  setEditable(editable: boolean, redraw = true): void {
    this.editable = editable && this.sessionId !== null;
    if (!this.editable && this.draft) {
      const id = this.draft.utteranceId;
      this.draft = null;
      if (redraw) this.redraw(id);
    }
    this.onChange();
  }

  /** The corrections held for the session shown. */
  get all(): Corrections {
    return this.corrections;
  }

  /** A `corrected` event, or this window's own answer as one: the turn's row is drawn again. */
  apply(ev: CorrectedEvent): void {
    const next = applyCorrected(this.corrections, this.sessionId, ev);
    if (next === this.corrections) return;
    this.corrections = next;
    this.redraw(ev.utteranceId);
    this.onChange();
  }

  parts(u: Utterance, signal: { label: VerbalLabel } | undefined): LabelParts {
    const correction = this.corrections.get(u.id);
    // A label stays on a turn whose speaker is no longer a customer (kept by the server, but
    // neither counted nor exported): its button is there to remove it.
    const labellable = this.editable && (u.role === 'customer' || correction !== undefined);
    const open = labellable && this.draft?.utteranceId === u.id;
    return {
      button: labellable ? this.button(u, open) : null,
      coach: correction ? this.coachChip(correction, u.role === 'customer') : null,
      overruledBy: correction && disagrees(correction, signal) ? correction.label : null,
      editor: open && this.draft ? this.editor(u, this.draft, correction, signal) : null,
    };
  }

  private button(u: Utterance, open: boolean): HTMLButtonElement {
    const b = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-ghost label-btn',
        'data-testid': 'label-turn',
        'data-focus-key': `label:${u.id}`,
        'aria-expanded': String(open),
        'aria-controls': `label-editor-${u.id}`,
        'aria-label': t('labelTurnAria', { speaker: u.speaker, time: formatMs(u.startMs) }),
      },
      t('labelTurn'),
    );
    b.addEventListener('click', () => (open ? this.cancel() : this.open(u)));
    return b;
  }

  private coachChip(c: Correction, customer: boolean): HTMLElement {
    const name = correctionLabelName(c.label);
    return h(
      'span',
      {
        class: `coach-label${customer ? '' : ' is-aside'}`,
        'data-testid': 'coach-label',
        'data-label': c.label,
        'data-aside': !customer,
        title: customer ? t('coachLabelTip') : t('coachLabelAside'),
      },
      h('span', { class: `chip coach-chip label-${c.label}` }, t('coachLabel', { label: name })),
      c.note !== null && h('span', { class: 'coach-note', title: t('coachNote', { note: c.note }) }, c.note),
    );
  }

  private open(u: Utterance): void {
    if (this.busy) return;
    const before = this.draft?.utteranceId;
    const held = this.corrections.get(u.id);
    this.draft = { utteranceId: u.id, label: initialLabel(held, this.signalOf(u.id)), note: held?.note ?? '' };
    if (before !== undefined && before !== u.id) this.redraw(before);
    this.redraw(u.id);
    document.querySelector<HTMLElement>(`#label-editor-${u.id} input[type="radio"]:checked, #label-editor-${u.id} [data-testid="label-remove"]`)?.focus();
  }

  /** Closes the editor (Cancel, Escape, a save); the focus goes back to the turn's Label button. */
  private close(): void {
    const id = this.draft?.utteranceId;
    if (id === undefined) return;
    const hadFocus = document.getElementById(`label-editor-${id}`)?.contains(document.activeElement) ?? false;
    this.draft = null;
    this.redraw(id);
    if (hadFocus || document.activeElement === document.body) document.querySelector<HTMLElement>(`[data-focus-key="label:${id}"]`)?.focus();
  }

  private cancel(): void {
    if (this.busy) return;
    this.close();
  }

  private editor(u: Utterance, draft: Draft, held: Correction | undefined, signal: { label: VerbalLabel } | undefined): HTMLElement {
    const id = u.id;
    if (u.role !== 'customer') return this.asideEditor(id, held);
    const model = modelLabel(signal);
    const busy = this.busy;
    const options = ORDER.map((label) => {
      const input = h('input', {
        type: 'radio',
        name: `label-${id}`,
        value: label,
        checked: label === draft.label,
        disabled: busy !== null,
        'data-testid': 'label-option',
        'data-focus-key': `label-opt:${id}:${label}`,
      });
      input.addEventListener('change', () => {
        if (input.checked) draft.label = label;
      });
      // Enter on a label saves, as in a text field (browsers differ on radios).
      input.addEventListener('keydown', (ev) => {
        if (ev.key !== 'Enter') return;
        ev.preventDefault();
        input.form?.requestSubmit();
      });
      return h(
        'label',
        { class: `label-option label-${label}` },
        input,
        h('span', { class: `chip label-${label}` }, correctionLabelName(label)),
        label === model && h('span', { class: 'label-model-hint' }, t('labelModelHint')),
      );
    });
    const { note, counter } = noteField({
      id: `label-note-${id}`,
      value: draft.note,
      disabled: busy !== null,
      testId: 'label-note',
      focusKey: `label-note:${id}`,
      onInput: (v) => (draft.note = v),
    });
    const save = h(
      'button',
      { type: 'submit', class: 'btn btn-primary btn-small', disabled: busy !== null, 'data-testid': 'label-save', 'data-focus-key': `label-save:${id}` },
      busy === 'save' ? t('labelSaving') : t('labelSave'),
    );
    const { remove, cancel } = this.closingButtons(id, held);
    const form = h(
      'form',
      {
        id: `label-editor-${id}`,
        class: 'label-editor',
        'data-testid': 'label-editor',
        'aria-busy': String(busy !== null),
        tabindex: -1,
        'aria-labelledby': `label-editor-h-${id}`,
      },
      h(
        'fieldset',
        { class: 'label-options' },
        h('legend', { id: `label-editor-h-${id}` }, t('labelEditorTitle')),
        ...options,
      ),
      h('label', { class: 'label-note-field', for: `label-note-${id}` }, t('labelNote')),
      note,
      counter,
      h('p', { class: 'help' }, t('labelEditorHelp')),
      h('div', { class: 'label-actions' }, save, remove, cancel),
    );
    wireEditor(form, { remove, cancel }, { submit: () => void this.submit(id, held), remove: () => void this.unlabel(id), cancel: () => this.cancel() });
    return form;
  }

  /** A labelled turn no longer a customer's: its label can only be removed (the server refuses another). */
  private asideEditor(id: number, held: Correction | undefined): HTMLElement {
    const busy = this.busy;
    const { remove, cancel } = this.closingButtons(id, held);
    const form = h(
      'form',
      { id: `label-editor-${id}`, class: 'label-editor', 'data-testid': 'label-editor', 'aria-busy': String(busy !== null), tabindex: -1, 'aria-describedby': `label-editor-h-${id}` },
      h('p', { id: `label-editor-h-${id}`, class: 'help' }, t('labelNotCustomer')),
      h('div', { class: 'label-actions' }, remove, cancel),
    );
    wireEditor(form, { remove, cancel }, { remove: () => void this.unlabel(id), cancel: () => this.cancel() });
    return form;
  }

  /** Remove (only on a labelled turn) and Cancel, as both editors have them. */
  private closingButtons(id: number, held: Correction | undefined): { remove: HTMLButtonElement | undefined; cancel: HTMLButtonElement } {
    const busy = this.busy;
    const remove = held
      ? h(
          'button',
          { type: 'button', class: 'btn btn-small', disabled: busy !== null, 'data-testid': 'label-remove', 'data-focus-key': `label-remove:${id}` },
          busy === 'remove' ? t('labelRemoving') : t('labelRemove'),
        )
      : undefined;
    const cancel = h(
      'button',
      { type: 'button', class: 'btn btn-ghost btn-small', disabled: busy !== null, 'data-testid': 'label-cancel', 'data-focus-key': `label-cancel:${id}` },
      t('labelCancel'),
    );
    return { remove, cancel };
  }

  private async submit(utteranceId: number, held: Correction | undefined): Promise<void> {
    const draft = this.draft;
    const sessionId = this.sessionId;
    if (!draft || draft.utteranceId !== utteranceId || sessionId === null || this.busy) return;
    // Nothing changed: nothing to send.
    if (!changes(held, draft.label, draft.note)) {
      this.close();
      return;
    }
    // The textarea's maxlength keeps the note within the limit; the body has it trimmed.
    await this.run('save', sessionId, utteranceId, () => this.actions.save(sessionId, utteranceId, correctionBody(draft.label, draft.note)));
  }

  private async unlabel(utteranceId: number): Promise<void> {
    const sessionId = this.sessionId;
    if (sessionId === null || this.busy) return;
    await this.run('remove', sessionId, utteranceId, () => this.actions.remove(sessionId, utteranceId));
  }

  /** A save or removal: the editor is busy meanwhile, closes once it is done, stays open when refused. */
  private async run(kind: 'save' | 'remove', sessionId: string, utteranceId: number, request: () => Promise<boolean>): Promise<void> {
    this.busy = kind;
    this.redraw(utteranceId);
    let ok = false;
    try {
      ok = await request();
    } finally {
      this.busy = null;
    }
    if (this.sessionId !== sessionId || this.draft?.utteranceId !== utteranceId) return; // another session or turn meanwhile
    if (ok) this.close();
    else {
      this.redraw(utteranceId);
      document.querySelector<HTMLElement>(`[data-focus-key="label-${kind}:${utteranceId}"]`)?.focus();
    }
  }
}
