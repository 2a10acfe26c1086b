// What the Model quality view's two running-model sections share (the verbal one,
// runningModel.ts, and the posture one, runningPosture.ts): the models the server can run (its
// library, read afresh), a Run this model button per model (confirmed inline), the switch under
// way here or in another window (the settings event), a refusal said in the page's language, and
// the recent changes. A kind gives its columns, its words and any form of its own; element ids
// and test ids carry its prefix, so both sections live in one dialog.
import type { SettingSource } from '../../protocol/models';
import type { ApiError } from '../../protocol/protocol';
import { errorMessage, requestError } from '../errorText';
import { lang, t, type StringKey } from '../i18n';
import { h, type Child } from './dom';

/** How a section reads the library and settings and switches (the api's, or a test's). */
export interface SwitchSource<Lib, Settings, Put> {
  library(): Promise<Lib>;
  settings(): Promise<Settings>;
  apply(body: Put): Promise<Settings>;
}

/** What a library model has, whatever its kind. */
export interface SwitchModel {
  id: string;
  version: string;
  path: string;
  createdAt: string;
  extra: { rows: number; weight: number } | null;
  duplicate: boolean;
}

export interface SwitchLibrary<M extends SwitchModel> {
  libraryDir: string;
  models: M[];
  skipped: { path: string; reason: string }[];
}

/** The running model, whatever its kind, and a switch under way. */
export interface SwitchState {
  model: { id: string; version: string; source: SettingSource };
  switching: { startedAt: number } | null;
}

/** A kind's own words (the rest are shared: Run this model, the columns, Recent changes). */
export interface SwitchWords {
  heading: StringKey;
  caption: StringKey;
  confirm: StringKey;
  applied: StringKey;
  historyNone: StringKey;
  /** "trained with {n} … (each counted {w}×)". */
  extraRows: StringKey;
}

export const SOURCE_KEYS: Record<SettingSource, StringKey> = { flag: 'runningSource_flag', stored: 'runningSource_stored', default: 'runningSource_default' };

/** A change's time in the page's language (not the browser's: a Chinese page on an English browser showed "12/1/2026, 8:00:00 AM"). */
export const historyTime = (ms: number): string => new Date(ms).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en');

/** A library's figure column: its heading and whether it holds numbers. */
export type FigureColumn = { key: StringKey; num?: boolean };

export abstract class ModelSwitchSection<M extends SwitchModel, State extends SwitchState, Settings extends State & { history: unknown[] }, Put> {
  readonly element: HTMLElement;
  protected library: SwitchLibrary<M> | null = null;
  protected settings: Settings | null = null;
  /** The state a settings event gave (newer than `settings` until it is read again). */
  protected state: State | null = null;
  protected error: ApiError | null = null;
  private loading = false;
  /** This window's own PUT under way. */
  private applying = false;
  /** The model whose Run this model asks to be confirmed. */
  private confirming: string | null = null;
  private done: string | null = null;

  constructor(
    private readonly source: SwitchSource<SwitchLibrary<M>, Settings, Put>,
    /** Element and test ids start with it: `running` (verbal), `posture-running`. */
    private readonly prefix: string,
    private readonly words: SwitchWords,
    /** A switch this window made is done: the view measures the new model. */
    private readonly switched: () => void,
    /** Compare with running, on a model that does not run (its button passed, to follow the focus); absent: no such button. */
    private readonly compareWith?: (id: string, version: string) => void,
  ) {
    this.element = h('section', { class: 'q-section', 'data-testid': this.id('model'), 'aria-labelledby': this.id('model-h') });
  }

  /** An element or test id of this section. */
  protected id(suffix: string): string {
    return `${this.prefix}-${suffix}`;
  }

  /** The body that runs a library model (its id). */
  protected abstract runBody(id: string): Put;
  /** The running model in words, with what else the kind runs. */
  protected abstract nowLine(s: State): Child[];
  /** What a switch under way will run, in words. */
  protected abstract switchingWhat(s: State): string;
  /** The library's figure columns, between Trained and Notes, and a model's cells for them. */
  protected abstract figureColumns(): FigureColumn[];
  protected abstract figureCells(m: M): Child[];
  /** One change of the history in words. */
  protected abstract historyLine(e: Settings['history'][number]): string;

  /** A refusal as shown (the posture kind names its field as the posture model's). */
  protected worded(e: ApiError): ApiError {
    return e;
  }
  /** Settings read (or a switch's answer): a kind's form is filled from them. */
  protected settingsRead(_s: Settings): void {}
  /** A refusal the kind shows itself (a field of its form): true when it did. */
  protected refusedHere(_e: ApiError): boolean {
    return false;
  }
  /** A kind's own parts under the library (a form), drawn anew each render. */
  protected extraParts(_s: State): Child[] {
    return [];
  }
  /** Buttons beside Run this model on a row: Compare with running, its accessible name its visible words, then the version. */
  protected rowActions(m: M, isRunning: boolean): Child[] {
    if (!this.compareWith || isRunning) return [];
    const compare = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': this.id(`compare-${m.id}`), 'data-compare': m.id, 'aria-label': t('compareButtonLabel', { version: m.version }) }, t('compareButton'));
    compare.addEventListener('click', () => this.compareWith?.(m.id, m.version));
    return [compare];
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
      this.settingsRead(settings);
    } catch (err) {
      this.error = this.worded(requestError(err));
    }
    this.loading = false;
    this.render();
  }

  /**
   * A model joined the library (a training job finished, in any window): the list is read again;
   * a form keeps what the analyst typed. A failed read leaves the list as it was (the next
   * opening reads it).
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
  onSettings(s: State): void {
    this.state = s;
    this.render();
    if (s.switching === null && this.element.isConnected) void this.load();
  }

  protected get current(): State | null {
    return this.state ?? this.settings;
  }

  /** The model the server runs now, as last heard (null: not read yet). */
  runningRef(): { id: string; version: string } | null {
    const cur = this.current;
    return cur ? { id: cur.model.id, version: cur.model.version } : null;
  }

  /** A switch under way, here or in another window. */
  get switching(): boolean {
    return this.busy;
  }

  protected get busy(): boolean {
    return this.applying || (this.current?.switching ?? null) !== null;
  }

  /** Runs a library model, as Run this model's confirmation does: the refusal, or null once it runs. */
  run(id: string): Promise<ApiError | null> {
    return this.apply(this.runBody(id), this.id(`run-${id}`), false);
  }

  /**
   * Asks, in place, to run a model (a finished training job's Run this model): its row's
   * confirmation, the library read again first when it does not list the model yet. When it
   * still does not (moved or removed since), the section's status says so.
   */
  async askRun(id: string, version: string): Promise<boolean> {
    if (!this.library?.models.some((m) => m.id === id)) await this.libraryChanged();
    if (!this.library?.models.some((m) => m.id === id)) {
      this.done = t('runningNotListed', { version });
      this.render();
      return false;
    }
    this.done = null;
    this.confirming = id;
    this.render();
    this.element.querySelector<HTMLElement>(`[data-testid="${this.id('confirm-yes')}"]`)?.focus();
    return true;
  }

  /** Applies a change; the refusal (also shown here), or null. `focus`: the focus goes to `focusAfter` once done. */
  protected async apply(body: Put, focusAfter: string, focus = true): Promise<ApiError | null> {
    let refused: ApiError | null = null;
    this.applying = true;
    this.error = null;
    this.done = null;
    this.render();
    try {
      this.settings = await this.source.apply(body);
      this.state = null;
      this.settingsRead(this.settings);
      this.done = t(this.words.applied);
      this.library = await this.source.library().catch(() => this.library);
      this.switched();
    } catch (err) {
      refused = this.worded(requestError(err));
      if (!this.refusedHere(refused)) this.error = refused;
    }
    this.applying = false;
    this.render();
    if (focus) this.element.querySelector<HTMLElement>(`[data-testid="${focusAfter}"]`)?.focus();
    return refused;
  }

  render(): void {
    const focused = this.element.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.testid : undefined;
    const s = this.current;
    const parts: Child[] = [h('h3', { id: this.id('model-h'), class: 'q-h' }, t(this.words.heading))];
    if (s) parts.push(h('p', { class: 'q-note', 'data-testid': this.id('model-now') }, ...this.nowLine(s)));
    // Why the buttons wait: a switch under way (this window's or another's).
    parts.push(
      h('p', { id: this.id('model-why'), class: 'q-note', role: 'status', 'data-testid': this.id('model-status') },
        this.loading && !this.library ? t('runningLoading')
          : s?.switching ? t('runningSwitching', { what: this.switchingWhat(s) })
            : this.applying ? t('runningSwitching', { what: '…' }) : (this.done ?? '')),
    );
    if (this.error) parts.push(h('p', { class: 'q-error', role: 'alert', 'data-testid': this.id('model-error') }, `${t('runningFailed')}${t('colon')}${errorMessage(this.error)}`));
    if (this.library) {
      parts.push(this.libraryTable(this.library), ...this.library.skipped.map((k) => h('p', { class: 'q-none', 'data-testid': this.id('model-skipped') }, t('runningSkipped', { path: k.path, reason: k.reason }))));
    }
    if (s) parts.push(...this.extraParts(s));
    parts.push(this.historyList());
    this.element.replaceChildren(...parts.filter((p): p is Node | string => p !== null && p !== undefined && p !== false));
    if (focused) this.element.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
  }

  private libraryTable(lib: SwitchLibrary<M>): HTMLElement {
    const figures = this.figureColumns();
    const cols: FigureColumn[] = [{ key: 'runningColVersion' }, { key: 'runningColCreated' }, ...figures, { key: 'runningColNotes' }, { key: 'runningColAction' }];
    const cur = this.current;
    const row = (m: M): HTMLElement[] => {
      // Its folder and the version loaded from it (a folder replaced since holds another: Run loads it).
      const isRunning = m.id === cur?.model.id && m.version === cur.model.version;
      const notes: string[] = [];
      if (m.extra) notes.push(t(this.words.extraRows, { n: m.extra.rows, w: m.extra.weight }));
      if (m.duplicate) notes.push(t('runningDuplicate'));
      notes.push(m.path);
      const run = h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': this.id(`run-${m.id}`), 'aria-label': t('runningRunLabel', { version: m.version }),
        disabled: isRunning || this.busy, 'aria-describedby': this.busy ? this.id('model-why') : undefined,
      }, t('runningRun'));
      run.addEventListener('click', () => {
        this.confirming = m.id;
        this.render();
        this.element.querySelector<HTMLElement>(`[data-testid="${this.id('confirm-yes')}"]`)?.focus();
      });
      const actions = this.rowActions(m, isRunning).flatMap((a) => [' ', a]);
      const cells: HTMLElement[] = [
        h('th', { scope: 'row' }, m.version, isRunning ? h('span', { class: 'q-running', 'data-testid': this.id('marker') }, ` · ${t('runningMarker')}`) : null),
        h('td', {}, m.createdAt.slice(0, 16).replace('T', ' ')),
        ...this.figureCells(m).map((c, i) => h('td', { class: figures[i]?.num ? 'num' : null }, c)),
        h('td', {}, notes.join(t('listSep'))),
        h('td', { class: 'q-row-actions' }, run, ...actions),
      ];
      return [h('tr', { 'data-testid': this.id('model-row') }, ...cells), ...(this.confirming === m.id ? [this.confirmRow(m, cols.length)] : [])];
    };
    const caption = t(this.words.caption, { dir: lib.libraryDir });
    return h(
      'div', { class: 'q-table-wrap', tabindex: 0, role: 'group', 'aria-label': caption },
      h('table', { class: 'q-table', 'data-testid': this.id('library') },
        h('caption', {}, caption),
        h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, t(c.key))))),
        h('tbody', {}, ...lib.models.flatMap(row))),
    );
  }

  private confirmRow(m: M, span: number): HTMLElement {
    const yes = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': this.id('confirm-yes'), disabled: this.busy }, t('runningConfirmYes'));
    const no = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': this.id('confirm-no') }, t('runningConfirmNo'));
    yes.addEventListener('click', () => {
      this.confirming = null;
      void this.apply(this.runBody(m.id), this.id(`run-${m.id}`));
    });
    no.addEventListener('click', () => {
      this.confirming = null;
      this.render();
      this.element.querySelector<HTMLElement>(`[data-testid="${this.id(`run-${m.id}`)}"]`)?.focus();
    });
    return h('tr', {}, h('td', { colspan: span },
      h('div', { role: 'group', 'aria-labelledby': this.id('confirm-text'), class: 'q-confirm', 'data-testid': this.id('confirm') },
        h('p', { id: this.id('confirm-text') }, t(this.words.confirm, { version: m.version })), yes, ' ', no)));
  }

  private historyList(): HTMLElement {
    const history = this.settings?.history ?? [];
    return h('div', { 'data-testid': this.id('history') },
      h('h4', { class: 'q-h4' }, t('runningHistoryH')),
      history.length
        ? h('ul', { class: 'q-history' }, ...history.map((e) => h('li', {}, this.historyLine(e))))
        : h('p', { class: 'q-none' }, t(this.words.historyNone)));
  }
}
