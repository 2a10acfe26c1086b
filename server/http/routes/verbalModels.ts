// The verbal models a server can run and the one it runs (docs/protocol.md "Running model"):
// GET /api/models/verbal lists the library afresh; GET /api/settings/verbal answers what runs and
// where it came from; PUT /api/settings/verbal switches it (models/verbalSettings.ts).
import type { Router } from 'express';
import { VerbalSettingsPutSchema } from '../../../protocol/models';
import type { VerbalSettings } from '../../models/verbalSettings';
import { libraryRouter, settingsRouter } from './modelSettings';

export const verbalModelsRouter = (settings: VerbalSettings): Router => libraryRouter(settings);

export const verbalSettingsRouter = (settings: VerbalSettings): Router => settingsRouter(settings, VerbalSettingsPutSchema);
