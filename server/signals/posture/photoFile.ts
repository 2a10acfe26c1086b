// A local photo file and whom to judge in it: the one path `eval posture` and `analyze PHOTO`
// share, so the figures the eval reports are those of the photos `analyze` describes.
import fs from 'node:fs';
import { PHOTO_FILE_DECODE_LIMITS, PHOTO_FILE_FORMATS } from '../pose/constants';
import { decodeImage } from '../pose/decode';
import type { TrackingPoseEstimator } from '../pose/estimator';
import type { Pose, RgbImage } from '../pose/types';
import type { EvalPeople } from './evalPosture';
import { choosePerson } from './photo';

/** Decodes a photo file with the generous local-file limits; throws ImageError when it cannot. */
export function readPhotoFile(file: string): Promise<RgbImage> {
  return decodeImage(fs.readFileSync(file), { ...PHOTO_FILE_DECODE_LIMITS, formats: PHOTO_FILE_FORMATS });
}

/** The people a photo is judged on: the chosen participant (at most one pose), or every sizeable person. */
export async function photoPeople(estimator: TrackingPoseEstimator, image: RgbImage, people: EvalPeople): Promise<Pose[]> {
  if (people === 'all') return estimator.estimateEveryone(image);
  const poses = await estimator.estimate(image);
  const chosen = choosePerson(poses);
  return chosen >= 0 ? [poses[chosen]!] : [];
}
