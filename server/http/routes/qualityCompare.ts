// `GET /api/quality/compare?model=ID[&session=ID][&rows=N]`: a model of the library (B) measured
// against the running one (A) on the coaches' labelled turns neither was trained on
// (server/eval/comparison.ts). B is loaded for this measurement only and disposed after it
// (also when it fails, the client hangs up or the server stops); the measurement is one of GET
// /api/quality's QUALITY_MEASUREMENTS_MAX. The whole measurement (both models' load, their
// predictions, the bootstraps) runs in a worker thread at the lowest priority (compareWorker.ts):
// the live path's event loop only reads the store and posts the rows. The request's handling
// (the hang-up, the held running model, the busy place) is compareRequest.ts's, shared with GET
// /api/quality/posture/compare.
import type { Router } from 'express';
import { z } from 'zod';
import { MODEL_REF_MAX_CHARS } from '../../../protocol/models';
import { QUALITY_ROWS_DEFAULT } from '../../../protocol/quality';
import type { VerbalComparison } from '../../../protocol/compare';
import path from 'node:path';
import { CompareModelUnloadableError, RunningModelChangedError } from '../../errors/errors';
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
import { compareRouter, compareWithHeld, withModelAside } from './compareRequest';
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
export const measureOnThisThread: CompareMeasure = (w) =>
  withModelAside({ settings: w.deps.settings, target: w.target, running: w.running, named: w.target.id, log: w.deps.log, startedAt: w.startedAt, signal: w.signal }, (b) =>
    measureComparison({
      session: w.session,
      corrections: w.corrections,
      rowsCap: w.rowsCap,
      a: { id: w.running.id, classifier: w.running.classifier, dir: w.runningDir ?? w.running.dir },
      b: { id: w.target.id, classifier: b, dir: w.target.dir },
      thresholds: w.running.thresholds,
      signal: w.signal,
      startedAt: w.startedAt,
    }),
  );

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
 * The answer, B loaded and measured within one of the measurements' places: 404 / 409 ambiguous
 * for a model the library does not hold (as PUT /api/settings/verbal), 409 same_model for the
 * one running, 503 busy or shutting_down, 422 when B does not load, 409 running_model_changed
 * when the running model's folder holds another version by now.
 */
export function compareWithRunning(deps: CompareDeps, q: { model: string; session: string | null; rowsCap: number }, hungUp: AbortSignal): Promise<VerbalComparison> {
  const measure = deps.measure ?? measureInWorker;
  return compareWithHeld(
    {
      measurements: deps.measurements,
      settings: deps.settings,
      ref: q.model,
      hold: () => deps.measurements.holdRunning(),
      measure: (target, running, signal) => measure({
        deps, target, running, runningDir: deps.measurements.runningDir(running.dir),
        session: q.session,
        // Read now, in one synchronous step: the store as it is when asked.
        corrections: deps.service.correctionsForExport(q.session ?? undefined),
        rowsCap: q.rowsCap, signal, startedAt: performance.now(),
      }),
    },
    hungUp,
  );
}

export const qualityCompareRouter = (deps: CompareDeps): Router =>
  compareRouter(CompareQuery, deps.service, (q, session, hungUp) => compareWithRunning(deps, { model: q.model, session, rowsCap: q.rows ?? QUALITY_ROWS_DEFAULT }, hungUp));
