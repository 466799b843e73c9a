// Background work gives way to the thread that answers the user through the scheduler: Linux keeps
// a nice value per thread, and `/proc/thread-self` names this thread's id. Elsewhere, or where
// `/proc` cannot be read, threads stay at normal priority.
import { readdirSync, readlinkSync } from 'node:fs';
import * as os from 'node:os';

/** Lowers this thread's scheduling priority to the least (a worker that works in the background). */
export function lowerThisThread(): void {
  try {
    lower(Number(/\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]));
  } catch {
    // No per-thread priority here: nothing to lower.
  }
}

/**
 * Lowers every other thread of the process as it is now, called first thing on the main thread:
 * those are the engine's helpers (concurrent marking and sweeping, optimizing compiles), for this
 * thread and for the workers to come. At normal priority four of them took turns with this thread
 * on two cores while pages were read in the background (keystroke p95 7.2-9.7 ms, against 5.9-7.0 ms).
 */
export function lowerHelperThreads(): void {
  try {
    for (const task of readdirSync('/proc/self/task')) if (Number(task) !== process.pid) lower(Number(task));
  } catch {
    // No per-thread priority here: nothing to lower.
  }
}

function lower(thread: number): void {
  if (thread) os.setPriority(thread, os.constants.priority.PRIORITY_LOW);
}
