// Coaches' corrections of the transcript itself: a stored turn's words or speaker edited
// (PATCH), or the turn deleted (DELETE); either re-analyses the session and answers its snapshot.
import { Router } from 'express';
import { SessionIdSchema, UtteranceEditSchema } from '../../../protocol/protocol';
import type { SessionService } from '../../pipeline/sessionService';
import { jsonBody, parseOr400, positiveIdParam } from '../validate';

/** A turn's id in the path (see positiveIdParam). */
const UtteranceIdParam = positiveIdParam("the id of one of the session's turns");

/** The routes are `/api/sessions/:id/utterances/:utteranceId`, mounted with the session's `:id`. */
type Params = { id: string; utteranceId: string };

/** Mounted at `/api/sessions/:id` (mergeParams: the session's id is the parent's). */
export function sessionUtterancesRouter(service: SessionService): Router {
  const r = Router({ mergeParams: true });
  const ids = (params: unknown) => {
    const p = params as Params;
    return { sessionId: parseOr400(SessionIdSchema, p.id, 'sessionId'), utteranceId: parseOr400(UtteranceIdParam, p.utteranceId, 'utteranceId') };
  };

  r.patch('/utterances/:utteranceId', ...jsonBody('64kb'), async (req, res) => {
    const { sessionId, utteranceId } = ids(req.params);
    // No body at all reads as {}: the answer names what is missing, not "body".
    const edit = parseOr400(UtteranceEditSchema, req.body ?? {});
    // The edit's time is read here, at the edge; the re-analysis runs a slice at a time.
    res.json({ snapshot: await service.editUtterance(sessionId, utteranceId, edit, service.now()) });
  });

  r.delete('/utterances/:utteranceId', async (req, res) => {
    const { sessionId, utteranceId } = ids(req.params);
    res.json({ snapshot: await service.deleteUtterance(sessionId, utteranceId) });
  });
  return r;
}
