// A bounded per-participant queue for video frames: when frames come faster than they can be
// processed it keeps the newest and drops the oldest, counting what it dropped. Utterances
// never go through it (they are never dropped).

export interface LatestQueueOptions {
  /** Frames waiting per key (participant) at most; older ones are dropped first. */
  capacity: number;
}

export const DEFAULT_LATEST_QUEUE_OPTIONS: LatestQueueOptions = { capacity: 4 };

export interface QueueStats {
  queued: number;
  processed: number;
  dropped: number;
  failed: number;
}

/**
 * Runs `work` on items one at a time per key, in arrival order, keeping at most `capacity`
 * waiting items per key. Different keys run concurrently (the pose pool spreads them).
 */
export class LatestQueue<T, R> {
  private readonly waiting = new Map<string, T[]>();
  private readonly busy = new Set<string>();
  private readonly stats = new Map<string, QueueStats>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly work: (key: string, item: T) => Promise<R>,
    private readonly onResult: (key: string, item: T, result: R) => void,
    private readonly onError: (key: string, item: T, err: unknown) => void,
    private readonly onDrop: (key: string, item: T, stats: QueueStats) => void = () => {},
    private readonly opts: LatestQueueOptions = DEFAULT_LATEST_QUEUE_OPTIONS,
  ) {
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1) throw new RangeError(`capacity must be a whole number >= 1, got ${opts.capacity}`);
  }

  /** Accepts an item; returns the stats after it (dropped counts any older item it pushed out). */
  push(key: string, item: T): QueueStats {
    const q = this.waiting.get(key) ?? [];
    this.waiting.set(key, q);
    const s = this.statsOf(key);
    q.push(item);
    s.queued++;
    while (q.length > this.opts.capacity) {
      const old = q.shift()!;
      s.dropped++;
      this.onDrop(key, old, { ...s });
    }
    void this.pump(key);
    return { ...s };
  }

  statsOf(key: string): QueueStats {
    let s = this.stats.get(key);
    if (!s) {
      s = { queued: 0, processed: 0, dropped: 0, failed: 0 };
      this.stats.set(key, s);
    }
    return s;
  }

  /** Drops a key's counters if nothing of it waits or runs (its session was deleted); whether it did. */
  forget(key: string): boolean {
    if (this.busy.has(key) || (this.waiting.get(key)?.length ?? 0) > 0) return false;
    this.waiting.delete(key);
    this.stats.delete(key);
    return true;
  }

  /** Resolves when nothing is waiting or running (for tests and shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.busy.size === 0 && [...this.waiting.values()].every((q) => q.length === 0);
  }

  private async pump(key: string): Promise<void> {
    if (this.busy.has(key)) return;
    const q = this.waiting.get(key);
    const item = q?.shift();
    if (item === undefined) return this.checkIdle();
    this.busy.add(key);
    const s = this.statsOf(key);
    try {
      const r = await this.work(key, item);
      s.processed++;
      this.onResult(key, item, r);
    } catch (err) {
      s.failed++;
      this.onError(key, item, err);
    } finally {
      this.busy.delete(key);
    }
    await this.pump(key);
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    ws.forEach((w) => w());
  }
}
