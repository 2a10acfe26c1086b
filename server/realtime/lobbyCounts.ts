// The session list's counts, kept current in the lobby without a cost per live turn: a session
// whose counts may have changed (a turn, a cue, a label, a verdict, a comment, a re-analysis) is
// only marked dirty, and the lobby hears every dirty session's counts (`session_counts`) in one
// flush at most once every `intervalMs`, read from the store then. Nothing is marked, read or
// sent while no socket follows the list.

/** The clock and timer the coalescer runs on: the real ones, or a test's (which then sleeps on nothing). */
export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's clock and timers; a pending flush never keeps the process alive. */
export const REAL_SCHEDULER: Scheduler = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface LobbyCountsOptions {
  /**
   * Least time between two flushes, ms: each session's counts go out at most this often, however
   * busy it is (a meeting's turns, 20 sessions at once: one read and one event per session per
   * interval). The first change after a quiet interval goes out on the loop's next turn.
   */
  intervalMs: number;
  scheduler: Scheduler;
}

export const DEFAULT_LOBBY_COUNTS: LobbyCountsOptions = { intervalMs: 1000, scheduler: REAL_SCHEDULER };

export class CountsCoalescer {
  /** In the order first marked since the last flush. */
  private readonly dirty = new Set<string>();
  private timer: unknown = null;
  private lastFlush = -Infinity;
  private closed = false;
  private readonly opts: LobbyCountsOptions;

  /**
   * `watched`: whether any socket follows the list now (checked on every mark and at the flush).
   * `send`: reads and sends the counts of the sessions named (those that still exist), synchronously.
   */
  constructor(
    private readonly watched: () => boolean,
    private readonly send: (sessionIds: string[]) => void,
    opts: Partial<LobbyCountsOptions> = {},
  ) {
    this.opts = { ...DEFAULT_LOBBY_COUNTS, ...opts };
    if (!(this.opts.intervalMs >= 0) || !Number.isFinite(this.opts.intervalMs)) throw new RangeError(`lobby counts intervalMs must be a finite number ≥ 0, got ${this.opts.intervalMs}`);
  }

  /** The session's counts may have changed: on the live path, so a set insert and at most one timer per interval. */
  mark(sessionId: string): void {
    if (this.closed || !this.watched()) return;
    this.dirty.add(sessionId);
    if (this.timer !== null) return;
    const { scheduler, intervalMs } = this.opts;
    this.timer = scheduler.setTimeout(() => this.flush(), Math.max(0, this.lastFlush + intervalMs - scheduler.now()));
  }

  /**
   * The session needs no counts update: the lobby heard it whole just now (`session_listed`), or it
   * was deleted (`session_deleted`; the flush would find it gone anyway, so nothing follows it).
   */
  forget(sessionId: string): void {
    this.dirty.delete(sessionId);
  }

  /** Sessions waiting for the next flush (for tests). */
  get pending(): readonly string[] {
    return [...this.dirty];
  }

  /** Stops: the pending flush is dropped, and nothing more is sent. */
  close(): void {
    this.closed = true;
    this.dirty.clear();
    if (this.timer !== null) this.opts.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private flush(): void {
    this.timer = null;
    if (this.closed) return;
    this.lastFlush = this.opts.scheduler.now();
    const ids = [...this.dirty];
    this.dirty.clear();
    // A lobby emptied meanwhile: nobody to tell (a socket that watches later gets the list then).
    if (ids.length === 0 || !this.watched()) return;
    this.send(ids);
  }
}
