// Finds the corpus under the workspace folders: every folder matching the page-folder globs
// (default `**/Page`) and its sibling `Redirect` folder, and every `.md` file below them.
import * as path from 'node:path';
import type { DirEntry, FileSystem } from './fileSystem';
import { EntryColumns } from './entryTable';
import type { WorkspaceRoots } from './roots';
import { titleFromPagePath } from '../parse';

/** How deep below a workspace folder page folders are looked for. */
const DISCOVERY_DEPTH = 6;

/** A folder listed by the scan and its modification time: a file added, removed or renamed in it changes that. */
export interface FolderStamp { path: string; mtimeMs: number }

export interface ScanResult {
  pageFolders: string[];
  entries: EntryColumns;
  problems: string[];
  /** Every folder listed, so that a persisted scan can be checked without listing them again. */
  folders: FolderStamp[];
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export async function scanCorpus(fs: FileSystem, roots: WorkspaceRoots, globs: readonly string[]): Promise<ScanResult> {
  const patterns = globs.map(globToRegExp);
  const result: ScanResult = { pageFolders: [], entries: new EntryColumns(), problems: [], folders: [] };
  for (const root of roots.folders) {
    const queue: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
    while (queue.length) {
      const { dir, depth } = queue.shift()!;
      const rel = path.relative(root, dir).split(path.sep).join('/');
      if (rel !== '' && patterns.some((p) => p.test(rel))) {
        result.pageFolders.push(dir);
        await collectPages(fs, roots, dir, '', 'Page', result);
        const redirects = path.join(path.dirname(dir), 'Redirect');
        if ((await fs.stat(redirects))?.isDirectory) await collectPages(fs, roots, redirects, '', 'Redirect', result);
        continue;
      }
      if (depth >= DISCOVERY_DEPTH) continue;
      for await (const chunk of listDirectory(fs, dir, result)) {
        for (const e of chunk) {
          if (e.isDirectory() && !e.isSymbolicLink() && !e.name.startsWith('.') && e.name !== 'node_modules') {
            queue.push({ dir: path.join(dir, e.name), depth: depth + 1 });
          }
        }
      }
    }
  }
  return result;
}

/** A folder's entries in chunks; a folder that cannot be listed (or not to the end) is a problem of the scan. */
async function* listDirectory(fs: FileSystem, dir: string, result: ScanResult): AsyncGenerator<DirEntry[]> {
  try {
    // Stamped before listing: a change during the listing then shows as a newer time.
    const stat = await fs.stat(dir);
    if (stat) result.folders.push({ path: dir, mtimeMs: stat.mtimeMs });
    yield* fs.readDirectory(dir);
  } catch (e) {
    result.problems.push(`cannot list ${dir}: ${(e as Error).message}`);
  }
}

/** Lists the pages below `base` + `relDir` (`relDir` is '' or ends with '/'); paths are built by hand: a million path.join calls add up. */
async function collectPages(fs: FileSystem, roots: WorkspaceRoots, base: string, relDir: string, folder: 'Page' | 'Redirect', result: ScanResult) {
  const dir = relDir ? `${base}${path.sep}${relDir.slice(0, -1).split('/').join(path.sep)}` : base;
  // Requests are let in by the listing, between chunks.
  for await (const chunk of listDirectory(fs, dir, result)) for (const e of chunk) {
    // Sub-folders hold titles with `/` (`TCP/IP`); symlinked folders are not followed (loops, escapes).
    const isLink = e.isSymbolicLink();
    if (e.isDirectory() && !isLink) {
      if (isPageFileName(e.name)) result.problems.push(`skipped ${dir}${path.sep}${e.name}: a folder named like a page`);
      await collectPages(fs, roots, base, `${relDir}${e.name}/`, folder, result);
      continue;
    }
    if (!isPageFileName(e.name) || !(isLink || e.isFile())) continue;
    let redirectTo: string | undefined;
    if (isLink) {
      const link = await fs.readLink(`${dir}${path.sep}${e.name}`);
      const target = link === undefined ? undefined : path.resolve(dir, link);
      if (target && roots.containsLexically(target)) redirectTo = target;
    }
    result.entries.add(dir, e.name, titleFromPagePath(relDir + e.name), folder, redirectTo);
  }
}

/** Ends in `.md`, in any case (without a lower-cased copy of each of a million names). */
function isPageFileName(name: string): boolean {
  const n = name.length;
  return n >= 3 && name.charCodeAt(n - 3) === 0x2e && (name.charCodeAt(n - 2) | 0x20) === 0x6d && (name.charCodeAt(n - 1) | 0x20) === 0x64;
}

export function pageTitle(pageFolder: string, file: string): string {
  return titleFromPagePath(path.relative(pageFolder, file).split(path.sep).join('/'));
}

/** Whether every folder a scan listed still has the time it had then (a missing folder has changed). */
export async function foldersUnchanged(fs: FileSystem, folders: readonly FolderStamp[]): Promise<boolean> {
  for (const folder of folders) {
    if ((await fs.stat(folder.path))?.mtimeMs !== folder.mtimeMs) return false;
  }
  return true;
}
