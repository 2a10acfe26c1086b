// Timed playback of a recorded transcript: sends each utterance when the media clock
// reaches its startMs (scaled by speed), one at a time, waiting for each send to settle; it
// is done when the clock reaches the end of the last item.
// The clock runs with the wall clock × speed but never ahead of what has got through: it
// waits at the startMs of the oldest item not yet acknowledged (sent or still to send) and at
// the end of the items taken, so when sends fall behind (a fast speed, a slow server) the
// clock and what is shown stay level. It never goes back; a lag of up to MAX_LAG_MS is made
// up (the schedule kept, e.g. for a timer firing late), a longer wait is not (the clock goes
// on from where it waited, rather than leaping ahead once the sends catch up).
// A send that could not be delivered (the connection dropped) asks for a retry: playback
// pauses there and sends that item again when it is resumed.
// The clock and the timer are injected so the schedule can be driven by hand in tests.
// Input may also arrive while playing (a recording read a page at a time): append() merges
// more items into the part not yet sent, and a player whose input is open (`openInput`) does
// not finish until endOfInput(), however long the next page takes. Items already sent are
// not kept, so memory holds only what is still to come.

/** Media ms the clock may be held back and still make up, rather than the schedule slipping. */
export const MAX_LAG_MS = 1000;

/** An item with its media time; endMs, where known, is where the clock stops at the end. */
export interface Timed {
  startMs: number;
  endMs?: number;
}

export type PlayerState = 'idle' | 'playing' | 'paused' | 'stopped' | 'done';

export interface PlayerOptions<T extends Timed> {
  /** Utterances to send, in any order; they are sent by startMs. */
  items: readonly T[];
  /**
   * More items may come by append(): running out of items then waits (the clock at the end
   * of the items taken) instead of finishing, until endOfInput(). Default false: `items` are all there is.
   */
  openInput?: boolean;
  /**
   * Sends one item; a rejected promise is reported via onSendError and playback goes on.
   * Resolving 'retry' means the item did not get through (e.g. the connection dropped):
   * playback pauses with the clock where it was, and resuming sends the item again.
   */
  send: (item: T, index: number) => Promise<void | 'retry'>;
  /** Media ms per wall ms. Default 1. */
  speed?: number;
  /** Wall clock in ms. Default performance.now. */
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  onStateChange?: (state: PlayerState) => void;
  onSendError?: (err: unknown, item: T, index: number) => void;
}

export class Player<T extends Timed> {
  /** Items not yet sent, by startMs from `head` on (those before `head` were sent). */
  private queue: T[];
  private head = 0;
  private sentCount = 0;
  private inputOpen: boolean;
  /** Where the clock stops at the end: the latest endMs (or startMs) of all items taken. */
  private endMs = 0;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private speedValue: number;
  private stateValue: PlayerState = 'idle';
  /** Media position at wallAnchor; the clock runs from there while playing. */
  private mediaAnchor = 0;
  private wallAnchor = 0;
  /** The item being sent (its ack not yet in): the clock waits at its startMs. */
  private flying: T | null = null;
  /** The clock never shows less (an item appended behind it is sent without taking it back). */
  private floorMs = 0;
  private timer: unknown = null;
  private wake: (() => void) | null = null;
  /** The send in flight: a resumed loop waits for it, so sends never overlap. */
  private inflight: Promise<void> = Promise.resolve();
  /** Bumped on every pause/stop so a superseded loop ends at its next step. */
  private generation = 0;

  /** The options, less the items (those sent are let go). */
  private readonly opts: Omit<PlayerOptions<T>, 'items'>;

  constructor(opts: PlayerOptions<T>) {
    const { items, ...rest } = opts;
    this.opts = rest;
    this.queue = [...items].sort((a, b) => a.startMs - b.startMs);
    this.endMs = endOf(this.queue);
    this.inputOpen = opts.openInput ?? false;
    this.speedValue = opts.speed ?? 1;
    this.now = opts.now ?? (() => performance.now());
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get state(): PlayerState {
    return this.stateValue;
  }

  get speed(): number {
    return this.speedValue;
  }

  /** How many items have been handed to send. */
  get sent(): number {
    return this.sentCount;
  }

  /** How many items are taken but not yet sent. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Whether more items may still come by append(). */
  get inputEnded(): boolean {
    return !this.inputOpen;
  }

  /**
   * Takes more items, in any order, into the part not yet sent, by startMs (after those
   * already there with the same startMs). One whose startMs the clock has passed is sent
   * next, in order. Ignored once playback is stopped or done.
   */
  append(items: readonly T[]): void {
    if (this.stateValue === 'stopped' || this.stateValue === 'done' || items.length === 0) return;
    this.release(); // the clock waited for these (the end of the items taken held it)
    this.floorMs = this.mediaMs(); // an item behind the clock holds it rather than taking it back
    const more = [...items].sort((a, b) => a.startMs - b.startMs);
    this.endMs = Math.max(this.endMs, endOf(more));
    this.queue = merge(this.queue.slice(this.head), more);
    this.head = 0;
    this.wakeUp(); // a loop waiting for input, or for a later item, looks again
  }

  /** No more items will come: once the last is sent, playback is done. */
  endOfInput(): void {
    if (!this.inputOpen) return;
    this.inputOpen = false;
    this.wakeUp();
  }

  /**
   * The media clock in ms: wall time × speed from the anchor, but no further than the startMs
   * of the oldest item not yet acknowledged, nor than the end of the items taken (an open
   * input's clock waits there for the next page), and never back before the anchor.
   */
  mediaMs(): number {
    if (this.stateValue !== 'playing') return this.mediaAnchor;
    return Math.max(this.mediaAnchor, this.floorMs, Math.min(this.running(), this.limitMs()));
  }

  /** The clock by the wall clock alone, from the anchor. */
  private running(): number {
    return this.mediaAnchor + (this.now() - this.wallAnchor) * this.speedValue;
  }

  /** How far the clock may go: the oldest item not yet acknowledged, the end of those taken. */
  private limitMs(): number {
    const waiting = this.flying ?? this.queue[this.head];
    return Math.min(this.endMs, waiting ? waiting.startMs : Infinity);
  }

  play(): void {
    if (this.stateValue === 'playing' || this.stateValue === 'done' || this.stateValue === 'stopped') return;
    this.wallAnchor = this.now();
    this.setState('playing');
    void this.run(++this.generation);
  }

  pause(): void {
    if (this.stateValue !== 'playing') return;
    this.mediaAnchor = this.mediaMs();
    this.halt();
    this.setState('paused');
  }

  stop(): void {
    if (this.stateValue === 'stopped' || this.stateValue === 'done') return;
    this.mediaAnchor = this.mediaMs();
    this.halt();
    this.setState('stopped');
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new Error(`speed must be > 0, got ${speed}`);
    // Re-anchor so the clock does not jump, then let a waiting loop recompute its delay.
    this.mediaAnchor = this.mediaMs();
    this.wallAnchor = this.now();
    this.speedValue = speed;
    this.wakeUp();
  }

  /**
   * What held the clock is about to move on (an ack, more items). Held back more than
   * MAX_LAG_MS, the clock restarts from where it waited (the time waited is not made up by a
   * leap); less, it keeps its schedule.
   */
  private release(): void {
    if (this.stateValue === 'playing' && this.running() - this.mediaMs() > MAX_LAG_MS) {
      this.mediaAnchor = this.mediaMs();
      this.wallAnchor = this.now();
    }
  }

  /** The send in flight got its answer: the clock may pass its startMs now. */
  private settle(): void {
    this.release();
    this.flying = null;
  }

  private halt(): void {
    this.generation++;
    this.wakeUp();
  }

  private wakeUp(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Waits `ms` (null: until woken by append, endOfInput, a speed change, pause or stop). */
  private sleep(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      if (ms === null) return;
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }

  private async run(gen: number): Promise<void> {
    await this.inflight;
    while (gen === this.generation) {
      const item = this.queue[this.head];
      if (!item) {
        if (this.inputOpen) {
          await this.sleep(null); // the next page is late: the clock waits at the end of those taken
          continue;
        }
        // The last turn is still being spoken until its end: the clock runs on to it.
        const restMs = (this.endMs - this.mediaMs()) / this.speedValue;
        if (restMs > 0) {
          await this.sleep(restMs);
          continue;
        }
        this.mediaAnchor = this.endMs;
        this.queue = [];
        this.head = 0;
        this.setState('done');
        return;
      }
      const waitMs = (item.startMs - this.mediaMs()) / this.speedValue;
      if (waitMs > 0) {
        await this.sleep(waitMs);
        continue; // re-check: speed, pause or stop may have changed while sleeping
      }
      this.take();
      this.flying = item;
      const index = this.sentCount++;
      this.inflight = this.opts.send(item, index).then(
        (outcome) => {
          this.settle();
          if (outcome !== 'retry') return;
          // Put back inside the in-flight promise, so a loop resumed meanwhile (it awaits this
          // promise first) starts from this item, before anything appended since.
          this.sentCount = index;
          this.putBack(item);
          this.pause();
        },
        (err: unknown) => {
          this.settle();
          this.opts.onSendError?.(err, item, index);
        },
      );
      await this.inflight;
    }
  }

  /** Drops the item at the head (it is being sent); sent items are let go now and then. */
  private take(): void {
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private putBack(item: T): void {
    if (this.head > 0 && this.queue[this.head - 1] === item) this.head--;
    else {
      this.queue = [item, ...this.queue.slice(this.head)];
      this.head = 0;
    }
  }

  private setState(state: PlayerState): void {
    this.stateValue = state;
    this.opts.onStateChange?.(state);
  }
}

function endOf(items: readonly Timed[]): number {
  return items.reduce((end, x) => Math.max(end, x.endMs ?? x.startMs), 0);
}

/** Two lists sorted by startMs as one; of equal startMs, `a`'s first. */
function merge<T extends Timed>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push((b[j] as T).startMs < (a[i] as T).startMs ? (b[j++] as T) : (a[i++] as T));
  while (i < a.length) out.push(a[i++] as T);
  while (j < b.length) out.push(b[j++] as T);
  return out;
}
