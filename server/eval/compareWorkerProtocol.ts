// What GET /api/quality/compare hands its worker (compareWorker.ts) and what the worker answers.
import type { VerbalComparison } from '../../protocol/compare';
import type { BackendName } from '../runtime/backend';
import type { SignalThresholds } from '../signals/verbal/decision';
import type { CorrectionForExport } from '../store/sqliteStore';

export interface CompareWorkerJob {
  /** The tfjs backend the server chose (undefined: the worker picks as the server would). */
  backend: BackendName | undefined;
  /** The running model: its library id, folder, and the version the server runs (the folder must still hold it). */
  a: { id: string; dir: string; version: string };
  /** The library model to compare. */
  b: { id: string; dir: string };
  session: string | null;
  /** The newest `rowsCap` corrections in scope, read by the main thread at the moment asked. */
  corrections: CorrectionForExport[];
  /** How many corrections the scope holds (the answer's `stored`). */
  stored: number;
  rowsCap: number;
  thresholds: SignalThresholds;
}

export type CompareFromWorker =
  | { type: 'loaded'; version: string; ms: number }
  | { type: 'done'; answer: VerbalComparison }
  /** B did not load. */
  | { type: 'unloadable'; message: string }
  /** A's folder no longer holds the running version (`loaded`), or no longer loads (`message`). */
  | { type: 'running_changed'; loaded: string | null; message: string | null }
  | { type: 'failed'; message: string; stack?: string };
