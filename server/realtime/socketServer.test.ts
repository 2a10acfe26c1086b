// The socket.io adapter on its own http server, with the real service, model and SQLite: what
// its write holding (one write per connection for a turn's packets) does when a connection
// goes away while its packets are held.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol/protocol';
import { initTf } from '../runtime/backend';
import { loadVerbalClassifier } from '../signals/verbal/model';
import type { VerbalClassifier } from '../signals/verbal/types';
import { SqliteStore } from '../store/sqliteStore';
import { projectPath } from '../paths';
import { SessionService } from '../pipeline/sessionService';
import { FrameService } from '../frames/frameService';
import { attachRealtime } from './socketServer';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let verbal: VerbalClassifier;
beforeAll(async () => {
  await initTf();
  verbal = loadVerbalClassifier({ modelDir: projectPath('models', 'verbal') });
});
afterAll(() => verbal.dispose());

it('a connection closed while its turn is published (its packets held) leaves the room served, in order', async () => {
  const store = new SqliteStore(':memory:');
  const service = new SessionService({ store, classifier: verbal, now: () => 1000 });
  const frames = new FrameService(service, () => Promise.reject(new Error('no pose model in this test')));
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const realtime = attachRealtime(server, service, frames);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: Client[] = [];
  try {
    const id = service.createSession({ title: 't', participants: [{ name: 'Bo', role: 'customer' }] }).id;
    const client = async () => {
      const c: Client = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      clients.push(c);
      await new Promise<void>((resolve) => c.once('connect', () => resolve()));
      expect(await new Promise<any>((resolve) => c.emit('join', { sessionId: id }, resolve))).toMatchObject({ ok: true });
      return c;
    };
    const [leaving, staying] = [await client(), await client()];
    const seen: string[] = [];
    staying.onAny((event: string) => seen.push(event));
    // Runs after the adapter's own listener: the turn's utterance is held in both connections.
    let closed = false;
    service.onEvent((e) => {
      if (e.type !== 'utterance' || closed) return;
      closed = true;
      const mine = [...realtime.io.sockets.sockets.values()].find((s) => s.id === leaving.id);
      mine!.disconnect(true);
    });
    const send = (c: Client, startMs: number) =>
      new Promise<any>((resolve) => c.emit('utterance', { sessionId: id, utterance: { speaker: 'Bo', text: 'How much is it for twelve?', startMs } }, resolve));
    void send(leaving, 1000);
    while (seen.length < 3) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(true);
    expect(await send(staying, 200_000)).toMatchObject({ ok: true, utterance: { seq: 2 } });
    expect(seen).toEqual(['utterance', 'signal', 'cue', 'utterance', 'signal', 'cue']);
    expect(store.utterances(id).map((u) => u.seq)).toEqual([1, 2]);
  } finally {
    for (const c of clients) c.close();
    await realtime.close();
    await frames.close();
    store.close();
  }
});
