// SessionService's coach comments without transports: what is stored (author trimmed, none when
// empty; createdAt the time given, kept by an edit, editedAt the edit's), what is refused (then
// nothing is stored or published), the per-session limit, what the listeners hear, and that
// comments outlive role changes and re-analyses. A stand-in classifier keeps it fast; the store is real.
import { LIMITS } from '../../protocol/protocol';
import { SqliteStore } from '../store/sqliteStore';
import { keywordStandIn } from '../signals/verbal/keywordStandIn.testkit';
import { SessionService, type SessionEvent } from './sessionService';
import { refusal } from '../errors/refusal.testkit';

const classifier = keywordStandIn();

function setup() {
  const store = new SqliteStore(':memory:');
  const service = new SessionService({ store, classifier, now: () => 1_000 });
  const events: SessionEvent[] = [];
  service.onEvent((e) => void (e.type === 'commented' && events.push(e)));
  const id = service.createSession({ participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] }).id;
  service.uploadNow(id, [{ speaker: 'Ada', text: 'Here is the plan.', startMs: 0 }, { speaker: 'Li', text: 'What is the price?', startMs: 1000 }], []);
  return { store, service, events, id };
}

describe('SessionService comments', () => {
  it('adds with the time given (author as given, none when absent or empty), lists by mediaMs then id, and publishes each', () => {
    const { service, events, id } = setup();
    const a = service.addComment(id, { mediaMs: 1000, text: 'ask for the deal here', author: 'Coach Wu' }, 5_000);
    expect(a).toEqual({ id: a.id, sessionId: id, mediaMs: 1000, text: 'ask for the deal here', author: 'Coach Wu', createdAt: 5_000, editedAt: null });
    const b = service.addComment(id, { mediaMs: 0, text: '开场太长', author: '' }, 6_000);
    const c = service.addComment(id, { mediaMs: 1000, text: 'second at the same time' }, 7_000);
    expect(b.author).toBeNull();
    expect(c.author).toBeNull();
    expect(service.snapshot(id).comments).toEqual([b, a, c]);
    expect(events).toEqual([a, b, c].map((comment) => ({ type: 'commented', sessionId: id, commentId: comment.id, comment })));
    expect(service.listSessions().find((s) => s.id === id)?.commentCount).toBe(3);
  });

  it('replaces a comment\'s moment, text and author, keeping createdAt and setting editedAt; publishes it', () => {
    const { service, events, id } = setup();
    const a = service.addComment(id, { mediaMs: 1000, text: 'first', author: 'Wu' }, 5_000);
    const edited = service.editComment(id, a.id, { mediaMs: 200, text: 'moved' }, 9_000);
    expect(edited).toEqual({ ...a, mediaMs: 200, text: 'moved', author: null, createdAt: 5_000, editedAt: 9_000 });
    expect(service.snapshot(id).comments).toEqual([edited]);
    expect(events.at(-1)).toEqual({ type: 'commented', sessionId: id, commentId: a.id, comment: edited });
  });

  it('refuses an unknown session, another session\'s comment and an id no comment has, storing and publishing nothing', () => {
    const { service, events, id } = setup();
    const other = service.createSession({}).id;
    const foreign = service.addComment(other, { mediaMs: 0, text: 'theirs' }, 1);
    events.length = 0;
    expect(refusal(() => service.addComment('nope', { mediaMs: 0, text: 'x' }, 1)).toApi()).toEqual({ code: 'not_found', field: 'sessionId', message: 'session "nope" does not exist' });
    const err = refusal(() => service.editComment(id, foreign.id, { mediaMs: 0, text: 'mine now' }, 2));
    expect(err.status).toBe(404);
    expect(err.toApi()).toEqual({ code: 'not_found', field: 'commentId', message: `commentId: comment ${foreign.id} is not a comment of session "${id}"` });
    expect(refusal(() => service.editComment(id, 999_999, { mediaMs: 0, text: 'x' }, 2)).toApi().field).toBe('commentId');
    expect(refusal(() => service.editComment('nope', foreign.id, { mediaMs: 0, text: 'x' }, 2)).toApi().field).toBe('sessionId');
    expect(service.removeComment(id, foreign.id)).toBe(false);
    expect(refusal(() => service.removeComment('nope', foreign.id)).toApi().field).toBe('sessionId');
    expect(service.snapshot(id).comments).toEqual([]);
    expect(service.snapshot(other).comments).toEqual([foreign]);
    expect(events).toEqual([]);
  });

  it('removes a comment (published with comment null) and says false, publishing nothing, when it is gone', () => {
    const { service, events, id } = setup();
    const a = service.addComment(id, { mediaMs: 0, text: 'x' }, 1);
    events.length = 0;
    expect(service.removeComment(id, a.id)).toBe(true);
    expect(service.removeComment(id, a.id)).toBe(false);
    expect(events).toEqual([{ type: 'commented', sessionId: id, commentId: a.id, comment: null }]);
  });

  it(`refuses the ${LIMITS.commentsPerSessionMax + 1}th comment of a session with 409 too_many_comments (limit), storing and publishing nothing; edits still go, and a removal makes room`, () => {
    const { store, service, events, id } = setup();
    store.transaction(() => {
      for (let k = 0; k < LIMITS.commentsPerSessionMax; k++) store.addComment({ sessionId: id, mediaMs: k, text: `c${k}`, author: null, createdAt: 1 }, LIMITS.commentsPerSessionMax);
    });
    const err = refusal(() => service.addComment(id, { mediaMs: 0, text: 'one too many' }, 2));
    expect(err.status).toBe(409);
    expect(err.toApi()).toMatchObject({ code: 'too_many_comments', field: 'comments', limit: LIMITS.commentsPerSessionMax });
    expect(store.commentCount(id)).toBe(LIMITS.commentsPerSessionMax);
    expect(events).toEqual([]);
    const first = service.snapshot(id).comments[0]!;
    expect(service.editComment(id, first.id, { mediaMs: 5, text: 'edited at the limit' }, 3).editedAt).toBe(3);
    expect(service.removeComment(id, first.id)).toBe(true);
    expect(service.addComment(id, { mediaMs: 0, text: 'fits again' }, 4).text).toBe('fits again');
  });

  it('keeps comments through role changes and re-analyses', async () => {
    const { service, id } = setup();
    const a = service.addComment(id, { mediaMs: 1000, text: 'she asked the price', author: 'Wu' }, 1);
    await service.setRoles(id, { Li: 'rep' });
    await service.reanalyse(id);
    service.setRolesNow(id, { Li: 'customer' });
    expect(service.snapshot(id).comments).toEqual([a]);
  });
});
