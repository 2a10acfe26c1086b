// Gathers the live turns that arrive in one event-loop turn, from any session, and hands them
// to the service together: one classifier pass for all of them instead of one per turn.
import type { UtteranceIn } from '../../protocol/protocol';
import type { LiveTurn, SessionService, TurnOutcome } from './sessionService';

export interface LiveTurnQueueOptions {
  /**
   * Runs a flush later. The default, setImmediate, runs it right after the poll phase that
   * read the sockets: every turn that arrived in that phase is in the batch, and a lone turn
   * waits for nothing.
   */
  schedule: (flush: () => void) => void;
  /** Most turns per flush; the rest go in the next one, so one flush holds the loop briefly. */
  maxBatch: number;
  /** Hears about a `done` callback that threw (it must not stop the other turns' callbacks). */
  log: (msg: string) => void;
}

export const DEFAULT_LIVE_TURN_QUEUE_OPTIONS: LiveTurnQueueOptions = {
  schedule: (flush) => void setImmediate(flush),
  maxBatch: 64,
  log: () => {},
};

interface Waiting extends LiveTurn {
  done: (outcome: TurnOutcome) => void;
}

export class LiveTurnQueue {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private flushing = false;
  private readonly opts: LiveTurnQueueOptions;

  constructor(
    private readonly service: Pick<SessionService, 'prepareUtterances'>,
    opts: Partial<LiveTurnQueueOptions> = {},
  ) {
    this.opts = { ...DEFAULT_LIVE_TURN_QUEUE_OPTIONS, ...opts };
    if (!Number.isInteger(this.opts.maxBatch) || this.opts.maxBatch < 1) {
      throw new RangeError(`maxBatch must be a whole number ≥ 1, got ${this.opts.maxBatch}`);
    }
  }

  /** Queues one turn; `done` is called once, after the turn is stored and published (or failed). */
  submit(sessionId: string, utterance: UtteranceIn, done: (outcome: TurnOutcome) => void): void {
    this.waiting.push({ sessionId, utterance, done });
    this.schedule();
  }

  /** Turns submitted and not yet stored or failed. */
  get size(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    this.opts.schedule(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      const batch = this.take();
      let steps: (() => TurnOutcome)[];
      try {
        steps = this.service.prepareUtterances(batch);
      } catch (error) {
        steps = batch.map(() => () => ({ ok: false, error }));
      }
      for (const [i, step] of steps.entries()) {
        if (i > 0) {
          // Lets the previous turn's events and ack reach the socket now: socket.io holds a
          // socket's second packet until the first one's write callback, which only runs
          // once this code gives way. Microtasks only: no new I/O is read in between.
          await Promise.resolve();
        }
        this.tell(batch[i]!, step());
      }
    } finally {
      this.flushing = false;
      if (this.waiting.length) this.schedule();
    }
  }

  /** The oldest waiting turns, at most one per session (a session's turns stay in order). */
  private take(): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const sessions = new Set<string>();
    for (const w of this.waiting) {
      if (batch.length < this.opts.maxBatch && !sessions.has(w.sessionId)) {
        sessions.add(w.sessionId);
        batch.push(w);
      } else rest.push(w);
    }
    this.waiting = rest;
    return batch;
  }

  private tell(w: Waiting, outcome: TurnOutcome): void {
    try {
      w.done(outcome);
    } catch (err) {
      this.opts.log(`live turn callback failed: ${String(err)}`);
    }
  }
}
