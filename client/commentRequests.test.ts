// This window's comment requests and the room's `commented` events: its own echo is not applied
// again, whether it comes before or after the answer; what other coaches did meanwhile is
// applied, in the server's order.
import type { Comment } from '../protocol/protocol';
import { CommentRequests } from './commentRequests';
import type { CommentedEvent } from './comments';

const comment = (id: number, over: Partial<Comment> = {}): Comment => ({
  id,
  sessionId: 's1',
  mediaMs: 1000,
  text: `comment ${id}`,
  author: null,
  createdAt: 100,
  editedAt: null,
  ...over,
});

const ev = (c: Comment | null, commentId = c?.id ?? 0, sessionId = 's1'): CommentedEvent => ({ sessionId, commentId, comment: c });

function setup() {
  const applied: CommentedEvent[] = [];
  const answers: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  const pending = <T>() => new Promise<T>((resolve, reject) => answers.push({ resolve: resolve as (v: unknown) => void, reject }));
  const req = new CommentRequests({ post: () => pending<Comment>(), put: () => pending<Comment>(), delete: () => pending<boolean>() }, (e) => applied.push(e));
  return { req, applied, answers };
}

const body = { mediaMs: 1000, text: 'ask for the deal' };
const ids = (evs: CommentedEvent[]) => evs.map((e) => `${e.commentId}:${e.comment === null ? 'gone' : (e.comment.editedAt ?? 'new')}`);

test('events of other windows are applied as they come', () => {
  const { req, applied } = setup();
  req.onEvent(ev(comment(1)));
  req.onEvent(ev(null, 1));
  expect(ids(applied)).toEqual(['1:new', '1:gone']);
});

test('a post: the echo before the answer is dropped, the answer applied once', async () => {
  const { req, applied, answers } = setup();
  const saved = req.post('s1', body);
  req.onEvent(ev(comment(7)));
  expect(applied).toEqual([]); // held: it may be this window's own
  answers[0]!.resolve(comment(7));
  await expect(saved).resolves.toEqual(comment(7));
  expect(ids(applied)).toEqual(['7:new']);
});

test('a post: an echo that comes after the answer is dropped too', async () => {
  const { req, applied, answers } = setup();
  const saved = req.post('s1', body);
  answers[0]!.resolve(comment(7));
  await saved;
  req.onEvent(ev(comment(7)));
  expect(ids(applied)).toEqual(['7:new']);
  // Only once: the same event again would be another's (it cannot be), so it goes through.
  req.onEvent(ev(comment(7, { editedAt: 300 })));
  expect(ids(applied)).toEqual(['7:new', '7:300']);
});

test('another coach’s comments while a post is under way: those before the echo first, those after it after the answer', async () => {
  const { req, applied, answers } = setup();
  const saved = req.post('s1', body);
  req.onEvent(ev(comment(5)));
  req.onEvent(ev(comment(7)));
  req.onEvent(ev(comment(5, { editedAt: 200 })));
  answers[0]!.resolve(comment(7));
  await saved;
  expect(ids(applied)).toEqual(['5:new', '7:new', '5:200']);
});

test('an edit another coach made after this window’s is applied after it (the server’s order)', async () => {
  const { req, applied, answers } = setup();
  const saved = req.put('s1', 3, body);
  req.onEvent(ev(comment(3, { editedAt: 10 }))); // this window's echo
  req.onEvent(ev(comment(3, { editedAt: 11, text: 'theirs' })));
  answers[0]!.resolve(comment(3, { editedAt: 10 }));
  await saved;
  expect(ids(applied)).toEqual(['3:10', '3:11']);
});

test('a removal: its echo is dropped; one that removed nothing expects no echo', async () => {
  const { req, applied, answers } = setup();
  const gone = req.remove('s1', 3);
  req.onEvent(ev(null, 3));
  answers[0]!.resolve(true);
  await expect(gone).resolves.toBe(true);
  expect(ids(applied)).toEqual(['3:gone']);

  const none = req.remove('s1', 4);
  answers[1]!.resolve(false);
  await expect(none).resolves.toBe(false);
  expect(ids(applied)).toEqual(['3:gone', '4:gone']);
  // Another window's comment 4, posted later, is not mistaken for an echo.
  req.onEvent(ev(comment(4)));
  expect(ids(applied)).toEqual(['3:gone', '4:gone', '4:new']);
});

test('a refused request: what was held is applied, and the refusal thrown', async () => {
  const { req, applied, answers } = setup();
  const saved = req.post('s1', body);
  req.onEvent(ev(comment(5)));
  answers[0]!.reject(new Error('too_many_comments'));
  await expect(saved).rejects.toThrow('too_many_comments');
  expect(ids(applied)).toEqual(['5:new']);
});

test('two requests at once: events after the first answer wait for the second', async () => {
  const { req, applied, answers } = setup();
  const first = req.post('s1', body);
  const second = req.post('s1', body);
  req.onEvent(ev(comment(7)));
  req.onEvent(ev(comment(8)));
  answers[0]!.resolve(comment(7));
  await first;
  expect(ids(applied)).toEqual(['7:new']); // 8 may be the second's own echo
  answers[1]!.resolve(comment(8));
  await second;
  expect(ids(applied)).toEqual(['7:new', '8:new']);
});

test('another session’s events are not held', () => {
  const { req, applied } = setup();
  void req.post('s1', body);
  req.onEvent(ev({ ...comment(2), sessionId: 's2' }, 2, 's2'));
  expect(ids(applied)).toEqual(['2:new']);
});
