// The rows of a posture labels file (`eval posture --labels`, `train posture --extra`): each a
// photo (`file`) or one frame's 33 landmarks (`landmarks`, as the server's coach posture-labels
// export writes them, docs/protocol.md), with the gold `labels`. Every row is checked here,
// naming the file, the line and the field, before anything is judged or trained on.
import { LANDMARK_COUNT, LandmarkSchema } from '../../../protocol/protocol';
import { ASPECT_MAX, poseFromLandmarks } from '../pose/fromLandmarks';
import type { Pose } from '../pose/types';
import { POSTURE_LABELS, type PostureLabel } from './types';
import { forEachJsonLine } from '../../eval/jsonLines';

/** A labels file row is malformed; names the file, the line and what is wrong. */
export class PostureEvalError extends Error {
  constructor(readonly source: string, readonly line: number, problem: string) {
    super(`${source}:${line}: ${problem}`);
    this.name = 'PostureEvalError';
  }
}

export interface PhotoRow {
  kind: 'photo';
  file: string;
  labels: PostureLabel[];
  line: number;
}

export interface LandmarkRow {
  kind: 'landmarks';
  /** The row's one pose: the participant (no person selection). Missing `z` is 0, missing `score` 1. */
  pose: Pose;
  /** The frame's width / height, when the row gives it (else features take 1, as for any frame of unknown aspect). */
  aspect?: number;
  labels: PostureLabel[];
  line: number;
}

export type PostureLabelRow = PhotoRow | LandmarkRow;

/**
 * Parses JSON Lines of `{"file", "labels"}` or `{"landmarks", "aspect"?, "labels"}` (other fields
 * allowed and ignored); blank lines are skipped. Throws PostureEvalError at the first bad row.
 */
export function parseLabelRows(text: string, source: string): PostureLabelRow[] {
  const rows: PostureLabelRow[] = [];
  forEachJsonLine(text, (line, problem) => { throw new PostureEvalError(source, line, problem); }, (obj, line) => {
    const fail = (problem: string): never => {
      throw new PostureEvalError(source, line, problem);
    };
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) fail('expected a JSON object');
    const r = obj as Record<string, unknown>;
    const hasFile = r.file !== undefined;
    const hasLandmarks = r.landmarks !== undefined;
    if (hasFile && hasLandmarks) fail('a row holds "file" (a photo) or "landmarks" (one frame\'s 33 landmarks), not both');
    if (!hasFile && !hasLandmarks) fail('field "file" (a photo) or "landmarks" (one frame\'s 33 landmarks) is required');
    const labels = checkLabels(r.labels, fail);
    if (hasFile) {
      if (typeof r.file !== 'string' || !r.file.trim()) fail('field "file" must be a non-empty string');
      rows.push({ kind: 'photo', file: r.file as string, labels, line });
      return;
    }
    const aspect = checkAspect(r.aspect, fail);
    rows.push({ kind: 'landmarks', pose: poseFromLandmarks({ landmarks: checkLandmarks(r.landmarks, fail) }), ...(aspect !== undefined ? { aspect } : {}), labels, line });
  });
  return rows;
}

function checkLabels(labels: unknown, fail: (problem: string) => never): PostureLabel[] {
  if (!Array.isArray(labels) || labels.length === 0) fail('field "labels" must be a non-empty array');
  for (const l of labels as unknown[]) {
    if (!(POSTURE_LABELS as readonly unknown[]).includes(l)) fail(`field "labels": unknown label ${JSON.stringify(l)}; allowed: ${POSTURE_LABELS.join(', ')}`);
  }
  return labels as PostureLabel[];
}

/** Exactly LANDMARK_COUNT landmarks, each as the protocol takes them (LandmarkSchema). */
function checkLandmarks(landmarks: unknown, fail: (problem: string) => never): { x: number; y: number; z?: number; score?: number }[] {
  if (!Array.isArray(landmarks)) fail(`field "landmarks" must be an array of ${LANDMARK_COUNT} landmarks ({"x", "y", "z"?, "score"?})`);
  const list = landmarks as unknown[];
  if (list.length !== LANDMARK_COUNT) fail(`field "landmarks" must hold exactly ${LANDMARK_COUNT} landmarks (BlazePose topology), got ${list.length}`);
  return list.map((l, k) => {
    const parsed = LandmarkSchema.safeParse(l);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? `.${issue.path.join('.')}` : '';
    const problem = issue?.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((x) => JSON.stringify(x)).join(', ')} (a landmark holds x, y, z, score)` : (issue?.message ?? 'invalid');
    return fail(`field "landmarks[${k}]${at}": ${l === null || typeof l !== 'object' || Array.isArray(l) ? 'must be an object {"x", "y", "z"?, "score"?}' : problem}`);
  });
}

/** A positive width / height up to ASPECT_MAX, as a frame's (protocol); absent or null: unknown. */
function checkAspect(aspect: unknown, fail: (problem: string) => never): number | undefined {
  if (aspect === undefined || aspect === null) return undefined;
  if (typeof aspect !== 'number' || !Number.isFinite(aspect) || aspect <= 0 || aspect > ASPECT_MAX) {
    fail(`field "aspect" must be the frame's width / height, a number above 0 and at most ${ASPECT_MAX}, got ${typeof aspect === 'number' ? String(aspect) : JSON.stringify(aspect)}`);
  }
  return aspect;
}
