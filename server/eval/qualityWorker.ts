// Worker-thread entry of GET /api/quality's figures (qualityFigures.ts) and GET
// /api/quality/compare's (compareFigures.ts): computes them from the job it was started with and
// posts them back, off the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { comparisonSubsets, type CompareFiguresJob } from './compareFigures';
import { figuresOf, type Figures, type FiguresJob } from './qualityFigures';
import type { CompareSubset } from '../../protocol/compare';

/** A comparison's job is marked by its `compare` key; anything else is GET /api/quality's. */
export type QualityWorkerJob = FiguresJob | { compare: CompareFiguresJob };
export type QualityFromWorker = { type: 'done'; figures: Figures | CompareSubset[] } | { type: 'failed'; message: string; stack?: string };

const answer = (job: QualityWorkerJob): Figures | CompareSubset[] => ('compare' in job ? comparisonSubsets(job.compare) : figuresOf(job));

const port = parentPort;
if (!port) throw new Error('qualityWorker.ts must run in a worker thread (it is started by measureQuality)');
try {
  port.postMessage({ type: 'done', figures: answer(workerData as QualityWorkerJob) } satisfies QualityFromWorker);
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ type: 'failed', message: e.message, ...(e.stack !== undefined && { stack: e.stack }) } satisfies QualityFromWorker);
}
