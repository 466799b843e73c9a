// Long loops on the server's thread (listing a million titles, taking in file events) must let
// waiting requests in: a pacer says when a loop has run long enough and hands it a pause.

/** How long a loop runs before it lets waiting requests in. */
const SLICE_MS = 20;

/** Returns a function that gives a pause (to `await`) once a slice of time has passed since the last, else undefined. */
export function pacer(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let last = Date.now();
  return () => {
    if (Date.now() - last < sliceMs) return undefined;
    return new Promise((resolve) => setImmediate(() => {
      last = Date.now();
      resolve();
    }));
  };
}
