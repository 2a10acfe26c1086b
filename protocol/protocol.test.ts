// The wire schemas at the edge: what a live utterance may carry.
import { LiveUtteranceSchema, UtteranceInSchema, zodToApiError } from './protocol';

const turn = { speaker: 'Bo', text: 'How much is it?', startMs: 4000 };

/** The error ack a live utterance with this clientTurnId would get, or null when accepted. */
function refusal(clientTurnId: unknown) {
  const res = LiveUtteranceSchema.safeParse({ sessionId: 's1', utterance: { ...turn, clientTurnId } });
  return res.success ? null : zodToApiError(res.error);
}

describe('clientTurnId', () => {
  it('accepts 1-64 characters of letters, digits and . _ : -, and is optional (a turn without one is as before)', () => {
    expect(UtteranceInSchema.parse(turn)).toEqual(turn);
    for (const id of ['a', 'p7Fq2x:12', 'play-1.turn_3', 'x'.repeat(64)]) {
      expect(UtteranceInSchema.parse({ ...turn, clientTurnId: id })).toEqual({ ...turn, clientTurnId: id });
    }
  });

  it('refuses an empty, too long or oddly spelled id, naming the field and the limit', () => {
    for (const id of ['', 'x'.repeat(65), 'turn 1', 'turn/1', 'tür-1', 'a\n', ' a']) {
      const err = refusal(id);
      expect(err).toMatchObject({ code: 'invalid_input', field: 'utterance.clientTurnId' });
      expect(err?.message).toBe(
        "utterance.clientTurnId: clientTurnId must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'",
      );
    }
  });

  it('refuses an id that is not a string', () => {
    for (const id of [7, null, ['a'], { id: 'a' }]) expect(refusal(id)).toMatchObject({ field: 'utterance.clientTurnId' });
  });
});
