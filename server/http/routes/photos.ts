// One photo judged on its own: POST /api/photos with the image bytes answers who is in it and
// their posture labels, through the server's pose pool and posture classifier. Nothing is
// stored: this is the single-photo judgement `eval posture` measures, for a coach or an
// analyst checking a still.
import express, { Router } from 'express';
import { z } from 'zod';
import { LIMITS_POSTURE } from '../../../protocol/protocol';
import { AppError } from '../../errors/errors';
import { ImageError } from '../../signals/pose/errors';
import type { FrameService } from '../../frames/frameService';
import type { PostureRuntime } from '../../models/postureRuntime';
import { EVAL_PEOPLE } from '../../signals/posture/evalPosture';
import { judgedPoses } from '../../signals/posture/photoFile';
import { judgePeople } from '../../signals/posture/verdict';
import { parseOr400 } from '../validate';
import { PersonQuery } from './frames';

const PhotoQuery = z
  .object({
    /** participant (default): the one person the product would follow; all: every sizeable person. */
    people: z.enum(EVAL_PEOPLE).optional(),
    /** Which person is the participant, as on frames. */
    person: PersonQuery,
  })
  .strict();

/** Photos waiting for the pool at most; more get 503 instead of an unbounded queue. */
export const PHOTOS_IN_FLIGHT_MAX = 8;

export function photosRouter(frames: FrameService, posture: PostureRuntime | undefined): Router {
  const r = Router();
  let inFlight = 0;
  r.post('/', express.raw({ type: () => true, limit: LIMITS_POSTURE.frameMaxBytes }), async (req, res) => {
    const q = parseOr400(PhotoQuery, req.query, 'query');
    if (!posture) throw new AppError('posture_model_missing', 'the posture model is not loaded: run `npx buying-signals train posture`', 503);
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // With or without Content-Length: 0, as for frames (400 image_empty, field image).
    if (bytes.length === 0) throw new ImageError('image_empty', 'the photo is empty (0 bytes): send JPEG, PNG or WebP bytes as the request body');
    if (inFlight >= PHOTOS_IN_FLIGHT_MAX) throw new AppError('busy', `${PHOTOS_IN_FLIGHT_MAX} photos are already being read; retry shortly`, 503);
    inFlight++;
    try {
      const people = q.people ?? 'participant';
      const pose = await frames.photo(bytes, { ...(q.person && { person: q.person }), everyone: people === 'all' });
      // The model running once the poses are found, read in the step that judges them and names its version.
      const classifier = posture.current.classifier;
      const persons = judgePeople(classifier, judgedPoses(pose.poses, people, q.person ? { box: q.person } : undefined), pose.width / pose.height);
      res.json({ people, width: pose.width, height: pose.height, modelVersion: classifier.version, persons });
    } finally {
      inFlight--;
    }
  });
  return r;
}
