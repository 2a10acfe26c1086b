// `GET /api/quality/posture/compare?model=ID[&session=ID]`: a posture model of the library (B)
// measured against the running one (A) on the coaches' labelled frames neither was trained on
// (server/eval/postureComparison.ts), the posture counterpart of GET /api/quality/compare (its
// own path: the answer's shape is per label, not per subset of turns). B is loaded for this
// measurement only and disposed after it (also when it fails, the client hangs up or the server
// stops); the measurement is one of GET /api/quality's QUALITY_MEASUREMENTS_MAX. A posture model
// is ~100 KB and judges a frame in well under a millisecond, so both run on this thread a chunk
// per turn of the event loop; the paired bootstraps run in the quality worker.
import { Router } from 'express';
import { z } from 'zod';
import { MODEL_REF_MAX_CHARS } from '../../../protocol/models';
import type { PostureComparison } from '../../../protocol/compare';
import { CompareModelUnloadableError, SameModelError } from '../../errors/errors';
import { measurePostureComparison } from '../../eval/postureComparison';
import type { PostureRuntime } from '../../models/postureRuntime';
import type { PostureSettings } from '../../models/postureSettings';
import type { SessionService } from '../../pipeline/sessionService';
import type { PostureClassifier } from '../../signals/posture/model';
import { parseOr400 } from '../validate';
import { QualityQuery, type QualityMeasurements } from './quality';
import { resolveForCompare } from './qualityCompare';

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
  const target = resolveForCompare(deps.settings, q.model);
  const running = deps.runtime.hold();
  // The same folder and the version loaded from it: nothing to compare (another folder with the same weights is compared, and ties).
  if (target.id === running.id && target.version === running.classifier.version) {
    running.release();
    return Promise.reject(new SameModelError(target.id, target.version));
  }
  let answer: Promise<PostureComparison>;
  try {
    answer = deps.measurements.runAlone(async (signal) => {
      const startedAt = performance.now();
      // Read now, in one synchronous step: the store as it is when asked.
      const postureLabels = [...deps.service.postureLabelsForExport(q.session ?? undefined)];
      let b: PostureClassifier | undefined;
      try {
        try {
          b = await deps.settings.loadAside(target.dir);
        } catch (e) {
          throw new CompareModelUnloadableError(target.id, e instanceof Error ? e.message : String(e));
        }
        deps.log?.(`comparing posture model ${target.id} (${b.version}) with the running ${running.id} (${running.classifier.version}): loaded in ${Math.round(performance.now() - startedAt)} ms`);
        signal.throwIfAborted();
        return await measurePostureComparison({
          session: q.session, postureLabels, signal, startedAt,
          a: { id: running.id, classifier: running.classifier, dir: running.dir || deps.baseDir || '' },
          b: { id: target.id, classifier: b, dir: target.dir },
        });
      } finally {
        b?.dispose();
      }
    }, hungUp);
  } catch (err) {
    running.release();
    throw err;
  }
  return answer.finally(() => running.release());
}

export function qualityPostureCompareRouter(deps: PostureCompareDeps): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parseOr400(PostureCompareQuery, req.query, 'query');
    const session = q.session ?? null;
    if (session !== null) deps.service.requireSession(session);
    // The client gone before its answer: the measurement stops and B is disposed.
    const hungUp = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) hungUp.abort();
    });
    res.json(await comparePostureWithRunning(deps, { model: q.model, session }, hungUp.signal));
  });
  return r;
}
