// Worker-thread entry of the member trainer: trains one ensemble member and posts its weights.
import { parentPort, workerData } from 'node:worker_threads';
import { initTf, type BackendName } from '../runtime/backend';
import type { MemberFromWorker, MemberJob } from './memberProtocol';
import { trainPostureMember } from './posture/train';
import { trainVerbalMember } from './verbal/train';

const port = parentPort;
if (!port) throw new Error('memberWorker.ts must run in a worker thread (it is started by runMemberJobs)');
const { backend, job } = workerData as { backend: BackendName; job: MemberJob };
/** Posts a message, handing over (not copying) the weights' buffers. */
const send = (msg: MemberFromWorker, arrays: readonly Float32Array[] = []): void =>
  port.postMessage(msg, [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))]);
const log = (line: string): void => send({ type: 'log', line });

initTf(backend)
  .then(() => {
    if (job.kind === 'verbal') {
      const result = trainVerbalMember(job.rows, job.options, job.k, log);
      send({ type: 'done', result }, Object.values(result.weights));
    } else {
      const weights = trainPostureMember(job.options, job.norm, job.k, log, job.extra);
      send({ type: 'done', result: weights }, weights);
    }
  })
  .catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    send({ type: 'failed', message: e.message, ...(e.stack !== undefined && { stack: e.stack }) });
  });
