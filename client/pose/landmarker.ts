// Runs MediaPipe PoseLandmarker in the browser and turns its results into the protocol's
// landmarks payload. tasks-vision (≈140 KiB + an 11 MB wasm runtime + a 6–9 MB model) is
// loaded on first use only, from this server: /pose-vision.js, /vendor/tasks-vision/ and
// /models/pose/ (no CDN).
import type { NormalizedLandmark, PoseLandmarker, PoseLandmarkerResult } from '@mediapipe/tasks-vision';
import { LANDMARK_COUNT, LIMITS_POSTURE, type PoseIn } from '../../protocol/protocol';
import type * as Vision from './vision';

export type VisionModule = typeof Vision;
export type PoseModelVariant = 'full' | 'lite';
export const POSE_MODEL_VARIANTS: readonly PoseModelVariant[] = ['full', 'lite'];

/** Where the lazily loaded pieces live, relative to the page. */
export const POSE_ASSETS = {
  module: 'pose-vision.js',
  wasm: 'vendor/tasks-vision',
  model: (v: PoseModelVariant) => `models/pose/pose_landmarker_${v}.task`,
} as const;

/** At most this many people per frame (the protocol allows up to 10). */
export const MAX_POSES = Math.min(3, LIMITS_POSTURE.posesPerFrameMax);

let visionPromise: Promise<VisionModule> | null = null;

/** Loads the tasks-vision module once; a failed load can be retried. */
export function loadVision(): Promise<VisionModule> {
  if (!visionPromise) {
    const url = new URL(POSE_ASSETS.module, document.baseURI).href;
    visionPromise = (import(/* webpackIgnore: true */ url) as Promise<VisionModule>).catch((err: unknown) => {
      visionPromise = null;
      throw new Error(`could not load the pose module ${url}: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
  return visionPromise;
}

export interface LoadedLandmarker {
  vision: VisionModule;
  landmarker: PoseLandmarker;
  variant: PoseModelVariant;
  /** 'official' or 'built' (from the X-Pose-Model-Source header), when known. */
  modelSource: string | null;
}

/** Creates a PoseLandmarker in VIDEO mode on the wasm CPU path (works without a GPU). */
export async function createLandmarker(variant: PoseModelVariant): Promise<LoadedLandmarker> {
  const vision = await loadVision();
  const base = document.baseURI;
  const modelUrl = new URL(POSE_ASSETS.model(variant), base).href;
  // Fetched here (not by tasks-vision) so a missing model is a clear message, not a wasm abort.
  const res = await fetch(modelUrl);
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(`pose model ${modelUrl}: ${message}`);
  }
  const modelSource = res.headers.get('X-Pose-Model-Source');
  const modelAssetBuffer = new Uint8Array(await res.arrayBuffer());
  const fileset = await vision.FilesetResolver.forVisionTasks(new URL(POSE_ASSETS.wasm, base).href);
  const landmarker = await vision.PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetBuffer, delegate: 'CPU' },
    runningMode: 'VIDEO',
    numPoses: MAX_POSES,
  });
  return { vision, landmarker, variant, modelSource };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * One result's poses in the protocol's shape: 33 × {x, y, z, score: visibility}, values
 * clamped into the ranges LandmarksInSchema accepts; malformed poses are dropped.
 */
export function toPoses(result: Pick<PoseLandmarkerResult, 'landmarks'>): PoseIn[] {
  const poses: PoseIn[] = [];
  for (const pose of result.landmarks.slice(0, MAX_POSES)) {
    if (pose.length !== LANDMARK_COUNT) continue;
    if (!pose.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))) continue;
    poses.push({ landmarks: pose.map(toLandmark) });
  }
  return poses;
}

function toLandmark(p: NormalizedLandmark): PoseIn['landmarks'][number] {
  const out: PoseIn['landmarks'][number] = { x: round(clamp(p.x, -1, 2)), y: round(clamp(p.y, -1, 2)) };
  if (Number.isFinite(p.z)) out.z = round(p.z);
  if (Number.isFinite(p.visibility)) out.score = round(clamp(p.visibility, 0, 1));
  return out;
}

/** 5 decimals: 1e-5 of the frame is far below a pixel, and keeps the payload small. */
function round(v: number): number {
  return Math.round(v * 1e5) / 1e5;
}

/**
 * Decides which frames to analyse: at most `rate` per second of media time, and again
 * after a seek backwards. detectForVideo needs strictly increasing timestamps, which the
 * media clock is not (seeks, loops), so `timestamp()` gives a separate monotonic one.
 */
export class FrameSampler {
  private lastMediaMs: number | null = null;
  /** Media time the next frame is due at: a fixed grid, so frame jitter does not lower the rate. */
  private nextMs = 0;
  private lastTimestamp = 0;

  constructor(public rate: number) {}

  private get intervalMs(): number {
    return 1000 / this.rate;
  }

  due(mediaMs: number): boolean {
    if (this.lastMediaMs === null || mediaMs < this.lastMediaMs) return true;
    return mediaMs >= this.nextMs;
  }

  take(mediaMs: number): void {
    const behind = this.lastMediaMs === null || mediaMs < this.lastMediaMs || mediaMs - this.nextMs > this.intervalMs;
    this.nextMs = (behind ? mediaMs : this.nextMs) + this.intervalMs;
    this.lastMediaMs = mediaMs;
  }

  timestamp(now: number): number {
    this.lastTimestamp = Math.max(this.lastTimestamp + 1, Math.round(now));
    return this.lastTimestamp;
  }

  reset(): void {
    this.lastMediaMs = null;
  }
}
