// Runtime checks for what the server sends (used by the client and by the server's tests).
// interfaces (compile time only); these zod schemas are typed against those interfaces,
// so a drift between the two is a type error, and a malformed payload is a clear message.
import { z } from 'zod';
import {
  CUE_REASONS,
  CUE_TYPES,
  CUE_VERDICTS,
  POSTURE_FRAME_LABELS,
  PersonBoxSchema,
  PoseInSchema,
  POSTURE_SIGNAL_LABELS,
  ROLES,
  TECHNIQUES,
  VERBAL_LABELS,
  type ApiError,
  type Correction,
  type Comment,
  type CueReview,
  type PostureLabels,
  type Cue,
  type FrameStats,
  type Participant,
  type Session,
  type ModelVersions,
  type SessionSnapshot,
  type Signal,
  type Utterance,
  type RoomUtterance,
} from './protocol';

const Label = z.enum(VERBAL_LABELS);
const Role = z.enum(ROLES);

export const ApiErrorSchema: z.ZodType<ApiError> = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
  line: z.number().optional(),
  limit: z.number().optional(),
  actual: z.number().optional(),
});

const ParticipantSchema: z.ZodType<Participant> = z.object({ name: z.string(), role: Role.nullable() });

export const SessionSchema: z.ZodType<Session> = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number(),
  participants: z.array(ParticipantSchema),
  demo: z.boolean(),
});

const UtteranceShape = {
  id: z.number(),
  sessionId: z.string(),
  seq: z.number(),
  speaker: z.string(),
  role: Role.nullable(),
  text: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  receivedAt: z.number(),
  // A turn a coach corrected: its first words and speaker, and when it was last edited.
  originalText: z.string().optional(),
  originalSpeaker: z.string().optional(),
  editedAt: z.number().optional(),
};

export const UtteranceSchema: z.ZodType<Utterance> = z.object(UtteranceShape);

/** The room's `utterance` event: the turn, and the clientTurnId it was sent with (absent: none). */
export const RoomUtteranceSchema: z.ZodType<RoomUtterance> = z.object({ ...UtteranceShape, clientTurnId: z.string().optional() });

const VerbalSignalSchema = z.object({
  id: z.number(),
  sessionId: z.string(),
  kind: z.literal('verbal'),
  utteranceId: z.number(),
  participant: z.string(),
  label: Label,
  score: z.number(),
  scores: z.record(Label, z.number()),
  mediaMs: z.number(),
  text: z.string(),
  modelVersion: z.string(),
});

const PostureLabel = z.enum(POSTURE_SIGNAL_LABELS);

export const PostureSignalSchema = z.object({
  id: z.number(),
  sessionId: z.string(),
  kind: z.literal('posture'),
  participant: z.string(),
  label: PostureLabel,
  score: z.number(),
  mediaMs: z.number(),
  startedMs: z.number(),
  endedMs: z.number().nullable(),
  frameId: z.number().nullable(),
  features: z.record(z.string(), z.number()),
  source: z.enum(['browser', 'server']),
  modelVersion: z.string(),
});

export const SignalSchema: z.ZodType<Signal> = z.discriminatedUnion('kind', [VerbalSignalSchema, PostureSignalSchema]);

const Bilingual = z.object({ en: z.string(), zh: z.string() });

export const CueSchema: z.ZodType<Cue> = z.object({
  id: z.number(),
  sessionId: z.string(),
  type: z.enum(CUE_TYPES),
  reason: z.enum(CUE_REASONS),
  mediaMs: z.number(),
  score: z.number(),
  evidence: z.array(
    z.object({
      signalId: z.number(),
      kind: z.enum(['verbal', 'posture']),
      utteranceId: z.number().nullable(),
      frameId: z.number().nullable(),
      participant: z.string(),
      label: z.union([Label, PostureLabel]),
      score: z.number(),
      mediaMs: z.number(),
      text: z.string(),
    }),
  ),
  technique: z.enum(TECHNIQUES),
  title: Bilingual,
  tip: Bilingual,
  modelVersion: z.string(),
  inputReceivedAt: z.number(),
  emittedAt: z.number(),
});

export const FrameStatsSchema: z.ZodType<FrameStats> = z.object({
  sessionId: z.string(),
  participant: z.string(),
  queued: z.number(),
  processed: z.number(),
  dropped: z.number(),
  failed: z.number(),
});

export const ModelVersionsSchema: z.ZodType<ModelVersions> = z.object({
  verbal: z.array(z.string()),
  posture: z.array(z.string()),
  thresholds: z.array(z.partialRecord(z.enum(VERBAL_LABELS), z.number())).optional(),
});

export const CorrectionSchema: z.ZodType<Correction> = z.object({
  sessionId: z.string(),
  utteranceId: z.number(),
  label: Label,
  note: z.string().nullable(),
  correctedAt: z.number(),
});

export const CorrectedEventSchema = z.object({
  sessionId: z.string(),
  utteranceId: z.number(),
  correction: CorrectionSchema.nullable(),
});

export const CueReviewSchema: z.ZodType<CueReview> = z.object({
  sessionId: z.string(),
  cueType: z.enum(CUE_TYPES),
  mediaMs: z.number(),
  cueId: z.number().nullable(),
  verdict: z.enum(CUE_VERDICTS),
  note: z.string().nullable(),
  reviewedAt: z.number(),
});

export const CueReviewedEventSchema = z.object({
  sessionId: z.string(),
  cueType: z.enum(CUE_TYPES),
  mediaMs: z.number(),
  review: CueReviewSchema.nullable(),
});

export const PostureLabelsSchema: z.ZodType<PostureLabels> = z.object({
  sessionId: z.string(),
  frameId: z.number(),
  participant: z.string(),
  mediaMs: z.number(),
  labels: z.array(z.enum(POSTURE_FRAME_LABELS)),
  note: z.string().nullable(),
  labelledAt: z.number(),
});

export const PostureLabelledEventSchema = z.object({
  sessionId: z.string(),
  frameId: z.number(),
  labels: PostureLabelsSchema.nullable(),
});

export const CommentSchema: z.ZodType<Comment> = z.object({
  id: z.number(),
  sessionId: z.string(),
  mediaMs: z.number(),
  text: z.string(),
  author: z.string().nullable(),
  createdAt: z.number(),
  editedAt: z.number().nullable(),
});

export const CommentedEventSchema = z.object({
  sessionId: z.string(),
  commentId: z.number(),
  comment: CommentSchema.nullable(),
});

export const SnapshotSchema: z.ZodType<SessionSnapshot> = z.object({
  session: SessionSchema,
  utterances: z.array(UtteranceSchema),
  signals: z.array(SignalSchema),
  cues: z.array(CueSchema),
  unassignedSpeakers: z.array(z.string()),
  modelVersions: ModelVersionsSchema,
  corrections: z.array(CorrectionSchema),
  cueReviews: z.array(CueReviewSchema),
  postureLabels: z.array(PostureLabelsSchema),
  comments: z.array(CommentSchema),
});

export const SessionSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number(),
  participants: z.array(ParticipantSchema),
  demo: z.boolean(),
  utteranceCount: z.number(),
  cueCount: z.number(),
  /** Customer turns a coach has labelled (absent from servers before labels were added). */
  correctionCount: z.number().optional(),
  /** Coaches' verdicts on its cues, all of them, whether or not their cue is emitted now (absent from servers before cue reviews were added). */
  cueReviewCount: z.number().optional(),
  /** Frames a coach has given posture labels (absent from servers before posture labels were added). */
  postureLabelCount: z.number().optional(),
  /** Coaches' comments (absent from servers before comments were added). */
  commentCount: z.number().optional(),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

export const SessionListSchema = z.object({ sessions: z.array(SessionSummarySchema) });

/** `session_listed` (to the sockets following the list): a session created, or uploaded into, as the list shows it. */
export const SessionListedEventSchema = z.object({ session: SessionSummarySchema });
export type SessionListedEvent = z.infer<typeof SessionListedEventSchema>;

export const HealthSchema = z.object({
  ok: z.boolean(),
  protocolVersion: z.number(),
  backend: z.string(),
  verbalModel: z.string(),
  /** The posture classifier's version (absent from servers before it was added). */
  postureModel: z.string().nullable().optional(),
  /** Least signal score a cue is built on (absent from servers before it was added: 0.5). */
  cueMinSignalScore: z.number().min(0).max(1).optional(),
  /** Least score per signal label a prediction needs to become a signal (`serve --thresholds`; {}: none; absent from servers before it was added). */
  signalThresholds: z.record(z.string(), z.number().min(0).max(1)).optional(),
});
export type Health = z.infer<typeof HealthSchema>;

export const RecordedUtteranceSchema = z.object({
  speaker: z.string(),
  text: z.string(),
  startMs: z.number(),
  endMs: z.number().optional(),
});
export type RecordedUtterance = z.infer<typeof RecordedUtteranceSchema>;

export const DemoPostureSchema = z.object({
  participant: z.string(),
  aspect: z.number(),
  frames: z.array(z.object({ mediaMs: z.number(), poses: z.array(PoseInSchema) })),
});
export type DemoPosture = z.infer<typeof DemoPostureSchema>;

/** One stored frame as `GET /api/sessions/:id/landmarks` gives it back. */
export const StoredLandmarksSchema = z.object({
  frameId: z.number(),
  participant: z.string(),
  mediaMs: z.number(),
  /** Where the landmarks came from: sent by a browser, or estimated by the server from an image. */
  source: z.enum(['browser', 'server']),
  /** Every person found; empty when nobody was found in the image. */
  poses: z.array(PoseInSchema),
  aspect: z.number().optional(),
  /** The person box sent with the frame; null cleared it; absent: unchanged. */
  person: PersonBoxSchema.nullable().optional(),
});
export type StoredLandmarks = z.infer<typeof StoredLandmarksSchema>;

/** A page of a session's stored frames, in stored order; `next`: the `after` of the next page, null after the last. */
export const LandmarksPageSchema = z.object({ frames: z.array(StoredLandmarksSchema), next: z.number().nullable() });
export type LandmarksPage = z.infer<typeof LandmarksPageSchema>;

export const DemoSchema = z.object({
  title: z.string(),
  participants: z.array(ParticipantSchema),
  utterances: z.array(RecordedUtteranceSchema),
  /** The customer's recorded posture (landmarks), played alongside the words. */
  posture: DemoPostureSchema.optional(),
});
export type Demo = z.infer<typeof DemoSchema>;

export const UploadResultSchema = z.object({
  utterances: z.number(),
  signals: z.number(),
  cues: z.number(),
  unassignedSpeakers: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type UploadResult = z.infer<typeof UploadResultSchema>;

export const ErrorBodySchema = z.object({ error: ApiErrorSchema });

/** `{ok:true, ...}` or `{ok:false, error}`, the shape of every socket.io ack. */
export function ackSchema<T extends z.ZodRawShape>(shape: T) {
  return z.union([
    z.object({ ok: z.literal(true), ...shape }),
    z.object({ ok: z.literal(false), error: ApiErrorSchema }),
  ]);
}

/** What parseWire throws: the server sent something this client cannot read (its message names where). */
export class WireError extends Error {
  override name = 'WireError';
}

/** Parses data the server sent, turning a mismatch into an Error naming what and where. */
export function parseWire<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const res = schema.safeParse(data);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const where = issue?.path.length ? issue.path.map(String).join('.') : 'payload';
  throw new WireError(`Unexpected ${what} from the server: ${where}: ${issue?.message ?? 'invalid'}`);
}
