// The posture comparison's changed frames (measurePostureComparison) with two fake classifiers
// that disagree: each changed frame names its session by id and by the title the store gave
// with its frames, and the answer is of the protocol's shape.
import { PostureComparisonSchema } from '../../protocol/compare';
import type { PostureFrameLabel } from '../../protocol/protocol';
import { MODEL_LABELS } from '../signals/posture/types';
import type { PostureClassifier } from '../signals/posture/model';
import { ARMS, posture, view } from '../signals/posture/testkit';
import type { PostureLabelsForExport } from '../store/sqliteStore';
import { measurePostureComparison } from './postureComparison';

const pose = { landmarks: view(posture(ARMS.hanging)).landmarks.map((l) => ({ x: l.x, y: l.y, z: l.z, score: l.score })) };

/** A classifier scoring every label `p` for every frame: 0 judges a frame neutral, 1 every label present. */
const fake = (version: string, p: number): PostureClassifier => ({
  version,
  thresholds: Object.fromEntries(MODEL_LABELS.map((l) => [l, 0.5])) as PostureClassifier['thresholds'],
  predict: (features) => features.map(() => Object.fromEntries(MODEL_LABELS.map((l) => [l, p])) as ReturnType<PostureClassifier['predict']>[number]),
  dispose: () => undefined,
});

const frame = (n: number, sessionId: string, sessionTitle: string | undefined, labels: PostureFrameLabel[]): PostureLabelsForExport => ({
  labels: { sessionId, frameId: n, participant: 'Li', mediaMs: n * 20_000, labels, note: null, labelledAt: 1000 + n },
  source: 'browser', poses: [pose], aspect: 4 / 3, person: null, modelLabels: [], modelVersion: null,
  ...(sessionTitle !== undefined ? { sessionTitle } : {}),
});

describe('measurePostureComparison: changed frames', () => {
  it('each names its session by id and title (null when the store gave none)', async () => {
    const labels = [
      frame(1, 's1', 'Acme renewal', ['neutral']),
      frame(2, 's1', 'Acme renewal', ['neutral']),
      frame(3, 's2', '周五 谈判', ['neutral']),
      frame(4, 's3', undefined, ['neutral']),
    ];
    const none = () => ({ kind: 'none' as const });
    const answer = await measurePostureComparison(
      { session: null, postureLabels: labels, a: { id: 'base', classifier: fake('posture-a', 0), dir: '' }, b: { id: 'lib/b', classifier: fake('posture-b', 1), dir: '' }, trainedSet: none },
      { inline: true },
    );
    const parsed = PostureComparisonSchema.parse(answer);
    expect(parsed.changedTotal).toBe(4);
    expect(parsed.changed.map((c) => [c.change, c.session, c.sessionTitle, c.mediaMs])).toEqual([
      ['broken', 's1', 'Acme renewal', 20_000],
      ['broken', 's1', 'Acme renewal', 40_000],
      ['broken', 's2', '周五 谈判', 60_000],
      ['broken', 's3', null, 80_000],
    ]);
  });

  it('an answer without titles (an older server) reads as null titles', () => {
    const changed = { change: 'fixed', session: 's1', participant: 'Li', frame: 3, mediaMs: 1, gold: [], a: [], b: [] };
    expect(PostureComparisonSchema.shape.changed.parse([changed])).toEqual([{ ...changed, sessionTitle: null }]);
  });
});
