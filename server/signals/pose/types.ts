// One landmark schema for the whole project: the 33-point BlazePose topology (the same
// indices as MediaPipe Pose), whether the server or the browser computed the points.
export const BLAZEPOSE_KEYPOINTS = [
  'nose', 'left_eye_inner', 'left_eye', 'left_eye_outer', 'right_eye_inner', 'right_eye', 'right_eye_outer',
  'left_ear', 'right_ear', 'mouth_left', 'mouth_right', 'left_shoulder', 'right_shoulder', 'left_elbow',
  'right_elbow', 'left_wrist', 'right_wrist', 'left_pinky', 'right_pinky', 'left_index', 'right_index',
  'left_thumb', 'right_thumb', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
  'left_heel', 'right_heel', 'left_foot_index', 'right_foot_index',
] as const;
export type KeypointName = (typeof BLAZEPOSE_KEYPOINTS)[number];
export const KEYPOINT_COUNT = 33;

export interface Landmark {
  /** Normalised image coordinates: 0..1 across the width / height (may fall outside when off-frame). */
  x: number;
  y: number;
  /** Depth relative to the hips, in roughly the same scale as x (BlazePose / MediaPipe convention). */
  z: number;
  /** Visibility / confidence 0..1. */
  score: number;
}

export interface Pose {
  /** Exactly 33 landmarks in BLAZEPOSE_KEYPOINTS order. */
  landmarks: Landmark[];
  /** Optional metric world landmarks (metres, hip-centred), when the estimator gives them. */
  world?: { x: number; y: number; z: number }[];
  score: number;
  /** Bounding box in normalised coordinates. */
  box: { xMin: number; yMin: number; width: number; height: number };
}

export type PoseModelName = 'blazepose-full' | 'blazepose-lite' | 'movenet-lightning';

export interface PoseEstimator {
  readonly model: PoseModelName;
  /**
   * Estimates the poses in one decoded RGB image. `trackId` groups consecutive frames of one
   * participant so the model can track between them; omit it for independent photos.
   */
  estimate(image: RgbImage, opts?: EstimateOptions): Promise<Pose[]>;
  reset(trackId?: string): void;
  dispose(): void;
}

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, row-major RGB. */
  data: Uint8Array;
}

export interface EstimateOptions {
  /** Groups consecutive frames of one participant; omit for independent photos. */
  trackId?: string;
  /**
   * Media time of the frame (ms from session start). Drives temporal smoothing within a track;
   * a time earlier than the track's last frame (a seek) restarts the track cold.
   */
  mediaMs?: number;
  /**
   * Which person to read when there are several (the one whose box overlaps this most).
   * Default: the largest, most central person facing the camera. In a track it chooses whom
   * a cold track (first frame, person lost, reset) starts on; send it with every frame of the
   * track, since a different hint (or none after one) starts the track over.
   */
  person?: { box: Pose['box'] };
}

export interface PoseEstimatorConfig {
  /** Default 'blazepose-full'. */
  model?: PoseModelName;
  /** Folder holding the tfjs weights; default `<project root>/models/pose`. */
  modelDir?: string;
  /** Smooth landmarks between frames of one track (default true). */
  enableSmoothing?: boolean;
  /** How many tracks keep their state at once (LRU; default 8). */
  maxTracks?: number;
  /** Poses scoring below this are dropped (default 0.25). */
  minPoseScore?: number;
  /**
   * For independent photos (no trackId): find every person with MoveNet MultiPose, choose the
   * participant and run the model on a crop around them (default true; needs the
   * `movenet-multipose` weights). False: the model's own single detection on the whole image.
   */
  selectPerson?: boolean;
}
