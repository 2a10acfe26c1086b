// Coaches' comments, pure: where one shows in the transcript, what an event changes, what a
// Save sends, and the author name remembered for the next comment.
import type { Comment } from '../protocol/protocol';
import {
  AUTHOR_KEY,
  applyCommented,
  commentBody,
  commentChanges,
  commentsOf,
  placeComments,
  rememberAuthor,
  rememberedAuthor,
  savable,
  sameEvent,
  turnFor,
} from './comments';

const comment = (id: number, mediaMs: number, over: Partial<Comment> = {}): Comment => ({
  id,
  sessionId: 's1',
  mediaMs,
  text: `comment ${id}`,
  author: null,
  createdAt: 100,
  editedAt: null,
  ...over,
});

const turns = [
  { id: 10, startMs: 1000 },
  { id: 11, startMs: 5000 },
  { id: 12, startMs: 9000 },
];

describe('placing a comment under a turn', () => {
  test('the last turn starting at or before its moment; before the first: none (the top)', () => {
    expect(turnFor(turns, 0)).toBeNull();
    expect(turnFor(turns, 999)).toBeNull();
    expect(turnFor(turns, 1000)).toBe(10); // at the turn's start: that turn
    expect(turnFor(turns, 4999)).toBe(10);
    expect(turnFor(turns, 5000)).toBe(11);
    expect(turnFor(turns, 60_000)).toBe(12); // after the last turn: the last
    expect(turnFor([], 5000)).toBeNull();
  });

  test('turns starting together: the later of them in the transcript', () => {
    expect(turnFor([{ id: 1, startMs: 2000 }, { id: 2, startMs: 2000 }], 2500)).toBe(2);
  });

  test('every comment in one place, each list by moment then id', () => {
    const p = placeComments([comment(3, 6000), comment(1, 500), comment(2, 6000), comment(4, 1000), comment(5, 9500)], turns);
    expect(p.top.map((c) => c.id)).toEqual([1]);
    expect([...p.byTurn.entries()].map(([t, cs]) => [t, cs.map((c) => c.id)])).toEqual([
      [10, [4]],
      [11, [2, 3]],
      [12, [5]],
    ]);
    // No turns at all (a video rehearsal): everything at the top.
    expect(placeComments([comment(1, 5000)], []).top.map((c) => c.id)).toEqual([1]);
  });
});

describe('applying `commented` events', () => {
  const held = commentsOf('s1', [comment(1, 1000), { ...comment(9, 1000), sessionId: 'other' }]);

  test('the snapshot keeps only its own session', () => {
    expect([...held.keys()]).toEqual([1]);
  });

  test('a new comment, an edit and a removal each give a new map', () => {
    const added = applyCommented(held, 's1', { sessionId: 's1', commentId: 2, comment: comment(2, 3000) });
    expect([...added.keys()]).toEqual([1, 2]);
    const edited = applyCommented(added, 's1', { sessionId: 's1', commentId: 1, comment: comment(1, 1000, { text: 'better', editedAt: 200 }) });
    expect(edited.get(1)?.text).toBe('better');
    expect(edited.get(1)?.editedAt).toBe(200);
    const removed = applyCommented(edited, 's1', { sessionId: 's1', commentId: 2, comment: null });
    expect([...removed.keys()]).toEqual([1]);
    expect(held.size).toBe(1); // not changed in place
  });

  test('what changes nothing gives the same map: the same comment again (an echo), another session, a removal of one not held', () => {
    expect(applyCommented(held, 's1', { sessionId: 's1', commentId: 1, comment: comment(1, 1000) })).toBe(held);
    expect(applyCommented(held, 's1', { sessionId: 's2', commentId: 1, comment: null })).toBe(held);
    expect(applyCommented(held, 's1', { sessionId: 's1', commentId: 7, comment: null })).toBe(held);
    expect(applyCommented(held, null, { sessionId: 's1', commentId: 3, comment: comment(3, 0) })).toBe(held);
  });

  test('events are the same when they say the same of the same comment', () => {
    const ev = { sessionId: 's1', commentId: 1, comment: comment(1, 1000) };
    expect(sameEvent(ev, { ...ev, comment: comment(1, 1000) })).toBe(true);
    expect(sameEvent(ev, { ...ev, comment: comment(1, 1000, { editedAt: 5 }) })).toBe(false);
    expect(sameEvent(ev, { ...ev, comment: null })).toBe(false);
    expect(sameEvent({ ...ev, comment: null }, { ...ev, comment: null })).toBe(true);
    expect(sameEvent({ ...ev, comment: null }, { ...ev, commentId: 2, comment: null })).toBe(false);
  });
});

describe('what a Save sends', () => {
  test('the text and the author trimmed, a blank author left out, the moment whole', () => {
    expect(commentBody(1234.6, '  ask for the deal  ', '  Mei ')).toEqual({ mediaMs: 1235, text: 'ask for the deal', author: 'Mei' });
    expect(commentBody(0, 'x', '   ')).toEqual({ mediaMs: 0, text: 'x' });
  });

  test('Save needs some text within 2,000 characters', () => {
    expect(savable('')).toBe(false);
    expect(savable('   \n ')).toBe(false);
    expect(savable('ok')).toBe(true);
    expect(savable('a'.repeat(2000))).toBe(true);
    expect(savable('a'.repeat(2001))).toBe(false);
  });

  test('an edit changes something only with another text or author', () => {
    const c = comment(1, 0, { text: 'hi', author: 'Mei' });
    expect(commentChanges(c, ' hi ', 'Mei ')).toBe(false);
    expect(commentChanges(c, 'hi!', 'Mei')).toBe(true);
    expect(commentChanges(c, 'hi', '')).toBe(true);
    expect(commentChanges(comment(2, 0, { text: 'x' }), 'x', '')).toBe(false);
  });
});

describe('the author remembered', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
  };

  test('saved trimmed, read back, forgotten when blank', () => {
    const s = memory();
    expect(rememberedAuthor(s)).toBe('');
    rememberAuthor(s, '  Coach Mei ');
    expect(s.m.get(AUTHOR_KEY)).toBe('Coach Mei');
    expect(rememberedAuthor(s)).toBe('Coach Mei');
    rememberAuthor(s, ' ');
    expect(rememberedAuthor(s)).toBe('');
  });

  test('a storage that refuses, or none, remembers nothing and throws nothing', () => {
    const refusing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(rememberedAuthor(refusing)).toBe('');
    expect(() => rememberAuthor(refusing, 'Mei')).not.toThrow();
    expect(rememberedAuthor(null)).toBe('');
  });
});
