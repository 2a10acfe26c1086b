// Work under way per session (live turns taken, frames queued), which a session's deletion
// waits for: LiveTurnQueue and FrameService each keep one.

export class InFlight {
  private readonly bySession = new Map<string, Set<Promise<void>>>();

  /** Marks one piece of the session's work as under way; call the function it returns once it is done. */
  start(sessionId: string): () => void {
    let resolve!: () => void;
    const piece = new Promise<void>((r) => (resolve = r));
    const pieces = this.bySession.get(sessionId) ?? new Set<Promise<void>>();
    this.bySession.set(sessionId, pieces.add(piece));
    return () => {
      resolve();
      pieces.delete(piece);
      if (pieces.size === 0 && this.bySession.get(sessionId) === pieces) this.bySession.delete(sessionId);
    };
  }

  /** Resolves once every piece of the session's work under way now is done; later pieces are not waited for. */
  async settled(sessionId: string): Promise<void> {
    await Promise.all([...(this.bySession.get(sessionId) ?? [])]);
  }
}
