// Worker-thread entry of checkArchiveAside (archiveCheck.ts): checks one upload's bytes and
// posts the checked archive or the refusal.
import { parentPort, workerData } from 'node:worker_threads';
import { checkAnswer } from './archiveCheck';

const port = parentPort;
if (!port) throw new Error('archiveWorker.ts must run in a worker thread (it is started by checkArchiveAside)');
const { bytes } = workerData as { bytes: Uint8Array };
port.postMessage(checkAnswer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
