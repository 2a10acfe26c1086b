// Training a candidate model on the coaches' labels stored in this server, as a background job
// (server/training/trainJobs.ts for the verbal model, postureJobs.ts for the posture model): POST
// starts one, GET reads it, DELETE cancels it. Both kinds answer alike; only the body differs.
import { Router } from 'express';
import type { z } from 'zod';
import { TrainRequestSchema } from '../../../protocol/training';
import { jsonBody, parseOr400 } from '../validate';

/** A kind's jobs, as the routes use them (TrainJobs, PostureTrainJobs). */
export interface JobsOfKind<R> {
  start(req: R): unknown;
  current(): unknown;
  cancel(): Promise<unknown>;
}

/** Mounted at `/api/models/verbal/train` (the default body) or `/api/models/posture/train` (PostureTrainRequestSchema). */
export function trainingRouter<R>(jobs: JobsOfKind<R>, body: z.ZodType<R> = TrainRequestSchema as unknown as z.ZodType<R>): Router {
  const r = Router();
  r.post('/', ...jsonBody('4kb'), (req, res) => {
    // No body at all reads as {}: every field has its default.
    const parsed = parseOr400(body, req.body ?? {});
    res.status(202).json({ job: jobs.start(parsed) });
  });
  r.get('/', (_req, res) => {
    res.json({ job: jobs.current() });
  });
  r.delete('/', async (_req, res) => {
    res.json({ job: await jobs.cancel() });
  });
  return r;
}
