// A pool of pose worker threads, one per core: each thread loads its own tfjs backend and
// model. Frames of one trackId always go to the same thread so its tracking state is used;
// a crashed thread fails the jobs it held and is replaced. Frames are decoded here, not in the
// workers: sharp decodes on libuv's threads, so a frame decodes while the worker estimates the
// one before (a worker busy in wasm could not even start the decode).
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { BackendName } from '../../runtime/backend';
import { startModuleWorker } from '../../runtime/worker';
import { decodeImage, type DecodeLimits } from './decode';
import { validatePoseConfig } from './create';
import { ImageError, PoseConfigError, PoseModelMissingError, type ImageErrorCode } from './errors';
import type { PoseEstimatorConfig } from './types';
import type { RgbImage } from './types';
import type { FromWorker, PoseJob, PoseJobResult, PoseWorkerData, ToWorker, WireError, WorkerJob } from './workerProtocol';

export type { PoseJob, PoseJobResult } from './workerProtocol';

export interface PosePoolOptions {
  /** Worker threads (default os.availableParallelism(), at least 1). */
  workers?: number;
  estimator?: PoseEstimatorConfig;
  decodeLimits?: Partial<DecodeLimits>;
  /** Backend preference passed to initTf in each worker (default: tfjs-node if installed, else wasm). */
  backend?: BackendName;
  /** Allows `crashWorkerForTest` (never set in production). */
  testHooks?: boolean;
}

/** A worker died or could not start; the job may be retried. */
export class PoseWorkerError extends Error {
  readonly retryable = true;
  constructor(message: string) {
    super(message);
    this.name = 'PoseWorkerError';
  }
}

interface Pending {
  resolve: (r: PoseJobResult) => void;
  reject: (e: Error) => void;
  decodeMs: number;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  ready: Promise<void>;
  restarts: number;
  /** The tfjs backend the worker reported once its model loaded. */
  backend?: BackendName;
  /** Set when the worker can no longer take jobs (failed to load, or gave up restarting). */
  dead?: Error;
  /** Settles when the slot's latest job was posted: jobs are posted in the order run() got them. */
  posted: Promise<void>;
}

/** Track ids remembered for stickiness; the oldest are forgotten past this (they re-balance). */
const MAX_STICKY_TRACKS = 4096;

export class PosePool {
  private readonly slots: Slot[] = [];
  private readonly trackWorker = new Map<string, number>();
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly data: PoseWorkerData,
    private readonly decodeLimits: Partial<DecodeLimits>,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i, 0));
  }

  /** Starts the workers and waits until every one has loaded its model. */
  static async start(options: PosePoolOptions = {}): Promise<PosePool> {
    const size = options.workers ?? Math.max(1, os.availableParallelism?.() ?? 2);
    if (!Number.isInteger(size) || size < 1 || size > 64) {
      throw new PoseConfigError(`workers must be an integer from 1 to 64, got ${JSON.stringify(options.workers)}`);
    }
    // Validate in this thread so config errors throw here, not as a worker's fatal message.
    validatePoseConfig(options.estimator);
    const data: PoseWorkerData = {
      estimator: options.estimator ?? {},
      testHooks: options.testHooks ?? false,
      ...(options.backend && { backend: options.backend }),
    };
    const pool = new PosePool(data, options.decodeLimits ?? {}, size);
    try {
      await Promise.all(pool.slots.map((s) => s.ready));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** The tfjs backend in use in the workers (for the start-up log and /api/health). */
  get backend(): BackendName | undefined {
    return this.slots.find((s) => s.backend)?.backend;
  }

  /**
   * Decodes (when given bytes) and estimates one frame on the worker that owns its trackId.
   * Decodes run at once and side by side; the worker gets the frames in the order of the calls.
   */
  run(job: PoseJob): Promise<PoseJobResult> {
    if (this.closed) return Promise.reject(new PoseWorkerError('the pose pool is closed'));
    const index = this.workerFor(job.trackId);
    const slot = this.slots[index]!;
    if (slot.dead) return Promise.reject(slot.dead);
    const id = this.nextId++;
    const t0 = performance.now();
    const decoded = this.decode(job);
    decoded.catch(() => undefined); // reported through the job's promise below
    return new Promise<PoseJobResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject, decodeMs: 0 });
      slot.posted = slot.posted.then(async () => {
        let image: RgbImage;
        try {
          image = await decoded;
        } catch (err) {
          if (slot.pending.delete(id)) reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        const pending = slot.pending.get(id);
        if (!pending) return; // failed meanwhile: the worker died or the pool closed
        pending.decodeMs = performance.now() - t0;
        const { bytes: _bytes, rgb: _rgb, ...rest } = job;
        const msg: ToWorker = { type: 'job', id, job: { ...rest, rgb: image } satisfies WorkerJob };
        slot.worker.postMessage(msg);
      });
    });
  }

  private async decode(job: PoseJob): Promise<RgbImage> {
    if (job.bytes) return decodeImage(job.bytes, this.decodeLimits);
    if (job.rgb) return job.rgb;
    throw new ImageError('image_invalid', 'a pose job needs `bytes` or `rgb`');
  }

  /** Forgets a participant: its worker drops the tracking state. */
  releaseTrack(trackId: string): void {
    const index = this.trackWorker.get(trackId);
    if (index === undefined) return;
    this.trackWorker.delete(trackId);
    this.slots[index]?.worker.postMessage({ type: 'reset', trackId } satisfies ToWorker);
  }

  /** Which worker a trackId is bound to, if any (for tests and diagnostics). */
  workerOf(trackId: string): number | undefined {
    return this.trackWorker.get(trackId);
  }

  crashWorkerForTest(index: number): void {
    if (!this.data.testHooks) throw new Error('crashWorkerForTest needs the pool started with testHooks: true');
    this.slots[index]?.worker.postMessage({ type: 'crash' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        failAll(slot, new PoseWorkerError('the pose pool was closed before the job finished'));
        await slot.worker.terminate();
      }),
    );
  }

  private workerFor(trackId: string | undefined): number {
    const known = trackId === undefined ? undefined : this.trackWorker.get(trackId);
    if (known !== undefined) return known;
    // Least loaded by queued jobs, then by tracks already bound to it.
    const tracksPer = new Array<number>(this.slots.length).fill(0);
    for (const i of this.trackWorker.values()) tracksPer[i] = (tracksPer[i] ?? 0) + 1;
    let best = 0;
    for (let i = 1; i < this.slots.length; i++) {
      const a = [this.slots[i]!.pending.size, tracksPer[i]!];
      const b = [this.slots[best]!.pending.size, tracksPer[best]!];
      if (a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!)) best = i;
    }
    if (trackId !== undefined) {
      if (this.trackWorker.size >= MAX_STICKY_TRACKS) {
        const oldest = this.trackWorker.keys().next().value;
        if (oldest !== undefined) this.trackWorker.delete(oldest);
      }
      this.trackWorker.set(trackId, best);
    }
    return best;
  }

  private spawn(index: number, restarts: number): Slot {
    const worker = startWorker(this.data);
    const pending = new Map<number, Pending>();
    let markReady!: () => void;
    let markFailed!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      markReady = res;
      markFailed = rej;
    });
    ready.catch(() => undefined); // surfaced through start() or the jobs
    const slot: Slot = { worker, pending, ready, restarts, posted: Promise.resolve() };
    let exited = false;
    const onDeath = (reason: string): void => {
      if (exited) return;
      exited = true;
      const err = new PoseWorkerError(`pose worker ${index} crashed (${reason}); its jobs were not completed`);
      markFailed(err);
      failAll(slot, err);
      slot.dead ??= err;
      // Replace it, unless closing; after repeated failures at start-up, stop retrying.
      if (!this.closed && this.slots[index] === slot && restarts < 5) this.slots[index] = this.spawn(index, restarts + 1);
    };
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
        slot.restarts = 0;
        slot.backend = msg.backend;
        markReady();
      } else if (msg.type === 'fatal') {
        const err = fromWire(msg.error);
        markFailed(err);
        failAll(slot, err);
        slot.dead = err;
        exited = true; // a worker that cannot load its model is not restarted
        void worker.terminate();
      } else {
        const job = pending.get(msg.id);
        if (!job) return;
        pending.delete(msg.id);
        if (msg.type === 'done') job.resolve({ ...msg.result, decodeMs: job.decodeMs, worker: index });
        else job.reject(fromWire(msg.error));
      }
    });
    worker.on('error', (err) => onDeath(err.message));
    worker.on('exit', (code) => onDeath(`exit code ${code}`));
    return slot;
  }
}

function failAll(slot: Slot, err: Error): void {
  for (const p of slot.pending.values()) p.reject(err);
  slot.pending.clear();
}

/** Rebuilds the typed errors the HTTP layer maps (ImageError keeps its code and status). */
function fromWire(e: WireError): Error {
  if (e.code?.startsWith('image_')) return new ImageError(e.code as ImageErrorCode, e.message);
  if (e.name === 'PoseModelMissingError') return new PoseModelMissingError([], '', e.message);
  if (e.name === 'PoseConfigError') return new PoseConfigError(e.message);
  return Object.assign(new Error(e.message), { name: e.name });
}

function startWorker(data: PoseWorkerData): Worker {
  return startModuleWorker(__dirname, 'poseWorker', data);
}
