// `GET /api/quality/compare?model=ID[&session=ID][&rows=N]`: a model of the library (B) measured
// against the running one (A) on the coaches' labelled turns neither was trained on
// (server/eval/comparison.ts). B is loaded for this measurement only and disposed after it
// (also when it fails, the client hangs up or the server stops); the measurement is one of GET
// /api/quality's QUALITY_MEASUREMENTS_MAX.
import { Router } from 'express';
import { z } from 'zod';
import { MODEL_REF_MAX_CHARS } from '../../../protocol/models';
import { QUALITY_ROWS_DEFAULT } from '../../../protocol/quality';
import type { VerbalComparison } from '../../../protocol/compare';
import { CompareModelUnloadableError, ModelNotInLibraryError, SameModelError } from '../../errors/errors';
import { measureComparison } from '../../eval/comparison';
import type { VerbalSettings } from '../../models/verbalSettings';
import type { SessionService } from '../../pipeline/sessionService';
import type { VerbalClassifier } from '../../signals/verbal/types';
import { parseOr400 } from '../validate';
import { QualityQuery, type QualityMeasurements } from './quality';

/** GET /api/quality's query and the model to compare (an id or version, as PUT /api/settings/verbal takes it). */
export const CompareQuery = QualityQuery.extend({
  model: z
    .string({ error: (iss) => (iss.input === undefined ? 'is required (the library model to compare with the running one: an id from GET /api/models/verbal)' : 'must be given once (the library model to compare)') })
    .min(1, 'must name a model (an id or version from GET /api/models/verbal)')
    .max(MODEL_REF_MAX_CHARS, `must be at most ${MODEL_REF_MAX_CHARS} characters (a model id or version)`),
});

export interface CompareDeps {
  measurements: QualityMeasurements;
  service: SessionService;
  settings: VerbalSettings;
  log?: ((msg: string) => void) | undefined;
}

/**
 * The answer, B loaded and measured within one of the measurements' places: 404 / 409 ambiguous
 * for a model the library does not hold (as PUT /api/settings/verbal), 409 same_model for the
 * one running, 503 busy or shutting_down, 422 when B does not load.
 */
export function compareWithRunning(deps: CompareDeps, q: { model: string; session: string | null; rowsCap: number }, hungUp: AbortSignal): Promise<VerbalComparison> {
  let target;
  try {
    target = deps.settings.resolve(q.model);
  } catch (e) {
    // A folder of the library that is no loadable model (no manifest, a huge one…): 422 with why, not "no such model".
    const why = e instanceof ModelNotInLibraryError ? deps.settings.whyNotModel(q.model) : undefined;
    throw why === undefined ? e : new CompareModelUnloadableError(q.model, why);
  }
  const running = deps.measurements.holdRunning();
  // The same folder and the version loaded from it: nothing to compare (another folder with the same weights is compared, and ties).
  if (target.id === running.id && target.version === running.classifier.version) {
    running.release();
    return Promise.reject(new SameModelError(target.id, target.version));
  }
  let answer: Promise<VerbalComparison>;
  try {
    answer = deps.measurements.runAlone(async (signal) => {
      let b: VerbalClassifier | undefined;
      try {
        const t0 = performance.now();
        try {
          b = await deps.settings.loadAside(target.dir);
        } catch (e) {
          throw new CompareModelUnloadableError(target.id, e instanceof Error ? e.message : String(e));
        }
        deps.log?.(`comparing ${target.id} (${b.version}) with the running ${running.id} (${running.classifier.version}): loaded in ${Math.round(performance.now() - t0)} ms`);
        signal.throwIfAborted();
        return await measureComparison({
          session: q.session,
          // Read now, in one synchronous step: the store as it is when asked.
          corrections: deps.service.correctionsForExport(q.session ?? undefined),
          rowsCap: q.rowsCap,
          a: { id: running.id, classifier: running.classifier, dir: deps.measurements.runningDir(running.dir) ?? running.dir },
          b: { id: target.id, classifier: b, dir: target.dir },
          thresholds: running.thresholds,
          signal,
          startedAt: t0,
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

export function qualityCompareRouter(deps: CompareDeps): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parseOr400(CompareQuery, req.query, 'query');
    const session = q.session ?? null;
    if (session !== null) deps.service.requireSession(session);
    // The client gone before its answer: the measurement stops and B is disposed.
    const hungUp = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) hungUp.abort();
    });
    res.json(await compareWithRunning(deps, { model: q.model, session, rowsCap: q.rows ?? QUALITY_ROWS_DEFAULT }, hungUp.signal));
  });
  return r;
}
