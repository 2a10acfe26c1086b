// The application core behind HTTP, socket.io and the CLI: sessions, roles, live turns,
// uploads. Knows nothing about transports: it reports what happened to its listeners.
import { randomUUID } from 'node:crypto';
import type {
  Comment,
  CommentIn,
  Correction,
  CorrectionIn,
  CreateSession,
  Cue,
  CueReview,
  CueReviewIn,
  CueType,
  FrameStats,
  LandmarksIn,
  ModelVersions,
  Participant,
  PostureLabels,
  PostureLabelsIn,
  Role,
  Session,
  SessionCounts,
  SessionSnapshot,
  Signal,
  Utterance,
  UtteranceEdit,
  UtteranceIn,
} from '../../protocol/protocol';
import { LIMITS } from '../../protocol/protocol';
import {
  CommentNotFoundError, CueNotFoundError, DemoSessionError, NoFrameError, NotCustomerParticipantError, NotCustomerTurnError, NotFoundError, ParticipantLimitError, ParticipantNotFoundError, ShuttingDownError,
  TooManyCommentsError, TurnIdConflictError, TurnNotFoundError, ValidationError,
} from '../errors/errors';
import { SqliteStore, type CorrectionForExport, type CueMoment, type CueReviewForExport, type PostureLabelsForExport, type SessionSummary, type StoredFrame } from '../store/sqliteStore';
import { nearestLabelFrame } from './postureLabelFrame';
import type { ArchiveRowSource } from '../store/archiveRows';
import type { CheckedArchive } from '../ingest/archiveCheck';
import { classifyTurns } from '../signals/verbal/speakerRule';
import type { Turn, VerbalClassifier, VerbalPrediction } from '../signals/verbal/types';
import type { PostureClassifier } from '../signals/posture/model';
import type { SignalThresholds } from '../signals/verbal/decision';
import { DEFAULT_PIPELINE_OPTIONS, SessionPipeline, type FrameResult, type PipelineModels, type PipelineOptions, type TurnResult, type TurnView } from './sessionPipeline';
import { DEFAULT_CUE_ENGINE_OPTIONS } from '../fusion/cueEngine';
import { searchTurns, type SearchParams } from '../search/search';
import { VerbalRuntime, type HeldVerbal, type VerbalRun } from '../models/verbalRuntime';
import { PostureRuntime, type PostureRun } from '../models/postureRuntime';
import type { SearchAnswer } from '../../protocol/search';

export type SessionEvent =
  /** `clientTurnId`: the one the turn was sent with (live turns only), for the room's event. */
  | { type: 'utterance'; sessionId: string; utterance: Utterance; clientTurnId?: string }
  | { type: 'signal'; sessionId: string; signal: Signal }
  | { type: 'cue'; sessionId: string; cue: Cue }
  | { type: 'roles_needed'; sessionId: string; speakers: string[] }
  /** Roles changed, or the session was re-analysed, and its analysis was replaced: what was published of it before is void. */
  | { type: 'reanalysed'; sessionId: string }
  | { type: 'frame_stats'; sessionId: string; stats: FrameStats }
  /** A coach labelled a turn, or removed its label (`correction: null`). */
  | { type: 'corrected'; sessionId: string; utteranceId: number; correction: Correction | null }
  /** A coach gave the cue at a moment a verdict, or removed it (`review: null`). */
  | { type: 'cue_reviewed'; sessionId: string; cueType: CueType; mediaMs: number; review: CueReview | null }
  /** A coach labelled a customer's posture in a frame, or removed those labels (`labels: null`). */
  | { type: 'posture_labelled'; sessionId: string; frameId: number; labels: PostureLabels | null }
  /** A coach posted or edited a comment, or removed it (`comment: null`). */
  | { type: 'commented'; sessionId: string; commentId: number; comment: Comment | null }
  /** The session has another title. */
  | { type: 'session_renamed'; sessionId: string; title: string }
  /** The session and everything under it were deleted: it is unknown from now on. */
  | { type: 'session_deleted'; sessionId: string }
  /**
   * A session as the list shows it, for those following the list: it was created, or a
   * transcript was uploaded into it (its counts changed). Not per live turn, label or comment
   * (the transport coalesces those into counts updates: realtime/lobbyCounts.ts).
   */
  | { type: 'session_listed'; sessionId: string; session: SessionSummary };

/**
 * Work a transport accepted for a session and has not finished (live turns waiting to be
 * stored, frames queued for the pose estimator): resolves once what it held of the session
 * when called is done. A deletion waits for these (see `deleteSession`).
 */
export type SessionWork = (sessionId: string) => Promise<void>;

/** One live turn for `commitLiveTurns`. */
export interface LiveTurn {
  sessionId: string;
  utterance: UtteranceIn;
}

/**
 * What became of one live turn: stored (and published), or the error that kept it out. A turn
 * whose clientTurnId the session already holds is a `duplicate`: nothing was stored or
 * published, and `result` holds the stored original (no signal, no cues).
 */
export type TurnOutcome = { ok: true; result: TurnResult; duplicate?: true } | { ok: false; error: unknown };

/** A batch checked against its session, with the classifier inputs it needs. */
interface PreparedTurns {
  sessionId: string;
  batch: readonly UtteranceIn[];
  speakers: string[];
  /** Participants to add or whose role the caller gave. */
  changed: Participant[];
  /** Every speaker's role once `changed` is stored. */
  roles: Map<string, Role | null>;
  turns: Turn[];
}

/** A coach's correction of one stored turn, as a re-analysis takes it (see reanalyseAside). */
interface TurnChange {
  /** The turn as the re-analysis reads it before the correction is stored (see startReanalysis). */
  view: TurnView;
  /** Stores the correction; run in the transaction that stores the new analysis. */
  apply: () => void;
}

export interface SessionServiceDeps {
  store: SqliteStore;
  /** The verbal model, fixed for the service's life; or `verbal`, which an analyst may change while it runs. */
  classifier?: VerbalClassifier;
  /** The verbal model and signal thresholds now (they override options.signalThresholds), read at use time. */
  verbal?: VerbalRuntime;
  /** The posture model, fixed for the service's life; without it (and `postureRuntime`), frames are stored but give no posture signals. */
  posture?: PostureClassifier;
  /** The posture model now, which an analyst may switch while it runs, read at use time. */
  postureRuntime?: PostureRuntime;
  /** Wall clock, read only here at the edge of the core (for receivedAt / emittedAt). */
  now: () => number;
  newId?: () => string;
  options?: PipelineOptions;
  /**
   * Sessions whose pipeline (cue engine, posture trackers) stays in memory; the least recently
   * used beyond this is dropped and, when its session is next used, rebuilt from the store as
   * after a restart (exact; bounded by the trackers' saved states, ~40 ms for the most frames
   * a tracker replays). Default 1,000 (~23 KB each for a session with a posture track): far
   * more sessions than this server can serve live at once, so live ones are not rebuilt.
   */
  maxPipelines?: number;
  /**
   * How a role change's re-analysis shares the event loop: it goes through `items` turns or
   * frames at a time, and lets the loop run other work once `ms` have passed (at least one
   * step each time). Default 25 items (~5 ms here), 10 ms: slices stay well under 50 ms on a
   * loaded machine, for ~1 % more time in all.
   */
  reanalysisSlice?: { items: number; ms: number };
}

export const DEFAULT_REANALYSIS_SLICE = { items: 25, ms: 10 };

/** How many times a re-analysis starts again aside after a switch of the running model (then it is done in place). */
const SWITCH_RESTARTS = 2;

export const DEFAULT_MAX_PIPELINES = 1000;

export interface UploadResult {
  utterances: number;
  signals: number;
  cues: number;
  unassignedSpeakers: string[];
  warnings: string[];
}

export class SessionService {
  /** In order of last use, oldest first. */
  private readonly pipelines = new Map<string, SessionPipeline>();
  private readonly maxPipelines: number;
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private readonly newId: () => string;
  private readonly reanalysisSlice: { items: number; ms: number };
  /** Each session's latest role change, re-analysis or deletion under way (they run one after another). */
  private readonly reanalyses = new Map<string, Promise<unknown>>();
  /** Transports' accepted, unfinished work per session, which a deletion waits for. */
  private readonly pendingWork = new Set<SessionWork>();
  private closing = false;
  private readonly verbal: VerbalRuntime;
  private readonly posture: PostureRuntime | undefined;

  constructor(private readonly deps: SessionServiceDeps) {
    this.posture = deps.postureRuntime ?? (deps.posture ? new PostureRuntime({ classifier: deps.posture, id: 'base', dir: '' }) : undefined);
    if (deps.verbal) this.verbal = deps.verbal;
    else if (deps.classifier) this.verbal = new VerbalRuntime({ classifier: deps.classifier, id: 'base', dir: '', thresholds: (deps.options ?? DEFAULT_PIPELINE_OPTIONS).signalThresholds });
    else throw new TypeError('SessionService needs a classifier or a verbal runtime');
    this.reanalysisSlice = deps.reanalysisSlice ?? DEFAULT_REANALYSIS_SLICE;
    if (!(this.reanalysisSlice.items >= 1)) throw new RangeError(`reanalysisSlice.items must be ≥ 1, got ${this.reanalysisSlice.items}`);
    this.newId = deps.newId ?? (() => randomUUID().replace(/-/g, '').slice(0, 16));
    const max = deps.maxPipelines ?? DEFAULT_MAX_PIPELINES;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxPipelines must be a whole number ≥ 1, got ${max}`);
    this.maxPipelines = max;
  }

  /** Sessions whose pipeline is in memory now (at most maxPipelines). */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /** Least signal score a cue is built on; a weaker signal is stored but raises no cue. */
  get cueMinSignalScore(): number {
    return this.deps.options?.cueEngine.minSignalScore ?? DEFAULT_CUE_ENGINE_OPTIONS.minSignalScore;
  }

  /** Least score per signal label a prediction needs to be stored as a signal ({}: none, the most probable label counts). */
  get signalThresholds(): SignalThresholds {
    return this.verbal.current.thresholds;
  }

  get modelVersion(): string {
    return this.verbal.current.classifier.version;
  }

  /** The verbal model the pipeline runs now. */
  get verbalClassifier(): VerbalClassifier {
    return this.verbal.current.classifier;
  }

  /**
   * The verbal model and thresholds now, held for work that spans turns of the event loop (GET
   * /api/quality measures it on the stored labels): not disposed by a switch before release().
   */
  holdVerbal(): HeldVerbal {
    return this.verbal.hold();
  }

  /** The service's wall clock, for the edges that pass a time in (a correction's correctedAt). */
  now(): number {
    return this.deps.now();
  }

  onEvent(fn: (e: SessionEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Creates a session and tells those following the list (`session_listed`). */
  createSession(input: CreateSession, opts: { demo?: boolean; id?: string } = {}): Session {
    const session = this.storeSession(input, opts);
    this.publishListed(session.id);
    return session;
  }

  /** Stores a new session, telling no one (inside another transaction, which may yet roll it back). */
  private storeSession(input: CreateSession, opts: { demo?: boolean; id?: string }): Session {
    const names = new Set<string>();
    for (const [i, p] of (input.participants ?? []).entries()) {
      if (names.has(p.name)) throw new ValidationError(`participants[${i}].name: "${p.name}" appears twice`, { field: `participants[${i}].name` });
      names.add(p.name);
    }
    return this.deps.store.createSession({
      id: opts.id ?? this.newId(),
      title: input.title ?? 'Untitled session',
      createdAt: this.deps.now(),
      demo: opts.demo ?? false,
      participants: input.participants ?? [],
    });
  }

  listSessions(): SessionSummary[] {
    return this.deps.store.listSessions();
  }

  /** The list's counts of the sessions named, now (`session_counts`); a session gone is left out. */
  sessionCounts(ids: readonly string[]): SessionCounts[] {
    return this.deps.store.sessionCounts(ids);
  }

  /** Registers a transport's unfinished work per session (see SessionWork); returns its removal. */
  trackWork(work: SessionWork): () => void {
    this.pendingWork.add(work);
    return () => this.pendingWork.delete(work);
  }

  /**
   * Gives a session another title (trimmed and checked by the protocol's TitleSchema) and tells
   * its room. Refused: an unknown session (404), the demo session (409 demo_session), a
   * stopping server (503 shutting_down).
   */
  renameSession(id: string, title: string): Session {
    if (this.closing) throw new ShuttingDownError('rename');
    if (this.requireSession(id).demo) throw new DemoSessionError('renamed');
    const session = this.deps.store.renameSession(id, title);
    if (!session) throw new NotFoundError('session', id);
    this.publish({ type: 'session_renamed', sessionId: id, title: session.title });
    return session;
  }

  /**
   * Deletes a session and everything under it for good (one store transaction) and tells its
   * room, after the work already accepted for it: it waits its turn behind the session's role
   * changes, re-analyses and uploads under way (inTurn), then for the live turns and frames the
   * transports have taken and not yet stored (trackWork), then deletes, with nothing else run
   * in between. So a turn acknowledged before is deleted with the session, whole, and one that
   * comes after is refused as for any unknown session (404 not_found); nothing acknowledged is
   * half-deleted. The session's pipeline is forgotten. Refused: an unknown session (404), the
   * demo session (409 demo_session), a stopping server (503 shutting_down; nothing deleted).
   */
  async deleteSession(id: string): Promise<void> {
    if (this.requireSession(id).demo) throw new DemoSessionError('deleted');
    await this.inTurn(id, async () => {
      await Promise.all([...this.pendingWork].map((work) => work(id)));
      // Nothing runs between here and the delete's commit: no turn or frame is stored meanwhile.
      if (this.closing) throw new ShuttingDownError('deletion');
      // Another deletion of it may have come first.
      this.requireSession(id);
      this.deps.store.deleteSession(id);
      this.pipelines.delete(id);
      this.publish({ type: 'session_deleted', sessionId: id });
    }, 'deletion');
  }

  /** Tells those following the list how it shows the session now (nothing if it is gone). */
  private publishListed(id: string): void {
    if (this.listeners.size === 0) return;
    const session = this.deps.store.sessionSummary(id);
    if (session) this.publish({ type: 'session_listed', sessionId: id, session });
  }

  requireSession(id: string): Session {
    const s = this.deps.store.getSession(id);
    if (!s) throw new NotFoundError('session', id);
    return s;
  }

  /**
   * The session as an archive's rows (server/ingest/archive.ts; archiveText writes the document),
   * one moment's state, never a session in part (a turn, frame or deletion comes wholly before or
   * after it): on a file store read a page at a time from a WAL snapshot of its own
   * (SqliteStore.openArchive), which `close` lets go (the caller must, also when the client
   * left); and `exportedAt`, the service's clock. 404 for an unknown session.
   */
  archiveOf(id: string, cut?: () => void): { parts: ArchiveRowSource; exportedAt: number; close: () => void } {
    if (this.closing) throw new ShuttingDownError('export');
    const open = this.deps.store.openArchive(id);
    if (!open) throw new NotFoundError('session', id);
    if (cut) this.exports.add(cut);
    return {
      parts: open.rows, exportedAt: this.deps.now(),
      close: () => {
        if (cut) this.exports.delete(cut);
        open.close();
      },
    };
  }

  /**
   * How to cut each export under way (archiveOf's `cut`: the route destroys its response), which
   * close() calls: a client that stopped reading would otherwise keep its download, and so the
   * HTTP server's close and the whole stop, waiting until ARCHIVE_SEND.stallMs.
   */
  private readonly exports = new Set<() => void>();

  /** Exports under way (archiveOf with a `cut`, not yet closed). */
  get exportsUnderWay(): number {
    return this.exports.size;
  }

  /**
   * Between two slices of an import (importArchive), given how long the last one took: the
   * event loop is left free as long (at most 50 ms), so the import takes at most about half the
   * server's thread. A live turn needs several turns of the loop (stored, classified, acked):
   * with only a setImmediate between slices each of those waited behind a slice, and a turn
   * waited up to 0.66 s during a 34 MiB import. Replaceable so a test can hold an import half-way.
   */
  importPause: (workedMs: number) => Promise<void> = (workedMs) => new Promise((resolve) => {
    if (workedMs < 1) setImmediate(resolve);
    else setTimeout(resolve, Math.min(50, workedMs));
  });

  /** Imports under way, which close() waits for (each stops at its next slice and deletes what it stored). */
  private readonly imports = new Set<Promise<unknown>>();

  /**
   * Stores a checked archive (parseArchive) as a new session, under a new id, a slice at a time
   * (SqliteStore.importSteps: many short transactions, the event loop free between them). The
   * session is invisible until its last slice; a failure, or the server stopping, deletes what
   * was stored (also a slice at a time), so nothing of it is ever seen. Its signals and cues are
   * kept as they were (with their model versions), so its verdicts stay on the same cues;
   * nothing is analysed. The list's followers hear of it (`session_listed`) once it is whole, as
   * of an upload. Refused while the server stops.
   */
  async importArchive(archive: CheckedArchive): Promise<SessionSummary> {
    if (this.closing) throw new ShuttingDownError('import');
    const id = this.newId();
    const { store } = this.deps;
    const run = (async () => {
      try {
        let start = performance.now();
        for (const _ of store.importSteps(id, archive.session.title, archive)) {
          await this.importPause(performance.now() - start);
          if (this.closing) throw new ShuttingDownError('import');
          start = performance.now();
        }
      } catch (err) {
        // Deleted a slice at a time; once the server stops, at once (the store is about to close).
        for (const _ of store.discardImportSteps(id)) if (!this.closing) await this.importPause(0);
        throw err;
      }
    })();
    this.imports.add(run);
    try {
      await run;
    } finally {
      this.imports.delete(run);
    }
    this.publishListed(id);
    return store.sessionSummary(id)!;
  }

  /** The session and its turns, all an export needs (no signals, cues or model versions read). */
  transcriptOf(id: string): Pick<SessionSnapshot, 'session' | 'utterances'> {
    return { session: this.requireSession(id), utterances: this.deps.store.utterances(id) };
  }

  snapshot(id: string): SessionSnapshot {
    const session = this.requireSession(id);
    const { store } = this.deps;
    return {
      session,
      utterances: store.utterances(id),
      signals: store.signals(id),
      cues: store.cues(id),
      unassignedSpeakers: store.unassignedSpeakers(id),
      modelVersions: store.modelVersions(id),
      corrections: store.corrections(id),
      cueReviews: store.cueReviews(id),
      postureLabels: store.postureLabels(id),
      comments: store.comments(id),
    };
  }

  // ---- coach corrections ----------------------------------------------------------------

  /**
   * Stores a coach's label for a customer turn (replacing its previous one) and tells the
   * session's listeners. The stored signal and cues are untouched: a label is data for
   * measuring and training the model. `now`: wall-clock ms, the correction's correctedAt.
   * Refused: an unknown session or a turn not in it (404), a turn whose speaker is not a
   * customer now (409 not_customer).
   */
  correct(sessionId: string, utteranceId: number, input: CorrectionIn, now: number): Correction {
    const turn = this.requireTurn(sessionId, utteranceId);
    if (turn.role !== 'customer') throw new NotCustomerTurnError(turn.speaker, turn.role);
    const correction = this.deps.store.setCorrection({
      sessionId, utteranceId, label: input.label,
      // The schema trims it; an empty note is none.
      note: input.note ? input.note : null,
      correctedAt: now,
    });
    this.publish({ type: 'corrected', sessionId, utteranceId, correction });
    return correction;
  }

  /**
   * Removes a turn's label; whether it had one (the listeners hear of it only then). Any
   * turn's, whatever its role now: a label kept from when its speaker was a customer can go.
   */
  removeCorrection(sessionId: string, utteranceId: number): boolean {
    this.requireTurn(sessionId, utteranceId);
    const removed = this.deps.store.removeCorrection(sessionId, utteranceId);
    if (removed) this.publish({ type: 'corrected', sessionId, utteranceId, correction: null });
    return removed;
  }

  /**
   * The corrected customer turns of one session (404 if unknown) or, without an id, of every
   * session, for an export (see SqliteStore.correctionsForExport).
   */
  correctionsForExport(sessionId?: string): CorrectionForExport[] {
    if (sessionId !== undefined) this.requireSession(sessionId);
    return this.deps.store.correctionsForExport(sessionId);
  }

  // ---- coach cue reviews -----------------------------------------------------------------

  /**
   * Stores a coach's verdict on one of the session's current cues (replacing the one its
   * moment had) and tells the session's listeners. It is stored under the cue's moment (type
   * and media time), so it outlives the cue ids a re-analysis replaces; the cue itself is
   * untouched. `now`: wall-clock ms, the review's reviewedAt. Refused: an unknown session
   * (404 sessionId), a cue id the session does not hold now (404 cueId).
   */
  reviewCue(sessionId: string, cueId: number, input: CueReviewIn, now: number): CueReview {
    this.requireSession(sessionId);
    const cue = this.deps.store.cue(sessionId, cueId);
    if (!cue) throw new CueNotFoundError(sessionId, cueId);
    const review = this.deps.store.setCueReview({
      sessionId, cueType: cue.type, mediaMs: cue.mediaMs, verdict: input.verdict,
      // The schema trims it; an empty note is none.
      note: input.note ? input.note : null,
      reviewedAt: now,
    });
    this.publish({ type: 'cue_reviewed', sessionId, cueType: cue.type, mediaMs: cue.mediaMs, review });
    return review;
  }

  /**
   * Removes the verdict on a moment of the session (an unknown session is 404); whether it had
   * one (the listeners hear of it only then). By moment, not cue id: a verdict whose cue the
   * current analysis no longer emits has no cue id to name, and can still go.
   */
  removeCueReview(moment: CueMoment): boolean {
    this.requireSession(moment.sessionId);
    const removed = this.deps.store.removeCueReview(moment);
    if (removed) this.publish({ type: 'cue_reviewed', ...moment, review: null });
    return removed;
  }

  /** Whether the moment (a cue's type and media time in a session) holds a coach's verdict. */
  hasCueReview(moment: CueMoment): boolean {
    return this.deps.store.cueReview(moment) !== undefined;
  }

  /** The cue reviews of one session (404 if unknown) or, without an id, of every session, for an export (see SqliteStore.cueReviewsForExport). */
  cueReviewsForExport(sessionId?: string): CueReviewForExport[] {
    if (sessionId !== undefined) this.requireSession(sessionId);
    return this.deps.store.cueReviewsForExport(sessionId);
  }

  // ---- coach posture labels ---------------------------------------------------------------

  /**
   * Stores a coach's labels of a customer's posture on the participant's stored frame with a
   * person nearest `input.mediaMs` (within LIMITS.postureLabelFrameWindowMs, the earlier on a
   * tie; see nearestLabelFrame), replacing the labels that frame had, and tells the session's
   * listeners. Posture signals and cues are untouched. `now`: wall-clock ms, the labelledAt.
   * Refused, in this order: an unknown session (404 sessionId), a participant the session does
   * not have (404 participant), one who is not a customer now (409 not_customer), no frame
   * within the window (404 no_frame, naming the nearest frame's time if there is one).
   */
  labelPosture(sessionId: string, input: PostureLabelsIn, now: number): PostureLabels {
    const session = this.requireSession(sessionId);
    const participant = session.participants.find((p) => p.name === input.participant);
    if (!participant) throw new ParticipantNotFoundError(sessionId, input.participant);
    if (participant.role !== 'customer') throw new NotCustomerParticipantError(participant.name, participant.role);
    const { store } = this.deps;
    const choice = nearestLabelFrame(store.framesWithPersonAround(sessionId, participant.name, input.mediaMs), input.mediaMs);
    if (!choice.frame) throw new NoFrameError(participant.name, input.mediaMs, LIMITS.postureLabelFrameWindowMs, choice.nearest?.mediaMs);
    const labels = store.setPostureLabels({
      sessionId, frameId: choice.frame.id, participant: participant.name, labels: input.labels,
      // The schema trims it; an empty note is none.
      note: input.note ? input.note : null,
      labelledAt: now,
    });
    this.publish({ type: 'posture_labelled', sessionId, frameId: labels.frameId, labels });
    return labels;
  }

  /**
   * Removes a frame's posture labels (an unknown session is 404); whether it had any (the
   * listeners hear of it only then). Whatever the participant's role now: labels kept from
   * when they were a customer can go.
   */
  removePostureLabels(sessionId: string, frameId: number): boolean {
    this.requireSession(sessionId);
    const removed = this.deps.store.removePostureLabels(sessionId, frameId);
    if (removed) this.publish({ type: 'posture_labelled', sessionId, frameId, labels: null });
    return removed;
  }

  /**
   * The labelled frames of one session (404 if unknown, checked now, before any is read) or,
   * without an id, of every session, for an export, read a page at a time as they are
   * iterated (see SqliteStore.postureLabelsForExport). Never a session in part: one deleted
   * while its rows are read makes the iteration throw (see wholeOrFailing); of every session's,
   * one deleted before its first row was read is left out (its rows are gone).
   */
  postureLabelsForExport(sessionId?: string): Iterable<PostureLabelsForExport> {
    if (sessionId === undefined) return this.allPostureLabelsForExport();
    this.requireSession(sessionId);
    return this.wholeOrFailing(sessionId, this.deps.store.postureLabelsForExport(sessionId));
  }

  /**
   * Every session's labelled frames, a session at a time, each whole or failing: the sessions
   * with labels are listed when the export starts, then read a page at a time, so a deletion
   * between two pages of one left the rest unread and the file went on to the next session
   * (it ended whole-looking, that session cut short in it). A session that yielded no row (it
   * was deleted before its turn, or has no customer's labels) is not checked: nothing of it is
   * in the file.
   */
  private *allPostureLabelsForExport(): Generator<PostureLabelsForExport> {
    const { store } = this.deps;
    for (const id of store.sessionsWithPostureLabels()) {
      let any = false;
      for (const row of this.wholeOrFailing(id, store.postureLabelsForExport(id), () => any)) {
        any = true;
        yield row;
      }
    }
  }

  /**
   * A session's rows read a page at a time while a client downloads them: a deletion between two
   * pages left the rest unread, and the file ended short as if whole. Read to the end, the session
   * must still be there (when `check` says so), else the iteration throws (404; the download is
   * cut once it has begun). Session ids are never given again, so one still there was not deleted.
   */
  private *wholeOrFailing<T>(sessionId: string, rows: Iterable<T>, check: () => boolean = () => true): Generator<T> {
    yield* rows;
    if (check()) this.requireSession(sessionId);
  }

  // ---- coach comments ------------------------------------------------------------------------

  /**
   * Stores a coach's comment on a moment of the session and tells the session's listeners.
   * Comments never touch the analysis. `now`: wall-clock ms, the comment's createdAt. Refused:
   * an unknown session (404 sessionId), a session holding LIMITS.commentsPerSessionMax already
   * (409 too_many_comments; checked in the store's transaction with the insert).
   */
  addComment(sessionId: string, input: CommentIn, now: number): Comment {
    this.requireSession(sessionId);
    const comment = this.deps.store.addComment(
      { sessionId, mediaMs: input.mediaMs, text: input.text, author: authorOf(input), createdAt: now },
      LIMITS.commentsPerSessionMax,
    );
    if (!comment) throw new TooManyCommentsError(LIMITS.commentsPerSessionMax);
    this.publish({ type: 'commented', sessionId, commentId: comment.id, comment });
    return comment;
  }

  /**
   * Replaces a comment's moment, text and author (createdAt kept; `now` is its editedAt) and
   * tells the listeners. Refused: an unknown session (404 sessionId), a comment the session does
   * not have (404 commentId).
   */
  editComment(sessionId: string, commentId: number, input: CommentIn, now: number): Comment {
    this.requireSession(sessionId);
    const comment = this.deps.store.replaceComment(sessionId, commentId, { mediaMs: input.mediaMs, text: input.text, author: authorOf(input), editedAt: now });
    if (!comment) throw new CommentNotFoundError(sessionId, commentId);
    this.publish({ type: 'commented', sessionId, commentId, comment });
    return comment;
  }

  /** Removes a comment (an unknown session is 404); whether the session had it (the listeners hear of it only then). */
  removeComment(sessionId: string, commentId: number): boolean {
    this.requireSession(sessionId);
    const removed = this.deps.store.removeComment(sessionId, commentId);
    if (removed) this.publish({ type: 'commented', sessionId, commentId, comment: null });
    return removed;
  }

  // ---- coach corrections of the transcript -----------------------------------------------------

  /**
   * Corrects a stored turn's words or speaker (a homophone the recogniser chose, a turn given to
   * the wrong person) and re-analyses the session, as a role change does: aside, a slice at a
   * time, in turn with the session's role changes, live turns going on meanwhile; the correction
   * and the new analysis are stored in one transaction, then the room hears `reanalysed`. The
   * first edit keeps the turn's words and speaker as stored (originalText, originalSpeaker);
   * `now` is the edit's editedAt. A speaker the session does not have joins it without a role
   * (within the participant limit; the room hears `roles_needed`). The turn's coach label stays
   * (it labels the turn; exports give its current words). An edit that changes nothing stores
   * and re-analyses nothing. Refused: an unknown session or turn (404), the demo session (409
   * demo_session), a speaker over the participant limit (400), a stopping server (503).
   */
  async editUtterance(sessionId: string, utteranceId: number, edit: UtteranceEdit, now: number): Promise<SessionSnapshot> {
    const session = this.requireEditable(sessionId, utteranceId);
    if (edit.speaker !== undefined) checkParticipantLimit(participantNames(session), [edit.speaker], 'speaker');
    return this.inTurn(
      sessionId,
      async () => {
        const { store } = this.deps;
        // As it is now that the changes before this one are done.
        const turn = this.requireTurn(sessionId, utteranceId);
        const text = edit.text ?? turn.text;
        const speaker = edit.speaker ?? turn.speaker;
        if (text === turn.text && speaker === turn.speaker) return this.snapshot(sessionId);
        let joined = false;
        const change: TurnChange = {
          view: (u) => (u.id === utteranceId ? { ...u, text, speaker } : u),
          apply: () => {
            const known = participantNames(this.requireSession(sessionId));
            if (!known.has(speaker)) {
              checkParticipantLimit(known, [speaker], 'speaker');
              store.addParticipants(sessionId, [{ name: speaker, role: null }]);
              joined = true;
            }
            const role = this.roleMap(sessionId).get(speaker) ?? null;
            if (!store.editUtterance(sessionId, utteranceId, { text, speaker, role, editedAt: now })) throw new TurnNotFoundError(sessionId, utteranceId);
          },
        };
        await this.reanalyseAside(sessionId, {}, () => undefined, 'edit', change);
        if (joined) this.publish({ type: 'roles_needed', sessionId, speakers: store.unassignedSpeakers(sessionId) });
        await new Promise((resolve) => setImmediate(resolve));
        return this.snapshot(sessionId);
      },
      'edit',
    );
  }

  /**
   * Deletes a stored turn (noise, a turn recognised twice) with its signals and its coach label,
   * and re-analyses the session as `editUtterance` does: the cues it gave go, and the next turn
   * takes the turn before it as context. Comments stay: they are on a moment of the meeting (a
   * media time), not on the turn. Cue verdicts stay (keyed by moment). Refused as editUtterance.
   */
  async deleteUtterance(sessionId: string, utteranceId: number): Promise<SessionSnapshot> {
    this.requireEditable(sessionId, utteranceId);
    return this.inTurn(
      sessionId,
      async () => {
        this.requireTurn(sessionId, utteranceId);
        const change: TurnChange = {
          view: (u) => (u.id === utteranceId ? undefined : u),
          apply: () => {
            if (!this.deps.store.deleteUtterance(sessionId, utteranceId)) throw new TurnNotFoundError(sessionId, utteranceId);
          },
        };
        await this.reanalyseAside(sessionId, {}, () => undefined, 'turn deletion', change);
        await new Promise((resolve) => setImmediate(resolve));
        return this.snapshot(sessionId);
      },
      'turn deletion',
    );
  }

  /** The session, if its turns may be corrected: it and the turn exist (404), it is not the demo (409). */
  private requireEditable(sessionId: string, utteranceId: number): Session {
    const session = this.requireSession(sessionId);
    if (session.demo) throw new DemoSessionError('edited');
    this.requireTurn(sessionId, utteranceId);
    return session;
  }

  private requireTurn(sessionId: string, utteranceId: number): Utterance {
    this.requireSession(sessionId);
    const turn = this.deps.store.utterance(sessionId, utteranceId);
    if (!turn) throw new TurnNotFoundError(sessionId, utteranceId);
    return turn;
  }

  /**
   * A page of the session's stored frames (landmarks as received, or as the server estimated
   * them from an image; `poses` empty where nobody was found), in the order they were stored,
   * after frame `after` (0: from the first). `next` is the `after` of the following page, null
   * after the last.
   */
  /**
   * GET /api/search: the stored turns matching the words and filters, a page at a time
   * (server/search/search.ts). 404 for an unknown `session`. Reads a window of turns at a time,
   * giving the event loop back between them.
   */
  async search(params: SearchParams, signal?: AbortSignal): Promise<SearchAnswer> {
    if (params.session !== undefined) this.requireSession(params.session);
    return searchTurns(params, {
      store: this.deps.store, cueMinSignalScore: this.cueMinSignalScore, ...(signal ? { signal } : {}),
      pause: () => new Promise((resolve) => setImmediate(resolve)),
    });
  }

  storedFrames(sessionId: string, after: number, limit: number): { frames: StoredFrame[]; next: number | null } {
    this.requireSession(sessionId);
    const frames: StoredFrame[] = [];
    // One read of limit + 1: the extra frame only tells whether another page follows.
    for (const f of this.deps.store.frames(sessionId, { order: 'stored', after: { mediaMs: 0, frameId: after }, pageSize: limit + 1 })) {
      if (frames.length === limit) return { frames, next: frames[frames.length - 1]!.id };
      frames.push(f);
    }
    return { frames, next: null };
  }

  /** A live turn: stored (with its signal and cues) before this returns, then broadcast. */
  addUtterance(sessionId: string, u: UtteranceIn): TurnResult {
    const [result] = this.ingest(sessionId, [u], []);
    return result!;
  }

  /**
   * A whole transcript, atomically: a failure stores nothing. When it gives a participant of
   * the session another role, the session is first re-analysed with it a slice at a time, as
   * `setRoles` does, and the transcript's turns are stored in the transaction that stores the
   * new analysis (in turn with the session's other role changes).
   */
  async upload(sessionId: string, utterances: readonly UtteranceIn[], participants: readonly Participant[], warnings: string[] = []): Promise<UploadResult> {
    if (Object.keys(this.roleChanges(sessionId, participants)).length === 0) return this.uploadNowListed(sessionId, utterances, participants, warnings);
    if (utterances.length === 0) throw new ValidationError('the transcript holds no utterances', { field: 'utterances' });
    // A file refused anyway is refused before the re-analysis.
    checkParticipantLimit(participantNames(this.requireSession(sessionId)), [...participants.map((p) => p.name), ...utterances.map((u) => u.speaker)], 'speaker');
    return this.inTurn(sessionId, async () => {
      // The roles as they are now that the role changes before this one are done.
      const changes = this.roleChanges(sessionId, participants);
      if (Object.keys(changes).length === 0) return this.uploadNowListed(sessionId, utterances, participants, warnings);
      const { prepared, results } = await this.reanalyseAside(sessionId, changes, () => this.storeBatch(sessionId, utterances, participants));
      this.publishTurns(prepared, results);
      this.publishListed(sessionId);
      return this.uploadResult(sessionId, results, warnings);
    });
  }

  /** `uploadNow`, then the list's followers hear the session's new counts (one event per upload). */
  private uploadNowListed(sessionId: string, utterances: readonly UtteranceIn[], participants: readonly Participant[], warnings: string[]): UploadResult {
    const result = this.uploadNow(sessionId, utterances, participants, warnings);
    this.publishListed(sessionId);
    return result;
  }

  /**
   * `upload` at once: a role it changes re-analyses the session in place, in the upload's
   * transaction, holding the event loop meanwhile (seconds for an hour's frames).
   */
  uploadNow(sessionId: string, utterances: readonly UtteranceIn[], participants: readonly Participant[], warnings: string[] = []): UploadResult {
    if (utterances.length === 0) throw new ValidationError('the transcript holds no utterances', { field: 'utterances' });
    return this.uploadResult(sessionId, this.ingest(sessionId, utterances, participants), warnings);
  }

  private uploadResult(sessionId: string, results: readonly TurnResult[], warnings: string[]): UploadResult {
    return {
      utterances: results.length,
      signals: results.filter((r) => r.signal).length,
      cues: results.reduce((n, r) => n + r.cues.length, 0),
      unassignedSpeakers: this.deps.store.unassignedSpeakers(sessionId),
      warnings,
    };
  }

  /** Creates a session from a transcript in one transaction: a bad file leaves nothing behind. */
  createFromTranscript(
    title: string,
    utterances: readonly UtteranceIn[],
    participants: readonly Participant[],
    warnings: string[] = [],
  ): UploadResult & { session: Session } {
    const created = this.deps.store.transaction(() => {
      // Not published yet: a bad file rolls the session back.
      const session = this.storeSession({ title }, {});
      // A new session: no role to change, nothing to re-analyse. The session is read after the
      // upload, which adds its participants (read before, it answered `participants: []`).
      const result = this.uploadNow(session.id, utterances, participants, warnings);
      return { session: this.requireSession(session.id), ...result };
    });
    // Committed: the list's followers hear of it, with its counts.
    this.publishListed(created.session.id);
    return created;
  }

  /**
   * Assigns roles and re-analyses the whole session with them. A name not yet in the session
   * joins it as a participant (roles may be given before someone speaks, as when creating a
   * session), within the participant limit.
   */
  async setRoles(sessionId: string, roles: Record<string, Role | null>): Promise<SessionSnapshot> {
    checkParticipantLimit(participantNames(this.requireSession(sessionId)), Object.keys(roles), 'roles');
    return this.inTurn(sessionId, () => this.reanalysedSnapshot(sessionId, roles));
  }

  /**
   * Re-analyses the whole session with the server's current models and settings under its
   * current roles (a stored session keeps the signals of the model that made them until then),
   * as `setRoles` does with no role changed: aside, a slice at a time, in turn with the
   * session's role changes. `previous`: the model versions its analysis came from before.
   */
  async reanalyse(sessionId: string): Promise<{ snapshot: SessionSnapshot; previous: ModelVersions }> {
    this.requireSession(sessionId);
    return this.inTurn(
      sessionId,
      async () => {
        const previous = this.deps.store.modelVersions(sessionId);
        return { snapshot: await this.reanalysedSnapshot(sessionId, {}, 're-analysis'), previous };
      },
      're-analysis',
    );
  }

  /** Re-analyses aside with `roles` given (setRoles, reanalyse), then reads the snapshot. */
  private async reanalysedSnapshot(sessionId: string, roles: Record<string, Role | null>, what = 'role change'): Promise<SessionSnapshot> {
    await this.reanalyseAside(sessionId, roles, () => undefined, what);
    // The answer is read on the loop's next turn: the swap above held it long enough.
    await new Promise((resolve) => setImmediate(resolve));
    return this.snapshot(sessionId);
  }

  /**
   * Runs a role change of the session (setRoles, an upload that changes roles, reanalyse, or its
   * deletion) once those before it are done: one at a time, in the order they came, so each
   * one's answer shows its own roles applied to those before.
   */
  private async inTurn<T>(sessionId: string, job: () => Promise<T>, what = 'role change'): Promise<T> {
    if (this.closing) throw new ShuttingDownError(what);
    const before = this.reanalyses.get(sessionId);
    const mine = (before ?? Promise.resolve()).catch(() => undefined).then(job);
    this.reanalyses.set(sessionId, mine);
    try {
      return await mine;
    } finally {
      if (this.reanalyses.get(sessionId) === mine) this.reanalyses.delete(sessionId);
    }
  }

  /**
   * `setRoles` at once: the session is re-analysed in place, holding the event loop meanwhile
   * (seconds for an hour's frames), as `uploadNow` does for a role it changes; the reference
   * the re-analysis a slice at a time is tested against.
   */
  setRolesNow(sessionId: string, roles: Record<string, Role | null>): SessionSnapshot {
    checkParticipantLimit(participantNames(this.requireSession(sessionId)), Object.keys(roles), 'roles');
    this.atomically(sessionId, () => this.applyRoles(sessionId, roles));
    this.publish({ type: 'reanalysed', sessionId });
    return this.snapshot(sessionId);
  }

  /** Whether a role change (or a re-analysis, or the deletion) of the session is being worked on. */
  reanalysing(sessionId: string): boolean {
    return this.reanalyses.has(sessionId);
  }

  /**
   * Stops: role changes under way are abandoned (their callers get ShuttingDownError; nothing
   * of them was stored) and later ones refused. Resolves once none is running, so the store
   * may be closed.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const cut of [...this.exports]) cut();
    await Promise.allSettled([...this.reanalyses.values(), ...this.imports]);
  }

  /**
   * The re-analysis of a role change, computed aside so the event loop is never held long:
   * into a scratch store, by a pipeline of its own driven by the new roles, a slice at a time
   * (`reanalysisSlice`) with the loop free in between. Meanwhile the session's live turns and
   * frames go on through its pipeline under the old roles, and into the store, where the
   * re-analysis reads them too. At the end, in one transaction of the real store: the roles are
   * stored (their turns take them), the re-analysis catches up on what came since its last
   * slice, the session's analysis (signals, cues, tracker states) is replaced by the scratch
   * one, and the session's pipeline takes the new trackers and rebuilds its cue engine from the
   * store. A failure in there leaves the old roles and analysis, and drops the pipeline (it is
   * rebuilt from the store); before it, nothing of the real store was touched. Then the
   * session's room hears `reanalysed`. When the roles changed meanwhile (an upload), or a turn or frame came behind what was
   * analysed (earlier in media time), the result would not be that of one pass: then the
   * session is re-analysed in place in that transaction instead. `andThen` runs last in the
   * transaction, on the new analysis (an upload's turns); what it returns is returned.
   * `change`: a correction of a turn (editUtterance, deleteUtterance), which the re-analysis
   * sees through `view` while it runs and which `apply` stores at the start of the transaction.
   */
  private async reanalyseAside<T>(sessionId: string, given: Record<string, Role | null>, andThen: () => T, what = 'role change', change?: TurnChange): Promise<T> {
    // One that waited its turn while the server began to stop does not start.
    if (this.closing) throw new ShuttingDownError(what);
    // Nor one whose session was deleted meanwhile (404, as for any unknown session).
    this.requireSession(sessionId);
    const { store } = this.deps;
    const withGiven = (now: Map<string, Role | null>) => {
      for (const [name, role] of Object.entries(given)) now.set(name, role);
      return now;
    };
    // A switch of the running model or thresholds while it runs starts it again aside with the
    // new ones (up to SWITCH_RESTARTS times; then in place, as for roles changed meanwhile): in
    // place, the whole session is analysed in one transaction, holding the event loop (seconds
    // for an hour's frames) while every live meeting waits.
    for (let attempt = 0; ; attempt++) {
      const roles = withGiven(this.roleMap(sessionId));
      const scratch = SqliteStore.scratch();
      // The model and thresholds it starts with, held through its slices (a switch meanwhile does
      // not dispose them under it, nor give it half one model, half the other).
      const held = this.verbal.hold();
      const heldPosture = this.posture?.hold();
      try {
        const aside = this.newPipeline(sessionId, scratch, { verbal: held, ...(heldPosture ? { posture: heldPosture } : {}) });
        const run = aside.startReanalysis(store, roles, this.deps.now, change?.view);
        const { items, ms } = this.reanalysisSlice;
        for (let caughtUp = false; !caughtUp; ) {
          const t0 = performance.now();
          do caughtUp = run.step(items);
          while (!caughtUp && performance.now() - t0 < ms);
          await new Promise((resolve) => setImmediate(resolve));
          if (this.closing) throw new ShuttingDownError(what);
        }
        const switched = held.classifier !== this.verbal.current.classifier || held.thresholds !== this.verbal.current.thresholds || heldPosture?.classifier !== this.posture?.current.classifier;
        if (switched && attempt < SWITCH_RESTARTS) continue;
        // A failure in here rolls it all back and drops the session's pipeline (atomically), so
        // the pipeline may take the new analysis before the commit.
        const result = this.atomically(sessionId, () => {
          checkParticipantLimit(participantNames(this.requireSession(sessionId)), Object.keys(given), 'roles');
          // A coach's correction of a turn is stored here, with the analysis that follows from it.
          change?.apply();
          const now = withGiven(this.roleMap(sessionId));
          for (const [name, role] of Object.entries(given)) store.setRole(sessionId, name, role);
          // Roles changed meanwhile, or switches kept coming: in place, with today's.
          if (switched || !sameRoles(now, roles) || !run.finish()) {
            this.pipeline(sessionId).reanalyze(now, this.deps.now);
          } else {
            store.clearAnalysis(sessionId);
            store.deleteTrackerStates(sessionId);
            store.importAnalysis(sessionId, scratch.exportAnalysis(sessionId));
            this.pipeline(sessionId).adoptReanalysis(aside);
          }
          return andThen();
        });
        this.publish({ type: 'reanalysed', sessionId });
        return result;
      } finally {
        held.release();
        heldPosture?.release();
        scratch.close();
      }
    }
  }

  /** Stores roles (the speakers' stored turns take them) and re-analyses the session; inside a transaction. */
  private applyRoles(sessionId: string, roles: Record<string, Role | null>): void {
    const { store } = this.deps;
    for (const [name, role] of Object.entries(roles)) store.setRole(sessionId, name, role);
    this.pipeline(sessionId).reanalyze(this.roleMap(sessionId), this.deps.now);
  }

  /**
   * Runs `fn` in one transaction. If it fails, the session's pipeline may have seen what was
   * rolled back (a re-analysis resets its cue engine and trackers before it writes): it is
   * dropped, to be rebuilt from what the store holds when the session is next used.
   */
  private atomically<T>(sessionId: string, fn: () => T): T {
    try {
      return this.deps.store.transaction(fn);
    } catch (err) {
      this.pipelines.delete(sessionId);
      throw err;
    }
  }

  /**
   * The roles an upload gives to participants the session already holds under another role
   * (none included): those behave as `setRoles` would, so earlier turns of theirs take the role.
   */
  private roleChanges(sessionId: string, participants: readonly Participant[]): Record<string, Role> {
    if (!participants.some((p) => p.role)) return {};
    const before = new Map(this.requireSession(sessionId).participants.map((p) => [p.name, p.role] as const));
    const changes: Record<string, Role> = {};
    for (const p of participants) {
      if (p.role && before.has(p.name) && before.get(p.name) !== p.role) changes[p.name] = p.role;
    }
    return changes;
  }

  private ingest(sessionId: string, batch: readonly UtteranceIn[], participants: readonly Participant[]): TurnResult[] {
    const changes = this.roleChanges(sessionId, participants);
    const run = () => {
      // An upload that changes a known participant's role first re-analyses the session with
      // it, as PUT /roles does, then takes its turns; all in one transaction (below).
      if (Object.keys(changes).length) this.applyRoles(sessionId, changes);
      return this.storeBatch(sessionId, batch, participants);
    };
    const { prepared, results } = Object.keys(changes).length ? this.atomically(sessionId, run) : run();
    if (Object.keys(changes).length) this.publish({ type: 'reanalysed', sessionId });
    this.publishTurns(prepared, results);
    return results;
  }

  /** Checks, classifies and stores a batch of turns (not yet published). */
  private storeBatch(sessionId: string, batch: readonly UtteranceIn[], participants: readonly Participant[]) {
    const prepared = this.prepareTurns(sessionId, batch, participants);
    return { prepared, results: this.storeTurns(prepared, classifyTurns(this.verbal.current.classifier, prepared.turns), this.deps.now()) };
  }

  /**
   * Live turns of distinct sessions that arrived together: checks each against its session,
   * classifies all the customer turns in one forward pass and stores them all in one
   * transaction, so the round costs one commit (one WAL write) instead of one per turn. Each
   * turn is stored in a savepoint of its own: one that fails its checks (unknown session, too
   * many participants) or its storage fails alone. Nothing is published before the commit.
   * Returns, in input order, one step per turn that publishes it and says what became of it;
   * run the steps in order, each once. Throws, having stored nothing, if the commit fails.
   * One turn per session: a session's next turn needs this one stored, as its context.
   * A turn whose clientTurnId the session already holds is neither classified, stored nor
   * published: its step answers with the stored original (see storedAs).
   */
  commitLiveTurns(turns: readonly LiveTurn[]): (() => TurnOutcome)[] {
    const sessions = new Set(turns.map((t) => t.sessionId));
    if (sessions.size !== turns.length) {
      throw new Error(`commitLiveTurns takes one turn per session; got ${turns.length} turns from ${sessions.size} sessions`);
    }
    type Checked = { ok: true; turn: PreparedTurns } | { ok: true; repeats: Utterance } | { ok: false; error: unknown };
    const checked = turns.map((t): Checked => {
      try {
        const repeats = this.storedAs(t);
        return repeats ? { ok: true, repeats } : { ok: true, turn: this.prepareTurns(t.sessionId, [t.utterance], []) };
      } catch (error) {
        return { ok: false, error };
      }
    });
    const ready = checked.flatMap((c) => (c.ok && 'turn' in c ? [c.turn] : []));
    const preds = classifyTurns(this.verbal.current.classifier, ready.flatMap((p) => p.turns));
    const receivedAt = this.deps.now();
    type Stored = { ok: true; turn: PreparedTurns; results: TurnResult[] } | { ok: true; repeats: Utterance } | { ok: false; error: unknown };
    const storeAll = () => {
      let k = 0;
      return checked.map((c): Stored => {
        if (!c.ok || 'repeats' in c) return c;
        const pred = preds.slice(k, ++k);
        try {
          return { ok: true, turn: c.turn, results: this.storeTurns(c.turn, pred, receivedAt) };
        } catch (error) {
          return { ok: false, error };
        }
      });
    };
    let stored: Stored[];
    try {
      // A round with nothing to store (every turn a duplicate or refused) opens no transaction.
      stored = ready.length ? this.deps.store.transaction(storeAll) : storeAll();
    } catch (err) {
      // The commit failed and took every turn with it: the sessions' pipelines saw turns that
      // are not stored, so they rebuild from what is.
      for (const c of ready) this.pipeline(c.sessionId).restore();
      throw err;
    }
    return stored.map((s) => () => {
      if (!s.ok) return s;
      if ('repeats' in s) return { ok: true, result: { utterance: s.repeats, cues: [] }, duplicate: true };
      this.publishTurns(s.turn, s.results);
      return { ok: true, result: s.results[0]! };
    });
  }

  /**
   * The stored turn a live turn repeats: the one the session holds under its clientTurnId (a
   * client sending it again, its ack lost). Undefined for a turn without one, or a new one.
   * Throws TurnIdConflictError when the id belongs to a different turn. Two copies of a turn
   * never meet in one round (one turn per session), so the later copy finds the earlier stored.
   */
  private storedAs({ sessionId, utterance: u }: LiveTurn): Utterance | undefined {
    if (u.clientTurnId === undefined) return undefined;
    const found = this.deps.store.turnByClientTurnId(sessionId, u.clientTurnId);
    if (!found) return undefined;
    // A coach deleted the turn sent under it: the deletion stands (it is not stored again).
    if ('deletedSeq' in found) throw new TurnIdConflictError(u.clientTurnId, found.deletedSeq, [], true);
    const stored = found.utterance;
    // Compared with the turn as it was sent: a coach may have corrected its words or speaker since.
    const differs = [
      ...((stored.originalSpeaker ?? stored.speaker) !== u.speaker ? ['speaker'] : []),
      ...((stored.originalText ?? stored.text) !== u.text ? ['text'] : []),
      ...(stored.startMs !== u.startMs ? ['startMs'] : []),
      ...(stored.endMs !== (u.endMs ?? u.startMs) ? ['endMs'] : []),
    ];
    if (differs.length) throw new TurnIdConflictError(u.clientTurnId, stored.seq, differs);
    return stored;
  }

  /** Checks a batch against the session (it exists, the participant limit) and builds its classifier inputs. */
  private prepareTurns(sessionId: string, batch: readonly UtteranceIn[], participants: readonly Participant[]): PreparedTurns {
    // One participants read serves the limit check and, for known speakers, the roles.
    const before = new Map(this.requireSession(sessionId).participants.map((p) => [p.name, p.role] as const));
    const speakers = [...new Set([...participants.map((p) => p.name), ...batch.map((u) => u.speaker)])];
    checkParticipantLimit(before, speakers, 'speaker');
    const given = new Map(participants.map((p) => [p.name, p.role] as const));
    // Live turns of known speakers (the common case) touch no participant rows.
    const changed = speakers.filter((name) => !before.has(name) || given.get(name));
    const roles = new Map(before);
    for (const name of changed) roles.set(name, given.get(name) ?? before.get(name) ?? null);
    return { sessionId, batch, speakers, changed: changed.map((name) => ({ name, role: given.get(name) ?? null })), roles, turns: this.pipeline(sessionId).turns(batch, roles) };
  }

  /** Stores a prepared batch with its predictions in one transaction (a savepoint inside another). */
  private storeTurns(p: PreparedTurns, preds: readonly VerbalPrediction[], receivedAt: number): TurnResult[] {
    const { store } = this.deps;
    const { sessionId } = p;
    const ingest = () => this.pipeline(sessionId).ingestClassified(p.batch, preds, p.roles, receivedAt, this.deps.now);
    // The pipeline stores the turns in a transaction of its own; new participants join it.
    return p.changed.length
      ? store.transaction(() => {
          store.addParticipants(sessionId, p.changed);
          return ingest();
        })
      : ingest();
  }

  /** Tells the listeners about stored turns (and about speakers still without a role). */
  private publishTurns(p: PreparedTurns, results: readonly TurnResult[]): void {
    const { sessionId } = p;
    for (const [i, r] of results.entries()) {
      // results[i] is the stored p.batch[i] (ingestClassified stores the batch in order).
      const clientTurnId = p.batch[i]?.clientTurnId;
      this.publish({ type: 'utterance', sessionId, utterance: r.utterance, ...(clientTurnId !== undefined ? { clientTurnId } : {}) });
      if (r.signal) this.publish({ type: 'signal', sessionId, signal: r.signal });
      for (const cue of r.cues) this.publish({ type: 'cue', sessionId, cue });
    }
    if (p.speakers.some((s) => p.roles.get(s) === null)) this.publish({ type: 'roles_needed', sessionId, speakers: this.deps.store.unassignedSpeakers(sessionId) });
  }

  /** One frame's landmarks (from the browser, or from the server's pose estimator). */
  addLandmarks(input: LandmarksIn, source: 'browser' | 'server'): FrameResult {
    const { sessionId, participant } = input;
    this.requireSession(sessionId);
    const { store } = this.deps;
    const known = new Set(store.participants(sessionId).map((p) => p.name));
    if (!known.has(participant)) {
      checkParticipantLimit(known, [participant], 'participant');
      store.addParticipants(sessionId, [{ name: participant, role: null }]);
      this.publish({ type: 'roles_needed', sessionId, speakers: store.unassignedSpeakers(sessionId) });
    }
    const role = this.roleMap(sessionId).get(participant) ?? null;
    const frame = {
      participant, mediaMs: input.mediaMs, poses: input.poses, source,
      ...(input.aspect !== undefined ? { aspect: input.aspect } : {}),
      ...(input.person !== undefined ? { person: input.person } : {}),
    };
    const result = this.pipeline(sessionId).ingestFrame(frame, role, this.deps.now(), this.deps.now);
    // An ended posture goes out again (same id, endedMs set) so live views can close it.
    for (const signal of [...result.ended, ...result.signals]) this.publish({ type: 'signal', sessionId, signal });
    for (const cue of result.cues) this.publish({ type: 'cue', sessionId, cue });
    return result;
  }

  /**
   * Several frames of one session (an HTTP batch), checked together before any is stored:
   * a batch that would take the session past the participant limit stores none of them
   * (else the frames before the refused one would be stored, and a client that retries the
   * refused batch would store them twice).
   */
  addLandmarksBatch(sessionId: string, frames: readonly Omit<LandmarksIn, 'sessionId'>[], source: 'browser' | 'server'): FrameResult[] {
    const names = participantNames(this.requireSession(sessionId));
    for (const [i, f] of frames.entries()) {
      checkParticipantLimit(names, [f.participant], `${i}.participant`);
      names.add(f.participant);
    }
    return frames.map((f) => this.addLandmarks({ ...f, sessionId }, source));
  }

  /** Reports frame-queue counters to the session's listeners. */
  reportFrameStats(stats: FrameStats): void {
    this.publish({ type: 'frame_stats', sessionId: stats.sessionId, stats });
  }

  private roleMap(sessionId: string): Map<string, Role | null> {
    return new Map(this.deps.store.participants(sessionId).map((p) => [p.name, p.role]));
  }

  /**
   * The session's pipeline, built from the store if it is not in memory. Dropping the least
   * recently used one is safe at any point: a pipeline's state changes only together with the
   * store (in ingest), so one rebuilt from the store, even in the middle of an operation, is
   * the same as the one dropped.
   */
  private pipeline(sessionId: string): SessionPipeline {
    let p = this.pipelines.get(sessionId);
    if (p) {
      this.pipelines.delete(sessionId);
    } else {
      p = this.newPipeline(sessionId, this.deps.store);
    }
    this.pipelines.set(sessionId, p);
    while (this.pipelines.size > this.maxPipelines) this.pipelines.delete(this.pipelines.keys().next().value!);
    return p;
  }

  /**
   * A pipeline of the session. The cached ones read the running verbal and posture models and
   * thresholds at use time (a switch reaches live meetings' next turns and frames); `fixed`: one
   * re-analysis's, held.
   */
  private newPipeline(sessionId: string, store: SqliteStore, fixed?: { verbal: VerbalRun; posture?: PostureRun }): SessionPipeline {
    const verbal = this.verbal;
    const posture = this.posture;
    const base = this.deps.options ?? DEFAULT_PIPELINE_OPTIONS;
    const models: PipelineModels = fixed
      ? { verbal: fixed.verbal.classifier, ...(fixed.posture ? { posture: fixed.posture.classifier } : {}) }
      : {
          get verbal() {
            return verbal.current.classifier;
          },
          get posture() {
            return posture?.current.classifier;
          },
        };
    const opts: PipelineOptions = fixed
      ? { ...base, signalThresholds: fixed.verbal.thresholds }
      : {
          cueEngine: base.cueEngine,
          ...(base.trackerSnapshotEvery !== undefined ? { trackerSnapshotEvery: base.trackerSnapshotEvery } : {}),
          get signalThresholds() {
            return verbal.current.thresholds;
          },
        };
    return new SessionPipeline(sessionId, store, models, opts);
  }

  private publish(e: SessionEvent): void {
    for (const fn of this.listeners) fn(e);
  }
}

/** The same role for every name (no role and not a participant count alike). */
function sameRoles(a: ReadonlyMap<string, Role | null>, b: ReadonlyMap<string, Role | null>): boolean {
  for (const name of new Set([...a.keys(), ...b.keys()])) if ((a.get(name) ?? null) !== (b.get(name) ?? null)) return false;
  return true;
}

/** The names of a session's participants. */
export function participantNames(session: Session): Set<string> {
  return new Set(session.participants.map((p) => p.name));
}

/**
 * The participant limit, checked on every path by which names join a session (turns, roles,
 * landmarks, frames): `known` holds the session's participants, `names` those a request brings.
 * Throws a ParticipantLimitError (400 invalid_input) naming `field`, the limit and the count
 * the session would have reached (`limit`, `actual`), and the first name over the limit.
 */
export function checkParticipantLimit(known: { has(name: string): boolean; readonly size: number }, names: Iterable<string>, field: string): void {
  let total = known.size;
  let firstOver: string | undefined;
  const counted = new Set<string>();
  for (const name of names) {
    if (known.has(name) || counted.has(name)) continue;
    counted.add(name);
    total++;
    if (total === LIMITS.participantsMax + 1) firstOver = name;
  }
  if (firstOver !== undefined) throw new ParticipantLimitError(firstOver, total, LIMITS.participantsMax, { field });
}

/** A comment's author as stored: the schema trims it; absent or empty is none. */
function authorOf(input: CommentIn): string | null {
  return input.author ? input.author : null;
}
