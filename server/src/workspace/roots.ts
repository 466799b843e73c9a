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
    return isInside(isResolved(p) ? p : path.resolve(p), this.roots);
  }

  /** Folders (with a count of `../` climbed from them) whose ancestor is known to be inside, or not. */
  private readonly ancestorInside = new Map<string, boolean>();

  /**
   * Whether a relative link destination from a file in `fromDir` stays inside, by its text alone.
   * This runs for every local link: the common shape, `../` steps then plain names, is answered from
   * a per-folder memo without the `path` module; any other shape takes `containsLexically`.
   */
  containsRelative(fromDir: string, dest: string): boolean {
    let i = 0;
    let ups = 0;
    for (;;) {
      if (dest.startsWith('../', i)) { ups++; i += 3; } else if (dest.startsWith('./', i)) i += 2;
      else break;
    }
    const plain = path.sep === '/' && i < dest.length && dest.charCodeAt(i) !== 0x2e && dest.charCodeAt(i) !== 0x2f && !dest.includes('/.', i);
    if (plain) {
      const key = `${ups}:${fromDir}`;
      let inside = this.ancestorInside.get(key);
      if (inside === undefined) {
        if (this.ancestorInside.size > 10_000) this.ancestorInside.clear();
        inside = isInside(path.resolve(fromDir, '../'.repeat(ups)), this.roots);
        this.ancestorInside.set(key, inside);
      }
      // Below an ancestor that is inside, plain names stay inside; from one outside they may come back in.
      if (inside) return true;
    }
    return this.containsLexically(path.resolve(fromDir, dest));
  }

  /** Whether a path, with every symlink followed, lies inside a workspace folder. */
  async containsReally(p: string): Promise<boolean> {
    if (!this.containsLexically(p)) return false;
    if (await this.fs.isSymbolicLink(p)) return this.containsRealPath(await this.fs.realPath(p));
    return this.folderReallyInside(p);
  }

  /** Whether a real path (symlinks already followed) lies inside a workspace folder's real path. */
  async containsRealPath(real: string | undefined): Promise<boolean> {
    this.realRoots ??= await Promise.all(this.roots.map(async (r) => (await this.fs.realPath(r)) ?? r));
    return real !== undefined && isInside(real, this.realRoots);
  }

  /** Whether the folder of a path that is not itself a symlink really lies inside (its real path cached briefly). */
  async folderReallyInside(p: string): Promise<boolean> {
    return this.containsRealPath(await this.realChild(p));
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
    // A folder that is its own real path (most are) leaves the path as it is.
    if (cached.real === folder && isResolved(p)) return p;
    return cached.real && path.join(cached.real, path.basename(p));
  }
}

function isInside(p: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    // Every page read asks this: where both paths are resolved already, a prefix answers as `path.relative` would.
    if (isResolved(p) && isResolved(root)) return p === root || (p.startsWith(root) && (root === '/' || p.charCodeAt(root.length) === 0x2f));
    const rel = path.relative(root, p);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/**
 * Whether `path.resolve` gives a path back as it is (POSIX): absolute, no empty segment and no
 * trailing `/`, and no segment that starts with `.` (which leaves out `.` and `..`, and names like
 * `..a`, which `path.relative` makes look like a step up: those take the slow way).
 */
export function isResolved(p: string): boolean {
  return path.sep === '/' && p.charCodeAt(0) === 0x2f && !p.includes('//') && !p.includes('/.') && (p.length === 1 || p.charCodeAt(p.length - 1) !== 0x2f);
}
