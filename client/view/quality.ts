// The Model quality view: a modal dialog (the browser's own <dialog>, as Rename and Delete use)
// opened from the header, showing GET /api/quality: the running verbal model on the coaches'
// labelled turns (per label and language, with supports and intervals, then and now, the
// threshold what-if marked optimistic, whether it was trained on these rows), cue precision
// from the verdicts, the posture model on the labelled frames, and the models' own training
// figures; Refresh measures again; links download the rows, with the command that retrains.
import { VERBAL_LABELS } from '../../protocol/protocol';
import type { Quality, QualityLabelFigures } from '../../protocol/quality';
import type { ApiError } from '../../protocol/protocol';
import { ALL_CORRECTIONS_URL, ALL_CUE_REVIEWS_URL, ALL_POSTURE_LABELS_URL, correctionsUrl, cueReviewsUrl, NoCueReviewsYet, NoLabelsYet, NoPostureLabelsYet, postureLabelsUrl, type DownloadFile } from '../api';
import { errorMessage, requestError } from '../errorText';
import { cueReasonName, cueTypeName, labelled, t, type StringKey } from '../i18n';
import { thresholdsText } from '../modelStatus';
import { flatters, pct, points, qualityLabelName, range, rowsLine, storedModelsLine, subsetName, thresholdText, trainedOnLine, versusStoredLine } from '../quality';
import { h, type Child } from './dom';
import { DownloadLink } from './downloadLink';
import { TrainingPanel, type TrainingSource } from './training';
import type { TrainJob } from '../../protocol/training';
import { RunningModelSection, type RunningModelSource } from './runningModel';
import type { VerbalState } from '../../protocol/models';
import type { PostureState, PostureTrainJob } from '../../protocol/postureModels';
import { VERBAL_TRAINING, type TrainJobBase } from '../training';
import { POSTURE_TRAINING } from '../postureTraining';
import { RunningPostureSection, type RunningPostureSource } from './runningPosture';
import type { PostureComparison, VerbalComparison } from '../../protocol/compare';
import { ComparePanel } from './compare';
import { PostureComparePanel } from './postureCompare';

/** The session open in the window, which "This session" measures. */
export interface OpenSession {
  id: string;
  title: string;
}

/** How the view fetches its answer and the rows it links to (the api's, or a test's); `session` null: every session's. */
export interface QualitySource {
  quality(session: string | null): Promise<Quality>;
  labels(session: string | null): Promise<DownloadFile>;
  cueReviews(session: string | null): Promise<DownloadFile>;
  postureLabels(session: string | null): Promise<DownloadFile>;
  /** The session open in the window; null when none is (the demo's preview, the list). */
  openSession(): OpenSession | null;
  /** Training a model on the labels (the section "Train a model on these labels"). */
  training: TrainingSource<TrainJob>;
  /** The model library and the running model's settings (the "Running model" section); without it, no such section. */
  running?: RunningModelSource;
  /** The posture model library and the running posture model ("Running posture model"); without it, no such section. */
  postureRunning?: RunningPostureSource;
  /** Training a posture model on the posture labels ("Train a posture model on these labels"); without it, no such section. */
  postureTraining?: TrainingSource<PostureTrainJob>;
  /** A library model compared with the running one (the comparison panel; needs `running`); without it, no Compare buttons. */
  compare?: (model: string, session: string | null) => Promise<VerbalComparison>;
  /** A library posture model compared with the running one (needs `postureRunning`); without it, no Compare buttons on posture rows. */
  postureCompare?: (model: string, session: string | null) => Promise<PostureComparison>;
  /**
   * Opens a turn in its session (a changed turn of the comparison: the dialog closes first);
   * `blocked` says why not now (this window plays another session), or null.
   */
  openTurn?: (session: string, utterance: number, startMs: number) => void;
  /** Opens a session at a media time (a changed frame of the posture comparison: the dialog closes first), as openTurn. */
  openFrame?: (session: string, mediaMs: number) => void;
  blocked?: (session: string) => string | null;
}

type LinkKind = 'labels' | 'cueReviews' | 'postureLabels';
/** What the dialog measures: every session's labels, or the open session's. */
export type QualityScope = 'all' | 'session';
type PerScope<T> = Record<QualityScope, T>;

/**
 * Each download, per scope (every session's file, or the open session's, as its own Export
 * links give it): its address, words, the refusal's title and the words for "none yet" (the
 * api's empty-file errors).
 */
const LINKS: Record<LinkKind, { href: (session: string | null) => string; text: PerScope<StringKey>; tip: PerScope<StringKey>; failed: StringKey; none: PerScope<StringKey>; empty: new () => Error; testid: string }> = {
  labels: {
    href: (s) => (s === null ? ALL_CORRECTIONS_URL : correctionsUrl(s)), text: { all: 'allLabelsExport', session: 'labelsExport' }, tip: { all: 'allLabelsExportTip', session: 'labelsExportTip' },
    failed: 'labelsExportFailed', none: { all: 'allLabelsNone', session: 'sessionLabelsNone' }, empty: NoLabelsYet, testid: 'quality-download-labels',
  },
  cueReviews: {
    href: (s) => (s === null ? ALL_CUE_REVIEWS_URL : cueReviewsUrl(s)), text: { all: 'allCueReviewsExport', session: 'cueReviewsExport' }, tip: { all: 'allCueReviewsExportTip', session: 'cueReviewsExportTip' },
    failed: 'cueReviewsExportFailed', none: { all: 'allCueReviewsNone', session: 'sessionCueReviewsNone' }, empty: NoCueReviewsYet, testid: 'quality-download-cue-reviews',
  },
  postureLabels: {
    href: (s) => (s === null ? ALL_POSTURE_LABELS_URL : postureLabelsUrl(s)), text: { all: 'allPostureLabelsExport', session: 'postureLabelsExport' }, tip: { all: 'allPostureLabelsExportTip', session: 'postureLabelsExportTip' },
    failed: 'postureLabelsExportFailed', none: { all: 'allPostureLabelsNone', session: 'sessionPostureLabelsNone' }, empty: NoPostureLabelsYet, testid: 'quality-download-posture-labels',
  },
};
const LINK_KINDS: readonly LinkKind[] = ['labels', 'cueReviews', 'postureLabels'];

export const RETRAIN_COMMAND = 'npx buying-signals train verbal --extra labels.jsonl --out DIR';

type Column = { key: StringKey; num?: boolean };

function table(caption: string, columns: readonly Column[], rows: readonly Child[][], testid: string): HTMLElement {
  return h(
    // Focusable and named: on a phone a wide table scrolls sideways, which the keyboard must reach.
    'div', { class: 'q-table-wrap', tabindex: 0, role: 'group', 'aria-label': caption },
    h(
      'table', { class: 'q-table', 'data-testid': testid },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, t(c.key))))),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: columns[i]?.num ? 'num' : null }, c)))))),
    ),
  );
}

const LABEL_COLUMNS: Column[] = [
  { key: 'qualityLabel' }, { key: 'qualityPrecision', num: true }, { key: 'qualityRecall', num: true }, { key: 'qualityF1', num: true }, { key: 'qualitySupport', num: true },
];

const labelRow = (l: QualityLabelFigures | Omit<QualityLabelFigures, 'predicted'>): Child[] => [qualityLabelName(l.label), pct(l.precision), pct(l.recall), pct(l.f1), String(l.support)];

const note = (text: string, kind: 'note' | 'warn' | 'none' = 'note', testid?: string) => h('p', { class: `q-${kind}`, ...(testid ? { 'data-testid': testid } : {}) }, text);

function verbalSection(q: Quality): HTMLElement {
  const v = q.verbal;
  const thresholds = thresholdsText(v.thresholds);
  const parts: Child[] = [
    h('h3', { class: 'q-h' }, t('qualityVerbalH')),
    note(`${labelled(t('qualityModel'), v.modelVersion)}${thresholds ? ` · ${thresholds}` : ''}`),
    note(rowsLine(v), v.rows ? 'note' : 'none', 'quality-verbal-rows'),
  ];
  for (const x of v.trainedOn) parts.push(note(trainedOnLine(x, v.rows), flatters(x) ? 'warn' : 'note', 'quality-trained-on'));
  if (v.rows) {
    for (const s of v.subsets) {
      const caption = t(s.n === 1 ? 'qualitySubsetCaptionOne' : 'qualitySubsetCaption', { name: subsetName(s.name), n: s.n, f1: pct(s.macroF1), low: (s.macroF1Interval.low * 100).toFixed(1), high: pct(s.macroF1Interval.high), acc: pct(s.accuracy) });
      parts.push(table(caption, LABEL_COLUMNS, s.perLabel.map(labelRow), `quality-verbal-${s.name}`));
    }
    const all = v.subsets[0];
    if (all) {
      const columns: Column[] = [{ key: 'qualityLabel' }, ...VERBAL_LABELS.map((): Column => ({ key: 'qualityLabel', num: true }))];
      const wrap = table(t('qualityConfusionCaption'), columns, all.confusion.map((row, i) => [qualityLabelName(VERBAL_LABELS[i]!), ...row.map(String)]), 'quality-confusion');
      // The columns are the predicted labels, named.
      wrap.querySelectorAll('thead th').forEach((th, i) => {
        if (i > 0) th.textContent = qualityLabelName(VERBAL_LABELS[i - 1]!);
      });
      parts.push(wrap);
    }
    parts.push(note(versusStoredLine(v), 'note', 'quality-versus-stored'));
    const models = storedModelsLine(v);
    if (models) parts.push(note(models));
    if (v.whatIf) {
      parts.push(h('h4', { class: 'q-h4' }, t('qualityWhatIfH')));
      parts.push(note(t('qualityWhatIfCaution'), 'warn', 'quality-what-if-caution'));
      const columns: Column[] = [{ key: 'qualityLabel' }, { key: 'qualitySupport', num: true }, { key: 'qualityThresholdNow', num: true }, { key: 'qualityThresholdBest', num: true }, { key: 'qualityGain', num: true }];
      parts.push(table(t('qualityWhatIfCaption'), columns, v.whatIf.labels.map((w) => [
        qualityLabelName(w.label), String(w.support), thresholdText(w.given), w.best === w.given ? '–' : thresholdText(w.best),
        w.gain ? `${points(w.gain.difference)} (${points(w.gain.interval.low)} – ${points(w.gain.interval.high)})` : t('qualityNoGain'),
      ]), 'quality-what-if'));
    }
  }
  return h('section', { class: 'q-section', 'data-testid': 'quality-verbal' }, ...parts);
}

function cuesSection(q: Quality): HTMLElement {
  const c = q.cues;
  const parts: Child[] = [h('h3', { class: 'q-h' }, t('qualityCuesH'))];
  if (c.verdicts) parts.push(note(t(c.sessions === 1 ? 'qualityCuesLineOne' : 'qualityCuesLine', { n: c.verdicts, s: c.sessions })));
  if (c.notEmitted) parts.push(note(t('qualityCuesNotEmitted', { n: c.notEmitted })));
  if (!c.precision.length) {
    parts.push(note(t('qualityCuesNone'), 'none', 'quality-cues-none'));
  } else {
    const columns: Column[] = [{ key: 'qualityCue' }, { key: 'qualityReviewed', num: true }, { key: 'qualityUseful', num: true }, { key: 'qualityFalseAlarms', num: true }, { key: 'qualityPrecisionCi', num: true }];
    parts.push(table(t('qualityCuesCaption'), columns, c.precision.map((p) => [
      p.cueType === null ? t('qualityAllCues') : p.reason === null ? cueTypeName(p.cueType) : h('span', { class: 'q-reason', 'data-reason': p.reason }, cueReasonName(p.reason)),
      String(p.reviewed), String(p.useful), String(p.falseAlarms),
      p.precision === null ? '–' : `${pct(p.precision)}${p.interval ? ` (${range(p.interval)})` : ''}`,
    ]), 'quality-cues'));
  }
  return h('section', { class: 'q-section', 'data-testid': 'quality-cues-section' }, ...parts);
}

function postureSection(q: Quality): HTMLElement {
  const p = q.posture;
  const parts: Child[] = [h('h3', { class: 'q-h' }, t('qualityPostureH'))];
  if (p.modelVersion) parts.push(note(labelled(t('qualityModel'), p.modelVersion)));
  if (!p.modelVersion) parts.push(note(t('qualityPostureNoModel'), 'none'));
  else if (!p.rows || !p.perLabel.length) parts.push(note(t('qualityPostureNone'), 'none', 'quality-posture-none'));
  else {
    parts.push(note(t('qualityPostureLine', { n: p.rows, k: p.noPerson })));
    for (const x of p.trainedOn) parts.push(note(trainedOnLine(x, p.rows, 'posture'), flatters(x) ? 'warn' : 'note', 'quality-posture-trained-on'));
    const columns: Column[] = [{ key: 'qualityLabel' }, { key: 'qualityPrecision', num: true }, { key: 'qualityRecall', num: true }, { key: 'qualityF1Ci', num: true }, { key: 'qualitySupport', num: true }];
    parts.push(table(t('qualityPostureCaption'), columns, p.perLabel.map((l) => [
      qualityLabelName(l.label), pct(l.precision), pct(l.recall), `${pct(l.f1)} (${range(l.f1Interval)})`, String(l.support),
    ]), 'quality-posture'));
  }
  return h('section', { class: 'q-section', 'data-testid': 'quality-posture-section' }, ...parts);
}

function trainingSection(q: Quality): HTMLElement {
  const { verbal, posture } = q.training;
  const parts: Child[] = [h('h3', { class: 'q-h' }, t('qualityTrainingH')), note(t('qualityTrainingNote'))];
  if (verbal) {
    parts.push(note(t('qualityTrainingVerbal', { v: verbal.version, f1: pct(verbal.macroF1), acc: verbal.accuracy === null ? '–' : pct(verbal.accuracy), n: verbal.validationRows ?? '?', split: verbal.split })));
    if (verbal.perLabel.length) parts.push(table(labelled(t('qualityVerbalH'), verbal.version), LABEL_COLUMNS, verbal.perLabel.map(labelRow), 'quality-training-verbal'));
  }
  if (posture) {
    parts.push(note(t('qualityTrainingPosture', { v: posture.version, data: posture.data })));
    if (posture.perLabel.length) parts.push(table(labelled(t('qualityPostureH'), posture.version), LABEL_COLUMNS, posture.perLabel.map(labelRow), 'quality-training-posture'));
  }
  if (!verbal && !posture) parts.push(note(t('qualityTrainingNone'), 'none'));
  return h('section', { class: 'q-section', 'data-testid': 'quality-training' }, ...parts);
}

export class QualityView {
  private readonly dialog: HTMLDialogElement;
  /** The last finished training job (verbal, posture) whose model the running section was told about. */
  private readonly listedJob = { verbal: null as string | null, posture: null as string | null };
  private quality: Quality | null = null;
  private error: ApiError | null = null;
  /** A download refused (or none yet), said in the dialog: the page's notices are behind it. */
  private linkProblem: string | null = null;
  private loading = false;
  /** What the next measurement is of; "This session" falls back to every session when none is open. */
  private scope: QualityScope = 'all';
  /** Answers to a Refresh made before the last one are dropped. */
  private asked = 0;
  private readonly anchors: Record<LinkKind, HTMLAnchorElement>;
  private readonly downloads: Record<LinkKind, DownloadLink>;
  private readonly training: TrainingPanel<TrainJob>;
  private readonly running: RunningModelSection | null;
  private readonly postureTraining: TrainingPanel<PostureTrainJob> | null;
  private readonly postureRunning: RunningPostureSection | null;
  private readonly comparison: ComparePanel | null;
  private readonly postureComparison: PostureComparePanel | null;

  constructor(
    private readonly button: HTMLButtonElement,
    host: HTMLElement,
    private readonly source: QualitySource,
  ) {
    this.dialog = h('dialog', { class: 'dialog dialog-wide', 'aria-labelledby': 'quality-h', 'data-testid': 'quality-dialog' });
    host.appendChild(this.dialog);
    button.addEventListener('click', () => this.open());
    this.dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      this.close();
    });
    this.anchors = Object.fromEntries(LINK_KINDS.map((k) => [k, h('a', { class: 'btn btn-small export-link', download: '', 'data-testid': LINKS[k].testid })])) as Record<LinkKind, HTMLAnchorElement>;
    this.downloads = Object.fromEntries(LINK_KINDS.map((k) => [k, new DownloadLink(this.anchors[k], () => this.source[k](this.scopedSession()), (err) => {
      const l = LINKS[k];
      this.linkProblem = err instanceof l.empty ? t(l.none[this.scope]) : `${t(l.failed)}${t('colon')}${errorMessage(requestError(err))}`;
      this.renderStatus();
    })])) as Record<LinkKind, DownloadLink>;
    const comparing = source.running && source.compare ? { compare: (id: string, version: string) => void this.comparison?.compare(id, version), running: () => this.running?.runningModel() ?? null } : undefined;
    this.training = new TrainingPanel(VERBAL_TRAINING, source.training, comparing && { key: 'compare', text: 'compareButton', label: 'compareButtonLabel', act: comparing.compare, running: comparing.running });
    this.running = source.running ? new RunningModelSection(source.running, () => this.suggestedThresholds(), () => void this.refresh(), comparing?.compare) : null;
    const postureCompare = source.postureRunning && source.postureCompare ? (id: string, version: string) => void this.postureComparison?.compare(id, version) : undefined;
    const postureRunning = source.postureRunning ? new RunningPostureSection(source.postureRunning, () => void this.refresh(), postureCompare) : null;
    this.postureRunning = postureRunning;
    // A finished posture job's Run this model asks in the running section, as its own row's does.
    this.postureTraining = source.postureTraining
      ? new TrainingPanel(POSTURE_TRAINING, source.postureTraining, postureRunning
        ? { key: 'run', text: 'runningRun', label: 'runningRunLabel', act: (id, version) => void postureRunning.askRun(id, version), running: () => postureRunning.runningRef() }
        : undefined)
      : null;
    const compare = source.compare;
    const running = this.running;
    this.comparison = compare && running
      ? new ComparePanel({
        compare,
        session: () => this.scopedSession(),
        sessionTitle: (id) => this.openTitle(id),
        running: () => running.runningModel(),
        switching: () => running.switching,
        run: (id) => running.run(id),
        openTurn: source.openTurn
          ? (session, utterance, startMs) => this.openIfFree(session, () => source.openTurn?.(session, utterance, startMs))
          : undefined,
      })
      : null;
    this.postureComparison = source.postureCompare && postureRunning
      ? new PostureComparePanel({
        compare: source.postureCompare,
        session: () => this.scopedSession(),
        sessionTitle: (id) => this.openTitle(id),
        running: () => postureRunning.runningRef(),
        switching: () => postureRunning.switching,
        run: (id) => postureRunning.run(id),
        openFrame: source.openFrame
          ? (session, mediaMs) => this.openIfFree(session, () => source.openFrame?.(session, mediaMs))
          : undefined,
      })
      : null;
    this.renderButton();
  }

  /** The open session's title when `id` is the one open (null: another). */
  /** Opens a session from a comparison (the dialog closes), or says in the status why this window cannot now (it plays another). */
  private openIfFree(session: string, open: () => void): void {
    const why = this.source.blocked?.(session) ?? null;
    if (why !== null) {
      this.linkProblem = why;
      this.renderStatus();
      return;
    }
    this.close(false);
    open();
  }

  private openTitle(id: string): string | null {
    const open = this.source.openSession();
    return open?.id === id ? open.title : null;
  }

  /** A training job's state, as every window hears it (`model_training`): kept while the dialog is closed. */
  trainingUpdate(job: TrainJob): void {
    this.training.update(job);
    this.postureTraining?.otherJob(job);
    this.listNewModel('verbal', job, this.running);
  }

  /** A posture training job's state (`posture_training`), as trainingUpdate. */
  postureTrainingUpdate(job: PostureTrainJob): void {
    this.postureTraining?.update(job);
    this.training.otherJob(job);
    this.listNewModel('posture', job, this.postureRunning);
  }

  /**
   * A finished job put its model in the library: the running section lists it, ready to run (once
   * per job; a closed dialog reads the library when it opens).
   */
  private listNewModel(kind: 'verbal' | 'posture', job: TrainJobBase, section: { libraryChanged(): Promise<void> } | null): void {
    if (job.state === 'done' && job.id !== this.listedJob[kind] && this.dialog.open) {
      this.listedJob[kind] = job.id;
      void section?.libraryChanged();
    }
  }

  /** The what-if's best threshold per label, where it differs from none (null: no what-if shown). */
  private suggestedThresholds(): Partial<Record<string, number>> | null {
    const w = this.quality?.verbal.whatIf;
    if (!w) return null;
    return Object.fromEntries(w.labels.flatMap((l) => (l.best === null ? [] : [[l.label, l.best] as const])));
  }

  /** The server's running model or thresholds changed (any window's switch): the section follows. */
  onVerbalSettings(s: VerbalState): void {
    this.running?.onSettings(s);
    // The running model named by the comparison and by a finished job's Compare button follows.
    this.training.render();
    this.comparison?.render();
  }

  /** The server's running posture model changed, or a switch started or failed (any window's): the section follows. */
  onPostureSettings(s: PostureState): void {
    this.postureRunning?.onSettings(s);
    // The running posture model named by the posture comparison follows.
    this.postureComparison?.render();
    // A finished posture job's Run this model goes once its model runs.
    this.postureTraining?.render();
  }

  /** The connection is back: the training jobs' states are read again (events missed meanwhile are not replayed). */
  trainingReload(): void {
    void this.training.load();
    void this.postureTraining?.load();
  }

  get isOpen(): boolean {
    return this.dialog.open;
  }

  /** The session measured: the open one for "This session" (null: every session). */
  private scopedSession(): string | null {
    return this.scope === 'session' ? (this.source.openSession()?.id ?? null) : null;
  }

  open(): void {
    this.renderDialog();
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.querySelector<HTMLElement>('[data-testid="quality-refresh"]')?.focus();
    void this.training.load();
    void this.postureTraining?.load();
    void this.refresh();
    // Once the running model is read, a finished job's Compare button and the comparison know it.
    void this.running?.opened().then(() => {
      this.training.render();
      this.comparison?.render();
    });
    void this.postureRunning?.opened().then(() => {
      this.postureTraining?.render();
      this.postureComparison?.render();
    });
  }

  /**
   * Closes the dialog; `returnFocus`: the focus back on its button (not when a turn is opened
   * from it). A comparison shown stays for the next opening, as the training section does (the
   * language is switched with the dialog closed; a changed turn opened is gone back from).
   */
  close(returnFocus = true): void {
    if (this.dialog.open) this.dialog.close();
    this.training.stop();
    this.postureTraining?.stop();
    this.dialog.replaceChildren();
    if (returnFocus) this.button.focus();
  }

  async refresh(): Promise<void> {
    // "This session" is the one open now; with none open (none chosen yet, or it was deleted
    // meanwhile), every session's, and the choice says so.
    if (this.scope === 'session' && !this.source.openSession()) {
      this.scope = 'all';
      if (this.dialog.open) this.renderDialog();
    }
    // A comparison shown is of the scope chosen too.
    this.comparison?.scopeChanged();
    this.postureComparison?.scopeChanged();
    const n = ++this.asked;
    this.loading = true;
    this.error = null;
    this.linkProblem = null;
    this.renderStatus();
    try {
      const q = await this.source.quality(this.scopedSession());
      if (n !== this.asked) return;
      this.quality = q;
    } catch (err) {
      if (n !== this.asked) return;
      this.error = requestError(err);
    }
    this.loading = false;
    if (this.dialog.open) this.renderDialog();
  }

  private renderButton(): void {
    this.button.textContent = t('qualityButton');
    this.button.title = t('qualityButtonTip');
  }

  /** The button's words, and the open dialog's, in the language of the moment. */
  render(): void {
    this.renderButton();
    this.training.render();
    this.postureTraining?.render();
    this.comparison?.render();
    this.postureComparison?.render();
    if (this.dialog.open) this.renderDialog();
  }

  /** The scope chosen: measured at once. */
  private choose(scope: QualityScope): void {
    if (scope === this.scope) return;
    this.scope = scope;
    this.renderDialog();
    void this.refresh();
  }

  /** All sessions or This session (disabled, with why, when none is open), as radio buttons. */
  private scopeControl(): HTMLElement {
    const open = this.source.openSession();
    const radio = (scope: QualityScope, text: string, disabled: boolean, describedBy?: string) => {
      const input = h('input', {
        type: 'radio', name: 'quality-scope', value: scope, 'data-testid': `quality-scope-${scope}`, disabled, 'aria-describedby': describedBy,
      });
      input.checked = this.scope === scope;
      input.addEventListener('change', () => {
        if (input.checked) this.choose(scope);
      });
      return h('label', { class: 'q-scope-option' }, input, h('span', {}, text));
    };
    return h(
      'fieldset', { class: 'q-scope', 'data-testid': 'quality-scope' },
      h('legend', {}, t('qualityScope')),
      radio('all', t('qualityScopeAll'), false),
      radio('session', open ? labelled(t('qualityScopeSession'), open.title) : t('qualityScopeSession'), !open, open ? undefined : 'quality-scope-why'),
      open ? null : h('p', { id: 'quality-scope-why', class: 'q-scope-why', 'data-testid': 'quality-scope-why' }, t('qualityScopeNoSession')),
    );
  }

  /** Which sessions the figures shown are of: the answer's, which a pending one may yet replace. */
  private scopeLine(q: Quality): HTMLElement {
    const open = this.source.openSession();
    const text = q.session === null ? t('qualityScopeLineAll') : t('qualityScopeLineSession', { title: open?.id === q.session ? open.title : q.session });
    return note(text, 'note', 'quality-scope-line');
  }

  private renderDialog(): void {
    const session = this.scopedSession();
    for (const k of LINK_KINDS) this.downloads[k].render(LINKS[k].href(session), t(LINKS[k].text[this.scope]), t(LINKS[k].tip[this.scope]));
    const focused = this.dialog.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.testid : undefined;
    const refresh = h('button', { type: 'button', class: 'btn', 'data-testid': 'quality-refresh' }, t('qualityRefresh'));
    refresh.addEventListener('click', () => void this.refresh());
    const close = h('button', { type: 'button', class: 'btn', 'data-testid': 'quality-close' }, t('qualityClose'));
    close.addEventListener('click', () => this.close());
    const q = this.quality;
    const body: HTMLElement[] = q ? [verbalSection(q), cuesSection(q), postureSection(q), trainingSection(q)] : [];
    // The labels a job would use: the measured answer's count when it is of the scope chosen.
    const measured = q && q.session === session ? q : null;
    this.training.setScope(session === null ? 'all' : 'session', session, measured ? measured.verbal.stored : null);
    // The posture job's: the labelled frames measured (every one of the scope's, none capped).
    this.postureTraining?.setScope(session === null ? 'all' : 'session', session, measured ? measured.posture.rows : null);
    this.running?.render();
    this.postureRunning?.render();
    this.dialog.replaceChildren(
      h('div', { class: 'q-head' }, h('h2', { id: 'quality-h', class: 'dialog-title' }, t('qualityTitle')), h('div', { class: 'q-actions' }, refresh, close)),
      h('p', { class: 'dialog-help' }, t('qualityIntro')),
      this.scopeControl(),
      h('p', { class: 'q-status', role: 'status', 'data-testid': 'quality-status' }),
      ...(q ? [this.scopeLine(q)] : []),
      ...body,
      this.training.root,
      ...(this.running ? [this.running.element] : []),
      ...(this.comparison ? [this.comparison.element] : []),
      ...(this.postureTraining ? [this.postureTraining.root] : []),
      ...(this.postureRunning ? [this.postureRunning.element] : []),
      ...(this.postureComparison ? [this.postureComparison.element] : []),
      h(
        'section', { class: 'q-section', 'data-testid': 'quality-rows' },
        h('h3', { class: 'q-h' }, t('qualityRowsH')),
        h('p', { class: 'q-links' }, this.anchors.labels, ' ', this.anchors.cueReviews, ' ', this.anchors.postureLabels),
        h('p', { class: 'q-note' }, t('qualityRetrainHint'), ' ', h('code', { 'data-testid': 'quality-retrain' }, RETRAIN_COMMAND)),
      ),
    );
    this.renderStatus();
    if (focused) this.dialog.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
  }

  private renderStatus(): void {
    const status = this.dialog.querySelector<HTMLElement>('[data-testid="quality-status"]');
    this.dialog.querySelector<HTMLElement>('[data-testid="quality-refresh"]')?.setAttribute('aria-busy', String(this.loading));
    if (!status) return;
    status.classList.toggle('q-error', this.error !== null || this.linkProblem !== null);
    status.textContent = this.linkProblem ?? (this.loading
      ? t('qualityLoading')
      : this.error
        ? `${t('qualityFailed')}${t('colon')}${errorMessage(this.error)}`
        : this.quality
          ? t('qualityMeasured', { s: (this.quality.ms / 1000).toFixed(1) })
          : t('qualityNotMeasuredYet'));
  }
}
