// One speaker-name rule on every path (live socket turns, new sessions, PUT /roles, uploads),
// over real HTTP and socket.io on port 0 with the real model and SQLite.
import { api, useTestServer, type TestSocket } from './harness';

function send(socket: TestSocket, sessionId: string, utterance: unknown): Promise<any> {
  return new Promise((resolve) => socket.emit('utterance', { sessionId, utterance } as never, resolve));
}
function join(socket: TestSocket, sessionId: string): Promise<any> {
  return new Promise((resolve) => socket.emit('join', { sessionId }, resolve));
}

describe('speaker names', () => {
  const suite = useTestServer();

  it('a live turn from "Alice  Smith", "Alice\\u00a0Smith", "Alice\\tSmith", "Alice\\nSmith" or with a zero-width space is the customer "Alice Smith"', async () => {
    const created = await api(suite.server.url, 'POST', '/api/sessions', {
      participants: [{ name: 'Rep Zhang', role: 'rep' }, { name: 'Alice\u00a0 Smith\u200B', role: 'customer' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.session.participants.map((p: { name: string }) => p.name)).toEqual(['Rep Zhang', 'Alice Smith']);
    const id = created.body.session.id as string;
    const socket = await suite.client();
    await join(socket, id);
    const spellings = ['Alice  Smith', 'Alice\u00a0Smith', 'Alice\tSmith', 'Alice\nSmith', '\u200BAlice Smith\u200E'];
    for (const [i, speaker] of spellings.entries()) {
      const ack = await send(socket, id, { speaker, text: 'How much does it cost per month?', startMs: i * 60_000 });
      expect(ack).toMatchObject({ ok: true, utterance: { speaker: 'Alice Smith', role: 'customer' } });
    }
    const snap = (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;
    expect(snap.session.participants).toHaveLength(2);
    expect(snap.unassignedSpeakers).toEqual([]);
    expect(snap.signals).toHaveLength(spellings.length);

    const empty = await send(socket, id, { speaker: '\u200B\u00a0', text: 'hi', startMs: 0 });
    expect(empty).toEqual({ ok: false, error: { code: 'invalid_input', field: 'utterance.speaker', message: 'utterance.speaker: speaker must not be empty' } });
  });

  it('PUT /roles: an invisible key is refused and adds nobody; a key spelt with other spaces names the same participant (audit repro 3)', async () => {
    const id = (await api(suite.server.url, 'POST', '/api/sessions', { participants: [{ name: 'Alice Smith', role: 'rep' }] })).body.session.id as string;
    for (const key of ['\u200b', '\u200E\u200E', '\uFEFF ']) {
      const r = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [key]: 'customer' } });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'invalid_input', field: 'roles' });
      expect(r.body.error.message).toMatch(/^roles: key "(\\u[0-9A-F]{4}| )+" must be a speaker name of 1-80 characters$/);
    }
    const ok = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { 'Alice\tSmith\u200B': 'customer' } });
    expect(ok.status).toBe(200);
    expect(ok.body.snapshot.session.participants).toEqual([{ name: 'Alice Smith', role: 'customer' }]);
  });

  it('an upload with zero-width and direction marks around "Alice" has one speaker Alice (audit repro 3)', async () => {
    const text = ['Alice: hi', '\u200BAlice: zwsp before', 'Alice\u200B: zwsp after', '\u200E\u200EAlice: lrm'].join('\n');
    const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=zw.txt', undefined, text);
    expect(up.status).toBe(201);
    expect(up.body.unassignedSpeakers).toEqual(['Alice']);
    expect(up.body.session.participants).toEqual([{ name: 'Alice', role: null }]);
  });
});
