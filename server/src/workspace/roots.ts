// The workspace folders, and the one check that keeps every read inside them.
import * as path from 'node:path';
import type { FileSystem } from './fileSystem';

export class WorkspaceRoots {
  private readonly roots: string[];
  private realRoots: string[] | undefined;

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
    const real = await this.fs.realPath(p);
    return real !== undefined && isInside(real, this.realRoots);
  }
}

function isInside(p: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = path.relative(root, p);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}
