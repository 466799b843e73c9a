// The findings of the last check of every page (`wikimd check --cache`, the server's problem
// count), so that the next one checks again only the pages whose findings may have changed. A page's
// findings depend on its text, the options, the checker itself and the answers of the index (which
// pages and redirects exist) to the lookups its checks made, nothing else: the cache is used only when
// the options and the checker are what they were, and a page's findings only when its text is (the
// same file time and size, or else the same digest of its bytes, as after a fresh checkout) and no
// entry of the index it looked up was added or removed since (its `LookupLog`, kept with its rows).
//
// Layout: "WMDF", format version, then each page's block (its rows as JSON, then its lookup keys, in
// page order), the page table, the index summary (per entry: who it is, and the keys of the lookups
// it answers), the header (JSON: what the findings were made for) and a trailer: where the table and
// the header start, their lengths and CRC-32s. A block's CRC is in its page's record. The file is
// written as the run goes (a million pages' findings are hundreds of MB, never all in memory), to a
// temporary file renamed at the end; blocks are read back one at a time, where they lie. Anything
// that does not check out is a reason to check again: never a crash, never a stale row.
// The file is the checker's own, beside the persisted index: it is read and written here with
// node's file functions, not through the workspace's FileSystem, which reads pages.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { DIAGNOSTIC_CODES } from '../features/settings';
import * as path from 'node:path';
import type { EntryTable } from '../workspace/entryTable';
import { FNV_OFFSET, FNV_PRIME, HashSlots, hashString, lowerBoundBy } from '../workspace/packed';
import { finish, finishPaced, type Steps } from '../workspace/pacing';
import type { Row } from './checkFile';

const FINDINGS_FORMAT_VERSION = 3;
const MAGIC = 'WMDF';
const PREAMBLE = 8;
const TRAILER = 32;
/** Marks a page whose findings are not kept (it could not be read, or was fixed); as a count of lookups, a page that looked up everything. */
const NONE = 0xffffffff;
const SEVERITIES: readonly Row['severity'][] = ['error', 'warning', 'information', 'hint'];
/** Blocks are gathered into writes of this size. */
const WRITE_CHUNK = 1 << 20;
/** The second seed of a two-hash identity (64 bits: a million paths or entries never share one). */
const SECOND_SEED = 0x9e3779b9;

/** What findings were made for: all three must be the same for any of them to be used again. */
export interface FindingsKey {
  /** A digest of the checker's own code. */
  checker: string;
  /** A digest of the index: every page and redirect, with its target. */
  index: string;
  /** The options that change findings, as JSON. */
  options: string;
}

/** What the last run knew of a page: its file's stamp, the digest of its bytes, and where its block lies. */
export interface KnownFindings {
  mtimeMs: number;
  size: number;
  digest: string;
  at: number;
  /** The length of its rows' JSON, which its lookup keys (4 bytes each) follow. */
  length: number;
  /** How many lookup keys follow (NONE: it looked up everything, and holds only while no entry changed). */
  lookups: number;
  crc: number;
}

/** A page's findings as the next run keeps them. */
export interface PageFindings {
  mtimeMs: number;
  size: number;
  digest: string;
  /** Its rows as JSON text (`encodeRows`): a worker posts it, and strings cross threads far cheaper than a buffer each. */
  block: string;
  /** Its lookup keys (`encodeLookups`), undefined when it looked up everything. */
  lookups?: string;
}

/** The file that holds the findings beside the index's `file`. */
export function findingsFileOf(indexFile: string): string {
  return indexFile.replace(/(\.bin)?$/, '.findings.bin');
}

/** The digest of a page's bytes that says whether its findings still hold: taken before they are decoded, which a page it matches is spared. */
export function pageDigest(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex').slice(0, 2 * DIGEST_BYTES);
}

/** The digest of the checker's code: a rebuilt checker may find other things. */
function checkerDigest(script: string): string {
  return createHash('sha1').update(readFileSync(script)).digest('hex');
}

/** Entries hashed between two yields. */
const DIGEST_STEP = 16_384;

/**
 * Who each entry of an index is (its path, folder and redirect target, hashed in place with two
 * seeds: `ids[2i]`, `ids[2i + 1]`), and the digest of the index: the sum of those, so that the
 * order a folder was listed in does not matter. In steps: the server takes it between requests.
 */
function* identifying(table: EntryTable): Steps<{ ids: Uint32Array; digest: string }> {
  const { dirs, dirOf, names, redirect, targetOf, targets } = table.parts;
  const seeds = [FNV_OFFSET, SECOND_SEED];
  const dirHashes = seeds.map((seed) => dirs.map((dir) => hashString(`${dir}${path.sep}`, 0, undefined, seed)));
  const ids = new Uint32Array(2 * dirOf.length);
  const sums = [0, 0];
  for (let i = 0; i < dirOf.length; i++) {
    if (i % DIGEST_STEP === 0) yield;
    for (let k = 0; k < 2; k++) {
      let h = names.hash(i, dirHashes[k][dirOf[i]]);
      h = Math.imul(h ^ (redirect[i] + 1), FNV_PRIME) >>> 0;
      const t = targetOf[i];
      if (t >= 0) h = targets.hash(t, h);
      ids[2 * i + k] = h;
      sums[k] = (sums[k] + h) >>> 0;
    }
  }
  return { ids, digest: `${dirOf.length}:${sums[0].toString(16)}:${sums[1].toString(16)}` };
}

/** Per entry in the index summary: its two identity hashes, then its four lookup keys (`EntryTable.lookupKeysInto`). */
const SUMMARY_WORDS = 6;

/**
 * The summary of this index, and the lookup keys whose answers differ from the last run's index
 * (`old`, its summary): the keys of every entry in one and not in the other (`entries` of them).
 * An entry found in the old summary takes its keys from there; only entries new since are looked
 * at (their variant key costs a conversion of the title).
 */
function* summarizing(table: EntryTable, ids: Uint32Array, old?: Uint32Array): Steps<{ summary: Uint32Array; changed: Uint32Array; entries: number }> {
  const n = table.size;
  const W = SUMMARY_WORDS;
  const summary = new Uint32Array(n * W);
  const oldCount = old ? old.length / W : 0;
  const oldSlots = old ? yield* HashSlots.building(oldCount, (j) => old[j * W]) : undefined;
  const matched = new Uint8Array(oldCount);
  const changed: number[] = [];
  let entries = 0;
  for (let i = 0; i < n; i++) {
    if (i % DIGEST_STEP === 0) yield;
    const [a, b] = [ids[2 * i], ids[2 * i + 1]];
    summary[i * W] = a;
    summary[i * W + 1] = b;
    const j = old && oldSlots ? oldSlots.find(a, (j) => old[j * W] === a && old[j * W + 1] === b && !matched[j]) : -1;
    if (j >= 0) {
      matched[j] = 1;
      summary.set(old!.subarray(j * W + 2, j * W + W), i * W + 2);
      continue;
    }
    table.lookupKeysInto(i, summary, i * W + 2);
    entries++;
    for (let k = 2; k < W; k++) changed.push(summary[i * W + k]);
  }
  for (let j = 0; j < oldCount; j++) {
    if (j % DIGEST_STEP === 0) yield;
    if (matched[j]) continue;
    entries++;
    for (let k = 2; k < W; k++) changed.push(old![j * W + k]);
  }
  return { summary, changed: sortedUnique(changed), entries };
}

function sortedUnique(values: readonly number[]): Uint32Array {
  const sorted = Uint32Array.from(values).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (n === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
  return sorted.slice(0, n);
}

/** A page's lookup keys (a `LookupLog`'s) as a block's tail: each once, 4 bytes little-endian, as a latin1 string (cheap to post). */
export function encodeLookups(keys: readonly number[]): string {
  const unique = sortedUnique(keys);
  const bytes = Buffer.alloc(4 * unique.length);
  for (let k = 0; k < unique.length; k++) bytes.writeUInt32LE(unique[k], 4 * k);
  return bytes.toString('latin1');
}

/** Whether findings that made these lookups (undefined: everything) may have changed: an answer to one of them did. */
export function lookedUpChanged(lookups: string | undefined, changed: Uint32Array | undefined): boolean {
  if (!changed?.length) return false;
  if (lookups === undefined) return true;
  for (let at = 0; at + 4 <= lookups.length; at += 4) {
    const key = (lookups.charCodeAt(at) | (lookups.charCodeAt(at + 1) << 8) | (lookups.charCodeAt(at + 2) << 16) | (lookups.charCodeAt(at + 3) << 24)) >>> 0;
    if (changed[lowerBoundBy(changed.length, (k) => changed[k] < key)] === key) return true;
  }
  return false;
}

/** A page's rows as its block: each row an array, severity and code by their index. */
export function encodeRows(rows: readonly Row[]): string {
  return JSON.stringify(rows.map((r) => [r.line, r.column, r.endLine, r.endColumn, SEVERITIES.indexOf(r.severity), DIAGNOSTIC_CODES.indexOf(r.code as (typeof DIAGNOSTIC_CODES)[number]), r.message]));
}

/** The rows of a block, or undefined when it is not what `encodeRows` writes. */
export function decodeRows(block: string): Row[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(block);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const rows: Row[] = [];
  for (const r of parsed) {
    if (!Array.isArray(r) || r.length !== 7 || !r.slice(0, 4).every((n) => Number.isInteger(n) && n > 0) || typeof r[6] !== 'string') return undefined;
    const severity = SEVERITIES[r[4]];
    const code = DIAGNOSTIC_CODES[r[5]];
    if (!severity || !code) return undefined;
    rows.push({ line: r[0], column: r[1], endLine: r[2], endColumn: r[3], severity, code, message: r[6] });
  }
  return rows;
}

/**
 * The page table: per page the two hashes of its path (a record is used only for the page it was
 * made for), its file's stamp, its block's rows length (NONE: not kept), how many lookup keys follow
 * them, the block's CRC and its text's digest.
 */
interface Table {
  pathsA: Uint32Array; pathsB: Uint32Array; mtimes: Float64Array; sizes: Float64Array;
  lengths: Uint32Array; lookups: Uint32Array; crcs: Uint32Array; digests: Uint8Array;
}

/** The first bytes of a SHA-1 are plenty to tell one version of a page's text from another. */
const DIGEST_BYTES = 8;
const RECORD_BYTES = 4 * 2 + 8 * 2 + 4 * 3 + DIGEST_BYTES;
/** The table is written in parts of this size, letting requests in between (the server). */
const TABLE_PART = 4 << 20;

/** The table's arrays, then the index summary, as bytes in the file's order. */
function tableSections(t: Table, summary: Uint32Array): Buffer[] {
  return [t.pathsA, t.pathsB, t.mtimes, t.sizes, t.lengths, t.lookups, t.crcs, t.digests, summary].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

function tableFrom(bytes: Buffer, n: number, entries: number): { table: Table; summary: Uint32Array } {
  // Copied out of the file's buffer: the typed arrays need their own alignment.
  let at = 0;
  const next = (length: number) => Uint8Array.prototype.slice.call(bytes, at, (at += length)).buffer;
  const table = {
    pathsA: new Uint32Array(next(4 * n)), pathsB: new Uint32Array(next(4 * n)), mtimes: new Float64Array(next(8 * n)), sizes: new Float64Array(next(8 * n)),
    lengths: new Uint32Array(next(4 * n)), lookups: new Uint32Array(next(4 * n)), crcs: new Uint32Array(next(4 * n)), digests: new Uint8Array(next(DIGEST_BYTES * n)),
  };
  return { table, summary: new Uint32Array(next(4 * SUMMARY_WORDS * entries)) };
}

const pathHashes = (file: string): [number, number] => [hashString(file), hashString(file, 0, file.length, SECOND_SEED)];

/** The findings of the last run, as far as they may be used for this one. */
export class PreviousFindings {
  /** Where each page's block starts: the blocks follow each other in page order. */
  private readonly starts: Float64Array;
  /** Kept pages by the first hash of their path, made when a page is not where it was in the last run's order. */
  private byPath?: HashSlots;
  /** The lookup keys whose answers changed since (sorted; empty when the index is the same). */
  changed: Uint32Array = new Uint32Array(0);

  private constructor(readonly file: string, private readonly table: Table) {
    this.starts = new Float64Array(table.lengths.length);
    let at = PREAMBLE;
    for (let i = 0; i < table.lengths.length; i++) {
      this.starts[i] = at;
      at += blockBytes(table, i);
    }
  }

  /** The findings at `file` when made by the same checker with the same options (and the summary of their index), else why not. */
  static open(file: string, key: FindingsKey): { findings: PreviousFindings; summary: Uint32Array; sameIndex: boolean } | { reason: string } {
    // A file read by an earlier run of this process may have been replaced since.
    stopReading();
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      return { reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'none yet' : (e as Error).message };
    }
    try {
      const size = fstatSync(fd).size;
      if (size < PREAMBLE + TRAILER) return { reason: 'truncated' };
      const preamble = readAt(fd, 0, PREAMBLE);
      if (preamble.toString('latin1', 0, 4) !== MAGIC) return { reason: 'not a findings file' };
      if (preamble.readUInt32LE(4) !== FINDINGS_FORMAT_VERSION) return { reason: `format version ${preamble.readUInt32LE(4)}, not ${FINDINGS_FORMAT_VERSION}` };
      const trailer = readAt(fd, size - TRAILER, TRAILER);
      const tableAt = trailer.readDoubleLE(0);
      const headerAt = trailer.readDoubleLE(8);
      const [tableCrc, headerCrc, headerLength] = [trailer.readUInt32LE(16), trailer.readUInt32LE(20), trailer.readUInt32LE(24)];
      if (!(tableAt >= PREAMBLE && headerAt >= tableAt && headerAt + headerLength === size - TRAILER)) return { reason: 'truncated' };
      const header = readAt(fd, headerAt, headerLength);
      if (crc32(header) !== headerCrc) return { reason: 'checksum mismatch' };
      let made: FindingsKey & { pages: number; entries: number };
      try {
        made = JSON.parse(header.toString('utf8'));
      } catch {
        return { reason: 'unreadable header' };
      }
      if (made.checker !== key.checker) return { reason: 'made by another build of wikimd' };
      if (made.options !== key.options) return { reason: 'made with other options' };
      if (!Number.isInteger(made.pages) || !Number.isInteger(made.entries) || made.pages < 0 || made.entries < 0) return { reason: 'unreadable header' };
      if (headerAt - tableAt !== RECORD_BYTES * made.pages + 4 * SUMMARY_WORDS * made.entries) return { reason: 'truncated' };
      const bytes = readAt(fd, tableAt, headerAt - tableAt);
      if (crc32(bytes) !== tableCrc) return { reason: 'checksum mismatch' };
      const { table, summary } = tableFrom(bytes, made.pages, made.entries);
      let blocks = 0;
      for (let i = 0; i < made.pages; i++) blocks += blockBytes(table, i);
      if (PREAMBLE + blocks !== tableAt) return { reason: 'blocks do not fill the file' };
      return { findings: new PreviousFindings(file, table), summary, sameIndex: made.index === key.index };
    } catch (e) {
      return { reason: (e as Error).message };
    } finally {
      closeSync(fd);
    }
  }

  /** What the last run knew of the page at `file`, i-th in this run's page order, if it kept its findings. */
  known(i: number, file: string): KnownFindings | undefined {
    const t = this.table;
    const [a, b] = pathHashes(file);
    // Where it was in the last run's order, unless pages were added or removed before it.
    let at = i < t.pathsA.length && t.pathsA[i] === a && t.pathsB[i] === b ? i : -1;
    if (at < 0) {
      this.byPath ??= HashSlots.build(t.pathsA.length, (j) => (t.lengths[j] === NONE ? undefined : t.pathsA[j]));
      at = this.byPath.find(a, (j) => t.pathsA[j] === a && t.pathsB[j] === b);
    }
    if (at < 0 || t.lengths[at] === NONE) return undefined;
    const digest = Buffer.from(t.digests.buffer, t.digests.byteOffset + at * DIGEST_BYTES, DIGEST_BYTES).toString('hex');
    return { mtimeMs: t.mtimes[at], size: t.sizes[at], digest, at: this.starts[at], length: t.lengths[at], lookups: t.lookups[at], crc: t.crcs[at] };
  }
}

/** The bytes of page i's block: its rows and its lookup keys. */
function blockBytes(t: Table, i: number): number {
  return t.lengths[i] === NONE ? 0 : blockLength(t.lengths[i], t.lookups[i]);
}

/** A kept block's bytes: the rows' JSON, then 4 bytes per lookup key (none when it looked up everything). */
function blockLength(rowsLength: number, lookups: number): number {
  return rowsLength + (lookups === NONE ? 0 : 4 * lookups);
}

/** The last run's findings to take, and the writer of this run's. */
export interface FindingsStore {
  previous?: PreviousFindings;
  writer?: FindingsWriter;
}

/**
 * The findings beside the index for a run over `pageCount` pages of `table`, checked by the code of
 * `script` with `options`: the last run's when made for the same, and a writer for this run's. A
 * cache that cannot be used or written is logged, never fatal. `pause` paces the index's digest.
 */
export async function openFindingsStore(
  file: string, table: EntryTable, pageCount: number, script: string, options: string,
  log: (message: string) => void, pause?: () => Promise<void> | undefined,
): Promise<FindingsStore> {
  const run = <T>(steps: Steps<T>) => (pause ? finishPaced(steps, pause) : Promise.resolve(finish(steps)));
  const { ids, digest } = await run(identifying(table));
  const key = { checker: checkerDigest(script), index: digest, options };
  const opened = PreviousFindings.open(file, key);
  if ('reason' in opened && opened.reason !== 'none yet') log(`findings of the last run not used (${opened.reason}): ${file}`);
  let previous: PreviousFindings | undefined;
  let summary: Uint32Array;
  if ('reason' in opened) summary = (await run(summarizing(table, ids))).summary;
  else if (opened.sameIndex) [previous, summary] = [opened.findings, opened.summary];
  else {
    const summarized = await run(summarizing(table, ids, opened.summary));
    [previous, summary] = [opened.findings, summarized.summary];
    previous.changed = summarized.changed;
    log(`${summarized.entries} pages or redirects added or removed since the last run (a rename is both): the pages whose links reach them are checked again`);
  }
  try {
    // Synchronous, as all of this file's I/O: no thread pool thread is started for it (the server keeps those it has at a low priority).
    mkdirSync(path.dirname(file), { recursive: true });
    return { previous, writer: new FindingsWriter(file, key, pageCount, summary) };
  } catch (e) {
    log(`could not write the cache ${file}: ${(e as Error).message}`);
    return { previous };
  }
}

/**
 * The findings file this thread reads blocks from, open for the whole run (an open and a close for
 * each page were a fifth of the time of a run over an unchanged corpus), and the part of it read
 * last: pages come in batches in file order, so one read brings the blocks of many.
 */
let reading: { file: string; fd: number; window: Buffer; at: number; length: number } | undefined;

/** The bytes read at once for the blocks that follow the one asked for. */
const READ_WINDOW = 64 << 10;

function stopReading(): void {
  if (!reading) return;
  try {
    closeSync(reading.fd);
  } catch {
    // Closed already: nothing to release.
  }
  reading = undefined;
}

/** A page's block from the findings file (rows, then lookups: see `PageFindings`), when it is still what was written there. */
export function readBlock(file: string, known: KnownFindings): Pick<PageFindings, 'block' | 'lookups'> | undefined {
  try {
    if (reading?.file !== file) {
      stopReading();
      reading = { file, fd: openSync(file, 'r'), window: Buffer.allocUnsafe(READ_WINDOW), at: 0, length: 0 };
    }
    const length = blockLength(known.length, known.lookups);
    const bytes = length > READ_WINDOW ? readAt(reading.fd, known.at, length) : fromWindow(reading, known.at, length);
    if (bytes.length !== length || crc32(bytes) !== known.crc) return undefined;
    return { block: bytes.toString('utf8', 0, known.length), lookups: known.lookups === NONE ? undefined : bytes.toString('latin1', known.length) };
  } catch {
    return undefined;
  }
}

/** The bytes at `at`, from the window read last, else from a window read from there. */
function fromWindow(r: NonNullable<typeof reading>, at: number, length: number): Buffer {
  if (at < r.at || at + length > r.at + r.length) {
    r.at = at;
    r.length = readInto(r.fd, r.window, at);
  }
  return r.window.subarray(at - r.at, Math.min(at - r.at + length, r.length));
}

function readAt(fd: number, at: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  return bytes.subarray(0, readInto(fd, bytes, at));
}

/** Fills `bytes` from the file at `at` (less at its end); how many were read. */
function readInto(fd: number, bytes: Buffer, at: number): number {
  let read = 0;
  while (read < bytes.length) {
    const n = readSync(fd, bytes, read, bytes.length - read, at + read);
    if (n === 0) break;
    read += n;
  }
  return read;
}

/** Writers made by this process, numbering their temporary files. */
let writersMade = 0;

/** Writes this run's findings, page after page in order, to a temporary file renamed over the old one at the end. */
export class FindingsWriter {
  private readonly temp: string;
  private readonly fd: number;
  private readonly table: Table;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = PREAMBLE;
  private pages = 0;
  private closed = false;

  /** `summary`: the index's (see `summarizing`), written with the table. */
  constructor(private readonly file: string, private readonly key: FindingsKey, private readonly pageCount: number, private readonly summary: Uint32Array) {
    // A count begun again while the one it replaces winds down writes a file of its own.
    this.temp = `${file}.${process.pid}.${++writersMade}.tmp`;
    this.fd = openSync(this.temp, 'w');
    const preamble = Buffer.alloc(PREAMBLE);
    preamble.write(MAGIC, 0, 'latin1');
    preamble.writeUInt32LE(FINDINGS_FORMAT_VERSION, 4);
    this.pending.push(preamble);
    this.pendingBytes = PREAMBLE;
    this.table = {
      pathsA: new Uint32Array(pageCount), pathsB: new Uint32Array(pageCount), mtimes: new Float64Array(pageCount), sizes: new Float64Array(pageCount),
      lengths: new Uint32Array(pageCount).fill(NONE), lookups: new Uint32Array(pageCount), crcs: new Uint32Array(pageCount), digests: new Uint8Array(pageCount * DIGEST_BYTES),
    };
  }

  /** The next page's findings (undefined: not kept). */
  add(file: string, page: PageFindings | undefined): void {
    const i = this.pages++;
    if (!page || i >= this.pageCount) return;
    const t = this.table;
    [t.pathsA[i], t.pathsB[i]] = pathHashes(file);
    t.mtimes[i] = page.mtimeMs;
    t.sizes[i] = page.size;
    const block = Buffer.from(page.block);
    const lookups = Buffer.from(page.lookups ?? '', 'latin1');
    t.lengths[i] = block.length;
    t.lookups[i] = page.lookups === undefined ? NONE : lookups.length / 4;
    t.crcs[i] = crc32(lookups, crc32(block));
    t.digests.set(Buffer.from(page.digest, 'hex').subarray(0, DIGEST_BYTES), i * DIGEST_BYTES);
    this.append(block);
    this.append(lookups);
  }

  /**
   * Finishes the file and puts it in place; a run that saw fewer pages than it was made for keeps
   * nothing. `pause` lets requests in between parts of the table (tens of MB at a million pages).
   */
  async commit(pause?: () => Promise<void> | undefined): Promise<void> {
    if (this.pages !== this.pageCount) {
      this.abort();
      return;
    }
    const tableAt = this.written;
    let tableCrc = 0;
    for (const section of tableSections(this.table, this.summary)) {
      for (let at = 0; at < section.length; at += TABLE_PART) {
        const part = section.subarray(at, at + TABLE_PART);
        tableCrc = crc32(part, tableCrc);
        this.append(part);
        const due = pause?.();
        if (due) await due;
      }
    }
    const headerAt = this.written;
    const header = Buffer.from(JSON.stringify({ ...this.key, pages: this.pageCount, entries: this.summary.length / SUMMARY_WORDS }));
    this.append(header);
    const trailer = Buffer.alloc(TRAILER);
    trailer.writeDoubleLE(tableAt, 0);
    trailer.writeDoubleLE(headerAt, 8);
    trailer.writeUInt32LE(tableCrc, 16);
    trailer.writeUInt32LE(crc32(header), 20);
    trailer.writeUInt32LE(header.length, 24);
    this.append(trailer);
    this.flush();
    this.closed = true;
    closeSync(this.fd);
    if (reading?.file === this.file) stopReading();
    renameSync(this.temp, this.file);
  }

  /** Drops the temporary file, unless the file was committed. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.temp, { force: true });
  }

  private append(bytes: Uint8Array): void {
    this.pending.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    this.pendingBytes += bytes.length;
    this.written += bytes.length;
    if (this.pendingBytes >= WRITE_CHUNK) this.flush();
  }

  private flush(): void {
    const data = Buffer.concat(this.pending);
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done);
    this.pending = [];
    this.pendingBytes = 0;
  }
}
