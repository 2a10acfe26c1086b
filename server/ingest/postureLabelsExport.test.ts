// The posture labels export's rows: which person's landmarks (the one a track starting on the
// frame follows), the landmarks as stored, the model's labels in order without nodding, and the
// field order protocol.md gives.
import type { PoseIn } from '../../protocol/protocol';
import type { PostureLabelsForExport } from '../store/sqliteStore';
import { chosenPose, postureLabelsLine, postureLabelsRow } from './postureLabelsExport';

/** A person standing around (cx, cy), `w` × `h` of the image; landmarks with z and score only when `full`. */
function person(cx: number, cy: number, w: number, h: number, full = false): PoseIn {
  return {
    landmarks: Array.from({ length: 33 }, (_, k) => ({
      x: cx + (((k % 5) - 2) / 4) * w,
      y: cy + (k / 32 - 0.5) * h,
      ...(full ? { z: -0.1 * (k % 3), score: 0.95 } : {}),
    })),
  };
}

const big = person(0.5, 0.5, 0.4, 0.8, true);
const small = person(0.85, 0.5, 0.15, 0.4);

function row(over: Partial<PostureLabelsForExport> = {}): PostureLabelsForExport {
  return {
    labels: { sessionId: 's1', frameId: 812, participant: 'Li', mediaMs: 64_200, labels: ['leaning_forward', 'open_palms'], note: null, labelledAt: 1_764_484_134_000 },
    source: 'browser', poses: [small, big], aspect: 4 / 3, person: null,
    modelLabels: ['nodding', 'open_palms', 'arms_crossed'], modelVersion: 'posture-20261129-3df00d1d',
    ...over,
  };
}

describe('posture labels export rows', () => {
  it('takes the largest, most central person without a pointed box, and the one pointed at with one (two poses)', () => {
    expect(chosenPose(row())).toBe(1);
    expect(postureLabelsRow(row()).landmarks).toEqual(big.landmarks);
    const box = { xMin: 0.75, yMin: 0.25, width: 0.2, height: 0.5 };
    expect(chosenPose(row({ person: box }))).toBe(0);
    expect(postureLabelsRow(row({ person: box })).landmarks).toEqual(small.landmarks);
    // Landmarks as stored: no z or score where the frame had none.
    expect(postureLabelsRow(row({ person: box })).landmarks[0]).toEqual({ x: small.landmarks[0]!.x, y: small.landmarks[0]!.y });
    expect(postureLabelsRow(row()).landmarks[1]).toEqual({ x: big.landmarks[1]!.x, y: big.landmarks[1]!.y, z: -0.1, score: 0.95 });
  });

  it('writes the fields in the documented order: model labels in POSTURE_FRAME_LABELS order without nodding, note and aspect only when present', () => {
    const line = postureLabelsLine(row({ labels: { ...row().labels, note: 'leans in over the brochure' } }));
    expect(line.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'landmarks', 'aspect', 'labels', 'model_labels', 'model_version', 'role', 'session', 'participant', 'frame', 'media_ms', 'source', 'note', 'labelled_at',
    ]);
    expect(parsed).toMatchObject({
      aspect: 4 / 3, labels: ['leaning_forward', 'open_palms'], model_labels: ['arms_crossed', 'open_palms'], model_version: 'posture-20261129-3df00d1d',
      role: 'customer', session: 's1', participant: 'Li', frame: 812, media_ms: 64_200, source: 'browser', note: 'leans in over the brochure', labelled_at: 1_764_484_134_000,
    });
    const bare = postureLabelsRow(row({ aspect: undefined, modelLabels: [], modelVersion: null, source: 'server' }));
    expect(bare).not.toHaveProperty('aspect');
    expect(bare).not.toHaveProperty('note');
    expect(bare).toMatchObject({ model_labels: [], model_version: null, source: 'server' });
  });
});
