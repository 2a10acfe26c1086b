// Sessions with coaches' posture labels on a customer's stored frames, and the tiny posture
// recipe, for the tests that train a posture model on them (HTTP, the HTTP fuzz, the browser):
// the frames sent as landmarks, then labelled.
import type { PostureFrameLabel } from '../../protocol/protocol';
import { ARMS, posture, view } from '../../server/signals/posture/testkit';
import { isHeldOut } from '../../server/training/holdOut';
import { holdOutGroup } from '../../server/training/postureRows';
import { api } from './harness';

/** A recipe of seconds: one member, two epochs, a few hundred synthetic examples, a narrow net. */
export const TINY_POSTURE_RECIPE = { trainExamples: 400, validationExamples: 200, epochs: 2, members: 1, hidden: [16] };

export const POSES = { crossed: posture(ARMS.crossed), open: posture(ARMS.openPalm, 15), relaxed: posture(ARMS.hanging) };
export const LABELS: [keyof typeof POSES, PostureFrameLabel[]][] = [['crossed', ['arms_crossed']], ['open', ['leaning_forward', 'open_palms']], ['relaxed', ['neutral']]];

/**
 * A new session whose customer Li has `n` labelled frames, one every 20 s (each its own hold-out
 * moment), cycling through `cycle` (LABELS: every kind, neutral too), and `unmeasurable` more
 * whose shoulders are unseen; its id.
 */
export async function labelledFrames(base: string, n: number, unmeasurable = 0, cycle = LABELS): Promise<string> {
  const id = (await api(base, 'POST', '/api/sessions', { title: 'postures', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] })).body.session.id as string;
  const frames = Array.from({ length: n + unmeasurable }, (_, k) => {
    const landmarks = view(POSES[cycle[k % cycle.length]![0]]).landmarks.map((l, i) => ({ x: l.x, y: l.y, z: l.z, score: k >= n && (i === 11 || i === 12) ? 0 : l.score }));
    return { participant: 'Li', mediaMs: k * 20_000, poses: [{ landmarks }], aspect: 4 / 3 };
  });
  for (let k = 0; k < frames.length; k += 32) expect((await api(base, 'POST', `/api/sessions/${id}/landmarks`, frames.slice(k, k + 32))).status).toBe(201);
  for (let k = 0; k < frames.length; k++) {
    expect((await api(base, 'PUT', `/api/sessions/${id}/posture-labels`, { participant: 'Li', mediaMs: k * 20_000, labels: cycle[k % cycle.length]![1] })).status).toBe(200);
  }
  return id;
}

/**
 * As labelledFrames, drawn again (a new session) until a job of this hold-out `percent` and
 * `seed` keeps at least one of its `n` measurable frames out: the split hashes the session's
 * random id, and 20 moments at 20 % leave none out once in about 90 sessions (0.8^20).
 */
export async function labelledFramesHeldOut(base: string, n: number, percent: number, seed: number, unmeasurable = 0): Promise<string> {
  for (let tries = 0; tries < 5; tries++) {
    const id = await labelledFrames(base, n, unmeasurable);
    const held = Array.from({ length: n }, (_, k) => isHeldOut(holdOutGroup({ session: id, participant: 'Li', media_ms: k * 20_000 }), percent, seed));
    if (held.includes(true)) return id;
  }
  throw new Error(`five sessions of ${n} frames held none out at ${percent} % (seed ${seed})`);
}
