// Worker-thread entry of GET /api/quality's figures (qualityFigures.ts) and GET
// /api/quality/compare's (compareFigures.ts) and GET /api/quality/posture/compare's
// (postureCompareFigures.ts): computes them from the job it was started with and
// posts them back, off the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { comparisonSubsets, type CompareFiguresJob } from './compareFigures';
import { figuresOf, type Figures, type FiguresJob } from './qualityFigures';
import type { CompareSubset, PostureCompareLabel } from '../../protocol/compare';
import { postureCompareFigures, type PostureCompareFiguresJob } from './postureCompareFigures';

/** A comparison's job is marked by its `compare` (verbal) or `postureCompare` key; anything else is GET /api/quality's. */
export type QualityWorkerJob = FiguresJob | { compare: CompareFiguresJob } | { postureCompare: PostureCompareFiguresJob };
export type QualityFromWorker = { type: 'done'; figures: Figures | CompareSubset[] | PostureCompareLabel[] } | { type: 'failed'; message: string; stack?: string };

function answer(job: QualityWorkerJob): Figures | CompareSubset[] | PostureCompareLabel[] {
  if ('compare' in job) return comparisonSubsets(job.compare);
  if ('postureCompare' in job) return postureCompareFigures(job.postureCompare);
  return figuresOf(job);
}

const port = parentPort;
if (!port) throw new Error('qualityWorker.ts must run in a worker thread (it is started by measureQuality)');
try {
  port.postMessage({ type: 'done', figures: answer(workerData as QualityWorkerJob) } satisfies QualityFromWorker);
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ type: 'failed', message: e.message, ...(e.stack !== undefined && { stack: e.stack }) } satisfies QualityFromWorker);
}
