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

/** A file's modification time and size, as a file read last had them. */
export interface FileStamp { mtimeMs: number; size: number }

export interface FileSystem {
  /**
   * Reads at most `maxBytes` of a regular file without following a symlink at the path itself:
   * 'symlink' when it is one, 'not-a-file' for a folder, device or pipe, undefined when missing;
   * 'unchanged', without reading it, when it still has the time and size `unless` says.
   */
  readRegularFile(path: string, maxBytes: number, unless?: FileStamp): Promise<FileBytes | 'unchanged' | 'symlink' | 'not-a-file' | undefined>;
  /**
   * Reads a regular file as `readRegularFile` does, but hands it to `onPart` in parts, in order, as
   * they arrive, and keeps none of them (a part's memory may be reused once `onPart` returns): a
   * file of hundreds of MB is taken apart as it is read, never held whole. `size` is the file's.
   */
  streamRegularFile(path: string, onPart: (part: Uint8Array, size: number) => void): Promise<Omit<FileBytes, 'bytes'> | 'symlink' | 'not-a-file' | undefined>;
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
/** A streamed file's part: two in flight, each buffer used again once its part is handed on. */
const STREAM_PART = 16 << 20;
const LISTING_SLICE_MS = 4;

/** Entries handed on at a time: a million `Dirent`s kept until the listing ends would outlive the young generation. */
const LISTING_CHUNK = 1024;
const readChunk = promisify(read);

/** A regular file opened for reading without following a symlink at the path itself (see `readRegularFile`). */
function openRegularFile(path: string): { fd: number; size: number; mtimeMs: number } | 'symlink' | 'not-a-file' | undefined {
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
    // Where O_NOFOLLOW does not exist (Windows), the path is checked after the open.
    const problem = !stat.isFile() ? 'not-a-file' : !NO_FOLLOW && lstatSync(path).isSymbolicLink() ? 'symlink' : undefined;
    if (!problem) return { fd, size: stat.size, mtimeMs: stat.mtimeMs };
    closeSync(fd);
    return problem;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The real file system. Reads are synchronous behind the async interface: for the many small
 * files of a corpus that is several times faster than a trip through the thread pool each, and
 * long loops yield to the event loop themselves (see Workspace.scanContents).
 */
export const nodeFileSystem: FileSystem = {
  async readRegularFile(path, maxBytes, unless) {
    const opened = openRegularFile(path);
    if (typeof opened !== 'object') return opened;
    const { fd, size, mtimeMs } = opened;
    try {
      if (unless && unless.mtimeMs === mtimeMs && unless.size === size) return 'unchanged';
      const length = Math.min(size, maxBytes);
      const bytes = Buffer.allocUnsafe(length);
      let read = 0;
      while (read < length) {
        const n = readSync(fd, bytes, read, length - read, read);
        if (n === 0) break;
        read += n;
      }
      return { bytes: read < length ? bytes.subarray(0, read) : bytes, size, mtimeMs };
    } finally {
      closeSync(fd);
    }
  },
  async streamRegularFile(path, onPart) {
    const opened = openRegularFile(path);
    if (typeof opened !== 'object') return opened;
    const { fd, size, mtimeMs } = opened;
    // Parts are read through the thread pool, the next asked for as soon as one is handed on: the
    // reading goes on while this thread is busy (with the first page's checks) without taking every
    // core, and requests are answered between parts. Every read is awaited, even after a failure:
    // the file is closed only when none is pending.
    const buffers = [Buffer.allocUnsafe(Math.min(STREAM_PART, size)), Buffer.allocUnsafe(Math.min(STREAM_PART, Math.max(0, size - STREAM_PART)))];
    const readPart = (k: number) => readChunk(fd, buffers[k % 2], 0, Math.min(STREAM_PART, size - k * STREAM_PART), k * STREAM_PART).then((r) => r.bytesRead, (e: Error) => e);
    const pending = [0, 1].filter((k) => k * STREAM_PART < size).map(readPart);
    try {
      for (let k = 0; k < pending.length; k++) {
        const n = await pending[k];
        if (n instanceof Error) throw n;
        onPart(buffers[k % 2].subarray(0, n), size);
        // A short part ends the file (it shrank while it was read).
        if (n < STREAM_PART) break;
        if ((k + 2) * STREAM_PART < size) pending.push(readPart(k + 2));
        // The parts that have arrived would otherwise be taken in one go, holding up replies.
        await letRequestsIn();
      }
      return { size, mtimeMs };
    } finally {
      await Promise.all(pending);
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
