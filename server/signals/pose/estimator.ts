// The PoseEstimator shared by every model: turns RgbImages into tensors, keeps one tracking
// state per trackId, resets for independent photos, and serialises calls (a detector's
// tracking state must not be touched by two frames at once). Model specifics live in adapters.
import * as tf from '@tensorflow/tfjs';
import type * as pd from '@tensorflow-models/pose-detection';
import { ImageError } from './errors';
import { cropToBox, rankPeople, uncropPose, type Crop, type PeopleDetector, type PersonHint } from './people';
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
  /**
   * Whether a tracking detector has no region to follow (first frame, person lost, reset, seek):
   * its next frame searches the whole image and would lock onto whoever its detector likes best.
   */
  isCold(detector: pd.PoseDetector): boolean;
  /**
   * Hands a track the region `from` settled on after a frame on `crop` (the chosen person),
   * moved to whole-image coordinates, so the track's next frame follows that person.
   */
  seed(track: pd.PoseDetector, from: pd.PoseDetector, crop: Crop, width: number, height: number): void;
}

export interface EstimatorOptions {
  maxTracks: number;
  enableSmoothing: boolean;
  minPoseScore: number;
}

/** How many people, in rank order, a photo's crop is tried on before falling back to the whole image. */
export const PERSON_TRIES = 3;

/** estimateEveryone's defaults: at most this many people, each at least this share of the largest one's size. */
export const EVERYONE_MAX = 4;
export const EVERYONE_MIN_SIZE = 0.5;

export class TrackingPoseEstimator implements PoseEstimator {
  readonly model: PoseModelName;
  private readonly tracks: TrackLru<pd.PoseDetector>;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly adapter: DetectorAdapter,
    private readonly options: EstimatorOptions,
    /** Finds everyone in an independent photo so the participant, not a bystander, is estimated. */
    private readonly people?: PeopleDetector,
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
    return this.serial(() => this.estimateNow(image, opts));
  }

  /** Runs `work` after every call queued before it: the detectors hold state between frames. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Every sizeable person in an independent photo, the likeliest participant first: up to
   * `maxPeople` of MultiPose's people whose box is at least `minRelativeSize` of the largest
   * one's (square root of the area), each read on their own crop. A crop whose pose turns out
   * to be someone else is dropped. With fewer than two people found, or no crop working out:
   * the model's own pick on the whole image, as for the participant.
   */
  estimateEveryone(image: RgbImage, opts: { maxPeople?: number; minRelativeSize?: number } = {}): Promise<Pose[]> {
    return this.serial(() => this.everyoneNow(image, opts.maxPeople ?? EVERYONE_MAX, opts.minRelativeSize ?? EVERYONE_MIN_SIZE));
  }

  private async everyoneNow(image: RgbImage, maxPeople: number, minSize: number): Promise<Pose[]> {
    if (this.disposed) throw new Error(`the ${this.model} pose estimator was disposed`);
    checkImage(image);
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    const root = this.adapter.root;
    try {
      root.reset();
      const everyone = this.people ? await this.people.detect(input, image.width, image.height) : [];
      if (everyone.length < 2) return await this.run(root, input, image);
      const size = (p: Pose): number => Math.sqrt(Math.max(0, p.box.width * p.box.height));
      const largest = Math.max(...everyone.map(size));
      const found: Pose[] = [];
      for (const k of rankPeople(everyone).filter((i) => size(everyone[i]!) >= minSize * largest).slice(0, maxPeople)) {
        const one = await this.poseOnCrop(image, everyone, k);
        if (one) found.push(one.pose);
      }
      if (found.length > 0) return found;
      // No crop worked out: as for the participant, the model's own pick on the whole image.
      root.reset();
      return await this.run(root, input, image);
    } finally {
      root.reset();
      input.dispose();
    }
  }

  private async estimateNow(image: RgbImage, opts: EstimateOptions): Promise<Pose[]> {
    if (this.disposed) throw new Error(`the ${this.model} pose estimator was disposed`);
    checkImage(image);
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      if (opts.trackId === undefined) {
        // An independent photo: no ROI or smoothing carried over from an unrelated image.
        this.adapter.root.reset();
        if (this.people) {
          const one = await this.estimateChosen(input, image, opts.person);
          this.adapter.root.reset();
          if (one) return [one.pose];
        }
        return await this.run(this.adapter.root, input, image);
      }
      const slot = this.tracks.get(opts.trackId);
      const detector = slot.detector;
      let timestamp: number | undefined;
      if (opts.mediaMs !== undefined) {
        // The smoothing filters ignore frames older than their last one: a seek starts over.
        if (slot.lastMediaMs !== undefined && opts.mediaMs <= slot.lastMediaMs) detector.reset();
        slot.lastMediaMs = opts.mediaMs;
        timestamp = opts.mediaMs;
      }
      // A new or changed hint means someone else is wanted: choose again.
      const hintKey = opts.person ? JSON.stringify(opts.person.box) : undefined;
      if (hintKey !== slot.hintKey) {
        detector.reset();
        slot.hintKey = hintKey;
      }
      if (this.people && this.adapter.isCold(detector)) {
        // A cold track (first frame, person lost, reset): choose the participant as in a photo
        // and start the track on them, not on whoever the model's own detector prefers.
        const chosen = await this.estimateChosen(input, image, opts.person);
        if (chosen) this.adapter.seed(detector, this.adapter.root, chosen.crop, image.width, image.height);
        this.adapter.root.reset();
      }
      return await this.run(detector, input, image, timestamp);
    } finally {
      input.dispose();
    }
  }

  private async run(detector: pd.PoseDetector, input: tf.Tensor3D, image: RgbImage, timestamp?: number): Promise<Pose[]> {
    const raw = await detector.estimatePoses(input, { maxPoses: 1, flipHorizontal: false }, timestamp);
    const smoothed = timestamp !== undefined && this.options.enableSmoothing;
    return raw
      .map((p) => this.adapter.toPose(p, image.width, image.height, smoothed))
      .filter((p) => p.score >= this.options.minPoseScore);
  }

  /**
   * An independent photo: finds everyone, ranks them (rankPeople: the participant first) and
   * runs the model on a crop around the first. The crop's margin can take in a neighbour,
   * whom the model may prefer: a pose that is not the cropped person is dropped and the next
   * in rank is tried (at most PERSON_TRIES). Undefined when there is no choice to make (fewer
   * than two people, no hint) or none works out; the caller then runs the model on the whole image.
   */
  private async estimateChosen(
    input: tf.Tensor3D,
    image: RgbImage,
    hint: PersonHint | undefined,
  ): Promise<{ pose: Pose; crop: Crop } | undefined> {
    const everyone = await this.people!.detect(input, image.width, image.height);
    // Alone in the picture: nobody to confuse them with, and the whole image keeps hands the box may cut.
    if (everyone.length < 2 && !hint) return undefined;
    for (const k of rankPeople(everyone, hint).slice(0, PERSON_TRIES)) {
      // The root keeps its region on the crop until the next reset: the caller may seed a track from it.
      const one = await this.poseOnCrop(image, everyone, k);
      if (one) return one;
      this.adapter.root.reset();
    }
    return undefined;
  }

  /**
   * The root model on a crop around `people[k]`, from a fresh start, with the pose moved back
   * to whole-image coordinates; undefined when it finds nobody or someone other than k.
   */
  private async poseOnCrop(image: RgbImage, people: readonly Pose[], k: number): Promise<{ pose: Pose; crop: Crop } | undefined> {
    const crop = cropToBox(image, people[k]!.box);
    const cropInput = tf.tensor3d(crop.image.data, [crop.image.height, crop.image.width, 3], 'int32');
    try {
      this.adapter.root.reset();
      const [pose] = await this.run(this.adapter.root, cropInput, crop.image);
      const found = pose && uncropPose(pose, crop, image.width, image.height);
      return found && isSamePerson(found, people, k) ? { pose: found, crop } : undefined;
    } finally {
      cropInput.dispose();
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
    this.people?.dispose();
  }
}

const shoulderMid = (p: Pose): [number, number] | undefined => {
  const [l, r] = [p.landmarks[11], p.landmarks[12]];
  return l && r ? [(l.x + r.x) / 2, (l.y + r.y) / 2] : undefined;
};

/**
 * Whether `pose` is `people[k]`: its shoulder midpoint lies inside k's box (grown by a tenth
 * on each side) and nearer k's own shoulder midpoint than any other person's.
 */
export function isSamePerson(pose: Pose, people: readonly Pose[], k: number): boolean {
  const at = shoulderMid(pose);
  const box = people[k]?.box;
  if (!at || !box) return false;
  const [x, y] = at;
  const mx = 0.1 * box.width;
  const my = 0.1 * box.height;
  if (x < box.xMin - mx || x > box.xMin + box.width + mx || y < box.yMin - my || y > box.yMin + box.height + my) return false;
  const dist = (p: Pose): number => {
    const m = shoulderMid(p);
    return m ? Math.hypot(m[0] - x, m[1] - y) : Infinity;
  };
  const mine = dist(people[k]!);
  return people.every((p, i) => i === k || dist(p) >= mine);
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
