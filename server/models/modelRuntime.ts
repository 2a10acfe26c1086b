// The model of one kind the server runs now, which an analyst may switch while it runs (the verbal
// model: verbalRuntime.ts; the posture model: postureRuntime.ts). Everything that classifies reads
// `current` at use time in one synchronous step; work that spans turns of the event loop holds the
// one it started with. A replaced classifier is disposed once nothing holds it.

export interface RunningModel {
  classifier: { dispose(): void };
}

/** A `current` held by work spanning turns of the event loop: its classifier is not disposed before release(). */
export type Held<R> = R & { release(): void };

export class ModelRuntime<R extends RunningModel> {
  private run: R;
  /** Holds per classifier; a replaced one is disposed when its count reaches 0. */
  private readonly holds = new Map<R['classifier'], number>();
  private readonly retired = new Set<R['classifier']>();
  private disposed = false;

  constructor(
    private readonly kind: string,
    initial: R,
  ) {
    this.run = { ...initial };
  }

  get current(): Readonly<R> {
    return this.run;
  }

  hold(): Held<R> {
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
  holdsOn(classifier: R['classifier']): number {
    return this.holds.get(classifier) ?? 0;
  }

  /**
   * Runs `next` from now on (what it leaves out stays as it is). A replaced classifier is
   * disposed now if nothing holds it, else when the last hold is released.
   */
  replace(next: Partial<R>): void {
    if (this.disposed) throw new Error(`the ${this.kind} runtime was disposed`);
    const old = this.run.classifier;
    this.run = { ...this.run, ...next };
    if (this.run.classifier !== old) this.retire(old);
  }

  private retire(c: R['classifier']): void {
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
