// The session picker's list as the lobby's events change it, and the choice once a session is gone.
import type { SessionSummary } from '../protocol/outbound';
import { removeFromList, renameInList, selectionAfterRemoval, sortSessions, upsertSession } from './sessionList';

const DEMO = ':demo';

function summary(id: string, createdAt: number, extra: Partial<SessionSummary> = {}): SessionSummary {
  return { id, title: `title ${id}`, createdAt, participants: [], demo: false, utteranceCount: 0, cueCount: 0, ...extra };
}

const list = [summary('c', 300), summary('b', 200), summary('a', 100)];

describe('upsertSession (session_listed)', () => {
  it('adds a new session in its place, newest first, leaving the list given unchanged', () => {
    const before = structuredClone(list);
    expect(upsertSession(list, summary('n', 400)).map((s) => s.id)).toEqual(['n', 'c', 'b', 'a']);
    expect(upsertSession(list, summary('m', 150)).map((s) => s.id)).toEqual(['c', 'b', 'm', 'a']);
    expect(list).toEqual(before);
  });

  it('replaces a session already listed (an upload into it: new counts), once', () => {
    const next = upsertSession(list, summary('b', 200, { title: 'title b', utteranceCount: 12, cueCount: 2 }));
    expect(next.map((s) => s.id)).toEqual(['c', 'b', 'a']);
    expect(next[1]).toMatchObject({ id: 'b', utteranceCount: 12, cueCount: 2 });
  });

  it('into an empty list', () => {
    expect(upsertSession([], summary('x', 1))).toEqual([summary('x', 1)]);
  });
});

describe('renameInList (session_renamed)', () => {
  it('gives the session its new title, keeping its place and counts', () => {
    const withCounts = [summary('a', 100, { utteranceCount: 3 })];
    expect(renameInList(withCounts, 'a', 'Bank visit 银行拜访')).toEqual([summary('a', 100, { title: 'Bank visit 银行拜访', utteranceCount: 3 })]);
    expect(withCounts[0]!.title).toBe('title a');
  });

  it('changes nothing (null) for a session not listed, or the same title', () => {
    expect(renameInList(list, 'zz', 'x')).toBeNull();
    expect(renameInList(list, 'b', 'title b')).toBeNull();
  });
});

describe('removeFromList (session_deleted)', () => {
  it('drops the session, or answers null when it was not listed', () => {
    expect(removeFromList(list, 'b')!.map((s) => s.id)).toEqual(['c', 'a']);
    expect(removeFromList(list, 'zz')).toBeNull();
    expect(list).toHaveLength(3);
  });
});

describe('selectionAfterRemoval', () => {
  const listed = (ids: string[]) => (id: string) => ids.includes(id);

  it('keeps a choice that was another session, or the demo', () => {
    expect(selectionAfterRemoval('a', 'b', 'a', listed(['a', 'c']), DEMO)).toBe('a');
    expect(selectionAfterRemoval(DEMO, 'b', null, listed(['a']), DEMO)).toBe(DEMO);
  });

  it('chosen but not yet shown: back to the session shown, when it is still listed', () => {
    expect(selectionAfterRemoval('b', 'b', 'a', listed(['a', 'c']), DEMO)).toBe('a');
  });

  it('else the demo: the demo preview shown, the session shown deleted itself, or one shown no longer listed', () => {
    expect(selectionAfterRemoval('b', 'b', null, listed(['a']), DEMO)).toBe(DEMO);
    expect(selectionAfterRemoval('b', 'b', 'b', listed(['a']), DEMO)).toBe(DEMO);
    expect(selectionAfterRemoval('b', 'b', 'lost', listed(['a']), DEMO)).toBe(DEMO);
  });
});

test('sortSessions: newest first, copies', () => {
  const input = [summary('a', 100), summary('c', 300), summary('b', 200)];
  const sorted = sortSessions(input);
  expect(sorted.map((s) => s.id)).toEqual(['c', 'b', 'a']);
  expect(sorted[2]).not.toBe(input[0]);
});
