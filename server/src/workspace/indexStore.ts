// The persisted index: the scan (titles, redirects, the folders listed with their times) and the
// link graph (with each page's file stamp), so that a restart on an unchanged corpus reads two files
// instead of listing and parsing 1.4M pages. They are two files, each written atomically: the titles
// (tens of MB) are taken as soon as they are read, the graph (hundreds of MB) after them. Each page's
// stamp in the graph says whether the graph still holds its links, so the two need not agree.
//
// Layout of each: "WMDX", format version, payload length, CRC-32 of the payload, then the payload: a
// JSON header (what the index was built for, which part it holds, section lengths) and the
// sections, each padded to 8 bytes: the packed strings, offsets and hash slots of the page table or
// the graph exactly as they are in memory, so that loading is reading (no parsing, no maps to fill).
// Anything that does not check out (magic, version, length, checksum, header, bounds) is reported
// as a reason and the caller rebuilds: a cache never crashes the server or changes an answer.
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { FileSystem } from './fileSystem';
import { EntryTable, FileNames } from './entryTable';
import type { LinkGraphData } from './linkGraph';
import { HashSlots, PackedStrings, allInRange } from './packed';
import { letRequestsIn, pacer } from './pacing';
import type { FolderStamp } from './scan';

export const INDEX_FORMAT_VERSION = 5;
const MAGIC = 'WMDX';
const PREAMBLE = 16;

/** What an index was built for: a persisted index for anything else is not used. */
export interface IndexKey {
  roots: string[];
  pageFolders: string[];
  maxFileBytes: number;
}

/** The titles as indexed: the page folders, the folders listed (with their times) and the entries. */
export interface IndexedScan {
  pageFolders: string[];
  folders: FolderStamp[];
  table: EntryTable;
}

export interface PersistedIndex {
  scan: IndexedScan;
  graph?: LinkGraphData;
}

/** The arrays of each file, each stored as it is in memory: strings as UTF-16, numbers as typed arrays. */
const SCAN_SECTIONS = {
  ownNameIds: Uint32Array, ownNames: 'text', ownNameOffsets: Uint32Array, titles: 'text', titleOffsets: Uint32Array, targetPaths: 'text', targetOffsets: Uint32Array,
  dirOf: Uint32Array, redirect: Uint8Array, targetOf: Int32Array,
  titleSlots: Uint32Array, pathSlots: Uint32Array, variantSlots: Uint32Array, targetSlots: Uint32Array, sorted: Uint32Array,
} as const;
const GRAPH_SECTIONS = {
  graphTitles: 'text', graphTitleOffsets: Uint32Array, graphTitleSlots: Uint32Array,
  graphFiles: 'text', graphFileOffsets: Uint32Array, graphFileSlots: Uint32Array,
  offsets: Uint32Array, targets: Uint32Array, mtimes: Float64Array, sizes: Float64Array, reverseOffsets: Uint32Array, reverseSources: Uint32Array,
} as const;
type SectionKinds = typeof SCAN_SECTIONS | typeof GRAPH_SECTIONS;
type TypedArray = Uint8Array | Uint32Array | Int32Array | Float64Array;
type Sections<S extends SectionKinds> = {
  [K in keyof S]: S[K] extends 'text' ? string : S[K] extends Uint8ArrayConstructor ? Uint8Array
    : S[K] extends Int32ArrayConstructor ? Int32Array : S[K] extends Float64ArrayConstructor ? Float64Array : Uint32Array;
};

type Part = 'titles' | 'graph';

interface Header extends IndexKey {
  part: Part;
  lengths: Record<string, number>;
}

interface GraphHeader extends Header {
  /** The folder the graph's page paths are relative to. */
  base: string;
}

interface ScanHeader extends Header {
  pageFolderPaths: string[];
  folders: FolderStamp[];
  dirs: string[];
}

/** The file that holds the graph beside the titles' `file`. */
export function graphFileOf(file: string): string {
  return file.replace(/(\.bin)?$/, '.graph.bin');
}

/** The titles' file as one buffer (see `saveIndex`, which writes without ever holding all of it). */
export function encodeIndex(key: IndexKey, scan: IndexedScan): Buffer {
  const payload = [...payloadParts(scanContent(key, scan))];
  return Buffer.concat([preamble(payload.reduce((n, part) => n + part.length, 0), payload.reduce((crc, part) => crc32(part, crc), 0)), ...payload]);
}

/**
 * Sections go out this many bytes at a time: strings encoded a slice at a time (a few MB of buffer,
 * not a copy of a 100 MB section), arrays as views, so that no checksum or write of one part holds
 * the thread for long (a 160 MB array's checksum took 50 ms in one piece).
 */
const PART_BYTES = 4 << 20;

interface Content<S extends SectionKinds> { header: Omit<Header, 'lengths'>; kinds: S; sections: Sections<S> }

function scanContent(key: IndexKey, scan: IndexedScan): Content<typeof SCAN_SECTIONS> {
  const t = scan.table.parts;
  t.sorted = scan.table.sortedPages();
  const header: Omit<ScanHeader, 'lengths'> = { ...key, part: 'titles', pageFolderPaths: scan.pageFolders, folders: scan.folders, dirs: t.dirs };
  return {
    header, kinds: SCAN_SECTIONS,
    sections: {
      ownNameIds: t.names.ownIds, ownNames: t.names.own.text, ownNameOffsets: t.names.own.offsets, titles: t.titles.text, titleOffsets: t.titles.offsets,
      targetPaths: t.targets.text, targetOffsets: t.targets.offsets, dirOf: t.dirOf, redirect: t.redirect, targetOf: t.targetOf,
      titleSlots: t.titleSlots.slots, pathSlots: t.pathSlots.slots, variantSlots: t.variantSlots.slots, targetSlots: t.targetSlots.slots, sorted: t.sorted,
    },
  };
}

function graphContent(key: IndexKey, g: LinkGraphData): Content<typeof GRAPH_SECTIONS> {
  return {
    header: { ...key, part: 'graph', base: g.base } as Omit<GraphHeader, 'lengths'>, kinds: GRAPH_SECTIONS,
    sections: {
      graphTitles: g.titles.text, graphTitleOffsets: g.titles.offsets, graphTitleSlots: g.titleSlots.slots,
      graphFiles: g.files.text, graphFileOffsets: g.files.offsets, graphFileSlots: g.fileSlots.slots,
      offsets: g.offsets, targets: g.targets, mtimes: g.mtimes, sizes: g.sizes, reverseOffsets: g.reverseOffsets, reverseSources: g.reverseSources,
    },
  };
}

/**
 * The payload in the order it is written: header, then each section, padded to 8 bytes, strings as
 * UTF-16 a slice at a time. No part is empty: zlib's `crc32` of an empty array without memory behind
 * it answers 0, not the checksum so far.
 */
function* payloadParts<S extends SectionKinds>(content: Content<S>): Generator<Uint8Array> {
  for (const part of sectionParts(content)) if (part.length) yield part;
}

function* sectionParts<S extends SectionKinds>({ header, kinds, sections }: Content<S>): Generator<Uint8Array> {
  const names = Object.keys(kinds) as (keyof S & string)[];
  const values = sections as Record<string, string | TypedArray>;
  const byteLength = (value: string | TypedArray) => (typeof value === 'string' ? value.length * 2 : value.byteLength);
  const headerBytes = Buffer.from(JSON.stringify({ ...header, lengths: Object.fromEntries(names.map((name) => [name, byteLength(values[name])])) }));
  yield u32(headerBytes.length);
  yield headerBytes;
  yield padding(4 + headerBytes.length);
  for (const name of names) {
    const value = values[name];
    if (typeof value !== 'string') {
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      for (let at = 0; at < bytes.length; at += PART_BYTES) yield bytes.subarray(at, at + PART_BYTES);
    } else for (let at = 0; at < value.length; at += PART_BYTES / 2) yield Buffer.from(value.slice(at, at + PART_BYTES / 2), 'utf16le');
    yield padding(byteLength(value));
  }
}

function preamble(payloadLength: number, payloadChecksum: number): Buffer {
  const bytes = Buffer.alloc(PREAMBLE);
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(INDEX_FORMAT_VERSION, 4);
  bytes.writeUInt32LE(payloadLength, 8);
  bytes.writeUInt32LE(payloadChecksum, 12);
  return bytes;
}

type Decoded<S extends SectionKinds> = { header: Header; sections: Sections<S> } | { reason: string };
/** Where a section lies in the payload. */
type Placed<S extends SectionKinds> = { name: string; kind: S[keyof S]; at: number; end: number };
type TypedArrayType = { new (b: ArrayBufferLike, o: number, n: number): TypedArray; BYTES_PER_ELEMENT: number };

/**
 * Takes one file apart as its parts arrive, each section straight into memory of its own: numbers
 * into their typed array's buffer (shared memory where `shared`), text into a buffer decoded once
 * complete and then dropped. Nothing of the file is held whole: typed arrays that were views of
 * it kept the text twice (174 MB at 1.4M pages) and the file's padding.
 */
class FileDecoder<S extends SectionKinds> {
  private received = 0;
  private checksum = 0;
  /** The preamble and header as they arrive, until the sections' places are known. */
  private head = Buffer.alloc(0);
  /** The payload's length as the preamble gives it; -1 until the preamble is read. */
  private payloadLength = -1;
  private storedChecksum = 0;
  private header?: Header;
  private readonly layout: Placed<S>[] = [];
  private next = 0;
  private section?: Uint8Array;
  private readonly values: Record<string, unknown> = {};
  /** Why the file cannot be used, found before its end: the preamble's is final, the header's waits for the checksum. */
  private preambleProblem?: string;
  private headerProblem?: string;

  constructor(private readonly key: IndexKey, private readonly part: Part, private readonly kinds: S, private readonly shared: boolean) {}

  /** The file's next bytes; `fileSize` is its whole size. */
  push(bytes: Uint8Array, fileSize: number): void {
    const start = this.received;
    this.received += bytes.length;
    if (this.preambleProblem) return;
    const payloadFrom = Math.max(0, PREAMBLE - start);
    // Not an empty part: zlib's `crc32` of one without memory behind it answers 0.
    if (payloadFrom < bytes.length) this.checksum = crc32(bytes.subarray(payloadFrom), this.checksum);
    const taken = this.header || this.headerProblem ? 0 : this.takeHead(bytes, fileSize);
    if (this.header) this.fill(bytes.subarray(taken), start + taken - PREAMBLE);
  }

  /** Gathers the preamble and header from `bytes` and reads them once whole; returns how many bytes they took. */
  private takeHead(bytes: Uint8Array, fileSize: number): number {
    let taken = 0;
    const gathered = (n: number) => {
      const take = Math.max(0, Math.min(bytes.length - taken, n - this.head.length));
      if (take) this.head = Buffer.concat([this.head, bytes.subarray(taken, taken + take)]);
      taken += take;
      return this.head.length >= n;
    };
    if (!gathered(PREAMBLE)) return taken;
    if (this.payloadLength < 0) {
      if (this.head.toString('latin1', 0, 4) !== MAGIC) return this.stop('not an index file');
      const version = this.head.readUInt32LE(4);
      if (version !== INDEX_FORMAT_VERSION) return this.stop(`format version ${version}, expected ${INDEX_FORMAT_VERSION}`);
      this.payloadLength = this.head.readUInt32LE(8);
      this.storedChecksum = this.head.readUInt32LE(12);
      if (fileSize !== PREAMBLE + this.payloadLength) return this.stop(`truncated or overlong: ${fileSize - PREAMBLE} bytes of payload, expected ${this.payloadLength}`);
    }
    if (!gathered(PREAMBLE + 4)) return taken;
    const headerLength = this.head.readUInt32LE(PREAMBLE);
    if (4 + headerLength > this.payloadLength) return this.stop('header out of bounds');
    if (!gathered(PREAMBLE + 4 + headerLength)) return taken;
    this.headerProblem = this.readHeader(this.head.subarray(PREAMBLE + 4), headerLength);
    this.head = Buffer.alloc(0);
    return taken;
  }

  private stop(reason: string): number {
    this.preambleProblem = reason;
    return 0;
  }

  /** Parses the header and places the sections, or says why it cannot be used. */
  private readHeader(json: Buffer, headerLength: number): string | undefined {
    let header: Header;
    try {
      header = JSON.parse(json.toString('utf8')) as Header;
    } catch (e) {
      return `unreadable: ${(e as Error).message}`;
    }
    if (header?.part !== this.part) return `holds the ${String(header?.part)}, not the ${this.part}`;
    if (JSON.stringify([header.roots, header.pageFolders, header.maxFileBytes]) !== JSON.stringify([this.key.roots, this.key.pageFolders, this.key.maxFileBytes])) {
      return 'built for other folders or settings';
    }
    let at = align(4 + headerLength);
    for (const [name, kind] of Object.entries(this.kinds) as [string, S[keyof S]][]) {
      const n = header.lengths?.[name];
      if (!Number.isInteger(n) || n < 0 || at + n > this.payloadLength) return `section ${name} out of bounds`;
      if (n % (kind === 'text' ? 2 : (kind as TypedArrayType).BYTES_PER_ELEMENT)) return `section ${name} is not a whole number of elements`;
      this.layout.push({ name, kind, at, end: at + n });
      at = align(at + n);
    }
    this.header = header;
    return undefined;
  }

  /** Copies `bytes`, which begin at `offset` in the payload, into the sections they belong to. */
  private fill(bytes: Uint8Array, offset: number): void {
    const end = offset + bytes.length;
    while (this.next < this.layout.length) {
      const s = this.layout[this.next];
      if (s.end > end) {
        if (s.at < end) this.copy(s, bytes, offset, end);
        return;
      }
      this.copy(s, bytes, offset, end);
      this.complete(s);
      this.next++;
    }
  }

  private copy(s: Placed<S>, bytes: Uint8Array, offset: number, end: number): void {
    const n = s.end - s.at;
    this.section ??= s.kind === 'text' ? Buffer.allocUnsafe(n) : new Uint8Array(this.shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
    const from = Math.max(s.at, offset);
    const to = Math.min(s.end, end);
    if (to > from) this.section.set(bytes.subarray(from - offset, to - offset), from - s.at);
  }

  private complete(s: Placed<S>): void {
    const bytes = this.section!;
    this.section = undefined;
    this.values[s.name] = s.kind === 'text'
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf16le')
      : new (s.kind as TypedArrayType)(bytes.buffer, 0, bytes.byteLength / (s.kind as TypedArrayType).BYTES_PER_ELEMENT);
  }

  /** The header and sections, once every part has been pushed, or why they cannot be used. */
  finish(): Decoded<S> {
    if (this.preambleProblem) return { reason: this.preambleProblem };
    if (this.received < PREAMBLE) return { reason: 'not an index file' };
    if (this.received !== PREAMBLE + this.payloadLength) return { reason: `truncated: ${this.received - PREAMBLE} bytes of payload, expected ${this.payloadLength}` };
    if (this.checksum !== this.storedChecksum) return { reason: 'checksum mismatch' };
    if (this.headerProblem || !this.header || this.next < this.layout.length) return { reason: this.headerProblem ?? 'truncated' };
    return { header: this.header, sections: this.values as Sections<S> };
  }
}

/** A whole file's parts taken apart (see `FileDecoder`). */
function decodeFile<S extends SectionKinds>(parts: readonly Uint8Array[], key: IndexKey, part: Part, kinds: S, shared: boolean): Decoded<S> {
  const decoder = new FileDecoder(key, part, kinds, shared);
  const size = parts.reduce((n, bytes) => n + bytes.length, 0);
  for (const bytes of parts) decoder.push(bytes, size);
  return decoder.finish();
}

/** The titles' file, whole or in parts, or why it cannot be used. */
export function decodeIndex(parts: readonly Uint8Array[], key: IndexKey): IndexedScan | { reason: string } {
  return checked(() => scanOf(decodeFile(parts, key, 'titles', SCAN_SECTIONS, true)));
}

/** What `use` makes of a decoded file, or why it cannot be used: arrays that checked out may still not make a table. */
function checked<T>(use: () => T | { reason: string }): T | { reason: string } {
  try {
    return use();
  } catch (e) {
    return { reason: `unreadable: ${(e as Error).message}` };
  }
}

function scanOf(decoded: Decoded<typeof SCAN_SECTIONS>): IndexedScan | { reason: string } {
  if ('reason' in decoded) return decoded;
  const header = decoded.header as ScanHeader;
  const v = decoded.sections;
  const titles = new PackedStrings(v.titles, v.titleOffsets);
  const table = new EntryTable({
    dirs: header.dirs, dirOf: v.dirOf, names: new FileNames(titles, v.ownNameIds, new PackedStrings(v.ownNames, v.ownNameOffsets)), titles,
    redirect: v.redirect, targetOf: v.targetOf, targets: new PackedStrings(v.targetPaths, v.targetOffsets),
    titleSlots: new HashSlots(v.titleSlots), pathSlots: new HashSlots(v.pathSlots), variantSlots: new HashSlots(v.variantSlots),
    targetSlots: new HashSlots(v.targetSlots), sorted: v.sorted,
  });
  const tableProblem = EntryTable.problem(table.parts);
  return tableProblem ? { reason: tableProblem } : { pageFolders: header.pageFolderPaths, folders: header.folders, table };
}

function graphOf(decoded: Decoded<typeof GRAPH_SECTIONS>): LinkGraphData | { reason: string } {
  if ('reason' in decoded) return decoded;
  const v = decoded.sections;
  const { base } = decoded.header as GraphHeader;
  if (typeof base !== 'string') return { reason: 'graph header has no base folder' };
  const graph: LinkGraphData = {
    base, titles: new PackedStrings(v.graphTitles, v.graphTitleOffsets), titleSlots: new HashSlots(v.graphTitleSlots),
    files: new PackedStrings(v.graphFiles, v.graphFileOffsets), fileSlots: new HashSlots(v.graphFileSlots),
    offsets: v.offsets, targets: v.targets, mtimes: v.mtimes, sizes: v.sizes, reverseOffsets: v.reverseOffsets, reverseSources: v.reverseSources,
  };
  const problem = graphProblem(graph);
  return problem ? { reason: problem } : graph;
}

/** Checks a decoded graph's arrays against each other, so that no lookup can go out of bounds. */
function graphProblem(g: LinkGraphData): string | undefined {
  const pages = g.files.size;
  const strings = PackedStrings.problem(g.titles.text, g.titles.offsets) ?? PackedStrings.problem(g.files.text, g.files.offsets)
    ?? HashSlots.problem(g.titleSlots.slots, g.titles.size) ?? HashSlots.problem(g.fileSlots.slots, pages);
  if (strings) return strings;
  if (g.offsets.length !== pages + 1 || g.mtimes.length !== pages || g.sizes.length !== pages) return 'graph arrays do not match';
  if (g.offsets[0] !== 0 || g.offsets[pages] !== g.targets.length) return 'graph offsets out of bounds';
  for (let p = 0; p < pages; p++) if (g.offsets[p] > g.offsets[p + 1]) return 'graph offsets not ascending';
  if (!allInRange(g.targets, 0, g.titles.size)) return 'graph target out of range';
  const r = g.reverseOffsets;
  if (r.length !== g.titles.size + 1 || r[0] !== 0 || r[g.titles.size] !== g.reverseSources.length || g.reverseSources.length !== g.targets.length) return 'reverse index does not match';
  for (let t = 0; t < g.titles.size; t++) if (r[t] > r[t + 1]) return 'reverse index offsets not ascending';
  if (!allInRange(g.reverseSources, 0, pages)) return 'reverse index page out of range';
  return undefined;
}

/**
 * Reads the persisted titles, or says why there are none to use. Their arrays are in shared memory:
 * a table sent to worker threads (the CLI's, the problem count's) then shares them instead of
 * copying them to each.
 */
export function loadIndex(fs: FileSystem, file: string, key: IndexKey): Promise<IndexedScan | { reason: string }> {
  return loadFile(fs, file, new FileDecoder(key, 'titles', SCAN_SECTIONS, true), scanOf);
}

/** Reads the persisted link graph (kept beside the titles' `file`), or says why there is none to use. */
export function loadGraph(fs: FileSystem, file: string, key: IndexKey): Promise<LinkGraphData | { reason: string }> {
  return loadFile(fs, graphFileOf(file), new FileDecoder(key, 'graph', GRAPH_SECTIONS, false), graphOf);
}

/** Streams the file through the decoder (taken apart while the rest is read), then checks what it gave. */
async function loadFile<S extends SectionKinds, T>(fs: FileSystem, file: string, decoder: FileDecoder<S>, check: (decoded: Decoded<S>) => T | { reason: string }): Promise<T | { reason: string }> {
  let read: Awaited<ReturnType<FileSystem['streamRegularFile']>>;
  try {
    read = await fs.streamRegularFile(file, (part, size) => decoder.push(part, size));
  } catch (e) {
    return { reason: `cannot read: ${(e as Error).message}` };
  }
  if (read === undefined) return { reason: 'none yet' };
  if (typeof read === 'string') return { reason: `not a regular file (${read})` };
  // Checking the arrays holds this thread for a while at a million pages: replies already made go out first.
  await letRequestsIn();
  return checked(() => check(decoder.finish()));
}

/**
 * Writes the graph (when given) and then the titles, each atomically (a temporary file, then a
 * rename: a reader sees the old file or the new one), part by part (at a million pages the graph is
 * hundreds of MB: never concatenated), length and checksum taken in a first pass, in slices that let
 * requests in and are held while `isPaused` says so. Without a graph, the graph's file is left as it
 * is: its stamps still tell which pages it holds.
 */
export async function saveIndex(fs: FileSystem, file: string, key: IndexKey, index: PersistedIndex, isPaused?: () => boolean): Promise<void> {
  await fs.makeDirectory(path.dirname(file));
  if (index.graph) await saveFile(fs, graphFileOf(file), graphContent(key, index.graph), isPaused);
  await saveFile(fs, file, scanContent(key, index.scan), isPaused);
}

async function saveFile<S extends SectionKinds>(fs: FileSystem, file: string, content: Content<S>, isPaused?: () => boolean): Promise<void> {
  let length = 0;
  let checksum = 0;
  const pause = pacer(undefined, isPaused);
  for (const part of payloadParts(content)) {
    length += part.length;
    checksum = crc32(part, checksum);
    const due = pause();
    if (due) await due;
  }
  await fs.writeFileAtomic(file, (function* () {
    yield preamble(length, checksum);
    yield* payloadParts(content);
  })());
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

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

const align = (n: number) => (n + 7) & ~7;
const padding = (n: number) => Buffer.alloc(align(n) - n);
