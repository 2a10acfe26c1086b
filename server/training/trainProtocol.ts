// What the server's training jobs and their worker threads (trainWorker.ts, postureTrainWorker.ts) say to each other.
import type { BackendName } from '../runtime/backend';
import type { ExtraRecord } from '../signals/extraRecord';
import type { PostureEpochProgress, PostureTrainOptions } from '../signals/posture/train';
import type { EpochProgress } from '../signals/verbal/train';

export interface TrainWorkerJob {
  backend: BackendName;
  corpusPath: string;
  /** The coaches' labels as `GET /api/corrections` exports them (the bytes `extra`'s sha256 is of). */
  extraJsonl: string;
  extra: ExtraRecord;
  seed: number;
  epochs: number;
  /** trained-rows.json's text (holdOut.ts): the keys of the labelled turns in `extraJsonl`, written with the model. */
  trainedRowsJson: string;
  /** The job's temp folder in the model library. */
  outDir: string;
  /** The manifest's date (the job's start), ms since epoch. */
  date: number;
}

export type TrainFromWorker =
  | { type: 'phase'; phase: 'reading' | 'training' | 'saving' }
  | { type: 'rows'; corpus: number }
  | ({ type: 'epoch' } & EpochProgress)
  | { type: 'done'; version: string; macroF1: number; accuracy: number; validationRows: number }
  | { type: 'failed'; message: string; stack?: string };

/** What a posture training job (postureJobs.ts) gives its worker thread (postureTrainWorker.ts). */
export interface PostureTrainWorkerJob {
  backend: BackendName;
  /** The labelled frames trained on, as `GET /api/posture-labels` exports them (the bytes `extra`'s sha256 is of). */
  extraJsonl: string;
  extra: ExtraRecord;
  /** The whole training recipe (its seed the job's): the server's, never a request's. */
  options: PostureTrainOptions;
  /** trained-frames.json's text (postureRows.ts), written with the model. */
  trainedFramesJson: string;
  /** The job's temp folder in the model library. */
  outDir: string;
  /** The manifest's date (the job's start), ms since epoch. */
  date: number;
}

export type PostureTrainFromWorker =
  | { type: 'phase'; phase: 'reading' | 'training' | 'saving' }
  | ({ type: 'epoch' } & PostureEpochProgress)
  | { type: 'done'; version: string; validation: Record<string, { f1: number; threshold: number }> }
  | { type: 'failed'; message: string; stack?: string };
