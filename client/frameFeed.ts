// Reads a stored session's posture frames a page at a time while a replay plays them: the
// next page is fetched when the fetch-ahead policy says so (see fetchAhead.ts), handed to the
// player, and the player told when there are no more. A failed page is tried again a couple
// of times, then reading gives up (the words play on without the rest of the frames). Once
// cancelled (stop, a new Play, another session shown) no late page is handed on.
import { DEFAULT_AHEAD, shouldFetch, type AheadPolicy } from './fetchAhead';

export interface FramePage<F> {
  frames: F[];
  /** The `after` of the next page; null after the last. */
  next: number | null;
}

export interface FrameFeedOptions<F> {
  /** Where the page after the first (already loaded) starts; null: the first was the last. */
  after: number | null;
  /** The first page's frames, already handed to the player with its first items. */
  loaded: readonly F[];
  fetchPage: (after: number, limit: number, signal: AbortSignal) => Promise<FramePage<F>>;
  /** The player's media clock and speed now. */
  clock: () => { mediaMs: number; speed: number };
  /** More frames for the player (its append). */
  deliver: (frames: F[]) => void;
  /** No more frames will come (the player's endOfInput). */
  end: () => void;
  /** Reading gave up after its retries; `fromMs`: frames from this media time on are missing. */
  onGiveUp: (err: unknown, fromMs: number) => void;
  policy?: AheadPolicy;
  retries?: number;
  retryDelayMs?: number;
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export class FrameFeed<F extends { mediaMs: number }> {
  private after: number | null;
  private framesAhead: number;
  private lastMs: number;
  private inFlight = false;
  private readonly abort = new AbortController();
  private readonly policy: AheadPolicy;

  /** The options, less the first page (its frames are the player's to let go). */
  private readonly opts: Omit<FrameFeedOptions<F>, 'loaded'>;

  constructor(opts: FrameFeedOptions<F>) {
    const { loaded, ...rest } = opts;
    this.opts = rest;
    this.after = opts.after;
    this.framesAhead = loaded.length;
    this.lastMs = latest(loaded, -Infinity);
    this.policy = opts.policy ?? DEFAULT_AHEAD;
    if (this.after === null) opts.end();
  }

  /** Whether every page was read, reading gave up, or it was cancelled. */
  get ended(): boolean {
    return this.after === null || this.abort.signal.aborted;
  }

  /** Frames handed on but not yet sent. */
  get ahead(): number {
    return this.framesAhead;
  }

  /** A frame was sent: one fewer ahead. */
  noteSent(): void {
    this.framesAhead = Math.max(0, this.framesAhead - 1);
  }

  /** Looks at the clock and fetches the next page if the policy says so. */
  check(): void {
    if (this.ended || this.inFlight) return;
    const { mediaMs, speed } = this.opts.clock();
    const go = shouldFetch({ framesAhead: this.framesAhead, msAhead: this.lastMs - mediaMs, speed, inFlight: false, ended: false }, this.policy);
    if (go && this.after !== null) void this.fetch(this.after);
  }

  /** Stops reading: a page in flight is dropped, and nothing more is handed on. */
  cancel(): void {
    this.abort.abort();
  }

  private async fetch(after: number): Promise<void> {
    this.inFlight = true;
    const signal = this.abort.signal;
    const retries = this.opts.retries ?? 2;
    let page: FramePage<F> | null = null;
    let failure: unknown = null;
    for (let attempt = 0; attempt <= retries && !signal.aborted; attempt++) {
      try {
        if (attempt > 0) await (this.opts.delay ?? wait)(this.opts.retryDelayMs ?? 1000, signal);
        if (signal.aborted) break;
        page = await this.opts.fetchPage(after, this.policy.pageSize, signal);
        break;
      } catch (err) {
        failure = err;
      }
    }
    this.inFlight = false;
    if (signal.aborted) return;
    if (!page) {
      const fromMs = Number.isFinite(this.lastMs) ? this.lastMs : 0;
      this.after = null;
      this.opts.end();
      this.opts.onGiveUp(failure, fromMs);
      return;
    }
    this.after = page.next;
    this.framesAhead += page.frames.length;
    this.lastMs = latest(page.frames, this.lastMs);
    if (page.frames.length > 0) this.opts.deliver(page.frames);
    if (page.next === null) this.opts.end();
    else this.check(); // a page may not be enough (e.g. an empty one)
  }
}

function latest(frames: readonly { mediaMs: number }[], from: number): number {
  return frames.reduce((m, f) => Math.max(m, f.mediaMs), from);
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
