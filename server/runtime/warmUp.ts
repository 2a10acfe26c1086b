// A fresh process runs the live path slowly until V8 has optimised it: measured here, a server's
// CPU per turn falls from ~1.1 ms to ~0.6 ms over its first ~3,000 turns, and the first meeting
// after a start would pay for that. So before the server takes real traffic, it plays turns
// through a scratch copy of itself: the same classifier, service, express app and socket.io
// code, over loopback, into a store in memory that is thrown away. Nothing reaches the real
// store, and nothing is downloaded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol/protocol';
import { createApp } from '../http/app';
import { attachRealtime } from '../realtime/socketServer';
import { SessionService } from '../pipeline/sessionService';
import { FrameService } from '../frames/frameService';
import { SqliteStore } from '../store/sqliteStore';
import type { VerbalClassifier } from '../signals/verbal/types';
import type { PostureClassifier } from '../signals/posture/model';
import { PostureRuntime } from '../models/postureRuntime';
import type { DemoMeeting } from '../demo/demo';

export interface WarmUpOptions {
  /** Turns to play in all (rep and customer turns alike). */
  turns: number;
  /** Sessions played side by side, so turns also arrive together and are batched as live ones are. */
  sessions: number;
  /** Stops sending turns once aborted (a time limit); what was played is reported. */
  signal?: AbortSignal;
}

export const DEFAULT_WARM_UP: WarmUpOptions = { turns: 2000, sessions: 10 };

/** Largest accepted `turns`: about 10 s of start-up here. */
export const MAX_WARM_UP_TURNS = 20000;

export interface WarmUpDeps {
  classifier: VerbalClassifier;
  posture: PostureClassifier;
  demo: DemoMeeting;
  now: () => number;
}

export interface WarmUpResult {
  /** Turns played and acked. */
  turns: number;
  /** The signal stopped it before `turns` were played. */
  stopped: boolean;
  /** Landmark frames played and acked (the demo's posture track, one per turn, when the demo has one). */
  frames: number;
  /** Signals and cues the scratch server published: the classifiers and the cue engine ran too. */
  signals: number;
  cues: number;
  ms: number;
}

// English turns of the project's own writing, beside the (mostly Chinese) demo meeting, so
// both scripts' code paths (one- and two-byte strings, word and character n-grams) are warm.
const ENGLISH: readonly { role: 'rep' | 'customer'; text: string }[] = [
  { role: 'rep', text: 'The standard plan covers ten users and phone support, billed yearly.' },
  { role: 'customer', text: 'ok so what would that come to for our whole branch?' },
  { role: 'rep', text: 'For thirty seats it would be about nine thousand a year.' },
  { role: 'customer', text: "Hmm, that's more than we budgeted, honestly. Is there any room on price?" },
  { role: 'rep', text: 'If you sign this quarter I can take fifteen percent off the first year.' },
  { role: 'customer', text: "Alright, that works. Let's do it, send me the contract." },
];

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The scratch server serves no client: a folder that cannot exist (a path under a file). */
const NO_CLIENT = '/dev/null/no-client';

/**
 * Plays `opts.turns` turns (and as many landmark frames of the demo's posture track) through a
 * throw-away copy of the server; resolves when it is closed again.
 */
export async function warmUp(deps: WarmUpDeps, opts: WarmUpOptions = DEFAULT_WARM_UP): Promise<WarmUpResult> {
  if (!Number.isInteger(opts.turns) || opts.turns < 0 || opts.turns > MAX_WARM_UP_TURNS) {
    throw new RangeError(`warm-up turns must be a whole number from 0 to ${MAX_WARM_UP_TURNS}, got ${opts.turns}`);
  }
  if (!Number.isInteger(opts.sessions) || opts.sessions < 1) throw new RangeError(`warm-up sessions must be a whole number ≥ 1, got ${opts.sessions}`);
  const t0 = performance.now();
  if (opts.turns === 0) return { turns: 0, stopped: false, frames: 0, signals: 0, cues: 0, ms: 0 };
  const store = new SqliteStore(':memory:');
  // The server's own posture model, wrapped for the app's routes; never disposed here (the server runs it after).
  const posture = new PostureRuntime({ classifier: deps.posture, id: 'base', dir: '' });
  const service = new SessionService({ store, classifier: deps.classifier, postureRuntime: posture, now: deps.now });
  // No frames are sent: a frame would start the pose pool, which the warm-up has no use for.
  const frames = new FrameService(service, () => Promise.reject(new Error('the warm-up sends no frames')));
  const app = createApp({ service, frames, backend: 'warm-up', posture, demo: deps.demo, clientDir: NO_CLIENT, log: () => {} });
  const server = http.createServer(app);
  const realtime = attachRealtime(server, service, frames);
  const sockets: Client[] = [];
  const seen = { signals: 0, cues: 0 };
  service.onEvent((e) => {
    if (e.type === 'signal') seen.signals += 1;
    else if (e.type === 'cue') seen.cues += 1;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const script = turnsOf(deps.demo);
    const sessions = Math.min(opts.sessions, opts.turns);
    const track = deps.demo.posture;
    let played = 0;
    let frameCount = 0;
    await Promise.all(
      Array.from({ length: sessions }, async (_, k) => {
        const session = service.createSession({
          title: `warm-up ${k}`,
          participants: [
            { name: 'rep', role: 'rep' },
            { name: 'customer', role: 'customer' },
          ],
        });
        const socket: Client = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const joined = await socket.emitWithAck('join', { sessionId: session.id });
        if (!joined.ok) throw new Error(`warm-up join failed: ${joined.error.message}`);
        // Each session walks the script from its own offset; turns are spread over the sessions.
        for (let i = k, mediaMs = 0; played < opts.turns && !opts.signal?.aborted; i += 1, mediaMs += 4000) {
          played += 1;
          const turn = script[i % script.length]!;
          const ack = await socket.emitWithAck('utterance', {
            sessionId: session.id,
            utterance: { speaker: turn.role, text: turn.text, startMs: mediaMs, endMs: mediaMs + 3000 },
          });
          if (!ack.ok) throw new Error(`warm-up turn failed: ${ack.error.message}`);
          const frame = track?.frames[i % track.frames.length];
          if (track && frame) {
            const done = await socket.emitWithAck('landmarks', { sessionId: session.id, participant: 'customer', mediaMs: mediaMs + 1000, poses: frame.poses, aspect: track.aspect });
            if (!done.ok) throw new Error(`warm-up landmarks failed: ${done.error.message}`);
            frameCount += 1;
          }
        }
      }),
    );
    return { turns: played, stopped: played < opts.turns, frames: frameCount, ...seen, ms: Math.round(performance.now() - t0) };
  } finally {
    for (const s of sockets) s.disconnect();
    await realtime.close();
    await frames.close();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
  }
}

/** The demo meeting's turns (its speakers mapped to their roles) and the English ones, alternating. */
function turnsOf(demo: DemoMeeting): { role: 'rep' | 'customer'; text: string }[] {
  const role = new Map(demo.participants.map((p) => [p.name, p.role]));
  const zh = demo.utterances.flatMap((u) => {
    const r = role.get(u.speaker);
    return r === 'rep' || r === 'customer' ? [{ role: r, text: u.text }] : [];
  });
  return [...zh, ...ENGLISH];
}
