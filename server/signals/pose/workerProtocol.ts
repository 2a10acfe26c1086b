// Messages between the pose pool and its worker threads (structured-cloned, so plain data).
import type { BackendName } from '../../runtime/backend';
import type { DecodeLimits } from './decode';
import type { Pose, PoseEstimatorConfig, PoseModelName, RgbImage } from './types';

export interface PoseWorkerData {
  estimator: PoseEstimatorConfig;
  decodeLimits: Partial<DecodeLimits>;
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

export interface PoseJobResult {
  poses: Pose[];
  decodeMs: number;
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
  | { type: 'job'; id: number; job: PoseJob }
  | { type: 'reset'; trackId?: string }
  | { type: 'crash' };

export type FromWorker =
  | { type: 'ready'; backend: BackendName; model: PoseModelName }
  | { type: 'fatal'; error: WireError }
  | { type: 'done'; id: number; result: Omit<PoseJobResult, 'worker'> }
  | { type: 'failed'; id: number; error: WireError };
