// All file I/O of the server goes through this interface, so that the workspace layer can be
// tested on a fake and so that containment in the workspace folders is checked in one place.
import { promises as fsp, lstatSync, readFileSync, realpathSync, readlinkSync, statSync, readdirSync } from 'node:fs';
import * as nodePath from 'node:path';

export interface DirEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  mtimeMs: number;
  /** False when the file's mode has no write permission at all (the user marked it read-only). */
  writable: boolean;
}

export interface FileSystem {
  readFile(path: string): Promise<Uint8Array>;
  stat(path: string): Promise<FileStat | undefined>;
  readDirectory(path: string): Promise<DirEntry[]>;
  realPath(path: string): Promise<string | undefined>;
  readLink(path: string): Promise<string | undefined>;
  /** Whether the path itself is a symbolic link (not followed). */
  isSymbolicLink(path: string): Promise<boolean>;
  /** Replaces a file's content atomically: a temporary file in the same folder, then a rename. */
  writeFileAtomic(path: string, data: string): Promise<void>;
}

/**
 * The real file system. Reads are synchronous behind the async interface: for the many small
 * files of a corpus that is several times faster than a trip through the thread pool each, and
 * long loops yield to the event loop themselves (see Workspace.scanContents).
 */
export const nodeFileSystem: FileSystem = {
  readFile: async (path) => readFileSync(path),
  async stat(path) {
    const s = statSync(path, { throwIfNoEntry: false });
    return s && { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs, writable: (s.mode & 0o222) !== 0 };
  },
  async readDirectory(path) {
    return readdirSync(path, { withFileTypes: true })
      .map((e) => ({ name: e.name, isFile: e.isFile(), isDirectory: e.isDirectory(), isSymbolicLink: e.isSymbolicLink() }));
  },
  async realPath(path) {
    try {
      return realpathSync.native(path);
    } catch {
      return undefined;
    }
  },
  async readLink(path) {
    try {
      return readlinkSync(path);
    } catch {
      return undefined;
    }
  },
  isSymbolicLink: async (path) => lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false,
  async writeFileAtomic(path, data) {
    const temp = nodePath.join(nodePath.dirname(path), `.${nodePath.basename(path)}.${process.pid}.tmp`);
    const { mode } = await fsp.stat(path);
    try {
      await fsp.writeFile(temp, data, { mode });
      await fsp.rename(temp, path);
    } catch (e) {
      await fsp.rm(temp, { force: true });
      throw e;
    }
  },
};
