// HTTP calls to the server's /api, each response checked against its schema. Server
// errors become ServerError carrying the server's ApiError unchanged, to show verbatim.
import { z } from 'zod';
import type { ApiError, Comment, CommentIn, Correction, CorrectionIn, CreateSession, CueReview, CueReviewIn, CueType, ModelVersions, PostureLabels, PostureLabelsIn, Role, Session, SessionSnapshot, UtteranceEdit } from '../protocol/protocol';
import {
  CommentSchema,
  CorrectionSchema,
  CueReviewSchema,
  DemoSchema,
  ErrorBodySchema,
  HealthSchema,
  LandmarksPageSchema,
  ModelVersionsSchema,
  PostureLabelsSchema,
  SessionListSchema,
  SessionSchema,
  SessionSummarySchema,
  SnapshotSchema,
  UploadResultSchema,
  parseWire,
  type Demo,
  type Health,
  type LandmarksPage,
  type SessionSummary,
  type UploadResult,
} from '../protocol/outbound';
import { PostureComparisonSchema, VerbalComparisonSchema, type PostureComparison, type VerbalComparison } from '../protocol/compare';
import { QualitySchema, type Quality } from '../protocol/quality';
import { SearchAnswerSchema, type SearchAnswer } from '../protocol/search';
import { TrainJobSchema, type TrainJob, type TrainRequest } from '../protocol/training';
import { VerbalLibrarySchema, VerbalSettingsSchema, type VerbalLibrary, type VerbalSettings, type VerbalSettingsPut } from '../protocol/models';
import {
  PostureLibrarySchema,
  PostureSettingsSchema,
  PostureTrainJobSchema,
  type PostureLibrary,
  type PostureSettings,
  type PostureSettingsPut,
  type PostureTrainJob,
  type PostureTrainRequest,
} from '../protocol/postureModels';
import { dispositionFilename } from './contentDisposition';

export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly apiError: ApiError,
  ) {
    super(apiError.message);
    this.name = 'ServerError';
  }
}

export type TranscriptFormat = 'vtt' | 'srt' | 'json' | 'text';

/** The upload format for a file name, by extension; anything unknown is sent as plain text. */
export function formatForFile(name: string): TranscriptFormat {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'vtt' || ext === 'srt' || ext === 'json') return ext;
  return 'text';
}

async function request<T>(
  schema: z.ZodType<T>,
  what: string,
  path: string,
  init: RequestInit = {},
): Promise<T> {
  const res = await fetch(path, { ...init, headers: { Accept: 'application/json', ...init.headers } });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw refusal(res, body, init.method ?? 'GET', path);
  return parseWire(schema, body, what);
}

/** A refused request as a ServerError: the server's error body, or `http_<status>` without one. */
function refusal(res: Response, body: unknown, method: string, path: string): ServerError {
  const parsed = ErrorBodySchema.safeParse(body);
  return new ServerError(
    res.status,
    parsed.success ? parsed.data.error : { code: `http_${res.status}`, message: `${method} ${path} failed: ${res.status} ${res.statusText}` },
  );
}

function json(method: string, body: unknown): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

export function getHealth(): Promise<Health> {
  return request(HealthSchema, 'health', '/api/health');
}

/** Where the model quality of every session's stored labels (null), or one session's, is measured. */
export function qualityUrl(session: string | null): string {
  return session === null ? '/api/quality' : `/api/quality?${new URLSearchParams({ session }).toString()}`;
}

/** The running models measured on every session's stored labels, or one session's (GET /api/quality; it may take seconds on a big store). */
export function getQuality(session: string | null = null): Promise<Quality> {
  return request(QualitySchema, 'model quality', qualityUrl(session));
}

/** Where a library model is compared with the running one, on every session's labels (null) or one session's. */
export function compareUrl(model: string, session: string | null): string {
  const q = new URLSearchParams({ model });
  if (session !== null) q.set('session', session);
  return `/api/quality/compare?${q.toString()}`;
}

/**
 * A library verbal model (its id) compared with the running one on the labelled turns neither was
 * trained on (GET /api/quality/compare). Refused: 400 (query.model …, named), 404 (no such model or
 * session), 409 `same_model` (it is the running one), 422 (its folder does not load), 503 `busy` /
 * `shutting_down`.
 */
export function getComparison(model: string, session: string | null = null): Promise<VerbalComparison> {
  return request(VerbalComparisonSchema, 'model comparison', compareUrl(model, session));
}

/** Where a library posture model is compared with the running one, on every session's labelled frames (null) or one session's. */
export function postureCompareUrl(model: string, session: string | null): string {
  return compareUrl(model, session).replace('/api/quality/compare?', '/api/quality/posture/compare?');
}

/**
 * A library posture model (its id) compared with the running one on the labelled frames neither
 * was trained on (GET /api/quality/posture/compare); refused as getComparison is.
 */
export function getPostureComparison(model: string, session: string | null = null): Promise<PostureComparison> {
  return request(PostureComparisonSchema, 'posture model comparison', postureCompareUrl(model, session));
}

/**
 * A kind's training routes (`url`: `/api/models/<kind>/train`): start, read and cancel its job,
 * each answer checked against `job`. Both kinds answer alike; only the body and the job differ.
 */
function trainingRoutes<J, R>(url: string, job: z.ZodType<J>, what: string) {
  const answer = z.object({ job });
  return {
    start: async (body: R): Promise<J> => (await request(answer, what, url, json('POST', body))).job,
    current: async (): Promise<J | null> => (await request(z.object({ job: job.nullable() }), what, url)).job,
    cancel: async (): Promise<J> => (await request(answer, what, url, { method: 'DELETE' })).job,
  };
}

const verbalTraining = trainingRoutes<TrainJob, TrainRequest>('/api/models/verbal/train', TrainJobSchema, 'training job');

/**
 * Starts training a verbal model on the coaches' labels (POST /api/models/verbal/train). Refused:
 * 400 (a field, named), 404 (no such session), 409 `busy` (a job of either kind runs), 422
 * `no_labels` / `too_few_labels` (with `limit` and `actual`).
 */
export const startTraining = verbalTraining.start;

/** The training job running, or the last one since the server started (null: none). */
export const getTraining = verbalTraining.current;

/** Cancels the training job running (409 `not_running` when none is). */
export const cancelTraining = verbalTraining.cancel;

/** The verbal models the server can run (GET /api/models/verbal: read afresh each time). */
export function getVerbalLibrary(): Promise<VerbalLibrary> {
  return request(VerbalLibrarySchema, 'model library', '/api/models/verbal');
}

/** The running verbal model and thresholds, where each came from, and their recent changes. */
export function getVerbalSettings(): Promise<VerbalSettings> {
  return request(VerbalSettingsSchema, 'running model', '/api/settings/verbal');
}

/** Runs another verbal model and/or thresholds from now on (it answers once the model is loaded and warm). */
export function putVerbalSettings(body: VerbalSettingsPut): Promise<VerbalSettings> {
  return request(VerbalSettingsSchema, 'running model', '/api/settings/verbal', json('PUT', body));
}

const postureTraining = trainingRoutes<PostureTrainJob, PostureTrainRequest>('/api/models/posture/train', PostureTrainJobSchema, 'posture training job');

/**
 * Starts training a posture model on the coaches' posture labels (POST /api/models/posture/train).
 * Refused as startTraining is: 400 (a field, named), 404 (no such session), 409 `busy` (a job of
 * either kind runs), 422 `no_labels` / `too_few_labels` (with `limit` and `actual`).
 */
export const startPostureTraining = postureTraining.start;

/** The posture training job running, or the last one since the server started (null: none). */
export const getPostureTraining = postureTraining.current;

/** Cancels the posture training job running (409 `not_running` when none is). */
export const cancelPostureTraining = postureTraining.cancel;

/** The posture models the server can run (GET /api/models/posture: read afresh each time). */
export function getPostureLibrary(): Promise<PostureLibrary> {
  return request(PostureLibrarySchema, 'posture model library', '/api/models/posture');
}

/** The running posture model, where it came from, and its recent changes. */
export function getPostureSettings(): Promise<PostureSettings> {
  return request(PostureSettingsSchema, 'running posture model', '/api/settings/posture');
}

/**
 * Runs another posture model from now on (it answers once the model is loaded). Refused: 400,
 * 404 (no such model), 409 `ambiguous_model` / `switch_in_progress`, 422 `model_unloadable`.
 */
export function putPostureSettings(body: PostureSettingsPut): Promise<PostureSettings> {
  return request(PostureSettingsSchema, 'running posture model', '/api/settings/posture', json('PUT', body));
}

/** Stored turns by their words and filters, a page at a time (GET /api/search; `query`: its query string). */
export function searchTurns(query: string, signal?: AbortSignal): Promise<SearchAnswer> {
  return request(SearchAnswerSchema, 'search', `/api/search?${query}`, signal ? { signal } : {});
}

export function getDemo(): Promise<Demo> {
  return request(DemoSchema, 'demo meeting', '/api/demo');
}

export async function listSessions(): Promise<SessionSummary[]> {
  return (await request(SessionListSchema, 'session list', '/api/sessions')).sessions;
}

export async function createSession(body: CreateSession): Promise<Session> {
  const res = await request(z.object({ session: SessionSchema }), 'session', '/api/sessions', json('POST', body));
  return res.session;
}

export function getSnapshot(id: string): Promise<SessionSnapshot> {
  return request(SnapshotSchema, 'session snapshot', `/api/sessions/${encodeURIComponent(id)}`);
}

/**
 * One page of the session's stored frames (its posture input: landmarks, or those the server
 * estimated from its images), in the order they were stored: up to `limit` (≤ 1000) frames
 * after frame `after` (0: from the first); `next` is the `after` of the next page, null after
 * the last.
 */
export function getLandmarksPage(id: string, after: number, limit: number, signal?: AbortSignal): Promise<LandmarksPage> {
  const q = new URLSearchParams({ after: String(after), limit: String(limit) });
  return request(LandmarksPageSchema, 'stored landmarks', `/api/sessions/${encodeURIComponent(id)}/landmarks?${q.toString()}`, signal ? { signal } : {});
}

/**
 * Creates a session from a file in one step: a rejected file leaves no empty session behind.
 * The session is titled by the file's own title when it has one, else by its name.
 */
export function uploadTranscript(filename: string, format: TranscriptFormat, bytes: ArrayBuffer): Promise<UploadResult & { session: Session }> {
  const q = new URLSearchParams({ format, filename: filename.slice(0, 255) });
  return request(UploadResultSchema.extend({ session: SessionSchema }), 'upload result', `/api/transcripts?${q.toString()}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
}

/** Gives a session another title (PATCH); the session as the server holds it now. */
export async function renameSession(id: string, title: string): Promise<Session> {
  const res = await request(z.object({ session: SessionSchema }), 'renamed session', `/api/sessions/${encodeURIComponent(id)}`, json('PATCH', { title }));
  return res.session;
}

/** Deletes a session and everything under it, for good. */
export async function deleteSession(id: string): Promise<void> {
  await request(z.object({ deleted: z.literal(true) }), 'session deletion', `/api/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export async function setRoles(id: string, roles: Record<string, Role | null>): Promise<SessionSnapshot> {
  const res = await request(
    z.object({ snapshot: SnapshotSchema }),
    'session snapshot',
    `/api/sessions/${encodeURIComponent(id)}/roles`,
    json('PUT', { roles }),
  );
  return res.snapshot;
}

/** Corrects a stored turn's words or speaker; the server re-analyses the session and answers its snapshot. */
export async function editUtterance(id: string, utteranceId: number, body: UtteranceEdit): Promise<SessionSnapshot> {
  const res = await request(
    z.object({ snapshot: SnapshotSchema }),
    'session snapshot',
    `/api/sessions/${encodeURIComponent(id)}/utterances/${utteranceId}`,
    json('PATCH', body),
  );
  return res.snapshot;
}

/** Deletes a stored turn; the server re-analyses the session and answers its snapshot. */
export async function deleteUtterance(id: string, utteranceId: number): Promise<SessionSnapshot> {
  const res = await request(
    z.object({ snapshot: SnapshotSchema }),
    'session snapshot',
    `/api/sessions/${encodeURIComponent(id)}/utterances/${utteranceId}`,
    { method: 'DELETE' },
  );
  return res.snapshot;
}

/**
 * Where a session's JSON transcript downloads from (the server names the file): the Export
 * link's href, for "open in new tab" and "save link as"; a click goes through getTranscript.
 */
export function transcriptUrl(id: string): string {
  return `/api/sessions/${encodeURIComponent(id)}/transcript`;
}

/** A file to save: its bytes and the name the server gives it. */
export interface DownloadFile {
  blob: Blob;
  /** From the answer's Content-Disposition (filename*, else filename), else a name from the session id. */
  filename: string;
}

/** A session's JSON transcript, to save as a file. */
export type TranscriptFile = DownloadFile;

/**
 * Fetches a download (the access-token cookie goes with it, as with every request of this
 * page). Only a 200 is the file: any other answer throws its ServerError (a gone session's 404,
 * a stopping server's 503, a missing token's 401), and no answer the fetch's TypeError, so an
 * error's body is never saved as the file.
 */
async function getDownload(path: string, accept: string, fallbackName: string): Promise<DownloadFile> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { Accept: accept } });
  if (res.status !== 200) {
    const body: unknown = await res.json().catch(() => undefined);
    throw refusal(res, body, 'GET', path);
  }
  const blob = await res.blob();
  return { blob, filename: dispositionFilename(res.headers.get('Content-Disposition')) ?? fallbackName };
}

/** The session's JSON transcript (see getDownload: only a 200 is one). */
export function getTranscript(id: string): Promise<TranscriptFile> {
  return getDownload(transcriptUrl(id), 'application/json', `${id}.json`);
}

// ---- session backups (archives) ------------------------------------------------------------

/** Where a session's backup downloads from (the server names the file `<title>.bsarchive.json`): the Backup link's href. */
export function archiveUrl(id: string): string {
  return `/api/sessions/${encodeURIComponent(id)}/archive`;
}

/** The session's backup: everything it holds, annotations included (see getDownload: only a 200 is one). */
export function getArchive(id: string): Promise<DownloadFile> {
  return getDownload(archiveUrl(id), 'application/json', `${id}.bsarchive.json`);
}

/** Imports a backup as a new session (never over another); the session as the list shows it. */
export async function importArchive(bytes: ArrayBuffer): Promise<SessionSummary> {
  const res = await request(z.object({ session: SessionSummarySchema }), 'imported session', '/api/archives', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: bytes,
  });
  return res.session;
}

// ---- coach corrections ------------------------------------------------------------------

/** What the JSON-lines downloads (labels, cue reviews) accept. */
const JSONL_ACCEPT = 'application/x-ndjson, application/json;q=0.9';

function correctionPath(id: string, utteranceId: number): string {
  return `/api/sessions/${encodeURIComponent(id)}/utterances/${encodeURIComponent(String(utteranceId))}/correction`;
}

/**
 * Labels a customer turn with what the verbal model should have said (a later PUT replaces
 * it); answers with the stored correction. Refused: 400 (a bad label or note, by field), 404
 * (no such session or turn), 409 `not_customer` (a rep's turn, or a speaker without a role).
 */
export async function putCorrection(id: string, utteranceId: number, body: CorrectionIn): Promise<Correction> {
  const res = await request(z.object({ correction: CorrectionSchema }), 'correction', correctionPath(id, utteranceId), json('PUT', body));
  return res.correction;
}

/** Removes a turn's label; `removed`: whether it had one. */
export async function deleteCorrection(id: string, utteranceId: number): Promise<boolean> {
  const res = await request(z.object({ removed: z.boolean() }), 'correction removal', correctionPath(id, utteranceId), { method: 'DELETE' });
  return res.removed;
}

/** Where a session's labelled turns download from as JSON lines (`eval verbal` rows): the Export labels link's href. */
export function correctionsUrl(id: string): string {
  return `/api/sessions/${encodeURIComponent(id)}/corrections`;
}

/** The session's labelled turns as a JSON-lines file (see getDownload: only a 200 is one). */
export function getCorrectionsFile(id: string): Promise<DownloadFile> {
  return getDownload(correctionsUrl(id), JSONL_ACCEPT, `${id}-labels.jsonl`);
}

/** Where every session's labelled turns download from, in one JSON-lines file. */
export const ALL_CORRECTIONS_URL = '/api/corrections';

/**
 * Every session's labelled turns as one JSON-lines file (see getDownload). No label anywhere yet
 * is an empty 200: that throws NoLabelsYet rather than saving an empty file.
 */
export function getAllCorrectionsFile(): Promise<DownloadFile> {
  return getAllFile(ALL_CORRECTIONS_URL, 'corrections.jsonl', () => new NoLabelsYet());
}

/** One session's JSON-lines download; an empty 200 (none in it yet) throws `none()` instead of saving an empty file. */
export async function getSessionFile(download: Promise<DownloadFile>, none: () => Error): Promise<DownloadFile> {
  const file = await download;
  if (file.blob.size === 0) throw none();
  return file;
}

/** A JSON-lines download of every session's rows; an empty 200 (none anywhere yet) throws `none()` instead. */
async function getAllFile(url: string, fallbackName: string, none: () => Error): Promise<DownloadFile> {
  const file = await getDownload(url, JSONL_ACCEPT, fallbackName);
  if (file.blob.size === 0) throw none();
  return file;
}

/** No session has a labelled turn yet: nothing to download. */
export class NoLabelsYet extends Error {
  constructor() {
    super('no labelled turns yet');
    this.name = 'NoLabelsYet';
  }
}

// ---- coach cue reviews ------------------------------------------------------------------

function cueReviewPath(id: string, cueId: number): string {
  return `/api/sessions/${encodeURIComponent(id)}/cues/${encodeURIComponent(String(cueId))}/review`;
}

/**
 * Gives a cue a verdict (a later PUT replaces it); answers with the stored review, kept under
 * the cue's moment (type and media time). Refused: 400 (a bad verdict or note, by field), 404
 * (no such session, or `cueId` not a current cue: a re-analysis replaced it).
 */
export async function putCueReview(id: string, cueId: number, body: CueReviewIn): Promise<CueReview> {
  const res = await request(z.object({ review: CueReviewSchema }), 'cue review', cueReviewPath(id, cueId), json('PUT', body));
  return res.review;
}

/**
 * Where a moment's verdict is removed: by the cue's type and media time, not its id (the one
 * removal route, which also serves a verdict whose cue is no longer emitted).
 */
export function cueReviewRemovalPath(id: string, moment: { cueType: CueType; mediaMs: number }): string {
  const q = new URLSearchParams({ type: moment.cueType, mediaMs: String(moment.mediaMs) });
  return `${cueReviewsUrl(id)}?${q.toString()}`;
}

/** Takes back the verdict on a cue's moment; `removed`: whether it had one. */
export async function deleteCueReview(id: string, moment: { cueType: CueType; mediaMs: number }): Promise<boolean> {
  const res = await request(z.object({ removed: z.boolean() }), 'cue review removal', cueReviewRemovalPath(id, moment), { method: 'DELETE' });
  return res.removed;
}

/** Where a session's cue verdicts download from as JSON lines: the Export cue reviews link's href. */
export function cueReviewsUrl(id: string): string {
  return `/api/sessions/${encodeURIComponent(id)}/cue-reviews`;
}

/** The session's cue verdicts as a JSON-lines file (see getDownload: only a 200 is one). */
export function getCueReviewsFile(id: string): Promise<DownloadFile> {
  return getDownload(cueReviewsUrl(id), JSONL_ACCEPT, `${id}-cue-reviews.jsonl`);
}

/** Where every session's cue verdicts download from, in one JSON-lines file. */
export const ALL_CUE_REVIEWS_URL = '/api/cue-reviews';

/** Every session's cue verdicts as one JSON-lines file; none anywhere yet throws NoCueReviewsYet. */
export function getAllCueReviewsFile(): Promise<DownloadFile> {
  return getAllFile(ALL_CUE_REVIEWS_URL, 'cue-reviews.jsonl', () => new NoCueReviewsYet());
}

/** No session has a cue verdict yet: nothing to download. */
export class NoCueReviewsYet extends Error {
  constructor() {
    super('no cue reviews yet');
    this.name = 'NoCueReviewsYet';
  }
}

// ---- coach posture labels ---------------------------------------------------------------

/** Where a session's posture labels download from as JSON lines (`eval posture` rows): the Export posture labels link's href. */
export function postureLabelsUrl(id: string): string {
  return `/api/sessions/${encodeURIComponent(id)}/posture-labels`;
}

/**
 * Labels what a customer's posture is at a moment: the server puts the labels on the
 * participant's stored frame nearest `mediaMs` (within LIMITS.postureLabelFrameWindowMs) and
 * answers with them, naming that frame (its id and media time). Refused: 400 (bad labels or
 * note, by field), 404 (no such session or participant; `no_frame`: no frame near enough),
 * 409 `not_customer` (a rep, or a participant without a role).
 */
export async function putPostureLabels(id: string, body: PostureLabelsIn): Promise<PostureLabels> {
  const res = await request(z.object({ labels: PostureLabelsSchema }), 'posture labels', postureLabelsUrl(id), json('PUT', body));
  return res.labels;
}

/** Removes a frame's posture labels; `removed`: whether it had some. */
export async function deletePostureLabels(id: string, frameId: number): Promise<boolean> {
  const res = await request(z.object({ removed: z.boolean() }), 'posture labels removal', `${postureLabelsUrl(id)}/${encodeURIComponent(String(frameId))}`, { method: 'DELETE' });
  return res.removed;
}

/** The session's posture labels as a JSON-lines file (see getDownload: only a 200 is one). */
export function getPostureLabelsFile(id: string): Promise<DownloadFile> {
  return getDownload(postureLabelsUrl(id), JSONL_ACCEPT, `${id}-posture-labels.jsonl`);
}

/** Where every session's posture labels download from, in one JSON-lines file. */
export const ALL_POSTURE_LABELS_URL = '/api/posture-labels';

/** Every session's posture labels as one JSON-lines file; none anywhere yet throws NoPostureLabelsYet. */
export function getAllPostureLabelsFile(): Promise<DownloadFile> {
  return getAllFile(ALL_POSTURE_LABELS_URL, 'posture-labels.jsonl', () => new NoPostureLabelsYet());
}

/** No session has posture labels yet: nothing to download. */
export class NoPostureLabelsYet extends Error {
  constructor() {
    super('no posture labels yet');
    this.name = 'NoPostureLabelsYet';
  }
}

// ---- coach comments and the review report ------------------------------------------------

function commentsPath(id: string): string {
  return `/api/sessions/${encodeURIComponent(id)}/comments`;
}

/**
 * Comments on a moment of the session; answers with the stored comment. Refused: 400 (an empty
 * or too long text, a too long author, by field), 404 (the session), 409 `too_many_comments`.
 */
export async function postComment(id: string, body: CommentIn): Promise<Comment> {
  const res = await request(z.object({ comment: CommentSchema }), 'comment', commentsPath(id), json('POST', body));
  return res.comment;
}

/** Replaces a comment's moment, text and author; as postComment, and 404 for a comment the session no longer has. */
export async function putComment(id: string, commentId: number, body: CommentIn): Promise<Comment> {
  const res = await request(z.object({ comment: CommentSchema }), 'comment', `${commentsPath(id)}/${encodeURIComponent(String(commentId))}`, json('PUT', body));
  return res.comment;
}

/** Removes a comment; `removed`: whether the session had it. */
export async function deleteComment(id: string, commentId: number): Promise<boolean> {
  const res = await request(z.object({ removed: z.boolean() }), 'comment removal', `${commentsPath(id)}/${encodeURIComponent(String(commentId))}`, { method: 'DELETE' });
  return res.removed;
}

/** Where a session's review report (Markdown, headings in `lang`) downloads from: the Review report link's href. */
export function reviewReportUrl(id: string, lang: 'en' | 'zh'): string {
  return `/api/sessions/${encodeURIComponent(id)}/review.md?lang=${lang}`;
}

/** The session's review report as a Markdown file (see getDownload: only a 200 is one). */
export function getReviewReport(id: string, lang: 'en' | 'zh'): Promise<DownloadFile> {
  return getDownload(reviewReportUrl(id, lang), 'text/markdown, application/json;q=0.9', `${id}-review.md`);
}

/**
 * Re-analyses the whole session with the server's current models and settings; answers once
 * it is done (seconds for a long session) with the new snapshot and the model versions the
 * session's analysis came from before.
 */
export function reanalyse(id: string): Promise<{ snapshot: SessionSnapshot; previous: ModelVersions }> {
  return request(
    z.object({ snapshot: SnapshotSchema, previous: ModelVersionsSchema }),
    're-analysis',
    `/api/sessions/${encodeURIComponent(id)}/reanalyse`,
    json('POST', {}),
  );
}

/** Any error as an ApiError, for display. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ServerError) return err.apiError;
  return { code: 'client_error', message: err instanceof Error ? err.message : String(err) };
}
