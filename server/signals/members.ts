// Trains ensemble members side by side, one worker thread per core. tfjs on wasm runs on one
// core per thread, and the members of the verbal and posture ensembles are independent until
// they are merged, so on 2 cores 3 members take about two members' time instead of three.
// Each member is trained by the same function with the same seed as in one thread, so the
// merged weights are the same bytes either way (tested).
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { BackendName } from '../runtime/backend';
import { runWorkerOnce, startModuleWorker } from '../runtime/worker';
import type { MemberFromWorker, MemberJob, MemberResultOf } from './memberProtocol';

export type { MemberJob } from './memberProtocol';

/** Worker threads to train members on by default: one per core. */
export function defaultTrainWorkers(): number {
  return Math.max(1, os.availableParallelism?.() ?? 2);
}

/**
 * Runs the jobs on up to `workers` threads (each thread takes the next job when done) and
 * returns their results in job order. A failed job fails the whole run.
 */
export async function runMemberJobs<J extends MemberJob>(
  jobs: readonly J[],
  opts: { workers: number; backend: BackendName; log: (line: string) => void },
): Promise<MemberResultOf<J>[]> {
  const results = new Array<MemberResultOf<J>>(jobs.length);
  const running = new Set<Worker>();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = (await runInWorker(jobs[i]!, opts.backend, opts.log, running)) as MemberResultOf<J>;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.workers, jobs.length)) }, lane));
  } catch (err) {
    // One member failed: the run has failed, so the others stop now instead of training on.
    next = jobs.length;
    await Promise.all([...running].map((w) => w.terminate()));
    throw err;
  }
  return results;
}

function runInWorker(job: MemberJob, backend: BackendName, log: (line: string) => void, running: Set<Worker>): Promise<unknown> {
  const worker = startModuleWorker(__dirname, 'memberWorker', { backend, job });
  running.add(worker);
  worker.once('exit', () => running.delete(worker));
  return runWorkerOnce(worker, {
    answer: (raw) => {
      const msg = raw as MemberFromWorker;
      if (msg.type === 'log') return void log(msg.line);
      if (msg.type === 'done') return { value: msg.result };
      return { error: Object.assign(new Error(`training member ${job.k} failed: ${msg.message}`), { stack: msg.stack }) };
    },
    exited: (code) => new Error(`training member ${job.k}: its worker exited with code ${code} before finishing`),
  });
}
