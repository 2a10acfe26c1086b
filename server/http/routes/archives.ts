// Session archives: `GET /api/sessions/:id/archive` downloads everything a session holds (see
// server/ingest/archive.ts), `POST /api/archives` stores such a file as a new session.
import express, { Router } from 'express';
import { SessionIdSchema } from '../../../protocol/protocol';
import { ARCHIVE_LIMITS, parseArchive } from '../../ingest/archive';
import { decodeTranscript } from '../../ingest/decode';
import { exportDisposition } from '../../ingest/export';
import { parseJsonText } from '../../ingest/json';
import type { SessionService } from '../../pipeline/sessionService';
import { parseOr400 } from '../validate';
import { uploadError } from './sessions';

/** What an archive's download name ends with. */
export const ARCHIVE_ENDING = '.bsarchive.json';

/** Mounted at `/api/sessions`. */
export function sessionArchiveRouter(service: SessionService): Router {
  const r = Router();
  r.get('/:id/archive', (req, res) => {
    const archive = service.archiveOf(parseOr400(SessionIdSchema, req.params.id, 'sessionId'));
    res.set('Content-Disposition', exportDisposition(archive.session.title, archive.session.id, ARCHIVE_ENDING));
    res.type('application/json').send(`${JSON.stringify(archive)}\n`);
  });
  return r;
}

/** `POST /api/archives`: the file's bytes (any content type), at most ARCHIVE_LIMITS.maxBytes. */
export function archivesRouter(service: SessionService): Router {
  const r = Router();
  r.post('/', express.raw({ type: () => true, limit: ARCHIVE_LIMITS.maxBytes }), (req, res) => {
    let value: unknown;
    try {
      // As a transcript's bytes: empty, binary and undecodable files are refused naming why;
      // JSON that does not parse names its line.
      value = parseJsonText(decodeTranscript(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)).text);
    } catch (err) {
      throw uploadError(err);
    }
    const archive = parseArchive(value);
    res.status(201).json({ session: service.importArchive(archive) });
  });
  return r;
}
