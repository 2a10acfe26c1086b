// A session archive: one JSON document holding everything a session holds that a person made
// or the pipeline derived (turns, landmark frames, signals and cues as stored, the coaches'
// corrections, cue verdicts, posture labels and comments), so a reviewed session can move to
// another server, or come back after its store was wiped, as a new session. This module is the
// format: its zod schema, the check of its cross-references, and the document built from the
// store's rows. Ids in an archive are the exporting store's; they only tie its parts together
// (an import gives every row a new id).
import { z } from 'zod';
import {
  CUE_REASONS, CUE_TYPES, CUE_VERDICTS, LIMITS, LIMITS_POSTURE, POSTURE_FRAME_LABELS, POSTURE_SIGNAL_LABELS, PersonBoxSchema, PoseInSchema,
  ROLES, TECHNIQUES, TitleSchema, VERBAL_LABELS, isBlank, normalizeSpeakerName, toWellFormed, type PersonBox, type PoseIn,
} from '../../protocol/protocol';
import { ValidationError } from '../errors/errors';
import { thresholdProblem } from '../signals/verbal/decision';
import { decodeTranscript } from './decode';
import { TranscriptError } from './types';

export const ARCHIVE_FORMAT = 'buying-signals-archive';
/** The archive format's version; an archive of a newer one is refused, naming it. */
export const ARCHIVE_VERSION = 1;

export const ARCHIVE_LIMITS = {
  /**
   * Largest archive `POST /api/archives` takes. Measured: 2,000 turns and 20,000 one-person
   * frames (67 minutes at 5 fps) make 34.4 MiB (a frame ~1.8 KB), and one process exporting,
   * parsing, checking and importing it peaked at ~540 MB resident (the body, its text, the parsed
   * value and zod's checked copy are all alive at once), so 64 MiB (~37,000 frames, two hours at
   * 5 fps) keeps an import near 1 GB at worst.
   */
  maxBytes: 64 * 1024 * 1024,
  utterancesMax: LIMITS.uploadMaxUtterances,
  /**
   * A turn's number. The session's next live turn is numbered after its last: a `seq` near
   * 2^53 left none that JavaScript can count (2^53 + 1 is 2^53), so every later turn failed
   * on UNIQUE (session_id, seq). A billion turns is far beyond any meeting.
   */
  seqMax: 1_000_000_000,
  /** 24 hours of landmarks at 2 frames a second. */
  framesMax: 200_000,
  signalsMax: 200_000,
  cuesMax: 50_000,
  evidenceMax: 100,
  modelVersionMaxChars: 200,
  /** A cue's title, tip and an evidence's text. */
  cueTextMaxChars: 4_000,
  featuresMax: 64,
  /** Sets of signal thresholds a session's analysis was made under (one per switch of them during it). */
  thresholdSetsMax: 1_000,
} as const;

const wellFormed = (max: number, what = 'characters') => z.string().max(max, `must be at most ${max} ${what}`).overwrite(toWellFormed);
const nonEmpty = (max: number) => wellFormed(max).min(1, 'must not be empty');
/**
 * Words a reader must see (a turn's, a comment's), as the live routes take them: trimmed, and
 * not only invisible characters (isBlank), so an edited archive cannot store a row of nothing.
 */
const visible = (max: number) => wellFormed(max).trim().min(1, 'must not be empty').refine((t) => !isBlank(t), 'must not be only invisible characters');
const id = z.number().int('must be a whole number').min(1, 'must be >= 1').max(Number.MAX_SAFE_INTEGER);
const wallMs = z.number().int('must be a whole number of milliseconds').min(0, 'must be >= 0').max(8.64e15);
const mediaMs = z.number().int('must be a whole number of milliseconds').min(0, 'must be >= 0').max(LIMITS.mediaMsMax, `must be <= ${LIMITS.mediaMsMax} ms (24 h)`);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/**
 * A name as every other path stores it (normalizeSpeakerName: NFC, no invisible characters,
 * whitespace runs as one space): "Li\u200B" is "Li", so live turns from "Li" join that
 * participant, and two spellings of one name are one name twice (refused in checkReferences).
 */
const speaker = wellFormed(LIMITS.speakerMaxChars).overwrite(normalizeSpeakerName).min(1, 'must not be empty (or only invisible characters)');
/** A note or an author: nothing visible is none (null), as the live routes store it. */
const blankIsNull = (s: string | null): string | null => (s === null || isBlank(s) ? null : s.trim());
const note = wellFormed(LIMITS.correctionNoteMaxChars).nullable().transform(blankIsNull);
const modelVersion = nonEmpty(ARCHIVE_LIMITS.modelVersionMaxChars);
const bilingual = z.object({ en: wellFormed(ARCHIVE_LIMITS.cueTextMaxChars), zh: wellFormed(ARCHIVE_LIMITS.cueTextMaxChars) }).strict();

const ParticipantA = z.object({ name: speaker, role: z.enum(ROLES).nullable() }).strict();

const UtteranceA = z
  .object({
    id, seq: id.max(ARCHIVE_LIMITS.seqMax, `must be <= ${ARCHIVE_LIMITS.seqMax.toLocaleString('en')}`), speaker, role: z.enum(ROLES).nullable(), text: visible(LIMITS.textMaxChars), startMs: mediaMs, endMs: mediaMs, receivedAt: wallMs,
    clientTurnId: z.string().regex(new RegExp(`^[A-Za-z0-9._:-]{1,${LIMITS.clientTurnIdMaxChars}}$`), `must be 1-${LIMITS.clientTurnIdMaxChars} characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'`).optional(),
    // A turn a coach corrected: its first words and speaker, and when it was last edited (all
    // three, or none). Optional in version 1: an archive without edits is as before; a server
    // from before edits refuses one with them by name (these objects are strict).
    originalText: visible(LIMITS.textMaxChars).optional(),
    originalSpeaker: speaker.optional(),
    editedAt: wallMs.optional(),
  })
  .strict()
  .refine((u) => u.endMs >= u.startMs, { message: 'must be >= startMs', path: ['endMs'] })
  .refine((u) => (u.originalText === undefined) === (u.editedAt === undefined) && (u.originalSpeaker === undefined) === (u.editedAt === undefined), {
    message: 'originalText, originalSpeaker and editedAt come together (an edited turn) or not at all',
    path: ['editedAt'],
  })
  // A turn is edited after the server received it.
  .refine((u) => u.editedAt === undefined || u.editedAt >= u.receivedAt, { message: 'must be >= receivedAt (a turn is edited after it was received)', path: ['editedAt'] });

const FrameA = z
  .object({
    id, participant: speaker, mediaMs, source: z.enum(['browser', 'server']),
    persons: z.number().int().min(0).max(LIMITS_POSTURE.posesPerFrameMax),
    aspect: z.number().positive('must be > 0').max(10, 'must be <= 10').nullable(),
    poses: z.array(PoseInSchema).max(LIMITS_POSTURE.posesPerFrameMax, `at most ${LIMITS_POSTURE.posesPerFrameMax} poses per frame`),
    /** The person box sent with the frame; null cleared it; absent: none sent. */
    person: PersonBoxSchema.nullable().optional(),
    receivedAt: wallMs,
  })
  .strict()
  .refine((f) => f.persons === f.poses.length, { message: 'must be the number of poses', path: ['persons'] });

const SignalA = z
  .object({
    id, kind: z.enum(['verbal', 'posture']), participant: speaker, utteranceId: id.nullable(), frameId: id.nullable(),
    label: z.enum([...VERBAL_LABELS, ...POSTURE_SIGNAL_LABELS]), score: finite,
    scores: z.partialRecord(z.enum(VERBAL_LABELS), finite),
    features: z.record(z.string().max(64), finite).refine((f) => Object.keys(f).length <= ARCHIVE_LIMITS.featuresMax, `at most ${ARCHIVE_LIMITS.featuresMax} features`),
    mediaMs, startedMs: mediaMs, endedMs: mediaMs.nullable(), source: z.enum(['browser', 'server']), modelVersion,
  })
  .strict()
  .superRefine((s, ctx) => {
    const verbal = s.kind === 'verbal';
    if (verbal && s.utteranceId === null) ctx.addIssue({ code: 'custom', path: ['utteranceId'], message: 'a verbal signal must name its turn' });
    if (!verbal && s.utteranceId !== null) ctx.addIssue({ code: 'custom', path: ['utteranceId'], message: 'must be null for a posture signal' });
    if (verbal && s.frameId !== null) ctx.addIssue({ code: 'custom', path: ['frameId'], message: 'must be null for a verbal signal' });
    const labels: readonly string[] = verbal ? VERBAL_LABELS : POSTURE_SIGNAL_LABELS;
    if (!labels.includes(s.label)) ctx.addIssue({ code: 'custom', path: ['label'], message: `"${s.label}" is not a ${s.kind} label` });
  });

const EvidenceA = z
  .object({
    signalId: id, kind: z.enum(['verbal', 'posture']), utteranceId: id.nullable(), frameId: id.nullable(), participant: speaker,
    label: z.enum([...VERBAL_LABELS, ...POSTURE_SIGNAL_LABELS]), score: finite, mediaMs, text: wellFormed(ARCHIVE_LIMITS.cueTextMaxChars),
  })
  .strict();

const CueA = z
  .object({
    id, type: z.enum(CUE_TYPES), reason: z.enum(CUE_REASONS), mediaMs, score: finite, technique: z.enum(TECHNIQUES),
    evidence: z.array(EvidenceA).max(ARCHIVE_LIMITS.evidenceMax, `at most ${ARCHIVE_LIMITS.evidenceMax} evidence items`),
    title: bilingual, tip: bilingual, modelVersion, inputReceivedAt: wallMs, emittedAt: wallMs,
  })
  .strict();

const CorrectionA = z.object({ utteranceId: id, label: z.enum(VERBAL_LABELS), note, correctedAt: wallMs }).strict();
const CueReviewA = z
  .object({ cueType: z.enum(CUE_TYPES), mediaMs, cueId: id.nullable(), verdict: z.enum(CUE_VERDICTS), note, reviewedAt: wallMs })
  .strict();
const PostureLabelsA = z
  .object({
    frameId: id, participant: speaker,
    labels: z.array(z.enum(POSTURE_FRAME_LABELS)).min(1, 'must name at least one posture').max(POSTURE_FRAME_LABELS.length)
      .refine((ls) => new Set(ls).size === ls.length, 'must name each posture once'),
    note, labelledAt: wallMs,
  })
  .strict();
const CommentA = z
  .object({ id, mediaMs, text: visible(LIMITS.commentMaxChars), author: wellFormed(LIMITS.speakerMaxChars).nullable().transform(blankIsNull), createdAt: wallMs, editedAt: wallMs.nullable() })
  .strict();

/** One set of signal thresholds, checked as `serve --thresholds` checks them (a signal label each, 0..1), the label named. */
const ThresholdsA = z.record(z.string().max(64), finite).superRefine((th, ctx) => {
  for (const [label, v] of Object.entries(th)) {
    const problem = thresholdProblem(label, v);
    if (problem) ctx.addIssue({ code: 'custom', path: [label], message: problem });
  }
});

const list = <T extends z.ZodType>(item: T, max: number, what: string) => z.array(item).max(max, `at most ${max.toLocaleString('en')} ${what}`);

/** The whole document (once `format` and `version` are known to be this one's: see parseArchive). */
export const ArchiveSchema = z
  .object({
    format: z.literal(ARCHIVE_FORMAT),
    version: z.literal(ARCHIVE_VERSION),
    exportedAt: wallMs,
    session: z.object({ id: z.string().max(64), title: TitleSchema, createdAt: wallMs }).strict(),
    participants: list(ParticipantA, LIMITS.participantsMax, 'participants'),
    utterances: list(UtteranceA, ARCHIVE_LIMITS.utterancesMax, 'utterances'),
    frames: list(FrameA, ARCHIVE_LIMITS.framesMax, 'frames'),
    signals: list(SignalA, ARCHIVE_LIMITS.signalsMax, 'signals'),
    cues: list(CueA, ARCHIVE_LIMITS.cuesMax, 'cues'),
    corrections: list(CorrectionA, ARCHIVE_LIMITS.utterancesMax, 'corrections'),
    cueReviews: list(CueReviewA, ARCHIVE_LIMITS.cuesMax, 'cue reviews'),
    postureLabels: list(PostureLabelsA, ARCHIVE_LIMITS.framesMax, 'posture labels'),
    comments: list(CommentA, LIMITS.commentsPerSessionMax, 'comments'),
    // The signal thresholds its analysis was made under (server/store/migrations.ts 18), each
    // set once. Optional in version 1: an archive from before has none, and its copy's
    // thresholds are not known (the model line then judges its models alone).
    signalThresholds: list(ThresholdsA, ARCHIVE_LIMITS.thresholdSetsMax, 'sets of signal thresholds').optional(),
  })
  .strict();
export type Archive = z.infer<typeof ArchiveSchema>;
export type ArchiveUtterance = Archive['utterances'][number];
export type ArchiveFrame = Archive['frames'][number];
export type ArchiveSignal = Archive['signals'][number];
export type ArchiveCue = Archive['cues'][number];

/** Whether a parsed JSON value says it is an archive (the upload control tells archives from transcripts by this). */
export function isArchive(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === ARCHIVE_FORMAT;
}

/**
 * The archive in `value` (parsed JSON), checked whole: the format and version first (a newer
 * version is refused naming it), then every field, then every cross-reference. Throws
 * ValidationError naming the field (`cues.3.evidence.0.utteranceId`) and, for a size, the limit.
 */
export function parseArchive(value: unknown): Archive {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`body: must be a JSON object (a ${ARCHIVE_FORMAT} document), got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`, { field: 'body' });
  }
  const head = value as { format?: unknown; version?: unknown };
  if (head.format !== ARCHIVE_FORMAT) {
    throw new ValidationError(`format: must be "${ARCHIVE_FORMAT}", got ${JSON.stringify(head.format ?? null)?.slice(0, 60)}; this is not a session archive (upload a transcript with Upload transcript)`, { field: 'format' });
  }
  if (typeof head.version === 'number' && Number.isInteger(head.version) && head.version > ARCHIVE_VERSION) {
    throw new ValidationError(`version: this archive is version ${head.version}, written by a newer buying-signals; this server reads versions up to ${ARCHIVE_VERSION}`, { field: 'version', limit: ARCHIVE_VERSION, actual: head.version });
  }
  const r = ArchiveSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'body';
    const size = issue.code === 'too_big' && (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'number') ? { limit: Number(issue.maximum), actual: sizeAt(value, issue.path) } : {};
    const message = issue.code === 'unrecognized_keys' ? `${field}${field === 'body' ? '' : '.'}${issue.keys[0]}: unknown field` : `${field}: ${issue.message}`;
    const named = issue.code === 'unrecognized_keys' ? [...issue.path.map(String), issue.keys[0]].join('.') : field;
    throw new ValidationError(message, { field: named, ...(size.limit !== undefined ? { limit: size.limit } : {}), ...(size.actual !== undefined ? { actual: size.actual } : {}) });
  }
  checkReferences(r.data);
  return r.data;
}

/** The size (a string's or list's length) or the number at `path`: the `actual` beside a limit. */
function sizeAt(value: unknown, path: readonly PropertyKey[]): number | undefined {
  let v = value;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return typeof v === 'string' || Array.isArray(v) ? v.length : typeof v === 'number' ? v : undefined;
}

function refused(field: string, message: string): never {
  throw new ValidationError(`${field}: ${message}`, { field });
}

/** Ids unique within their list; the map from id to item. */
function byId<T extends { id: number }>(items: readonly T[], name: string): Map<number, T> {
  const m = new Map<number, T>();
  items.forEach((x, i) => {
    if (m.has(x.id)) refused(`${name}.${i}.id`, `${x.id} appears twice in ${name}`);
    m.set(x.id, x);
  });
  return m;
}

/** Every id an archive's parts name must be one of its own, of the right kind; names must be its participants. */
export function checkReferences(a: Archive): void {
  const names = new Set<string>();
  a.participants.forEach((p, i) => {
    if (names.has(p.name)) refused(`participants.${i}.name`, `"${p.name}" appears twice`);
    names.add(p.name);
  });
  const participant = (field: string, name: string) => {
    if (!names.has(name)) refused(field, `"${name}" is not one of the archive's participants`);
  };
  const turns = byId(a.utterances, 'utterances');
  const seqs = new Set<number>();
  const turnIds = new Set<string>();
  a.utterances.forEach((u, i) => {
    participant(`utterances.${i}.speaker`, u.speaker);
    // A corrected turn's first speaker stays a participant of its session (an edit adds, never removes).
    if (u.originalSpeaker !== undefined) participant(`utterances.${i}.originalSpeaker`, u.originalSpeaker);
    if (seqs.has(u.seq)) refused(`utterances.${i}.seq`, `${u.seq} appears twice`);
    seqs.add(u.seq);
    if (u.clientTurnId !== undefined) {
      if (turnIds.has(u.clientTurnId)) refused(`utterances.${i}.clientTurnId`, `"${u.clientTurnId}" appears twice`);
      turnIds.add(u.clientTurnId);
    }
  });
  const frames = byId(a.frames, 'frames');
  a.frames.forEach((f, i) => participant(`frames.${i}.participant`, f.participant));
  const signals = byId(a.signals, 'signals');
  a.signals.forEach((s, i) => {
    participant(`signals.${i}.participant`, s.participant);
    if (s.utteranceId !== null) {
      const u = turns.get(s.utteranceId);
      if (!u) refused(`signals.${i}.utteranceId`, `no utterance of the archive has id ${s.utteranceId}`);
      if (u.speaker !== s.participant) refused(`signals.${i}.participant`, `"${s.participant}" is not the speaker of utterance ${u.id} ("${u.speaker}")`);
    }
    if (s.frameId !== null && !frames.has(s.frameId)) refused(`signals.${i}.frameId`, `no frame of the archive has id ${s.frameId}`);
  });
  const cues = byId(a.cues, 'cues');
  a.cues.forEach((c, i) => {
    c.evidence.forEach((e, j) => {
      const at = `cues.${i}.evidence.${j}`;
      const s = signals.get(e.signalId);
      if (!s) refused(`${at}.signalId`, `no signal of the archive has id ${e.signalId}`);
      if (s.kind !== e.kind) refused(`${at}.kind`, `signal ${s.id} is ${s.kind}, not ${e.kind}`);
      if (e.utteranceId !== null && !turns.has(e.utteranceId)) refused(`${at}.utteranceId`, `no utterance of the archive has id ${e.utteranceId}`);
      if (e.frameId !== null && !frames.has(e.frameId)) refused(`${at}.frameId`, `no frame of the archive has id ${e.frameId}`);
      participant(`${at}.participant`, e.participant);
      // Evidence is its signal's copy (the pipeline makes it so): a quote from another turn, or
      // another person's, would put words in the report the signal was not about.
      for (const key of ['utteranceId', 'frameId', 'participant', 'label'] as const) {
        if (e[key] !== s[key]) refused(`${at}.${key}`, `must be its signal's (signal ${s.id}: ${JSON.stringify(s[key])}), got ${JSON.stringify(e[key])}`);
      }
    });
  });
  const corrected = new Set<number>();
  a.corrections.forEach((c, i) => {
    if (!turns.has(c.utteranceId)) refused(`corrections.${i}.utteranceId`, `no utterance of the archive has id ${c.utteranceId}`);
    if (corrected.has(c.utteranceId)) refused(`corrections.${i}.utteranceId`, `utterance ${c.utteranceId} is labelled twice`);
    corrected.add(c.utteranceId);
  });
  const moments = new Set<string>();
  a.cueReviews.forEach((r, i) => {
    const key = `${r.cueType}@${r.mediaMs}`;
    if (moments.has(key)) refused(`cueReviews.${i}`, `the moment ${r.cueType} at ${r.mediaMs} ms has two verdicts`);
    moments.add(key);
    if (r.cueId === null) return;
    const c = cues.get(r.cueId);
    if (!c) refused(`cueReviews.${i}.cueId`, `no cue of the archive has id ${r.cueId}`);
    if (c.type !== r.cueType || c.mediaMs !== r.mediaMs) refused(`cueReviews.${i}.cueId`, `cue ${c.id} is ${c.type} at ${c.mediaMs} ms, not the reviewed moment (${r.cueType} at ${r.mediaMs} ms)`);
  });
  const labelled = new Set<number>();
  a.postureLabels.forEach((l, i) => {
    const f = frames.get(l.frameId);
    if (!f) refused(`postureLabels.${i}.frameId`, `no frame of the archive has id ${l.frameId}`);
    if (f.participant !== l.participant) refused(`postureLabels.${i}.participant`, `"${l.participant}" is not the participant of frame ${f.id} ("${f.participant}")`);
    if (labelled.has(l.frameId)) refused(`postureLabels.${i}.frameId`, `frame ${l.frameId} is labelled twice`);
    labelled.add(l.frameId);
  });
  byId(a.comments, 'comments');
}

/** What a store holds of a session in an archive: the document without its header. */
export type ArchiveParts = Omit<Archive, 'format' | 'version' | 'exportedAt'>;

/**
 * A frame as the store keeps it: its poses (and person box, when one was sent) as JSON text.
 * An export writes that text into the document as it is and an import stores it as checked,
 * so neither parses nor stringifies 20,000 frames' landmarks on the server's one thread.
 */
export type StoredFrame = Omit<ArchiveFrame, 'poses' | 'person'> & { posesJson: string; personJson: string | null };
/** An archive's parts with its frames as stored (StoredFrame): what the store reads and writes. */
export type StoredArchiveParts = Omit<ArchiveParts, 'frames'> & { frames: StoredFrame[] };

/** A checked frame as the store keeps it. */
export function storedFrame(f: ArchiveFrame): StoredFrame {
  const { poses, person, ...rest } = f;
  return { ...rest, posesJson: JSON.stringify(poses), personJson: person === undefined ? null : JSON.stringify(person) };
}

/** A stored frame as the document holds it (`person` absent when none was sent). */
export function archiveFrame(f: StoredFrame): ArchiveFrame {
  const { posesJson, personJson, receivedAt, ...rest } = f;
  return { ...rest, poses: JSON.parse(posesJson) as PoseIn[], ...(personJson !== null ? { person: JSON.parse(personJson) as PersonBox | null } : {}), receivedAt };
}

/** A checked archive's parts as the store writes them. */
export function storedParts(a: ArchiveParts): StoredArchiveParts {
  return { ...a, frames: a.frames.map(storedFrame) };
}

/** Stored parts as the document holds them. */
export function documentParts(p: StoredArchiveParts): ArchiveParts {
  return { ...p, frames: p.frames.map(archiveFrame) };
}

/** The document for a session's parts, exported at `exportedAt` (wall-clock ms). */
export function archiveDocument(parts: ArchiveParts, exportedAt: number): Archive {
  return { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, exportedAt, ...parts };
}

/**
 * When the bytes are a session archive (a JSON object whose `format` says so), its words as a
 * JSON transcript's bytes (title, participants with roles, turns in order), which the transcript
 * parsers read: what `analyze ARCHIVE.json` analyses. The archive is checked whole first (a
 * damaged one is a TranscriptError `bad_format` naming its field). Else undefined: not an
 * archive. Only a text opening with `{` that names the format is parsed here.
 */
export function archiveAsTranscript(bytes: Uint8Array): Buffer | undefined {
  let text: string;
  try {
    text = decodeTranscript(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).text; // UTF-8 or UTF-16, as an upload
  } catch {
    return undefined; // the transcript parser says why
  }
  if (!/^\s*\{/.test(text) || !text.includes(ARCHIVE_FORMAT)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // the transcript parser names where it breaks
  }
  if (!isArchive(value)) return undefined;
  let a: Archive;
  try {
    a = parseArchive(value);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new TranscriptError('bad_format', `session archive: ${err.message}`, typeof err.details.field === 'string' ? { field: err.details.field } : {});
  }
  const doc = {
    title: a.session.title,
    participants: a.participants,
    utterances: a.utterances.map((u) => ({ speaker: u.speaker, text: u.text, startMs: u.startMs, endMs: u.endMs })),
  };
  return Buffer.from(JSON.stringify(doc));
}
