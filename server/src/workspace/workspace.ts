// The corpus as the features see it: the page index, link resolution the way the wiki resolves
// titles, safe reading of page contents, and a background scan of contents for the link graph.
import * as path from 'node:path';
import { pagePathFromTitle, parsePage, type LinkNode, type ParsedPage } from '../parse';
import { LinkGraph, linkTargets, type LinkGraphData, type PageStamp } from './linkGraph';
import { loadGraph, loadIndex, saveIndex, type IndexedScan, type IndexKey } from './indexStore';
import { runInWorkers, runOnWorker, workerCount, type ItemList } from './workerPool';
import type { BackgroundTask } from './scanWorker';
import type { FileSystem } from './fileSystem';
import { finishPaced, pacer } from './pacing';
import { EntryTable } from './entryTable';
import { LookupLog, PageIndex, type PageEntry } from './pageIndex';
import { WorkspaceRoots } from './roots';
import { foldersUnchanged, pageTitle, scanCorpus, type ScanResult } from './scan';
import type { WikiLanguage } from './language';
import { phraseVariants, titleVariants, variantKey } from './variants';

export type Resolution =
  | { state: 'exists'; page: PageEntry; match: 'exact' | 'variant' | 'redirect' }
  | { state: 'missing' }
  | { state: 'outside'; path: string }
  /** Links that name no page (web links, links without a target). */
  | { state: 'none' };

/**
 * A page's text. `complete` is false when the file was cut at `maxFileBytes` or held invalid
 * UTF-8 (shown as U+FFFD): such a text must never be written back.
 */
export type ReadResult = { text: string; complete: boolean; stamp: PageStamp } | { error: string };

/** A page's bytes as read (see `Workspace.readPage`), before they are decoded (`decodePage`). */
export type PageBytes = { bytes: Uint8Array; complete: boolean; stamp: PageStamp };

/** How long the content scan's preparation runs before it lets requests in. */
const SCAN_PREP_SLICE_MS = 5;

/** A page's links as the content scan reads them: 'unchanged' when its file still has the stamp given. */
export type PageLinks = { titles: string[]; stamp: PageStamp } | 'unchanged' | undefined;

export interface WorkspaceOptions {
  pageFolders: readonly string[];
  /** Largest file read, in bytes; larger pages are read only up to it. */
  maxFileBytes: number;
  /** The content language of the corpus's wiki, whose link-trail rule the checks follow; `auto`: told by each page's wiki links. */
  language?: WikiLanguage | 'auto';
}

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_LOSSY = new TextDecoder('utf-8', { ignoreBOM: true });

/** A page's text from its bytes; not `complete` when they were cut or are not valid UTF-8 (shown as U+FFFD). */
export function decodePage(read: PageBytes): { text: string; complete: boolean } {
  // The BOM stays in the text, so that a text written back keeps it.
  try {
    return { text: UTF8_STRICT.decode(read.bytes), complete: read.complete };
  } catch {
    return { text: UTF8_LOSSY.decode(read.bytes), complete: false };
  }
}

/** A file event: a file created, changed or deleted on disk. */
export interface FileChange { file: string; type: 'created' | 'changed' | 'deleted' }

/** Pages to re-read after file events from which worker threads pay off. */
const WORKERS_FROM = 2000;

/**
 * Pages per message to a scan worker: large enough to keep messaging cheap, small enough that taking
 * in its results (a few ms for 256 pages) does not hold up a keystroke's diagnostics for long.
 */
const SCAN_BATCH = 64;

/**
 * Bounds the memo of title lookups to a large page's titles: what keystrokes need. A larger memo
 * costs the CLI, which resolves millions of distinct titles, more in collected garbage than it saves.
 */
const MAX_REMEMBERED_RESOLUTIONS = 4096;


interface RememberedResolution {
  resolution: Resolution;
  /** What it looked up in the index, when lookups were logged as it was made. */
  lookups?: LookupLog;
}

export const DEFAULT_OPTIONS: WorkspaceOptions = { pageFolders: ['**/Page'], maxFileBytes: 2_000_000 };

export class Workspace {
  readonly index = new PageIndex();
  roots: WorkspaceRoots;
  pageFolders: string[] = [];
  links: LinkGraph;
  private readonly editedPages = new Set<string>();
  /** Title lookups of the index's current version (keystrokes re-check the same links), by title and how the link names it. */
  private resolved = { version: -1, answers: new Map<string, RememberedResolution[]>() };
  /** The scan the titles came from (listed, or persisted): its folder stamps tell a later start whether titles changed. */
  lastScan: IndexedScan | undefined;
  /** The ordering of a table's titles under way or done (see `orderTitles`). */
  private ordering: { table: EntryTable; done: Promise<void> } | undefined;

  constructor(
    private readonly fs: FileSystem,
    private readonly log: (message: string) => void,
    rootFolders: readonly string[] = [],
    public options: WorkspaceOptions = DEFAULT_OPTIONS,
  ) {
    this.roots = new WorkspaceRoots(rootFolders, fs);
    this.links = new LinkGraph(this.roots.folders[0]);
  }

  /** Indexes every page title under the workspace folders from file names. */
  async scan(rootFolders: readonly string[] = this.roots.folders): Promise<ScanResult> {
    this.roots = new WorkspaceRoots(rootFolders, this.fs);
    const result = await scanCorpus(this.fs, this.roots, this.options.pageFolders);
    for (const p of result.problems) this.log(p);
    this.adopt({ pageFolders: result.pageFolders, folders: result.folders, table: await finishPaced(EntryTable.building(result.entries)) });
    this.log(`indexed ${this.index.size} pages in ${result.pageFolders.length} page folder(s)`);
    return result;
  }

  /** What a persisted index of this workspace must have been built for. */
  get indexKey(): IndexKey {
    return { roots: [...this.roots.folders], pageFolders: [...this.options.pageFolders], maxFileBytes: this.options.maxFileBytes };
  }

  /**
   * Indexes the titles from the persisted index at `indexFile` when no folder it listed has changed
   * since, else by a scan. Says how the titles were found. The link graph is taken by `openLinks`.
   */
  async open(indexFile: string | undefined): Promise<'persisted' | 'scanned'> {
    const loaded = indexFile ? await loadIndex(this.fs, indexFile, this.indexKey) : undefined;
    if (loaded && 'reason' in loaded) this.log(`persisted index not used (${loaded.reason}): ${indexFile}`);
    else if (loaded) {
      if (await foldersUnchanged(this.fs, loaded.folders)) {
        this.adopt(loaded);
        this.log(`indexed ${this.index.size} pages in ${loaded.pageFolders.length} page folder(s) from the persisted index`);
        return 'persisted';
      }
      this.log('pages were added, removed or renamed since the index was persisted: listing them again');
    }
    await this.scan();
    return 'scanned';
  }

  /**
   * Takes the persisted link graph beside `indexFile`, with each page's stamp, so that
   * `scanContents` re-reads only the pages whose file changed. Pages edited meanwhile keep their links.
   */
  async openLinks(indexFile: string): Promise<void> {
    const loaded = await loadGraph(this.fs, indexFile, this.indexKey);
    if ('reason' in loaded) {
      if (loaded.reason !== 'none yet') this.log(`persisted link graph not used (${loaded.reason}): ${indexFile}`);
      return;
    }
    const links = LinkGraph.fromData(loaded);
    links.progress = { done: 0, total: loaded.files.size, complete: true };
    for (const file of this.editedPages) links.record(file, this.links.targetsOf(file));
    this.links = links;
  }

  /**
   * Puts the indexed titles in order: a second or more at a million pages, begun once the titles are
   * indexed rather than when the index is first persisted, since until then a prefix search sorts
   * the titles of its first two letters. Given `workerScript` (the server), on a worker thread, so
   * that the order neither waits for the user to stop typing nor slows a keystroke; else (the CLI,
   * or where the worker fails) here, in slices held while the user types.
   */
  orderTitles(isPaused?: () => boolean, workerScript?: string): Promise<void> {
    const table = this.index.table();
    if (this.ordering?.table !== table) {
      const paced = () => finishPaced(table.sortingPages(), pacer(undefined, isPaused)).then(() => undefined);
      const task: BackgroundTask = { task: 'order', titles: table.parts.titles, redirect: table.parts.redirect };
      const done = workerScript && !table.isSorted
        ? runOnWorker<Uint32Array>(workerScript, task).then((order) => (table.takeOrder(order) ? undefined : paced()), paced)
        : paced();
      this.ordering = { table, done };
    }
    return this.ordering.done;
  }

  /** Writes the titles and the link graph to `indexFile` (atomically), held while `isPaused` says so. */
  async persist(indexFile: string, isPaused?: () => boolean, workerScript?: string): Promise<void> {
    if (!this.lastScan) return;
    const table = this.index.table();
    // Ordering the titles and packing the graph take a second or more at a million pages: in slices, held while the user types (the order on a worker, if given).
    const pause = pacer(undefined, isPaused);
    await this.orderTitles(isPaused, workerScript);
    const scan: IndexedScan = { ...this.lastScan, table };
    let graph: LinkGraphData | undefined;
    if (this.links.progress.complete) {
      // Begun again when a page was recorded meanwhile.
      do graph = await finishPaced(this.links.dataSteps(), pause);
      while (!graph);
    }
    if (graph) {
      // The packed arrays just made replace the graph's maps of titles and files: hundreds of MB less at a million pages.
      const current = this.links;
      const packed = await finishPaced(current.repacking(graph), pause);
      if (packed && this.links === current) this.links = packed;
    }
    await saveIndex(this.fs, indexFile, this.indexKey, { scan, graph }, isPaused);
  }

  /** Takes over the titles of a scan (this one's, the persisted one's, or the CLI main thread's for its workers). */
  adopt(scan: IndexedScan): void {
    this.lastScan = scan;
    this.pageFolders = scan.pageFolders;
    this.index.load(scan.table);
  }

  /** The page folder a file lies in, and whether it is a `Redirect` folder. */
  private folderOf(file: string): { base: string; folder: 'Page' | 'Redirect' } | undefined {
    for (const base of this.pageFolders) {
      const redirects = path.join(path.dirname(base), 'Redirect');
      if (isBelow(file, base)) return { base, folder: 'Page' };
      if (isBelow(file, redirects)) return { base: redirects, folder: 'Redirect' };
    }
    return undefined;
  }

  /** The `Page` folder a file lies below, if any. */
  pageFolderOf(file: string): string | undefined {
    return this.pageFolders.find((base) => isBelow(file, base));
  }

  /** Adds a file that appeared on disk to the index (its links are read by the caller); returns whether the index changed. */
  private async fileCreated(file: string): Promise<boolean> {
    const where = this.folderOf(file);
    if (!where || !file.toLowerCase().endsWith('.md')) return false;
    const stat = await this.fs.stat(file);
    if (!stat?.isFile) return false;
    const entry: PageEntry = { title: pageTitle(where.base, file), path: file, folder: where.folder };
    if (where.folder === 'Redirect') {
      const link = await this.fs.readLink(file);
      const target = link === undefined ? undefined : path.resolve(path.dirname(file), link);
      if (target && this.roots.containsLexically(target)) entry.redirectTo = target;
    }
    this.index.add(entry);
    return true;
  }

  /**
   * Follows file events, many at once as after a `git pull`: the index first (cheap), then the
   * pages to re-read, in one batch (on worker threads when there are many), skipping pages whose
   * file still has the stamp the graph holds and pages open in the editor (newer than their file).
   * Yields to waiting requests as it goes. Returns whether titles were added or removed.
   */
  async applyFileChanges(changes: readonly FileChange[], isOpen: (file: string) => boolean, workerScript?: string): Promise<boolean> {
    let titlesChanged = false;
    const reread = new Set<string>();
    const pause = pacer();
    for (const { file, type } of changes) {
      await pause();
      if (type === 'deleted') {
        titlesChanged = this.fileDeleted(file) || titlesChanged;
        reread.delete(file);
        continue;
      }
      if (type === 'created') titlesChanged = (await this.fileCreated(file)) || titlesChanged;
      if (this.index.byFile(file)?.folder === 'Page' && !isOpen(file)) reread.add(file);
    }
    const files = [...reread];
    await this.readIntoGraph(files, () => false, () => undefined, files.length >= WORKERS_FROM ? workerScript : undefined);
    return titlesChanged;
  }

  /** Re-reads a page's links from its file (changed on disk, or closed in the editor). */
  async refreshLinks(file: string): Promise<void> {
    this.editedPages.delete(file);
    if (this.index.byFile(file)?.folder !== 'Page') return;
    const links = await this.readLinks(file);
    if (links && links !== 'unchanged') this.links.record(file, links.titles, links.stamp);
    else this.links.forget(file);
  }

  fileDeleted(file: string): boolean {
    const removed = this.index.remove(file) !== undefined;
    this.links.forget(file);
    this.editedPages.delete(file);
    return removed;
  }

  /**
   * Before the titles are indexed: puts into the index the few files that the links of one page can
   * name (each title and its variants in the folder a link points into, redirects and their pages),
   * so that `resolve` answers that page's links as the full index will, without waiting for it.
   * Only titles that meet a variant through a mixed-script spelling are found later, by the index.
   */
  async probeLinks(links: readonly LinkNode[], fromFile: string): Promise<void> {
    const fromDir = path.dirname(fromFile);
    const tried = new Set<string>();
    const addPage = async (folder: string, file: string) => {
      if (tried.has(file) || !file.startsWith(folder + path.sep)) return;
      tried.add(file);
      if (!this.roots.containsLexically(file) || !(await this.fs.stat(file))?.isFile) return;
      if (!this.index.byFile(file)) this.index.add({ title: pageTitle(folder, file), path: file, folder: 'Page' });
    };
    for (const link of links) {
      const target = link.target;
      if (!target || (link.kind !== 'local' && link.kind !== 'wiki' && !target.folder)) continue;
      let folder = path.basename(fromDir) === 'Page' ? fromDir : undefined;
      if (target.folder && target.path) {
        // Only `./` and `../` come before the folder's name.
        const at = target.path.indexOf(`${target.folder}/`);
        folder = at < 0 ? undefined : path.resolve(fromDir, target.path.slice(0, at + target.folder.length));
      }
      if (!folder || !this.roots.containsLexically(folder)) continue;
      if (target.folder === 'Redirect') {
        const file = path.join(folder, pagePathFromTitle(target.title));
        const linkText = this.index.byFile(file) ? undefined : await this.fs.readLink(file);
        const to = linkText === undefined ? undefined : path.resolve(folder, linkText);
        if (!to || !this.roots.containsLexically(to)) continue;
        this.index.add({ title: pageTitle(folder, file), path: file, folder: 'Redirect', redirectTo: to });
        await addPage(path.dirname(to), to);
        continue;
      }
      if (target.path) {
        // The file the link names as written (`iPhone.md` is the page `IPhone`).
        const fragment = target.path.indexOf('.md#');
        await addPage(folder, path.resolve(fromDir, fragment < 0 ? target.path : target.path.slice(0, fragment + 3)));
      }
      for (const title of [target.title, ...titleVariants(target.title)]) await addPage(folder, path.join(folder, pagePathFromTitle(title)));
    }
  }

  /** Resolves a link from the page at `fromFile` the way the wiki resolves the title. */
  resolve(link: LinkNode, fromFile: string): Resolution {
    const target = link.target;
    if (!target) return { state: 'none' };
    if (link.kind === 'local' || target.folder) {
      const fromDir = fromFile.slice(0, Math.max(1, fromFile.lastIndexOf(path.sep)));
      if (!this.roots.containsRelative(fromDir, target.path ?? '')) return { state: 'outside', path: path.resolve(fromDir, target.path ?? '') };
    }
    // The answer depends only on the index, the title and how the link names it: remembered until the index changes.
    const redirectFirst = target.folder === 'Redirect';
    const viaRedirect = link.kind === 'wiki';
    if (this.resolved.version !== this.index.version || this.resolved.answers.size >= MAX_REMEMBERED_RESOLUTIONS) {
      this.resolved = { version: this.index.version, answers: new Map() };
    }
    let answers = this.resolved.answers.get(target.title);
    if (!answers) this.resolved.answers.set(target.title, (answers = []));
    const slot = (redirectFirst ? 2 : 0) + (viaRedirect ? 1 : 0);
    const log = this.index.lookupLog;
    let remembered = answers[slot];
    // An answer remembered while nothing was logged cannot tell a log what it looked up: made again.
    if (!remembered || (log && !remembered.lookups)) {
      const lookups = log && new LookupLog();
      this.index.lookupLog = lookups;
      try {
        remembered = answers[slot] = { resolution: this.resolveTitle(target.title, redirectFirst, viaRedirect), lookups };
      } finally {
        this.index.lookupLog = log;
      }
    }
    if (log) log.addAll(remembered.lookups!);
    return remembered.resolution;
  }

  private resolveTitle(title: string, redirectFirst: boolean, viaRedirect: boolean): Resolution {
    if (redirectFirst) {
      const page = this.redirectedPage(title);
      if (page) return { state: 'exists', page, match: 'redirect' };
    }
    const found = this.lookUpTitle(title);
    // On the wiki a link to a redirect's title reaches its page; a local link names a file, which must exist.
    const page = found.state === 'missing' && viaRedirect ? this.redirectedPage(title) : undefined;
    return page ? { state: 'exists', page, match: 'redirect' } : found;
  }

  /** The page a redirect of this title leads to: a page, not another redirect (MediaWiki does not follow double redirects either; loops end here). */
  redirectedPage(title: string): PageEntry | undefined {
    const redirect = this.index.get(title, 'Redirect');
    const page = redirect?.redirectTo === undefined ? undefined : this.index.byFile(redirect.redirectTo);
    return page?.folder === 'Page' ? page : undefined;
  }

  /** Exact title first, then its Traditional/Simplified variants, as MediaWiki looks a title up. */
  lookUpTitle(title: string): Resolution {
    const exact = this.index.get(title);
    if (exact) return { state: 'exists', page: exact, match: 'exact' };
    // Only titles filed under the same cheap key can be variants by characters: most missing titles stop here.
    const candidates = this.index.variantsOf(title);
    if (candidates.length) {
      for (const variant of titleVariants(title)) {
        const page = this.index.get(variant);
        if (page) return { state: 'exists', page, match: 'variant' };
      }
      // Titles mixing both scripts meet only through their Simplified forms.
      const key = variantKey(title);
      const mixed = candidates.find((t) => variantKey(t) === key);
      const page = mixed === undefined ? undefined : this.index.get(mixed);
      if (page) return { state: 'exists', page, match: 'variant' };
    }
    // A regional phrase (`軟體`, `软件`) is filed under another key.
    for (const variant of phraseVariants(title)) {
      const page = this.index.get(variant);
      if (page) return { state: 'exists', page, match: 'variant' };
    }
    return { state: 'missing' };
  }

  /**
   * Reads a file's text, never outside the workspace folders (symlinks followed before the check),
   * skipping binary files and reading at most `maxFileBytes`. Invalid UTF-8 becomes U+FFFD.
   */
  async readText(file: string): Promise<ReadResult> {
    const read = await this.readPage(file);
    return 'error' in read ? read : { ...decodePage(read), stamp: read.stamp };
  }

  /**
   * A page's bytes, read as `readText` reads them, not yet decoded: a page known by the digest of
   * its bytes need not be. 'unchanged', unread, when its file still has the stamp `unless` says.
   */
  readPage(file: string): Promise<PageBytes | { error: string }>;
  readPage(file: string, unless: PageStamp | undefined): Promise<PageBytes | 'unchanged' | { error: string }>;
  async readPage(file: string, unless?: PageStamp): Promise<PageBytes | 'unchanged' | { error: string }> {
    const outside = () => ({ error: `not read: ${file} is outside the workspace folders` });
    if (!this.roots.containsLexically(file)) return outside();
    let read: Awaited<ReturnType<FileSystem['readRegularFile']>>;
    try {
      // One open that refuses a symlink: pages are regular files, so the common case costs no lstat or stat.
      read = await this.fs.readRegularFile(file, this.options.maxFileBytes, unless);
      if (read === 'symlink') {
        const real = await this.fs.realPath(file);
        if (!real || !(await this.roots.containsRealPath(real))) return outside();
        read = await this.fs.readRegularFile(real, this.options.maxFileBytes, unless);
        if (read === 'symlink') return { error: `cannot read ${file}: it changed while being read` };
      } else if (!(await this.roots.folderReallyInside(file))) return outside();
    } catch (e) {
      return { error: `cannot read ${file}: ${(e as Error).message}` };
    }
    if (read === undefined) return { error: `not found: ${file}` };
    if (read === 'not-a-file') return { error: `not a file: ${file}` };
    if (read === 'unchanged') return read;
    const { bytes, size, mtimeMs } = read;
    if (bytes.subarray(0, 8192).includes(0)) return { error: `skipped ${file}: binary content` };
    return { bytes, complete: size <= this.options.maxFileBytes, stamp: { mtimeMs, size } };
  }

  /**
   * The titles a link may name to reach this page: its own, its Traditional/Simplified variants
   * and the redirects to it. Callers resolve each link to be sure it reaches the page.
   */
  titlesReaching(page: PageEntry): string[] {
    const titles = new Set([page.title, ...titleVariants(page.title), ...this.index.variantsOf(page.title)]);
    for (const redirect of this.index.redirectsTo(page.path)) titles.add(redirect.title);
    return [...titles];
  }

  /**
   * After a page moved (a rename in the editor): points the redirects to its old file at the new one,
   * with relative links, when both lie inside the workspace. Returns the redirects retargeted and
   * a message for each left alone.
   */
  async retargetRedirects(oldPath: string, newPath: string): Promise<{ retargeted: string[]; problems: string[] }> {
    const retargeted: string[] = [];
    const problems: string[] = [];
    if (!(await this.roots.containsReally(newPath))) return { retargeted, problems: [`${newPath} is outside the workspace folders: redirects to ${oldPath} left as they are`] };
    for (const redirect of [...this.index.redirectsTo(oldPath)]) {
      // The link itself must lie inside (its folder really inside), whatever it points at now.
      if (!this.roots.containsLexically(redirect.path) || !(await this.roots.folderReallyInside(redirect.path))) {
        problems.push(`${redirect.path} is outside the workspace folders: not retargeted`);
        continue;
      }
      try {
        await this.fs.replaceSymlink(redirect.path, path.relative(path.dirname(redirect.path), newPath));
      } catch (e) {
        problems.push(`could not retarget ${redirect.path}: ${(e as Error).message}`);
        continue;
      }
      this.index.remove(redirect.path);
      this.index.add({ ...redirect, redirectTo: newPath });
      retargeted.push(redirect.path);
    }
    return { retargeted, problems };
  }

  /** Replaces a page's text on disk (atomically), never outside the workspace or over a read-only file. */
  async writeText(file: string, text: string): Promise<{ error: string } | undefined> {
    if (!(await this.roots.containsReally(file))) return { error: `not written: ${file} is outside the workspace folders` };
    const stat = await this.fs.stat(file);
    if (!stat?.isFile) return { error: `not written: ${file} is not a file` };
    if (!stat.writable) return { error: `not written: ${file} is read-only` };
    try {
      await this.fs.writeFileAtomic(file, text);
      return undefined;
    } catch (e) {
      return { error: `cannot write ${file}: ${(e as Error).message}` };
    }
  }

  /** Whether a page's file still has the stamp `known` (its time and size), looked at without reading it. */
  async hasStamp(file: string, known: PageStamp): Promise<boolean> {
    const stat = await this.fs.stat(file);
    return stat !== undefined && stat.mtimeMs === known.mtimeMs && stat.size === known.size;
  }

  /** A page's links from its file; 'unchanged' without reading it when its stamp is still `known`. */
  async readLinks(file: string, known?: PageStamp): Promise<PageLinks> {
    if (known && (await this.hasStamp(file, known))) return 'unchanged';
    const read = await this.readText(file);
    return 'text' in read ? { titles: linkTargets(parsePage(read.text, { maxLength: this.options.maxFileBytes })), stamp: read.stamp } : undefined;
  }

  /**
   * Reads and parses every page into the link graph, in the background: on worker threads running
   * `workerScript` when given (the server), else on this thread between requests. Pages the graph
   * holds with their file's current stamp (a persisted graph) are only looked at, not read.
   */
  async scanContents(
    isCancelled: () => boolean, onProgress: (done: number, total: number) => void, workerScript?: string, isPaused?: () => boolean,
  ): Promise<void> {
    const pages = this.index.pageList();
    // Paced in short slices (requests keep coming meanwhile), and held while the user types: at a
    // million pages this loop takes a second or more.
    const pause = pacer(SCAN_PREP_SLICE_MS, isPaused);
    // Pages the persisted graph knows that are gone now.
    for (const file of this.links.recordedFiles()) {
      const due = pause();
      if (due) await due;
      if (!this.index.has(file)) this.links.forget(file);
    }
    const progress = this.links.progress;
    progress.done = 0;
    progress.total = pages.length;
    await this.readIntoGraph(pages, isCancelled, (done) => {
      progress.done = done;
      onProgress(done, pages.length);
    }, workerScript, isPaused);
    progress.complete = progress.complete || !isCancelled();
    if (progress.complete) await this.packLinks(isCancelled, isPaused);
  }

  /**
   * The graph's interned titles and files become packed arrays (as a persisted graph's are), with
   * its reverse index. In slices, held while the user types; begun again if a page was recorded meanwhile.
   */
  private async packLinks(isCancelled: () => boolean, isPaused?: () => boolean): Promise<void> {
    const graph = this.links;
    while (!(await finishPaced(graph.compacting(), pacer(SCAN_PREP_SLICE_MS, isPaused)))) {
      if (isCancelled() || graph !== this.links) return;
    }
  }

  /** Reads pages' links into the graph (those whose stamp the graph holds only if their file changed). */
  private async readIntoGraph(
    files: ItemList<string>, isCancelled: () => boolean, onProgress: (done: number) => void, workerScript?: string, isPaused?: () => boolean,
  ): Promise<void> {
    const withStamp = (file: string): [string, PageStamp | undefined] => [file, this.links.stampOf(file)];
    const take = (file: string, links: PageLinks) => {
      // A page recorded from the editor is newer than its file; a page deleted meanwhile is gone.
      if (links === 'unchanged' || this.editedPages.has(file) || !this.index.has(file)) return;
      if (links) this.links.record(file, links.titles, links.stamp);
      else this.links.forget(file);
    };
    let done = 0;
    if (workerScript) {
      const data: BackgroundTask = { task: 'scan', roots: [...this.roots.folders], options: this.options };
      await runInWorkers<string, PageLinks, [string, PageStamp | undefined]>(workerScript, data, files, { workers: workerCount(4), batchSize: SCAN_BATCH, isCancelled, isPaused, prepare: withStamp }, (_, results, batchFiles) => {
        results.forEach((links, i) => take(batchFiles[i], links));
        onProgress((done += results.length));
      });
      return;
    }
    const pause = pacer();
    for (let i = 0; i < files.length; i++) {
      const file = files.at(i)!;
      // Let requests in between pages: reads are synchronous underneath.
      await pause();
      if (isCancelled()) return;
      if (!this.editedPages.has(file)) take(file, await this.readLinks(file, this.links.stampOf(file)));
      if (++done % 200 === 0 || done === files.length) onProgress(done);
    }
  }

  /** Takes an edited page's links into the graph. */
  pageEdited(file: string, parsed: ParsedPage): void {
    if (!this.index.byFile(file)) return;
    this.editedPages.add(file);
    this.links.record(file, linkTargets(parsed));
  }
}

function isBelow(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
