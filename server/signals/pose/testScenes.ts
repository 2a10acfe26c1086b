// Drawn test scenes (the project's own SVG, no photo): stick figures with a face that the pose
// models read, for person selection and tracking tests.
import sharp from 'sharp';
import { decodeImage } from './decode';
import type { Pose, RgbImage } from './types';

/** A filled stick figure `h` px tall, its head's top at (cx, top): torso, limbs, face with eyes and mouth. */
export function figureSvg(cx: number, top: number, h: number): string {
  const u = h / 10;
  const y = (k: number): number => top + k * u;
  return `<g stroke="#30343c" stroke-width="${u * 0.9}" stroke-linecap="round" fill="none">
    <path d="M${cx - 1.3 * u},${y(2.6)} L${cx + 1.3 * u},${y(2.6)} L${cx + u},${y(5.6)} L${cx - u},${y(5.6)} Z" fill="#4060a0" stroke="#4060a0"/>
    <polyline points="${cx - 1.3 * u},${y(2.8)} ${cx - 1.7 * u},${y(4.4)} ${cx - 1.2 * u},${y(5.8)}"/>
    <polyline points="${cx + 1.3 * u},${y(2.8)} ${cx + 1.7 * u},${y(4.4)} ${cx + 1.2 * u},${y(5.8)}"/>
    <polyline points="${cx - 0.7 * u},${y(5.6)} ${cx - 0.8 * u},${y(7.6)} ${cx - 0.8 * u},${y(9.5)}"/>
    <polyline points="${cx + 0.7 * u},${y(5.6)} ${cx + 0.8 * u},${y(7.6)} ${cx + 0.8 * u},${y(9.5)}"/>
  </g>
  <rect x="${cx - 0.25 * u}" y="${y(2)}" width="${0.5 * u}" height="${0.7 * u}" fill="#d9a88a"/>
  <ellipse cx="${cx}" cy="${y(1.3)}" rx="${0.7 * u}" ry="${0.9 * u}" fill="#d9a88a" stroke="#30343c"/>
  <circle cx="${cx - 0.28 * u}" cy="${y(1.1)}" r="${0.1 * u}" fill="#222"/>
  <circle cx="${cx + 0.28 * u}" cy="${y(1.1)}" r="${0.1 * u}" fill="#222"/>
  <line x1="${cx - 0.25 * u}" y1="${y(1.7)}" x2="${cx + 0.25 * u}" y2="${y(1.7)}" stroke="#a33" stroke-width="${0.08 * u}"/>`;
}

/** 640×480: the participant (300 px tall) in the centre, shifted by `dx`; a bystander as tall at the left edge. */
export async function twoPeopleJpeg(dx = 0): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <rect width="100%" height="100%" fill="#c8c0b0"/>${figureSvg(320 + dx, 40, 300)}${figureSvg(80, 160, 300)}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

/** twoPeopleJpeg decoded. The mouth matters: without it BlazePose misses the figure on some crops. */
export async function twoPeople(dx = 0): Promise<RgbImage> {
  return decodeImage(await twoPeopleJpeg(dx));
}

export const shoulderX = (p: Pose): number => (p.landmarks[11]!.x + p.landmarks[12]!.x) / 2;
/** The participant's shoulders lie near x = 0.5 (+ the shift); the bystander's near 0.125. */
export const onParticipant = (p: Pose | undefined, dx = 0): boolean => !!p && Math.abs(shoulderX(p) - (320 + dx) / 640) < 0.08;
export const onBystander = (p: Pose | undefined): boolean => !!p && Math.abs(shoulderX(p) - 80 / 640) < 0.08;

