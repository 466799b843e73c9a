// The workspace folders, and the one check that keeps every read inside them.
import * as path from 'node:path';
import type { FileSystem } from './fileSystem';

/** How long a folder's real path is trusted: long enough for a scan, short enough to notice a folder swapped for a symlink. */
const FOLDER_CACHE_MS = 2000;

export class WorkspaceRoots {
  private readonly roots: string[];
  private realRoots: string[] | undefined;
  /** Real paths of folders recently resolved, so that reading many pages of one folder costs one lstat each. */
  private readonly realFolders = new Map<string, { real: string | undefined; at: number }>();

  constructor(roots: readonly string[], private readonly fs: FileSystem) {
    this.roots = roots.map((r) => path.resolve(r));
  }

  get folders(): readonly string[] {
    return this.roots;
  }

  /** Whether a path lies inside a workspace folder, by its text alone (no symlinks followed). */
  containsLexically(p: string): boolean {
    return isInside(path.resolve(p), this.roots);
  }

  /** Whether a path, with every symlink followed, lies inside a workspace folder. */
  async containsReally(p: string): Promise<boolean> {
    if (!this.containsLexically(p)) return false;
    this.realRoots ??= await Promise.all(this.roots.map(async (r) => (await this.fs.realPath(r)) ?? r));
    const real = (await this.fs.isSymbolicLink(p)) ? await this.fs.realPath(p) : await this.realChild(p);
    return real !== undefined && isInside(real, this.realRoots);
  }

  /** The real path of a file that is not a symlink: its folder's real path (cached briefly) and its name. */
  private async realChild(p: string): Promise<string | undefined> {
    const folder = path.dirname(p);
    let cached = this.realFolders.get(folder);
    if (!cached || Date.now() - cached.at > FOLDER_CACHE_MS) {
      if (this.realFolders.size > 10_000) this.realFolders.clear();
      cached = { real: await this.fs.realPath(folder), at: Date.now() };
      this.realFolders.set(folder, cached);
    }
    return cached.real && path.join(cached.real, path.basename(p));
  }
}

function isInside(p: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = path.relative(root, p);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}
