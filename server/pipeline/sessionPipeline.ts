// One session's path from utterances and frames to signals to cues. Holds the per-session
// state (the previous turn for context, posture trackers, the cue engine) and writes
// through the store. It never reads the clock: the caller passes arrival and emit times.
import type { Cue, CueEvidence, PersonBox, PoseIn, PostureSignal, Role, Signal, Utterance, UtteranceIn, VerbalSignal } from '../../protocol/protocol';
import { CueEngine, type CueDraft, type CueEngineOptions } from '../fusion/cueEngine';
import { cueTitle, POSTURE_PHRASE, TIPS } from '../fusion/techniques';
import { type FrameCursor, type SavedTrackerState, type SqliteStore, type StoredFrame } from '../store/sqliteStore';
import { classifyTurns } from '../signals/verbal/speakerRule';
import { thresholdsKey } from '../../protocol/thresholds';
import { DEFAULT_SIGNAL_THRESHOLDS, signalLabel, type SignalThresholds } from '../signals/verbal/decision';
import type { Turn, VerbalClassifier, VerbalPrediction } from '../signals/verbal/types';
import type { PostureClassifier } from '../signals/posture/model';
import { PostureTracker, TRACKER_STATE_VERSION, type PostureTrackerOptions, type TrackerState } from '../signals/posture/tracker';
import { poseFromLandmarks } from '../signals/pose/fromLandmarks';

export interface PipelineOptions {
  /** Least score for a non-neutral prediction to become a stored signal, per label (none by default). */
  signalThresholds: SignalThresholds;
  cueEngine: Partial<CueEngineOptions>;
  /**
   * A customer's posture tracker state is saved with every this many of their frames, so a
   * restart replays at most this many frames per customer (DEFAULT_TRACKER_SNAPSHOT_EVERY).
   */
  trackerSnapshotEvery?: number;
}

/** About a minute of frames at 5 fps: a restart replays at most that, a few tens of ms. */
export const DEFAULT_TRACKER_SNAPSHOT_EVERY = 300;

/** Turns a re-analysis reads and classifies at a time (~1 ms each here: a slice of 16 stays short). */
const WORDS_READ = 16;
/** Words after the last frame a re-analysis keeps back until its end (see startReanalysis). */
const WORDS_HELD = 64;
/** Frames a re-analysis reads at a time: a page of 500 took 15-50 ms here to read and parse, 100 a fifth of that. */
const REANALYSIS_FRAMES_PAGE = 100;

export const DEFAULT_PIPELINE_OPTIONS: PipelineOptions = { signalThresholds: DEFAULT_SIGNAL_THRESHOLDS, cueEngine: {} };

export interface TurnResult {
  utterance: Utterance;
  signal?: VerbalSignal;
  cues: Cue[];
}

export interface FrameInput {
  participant: string;
  mediaMs: number;
  poses: PoseIn[];
  aspect?: number;
  /** Which of `poses` is the participant from now on (null: back to the largest, most central). */
  person?: PersonBox | null;
  source: 'browser' | 'server';
}

export interface FrameResult {
  frameId: number;
  /** Postures this frame turned on. */
  signals: PostureSignal[];
  /** Postures this frame ended, as stored (endedMs set): sent again so clients can close them. */
  ended: PostureSignal[];
  cues: Cue[];
}

/** A re-analysis under way (SessionPipeline.startReanalysis). */
export interface Reanalysis {
  /** Signals and cues made so far. */
  readonly counts: { signals: number; cues: number };
  /** Analyses up to `budget` more words and frames; true when it has caught up with the source. */
  step(budget: number): boolean;
  /** Analyses all that is left; false if the result differs from one pass over the source now (see startReanalysis). */
  finish(): boolean;
}

export interface PipelineModels {
  verbal: VerbalClassifier;
  /** Without it, frames are stored but give no posture signals. Read at each frame (a switch of the running model). */
  posture?: PostureClassifier | undefined;
}

type EmitClock = () => number;

/** A stored turn as a re-analysis takes it: corrected, or undefined to leave it out (see startReanalysis). */
export type TurnView = (u: Utterance) => Utterance | undefined;

/** A customer's posture tracker with what it was built with and its frames since its state was last saved. */
interface Tracked {
  tracker: PostureTracker;
  /** The posture model it classifies with (a switch of the running model moves it to the new one). */
  classifier: PostureClassifier;
  aspect: number | undefined;
  sinceSaved: number;
}

export class SessionPipeline {
  private engine!: CueEngine;
  private previousText: string | undefined;
  private trackers = new Map<string, Tracked>();

  constructor(
    readonly sessionId: string,
    private readonly store: SqliteStore,
    private readonly models: PipelineModels,
    private readonly opts: PipelineOptions = DEFAULT_PIPELINE_OPTIONS,
  ) {
    this.restore();
    this.restoreTrackers();
  }

  /**
   * Brings the customers' posture trackers (baseline size, smoothing, nod history, which
   * postures are on) back to where the stored frames left them, so a restart changes no
   * posture signal. Each customer's tracker starts from its saved state when that was made
   * by this posture model and state format (else afresh), and their frames stored after it
   * go through it again, one at a time, in the order they were stored (the order the tracker
   * saw them live); what it reports is dropped,
   * being stored already. Frames are never in a rolled-back round of live turns, so only a
   * new pipeline (after a restart) needs this.
   */
  private restoreTrackers(): void {
    const classifier = this.models.posture;
    if (!classifier) return;
    const saved = new Map(this.store.trackerStates(this.sessionId).map((s) => [s.participant, s] as const));
    for (const p of this.store.participants(this.sessionId)) {
      if (p.role !== 'customer') continue;
      const s = saved.get(p.name);
      const from = s && this.fromSaved(s, classifier);
      if (from) this.trackers.set(p.name, from);
      let replayed = 0;
      // In the order the tracker first saw them (stored order), not media order: after a seek
      // back, frames stored after the state can be earlier in media time.
      const after = from && s ? { after: { mediaMs: s.mediaMs, frameId: s.frameId } } : {};
      for (const f of this.store.frames(this.sessionId, { participant: p.name, order: 'stored', ...after })) {
        this.track(f, classifier);
        replayed++;
      }
      const t = this.trackers.get(p.name);
      if (t) t.sinceSaved = replayed;
    }
  }

  /** A tracker from a saved state, if it is of this model and state format and reads back. */
  private fromSaved(s: SavedTrackerState, classifier: PostureClassifier): Tracked | undefined {
    const state = s.state as Partial<TrackerState> | null;
    if (s.modelVersion !== classifier.version || state?.v !== TRACKER_STATE_VERSION) return undefined;
    try {
      return { tracker: PostureTracker.fromSnapshot(trackerOptions(s.participant, classifier, s.aspect), state as TrackerState), classifier, aspect: s.aspect, sinceSaved: 0 };
    } catch {
      // A state this code cannot read: the participant's frames are replayed from the start.
      return undefined;
    }
  }

  /** The participant's tracker fed one frame; returns the posture changes it saw. */
  private track(f: FrameInput | StoredFrame, classifier: PostureClassifier) {
    let t = this.trackers.get(f.participant);
    if (!t) {
      const aspect = f.aspect ? f.aspect : undefined;
      t = { tracker: new PostureTracker(trackerOptions(f.participant, classifier, aspect)), classifier, aspect, sinceSaved: 0 };
      this.trackers.set(f.participant, t);
    } else if (t.classifier !== classifier) {
      // The running posture model was switched: the participant's tracker goes on from what it
      // learnt (baseline, smoothing, postures on) with the new model, so no posture signal
      // ends or starts only because of the switch; the next frame is the new model's.
      t.tracker = PostureTracker.fromSnapshot(trackerOptions(f.participant, classifier, t.aspect), t.tracker.snapshot());
      t.classifier = classifier;
    }
    if (f.person !== undefined) t.tracker.pointAt(f.person ? { box: f.person } : undefined);
    return t.tracker.update(f.poses.map(poseFromLandmarks), f.mediaMs);
  }

  /** Every so many of a customer's frames, their tracker's state is saved with the frame (in its transaction). */
  private saveTracker(f: (FrameInput & { id: number }) | StoredFrame, classifier: PostureClassifier): void {
    const t = this.trackers.get(f.participant);
    if (!t || ++t.sinceSaved < (this.opts.trackerSnapshotEvery ?? DEFAULT_TRACKER_SNAPSHOT_EVERY)) return;
    this.store.saveTrackerState({
      sessionId: this.sessionId, participant: f.participant, frameId: f.id, mediaMs: f.mediaMs, modelVersion: classifier.version,
      ...(t.aspect !== undefined ? { aspect: t.aspect } : {}), state: t.tracker.snapshot(),
    });
    t.sinceSaved = 0;
  }

  /**
   * Rebuilds the cue engine and the context from what the store holds, in media-time order:
   * after a restart, or after a rollback took turns this pipeline had already seen.
   */
  restore(): void {
    this.engine = new CueEngine(this.opts.cueEngine);
    const steps: { t: number; order: number; run: () => void }[] = [];
    for (const u of this.store.utterances(this.sessionId)) {
      if (u.role === 'rep') steps.push({ t: u.startMs, order: 0, run: () => this.engine.repTurn(u.endMs, u.text) });
    }
    for (const s of this.store.signals(this.sessionId)) {
      steps.push({ t: s.mediaMs, order: 1, run: () => void this.engine.push(toEvidence(s)) });
      if (s.kind === 'posture' && s.endedMs !== null) steps.push({ t: s.endedMs, order: 2, run: () => this.engine.postureOff(s.label) });
    }
    steps.sort((a, b) => a.t - b.t || a.order - b.order).forEach((s) => s.run());
    this.previousText = this.store.lastUtterance(this.sessionId)?.text;
  }

  /**
   * Stores a batch of turns with their signals and cues in one transaction: either all of
   * it is stored or none. `receivedAt`/`emittedAt` are wall-clock ms supplied by the edge.
   */
  ingest(batch: readonly UtteranceIn[], roles: ReadonlyMap<string, Role | null>, receivedAt: number, emittedAt: EmitClock): TurnResult[] {
    return this.ingestClassified(batch, classifyTurns(this.models.verbal, this.turns(batch, roles)), roles, receivedAt, emittedAt);
  }

  /**
   * The classifier's inputs for a batch that comes next in this session: each turn with its
   * role and the turn before it as context. A caller that classifies turns of many sessions
   * in one pass collects these, then hands each session its predictions in `ingestClassified`.
   */
  turns(batch: readonly UtteranceIn[], roles: ReadonlyMap<string, Role | null>): Turn[] {
    return batch.map((u, i) => {
      const context = i === 0 ? this.previousText : batch[i - 1]!.text;
      return { text: u.text, role: roles.get(u.speaker) ?? null, ...(context !== undefined ? { context } : {}) };
    });
  }

  /** `ingest` with predictions made by the caller from `turns(batch, roles)`, one per turn. */
  ingestClassified(
    batch: readonly UtteranceIn[],
    preds: readonly VerbalPrediction[],
    roles: ReadonlyMap<string, Role | null>,
    receivedAt: number,
    emittedAt: EmitClock,
  ): TurnResult[] {
    if (preds.length !== batch.length) throw new Error(`got ${preds.length} predictions for ${batch.length} turns`);
    try {
      const results = this.store.transaction(() =>
        batch.map((u, i) => {
          const utterance = this.store.addUtterance({
            sessionId: this.sessionId, speaker: u.speaker, role: roles.get(u.speaker) ?? null, text: u.text,
            startMs: u.startMs, endMs: u.endMs ?? u.startMs, receivedAt,
            ...(u.clientTurnId !== undefined ? { clientTurnId: u.clientTurnId } : {}),
          });
          return this.afterUtterance(utterance, preds[i]!, receivedAt, emittedAt);
        }),
      );
      // The last stored turn is the next one's context: known here, no need to read it back.
      if (batch.length) this.previousText = batch[batch.length - 1]!.text;
      return results;
    } catch (err) {
      // The transaction rolled back: the engine may have seen signals that were not stored,
      // and restore() also resets the context from what the store really holds.
      this.restore();
      throw err;
    }
  }

  /** Stores one frame's landmarks; a customer's frames go through their posture tracker. */
  ingestFrame(f: FrameInput, role: Role | null, receivedAt: number, emittedAt: EmitClock): FrameResult {
    return this.store.transaction(() => {
      const frameId = this.store.addFrame({
        sessionId: this.sessionId, participant: f.participant, mediaMs: f.mediaMs, source: f.source, poses: f.poses, receivedAt,
        ...(f.aspect !== undefined ? { aspect: f.aspect } : {}),
        ...(f.person !== undefined ? { person: f.person } : {}),
      });
      return this.afterFrame({ ...f, id: frameId }, role, receivedAt, emittedAt);
    });
  }

  /**
   * Re-runs classification, posture and fusion over everything stored (after roles change),
   * in place and at once: the store's analysis is replaced in its transaction.
   */
  reanalyze(roles: ReadonlyMap<string, Role | null>, emittedAt: EmitClock): { signals: number; cues: number } {
    return this.store.transaction(() => {
      this.store.clearAnalysis(this.sessionId);
      // The trackers start afresh under the new roles: their saved states are dropped, and new
      // ones are saved as the frames go through again.
      this.store.deleteTrackerStates(this.sessionId);
      const run = this.startReanalysis(this.store, roles, emittedAt);
      run.finish();
      // The next live turn's context: the last stored turn, which a correction may have changed.
      this.previousText = this.store.lastUtterance(this.sessionId)?.text;
      return run.counts;
    });
  }

  /**
   * A re-analysis of the session's turns and frames as `source` holds them, run a slice at a
   * time (`step`), writing to this pipeline's store, which must hold no analysis of the
   * session: `source` itself (as `reanalyze` does), or a scratch store while the real one
   * goes on taking the session's live turns and frames (SessionService.setRoles). Words and
   * frames go through in media-time order, a word first at the same time, as they are read;
   * turns and frames stored in `source` meanwhile are taken up as they come. `finish()` goes
   * through what is left and says whether the result is what one pass over everything now in
   * `source` would give: not when something arrived behind what was already analysed (a frame
   * or turn earlier in media time). Resets this pipeline's cue engine and trackers. `view`: each
   * turn as the analysis takes it (a coach's correction the store does not hold yet: another
   * text or speaker, or undefined for a turn deleted); it must give the same for a turn that
   * already holds the correction, as `source` may by the end.
   */
  startReanalysis(source: SqliteStore, roles: ReadonlyMap<string, Role | null>, emittedAt: EmitClock, view: TurnView = (u) => u): Reanalysis {
    this.engine = new CueEngine(this.opts.cueEngine);
    this.trackers.clear();
    const sessionId = this.sessionId;
    const counts = { signals: 0, cues: 0 };
    const count = (r: TurnResult | FrameResult) => {
      counts.signals += 'signals' in r ? r.signals.length : r.signal ? 1 : 0;
      counts.cues += r.cues.length;
    };
    const roleOf = (name: string) => roles.get(name) ?? null;
    // Words: classified as they are read (each with the turn before it as context), then
    // waiting in media-time order, stable in turn order.
    type Word = { u: Utterance; pred: VerbalPrediction };
    const words: Word[] = [];
    let w = 0;
    let lastSeq = 0;
    let lastText: string | undefined;
    // Where the analysis is: the last word's start and the last frame's place.
    let lastWordMs = -Infinity;
    let cursor: FrameCursor | undefined;
    let framesDone = 0;
    let inOrder = true;
    /** Reads and classifies up to `limit` turns stored after those read; returns how many. */
    const readWords = (limit: number): number => {
      const read = source.utterancesAfter(sessionId, lastSeq, Number.isFinite(limit) ? limit : -1);
      if (!read.length) return 0;
      lastSeq = read[read.length - 1]!.seq;
      const utts = read.flatMap((u) => view(u) ?? []);
      if (!utts.length) return read.length;
      const preds = classifyTurns(
        this.models.verbal,
        utts.map((u, i) => {
          const context = i > 0 ? utts[i - 1]!.text : lastText;
          return { text: u.text, role: roleOf(u.speaker), ...(context !== undefined ? { context } : {}) };
        }),
      );
      const fresh = utts.map((u, i) => ({ u, pred: preds[i]! })).sort((a, b) => a.u.startMs - b.u.startMs);
      // A turn that starts before a word or frame already analysed would have gone before it.
      if (fresh[0]!.u.startMs < lastWordMs || (cursor && fresh[0]!.u.startMs <= cursor.mediaMs)) inOrder = false;
      const waiting = [...words.slice(w), ...fresh].sort((a, b) => a.u.startMs - b.u.startMs || a.u.seq - b.u.seq);
      words.length = 0;
      words.push(...waiting);
      w = 0;
      lastText = utts[utts.length - 1]!.text;
      return read.length;
    };
    const word = () => {
      const { u, pred } = words[w++]!;
      lastWordMs = u.startMs;
      count(this.afterUtterance({ ...u, role: roleOf(u.speaker) }, pred, u.receivedAt, emittedAt));
    };
    // Frames: a page at a time from the last one analysed, so later ones are found as they come.
    let page: StoredFrame[] = [];
    let p = 0;
    const nextFrame = (): StoredFrame | undefined => {
      if (p < page.length) return page[p];
      page = [];
      p = 0;
      for (const f of source.frames(sessionId, { pageSize: REANALYSIS_FRAMES_PAGE, ...(cursor ? { after: cursor } : {}) })) {
        page.push(f);
        if (page.length >= REANALYSIS_FRAMES_PAGE) break;
      }
      return page[0];
    };
    const frame = (f: StoredFrame) => {
      // A frame before a word already analysed would have gone before it.
      if (f.mediaMs < lastWordMs) inOrder = false;
      p++;
      cursor = { mediaMs: f.mediaMs, frameId: f.id };
      framesDone++;
      count(this.afterFrame(f, roleOf(f.participant), f.receivedAt, emittedAt));
    };
    /** Words and frames up to `budget` of them; true when none is left in `source` for now. */
    const step = (budget: number, final: boolean): boolean => {
      // Every turn stored so far is read before any goes through (a frame may not pass a
      // turn that starts before it), a slice of turns at a time: classifying is the costly part.
      for (let read = readWords(Math.min(budget, WORDS_READ)); read > 0; read = readWords(Math.min(budget, WORDS_READ))) {
        budget -= read;
        if (budget <= 0) return false;
      }
      for (let n = 0; n < budget; n++) {
        const f = nextFrame();
        const next = words[w];
        if (next && (!f || next.u.startMs <= f.mediaMs)) {
          // The last words after the last frame wait for the end, as frames may come a little
          // after the words of their time (a live session's pose estimates lag); the others go
          // through (a session without frames is not left to the end).
          if (!f && !final && words.length - w <= WORDS_HELD) return true;
          word();
        } else if (f) {
          frame(f);
        } else {
          return true;
        }
      }
      return false;
    };
    return {
      counts,
      step: (budget) => step(budget, false),
      finish: () => {
        while (!step(Infinity, true));
        // A frame stored behind the last one analysed was not read.
        if (cursor && source.frameCountUpTo(sessionId, cursor) !== framesDone) inOrder = false;
        return inOrder;
      },
    };
  }

  /**
   * Takes on the result of a re-analysis made by another pipeline of this session (in a scratch
   * store) once this one's store holds it: that pipeline's posture trackers, and the cue engine
   * and context rebuilt from the store, as after a restart.
   */
  adoptReanalysis(from: SessionPipeline): void {
    this.trackers = from.trackers;
    from.trackers = new Map();
    this.restore();
  }

  private afterUtterance(utterance: Utterance, pred: VerbalPrediction, receivedAt: number, emittedAt: EmitClock): TurnResult {
    if (utterance.role === 'rep') this.engine.repTurn(utterance.endMs, utterance.text);
    // The thresholds read once: the turn's signal and the session's record of them agree.
    const thresholds = this.opts.signalThresholds;
    this.noteThresholds(thresholds);
    if (signalLabel(pred, thresholds) === 'neutral') return { utterance, cues: [] };
    const signal = this.store.addSignal(
      {
        sessionId: this.sessionId, utteranceId: utterance.id, participant: utterance.speaker, kind: 'verbal',
        label: pred.label, score: round3(pred.score),
        scores: Object.fromEntries(Object.entries(pred.scores).map(([k, v]) => [k, round3(v)])) as VerbalSignal['scores'],
        mediaMs: utterance.startMs, modelVersion: this.models.verbal.version,
      },
      utterance.text,
    );
    return { utterance, signal, cues: this.fuse(signal, receivedAt, emittedAt) };
  }

  /** The key last noted in the store (most turns share it: skipped then), and its thresholds object. */
  private noted: { thresholds: SignalThresholds; key: string } | undefined;

  /** Records in the session's analysis that a turn was classified under `thresholds` (store.noteThresholds). */
  private noteThresholds(thresholds: SignalThresholds): void {
    if (this.noted?.thresholds !== thresholds) this.noted = { thresholds, key: thresholdsKey(thresholds) };
    this.store.noteThresholds(this.sessionId, this.noted.key);
  }

  private afterFrame(f: (FrameInput & { id: number }) | StoredFrame, role: Role | null, receivedAt: number, emittedAt: EmitClock): FrameResult {
    const result: FrameResult = { frameId: f.id, signals: [], ended: [], cues: [] };
    const classifier = this.models.posture;
    if (role !== 'customer' || !classifier) return result;
    const events = this.track(f, classifier);
    this.saveTracker(f, classifier);
    for (const ev of events) {
      if (ev.state === 'off') {
        const ended = this.store.endPostureSignal(this.sessionId, f.participant, ev.label, ev.mediaMs);
        if (ended) result.ended.push(ended);
        this.engine.postureOff(ev.label);
        continue;
      }
      const signal = this.store.addPostureSignal({
        sessionId: this.sessionId, kind: 'posture', participant: f.participant, label: ev.label, score: round3(ev.score),
        mediaMs: ev.mediaMs, startedMs: ev.startedMs, endedMs: null, frameId: f.id, features: ev.features,
        source: f.source, modelVersion: ev.modelVersion,
      });
      result.signals.push(signal);
      result.cues.push(...this.fuse(signal, receivedAt, emittedAt));
    }
    return result;
  }

  private fuse(signal: Signal, receivedAt: number, emittedAt: EmitClock): Cue[] {
    return this.engine.push(toEvidence(signal)).map((d) => this.store.addCue(this.toCue(d, receivedAt, emittedAt())));
  }

  /** The models whose signals a cue stands on: "verbal-…", "posture-…" or "verbal-…+posture-…". */
  private cueModelVersion(evidence: readonly CueEvidence[]): string {
    const versions: string[] = [];
    if (evidence.some((e) => e.kind === 'verbal')) versions.push(this.models.verbal.version);
    if (evidence.some((e) => e.kind === 'posture') && this.models.posture) versions.push(this.models.posture.version);
    return versions.join('+');
  }

  private toCue(d: CueDraft, inputReceivedAt: number, emittedAt: number): Omit<Cue, 'id'> {
    return {
      sessionId: this.sessionId, type: d.type, reason: d.reason, mediaMs: d.mediaMs, score: d.score, evidence: d.evidence,
      technique: d.technique, title: cueTitle(d.reason, d.trigger, d.posture), tip: TIPS[d.technique],
      modelVersion: this.cueModelVersion(d.evidence),
      inputReceivedAt, emittedAt,
    };
  }
}

export function toEvidence(s: Signal): CueEvidence {
  if (s.kind === 'verbal') {
    return { signalId: s.id, kind: 'verbal', utteranceId: s.utteranceId, frameId: null, participant: s.participant, label: s.label, score: s.score, mediaMs: s.mediaMs, text: s.text };
  }
  return { signalId: s.id, kind: 'posture', utteranceId: null, frameId: s.frameId, participant: s.participant, label: s.label, score: s.score, mediaMs: s.mediaMs, text: POSTURE_PHRASE[s.label].en };
}

function trackerOptions(participant: string, classifier: PostureClassifier, aspect: number | undefined): PostureTrackerOptions {
  return { participant, classifier, ...(aspect !== undefined ? { aspect } : {}) };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
