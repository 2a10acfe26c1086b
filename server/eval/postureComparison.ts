// GET /api/quality/posture/compare: a posture model of the library (B) against the running one
// (A) on the coaches' labelled frames that neither was trained on (a job's trained-frames.json,
// a `train posture --extra` file's rows), the posture counterpart of comparison.ts. The frames
// are read as GET /api/quality reads them (their export parsed as `eval posture` parses it) and
// each is judged by both models as `eval posture` judges a landmark row, a chunk per turn of the
// event loop (a posture model is small and fast); the paired bootstraps run in the quality worker.
import { createHash } from 'node:crypto';
import { COMPARE_CHANGED_MAX, type ChangedFrame, type PostureComparison } from '../../protocol/compare';
import type { LabeledExample } from '../signals/posture/evalStats';
import { judgeLandmarkRow, scoredPostureLabels } from '../signals/posture/evalPosture';
import { parseLabelRows, type PostureLabelRow } from '../signals/posture/labelRows';
import type { PostureClassifier } from '../signals/posture/model';
import type { PostureLabelsForExport } from '../store/sqliteStore';
import { describedModel } from './comparison';
import { frameRight } from './postureCompareFigures';
import { breathe, computePostureCompareFigures, PREDICT_CHUNK, postureExtraOf, postureKey, postureLabelsExport } from './quality';
import { readTrainedFramesResult } from './trainedFrames';
import type { TrainedOnReason } from '../../protocol/quality';
import { trainedSetFrom } from './trainedSet';

export interface PostureComparisonModel {
  /** Its library id ("base", "lib/<folder>"). */
  id: string;
  classifier: PostureClassifier;
  /** Its folder (manifest.json, trained-frames.json). */
  dir: string;
}

/**
 * Which labelled frames a posture model was trained on: none (no coaches' frames), all (an extra
 * file is byte for byte their export), those whose key a list holds (`by`: trained-frames.json's
 * frame keys, or an extra file's landmarks), or unknown (an extra file moved or changed).
 */
export type PostureTrainedSet =
  | { kind: 'none' }
  | { kind: 'all'; heldOutPercent: number | null }
  | { kind: 'keys'; by: 'frame' | 'landmarks'; keys: ReadonlySet<string>; heldOutPercent: number | null }
  | { kind: 'unknown'; heldOutPercent: number | null; reason?: TrainedOnReason };

/** What the posture model in `dir` was trained on of the coaches' frames, as trainedSetOf tells a verbal model's turns. */
export function postureTrainedSetOf(dir: string, exportSha256: string): PostureTrainedSet {
  // No folder recorded (a running model given in memory): nothing to read, so no coaches' frames.
  if (!dir) return { kind: 'none' };
  let byFrame = false;
  const set = trainedSetFrom(postureExtraOf(dir), exportSha256, () => {
    const listed = readTrainedFramesResult(dir);
    byFrame = listed.ok;
    return listed;
  }, (text, file) => parseLabelRows(text, file).map(postureKey));
  // A job's list names frames (session, participant, media time); an extra file's rows are known by their landmarks.
  return set.kind === 'keys' ? { ...set, by: byFrame ? 'frame' : 'landmarks' } : set;
}

export interface PostureComparisonInput {
  session: string | null;
  /** Read whole before the measurement begins (the store as it is when asked). */
  postureLabels: Iterable<PostureLabelsForExport>;
  a: PostureComparisonModel;
  b: PostureComparisonModel;
  signal?: AbortSignal | undefined;
  /** performance.now() when the question came; default: now. */
  startedAt?: number;
  /** What each model was trained on (default: read from its folder); tests give their own. */
  trainedSet?: (dir: string, exportSha256: string) => PostureTrainedSet;
}

/** A posture model as the answer names it: a job's list names frames, an extra file's rows their landmarks. */
function described(m: PostureComparisonModel, set: PostureTrainedSet, rows: readonly PostureLabelRow[], frameKeys: readonly string[]) {
  const keyOf = set.kind === 'keys' && set.by === 'frame' ? (r: PostureLabelRow) => frameKeys[r.line - 1] ?? '' : postureKey;
  return describedModel({ id: m.id, version: m.classifier.version }, set, rows, (keys, r) => keys.has(keyOf(r)));
}

/** The labelled frames as given, each session's title noted in `titles` on the way. */
function* withTitles(labels: Iterable<PostureLabelsForExport>, titles: Map<string, string>): Generator<PostureLabelsForExport> {
  for (const r of labels) {
    if (r.sessionTitle !== undefined) titles.set(r.labels.sessionId, r.sessionTitle);
    yield r;
  }
}

/** The whole answer of GET /api/quality/posture/compare. `inline`: the figures computed on this thread (tests). */
export async function measurePostureComparison(input: PostureComparisonInput, opts: { inline?: boolean } = {}): Promise<PostureComparison> {
  const t0 = input.startedAt ?? performance.now();
  const { signal } = input;
  signal?.throwIfAborted();
  // Each session's title, read with its frames (the export's rows do not hold it): a changed frame names its session by it.
  const titles = new Map<string, string>();
  const { text, rows, exported, frameKeys } = postureLabelsExport(withTitles(input.postureLabels, titles));
  await breathe(signal);
  const sha = createHash('sha256').update(text).digest('hex');
  const setOf = input.trainedSet ?? postureTrainedSetOf;
  const a = described(input.a, setOf(input.a.dir, sha), rows, frameKeys);
  const b = described(input.b, setOf(input.b.dir, sha), rows, frameKeys);
  // Neither trained on it: a model scored on frames it learnt would flatter it.
  const measured = rows.filter((r) => !a.trained(r) && !b.trained(r));
  const head = { session: input.session, a: a.model, b: b.model, stored: rows.length, frames: measured.length };
  if (measured.length === 0) return { ...head, ms: Math.round(performance.now() - t0), noPerson: { a: 0, b: 0 }, perLabel: [], changed: [], changedTotal: 0 };
  const exA: LabeledExample[] = [];
  const exB: LabeledExample[] = [];
  const noPerson = { a: 0, b: 0 };
  for (const [k, row] of measured.entries()) {
    if (k > 0 && k % PREDICT_CHUNK === 0) await breathe(signal);
    const gold = new Set<string>(row.labels);
    // The export holds landmark rows only; a photo row (it never writes one) counts as no person found.
    const judge = (c: PostureClassifier, side: 'a' | 'b') => {
      const predicted = row.kind === 'landmarks' ? judgeLandmarkRow(c, row) : undefined;
      if (!predicted) noPerson[side]++;
      return { gold, pred: new Set<string>(predicted ?? []) };
    };
    exA.push(judge(input.a.classifier, 'a'));
    exB.push(judge(input.b.classifier, 'b'));
  }
  await breathe(signal);
  const labels = scoredPostureLabels(measured);
  const changed: ChangedFrame[] = [];
  for (const change of ['fixed', 'broken'] as const) {
    measured.forEach((row, i) => {
      const aRight = frameRight(exA[i]!, labels);
      if (aRight === frameRight(exB[i]!, labels) || (change === 'fixed') === aRight) return;
      const f = exported[row.line - 1]!;
      const shown = (e: LabeledExample) => labels.filter((l) => e.pred.has(l));
      changed.push({ change, session: f.session, sessionTitle: titles.get(f.session) ?? null, participant: f.participant, frame: f.frame, mediaMs: f.media_ms, gold: [...row.labels], a: shown(exA[i]!), b: shown(exB[i]!) });
    });
  }
  const perLabel = await computePostureCompareFigures({ a: exA, b: exB, labels }, opts.inline, signal);
  return { ...head, ms: Math.round(performance.now() - t0), noPerson, perLabel, changed: changed.slice(0, COMPARE_CHANGED_MAX), changedTotal: changed.length };
}
