// The Model quality view's "Running model" section: the verbal models the server can run (its
// library, read afresh), a Run this model button per model (confirmed inline: live meetings
// switch for their new turns, stored sessions keep their signals until re-analysed), the signal
// thresholds editor (one field per label, empty for none, "Use the suggested" from the view's
// what-if), and the recent changes. Every window follows a switch (`verbal_settings`); while one
// is under way, the buttons wait, saying why.
import { VERBAL_LABELS, type ApiError, type VerbalLabel } from '../../protocol/protocol';
import type { LibraryModel, VerbalHistoryEntry, VerbalLibrary, VerbalSettings, VerbalSettingsPut, VerbalState } from '../../protocol/models';
import { errorMessage, requestError } from '../errorText';
import { labelName, labelled, lang, t, type StringKey } from '../i18n';
import { pct, thresholdText } from '../quality';
import { h, type Child } from './dom';

export interface RunningModelSource {
  library(): Promise<VerbalLibrary>;
  settings(): Promise<VerbalSettings>;
  apply(body: VerbalSettingsPut): Promise<VerbalSettings>;
}

const SIGNAL_LABELS = VERBAL_LABELS.filter((l): l is Exclude<VerbalLabel, 'neutral'> => l !== 'neutral');

const SOURCE_KEYS: Record<VerbalState['model']['source'], StringKey> = { flag: 'runningSource_flag', stored: 'runningSource_stored', default: 'runningSource_default' };

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

/** A change's time in the page's language (not the browser's: a Chinese page on an English browser showed "12/1/2026, 8:00:00 AM"). */
export const historyTime = (ms: number): string => new Date(ms).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en');

/** One change of the history in words (`at`: its time, by default in the page's language). */
export function historyLine(e: VerbalHistoryEntry, at: (ms: number) => string = historyTime): string {
  if (e.setting === 'model') {
    return t('runningHistoryModel', { at: at(e.at), from: e.from ? e.from.version : t('runningSource_default'), to: e.to.version });
  }
  return t('runningHistoryThresholds', { at: at(e.at), from: e.from ? thresholdsWords(e.from) : t('runningSource_default'), to: thresholdsWords(e.to) });
}


export class RunningModelSection {
  readonly element: HTMLElement;
  private library: VerbalLibrary | null = null;
  private settings: VerbalSettings | null = null;
  /** The state a `verbal_settings` event gave (newer than `settings` until it is read again). */
  private state: VerbalState | null = null;
  private error: ApiError | null = null;
  private loading = false;
  /** This window's own PUT under way. */
  private applying = false;
  /** The model whose Run this model asks to be confirmed. */
  private confirming: string | null = null;
  /** The thresholds form as typed (kept through redraws), and its errors by label ('' for the form). */
  private fields: Record<string, string> = {};
  private fieldErrors: Record<string, string> = {};
  private done: string | null = null;

  constructor(
    private readonly source: RunningModelSource,
    /** The view's best thresholds per label from its what-if (null where it has none). */
    private readonly suggested: () => Partial<Record<string, number>> | null,
    /** A switch this window made is done: the view measures the new model. */
    private readonly switched: () => void,
    /** Compare with running, on a model that does not run (its button passed, to follow the focus); absent: no such button. */
    private readonly compare?: (id: string, version: string) => void,
  ) {
    this.element = h('section', { class: 'q-section', 'data-testid': 'running-model', 'aria-labelledby': 'running-model-h' });
  }

  /** The dialog opened: a confirmation or note left from before is gone, the library read afresh. */
  opened(): Promise<void> {
    this.confirming = null;
    this.done = null;
    this.error = null;
    return this.load();
  }

  /** Reads the library and settings again (the dialog opened, or another window switched). */
  async load(): Promise<void> {
    this.loading = true;
    this.render();
    try {
      const [library, settings] = await Promise.all([this.source.library(), this.source.settings()]);
      this.library = library;
      this.settings = settings;
      this.state = null;
      this.error = null;
      this.fillFields(settings.thresholds.values);
    } catch (err) {
      this.error = requestError(err);
    }
    this.loading = false;
    this.render();
  }

  /**
   * A model joined the library (a training job finished, in any window): the list is read again;
   * the threshold fields keep what the analyst typed. A failed read leaves the list as it was
   * (the next opening reads it).
   */
  async libraryChanged(): Promise<void> {
    try {
      this.library = await this.source.library();
    } catch {
      return;
    }
    this.render();
  }

  /** Another window (or this one) started, ended or failed a switch. */
  onSettings(s: VerbalState): void {
    this.state = s;
    this.render();
    if (s.switching === null && this.element.isConnected) void this.load();
  }

  private get current(): VerbalState | null {
    return this.state ?? this.settings;
  }

  /** The model the server runs now and its signal thresholds, as last heard (null: not read yet). */
  runningModel(): { id: string; version: string; thresholds: Record<string, number> } | null {
    const cur = this.current;
    return cur ? { id: cur.model.id, version: cur.model.version, thresholds: cur.thresholds.values } : null;
  }

  /** A switch under way, here or in another window. */
  get switching(): boolean {
    return this.busy;
  }

  /** Runs a library model, as Run this model's confirmation does (the comparison panel's): the refusal, or null once it runs. */
  run(id: string): Promise<ApiError | null> {
    return this.apply({ model: id }, `running-run-${id}`, false);
  }

  private get busy(): boolean {
    return this.applying || (this.current?.switching ?? null) !== null;
  }

  private fillFields(values: Record<string, number>): void {
    this.fields = Object.fromEntries(SIGNAL_LABELS.map((l) => [l, values[l] === undefined ? '' : String(values[l])]));
    this.fieldErrors = {};
  }

  /** Applies a change; the refusal (also shown here), or null. `focus`: the focus goes to `focusAfter` once done. */
  private async apply(body: VerbalSettingsPut, focusAfter: string, focus = true): Promise<ApiError | null> {
    let refused: ApiError | null = null;
    this.applying = true;
    this.error = null;
    this.fieldErrors = {};
    this.done = null;
    this.render();
    try {
      this.settings = await this.source.apply(body);
      this.state = null;
      this.fillFields(this.settings.thresholds.values);
      this.done = t('runningApplied');
      this.library = await this.source.library().catch(() => this.library);
      this.switched();
    } catch (err) {
      const e = requestError(err);
      refused = e;
      const label = e.field?.startsWith('thresholds.') ? e.field.slice('thresholds.'.length) : undefined;
      if (label && SIGNAL_LABELS.includes(label as never)) this.fieldErrors[label] = errorMessage(e);
      else this.error = e;
    }
    this.applying = false;
    this.render();
    if (focus) this.element.querySelector<HTMLElement>(`[data-testid="${focusAfter}"]`)?.focus();
    return refused;
  }

  render(): void {
    const focused = this.element.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.testid : undefined;
    const s = this.current;
    const parts: Child[] = [h('h3', { id: 'running-model-h', class: 'q-h' }, t('runningH'))];
    if (s) {
      parts.push(
        h('p', { class: 'q-note', 'data-testid': 'running-model-now' },
          t('runningNow', { model: s.model.version, source: t(SOURCE_KEYS[s.model.source]) }), ' · ',
          labelled(t('signalThresholds'), `${thresholdsWords(s.thresholds.values)} (${t(SOURCE_KEYS[s.thresholds.source])})`)),
      );
    }
    const switching = s?.switching;
    // Why the buttons wait: a switch under way (this window's or another's).
    parts.push(
      h('p', { id: 'running-model-why', class: 'q-note', role: 'status', 'data-testid': 'running-model-status' },
        this.loading && !this.library ? t('runningLoading')
          : switching ? t('runningSwitching', { what: [switching.model?.version, switching.thresholds ? thresholdsWords(switching.thresholds) : ''].filter(Boolean).join(' · ') })
            : this.applying ? t('runningSwitching', { what: '…' }) : (this.done ?? '')),
    );
    if (this.error) parts.push(h('p', { class: 'q-error', role: 'alert', 'data-testid': 'running-model-error' }, `${t('runningFailed')}${t('colon')}${errorMessage(this.error)}`));
    if (this.library) parts.push(this.libraryTable(this.library), ...this.library.skipped.map((k) => h('p', { class: 'q-none', 'data-testid': 'running-model-skipped' }, t('runningSkipped', { path: k.path, reason: k.reason }))));
    if (s) parts.push(this.thresholdsForm());
    parts.push(this.historyList());
    this.element.replaceChildren(...parts.filter((p): p is Node | string => p !== null && p !== undefined && p !== false));
    if (focused) this.element.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
  }

  private libraryTable(lib: VerbalLibrary): HTMLElement {
    const cols: StringKey[] = ['runningColVersion', 'runningColCreated', 'runningColRows', 'runningColF1', 'runningColNotes', 'runningColAction'];
    const runningId = this.current?.model.id;
    const row = (m: LibraryModel): HTMLElement[] => {
      // Its folder and the version loaded from it (a folder replaced since holds another: Run loads it).
      const isRunning = m.id === runningId && m.version === this.current?.model.version;
      const notes: string[] = [];
      if (m.extra) notes.push(t('runningCoachLabels', { n: m.extra.rows, w: m.extra.weight }));
      if (m.duplicate) notes.push(t('runningDuplicate'));
      notes.push(m.path);
      const run = h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': `running-run-${m.id}`, 'aria-label': t('runningRunLabel', { version: m.version }),
        disabled: isRunning || this.busy, 'aria-describedby': this.busy ? 'running-model-why' : undefined,
      }, t('runningRun'));
      run.addEventListener('click', () => {
        this.confirming = m.id;
        this.render();
        this.element.querySelector<HTMLElement>('[data-testid="running-confirm-yes"]')?.focus();
      });
      // Compare with running: its accessible name holds its visible words, then the version.
      const compare = this.compare && !isRunning
        ? h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `running-compare-${m.id}`, 'data-compare': m.id, 'aria-label': t('compareButtonLabel', { version: m.version }) }, t('compareButton'))
        : null;
      compare?.addEventListener('click', () => this.compare?.(m.id, m.version));
      const cells: HTMLElement[] = [
        h('th', { scope: 'row' }, m.version, isRunning ? h('span', { class: 'q-running', 'data-testid': 'running-marker' }, ` · ${t('runningMarker')}`) : null),
        h('td', {}, m.createdAt.slice(0, 16).replace('T', ' ')),
        h('td', { class: 'num' }, m.trainRows === null ? '–' : String(m.trainRows)),
        h('td', { class: 'num' }, m.macroF1 === null ? '–' : pct(m.macroF1)),
        h('td', {}, notes.join(t('listSep'))),
        h('td', { class: 'q-row-actions' }, run, compare ? ' ' : null, compare),
      ];
      return [h('tr', { 'data-testid': 'running-model-row' }, ...cells), ...(this.confirming === m.id ? [this.confirmRow(m, cols.length)] : [])];
    };
    return h(
      'div', { class: 'q-table-wrap', tabindex: 0, role: 'group', 'aria-label': t('runningLibraryCaption', { dir: lib.libraryDir }) },
      h('table', { class: 'q-table', 'data-testid': 'running-library' },
        h('caption', {}, t('runningLibraryCaption', { dir: lib.libraryDir })),
        h('thead', {}, h('tr', {}, ...cols.map((c, i) => h('th', { scope: 'col', class: i === 2 || i === 3 ? 'num' : null }, t(c))))),
        h('tbody', {}, ...lib.models.flatMap(row))),
    );
  }

  private confirmRow(m: LibraryModel, span: number): HTMLElement {
    const yes = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'running-confirm-yes', disabled: this.busy }, t('runningConfirmYes'));
    const no = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'running-confirm-no' }, t('runningConfirmNo'));
    yes.addEventListener('click', () => {
      this.confirming = null;
      void this.apply({ model: m.id }, `running-run-${m.id}`);
    });
    no.addEventListener('click', () => {
      this.confirming = null;
      this.render();
      this.element.querySelector<HTMLElement>(`[data-testid="running-run-${m.id}"]`)?.focus();
    });
    return h('tr', {}, h('td', { colspan: span },
      h('div', { role: 'group', 'aria-labelledby': 'running-confirm-text', class: 'q-confirm', 'data-testid': 'running-confirm' },
        h('p', { id: 'running-confirm-text' }, t('runningConfirm', { version: m.version })), yes, ' ', no)));
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

  private historyList(): HTMLElement {
    const history = this.settings?.history ?? [];
    return h('div', { 'data-testid': 'running-history' },
      h('h4', { class: 'q-h4' }, t('runningHistoryH')),
      history.length
        ? h('ul', { class: 'q-history' }, ...history.map((e) => h('li', {}, historyLine(e))))
        : h('p', { class: 'q-none' }, t('runningHistoryNone')));
  }
}
