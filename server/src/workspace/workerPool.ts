// Work spread over worker threads in batches: fast workers take more batches, each result comes
// back with its batch number. Used by the server's background content scan and by the CLI.
import * as os from 'node:os';
import { Worker, parentPort } from 'node:worker_threads';
import { lowerThisThread } from './threadPriority';

interface BatchMessage<T> { batch: number; items: T[] }
interface ResultMessage<R> { batch: number; results: R[] }

/** What `runInWorkers` takes its items from: an array, or a list that makes its items when asked. */
export interface ItemList<T> {
  readonly length: number;
  at(index: number): T | undefined;
  slice(start: number, end: number): T[];
}

/** How many workers to start for `items` on this machine. */
export function workerCount(limit: number): number {
  return Math.max(1, Math.min(limit, os.availableParallelism()));
}

/** How often a paused pool looks again whether it may go on. */
const PAUSE_POLL_MS = 50;

/** Tells a worker it works in the background (see `lowerThreadPriority`). */
const BACKGROUND_ARG = '--wiki-markdown-background';

/**
 * Runs `script` on `workers` threads (each gets `data` as workerData), sends it `items` in batches
 * of `batchSize` (each item turned into what is sent by `prepare`, as its batch goes out) and hands
 * each batch's results to `onBatch`, in the order they arrive. A pool given `isPaused` gives way to
 * the user: while it says so no new batch goes out, and its workers always run at the lowest
 * priority, so that the batches already out never slow the thread that answers the user.
 */
export async function runInWorkers<T, R, M = T>(
  script: string, data: unknown, items: ItemList<T>,
  options: { workers: number; batchSize: number; isCancelled?: () => boolean; isPaused?: () => boolean; prepare?: (item: T) => M },
  onBatch: (batch: number, results: R[], items: T[]) => void,
): Promise<void> {
  let next = 0;
  /** The items of each batch out at a worker (a list may make them anew on each slice). */
  const sent = new Map<number, T[]>();
  await Promise.all(Array.from({ length: options.workers }, () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(script, { workerData: data, argv: options.isPaused ? [BACKGROUND_ARG] : [] });
    /** Batches out at this worker. */
    let out = 0;
    let ended = false;
    const send = () => {
      if (ended) return;
      const allSent = next * options.batchSize >= items.length;
      if (options.isCancelled?.() || (allSent && out === 0)) {
        ended = true;
        void worker.terminate().then(() => resolve());
        return;
      }
      // Nothing left to send: the worker ends once the batches it holds are back.
      if (allSent) return;
      if (options.isPaused?.()) {
        setTimeout(send, PAUSE_POLL_MS);
        return;
      }
      const batch = items.slice(next * options.batchSize, (next + 1) * options.batchSize);
      sent.set(next, batch);
      const message: BatchMessage<M> = { batch: next, items: options.prepare ? batch.map(options.prepare) : (batch as unknown as M[]) };
      next++;
      out++;
      worker.postMessage(message);
    };
    worker.on('message', ({ batch, results }: ResultMessage<R>) => {
      out--;
      const batchItems = sent.get(batch)!;
      sent.delete(batch);
      onBatch(batch, results, batchItems);
      send();
    });
    worker.on('error', reject);
    // A second batch waits at the worker while it works on the first: it never idles while this thread handles a result.
    worker.on('online', () => {
      send();
      send();
    });
  })));
}

/** The young generation of a one-task worker (`runOnWorker`), in MB. */
const YOUNG_GENERATION_MB = 2;

/**
 * Runs `script` on a thread of its own with `data`, in the background (at the lowest priority, as a
 * pool given `isPaused`), and resolves with the one message it answers; rejects if it fails or ends first.
 */
export function runOnWorker<R>(script: string, data: unknown): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    // A small young generation: with the default one, the process kept 15 MB more after the worker
    // had ended (200k titles put in order), and the first link graph's peak rose by 30-50 MB.
    const worker = new Worker(script, { workerData: data, argv: [BACKGROUND_ARG], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    worker.once('message', (result: R) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    // After the answer this changes nothing.
    worker.once('exit', (code) => reject(new Error(`the worker ended (exit code ${code}) without an answer`)));
  });
}

/** Lowers this worker thread's priority when it was started to work in the background (see `runInWorkers`, `runOnWorker`). */
export function lowerIfInBackground(): void {
  if (process.argv.includes(BACKGROUND_ARG)) lowerThisThread();
}

/** The worker side of `runInWorkers`: answers each batch with `handle` applied to its items in order. */
export function serveBatches<T, R>(handle: (item: T) => Promise<R>): void {
  lowerIfInBackground();
  const port = parentPort!;
  port.on('message', async ({ batch, items }: BatchMessage<T>) => {
    const results: R[] = [];
    for (const item of items) results.push(await handle(item));
    const message: ResultMessage<R> = { batch, results };
    port.postMessage(message);
  });
}
