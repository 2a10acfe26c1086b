// Projects a synthetic 3D skeleton through a pinhole camera into BlazePose-style landmarks
// (normalised x/y, hip-relative z in width units, a visibility score), framed like a photo
// or a video crop: full body, three-quarter, or upper body with the hips off the frame.
import type { Landmark } from '../pose/types';
import { add, cross, dot, scale, sub, unit, type V3 } from './vec';

export interface CameraSpec {
  /** Radians around the person: 0 = in front of them, ±π/2 = side views. */
  yaw: number;
  /** Radians of elevation: positive looks down on the person. */
  pitch: number;
  roll: number;
  distanceM: number;
  /** Height (body frame, metres) the camera aims at. */
  aimY: number;
}

export interface Framing {
  /** Image width / height. */
  aspect: number;
  /** Body-frame height (metres) of the lowest point kept in the picture. */
  bottomY: number;
  /** Share of the image height the kept part fills (above 1 crops the head or bottom). */
  fill: number;
  /** Horizontal and vertical placement jitter, in image-height units. */
  shiftX: number;
  shiftY: number;
}

export interface Projected {
  /** Image coordinates in image-height units (x from the left edge, y from the top). */
  x: number;
  y: number;
  depth: number;
}

/** Perspective projection with focal length 1 (the framing rescales it). */
export function projectPoints(points: readonly V3[], cam: CameraSpec): Projected[] {
  const target: V3 = [0, cam.aimY, 0];
  const dir: V3 = [Math.sin(cam.yaw) * Math.cos(cam.pitch), Math.sin(cam.pitch), Math.cos(cam.yaw) * Math.cos(cam.pitch)];
  const eye = add(target, scale(dir, cam.distanceM));
  const fwd = unit(sub(target, eye));
  let right = unit(cross(fwd, [0, 1, 0]));
  let up = cross(right, fwd);
  if (cam.roll) {
    const c = Math.cos(cam.roll), s = Math.sin(cam.roll);
    [right, up] = [add(scale(right, c), scale(up, s)), add(scale(up, c), scale(right, -s))];
  }
  return points.map((p) => {
    const d = sub(p, eye);
    const depth = Math.max(dot(d, fwd), 0.05);
    return { x: dot(d, right) / depth, y: -dot(d, up) / depth, depth };
  });
}

export interface FrameTransform {
  aspect: number;
  /** Image-height units per focal-1 unit. */
  s: number;
  ox: number;
  oy: number;
}

/**
 * Where the projected body goes in the image: the part from the head down to `bottomY`
 * (body-frame height) fills `fill` of the image height. Computed once per person from a
 * reference pose, so a lean changes the size in the picture the way a fixed camera sees it.
 */
export function frameTransform(points: readonly V3[], proj: readonly Projected[], f: Framing): FrameTransform {
  const kept = proj.filter((_, i) => points[i]![1] >= f.bottomY - 1e-6);
  const box = kept.length ? kept : proj;
  const ys = box.map((p) => p.y);
  const xs = box.map((p) => p.x);
  const top = Math.min(...ys);
  const bottom = Math.max(...ys);
  // The head landmarks sit at eye level: leave room above them for the skull.
  const span = Math.max((bottom - top) * 1.12, 1e-6);
  const s = f.fill / span;
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  return {
    aspect: f.aspect,
    s,
    ox: f.aspect / 2 - cx * s + f.shiftX,
    oy: 0.5 - ((top + bottom) / 2 - (bottom - top) * 0.06) * s + f.shiftY,
  };
}

/** Landmarks with perfect scores; noise and occlusion are the caller's business. */
export function applyFrame(proj: readonly Projected[], t: FrameTransform): Landmark[] {
  const hipMid = proj.length > 24 ? (proj[23]!.depth + proj[24]!.depth) / 2 : 1;
  return proj.map((p) => ({
    x: (p.x * t.s + t.ox) / t.aspect,
    y: p.y * t.s + t.oy,
    // MediaPipe convention: depth from the hip midpoint, negative toward the camera, in x units.
    z: (((p.depth - hipMid) / hipMid) * t.s) / t.aspect,
    score: 1,
  }));
}
