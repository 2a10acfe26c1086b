// Sessions with coaches' posture labels on a customer's frames, and the tiny posture recipe, for
// the tests that train posture jobs on them over HTTP (the training suite, the HTTP fuzz).
import type { PostureFrameLabel } from '../../protocol/protocol';
import { ARMS, posture, view } from '../../server/signals/posture/testkit';
import { api } from './harness';

/** A recipe of seconds: one member, two epochs, a few hundred synthetic examples, a narrow net. */
export const TINY_POSTURE_RECIPE = { trainExamples: 400, validationExamples: 200, epochs: 2, members: 1, hidden: [16] };

const POSES = { crossed: posture(ARMS.crossed), open: posture(ARMS.openPalm, 15), relaxed: posture(ARMS.hanging) };
const LABELS: [keyof typeof POSES, PostureFrameLabel[]][] = [['crossed', ['arms_crossed']], ['open', ['leaning_forward', 'open_palms']], ['relaxed', ['neutral']]];

/**
 * A new session whose customer Li has `n` labelled frames, one every 20 s (each its own hold-out
 * moment), cycling through LABELS, and `unmeasurable` more whose shoulders are unseen; its id.
 */
export async function labelledFrames(base: string, n: number, unmeasurable = 0): Promise<string> {
  const id = (await api(base, 'POST', '/api/sessions', { title: 'postures', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] })).body.session.id as string;
  const frames = Array.from({ length: n + unmeasurable }, (_, k) => {
    const landmarks = view(POSES[LABELS[k % LABELS.length]![0]]).landmarks.map((l, i) => ({ x: l.x, y: l.y, z: l.z, score: k >= n && (i === 11 || i === 12) ? 0 : l.score }));
    return { participant: 'Li', mediaMs: k * 20_000, poses: [{ landmarks }], aspect: 4 / 3 };
  });
  for (let k = 0; k < frames.length; k += 32) expect((await api(base, 'POST', `/api/sessions/${id}/landmarks`, frames.slice(k, k + 32))).status).toBe(201);
  for (let k = 0; k < frames.length; k++) {
    expect((await api(base, 'PUT', `/api/sessions/${id}/posture-labels`, { participant: 'Li', mediaMs: k * 20_000, labels: LABELS[k % LABELS.length]![1] })).status).toBe(200);
  }
  return id;
}
