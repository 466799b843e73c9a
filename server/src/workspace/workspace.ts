// The corpus as the features see it: the page index, link resolution the way the wiki resolves
// titles, safe reading of page contents, and a background scan of contents for the link graph.
import * as path from 'node:path';
import { parsePage, type LinkNode, type ParsedPage } from '../parse';
import { LinkGraph, linkTargets } from './linkGraph';
import { runInWorkers, workerCount } from './workerPool';
import type { FileSystem } from './fileSystem';
import { PageIndex, type PageEntry } from './pageIndex';
import { WorkspaceRoots } from './roots';
import { pageTitle, scanCorpus, type ScanResult } from './scan';
import { titleVariants, variantKey } from './variants';

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
export type ReadResult = { text: string; complete: boolean } | { error: string };

export interface WorkspaceOptions {
  pageFolders: readonly string[];
  /** Largest file read, in bytes; larger pages are read only up to it. */
  maxFileBytes: number;
}

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_LOSSY = new TextDecoder('utf-8', { ignoreBOM: true });

/** Pages per message to a scan worker: large enough to keep messaging cheap, small enough to cancel quickly. */
const SCAN_BATCH = 256;

/** How long the background scan works before letting waiting requests run. */
const YIELD_EVERY_MS = 20;

export const DEFAULT_OPTIONS: WorkspaceOptions = { pageFolders: ['**/Page'], maxFileBytes: 2_000_000 };

export class Workspace {
  readonly index = new PageIndex();
  roots: WorkspaceRoots;
  pageFolders: string[] = [];
  readonly links = new LinkGraph();
  private readonly editedPages = new Set<string>();

  constructor(
    private readonly fs: FileSystem,
    private readonly log: (message: string) => void,
    rootFolders: readonly string[] = [],
    public options: WorkspaceOptions = DEFAULT_OPTIONS,
  ) {
    this.roots = new WorkspaceRoots(rootFolders, fs);
  }

  /** Indexes every page title under the workspace folders from file names. */
  async scan(rootFolders: readonly string[] = this.roots.folders): Promise<ScanResult> {
    this.roots = new WorkspaceRoots(rootFolders, this.fs);
    const result = await scanCorpus(this.fs, this.roots, this.options.pageFolders);
    for (const p of result.problems) this.log(p);
    this.adopt(result);
    this.log(`indexed ${this.index.size} pages in ${result.pageFolders.length} page folder(s)`);
    return result;
  }

  /** Takes over the result of a scan made elsewhere (by the CLI's main thread, for its workers). */
  adopt(result: ScanResult): void {
    this.pageFolders = result.pageFolders;
    for (const entry of result.entries) this.index.add(entry);
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

  /** Keeps the index current when a file appears on disk; returns whether the index changed. */
  async fileCreated(file: string): Promise<boolean> {
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
    if (entry.folder === 'Page') await this.refreshLinks(file);
    return true;
  }

  /** Re-reads a page's links from its file (changed on disk, or closed in the editor). */
  async refreshLinks(file: string): Promise<void> {
    this.editedPages.delete(file);
    if (this.index.byFile(file)?.folder !== 'Page') return;
    const read = await this.readText(file);
    if ('text' in read) this.links.record(file, linkTargets(parsePage(read.text, { maxLength: this.options.maxFileBytes })));
    else this.links.forget(file);
  }

  fileDeleted(file: string): boolean {
    const removed = this.index.remove(file) !== undefined;
    this.links.forget(file);
    this.editedPages.delete(file);
    return removed;
  }

  /** Resolves a link from the page at `fromFile` the way the wiki resolves the title. */
  resolve(link: LinkNode, fromFile: string): Resolution {
    const target = link.target;
    if (!target) return { state: 'none' };
    if (link.kind === 'local' || target.folder) {
      const fromDir = fromFile.slice(0, Math.max(1, fromFile.lastIndexOf(path.sep)));
      if (!this.roots.containsRelative(fromDir, target.path ?? '')) return { state: 'outside', path: path.resolve(fromDir, target.path ?? '') };
    }
    const title = target.title;
    if (target.folder === 'Redirect') {
      const redirect = this.index.get(title, 'Redirect');
      if (redirect?.redirectTo) {
        // A redirect to a page, not to another redirect (MediaWiki does not follow double redirects either; loops end here).
        const page = this.index.byFile(redirect.redirectTo);
        if (page?.folder === 'Page') return { state: 'exists', page, match: 'redirect' };
      }
    }
    return this.lookUpTitle(title);
  }

  /** Exact title first, then its Traditional/Simplified variants, as MediaWiki looks a title up. */
  lookUpTitle(title: string): Resolution {
    const exact = this.index.get(title);
    if (exact) return { state: 'exists', page: exact, match: 'exact' };
    // Only titles filed under the same cheap key can be variants: most missing titles stop here.
    const candidates = this.index.variantsOf(title);
    if (!candidates.length) return { state: 'missing' };
    for (const variant of titleVariants(title)) {
      const page = this.index.get(variant);
      if (page) return { state: 'exists', page, match: 'variant' };
    }
    // Titles mixing both scripts meet only through their Simplified forms.
    const key = variantKey(title);
    const mixed = candidates.find((t) => variantKey(t) === key);
    const page = mixed === undefined ? undefined : this.index.get(mixed);
    return page ? { state: 'exists', page, match: 'variant' } : { state: 'missing' };
  }

  /**
   * Reads a file's text, never outside the workspace folders (symlinks followed before the check),
   * skipping binary files and reading at most `maxFileBytes`. Invalid UTF-8 becomes U+FFFD.
   */
  async readText(file: string): Promise<ReadResult> {
    const outside: ReadResult = { error: `not read: ${file} is outside the workspace folders` };
    if (!this.roots.containsLexically(file)) return outside;
    let read: Awaited<ReturnType<FileSystem['readRegularFile']>>;
    try {
      // One open that refuses a symlink: pages are regular files, so the common case costs no lstat or stat.
      read = await this.fs.readRegularFile(file, this.options.maxFileBytes);
      if (read === 'symlink') {
        const real = await this.fs.realPath(file);
        if (!real || !(await this.roots.containsRealPath(real))) return outside;
        read = await this.fs.readRegularFile(real, this.options.maxFileBytes);
        if (read === 'symlink') return { error: `cannot read ${file}: it changed while being read` };
      } else if (!(await this.roots.folderReallyInside(file))) return outside;
    } catch (e) {
      return { error: `cannot read ${file}: ${(e as Error).message}` };
    }
    if (read === undefined) return { error: `not found: ${file}` };
    if (read === 'not-a-file') return { error: `not a file: ${file}` };
    const { bytes, size } = read;
    if (bytes.subarray(0, 8192).includes(0)) return { error: `skipped ${file}: binary content` };
    const complete = size <= this.options.maxFileBytes;
    // The BOM stays in the text, so that a text written back keeps it.
    try {
      return { text: UTF8_STRICT.decode(bytes), complete };
    } catch {
      return { text: UTF8_LOSSY.decode(bytes), complete: false };
    }
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

  /**
   * Reads and parses every page once, in the background, into the link graph: on worker threads
   * running `workerScript` when given (the server), else on this thread between requests.
   */
  async scanContents(isCancelled: () => boolean, onProgress: (done: number, total: number) => void, workerScript?: string): Promise<void> {
    const pages = [...this.index.pages()];
    const progress = this.links.progress;
    progress.total = pages.length;
    if (workerScript) {
      const files = pages.map((p) => p.path);
      const data = { roots: [...this.roots.folders], options: this.options };
      await runInWorkers<string, string[] | undefined>(workerScript, data, files, { workers: workerCount(4), batchSize: SCAN_BATCH, isCancelled }, (batch, results) => {
        results.forEach((titles, i) => {
          const file = files[batch * SCAN_BATCH + i];
          // A page recorded from the editor is newer than its file; a page deleted meanwhile is gone.
          if (titles && !this.editedPages.has(file) && this.index.byFile(file)) this.links.record(file, titles);
        });
        progress.done += results.length;
        onProgress(progress.done, pages.length);
      });
      progress.complete = !isCancelled();
      return;
    }
    let lastYield = Date.now();
    for (const page of pages) {
      // Let requests in between pages: reads are synchronous underneath.
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
      if (isCancelled()) return;
      // A page recorded from the editor is newer than its file.
      if (!this.editedPages.has(page.path)) {
        const read = await this.readText(page.path);
        if ('text' in read) this.links.record(page.path, linkTargets(parsePage(read.text, { maxLength: this.options.maxFileBytes })));
      }
      if (++progress.done % 200 === 0 || progress.done === pages.length) onProgress(progress.done, pages.length);
    }
    progress.complete = true;
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
