// The express app: JSON API under /api, the built browser client at /.
import express, { type Express } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { PROTOCOL_VERSION } from '../../protocol/protocol';
import type { DemoMeeting } from '../demo/demo';
import type { SessionService } from '../pipeline/sessionService';
import { errorHandler, notFoundApi } from './errorHandler';
import { assetsRouter } from './routes/assets';
import { sameOriginWrites } from './origin';
import { anyHost, hostGuard, type HostCheck } from './hosts';
import { tokenGuard } from './auth';
import type { FrameService } from '../frames/frameService';
import { framesRouter } from './routes/frames';
import { photosRouter } from './routes/photos';
import type { PostureRuntime } from '../models/postureRuntime';
import { sessionsRouter, transcriptsRouter } from './routes/sessions';
import { archivesRouter, sessionArchiveRouter } from './routes/archives';
import { allCorrectionsRouter, sessionCorrectionsRouter } from './routes/corrections';
import { sessionUtterancesRouter } from './routes/utterances';
import { allCueReviewsRouter, sessionCueReviewsRouter } from './routes/cueReviews';
import { allPostureLabelsRouter, sessionPostureLabelsRouter } from './routes/postureLabels';
import { sessionCommentsRouter } from './routes/comments';
import { QualityMeasurements, qualityRouter } from './routes/quality';
import { qualityCompareRouter } from './routes/qualityCompare';
import { qualityPostureCompareRouter } from './routes/qualityPostureCompare';
import type { BackendName } from '../runtime/backend';
import { searchRouter } from './routes/search';
import { trainingRouter } from './routes/training';
import type { TrainJobs } from '../training/trainJobs';
import type { PostureTrainJobs } from '../training/postureJobs';
import { PostureTrainRequestSchema } from '../../protocol/postureModels';
import { verbalModelsRouter, verbalSettingsRouter } from './routes/verbalModels';
import type { VerbalSettings } from '../models/verbalSettings';
import type { PostureSettings } from '../models/postureSettings';
import { postureModelsRouter, postureSettingsRouter } from './routes/postureModels';

export interface AppDeps {
  service: SessionService;
  frames: FrameService;
  backend: string;
  /** The server's pose estimator for frames and photos (blazepose-full, …). */
  poseModel?: string;
  /** The running posture model (read at use time: an analyst may switch it): judges single photos (POST /api/photos; without it that route answers 503) and is measured by GET /api/quality. */
  posture?: PostureRuntime;
  demo: DemoMeeting;
  /** Folder of the built client (dist/client); absent folders give a page saying how to build. */
  clientDir: string;
  /** The names requests may address the server by (default: any; `startServer` sets it from the bound interface). */
  hosts?: HostCheck;
  /** The running models' folders, for GET /api/quality's training figures and trained-on check. */
  modelDirs?: { verbal: string; posture: string };
  /** GET /api/quality's measurements, which the server's close stops (none given: the app makes its own). */
  quality?: QualityMeasurements;
  /** Training jobs (POST /api/models/verbal/train); absent: those routes answer 404 as unknown. */
  training?: TrainJobs;
  /** Posture training jobs (POST /api/models/posture/train); absent: those routes answer 404 as unknown. */
  postureTraining?: PostureTrainJobs;
  /** The verbal model library and the running model's settings; without it those routes answer 404. */
  verbalSettings?: VerbalSettings;
  /** The posture model library and the running posture model's settings; without it those routes answer 404. */
  postureSettings?: PostureSettings;
  /** The access token every request but the health check must carry (http/auth.ts); none: open. */
  token?: string;
  log: (msg: string) => void;
}

/**
 * The client's whole world is this origin: its script, styles, the tasks-vision module and
 * wasm ('wasm-unsafe-eval' compiles it), pose models, socket.io, and blob: URLs for a chosen
 * video file. Stored names and texts are rendered as text nodes; the policy is the second
 * line of defence should that ever slip, and frame-ancestors stops other sites framing it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  // No guessing a JSON error or an uploaded-looking body into HTML or script.
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  app.use(hostGuard(deps.hosts ?? anyHost));
  if (deps.token !== undefined) app.use(tokenGuard(deps.token));
  app.use(sameOriginWrites);
  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, protocolVersion: PROTOCOL_VERSION, backend: deps.backend, verbalModel: deps.service.modelVersion, postureModel: deps.posture?.current.classifier.version ?? null, ...(deps.poseModel ? { poseModel: deps.poseModel } : {}), cueMinSignalScore: deps.service.cueMinSignalScore, signalThresholds: deps.service.signalThresholds });
  });
  app.get('/api/demo', (_req, res) => {
    res.json(deps.demo);
  });
  app.use('/api/sessions/:id', framesRouter(deps.service, deps.frames));
  app.use('/api/sessions/:id', sessionCorrectionsRouter(deps.service));
  app.use('/api/sessions/:id', sessionUtterancesRouter(deps.service));
  app.use('/api/corrections', allCorrectionsRouter(deps.service));
  app.use('/api/sessions/:id', sessionCueReviewsRouter(deps.service));
  app.use('/api/cue-reviews', allCueReviewsRouter(deps.service));
  app.use('/api/sessions/:id', sessionPostureLabelsRouter(deps.service));
  app.use('/api/posture-labels', allPostureLabelsRouter(deps.service));
  app.use('/api/sessions/:id', sessionCommentsRouter(deps.service));
  const quality = deps.quality ?? new QualityMeasurements({ service: deps.service, posture: deps.posture, modelDirs: deps.modelDirs });
  // Before /api/quality's own router: the library and its loader are the running model's settings'.
  if (deps.verbalSettings) app.use('/api/quality/compare', qualityCompareRouter({ measurements: quality, service: deps.service, settings: deps.verbalSettings, log: deps.log, backend: deps.backend as BackendName }));
  if (deps.postureSettings && deps.posture) {
    app.use('/api/quality/posture/compare', qualityPostureCompareRouter({ measurements: quality, service: deps.service, settings: deps.postureSettings, runtime: deps.posture, baseDir: deps.modelDirs?.posture, log: deps.log }));
  }
  app.use('/api/quality', qualityRouter(quality, deps.service));
  app.use('/api/search', searchRouter(deps.service));
  if (deps.training) app.use('/api/models/verbal/train', trainingRouter(deps.training));
  if (deps.postureTraining) app.use('/api/models/posture/train', trainingRouter(deps.postureTraining, PostureTrainRequestSchema));
  if (deps.verbalSettings) {
    app.use('/api/models/verbal', verbalModelsRouter(deps.verbalSettings));
    app.use('/api/settings/verbal', verbalSettingsRouter(deps.verbalSettings));
  }
  if (deps.postureSettings) {
    app.use('/api/models/posture', postureModelsRouter(deps.postureSettings));
    app.use('/api/settings/posture', postureSettingsRouter(deps.postureSettings));
  }
  app.use('/api/sessions', sessionArchiveRouter(deps.service));
  app.use('/api/sessions', sessionsRouter(deps.service));
  app.use('/api/photos', photosRouter(deps.frames, deps.posture));
  app.use('/api/transcripts', transcriptsRouter(deps.service));
  app.use('/api/archives', archivesRouter(deps.service));
  app.use('/api', notFoundApi);
  app.use(assetsRouter());
  if (fs.existsSync(path.join(deps.clientDir, 'index.html'))) {
    app.use(express.static(deps.clientDir, { index: 'index.html', maxAge: 0 }));
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('The browser client is not built: run `npm run build`.');
    });
  }
  app.use(errorHandler(deps.log));
  return app;
}
