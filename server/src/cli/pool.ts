// Checks a corpus' pages on several worker threads. The main thread scans file names once and
// hands the scan to each worker; pages go out in small batches so that fast workers take more.
// Results come back per file, and the caller sorts them, so the output does not depend on the
// number of workers.
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { nodeFileSystem } from '../workspace/fileSystem';
import type { ScanResult } from '../workspace/scan';
import { Workspace, type WorkspaceOptions } from '../workspace/workspace';
import { checkFile, type CheckOptions, type FileResult } from './checkFile';

const BATCH = 64;

interface WorkerInput {
  roots: string[];
  workspaceOptions: WorkspaceOptions;
  scan: ScanResult;
  check: Omit<CheckOptions, 'displayPath'> & { cwd: string };
}

export function displayPathFrom(cwd: string): (file: string) => string {
  return (file) => path.relative(cwd, file) || file;
}

export async function checkFiles(
  workspace: Workspace, scan: ScanResult, files: string[], options: CheckOptions & { cwd: string }, jobs: number,
  onProgress: (done: number) => void,
): Promise<FileResult[]> {
  const results: FileResult[] = [];
  if (jobs <= 1) {
    for (const file of files) {
      results.push(await checkFile(workspace, file, options));
      onProgress(results.length);
    }
    return results;
  }
  const input: WorkerInput = {
    roots: [...workspace.roots.folders], workspaceOptions: workspace.options, scan,
    check: { settings: options.settings, fix: options.fix, dryRun: options.dryRun, cwd: options.cwd },
  };
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: input });
    const send = () => {
      if (next >= files.length) {
        void worker.terminate().then(() => resolve());
        return;
      }
      worker.postMessage(files.slice(next, next + BATCH));
      next += BATCH;
    };
    worker.on('message', (batch: FileResult[]) => {
      results.push(...batch);
      onProgress(results.length);
      send();
    });
    worker.on('error', reject);
    worker.on('online', send);
  })));
  return results;
}

/** The worker side: rebuilds the workspace from the main thread's scan, then checks the batches it is sent. */
export function runWorkerIfWorker(): boolean {
  if (isMainThread || !parentPort) return false;
  const input = workerData as WorkerInput;
  const workspace = new Workspace(nodeFileSystem, () => undefined, input.roots, input.workspaceOptions);
  workspace.adopt(input.scan);
  const options: CheckOptions = { ...input.check, displayPath: displayPathFrom(input.check.cwd) };
  const port = parentPort;
  port.on('message', async (files: string[]) => {
    const out: FileResult[] = [];
    for (const file of files) out.push(await checkFile(workspace, file, options));
    port.postMessage(out);
  });
  return true;
}
