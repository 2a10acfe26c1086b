// What GET /api/quality/compare (qualityCompare.ts) and GET /api/quality/posture/compare
// (qualityPostureCompare.ts) share: the request (its query, the session it names, the client
// hanging up), the library model B it names, the running model A held for the measurement and
// released after it, the measurement in one of Model quality's places, and B loaded aside for it
// and disposed after it (also when it fails, the client hangs up or the server stops).
import { Router } from 'express';
import type { z } from 'zod';
import { CompareModelUnloadableError, ModelNotInLibraryError, SameModelError } from '../../errors/errors';
import type { SessionService } from '../../pipeline/sessionService';
import { parseOr400 } from '../validate';
import type { QualityMeasurements } from './quality';

/** The running model as a comparison holds it until its answer. */
interface HeldRunning {
  id: string;
  classifier: { version: string };
  release(): void;
}

/**
 * The library model `ref` names, as a switch resolves it (404, 409 ambiguous), but a folder of the
 * library that is no loadable model (no manifest, a huge one…) is 422 with why, not "no such
 * model". Either kind's settings.
 */
export function resolveForCompare<E>(settings: { resolve(ref: string): E; whyNotModel(ref: string): string | undefined }, ref: string): E {
  try {
    return settings.resolve(ref);
  } catch (e) {
    const why = e instanceof ModelNotInLibraryError ? settings.whyNotModel(ref) : undefined;
    throw why === undefined ? e : new CompareModelUnloadableError(ref, why);
  }
}

/**
 * The library model `ref` names (resolveForCompare) measured against the running one, held from
 * now until the answer: 409 same_model for the one running; `measure` runs in one of the
 * measurements' places (503 busy or shutting_down; the client hanging up stops it).
 */
export function compareWithHeld<E extends { id: string; version: string }, R extends HeldRunning, T>(
  o: {
    measurements: Pick<QualityMeasurements, 'runAlone'>;
    settings: { resolve(ref: string): E; whyNotModel(ref: string): string | undefined };
    ref: string;
    hold: () => R;
    measure: (target: E, running: R, signal: AbortSignal) => Promise<T>;
  },
  hungUp: AbortSignal,
): Promise<T> {
  const target = resolveForCompare(o.settings, o.ref);
  const running = o.hold();
  // The same folder and the version loaded from it: nothing to compare (another folder with the same weights is compared, and ties).
  if (target.id === running.id && target.version === running.classifier.version) {
    running.release();
    return Promise.reject(new SameModelError(target.id, target.version));
  }
  let answer: Promise<T>;
  try {
    answer = o.measurements.runAlone((signal) => o.measure(target, running, signal), hungUp);
  } catch (err) {
    running.release();
    throw err;
  }
  return answer.finally(() => running.release());
}

/**
 * B loaded aside with the settings' loader (422 when it does not load), said in the log, then
 * `measure`d (not when the client hung up meanwhile) and disposed whatever happens.
 */
export async function withModelAside<C extends { version: string; dispose(): void }, T>(
  o: {
    settings: { loadAside(dir: string): Promise<C> };
    target: { id: string; dir: string };
    running: { id: string; classifier: { version: string } };
    /** How the log names B: "lib/x", "posture model lib/x". */
    named: string;
    log?: ((msg: string) => void) | undefined;
    /** performance.now() when the question came: the log says how long until B was loaded. */
    startedAt: number;
    signal: AbortSignal;
  },
  measure: (b: C) => Promise<T>,
): Promise<T> {
  let b: C | undefined;
  try {
    try {
      b = await o.settings.loadAside(o.target.dir);
    } catch (e) {
      throw new CompareModelUnloadableError(o.target.id, e instanceof Error ? e.message : String(e));
    }
    o.log?.(`comparing ${o.named} (${b.version}) with the running ${o.running.id} (${o.running.classifier.version}): loaded in ${Math.round(performance.now() - o.startedAt)} ms`);
    o.signal.throwIfAborted();
    return await measure(b);
  } finally {
    b?.dispose();
  }
}

/**
 * GET `/`: the query checked (400), the session it names known (404), then `compare`'s answer;
 * the client gone before it: the measurement stops and B is disposed.
 */
export function compareRouter<Q extends { session?: string | undefined }>(
  query: z.ZodType<Q>,
  service: Pick<SessionService, 'requireSession'>,
  compare: (q: Q, session: string | null, hungUp: AbortSignal) => Promise<unknown>,
): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parseOr400(query, req.query, 'query');
    const session = q.session ?? null;
    if (session !== null) service.requireSession(session);
    // The client gone before its answer: the measurement stops and B is disposed.
    const hungUp = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) hungUp.abort();
    });
    res.json(await compare(q, session, hungUp.signal));
  });
  return r;
}
