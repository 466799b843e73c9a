// All file I/O of the server goes through this interface, so that the workspace layer can be
// tested on a fake and so that containment in the workspace folders is checked in one place.
import { promises as fsp, closeSync, constants, fstatSync, lstatSync, opendirSync, openSync, read, readSync, realpathSync, readlinkSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { promisify } from 'node:util';
import { letRequestsIn, pacer } from './pacing';

/** An entry of a folder listing; Node's own `Dirent` is one (a million pages are not copied into objects of ours). */
export interface DirEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  mtimeMs: number;
  /** False when the file's mode has no write permission at all (the user marked it read-only). */
  writable: boolean;
}

/** A file's first bytes (up to a limit), its whole size and its modification time. */
export interface FileBytes { bytes: Uint8Array; size: number; mtimeMs: number }

export interface FileSystem {
  /**
   * Reads at most `maxBytes` of a regular file without following a symlink at the path itself:
   * 'symlink' when it is one, 'not-a-file' for a folder, device or pipe, undefined when missing.
   * `onPart` sees the bytes as they arrive, in order (a large file comes in parts), so that work on
   * them can overlap the reading.
   */
  readRegularFile(path: string, maxBytes: number, onPart?: (part: Uint8Array) => void): Promise<FileBytes | 'symlink' | 'not-a-file' | undefined>;
  /** undefined when missing or out of reach (a symlink loop, a folder that may not be read). */
  stat(path: string): Promise<FileStat | undefined>;
  /** A folder's entries in chunks as they are read (each handled while the rest is read, not all kept until the end). */
  readDirectory(path: string): AsyncIterable<DirEntry[]>;
  realPath(path: string): Promise<string | undefined>;
  readLink(path: string): Promise<string | undefined>;
  /** Whether the path itself is a symbolic link (not followed). */
  isSymbolicLink(path: string): Promise<boolean>;
  /** Replaces (or creates) a file's content atomically: a temporary file in the same folder (the data, or its parts in order), then a rename. */
  writeFileAtomic(path: string, data: string | Uint8Array | Iterable<Uint8Array>): Promise<void>;
  /** Creates a folder and its parents, if missing. */
  makeDirectory(path: string): Promise<void>;
  /** Points a symbolic link (made if missing) at `target`, atomically: a temporary link, then a rename. */
  replaceSymlink(path: string, target: string): Promise<void>;
}

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const READ_AT_ONCE_BELOW = 4 << 20;
const READ_CHUNK = 64 << 20;
const PARTS_IN_FLIGHT = 2;
const LISTING_SLICE_MS = 4;

/** Entries handed on at a time: a million `Dirent`s kept until the listing ends would outlive the young generation. */
const LISTING_CHUNK = 1024;
const readChunk = promisify(read);

/**
 * The real file system. Reads are synchronous behind the async interface: for the many small
 * files of a corpus that is several times faster than a trip through the thread pool each, and
 * long loops yield to the event loop themselves (see Workspace.scanContents).
 */
export const nodeFileSystem: FileSystem = {
  async readRegularFile(path, maxBytes, onPart) {
    let fd: number;
    try {
      // O_NONBLOCK: opening a named pipe must not wait for a writer.
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | NO_FOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') return 'symlink';
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw e;
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) return 'not-a-file';
      // Where O_NOFOLLOW does not exist (Windows), the path is checked after the open.
      if (!NO_FOLLOW && lstatSync(path).isSymbolicLink()) return 'symlink';
      const length = Math.min(stat.size, maxBytes);
      const bytes = Buffer.allocUnsafe(length);
      let read = 0;
      if (length > READ_AT_ONCE_BELOW) {
        // A large file (the persisted index) is read in parts through the thread pool, each asked for
        // as the one two before it arrives: the reading goes on while this thread is busy (with the
        // first page's checks) without taking every core, and requests are answered meanwhile.
        // Every part is awaited, even after a failure: the file is closed only when none is pending.
        const readPart = (at: number) => readChunk(fd, bytes, at, Math.min(READ_CHUNK, length - at), at).then((r) => r.bytesRead, (e: Error) => e);
        const parts: Promise<number | Error>[] = [];
        for (let k = 0; k * READ_CHUNK < length; k++) {
          parts.push(k < PARTS_IN_FLIGHT ? readPart(k * READ_CHUNK) : parts[k - PARTS_IN_FLIGHT].then(() => readPart(k * READ_CHUNK)));
        }
        let failed: Error | undefined;
        let ended = false;
        for (const part of parts) {
          const n = await part;
          if (n instanceof Error) failed ??= n;
          if (n instanceof Error || failed || ended) continue;
          onPart?.(bytes.subarray(read, read + n));
          read += n;
          // A short part ends the file (the last one, or the file shrank while it was read).
          ended = n < READ_CHUNK;
          // The parts that have arrived would otherwise be taken in one go, holding up replies.
          await letRequestsIn();
        }
        if (failed) throw failed;
      } else {
        // A page is read at once.
        while (read < length) {
          const n = readSync(fd, bytes, read, length - read, read);
          if (n === 0) break;
          onPart?.(bytes.subarray(read, read + n));
          read += n;
        }
      }
      return { bytes: read < length ? bytes.subarray(0, read) : bytes, size: stat.size, mtimeMs: stat.mtimeMs };
    } finally {
      closeSync(fd);
    }
  },
  async stat(path) {
    let s: ReturnType<typeof statSync>;
    try {
      s = statSync(path, { throwIfNoEntry: false });
    } catch {
      // A symlink loop, a path through a file, a folder that may not be read: nothing to use there.
      return undefined;
    }
    return s && { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs, writable: (s.mode & 0o222) !== 0 };
  },
  async *readDirectory(path) {
    // Read a few thousand entries at a time, letting requests in between: libuv's `readdir` would
    // take a million names off the event loop but sort them all first, 2 s against 0.7 s here. The
    // order is the file system's; nothing that answers a user depends on it (see EntryTable.firstWithTitle).
    const dir = opendirSync(path, { bufferSize: 4096 });
    // Short slices: the first page's diagnostics wait for the slice that runs when it is opened.
    const pause = pacer(LISTING_SLICE_MS);
    try {
      let chunk: DirEntry[] = [];
      for (let e = dir.readSync(); e !== null; e = dir.readSync()) {
        chunk.push(e);
        if (chunk.length < LISTING_CHUNK) continue;
        yield chunk;
        chunk = [];
        // Looked at per chunk (the slice counts the caller's work on it too): the clock per entry cost more than the rest of the listing.
        const due = pause();
        if (due) await due;
      }
      if (chunk.length) yield chunk;
    } finally {
      dir.closeSync();
    }
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
    const mode = (await fsp.stat(path).catch(() => undefined))?.mode ?? 0o644;
    try {
      await fsp.writeFile(temp, data, { mode });
      await fsp.rename(temp, path);
    } catch (e) {
      await fsp.rm(temp, { force: true });
      throw e;
    }
  },
  async makeDirectory(path) {
    await fsp.mkdir(path, { recursive: true });
  },
  async replaceSymlink(path, target) {
    const temp = nodePath.join(nodePath.dirname(path), `.${nodePath.basename(path)}.${process.pid}.link`);
    try {
      await fsp.symlink(target, temp);
      await fsp.rename(temp, path);
    } catch (e) {
      await fsp.rm(temp, { force: true });
      throw e;
    }
  },
};
