// The findings of the last `wikimd check --cache DIR`, so that the next run checks again only the
// pages whose text changed. A page's findings depend on its text, the index (which pages and
// redirects exist), the options and the checker itself, nothing else: the cache is used only when
// the last three are what they were, and a page's findings only when its text is (the same file
// time and size, or else the same digest of its text, as after a fresh checkout).
//
// Layout: "WMDF", format version, then each page's block (its rows as JSON, in page order), the
// page table, the header (JSON: what the findings were made for) and a trailer: where the table
// and the header start, their lengths and CRC-32s. A block's CRC is in its page's record. The file
// is written as the run goes (a million pages' findings are hundreds of MB, never all in memory),
// to a temporary file renamed at the end; blocks are read back one at a time, where they lie.
// Anything that does not check out is a reason to check again: never a crash, never a stale row.
// The cache is the CLI's own file in a folder the user names: it is read and written here with
// node's file functions, not through the workspace's FileSystem, which reads pages.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { DIAGNOSTIC_CODES } from '../features/settings';
import type { EntryTable } from '../workspace/entryTable';
import type { Row } from './checkFile';

export const FINDINGS_FORMAT_VERSION = 1;
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
  /** A digest of the index: every page and redirect, with its target, in path order. */
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
  block: Uint8Array;
}

/** The file that holds the findings beside the index's `file`. */
export function findingsFileOf(indexFile: string): string {
  return indexFile.replace(/(\.bin)?$/, '.findings.bin');
}

/** The digest of a page's text that says whether its findings still hold. */
export function textDigest(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 2 * DIGEST_BYTES);
}

/** The digest of the running checker's code: a rebuilt checker may find other things. */
export function checkerDigest(script: string): string {
  return createHash('sha1').update(readFileSync(script)).digest('hex');
}

/** The digest of an index: each entry's path, whether it is a redirect and its target, in path order. */
export function indexDigest(table: EntryTable): string {
  const hash = createHash('sha1');
  const ids = table.inPathOrder(Uint32Array.from({ length: table.size }, (_, i) => i));
  let chunk = '';
  for (const id of ids) {
    const entry = table.entry(id);
    chunk += `${entry.path}\0${entry.folder}\0${entry.redirectTo ?? ''}\n`;
    if (chunk.length >= 1 << 16) {
      hash.update(chunk);
      chunk = '';
    }
  }
  return hash.update(chunk).digest('hex');
}

/** A page's rows as its block: each row an array, severity and code by their index. */
export function encodeRows(rows: readonly Row[]): Uint8Array {
  return Buffer.from(JSON.stringify(rows.map((r) => [r.line, r.column, r.endLine, r.endColumn, SEVERITIES.indexOf(r.severity), DIAGNOSTIC_CODES.indexOf(r.code as (typeof DIAGNOSTIC_CODES)[number]), r.message])));
}

/** The rows of a block, or undefined when it is not what `encodeRows` writes. */
export function decodeRows(block: Uint8Array): Row[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(block.buffer, block.byteOffset, block.length).toString('utf8'));
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

/** The page table: per page its file's stamp, its block's length (NONE: not kept) and CRC, and its text's digest. */
interface Table { mtimes: Float64Array; sizes: Float64Array; lengths: Uint32Array; crcs: Uint32Array; digests: Uint8Array }

/** The first bytes of a SHA-1 are plenty to tell one version of a page's text from another. */
const DIGEST_BYTES = 8;
const RECORD_BYTES = 8 * 2 + 4 * 2 + DIGEST_BYTES;

function tableBytes(t: Table): Buffer {
  return Buffer.concat([t.mtimes, t.sizes, t.lengths, t.crcs, t.digests].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

function tableFrom(bytes: Buffer, n: number): Table {
  // Copied out of the file's buffer: the typed arrays need their own alignment.
  let at = 0;
  const next = (length: number) => Uint8Array.prototype.slice.call(bytes, at, (at += length)).buffer;
  return {
    mtimes: new Float64Array(next(8 * n)), sizes: new Float64Array(next(8 * n)),
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

  /** What the last run knew of page `i` (in the run's page order), if it kept its findings. */
  known(i: number): KnownFindings | undefined {
    const t = this.table;
    if (t.lengths[i] === NONE) return undefined;
    const digest = Buffer.from(t.digests.buffer, t.digests.byteOffset + i * DIGEST_BYTES, DIGEST_BYTES).toString('hex');
    return { mtimeMs: t.mtimes[i], size: t.sizes[i], digest, at: this.starts[i], length: t.lengths[i], crc: t.crcs[i] };
  }
}

/** A page's block from the findings file, when it is still what was written there. */
export function readBlock(file: string, known: KnownFindings): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const block = readAt(fd, known.at, known.length);
    return block.length === known.length && crc32(block) === known.crc ? block : undefined;
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
      mtimes: new Float64Array(pageCount), sizes: new Float64Array(pageCount),
      lengths: new Uint32Array(pageCount).fill(NONE), crcs: new Uint32Array(pageCount), digests: new Uint8Array(pageCount * DIGEST_BYTES),
    };
  }

  /** The next page's findings (undefined: not kept). */
  add(page: PageFindings | undefined): void {
    const i = this.pages++;
    if (!page || i >= this.pageCount) return;
    const t = this.table;
    t.mtimes[i] = page.mtimeMs;
    t.sizes[i] = page.size;
    t.lengths[i] = page.block.length;
    t.crcs[i] = crc32(page.block);
    t.digests.set(Buffer.from(page.digest, 'hex').subarray(0, DIGEST_BYTES), i * DIGEST_BYTES);
    this.append(page.block);
  }

  /** Finishes the file and puts it in place; a run that saw fewer pages than it was made for keeps nothing. */
  commit(): void {
    if (this.pages !== this.pageCount) {
      this.abort();
      return;
    }
    const tableAt = this.written;
    const table = tableBytes(this.table);
    this.append(table);
    const headerAt = this.written;
    const header = Buffer.from(JSON.stringify({ ...this.key, pages: this.pageCount }));
    this.append(header);
    const trailer = Buffer.alloc(TRAILER);
    trailer.writeDoubleLE(tableAt, 0);
    trailer.writeDoubleLE(headerAt, 8);
    trailer.writeUInt32LE(crc32(table), 16);
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
