// `GET /api/quality/compare?model=ID[&session=ID][&rows=N]`: a model of the library (B) measured
// against the running one (A) on the coaches' labelled turns neither was trained on
// (server/eval/comparison.ts). B is loaded for this measurement only and disposed after it
// (also when it fails, the client hangs up or the server stops); the measurement is one of GET
// /api/quality's QUALITY_MEASUREMENTS_MAX. The whole measurement (both models' load, their
// predictions, the bootstraps) runs in a worker thread at the lowest priority (compareWorker.ts):
// the live path's event loop only reads the store and posts the rows.
import { Router } from 'express';
import { z } from 'zod';
import { MODEL_REF_MAX_CHARS } from '../../../protocol/models';
import { QUALITY_ROWS_DEFAULT } from '../../../protocol/quality';
import type { VerbalComparison } from '../../../protocol/compare';
import path from 'node:path';
import { CompareModelUnloadableError, ModelNotInLibraryError, RunningModelChangedError, SameModelError } from '../../errors/errors';
import { measureComparison } from '../../eval/comparison';
import type { CompareFromWorker, CompareWorkerJob } from '../../eval/compareWorkerProtocol';
import { newestCorrections } from '../../eval/quality';
import type { LibraryEntry } from '../../models/verbalLibrary';
import type { HeldVerbal } from '../../models/verbalRuntime';
import type { BackendName } from '../../runtime/backend';
import { runWorkerOnce, startModuleWorker } from '../../runtime/worker';
import type { CorrectionForExport } from '../../store/sqliteStore';
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
  /** The tfjs backend the server runs (the worker starts the same). */
  backend?: BackendName | undefined;
  /** Where the measurement runs (default: a worker thread, measureInWorker); tests with fake models measure on this thread. */
  measure?: CompareMeasure;
}

/** What a measurement gets: the two models, the rows read from the store, the abort signal. */
export interface CompareWork {
  deps: CompareDeps;
  target: LibraryEntry;
  running: HeldVerbal;
  /** The running model's folder (its manifest, trained-rows.json), if known. */
  runningDir: string | undefined;
  session: string | null;
  corrections: readonly CorrectionForExport[];
  rowsCap: number;
  signal: AbortSignal;
  startedAt: number;
}

export type CompareMeasure = (w: CompareWork) => Promise<VerbalComparison>;

/**
 * On this thread: B loaded with the settings' loader, both models run a chunk per turn of the
 * event loop (the running model as held). Holds the loop for B's load: tests with fake models,
 * and a running model whose folder is unknown.
 */
export const measureOnThisThread: CompareMeasure = async (w) => {
  let b: VerbalClassifier | undefined;
  try {
    try {
      b = await w.deps.settings.loadAside(w.target.dir);
    } catch (e) {
      throw new CompareModelUnloadableError(w.target.id, e instanceof Error ? e.message : String(e));
    }
    w.deps.log?.(`comparing ${w.target.id} (${b.version}) with the running ${w.running.id} (${w.running.classifier.version}): loaded in ${Math.round(performance.now() - w.startedAt)} ms`);
    w.signal.throwIfAborted();
    return await measureComparison({
      session: w.session,
      corrections: w.corrections,
      rowsCap: w.rowsCap,
      a: { id: w.running.id, classifier: w.running.classifier, dir: w.runningDir ?? w.running.dir },
      b: { id: w.target.id, classifier: b, dir: w.target.dir },
      thresholds: w.running.thresholds,
      signal: w.signal,
      startedAt: w.startedAt,
    });
  } finally {
    b?.dispose();
  }
};

/**
 * In a worker thread (compareWorker.ts, the lowest priority): the main thread only posts the
 * newest `rowsCap` corrections; the worker loads B and A from their folders, checks A's is still
 * the running version (else 409 running_model_changed), runs both and computes the figures. An
 * abort terminates it (its tensors go with it).
 */
export const measureInWorker: CompareMeasure = async (w) => {
  if (w.runningDir === undefined) return measureOnThisThread(w);
  w.signal.throwIfAborted();
  const kept = newestCorrections(w.corrections, w.rowsCap);
  const job: CompareWorkerJob = {
    backend: w.deps.backend,
    a: { id: w.running.id, dir: w.runningDir, version: w.running.classifier.version },
    b: { id: w.target.id, dir: w.target.dir },
    session: w.session,
    corrections: kept,
    stored: w.corrections.length,
    rowsCap: w.rowsCap,
    thresholds: { ...w.running.thresholds },
  };
  const worker = startModuleWorker(path.join(__dirname, '..', '..', 'eval'), 'compareWorker', job);
  const answer = await runWorkerOnce<VerbalComparison>(worker, {
    answer: (raw) => {
      const msg = raw as CompareFromWorker;
      switch (msg.type) {
        case 'loaded':
          w.deps.log?.(`comparing ${w.target.id} (${msg.version}) with the running ${w.running.id} (${w.running.classifier.version}): loaded in ${msg.ms} ms (in a worker thread)`);
          return undefined;
        case 'done':
          return { value: msg.answer };
        case 'unloadable':
          return { error: new CompareModelUnloadableError(w.target.id, msg.message) };
        case 'running_changed':
          return { error: new RunningModelChangedError(w.running.id, w.running.classifier.version, msg.loaded, msg.message) };
        default:
          return { error: Object.assign(new Error(`comparing the models failed: ${msg.message}`), msg.stack !== undefined ? { stack: msg.stack } : {}) };
      }
    },
    exited: (code) => new Error(`the comparison worker stopped (exit code ${code}) before it answered`),
    signal: w.signal,
  });
  // The answer's time from the question: the worker's start and B's load included.
  return { ...answer, ms: Math.round(performance.now() - w.startedAt) };
};

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
 * The answer, B loaded and measured within one of the measurements' places: 404 / 409 ambiguous
 * for a model the library does not hold (as PUT /api/settings/verbal), 409 same_model for the
 * one running, 503 busy or shutting_down, 422 when B does not load, 409 running_model_changed
 * when the running model's folder holds another version by now.
 */
export function compareWithRunning(deps: CompareDeps, q: { model: string; session: string | null; rowsCap: number }, hungUp: AbortSignal): Promise<VerbalComparison> {
  const target: LibraryEntry = resolveForCompare(deps.settings, q.model);
  const running = deps.measurements.holdRunning();
  // The same folder and the version loaded from it: nothing to compare (another folder with the same weights is compared, and ties).
  if (target.id === running.id && target.version === running.classifier.version) {
    running.release();
    return Promise.reject(new SameModelError(target.id, target.version));
  }
  const measure = deps.measure ?? measureInWorker;
  let answer: Promise<VerbalComparison>;
  try {
    answer = deps.measurements.runAlone((signal) => measure({
      deps, target, running, runningDir: deps.measurements.runningDir(running.dir),
      session: q.session,
      // Read now, in one synchronous step: the store as it is when asked.
      corrections: deps.service.correctionsForExport(q.session ?? undefined),
      rowsCap: q.rowsCap, signal, startedAt: performance.now(),
    }), hungUp);
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
