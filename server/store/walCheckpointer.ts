// Checkpoints a store's WAL from a worker thread with its own connection, so that the fsync a
// checkpoint ends with never holds up the event loop. SQLite's automatic checkpoint runs inside
// the commit that takes the WAL past 1000 pages: on this machine that commit takes 5–9 ms
// instead of 0.02 ms, and every live turn queued behind it is that much later.
import { Worker } from 'node:worker_threads';

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints in PASSIVE mode, which neither waits for nor blocks the writer. */
  intervalMs: number;
  /** Hears that the worker failed or exited early (the store then checkpoints inline again). */
  onError: (err: Error) => void;
}

export const DEFAULT_WAL_CHECKPOINTER_OPTIONS: Omit<WalCheckpointerOptions, 'onError'> = {
  intervalMs: 1000,
};

// Plain JS evaluated in the worker (nothing to compile, under jest or from dist alike).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped = false;

  constructor(file: string, opts: WalCheckpointerOptions) {
    if (!(opts.intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${opts.intervalMs}`);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver: require.resolve('better-sqlite3'), intervalMs: opts.intervalMs },
    });
    // A checkpointer never keeps the process alive: SQLite recovers from a WAL left behind.
    this.worker.unref();
    this.worker.on('error', (err) => {
      if (!this.stopped) opts.onError(err);
      this.stopped = true;
    });
    this.worker.on('exit', (code) => {
      if (!this.stopped) opts.onError(new Error(`the WAL checkpointer exited early (code ${code})`));
      this.stopped = true;
    });
  }

  /** Asks the worker to close its connection and end; returns at once. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage('stop');
  }
}
