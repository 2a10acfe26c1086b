// Coaches' corrections: label a customer turn (PUT), take the label away (DELETE), and export
// the labels as `eval verbal` rows (JSON Lines), one session's or every session's.
import { Router, type Response } from 'express';
import { CorrectionInSchema, SessionIdSchema } from '../../../protocol/protocol';
import { ALL_CORRECTIONS_DISPOSITION, correctionsJsonl } from '../../ingest/correctionsExport';
import { exportDisposition } from '../../ingest/export';
import type { SessionService } from '../../pipeline/sessionService';
import type { CorrectionForExport } from '../../store/sqliteStore';
import { jsonBody, parseOr400, positiveIdParam } from '../validate';

/** A turn's id in the path (see positiveIdParam). */
const UtteranceIdParam = positiveIdParam("the id of one of the session's turns");

/** The route is `/api/sessions/:id/utterances/:utteranceId/correction`, mounted with the session's `:id`. */
type Params = { id: string; utteranceId: string };

function sendJsonl(res: Response, disposition: string, rows: readonly CorrectionForExport[]): void {
  res.set('Content-Disposition', disposition);
  // No rows: an empty 200, a file with no lines (which `eval verbal` reads as no rows).
  res.type('application/x-ndjson; charset=utf-8').send(correctionsJsonl(rows));
}

/** Mounted at `/api/sessions/:id` (mergeParams: the session's id is the parent's). */
export function sessionCorrectionsRouter(service: SessionService): Router {
  const r = Router({ mergeParams: true });
  const ids = (params: unknown) => {
    const p = params as Params;
    return { sessionId: parseOr400(SessionIdSchema, p.id, 'sessionId'), utteranceId: parseOr400(UtteranceIdParam, p.utteranceId, 'utteranceId') };
  };

  r.put('/utterances/:utteranceId/correction', ...jsonBody('64kb'), (req, res) => {
    const { sessionId, utteranceId } = ids(req.params);
    // No body at all reads as {}: the answer names the missing label, not "body".
    const body = parseOr400(CorrectionInSchema, req.body ?? {});
    res.json({ correction: service.correct(sessionId, utteranceId, body, service.now()) });
  });

  r.delete('/utterances/:utteranceId/correction', (req, res) => {
    const { sessionId, utteranceId } = ids(req.params);
    res.json({ removed: service.removeCorrection(sessionId, utteranceId) });
  });

  r.get('/corrections', (req, res) => {
    const sessionId = parseOr400(SessionIdSchema, (req.params as Params).id, 'sessionId');
    const session = service.requireSession(sessionId);
    sendJsonl(res, exportDisposition(session.title, session.id, '-labels.jsonl'), service.correctionsForExport(sessionId));
  });
  return r;
}

/** `GET /api/corrections`: every session's corrections, in one file. */
export function allCorrectionsRouter(service: SessionService): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    sendJsonl(res, ALL_CORRECTIONS_DISPOSITION, service.correctionsForExport());
  });
  return r;
}
