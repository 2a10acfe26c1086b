// Messages between the pose pool and its worker threads (structured-cloned, so plain data).
import type { BackendName } from '../../runtime/backend';
import type { Pose, PoseEstimatorConfig, PoseModelName, RgbImage } from './types';

export interface PoseWorkerData {
  estimator: PoseEstimatorConfig;
  backend?: BackendName;
  /** Lets tests crash a worker on purpose. */
  testHooks: boolean;
}

export interface PoseJob {
  /** Participant whose frames are tracked together; omit for independent photos. */
  trackId?: string;
  /** Encoded JPEG / PNG / WebP; or `rgb` when the caller already decoded. */
  bytes?: Uint8Array;
  rgb?: RgbImage;
  /** Media time of the frame, ms from session start (drives smoothing). */
  mediaMs?: number;
  /** Whom to read among several people (see EstimateOptions.person). */
  person?: { box: Pose['box'] };
  /** An independent photo read for every sizeable person (estimateEveryone), not just the participant. */
  everyone?: boolean;
}

/** What a worker gets: the pool has decoded the frame already. */
export type WorkerJob = Omit<PoseJob, 'bytes' | 'rgb'> & { rgb: RgbImage };

export interface PoseJobResult {
  poses: Pose[];
  /** From run() to the decoded pixels (in the pool's thread, overlapping earlier estimates). */
  decodeMs: number;
  /** The estimate alone, in the worker. */
  poseMs: number;
  /** Size the poses were estimated at (after decode limits). */
  width: number;
  height: number;
  /** Index of the worker that ran it (sticky per trackId). */
  worker: number;
}

export interface WireError {
  name: string;
  code?: string;
  message: string;
}

export type ToWorker =
  | { type: 'job'; id: number; job: WorkerJob }
  | { type: 'reset'; trackId?: string }
  | { type: 'crash' };

export type FromWorker =
  | { type: 'ready'; backend: BackendName; model: PoseModelName }
  | { type: 'fatal'; error: WireError }
  | { type: 'done'; id: number; result: Omit<PoseJobResult, 'worker' | 'decodeMs'> }
  | { type: 'failed'; id: number; error: WireError };
