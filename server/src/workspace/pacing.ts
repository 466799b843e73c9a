// Long loops on the server's thread (listing a million titles, taking in file events) must let
// waiting requests in: a pacer says when a loop has run long enough and hands it a pause.

/** How long a loop runs before it lets waiting requests in. */
const SLICE_MS = 20;

/** How often a loop held back for the user looks again whether it may go on. */
const HOLD_POLL_MS = 50;

/**
 * A pause in which waiting requests (and replies being written) get their turn. Two turns of the
 * event loop: a request read in the first is handed to its handler on an immediate queued after
 * ours, so a single turn would run the next slice of work before the request.
 */
export function letRequestsIn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/**
 * Returns a function that gives a pause (to `await`) once a slice of time has passed since the last,
 * else undefined. While `isPaused` says so (the user is typing), the pause lasts until it no longer does.
 */
export function pacer(sliceMs = SLICE_MS, isPaused?: () => boolean): () => Promise<void> | undefined {
  let last = Date.now();
  const resume = (resolve: () => void) => {
    if (isPaused?.()) return void setTimeout(() => resume(resolve), HOLD_POLL_MS);
    last = Date.now();
    resolve();
  };
  return () => {
    if (Date.now() - last < sliceMs) return undefined;
    return letRequestsIn().then(() => new Promise<void>(resume));
  };
}

/**
 * Work written as a generator that yields now and then: `finish` runs it through at once,
 * `finishPaced` lets waiting requests in at its yields (a million-page table is built in slices).
 */
export type Steps<T> = Generator<void, T, void>;

export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export async function finishPaced<T>(steps: Steps<T>, pause = pacer()): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    const due = pause();
    if (due) await due;
  }
}
