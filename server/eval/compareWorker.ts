// Worker-thread entry of GET /api/quality/compare (qualityCompare.ts): the whole measurement off
// the server's event loop, at the lowest CPU priority so live turns go first. It loads B and A
// from their folders (files only: the checksum, the tensor copy and nothing from the network),
// checks that A's folder still holds the version the server runs, runs both on the rows the main
// thread read from the store, and computes the paired bootstraps (comparison.ts). A terminated
// worker takes its tensors with it.
import { parentPort, workerData } from 'node:worker_threads';
import type { VerbalComparison } from '../../protocol/compare';
import { initTf } from '../runtime/backend';
import { lowerThreadPriority } from '../runtime/threadPriority';
import { loadVerbalClassifierAsync } from '../signals/verbal/model';
import type { VerbalClassifier } from '../signals/verbal/types';
import { measureComparison } from './comparison';
import type { CompareFromWorker, CompareWorkerJob } from './compareWorkerProtocol';

const port = parentPort;
if (!port) throw new Error('compareWorker.ts must run in a worker thread (it is started by GET /api/quality/compare)');
const job = workerData as CompareWorkerJob;
const send = (msg: CompareFromWorker): void => port.postMessage(msg);
lowerThreadPriority();

async function run(): Promise<CompareFromWorker> {
  await initTf(job.backend);
  const t0 = performance.now();
  let b: VerbalClassifier | undefined;
  let a: VerbalClassifier | undefined;
  try {
    try {
      b = await loadVerbalClassifierAsync({ modelDir: job.b.dir });
    } catch (e) {
      return { type: 'unloadable', message: e instanceof Error ? e.message : String(e) };
    }
    const loadedMs = Math.round(performance.now() - t0);
    try {
      a = await loadVerbalClassifierAsync({ modelDir: job.a.dir });
    } catch (e) {
      return { type: 'running_changed', loaded: null, message: e instanceof Error ? e.message : String(e) };
    }
    if (a.version !== job.a.version) return { type: 'running_changed', loaded: a.version, message: null };
    send({ type: 'loaded', version: b.version, ms: loadedMs });
    const answer: VerbalComparison = await measureComparison({
      session: job.session,
      corrections: job.corrections,
      stored: job.stored,
      rowsCap: job.rowsCap,
      a: { id: job.a.id, classifier: a, dir: job.a.dir },
      b: { id: job.b.id, classifier: b, dir: job.b.dir },
      thresholds: job.thresholds,
    }, { inline: true });
    return { type: 'done', answer };
  } finally {
    a?.dispose();
    b?.dispose();
  }
}

run().then(send, (err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  send({ type: 'failed', message: e.message, ...(e.stack !== undefined && { stack: e.stack }) });
});
