// socket.io adapter: one room per session. Parses every inbound payload with the protocol's
// zod schemas (the typed event maps are compile-time only), calls the service, acks.
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  JoinSchema,
  LiveUtteranceSchema,
  SessionIdSchema,
  zodToApiError,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../protocol/protocol';
import { toApiError } from '../errors/errors';
import type { SessionService } from '../pipeline/sessionService';

type IoServer = Server<ClientToServerEvents, ServerToClientEvents>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface RealtimeOptions {
  /** Largest socket.io message accepted, bytes. */
  maxMessageBytes: number;
  log: (msg: string) => void;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = { maxMessageBytes: 1024 * 1024, log: () => {} };

const room = (sessionId: string) => `session:${sessionId}`;

export function attachRealtime(http: HttpServer, service: SessionService, opts: Partial<RealtimeOptions> = {}): IoServer {
  const o = { ...DEFAULT_REALTIME_OPTIONS, ...opts };
  const io: IoServer = new Server(http, { maxHttpBufferSize: o.maxMessageBytes, serveClient: false });

  service.onEvent((e) => {
    const to = io.to(room(e.sessionId));
    if (e.type === 'utterance') to.emit('utterance', e.utterance);
    else if (e.type === 'signal') to.emit('signal', e.signal);
    else if (e.type === 'cue') to.emit('cue', e.cue);
    else to.emit('roles_needed', { sessionId: e.sessionId, speakers: e.speakers });
  });

  io.on('connection', (socket: IoSocket) => {
    socket.on('join', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = JoinSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: zodToApiError(parsed.error) });
      try {
        const snapshot = service.snapshot(parsed.data.sessionId);
        void socket.join(room(parsed.data.sessionId));
        reply({ ok: true, snapshot });
      } catch (err) {
        reply({ ok: false, error: toApiError(err) });
      }
    });

    socket.on('leave', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = SessionIdSchema.safeParse((payload as { sessionId?: unknown } | undefined)?.sessionId);
      if (!parsed.success) return reply({ ok: false, error: zodToApiError(parsed.error, 'sessionId') });
      void socket.leave(room(parsed.data));
      reply({ ok: true });
    });

    socket.on('utterance', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = LiveUtteranceSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: zodToApiError(parsed.error) });
      try {
        const { utterance } = service.addUtterance(parsed.data.sessionId, parsed.data.utterance);
        reply({ ok: true, utterance });
      } catch (err) {
        if (!(err instanceof Error && 'status' in err)) o.log(`utterance failed: ${String(err)}`);
        reply({ ok: false, error: toApiError(err) });
      }
    });
  });
  return io;
}

/** A client may omit the ack callback or send a non-function: never crash on it. */
function safeAck<F extends (res: never) => void>(ack: F | undefined): F {
  return (typeof ack === 'function' ? ack : () => {}) as F;
}
