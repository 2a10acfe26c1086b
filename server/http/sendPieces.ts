// Sends a long text made a piece at a time (a generator) as a response body, a slice at a time:
// after each slice of about SLICE_CHARS the server goes back to its event loop (setImmediate,
// after the socket's `drain` when the client reads slower than it is sent), so live meetings'
// turns and frames are handled between slices. Stops making pieces when the client has gone,
// and cuts the response (destroys it) when the client stops reading for `stallMs` or the whole
// takes longer than `maxMs`: what a response holds while it is sent (an archive export's
// snapshot, which keeps the WAL from being checkpointed) is then let go.
import { once } from 'node:events';
import type { Response } from 'express';

/** Characters sent between two returns to the event loop (a few milliseconds of work). */
export const SLICE_CHARS = 256 * 1024;

/** The writable side sendPieces needs (an express Response is one). */
export type PieceSink = Pick<Response, 'write' | 'end' | 'destroyed' | 'destroy'> & NodeJS.EventEmitter;

/** How long a response may wait for a client that stopped reading, and may take in all. */
export interface SendLimits {
  /** The longest wait for a `drain` (the client reading nothing meanwhile). */
  stallMs: number;
  /** The longest the whole response may take (a client reading a trickle). */
  maxMs: number;
}

/**
 * Writes `pieces` to `res` and ends it; resolves when done, when the client went away, or when
 * it was cut for reading too slowly (`limits`: the response destroyed, the client sees it broken off).
 */
export async function sendPieces(res: PieceSink, pieces: Iterable<string>, limits: SendLimits = { stallMs: Infinity, maxMs: Infinity }): Promise<void> {
  const deadline = Date.now() + limits.maxMs;
  let slice = '';
  for (const piece of pieces) {
    slice += piece;
    if (slice.length < SLICE_CHARS) continue;
    if (!(await sendSlice(res, slice, limits.stallMs)) || Date.now() > deadline) {
      if (!res.destroyed) res.destroy();
      return;
    }
    slice = '';
  }
  if (res.destroyed) return;
  res.end(slice);
}

/** Whether the client is still there after the slice is written and the loop has turned. */
async function sendSlice(res: PieceSink, slice: string, stallMs: number): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(slice)) await new Promise<void>((resolve) => setImmediate(resolve));
  else {
    const gone = new AbortController(); // drops the listener of the event that did not come
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => {
      if (Number.isFinite(stallMs)) timer = setTimeout(() => resolve('stalled'), stallMs);
    });
    try {
      const came = await Promise.race([once(res, 'drain', { signal: gone.signal }), once(res, 'close', { signal: gone.signal }), stalled]);
      if (came === 'stalled') return false;
    } finally {
      gone.abort();
      clearTimeout(timer);
    }
    // `drain` comes in the loop's I/O phase, and the next slice written from there drains there
    // too: with a client that reads fast the whole download ran inside one I/O phase, timers
    // and other sockets (live turns) waiting ~0.8 s for 34 MiB. The loop turns here as well.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return !res.destroyed;
}
