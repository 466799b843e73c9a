// The persisted index: the scan (titles, redirects, the folders listed with their times) and the
// link graph (with each page's file stamp), in one binary file written atomically, so that a
// restart on an unchanged corpus reads one file instead of listing and parsing 1.4M pages.
//
// Layout: "WMDX", format version, payload length, CRC-32 of the payload, then the payload: a JSON
// header (what the index was built for, section lengths) and the sections, each padded to 8 bytes.
// Anything that does not check out (magic, version, length, checksum, header, bounds) is reported
// as a reason and the caller rebuilds: a cache never crashes the server or changes an answer.
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { FileSystem } from './fileSystem';
import type { LinkGraphData } from './linkGraph';
import type { PageEntry } from './pageIndex';
import type { FolderStamp, ScanResult } from './scan';

export const INDEX_FORMAT_VERSION = 1;
const MAGIC = 'WMDX';
const PREAMBLE = 16;

/** What an index was built for: a persisted index for anything else is not used. */
export interface IndexKey {
  roots: string[];
  pageFolders: string[];
  maxFileBytes: number;
}

export interface PersistedIndex {
  scan: ScanResult;
  graph?: LinkGraphData;
}

interface Header extends IndexKey {
  pageFolderPaths: string[];
  folders: FolderStamp[];
  sections: Record<SectionName, number>;
  entries: number;
  graphPages: number;
  graphTitles: number;
}

const SECTIONS = ['entries', 'titles', 'files', 'offsets', 'targets', 'mtimes', 'sizes'] as const;
type SectionName = (typeof SECTIONS)[number];

/** Strings of one section, joined by NUL: no path or title holds one. */
const SEPARATOR = '\0';

export function encodeIndex(key: IndexKey, index: PersistedIndex): Buffer {
  const entryFields: string[] = [];
  for (const e of index.scan.entries) entryFields.push(e.folder === 'Page' ? 'P' : 'R', e.title, e.path, e.redirectTo ?? '');
  const graph = index.graph;
  const sections: Record<SectionName, Uint8Array> = {
    entries: Buffer.from(entryFields.join(SEPARATOR)),
    titles: Buffer.from(graph ? graph.titles.join(SEPARATOR) : ''),
    files: Buffer.from(graph ? graph.files.join(SEPARATOR) : ''),
    offsets: bytesOf(graph?.offsets ?? new Uint32Array(0)),
    targets: bytesOf(graph?.targets ?? new Uint32Array(0)),
    mtimes: bytesOf(graph?.mtimes ?? new Float64Array(0)),
    sizes: bytesOf(graph?.sizes ?? new Float64Array(0)),
  };
  const header: Header = {
    ...key, pageFolderPaths: index.scan.pageFolders, folders: index.scan.folders,
    sections: Object.fromEntries(SECTIONS.map((s) => [s, sections[s].length])) as Record<SectionName, number>,
    entries: index.scan.entries.length, graphPages: graph?.files.length ?? 0, graphTitles: graph?.titles.length ?? 0,
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const parts: Uint8Array[] = [u32(headerBytes.length), headerBytes, padding(4 + headerBytes.length)];
  for (const s of SECTIONS) parts.push(sections[s], padding(sections[s].length));
  const payload = Buffer.concat(parts);
  const preamble = Buffer.alloc(PREAMBLE);
  preamble.write(MAGIC, 0, 'latin1');
  preamble.writeUInt32LE(INDEX_FORMAT_VERSION, 4);
  preamble.writeUInt32LE(payload.length, 8);
  preamble.writeUInt32LE(crc32(payload), 12);
  return Buffer.concat([preamble, payload]);
}

/** The index in `bytes`, or why it cannot be used. */
export function decodeIndex(bytes: Uint8Array, key: IndexKey): PersistedIndex | { reason: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < PREAMBLE || buf.toString('latin1', 0, 4) !== MAGIC) return { reason: 'not an index file' };
  const version = buf.readUInt32LE(4);
  if (version !== INDEX_FORMAT_VERSION) return { reason: `format version ${version}, expected ${INDEX_FORMAT_VERSION}` };
  const length = buf.readUInt32LE(8);
  if (buf.length !== PREAMBLE + length) return { reason: `truncated or overlong: ${buf.length - PREAMBLE} bytes of payload, expected ${length}` };
  const payload = buf.subarray(PREAMBLE);
  if (crc32(payload) !== buf.readUInt32LE(12)) return { reason: 'checksum mismatch' };
  try {
    const headerLength = payload.readUInt32LE(0);
    const header = JSON.parse(payload.toString('utf8', 4, 4 + headerLength)) as Header;
    if (JSON.stringify([header.roots, header.pageFolders, header.maxFileBytes]) !== JSON.stringify([key.roots, key.pageFolders, key.maxFileBytes])) {
      return { reason: 'built for other folders or settings' };
    }
    let at = align(4 + headerLength);
    const section: Partial<Record<SectionName, Buffer>> = {};
    for (const s of SECTIONS) {
      const n = header.sections[s];
      if (!Number.isInteger(n) || n < 0 || at + n > payload.length) return { reason: `section ${s} out of bounds` };
      section[s] = payload.subarray(at, at + n);
      at = align(at + n);
    }
    const entryFields = splitStrings(section.entries!);
    if (entryFields.length !== header.entries * 4) return { reason: 'entries do not match the header' };
    const entries: PageEntry[] = new Array(header.entries);
    for (let i = 0, k = 0; i < header.entries; i++, k += 4) {
      const entry: PageEntry = { title: entryFields[k + 1], path: entryFields[k + 2], folder: entryFields[k] === 'P' ? 'Page' : 'Redirect' };
      if (entryFields[k + 3]) entry.redirectTo = entryFields[k + 3];
      entries[i] = entry;
    }
    const scan: ScanResult = { pageFolders: header.pageFolderPaths, entries, problems: [], folders: header.folders };
    if (header.graphPages === 0 && header.graphTitles === 0) return { scan };
    const graph: LinkGraphData = {
      titles: splitStrings(section.titles!), files: splitStrings(section.files!),
      offsets: typed(section.offsets!, Uint32Array), targets: typed(section.targets!, Uint32Array),
      mtimes: typed(section.mtimes!, Float64Array), sizes: typed(section.sizes!, Float64Array),
    };
    const problem = graphProblem(graph, header);
    return problem ? { reason: problem } : { scan, graph };
  } catch (e) {
    return { reason: `unreadable: ${(e as Error).message}` };
  }
}

/** Checks a decoded graph's arrays against each other, so that no lookup can go out of bounds. */
function graphProblem(g: LinkGraphData, header: Header): string | undefined {
  const pages = header.graphPages;
  if (g.titles.length !== header.graphTitles || g.files.length !== pages) return 'graph sizes do not match the header';
  if (g.offsets.length !== pages + 1 || g.mtimes.length !== pages || g.sizes.length !== pages) return 'graph arrays do not match';
  if (g.offsets[0] !== 0 || g.offsets[pages] !== g.targets.length) return 'graph offsets out of bounds';
  for (let p = 0; p < pages; p++) if (g.offsets[p] > g.offsets[p + 1]) return 'graph offsets not ascending';
  for (const id of g.targets) if (id >= g.titles.length) return 'graph target out of range';
  return undefined;
}

/** Reads the persisted index, or says why there is none to use. */
export async function loadIndex(fs: FileSystem, file: string, key: IndexKey): Promise<PersistedIndex | { reason: string }> {
  let read: Awaited<ReturnType<FileSystem['readRegularFile']>>;
  try {
    read = await fs.readRegularFile(file, 2 ** 32);
  } catch (e) {
    return { reason: `cannot read: ${(e as Error).message}` };
  }
  if (read === undefined) return { reason: 'none yet' };
  if (typeof read === 'string') return { reason: `not a regular file (${read})` };
  return decodeIndex(read.bytes, key);
}

/** Writes the index atomically (a temporary file, then a rename): a reader sees the old file or the new one. */
export async function saveIndex(fs: FileSystem, file: string, key: IndexKey, index: PersistedIndex): Promise<void> {
  await fs.makeDirectory(path.dirname(file));
  await fs.writeFileAtomic(file, encodeIndex(key, index));
}

/**
 * Where the index of these workspace folders lives: under the storage folder the editor gives
 * (VS Code's `storageUri`), else under the user's cache folder, in `wiki-markdown/` with a key of
 * the folders' paths.
 */
export function indexFileFor(roots: readonly string[], storageDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = createHash('sha256').update(JSON.stringify(roots)).digest('hex').slice(0, 16);
  const name = `${path.basename(roots[0] ?? 'workspace').replace(/[^\w.-]/g, '_')}-${key}`;
  if (storageDir) return path.join(storageDir, `index-${name}.bin`);
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(cache, 'wiki-markdown', name, 'index.bin');
}

function splitStrings(bytes: Buffer): string[] {
  return bytes.length ? bytes.toString('utf8').split(SEPARATOR) : [];
}

function bytesOf(a: Uint32Array | Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A typed array over a section (copied when the section is not aligned for it). */
function typed<T extends Uint32Array | Float64Array>(bytes: Buffer, type: { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number }): T {
  if (bytes.length % type.BYTES_PER_ELEMENT) throw new Error('section length is not a whole number of elements');
  const source = bytes.byteOffset % type.BYTES_PER_ELEMENT ? Uint8Array.prototype.slice.call(bytes) as Uint8Array : bytes;
  return new type(source.buffer, source.byteOffset, source.length / type.BYTES_PER_ELEMENT);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

const align = (n: number) => (n + 7) & ~7;
const padding = (n: number) => Buffer.alloc(align(n) - n);
