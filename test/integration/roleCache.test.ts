// The store keeps each session's participants and roles in memory, read by every live turn. A
// stale copy would give a customer's turns no signals, silently: every path that writes roles
// or participants must be seen by the next live turn. Through HTTP and socket.io on port 0 with
// the real model and a real SQLite store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, collect, connectSocket, startTestServer, type TestSocket, useTestServer } from './harness';

/** A customer turn that gives a price_inquiry signal. */
const ASK = 'Okay, and how much would it cost for the whole team of twelve?';

function send(socket: TestSocket, sessionId: string, utterance: object): Promise<any> {
  return new Promise((resolve) => socket.emit('utterance', { sessionId, utterance } as never, resolve));
}
function join(socket: TestSocket, sessionId: string): Promise<any> {
  return new Promise((resolve) => socket.emit('join', { sessionId }, resolve));
}

/** A live turn by `speaker` and what it gave: the role it was stored under and its signal, if any. */
async function liveTurn(url: string, socket: TestSocket, sessionId: string, speaker: string, startMs: number) {
  const ack = await send(socket, sessionId, { speaker, text: ASK, startMs });
  expect(ack).toMatchObject({ ok: true });
  const snap = (await api(url, 'GET', `/api/sessions/${sessionId}`)).body;
  const signal = snap.signals.find((s: { utteranceId?: number }) => s.utteranceId === ack.utterance.id);
  return { role: ack.utterance.role as string | null, signal: (signal?.label as string | undefined) ?? null };
}

describe('a live turn after a change of roles or participants', () => {
  const suite = useTestServer();
  const url = () => suite.server.url;
  async function session(participants: { name: string; role: string | null }[]) {
    const r = await api(url(), 'POST', '/api/sessions', { participants });
    expect(r.status).toBe(201);
    return r.body.session.id as string;
  }

  it('PUT /roles: takes the new role at once, each time (none → customer → no role → rep → customer)', async () => {
    const id = await session([{ name: 'Ada', role: 'rep' }]);
    const socket = await suite.client();
    await join(socket, id);
    const needed = collect(socket, 'roles_needed');
    expect(await liveTurn(url(), socket, id, 'Li', 1000)).toEqual({ role: null, signal: null });
    expect(needed.items.at(-1)).toEqual({ sessionId: id, speakers: ['Li'] });

    const put = (role: string | null) => api(url(), 'PUT', `/api/sessions/${id}/roles`, { roles: { Li: role } });
    expect((await put('customer')).status).toBe(200);
    expect(await liveTurn(url(), socket, id, 'Li', 200_000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
    expect((await put(null)).status).toBe(200);
    const n = needed.items.length;
    expect(await liveTurn(url(), socket, id, 'Li', 400_000)).toEqual({ role: null, signal: null });
    expect(needed.items.slice(n)).toEqual([{ sessionId: id, speakers: ['Li'] }]);
    expect((await put('rep')).status).toBe(200);
    expect(await liveTurn(url(), socket, id, 'Li', 600_000)).toEqual({ role: 'rep', signal: null });
    expect((await put('customer')).status).toBe(200);
    expect(await liveTurn(url(), socket, id, 'Li', 800_000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
  });

  it('PUT /roles naming someone new: their first live turn has the role given', async () => {
    const id = await session([{ name: 'Ada', role: 'rep' }]);
    const socket = await suite.client();
    expect(await liveTurn(url(), socket, id, 'Ada', 1000)).toEqual({ role: 'rep', signal: null });
    expect((await api(url(), 'PUT', `/api/sessions/${id}/roles`, { roles: { Mei: 'customer' } })).status).toBe(200);
    expect(await liveTurn(url(), socket, id, 'Mei', 200_000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
  });

  it('an upload that brings a new participant with a role, and one that changes a known role', async () => {
    const id = await session([{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'rep' }]);
    const socket = await suite.client();
    expect(await liveTurn(url(), socket, id, 'Li', 1000)).toEqual({ role: 'rep', signal: null });
    const upload = (participants: object[], speaker: string, startMs: number) =>
      api(url(), 'POST', `/api/sessions/${id}/transcript?format=json`, undefined,
        JSON.stringify({ participants, utterances: [{ speaker, text: 'Good to meet you.', startMs }] }));
    // A new participant, with a role.
    expect((await upload([{ name: 'Mei', role: 'customer' }], 'Mei', 100_000)).status).toBe(201);
    expect(await liveTurn(url(), socket, id, 'Mei', 200_000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
    // A known participant's role changed by the file (re-analysed as PUT /roles does; a file's
    // participant who does not speak in it is left out).
    expect((await upload([{ name: 'Li', role: 'customer' }], 'Li', 300_000)).status).toBe(201);
    expect(await liveTurn(url(), socket, id, 'Li', 400_000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
    // A new speaker without a role, from the file's turns alone: listed as needing one.
    expect((await upload([], 'Cy', 500_000)).status).toBe(201);
    const snap = (await api(url(), 'GET', `/api/sessions/${id}`)).body;
    expect(snap.unassignedSpeakers).toEqual(['Cy']);
    expect(await liveTurn(url(), socket, id, 'Cy', 600_000)).toEqual({ role: null, signal: null });
  });

  it('a participant who joined by their landmarks: no role until PUT /roles gives one', async () => {
    const id = await session([{ name: 'Ada', role: 'rep' }]);
    const socket = await suite.client();
    expect(await liveTurn(url(), socket, id, 'Ada', 1000)).toEqual({ role: 'rep', signal: null });
    const landmarks = await new Promise<any>((resolve) => socket.emit('landmarks', { sessionId: id, participant: 'Cam', mediaMs: 2000, poses: [] }, resolve));
    expect(landmarks).toMatchObject({ ok: true });
    expect(await liveTurn(url(), socket, id, 'Cam', 3000)).toEqual({ role: null, signal: null });
    expect((await api(url(), 'PUT', `/api/sessions/${id}/roles`, { roles: { Cam: 'customer' } })).status).toBe(200);
    expect(await liveTurn(url(), socket, id, 'Cam', 200_000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
    const snap = (await api(url(), 'GET', `/api/sessions/${id}`)).body;
    expect(snap.session.participants).toEqual([{ name: 'Ada', role: 'rep' }, { name: 'Cam', role: 'customer' }]);
  });

  it('a role change that fails in its transaction leaves the old role for the next live turn', async () => {
    // Li becomes a rep by an upload whose 48 new speakers fit the limit when it starts; a live
    // turn from someone new comes before its transaction, which then finds 51 participants and
    // rolls back, role change included.
    const id = await session([{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }]);
    const socket = await suite.client();
    expect(await liveTurn(url(), socket, id, 'Li', 1000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
    const { service } = suite.server;
    const crowd = Array.from({ length: 48 }, (_, i) => ({ speaker: `guest ${i}`, text: 'hello', startMs: 300_000 + i * 1000 }));
    const upload = service.upload(id, crowd, [{ name: 'Li', role: 'rep' }]);
    service.addUtterance(id, { speaker: 'late guest', text: 'Sorry, which room is this?', startMs: 2000 });
    await expect(upload).rejects.toThrow(/51 participants/);
    expect(await liveTurn(url(), socket, id, 'Li', 200_000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
    const snap = (await api(url(), 'GET', `/api/sessions/${id}`)).body;
    expect(snap.session.participants.map((p: { name: string }) => p.name)).toEqual(['Ada', 'Li', 'late guest']);
  });
});

describe('a live turn after a restart', () => {
  it('takes the roles the store holds, and a role changed after the restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-roles-'));
    const dbPath = path.join(dir, 'db.sqlite');
    let server = await startTestServer({ dbPath });
    try {
      const id = (await api(server.url, 'POST', '/api/sessions', { participants: [{ name: 'Li', role: 'customer' }] })).body.session.id as string;
      let socket = await connectSocket(server.url);
      expect(await liveTurn(server.url, socket, id, 'Li', 1000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
      socket.close();
      await server.close();

      server = await startTestServer({ dbPath });
      socket = await connectSocket(server.url);
      expect(await liveTurn(server.url, socket, id, 'Li', 200_000)).toEqual({ role: 'customer', signal: 'price_inquiry' });
      expect((await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { Li: 'rep' } })).status).toBe(200);
      expect(await liveTurn(server.url, socket, id, 'Li', 400_000)).toEqual({ role: 'rep', signal: null });
      socket.close();
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
