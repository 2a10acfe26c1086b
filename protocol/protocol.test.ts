// The wire schemas at the edge: what a live utterance may carry.
import { CommentInSchema, CorrectionInSchema, CreateSessionSchema, JoinSchema, LandmarksInSchema, LeaveSchema, LiveUtteranceSchema, SetRolesSchema, UtteranceInSchema, zodToApiError } from './protocol';
import { RoomUtteranceSchema, UtteranceSchema } from './outbound';

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

describe('speaker names on every schema', () => {
  const spellings = ['Alice  Smith', 'Alice\u00a0Smith', 'Alice\tSmith', 'Alice\nSmith', '\u200BAlice Smith', 'Alice\u200B Smith\u200E'];

  it('a live utterance, a landmarks frame and a new session\'s participants normalise the name as uploads do', () => {
    for (const speaker of spellings) {
      expect(LiveUtteranceSchema.parse({ sessionId: 's1', utterance: { ...turn, speaker } }).utterance.speaker).toBe('Alice Smith');
      expect(LandmarksInSchema.parse({ sessionId: 's1', participant: speaker, mediaMs: 0, poses: [] }).participant).toBe('Alice Smith');
      expect(CreateSessionSchema.parse({ participants: [{ name: speaker, role: 'customer' }] }).participants?.[0]?.name).toBe('Alice Smith');
    }
  });

  it('a name that is empty once normalised is refused, naming the field', () => {
    const res = LiveUtteranceSchema.safeParse({ sessionId: 's1', utterance: { ...turn, speaker: '\u200B\u00a0\u200E' } });
    expect(res.success).toBe(false);
    if (!res.success) expect(zodToApiError(res.error)).toEqual({ code: 'invalid_input', field: 'utterance.speaker', message: 'utterance.speaker: speaker must not be empty' });
    const dup = CreateSessionSchema.safeParse({ participants: [{ name: 'Alice Smith', role: 'rep' }, { name: 'Alice\u200B  Smith', role: 'customer' }] });
    expect(dup.success).toBe(false);
    if (!dup.success) expect(zodToApiError(dup.error)).toMatchObject({ field: 'participants.1.name' });
  });

  it('roles keys are normalised; an invisible key is refused with the key shown escaped; two spellings of one name are refused', () => {
    expect(SetRolesSchema.parse({ roles: { 'Alice\u00a0 Smith\u200B': 'customer' } })).toEqual({ roles: { 'Alice Smith': 'customer' } });
    const bad = SetRolesSchema.safeParse({ roles: { '\u200b': 'customer' } });
    expect(bad.success).toBe(false);
    if (!bad.success) {
      expect(zodToApiError(bad.error, '', 'body')).toEqual({
        code: 'invalid_input',
        field: 'roles',
        message: 'roles: key "\\u200B" must be a speaker name of 1-80 characters',
      });
    }
    const twice = SetRolesSchema.safeParse({ roles: { Alice: 'customer', '\u200BAlice': 'rep' } });
    expect(twice.success).toBe(false);
    if (!twice.success) {
      expect(zodToApiError(twice.error)).toMatchObject({ field: 'roles', message: 'roles: keys "Alice" and "\\u200BAlice" are the same speaker name "Alice"' });
    }
  });
});

describe('media times', () => {
  it('an overflowing time (past 2^53 ms) is refused for the 24 h limit, not as "not a whole number" (found by the fuzz tests)', () => {
    const err = (startMs: number) => {
      const r = UtteranceInSchema.safeParse({ ...turn, startMs });
      return r.success ? null : zodToApiError(r.error, 'utterance').message;
    };
    expect(err(1e20)).toBe('utterance.startMs: must be <= 86400000 ms (24 h)');
    expect(err(3.6e25)).toBe('utterance.startMs: must be <= 86400000 ms (24 h)');
    expect(err(-1e20)).toBe('utterance.startMs: must be >= 0');
    expect(err(1.5)).toBe('utterance.startMs: must be a whole number of milliseconds');
  });
});

describe('socket payloads', () => {
  it('leave refuses an unknown key by name, as join and the others do (it was not strict)', () => {
    for (const schema of [LeaveSchema, JoinSchema]) {
      const r = schema.safeParse({ sessionId: 's1', extra: 1 });
      expect(r.success).toBe(false);
      if (!r.success) expect(zodToApiError(r.error)).toEqual({ code: 'invalid_input', field: 'extra', message: 'extra: unknown field' });
    }
    expect(LeaveSchema.parse({ sessionId: 's1' })).toEqual({ sessionId: 's1' });
  });
});

describe('texts of nothing visible', () => {
  const blanks = ['\u200B', '\u200B\u200E\uFEFF', ' \u00AD ', '\u0000', '\u2060\u00a0\u0001',
    // Default-ignorable, though not Cf: the Hangul fillers, the combining grapheme joiner, a variation selector.
    '\u3164', '\uFFA0 \u3164', '\u115F\u1160', '\u034F', '\u180B\uFE0F'];

  it('a turn whose text is only invisible characters (zero-width space, direction marks, controls) is refused as empty, as an empty one is', () => {
    for (const text of blanks) {
      const res = LiveUtteranceSchema.safeParse({ sessionId: 's1', utterance: { ...turn, text } });
      expect(res.success).toBe(false);
      if (!res.success) expect(zodToApiError(res.error)).toEqual({ code: 'invalid_input', field: 'utterance.text', message: 'utterance.text: text must not be empty' });
    }
    // Invisible characters beside visible ones are kept as sent.
    expect(UtteranceInSchema.parse({ ...turn, text: 'How\u200B much?' }).text).toBe('How\u200B much?');
  });

  it('a comment of nothing visible is refused; an author of nothing visible is none; a title of nothing visible is refused', () => {
    for (const text of blanks) {
      const res = CommentInSchema.safeParse({ mediaMs: 0, text });
      expect(res.success).toBe(false);
      if (!res.success) expect(zodToApiError(res.error)).toEqual({ code: 'invalid_input', field: 'text', message: 'text: text must not be empty' });
      expect(CommentInSchema.parse({ mediaMs: 0, text: 'ok', author: text }).author).toBe('');
      const title = CreateSessionSchema.safeParse({ title: text });
      expect(title.success).toBe(false);
      if (!title.success) expect(zodToApiError(title.error)).toEqual({ code: 'invalid_input', field: 'title', message: 'title: must not be empty' });
    }
    expect(CommentInSchema.parse({ mediaMs: 0, text: 'ok', author: ' Ann\u200B ' }).author).toBe('Ann\u200B');
    // A coach's note of nothing visible is none, as an empty one.
    for (const note of blanks) expect(CorrectionInSchema.parse({ label: 'neutral', note }).note).toBe('');
  });
});

describe('the room\'s utterance event as the client reads it', () => {
  const stored = { id: 3, sessionId: 's1', seq: 1, speaker: 'Bo', role: 'customer', text: 'How much is it?', startMs: 4000, endMs: 4000, receivedAt: 1 };
  it('takes the clientTurnId when the turn had one and does without it; the Utterance of acks and snapshots keeps none', () => {
    expect(RoomUtteranceSchema.parse({ ...stored, clientTurnId: 'p1:1' })).toEqual({ ...stored, clientTurnId: 'p1:1' });
    expect(RoomUtteranceSchema.parse(stored)).toEqual(stored);
    expect(RoomUtteranceSchema.safeParse({ ...stored, clientTurnId: 7 }).success).toBe(false);
    expect(UtteranceSchema.parse({ ...stored, clientTurnId: 'p1:1' })).toEqual(stored);
  });
});
