// Coaches' posture labels: label a customer's posture at a moment (PUT, on their stored frame
// nearest it), take a frame's labels away (DELETE, by frame id), and export them as `eval
// posture` rows with landmarks (JSON Lines, written as read), one session's or every session's.
import { Router, type RequestHandler } from 'express';
import { POSTURE_FRAME_LABELS, PostureLabelsInSchema, SessionIdSchema, type PostureLabelsIn } from '../../../protocol/protocol';
import { ValidationError } from '../../errors/errors';
import { exportDisposition } from '../../ingest/export';
import { ALL_POSTURE_LABELS_DISPOSITION, postureLabelsLine } from '../../ingest/postureLabelsExport';
import type { SessionService } from '../../pipeline/sessionService';
import type { PostureLabelsForExport } from '../../store/sqliteStore';
import { sendJsonLines } from '../jsonLines';
import { jsonBody, parseOr400, positiveIdParam } from '../validate';

/** A frame's id in the path (see positiveIdParam). */
const FrameIdParam = positiveIdParam("the id of one of the session's labelled frames");

/** The routes are under `/api/sessions/:id`, mounted with the session's `:id`. */
type Params = { id: string; frameId: string };

const SEVEN = POSTURE_FRAME_LABELS.map((l) => `"${l}"`).join(', ');

/**
 * The PUT body. A problem with one of the labels names `labels` (the list is the field a client
 * shows), with the item's place; `nodding` is told apart: it is a posture signal, but one no
 * frame can show.
 */
export function parsePostureLabelsBody(body: unknown): PostureLabelsIn {
  const r = PostureLabelsInSchema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const item = issue?.path[0] === 'labels' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
  if (issue === undefined || item === undefined) return parseOr400(PostureLabelsInSchema, body);
  const got = ((body as { labels: unknown[] }).labels)[item];
  throw new ValidationError(
    got === 'nodding'
      ? `labels: a frame cannot show nodding, it is movement over time (the posture signals find it across frames); label what the frame shows: ${SEVEN}`
      : `labels: item ${item} ${issue.message}`,
    { field: 'labels' },
  );
}

function sessionIdOf(params: unknown): string {
  return parseOr400(SessionIdSchema, (params as Params).id, 'sessionId');
}

/** Mounted at `/api/sessions/:id` (mergeParams: the session's id is the parent's). */
export function sessionPostureLabelsRouter(service: SessionService): Router {
  const r = Router({ mergeParams: true });
  // An unknown session is a 404 before anything about the body (its content type included).
  const knownSession: RequestHandler = (req, _res, next) => {
    service.requireSession(sessionIdOf(req.params));
    next();
  };

  r.put('/posture-labels', knownSession, ...jsonBody('64kb'), (req, res) => {
    // No body at all reads as {}: the answer names the missing participant, not "body".
    const body = parsePostureLabelsBody(req.body ?? {});
    res.json({ labels: service.labelPosture(sessionIdOf(req.params), body, service.now()) });
  });

  r.delete('/posture-labels/:frameId', knownSession, (req, res) => {
    const frameId = parseOr400(FrameIdParam, (req.params as Params).frameId, 'frameId');
    res.json({ removed: service.removePostureLabels(sessionIdOf(req.params), frameId) });
  });

  r.get('/posture-labels', async (req, res) => {
    const session = service.requireSession(sessionIdOf(req.params));
    await send(res, exportDisposition(session.title, session.id, '-posture-labels.jsonl'), service.postureLabelsForExport(session.id));
  });
  return r;
}

/** `GET /api/posture-labels`: every session's posture labels, in one file. */
export function allPostureLabelsRouter(service: SessionService): Router {
  const r = Router();
  r.get('/', async (_req, res) => {
    await send(res, ALL_POSTURE_LABELS_DISPOSITION, service.postureLabelsForExport());
  });
  return r;
}

function send(res: Parameters<typeof sendJsonLines>[0], disposition: string, rows: Iterable<PostureLabelsForExport>): Promise<void> {
  return sendJsonLines(res, disposition, lines(rows));
}

function* lines(rows: Iterable<PostureLabelsForExport>): Generator<string> {
  for (const r of rows) yield postureLabelsLine(r);
}
