// The posture models a server can run and the one it runs (docs/protocol.md "Running posture
// model"): GET /api/models/posture lists the library afresh; GET /api/settings/posture answers
// what runs and where it came from; PUT /api/settings/posture switches it (models/postureSettings.ts).
import type { Router } from 'express';
import { PostureSettingsPutSchema } from '../../../protocol/postureModels';
import type { PostureSettings } from '../../models/postureSettings';
import { libraryRouter, settingsRouter } from './modelSettings';

export const postureModelsRouter = (settings: PostureSettings): Router => libraryRouter(settings);

export const postureSettingsRouter = (settings: PostureSettings): Router => settingsRouter(settings, PostureSettingsPutSchema);
