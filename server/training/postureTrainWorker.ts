// Worker-thread entry of a server posture training job (postureJobs.ts): reads the coaches'
// labelled frames as `train posture --extra` reads a file (the same row reader, checks and
// features), trains the posture ensemble on the synthetic skeletons plus those frames (each
// `weight` times) on this one thread, and writes the model into the job's temp folder with
// trained-frames.json, posting its progress.
import { parentPort, workerData } from 'node:worker_threads';
import { initTf } from '../runtime/backend';
import { lowerThreadPriority } from '../runtime/threadPriority';
import { checkTrainingRows, extraExamples } from '../signals/posture/extraExamples';
import { parseLabelRows } from '../signals/posture/labelRows';
import { saveTrainedPosture, trainPosture } from '../signals/posture/train';
import { TRAINED_FRAMES_FILE } from './postureRows';
import type { PostureTrainFromWorker, PostureTrainWorkerJob } from './trainProtocol';
import { postFailure } from './workerFailure';

const port = parentPort;
if (!port) throw new Error('postureTrainWorker.ts must run in a worker thread (it is started by PostureTrainJobs)');
const job = workerData as PostureTrainWorkerJob;
const send = (msg: PostureTrainFromWorker): void => port.postMessage(msg);
// Minutes of training on one core: on a machine short of cores the live path (the main thread)
// goes first; the job only takes longer.
lowerThreadPriority();

async function run(): Promise<void> {
  send({ type: 'phase', phase: 'reading' });
  const source = job.extra.files[0]?.path ?? 'server:posture-labels';
  // Parsed from the very bytes hashed, as the CLI does: the recorded sha256 is of the rows trained on.
  const rows = parseLabelRows(job.extraJsonl, source);
  checkTrainingRows(rows, source);
  const { examples, unusable } = extraExamples(rows);
  // The job left out the frames it could not measure, with this very measure: any left is a bug.
  if (unusable.length > 0) throw new Error(`${source}: ${unusable.length} row(s) have no usable shoulders (lines ${unusable.slice(0, 5).join(', ')}), which the job should have left out`);
  await initTf(job.backend);
  send({ type: 'phase', phase: 'training' });
  const result = await trainPosture(job.options, () => undefined, {
    workers: 1,
    extra: { examples, weight: job.extra.weight },
    epochDone: (p) => send({ type: 'epoch', ...p }),
  });
  send({ type: 'phase', phase: 'saving' });
  const manifest = saveTrainedPosture(job.outDir, result, new Date(job.date), job.extra, { [TRAINED_FRAMES_FILE]: job.trainedFramesJson });
  const validation = Object.fromEntries(Object.entries(result.validation).map(([label, m]) => [label, { f1: m.f1, threshold: m.threshold }]));
  send({ type: 'done', version: manifest.version, validation });
}

run().catch(postFailure(send));
