// The findings of the last check of every page (`wikimd check --cache DIR`, the server's problem
// count), so that the next one checks again only the pages whose text changed. A page's findings
// depend on its text, the index (which pages and redirects exist), the options and the checker
// itself, nothing else: the cache is used only when
// the last three are what they were, and a page's findings only when its text is (the same file
// time and size, or else the same digest of its text, as after a fresh checkout).
//
// Layout: "WMDF", format version, then each page's block (its rows as JSON, in page order), the
// page table, the header (JSON: what the findings were made for) and a trailer: where the table
// and the header start, their lengths and CRC-32s. A block's CRC is in its page's record. The file
// is written as the run goes (a million pages' findings are hundreds of MB, never all in memory),
// to a temporary file renamed at the end; blocks are read back one at a time, where they lie.
// Anything that does not check out is a reason to check again: never a crash, never a stale row.
// The file is the checker's own, beside the persisted index: it is read and written here with
// node's file functions, not through the workspace's FileSystem, which reads pages.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { DIAGNOSTIC_CODES } from '../features/settings';
import * as path from 'node:path';
import type { EntryTable } from '../workspace/entryTable';
import { hashString } from '../workspace/packed';
import { finish, finishPaced, type Steps } from '../workspace/pacing';
import type { Row } from './checkFile';

const FINDINGS_FORMAT_VERSION = 1;
const MAGIC = 'WMDF';
const PREAMBLE = 8;
const TRAILER = 32;
/** Marks a page whose findings are not kept (it could not be read, or was fixed). */
const NONE = 0xffffffff;
const SEVERITIES: readonly Row['severity'][] = ['error', 'warning', 'information', 'hint'];
/** Blocks are gathered into writes of this size. */
const WRITE_CHUNK = 1 << 20;

/** What findings were made for: all three must be the same for any of them to be used again. */
export interface FindingsKey {
  /** A digest of the checker's own code. */
  checker: string;
  /** A digest of the index: every page and redirect, with its target. */
  index: string;
  /** The options that change findings, as JSON. */
  options: string;
}

/** What the last run knew of a page: its file's stamp, its text's digest, and where its block lies. */
export interface KnownFindings {
  mtimeMs: number;
  size: number;
  digest: string;
  at: number;
  length: number;
  crc: number;
}

/** A page's findings as the next run keeps them. */
export interface PageFindings {
  mtimeMs: number;
  size: number;
  digest: string;
  /** Its rows as JSON text (`encodeRows`): a worker posts it, and strings cross threads far cheaper than a buffer each. */
  block: string;
}

/** The file that holds the findings beside the index's `file`. */
export function findingsFileOf(indexFile: string): string {
  return indexFile.replace(/(\.bin)?$/, '.findings.bin');
}

/** The digest of a page's text that says whether its findings still hold. */
export function textDigest(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 2 * DIGEST_BYTES);
}

/** The digest of the checker's code: a rebuilt checker may find other things. */
function checkerDigest(script: string): string {
  return createHash('sha1').update(readFileSync(script)).digest('hex');
}

/** Entries hashed between two yields. */
const DIGEST_STEP = 16_384;

/**
 * The digest of an index: each entry's path, folder and redirect target, hashed in place (no
 * string per entry) and summed, so that the order a folder was listed in does not matter. In steps:
 * the server takes it between requests.
 */
function* indexDigesting(table: EntryTable): Steps<string> {
  const { dirs, dirOf, names, redirect, targetOf, targets } = table.parts;
  const seeds = [0x811c9dc5, 0x9e3779b9];
  const dirHashes = seeds.map((seed) => dirs.map((dir) => hashString(`${dir}${path.sep}`, 0, undefined, seed)));
  const sums = [0, 0];
  for (let i = 0; i < dirOf.length; i++) {
    if (i % DIGEST_STEP === 0) yield;
    for (let k = 0; k < 2; k++) {
      let h = hashString(names.text, names.offsets[i], names.offsets[i + 1], dirHashes[k][dirOf[i]]);
      h = Math.imul(h ^ (redirect[i] + 1), 0x01000193) >>> 0;
      const t = targetOf[i];
      if (t >= 0) h = hashString(targets.text, targets.offsets[t], targets.offsets[t + 1], h);
      sums[k] = (sums[k] + h) >>> 0;
    }
  }
  return `${dirOf.length}:${sums[0].toString(16)}:${sums[1].toString(16)}`;
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
 * The page table: per page a hash of its path (a record is used only for the page it was made for),
 * its file's stamp, its block's length (NONE: not kept) and CRC, and its text's digest.
 */
interface Table { paths: Uint32Array; mtimes: Float64Array; sizes: Float64Array; lengths: Uint32Array; crcs: Uint32Array; digests: Uint8Array }

/** The first bytes of a SHA-1 are plenty to tell one version of a page's text from another. */
const DIGEST_BYTES = 8;
const RECORD_BYTES = 4 + 8 * 2 + 4 * 2 + DIGEST_BYTES;
/** The table is written in parts of this size, letting requests in between (the server). */
const TABLE_PART = 4 << 20;

/** The table's arrays as bytes, in the file's order. */
function tableSections(t: Table): Buffer[] {
  return [t.paths, t.mtimes, t.sizes, t.lengths, t.crcs, t.digests].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

function tableFrom(bytes: Buffer, n: number): Table {
  // Copied out of the file's buffer: the typed arrays need their own alignment.
  let at = 0;
  const next = (length: number) => Uint8Array.prototype.slice.call(bytes, at, (at += length)).buffer;
  return {
    paths: new Uint32Array(next(4 * n)), mtimes: new Float64Array(next(8 * n)), sizes: new Float64Array(next(8 * n)),
    lengths: new Uint32Array(next(4 * n)), crcs: new Uint32Array(next(4 * n)), digests: new Uint8Array(next(DIGEST_BYTES * n)),
  };
}

/** The findings of the last run, as far as they may be used for this one. */
export class PreviousFindings {
  /** Where each page's block starts: the blocks follow each other in page order. */
  private readonly starts: Float64Array;

  private constructor(readonly file: string, private readonly table: Table) {
    this.starts = new Float64Array(table.lengths.length);
    let at = PREAMBLE;
    for (let i = 0; i < table.lengths.length; i++) {
      this.starts[i] = at;
      if (table.lengths[i] !== NONE) at += table.lengths[i];
    }
  }

  /** The findings at `file` when made for `key` and `pageCount` pages, else why not. */
  static open(file: string, key: FindingsKey, pageCount: number): PreviousFindings | { reason: string } {
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
      let made: FindingsKey & { pages: number };
      try {
        made = JSON.parse(header.toString('utf8'));
      } catch {
        return { reason: 'unreadable header' };
      }
      if (made.checker !== key.checker) return { reason: 'made by another build of wikimd' };
      if (made.options !== key.options) return { reason: 'made with other options' };
      if (made.index !== key.index || made.pages !== pageCount) return { reason: 'pages were added, removed or renamed' };
      if (headerAt - tableAt !== RECORD_BYTES * pageCount) return { reason: 'truncated' };
      const bytes = readAt(fd, tableAt, headerAt - tableAt);
      if (crc32(bytes) !== tableCrc) return { reason: 'checksum mismatch' };
      const table = tableFrom(bytes, pageCount);
      let blocks = 0;
      for (let i = 0; i < pageCount; i++) if (table.lengths[i] !== NONE) blocks += table.lengths[i];
      if (PREAMBLE + blocks !== tableAt) return { reason: 'blocks do not fill the file' };
      return new PreviousFindings(file, table);
    } catch (e) {
      return { reason: (e as Error).message };
    } finally {
      closeSync(fd);
    }
  }

  /** What the last run knew of page `i` (in the run's page order), the page at `file`, if it kept its findings. */
  known(i: number, file: string): KnownFindings | undefined {
    const t = this.table;
    if (i >= t.lengths.length || t.lengths[i] === NONE || t.paths[i] !== hashString(file)) return undefined;
    const digest = Buffer.from(t.digests.buffer, t.digests.byteOffset + i * DIGEST_BYTES, DIGEST_BYTES).toString('hex');
    return { mtimeMs: t.mtimes[i], size: t.sizes[i], digest, at: this.starts[i], length: t.lengths[i], crc: t.crcs[i] };
  }
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
  const index = pause ? await finishPaced(indexDigesting(table), pause) : finish(indexDigesting(table));
  const key = { checker: checkerDigest(script), index, options };
  const opened = PreviousFindings.open(file, key, pageCount);
  if ('reason' in opened && opened.reason !== 'none yet') log(`findings of the last run not used (${opened.reason}): ${file}`);
  const previous = 'reason' in opened ? undefined : opened;
  try {
    // Synchronous, as all of this file's I/O: no thread pool thread is started for it (the server keeps those it has at a low priority).
    mkdirSync(path.dirname(file), { recursive: true });
    return { previous, writer: new FindingsWriter(file, key, pageCount) };
  } catch (e) {
    log(`could not write the cache ${file}: ${(e as Error).message}`);
    return { previous };
  }
}

/** A page's block from the findings file, when it is still what was written there. */
export function readBlock(file: string, known: KnownFindings): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const block = readAt(fd, known.at, known.length);
    return block.length === known.length && crc32(block) === known.crc ? block.toString('utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, at: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, bytes, read, length - read, at + read);
    if (n === 0) break;
    read += n;
  }
  return bytes.subarray(0, read);
}

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

  constructor(private readonly file: string, private readonly key: FindingsKey, private readonly pageCount: number) {
    this.temp = `${file}.${process.pid}.tmp`;
    this.fd = openSync(this.temp, 'w');
    const preamble = Buffer.alloc(PREAMBLE);
    preamble.write(MAGIC, 0, 'latin1');
    preamble.writeUInt32LE(FINDINGS_FORMAT_VERSION, 4);
    this.pending.push(preamble);
    this.pendingBytes = PREAMBLE;
    this.table = {
      paths: new Uint32Array(pageCount), mtimes: new Float64Array(pageCount), sizes: new Float64Array(pageCount),
      lengths: new Uint32Array(pageCount).fill(NONE), crcs: new Uint32Array(pageCount), digests: new Uint8Array(pageCount * DIGEST_BYTES),
    };
  }

  /** The next page's findings (undefined: not kept). */
  add(file: string, page: PageFindings | undefined): void {
    const i = this.pages++;
    if (!page || i >= this.pageCount) return;
    const t = this.table;
    t.paths[i] = hashString(file);
    t.mtimes[i] = page.mtimeMs;
    t.sizes[i] = page.size;
    const block = Buffer.from(page.block);
    t.lengths[i] = block.length;
    t.crcs[i] = crc32(block);
    t.digests.set(Buffer.from(page.digest, 'hex').subarray(0, DIGEST_BYTES), i * DIGEST_BYTES);
    this.append(block);
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
    for (const section of tableSections(this.table)) {
      for (let at = 0; at < section.length; at += TABLE_PART) {
        const part = section.subarray(at, at + TABLE_PART);
        tableCrc = crc32(part, tableCrc);
        this.append(part);
        const due = pause?.();
        if (due) await due;
      }
    }
    const headerAt = this.written;
    const header = Buffer.from(JSON.stringify({ ...this.key, pages: this.pageCount }));
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
