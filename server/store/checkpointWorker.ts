// Worker-thread entry of the store's checkpointer (see Checkpointer in checkpointer.ts): a
// connection of its own that copies the WAL into the database file every `everyMs`, so no
// commit on the server's thread pays for a checkpoint (one after a 34 MiB import held it ~1 s).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const port = parentPort;
if (!port) throw new Error('checkpointWorker.ts must run in a worker thread (it is started by startCheckpointer)');
const { file, everyMs } = workerData as { file: string; everyMs: number };
const db = new Database(file, { fileMustExist: true, timeout: 1000 });
// PASSIVE: copies what no reader still needs, waits for no one and blocks no writer.
const checkpoint = (): void => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy (another checkpoint, or the file closing): the next turn tries again
  }
};
const timer = setInterval(checkpoint, everyMs);
port.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  port.close();
});
port.postMessage('ready');
