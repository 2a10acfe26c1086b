// The store's WAL checkpoints, off the server's thread. SQLite's own (wal_autocheckpoint) runs
// inside the commit that crosses 1,000 pages, on the connection that commits: after an archive
// import of 34 MiB the next live turn's commit copied it all into the file and held the event
// loop for ~0.9 s. Here a worker thread checkpoints on a connection of its own (WAL lets it run
// beside readers and the writer); the store's connection keeps a far larger automatic one as a
// safety net should the worker fall behind or fail.
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../runtime/worker';

/** How often the worker checkpoints. */
export const CHECKPOINT_EVERY_MS = 500;
/** The store's own automatic checkpoint beside the worker (pages of 4 KiB: ~100 MiB of WAL). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 25_000;
/** SQLite's own default, taken back when the worker is lost (a checkpoint in a commit, but never ~100 MiB at once). */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export interface Checkpointer {
  /** Stops the worker (its connection closed); resolves once it is gone. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  everyMs?: number;
  /**
   * Called once if the worker ends without being stopped (it failed to open the file, threw, or
   * was killed): checkpoints then fall back to the store's own automatic one, which the caller
   * should bring back to SQLite's usual size, and someone should hear of it.
   */
  onLost?: (why: Error) => void;
}

/** Starts checkpointing `file` (a WAL-mode database) on a worker thread; undefined where there are no worker threads. */
export function startCheckpointer(file: string, opts: CheckpointerOptions = {}): Checkpointer | undefined {
  let worker: Worker;
  try {
    worker = startModuleWorker(__dirname, 'checkpointWorker', { file, everyMs: opts.everyMs ?? CHECKPOINT_EVERY_MS });
  } catch {
    return undefined;
  }
  worker.unref();
  let stopping = false;
  let failure: Error | undefined;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      if (!stopping) opts.onLost?.(failure ?? new Error(`the WAL checkpoint worker ended (exit code ${code})`));
      resolve();
    }),
  );
  worker.on('error', (err) => {
    failure = err instanceof Error ? err : new Error(String(err));
  });
  return {
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      const late = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(late);
    },
  };
}
