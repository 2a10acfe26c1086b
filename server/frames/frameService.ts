// Video frames for the server's pose estimator: a bounded latest-frames queue per
// participant in front of the worker pool, started on the first frame. Poses found become
// landmarks that go through the same path as the browser's.
import type { FrameStats, PersonBox } from '../../protocol/protocol';
import { AppError, ParticipantLimitError } from '../errors/errors';
import type { PoseJob, PoseJobResult } from '../signals/pose';
import { ASPECT_MAX, landmarksFromPose } from '../signals/pose/fromLandmarks';
import type { FrameResult } from '../pipeline/sessionPipeline';
import { checkParticipantLimit, participantNames, type SessionService } from '../pipeline/sessionService';
import { LatestQueue } from './latestQueue';
import { InFlight } from '../pipeline/inFlight';

/** The part of the pose pool this service needs (the real PosePool, or one built in tests). */
export interface PoseRunner {
  run(job: PoseJob): Promise<PoseJobResult>;
  releaseTrack?(trackId: string): void;
  close(): Promise<void>;
}

export interface FrameServiceOptions {
  /** Frames waiting per participant at most; older ones are dropped first. */
  queueCapacity: number;
  /**
   * Frames held (waiting or being estimated) across all participants and sessions at most, and
   * their bytes: the per-participant bound alone let one client queue frames for any number
   * of names (sessions are free to create), each up to 8 MiB. Beyond either, 503 `busy`.
   */
  maxFramesHeld: number;
  maxBytesHeld: number;
  log: (msg: string) => void;
}

export const DEFAULT_FRAME_SERVICE_OPTIONS: FrameServiceOptions = { queueCapacity: 4, maxFramesHeld: 512, maxBytesHeld: 256 * 1024 * 1024, log: () => {} };

/** One frame of a batch (submitBatch). */
export interface BatchFrame {
  participant: string;
  mediaMs: number;
  bytes: Uint8Array;
  person?: PersonBox | null;
}

export type FrameOutcome = { status: 'processed'; result: FrameResult; persons: number } | { status: 'dropped' } | { status: 'failed'; error: unknown };

interface Job {
  sessionId: string;
  participant: string;
  mediaMs: number;
  bytes: Uint8Array;
  /** The participant's person box when the frame was submitted. */
  person: PersonBox | undefined;
  settle: (o: FrameOutcome) => void;
}

export class FrameService {
  private runner: Promise<PoseRunner> | undefined;
  private readonly queue: LatestQueue<Job, { pose: PoseJobResult; result: FrameResult }>;
  private readonly opts: FrameServiceOptions;
  /** Person boxes set for a session's participant (by trackKey), sent with each of their frames. */
  private readonly hints = new Map<string, PersonBox>();
  private framesHeld = 0;
  private bytesHeld = 0;
  /** Each session's frames queued or being estimated (their `done`), which its deletion waits for. */
  private readonly inFlight = new InFlight();
  /** Each session's participants (trackKey) that sent frames: a deleted session's are forgotten. */
  private readonly keysOf = new Map<string, Set<string>>();
  /**
   * A deleted session's participants (trackKey) whose frames were still queued or running when it
   * went (sent while the deletion waited): forgotten once the last of them is done, since one
   * estimated after the release would start the pose track again, and it and the counters stayed.
   */
  private readonly forgetWhenDone = new Set<string>();

  constructor(
    private readonly service: SessionService,
    private readonly startRunner: () => Promise<PoseRunner>,
    opts: Partial<FrameServiceOptions> = {},
  ) {
    this.opts = { ...DEFAULT_FRAME_SERVICE_OPTIONS, ...opts };
    this.queue = new LatestQueue(
      (key, job) => this.process(key, job),
      (key, job, r) => {
        job.settle({ status: 'processed', result: r.result, persons: r.pose.poses.length });
        this.report(key, job);
      },
      (key, job, error) => {
        job.settle({ status: 'failed', error });
        this.report(key, job);
      },
      (key, job) => {
        job.settle({ status: 'dropped' });
        this.report(key, job);
      },
      { capacity: this.opts.queueCapacity },
    );
    // A session's deletion waits for its frames already queued (stored or failed first), then
    // its person boxes and pose tracks are forgotten.
    service.trackWork((sessionId) => this.settled(sessionId));
    service.onEvent((e) => {
      if (e.type === 'session_deleted') this.forget(e.sessionId);
    });
  }

  /** Resolves once every frame of the session queued so far is processed, dropped or failed. */
  settled(sessionId: string): Promise<void> {
    return this.inFlight.settled(sessionId);
  }

  /** A deleted session: its participants' person boxes, counters and pose tracks go. */
  private forget(sessionId: string): void {
    for (const key of this.keysOf.get(sessionId) ?? []) this.forgetKey(key);
    this.keysOf.delete(sessionId);
  }

  /** A deleted session's participant: now if none of their frames waits or runs, else after the last one. */
  private forgetKey(key: string): void {
    this.hints.delete(key);
    if (!this.queue.forget(key)) return void this.forgetWhenDone.add(key);
    this.forgetWhenDone.delete(key);
    void this.runner?.then((r) => r.releaseTrack?.(key), () => undefined);
  }

  /**
   * Queues a batch of frames (a JSON batch over HTTP), checked whole first: one that would take
   * the session past the participant limit (naming the frame that would, `frames.N.participant`),
   * or the server past the frames or bytes it holds (busy), queues none. Frame by frame, the
   * frames before the refused one were queued and stored while the request was answered 400 or
   * 503, so a client retrying the batch stored them twice.
   */
  submitBatch(sessionId: string, batch: readonly BatchFrame[]): { stats: FrameStats; done: Promise<FrameOutcome> }[] {
    const names = participantNames(this.service.requireSession(sessionId));
    for (const [i, f] of batch.entries()) {
      const field = `frames.${i}.participant`;
      try {
        checkParticipantLimit(names, [f.participant], field);
      } catch (err) {
        throw err instanceof ParticipantLimitError ? err.placed(field, { field }) : err;
      }
      names.add(f.participant);
    }
    const bytes = batch.reduce((n, f) => n + f.bytes.length, 0);
    if (this.framesHeld + batch.length > this.opts.maxFramesHeld || this.bytesHeld + bytes > this.opts.maxBytesHeld) {
      throw new AppError('busy', `the server already holds ${this.framesHeld} frames (${this.bytesHeld} bytes) waiting for pose estimation, too many to take these ${batch.length}; retry shortly`, 503);
    }
    return batch.map((f) => this.submit(sessionId, f.participant, f.mediaMs, f.bytes, f.person));
  }

  /**
   * Queues a frame; `done` settles when it is processed, dropped or failed (never rejects).
   * `person` sets which person in the picture the participant is for this and later frames
   * (null clears it, undefined keeps it); the pose tracker (re)starts on that person.
   */
  submit(
    sessionId: string,
    participant: string,
    mediaMs: number,
    bytes: Uint8Array,
    person?: PersonBox | null,
  ): { stats: FrameStats; done: Promise<FrameOutcome> } {
    const session = this.service.requireSession(sessionId);
    // Refused before the pose estimate, not after it (addLandmarks would refuse it then).
    checkParticipantLimit(participantNames(session), [participant], 'participant');
    if (this.framesHeld >= this.opts.maxFramesHeld || this.bytesHeld + bytes.length > this.opts.maxBytesHeld) {
      throw new AppError('busy', `the server already holds ${this.framesHeld} frames (${this.bytesHeld} bytes) waiting for pose estimation; retry shortly`, 503);
    }
    this.framesHeld++;
    this.bytesHeld += bytes.length;
    let settle!: (o: FrameOutcome) => void;
    const done = new Promise<FrameOutcome>((resolve) => {
      let settled = false;
      settle = (o) => {
        if (settled) return;
        settled = true;
        this.framesHeld--;
        this.bytesHeld -= bytes.length;
        resolve(o);
      };
    });
    const key = trackKey(sessionId, participant);
    const keys = this.keysOf.get(sessionId) ?? new Set<string>();
    this.keysOf.set(sessionId, keys.add(key));
    void done.then(this.inFlight.start(sessionId));
    if (person === null) this.hints.delete(key);
    else if (person) this.hints.set(key, person);
    const counts = this.queue.push(key, { sessionId, participant, mediaMs, bytes, person: this.hints.get(key), settle });
    return { stats: { sessionId, participant, ...counts }, done };
  }

  stats(sessionId: string, participant: string): FrameStats {
    return { sessionId, participant, ...this.queue.statsOf(trackKey(sessionId, participant)) };
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    await this.queue.idle();
    if (this.runner) await (await this.runner).close();
  }

  /**
   * One independent photo through the same worker pool (no track, no session, nothing stored):
   * the participant chosen as in a photo, or with `everyone` each sizeable person.
   */
  async photo(bytes: Uint8Array, opts: { person?: PersonBox; everyone?: boolean } = {}): Promise<PoseJobResult> {
    return (await this.pool()).run({ bytes, ...(opts.person && { person: { box: opts.person } }), ...(opts.everyone && { everyone: true }) });
  }

  /** The pose pool, started on first use; a failed start is retried by the next caller. */
  private pool(): Promise<PoseRunner> {
    if (!this.runner) {
      this.runner = this.startRunner();
      this.runner.catch((err: unknown) => {
        this.opts.log(`pose workers failed to start: ${err instanceof Error ? err.message : String(err)}`);
        this.runner = undefined; // the next frame tries again
      });
    }
    return this.runner;
  }

  private async process(key: string, job: Job): Promise<{ pose: PoseJobResult; result: FrameResult }> {
    const pose = await (await this.pool()).run({ trackId: key, bytes: job.bytes, mediaMs: job.mediaMs, ...(job.person && { person: { box: job.person } }) });
    const result = this.service.addLandmarks(
      { sessionId: job.sessionId, participant: job.participant, mediaMs: job.mediaMs, poses: pose.poses.map(landmarksFromPose), aspect: Math.min(ASPECT_MAX, pose.width / pose.height) },
      'server',
    );
    return { pose, result };
  }

  private report(key: string, job: Job): void {
    this.service.reportFrameStats({ sessionId: job.sessionId, participant: job.participant, ...this.queue.statsOf(key) });
    // Once the queue has let go of this frame (its `finally`, after this callback), a deleted session's key can go.
    if (this.forgetWhenDone.has(key)) queueMicrotask(() => this.forgetWhenDone.has(key) && this.forgetKey(key));
  }
}

const trackKey = (sessionId: string, participant: string) => `${sessionId}\u0000${participant}`;
