// The wire protocol shared by the server and the browser client: zod schemas for every
// message that crosses HTTP or socket.io, the types derived from them, and the version.
import { z } from 'zod';
import type { VerbalSettingsEvent } from './models';
import { normalizeSpeakerName } from './speakerName';
// zod's messages in the project's wording, for every schema (a side effect: it sets zod's config).
import './zodMessages';
import type { TrainJob } from './training';
import type { PostureState, PostureTrainJob } from './postureModels';

export { normalizeSpeakerName } from './speakerName';

export const PROTOCOL_VERSION = 1;

export const VERBAL_LABELS = [
  'price_inquiry',
  'discount_request',
  'purchase_intent',
  'resistance',
  'neutral',
] as const;
export type VerbalLabel = (typeof VERBAL_LABELS)[number];
/** Labels that count as buying signals (everything but resistance and neutral). */
export const BUYING_LABELS: readonly VerbalLabel[] = ['price_inquiry', 'discount_request', 'purchase_intent'];

export const ROLES = ['customer', 'rep'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Limits enforced at every boundary; error messages quote them. */
export const LIMITS = {
  textMaxChars: 2_000,
  speakerMaxChars: 80,
  titleMaxChars: 200,
  /** Longest media time accepted: 24 hours. */
  mediaMsMax: 24 * 60 * 60 * 1000,
  uploadMaxBytes: 5 * 1024 * 1024,
  uploadMaxUtterances: 20_000,
  participantsMax: 50,
  clientTurnIdMaxChars: 64,
  correctionNoteMaxChars: 500,
  /** A coach's posture labels go on the participant's stored frame nearest the given media time, at most this far from it. */
  postureLabelFrameWindowMs: 1_000,
  /** A coach's comment on a moment of a meeting. */
  commentMaxChars: 2_000,
  /** Comments one session holds at most. */
  commentsPerSessionMax: 1_000,
} as const;

/** A lone UTF-16 surrogate (half of a pair, e.g. an emoji cut in two). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Replaces lone surrogates with U+FFFD. JSON may carry them (`"\ud800"`), but SQLite stores
 * text as UTF-8, which cannot hold them: what was acked and what was stored would differ, and
 * a speaker's name would no longer match itself when read back (its role lost). Every client
 * string that is stored goes through this first.
 */
export function toWellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** A client string as it will be stored (see toWellFormed). */
const text = () => z.string().overwrite(toWellFormed);

const NOTHING_VISIBLE = /^[\p{White_Space}\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}]*$/u;

/**
 * A text with nothing a reader would see: whitespace, invisible format characters (zero-width
 * space, direction marks, soft hyphen: category Cf) and control characters only. `trim()`
 * keeps U+200B, so "\u200B" passed as a turn's words, a comment or a title: a row of nothing.
 * Unicode's default-ignorable characters count as invisible too: the Hangul fillers (U+3164,
 * U+FFA0, U+115F, U+1160, letters to \p{Cf}), the combining grapheme joiner (U+034F) and the
 * variation selectors render as nothing, so a title of "\u3164" was a blank entry in the list.
 */
export function isBlank(s: string): boolean {
  return NOTHING_VISIBLE.test(s);
}

/** Words a reader must see (a turn's, a comment's): trimmed, 1 to `max` characters, not only invisible ones. */
const visibleText = (max: number) =>
  text()
    .trim()
    .min(1, 'text must not be empty')
    .max(max, `text must be at most ${max} characters`)
    .refine((t) => !isBlank(t), 'text must not be empty');

/** For an optional free text (a note, an author): nothing visible is none, as an empty one is. */
const blankIsNone = (s: string): string => (isBlank(s) ? '' : s);

/** A session's title, given when it is made or with an upload. */
export const TitleSchema = text().trim().min(1).max(LIMITS.titleMaxChars).refine((t) => !isBlank(t), 'must not be empty');

export const SessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'sessionId must be 1-64 characters of A-Z, a-z, 0-9, _ or -');

/**
 * A speaker's name, normalised as every path normalises it (normalizeSpeakerName: NFC, no
 * invisible format characters, whitespace runs as one space, trimmed), then 1-80 characters.
 */
export const SpeakerSchema = text()
  .overwrite(normalizeSpeakerName)
  .min(1, 'speaker must not be empty')
  .max(LIMITS.speakerMaxChars, `speaker must be at most ${LIMITS.speakerMaxChars} characters`);

/**
 * The range is checked before wholeness: the first issue is the one reported, and zod's int()
 * also refuses integers past 2^53, so 1e20 ms (an overflowing time stamp) was called "not a
 * whole number" rather than over the 24 h limit.
 */
export const MediaMsSchema = z
  .number()
  .min(0, 'must be >= 0')
  .max(LIMITS.mediaMsMax, `must be <= ${LIMITS.mediaMsMax} ms (24 h)`)
  .int('must be a whole number of milliseconds');

/**
 * A client-chosen id for one live turn, unique within its session: a turn sent again under
 * the same id (its ack was lost) is not stored twice; the ack carries the stored original.
 */
export const ClientTurnIdSchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9._:-]{1,${LIMITS.clientTurnIdMaxChars}}$`),
    `clientTurnId must be 1-${LIMITS.clientTurnIdMaxChars} characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'`,
  );

export const UtteranceInSchema = z
  .object({
    speaker: SpeakerSchema,
    text: visibleText(LIMITS.textMaxChars),
    startMs: MediaMsSchema,
    endMs: MediaMsSchema.optional(),
    /** Honoured on the live `utterance` event (uploads take their turns from the file's own fields). */
    clientTurnId: ClientTurnIdSchema.optional(),
  })
  .strict()
  .refine((u) => u.endMs === undefined || u.endMs >= u.startMs, {
    message: 'endMs must be >= startMs',
    path: ['endMs'],
  });
export type UtteranceIn = z.infer<typeof UtteranceInSchema>;

export const ParticipantSchema = z.object({
  name: SpeakerSchema,
  role: RoleSchema.nullable(),
});
export type Participant = z.infer<typeof ParticipantSchema>;

export const CreateSessionSchema = z
  .object({
    title: TitleSchema.optional(),
    participants: z
      .array(z.object({ name: SpeakerSchema, role: RoleSchema }).strict())
      .max(LIMITS.participantsMax)
      // Here rather than only in the service, so the error's field is a path like any other.
      .superRefine((list, ctx) => {
        const seen = new Map<string, number>();
        list.forEach((p, i) => {
          const first = seen.get(p.name);
          if (first === undefined) seen.set(p.name, i);
          else ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${p.name}" appears twice (also participants.${first}.name)` });
        });
      })
      .optional(),
  })
  .strict();
export type CreateSession = z.infer<typeof CreateSessionSchema>;

/** `PATCH /api/sessions/:id`: a session's new title, with the limits of a created session's. */
export const RenameSessionSchema = z.object({ title: TitleSchema }).strict();
export type RenameSession = z.infer<typeof RenameSessionSchema>;

/** `session_renamed`: the session has another title (`PATCH /api/sessions/:id`). */
export const SessionRenamedEventSchema = z.object({ sessionId: z.string(), title: z.string() });
export type SessionRenamedEvent = z.infer<typeof SessionRenamedEventSchema>;

/**
 * `session_deleted`: the session and everything under it were deleted (`DELETE
 * /api/sessions/:id`); the room is emptied, and the session is unknown from now on.
 */
export const SessionDeletedEventSchema = z.object({ sessionId: z.string() });
export type SessionDeletedEvent = z.infer<typeof SessionDeletedEventSchema>;

/**
 * `session_listed`, to the sockets following the session list (`watch_sessions`): a session was
 * created (`POST /api/sessions`, `POST /api/transcripts`), or a transcript was uploaded into it
 * (its counts changed), as `GET /api/sessions` lists it. Not sent per live turn, label or comment:
 * those counts come coalesced in `session_counts`. The client checks it with outbound's
 * SessionListedEventSchema.
 */
export interface SessionListedEvent {
  session: SessionSummary;
}

const count = z.number().int().nonnegative();

/**
 * `session_counts`, to the sockets following the session list only: a listed session's counts
 * now, as `GET /api/sessions` would give them (SessionSummary's), after live turns, cues, coaches'
 * labels, verdicts, comments, role changes or re-analyses changed them. Coalesced: at most one per
 * session per interval (a second by default), however many changes came, and never after the
 * session's `session_deleted`. It only updates a session the list holds: unlike `session_listed`
 * it never adds one (a late one cannot bring back a deleted session) and carries no title or
 * participants (it cannot undo a rename).
 */
export const SessionCountsEventSchema = z.object({
  sessionId: z.string(),
  utteranceCount: count,
  cueCount: count,
  correctionCount: count,
  cueReviewCount: count,
  postureLabelCount: count,
  commentCount: count,
});
export type SessionCountsEvent = z.infer<typeof SessionCountsEventSchema>;
/** The counts `session_counts` carries, of one session. */
export type SessionCounts = SessionCountsEvent;

const speakerKeyRule = `must be a speaker name of 1-${LIMITS.speakerMaxChars} characters`;
const PROTO_KEY_RULE = 'cannot be used as a speaker name here (it is reserved in JavaScript objects)';
/**
 * A speaker name as a key of `roles`. `__proto__` is refused: a JSON body may carry it as a
 * key, but zod's record (rightly) skips it, since assigning it to an object would set the
 * object's prototype: the role was dropped without a word. Checked on the raw object, before
 * the record skips it, and on the normalised key (" __proto__ ").
 * Keys are normalised as names are (normalizeSpeakerName); two keys that come out the same
 * name are refused, rather than one role silently overwriting the other.
 */
const SpeakerKeySchema = text()
  .overwrite(normalizeSpeakerName)
  .min(1, speakerKeyRule)
  .max(LIMITS.speakerMaxChars, speakerKeyRule)
  .refine((k) => k !== '__proto__', PROTO_KEY_RULE);

export const SetRolesSchema = z
  .object({
    roles: z
      .preprocess((v, ctx) => {
        if (typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, '__proto__')) {
          ctx.addIssue({ code: 'custom', message: `key "__proto__" ${PROTO_KEY_RULE}`, input: v });
        }
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
          const seen = new Map<string, string>();
          for (const key of Object.keys(v)) {
            const name = normalizeSpeakerName(toWellFormed(key));
            const first = seen.get(name);
            if (first === undefined) seen.set(name, key);
            else if (name !== '') {
              ctx.addIssue({
                code: 'custom',
                message: `keys "${clipKey(first)}" and "${clipKey(key)}" are the same speaker name "${clipKey(name)}"`,
                input: v,
              });
              break;
            }
          }
        }
        return v;
      }, z.record(SpeakerKeySchema, RoleSchema.nullable()))
      .refine((r) => Object.keys(r).length <= LIMITS.participantsMax, `at most ${LIMITS.participantsMax} names (participants per session)`),
  })
  .strict();
export type SetRoles = z.infer<typeof SetRolesSchema>;

export interface Session {
  id: string;
  title: string;
  createdAt: number;
  participants: Participant[];
  demo: boolean;
}

/**
 * A session as `GET /api/sessions` lists it (and `session_listed` sends it), with its counts.
 * The client reads it with outbound's SessionSummarySchema, whose counts but two are optional
 * (servers before them sent none).
 */
export interface SessionSummary extends Session {
  utteranceCount: number;
  cueCount: number;
  /** Its customer turns a coach has labelled (as the client's header and the export count them). */
  correctionCount: number;
  /**
   * Its cue verdicts, all of them (as the export counts them): also those whose cue the current
   * analysis no longer emits, which a re-analysis can bring back, so the count says how much of
   * the session a coach has reviewed, not how its current cues fare.
   */
  cueReviewCount: number;
  /** Its frames a coach has given posture labels whose participant is a customer now (as the export counts them). */
  postureLabelCount: number;
  /** Its coaches' comments, all of them. */
  commentCount: number;
}

export interface Utterance {
  id: number;
  sessionId: string;
  seq: number;
  speaker: string;
  role: Role | null;
  text: string;
  startMs: number;
  endMs: number;
  /** Wall-clock ms when the server accepted it. */
  receivedAt: number;
  /**
   * Present only on a turn a coach has corrected (`PATCH …/utterances/:utteranceId`): its words
   * and speaker as first stored (a later edit keeps the first ones), and when it was last edited
   * (wall-clock ms). `text` and `speaker` are the corrected ones, which the analysis uses.
   */
  originalText?: string;
  originalSpeaker?: string;
  editedAt?: number;
}

/**
 * A stored turn as the session's room hears it (the `utterance` event): the Utterance, and the
 * `clientTurnId` it was sent with when it had one, so the window that sent it knows it for its
 * own by that id. Snapshots, acks and exports carry the Utterance alone.
 */
export interface RoomUtterance extends Utterance {
  clientTurnId?: string;
}

/**
 * A coach's correction of a stored turn, `PATCH /api/sessions/:id/utterances/:utteranceId`:
 * new words, another speaker, or both (at least one), checked as a live turn's are (the same
 * limits, the speaker's name normalised). The session is then re-analysed.
 */
export const UtteranceEditSchema = z
  .object({
    text: visibleText(LIMITS.textMaxChars).optional(),
    speaker: SpeakerSchema.optional(),
  })
  .strict()
  .refine((e) => e.text !== undefined || e.speaker !== undefined, { message: 'give text, speaker or both', path: ['text'] });
export type UtteranceEdit = z.infer<typeof UtteranceEditSchema>;

/** A customer's words classified as a buying signal or resistance. */
export interface VerbalSignal {
  id: number;
  sessionId: string;
  kind: 'verbal';
  utteranceId: number;
  participant: string;
  label: VerbalLabel;
  score: number;
  scores: Record<VerbalLabel, number>;
  mediaMs: number;
  text: string;
  modelVersion: string;
}

/** A posture that held long enough to count (it turned on at `mediaMs`). */
export interface PostureSignal {
  id: number;
  sessionId: string;
  kind: 'posture';
  participant: string;
  label: PostureSignalLabel;
  score: number;
  mediaMs: number;
  /** When the evidence began (the first frame above the threshold). */
  startedMs: number;
  /** When the posture ended (media ms); null while it holds. */
  endedMs: number | null;
  /** The stored frame (landmarks) that turned it on. */
  frameId: number | null;
  /** A few measurements behind the decision (torso angle, wrist crossing, ...). */
  features: Record<string, number>;
  source: 'browser' | 'server';
  modelVersion: string;
}

export type Signal = VerbalSignal | PostureSignal;

export const CUE_TYPES = ['closing_moment', 'resistance'] as const;
export type CueType = (typeof CUE_TYPES)[number];
export const CUE_REASONS = [
  'buying_signal',
  'signals_accumulating',
  'objection_removed',
  'benefit_acknowledged',
  'customer_resists',
  'closed_posture',
] as const;
export type CueReason = (typeof CUE_REASONS)[number];
export const TECHNIQUES = ['direct_request', 'assumptive_close', 'benefit_listing', 'address_objection'] as const;
export type Technique = (typeof TECHNIQUES)[number];

export interface Bilingual {
  en: string;
  zh: string;
}

export interface CueEvidence {
  signalId: number;
  kind: 'verbal' | 'posture';
  /** The utterance behind a verbal signal; null for posture. */
  utteranceId: number | null;
  /** The stored frame behind a posture signal; null for verbal. */
  frameId: number | null;
  participant: string;
  label: VerbalLabel | PostureSignalLabel;
  score: number;
  mediaMs: number;
  /** The words (verbal) or a short description of the posture. */
  text: string;
}

export interface Cue {
  id: number;
  sessionId: string;
  type: CueType;
  reason: CueReason;
  mediaMs: number;
  score: number;
  evidence: CueEvidence[];
  technique: Technique;
  title: Bilingual;
  tip: Bilingual;
  modelVersion: string;
  /** Wall-clock ms when the input that triggered the cue arrived. */
  inputReceivedAt: number;
  /** Wall-clock ms when the cue was stored and emitted. */
  emittedAt: number;
}

export interface ApiError {
  code: string;
  message: string;
  field?: string;
  line?: number;
  /** A limit the input went over (characters, utterances, bytes), when the error is about one. */
  limit?: number;
  /** With `limit`: the size the input had. */
  actual?: number;
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ApiError };

/**
 * The `utterance` ack: the stored turn. `duplicate: true` when the turn's clientTurnId was
 * already stored in the session: nothing was stored, and `utterance` is the stored original.
 */
export type UtteranceAck = Ack<{ utterance: Utterance; duplicate?: true }>;

// ---- coach corrections -------------------------------------------------------------------

/** A coach's note on a label or a verdict: trimmed, at most LIMITS.correctionNoteMaxChars characters. */
const CoachNoteSchema = text()
  .trim()
  .overwrite(blankIsNone)
  .max(LIMITS.correctionNoteMaxChars, `note must be at most ${LIMITS.correctionNoteMaxChars} characters`);


/**
 * A coach's label for one customer turn: what the verbal model should have said of it
 * (`neutral`: no buying signal). `PUT /api/sessions/:id/utterances/:utteranceId/correction`
 * takes it; one per turn, a later PUT replaces it. It never changes the stored signal or
 * cues: it is a label for measuring and training (the session's corrections export as
 * `eval verbal` rows).
 */
export const CorrectionInSchema = z
  .object({
    label: z.enum(VERBAL_LABELS),
    note: CoachNoteSchema.optional(),
  })
  .strict();
export type CorrectionIn = z.infer<typeof CorrectionInSchema>;

export interface Correction {
  sessionId: string;
  utteranceId: number;
  label: VerbalLabel;
  /** The coach's note; null when none was given (an empty note is none). */
  note: string | null;
  /** Wall-clock ms when it was stored (the latest PUT). */
  correctedAt: number;
}

// ---- coach cue reviews --------------------------------------------------------------------

/** A coach's verdict on a cue: it came at the right moment with fitting advice, or it should not have come. */
export const CUE_VERDICTS = ['useful', 'false_alarm'] as const;
export type CueVerdict = (typeof CUE_VERDICTS)[number];

/**
 * A coach's verdict on one cue, `PUT /api/sessions/:id/cues/:cueId/review`. It is stored under
 * the cue's type and media time, not its id: a re-analysis replaces the cues (new ids), and a
 * cue of the same type at the same media time is the same moment, so it keeps its verdict.
 * One per moment: a later PUT replaces it; `DELETE /api/sessions/:id/cue-reviews?type=&mediaMs=`
 * removes it, by moment (a verdict whose cue is no longer emitted has no cue id to name).
 * It never changes the cue; it is data for measuring how often cues are right on real meetings.
 */
export const CueReviewInSchema = z
  .object({
    verdict: z.enum(CUE_VERDICTS),
    note: CoachNoteSchema.optional(),
  })
  .strict();
export type CueReviewIn = z.infer<typeof CueReviewInSchema>;

export interface CueReview {
  sessionId: string;
  /** The reviewed moment: the cue's type and media time (what identifies it across re-analyses). */
  cueType: CueType;
  mediaMs: number;
  /**
   * The session's current cue of that type at that media time (the first emitted, should two
   * share it); null when the current analysis emits none there. Read again after `reanalysed`.
   */
  cueId: number | null;
  verdict: CueVerdict;
  /** The coach's note; null when none was given (an empty note is none). */
  note: string | null;
  /** Wall-clock ms when it was stored (the latest PUT). */
  reviewedAt: number;
}

// ---- coach posture labels -------------------------------------------------------------------

/**
 * What a coach can say a customer's posture is in one frame: the labels one frame can show
 * (`nodding` is movement over time, so it is not one of them). `neutral`: upright, arms relaxed,
 * i.e. none of arms_crossed, leaning_forward, leaning_back, open_palms (it may come with
 * legs_crossed or sitting_far). The same names as the posture signals and `eval posture`.
 */
export const POSTURE_FRAME_LABELS = ['arms_crossed', 'leaning_forward', 'leaning_back', 'open_palms', 'legs_crossed', 'sitting_far', 'neutral'] as const;
export type PostureFrameLabel = (typeof POSTURE_FRAME_LABELS)[number];
/** The labels `neutral` excludes. */
export const POSTURE_MAIN_LABELS = ['arms_crossed', 'leaning_forward', 'leaning_back', 'open_palms'] as const;

/**
 * A coach's labels of a customer's posture at one moment, `PUT /api/sessions/:id/posture-labels`.
 * The server labels the participant's stored frame nearest `mediaMs` (within
 * LIMITS.postureLabelFrameWindowMs, among frames where a person was found); the answer names
 * that frame. One set of labels per frame: a later PUT that lands on the same frame replaces it.
 * It never changes the stored posture signals or cues: it is data for measuring and training
 * the posture classifier on the team's own meetings (the export is `eval posture` rows with the
 * frame's landmarks). `labels`: at least one, each once, `neutral` not with a main label.
 */
export const PostureLabelsInSchema = z
  .object({
    participant: SpeakerSchema,
    mediaMs: MediaMsSchema,
    labels: z
      .array(z.enum(POSTURE_FRAME_LABELS))
      .min(1, 'labels must name at least one posture (neutral: upright, arms relaxed)')
      .max(POSTURE_FRAME_LABELS.length, `labels holds at most ${POSTURE_FRAME_LABELS.length} postures`)
      .refine((ls) => new Set(ls).size === ls.length, 'labels must name each posture once')
      .refine(
        (ls) => !ls.includes('neutral') || !ls.some((l) => (POSTURE_MAIN_LABELS as readonly string[]).includes(l)),
        `neutral (upright, arms relaxed) cannot come with ${POSTURE_MAIN_LABELS.join(', ')}`,
      ),
    note: CoachNoteSchema.optional(),
  })
  .strict();
export type PostureLabelsIn = z.infer<typeof PostureLabelsInSchema>;

export interface PostureLabels {
  sessionId: string;
  /** The stored frame the labels are on (frames are never replaced by a re-analysis). */
  frameId: number;
  participant: string;
  /** The frame's media time (not the requested one). */
  mediaMs: number;
  /** In POSTURE_FRAME_LABELS order. */
  labels: PostureFrameLabel[];
  /** The coach's note; null when none was given (an empty note is none). */
  note: string | null;
  /** Wall-clock ms when it was stored (the latest PUT). */
  labelledAt: number;
}

// ---- coach comments ------------------------------------------------------------------------

/**
 * A coach's comment on a moment of a meeting ("ask for the deal here: she has asked the price
 * twice"), `POST /api/sessions/:id/comments`; `PUT …/comments/:commentId` replaces its moment,
 * text and author, `DELETE …/comments/:commentId` removes it. Comments never change the
 * analysis; they are what a coach tells the rep, in the review report
 * (`GET /api/sessions/:id/review.md`) beside the signals, cues and labels.
 * `author`: a name the client remembers for its user (there are no accounts); absent or empty: none.
 */
export const CommentInSchema = z
  .object({
    mediaMs: MediaMsSchema,
    text: visibleText(LIMITS.commentMaxChars),
    author: text()
      .trim()
      .overwrite(blankIsNone)
      .max(LIMITS.speakerMaxChars, `author must be at most ${LIMITS.speakerMaxChars} characters`)
      .optional(),
  })
  .strict();
export type CommentIn = z.infer<typeof CommentInSchema>;

export interface Comment {
  id: number;
  sessionId: string;
  /** The moment commented on (media time of the meeting). */
  mediaMs: number;
  text: string;
  /** Null when none was given (an empty author is none). */
  author: string | null;
  /** Wall-clock ms when it was posted. */
  createdAt: number;
  /** Wall-clock ms of the latest PUT; null when never edited. */
  editedAt: number | null;
}

// ---- socket.io events -------------------------------------------------------------------

export const JoinSchema = z
  .object({
    sessionId: SessionIdSchema,
    protocolVersion: z.literal(PROTOCOL_VERSION).optional(),
  })
  .strict();
export type Join = z.infer<typeof JoinSchema>;

/** Strict as the other events' payloads: an unknown key is refused by name, not ignored. */
export const LeaveSchema = z
  .object({
    sessionId: SessionIdSchema,
  })
  .strict();
export type Leave = z.infer<typeof LeaveSchema>;

export const LiveUtteranceSchema = z
  .object({
    sessionId: SessionIdSchema,
    utterance: UtteranceInSchema,
  })
  .strict();
export type LiveUtterance = z.infer<typeof LiveUtteranceSchema>;

/**
 * `watch_sessions`: follow the session list. The socket joins the lobby, which hears
 * `session_listed`, `session_counts`, `session_renamed` and `session_deleted` of every session, until it
 * disconnects (a reconnect must watch again); the ack carries the list as it is then.
 */
export const WatchSessionsSchema = z
  .object({
    protocolVersion: z.literal(PROTOCOL_VERSION).optional(),
  })
  .strict();
export type WatchSessions = z.infer<typeof WatchSessionsSchema>;

/** The distinct model versions a session's stored signals and cues came from (sorted). */
export interface ModelVersions {
  verbal: string[];
  posture: string[];
  /**
   * The signal thresholds (least score per label; {}: none) the session's verbal turns were
   * classified under, each distinct set once: live turns under those of their time, a
   * re-analysis under the server's then. More than one: part under one, part another (POST
   * …/reanalyse makes it one). Empty: not known (analysed before the server recorded them, or
   * imported from an archive without them). Absent from older servers' answers.
   */
  thresholds?: Partial<Record<VerbalLabel, number>>[];
}

export interface SessionSnapshot {
  session: Session;
  utterances: Utterance[];
  signals: Signal[];
  cues: Cue[];
  unassignedSpeakers: string[];
  /** More than one version of a kind: the session is part one model, part another (POST …/reanalyse makes it one). */
  modelVersions: ModelVersions;
  /** Coaches' labels of customer turns, by utteranceId ascending (see Correction). */
  corrections: Correction[];
  /** Coaches' verdicts on cues, by mediaMs then cueType (see CueReview); a verdict whose cue is no longer emitted has cueId null. */
  cueReviews: CueReview[];
  /** Coaches' posture labels, by mediaMs then participant (see PostureLabels). */
  postureLabels: PostureLabels[];
  /** Coaches' comments, by mediaMs then id (see Comment). */
  comments: Comment[];
}

export interface ClientToServerEvents {
  join: (payload: Join, ack: (res: Ack<{ snapshot: SessionSnapshot }>) => void) => void;
  leave: (payload: Leave, ack?: (res: Ack<object>) => void) => void;
  utterance: (payload: LiveUtterance, ack: (res: UtteranceAck) => void) => void;
  /** Landmarks the browser computed for one video frame; acked once the frame is stored. */
  landmarks: (payload: LandmarksIn, ack: (res: Ack<{ frameId: number; signals: PostureSignal[] }>) => void) => void;
  /** A binary video frame for the server's pose estimator; acked when queued (frames may be dropped). */
  frame: (payload: FrameIn, ack: (res: Ack<{ stats: FrameStats }>) => void) => void;
  /** Follow the session list (the lobby): acked with the list as it is when the socket joined it. */
  watch_sessions: (payload: WatchSessions, ack: (res: Ack<{ sessions: SessionSummary[] }>) => void) => void;
}

export interface ServerToClientEvents {
  utterance: (u: RoomUtterance) => void;
  signal: (s: Signal) => void;
  cue: (c: Cue) => void;
  /** Speakers who have no role yet: their turns give no signals until one is assigned. */
  roles_needed: (p: { sessionId: string; speakers: string[] }) => void;
  /**
   * The session's roles changed and its analysis was replaced (PUT /roles, an upload giving
   * roles): signals and cues sent before are void; read the session again (GET, or `join`).
   */
  reanalysed: (p: { sessionId: string }) => void;
  /**
   * A coach labelled a turn (`correction`, as the PUT answered it) or removed its label
   * (`correction: null`; a DELETE that found no label sends nothing). Signals and cues are
   * unchanged: a label never alters the analysis.
   */
  corrected: (p: { sessionId: string; utteranceId: number; correction: Correction | null }) => void;
  /**
   * A coach gave a cue a verdict (`review`, as the PUT answered it) or took it back (`review:
   * null`; a DELETE that finds no verdict sends nothing); the moment is the cue's type and media
   * time. The cue itself is unchanged: a verdict never alters the analysis.
   */
  cue_reviewed: (p: { sessionId: string; cueType: CueType; mediaMs: number; review: CueReview | null }) => void;
  /**
   * A coach labelled a customer's posture in a frame (`labels`, as the PUT answered it) or
   * removed those labels (`labels: null`; a DELETE that finds none sends nothing). Posture
   * signals and cues are unchanged: a label never alters the analysis.
   */
  posture_labelled: (p: { sessionId: string; frameId: number; labels: PostureLabels | null }) => void;
  /**
   * A coach posted or edited a comment (`comment`, as the POST or PUT answered it) or removed it
   * (`comment: null`; a DELETE that finds none sends nothing).
   */
  commented: (p: { sessionId: string; commentId: number; comment: Comment | null }) => void;
  /** The session has another title (PATCH /api/sessions/:id); to its room and to the lobby. */
  session_renamed: (p: SessionRenamedEvent) => void;
  /** The session was deleted (DELETE /api/sessions/:id): its room is emptied; it is unknown from now on. To its room and to the lobby. */
  session_deleted: (p: SessionDeletedEvent) => void;
  /** To the lobby only (`watch_sessions`): a session was created, or a transcript uploaded into it. */
  session_listed: (p: SessionListedEvent) => void;
  /** To the lobby only: a listed session's counts changed (coalesced, at most one per session per interval). */
  session_counts: (p: SessionCountsEvent) => void;
  /**
   * To every connected socket: the running verbal model or signal thresholds are being switched
   * (`switching` set), were switched, or a switch failed (`switching` null). New turns use what it
   * names; stored sessions keep their signals until re-analysed (docs/protocol.md "Running model").
   */
  verbal_settings: (s: VerbalSettingsEvent) => void;
  /**
   * To every connected socket: the running posture model is being switched (`switching` set), was
   * switched, or a switch failed (`switching` null). New frames use what it names (docs/protocol.md
   * "Running posture model").
   */
  posture_settings: (s: PostureState) => void;
  /** Per-participant frame queue counters (processed, dropped) after each server-side frame. */
  frame_stats: (s: FrameStats) => void;
  /**
   * To every connected client: the verbal training job's state (POST /api/models/verbal/train),
   * at each change of state or phase and at most four times a second while it trains.
   */
  model_training: (job: TrainJob) => void;
  /** To every connected client: the posture training job's state (POST /api/models/posture/train), as `model_training`. */
  posture_training: (job: PostureTrainJob) => void;
  /** A streaming-path failure that is not tied to one ack: a `frame` that failed after it was queued names the frame. */
  session_error: (e: SessionError) => void;
}

/** `session_error`: for a failed frame, `participant` and `mediaMs` say which one (its ack had said `ok: true`). */
export type SessionError = ApiError & { sessionId: string; participant?: string; mediaMs?: number };

/**
 * Turns a zod error into the project's ApiError: the first issue, with its field path, dotted
 * (`participants.0.name`, `2.participant`; array indexes from 0). An unknown key is named as
 * the field; a bad record key names the record (the key may be too long to be a path) and
 * quotes the key. `whole`: the field to name when the issue is about the value as a whole
 * (an HTTP body: `body`).
 */
export function zodToApiError(err: z.ZodError, prefix = '', whole?: string, input?: unknown): ApiError {
  const issue = err.issues[0];
  let path = (issue?.path ?? []).map(String);
  let message = issue?.message ?? 'invalid';
  if (issue?.code === 'unrecognized_keys') {
    const [first, ...more] = issue.keys;
    path = [...path, first ?? ''];
    message = more.length === 0 ? 'unknown field' : `unknown field (so are ${more.map((k) => `"${clipKey(k)}"`).join(', ')})`;
  } else if (issue?.code === 'invalid_key') {
    const key = path.pop() ?? '';
    message = `key "${clipKey(key)}" ${issue.issues[0]?.message ?? 'is invalid'}`;
  }
  const field = [prefix, ...path].filter(Boolean).join('.') || whole || '';
  return {
    code: 'invalid_input',
    message: `${field || 'input'}: ${message}`,
    ...(field ? { field } : {}),
    ...(issue ? sizeOf(issue, input) : {}),
  };
}

/**
 * For a string or list over its maximum, the limit and, when the parsed value is given, its
 * size (`limit`, `actual`), so a client can word the refusal as it does an upload's.
 */
function sizeOf(issue: z.core.$ZodIssue, input: unknown): Pick<ApiError, 'limit' | 'actual'> {
  if (issue.code !== 'too_big' || (issue.origin !== 'string' && issue.origin !== 'array')) return {};
  let v = input;
  for (const key of issue.path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  const actual = typeof v === 'string' || Array.isArray(v) ? v.length : undefined;
  return { limit: Number(issue.maximum), ...(actual !== undefined ? { actual } : {}) };
}

/** A key as quoted in a message: at most 40 characters, invisible and control characters escaped (`\u200B`). */
function clipKey(key: string): string {
  const clipped = key.length <= 40 ? key : `${key.slice(0, 40)}…`;
  return clipped.replace(/[\p{Cf}\p{Cc}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
}

// ---- posture (landmarks and frames) ----------------------------------------------------

/** Posture signal labels (observable behaviour only, never emotions). */
export const POSTURE_SIGNAL_LABELS = [
  'arms_crossed',
  'leaning_forward',
  'leaning_back',
  'open_palms',
  'nodding',
  'legs_crossed',
  'sitting_far',
] as const;
export type PostureSignalLabel = (typeof POSTURE_SIGNAL_LABELS)[number];

export const LANDMARK_COUNT = 33;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** One BlazePose / MediaPipe Pose landmark, x and y normalised to the image (0..1). */
export const LandmarkSchema = z
  .object({
    x: finite.refine((v) => v >= -1 && v <= 2, 'must be within [-1, 2] (normalised image coordinates)'),
    y: finite.refine((v) => v >= -1 && v <= 2, 'must be within [-1, 2] (normalised image coordinates)'),
    z: finite.optional(),
    /** Visibility / confidence 0..1 (MediaPipe's `visibility`). */
    score: z.number().min(0, 'must be >= 0').max(1, 'must be <= 1').optional(),
  })
  .strict();

export const PoseInSchema = z
  .object({
    landmarks: z.array(LandmarkSchema).length(LANDMARK_COUNT, `must hold exactly ${LANDMARK_COUNT} landmarks (BlazePose topology)`),
    score: z.number().min(0).max(1).optional(),
  })
  .strict();
export type PoseIn = z.infer<typeof PoseInSchema>;

export const LIMITS_POSTURE = {
  posesPerFrameMax: 10,
  frameMaxBytes: 8 * 1024 * 1024,
  framesPerRequestMax: 32,
} as const;

const unit = z.number().min(0, 'must be >= 0').max(1, 'must be <= 1');
/**
 * Which person in the frame the participant is, as a box normalised to 0..1 by the image size.
 * Chooses whom the server's pose tracker starts on (else the largest, most central person).
 */
export const PersonBoxSchema = z
  .object({ xMin: unit, yMin: unit, width: unit.gt(0, 'must be > 0'), height: unit.gt(0, 'must be > 0') })
  .strict()
  .refine((b) => b.xMin + b.width <= 1.001 && b.yMin + b.height <= 1.001, 'the box must lie inside the image (xMin + width and yMin + height <= 1)');
export type PersonBox = z.infer<typeof PersonBoxSchema>;
/** On a frame: sets the participant's person box for this and later frames; null clears it; absent keeps it. */
export const PersonHintSchema = PersonBoxSchema.nullable().optional();

/** Landmarks computed by the browser for one video frame: the server classifies them like its own. */
export const LandmarksInSchema = z
  .object({
    sessionId: SessionIdSchema,
    participant: SpeakerSchema,
    mediaMs: MediaMsSchema,
    /** Every person found in the frame; empty when nobody was found. */
    poses: z.array(PoseInSchema).max(LIMITS_POSTURE.posesPerFrameMax, `at most ${LIMITS_POSTURE.posesPerFrameMax} poses per frame`),
    /** Video width / height (angles need square units). */
    aspect: z.number().positive().max(10).optional(),
    /**
     * Which of `poses` is the participant (a user pointed at them): kept for this and later
     * frames until another box or null (back to the largest, most central person) comes.
     */
    person: PersonHintSchema,
  })
  .strict();
export type LandmarksIn = z.infer<typeof LandmarksInSchema>;

/** A binary video frame over socket.io (JPEG, PNG or WebP bytes). */
export const FrameInSchema = z
  .object({
    sessionId: SessionIdSchema,
    participant: SpeakerSchema,
    mediaMs: MediaMsSchema,
    person: PersonHintSchema,
    image: z.custom<Uint8Array>((v) => v instanceof Uint8Array || (typeof ArrayBuffer !== 'undefined' && v instanceof ArrayBuffer), 'must be binary image bytes'),
  })
  .strict();
export type FrameIn = z.infer<typeof FrameInSchema>;

export interface FrameStats {
  sessionId: string;
  participant: string;
  queued: number;
  processed: number;
  dropped: number;
  failed: number;
}
