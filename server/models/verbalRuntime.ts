// The verbal model and signal thresholds the server runs now, which an analyst may change while
// it runs (PUT /api/settings/verbal). Everything that classifies reads them here at use time: the
// live path in one synchronous step (a turn's classification, its threshold and the version
// stored with its signal all come from one `current`), work that spans turns of the event loop
// (a re-analysis, a quality measurement) holds the one it started with (modelRuntime.ts).
import type { SignalThresholds } from '../signals/verbal/decision';
import type { VerbalClassifier } from '../signals/verbal/types';
import { ModelRuntime, type Held } from './modelRuntime';

export interface VerbalRun {
  classifier: VerbalClassifier;
  /** Its library id (verbalLibrary.ts): "base", or "lib/<folder>". */
  id: string;
  /** Its folder (manifest.json, metrics.json), for the quality view's training figures. */
  dir: string;
  thresholds: SignalThresholds;
}

/** A `current` held by work spanning turns of the event loop: its classifier is not disposed before release(). */
export type HeldVerbal = Held<VerbalRun>;

export class VerbalRuntime extends ModelRuntime<VerbalRun> {
  constructor(initial: VerbalRun) {
    super('verbal', initial);
  }
}
