// Checks a corpus' pages on several worker threads. The main thread scans file names once and
// hands the scan to each worker; pages go out in small batches so that fast workers take more.
// Results are passed on in file order, so the output does not depend on the number of workers.
import * as path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runInWorkers, serveBatches, workerCount, type ItemList } from '../workspace/workerPool';
import type { DiagnosticCode, Settings } from '../features/settings';
import { nodeFileSystem } from '../workspace/fileSystem';
import { EntryTable } from '../workspace/entryTable';
import type { IndexedScan } from '../workspace/indexStore';
import { Workspace, type WorkspaceOptions } from '../workspace/workspace';
import type { PageList } from '../workspace/pageIndex';
import { checkFile, type CheckOptions, type FileResult } from './checkFile';
import { openFindingsStore, type FindingsStore, type KnownFindings } from './findingsCache';
import { pacer } from '../workspace/pacing';

const BATCH = 64;
/**
 * With the last run's findings and no user to give way to (the CLI), pages are first taken on this
 * thread, where a page unchanged since then costs less than its trip to a worker and back (1.4M
 * pages: 21 s and 0.5 GB here, 29 s and 1.2 GB on two workers); once this many pages had to be
 * read, the rest go to the workers.
 */
const MAIN_THREAD_READS = 2000;

/** A page to check and what the last run kept of it. */
type CheckItem = [file: string, known: KnownFindings | undefined];

interface WorkerInput {
  roots: string[];
  workspaceOptions: WorkspaceOptions;
  scan: IndexedScan;
  check: Omit<CheckOptions, 'displayPath'> & { cwd: string };
}

export function displayPathFrom(cwd: string): (file: string) => string {
  return (file) => path.relative(cwd, file) || file;
}

/**
 * Checks `files` on `workers` worker threads (0: on this thread) and hands each result to `onResult`
 * in the order of `files`, whatever the number of workers. The workers run `workerScript`, a bundle
 * that calls `runWorkerIfWorker` (the CLI's).
 * With `findings`, a page whose text, and the index's answers to its lookups, are unchanged since
 * the last run gets that run's rows, and this run's are kept for the next (written at the end,
 * unless cancelled). Returns how many pages got the last run's rows.
 */
export async function checkFiles(
  workspace: Workspace, files: ItemList<string>, options: CheckOptions & { cwd: string }, workers: number,
  onResult: (result: FileResult) => void, workerScript = __filename, isCancelled?: () => boolean, isPaused?: () => boolean,
  findings: FindingsStore = {},
): Promise<number> {
  const { previous, writer } = findings;
  const known = (i: number, file: string) => previous?.known(i, file);
  const withFindings = { ...options, previousFindings: previous?.file, changedLookups: previous?.changed, keepFindings: writer !== undefined };
  let reused = 0;
  const deliver = (result: FileResult) => {
    if (result.reused) reused++;
    writer?.add(result.file, result.findings);
    onResult(result);
  };
  try {
    // The server's count keeps its thread for the user's requests: all of it goes to the workers.
    const mainFirst = previous !== undefined && isPaused === undefined;
    await checkAll(workspace, files, withFindings, workers, deliver, workerScript, known, mainFirst, isCancelled, isPaused);
    if (!isCancelled?.()) await writer?.commit(isPaused && pacer(undefined, isPaused));
  } finally {
    writer?.abort();
  }
  return reused;
}

async function checkAll(
  workspace: Workspace, files: ItemList<string>, options: CheckOptions & { cwd: string }, workers: number, onResult: (result: FileResult) => void,
  workerScript: string, known: (i: number, file: string) => KnownFindings | undefined, mainFirst: boolean,
  isCancelled?: () => boolean, isPaused?: () => boolean,
): Promise<void> {
  // Pages before `first` are checked on this thread.
  let first = 0;
  if (workers === 0 || mainFirst) {
    for (let reads = 0; first < files.length && (workers === 0 || reads < MAIN_THREAD_READS); first++) {
      if (isCancelled?.()) return;
      const file = files.at(first)!;
      const result = await checkFile(workspace, file, options, known(first, file));
      if (result.reused !== 'stamp') reads++;
      onResult(result);
    }
  }
  if (first >= files.length) return;
  const items: ItemList<CheckItem> = {
    length: files.length - first,
    at: (i) => {
      const file = files.at(first + i)!;
      return [file, known(first + i, file)];
    },
    slice: (start, end) => files.slice(first + start, first + end).map((file, k) => [file, known(first + start + k, file)]),
  };
  if (!workspace.lastScan) throw new Error('the workspace has not been indexed');
  const input: WorkerInput = {
    roots: [...workspace.roots.folders], workspaceOptions: workspace.options, scan: { ...workspace.lastScan, table: workspace.index.table() },
    check: {
      settings: options.settings, fix: options.fix, fixTo: options.fixTo, rows: options.rows, cwd: options.cwd,
      previousFindings: options.previousFindings, changedLookups: options.changedLookups, keepFindings: options.keepFindings,
    },
  };
  // Batches come back in any order; they are passed on in file order, so only those ahead wait here.
  const waiting = new Map<number, FileResult[]>();
  let nextToEmit = 0;
  await runInWorkers<CheckItem, FileResult>(workerScript, input, items, { workers, batchSize: BATCH, isCancelled, isPaused }, (batch, results) => {
    waiting.set(batch, results);
    for (let ready = waiting.get(nextToEmit); ready; ready = waiting.get(nextToEmit)) {
      waiting.delete(nextToEmit++);
      for (const r of ready) onResult(r);
    }
  });
}

/** Below this many pages, worker threads cost more than they save. */
const COUNT_ON_WORKERS_FROM = 2000;
/**
 * From this many pages the count runs on one worker: each worker holds a copy of the title table
 * (0.25 GB at 1.4M pages), and the count is background work, which need not take every core.
 */
const ONE_COUNT_WORKER_FROM = 500_000;

/** The server's workers for a pass over `pages` pages: none for a few, two, one for a large corpus. */
function serverWorkers(pages: number): number {
  return pages < COUNT_ON_WORKERS_FROM ? 0 : workerCount(pages < ONE_COUNT_WORKER_FROM ? 2 : 1);
}

/**
 * The problems of each page of the corpus (as the user's severities show them), counted on worker
 * threads that run `workerScript` (two, one for a large corpus); `onProgress` hears the running
 * total. With `cache`, the findings are kept beside the index, and a page unchanged since the last
 * count is not checked.
 */
export async function countProblems(
  workspace: Workspace, settings: Settings, workerScript: string,
  onProgress: (done: number, total: number, problems: number) => void, isCancelled: () => boolean, isPaused?: () => boolean,
  cache?: { file: string; log: (message: string) => void },
): Promise<{ byFile: PageCounts; problems: number } | undefined> {
  if (!workspace.lastScan) return undefined;
  const files = workspace.index.pageList();
  const findings = cache && await openFindingsStore(
    cache.file, workspace.index.table(), files.length, workerScript, JSON.stringify({ settings, ...workspace.indexKey }), cache.log, pacer(undefined, isPaused),
  );
  const workers = serverWorkers(files.length);
  let done = 0;
  let problems = 0;
  const byFile = new PageCounts(files);
  const options = { settings, displayPath: (f: string) => f, cwd: '/' };
  const reused = await checkFiles(workspace, files, options, workers, (result) => {
    // The results come in the order of `files`.
    byFile.setAt(done, result.rows.length);
    problems += result.rows.length;
    onProgress(++done, files.length, problems);
  }, workerScript, isCancelled, isPaused, findings);
  if (isCancelled()) return undefined;
  if (findings?.previous) cache?.log(`${reused} of ${files.length} pages unchanged since the last count: their problems taken from the cache`);
  return { byFile, problems };
}

/**
 * Fixes `codes` in `files` (the server's fix-all in workspace) on worker threads (on this thread for
 * a few pages), handing each page's result on in the order of `files`: 'edits' gives the fixes as
 * edits and writes nothing, 'write' writes them as `wikimd check --fix` does. Its workers give way
 * to the user while `isPaused` says so.
 */
export async function fixPages(
  workspace: Workspace, settings: Settings, codes: readonly DiagnosticCode[], fixTo: 'edits' | 'write', files: ItemList<string>,
  workerScript: string, onResult: (result: FileResult) => void, isCancelled: () => boolean, isPaused: () => boolean,
): Promise<void> {
  const workers = serverWorkers(files.length);
  const options = { settings, fix: codes, fixTo, rows: false, displayPath: (f: string) => f, cwd: '/' };
  await checkFiles(workspace, files, options, workers, onResult, workerScript, isCancelled, isPaused);
}

/** Each listed page's count of problems, by its place in the list: a million paths in a map cost 100 MB more. */
export class PageCounts {
  private readonly counts: Uint32Array;

  constructor(private readonly pages: PageList) {
    this.counts = new Uint32Array(pages.length);
  }

  /** Undefined for a page that is not listed. */
  get(file: string): number | undefined {
    const at = this.pages.indexOf(file);
    return at < 0 ? undefined : this.counts[at];
  }

  /** Changes the count of a listed page; returns the count it replaces (undefined: not listed, nothing changed). */
  replace(file: string, problems: number): number | undefined {
    const at = this.pages.indexOf(file);
    if (at < 0) return undefined;
    const counted = this.counts[at];
    this.counts[at] = problems;
    return counted;
  }

  /** Sets the count of the page at this place in the list. */
  setAt(position: number, problems: number): void {
    this.counts[position] = problems;
  }
}

/** The worker side: rebuilds the workspace from the main thread's scan, then checks the batches it is sent. */
export function runWorkerIfWorker(): boolean {
  if (isMainThread || !parentPort) return false;
  const input = workerData as WorkerInput;
  const workspace = new Workspace(nodeFileSystem, () => undefined, input.roots, input.workspaceOptions);
  const options: CheckOptions = { ...input.check, displayPath: displayPathFrom(input.check.cwd) };
  // The table crossed the thread boundary as plain data (its hash slots shared, the rest copied).
  workspace.adopt({ ...input.scan, table: EntryTable.fromClone(input.scan.table) });
  serveBatches(([file, known]: CheckItem) => checkFile(workspace, file, options, known));
  return true;
}
