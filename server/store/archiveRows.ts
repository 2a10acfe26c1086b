// A session's rows as an archive's parts (server/ingest/archive.ts), read from a connection a
// page at a time: the session and its participants at once, each list lazily, by its key, in
// pages. On the store's own connection the lists are read whole inside one transaction (an
// in-memory store has no other); on a read-only connection of its own, inside a read
// transaction held while the document is sent, WAL keeps that transaction's snapshot while the
// store's connection goes on writing, so the pages are one moment's state. See archiveReader.ts.
import type Database from 'better-sqlite3';
import type { Bilingual, CueEvidence, Participant, PostureFrameLabel, PostureSignalLabel, VerbalLabel } from '../../protocol/protocol';
import type { StoredArchiveParts } from '../ingest/archive';

/** Rows read per page of a long list (frames, at ~1.8 KB of landmarks each, the bulk of an archive). */
export const ARCHIVE_READ_PAGE = 250;

/** StoredArchiveParts with each list an Iterable (read as it is walked). */
export type ArchiveRowSource = {
  [K in keyof StoredArchiveParts]: K extends 'participants' ? StoredArchiveParts[K] : StoredArchiveParts[K] extends readonly (infer T)[] ? Iterable<T> : StoredArchiveParts[K];
};

type Row = Record<string, unknown>;

/**
 * Pages of `SELECT … WHERE session_id = ? AND key > ? ORDER BY key LIMIT ?` (keys are whole
 * numbers >= 1), each row mapped; the statement is prepared when the list is first walked.
 */
function* paged<T>(db: Database.Database, sql: string, sessionId: string, key: string, map: (r: Row) => T, page: number): Generator<T> {
  const stmt = db.prepare(sql);
  let after = 0;
  for (;;) {
    const rows = stmt.all(sessionId, after, page) as Row[];
    for (const r of rows) yield map(r);
    if (rows.length < page) return;
    after = rows[rows.length - 1]![key] as number;
  }
}

/**
 * The session's archive rows from `db`, or undefined when it holds no such (visible) session.
 * The session row and participants are read now; the lists when walked, in that order. Every
 * read must happen inside one transaction on `db` for the parts to be one moment's state.
 */
export function readArchiveRows(db: Database.Database, sessionId: string, page = ARCHIVE_READ_PAGE): ArchiveRowSource | undefined {
  const session = db.prepare('SELECT id, title, created_at FROM sessions WHERE id = ? AND importing = 0').get(sessionId) as { id: string; title: string; created_at: number } | undefined;
  if (!session) return undefined;
  const participants = db.prepare('SELECT name, role FROM participants WHERE session_id = ? ORDER BY ord').all(sessionId) as Participant[];
  const list = <T>(table: string, key: string, map: (r: Row) => T, extra = ''): Iterable<T> => ({
    [Symbol.iterator]: () => paged(db, `SELECT ${table}.*${extra} FROM ${table} WHERE session_id = ? AND ${key} > ? ORDER BY ${key} LIMIT ?`, sessionId, key, map, page),
  });
  const json = <T>(v: unknown): T => JSON.parse(v as string) as T;
  return {
    session: { id: session.id, title: session.title, createdAt: session.created_at },
    participants,
    utterances: list('utterances', 'seq', (r) => ({
      id: r.id as number, seq: r.seq as number, speaker: r.speaker as string, role: r.role as Participant['role'], text: r.text as string,
      startMs: r.start_ms as number, endMs: r.end_ms as number, receivedAt: r.received_at as number,
      ...(r.client_turn_id !== null ? { clientTurnId: r.client_turn_id as string } : {}),
      // A turn a coach corrected: its first words and speaker and when (all three, or none).
      ...(r.edited_at !== null && r.original_text !== null && r.original_speaker !== null
        ? { originalText: r.original_text as string, originalSpeaker: r.original_speaker as string, editedAt: r.edited_at as number }
        : {}),
    })),
    frames: list('frames', 'id', (r) => ({
      id: r.id as number, participant: r.participant as string, mediaMs: r.media_ms as number, source: r.source as 'browser' | 'server', persons: r.persons as number,
      aspect: r.aspect as number | null, posesJson: r.poses_json as string, personJson: r.person_json as string | null, receivedAt: r.received_at as number,
    })),
    signals: list('signals', 'id', (r) => ({
      id: r.id as number, kind: r.kind as 'verbal' | 'posture', participant: r.participant as string, utteranceId: r.utterance_id as number | null, frameId: r.frame_id as number | null,
      label: r.label as VerbalLabel | PostureSignalLabel, score: r.score as number,
      scores: json<Partial<Record<VerbalLabel, number>>>(r.scores_json), features: json<Record<string, number>>(r.features_json),
      mediaMs: r.media_ms as number, startedMs: r.started_ms as number, endedMs: r.ended_ms as number | null, source: r.source as 'browser' | 'server', modelVersion: r.model_version as string,
    })),
    cues: list('cues', 'id', (r) => ({
      id: r.id as number, type: r.type as never, reason: r.reason as never, mediaMs: r.media_ms as number, score: r.score as number, technique: r.technique as never,
      evidence: json<CueEvidence[]>(r.evidence_json), title: json<Bilingual>(r.title_json), tip: json<Bilingual>(r.tip_json),
      modelVersion: r.model_version as string, inputReceivedAt: r.input_received_at as number, emittedAt: r.emitted_at as number,
    })),
    corrections: list('corrections', 'utterance_id', (r) => ({
      utteranceId: r.utterance_id as number, label: r.label as VerbalLabel, note: r.note as string | null, correctedAt: r.corrected_at as number,
    })),
    // Verdicts are few (one per cue moment) and keyed by moment: read at once, in the store's order.
    cueReviews: {
      [Symbol.iterator]: () => (db.prepare(
        `SELECT r.*, (SELECT MIN(x.id) FROM cues x WHERE x.session_id = r.session_id AND x.type = r.cue_type AND x.media_ms = r.media_ms) AS cue_id
           FROM cue_reviews r WHERE r.session_id = ? ORDER BY r.media_ms, r.cue_type`,
      ).all(sessionId) as Row[]).map((r) => ({
        cueType: r.cue_type as never, mediaMs: r.media_ms as number, cueId: r.cue_id as number | null, verdict: r.verdict as never, note: r.note as string | null, reviewedAt: r.reviewed_at as number,
      }))[Symbol.iterator](),
    },
    postureLabels: list('posture_labels', 'frame_id', (r) => ({
      frameId: r.frame_id as number, participant: r.participant as string, labels: json<PostureFrameLabel[]>(r.labels_json), note: r.note as string | null, labelledAt: r.labelled_at as number,
    })),
    comments: list('comments', 'id', (r) => ({
      id: r.id as number, mediaMs: r.media_ms as number, text: r.text as string, author: r.author as string | null, createdAt: r.created_at as number, editedAt: r.edited_at as number | null,
    })),
    // A few rows (one per set of thresholds): read at once.
    signalThresholds: (db.prepare('SELECT thresholds_json FROM analysis_thresholds WHERE session_id = ? ORDER BY thresholds_json').all(sessionId) as Row[]).map((r) => json<Record<string, number>>(r.thresholds_json)),
  };
}

/** Every list of `src` read into an array (inside the caller's transaction). */
export function readWhole(src: ArchiveRowSource): StoredArchiveParts {
  return {
    session: src.session, participants: src.participants,
    utterances: [...src.utterances], frames: [...src.frames], signals: [...src.signals], cues: [...src.cues],
    corrections: [...src.corrections], cueReviews: [...src.cueReviews], postureLabels: [...src.postureLabels], comments: [...src.comments],
    ...(src.signalThresholds !== undefined ? { signalThresholds: src.signalThresholds } : {}),
  };
}
