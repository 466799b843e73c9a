// Entry of a content-scan worker thread (bundled to dist/scanWorker.js): reads each page it is
// sent (unless its stamp shows it unchanged), through the same containment checks as the server,
// and answers with the titles it links.
import { workerData } from 'node:worker_threads';
import { nodeFileSystem } from './fileSystem';
import type { PageStamp } from './linkGraph';
import { serveBatches } from './workerPool';
import { Workspace, type PageLinks, type WorkspaceOptions } from './workspace';

interface ScanWorkerData {
  roots: string[];
  options: WorkspaceOptions;
}

const data = workerData as ScanWorkerData;
const workspace = new Workspace(nodeFileSystem, () => undefined, data.roots, data.options);
serveBatches(([file, known]: [string, PageStamp | undefined]): Promise<PageLinks> => workspace.readLinks(file, known));
