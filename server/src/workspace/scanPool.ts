// The background content scan on worker threads: each worker reads and parses pages and sends back
// the titles each links, so the main thread only records them and stays free for requests.
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkspaceOptions } from './workspace';

export interface ScanWorkerData {
  roots: string[];
  options: WorkspaceOptions;
}

/** Files per message: large enough to keep messaging cheap, small enough to cancel quickly. */
const BATCH = 256;

export async function scanInWorkers(
  script: string, data: ScanWorkerData, files: readonly string[], isCancelled: () => boolean,
  onPage: (file: string, titles: string[] | undefined) => void,
): Promise<void> {
  const count = Math.max(1, Math.min(4, os.availableParallelism()));
  let next = 0;
  await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(script, { workerData: data });
    const send = () => {
      if (next >= files.length || isCancelled()) {
        void worker.terminate().then(() => resolve());
        return;
      }
      worker.postMessage(files.slice(next, next + BATCH));
      next += BATCH;
    };
    worker.on('message', (results: [string, string[] | undefined][]) => {
      for (const [file, titles] of results) onPage(file, titles);
      send();
    });
    worker.on('error', reject);
    worker.on('online', send);
  })));
}
