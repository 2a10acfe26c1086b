// `serve --thresholds` end to end: the CLI's options, the real server on port 0 with a SQLite
// file store and the real model; health says the thresholds, and a customer turn scoring under
// its label's threshold (uploaded or live) is stored with no signal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../server/main';
import { serveOptions } from '../../server/cli/serve';
import { api, collect, connectSocket, startTestServer, type TestSocket } from './harness';

const PARTICIPANTS = [
  { name: 'Rep Hu', role: 'rep' },
  { name: 'Ms Tan', role: 'customer' },
];

// Written for this test.
const VTT = `WEBVTT

00:00:01.000 --> 00:00:04.000
<v Rep Hu>This deposit account pays interest every quarter.

00:00:05.000 --> 00:00:08.000
<v Ms Tan>Is there a fee for that?
`;

function send(socket: TestSocket, sessionId: string, utterance: unknown): Promise<any> {
  return new Promise((resolve) => socket.emit('utterance', { sessionId, utterance } as never, resolve));
}

async function uploaded(server: RunningServer) {
  const id = (await api(server.url, 'POST', '/api/sessions', { title: 'thresholds', participants: PARTICIPANTS })).body.session.id as string;
  expect((await api(server.url, 'POST', `/api/sessions/${id}/transcript?format=vtt`, undefined, VTT)).status).toBe(201);
  return (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
}

/** Two live customer turns over socket.io: a price question, then a wish to sign. */
async function live(server: RunningServer, signalCount: number) {
  const id = (await api(server.url, 'POST', '/api/sessions', { participants: PARTICIPANTS })).body.session.id as string;
  const socket = await connectSocket(server.url);
  try {
    expect((await new Promise<any>((resolve) => socket.emit('join', { sessionId: id }, resolve))).ok).toBe(true);
    const utterances = collect(socket, 'utterance');
    const signals = collect(socket, 'signal');
    const price = await send(socket, id, { speaker: 'Ms Tan', text: 'How much would that be?', startMs: 1000, endMs: 3000 });
    const sign = await send(socket, id, { speaker: 'Ms Tan', text: "Good, I'll sign up for it today.", startMs: 5000, endMs: 7000 });
    expect([price.ok, sign.ok]).toEqual([true, true]);
    await utterances.atLeast(2);
    await signals.atLeast(signalCount);
    const snap = (await api(server.url, 'GET', `/api/sessions/${id}`)).body;
    return { snap, broadcast: signals.items.map((x) => x.label), price: price.utterance.id as number, sign: sign.utterance.id as number };
  } finally {
    socket.close();
  }
}

describe('serve --thresholds', () => {
  let dir: string;
  let held: RunningServer;
  let plain: RunningServer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-serve-thresholds-'));
    const flags = ['--port', '0', '--no-demo', '--warm-up', '0'];
    held = await startTestServer(serveOptions([...flags, '--db', path.join(dir, 'held.db'), '--thresholds', 'price_inquiry=0.99'], {}));
    plain = await startTestServer(serveOptions([...flags, '--db', path.join(dir, 'plain.db')], {}));
  });
  afterAll(async () => {
    await held?.close();
    await plain?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('/api/health reports the thresholds in force ({} when none)', async () => {
    expect((await api(held.url, 'GET', '/api/health')).body.signalThresholds).toEqual({ price_inquiry: 0.99 });
    expect((await api(plain.url, 'GET', '/api/health')).body.signalThresholds).toEqual({});
  });

  it('an uploaded customer price question under 0.99 gives no signal and no cue; without thresholds it does', async () => {
    const control = await uploaded(plain);
    expect(control.signals.map((s: { label: string }) => s.label)).toEqual(['price_inquiry']);
    expect(control.signals[0].score).toBeLessThan(0.99);
    const snap = await uploaded(held);
    expect(snap.utterances).toHaveLength(2);
    expect(snap.signals).toEqual([]);
    expect(snap.cues).toEqual([]);
  });

  it('a live customer turn under its threshold is stored and broadcast, with no signal; another label still gives one', async () => {
    const control = await live(plain, 2);
    expect(control.snap.signals.map((x: { label: string }) => x.label)).toEqual(['price_inquiry', 'purchase_intent']);
    expect(control.snap.signals[0].score).toBeLessThan(0.99);
    const { snap, broadcast, price, sign } = await live(held, 1);
    expect(snap.utterances.map((u: { id: number }) => u.id)).toEqual([price, sign]);
    expect(broadcast).toEqual(['purchase_intent']);
    // The threshold is on price_inquiry only: the wish to sign still counts.
    expect(snap.signals.map((x: { utteranceId: number; label: string }) => [x.utteranceId, x.label])).toEqual([[sign, 'purchase_intent']]);
  });
});
