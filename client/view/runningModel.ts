// The Model quality view's "Running model" section: the verbal models the server can run (its
// library, read afresh), a Run this model button per model (confirmed inline: live meetings
// switch for their new turns, stored sessions keep their signals until re-analysed), the signal
// thresholds editor (one field per label, empty for none, "Use the suggested" from the view's
// what-if), and the recent changes. Every window follows a switch (`verbal_settings`); while one
// is under way, the buttons wait, saying why. The library, confirmation, switch and history are
// the posture section's too (modelSwitch.ts); the thresholds and Compare with running are the
// verbal model's own.
import { VERBAL_LABELS, type ApiError, type VerbalLabel } from '../../protocol/protocol';
import type { LibraryModel, VerbalHistoryEntry, VerbalLibrary, VerbalSettings, VerbalSettingsPut, VerbalState } from '../../protocol/models';
import { errorMessage } from '../errorText';
import { labelName, labelled, t } from '../i18n';
import { pct, thresholdText } from '../quality';
import { h, type Child } from './dom';
import { historyTime, ModelSwitchSection, SOURCE_KEYS, type FigureColumn, type SwitchSource, type SwitchWords } from './modelSwitch';

export type RunningModelSource = SwitchSource<VerbalLibrary, VerbalSettings, VerbalSettingsPut>;

const VERBAL_WORDS: SwitchWords = {
  heading: 'runningH', caption: 'runningLibraryCaption', confirm: 'runningConfirm', applied: 'runningApplied', historyNone: 'runningHistoryNone', extraRows: 'runningCoachLabels',
};

const SIGNAL_LABELS = VERBAL_LABELS.filter((l): l is Exclude<VerbalLabel, 'neutral'> => l !== 'neutral');

/** Thresholds in words: "Price inquiry ≥ 0.60, Resistance ≥ 0.40", or "none". */
export function thresholdsWords(values: Record<string, number> | null): string {
  const entries = Object.entries(values ?? {});
  if (!entries.length) return t('runningThresholdsNone');
  return entries.map(([l, v]) => `${labelName(l as VerbalLabel) ?? l} ≥ ${thresholdText(v)}`).join(t('listSep'));
}

/** The form's fields as thresholds: empty is none; a field that is no number from 0 to 1 is named. */
export function readThresholdFields(fields: Record<string, string>): { values: Record<string, number>; errors: Record<string, string> } {
  const values: Record<string, number> = {};
  const errors: Record<string, string> = {};
  for (const [label, raw] of Object.entries(fields)) {
    const text = raw.trim();
    if (text === '') continue;
    const n = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
    if (!(n >= 0 && n <= 1)) errors[label] = t('runningThresholdInvalid');
    else values[label] = n;
  }
  return { values, errors };
}

/** One change of the history in words (`at`: its time, by default in the page's language). */
export function historyLine(e: VerbalHistoryEntry, at: (ms: number) => string = historyTime): string {
  if (e.setting === 'model') {
    return t('runningHistoryModel', { at: at(e.at), from: e.from ? e.from.version : t('runningSource_default'), to: e.to.version });
  }
  return t('runningHistoryThresholds', { at: at(e.at), from: e.from ? thresholdsWords(e.from) : t('runningSource_default'), to: thresholdsWords(e.to) });
}


export class RunningModelSection extends ModelSwitchSection<LibraryModel, VerbalState, VerbalSettings, VerbalSettingsPut> {
  /** The thresholds form as typed (kept through redraws), and its errors by label. */
  private fields: Record<string, string> = {};
  private fieldErrors: Record<string, string> = {};

  constructor(
    source: RunningModelSource,
    /** The view's best thresholds per label from its what-if (null where it has none). */
    private readonly suggested: () => Partial<Record<string, number>> | null,
    switched: () => void,
    /** Compare with running, on a model that does not run; absent: no such button. */
    compare?: (id: string, version: string) => void,
  ) {
    super(source, 'running', VERBAL_WORDS, switched, compare);
  }

  /** The model the server runs now and its signal thresholds, as last heard (null: not read yet). */
  runningModel(): { id: string; version: string; thresholds: Record<string, number> } | null {
    const cur = this.current;
    return cur ? { id: cur.model.id, version: cur.model.version, thresholds: cur.thresholds.values } : null;
  }

  protected runBody(id: string): VerbalSettingsPut {
    return { model: id };
  }

  protected override settingsRead(s: VerbalSettings): void {
    this.fields = Object.fromEntries(SIGNAL_LABELS.map((l) => [l, s.thresholds.values[l] === undefined ? '' : String(s.thresholds.values[l])]));
    this.fieldErrors = {};
  }

  protected override apply(body: VerbalSettingsPut, focusAfter: string, focus = true): Promise<ApiError | null> {
    this.fieldErrors = {};
    return super.apply(body, focusAfter, focus);
  }

  /** A refused threshold is said beside its field. */
  protected override refusedHere(e: ApiError): boolean {
    const label = e.field?.startsWith('thresholds.') ? e.field.slice('thresholds.'.length) : undefined;
    if (!label || !SIGNAL_LABELS.includes(label as never)) return false;
    this.fieldErrors[label] = errorMessage(e);
    return true;
  }

  protected nowLine(s: VerbalState): Child[] {
    return [
      t('runningNow', { model: s.model.version, source: t(SOURCE_KEYS[s.model.source]) }), ' · ',
      labelled(t('signalThresholds'), `${thresholdsWords(s.thresholds.values)} (${t(SOURCE_KEYS[s.thresholds.source])})`),
    ];
  }

  protected switchingWhat(s: VerbalState): string {
    const sw = s.switching;
    return [sw?.model?.version, sw?.thresholds ? thresholdsWords(sw.thresholds) : ''].filter(Boolean).join(' · ');
  }

  protected figureColumns(): FigureColumn[] {
    return [{ key: 'runningColRows', num: true }, { key: 'runningColF1', num: true }];
  }

  protected figureCells(m: LibraryModel): Child[] {
    return [m.trainRows === null ? '–' : String(m.trainRows), m.macroF1 === null ? '–' : pct(m.macroF1)];
  }

  protected historyLine(e: VerbalHistoryEntry): string {
    return historyLine(e);
  }

  protected override extraParts(): Child[] {
    return [this.thresholdsForm()];
  }

  private thresholdsForm(): HTMLElement {
    const inputs = SIGNAL_LABELS.map((label) => {
      const id = `running-threshold-${label}`;
      const err = this.fieldErrors[label];
      const input = h('input', {
        id, type: 'text', inputmode: 'decimal', class: 'q-threshold', 'data-testid': id, placeholder: t('runningThresholdNone'),
        'aria-invalid': err ? 'true' : undefined, 'aria-describedby': err ? `${id}-error` : undefined, disabled: this.busy,
      });
      input.value = this.fields[label] ?? '';
      input.addEventListener('input', () => {
        this.fields[label] = input.value;
      });
      return h('div', { class: 'q-threshold-field' },
        h('label', { for: id }, labelName(label) ?? label),
        input,
        err ? h('span', { id: `${id}-error`, class: 'q-field-error', 'data-testid': `${id}-error` }, err) : null);
    });
    const suggested = this.suggested();
    const useSuggested = suggested && Object.keys(suggested).length
      ? h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'running-use-suggested', title: t('runningUseSuggestedTip'), disabled: this.busy }, t('runningUseSuggested'))
      : null;
    useSuggested?.addEventListener('click', () => {
      for (const l of SIGNAL_LABELS) {
        const v = suggested?.[l];
        if (v !== undefined) this.fields[l] = String(v);
      }
      this.render();
    });
    const apply = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'running-apply', disabled: this.busy, 'aria-describedby': this.busy ? 'running-model-why' : undefined }, t('runningApply'));
    const form = h('form', { class: 'q-thresholds', 'data-testid': 'running-thresholds', novalidate: true },
      h('fieldset', {}, h('legend', {}, t('runningThresholdsLegend')), ...inputs),
      h('p', { class: 'q-actions' }, useSuggested, useSuggested ? ' ' : null, apply));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const { values, errors } = readThresholdFields(this.fields);
      this.fieldErrors = errors;
      if (Object.keys(errors).length) {
        this.render();
        this.element.querySelector<HTMLElement>(`[data-testid="running-threshold-${Object.keys(errors)[0]}"]`)?.focus();
        return;
      }
      void this.apply({ thresholds: values }, 'running-apply');
    });
    return form;
  }
}
