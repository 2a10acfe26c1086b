// A JSON Lines download written as it is read: the rows come from an iterable that reads the
// store a page at a time, and are written in chunks, waiting for the socket to drain, so an
// export of any size holds about a chunk and a page in memory, not the whole file.
import type { Response } from 'express';

/** Characters gathered before a write. */
const CHUNK_CHARS = 64 * 1024;

/** Resolves once the response can take more, or is closed (a client that went away). */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Sends `lines` (each ending in a newline) as `application/x-ndjson` under `disposition`; no
 * lines: an empty 200. A failure before the first write is thrown (the error handler answers
 * it); after it, the status is sent, so the connection is cut and the file ends short.
 */
export async function sendJsonLines(res: Response, disposition: string, lines: Iterable<string>): Promise<void> {
  res.set('Content-Disposition', disposition);
  res.type('application/x-ndjson; charset=utf-8');
  let chunk = '';
  try {
    for (const line of lines) {
      chunk += line;
      if (chunk.length < CHUNK_CHARS) continue;
      const more = res.write(chunk);
      chunk = '';
      if (!more) await drained(res);
      if (res.destroyed) return;
    }
  } catch (err) {
    if (!res.headersSent) throw err;
    res.destroy(err instanceof Error ? err : new Error(String(err)));
    return;
  }
  res.end(chunk);
}
