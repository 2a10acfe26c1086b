// Coaches' comments on moments of a meeting (POST a new one, PUT to replace one, DELETE it) and
// the session's Markdown review report, where the comments are read beside the analysis.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { CommentInSchema, SessionIdSchema } from '../../../protocol/protocol';
import { exportDisposition } from '../../ingest/export';
import { REPORT_LANGS } from '../../ingest/reportNames';
import { reviewReport } from '../../ingest/reviewReport';
import type { SessionService } from '../../pipeline/sessionService';
import { jsonBody, parseOr400, positiveIdParam } from '../validate';

/** A comment's id in the path (see positiveIdParam). */
const CommentIdParam = positiveIdParam("the id of one of the session's comments");

/** `?lang=en|zh` (default en); given once. Other keys are ignored, as on the other query routes. */
const ReviewQuery = z.object({
  lang: z
    .string({ error: 'must be given once' })
    .pipe(z.enum(REPORT_LANGS, { error: `must be ${REPORT_LANGS.map((l) => `"${l}"`).join(' or ')}` }))
    .optional(),
});

/** The routes are under `/api/sessions/:id`, mounted with the session's `:id`. */
type Params = { id: string; commentId: string };

function sessionIdOf(params: unknown): string {
  return parseOr400(SessionIdSchema, (params as Params).id, 'sessionId');
}

/** Mounted at `/api/sessions/:id` (mergeParams: the session's id is the parent's). */
export function sessionCommentsRouter(service: SessionService): Router {
  const r = Router({ mergeParams: true });
  // An unknown session is a 404 before anything about the id or body (its content type included).
  const knownSession: RequestHandler = (req, _res, next) => {
    service.requireSession(sessionIdOf(req.params));
    next();
  };
  const commentIdOf = (params: unknown) => parseOr400(CommentIdParam, (params as Params).commentId, 'commentId');

  r.post('/comments', knownSession, ...jsonBody('64kb'), (req, res) => {
    // No body at all reads as {}: the answer names the missing mediaMs, not "body".
    const body = parseOr400(CommentInSchema, req.body ?? {});
    res.status(201).json({ comment: service.addComment(sessionIdOf(req.params), body, service.now()) });
  });

  r.put('/comments/:commentId', knownSession, ...jsonBody('64kb'), (req, res) => {
    const commentId = commentIdOf(req.params);
    const body = parseOr400(CommentInSchema, req.body ?? {});
    res.json({ comment: service.editComment(sessionIdOf(req.params), commentId, body, service.now()) });
  });

  r.delete('/comments/:commentId', knownSession, (req, res) => {
    res.json({ removed: service.removeComment(sessionIdOf(req.params), commentIdOf(req.params)) });
  });

  r.get('/review.md', (req, res) => {
    const snap = service.snapshot(sessionIdOf(req.params));
    const { lang = 'en' } = parseOr400(ReviewQuery, req.query, 'query');
    res.set('Content-Disposition', exportDisposition(snap.session.title, snap.session.id, '-review.md'));
    res.type('text/markdown; charset=utf-8').send(reviewReport(snap, lang));
  });
  return r;
}
