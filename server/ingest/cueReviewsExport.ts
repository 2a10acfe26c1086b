// Coaches' verdicts on cues as JSON Lines, one row per verdict: what cue precision on the team's
// own meetings is measured from (useful / (useful + false_alarm), per cue type and reason). Each
// row names its moment and verdict and, when the current analysis emits a cue there, that cue's
// reason, score, technique, model and evidence, so precision can be split by what the cue said.
// A verdict whose cue is no longer emitted (a re-analysis under other roles or models) is kept,
// `emitted: false`: it still says the model once raised a cue there.
import type { CueReason, CueType, CueVerdict, Technique } from '../../protocol/protocol';
import type { CueReviewForExport } from '../store/sqliteStore';

/** One piece of a cue's evidence as exported (ids are left out: they change with every re-analysis). */
export interface CueEvidenceExport {
  kind: 'verbal' | 'posture';
  label: string;
  score: number;
  media_ms: number;
  /** The words (verbal) or a short description of the posture. */
  text: string;
}

/** One exported row; the field order is the order written. */
export interface CueReviewExportRow {
  session: string;
  cue_type: CueType;
  media_ms: number;
  verdict: CueVerdict;
  note?: string;
  reviewed_at: number;
  /** Whether the session's current analysis emits a cue of that type at that media time. */
  emitted: boolean;
  /** With `emitted`, the current cue's: */
  reason?: CueReason;
  score?: number;
  technique?: Technique;
  model_version?: string;
  evidence?: CueEvidenceExport[];
}

export function cueReviewRow({ review, cue }: CueReviewForExport): CueReviewExportRow {
  return {
    session: review.sessionId,
    cue_type: review.cueType,
    media_ms: review.mediaMs,
    verdict: review.verdict,
    ...(review.note !== null ? { note: review.note } : {}),
    reviewed_at: review.reviewedAt,
    emitted: cue !== null,
    ...(cue !== null
      ? {
          reason: cue.reason,
          score: cue.score,
          technique: cue.technique,
          model_version: cue.modelVersion,
          evidence: cue.evidence.map((e) => ({ kind: e.kind, label: e.label, score: e.score, media_ms: e.mediaMs, text: e.text })),
        }
      : {}),
  };
}

/** The rows as JSON Lines, one per line, each ending in a newline; no rows: an empty text. */
export function cueReviewsJsonl(rows: readonly CueReviewForExport[]): string {
  return rows.map((r) => `${JSON.stringify(cueReviewRow(r))}\n`).join('');
}

/** The file name of the export of every session's cue reviews. */
export const ALL_CUE_REVIEWS_DISPOSITION = 'attachment; filename="cue-reviews.jsonl"';
