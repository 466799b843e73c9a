// Entry of a content-scan worker thread (bundled to dist/scanWorker.js): reads each page it is
// sent, through the same containment checks as the server, and answers with the titles it links.
import { parentPort, workerData } from 'node:worker_threads';
import { parsePage } from '../parse';
import { nodeFileSystem } from './fileSystem';
import { linkTargets } from './linkGraph';
import type { ScanWorkerData } from './scanPool';
import { Workspace } from './workspace';

const data = workerData as ScanWorkerData;
const workspace = new Workspace(nodeFileSystem, () => undefined, data.roots, data.options);
const port = parentPort!;
port.on('message', async (files: string[]) => {
  const out: [string, string[] | undefined][] = [];
  for (const file of files) {
    const read = await workspace.readText(file);
    out.push([file, 'text' in read ? linkTargets(parsePage(read.text, { maxLength: data.options.maxFileBytes })) : undefined]);
  }
  port.postMessage(out);
});
