// Sessions: create, list, read, rename, delete, export as a transcript, assign roles, re-analyse, upload a transcript.
import express, { Router } from 'express';
import { z } from 'zod';
import { CreateSessionSchema, LIMITS, RenameSessionSchema, SessionIdSchema, SetRolesSchema, TitleSchema, toWellFormed } from '../../../protocol/protocol';
import { TRANSCRIPT_FORMATS, parseTranscript, speakerPlace, type ParsedTranscript } from '../../ingest';
import { ParticipantLimitError } from '../../errors/errors';
import { exportDisposition, sessionTranscript } from '../../ingest/export';
import { uploadError } from '../../ingest/uploadError';
import type { SessionService } from '../../pipeline/sessionService';
import { jsonBody, parseOr400 } from '../validate';

const UploadQuery = z.object({
  format: z.enum(TRANSCRIPT_FORMATS).optional(),
  filename: z.string().max(255).optional(),
  title: TitleSchema.optional(),
});
type UploadQuery = z.infer<typeof UploadQuery>;

/** `POST …/reanalyse` takes no body, or an empty object. */
const ReanalyseSchema = z.object({}).strict();

const rawBody = express.raw({ type: () => true, limit: LIMITS.uploadMaxBytes });

/**
 * Parses an uploaded transcript body; TranscriptError becomes a 4xx naming line/field/limit.
 * A request without a body (express.raw leaves no Buffer) is an empty file: the parser's own
 * `empty` error, as for a 0-byte or whitespace-only file, so a client words them alike.
 */
function parseUpload(body: unknown, q: UploadQuery): ParsedTranscript {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  try {
    return parseTranscript(bytes, { ...(q.format ? { format: q.format } : {}), ...(q.filename ? { filename: q.filename } : {}) });
  } catch (err) {
    throw uploadError(err);
  }
}


/**
 * Runs an upload into a session; a refusal for the participant limit names the line (or, in a
 * JSON file, the utterance) where the first speaker over the limit first speaks.
 */
async function naming51st<T>(parsed: ParsedTranscript, store: () => T | Promise<T>): Promise<T> {
  try {
    return await store();
  } catch (err) {
    if (!(err instanceof ParticipantLimitError)) throw err;
    const place = speakerPlace(parsed, err.firstOver);
    if (!place) throw err;
    const where = place.line === undefined ? place.field.replace(/\.speaker$/, '') : `line ${place.line}`;
    throw err.placed(where, { field: place.field, ...(place.line !== undefined ? { line: place.line } : {}) }, 'speaker ');
  }
}

/** `POST /api/transcripts?title=&format=`: a new session from a file, atomically. */
export function transcriptsRouter(service: SessionService): Router {
  const r = Router();
  r.post('/', rawBody, async (req, res) => {
    const q = parseOr400(UploadQuery, req.query, 'query');
    const parsed = parseUpload(req.body, q);
    const title = q.title ?? parsed.title ?? q.filename ?? 'Uploaded transcript';
    const result = await naming51st(parsed, () => service.createFromTranscript(toWellFormed(title.slice(0, LIMITS.titleMaxChars)), parsed.utterances, parsed.participants, parsed.warnings));
    res.status(201).json({ ...result, format: parsed.format, encoding: parsed.encoding });
  });
  return r;
}

export function sessionsRouter(service: SessionService): Router {
  const r = Router();
  const id = (raw: unknown) => parseOr400(SessionIdSchema, raw, 'sessionId');

  r.get('/', (_req, res) => {
    res.json({ sessions: service.listSessions() });
  });

  r.post('/', ...jsonBody('64kb'), (req, res) => {
    const body = parseOr400(CreateSessionSchema, req.body ?? {});
    res.status(201).json({ session: service.createSession(body) });
  });

  r.get('/:id', (req, res) => {
    res.json(service.snapshot(id(req.params.id)));
  });

  // A new title, checked as a created session's; the room hears `session_renamed`.
  r.patch('/:id', ...jsonBody('64kb'), (req, res) => {
    const sessionId = id(req.params.id);
    const body = parseOr400(RenameSessionSchema, req.body ?? {});
    res.json({ session: service.renameSession(sessionId, body.title) });
  });

  // For good, after the work already taken for it; the room hears `session_deleted`.
  r.delete('/:id', async (req, res) => {
    await service.deleteSession(id(req.params.id));
    res.json({ deleted: true });
  });

  // The session as a JSON transcript the upload routes and `analyze` take back, as a download.
  r.get('/:id/transcript', (req, res) => {
    const snap = service.transcriptOf(id(req.params.id));
    res.set('Content-Disposition', exportDisposition(snap.session.title, snap.session.id));
    res.type('application/json').send(`${JSON.stringify(sessionTranscript(snap), null, 2)}\n`);
  });

  r.put('/:id/roles', ...jsonBody('64kb'), async (req, res) => {
    const body = parseOr400(SetRolesSchema, req.body);
    // The re-analysis runs a slice at a time; other sessions go on meanwhile.
    res.json({ snapshot: await service.setRoles(id(req.params.id), body.roles) });
  });

  r.post('/:id/reanalyse', ...jsonBody('64kb'), async (req, res) => {
    parseOr400(ReanalyseSchema, req.body ?? {});
    // With the server's current models, a slice at a time, as a role change.
    const { snapshot, previous } = await service.reanalyse(id(req.params.id));
    res.json({ snapshot, previous });
  });

  r.post('/:id/transcript', rawBody, async (req, res) => {
    const sessionId = id(req.params.id);
    service.requireSession(sessionId);
    const parsed = parseUpload(req.body, parseOr400(UploadQuery, req.query, 'query'));
    // A role the file changes re-analyses the session first, a slice at a time.
    const result = await naming51st(parsed, () => service.upload(sessionId, parsed.utterances, parsed.participants, parsed.warnings));
    res.status(201).json({ ...result, format: parsed.format, encoding: parsed.encoding });
  });
  return r;
}
