// A local photo file and whom to judge in it: the one path `eval posture`, `analyze PHOTO` and
// POST /api/photos share, so the figures the eval reports are those of the photos the others describe.
import fs from 'node:fs';
import { PHOTO_FILE_DECODE_LIMITS, PHOTO_FILE_FORMATS } from '../pose/constants';
import { decodeImage } from '../pose/decode';
import type { TrackingPoseEstimator } from '../pose/estimator';
import type { Pose, RgbImage } from '../pose/types';
import type { EvalPeople } from './evalPosture';
import { choosePerson, type PersonHint } from '../pose/people';

/** Decodes a photo file with the generous local-file limits; throws ImageError when it cannot. */
export function readPhotoFile(file: string): Promise<RgbImage> {
  return decodeImage(fs.readFileSync(file), { ...PHOTO_FILE_DECODE_LIMITS, formats: PHOTO_FILE_FORMATS });
}

/**
 * Whom a photo is judged on among the poses read from it: with `all` every one (read by
 * estimateEveryone), else the participant — at most one pose, the one nearest a pointed box if any.
 */
export function judgedPoses(poses: readonly Pose[], people: EvalPeople, hint?: PersonHint): Pose[] {
  if (people === 'all') return [...poses];
  const chosen = choosePerson(poses, hint);
  return chosen >= 0 ? [poses[chosen]!] : [];
}

/** What photoPeople needs of a pose estimator (a TrackingPoseEstimator; tests give their own). */
export type PhotoPoseEstimator = Pick<TrackingPoseEstimator, 'estimate' | 'estimateEveryone'>;

/** The people a photo is judged on: the chosen participant (at most one pose), or every sizeable person. */
export async function photoPeople(estimator: PhotoPoseEstimator, image: RgbImage, people: EvalPeople): Promise<Pose[]> {
  return judgedPoses(people === 'all' ? await estimator.estimateEveryone(image) : await estimator.estimate(image), people);
}
