// The Model quality view's comparison panel: a library verbal model (B) against the running one
// (A) on the labelled turns of the view's scope that neither was trained on
// (GET /api/quality/compare). Asked by a Compare with running button (the library's rows, a
// finished training job's outcome); shows the rows measured and why others were left out, the
// warnings, a table and a verdict per subset, the turns B fixed and broke (each opens its turn),
// and Run this model (confirmed in place, as the library's). Only the newest request's answer is
// shown; the words are made at each render, so a change of language re-words them. The request,
// the heading, Run this model and Compare again are ComparePanelBase's, which the posture
// comparison (postureCompare.ts) shares; the body is each kind's.
import type { ComparedModel, VerbalComparison } from '../../protocol/compare';
import type { ApiError } from '../../protocol/protocol';
import { changedNote, compareFailure, compareNotes, compareRowsLine, CompareRequests, compareStaleLines, type RunningNow, countsText, subsetRows, turnsText, verdictOf, verdictText } from '../compare';
import { errorMessage, requestError } from '../errorText';
import { correctionLabelName, labelName, t, type StringKey } from '../i18n';
import { subsetName } from '../quality';
import { h, type Child } from './dom';
import { formatMs } from './format';
import { thresholdsWords } from './runningModel';

/** What every comparison's answer holds: the two models, the time taken, the scope. */
export interface ComparedPair {
  a: ComparedModel;
  b: ComparedModel;
  ms: number;
  session: string | null;
}

/** What the panel needs of its surroundings (the Model quality view, or a test). */
export interface CompareHost<C extends ComparedPair = VerbalComparison> {
  compare(model: string, session: string | null): Promise<C>;
  /** The session measured (the view's scope): null, every session's labels. */
  session(): string | null;
  /** The open session's title, to name a session scope (null: not the one open). */
  sessionTitle(id: string): string | null;
  /** The model the server runs now, with its signal thresholds (null: not read yet). */
  running(): RunningNow | null;
  /** A switch of the running model under way (here or in another window): Run waits. */
  switching(): boolean;
  /** Runs the model as the library's Run this model does; the refusal, or null once it runs. */
  run(id: string): Promise<ApiError | null>;
  /** Opens a turn in its session (the dialog closes); absent: no Open button. */
  openTurn?(session: string, utterance: number, startMs: number): void;
  /** Opens a session at a media time (a posture comparison's changed frame; the dialog closes); absent: no Open button. */
  openFrame?(session: string, mediaMs: number): void;
}

/** A subset's language name for a changed turn ("en" → English); others as the server wrote them. */
const langName = (lang: string): string => subsetName(lang);

/**
 * A comparison panel of either kind: asks (only the newest request's answer shown), the heading
 * and status, the refusal, and Run this model (confirmed in place), Compare again and Close. Its
 * element ids and test ids start with `prefix` ("compare" for the verbal one), so both panels
 * can be in the view at once.
 */
export abstract class ComparePanelBase<C extends ComparedPair> {
  readonly element: HTMLElement;
  /** The model asked about, and the session scope it was asked in. */
  private target: { id: string; version: string; session: string | null } | null = null;
  private answer: C | null = null;
  private error: ApiError | null = null;
  private loading = false;
  private confirming = false;
  private running = false;
  private runError: ApiError | null = null;
  private readonly requests = new CompareRequests();

  constructor(protected readonly host: CompareHost<C>, private readonly prefix: string) {
    this.element = h('section', { class: 'q-section q-compare', 'data-testid': `${prefix}-panel`, 'aria-labelledby': `${prefix}-h` });
    this.element.hidden = true;
  }

  /** The answer's parts between the status and the actions. */
  protected abstract body(c: C): Child[];

  /** The answer's heading: "{b} compared with the running {a}" (the posture kind names the posture model). */
  protected readonly headingKey: StringKey = 'compareH';

  /** A refusal as shown (the posture kind names its field as the posture model's). */
  protected worded(e: ApiError): ApiError {
    return e;
  }

  /** A test id of the panel's own parts (`compare-again` for the verbal one's). */
  protected id(part: string): string {
    return `${this.prefix}-${part}`;
  }

  /** A paragraph of the body: a note, a warning or "nothing". */
  protected note(text: string, kind: 'note' | 'warn' | 'none' = 'note', testid?: string): HTMLElement {
    return h('p', { class: `q-${kind}`, ...(testid ? { 'data-testid': testid } : {}) }, text);
  }

  /** "Every session's labels" or the session's title: what was measured. */
  protected scopeLine(c: C): HTMLElement {
    const title = c.session === null ? null : (this.host.sessionTitle(c.session) ?? c.session);
    return this.note(title === null ? t('qualityScopeLineAll') : t('qualityScopeLineSession', { title }), 'note', this.id('scope-line'));
  }

  /** The model compared now (null: the panel is closed). */
  get model(): string | null {
    return this.target?.id ?? null;
  }

  /**
   * Compares `id` (shown as `version`) with the running model on the view's scope. The same
   * model asked again while its answer is on its way starts nothing; another model (or scope)
   * makes the answer on its way stale.
   */
  async compare(id: string, version: string): Promise<void> {
    const session = this.host.session();
    const n = this.requests.ask(id, session);
    if (n === null) return;
    if (this.target?.id !== id) {
      this.answer = null;
      this.confirming = false;
    }
    this.target = { id, version, session };
    this.loading = true;
    this.error = null;
    this.runError = null;
    this.element.hidden = false;
    this.render();
    const heading = this.element.querySelector<HTMLElement>(`#${this.id('h')}`);
    heading?.scrollIntoView?.({ block: 'nearest' });
    let answer: C | null = null;
    let error: ApiError | null = null;
    try {
      answer = await this.host.compare(id, session);
    } catch (err) {
      error = requestError(err);
    }
    if (!this.requests.settle(n)) return;
    // The focus was on what asked (or nowhere): it goes to the answer's heading.
    const active = document.activeElement;
    const follow = active === null || active === document.body || (active instanceof HTMLElement && (active.dataset.compare === id || this.element.contains(active)));
    this.loading = false;
    this.answer = answer ?? this.answer;
    this.error = error;
    this.render();
    if (follow) this.element.querySelector<HTMLElement>(`#${this.id('h')}`)?.focus();
  }

  /** The view's scope changed: a comparison shown (or on its way) is asked again for the new one. */
  scopeChanged(): void {
    if (this.target && this.target.session !== this.host.session()) void this.compare(this.target.id, this.target.version);
  }

  /** Closed: nothing on its way is shown any more. */
  close(): void {
    this.requests.forget();
    this.target = null;
    this.answer = null;
    this.error = null;
    this.loading = false;
    this.confirming = false;
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  render(): void {
    if (!this.target) return;
    const focused = this.element.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.testid : undefined;
    const c = this.answer;
    const parts: Child[] = [
      h('h3', { id: this.id('h'), class: 'q-h', tabindex: -1, 'data-testid': this.id('heading') }, c ? t(this.headingKey, { b: c.b.version, a: c.a.version }) : t('compareHPending')),
      h('p', { class: 'q-status', role: 'status', 'data-testid': this.id('status') },
        this.loading ? t('compareLoading', { version: this.target.version }) : c && !this.error ? t('compareMeasured', { s: (c.ms / 1000).toFixed(1) }) : ''),
    ];
    if (this.error) parts.push(h('p', { class: 'q-error', role: 'alert', 'data-testid': this.id('error') }, compareFailure(this.worded(this.error))));
    if (c) parts.push(...this.body(c));
    parts.push(this.actions(c));
    this.element.replaceChildren(...parts.filter((p): p is Node | string => p !== null && p !== undefined && p !== false));
    if (focused) this.element.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
  }

  private actions(c: C | null): HTMLElement {
    const target = this.target!;
    const running = this.host.running();
    const bRuns = running !== null && running.id === target.id && (c === null || running.version === c.b.version);
    const busy = this.host.switching() || this.running;
    const again = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': this.id('again'), 'data-compare': target.id, 'aria-busy': String(this.loading) }, t('compareAgain'));
    again.addEventListener('click', () => void this.compare(target.id, target.version));
    const close = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': this.id('close') }, t('compareClose'));
    close.addEventListener('click', () => this.close());
    const parts: Child[] = [];
    if (c && !bRuns) {
      const run = h('button', {
        type: 'button', class: 'btn btn-primary btn-small', 'data-testid': this.id('run'), 'aria-label': t('runningRunLabel', { version: c.b.version }), disabled: busy,
      }, t('runningRun'));
      run.addEventListener('click', () => {
        this.confirming = true;
        this.render();
        this.element.querySelector<HTMLElement>(`[data-testid="${this.id('confirm-yes')}"]`)?.focus();
      });
      parts.push(run, ' ');
    }
    parts.push(again, ' ', close);
    const box = h('div', { class: 'q-compare-actions' }, h('p', { class: 'q-actions' }, ...parts));
    if (c && !bRuns && this.confirming) box.append(this.confirmBox(c, busy));
    if (this.runError) box.append(h('p', { class: 'q-error', role: 'alert', 'data-testid': this.id('run-error') }, `${t('runningFailed')}${t('colon')}${errorMessage(this.worded(this.runError))}`));
    return box;
  }

  private confirmBox(c: C, busy: boolean): HTMLElement {
    const yes = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': this.id('confirm-yes'), disabled: busy }, t('runningConfirmYes'));
    const no = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': this.id('confirm-no') }, t('runningConfirmNo'));
    yes.addEventListener('click', () => void this.runB(c.b.id));
    no.addEventListener('click', () => {
      this.confirming = false;
      this.render();
      this.element.querySelector<HTMLElement>(`[data-testid="${this.id('run')}"]`)?.focus();
    });
    return h('div', { role: 'group', 'aria-labelledby': this.id('confirm-text'), class: 'q-confirm', 'data-testid': this.id('confirm') },
      h('p', { id: this.id('confirm-text') }, t('runningConfirm', { version: c.b.version })), yes, ' ', no);
  }

  private async runB(id: string): Promise<void> {
    this.confirming = false;
    this.running = true;
    this.runError = null;
    this.render();
    const refused = await this.host.run(id);
    this.running = false;
    this.runError = refused;
    // B runs now: a comparison still on its way was asked against the model that ran before (or
    // will be refused as the one running); it is dropped, not shown nor taking the focus.
    if (!refused) {
      this.requests.forget();
      this.loading = false;
    }
    this.render();
    this.element.querySelector<HTMLElement>(refused ? `[data-testid="${this.id('run')}"]` : `[data-testid="${this.id('again')}"]`)?.focus();
  }
}

/** The verbal comparison (GET /api/quality/compare): per subset of turns, the turns it changes. */
export class ComparePanel extends ComparePanelBase<VerbalComparison> {
  constructor(host: CompareHost<VerbalComparison>) {
    super(host, 'compare');
  }

  protected body(c: VerbalComparison): Child[] {
    const running = this.host.running();
    const note = this.note.bind(this);
    const out: Child[] = [note(t('compareIntro')), this.scopeLine(c)];
    out.push(note(compareRowsLine(c), c.rows ? 'note' : 'none', 'compare-rows'));
    for (const n of compareNotes(c)) out.push(note(n.text, n.warn ? 'warn' : 'note', n.warn ? 'compare-warning' : 'compare-held-out'));
    out.push(note(t('compareThresholds', { t: thresholdsWords(c.thresholds) })));
    // The running model or its thresholds changed since (here or in another window): A, or what held it, no longer runs.
    for (const line of compareStaleLines(c, running, thresholdsWords)) out.push(note(line, 'warn', 'compare-stale'));
    if (!c.rows) return out;
    for (const s of c.subsets) {
      const caption = t('compareSubsetCaption', { name: subsetName(s.name), turns: turnsText(s.n) });
      const rows = subsetRows(s).map((r) => [
        r.kind === 'label' ? labelName(r.label!) : t(r.kind === 'macroF1' ? 'compareMacroF1' : 'compareAccuracy'),
        r.support, r.a, r.b, r.difference,
      ]);
      out.push(table(caption, VERBAL_COLUMNS, rows, `compare-subset-${s.name}`));
      out.push(h('p', { class: `q-verdict q-verdict-${verdictOf(s)}`, 'data-testid': `compare-verdict-${s.name}`, 'data-verdict': verdictOf(s) }, verdictText(s, c.a.version, c.b.version)));
      out.push(note(countsText(s), 'note', `compare-counts-${s.name}`));
    }
    out.push(h('h4', { class: 'q-h4' }, t('compareChangedH')));
    for (const line of changedNote(c)) out.push(note(line, 'note', 'compare-changed-note'));
    if (c.changed.length) {
      out.push(h('ol', { class: 'q-changed', 'data-testid': 'compare-changed' }, ...c.changed.map((x, i) => {
        const textId = `compare-changed-${i}`;
        const open = this.host.openTurn
          ? h('button', {
            type: 'button', class: 'btn btn-small', 'data-testid': 'compare-open-turn', 'aria-describedby': textId,
            'aria-label': t('compareOpenTurnLabel', { time: formatMs(x.startMs), lang: langName(x.lang) }),
          }, t('compareOpenTurn'))
          : null;
        open?.addEventListener('click', () => this.host.openTurn?.(x.session, x.utterance, x.startMs));
        return h('li', { class: `q-changed-turn q-changed-${x.change}`, 'data-testid': 'compare-changed-turn', 'data-change': x.change },
          h('span', { class: `chip q-change-${x.change}` }, t(x.change === 'fixed' ? 'compareFixed' : 'compareBroken')), ' ',
          h('span', { class: 'q-changed-text', id: textId, dir: 'auto' }, x.text),
          x.context ? h('span', { class: 'q-changed-context' }, t('compareContext', { context: '' }), h('bdi', {}, x.context)) : null,
          h('span', { class: 'q-changed-labels' }, t('compareLabels', { gold: correctionLabelName(x.gold), a: labelName(x.a), b: labelName(x.b) })),
          open);
      })));
    }
    return out;
  }

}

const VERBAL_COLUMNS: StringKey[] = ['qualityLabel', 'qualitySupport', 'compareColA', 'compareColB', 'compareColDiff'];

/** A comparison's table: `columns`' words as its head, each row's first cell its row header. */
export function table(caption: string, columns: readonly StringKey[], rows: readonly string[][], testid: string): HTMLElement {
  const cols = columns.map((k) => t(k));
  return h(
    // Focusable and named, as Model quality's tables: on a phone a wide table scrolls sideways.
    'div', { class: 'q-table-wrap', tabindex: 0, role: 'group', 'aria-label': caption },
    h('table', { class: 'q-table', 'data-testid': testid },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...cols.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: 'num' }, c))))))),
  );
}
