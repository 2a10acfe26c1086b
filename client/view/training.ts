// The Model quality view's "Train a model on these labels" section, and "Train a posture model"
// with the posture kind's words (client/postureTraining.ts): how many labelled customer turns
// (frames) a job would use (the view's scope), the seed, weight and hold-out fields, Train and
// Cancel, the job's progress (every window hears it: `model_training`, `posture_training`), its
// warnings and its outcome, with a button acting on the new model (Compare with running; Run
// this model). Built once and kept across the dialog's redraws, so typing and focus survive a
// progress event.
import { HOLD_OUT_MAX_PERCENT } from '../../protocol/compare';
import { EXTRA_WEIGHT_MAX, TRAIN_SEED_MAX, type TrainRequest } from '../../protocol/training';
import { errorMessage, requestError } from '../errorText';
import { t, type StringKey } from '../i18n';
import { fieldProblem, isRunning, rowsWouldUse, startRefusal, TRAIN_FIELDS, trainRequest, type TrainField, type TrainingKind, type TrainJobBase } from '../training';
import type { ApiError } from '../../protocol/protocol';
import { h } from './dom';

/** How the section starts, reads and cancels jobs (the api's, or a test's). */
export interface TrainingSource<J extends TrainJobBase> {
  start(body: TrainRequest): Promise<J>;
  current(): Promise<J | null>;
  cancel(): Promise<J>;
}

type Field = TrainField;

const FIELD_SUFFIXES: Record<Field, string> = { seed: 'seed', extraWeight: 'weight', holdOut: 'hold-out' };

/**
 * The button under a finished job's outcome, acting on its model: Compare with running (the
 * view's comparison panel) or Run this model (the running section's confirmation); hidden while
 * that model runs.
 */
export interface ResultAction {
  /** Its test id's suffix, and its `data-<key>` attribute's name (holding the model's id). */
  key: string;
  text: StringKey;
  /** The accessible name: its visible words, then the version. */
  label: StringKey;
  act(id: string, version: string): void;
  running(): { id: string; version: string } | null;
}

export class TrainingPanel<J extends TrainJobBase> {
  readonly root: HTMLElement;
  private job: J | null = null;
  /** When `job` was heard (this window's clock): the elapsed time runs on from it while the job runs. */
  private heardAt = 0;
  /** The fields' and the form's problems, worded when shown: a change of language re-words them. */
  private errors: Partial<Record<Field, () => string>> = {};
  /** How many states were heard: one heard while an answer was on its way is newer than it. */
  private heard = 0;
  private formError: (() => string) | null = null;
  /** The form's problem is a start refused because a job ran: untrue once none runs. */
  private refusedBusy = false;
  /** A start or cancel in flight. */
  private sending = false;
  private count: number | null = null;
  private scope: 'all' | 'session' = 'all';
  private session: string | null = null;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly el: {
    h: HTMLElement; intro: HTMLElement; rows: HTMLElement; train: HTMLButtonElement; cancel: HTMLButtonElement;
    progress: HTMLElement; jobRows: HTMLElement; warnings: HTMLElement; outcome: HTMLElement; actionBox: HTMLElement; action: HTMLButtonElement; error: HTMLElement;
  };
  private readonly fields: Record<Field, { input: HTMLInputElement; label: HTMLElement; hint: HTMLElement; error: HTMLElement }>;

  constructor(
    private readonly kind: TrainingKind<J>,
    private readonly source: TrainingSource<J>,
    private readonly resultAction?: ResultAction,
    private readonly now: () => number = Date.now,
  ) {
    const p = kind.prefix;
    const field = (name: Field, value: string) => {
      const id = `${p}-${FIELD_SUFFIXES[name]}`;
      const input = h('input', {
        id, type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'train-input', 'data-testid': id, 'aria-describedby': `${id}-hint ${id}-error`,
      });
      input.value = value;
      input.addEventListener('input', () => {
        if (this.errors[name] === undefined) return;
        delete this.errors[name];
        this.renderText();
      });
      // Enter in a field trains, as a form would.
      input.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') {
          ev.preventDefault();
          void this.train();
        }
      });
      return { input, label: h('label', { for: id }), hint: h('span', { id: `${id}-hint`, class: 'train-hint' }), error: h('span', { id: `${id}-error`, class: 'train-field-error', 'data-testid': `${id}-error` }) };
    };
    this.fields = { seed: field('seed', kind.defaults.seed), extraWeight: field('extraWeight', kind.defaults.extraWeight), holdOut: field('holdOut', kind.defaults.holdOut) };
    this.el = {
      h: h('h3', { class: 'q-h', id: `${p}-h` }),
      intro: h('p', { class: 'q-note' }),
      rows: h('p', { class: 'q-note', 'data-testid': `${p}-rows` }),
      train: h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': `${p}-start` }),
      cancel: h('button', { type: 'button', class: 'btn', 'data-testid': `${p}-cancel` }),
      // Not a live region: it changes several times a second while a job trains.
      progress: h('p', { class: 'q-note train-progress', 'data-testid': `${p}-progress` }),
      jobRows: h('p', { class: 'q-note', 'data-testid': `${p}-job-rows` }),
      // Shown from the job's start: read with the section, not announced at each progress.
      warnings: h('ul', { class: 'q-warn train-warnings', 'data-testid': `${p}-warnings` }),
      // The outcome and refusals are announced once each.
      outcome: h('p', { class: 'q-note', role: 'status', 'data-testid': `${p}-outcome` }),
      // Outside the status line: a button in a live region would be read out with it.
      actionBox: h('p', { class: 'train-compare' }),
      action: h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `${p}-${resultAction?.key ?? 'action'}` }),
      error: h('p', { class: 'q-error', role: 'alert', 'data-testid': `${p}-error` }),
    };
    this.el.train.addEventListener('click', () => void this.train());
    this.el.cancel.addEventListener('click', () => void this.cancelJob());
    this.el.actionBox.append(this.el.action);
    this.el.action.addEventListener('click', () => {
      const m = this.kind.resultModel(this.job);
      if (m) this.resultAction?.act(m.id, m.version);
    });
    const fieldBox = (f: (typeof this.fields)[Field]) => h('div', { class: 'train-field' }, f.label, f.input, f.hint, f.error);
    this.root = h(
      'section', { class: 'q-section', 'aria-labelledby': `${p}-h`, 'data-testid': `quality-${p}` },
      this.el.h, this.el.intro, this.el.rows,
      h('div', { class: 'train-fields' }, fieldBox(this.fields.seed), fieldBox(this.fields.extraWeight), fieldBox(this.fields.holdOut)),
      h('div', { class: 'train-actions' }, this.el.train, this.el.cancel),
      this.el.progress, this.el.jobRows, this.el.warnings, this.el.outcome, this.el.actionBox, this.el.error,
    );
    this.renderText();
  }

  /** The labels the view's scope holds (null: not measured yet), which a job started now would use. */
  setScope(scope: 'all' | 'session', session: string | null, count: number | null): void {
    this.scope = scope;
    this.session = session;
    this.count = count;
    this.renderText();
  }

  /** A job's state heard (the event every window gets, or an answer). */
  update(job: J | null): void {
    // An older state of the same job arriving after a newer one (an answer behind an event) is
    // dropped, and so is an older job (an answer read before the job shown started).
    if (job && this.job && job.id === this.job.id && isRunning(job) && !isRunning(this.job)) return;
    if (job && this.job && job.id !== this.job.id && job.startedAt < this.job.startedAt) return;
    this.heard++;
    const hadFocus = this.root.contains(document.activeElement) ? document.activeElement : null;
    this.job = job;
    if (this.refusedBusy && !isRunning(job)) {
      this.formError = null;
      this.refusedBusy = false;
    }
    this.heardAt = this.now();
    this.renderText();
    this.tick();
    // The button pressed became disabled (Train while it runs, Cancel once it ends): focus moves to the other.
    if (hadFocus instanceof HTMLButtonElement && hadFocus.disabled) (hadFocus === this.el.train ? this.el.cancel : this.el.train).focus();
  }

  /**
   * A job of the other kind heard (one training job runs at a time, of either kind): a start
   * refused because that one ran is untrue once it has ended.
   */
  otherJob(job: TrainJobBase): void {
    if (!this.refusedBusy || isRunning(job) || isRunning(this.job)) return;
    this.formError = null;
    this.refusedBusy = false;
    this.renderText();
  }

  /**
   * Reads the job running (or the last one): on the dialog's opening, as events before it were
   * not kept, and once the connection is back (events missed while it was down are not replayed).
   */
  async load(): Promise<void> {
    const before = this.heard;
    try {
      const job = await this.source.current();
      // "No job" read before an event of one was heard here: the event is newer.
      if (job === null && this.heard !== before) return;
      // The server knows no job but one was running here: it was restarted, which stopped the job.
      if (job === null && this.job && isRunning(this.job)) this.update({ ...this.job, state: 'cancelled', error: 'the server stopped', endedAt: this.now(), elapsedMs: this.job.elapsedMs + (this.now() - this.heardAt) });
      else this.update(job);
    } catch {
      // Shown as it was; the next event brings it.
    }
  }

  /** The words in the language of the moment. */
  render(): void {
    this.renderText();
  }

  /** Stops the ticking elapsed time (the dialog closed). */
  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private async train(): Promise<void> {
    if (this.sending || isRunning(this.job)) return;
    const req = trainRequest({ seed: this.fields.seed.input.value, extraWeight: this.fields.extraWeight.input.value, holdOut: this.fields.holdOut.input.value }, this.scope === 'session' ? this.session : null);
    this.formError = null;
    this.refusedBusy = false;
    if (!req.ok) {
      this.errors = {};
      for (const name of Object.keys(req.errors) as Field[]) this.errors[name] = () => fieldProblem(name);
      this.renderText();
      this.fields[TRAIN_FIELDS.find((f) => req.errors[f] !== undefined) ?? 'seed'].input.focus();
      return;
    }
    this.errors = {};
    this.sending = true;
    this.renderText();
    try {
      const job = await this.source.start(req.body);
      this.sending = false;
      // The event may have brought a later state already.
      if (!this.job || this.job.id !== job.id) this.update(job);
      else this.renderText();
      this.el.cancel.focus();
    } catch (err) {
      this.sending = false;
      const e = requestError(err);
      const r = startRefusal(e, this.kind.labelWords);
      const text = () => startRefusal(e, this.kind.labelWords).text;
      if (r.field) this.errors[r.field] = text;
      else this.formError = text;
      this.refusedBusy = e.code === 'busy';
      this.renderText();
      if (r.field) this.fields[r.field].input.focus();
    }
  }

  private async cancelJob(): Promise<void> {
    if (this.sending || !isRunning(this.job)) return;
    this.sending = true;
    this.formError = null;
    this.refusedBusy = false;
    this.renderText();
    try {
      const job = await this.source.cancel();
      this.sending = false;
      this.update(job);
    } catch (err) {
      this.sending = false;
      const e: ApiError = requestError(err);
      // The job ended meanwhile (another window cancelled it, or it finished): no failure, its end is shown.
      if (e.code === 'not_running') await this.load();
      else {
        this.formError = () => `${t('trainNotCancelled')}${t('colon')}${errorMessage(e)}`;
        this.renderText();
      }
    }
    if (document.activeElement === document.body || this.el.cancel.disabled) this.el.train.focus();
  }

  /** While a job runs and the section is shown, its elapsed time goes on each second. */
  private tick(): void {
    if (isRunning(this.job) && !this.ticker) {
      this.ticker = setInterval(() => {
        if (!this.root.isConnected || !isRunning(this.job)) return this.stop();
        this.renderProgress();
      }, 1000);
    } else if (!isRunning(this.job)) this.stop();
  }

  private renderProgress(): void {
    const job = this.job;
    const running = isRunning(job);
    this.el.progress.hidden = !running;
    this.el.jobRows.hidden = job === null;
    const warnings = job ? this.kind.warnings(job) : [];
    this.el.warnings.hidden = warnings.length === 0;
    this.el.warnings.replaceChildren(...warnings.map((w) => h('li', {}, w)));
    if (!job) return;
    if (running) this.el.progress.textContent = this.kind.progressLine(job, job.elapsedMs + (this.now() - this.heardAt));
    this.el.jobRows.textContent = this.kind.rowsLine(job);
  }

  /** The button under a finished job's outcome, unless its model is the one running now. */
  private renderAction(): void {
    const m = this.kind.resultModel(this.job);
    const a = this.resultAction;
    const running = a?.running();
    const show = m !== null && a !== undefined && !(running && running.id === m.id && running.version === m.version);
    this.el.actionBox.hidden = !show;
    if (!m || !a || !show) return;
    this.el.action.textContent = t(a.text);
    this.el.action.setAttribute('aria-label', t(a.label, { version: m.version }));
    this.el.action.dataset[a.key] = m.id;
  }

  private renderText(): void {
    this.el.h.textContent = t(this.kind.heading);
    this.el.intro.textContent = t(this.kind.intro);
    const would = rowsWouldUse(this.count, this.scope, this.kind.labelWords);
    this.el.rows.textContent = would.text;
    this.el.rows.className = would.tooFew ? 'q-none' : 'q-note';
    const max: Record<Field, number> = { seed: TRAIN_SEED_MAX, extraWeight: EXTRA_WEIGHT_MAX, holdOut: HOLD_OUT_MAX_PERCENT };
    for (const name of TRAIN_FIELDS) {
      const f = this.fields[name];
      const [label, hint] = this.kind.fieldWords[name];
      f.label.textContent = t(label);
      f.hint.textContent = t(hint, { max: max[name] });
      const error = this.errors[name]?.();
      f.error.textContent = error ?? '';
      f.error.hidden = error === undefined;
      f.input.setAttribute('aria-invalid', String(error !== undefined));
    }
    const running = isRunning(this.job);
    this.el.train.textContent = t('trainButton');
    this.el.train.disabled = running || this.sending;
    this.el.train.setAttribute('aria-busy', String(this.sending && !running));
    this.el.cancel.textContent = t('trainCancel');
    this.el.cancel.disabled = !running || this.sending;
    for (const name of TRAIN_FIELDS) this.fields[name].input.disabled = running;
    this.renderProgress();
    const outcome = this.job && !running ? this.kind.outcomeLines(this.job) : { lines: [], problem: false };
    this.el.outcome.replaceChildren(...outcome.lines.flatMap((l, i) => (i ? [h('br'), l] : [l])));
    this.el.outcome.className = outcome.problem ? 'q-error' : 'q-note';
    this.el.outcome.hidden = outcome.lines.length === 0;
    this.renderAction();
    this.el.error.textContent = this.formError?.() ?? '';
    this.el.error.hidden = this.formError === null;
  }
}
