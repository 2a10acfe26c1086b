// Gathers the live turns that arrive in one event-loop turn, from any session, and hands them
// to the service together: one classifier pass and one commit for all of them instead of one
// per turn.
import type { UtteranceIn } from '../../protocol/protocol';
import type { LiveTurn, SessionService, TurnOutcome } from './sessionService';
import { InFlight } from './inFlight';

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
  /** Ends the turn's place in `inFlight`, after `done` has run. */
  finish: () => void;
}

export class LiveTurnQueue {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private flushing = false;
  private idleWaiters: (() => void)[] = [];
  /** Each session's turns submitted and not yet told. */
  private readonly inFlight = new InFlight();
  private readonly opts: LiveTurnQueueOptions;

  constructor(
    private readonly service: Pick<SessionService, 'commitLiveTurns'>,
    opts: Partial<LiveTurnQueueOptions> = {},
  ) {
    this.opts = { ...DEFAULT_LIVE_TURN_QUEUE_OPTIONS, ...opts };
    if (!Number.isInteger(this.opts.maxBatch) || this.opts.maxBatch < 1) {
      throw new RangeError(`maxBatch must be a whole number ≥ 1, got ${this.opts.maxBatch}`);
    }
  }

  /** Queues one turn; `done` is called once, after the turn is stored and published (or failed). */
  submit(sessionId: string, utterance: UtteranceIn, done: (outcome: TurnOutcome) => void): void {
    this.waiting.push({ sessionId, utterance, done, finish: this.inFlight.start(sessionId) });
    this.schedule();
  }

  /**
   * Resolves once every turn of the session submitted so far is stored or failed and its `done`
   * has run; turns submitted later are not waited for (a session deleted after this resolves
   * takes the earlier turns with it whole, and refuses the later ones).
   */
  settled(sessionId: string): Promise<void> {
    return this.inFlight.settled(sessionId);
  }

  /** Turns submitted and not yet stored or failed. */
  get size(): number {
    return this.waiting.length;
  }

  /**
   * Resolves once every turn submitted so far is stored or failed and its `done` has run (a
   * server that stops waits for this before it closes the sockets and the store).
   */
  idle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private busy(): boolean {
    return this.waiting.length > 0 || this.scheduled || this.flushing;
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
      // The oldest turns that arrived before this flush; those submitted during it wait for
      // the next. They go in rounds of one turn per session: a session with several (its
      // client did not wait for acks) gets the next one in the next round.
      let mine = this.waiting.splice(0, this.opts.maxBatch);
      while (mine.length) {
        const { round, rest } = oneEach(mine);
        mine = rest;
        await this.run(round);
      }
    } finally {
      this.flushing = false;
      if (this.waiting.length) this.schedule();
      else if (!this.busy()) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async run(round: Waiting[]): Promise<void> {
    let steps: (() => TurnOutcome)[];
    try {
      steps = this.service.commitLiveTurns(round);
    } catch (error) {
      steps = round.map(() => () => ({ ok: false, error }));
    }
    for (const [i, step] of steps.entries()) {
      this.tell(round[i]!, step());
      // Lets this turn's events and ack reach its socket before the next turn is published:
      // socket.io holds a socket's second packet until the first one's write callback, a
      // process.nextTick callback (a microtask would run before it). No I/O is read here.
      await new Promise<void>((resolve) => process.nextTick(resolve));
    }
  }

  private tell(w: Waiting, outcome: TurnOutcome): void {
    try {
      w.done(outcome);
    } catch (err) {
      this.opts.log(`live turn callback failed: ${String(err)}`);
    } finally {
      w.finish();
    }
  }
}

/** The first turn of each session, in order, and the turns left over. */
function oneEach(turns: readonly Waiting[]): { round: Waiting[]; rest: Waiting[] } {
  const round: Waiting[] = [];
  const rest: Waiting[] = [];
  const sessions = new Set<string>();
  for (const t of turns) {
    if (sessions.has(t.sessionId)) rest.push(t);
    else {
      sessions.add(t.sessionId);
      round.push(t);
    }
  }
  return { round, rest };
}
