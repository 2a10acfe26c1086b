// The Model quality view's "Train a model on these labels" section: how many labelled customer
// turns a job would use (the view's scope), the seed and weight fields, Train and Cancel, the
// job's progress (every window hears it: `model_training`), and its outcome. Built once and
// kept across the dialog's redraws, so typing and focus survive a progress event.
import { HOLD_OUT_MAX_PERCENT } from '../../protocol/compare';
import { EXTRA_WEIGHT_MAX, TRAIN_SEED_MAX, type TrainJob, type TrainRequest } from '../../protocol/training';
import { libraryIdOf } from '../compare';
import { errorMessage, requestError } from '../errorText';
import { t } from '../i18n';
import { fieldProblem, HOLD_OUT_DEFAULT_TEXT, isRunning, jobRowsLine, outcomeLines, progressLine, rowsWouldUse, SEED_DEFAULT_TEXT, startRefusal, TRAIN_FIELDS, trainRequest, WEIGHT_DEFAULT_TEXT, type TrainField } from '../training';
import type { ApiError } from '../../protocol/protocol';
import { h } from './dom';

/** How the section starts, reads and cancels jobs (the api's, or a test's). */
export interface TrainingSource {
  start(body: TrainRequest): Promise<TrainJob>;
  current(): Promise<TrainJob | null>;
  cancel(): Promise<TrainJob>;
}

type Field = TrainField;

const FIELD_IDS: Record<Field, string> = { seed: 'train-seed', extraWeight: 'train-weight', holdOut: 'train-hold-out' };

/** Compare with running on a finished job's model (the view's comparison panel), and which model runs now. */
export interface TrainingCompare {
  compare(id: string, version: string): void;
  running(): { id: string; version: string } | null;
}

export class TrainingPanel {
  readonly root: HTMLElement;
  private job: TrainJob | null = null;
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
    progress: HTMLElement; jobRows: HTMLElement; outcome: HTMLElement; compareBox: HTMLElement; compare: HTMLButtonElement; error: HTMLElement;
  };
  private readonly fields: Record<Field, { input: HTMLInputElement; label: HTMLElement; hint: HTMLElement; error: HTMLElement }>;

  constructor(
    private readonly source: TrainingSource,
    private readonly now: () => number = Date.now,
    private readonly comparing?: TrainingCompare,
  ) {
    const field = (name: Field, value: string) => {
      const id = FIELD_IDS[name];
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
    this.fields = { seed: field('seed', SEED_DEFAULT_TEXT), extraWeight: field('extraWeight', WEIGHT_DEFAULT_TEXT), holdOut: field('holdOut', HOLD_OUT_DEFAULT_TEXT) };
    this.el = {
      h: h('h3', { class: 'q-h', id: 'train-h' }),
      intro: h('p', { class: 'q-note' }),
      rows: h('p', { class: 'q-note', 'data-testid': 'train-rows' }),
      train: h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'train-start' }),
      cancel: h('button', { type: 'button', class: 'btn', 'data-testid': 'train-cancel' }),
      // Not a live region: it changes several times a second while a job trains.
      progress: h('p', { class: 'q-note train-progress', 'data-testid': 'train-progress' }),
      jobRows: h('p', { class: 'q-note', 'data-testid': 'train-job-rows' }),
      // The outcome and refusals are announced once each.
      outcome: h('p', { class: 'q-note', role: 'status', 'data-testid': 'train-outcome' }),
      // Outside the status line: a button in a live region would be read out with it.
      compareBox: h('p', { class: 'train-compare' }),
      compare: h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'train-compare' }),
      error: h('p', { class: 'q-error', role: 'alert', 'data-testid': 'train-error' }),
    };
    this.el.train.addEventListener('click', () => void this.train());
    this.el.cancel.addEventListener('click', () => void this.cancelJob());
    this.el.compareBox.append(this.el.compare);
    this.el.compare.addEventListener('click', () => {
      const r = this.job?.state === 'done' ? this.job.result : undefined;
      if (r) this.comparing?.compare(libraryIdOf(r.dir), r.version);
    });
    const fieldBox = (f: (typeof this.fields)[Field]) => h('div', { class: 'train-field' }, f.label, f.input, f.hint, f.error);
    this.root = h(
      'section', { class: 'q-section', 'aria-labelledby': 'train-h', 'data-testid': 'quality-train' },
      this.el.h, this.el.intro, this.el.rows,
      h('div', { class: 'train-fields' }, fieldBox(this.fields.seed), fieldBox(this.fields.extraWeight), fieldBox(this.fields.holdOut)),
      h('div', { class: 'train-actions' }, this.el.train, this.el.cancel),
      this.el.progress, this.el.jobRows, this.el.outcome, this.el.compareBox, this.el.error,
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
  update(job: TrainJob | null): void {
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
      const r = startRefusal(e);
      const text = () => startRefusal(e).text;
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
    if (!job) return;
    if (running) this.el.progress.textContent = progressLine(job, job.elapsedMs + (this.now() - this.heardAt));
    this.el.jobRows.textContent = jobRowsLine(job);
  }

  /**
   * Compare with running on a finished job's model, unless it is the one running now. Its
   * accessible name holds its visible words, then the version.
   */
  private renderCompare(): void {
    const r = this.job?.state === 'done' ? this.job.result : undefined;
    const running = this.comparing?.running();
    const show = r !== undefined && this.comparing !== undefined && !(running && running.id === libraryIdOf(r.dir) && running.version === r.version);
    this.el.compareBox.hidden = !show;
    if (!r || !show) return;
    this.el.compare.textContent = t('compareButton');
    this.el.compare.setAttribute('aria-label', t('compareButtonLabel', { version: r.version }));
    this.el.compare.dataset.compare = libraryIdOf(r.dir);
  }

  private renderText(): void {
    this.el.h.textContent = t('trainH');
    this.el.intro.textContent = t('trainIntro');
    const would = rowsWouldUse(this.count, this.scope);
    this.el.rows.textContent = would.text;
    this.el.rows.className = would.tooFew ? 'q-none' : 'q-note';
    const text = {
      seed: [t('trainSeed'), t('trainSeedHint', { max: TRAIN_SEED_MAX })],
      extraWeight: [t('trainWeight'), t('trainWeightHint', { max: EXTRA_WEIGHT_MAX })],
      holdOut: [t('trainHoldOut'), t('trainHoldOutHint', { max: HOLD_OUT_MAX_PERCENT })],
    } as const;
    for (const name of TRAIN_FIELDS) {
      const f = this.fields[name];
      f.label.textContent = text[name][0];
      f.hint.textContent = text[name][1];
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
    const outcome = this.job && !running ? outcomeLines(this.job) : { lines: [], problem: false };
    this.el.outcome.replaceChildren(...outcome.lines.flatMap((l, i) => (i ? [h('br'), l] : [l])));
    this.el.outcome.className = outcome.problem ? 'q-error' : 'q-note';
    this.el.outcome.hidden = outcome.lines.length === 0;
    this.renderCompare();
    this.el.error.textContent = this.formError?.() ?? '';
    this.el.error.hidden = this.formError === null;
  }
}
