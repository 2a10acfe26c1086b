// The socket.io connection: follows the session list, joins a session, sends utterances with
// acks, and hands the server's events to listeners after checking them against the wire schemas.
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  SessionCountsEventSchema,
  SessionDeletedEventSchema,
  SessionRenamedEventSchema,
  type ApiError,
  type ClientToServerEvents,
  type Cue,
  type LandmarksIn,
  type PostureSignal,
  type ServerToClientEvents,
  type SessionSnapshot,
  type SessionError,
  type SessionCountsEvent,
  type SessionDeletedEvent,
  type SessionRenamedEvent,
  type RoomUtterance,
  type Signal,
  type Utterance,
  type UtteranceIn,
} from '../protocol/protocol';
import { z } from 'zod';
import {
  ApiErrorSchema,
  CommentedEventSchema,
  CorrectedEventSchema,
  CueReviewedEventSchema,
  CueSchema,
  PostureLabelledEventSchema,
  SessionListedEventSchema,
  SessionSummarySchema,
  SignalSchema,
  RoomUtteranceSchema,
  SnapshotSchema,
  UtteranceSchema,
  ackSchema,
  parseWire,
  type SessionSummary,
} from '../protocol/outbound';
import { TRAIN_EVENT, TrainJobSchema, type TrainJob } from '../protocol/training';
import type { CommentedEvent } from './comments';
import type { CorrectedEvent } from './corrections';
import { VerbalSettingsEventSchema, type VerbalSettingsEvent } from '../protocol/models';
import { POSTURE_SETTINGS_EVENT, POSTURE_TRAIN_EVENT, PostureSettingsEventSchema, PostureTrainJobSchema, type PostureState, type PostureTrainJob } from '../protocol/postureModels';
import type { CueReviewedEvent } from './cueReviews';
import type { PostureLabelledEvent } from './postureLabels';

export type ConnectionState = 'connecting' | 'connected' | 'offline';

export interface LiveListeners {
  onConnection(state: ConnectionState): void;
  /** A turn the session's room stored, with the clientTurnId it was sent with (when it had one). */
  onUtterance(u: RoomUtterance): void;
  onSignal(s: Signal): void;
  onCue(c: Cue): void;
  onRolesNeeded(sessionId: string, speakers: string[]): void;
  /** The session's roles changed and its analysis was replaced: what is shown of it is out of date. */
  onReanalysed(sessionId: string): void;
  /** A coach labelled a turn of the session, or removed its label (`correction: null`). */
  onCorrected(ev: CorrectedEvent): void;
  /** A coach gave a cue a verdict or took it back (`review: null`), matched to cards by moment. */
  onCueReviewed(ev: CueReviewedEvent): void;
  /** A coach labelled a customer's posture in a frame of the session, or removed those labels (`labels: null`). */
  onPostureLabelled(ev: PostureLabelledEvent): void;
  /** A coach commented on a moment of the session, edited a comment, or removed one (`comment: null`). */
  onCommented(ev: CommentedEvent): void;
  /** The session has another title (renamed here or in another window). */
  onSessionRenamed(ev: SessionRenamedEvent): void;
  /**
   * The session was deleted (here or in another window): the server took this socket out of its
   * room. Also for a session this window does not show: the socket follows the session list.
   */
  onSessionDeleted(ev: SessionDeletedEvent): void;
  /** The session list as the server holds it, when the socket began to follow it (each connect). */
  onSessionList(sessions: SessionSummary[]): void;
  /** A session created, or a transcript uploaded into one, here or in another window. */
  onSessionListed(session: SessionSummary): void;
  /** A listed session's counts now (turns, cues, labels, verdicts, comments), wherever they changed; coalesced by the server. */
  onSessionCounts(ev: SessionCountsEvent): void;
  onSessionError(e: SessionError): void;
  /** The verbal training job's state (started here or in another window), heard by every window. */
  onModelTraining(job: TrainJob): void;
  /** The server's running verbal model or thresholds are being switched, were switched, or a switch failed (any window's). */
  onVerbalSettings(s: VerbalSettingsEvent): void;
  /** The posture training job's state (started here or in another window), heard by every window. */
  onPostureTraining(job: PostureTrainJob): void;
  /** The server's running posture model is being switched, was switched, or a switch failed (any window's). */
  onPostureSettings(s: PostureState): void;
  /** A payload the server sent that did not match the protocol. */
  onProtocolError(message: string): void;
  /** After a reconnect the session was joined again: the snapshot covers what was missed. */
  onResync(snapshot: SessionSnapshot): void;
  /** After a reconnect the session could not be joined again (e.g. it is gone: `not_found`). */
  onResyncFailed(error: ApiError): void;
}

/** How an ack in flight fails when the connection drops, or when no answer came in time (socket.io-client's). */
/** How soon to connect again after the server closed the connection itself (it is stopping). */
const SERVER_HANGUP_RETRY_MS = 500;

const DELIVERY_UNKNOWN = new Set(['socket has been disconnected', 'operation has timed out']);

const ACK_TIMEOUT_MS = 15_000;
const JoinAck = ackSchema({ snapshot: SnapshotSchema });
const UtteranceAck = ackSchema({ utterance: UtteranceSchema, duplicate: z.literal(true).optional() });
const LandmarksAck = ackSchema({ frameId: z.number(), signals: z.array(SignalSchema) });
const RolesNeeded = z.object({ sessionId: z.string(), speakers: z.array(z.string()) });
const Reanalysed = z.object({ sessionId: z.string() });
const WatchAck = ackSchema({ sessions: z.array(SessionSummarySchema) });
const SessionErrorSchema = z.intersection(ApiErrorSchema, z.object({ sessionId: z.string(), participant: z.string().optional(), mediaMs: z.number().optional() }));

export type AckResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export class LiveConnection {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** The session whose room this socket is in; rooms are lost on reconnect, so re-joined. */
  private joined: string | null = null;

  constructor(private readonly listeners: LiveListeners) {
    this.socket = io({ transports: ['websocket', 'polling'] });
    listeners.onConnection('connecting');
    this.socket.on('connect', () => {
      listeners.onConnection('connected');
      if (this.socket.recovered) return;
      // Follow the session list (rooms are lost on reconnect): the ack's list covers what was missed offline.
      this.watchSessions();
      if (!this.joined) return;
      this.join(this.joined)
        .then((res) => {
          if (res.ok) listeners.onResync(res.value);
          else listeners.onResyncFailed(res.error);
        })
        .catch((err: unknown) => listeners.onResyncFailed({ code: 'client_error', message: err instanceof Error ? err.message : String(err) }));
    });
    this.socket.on('disconnect', (reason) => {
      listeners.onConnection('offline');
      // The server hung up on purpose: it is stopping, usually to start again (it acks what it
      // took first). socket.io does not reconnect by itself after that, so the client asks
      // again; while the server is down, the manager's back-off takes over.
      if (reason === 'io server disconnect') setTimeout(() => this.socket.connect(), SERVER_HANGUP_RETRY_MS);
    });
    this.socket.on('connect_error', () => listeners.onConnection('offline'));
    this.socket.io.on('reconnect_attempt', () => listeners.onConnection('connecting'));

    this.checked('utterance', RoomUtteranceSchema, (u) => listeners.onUtterance(u));
    this.checked('signal', SignalSchema, (s) => listeners.onSignal(s));
    this.checked('cue', CueSchema, (c) => listeners.onCue(c));
    this.checked('roles_needed', RolesNeeded, (p) => listeners.onRolesNeeded(p.sessionId, p.speakers));
    this.checked('reanalysed', Reanalysed, (p) => listeners.onReanalysed(p.sessionId));
    this.checked('corrected', CorrectedEventSchema, (p) => listeners.onCorrected(p));
    this.checked('cue_reviewed', CueReviewedEventSchema, (p) => listeners.onCueReviewed(p));
    this.checked('posture_labelled', PostureLabelledEventSchema, (p) => listeners.onPostureLabelled(p));
    this.checked('commented', CommentedEventSchema, (p) => listeners.onCommented(p));
    this.checked('session_renamed', SessionRenamedEventSchema, (p) => listeners.onSessionRenamed(p));
    this.checked('session_deleted', SessionDeletedEventSchema, (p) => {
      // Its room is gone: a reconnect does not join it again.
      if (this.joined === p.sessionId) this.joined = null;
      listeners.onSessionDeleted(p);
    });
    this.checked('session_listed', SessionListedEventSchema, (p) => listeners.onSessionListed(p.session));
    this.checked('session_counts', SessionCountsEventSchema, (p) => listeners.onSessionCounts(p));
    this.checked('session_error', SessionErrorSchema, (e) => listeners.onSessionError(e));
    this.checked(TRAIN_EVENT, TrainJobSchema, (job) => listeners.onModelTraining(job));
    this.checked('verbal_settings', VerbalSettingsEventSchema, (p) => listeners.onVerbalSettings(p));
    this.checked(POSTURE_TRAIN_EVENT, PostureTrainJobSchema, (job) => listeners.onPostureTraining(job));
    this.checked(POSTURE_SETTINGS_EVENT, PostureSettingsEventSchema, (p) => listeners.onPostureSettings(p));
  }

  /** Joins the lobby (`watch_sessions`); its ack's list goes to onSessionList. A failure is a protocol notice. */
  private watchSessions(): void {
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('watch_sessions', { protocolVersion: PROTOCOL_VERSION })
      .then((raw: unknown) => {
        const res = parseWire(WatchAck, raw, '"watch_sessions" ack');
        if (res.ok) this.listeners.onSessionList(res.sessions);
        else this.listeners.onProtocolError(res.error.message);
      })
      .catch((err: unknown) => {
        // Disconnected meanwhile: the next connect watches again.
        if (this.deliveryUnknown(err)) return;
        this.listeners.onProtocolError(err instanceof Error ? err.message : String(err));
      });
  }

  private checked<T>(event: keyof ServerToClientEvents, schema: z.ZodType<T>, handle: (value: T) => void): void {
    // Registered untyped on purpose: the payload is unknown until the schema has seen it.
    (this.socket as unknown as Socket).on(event, (payload: unknown) => {
      let value: T;
      try {
        value = parseWire(schema, payload, `"${event}" event`);
      } catch (err) {
        this.listeners.onProtocolError((err as Error).message);
        return;
      }
      handle(value);
    });
  }

  /** Whether the socket is connected now (emits while not are buffered by socket.io until it is). */
  get connected(): boolean {
    return this.socket.connected;
  }

  /**
   * Whether a send failed without an answer: the connection dropped (or was down), or the
   * server did not ack in time. Whether the server got it is unknown, so it may be sent again
   * once connected (an utterance under the same clientTurnId, which the server stores once).
   */
  deliveryUnknown(err: unknown): boolean {
    return !this.socket.connected || (err instanceof Error && DELIVERY_UNKNOWN.has(err.message));
  }

  async join(sessionId: string): Promise<AckResult<SessionSnapshot>> {
    const raw: unknown = await this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('join', { sessionId, protocolVersion: PROTOCOL_VERSION });
    const res = parseWire(JoinAck, raw, '"join" ack');
    if (!res.ok) return res;
    this.joined = sessionId;
    return { ok: true, value: res.snapshot };
  }

  /** Leaves the joined session's room, if any. */
  leave(): void {
    if (this.joined) this.socket.emit('leave', { sessionId: this.joined });
    this.joined = null;
  }

  /**
   * Sends one turn; acked with the stored utterance. Give it a `clientTurnId` to send it again
   * safely: a turn the server already holds under that id is answered with the stored original.
   */
  async sendUtterance(sessionId: string, utterance: UtteranceIn): Promise<AckResult<Utterance>> {
    const raw: unknown = await this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('utterance', { sessionId, utterance });
    const res = parseWire(UtteranceAck, raw, '"utterance" ack');
    return res.ok ? { ok: true, value: res.utterance } : res;
  }

  /** Landmarks for one video frame; acked once the server stored the frame. */
  async sendLandmarks(payload: LandmarksIn): Promise<AckResult<{ frameId: number; signals: PostureSignal[] }>> {
    const raw: unknown = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('landmarks', payload);
    const res = parseWire(LandmarksAck, raw, '"landmarks" ack');
    if (!res.ok) return res;
    const signals = res.signals.filter((s): s is PostureSignal => s.kind === 'posture');
    return { ok: true, value: { frameId: res.frameId, signals } };
  }
}
