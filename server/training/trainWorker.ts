// Worker-thread entry of a server training job (trainJobs.ts): reads the corpus, adds the
// coaches' labels (each `weight` times, as `train verbal --extra`), trains the verbal ensemble on
// this one thread and writes the model into the job's temp folder, posting its progress.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { shownPath } from '../paths';
import { initTf } from '../runtime/backend';
import { lowerThreadPriority } from '../runtime/threadPriority';
import { parseLabeledJsonl, readLabeledJsonl } from '../signals/verbal/corpus';
import { withExtraRows } from '../signals/verbal/extraRows';
import { DEFAULT_TRAIN_OPTIONS, saveTrainedModel, trainVerbal, type TrainOptions } from '../signals/verbal/train';
import { TRAINED_ROWS_FILE } from './holdOut';
import type { TrainFromWorker, TrainWorkerJob } from './trainProtocol';
import { postFailure } from './workerFailure';

const port = parentPort;
if (!port) throw new Error('trainWorker.ts must run in a worker thread (it is started by TrainJobs)');
const job = workerData as TrainWorkerJob;
const send = (msg: TrainFromWorker): void => port.postMessage(msg);
// Minutes of training on one core: on a machine short of cores the live path (the main thread)
// goes first; the job only takes longer.
lowerThreadPriority();

async function run(): Promise<void> {
  send({ type: 'phase', phase: 'reading' });
  const bytes = fs.readFileSync(job.corpusPath);
  const corpus = readLabeledJsonl(job.corpusPath);
  if (corpus.length === 0) throw new Error(`${shownPath(job.corpusPath)} holds no rows to train on`);
  const extra = parseLabeledJsonl(job.extraJsonl, job.extra.files[0]?.path ?? 'server:corrections');
  send({ type: 'rows', corpus: corpus.length });
  await initTf(job.backend);
  const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, seed: job.seed, epochs: job.epochs };
  send({ type: 'phase', phase: 'training' });
  const result = await trainVerbal(withExtraRows(corpus, [extra], job.extra.weight), options, {
    workers: 1,
    epochDone: (p) => send({ type: 'epoch', ...p }),
  });
  send({ type: 'phase', phase: 'saving' });
  const manifest = saveTrainedModel(job.outDir, result, {
    corpus: { path: shownPath(job.corpusPath), sha256: createHash('sha256').update(bytes).digest('hex'), rows: corpus.length },
    extra: job.extra,
    seed: job.seed,
    options,
    date: new Date(job.date),
    files: { [TRAINED_ROWS_FILE]: job.trainedRowsJson },
  });
  send({ type: 'done', version: manifest.version, macroF1: result.validation.macroF1, accuracy: result.validation.accuracy, validationRows: result.validationRows });
}

run().catch(postFailure(send));
