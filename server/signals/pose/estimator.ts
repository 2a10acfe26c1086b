// The PoseEstimator shared by every model: turns RgbImages into tensors, keeps one tracking
// state per trackId, resets for independent photos, and serialises calls (a detector's
// tracking state must not be touched by two frames at once). Model specifics live in adapters.
import * as tf from '@tensorflow/tfjs';
import type * as pd from '@tensorflow-models/pose-detection';
import { ImageError } from './errors';
import { TrackLru } from './tracks';
import type { EstimateOptions, Pose, PoseEstimator, PoseModelName, RgbImage } from './types';

/** What a model contributes: a loaded detector and how to make more that share its weights. */
export interface DetectorAdapter {
  readonly model: PoseModelName;
  /** The loaded detector; owns the graph models. Used for independent photos. */
  readonly root: pd.PoseDetector;
  /** A detector with fresh tracking state sharing `root`'s graph models (no weight copy). */
  spawn(): pd.PoseDetector;
  /** Frees what `spawn` allocated, never the shared models. */
  release(detector: pd.PoseDetector): void;
  /**
   * Converts the library's pixel-space pose into the project's normalised 33-point Pose.
   * `smoothed`: the frame went through the library's temporal filter.
   */
  toPose(raw: pd.Pose, width: number, height: number, smoothed: boolean): Pose;
}

export interface EstimatorOptions {
  maxTracks: number;
  enableSmoothing: boolean;
  minPoseScore: number;
}

export class TrackingPoseEstimator implements PoseEstimator {
  readonly model: PoseModelName;
  private readonly tracks: TrackLru<pd.PoseDetector>;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly adapter: DetectorAdapter,
    private readonly options: EstimatorOptions,
  ) {
    this.model = adapter.model;
    this.tracks = new TrackLru(
      () => adapter.spawn(),
      (d) => adapter.release(d),
      options.maxTracks,
    );
  }

  /** Number of participants whose tracking state is held. */
  get trackCount(): number {
    return this.tracks.size;
  }

  estimate(image: RgbImage, opts: EstimateOptions = {}): Promise<Pose[]> {
    const run = this.queue.then(() => this.estimateNow(image, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async estimateNow(image: RgbImage, opts: EstimateOptions): Promise<Pose[]> {
    if (this.disposed) throw new Error(`the ${this.model} pose estimator was disposed`);
    checkImage(image);
    let detector: pd.PoseDetector;
    let timestamp: number | undefined;
    if (opts.trackId === undefined) {
      // An independent photo: no ROI or smoothing carried over from an unrelated image.
      detector = this.adapter.root;
      detector.reset();
    } else {
      const slot = this.tracks.get(opts.trackId);
      detector = slot.detector;
      if (opts.mediaMs !== undefined) {
        // The smoothing filters ignore frames older than their last one: a seek starts over.
        if (slot.lastMediaMs !== undefined && opts.mediaMs <= slot.lastMediaMs) detector.reset();
        slot.lastMediaMs = opts.mediaMs;
        timestamp = opts.mediaMs;
      }
    }
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      const raw = await detector.estimatePoses(input, { maxPoses: 1, flipHorizontal: false }, timestamp);
      const smoothed = timestamp !== undefined && this.options.enableSmoothing;
      return raw
        .map((p) => this.adapter.toPose(p, image.width, image.height, smoothed))
        .filter((p) => p.score >= this.options.minPoseScore);
    } finally {
      input.dispose();
    }
  }

  reset(trackId?: string): void {
    if (trackId === undefined) {
      this.tracks.clear();
      this.adapter.root.reset();
    } else {
      this.tracks.delete(trackId);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tracks.clear();
    this.adapter.root.dispose();
  }
}

function checkImage(image: RgbImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageError('image_invalid', `image size must be positive integers, got ${width}x${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new ImageError(
      'image_invalid',
      `RGB image data must be width*height*3 = ${width * height * 3} bytes for ${width}x${height}, got ${data.length}`,
    );
  }
}

/** Bounding box of the landmarks scoring at least `minScore` (all of them if none do), clamped to the image. */
export function landmarkBox(points: { x: number; y: number; score: number }[], minScore = 0.3): Pose['box'] {
  const confident = points.filter((p) => p.score >= minScore);
  const use = confident.length > 0 ? confident : points;
  const clamp = (v: number): number => Math.min(1, Math.max(0, v));
  const xs = use.map((p) => clamp(p.x));
  const ys = use.map((p) => clamp(p.y));
  const xMin = Math.min(...xs);
  const yMin = Math.min(...ys);
  return { xMin, yMin, width: Math.max(...xs) - xMin, height: Math.max(...ys) - yMin };
}
