// Starts a worker thread on a module next to the caller. Built code runs the .js directly;
// under jest (or ts-node-less dev) only the .ts exists, so an eval'd bootstrap registers
// @swc/core for .ts requires and loads it.
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** `dir` and `name` locate the entry (`dir/name.js` when built, `dir/name.ts` from source). */
export function startModuleWorker(dir: string, name: string, workerData: unknown): Worker {
  const js = path.join(dir, `${name}.js`);
  if (!__filename.endsWith('.ts')) return new Worker(js, { workerData });
  const entry = path.join(dir, `${name}.ts`);
  const bootstrap = `
    const fs = require('node:fs');
    const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core'))});
    require.extensions['.ts'] = (module, filename) => {
      const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
        filename, sourceMaps: 'inline', module: { type: 'commonjs' },
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      });
      module._compile(code, filename);
    };
    require(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** What a worker's message means to runWorkerOnce: its answer, a failure, or nothing yet (a log line, say). */
export type WorkerAnswer<T> = { value: T } | { error: Error } | undefined;

export interface RunOnceOptions<T> {
  /**
   * A message from the worker: `{ value }` settles with it, `{ error }` rejects with it, undefined
   * waits on (the message was something else: a progress line). Throwing rejects with what it threw.
   */
  answer(msg: unknown): WorkerAnswer<T>;
  /** The error for a worker that exited (with any code, 0 too) before it answered. */
  exited(code: number): Error;
  /**
   * Aborted (before or while it runs): the worker is terminated, and the promise rejects with the
   * signal's reason once the thread is gone. A timeout is `AbortSignal.timeout(ms)`.
   */
  signal?: AbortSignal;
}

const asError = (x: unknown): Error => (x instanceof Error ? x : new Error(String(x)));

/**
 * One answer from `worker`, as a promise that settles once: with the first message `answer`
 * takes, or rejected on the worker's `error`, on its exit before an answer (a non-zero code, or
 * 0 without a word), or on `signal`'s abort. Once settled the worker is terminated, and whatever
 * it does later (a second answer, an error, its exit) changes nothing.
 */
export function runWorkerOnce<T>(worker: Worker, opts: RunOnceOptions<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const { signal } = opts;
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      void worker.terminate().finally(() => reject(asError(signal!.reason)));
    };
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: unknown) => {
      if (settled) return;
      let a: WorkerAnswer<T>;
      try {
        a = opts.answer(msg);
      } catch (err) {
        return settle(() => reject(asError(err)));
      }
      if (a === undefined) return;
      if ('error' in a) settle(() => reject(a.error));
      else settle(() => resolve(a.value));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(opts.exited(code))));
  });
}
