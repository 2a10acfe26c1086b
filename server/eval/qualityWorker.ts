// Worker-thread entry of GET /api/quality's figures (qualityFigures.ts): computes them from the
// job it was started with and posts them back, off the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { figuresOf, type Figures, type FiguresJob } from './qualityFigures';

export type QualityFromWorker = { type: 'done'; figures: Figures } | { type: 'failed'; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error('qualityWorker.ts must run in a worker thread (it is started by measureQuality)');
try {
  port.postMessage({ type: 'done', figures: figuresOf(workerData as FiguresJob) } satisfies QualityFromWorker);
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ type: 'failed', message: e.message, ...(e.stack !== undefined && { stack: e.stack }) } satisfies QualityFromWorker);
}
