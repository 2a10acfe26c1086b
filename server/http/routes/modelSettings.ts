// The routes every kind of running model shares (verbalModels.ts, postureModels.ts): its library,
// read afresh at each request, and its settings, answered and switched.
import { Router } from 'express';
import type { z } from 'zod';
import { jsonBody, parseOr400 } from '../validate';

/** GET /: the library, never cached (a training job adds a folder at any time). */
export function libraryRouter(settings: { library(): unknown }): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.set('cache-control', 'no-store').json(settings.library());
  });
  return r;
}

/** GET /: what runs and where it came from; PUT /: the body checked by `schema`, then the switch. */
export function settingsRouter<S extends z.ZodType>(settings: { settings(): unknown; apply(put: z.infer<S>): Promise<unknown> }, schema: S): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.set('cache-control', 'no-store').json(settings.settings());
  });
  r.put('/', ...jsonBody('16kb'), async (req, res) => {
    const put = parseOr400(schema, req.body ?? {});
    res.json(await settings.apply(put));
  });
  return r;
}
