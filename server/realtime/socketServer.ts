// socket.io adapter: one room per session, and a lobby for the sockets following the session
// list. Parses every inbound payload with the protocol's zod schemas (the typed event maps are
// compile-time only), calls the service, acks.
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { z } from 'zod';
import {
  FrameInSchema,
  JoinSchema,
  LandmarksInSchema,
  LeaveSchema,
  LiveUtteranceSchema,
  WatchSessionsSchema,
  zodToApiError,
  type ApiError,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../protocol/protocol';
import { describeValue } from '../../protocol/zodMessages';
import { ShuttingDownError, TurnsInFlightError } from '../errors/errors';
import { toApiError } from '../errors/mapError';
import type { SessionEvent, SessionService } from '../pipeline/sessionService';
import type { FrameService } from '../frames/frameService';
import { LiveTurnQueue } from '../pipeline/liveTurnQueue';
import type { VerbalSettings } from '../models/verbalSettings';
import { CountsCoalescer, DEFAULT_LOBBY_COUNTS, type LobbyCountsOptions } from './lobbyCounts';
import { foreignOrigin } from '../http/origin';
import { anyHost, type HostCheck } from '../http/hosts';
import { carriesToken } from '../http/auth';
import { checkImageHeader } from '../signals/pose/sniff';

type IoServer = Server<ClientToServerEvents, ServerToClientEvents>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface RealtimeOptions {
  /** Largest socket.io message accepted, bytes. */
  maxMessageBytes: number;
  /** The names a connection may address the server by (see http/hosts.ts). */
  hosts: HostCheck;
  /** The access token a connection must carry (cookie or Authorization header); none: open. */
  token?: string;
  /**
   * Live turns one connection may have waiting for their ack; more are refused (`busy`), so a
   * client sending without waiting cannot grow the server's queue without bound.
   */
  maxTurnsInFlight: number;
  /** The running verbal model's settings: every connected socket hears their changes (`verbal_settings`). */
  verbalSettings?: Pick<VerbalSettings, 'onChange'>;
  /** How often at most the lobby hears a session's counts (`session_counts`), and the clock that times it. */
  lobbyCounts: Partial<LobbyCountsOptions>;
  log: (msg: string) => void;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = { maxMessageBytes: 1024 * 1024, hosts: anyHost, maxTurnsInFlight: 256, lobbyCounts: DEFAULT_LOBBY_COUNTS, log: () => {} };

/** How long a stopping server waits for its clients to take their last acks and hang up. */
const CLOSE_WAIT_MS = 2000;

export interface Realtime {
  io: IoServer;
  /**
   * Stops taking input (later utterances, landmarks and frames get a `shutting_down` error
   * ack), stores and acks every turn already taken, lets those acks reach their sockets, then
   * closes the sockets and the HTTP server (`beforeHttpClose` runs just before, once the
   * sockets have had their goodbyes). The store stays open: the caller closes it after.
   */
  close(beforeHttpClose?: () => void): Promise<void>;
}

const room = (sessionId: string) => `session:${sessionId}`;
/**
 * The sockets following the session list (`watch_sessions`): they hear a session created,
 * renamed or deleted, and sessions' counts (coalesced), whichever session they show. Session ids
 * cannot hold ':', so no session's room is named so.
 */
const LOBBY = 'lobby:sessions';

/**
 * The session events that may change a session's counts in the list (SessionSummary's): turns,
 * cues, coaches' labels, verdicts, posture labels and comments, and re-analyses (role changes
 * move turns and labels in or out of the customers', and replace the cues). Not signals, frame
 * stats, roles_needed (participants, which the counts do not show), renames or deletions.
 */
const COUNTED: ReadonlySet<SessionEvent['type']> = new Set(['utterance', 'cue', 'reanalysed', 'corrected', 'cue_reviewed', 'posture_labelled', 'commented'] as const);

/** The client → server events, each of ClientToServerEvents. */
const INBOUND_EVENTS: readonly string[] = ['join', 'leave', 'utterance', 'landmarks', 'frame', 'watch_sessions'] satisfies readonly (keyof ClientToServerEvents)[];

export function attachRealtime(http: HttpServer, service: SessionService, frames: FrameService, opts: Partial<RealtimeOptions> = {}): Realtime {
  const o = { ...DEFAULT_REALTIME_OPTIONS, ...opts };
  const io: IoServer = new Server(http, {
    maxHttpBufferSize: o.maxMessageBytes,
    serveClient: false,
    // A WebSocket is not subject to CORS: without this any web page a LAN user opens could join sessions and send turns.
    // And a page using DNS rebinding is same-origin to the browser, but names itself in Host.
    // A refusal says why (the polling transport's 403 body carries it; a browser's WebSocket cannot read it).
    allowRequest: (req, done) => {
      const origin = foreignOrigin(req.headers);
      if (origin !== null) return done(`origin: connections from a page on another origin (${origin.slice(0, 200)}) are refused`, false);
      if (!o.hosts.allows(req.headers.host)) return done(`host: this server does not answer to the name "${String(req.headers.host).slice(0, 200)}"`, false);
      if (o.token !== undefined && !carriesToken(req.headers, o.token)) return done('token: this server needs its access token (the cookie from the printed address, or Authorization: Bearer TOKEN)', false);
      done(null, true);
    },
  });
  const turns = new LiveTurnQueue(service, { log: o.log });
  // A session's deletion waits for its turns already taken: they are stored and acked first.
  service.trackWork((sessionId) => turns.settled(sessionId));
  let closing = false;

  // The list's counts: a session whose counts may have changed is marked (nothing read or sent on
  // the live path, nothing at all with nobody in the lobby); the lobby hears the dirty sessions'
  // counts at most once per interval, read when sent. The read and the emits are one synchronous
  // step, as a deletion's commit and its `session_deleted` are: counts read before the deletion
  // go out before `session_deleted`, and a session read after it is gone (left out), so no
  // `session_counts` ever follows a session's `session_deleted`.
  const counts = new CountsCoalescer(
    () => (io.sockets.adapter.rooms.get(LOBBY)?.size ?? 0) > 0,
    (ids) => {
      try {
        for (const c of service.sessionCounts(ids)) io.to(LOBBY).emit('session_counts', c);
      } catch (err) {
        o.log(`session counts for the lobby failed: ${String(err)}`);
      }
    },
    o.lobbyCounts,
  );

  service.onEvent((e) => {
    // The list's followers: one event per session created or uploaded into (its counts with it).
    if (e.type === 'session_listed') {
      counts.forget(e.sessionId);
      return void io.to(LOBBY).emit('session_listed', { session: e.session });
    }
    if (COUNTED.has(e.type)) counts.mark(e.sessionId);
    holdRoomWrites(io, room(e.sessionId));
    const to = io.to(room(e.sessionId));
    if (e.type === 'utterance') to.emit('utterance', e.clientTurnId !== undefined ? { ...e.utterance, clientTurnId: e.clientTurnId } : e.utterance);
    else if (e.type === 'signal') to.emit('signal', e.signal);
    else if (e.type === 'cue') to.emit('cue', e.cue);
    else if (e.type === 'frame_stats') to.emit('frame_stats', e.stats);
    else if (e.type === 'reanalysed') to.emit('reanalysed', { sessionId: e.sessionId });
    else if (e.type === 'corrected') to.emit('corrected', { sessionId: e.sessionId, utteranceId: e.utteranceId, correction: e.correction });
    else if (e.type === 'cue_reviewed') to.emit('cue_reviewed', { sessionId: e.sessionId, cueType: e.cueType, mediaMs: e.mediaMs, review: e.review });
    else if (e.type === 'posture_labelled') to.emit('posture_labelled', { sessionId: e.sessionId, frameId: e.frameId, labels: e.labels });
    else if (e.type === 'commented') to.emit('commented', { sessionId: e.sessionId, commentId: e.commentId, comment: e.comment });
    // The room and the lobby in one emit: a socket in both gets it once.
    else if (e.type === 'session_renamed') io.to(room(e.sessionId)).to(LOBBY).emit('session_renamed', { sessionId: e.sessionId, title: e.title });
    else if (e.type === 'session_deleted') {
      counts.forget(e.sessionId);
      io.to(room(e.sessionId)).to(LOBBY).emit('session_deleted', { sessionId: e.sessionId });
      // The room goes with its session: no socket stays in it (a `join` of it now is a 404).
      io.in(room(e.sessionId)).socketsLeave(room(e.sessionId));
    } else to.emit('roles_needed', { sessionId: e.sessionId, speakers: e.speakers });
  });

  // A switch of the running model, to every window: its model line and footer follow without a reload.
  o.verbalSettings?.onChange((state) => io.emit('verbal_settings', state));

  io.on('connection', (socket: IoSocket) => {
    /** This connection's live turns submitted and not yet stored or failed. */
    let inFlight = 0;
    // Events whose ack the handlers would never call, so the client waited for ever: one this
    // server does not take (misspelt: `utterances`, `Join`), or one sent with more than a payload
    // before its ack (the handler took the second argument for the ack). Answered, not handled.
    socket.use(([event, ...args]: [string, ...unknown[]], next) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') return next();
      const reply = ack as (res: unknown) => void;
      if (!INBOUND_EVENTS.includes(event)) {
        const name = JSON.stringify(String(event).slice(0, 40));
        return reply({ ok: false, error: { code: 'invalid_input', field: 'event', message: `event: ${name} is not an event this server takes (${INBOUND_EVENTS.join(', ')})` } });
      }
      if (args.length > 2) {
        return reply({ ok: false, error: { code: 'invalid_input', field: 'payload', message: `payload: the "${event}" event takes one payload before its ack, got ${args.length - 1} arguments` } });
      }
      next();
    });
    socket.on('join', (payload, ack) => {
      const reply = safeAck(ack, payload);
      const parsed = JoinSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: payloadError('join', parsed.error, payload) });
      try {
        const snapshot = service.snapshot(parsed.data.sessionId);
        void socket.join(room(parsed.data.sessionId));
        reply({ ok: true, snapshot });
      } catch (err) {
        reply({ ok: false, error: toApiError(err) });
      }
    });

    socket.on('leave', (payload, ack) => {
      const reply = safeAck(ack, payload);
      const parsed = LeaveSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: payloadError('leave', parsed.error, payload) });
      void socket.leave(room(parsed.data.sessionId));
      reply({ ok: true });
    });

    // Follow the session list: the lobby, and the list as it is now (no event falls between the two).
    socket.on('watch_sessions', (payload, ack) => {
      const reply = safeAck(ack, payload);
      const parsed = WatchSessionsSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: payloadError('watch_sessions', parsed.error, payload) });
      try {
        const sessions = service.listSessions();
        void socket.join(LOBBY);
        reply({ ok: true, sessions });
      } catch (err) {
        reply({ ok: false, error: toApiError(err) });
      }
    });

    socket.on('utterance', (payload, ack) => {
      const reply = safeAck(ack, payload);
      const parsed = LiveUtteranceSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: payloadError('utterance', parsed.error, payload) });
      if (closing) return reply({ ok: false, error: new ShuttingDownError('utterance').toApi() });
      if (inFlight >= o.maxTurnsInFlight) return reply({ ok: false, error: new TurnsInFlightError(o.maxTurnsInFlight).toApi() });
      inFlight++;
      // Acked once stored; turns from all sessions that arrive together are classified together.
      turns.submit(parsed.data.sessionId, parsed.data.utterance, (outcome) => {
        inFlight--;
        if (outcome.ok) {
          holdWrites(socket);
          return reply({ ok: true, utterance: outcome.result.utterance, ...(outcome.duplicate ? { duplicate: true as const } : {}) });
        }
        const err = outcome.error;
        if (!(err instanceof Error && 'status' in err)) o.log(`utterance failed: ${String(err)}`);
        reply({ ok: false, error: underUtterance(toApiError(err)) });
      });
    });

    socket.on('landmarks', (payload, ack) => {
      const reply = safeAck(ack, payload);
      const parsed = LandmarksInSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: payloadError('landmarks', parsed.error, payload) });
      if (closing) return reply({ ok: false, error: new ShuttingDownError('frame').toApi() });
      try {
        const r = service.addLandmarks(parsed.data, 'browser');
        reply({ ok: true, frameId: r.frameId, signals: r.signals });
      } catch (err) {
        if (!(err instanceof Error && 'status' in err)) o.log(`landmarks failed: ${String(err)}`);
        reply({ ok: false, error: toApiError(err) });
      }
    });

    socket.on('frame', (payload, ack) => {
      const reply = safeAck(ack, payload);
      const parsed = FrameInSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: payloadError('frame', parsed.error, payload) });
      if (closing) return reply({ ok: false, error: new ShuttingDownError('frame').toApi() });
      const { sessionId, participant, mediaMs, image, person } = parsed.data;
      try {
        const bytes = image instanceof Uint8Array ? image : new Uint8Array(image);
        // Empty, too large or not JPEG/PNG/WebP: refused in the ack, not queued to fail later.
        checkImageHeader(bytes);
        const { stats, done } = frames.submit(sessionId, participant, mediaMs, bytes, person);
        reply({ ok: true, stats });
        // A frame that fails later (corrupt image, no pose weights) is reported to its sender as
        // an event naming the frame, so the client can tell which of its acked frames it was.
        void done.then((out) => {
          if (out.status === 'failed') socket.emit('session_error', { ...toApiError(out.error), sessionId, participant, mediaMs });
        });
      } catch (err) {
        reply({ ok: false, error: toApiError(err) });
      }
    });
  });

  async function close(beforeHttpClose?: () => void): Promise<void> {
    closing = true;
    await turns.idle();
    counts.close();
    // A socket closed this way sends what it holds (the last acks) before it hangs up; io.close()
    // alone would discard it, leaving stored turns unacknowledged (a client would send them again).
    io.disconnectSockets(true);
    const t0 = Date.now();
    while (io.engine.clientsCount > 0 && Date.now() - t0 < CLOSE_WAIT_MS) await new Promise((r) => setTimeout(r, 10));
    beforeHttpClose?.();
    await io.close();
  }
  return { io, close };
}

/**
 * One write per connection for what a turn sends it: for every connection in a room before
 * what happened in its session is sent out, and for a sender before its ack. engine.io writes
 * a connection's first packet at once (its transport is writable) and the rest only after
 * that write's callback, so a turn's `utterance` left in one write and its
 * signal, cue and ack in another (and a watcher's signal and cue in two more). Holding the
 * websocket transport's `writable` flag down until the next tick keeps the first packet in
 * engine.io's buffer with the others; at that tick the buffer goes to the transport in one
 * send, its frames into the corked TCP socket, out in one write. Only a websocket transport
 * with nothing in flight (writable) is held, so nothing waits that would not have been sent at
 * that tick; the flag and `flush` are engine.io's own (6.x), checked before use: where they are
 * not as expected, the packets go out as before. Order is unchanged (one buffer, in order).
 * A `volatile` emit (dropped by socket.io while the transport is not writable) would be lost
 * during the hold: this server sends none.
 */
function holdRoomWrites(io: IoServer, name: string): void {
  const ids = io.sockets.adapter.rooms.get(name);
  if (!ids) return;
  for (const id of ids) {
    const socket = io.sockets.sockets.get(id);
    if (socket) holdWrites(socket);
  }
}

interface HeldTransport {
  name: string;
  writable: boolean;
}

function holdWrites(socket: IoSocket): void {
  const conn = socket.conn as unknown as { transport?: HeldTransport; flush?: () => void; readyState?: string };
  const t = conn.transport;
  if (!t || t.name !== 'websocket' || t.writable !== true || typeof conn.flush !== 'function' || conn.readyState !== 'open') return;
  if (Object.getOwnPropertyDescriptor(t, 'writable')?.writable !== true) return;
  const tcp = socket.request.socket;
  if (tcp.destroyed) return;
  t.writable = false;
  tcp.cork();
  process.nextTick(() => {
    try {
      t.writable = true;
      conn.flush!();
    } finally {
      tcp.uncork();
    }
  });
}

/**
 * A payload's error ack. A payload that is not an object at all (a number, a string, null, an
 * array) is named `payload`, as an HTTP body is named `body`: zod's own issue has no path, so
 * the ack named no field ("input: Invalid input: expected object, received number").
 */
function payloadError(event: string, err: z.ZodError, payload: unknown): ApiError {
  if (typeof payload === 'object' && payload !== null && !Array.isArray(payload) && !ArrayBuffer.isView(payload)) return zodToApiError(err, '', undefined, payload);
  return { code: 'invalid_input', field: 'payload', message: `payload: the "${event}" event takes an object, got ${describePayload(payload)}` };
}

function describePayload(v: unknown): string {
  return typeof v === 'function' ? 'a function (the ack callback in place of the payload?)' : describeValue(v);
}

/**
 * A client may omit the ack callback or send a non-function: never crash on it. An event sent
 * with an ack and no payload (`emit('join', ack)`) brings the ack first: it is answered there
 * (the payload, a function, is refused by name), not left waiting forever.
 */
function safeAck<F extends (res: never) => void>(ack: F | undefined, payload: unknown): F {
  if (typeof ack === 'function') return ack;
  return (ack === undefined && typeof payload === 'function' ? payload : () => {}) as F;
}

/**
 * A live turn's error as the payload names it: a field the service names within the turn
 * (`speaker`: the participant limit) is `utterance.speaker` in the `utterance` event, as the
 * payload's own checks name it.
 */
function underUtterance(e: ApiError): ApiError {
  return e.field !== undefined && e.field !== 'sessionId' && !e.field.startsWith('utterance.') ? { ...e, field: `utterance.${e.field}` } : e;
}
