// `GET /api/quality/posture/compare?model=ID[&session=ID]`: a posture model of the library (B)
// measured against the running one (A) on the coaches' labelled frames neither was trained on
// (server/eval/postureComparison.ts), the posture counterpart of GET /api/quality/compare (its
// own path: the answer's shape is per label, not per subset of turns; the request's handling is
// the one they share, compareRequest.ts). B is loaded for this
// measurement only and disposed after it (also when it fails, the client hangs up or the server
// stops); the measurement is one of GET /api/quality's QUALITY_MEASUREMENTS_MAX. A posture model
// is ~100 KB and judges a frame in well under a millisecond, so both run on this thread a chunk
// per turn of the event loop; the paired bootstraps run in the quality worker.
import type { Router } from 'express';
import { z } from 'zod';
import { MODEL_REF_MAX_CHARS } from '../../../protocol/models';
import type { PostureComparison } from '../../../protocol/compare';
import { measurePostureComparison } from '../../eval/postureComparison';
import type { PostureRuntime } from '../../models/postureRuntime';
import type { PostureSettings } from '../../models/postureSettings';
import type { SessionService } from '../../pipeline/sessionService';
import { compareRouter, compareWithHeld, withModelAside } from './compareRequest';
import { QualityQuery, type QualityMeasurements } from './quality';

/** The session to measure (as GET /api/quality) and the posture model to compare (an id or version, as PUT /api/settings/posture takes it); `rows` caps corrections, which this does not read. */
export const PostureCompareQuery = QualityQuery.omit({ rows: true }).extend({
  model: z
    .string({ error: (iss) => (iss.input === undefined ? 'is required (the library posture model to compare with the running one: an id from GET /api/models/posture)' : 'must be given once (the library posture model to compare)') })
    .min(1, 'must name a model (an id or version from GET /api/models/posture)')
    .max(MODEL_REF_MAX_CHARS, `must be at most ${MODEL_REF_MAX_CHARS} characters (a model id or version)`),
});

export interface PostureCompareDeps {
  measurements: QualityMeasurements;
  service: SessionService;
  settings: PostureSettings;
  runtime: PostureRuntime;
  /** The base posture model's folder, when the running one's is not recorded (as GET /api/quality's modelDirs.posture). */
  baseDir?: string | undefined;
  log?: ((msg: string) => void) | undefined;
}

/**
 * The answer, B loaded and measured within one of the measurements' places: 404 / 409 ambiguous
 * for a model the library does not hold (as PUT /api/settings/posture), 422 for a listed folder
 * that is no model or does not load, 409 same_model for the one running, 503 busy or shutting_down.
 */
export function comparePostureWithRunning(deps: PostureCompareDeps, q: { model: string; session: string | null }, hungUp: AbortSignal): Promise<PostureComparison> {
  return compareWithHeld(
    {
      measurements: deps.measurements,
      settings: deps.settings,
      ref: q.model,
      hold: () => deps.runtime.hold(),
      measure: async (target, running, signal) => {
        const startedAt = performance.now();
        // Read now, in one synchronous step: the store as it is when asked.
        const postureLabels = [...deps.service.postureLabelsForExport(q.session ?? undefined)];
        return withModelAside({ settings: deps.settings, target, running, named: `posture model ${target.id}`, log: deps.log, startedAt, signal }, (b) =>
          measurePostureComparison({
            session: q.session, postureLabels, signal, startedAt,
            a: { id: running.id, classifier: running.classifier, dir: running.dir || deps.baseDir || '' },
            b: { id: target.id, classifier: b, dir: target.dir },
          }),
        );
      },
    },
    hungUp,
  );
}

export const qualityPostureCompareRouter = (deps: PostureCompareDeps): Router =>
  compareRouter(PostureCompareQuery, deps.service, (q, session, hungUp) => comparePostureWithRunning(deps, { model: q.model, session }, hungUp));
