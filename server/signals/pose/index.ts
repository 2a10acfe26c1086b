// Server-side pose estimation: the public surface other modules import.
export * from './types';
export * from './constants';
export { createPoseEstimator, validatePoseConfig, type ValidatedPoseConfig } from './create';
export { decodeImage, type DecodeLimits } from './decode';
export { ImageError, PoseConfigError, PoseModelMissingError, type ImageErrorCode } from './errors';
export type { TrackingPoseEstimator } from './estimator';
export { localModelHandler } from './localModel';
export { PosePool, PoseWorkerError, type PoseJob, type PoseJobResult, type PosePoolOptions } from './pool';
