// Training a candidate verbal model on the coaches' labels stored in this server, as a background
// job (server/training/trainJobs.ts): POST starts one, GET reads it, DELETE cancels it.
import { Router } from 'express';
import { TrainRequestSchema } from '../../../protocol/training';
import type { TrainJobs } from '../../training/trainJobs';
import { jsonBody, parseOr400 } from '../validate';

/** Mounted at `/api/models/verbal/train`. */
export function trainingRouter(jobs: TrainJobs): Router {
  const r = Router();
  r.post('/', ...jsonBody('4kb'), (req, res) => {
    // No body at all reads as {}: every field has its default.
    const body = parseOr400(TrainRequestSchema, req.body ?? {});
    res.status(202).json({ job: jobs.start(body) });
  });
  r.get('/', (_req, res) => {
    res.json({ job: jobs.current() });
  });
  r.delete('/', async (_req, res) => {
    res.json({ job: await jobs.cancel() });
  });
  return r;
}
