// Per-participant tracking state. pose-detection keeps the ROI of the previous frame and the
// smoothing filters inside the detector object, so each track gets its own detector object
// (sharing the loaded graph models); a bounded LRU drops the least recently seen track.

export interface TrackSlot<D> {
  detector: D;
  /** mediaMs of the last frame, to notice seeks (time going backwards). */
  lastMediaMs: number | undefined;
  /** The person hint the track was (re)started with, as a key; a different one starts it over. */
  hintKey?: string | undefined;
}

export class TrackLru<D> {
  private readonly slots = new Map<string, TrackSlot<D>>();

  constructor(
    private readonly make: () => D,
    private readonly release: (detector: D) => void,
    readonly maxTracks: number,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  /** The slot of `trackId`, created cold on first sight; marks it most recently used. */
  get(trackId: string): TrackSlot<D> {
    let slot = this.slots.get(trackId);
    if (slot) {
      this.slots.delete(trackId);
    } else {
      slot = { detector: this.make(), lastMediaMs: undefined };
      while (this.slots.size >= this.maxTracks) {
        const oldest = this.slots.keys().next().value;
        if (oldest === undefined) break;
        this.delete(oldest);
      }
    }
    this.slots.set(trackId, slot);
    return slot;
  }

  has(trackId: string): boolean {
    return this.slots.has(trackId);
  }

  delete(trackId: string): void {
    const slot = this.slots.get(trackId);
    if (!slot) return;
    this.slots.delete(trackId);
    this.release(slot.detector);
  }

  clear(): void {
    for (const id of [...this.slots.keys()]) this.delete(id);
  }
}
