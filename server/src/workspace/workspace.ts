// The corpus as the features see it: the page index, link resolution the way the wiki resolves
// titles, safe reading of page contents, and a background scan of contents for category counts.
import * as path from 'node:path';
import { categoryTitles, parsePage, type LinkNode, type ParsedPage } from '../parse';
import type { FileSystem } from './fileSystem';
import { PageIndex, type PageEntry } from './pageIndex';
import { WorkspaceRoots } from './roots';
import { pageTitle, scanCorpus } from './scan';
import { titleVariants } from './variants';

export type Resolution =
  | { state: 'exists'; page: PageEntry; match: 'exact' | 'variant' | 'redirect' }
  | { state: 'missing' }
  | { state: 'outside'; path: string }
  /** Links that name no page (web links, links without a target). */
  | { state: 'none' };

export type ReadResult = { text: string } | { error: string };

export interface WorkspaceOptions {
  pageFolders: readonly string[];
  /** Largest file read, in bytes; larger pages are read only up to it. */
  maxFileBytes: number;
}

export const DEFAULT_OPTIONS: WorkspaceOptions = { pageFolders: ['**/Page'], maxFileBytes: 2_000_000 };

export class Workspace {
  readonly index = new PageIndex();
  roots: WorkspaceRoots;
  pageFolders: string[] = [];
  readonly categories = new CategoryCounts();

  constructor(
    private readonly fs: FileSystem,
    private readonly log: (message: string) => void,
    rootFolders: readonly string[] = [],
    public options: WorkspaceOptions = DEFAULT_OPTIONS,
  ) {
    this.roots = new WorkspaceRoots(rootFolders, fs);
  }

  /** Indexes every page title under the workspace folders from file names. */
  async scan(rootFolders: readonly string[] = this.roots.folders): Promise<void> {
    this.roots = new WorkspaceRoots(rootFolders, this.fs);
    const result = await scanCorpus(this.fs, this.roots, this.options.pageFolders);
    for (const p of result.problems) this.log(p);
    this.pageFolders = result.pageFolders;
    for (const entry of result.entries) this.index.add(entry);
    this.log(`indexed ${this.index.size} pages in ${result.pageFolders.length} page folder(s)`);
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
    return true;
  }

  fileDeleted(file: string): boolean {
    const removed = this.index.remove(file) !== undefined;
    this.categories.forget(file);
    return removed;
  }

  /** Resolves a link from the page at `fromFile` the way the wiki resolves the title. */
  resolve(link: LinkNode, fromFile: string): Resolution {
    const target = link.target;
    if (!target) return { state: 'none' };
    if (link.kind === 'local' || target.folder) {
      const destination = path.resolve(path.dirname(fromFile), target.path ?? '');
      if (!this.roots.containsLexically(destination)) return { state: 'outside', path: destination };
    }
    const title = target.title;
    if (target.folder === 'Redirect') {
      const redirect = this.index.get(title, 'Redirect');
      if (redirect?.redirectTo) {
        const page = this.index.byFile(redirect.redirectTo);
        if (page) return { state: 'exists', page, match: 'redirect' };
      }
    }
    return this.lookUpTitle(title);
  }

  /** Exact title first, then its Traditional/Simplified variants, as MediaWiki looks a title up. */
  lookUpTitle(title: string): Resolution {
    const exact = this.index.get(title);
    if (exact) return { state: 'exists', page: exact, match: 'exact' };
    for (const variant of titleVariants(title)) {
      const page = this.index.get(variant);
      if (page) return { state: 'exists', page, match: 'variant' };
    }
    // Titles mixing both scripts meet only through the shared Simplified key.
    const [mixed] = this.index.variantsOf(title);
    const page = mixed === undefined ? undefined : this.index.get(mixed);
    return page ? { state: 'exists', page, match: 'variant' } : { state: 'missing' };
  }

  /**
   * Reads a file's text, never outside the workspace folders (symlinks followed before the check),
   * skipping binary files and reading at most `maxFileBytes`. Invalid UTF-8 becomes U+FFFD.
   */
  async readText(file: string): Promise<ReadResult> {
    if (!(await this.roots.containsReally(file))) return { error: `not read: ${file} is outside the workspace folders` };
    const stat = await this.fs.stat(file);
    if (!stat) return { error: `not found: ${file}` };
    if (!stat.isFile) return { error: `not a file: ${file}` };
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readFile(file);
    } catch (e) {
      return { error: `cannot read ${file}: ${(e as Error).message}` };
    }
    if (bytes.subarray(0, 8192).includes(0)) return { error: `skipped ${file}: binary content` };
    if (bytes.length > this.options.maxFileBytes) bytes = bytes.subarray(0, this.options.maxFileBytes);
    return { text: new TextDecoder('utf-8').decode(bytes) };
  }

  /** Reads and parses every page once, in the background, for category counts. */
  async scanContents(isCancelled: () => boolean, onProgress: (done: number, total: number) => void): Promise<void> {
    const pages = [...this.index.pages()];
    let done = 0;
    for (const page of pages) {
      if (isCancelled()) return;
      const read = await this.readText(page.path);
      if ('text' in read) this.categories.record(page.path, parsePage(read.text, { maxLength: this.options.maxFileBytes }));
      if (++done % 200 === 0 || done === pages.length) onProgress(done, pages.length);
    }
    this.categories.complete = true;
  }
}

function isBelow(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** How many pages carry each category, from the background scan and from edited pages. */
export class CategoryCounts {
  private readonly byPage = new Map<string, string[]>();
  private readonly counts = new Map<string, number>();
  complete = false;

  record(file: string, parsed: ParsedPage): void {
    this.forget(file);
    const titles = categoryTitles(parsed);
    this.byPage.set(file, titles);
    for (const t of titles) this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
  }

  forget(file: string): void {
    for (const t of this.byPage.get(file) ?? []) {
      const n = (this.counts.get(t) ?? 1) - 1;
      if (n > 0) this.counts.set(t, n);
      else this.counts.delete(t);
    }
    this.byPage.delete(file);
  }

  count(category: string): number {
    return this.counts.get(category) ?? 0;
  }
}
