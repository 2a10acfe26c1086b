// The embedded store: SQLite (WAL) through better-sqlite3, schema by numbered migrations.
// Every write that must be atomic goes through `transaction`.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type {
  Bilingual,
  Comment,
  Correction,
  Cue,
  CueEvidence,
  CueReview,
  CueType,
  ModelVersions,
  Participant,
  PersonBox,
  PoseIn,
  PostureFrameLabel,
  PostureLabels,
  PostureSignal,
  PostureSignalLabel,
  Role,
  Session,
  Signal,
  Utterance,
  VerbalLabel,
  VerbalSignal,
  SessionCounts,
  SessionSummary,
} from '../../protocol/protocol';
import { POSTURE_FRAME_LABELS } from '../../protocol/protocol';
import { MIGRATIONS } from './migrations';
import { thresholdsKey } from '../../protocol/thresholds';
import type { SignalThresholds } from '../signals/verbal/decision';
import { documentParts, type ArchiveParts, type StoredArchiveParts } from '../ingest/archive';
import { searchForm, searchLang } from '../search/searchText';
import { readArchiveRows, readWhole, type ArchiveRowSource } from './archiveRows';
import { FALLBACK_AUTOCHECKPOINT_PAGES, SQLITE_AUTOCHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from './checkpointer';

/** A session with its counts, as listed: the protocol's (GET /api/sessions, `session_listed`). */
export type { SessionSummary };

export type NewUtterance = Omit<Utterance, 'id' | 'seq'> & {
  /** The client's id for a live turn, unique in its session (not part of the Utterance sent out). */
  clientTurnId?: string;
};
export type NewVerbalSignal = Omit<VerbalSignal, 'id' | 'text'>;
export type NewPostureSignal = Omit<PostureSignal, 'id'>;

export interface StoredFrame {
  id: number;
  sessionId: string;
  participant: string;
  mediaMs: number;
  source: 'browser' | 'server';
  /** Every person found, normalised landmarks; empty when nobody was found. */
  poses: PoseIn[];
  /** Image width / height, when known. */
  aspect?: number;
  /** The participant's person box sent with this frame; null cleared it; absent: unchanged. */
  person?: PersonBox | null;
  receivedAt: number;
}
export type NewFrame = Omit<StoredFrame, 'id'>;

/** Frames `frames` reads at a time. */
export const FRAMES_PAGE = 500;

/** A place in a session's frames (media time, then id; or, in stored order, the id alone): where a saved tracker state was taken. */
export interface FrameCursor {
  mediaMs: number;
  frameId: number;
}

type FrameRow = {
  id: number; session_id: string; participant: string; media_ms: number; source: 'browser' | 'server'; aspect: number | null;
  poses_json: string; person_json: string | null; received_at: number;
};

function toFrame(r: FrameRow): StoredFrame {
  return {
    id: r.id, sessionId: r.session_id, participant: r.participant, mediaMs: r.media_ms, source: r.source,
    poses: JSON.parse(r.poses_json) as PoseIn[], receivedAt: r.received_at, ...(r.aspect !== null ? { aspect: r.aspect } : {}),
    ...(r.person_json !== null ? { person: JSON.parse(r.person_json) as PersonBox | null } : {}),
  };
}

/**
 * A participant's posture tracker state as saved after one of their frames: replaying their
 * frames after that one (in media-time order) from it gives what replaying them all would.
 * The state itself is opaque to the store.
 */
export interface SavedTrackerState {
  sessionId: string;
  participant: string;
  /** The frame the state was taken after. */
  frameId: number;
  mediaMs: number;
  /** The posture model the tracker ran; another model's state is of no use. */
  modelVersion: string;
  /** The aspect the tracker was built with (from the participant's first frame). */
  aspect?: number;
  state: unknown;
}

interface SignalRow {
  id: number; session_id: string; kind: 'verbal' | 'posture'; participant: string; utterance_id: number | null;
  frame_id: number | null; label: string; score: number; scores_json: string; features_json: string; media_ms: number;
  started_ms: number; ended_ms: number | null; source: 'browser' | 'server'; model_version: string; text: string | null;
}

function toSignal(r: SignalRow): Signal {
  if (r.kind === 'verbal') {
    return {
      id: r.id, sessionId: r.session_id, kind: 'verbal', utteranceId: r.utterance_id!, participant: r.participant,
      label: r.label as VerbalLabel, score: r.score, scores: JSON.parse(r.scores_json) as VerbalSignal['scores'],
      mediaMs: r.media_ms, text: r.text ?? '', modelVersion: r.model_version,
    };
  }
  return {
    id: r.id, sessionId: r.session_id, kind: 'posture', participant: r.participant, label: r.label as PostureSignalLabel,
    score: r.score, mediaMs: r.media_ms, startedMs: r.started_ms, endedMs: r.ended_ms, frameId: r.frame_id,
    features: JSON.parse(r.features_json) as Record<string, number>, source: r.source, modelVersion: r.model_version,
  };
}
export type NewCue = Omit<Cue, 'id'>;

interface CueRow {
  id: number; session_id: string; type: Cue['type']; reason: Cue['reason']; media_ms: number; score: number;
  technique: Cue['technique']; evidence_json: string; title_json: string; tip_json: string; model_version: string;
  input_received_at: number; emitted_at: number;
}

function toCue(r: CueRow): Cue {
  return {
    id: r.id, sessionId: r.session_id, type: r.type, reason: r.reason, mediaMs: r.media_ms, score: r.score,
    technique: r.technique, evidence: JSON.parse(r.evidence_json) as CueEvidence[],
    title: JSON.parse(r.title_json) as Bilingual, tip: JSON.parse(r.tip_json) as Bilingual,
    modelVersion: r.model_version, inputReceivedAt: r.input_received_at, emittedAt: r.emitted_at,
  };
}

/** A session's analysis as its rows (see `exportAnalysis`). */
export interface StoredAnalysis {
  signals: Omit<SignalRow, 'text'>[];
  cues: CueRow[];
  trackerStates: SavedTrackerState[];
  /** The signal thresholds it was made under (thresholdsKey's form). */
  thresholds: string[];
}

interface CorrectionRow {
  utterance_id: number;
  session_id: string;
  label: VerbalLabel;
  note: string | null;
  corrected_at: number;
}

function toCorrection(r: CorrectionRow): Correction {
  return { sessionId: r.session_id, utteranceId: r.utterance_id, label: r.label, note: r.note, correctedAt: r.corrected_at };
}

/** A corrected customer turn as an export reads it (see `correctionsForExport`). */
export interface CorrectionForExport {
  correction: Correction;
  speaker: string;
  text: string;
  startMs: number;
  /** The turn before it in the session (either speaker); null for the first turn. */
  context: string | null;
  /** The turn's stored verbal signal; null when it has none (the model said neutral, or under a threshold). */
  modelLabel: VerbalLabel | null;
  modelScore: number | null;
  modelVersion: string | null;
}

interface CueReviewRow {
  session_id: string;
  cue_type: CueType;
  media_ms: number;
  verdict: CueReview['verdict'];
  note: string | null;
  reviewed_at: number;
  /** The session's current cue at that moment (see CUE_AT_MOMENT); null when none. */
  cue_id: number | null;
}

function toCueReview(r: CueReviewRow): CueReview {
  return { sessionId: r.session_id, cueType: r.cue_type, mediaMs: r.media_ms, cueId: r.cue_id, verdict: r.verdict, note: r.note, reviewedAt: r.reviewed_at };
}

/**
 * The id of the session's current cue at a review's moment (`r`: the cue_reviews row). Two cues
 * of one type at the same media time (rare: an objection-removed cue beside another closing
 * moment at the very same ms) are one moment; its verdict attaches to the first emitted.
 */
const CUE_AT_MOMENT = '(SELECT MIN(x.id) FROM cues x WHERE x.session_id = r.session_id AND x.type = r.cue_type AND x.media_ms = r.media_ms)';

/** The moment a cue review is stored under: a cue's type and media time in a session. */
export interface CueMoment {
  sessionId: string;
  cueType: CueType;
  mediaMs: number;
}

/** A cue review as an export reads it (see `cueReviewsForExport`). */
export interface CueReviewForExport {
  review: CueReview;
  /** The session's current cue at the review's moment; null when the current analysis emits none there. */
  cue: Pick<Cue, 'id' | 'reason' | 'score' | 'technique' | 'modelVersion' | 'evidence'> | null;
}

interface PostureLabelsRow {
  frame_id: number;
  session_id: string;
  participant: string;
  labels_json: string;
  note: string | null;
  labelled_at: number;
  /** The frame's media time (joined from frames). */
  media_ms: number;
}

function toPostureLabels(r: PostureLabelsRow): PostureLabels {
  return {
    sessionId: r.session_id, frameId: r.frame_id, participant: r.participant, mediaMs: r.media_ms,
    labels: JSON.parse(r.labels_json) as PostureFrameLabel[], note: r.note, labelledAt: r.labelled_at,
  };
}

/** Posture labels in POSTURE_FRAME_LABELS order, each once (as they are stored and answered). */
export function inFrameLabelOrder(labels: readonly PostureFrameLabel[]): PostureFrameLabel[] {
  return POSTURE_FRAME_LABELS.filter((l) => labels.includes(l));
}

/** What a coach's posture labels are stored as: the labels, on a frame (its media time is the frame's). */
export type NewPostureLabels = Omit<PostureLabels, 'mediaMs'>;

/** One of a participant's stored frames, by id and media time (see `framesWithPersonAround`). */
export interface FramePlace {
  id: number;
  mediaMs: number;
}

/** Labelled frames an export of posture labels reads at a time (each with its poses). */
export const POSTURE_LABELS_EXPORT_PAGE = 200;

/** A session's counts as the list gives them, read per session `s` (see `summaries`, `sessionCounts`). */
const SUMMARY_COUNTS = `(SELECT COUNT(*) FROM utterances u WHERE u.session_id = s.id) AS uc,
                (SELECT COUNT(*) FROM cues c WHERE c.session_id = s.id) AS cc,
                (SELECT COUNT(*) FROM corrections k JOIN utterances u ON u.id = k.utterance_id
                  WHERE k.session_id = s.id AND u.role = 'customer') AS kc,
                (SELECT COUNT(*) FROM cue_reviews v WHERE v.session_id = s.id) AS vc,
                (SELECT COUNT(*) FROM posture_labels l JOIN participants p ON p.session_id = l.session_id AND p.name = l.participant
                  WHERE l.session_id = s.id AND p.role = 'customer') AS lc,
                (SELECT COUNT(*) FROM comments m WHERE m.session_id = s.id) AS mc`;

interface SummaryCountsRow {
  id: string;
  uc: number;
  cc: number;
  kc: number;
  vc: number;
  lc: number;
  mc: number;
}

function countsOf(r: SummaryCountsRow): Omit<SessionCounts, 'sessionId'> {
  return { utteranceCount: r.uc, cueCount: r.cc, correctionCount: r.kc, cueReviewCount: r.vc, postureLabelCount: r.lc, commentCount: r.mc };
}

/** A labelled frame as an export reads it (see `postureLabelsForExport`). */
export interface PostureLabelsForExport {
  labels: PostureLabels;
  source: 'browser' | 'server';
  /** Every person found in the frame, as stored (never empty: labels go on frames with a person). */
  poses: PoseIn[];
  /** The frame's width / height, when stored. */
  aspect?: number;
  /**
   * The person box a user pointed at for the participant, as a track starting on this frame
   * follows it: the latest box stored with this frame or an earlier one (in media-time order);
   * null when none was sent, or the latest was a clearing (back to the largest, most central).
   */
  person: PersonBox | null;
  /** The participant's stored posture signals on at the frame's media time (distinct labels, as stored: nodding included). */
  modelLabels: PostureSignalLabel[];
  /** The posture model of the participant's latest stored posture signal; null when they have none. */
  modelVersion: string | null;
  /** The session's title as stored (not in the export's rows: a comparison's changed frames name their session by it). */
  sessionTitle?: string;
}

interface CommentRow {
  id: number;
  session_id: string;
  media_ms: number;
  text: string;
  author: string | null;
  created_at: number;
  edited_at: number | null;
}

function toComment(r: CommentRow): Comment {
  return { id: r.id, sessionId: r.session_id, mediaMs: r.media_ms, text: r.text, author: r.author, createdAt: r.created_at, editedAt: r.edited_at };
}

/** A comment as stored by `addComment` (its id is the store's; never edited yet). */
export type NewComment = Omit<Comment, 'id' | 'editedAt'>;

/** What a PUT replaces of a comment: its moment, text and author, with the time of the edit. */
export type CommentEdit = Pick<Comment, 'mediaMs' | 'text' | 'author'> & { editedAt: number };

/** A place in search order: a session's creation time and rowid (see searchSession). */
export interface SearchPlace {
  createdAt: number;
  rowid: number;
}

export interface SearchSessionRow extends SearchPlace {
  id: string;
  title: string;
}

/** What searchWindow keeps; null: any. */
export interface SearchFilter {
  /** The words in searchForm. */
  text: string | null;
  role: Role | null;
  lang: 'en' | 'zh' | 'mixed' | null;
  /** The stored verbal signal's label; `neutral`: a customer turn with none. */
  label: VerbalLabel | null;
  /** A coach's label; `none`: the turn has none. */
  coachLabel: VerbalLabel | 'none' | null;
  /** Only turns whose stored signal scores below this. */
  scoreBelow: number | null;
}

/** A turn as search reads it: the turn's own fields, its stored verbal signal and its coach's label. */
export interface SearchTurnRow extends Pick<Utterance, 'id' | 'seq' | 'speaker' | 'role' | 'text' | 'startMs' | 'endMs'> {
  signalLabel: VerbalLabel | null;
  signalScore: number | null;
  coachLabel: VerbalLabel | null;
}

interface UtteranceRow {
  id: number;
  session_id: string;
  seq: number;
  speaker: string;
  role: Role | null;
  text: string;
  start_ms: number;
  end_ms: number;
  received_at: number;
  original_text: string | null;
  original_speaker: string | null;
  edited_at: number | null;
}

/**
 * The database file cannot be used: the message names the file, what is wrong with it and
 * what to do (the CLI prints it as it is, without a stack trace).
 */
export class StoreOpenError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'not_sqlite' | 'corrupt' | 'read_only' | 'in_use' | 'newer_schema' | 'cannot_open',
    message: string,
  ) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

/**
 * Sessions whose row and participants the store keeps in memory (the least recently used
 * beyond this are read again when next asked for): far more than a server serves live at once.
 */
export const CACHED_SESSIONS = 1000;

type SessionRow = Omit<Session, 'participants'>;

/**
 * Every table that holds rows of a session besides `sessions` itself, children before the
 * tables they refer to (deleteSession's order). A new table keyed by session belongs here; the
 * store's tests check that no table with a session_id column is missing. It belongs in the
 * session archive too (archiveParts, importArchive), or named there as left out: archive.test.ts checks.
 */
export const SESSION_TABLES = [
  'deleted_turns', 'comments', 'posture_labels', 'cue_reviews', 'corrections', 'analysis_thresholds', 'cues', 'signals', 'tracker_states', 'frames', 'utterances', 'participants',
] as const;

/**
 * The size the WAL file is cut back to when it starts over (SQLite's journal_size_limit). An
 * export's snapshot keeps every checkpoint from passing it, so the WAL grows with every write
 * while one is sent (and to a whole import's size after an import); without a limit the file
 * keeps that size on disk until the store closes.
 */
export const WAL_SIZE_LIMIT = 32 * 1024 * 1024;

/** Rows an import stores per transaction (ImportSteps): a few milliseconds of work each. */
export const IMPORT_SLICE = { rows: 500, frames: 100 } as const;

/** An archive being read for an export (openArchive): its rows, and how to let its snapshot go. */
export interface OpenArchive {
  rows: ArchiveRowSource;
  /** Ends the read transaction and closes its connection (again: nothing). */
  close(): void;
}

export class SqliteStore {
  private readonly db: Database.Database;
  /** The file as opened (':memory:' for an in-memory store). */
  private readonly file: string;
  /**
   * The lock that keeps the file to this store (see the constructor), on a file beside it; the
   * store's own connection uses SQLite's normal locking so exports can read on their own.
   */
  private readonly lock: Database.Database | undefined;
  /** Read-only connections of exports under way (openArchive), each in its read transaction. */
  private readonly readers = new Set<Database.Database>();
  /** Prepared once, reused: preparing costs more than running these small statements. */
  private readonly statements = new Map<string, Database.Statement>();
  /** better-sqlite3's transaction wrapper, made once (making one per call costs more than its BEGIN). */
  private readonly inTransaction: (fn: () => unknown) => unknown;
  /**
   * Sessions' rows and participants (with their roles) as stored, in order of last use: every
   * live turn reads them, and they change rarely. They are written only through this store
   * (which holds the file alone, see the constructor): every method that writes participants
   * drops the session's entry before it writes, and a transaction (or savepoint) that fails
   * drops every entry, since what was read inside it may have been rolled back. A session's
   * row changes only by renameSession and deleteSession, which drop its entry; a missing
   * session is not remembered.
   */
  private readonly sessionRows = new Map<string, SessionRow>();
  private readonly participantLists = new Map<string, readonly Participant[]>();
  /**
   * Each session's last turn number as stored, once known: the next turn's number without a
   * read. Turns are stored only through addUtterance (importArchive drops the session's number);
   * a turn a coach deletes keeps its number taken (deleted_turns), and deleteSession drops the
   * session's number; a failed transaction
   * drops these too (a stale number would collide with the session's UNIQUE (session_id, seq)).
   */
  private readonly lastSeqs = new Map<string, number>();
  /**
   * Per session, the thresholds key last noted in analysis_thresholds: a live turn under the same
   * thresholds as the one before writes nothing (test/integration/perTurnWork.test.ts counts a
   * turn's statements). Forgotten with the rows (clearAnalysis, deletion) and on a rollback.
   */
  private readonly notedThresholds = new Map<string, string>();

  /**
   * Opens (or creates) the store, deleting any session an import left unfinished (a crash
   * under it). One process at a time: FILE.lock is locked while open (an exclusive SQLite lock,
   * released when the process ends, even by kill -9), so a second server on the same file stops
   * at start instead of keeping cue state of its own beside the first one's; the file itself is
   * in normal locking mode so an export's read-only connection can read a snapshot beside this
   * one (openArchive). Throws StoreOpenError when the file cannot be used.
   */
  constructor(file: string, opts: { scratch?: boolean } = {}) {
    const shown = file === ':memory:' ? file : path.resolve(file);
    this.file = shown;
    let db: Database.Database | undefined;
    let lock: Database.Database | undefined;
    try {
      if (file !== ':memory:') fs.mkdirSync(path.dirname(shown), { recursive: true });
      // A file another process holds is reported after a second, not the default five.
      db = new Database(file, { timeout: 1000 });
      this.db = db;
      // One process at a time: an exclusive lock held on FILE.lock until the store closes (or
      // the process ends, even by kill -9). The database itself keeps SQLite's normal locking,
      // so an export's read-only connection can hold a WAL snapshot beside this one's writes.
      // Beside the file's real path (the db was opened above, so it exists): the same file under
      // another spelling (a symlink to it, a folder reached through one) must find the same lock,
      // as it found the same OS lock under the old exclusive locking mode (SQLite follows links).
      lock = file === ':memory:' ? undefined : holdLock(`${fs.realpathSync(shown)}.lock`);
      this.lock = lock;
      db.pragma('journal_mode = WAL');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
      // A scratch store (see `scratch`) holds a session's analysis without its session, turns
      // or frames, which stay in the real store.
      db.pragma(`foreign_keys = ${opts.scratch ? 'OFF' : 'ON'}`);
      db.pragma('synchronous = NORMAL');
      // The search form of a turn, for migration 12's fill of the turns stored before it.
      db.function('search_form', { deterministic: true }, (t: unknown) => searchForm(String(t)));
      db.function('search_lang', { deterministic: true }, (t: unknown) => searchLang(String(t)));
      this.migrate(shown);
      this.inTransaction = db.transaction((fn: () => unknown) => fn());
      this.discardUnfinishedImports();
    } catch (err) {
      db?.close();
      lock?.close();
      throw openError(shown, err);
    }
  }

  /** Applies pending migrations in order; returns the schema version. */
  private migrate(file: string): number {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)');
    const row = this.stmt('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    let current = row.v ?? 0;
    const known = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    if (current > known) {
      throw new StoreOpenError(
        file, 'newer_schema',
        `${file} has schema version ${current}, written by a newer buying-signals; this one knows versions up to ${known}. ` +
          'Run the newer version, or start this one with another --db file',
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.stmt('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      })();
      current = m.version;
    }
    return current;
  }

  /**
   * An in-memory store of the same schema without foreign keys, for computing a session's
   * analysis (signals, cues, tracker states) aside from the real store, which holds the turns
   * and frames it refers to; `exportAnalysis` / `importAnalysis` then move it across.
   */
  static scratch(): SqliteStore {
    return new SqliteStore(':memory:', { scratch: true });
  }

  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  schemaVersion(): number {
    return (this.stmt('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v;
  }

  /** Runs `fn` in a transaction (a savepoint inside another): all of it is stored, or none. */
  transaction<T>(fn: () => T): T {
    try {
      return this.inTransaction(fn) as T;
    } catch (err) {
      // Rolled back: the cache may hold participants read after a write that is now undone.
      this.sessionRows.clear();
      this.participantLists.clear();
      this.lastSeqs.clear();
      this.notedThresholds.clear();
      throw err;
    }
  }

  /** Closes the store: exports' connections first (their downloads fail), then any import under way is deleted. */
  close(): void {
    for (const r of this.readers) r.close();
    this.readers.clear();
    if (this.db.open) this.discardUnfinishedImports();
    this.db.close();
    this.lock?.close();
  }

  // ---- settings (migration 17) --------------------------------------------------------

  /** A stored setting's value (parsed JSON), or undefined when it was never chosen. */
  setting(key: string): { value: unknown; changedAt: number } | undefined {
    const row = this.stmt('SELECT value_json, changed_at FROM settings WHERE key = ?').get(key) as
      { value_json: string; changed_at: number } | undefined;
    return row && { value: JSON.parse(row.value_json) as unknown, changedAt: row.changed_at };
  }

  /** Stores a setting and appends the change (from the value it replaces) to its history, in one transaction. */
  putSetting(key: string, value: unknown, at: number, from?: { value: unknown }): void {
    this.transaction(() => {
      // What it was: as the caller says (what ran, which a start-up flag or fallback may have
      // made other than the stored choice), else the stored value.
      const before = from !== undefined
        ? (from.value === null ? undefined : { value_json: JSON.stringify(from.value) })
        : (this.stmt('SELECT value_json FROM settings WHERE key = ?').get(key) as { value_json: string } | undefined);
      const json = JSON.stringify(value);
      this.stmt(
        'INSERT INTO settings (key, value_json, changed_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, changed_at = excluded.changed_at',
      ).run(key, json, at);
      this.stmt('INSERT INTO settings_history (at, key, from_json, to_json) VALUES (?, ?, ?, ?)').run(
        at,
        key,
        before?.value_json ?? null,
        json,
      );
    });
  }

  /** The newest `limit` changes of the settings whose keys are given, newest first. */
  settingsHistory(
    keys: readonly string[],
    limit: number,
  ): { id: number; at: number; key: string; from: unknown; to: unknown }[] {
    if (!keys.length) return [];
    const rows = this.db
      .prepare(
        `SELECT id, at, key, from_json, to_json FROM settings_history WHERE key IN (${keys.map(() => '?').join(',')}) ORDER BY id DESC LIMIT ?`,
      )
      .all(...keys, limit) as { id: number; at: number; key: string; from_json: string | null; to_json: string }[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      key: r.key,
      from: r.from_json === null ? null : (JSON.parse(r.from_json) as unknown),
      to: JSON.parse(r.to_json) as unknown,
    }));
  }

  // ---- sessions and participants ----------------------------------------------------

  createSession(s: { id: string; title: string; createdAt: number; demo: boolean; participants: Participant[] }): Session {
    this.transaction(() => {
      this.forgetParticipants(s.id);
      this.stmt('INSERT INTO sessions (id, title, created_at, demo) VALUES (?, ?, ?, ?)')
        .run(s.id, s.title, s.createdAt, s.demo ? 1 : 0);
      this.addParticipants(s.id, s.participants);
    });
    return this.getSession(s.id)!;
  }

  /**
   * Gives the session another title; the session as it is now, or undefined when there is no
   * such session (nothing written).
   */
  renameSession(id: string, title: string): Session | undefined {
    this.sessionRows.delete(id);
    const changed = this.stmt('UPDATE sessions SET title = ? WHERE id = ?').run(title, id).changes;
    return changed ? this.getSession(id) : undefined;
  }

  /**
   * Deletes the session and everything stored under it, in one transaction: its coaches' data
   * (comments, posture labels, cue reviews, corrections), its analysis (cues, signals, tracker
   * states), its input (frames, turns), its participants and its row. Children first, each by
   * its session index, so no foreign-key action has work left to do (signals_frame serves the
   * one that still looks). Whether the session existed. A failure rolls it all back.
   */
  deleteSession(id: string): boolean {
    const existed = this.transaction(() => {
      for (const table of SESSION_TABLES) this.stmt(`DELETE FROM ${table} WHERE session_id = ?`).run(id);
      return this.stmt('DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
    });
    this.sessionRows.delete(id);
    this.participantLists.delete(id);
    this.lastSeqs.delete(id);
    this.notedThresholds.delete(id);
    return existed;
  }

  getSession(id: string): Session | undefined {
    const row = this.sessionRow(id, true);
    return row && { ...row, participants: this.participants(id) };
  }

  /** The session's row, from memory or read (and then remembered if `remember`). */
  private sessionRow(id: string, remember: boolean): SessionRow | undefined {
    const cached = this.sessionRows.get(id);
    if (cached) return touch(this.sessionRows, id, cached);
    const r = this.stmt('SELECT id, title, created_at, demo FROM sessions WHERE id = ? AND importing = 0').get(id) as
      | { id: string; title: string; created_at: number; demo: number }
      | undefined;
    if (!r) return undefined;
    const row = { id: r.id, title: r.title, createdAt: r.created_at, demo: r.demo === 1 };
    return remember ? remember1(this.sessionRows, id, row) : row;
  }

  listSessions(): SessionSummary[] {
    return this.summaries('WHERE s.importing = 0 ORDER BY s.created_at DESC, s.rowid DESC');
  }

  /** One session as listSessions lists it (its counts read now); undefined if unknown. */
  sessionSummary(id: string): SessionSummary | undefined {
    return this.summaries('WHERE s.id = ? AND s.importing = 0', id)[0];
  }

  /**
   * The list's counts of the sessions named that exist (each once, in no set order): what the
   * lobby's `session_counts` carries. One statement for any number of sessions.
   */
  sessionCounts(ids: readonly string[]): SessionCounts[] {
    const rows = this.stmt(`SELECT s.id, ${SUMMARY_COUNTS} FROM sessions s WHERE s.importing = 0 AND s.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as SummaryCountsRow[];
    return rows.map((r) => ({ sessionId: r.id, ...countsOf(r) }));
  }

  private summaries(tail: string, ...params: string[]): SessionSummary[] {
    const rows = this.stmt(`SELECT s.id, ${SUMMARY_COUNTS} FROM sessions s ${tail}`).all(...params) as SummaryCountsRow[];
    // Every session, once: read past the cache, so listing does not push the live ones out.
    return rows.map((r) => ({ ...this.sessionRow(r.id, false)!, participants: this.participantsOf(r.id, false), ...countsOf(r) }));
  }

  /** The session's participants in the order they joined, with their roles (a copy: the caller may change it). */
  participants(sessionId: string): Participant[] {
    return this.participantsOf(sessionId, true);
  }

  private participantsOf(sessionId: string, remember: boolean): Participant[] {
    let list = this.participantLists.get(sessionId);
    if (list) touch(this.participantLists, sessionId, list);
    else {
      list = this.stmt('SELECT name, role FROM participants WHERE session_id = ? ORDER BY ord').all(sessionId) as Participant[];
      if (remember) remember1(this.participantLists, sessionId, list);
    }
    return list.map((p) => ({ name: p.name, role: p.role }));
  }

  /** Called before any write to the session's participants (see participantLists). */
  private forgetParticipants(sessionId: string): void {
    this.participantLists.delete(sessionId);
  }

  /** Adds speakers not yet known; an existing participant keeps its role unless one is given. */
  addParticipants(sessionId: string, ps: readonly Participant[]): void {
    // Each new participant's place after those the session has (their count; ords may have gaps).
    const ord = this.participantLists.get(sessionId)?.length ??
      (this.stmt('SELECT COUNT(*) AS n FROM participants WHERE session_id = ?').get(sessionId) as { n: number }).n;
    this.forgetParticipants(sessionId);
    const insert = this.stmt(
      `INSERT INTO participants (session_id, name, role, ord) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, name) DO UPDATE SET role = COALESCE(excluded.role, participants.role)`,
    );
    let i = ord;
    for (const p of ps) insert.run(sessionId, p.name, p.role, i++);
  }

  /** Sets a participant's role (null: none); their stored utterances take it too. */
  setRole(sessionId: string, name: string, role: Role | null): void {
    this.addParticipants(sessionId, [{ name, role }]);
    this.forgetParticipants(sessionId);
    this.stmt('UPDATE participants SET role = ? WHERE session_id = ? AND name = ?').run(role, sessionId, name);
    this.stmt('UPDATE utterances SET role = ? WHERE session_id = ? AND speaker = ?').run(role, sessionId, name);
  }

  /** Speakers who appear in the session but have no role yet, in the order they joined. */
  unassignedSpeakers(sessionId: string): string[] {
    return this.participants(sessionId).flatMap((p) => (p.role === null ? [p.name] : []));
  }

  // ---- utterances, signals, cues ------------------------------------------------------

  /** Stores a turn; throws (SQLITE_CONSTRAINT_UNIQUE) if its clientTurnId is already in the session. */
  addUtterance({ clientTurnId, ...u }: NewUtterance): Utterance {
    const last = this.lastSeqs.get(u.sessionId) ??
      (this.stmt(
        `SELECT MAX(COALESCE((SELECT MAX(seq) FROM utterances WHERE session_id = ?), 0),
                    COALESCE((SELECT MAX(seq) FROM deleted_turns WHERE session_id = ?), 0)) AS seq`,
      ).get(u.sessionId, u.sessionId) as { seq: number }).seq;
    const seq = last + 1;
    const info = this.stmt(
        `INSERT INTO utterances (session_id, seq, speaker, role, text, start_ms, end_ms, received_at, client_turn_id, search_text, search_lang)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(u.sessionId, seq, u.speaker, u.role, u.text, u.startMs, u.endMs, u.receivedAt, clientTurnId ?? null, searchForm(u.text), searchLang(u.text));
    // Stored: the session's last number now (a failed insert threw above and changed nothing).
    remember1(this.lastSeqs, u.sessionId, seq);
    return { ...u, id: Number(info.lastInsertRowid), seq };
  }

  /**
   * The session's turn stored under the client's turn id, or the number of the turn a coach
   * deleted that held it (deleted_turns); undefined if neither. One statement: it runs for every
   * live turn sent with an id (test/integration/perTurnWork.test.ts counts them).
   */
  turnByClientTurnId(sessionId: string, clientTurnId: string): { utterance: Utterance } | { deletedSeq: number } | undefined {
    const row = this.stmt(
        `SELECT u.*, d.seq AS deleted_seq FROM (SELECT ? AS sid, ? AS cid) k
           LEFT JOIN utterances u ON u.session_id = k.sid AND u.client_turn_id = k.cid
           LEFT JOIN deleted_turns d ON d.session_id = k.sid AND d.client_turn_id = k.cid`,
      )
      .get(sessionId, clientTurnId) as (Omit<UtteranceRow, 'id'> & { id: number | null; deleted_seq: number | null }) | undefined;
    if (row?.id != null) return { utterance: toUtterance(row as UtteranceRow) };
    if (row?.deleted_seq != null) return { deletedSeq: row.deleted_seq };
    return undefined;
  }

  /** The session's turn stored under the client's turn id, if any. */
  utteranceByClientTurnId(sessionId: string, clientTurnId: string): Utterance | undefined {
    const found = this.turnByClientTurnId(sessionId, clientTurnId);
    return found && 'utterance' in found ? found.utterance : undefined;
  }

  /** The session's turn with this id; undefined when there is none, or it is another session's. */
  utterance(sessionId: string, id: number): Utterance | undefined {
    const row = this.stmt('SELECT * FROM utterances WHERE id = ? AND session_id = ?').get(id, sessionId) as UtteranceRow | undefined;
    return row && toUtterance(row);
  }

  utterances(sessionId: string): Utterance[] {
    const rows = this.stmt('SELECT * FROM utterances WHERE session_id = ? ORDER BY seq').all(sessionId) as UtteranceRow[];
    return rows.map(toUtterance);
  }

  /** The session's turns stored after the one numbered `seq` (0: all), in order, at most `limit`. */
  utterancesAfter(sessionId: string, seq: number, limit = -1): Utterance[] {
    const rows = this.stmt('SELECT * FROM utterances WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(sessionId, seq, limit) as UtteranceRow[];
    return rows.map(toUtterance);
  }

  /**
   * Corrects a stored turn's words and speaker (with the speaker's role now): the first edit
   * keeps the turn as it was in original_text / original_speaker, later ones leave those; the
   * search form and language follow the new words (GET /api/search finds what is said now). Its
   * signals and the session's cues are the caller's to redo (a re-analysis). Whether the
   * session held the turn.
   */
  editUtterance(sessionId: string, id: number, e: { text: string; speaker: string; role: Role | null; editedAt: number }): boolean {
    return this.stmt(
        `UPDATE utterances SET original_text = COALESCE(original_text, text), original_speaker = COALESCE(original_speaker, speaker),
                               edited_at = ?, text = ?, speaker = ?, role = ?, search_text = ?, search_lang = ?
          WHERE id = ? AND session_id = ?`,
      )
      .run(e.editedAt, e.text, e.speaker, e.role, searchForm(e.text), searchLang(e.text), id, sessionId).changes > 0;
  }

  /**
   * Deletes one stored turn; its signals and its coach's label go with it (ON DELETE CASCADE).
   * Cues that quoted it are the caller's to redo (a re-analysis). The next turn is numbered
   * after the last as before: a gap is left, no number is given twice. Whether it was there.
   */
  deleteUtterance(sessionId: string, id: number): boolean {
    // Its number and clientTurnId stay taken (deleted_turns, migration 16).
    this.stmt('INSERT OR IGNORE INTO deleted_turns (session_id, seq, client_turn_id) SELECT session_id, seq, client_turn_id FROM utterances WHERE id = ? AND session_id = ?').run(id, sessionId);
    return this.stmt('DELETE FROM utterances WHERE id = ? AND session_id = ?').run(id, sessionId).changes > 0;
  }



  lastUtterance(sessionId: string): Utterance | undefined {
    const row = this.stmt('SELECT * FROM utterances WHERE session_id = ? ORDER BY seq DESC LIMIT 1').get(sessionId) as
      | UtteranceRow
      | undefined;
    return row && toUtterance(row);
  }

  addSignal(s: NewVerbalSignal, text: string): VerbalSignal {
    const info = this.stmt(
        `INSERT INTO signals (session_id, kind, participant, utterance_id, frame_id, label, score, scores_json, features_json,
                              media_ms, started_ms, source, model_version)
         VALUES (?, 'verbal', ?, ?, NULL, ?, ?, ?, '{}', ?, ?, 'server', ?)`,
      )
      .run(s.sessionId, s.participant, s.utteranceId, s.label, s.score, JSON.stringify(s.scores), s.mediaMs, s.mediaMs, s.modelVersion);
    return { ...s, id: Number(info.lastInsertRowid), text };
  }

  addPostureSignal(s: NewPostureSignal): PostureSignal {
    const info = this.stmt(
        `INSERT INTO signals (session_id, kind, participant, utterance_id, frame_id, label, score, scores_json, features_json,
                              media_ms, started_ms, ended_ms, source, model_version)
         VALUES (?, 'posture', ?, NULL, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.sessionId, s.participant, s.frameId, s.label, s.score, JSON.stringify(s.features), s.mediaMs, s.startedMs, s.endedMs, s.source, s.modelVersion);
    return { ...s, id: Number(info.lastInsertRowid) };
  }

  /** Marks a participant's open posture signal of that label as ended; returns it as now stored. */
  endPostureSignal(sessionId: string, participant: string, label: string, endedMs: number): PostureSignal | undefined {
    const row = this.stmt(
        `SELECT id FROM signals WHERE session_id = ? AND participant = ? AND label = ? AND kind = 'posture' AND ended_ms IS NULL
          ORDER BY media_ms DESC, id DESC LIMIT 1`,
      )
      .get(sessionId, participant, label) as { id: number } | undefined;
    if (!row) return undefined;
    this.stmt('UPDATE signals SET ended_ms = ? WHERE id = ?').run(endedMs, row.id);
    const ended = this.stmt('SELECT *, NULL AS text FROM signals WHERE id = ?').get(row.id) as SignalRow;
    return toSignal(ended) as PostureSignal;
  }

  signals(sessionId: string): Signal[] {
    const rows = this.stmt(
        `SELECT s.*, u.text FROM signals s LEFT JOIN utterances u ON u.id = s.utterance_id
          WHERE s.session_id = ? ORDER BY s.media_ms, s.id`,
      )
      .all(sessionId) as SignalRow[];
    return rows.map(toSignal);
  }

  /**
   * The distinct model versions the session's stored signals and cues carry, sorted, in one
   * query. A cue's version is its verbal evidence's model, its posture evidence's, or both
   * joined by `+` (verbal first); which it is, its evidence's kinds say.
   */
  modelVersions(sessionId: string): ModelVersions {
    const rows = this.stmt(
        `SELECT DISTINCT kind = 'verbal' AS verbal, kind = 'posture' AS posture, model_version FROM signals WHERE session_id = ?
         UNION
         SELECT DISTINCT
           EXISTS (SELECT 1 FROM json_each(c.evidence_json) e WHERE json_extract(e.value, '$.kind') = 'verbal'),
           EXISTS (SELECT 1 FROM json_each(c.evidence_json) e WHERE json_extract(e.value, '$.kind') = 'posture'),
           c.model_version
         FROM cues c WHERE c.session_id = ?`,
      )
      .all(sessionId, sessionId) as { verbal: number; posture: number; model_version: string }[];
    const verbal = new Set<string>();
    const posture = new Set<string>();
    for (const r of rows) {
      const [first, second] = r.model_version.split('+');
      if (r.verbal) verbal.add(first!);
      else if (r.posture) posture.add(first!);
      if (r.verbal && r.posture && second !== undefined) posture.add(second);
    }
    return { verbal: [...verbal].sort(), posture: [...posture].sort(), thresholds: this.analysisThresholds(sessionId) };
  }

  /** Notes that a turn of the session was classified under `key` (thresholdsKey); inside the turn's transaction. */
  noteThresholds(sessionId: string, key: string): void {
    if (this.notedThresholds.get(sessionId) === key) return;
    this.stmt('INSERT OR IGNORE INTO analysis_thresholds (session_id, thresholds_json) VALUES (?, ?)').run(sessionId, key);
    remember1(this.notedThresholds, sessionId, key);
  }

  /** The distinct signal thresholds the session's analysis was made under, in their key's order ([]: not known). */
  analysisThresholds(sessionId: string): SignalThresholds[] {
    return this.analysisThresholdKeys(sessionId).map((k) => JSON.parse(k) as SignalThresholds);
  }

  private analysisThresholdKeys(sessionId: string): string[] {
    return (this.stmt('SELECT thresholds_json FROM analysis_thresholds WHERE session_id = ? ORDER BY thresholds_json').all(sessionId) as { thresholds_json: string }[]).map((r) => r.thresholds_json);
  }

  addFrame(f: NewFrame): number {
    const info = this.stmt(
        `INSERT INTO frames (session_id, participant, media_ms, source, persons, aspect, poses_json, person_json, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        f.sessionId, f.participant, f.mediaMs, f.source, f.poses.length, f.aspect ?? null, JSON.stringify(f.poses),
        f.person === undefined ? null : JSON.stringify(f.person), f.receivedAt,
      );
    return Number(info.lastInsertRowid);
  }

  frameCount(sessionId: string): number {
    return (this.stmt('SELECT COUNT(*) AS n FROM frames WHERE session_id = ?').get(sessionId) as { n: number }).n;
  }

  /**
   * A session's frames (or one participant's), read `pageSize` (FRAMES_PAGE) at a time: a long session's
   * frames are never all in memory (an hour is 18,000), and no statement stays open between
   * pages, so the caller may write to the store while it reads.
   * - `order: 'media'` (default): in media-time order, then id, optionally only those after a
   *   given frame in that order (re-analysis plays words and frames along the media timeline);
   * - `order: 'stored'`: in the order they were stored, optionally only those stored after
   *   `after.frameId` (a restart replays what a tracker saw after its saved state, in the order
   *   it saw it, even where a user seeked back and the media times run backwards).
   */
  *frames(sessionId: string, opts: { participant?: string; after?: FrameCursor; order?: 'media' | 'stored'; pageSize?: number } = {}): Generator<StoredFrame> {
    const { participant } = opts;
    const stored = opts.order === 'stored';
    const pageSize = opts.pageSize ?? FRAMES_PAGE;
    const who = participant === undefined ? '' : ' AND participant = ?';
    const sql = stored
      ? `SELECT * FROM frames WHERE session_id = ?${who} AND id > ? ORDER BY id LIMIT ?`
      : `SELECT * FROM frames WHERE session_id = ?${who} AND (media_ms > ? OR (media_ms = ? AND id > ?)) ORDER BY media_ms, id LIMIT ?`;
    // Media times are never negative: "after" nothing is after (-1, 0).
    let after = opts.after ?? { mediaMs: -1, frameId: 0 };
    for (;;) {
      const key = stored ? [after.frameId] : [after.mediaMs, after.mediaMs, after.frameId];
      const rows = this.stmt(sql).all(sessionId, ...(participant === undefined ? [] : [participant]), ...key, pageSize) as FrameRow[];
      const page = rows.map(toFrame);
      yield* page;
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) return;
      after = { mediaMs: last.mediaMs, frameId: last.id };
    }
  }

  /** How many of the session's frames come at or before `cursor` in the order `frames` reads them. */
  frameCountUpTo(sessionId: string, cursor: FrameCursor): number {
    return (
      this.stmt('SELECT COUNT(*) AS n FROM frames WHERE session_id = ? AND (media_ms < ? OR (media_ms = ? AND id <= ?))')
        .get(sessionId, cursor.mediaMs, cursor.mediaMs, cursor.frameId) as { n: number }
    ).n;
  }

  // ---- posture tracker states ----------------------------------------------------------

  /** Saves a participant's tracker state, replacing the one saved before. */
  saveTrackerState(t: SavedTrackerState): void {
    this.stmt(
        `INSERT INTO tracker_states (session_id, participant, frame_id, media_ms, model_version, aspect, state_json)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, participant) DO UPDATE SET frame_id = excluded.frame_id, media_ms = excluded.media_ms,
           model_version = excluded.model_version, aspect = excluded.aspect, state_json = excluded.state_json`,
      )
      .run(t.sessionId, t.participant, t.frameId, t.mediaMs, t.modelVersion, t.aspect ?? null, JSON.stringify(t.state));
  }

  /** The session's saved tracker states, one per participant at most. */
  trackerStates(sessionId: string): SavedTrackerState[] {
    const rows = this.stmt('SELECT * FROM tracker_states WHERE session_id = ? ORDER BY participant').all(sessionId) as {
      session_id: string; participant: string; frame_id: number; media_ms: number; model_version: string; aspect: number | null; state_json: string;
    }[];
    return rows.map((r) => ({
      sessionId: r.session_id, participant: r.participant, frameId: r.frame_id, mediaMs: r.media_ms, modelVersion: r.model_version,
      ...(r.aspect !== null ? { aspect: r.aspect } : {}), state: JSON.parse(r.state_json) as unknown,
    }));
  }

  /** Drops the session's tracker states (their trackers are being rebuilt from the frames). */
  deleteTrackerStates(sessionId: string): void {
    this.stmt('DELETE FROM tracker_states WHERE session_id = ?').run(sessionId);
  }

  addCue(c: NewCue): Cue {
    const info = this.stmt(
        `INSERT INTO cues (session_id, type, reason, media_ms, score, technique, evidence_json, title_json, tip_json,
                           model_version, input_received_at, emitted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.sessionId, c.type, c.reason, c.mediaMs, c.score, c.technique, JSON.stringify(c.evidence),
        JSON.stringify(c.title), JSON.stringify(c.tip), c.modelVersion, c.inputReceivedAt, c.emittedAt,
      );
    return { ...c, id: Number(info.lastInsertRowid) };
  }

  cues(sessionId: string): Cue[] {
    const rows = this.stmt('SELECT * FROM cues WHERE session_id = ? ORDER BY media_ms, id').all(sessionId) as CueRow[];
    return rows.map(toCue);
  }

  /** The session's analysis as stored (signals, cues, tracker states), for `importAnalysis` into another store. */
  exportAnalysis(sessionId: string): StoredAnalysis {
    return {
      signals: this.stmt('SELECT * FROM signals WHERE session_id = ? ORDER BY id').all(sessionId) as StoredAnalysis['signals'],
      cues: this.stmt('SELECT * FROM cues WHERE session_id = ? ORDER BY id').all(sessionId) as StoredAnalysis['cues'],
      trackerStates: this.trackerStates(sessionId),
      thresholds: this.analysisThresholdKeys(sessionId),
    };
  }

  /**
   * Adds an analysis exported from another store (a scratch one) to the session, in the order
   * it was made there: signals get ids of this store, and the cues' evidence names them.
   * Call inside a transaction, after `clearAnalysis` and `deleteTrackerStates`.
   */
  importAnalysis(sessionId: string, a: StoredAnalysis): void {
    for (const key of a.thresholds) this.noteThresholds(sessionId, key);
    const ids = new Map<number, number>();
    const signal = this.stmt(
      `INSERT INTO signals (session_id, kind, participant, utterance_id, frame_id, label, score, scores_json, features_json,
                            media_ms, started_ms, ended_ms, source, model_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of a.signals) {
      const info = signal.run(
        sessionId, r.kind, r.participant, r.utterance_id, r.frame_id, r.label, r.score, r.scores_json, r.features_json,
        r.media_ms, r.started_ms, r.ended_ms, r.source, r.model_version,
      );
      ids.set(r.id, Number(info.lastInsertRowid));
    }
    const cue = this.stmt(
      `INSERT INTO cues (session_id, type, reason, media_ms, score, technique, evidence_json, title_json, tip_json,
                         model_version, input_received_at, emitted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of a.cues) {
      const evidence = (JSON.parse(r.evidence_json) as CueEvidence[]).map((e) => {
        const id = ids.get(e.signalId);
        if (id === undefined) throw new Error(`cue ${r.id}'s evidence names signal ${e.signalId}, which the analysis does not hold`);
        return { ...e, signalId: id };
      });
      cue.run(
        sessionId, r.type, r.reason, r.media_ms, r.score, r.technique, JSON.stringify(evidence), r.title_json, r.tip_json,
        r.model_version, r.input_received_at, r.emitted_at,
      );
    }
    for (const t of a.trackerStates) this.saveTrackerState({ ...t, sessionId });
  }

  // ---- coach corrections ----------------------------------------------------------------

  /** Stores a turn's correction, replacing the one it had. */
  setCorrection(c: Correction): Correction {
    this.stmt(
        `INSERT INTO corrections (utterance_id, session_id, label, note, corrected_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (utterance_id) DO UPDATE SET session_id = excluded.session_id, label = excluded.label, note = excluded.note,
           corrected_at = excluded.corrected_at`,
      )
      .run(c.utteranceId, c.sessionId, c.label, c.note, c.correctedAt);
    return c;
  }

  /** Removes the session's turn's correction; whether it had one. */
  removeCorrection(sessionId: string, utteranceId: number): boolean {
    return this.stmt('DELETE FROM corrections WHERE session_id = ? AND utterance_id = ?').run(sessionId, utteranceId).changes > 0;
  }

  /** The session's corrections, by utteranceId ascending (whatever the turns' roles are now). */
  corrections(sessionId: string): Correction[] {
    const rows = this.stmt('SELECT * FROM corrections WHERE session_id = ? ORDER BY utterance_id').all(sessionId) as CorrectionRow[];
    return rows.map(toCorrection);
  }

  /**
   * What an export of corrections needs (one session's, or with no id every session's): each
   * corrected turn whose speaker is a customer now, with the turn before it (its context, as
   * the pipeline gives it: the previous turn in stored order, either speaker) and its stored
   * verbal signal, if any; in session order (as created), then turn order. A correction of a
   * turn that is no longer a customer's is left out (it stays stored).
   */
  correctionsForExport(sessionId?: string): CorrectionForExport[] {
    const rows = this.stmt(
        `SELECT c.utterance_id, c.session_id, c.label, c.note, c.corrected_at, u.speaker, u.text, u.start_ms,
                (SELECT p.text FROM utterances p WHERE p.session_id = u.session_id AND p.seq < u.seq ORDER BY p.seq DESC LIMIT 1) AS context,
                g.label AS model_label, g.score AS model_score, g.model_version
           FROM corrections c
           JOIN utterances u ON u.id = c.utterance_id
           JOIN sessions s ON s.id = c.session_id
           LEFT JOIN signals g ON g.id = (SELECT MAX(x.id) FROM signals x WHERE x.session_id = u.session_id AND x.utterance_id = u.id AND x.kind = 'verbal')
          WHERE u.role = 'customer' AND s.importing = 0 AND (? IS NULL OR c.session_id = ?)
          ORDER BY s.created_at, s.rowid, u.seq`,
      )
      .all(sessionId ?? null, sessionId ?? null) as (CorrectionRow & {
      speaker: string; text: string; start_ms: number; context: string | null; model_label: VerbalLabel | null; model_score: number | null; model_version: string | null;
    })[];
    return rows.map((r) => ({
      correction: toCorrection(r), speaker: r.speaker, text: r.text, startMs: r.start_ms, context: r.context,
      modelLabel: r.model_label, modelScore: r.model_score, modelVersion: r.model_version,
    }));
  }

  // ---- coach cue reviews -----------------------------------------------------------------

  /** One of the session's current cues; undefined when it holds none under that id. */
  cue(sessionId: string, cueId: number): Cue | undefined {
    const r = this.stmt('SELECT * FROM cues WHERE session_id = ? AND id = ?').get(sessionId, cueId) as CueRow | undefined;
    return r && toCue(r);
  }

  /** Stores a verdict on a moment, replacing the one it had; returns it as read back (its current cue joined). */
  setCueReview(r: Omit<CueReview, 'cueId'>): CueReview {
    this.stmt(
        `INSERT INTO cue_reviews (session_id, cue_type, media_ms, verdict, note, reviewed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, cue_type, media_ms) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
           reviewed_at = excluded.reviewed_at`,
      )
      .run(r.sessionId, r.cueType, r.mediaMs, r.verdict, r.note, r.reviewedAt);
    return this.cueReview(r)!;
  }

  /** The verdict on a moment, with its current cue; undefined when it has none. */
  cueReview(m: CueMoment): CueReview | undefined {
    const row = this.stmt(`SELECT r.*, ${CUE_AT_MOMENT} AS cue_id FROM cue_reviews r WHERE r.session_id = ? AND r.cue_type = ? AND r.media_ms = ?`)
      .get(m.sessionId, m.cueType, m.mediaMs) as CueReviewRow | undefined;
    return row && toCueReview(row);
  }

  /** Removes the verdict on a moment; whether it had one. */
  removeCueReview(m: CueMoment): boolean {
    return this.stmt('DELETE FROM cue_reviews WHERE session_id = ? AND cue_type = ? AND media_ms = ?').run(m.sessionId, m.cueType, m.mediaMs).changes > 0;
  }

  /** The session's cue reviews by mediaMs, then cueType, each with its current cue's id (null when none is emitted there now). */
  cueReviews(sessionId: string): CueReview[] {
    const rows = this.stmt(`SELECT r.*, ${CUE_AT_MOMENT} AS cue_id FROM cue_reviews r WHERE r.session_id = ? ORDER BY r.media_ms, r.cue_type`)
      .all(sessionId) as CueReviewRow[];
    return rows.map(toCueReview);
  }

  /**
   * What an export of cue reviews needs (one session's, or with no id every session's): every
   * verdict, with the current cue at its moment if there is one; in session order (as created),
   * then media time, then cue type. A verdict whose cue is no longer emitted is kept in.
   */
  cueReviewsForExport(sessionId?: string): CueReviewForExport[] {
    const rows = this.stmt(
        `SELECT r.*, c.id AS cue_id, c.reason, c.score, c.technique, c.model_version, c.evidence_json
           FROM cue_reviews r
           JOIN sessions s ON s.id = r.session_id
           LEFT JOIN cues c ON c.id = ${CUE_AT_MOMENT}
          WHERE s.importing = 0 AND (? IS NULL OR r.session_id = ?)
          ORDER BY s.created_at, s.rowid, r.media_ms, r.cue_type`,
      )
      .all(sessionId ?? null, sessionId ?? null) as (CueReviewRow & {
      reason: Cue['reason'] | null; score: number | null; technique: Cue['technique'] | null; model_version: string | null; evidence_json: string | null;
    })[];
    return rows.map((r) => ({
      review: toCueReview(r),
      cue: r.cue_id === null ? null : {
        id: r.cue_id, reason: r.reason!, score: r.score!, technique: r.technique!, modelVersion: r.model_version!,
        evidence: JSON.parse(r.evidence_json!) as CueEvidence[],
      },
    }));
  }

  // ---- coach posture labels ---------------------------------------------------------------

  /**
   * The participant's stored frames in which a person was found nearest `mediaMs`: the latest at
   * or before it and the first after it (the first stored of frames at the same time). Two
   * bounded reads of the frames_session index, whatever the distance; the caller applies the
   * window (see nearestLabelFrame).
   */
  framesWithPersonAround(sessionId: string, participant: string, mediaMs: number): { before?: FramePlace; after?: FramePlace } {
    const read = (sql: string) => {
      const r = this.stmt(sql).get(sessionId, participant, mediaMs) as { id: number; media_ms: number } | undefined;
      return r && { id: r.id, mediaMs: r.media_ms };
    };
    const before = read(
      'SELECT id, media_ms FROM frames WHERE session_id = ? AND participant = ? AND media_ms <= ? AND persons > 0 ORDER BY media_ms DESC, id LIMIT 1',
    );
    const after = read('SELECT id, media_ms FROM frames WHERE session_id = ? AND participant = ? AND media_ms > ? AND persons > 0 ORDER BY media_ms, id LIMIT 1');
    return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
  }

  /** Stores a frame's posture labels (in POSTURE_FRAME_LABELS order), replacing those it had; returns them as read back. */
  setPostureLabels(l: NewPostureLabels): PostureLabels {
    this.stmt(
        `INSERT INTO posture_labels (frame_id, session_id, participant, labels_json, note, labelled_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (frame_id) DO UPDATE SET session_id = excluded.session_id, participant = excluded.participant,
           labels_json = excluded.labels_json, note = excluded.note, labelled_at = excluded.labelled_at`,
      )
      .run(l.frameId, l.sessionId, l.participant, JSON.stringify(inFrameLabelOrder(l.labels)), l.note, l.labelledAt);
    return this.postureLabel(l.sessionId, l.frameId)!;
  }

  /** The session's frame's posture labels; undefined when it has none (or the frame is another session's). */
  postureLabel(sessionId: string, frameId: number): PostureLabels | undefined {
    const r = this.stmt(
        `SELECT l.*, f.media_ms FROM posture_labels l JOIN frames f ON f.id = l.frame_id WHERE l.session_id = ? AND l.frame_id = ?`,
      )
      .get(sessionId, frameId) as PostureLabelsRow | undefined;
    return r && toPostureLabels(r);
  }

  /** Removes the session's frame's posture labels; whether it had any. */
  removePostureLabels(sessionId: string, frameId: number): boolean {
    return this.stmt('DELETE FROM posture_labels WHERE session_id = ? AND frame_id = ?').run(sessionId, frameId).changes > 0;
  }

  /** The session's posture labels by the frame's media time, then participant, then frame (whatever the participants' roles are now). */
  postureLabels(sessionId: string): PostureLabels[] {
    const rows = this.stmt(
        `SELECT l.*, f.media_ms FROM posture_labels l JOIN frames f ON f.id = l.frame_id
          WHERE l.session_id = ? ORDER BY f.media_ms, l.participant, l.frame_id`,
      )
      .all(sessionId) as PostureLabelsRow[];
    return rows.map(toPostureLabels);
  }

  /**
   * What an export of posture labels needs (one session's, or with no id every session's): each
   * labelled frame whose participant is a customer now, with the frame's poses, the person box
   * a track starting there follows, and the participant's stored posture signals on at its
   * time; in session order (as created), then media time, then participant. Read
   * POSTURE_LABELS_EXPORT_PAGE frames at a time (a frame's poses are the bulk of a row), and no
   * statement stays open between pages, so the caller may write to the store while it reads. A
   * label whose participant is no longer a customer is left out (it stays stored).
   */
  *postureLabelsForExport(sessionId?: string, pageSize = POSTURE_LABELS_EXPORT_PAGE): Generator<PostureLabelsForExport> {
    const sessions = sessionId !== undefined ? [sessionId] : this.sessionsWithPostureLabels();
    const page = this.stmt(
      `SELECT l.*, f.media_ms, f.source, f.aspect, f.poses_json, s.title AS session_title
         FROM posture_labels l
         JOIN frames f ON f.id = l.frame_id
         JOIN sessions s ON s.id = l.session_id
         JOIN participants p ON p.session_id = l.session_id AND p.name = l.participant
        WHERE l.session_id = ? AND p.role = 'customer'
          AND (f.media_ms > ? OR (f.media_ms = ? AND (l.participant > ? OR (l.participant = ? AND l.frame_id > ?))))
        ORDER BY f.media_ms, l.participant, l.frame_id LIMIT ?`,
    );
    for (const id of sessions) {
      // Media times are never negative: "after" nothing is after (-1, '', 0).
      let after = { mediaMs: -1, participant: '', frameId: 0 };
      for (;;) {
        const rows = page.all(id, after.mediaMs, after.mediaMs, after.participant, after.participant, after.frameId, pageSize) as (PostureLabelsRow & {
          source: 'browser' | 'server'; aspect: number | null; poses_json: string; session_title: string;
        })[];
        for (const r of rows) yield this.postureLabelsRowForExport(r);
        const last = rows[rows.length - 1];
        if (!last || rows.length < pageSize) break;
        after = { mediaMs: last.media_ms, participant: last.participant, frameId: last.frame_id };
      }
    }
  }

  /** The sessions holding posture labels, in an export's order (as created). */
  sessionsWithPostureLabels(): string[] {
    return (this.stmt(
      `SELECT s.id FROM sessions s WHERE s.importing = 0 AND EXISTS (SELECT 1 FROM posture_labels l WHERE l.session_id = s.id) ORDER BY s.created_at, s.rowid`,
    ).all() as { id: string }[]).map((r) => r.id);
  }

  private postureLabelsRowForExport(r: PostureLabelsRow & { source: 'browser' | 'server'; aspect: number | null; poses_json: string; session_title: string }): PostureLabelsForExport {
    const pointed = this.stmt(
        `SELECT person_json FROM frames WHERE session_id = ? AND participant = ? AND person_json IS NOT NULL
            AND media_ms <= ? AND (media_ms < ? OR id <= ?) ORDER BY media_ms DESC, id DESC LIMIT 1`,
      )
      .get(r.session_id, r.participant, r.media_ms, r.media_ms, r.frame_id) as { person_json: string } | undefined;
    const on = this.stmt(
        `SELECT DISTINCT label FROM signals WHERE session_id = ? AND participant = ? AND kind = 'posture'
            AND started_ms <= ? AND (ended_ms IS NULL OR ended_ms > ?)`,
      )
      .all(r.session_id, r.participant, r.media_ms, r.media_ms) as { label: PostureSignalLabel }[];
    const model = this.stmt(`SELECT model_version FROM signals WHERE session_id = ? AND participant = ? AND kind = 'posture' ORDER BY id DESC LIMIT 1`)
      .get(r.session_id, r.participant) as { model_version: string } | undefined;
    return {
      labels: toPostureLabels(r), source: r.source, poses: JSON.parse(r.poses_json) as PoseIn[],
      ...(r.aspect !== null ? { aspect: r.aspect } : {}),
      person: pointed ? (JSON.parse(pointed.person_json) as PersonBox | null) : null,
      modelLabels: on.map((x) => x.label), modelVersion: model?.model_version ?? null, sessionTitle: r.session_title,
    };
  }

  // ---- coach comments -----------------------------------------------------------------------

  /**
   * Stores a new comment unless the session holds `max` already: the count and the insert are
   * one transaction, so two posts at the limit cannot both get in. Returns the comment as
   * stored, or null (nothing stored) when the session is full.
   */
  addComment(c: NewComment, max: number): Comment | null {
    return this.transaction(() => {
      if (this.commentCount(c.sessionId) >= max) return null;
      const info = this.stmt('INSERT INTO comments (session_id, media_ms, text, author, created_at, edited_at) VALUES (?, ?, ?, ?, ?, NULL)')
        .run(c.sessionId, c.mediaMs, c.text, c.author, c.createdAt);
      return { ...c, id: Number(info.lastInsertRowid), editedAt: null };
    });
  }

  /** Replaces the session's comment's moment, text and author (its createdAt kept); undefined, nothing changed, when it has no such comment. */
  replaceComment(sessionId: string, commentId: number, e: CommentEdit): Comment | undefined {
    const changed = this.stmt('UPDATE comments SET media_ms = ?, text = ?, author = ?, edited_at = ? WHERE session_id = ? AND id = ?')
      .run(e.mediaMs, e.text, e.author, e.editedAt, sessionId, commentId).changes;
    return changed > 0 ? this.comment(sessionId, commentId) : undefined;
  }

  /** The session's comment; undefined when it has none under that id (or it is another session's). */
  comment(sessionId: string, commentId: number): Comment | undefined {
    const r = this.stmt('SELECT * FROM comments WHERE session_id = ? AND id = ?').get(sessionId, commentId) as CommentRow | undefined;
    return r && toComment(r);
  }

  /** Removes the session's comment; whether it had it. */
  removeComment(sessionId: string, commentId: number): boolean {
    return this.stmt('DELETE FROM comments WHERE session_id = ? AND id = ?').run(sessionId, commentId).changes > 0;
  }

  /** The session's comments by media time, then id. */
  comments(sessionId: string): Comment[] {
    const rows = this.stmt('SELECT * FROM comments WHERE session_id = ? ORDER BY media_ms, id').all(sessionId) as CommentRow[];
    return rows.map(toComment);
  }

  /** How many comments the session holds. */
  commentCount(sessionId: string): number {
    return (this.stmt('SELECT COUNT(*) AS n FROM comments WHERE session_id = ?').get(sessionId) as { n: number }).n;
  }

  // ---- archives -------------------------------------------------------------------------------

  /**
   * Everything the session holds, as an archive's parts (see server/ingest/archive.ts), read in
   * one read transaction: one moment's state, whatever is written meanwhile. Undefined when there
   * is no such session. Tracker states are not in it (a pipeline rebuilds them from the frames).
   * Frames keep their landmarks as the stored JSON text (StoredFrame): an export writes it as is.
   */
  archiveRows(sessionId: string): StoredArchiveParts | undefined {
    return this.transaction(() => {
      const src = readArchiveRows(this.db, sessionId);
      return src && readWhole(src);
    });
  }

  /**
   * The session's archive rows for an export, or undefined when there is no such session. On a
   * file store they are read from a read-only connection of the export's own, inside a read
   * transaction that WAL keeps at this moment's state (whatever this connection writes
   * meanwhile) until `close`; the lists are read a page at a time as they are walked, so the
   * event loop is held a page at a time, not for the whole session. An in-memory store has one
   * connection: its rows are read whole now (archiveRows).
   */
  openArchive(sessionId: string): OpenArchive | undefined {
    if (this.file === ':memory:') {
      const rows = this.archiveRows(sessionId);
      return rows && { rows, close: () => undefined };
    }
    const db = new Database(this.file, { readonly: true, fileMustExist: true, timeout: 1000 });
    try {
      db.exec('BEGIN');
      const rows = readArchiveRows(db, sessionId); // its first read starts the snapshot
      if (!rows) {
        db.close();
        return undefined;
      }
      this.readers.add(db);
      return { rows, close: () => { if (this.readers.delete(db)) db.close(); } };
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * From now on the WAL is checkpointed on a worker thread (a file store; see checkpointer.ts),
   * not inside this connection's commits; stop it before close. Undefined for an in-memory
   * store, or where no worker starts (SQLite's own checkpoint then goes on as before). Should
   * the worker end unasked, SQLite's usual automatic checkpoint comes back and `log` hears of it.
   */
  checkpointAside(opts: { log?: (msg: string) => void; start?: typeof startCheckpointer } = {}): Checkpointer | undefined {
    if (this.file === ':memory:') return undefined;
    const c = (opts.start ?? startCheckpointer)(this.file, {
      // A lost worker: SQLite's usual automatic checkpoint again (the 25,000-page fallback would
      // copy ~100 MiB inside one live turn's commit), said in the server's log.
      onLost: (why) => {
        if (!this.db.open) return;
        this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
        opts.log?.(`warning: WAL checkpoints run in the store's commits again (${why.message})`);
      },
    });
    if (c) this.db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    return c;
  }

  /** How many exports hold a connection (openArchive) now. */
  get openArchives(): number {
    return this.readers.size;
  }

  /** archiveRows with the frames' landmarks parsed: the archive's parts as the document holds them. */
  archiveParts(sessionId: string): ArchiveParts | undefined {
    const rows = this.archiveRows(sessionId);
    return rows && documentParts(rows);
  }

  /**
   * Stores an archive (checked: see parseArchive) as the new session `sessionId`, in one
   * transaction (importSteps, run to the end at once).
   */
  importArchive(sessionId: string, title: string, a: StoredArchiveParts): void {
    this.transaction(() => {
      for (const _ of this.importSteps(sessionId, title, a)) { /* every slice, in this one transaction */ }
    });
  }

  /**
   * Stores an archive (checked: see parseArchive) as the new session `sessionId`, one slice of
   * rows (IMPORT_SLICE) per step, each step its own short transaction, so the caller can let
   * the event loop turn between steps. Every row gets an id of this store, and every id the
   * archive's parts name is mapped to it (a signal's turn and frame, a cue's evidence, a
   * verdict's cue, a label's frame). Turns keep their numbers (seq); the session its title
   * (`title`) and creation time. Frames' landmarks come as checked JSON text (StoredFrame).
   * Until the last step the session is marked `importing` and no reader sees it (getSession,
   * the list, the counts, the exports); the last step makes it visible. A caller that stops
   * before the end (a refusal, an error, the server stopping) deletes what was stored with
   * discardImport; a store opened after a crash deletes it (discardUnfinishedImports).
   */
  *importSteps(sessionId: string, title: string, a: StoredArchiveParts): Generator<void, void, undefined> {
    const step = (fn: () => void): void => this.transaction(fn);
    step(() => {
      this.stmt('INSERT INTO sessions (id, title, created_at, demo, importing) VALUES (?, ?, ?, 0, 1)').run(sessionId, title, a.session.createdAt);
      this.forgetParticipants(sessionId);
      const participant = this.stmt('INSERT INTO participants (session_id, name, role, ord) VALUES (?, ?, ?, ?)');
      a.participants.forEach((p, i) => participant.run(sessionId, p.name, p.role, i));
    });
    yield;
    /** Runs `each` on `rows` in steps of `size`, yielding between them. */
    const sliced = function* <T>(rows: readonly T[], size: number, each: (row: T) => void): Generator<void, void, undefined> {
      for (let i = 0; i < rows.length; i += size) {
        step(() => {
          for (let k = i; k < Math.min(i + size, rows.length); k++) each(rows[k]!);
        });
        yield;
      }
    };
    const turns = new Map<number, number>();
    const turn = this.stmt(
      `INSERT INTO utterances (session_id, seq, speaker, role, text, start_ms, end_ms, received_at, client_turn_id, search_text, search_lang, original_text, original_speaker, edited_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    yield* sliced(a.utterances, IMPORT_SLICE.rows, (u) => {
      const info = turn.run(
        sessionId, u.seq, u.speaker, u.role, u.text, u.startMs, u.endMs, u.receivedAt, u.clientTurnId ?? null,
        searchForm(u.text), searchLang(u.text), u.originalText ?? null, u.originalSpeaker ?? null, u.editedAt ?? null,
      );
      turns.set(u.id, Number(info.lastInsertRowid));
    });
    this.lastSeqs.delete(sessionId);
    const frames = new Map<number, number>();
    const frame = this.stmt(
      `INSERT INTO frames (session_id, participant, media_ms, source, persons, aspect, poses_json, person_json, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    yield* sliced(a.frames, IMPORT_SLICE.frames, (f) => {
      frames.set(f.id, Number(frame.run(sessionId, f.participant, f.mediaMs, f.source, f.persons, f.aspect, f.posesJson, f.personJson, f.receivedAt).lastInsertRowid));
    });
    const mapped = (m: Map<number, number>, old: number | null) => (old === null ? null : need(m, old));
    const signals = new Map<number, number>();
    const signal = this.stmt(
      `INSERT INTO signals (session_id, kind, participant, utterance_id, frame_id, label, score, scores_json, features_json,
                            media_ms, started_ms, ended_ms, source, model_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    yield* sliced(a.signals, IMPORT_SLICE.rows, (s) => {
      const info = signal.run(
        sessionId, s.kind, s.participant, mapped(turns, s.utteranceId), mapped(frames, s.frameId), s.label, s.score, JSON.stringify(s.scores),
        JSON.stringify(s.features), s.mediaMs, s.startedMs, s.endedMs, s.source, s.modelVersion,
      );
      signals.set(s.id, Number(info.lastInsertRowid));
    });
    yield* sliced(a.cues, IMPORT_SLICE.rows, (c) => {
      const evidence = c.evidence.map((e) => ({ ...e, signalId: need(signals, e.signalId), utteranceId: mapped(turns, e.utteranceId), frameId: mapped(frames, e.frameId) }));
      this.addCue({ ...c, sessionId, evidence });
    });
    yield* sliced(a.corrections, IMPORT_SLICE.rows, (c) => this.setCorrection({ ...c, sessionId, utteranceId: need(turns, c.utteranceId) }));
    // Keyed by moment: the imported cue at that moment is the one the verdict was on.
    yield* sliced(a.cueReviews, IMPORT_SLICE.rows, (r) => this.setCueReview({ sessionId, cueType: r.cueType, mediaMs: r.mediaMs, verdict: r.verdict, note: r.note, reviewedAt: r.reviewedAt }));
    const label = this.stmt('INSERT INTO posture_labels (frame_id, session_id, participant, labels_json, note, labelled_at) VALUES (?, ?, ?, ?, ?, ?)');
    yield* sliced(a.postureLabels, IMPORT_SLICE.rows, (l) => label.run(need(frames, l.frameId), sessionId, l.participant, JSON.stringify(inFrameLabelOrder(l.labels)), l.note, l.labelledAt));
    const comment = this.stmt('INSERT INTO comments (session_id, media_ms, text, author, created_at, edited_at) VALUES (?, ?, ?, ?, ?, ?)');
    yield* sliced(a.comments, IMPORT_SLICE.rows, (c) => comment.run(sessionId, c.mediaMs, c.text, c.author, c.createdAt, c.editedAt));
    // An archive from before has none: the copy's thresholds are not known.
    step(() => {
      for (const th of a.signalThresholds ?? []) this.noteThresholds(sessionId, thresholdsKey(th));
    });
    // Visible from here, all of it at once.
    step(() => this.stmt('UPDATE sessions SET importing = 0 WHERE id = ?').run(sessionId));
    this.sessionRows.delete(sessionId);
  }

  /**
   * Deletes what an unfinished import (importSteps) stored of `sessionId`, a slice per step (a
   * refused 20,000-frame import is deleted without holding the loop); nothing when that session
   * is not being imported. Run every step (discardImport's caller may let the loop turn between).
   */
  *discardImportSteps(sessionId: string): Generator<void, void, undefined> {
    const importing = () => this.stmt('SELECT 1 FROM sessions WHERE id = ? AND importing = 1').get(sessionId) !== undefined;
    if (!importing()) return;
    for (const table of SESSION_TABLES) {
      const del = this.stmt(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE session_id = ? LIMIT ${IMPORT_SLICE.rows})`);
      while (this.transaction(() => del.run(sessionId).changes) > 0) yield;
    }
    this.stmt('DELETE FROM sessions WHERE id = ? AND importing = 1').run(sessionId);
    this.forgetParticipants(sessionId);
    this.lastSeqs.delete(sessionId);
    this.notedThresholds.delete(sessionId);
  }

  /** discardImportSteps at once. */
  discardImport(sessionId: string): void {
    for (const _ of this.discardImportSteps(sessionId)) { /* every slice */ }
  }

  /** Deletes every session an import left unfinished (the server stopped or crashed under it). */
  discardUnfinishedImports(): void {
    const ids = (this.stmt('SELECT id FROM sessions WHERE importing = 1').all() as { id: string }[]).map((r) => r.id);
    for (const id of ids) this.discardImport(id);
  }

  // ---- search (GET /api/search; server/search/search.ts walks these) ---------------------------

  /**
   * The first session at or after `from` in search order (newest first: created_at, then rowid,
   * both descending, as listSessions orders them; `inclusive` false: strictly after), only
   * `sessionId` when given; never a session still being imported (sessions.importing). Undefined
   * when none is left.
   */
  searchSession(from: SearchPlace | null, inclusive: boolean, sessionId: string | null): SearchSessionRow | undefined {
    const where = from === null ? '1' : inclusive ? '(created_at < @c OR (created_at = @c AND rowid <= @r))' : '(created_at < @c OR (created_at = @c AND rowid < @r))';
    return this.stmt(
      `SELECT rowid AS rowid, id, title, created_at AS createdAt FROM sessions
        WHERE importing = 0 AND (@sid IS NULL OR id = @sid) AND ${where} ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    ).get({ sid: sessionId, c: from?.createdAt ?? 0, r: from?.rowid ?? 0 }) as SearchSessionRow | undefined;
  }

  /**
   * One window of a session's turns for search: the next `window` turns after `afterSeq` (in
   * turn order) are read, and of them those the filter keeps, at most `limit`. `lastSeq`: the
   * last turn of the window (null: none was left), where the next window starts. Reads at most
   * `window` turns however few match: the caller bounds the time one call holds the thread.
   * `lastSeq` is null too when the window was not full (the session holds no more).
   */
  searchWindow(sessionId: string, afterSeq: number, window: number, f: SearchFilter, limit: number): { rows: SearchTurnRow[]; lastSeq: number | null } {
    const last = this.stmt('SELECT MAX(seq) AS seq, COUNT(*) AS n FROM (SELECT seq FROM utterances WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?)')
      .get(sessionId, afterSeq, window) as { seq: number | null; n: number };
    if (last.seq === null) return { rows: [], lastSeq: null };
    const rows = this.stmt(
      `SELECT u.id, u.seq, u.speaker, u.role, u.text, u.start_ms AS startMs, u.end_ms AS endMs,
              s.label AS signalLabel, s.score AS signalScore, c.label AS coachLabel
         FROM utterances u
         LEFT JOIN signals s ON s.id = (SELECT MIN(x.id) FROM signals x WHERE x.utterance_id = u.id AND x.kind = 'verbal')
         LEFT JOIN corrections c ON c.utterance_id = u.id
        WHERE u.session_id = @sid AND u.seq > @after AND u.seq <= @last
          AND (@q IS NULL OR instr(u.search_text, @q) > 0)
          AND (@role IS NULL OR u.role = @role)
          AND (@lang IS NULL OR u.search_lang = @lang OR (@lang = 'zh' AND u.search_lang = 'mixed'))
          AND (@label IS NULL OR s.label = @label OR (@label = 'neutral' AND u.role = 'customer' AND s.id IS NULL))
          AND (@coach IS NULL OR c.label = @coach OR (@coach = 'none' AND c.utterance_id IS NULL))
          AND (@under IS NULL OR s.score < @under)
        ORDER BY u.seq LIMIT @limit`,
    ).all({
      sid: sessionId, after: afterSeq, last: last.seq, q: f.text, role: f.role, lang: f.lang, label: f.label, coach: f.coachLabel,
      under: f.scoreBelow, limit,
    }) as SearchTurnRow[];
    // A window short of full was the session's last.
    return { rows, lastSeq: last.n < window ? null : last.seq };
  }

  /** Drops derived data (signals, cues) so a session can be analysed again. */
  clearAnalysis(sessionId: string): void {
    this.stmt('DELETE FROM cues WHERE session_id = ?').run(sessionId);
    this.stmt('DELETE FROM signals WHERE session_id = ?').run(sessionId);
    this.stmt('DELETE FROM analysis_thresholds WHERE session_id = ?').run(sessionId);
    this.notedThresholds.delete(sessionId);
  }
}

/**
 * The new id of an archive's row (importArchive); a name the archive does not hold throws, so
 * the import rolls back (parseArchive refuses such an archive first; SQLite would have given a
 * NULL primary key a fresh id).
 */
function need(ids: Map<number, number>, old: number): number {
  const id = ids.get(old);
  if (id === undefined) throw new Error(`the archive names id ${old}, which it does not hold`);
  return id;
}

/**
 * Opens `file` (a small SQLite file of its own) and takes its exclusive lock, kept until the
 * connection closes or the process ends; a second holder waits a second, then SQLITE_BUSY (in use).
 */
function holdLock(file: string): Database.Database {
  let lock: Database.Database | undefined;
  try {
    lock = new Database(file, { timeout: 1000 });
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
    return lock;
  } catch (err) {
    lock?.close();
    // Named, or the refusal names only the database, which did open (openError keeps the code).
    // Whichever step fails: a lock file SQLite cannot use may fail at the open or at the first
    // statement (a folder in its place opens read-only on some runs and fails at BEGIN).
    // Not `instanceof Error`: better-sqlite3's native side makes its SqliteError in the realm that
    // first loaded it, so under jest (a realm per test file, one native module per worker) a later
    // file's errors fail instanceof and went unnamed (CI, session 20).
    if (isErrorLike(err) && !err.message.startsWith(`${file}: `)) err.message = `${file}: ${err.message}`;
    throw err;
  }
}

/** Marks `key` as just used (last in the map's order); returns its value. */
function touch<V>(m: Map<string, V>, key: string, value: V): V {
  m.delete(key);
  m.set(key, value);
  return value;
}

/** Remembers a value, dropping the least recently used beyond CACHED_SESSIONS; returns it. */
function remember1<V>(m: Map<string, V>, key: string, value: V): V {
  m.set(key, value);
  if (m.size > CACHED_SESSIONS) m.delete(m.keys().next().value!);
  return value;
}

/** What went wrong opening the file, said so a user knows what to do. */
function openError(file: string, err: unknown): Error {
  if (err instanceof StoreOpenError) return err;
  // better-sqlite3 gives the extended code (SQLITE_READONLY_DIRECTORY, SQLITE_IOERR_WRITE, …).
  const raw = (err as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw.replace(/^(SQLITE_[A-Z]+)_.*$/, '$1') : undefined;
  const detail = isErrorLike(err) ? err.message : String(err);
  const other = 'start with another --db file';
  if (code === 'SQLITE_NOTADB') {
    return new StoreOpenError(file, 'not_sqlite', `${file} is not a SQLite database (${detail}): ${other}, or move this file away to start an empty store there`);
  }
  if (code === 'SQLITE_CORRUPT') {
    return new StoreOpenError(file, 'corrupt', `${file} is damaged (${detail}): restore it from a backup, or ${other}`);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreOpenError(
      file, 'in_use',
      `${file} is in use by another process (another buying-signals server?): stop that one, or ${other}`,
    );
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code === 'EACCES' || code === 'EROFS' || code === 'SQLITE_IOERR') {
    return new StoreOpenError(
      file, code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR' ? 'cannot_open' : 'read_only',
      `cannot open ${file} for writing (${detail}): the file and its folder must be writable (SQLite keeps -wal and -shm files beside it); ${other}`,
    );
  }
  return err instanceof Error ? err : new Error(detail);
}

/** An error from any realm (see holdLock): an object with a string message. */
export function isErrorLike(err: unknown): err is { message: string; code?: unknown } {
  return typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string';
}

function toUtterance(r: UtteranceRow): Utterance {
  return {
    id: r.id, sessionId: r.session_id, seq: r.seq, speaker: r.speaker, role: r.role, text: r.text,
    startMs: r.start_ms, endMs: r.end_ms, receivedAt: r.received_at, ...editHistory(r),
  };
}

/** A corrected turn's first words and speaker and the time of its last edit; nothing for a turn never edited. */
function editHistory(r: Pick<UtteranceRow, 'original_text' | 'original_speaker' | 'edited_at'>): Pick<Utterance, 'originalText' | 'originalSpeaker' | 'editedAt'> {
  if (r.edited_at === null || r.original_text === null || r.original_speaker === null) return {};
  return { originalText: r.original_text, originalSpeaker: r.original_speaker, editedAt: r.edited_at };
}
