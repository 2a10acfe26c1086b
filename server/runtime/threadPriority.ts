// The CPU priority of the calling thread. Linux schedules threads on their own and setpriority
// with a thread's id (from /proc/thread-self) changes that thread alone, not the process: a
// background job's worker thread lowers its own, so that on a busy machine the live path (the
// main thread: turns, acks, cues) runs first. Elsewhere there is no per-thread priority: nothing
// changes (os.setPriority on the process would slow the live path too).
import fs from 'node:fs';
import os from 'node:os';

/** The lowest priority (the highest nice value). */
export const LOWEST_PRIORITY = 19;

/** Lowers this thread's priority to `nice` (default the lowest); false where threads have none of their own or it failed. */
export function lowerThreadPriority(nice = LOWEST_PRIORITY): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(/\/task\/(\d+)$/.exec(fs.readlinkSync('/proc/thread-self'))?.[1]);
    // The main thread's id is the process's: that would be the whole process.
    if (!Number.isInteger(tid) || tid === process.pid) return false;
    os.setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
