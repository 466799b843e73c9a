// Entry of a content-scan worker thread (bundled to dist/scanWorker.js): reads each page it is
// sent, through the same containment checks as the server, and answers with the titles it links.
import { workerData } from 'node:worker_threads';
import { parsePage } from '../parse';
import { nodeFileSystem } from './fileSystem';
import { linkTargets } from './linkGraph';
import { serveBatches } from './workerPool';
import { Workspace, type WorkspaceOptions } from './workspace';

interface ScanWorkerData {
  roots: string[];
  options: WorkspaceOptions;
}

const data = workerData as ScanWorkerData;
const workspace = new Workspace(nodeFileSystem, () => undefined, data.roots, data.options);
serveBatches(async (file: string): Promise<string[] | undefined> => {
  const read = await workspace.readText(file);
  return 'text' in read ? linkTargets(parsePage(read.text, { maxLength: data.options.maxFileBytes })) : undefined;
});
