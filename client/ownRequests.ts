// Requests this window makes that re-analyse a session (Save roles, Re-analyse). The server
// tells the session's room `reanalysed` just before it answers such a request, and the answer
// carries the new snapshot: while a request for a session is under way, a `reanalysed` for it
// is this window's own echo and is not read again (the answer is shown instead). The server runs
// a session's re-analyses one after another, so one the room heard of meanwhile is older than
// the answer; an echo that comes after the answer (a slow socket) is read, which shows the same.

export class OwnRequests {
  /** Per session, how many of this window's requests are under way (a save and a Re-analyse may overlap). */
  private readonly pending = new Map<string, number>();

  /** Runs `request` for session `id`, counting it as under way until it settles. */
  async run<T>(id: string, request: () => Promise<T>): Promise<T> {
    this.pending.set(id, (this.pending.get(id) ?? 0) + 1);
    try {
      return await request();
    } finally {
      const left = (this.pending.get(id) ?? 1) - 1;
      if (left > 0) this.pending.set(id, left);
      else this.pending.delete(id);
    }
  }

  /** Whether a `reanalysed` for session `id` now is this window's own echo (not to be read again). */
  isOwnEcho(id: string): boolean {
    return this.pending.has(id);
  }
}
