// Typed errors of pose estimation: bad configuration (a programming or deployment error),
// missing weights (a setup step was skipped), and bad images (client input, mapped to HTTP).
import { AppError } from '../../errors/errors';
import { FETCH_MODELS_HINT } from './constants';

export class PoseConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoseConfigError';
  }
}

export class PoseModelMissingError extends Error {
  readonly code = 'pose_models_missing';
  constructor(
    readonly missing: string[],
    modelDir: string,
    /** Set when re-created from a worker thread's report. */
    message = `pose model files missing in ${modelDir}: ${missing.join(', ')}; ${FETCH_MODELS_HINT}`,
  ) {
    super(message);
    this.name = 'PoseModelMissingError';
  }
}

export type ImageErrorCode =
  | 'image_empty'
  | 'image_too_large'
  | 'image_too_many_pixels'
  | 'image_unsupported_format'
  | 'image_corrupt'
  | 'image_invalid';

const STATUS: Record<ImageErrorCode, number> = {
  image_empty: 400,
  image_too_large: 413,
  image_too_many_pixels: 413,
  image_unsupported_format: 415,
  image_corrupt: 400,
  image_invalid: 400,
};

/** A frame or photo that cannot be turned into RGB pixels; the message names the limit or defect. */
export class ImageError extends AppError {
  declare readonly code: ImageErrorCode;
  constructor(code: ImageErrorCode, message: string) {
    super(code, message, STATUS[code], { field: 'image' });
  }
}
