// Turn ids that make a re-sent utterance recognisable to the server.
import { ClientTurnIdSchema } from '../protocol/protocol';
import { newPlaybackId, turnId } from './resend';

test('a playback id is random per playback', () => {
  const ids = new Set(Array.from({ length: 100 }, () => newPlaybackId()));
  expect(ids.size).toBe(100);
  expect(newPlaybackId((b) => b.fill(0xab))).toBe('pabababababababab');
});

test("a turn's id is the same on every send and differs from the playback's other turns", () => {
  const p = newPlaybackId();
  expect(turnId(p, 3)).toBe(turnId(p, 3));
  expect(turnId(p, 3)).not.toBe(turnId(p, 4));
  expect(turnId(p, 3)).not.toBe(turnId(newPlaybackId(), 3));
});

test('the ids are valid clientTurnIds, up to the 20,000 turns an upload may hold', () => {
  const p = newPlaybackId();
  for (const n of [1, 20_000]) expect(ClientTurnIdSchema.parse(turnId(p, n))).toBe(turnId(p, n));
});
