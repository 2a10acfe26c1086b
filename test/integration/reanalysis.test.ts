// PUT /roles re-analyses a slice at a time: while a long session is re-analysed, another
// session's live turn over socket.io is stored and acked. Real server on port 0, real model,
// real SQLite.
import { loadDemoMeeting } from '../../server/demo/demo';
import { api, collect, useTestServer } from './harness';

const suite = useTestServer();

describe('a role change of a long session', () => {
  it("does not hold up another session's live turns: their ack comes while the re-analysis is under way", async () => {
    const { service } = suite.server;
    const demo = loadDemoMeeting();
    const { participant, aspect, frames } = demo.posture!;
    // 4 laps of the demo's posture track (2,872 frames), stored in process to save time.
    const a = service.createSession({ title: 'long', participants: [{ name: participant, role: 'rep' }] }).id;
    for (let lap = 0; lap < 4; lap++) {
      for (let i = 0; i < frames.length; i += 32) {
        service.addLandmarksBatch(a, frames.slice(i, i + 32).map((f) => ({ participant, mediaMs: lap * 1_000_000 + f.mediaMs, poses: f.poses, aspect })), 'browser');
      }
    }
    const b = (await api(suite.server.url, 'POST', '/api/sessions', { participants: [{ name: 'Bo', role: 'customer' }] })).body.session.id as string;
    const socket = await suite.client();
    // A window showing session A hears that its analysis was replaced (once, when it was).
    const watcher = await suite.client();
    expect(await new Promise<any>((resolve) => watcher.emit('join', { sessionId: a }, resolve))).toMatchObject({ ok: true });
    const replaced = collect(watcher, 'reanalysed');

    let answered = false;
    const put = api(suite.server.url, 'PUT', `/api/sessions/${a}/roles`, { roles: { [participant]: 'customer' } }).then((r) => ((answered = true), r));
    while (!service.reanalysing(a) && !answered) await new Promise((r) => setImmediate(r));
    const ack = await new Promise<any>((resolve) =>
      socket.emit('utterance', { sessionId: b, utterance: { speaker: 'Bo', text: 'How much does it cost for the whole team?', startMs: 0, endMs: 900 } }, resolve),
    );
    const stillRunning = service.reanalysing(a);
    expect(ack).toMatchObject({ ok: true, utterance: { seq: 1, role: 'customer' } });
    expect(stillRunning).toBe(true);
    expect(answered).toBe(false);
    expect(replaced.items).toEqual([]);

    const r = await put;
    expect(r.status).toBe(200);
    expect(r.body.snapshot.signals.filter((s: { kind: string }) => s.kind === 'posture').length).toBeGreaterThan(4);
    expect(service.reanalysing(a)).toBe(false);
    expect(await replaced.atLeast(1)).toEqual([{ sessionId: a }]);
  });
});
