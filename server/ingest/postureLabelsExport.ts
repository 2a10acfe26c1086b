// Coaches' posture labels as `eval posture` rows with landmarks (JSON Lines): the team's own
// meetings as data for measuring the posture classifier (`eval posture --labels`) and training
// it (`train posture --extra`). Each row is the labelled frame's landmarks of the participant
// (among several people, the one a track starting on that frame follows: where a user pointed,
// else the largest, most central person), the coach's labels as gold, and what the stored
// analysis said at that moment (`model_*`: the participant's posture signals on then).
import { POSTURE_FRAME_LABELS, type PostureFrameLabel } from '../../protocol/protocol';
import { poseFromLandmarks } from '../signals/pose/fromLandmarks';
import { choosePerson } from '../signals/posture/photo';
import type { PostureLabelsForExport } from '../store/sqliteStore';

/** One landmark as stored: `z` and `score` when the frame had them. */
export interface LandmarkExport {
  x: number;
  y: number;
  z?: number;
  score?: number;
}

/** One exported row; the field order is the order written. */
export interface PostureLabelsExportRow {
  /** The participant's 33 landmarks in the frame, as stored. */
  landmarks: LandmarkExport[];
  /** The frame's width / height, when stored. */
  aspect?: number;
  /** The coach's labels: the gold labels, in POSTURE_FRAME_LABELS order. */
  labels: PostureFrameLabel[];
  /** The participant's stored posture signals on at the frame's media time (nodding left out), in POSTURE_FRAME_LABELS order. */
  model_labels: PostureFrameLabel[];
  /** The posture model of the participant's stored posture signals; null when they have none. */
  model_version: string | null;
  role: 'customer';
  session: string;
  participant: string;
  frame: number;
  media_ms: number;
  source: 'browser' | 'server';
  note?: string;
  labelled_at: number;
}

/** Which of the frame's poses is the participant: the one a track starting on this frame picks (see PostureTracker.update). */
export function chosenPose(r: Pick<PostureLabelsForExport, 'poses' | 'person'>): number {
  return choosePerson(r.poses.map(poseFromLandmarks), r.person ? { box: r.person } : undefined);
}

export function postureLabelsRow(r: PostureLabelsForExport): PostureLabelsExportRow {
  const { labels } = r;
  // Labels go on frames where a person was found: there is always a pose to choose.
  const pose = r.poses[chosenPose(r)]!;
  return {
    landmarks: pose.landmarks.map((l) => ({ x: l.x, y: l.y, ...(l.z !== undefined ? { z: l.z } : {}), ...(l.score !== undefined ? { score: l.score } : {}) })),
    ...(r.aspect !== undefined ? { aspect: r.aspect } : {}),
    labels: labels.labels,
    model_labels: POSTURE_FRAME_LABELS.filter((l) => (r.modelLabels as readonly string[]).includes(l)),
    model_version: r.modelVersion,
    role: 'customer',
    session: labels.sessionId,
    participant: labels.participant,
    frame: labels.frameId,
    media_ms: labels.mediaMs,
    source: r.source,
    ...(labels.note !== null ? { note: labels.note } : {}),
    labelled_at: labels.labelledAt,
  };
}

/** One row as a line of JSON Lines (ending in a newline). */
export function postureLabelsLine(r: PostureLabelsForExport): string {
  return `${JSON.stringify(postureLabelsRow(r))}\n`;
}

/** The file name of the export of every session's posture labels. */
export const ALL_POSTURE_LABELS_DISPOSITION = 'attachment; filename="posture-labels.jsonl"';
