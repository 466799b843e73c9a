// Checks a corpus' pages on several worker threads. The main thread scans file names once and
// hands the scan to each worker; pages go out in small batches so that fast workers take more.
// Results are passed on in file order, so the output does not depend on the number of workers.
import * as path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runInWorkers, serveBatches } from '../workspace/workerPool';
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

/** Checks `files` and hands each result to `onResult` in the order of `files`, whatever the number of workers. */
export async function checkFiles(
  workspace: Workspace, scan: ScanResult, files: string[], options: CheckOptions & { cwd: string }, jobs: number,
  onResult: (result: FileResult) => void,
): Promise<void> {
  if (jobs <= 1) {
    for (const file of files) onResult(await checkFile(workspace, file, options));
    return;
  }
  const input: WorkerInput = {
    roots: [...workspace.roots.folders], workspaceOptions: workspace.options, scan,
    check: { settings: options.settings, fix: options.fix, dryRun: options.dryRun, cwd: options.cwd },
  };
  // Batches come back in any order; they are passed on in file order, so only those ahead wait here.
  const waiting = new Map<number, FileResult[]>();
  let nextToEmit = 0;
  await runInWorkers<string, FileResult>(__filename, input, files, { workers: jobs, batchSize: BATCH }, (batch, results) => {
    waiting.set(batch, results);
    for (let ready = waiting.get(nextToEmit); ready; ready = waiting.get(nextToEmit)) {
      waiting.delete(nextToEmit++);
      for (const r of ready) onResult(r);
    }
  });
}

/** The worker side: rebuilds the workspace from the main thread's scan, then checks the batches it is sent. */
export function runWorkerIfWorker(): boolean {
  if (isMainThread || !parentPort) return false;
  const input = workerData as WorkerInput;
  const workspace = new Workspace(nodeFileSystem, () => undefined, input.roots, input.workspaceOptions);
  const options: CheckOptions = { ...input.check, displayPath: displayPathFrom(input.check.cwd) };
  const adopted = workspace.adopt(input.scan);
  serveBatches(async (file: string) => {
    await adopted;
    return checkFile(workspace, file, options);
  });
  return true;
}
