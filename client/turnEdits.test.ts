import { clip, draftOf, editBody, followTurn, OTHER_SPEAKER, speakerChoices } from './turnEdits';

const turn = { text: '这个方案多少前？', speaker: 'Li' };

describe('a turn correction', () => {
  it('sends only what changed, as the server stores it (trimmed words, a normalised name)', () => {
    expect(editBody(turn, { ...draftOf(turn), text: '  这个方案多少钱？ ' })).toEqual({ body: { text: '这个方案多少钱？' } });
    expect(editBody(turn, { ...draftOf(turn), speaker: 'Ada' })).toEqual({ body: { speaker: 'Ada' } });
    expect(editBody(turn, { ...draftOf(turn), speaker: OTHER_SPEAKER, other: ' Wang\u200B  Wei ' })).toEqual({ body: { speaker: 'Wang Wei' } });
  });

  it('sends nothing when nothing changed', () => {
    expect(editBody(turn, draftOf(turn))).toEqual({ body: null });
    expect(editBody(turn, { ...draftOf(turn), text: ` ${turn.text}\n` })).toEqual({ body: null });
    expect(editBody(turn, { ...draftOf(turn), speaker: OTHER_SPEAKER, other: 'Li' })).toEqual({ body: null });
  });

  it('refuses as the server would, naming the field and the limit', () => {
    const long = editBody(turn, { ...draftOf(turn), text: 'x'.repeat(2001) });
    expect(long).toEqual({ problem: expect.objectContaining({ code: 'invalid_input', field: 'text', limit: 2000, actual: 2001 }) });
    expect(editBody(turn, { ...draftOf(turn), text: '\u200B ' })).toEqual({ problem: expect.objectContaining({ field: 'text' }) });
    expect(editBody(turn, { ...draftOf(turn), speaker: OTHER_SPEAKER, other: '' })).toEqual({ problem: expect.objectContaining({ field: 'speaker' }) });
    expect(editBody(turn, { ...draftOf(turn), speaker: OTHER_SPEAKER, other: 'n'.repeat(81) })).toEqual({ problem: expect.objectContaining({ field: 'speaker', limit: 80 }) });
  });

  it('refuses a new name past the participant limit before sending, as the server would (field, limit, actual)', () => {
    const full = Array.from({ length: 50 }, (_, i) => ({ name: i === 0 ? 'Li' : `P${i}`, role: null }));
    expect(editBody(turn, { ...draftOf(turn), speaker: OTHER_SPEAKER, other: 'Newcomer' }, full)).toEqual({
      problem: expect.objectContaining({ code: 'invalid_input', field: 'speaker', limit: 50, actual: 51 }),
    });
    // A name the session has is no new participant.
    expect(editBody(turn, { ...draftOf(turn), speaker: 'P3' }, full)).toEqual({ body: { speaker: 'P3' } });
    expect(editBody(turn, { ...draftOf(turn), speaker: OTHER_SPEAKER, other: 'Newcomer' }, full.slice(1))).toEqual({ body: { speaker: 'Newcomer' } });
  });

  it("sends only the coach's changes: a field left as it was cannot undo another window's correction of it", () => {
    const draft = { ...draftOf(turn), speaker: 'Ada' };
    // Another window corrected the words meanwhile: the speaker alone is sent, the new words stay.
    const now = { text: '这个方案多少钱？', speaker: 'Li' };
    expect(editBody(now, draft)).toEqual({ body: { speaker: 'Ada' } });
    // And the open editor follows the turn where the coach has not typed.
    expect(followTurn(draft, now)).toBe(true);
    expect(draft).toMatchObject({ text: '这个方案多少钱？', speaker: 'Ada', base: now });
    // What the coach typed is kept, and sent.
    const typed = { ...draftOf(turn), text: '这个方案每人多少钱？' };
    expect(followTurn(typed, now)).toBe(false);
    expect(typed.text).toBe('这个方案每人多少钱？');
    expect(editBody(now, typed)).toEqual({ body: { text: '这个方案每人多少钱？' } });
  });

  it("offers the session's speakers, the turn's own among them", () => {
    const people = [{ name: 'Ada', role: 'rep' as const }, { name: 'Li', role: 'customer' as const }];
    expect(speakerChoices(people, turn)).toEqual(['Ada', 'Li']);
    expect(speakerChoices(people, { speaker: 'Mo' })).toEqual(['Mo', 'Ada', 'Li']);
  });

  it('clips long words for a confirmation, by characters', () => {
    expect(clip('short')).toBe('short');
    expect(clip('😀'.repeat(100), 10)).toBe(`${'😀'.repeat(9)}…`);
  });
});
