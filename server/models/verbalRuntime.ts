// The verbal model and signal thresholds the server runs now, which an analyst may change while
// it runs (PUT /api/settings/verbal). Everything that classifies reads them here at use time: the
// live path in one synchronous step (a turn's classification, its threshold and the version
// stored with its signal all come from one `current`), work that spans turns of the event loop
// (a re-analysis, a quality measurement) holds the one it started with. A replaced model is
// disposed once nothing holds it.
import type { SignalThresholds } from '../signals/verbal/decision';
import type { VerbalClassifier } from '../signals/verbal/types';

export interface VerbalRun {
  classifier: VerbalClassifier;
  /** Its library id (verbalLibrary.ts): "base", or "lib/<folder>". */
  id: string;
  /** Its folder (manifest.json, metrics.json), for the quality view's training figures. */
  dir: string;
  thresholds: SignalThresholds;
}

/** A `current` held by work spanning turns of the event loop: its classifier is not disposed before release(). */
export interface HeldVerbal extends VerbalRun {
  release(): void;
}

export class VerbalRuntime {
  private run: VerbalRun;
  /** Holds per classifier; a replaced one is disposed when its count reaches 0. */
  private readonly holds = new Map<VerbalClassifier, number>();
  private readonly retired = new Set<VerbalClassifier>();
  private disposed = false;

  constructor(initial: VerbalRun) {
    this.run = { ...initial };
  }

  get current(): Readonly<VerbalRun> {
    return this.run;
  }

  hold(): HeldVerbal {
    const run = this.run;
    this.holds.set(run.classifier, (this.holds.get(run.classifier) ?? 0) + 1);
    let released = false;
    return {
      ...run,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.holds.get(run.classifier) ?? 1) - 1;
        if (left > 0) return void this.holds.set(run.classifier, left);
        this.holds.delete(run.classifier);
        if (this.retired.delete(run.classifier)) run.classifier.dispose();
      },
    };
  }

  /** How many holds are out on `classifier` (tests). */
  holdsOn(classifier: VerbalClassifier): number {
    return this.holds.get(classifier) ?? 0;
  }

  /**
   * Runs `next` from now on (what it leaves out stays as it is). A replaced classifier is
   * disposed now if nothing holds it, else when the last hold is released.
   */
  replace(next: Partial<VerbalRun>): void {
    if (this.disposed) throw new Error('the verbal runtime was disposed');
    const old = this.run.classifier;
    this.run = { ...this.run, ...next };
    if (this.run.classifier !== old) this.retire(old);
  }

  private retire(c: VerbalClassifier): void {
    if ((this.holds.get(c) ?? 0) > 0) this.retired.add(c);
    else c.dispose();
  }

  /** The server stops: the running model goes now, held ones when released (their work was stopped). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.retire(this.run.classifier);
  }
}
