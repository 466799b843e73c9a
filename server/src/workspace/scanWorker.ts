// Entry of the server's background worker threads (bundled to dist/scanWorker.js). A content-scan
// worker reads each page it is sent (unless its stamp shows it unchanged), through the same
// containment checks as the server, and answers with the titles it links; an order worker puts the
// titles of the index in order, so that neither the user's typing holds that up nor it a keystroke.
import { parentPort, workerData } from 'node:worker_threads';
import { pageTitleOrder } from './entryTable';
import { nodeFileSystem } from './fileSystem';
import type { PageStamp } from './linkGraph';
import { PackedStrings } from './packed';
import { lowerIfInBackground, serveBatches } from './workerPool';
import { Workspace, type PageLinks, type WorkspaceOptions } from './workspace';

/** What a worker is started with: its task. */
export type BackgroundTask =
  | { task: 'scan'; roots: string[]; options: WorkspaceOptions }
  /** The table's titles (a `PackedStrings` as plain data) and which entries are redirects; answered with `pageTitleOrder`. */
  | { task: 'order'; titles: { text: string; offsets: Uint32Array }; redirect: Uint8Array };

const data = workerData as BackgroundTask;
if (data.task === 'order') {
  lowerIfInBackground();
  const order = pageTitleOrder(new PackedStrings(data.titles.text, data.titles.offsets), data.redirect);
  // A slice of its own (`titleOrder`), never shared memory: handed over, not copied.
  parentPort!.postMessage(order, [order.buffer as ArrayBuffer]);
} else {
  const workspace = new Workspace(nodeFileSystem, () => undefined, data.roots, data.options);
  serveBatches(([file, known]: [string, PageStamp | undefined]): Promise<PageLinks> => workspace.readLinks(file, known));
}
