// The verbal models a server can run and the one it runs (docs/protocol.md "Running model"):
// GET /api/models/verbal lists the library afresh; GET /api/settings/verbal answers what runs and
// where it came from; PUT /api/settings/verbal switches it (models/verbalSettings.ts).
import { Router } from 'express';
import { VerbalSettingsPutSchema } from '../../../protocol/models';
import type { VerbalSettings } from '../../models/verbalSettings';
import { jsonBody, parseOr400 } from '../validate';

export function verbalModelsRouter(settings: VerbalSettings): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.set('cache-control', 'no-store').json(settings.library());
  });
  return r;
}

export function verbalSettingsRouter(settings: VerbalSettings): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.set('cache-control', 'no-store').json(settings.settings());
  });
  r.put('/', ...jsonBody('16kb'), async (req, res) => {
    const put = parseOr400(VerbalSettingsPutSchema, req.body ?? {});
    res.json(await settings.apply(put));
  });
  return r;
}
