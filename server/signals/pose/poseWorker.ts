// Worker-thread entry of the pose pool: one tfjs backend and one estimator per thread (wasm
// runs single-threaded, so threads are how frames use more than one core).
import { parentPort, workerData } from 'node:worker_threads';
import { initTf } from '../../runtime/backend';
import { createPoseEstimator } from './create';
import type { FromWorker, PoseWorkerData, ToWorker, WireError, WorkerJob } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('poseWorker.ts must run in a worker thread (it is started by PosePool)');
const data = workerData as PoseWorkerData;
const send = (msg: FromWorker): void => port.postMessage(msg);

/** Frames and resets run one at a time, in arrival order (see runJob). */
let chain: Promise<void> = Promise.resolve();

const ready = (async () => {
  const backend = await initTf(data.backend);
  const estimator = await createPoseEstimator(data.estimator);
  return { backend, estimator };
})();

ready.then(
  ({ backend, estimator }) => send({ type: 'ready', backend: backend.name, model: estimator.model }),
  (err: unknown) => send({ type: 'fatal', error: toWire(err) }),
);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'job') runJob(msg.id, msg.job);
  else if (msg.type === 'reset') {
    // Queued behind earlier frames so a reset never lands in the middle of a track's frames.
    chain = chain.then(() => ready).then(({ estimator }) => estimator.reset(msg.trackId), () => undefined);
  } else if (msg.type === 'crash' && data.testHooks) {
    // An uncaught exception, as a bug in native code or tfjs would surface. Thrown here, not
    // in a later turn: a job queued right behind this message would otherwise run (in
    // microtasks, before any setImmediate) and answer, and the crash would miss it.
    throw new Error('pose worker crashed on purpose (test hook)');
  }
});

function runJob(id: number, job: WorkerJob): void {
  // Estimates run one at a time in arrival order, so a track's frames stay in order.
  chain = chain.then(async () => {
    try {
      const { estimator } = await ready;
      const image = job.rgb;
      const t1 = performance.now();
      const opts = {
        ...(job.trackId !== undefined && { trackId: job.trackId }),
        ...(job.mediaMs !== undefined && { mediaMs: job.mediaMs }),
        ...(job.person !== undefined && { person: job.person }),
      };
      const poses = job.everyone && job.trackId === undefined ? await estimator.estimateEveryone(image) : await estimator.estimate(image, opts);
      const result = { poses, poseMs: performance.now() - t1, width: image.width, height: image.height };
      send({ type: 'done', id, result });
    } catch (err) {
      send({ type: 'failed', id, error: toWire(err) });
    }
  });
}

function toWire(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' && { code }) };
  }
  return { name: 'Error', message: String(err) };
}
