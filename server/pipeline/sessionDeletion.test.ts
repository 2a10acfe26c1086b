// SessionService's renaming and deletion without transports: what is refused (nothing changed
// then), what the listeners hear, and that a deletion runs after the work already accepted for
// its session (a role change under way, live turns in the queue, a transport's tracked work)
// and leaves nothing half-deleted. A stand-in classifier keeps it fast; the store is real.
import { SESSION_TABLES, SqliteStore } from '../store/sqliteStore';
import { keywordStandIn } from '../signals/verbal/keywordStandIn.testkit';
import { AppError } from '../errors/errors';
import { refusal } from '../errors/refusal.testkit';
import { SessionService, type SessionEvent, type TurnOutcome } from './sessionService';
import { LiveTurnQueue } from './liveTurnQueue';

const classifier = keywordStandIn();

function setup() {
  const store = new SqliteStore(':memory:');
  // Re-analyses in many small slices, so a deletion asked for meanwhile has to wait.
  const service = new SessionService({ store, classifier, now: () => 1_000, reanalysisSlice: { items: 1, ms: 0 } });
  const events: SessionEvent[] = [];
  service.onEvent((e) => void (e.type !== 'frame_stats' && events.push(e)));
  const newSession = (title = 'Q3 review') => {
    const id = service.createSession({ title, participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] }).id;
    service.uploadNow(id, Array.from({ length: 40 }, (_, i) => ({ speaker: i % 2 ? 'Li' : 'Ada', text: i % 4 === 1 ? 'What is the price?' : `turn ${i}`, startMs: i * 1000 })), []);
    service.addComment(id, { mediaMs: 1000, text: 'ask here' }, 2_000);
    return id;
  };
  const demo = service.createSession({ title: 'Demo', participants: [] }, { demo: true, id: 'demo' }).id;
  /** The rows a session holds, per table (sessions: its own row). */
  const rows = (id: string) => {
    const db = (store as unknown as { db: { prepare(sql: string): { get(...a: unknown[]): unknown } } }).db;
    const n = (sql: string) => (db.prepare(sql).get(id) as { n: number }).n;
    return Object.fromEntries([['sessions', n('SELECT COUNT(*) AS n FROM sessions WHERE id = ?')], ...SESSION_TABLES.map((t) => [t, n(`SELECT COUNT(*) AS n FROM ${t} WHERE session_id = ?`)])]) as Record<string, number>;
  };
  const empty = (id: string) => Object.values(rows(id)).every((n) => n === 0);
  return { store, service, events, newSession, demo, rows, empty };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('SessionService: renaming a session', () => {
  it('stores the new title, answers the session, and tells the listeners', () => {
    const { service, events, newSession } = setup();
    const id = newSession();
    const other = newSession('other');
    const session = service.renameSession(id, 'Bank visit 银行');
    expect(session).toMatchObject({ id, title: 'Bank visit 银行', demo: false });
    expect(session.participants).toHaveLength(2);
    expect(service.snapshot(id).session.title).toBe('Bank visit 银行');
    expect(service.listSessions().find((s) => s.id === id)?.title).toBe('Bank visit 银行');
    expect(service.snapshot(other).session.title).toBe('other');
    expect(events.filter((e) => e.type === 'session_renamed')).toEqual([{ type: 'session_renamed', sessionId: id, title: 'Bank visit 银行' }]);
  });

  it('refuses an unknown session (404), the demo (409 demo_session) and a stopping server (503), changing nothing', async () => {
    const { service, events, newSession, demo } = setup();
    expect(refusal(() => service.renameSession('nope', 'x'))).toMatchObject({ code: 'not_found', status: 404, details: { field: 'sessionId' } });
    const d = refusal(() => service.renameSession(demo, 'x'));
    expect(d).toMatchObject({ code: 'demo_session', status: 409, details: { field: 'sessionId' } });
    expect(d.message).toMatch(/^sessionId: the demo session .* cannot be renamed/);
    expect(service.snapshot(demo).session.title).toBe('Demo');
    const id = newSession();
    await service.close();
    expect(refusal(() => service.renameSession(id, 'x'))).toMatchObject({ code: 'shutting_down', status: 503 });
    expect(service.snapshot(id).session.title).toBe('Q3 review');
    expect(events.some((e) => e.type === 'session_renamed')).toBe(false);
  });
});

describe('SessionService: deleting a session', () => {
  it('deletes it and everything under it, forgets its pipeline, tells the listeners; later use is an unknown session', async () => {
    const { service, events, newSession, rows, empty } = setup();
    const id = newSession();
    const other = newSession('other');
    const otherRows = rows(other);
    expect(rows(id).utterances).toBe(40);
    const pipelines = service.pipelineCount;
    await service.deleteSession(id);
    expect(empty(id)).toBe(true);
    expect(rows(other)).toEqual(otherRows);
    expect(service.pipelineCount).toBe(pipelines - 1);
    expect(events.at(-1)).toEqual({ type: 'session_deleted', sessionId: id });
    expect(refusal(() => service.snapshot(id))).toMatchObject({ code: 'not_found', status: 404 });
    expect(refusal(() => service.addUtterance(id, { speaker: 'Li', text: 'hello?', startMs: 99_000 }))).toMatchObject({ code: 'not_found' });
    expect(refusal(() => service.addComment(id, { mediaMs: 0, text: 'x' }, 3_000))).toMatchObject({ code: 'not_found' });
    expect(await rejection(service.setRoles(id, { Li: 'rep' }))).toMatchObject({ code: 'not_found' });
    expect(await rejection(service.deleteSession(id))).toMatchObject({ code: 'not_found', status: 404 });
    expect(empty(id)).toBe(true);
  });

  it('refuses the demo (409 demo_session) and a stopping server (503 shutting_down), deleting nothing', async () => {
    const { service, events, newSession, demo, rows } = setup();
    const d = await rejection(service.deleteSession(demo));
    expect(d).toMatchObject({ code: 'demo_session', status: 409 });
    expect(d.message).toMatch(/cannot be deleted \(the server stores it again at its next start\)/);
    const id = newSession();
    const before = rows(id);
    await service.close();
    expect(await rejection(service.deleteSession(id))).toMatchObject({ code: 'shutting_down', status: 503 });
    expect(rows(id)).toEqual(before);
    expect(rows(demo).sessions).toBe(1);
    expect(events.some((e) => e.type === 'session_deleted')).toBe(false);
  });

  it('waits for a role change under way: the change is answered, then the session is deleted; one asked for after it gets 404', async () => {
    const { service, events, newSession, empty } = setup();
    const id = newSession();
    const roles = service.setRoles(id, { Li: 'rep' });
    expect(service.reanalysing(id)).toBe(true);
    const deleted = service.deleteSession(id);
    const later = service.reanalyse(id);
    const snapshot = await roles;
    expect(snapshot.session.participants.find((p) => p.name === 'Li')?.role).toBe('rep');
    await deleted;
    expect(await rejection(later)).toMatchObject({ code: 'not_found' });
    expect(empty(id)).toBe(true);
    const kinds = events.filter((e) => e.sessionId === id && (e.type === 'reanalysed' || e.type === 'session_deleted')).map((e) => e.type);
    expect(kinds).toEqual(['reanalysed', 'session_deleted']);
  });

  it("waits for the transports' work already taken for the session (trackWork), and only the session's", async () => {
    const { service, newSession, empty } = setup();
    const id = newSession();
    let finish!: () => void;
    const asked: string[] = [];
    const untrack = service.trackWork((sessionId) => {
      asked.push(sessionId);
      return new Promise<void>((resolve) => (finish = resolve));
    });
    let done = false;
    const deleted = service.deleteSession(id).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual([id]);
    expect(done).toBe(false);
    expect(empty(id)).toBe(false);
    finish();
    await deleted;
    expect(empty(id)).toBe(true);
    untrack();
    const next = newSession();
    await service.deleteSession(next);
    expect(asked).toEqual([id]);
  });

  it('with live turns streaming in: every turn acked before the delete is gone with the session, every later one is refused 404, nothing is left', async () => {
    const { service, newSession, empty, rows } = setup();
    const queue = new LiveTurnQueue(service);
    service.trackWork((sessionId) => queue.settled(sessionId));
    const id = newSession();
    const other = newSession('other');
    const outcomes: { seq: number; outcome: TurnOutcome; afterDelete: boolean }[] = [];
    let deletedAt = -1;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      const sid = i % 3 === 2 ? other : id;
      sends.push(
        new Promise<void>((resolve) =>
          queue.submit(sid, { speaker: 'Li', text: `What is the price ${i}?`, startMs: 100_000 + i * 100, clientTurnId: `c:${i}` }, (outcome) => {
            if (sid === id) outcomes.push({ seq: i, outcome, afterDelete: deletedAt >= 0 });
            resolve();
          }),
        ),
      );
      if (i === 20) {
        // Asked for in the middle: the 21 turns before are taken first (settled), later ones race it.
        void service.deleteSession(id).then(() => (deletedAt = outcomes.length));
      }
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(sends);
    await queue.idle();
    expect(deletedAt).toBeGreaterThanOrEqual(0);
    // The turns submitted before the delete was asked for were all stored and acked first.
    const early = outcomes.filter((o) => o.seq <= 20);
    expect(early.every((o) => o.outcome.ok && !o.afterDelete)).toBe(true);
    // After the delete: refused as an unknown session, never stored (some came after it).
    expect(outcomes.filter((o) => o.afterDelete).length).toBeGreaterThan(0);
    for (const o of outcomes.filter((x) => x.afterDelete)) {
      expect(o.outcome.ok).toBe(false);
      expect(!o.outcome.ok && o.outcome.error).toMatchObject({ code: 'not_found' });
    }
    // An ok ack always came before the delete; the session is gone entirely, the other one whole.
    expect(outcomes.filter((o) => o.outcome.ok).every((o) => !o.afterDelete)).toBe(true);
    expect(empty(id)).toBe(true);
    expect(rows(other).utterances).toBe(40 + 20);
  });
});
