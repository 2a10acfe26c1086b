// Timed playback of a recorded transcript: sends each utterance when the media clock
// reaches its startMs (scaled by speed), one at a time, waiting for each send to settle.
// A send that could not be delivered (the connection dropped) asks for a retry: playback
// pauses there and sends that item again when it is resumed.
// The clock and the timer are injected so the schedule can be driven by hand in tests.

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
  private readonly items: readonly T[];
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private speedValue: number;
  private stateValue: PlayerState = 'idle';
  private next = 0;
  /** Media position at wallAnchor; the clock runs from there while playing. */
  private mediaAnchor = 0;
  private wallAnchor = 0;
  private timer: unknown = null;
  private wake: (() => void) | null = null;
  /** The send in flight: a resumed loop waits for it, so sends never overlap. */
  private inflight: Promise<void> = Promise.resolve();
  /** Bumped on every pause/stop so a superseded loop ends at its next step. */
  private generation = 0;

  constructor(private readonly opts: PlayerOptions<T>) {
    this.items = [...opts.items].sort((a, b) => a.startMs - b.startMs);
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
    return this.next;
  }

  get total(): number {
    return this.items.length;
  }

  /** The media clock in ms. */
  mediaMs(): number {
    if (this.stateValue !== 'playing') return this.mediaAnchor;
    return this.mediaAnchor + (this.now() - this.wallAnchor) * this.speedValue;
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

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
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
      const item = this.items[this.next];
      if (!item) {
        // The clock ends where the recording ends, however long the last ack took.
        this.mediaAnchor = this.items.reduce((end, x) => Math.max(end, x.endMs ?? x.startMs), 0);
        this.setState('done');
        return;
      }
      const waitMs = (item.startMs - this.mediaMs()) / this.speedValue;
      if (waitMs > 0) {
        await this.sleep(waitMs);
        continue; // re-check: speed, pause or stop may have changed while sleeping
      }
      const index = this.next++;
      this.inflight = this.opts.send(item, index).then(
        (outcome) => {
          if (outcome !== 'retry') return;
          // Rewound inside the in-flight promise, so a loop resumed meanwhile (it awaits this
          // promise first) starts from this item.
          this.next = Math.min(this.next, index);
          this.pause();
        },
        (err: unknown) => this.opts.onSendError?.(err, item, index),
      );
      await this.inflight;
    }
  }

  private setState(state: PlayerState): void {
    this.stateValue = state;
    this.opts.onStateChange?.(state);
  }
}
