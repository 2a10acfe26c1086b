// Hostile probes of the lobby's `session_counts` on the real server (port 0, a real SQLite file,
// real socket.io, the real models): after every kind of change to a session's counts, taking
// away included (a label, verdict, posture label or comment removed), a role change and a
// re-analysis, the list a watcher keeps from `session_listed` and `session_counts` is the list
// `GET /api/sessions` gives; a socket that left by disconnecting hears nothing until it watches
// again; and a flush pending when the server stops is never sent and holds nothing open.
import { SessionCountsEventSchema, type SessionCountsEvent, type SessionSnapshot } from '../../protocol/protocol';
import { SessionListedEventSchema } from '../../protocol/outbound';
import { DEMO_SESSION_ID, loadDemoMeeting } from '../../server/demo/demo';
import { ManualScheduler } from '../../server/realtime/manualScheduler.testkit';
import { api, collect, connectSocket, emitAck, startTestServer, useFileStoreServer, useSockets, type TestSocket } from './harness';

const demo = loadDemoMeeting();
const clock = new ManualScheduler();
const suite = useFileStoreServer('bs-lobby-probes-', { seedDemo: true, lobbyCounts: { scheduler: clock } });
const url = () => suite.server.url;
const socket = useSockets(url);
const quiet = () => new Promise((r) => setTimeout(r, 150));
type Counts = Omit<SessionCountsEvent, 'sessionId'>;
const COUNT_KEYS = ['utteranceCount', 'cueCount', 'correctionCount', 'cueReviewCount', 'postureLabelCount', 'commentCount'] as const;
const countsOf = (s: Record<string, unknown>): Counts => Object.fromEntries(COUNT_KEYS.map((k) => [k, s[k]])) as Counts;

/** A watcher's list of counts, kept as a client keeps it: from the ack, `session_listed` and `session_counts`. */
async function keptList(s: TestSocket): Promise<Map<string, Counts>> {
  const ack = await emitAck(s, 'watch_sessions', {});
  expect(ack.ok).toBe(true);
  const list = new Map<string, Counts>((ack.sessions as { id: string }[]).map((x) => [x.id, countsOf(x)]));
  s.on('session_listed', (e) => void list.set(e.session.id, countsOf(SessionListedEventSchema.parse(e).session)));
  s.on('session_counts', (e) => {
    const c = SessionCountsEventSchema.parse(e);
    if (list.has(c.sessionId)) list.set(c.sessionId, countsOf(c));
  });
  s.on('session_deleted', (e) => void list.delete(e.sessionId));
  return list;
}

async function listedNow(): Promise<Map<string, Counts>> {
  const sessions = (await api(url(), 'GET', '/api/sessions')).body.sessions as ({ id: string } & Counts)[];
  return new Map(sessions.map((s) => [s.id, countsOf(s)]));
}

const snapshot = async (id: string) => (await api(url(), 'GET', `/api/sessions/${id}`)).body as SessionSnapshot;

describe('session_counts after every kind of change', () => {
  it('the list a watcher keeps matches GET /api/sessions after each write and each removal, a role change and a re-analysis', async () => {
    const lobby = await socket();
    const kept = await keptList(lobby);
    const sender = await socket();
    const id = (await api(url(), 'POST', '/api/sessions', { title: 'probe', participants: demo.participants })).body.session.id as string;
    const customer = demo.participants.find((p) => p.role === 'customer')!.name;
    const steps: [string, () => Promise<unknown>][] = [
      ['an upload', () => api(url(), 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: demo.utterances.slice(0, 12) }))],
      ['a live turn', () => emitAck(sender, 'utterance', { sessionId: id, utterance: { speaker: customer, text: 'How much would that cost us?', startMs: 900_000 } })],
      ['a label', async () => {
        const turn = (await snapshot(id)).utterances.find((u) => u.role === 'customer')!;
        return api(url(), 'PUT', `/api/sessions/${id}/utterances/${turn.id}/correction`, { label: 'resistance' });
      }],
      ['a label removed', async () => {
        const c = (await snapshot(id)).corrections[0]!;
        return api(url(), 'DELETE', `/api/sessions/${id}/utterances/${c.utteranceId}/correction`);
      }],
      ['a verdict', async () => api(url(), 'PUT', `/api/sessions/${id}/cues/${(await snapshot(id)).cues[0]!.id}/review`, { verdict: 'useful' })],
      ['a verdict removed', async () => {
        const r = (await snapshot(id)).cueReviews[0]!;
        return api(url(), 'DELETE', `/api/sessions/${id}/cue-reviews?type=${r.cueType}&mediaMs=${r.mediaMs}`);
      }],
      ['a comment', () => api(url(), 'POST', `/api/sessions/${id}/comments`, { mediaMs: 1000, text: 'ask here' })],
      ['a comment removed', async () => api(url(), 'DELETE', `/api/sessions/${id}/comments/${(await snapshot(id)).comments[0]!.id}`)],
      ['a role change (the customer made a rep)', () => api(url(), 'PUT', `/api/sessions/${id}/roles`, { roles: { [customer]: 'rep' } })],
      ['a role change back', () => api(url(), 'PUT', `/api/sessions/${id}/roles`, { roles: { [customer]: 'customer' } })],
      ['a re-analysis', () => api(url(), 'POST', `/api/sessions/${id}/reanalyse`)],
      ['a posture label (the demo)', () => api(url(), 'PUT', `/api/sessions/${DEMO_SESSION_ID}/posture-labels`, { participant: demo.posture!.participant, mediaMs: 10_000, labels: ['leaning_forward'] })],
      ['a posture label removed (the demo)', async () => api(url(), 'DELETE', `/api/sessions/${DEMO_SESSION_ID}/posture-labels/${(await snapshot(DEMO_SESSION_ID)).postureLabels[0]!.frameId}`)],
    ];
    for (const [what, step] of steps) {
      const r = (await step()) as { status?: number; ok?: boolean };
      expect(r.status === undefined ? r.ok : r.status < 300).toBe(true);
      clock.advance(1000);
      await quiet();
      try {
        expect(kept).toEqual(await listedNow());
      } catch (err) {
        (err as Error).message = `after ${what}: ${(err as Error).message}`;
        throw err;
      }
    }
  }, 60_000);
});

describe('many watchers', () => {
  it('30 sockets in the lobby each hear one session_counts per flush, the same one, and a socket that watched twice hears it once', async () => {
    const watchers = await Promise.all(Array.from({ length: 30 }, () => socket()));
    for (const w of watchers) expect((await emitAck(w, 'watch_sessions', {})).ok).toBe(true);
    expect((await emitAck(watchers[0]!, 'watch_sessions', {})).ok).toBe(true);
    const heard = watchers.map((w) => collect(w, 'session_counts'));
    const id = (await api(url(), 'POST', '/api/sessions', { title: 'many', participants: demo.participants })).body.session.id as string;
    const sender = await socket();
    for (let i = 0; i < 5; i++) expect((await emitAck(sender, 'utterance', { sessionId: id, utterance: { speaker: demo.participants[0]!.name, text: `Turn ${i}.`, startMs: i * 1000 } })).ok).toBe(true);
    clock.advance(1000);
    await quiet();
    const first = heard[0]!.items;
    expect(first.length).toBeGreaterThanOrEqual(1);
    for (const h of heard) expect(h.items).toEqual(first);
    expect(first.at(-1)).toEqual({ sessionId: id, ...(await listedNow()).get(id) });
  });
});

describe('a watcher that leaves by disconnecting', () => {
  it('hears no session_counts once gone, nor on a new connection until it watches again; then it does', async () => {
    const first = await connectSocket(url());
    await keptList(first);
    first.close();
    const again = await socket();
    const heard = collect(again, 'session_counts');
    const id = (await api(url(), 'POST', '/api/sessions', { title: 'after', participants: demo.participants })).body.session.id as string;
    const sender = await socket();
    const say = (startMs: number) => emitAck(sender, 'utterance', { sessionId: id, utterance: { speaker: demo.participants[0]!.name, text: 'Hello there.', startMs } });
    expect((await say(1000)).ok).toBe(true);
    clock.advance(1000);
    await quiet();
    expect(heard.items).toEqual([]);
    const kept = await keptList(again);
    expect((await say(2000)).ok).toBe(true);
    clock.advance(1000);
    await quiet();
    expect(heard.items.map((e) => e.sessionId)).toEqual([id]);
    expect(kept.get(id)).toEqual((await listedNow()).get(id));
  });
});

describe('a flush pending when the server stops', () => {
  it('is never sent, and close neither waits for it nor leaves its timer', async () => {
    const pending = new ManualScheduler();
    const server = await startTestServer({ lobbyCounts: { scheduler: pending, intervalMs: 60_000 } });
    try {
      const lobby = await connectSocket(server.url);
      const heard = collect(lobby, 'session_counts');
      expect((await emitAck(lobby, 'watch_sessions', {})).ok).toBe(true);
      const id = server.service.createSession({ title: 'pending', participants: demo.participants }).id;
      // The first change goes out at once, the second waits out the interval.
      server.service.addUtterance(id, { speaker: demo.participants[0]!.name, text: 'One.', startMs: 0 });
      pending.advance(0);
      server.service.addUtterance(id, { speaker: demo.participants[0]!.name, text: 'Two.', startMs: 1000 });
      expect(pending.waiting).toBe(1);
      const t0 = Date.now();
      await server.close();
      expect(Date.now() - t0).toBeLessThan(2500);
      expect(pending.waiting).toBe(0);
      pending.advance(120_000);
      await quiet();
      expect(heard.items.map((e) => e.utteranceCount)).toEqual([1]);
      lobby.close();
    } finally {
      await server.close();
    }
  });
});
