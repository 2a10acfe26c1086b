// zod's default wording never reaches a client: a schema without a message of its own gets the
// project's (`is required`, `must be a string, got a number`), through zodToApiError as always.
import { z } from 'zod';
import { CreateSessionSchema, JoinSchema, LandmarksInSchema, LiveUtteranceSchema, SetRolesSchema, zodToApiError } from './protocol';
import { describeValue } from './zodMessages';

/** The error answer's message for `value`, or null when it is accepted. */
function refusal(schema: z.ZodType, value: unknown, prefix = ''): string | null {
  const r = schema.safeParse(value);
  return r.success ? null : zodToApiError(r.error, prefix, 'body', value).message;
}

const turn = { speaker: 'Bo', text: 'How much?', startMs: 0 };

describe('zod issues in the project\'s wording (found by the fuzz tests: "query.participant: Invalid input: expected string, received undefined")', () => {
  it('a missing field is "is required"', () => {
    expect(refusal(z.object({ participant: z.string() }), {}, 'query')).toBe('query.participant: is required');
    expect(refusal(LiveUtteranceSchema, { sessionId: 's1' })).toBe('utterance: is required');
    expect(refusal(CreateSessionSchema, { participants: [{ name: 'Li' }] })).toBe('participants.0.role: is required');
    expect(refusal(SetRolesSchema, {})).toBe('roles: is required');
  });

  it('a wrongly typed field says what it must be and what it got', () => {
    expect(refusal(LiveUtteranceSchema, { sessionId: 's1', utterance: { ...turn, speaker: 5 } })).toBe('utterance.speaker: must be a string, got a number');
    expect(refusal(LiveUtteranceSchema, { sessionId: 's1', utterance: { ...turn, startMs: '5' } })).toBe('utterance.startMs: must be a number, got a string');
    expect(refusal(LiveUtteranceSchema, { sessionId: 's1', utterance: { ...turn, startMs: NaN } })).toBe('utterance.startMs: must be a finite number, got NaN');
    expect(refusal(LiveUtteranceSchema, { sessionId: 's1', utterance: [] })).toBe('utterance: must be an object, got an array');
    expect(refusal(LandmarksInSchema, { sessionId: 's1', participant: 'Li', mediaMs: 0, poses: null })).toBe('poses: must be an array, got null');
  });

  it('a value outside a set, a size or a range is worded too', () => {
    expect(refusal(JoinSchema, { sessionId: 's1', protocolVersion: 2 })).toBe('protocolVersion: must be 1, got 2');
    expect(refusal(CreateSessionSchema, { participants: [{ name: 'Li', role: 'boss' }] })).toBe('participants.0.role: must be "customer" or "rep", got "boss"');
    expect(refusal(z.enum(['0', '1', 'true', 'false']), 'yes')).toBe('body: must be one of "0", "1", "true" or "false", got "yes"');
    expect(refusal(CreateSessionSchema, { title: 'x'.repeat(201) })).toBe('title: must be at most 200 characters');
    expect(refusal(CreateSessionSchema, { title: ' ' })).toBe('title: must not be empty');
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `P${i}`, role: 'rep' }));
    expect(refusal(CreateSessionSchema, { participants: many })).toBe('participants: must hold at most 50 items');
    expect(refusal(LandmarksInSchema, { sessionId: 's1', participant: 'Li', mediaMs: 0, poses: [], aspect: 0 })).toBe('aspect: must be > 0');
  });

  it('a schema\'s own message still wins', () => {
    expect(refusal(LiveUtteranceSchema, { sessionId: 's1', utterance: { ...turn, text: '' } })).toBe('utterance.text: text must not be empty');
    expect(refusal(LiveUtteranceSchema, { sessionId: 's1', utterance: { ...turn, startMs: -1 } })).toBe('utterance.startMs: must be >= 0');
  });

  it('no message is zod\'s own', () => {
    const values: unknown[] = [undefined, null, 0, NaN, Infinity, '', 'x'.repeat(300), [], {}, [{}], { a: 1 }, true, new Uint8Array(2)];
    const schemas: z.ZodType[] = [CreateSessionSchema, JoinSchema, LandmarksInSchema, LiveUtteranceSchema, SetRolesSchema];
    for (const schema of schemas) {
      for (const v of values) {
        for (const payload of [v, { sessionId: 's1', utterance: v, participant: v, poses: v, participants: v, roles: v, title: v }]) {
          const message = refusal(schema, payload);
          if (message !== null) expect(message).not.toMatch(/Invalid input|Invalid option|expected .*, received|Too (big|small)|Unrecognized key/);
        }
      }
    }
  });

  it('describeValue names kinds as messages do', () => {
    expect([null, undefined, [], 1, -Infinity, 's', false, {}, new Uint8Array(1)].map(describeValue)).toEqual([
      'null', 'nothing', 'an array', 'a number', '-Infinity', 'a string', 'a boolean', 'an object', 'binary data',
    ]);
  });
});
