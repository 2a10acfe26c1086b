// runWorkerOnce over real worker threads (eval'd scripts): one settling, whatever the worker does.
import { Worker } from 'node:worker_threads';
import { runWorkerOnce, type RunOnceOptions } from './worker';

/** A worker running `body` (CommonJS, `parentPort` in scope). */
function workerOf(body: string): Worker {
  return new Worker(`const { parentPort } = require('node:worker_threads');\n${body}`, { eval: true });
}

type Msg = { type: 'done'; n: number } | { type: 'failed'; message: string } | { type: 'log'; line: string };

/** Answers `done` with its number, `failed` as an error; a `log` line is kept and waited past. */
function options(logs: string[] = [], extra: Partial<RunOnceOptions<number>> = {}): RunOnceOptions<number> {
  return {
    answer: (raw) => {
      const msg = raw as Msg;
      if (msg.type === 'log') return void logs.push(msg.line);
      return msg.type === 'done' ? { value: msg.n } : { error: new Error(`failed: ${msg.message}`) };
    },
    exited: (code) => new Error(`exited with code ${code} before answering`),
    ...extra,
  };
}

/** Resolves once the worker's thread has ended (at once if it has). */
function gone(w: Worker): Promise<void> {
  return new Promise((resolve) => {
    if (w.threadId === -1) return resolve();
    w.once('exit', () => resolve());
  });
}

describe('runWorkerOnce', () => {
  it('resolves with the answer, past the messages that are not one, and ends the worker', async () => {
    const logs: string[] = [];
    const w = workerOf(`parentPort.postMessage({ type: 'log', line: 'epoch 1' }); parentPort.postMessage({ type: 'done', n: 42 }); setInterval(() => {}, 1000);`);
    await expect(runWorkerOnce(w, options(logs))).resolves.toBe(42);
    expect(logs).toEqual(['epoch 1']);
    await gone(w); // terminated: its interval would have kept it alive
  });

  it('rejects with the failure the worker reports', async () => {
    const w = workerOf(`parentPort.postMessage({ type: 'failed', message: 'no rows' }); setInterval(() => {}, 1000);`);
    await expect(runWorkerOnce(w, options())).rejects.toThrow('failed: no rows');
    await gone(w);
  });

  it('rejects with what the worker throws (its error event), not with its exit after it', async () => {
    const w = workerOf(`throw new RangeError('bad input');`);
    await expect(runWorkerOnce(w, options())).rejects.toThrow(/bad input/);
  });

  it('rejects when the worker exits with a non-zero code before answering', async () => {
    const w = workerOf(`process.exit(3);`);
    await expect(runWorkerOnce(w, options())).rejects.toThrow('exited with code 3 before answering');
  });

  it('rejects when the worker ends with code 0 without answering', async () => {
    const w = workerOf(`parentPort.postMessage({ type: 'log', line: 'started' });`);
    await expect(runWorkerOnce(w, options())).rejects.toThrow('exited with code 0 before answering');
  });

  it('settles once: a second answer (or a failure after the first) changes nothing', async () => {
    const answers: unknown[] = [];
    const opts = options();
    const w = workerOf(`for (const n of [1, 2]) parentPort.postMessage({ type: 'done', n }); parentPort.postMessage({ type: 'failed', message: 'late' });`);
    const p = runWorkerOnce(w, { ...opts, answer: (m) => (answers.push(m), opts.answer(m)) });
    await expect(p).resolves.toBe(1);
    await gone(w);
    // The later messages, if they were even delivered before the thread was ended, were not asked about.
    expect(answers).toEqual([{ type: 'done', n: 1 }]);
  });

  it('rejects with what `answer` throws', async () => {
    const w = workerOf(`parentPort.postMessage('not an object'); setInterval(() => {}, 1000);`);
    const p = runWorkerOnce(w, { ...options(), answer: () => { throw new TypeError('unexpected message'); } });
    await expect(p).rejects.toThrow('unexpected message');
    await gone(w);
  });

  it('aborted while it runs: terminates the worker, then rejects with the reason', async () => {
    const w = workerOf(`setInterval(() => {}, 1000);`);
    const ac = new AbortController();
    const p = runWorkerOnce(w, options([], { signal: ac.signal }));
    await new Promise((r) => w.once('online', r));
    const reason = new Error('stopping');
    let exited = false;
    w.once('exit', () => (exited = true));
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(exited).toBe(true);
  });

  it('aborted before it starts: rejects with the reason and ends the worker; a timeout is AbortSignal.timeout', async () => {
    const w = workerOf(`parentPort.postMessage({ type: 'done', n: 1 });`);
    const reason = new Error('gone');
    await expect(runWorkerOnce(w, options([], { signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    await gone(w);
    const slow = workerOf(`setInterval(() => {}, 1000);`);
    await expect(runWorkerOnce(slow, options([], { signal: AbortSignal.timeout(50) }))).rejects.toThrow(/timeout/);
    await gone(slow);
  });

  it('answered before the abort: the abort changes nothing', async () => {
    const ac = new AbortController();
    const w = workerOf(`parentPort.postMessage({ type: 'done', n: 7 });`);
    await expect(runWorkerOnce(w, options([], { signal: ac.signal }))).resolves.toBe(7);
    ac.abort(new Error('late'));
  });
});
