// Session archives: `GET /api/sessions/:id/archive` downloads everything a session holds (see
// server/ingest/archive.ts), `POST /api/archives` stores such a file as a new session.
import express, { Router } from 'express';
import { SessionIdSchema } from '../../../protocol/protocol';
import { ARCHIVE_LIMITS } from '../../ingest/archive';
import { checkArchiveAside } from '../../ingest/archiveCheck';
import { archiveText } from '../../ingest/archiveText';
import { exportDisposition } from '../../ingest/export';
import type { SessionService } from '../../pipeline/sessionService';
import { sendPieces, type SendLimits } from '../sendPieces';
import { ArchiveBusyError } from '../../errors/errors';
import { parseOr400 } from '../validate';

/** What an archive's download name ends with. */
export const ARCHIVE_ENDING = '.bsarchive.json';

/**
 * How long an export waits for a client that stopped reading, and may take in all, before it is
 * cut: its snapshot (SqliteStore.openArchive) keeps every WAL checkpoint from passing it, so the
 * WAL grows with every live write while it is held (neither the checkpointer nor the store's
 * 25,000-page automatic checkpoint can shrink it). 34 MiB over 30 minutes is ~19 KB/s.
 * Replaceable so a test can cut one sooner.
 */
export const ARCHIVE_SEND: SendLimits = { stallMs: 30_000, maxMs: 30 * 60_000 };

/**
 * Exports under way at most (a file store gives each a SQLite connection and a snapshot, held
 * while it is sent); one more is 503 `busy`.
 */
export const ARCHIVE_EXPORTS_MAX = 4;

/** Mounted at `/api/sessions`. */
export function sessionArchiveRouter(service: SessionService): Router {
  const r = Router();
  // One moment's state (a snapshot of the store), read, made into text and sent a slice at a
  // time; the snapshot is let go when the last slice is sent, or the client leaves, or it fails.
  r.get('/:id/archive', async (req, res) => {
    if (service.exportsUnderWay >= ARCHIVE_EXPORTS_MAX) throw new ArchiveBusyError(ARCHIVE_EXPORTS_MAX);
    const { parts, exportedAt, close } = service.archiveOf(parseOr400(SessionIdSchema, req.params.id, 'sessionId'), () => res.destroy());
    try {
      res.set('Content-Disposition', exportDisposition(parts.session.title, parts.session.id, ARCHIVE_ENDING));
      res.type('application/json');
      await sendPieces(res, archiveText(parts, exportedAt), ARCHIVE_SEND);
    } finally {
      close();
    }
  });
  return r;
}

/**
 * `POST /api/archives`: the file's bytes (any content type), at most ARCHIVE_LIMITS.maxBytes,
 * checked on a worker thread (checkArchiveAside), then stored a slice at a time, invisible until
 * whole (SessionService.importArchive).
 */
export function archivesRouter(service: SessionService): Router {
  const r = Router();
  r.post('/', express.raw({ type: () => true, limit: ARCHIVE_LIMITS.maxBytes }), async (req, res) => {
    // As a transcript's bytes: empty, binary and undecodable files are refused naming why;
    // JSON that does not parse names its line; then every field and reference (parseArchive).
    const archive = await checkArchiveAside(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    res.status(201).json({ session: await service.importArchive(archive) });
  });
  return r;
}
