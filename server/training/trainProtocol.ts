// What the server's training job and its worker thread (trainWorker.ts) say to each other.
import type { BackendName } from '../runtime/backend';
import type { ExtraRecord } from '../signals/extraRecord';
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
