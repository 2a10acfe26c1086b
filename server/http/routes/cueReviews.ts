// Coaches' verdicts on cues: give a current cue a verdict (PUT, by cue id), take a verdict away
// (DELETE, by moment: a verdict whose cue a re-analysis no longer emits has no cue id), and
// export them (JSON Lines), one session's or every session's.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { CUE_TYPES, CueReviewInSchema, SessionIdSchema } from '../../../protocol/protocol';
import { ALL_CUE_REVIEWS_DISPOSITION, cueReviewsJsonl } from '../../ingest/cueReviewsExport';
import { exportDisposition } from '../../ingest/export';
import type { SessionService } from '../../pipeline/sessionService';
import type { CueReviewForExport } from '../../store/sqliteStore';
import { jsonBody, MediaMsQuery, parseOr400, positiveIdParam } from '../validate';

/** A cue's id in the path (see positiveIdParam). */
const CueIdParam = positiveIdParam("the id of one of the session's current cues");

/** `DELETE …/cue-reviews?type=&mediaMs=`: the moment whose verdict goes. Other keys are ignored, as on the other query routes. */
const CueMomentQuery = z.object({
  type: z.enum(CUE_TYPES),
  mediaMs: MediaMsQuery,
});

/** The routes are under `/api/sessions/:id`, mounted with the session's `:id`. */
type Params = { id: string; cueId: string };

function sendJsonl(res: Response, disposition: string, rows: readonly CueReviewForExport[]): void {
  res.set('Content-Disposition', disposition);
  // No rows: an empty 200, a file with no lines.
  res.type('application/x-ndjson; charset=utf-8').send(cueReviewsJsonl(rows));
}

/** Mounted at `/api/sessions/:id` (mergeParams: the session's id is the parent's). */
export function sessionCueReviewsRouter(service: SessionService): Router {
  const r = Router({ mergeParams: true });
  const sessionId = (params: unknown) => parseOr400(SessionIdSchema, (params as Params).id, 'sessionId');

  r.put('/cues/:cueId/review', ...jsonBody('64kb'), (req, res) => {
    const id = sessionId(req.params);
    const cueId = parseOr400(CueIdParam, (req.params as Params).cueId, 'cueId');
    // No body at all reads as {}: the answer names the missing verdict, not "body".
    const body = parseOr400(CueReviewInSchema, req.body ?? {});
    res.json({ review: service.reviewCue(id, cueId, body, service.now()) });
  });

  r.delete('/cue-reviews', (req, res) => {
    const id = sessionId(req.params);
    // An unknown session is a 404 whatever the query says, as for GET /landmarks.
    service.requireSession(id);
    const q = parseOr400(CueMomentQuery, req.query, 'query');
    res.json({ removed: service.removeCueReview({ sessionId: id, cueType: q.type, mediaMs: q.mediaMs }) });
  });

  r.get('/cue-reviews', (req, res) => {
    const session = service.requireSession(sessionId(req.params));
    sendJsonl(res, exportDisposition(session.title, session.id, '-cue-reviews.jsonl'), service.cueReviewsForExport(session.id));
  });
  return r;
}

/** `GET /api/cue-reviews`: every session's cue reviews, in one file. */
export function allCueReviewsRouter(service: SessionService): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    sendJsonl(res, ALL_CUE_REVIEWS_DISPOSITION, service.cueReviewsForExport());
  });
  return r;
}
