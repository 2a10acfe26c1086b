// Pose throughput: frames/s through decode + pose estimation, on one worker thread and on
// the pool, per model and frame size, in tracking mode (one participant per trackId, as on
// live video). Frames are JPEGs rendered at run time: from a real photo in
// ../shared/data/posture when present (read, never copied), else a synthetic stick figure.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { projectRoot } from '../server/paths';
import { PosePool, type PoseJobResult } from '../server/signals/pose/pool';
import type { PoseModelName } from '../server/signals/pose/types';

export interface PoseFigure {
  name: string;
  value: number;
  unit: string;
  model: PoseModelName;
  size: string;
  workers: number;
  [k: string]: unknown;
}

export interface BenchPoseOptions {
  models?: PoseModelName[];
  sizes?: [number, number][];
  workerCounts?: number[];
  /** Timed frames per run, after warm-up (keep it small on shared machines). */
  frames?: number;
}

const PHOTO = path.resolve(projectRoot(), '..', 'shared', 'data', 'posture', 'images', 'd040.jpg');

/** A person-like SVG (head, torso, limbs) for machines without the photo set. */
function stickFigureSvg(width: number, height: number): string {
  const cx = width / 2;
  const u = height / 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#c8c0b0"/>
    <g stroke="#30343c" stroke-width="${u * 0.7}" stroke-linecap="round" fill="none">
      <line x1="${cx}" y1="${2.4 * u}" x2="${cx}" y2="${5.6 * u}"/>
      <line x1="${cx - 1.2 * u}" y1="${2.8 * u}" x2="${cx + 1.2 * u}" y2="${2.8 * u}"/>
      <polyline points="${cx - 1.2 * u},${2.8 * u} ${cx - 1.6 * u},${4.4 * u} ${cx - 1.1 * u},${5.8 * u}"/>
      <polyline points="${cx + 1.2 * u},${2.8 * u} ${cx + 1.6 * u},${4.4 * u} ${cx + 1.1 * u},${5.8 * u}"/>
      <polyline points="${cx - 0.7 * u},${5.6 * u} ${cx - 0.8 * u},${7.6 * u} ${cx - 0.8 * u},${9.5 * u}"/>
      <polyline points="${cx + 0.7 * u},${5.6 * u} ${cx + 0.8 * u},${7.6 * u} ${cx + 0.8 * u},${9.5 * u}"/>
    </g>
    <ellipse cx="${cx}" cy="${1.5 * u}" rx="${0.7 * u}" ry="${0.9 * u}" fill="#d9a88a" stroke="#30343c"/>
  </svg>`;
}

async function renderFrame(width: number, height: number): Promise<{ bytes: Buffer; source: string }> {
  if (fs.existsSync(PHOTO)) {
    const bytes = await sharp(PHOTO)
      .resize({ width, height, fit: 'contain', background: '#202020' })
      .jpeg({ quality: 85 })
      .toBuffer();
    return { bytes, source: 'photo d040' };
  }
  return { bytes: await sharp(Buffer.from(stickFigureSvg(width, height))).jpeg({ quality: 85 }).toBuffer(), source: 'synthetic' };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor(s.length / 2)] as number);
};
const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Feeds `frames` frames, one track per worker, keeping two frames in flight per worker. */
async function timeRun(pool: PosePool, bytes: Buffer, frames: number): Promise<{ secs: number; results: PoseJobResult[] }> {
  const tracks = Array.from({ length: pool.size }, (_, i) => `bench-${i}`);
  const results: PoseJobResult[] = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    while (next < frames) {
      const n = next++;
      results.push(await pool.run({ trackId: tracks[n % tracks.length]!, bytes, mediaMs: Math.floor(n / tracks.length) * 33 }));
    }
  };
  await Promise.all(Array.from({ length: pool.size * 2 }, lane));
  return { secs: (performance.now() - t0) / 1000, results };
}

export async function benchPose(report: (figure: PoseFigure) => void, options: BenchPoseOptions = {}): Promise<void> {
  const models = options.models ?? ['blazepose-lite', 'blazepose-full', 'movenet-lightning'];
  const sizes = options.sizes ?? [[640, 480], [1280, 720]];
  const workerCounts = options.workerCounts ?? [1, 2];
  const frames = options.frames ?? 40;
  for (const model of models) {
    for (const workers of workerCounts) {
      const pool = await PosePool.start({ workers, estimator: { model } });
      try {
        for (const [width, height] of sizes) {
          const { bytes, source } = await renderFrame(width, height);
          await timeRun(pool, bytes, 2 * workers); // warm-up: first inference compiles kernels
          const { secs, results } = await timeRun(pool, bytes, frames);
          const size = `${width}x${height}`;
          const base = { model, size, workers, source, frames };
          const found = results.filter((r) => r.poses.length > 0).length / results.length;
          report({ name: 'pose_throughput', value: round1(frames / secs), unit: 'frames/s', ...base, poseFound: round1(found) });
          report({ name: 'pose_estimate_ms', value: round1(median(results.map((r) => r.poseMs))), unit: 'ms/frame', ...base });
          report({ name: 'pose_decode_ms', value: round1(median(results.map((r) => r.decodeMs))), unit: 'ms/frame', ...base });
        }
      } finally {
        await pool.close();
      }
    }
  }
}
