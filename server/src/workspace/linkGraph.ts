// What links where, for "what links here", category counts and ranking completions. Built by the
// background content scan (or loaded from the persisted index) and kept current from edited pages.
//
// Compact at a million pages: target titles and pages are interned to numbers; every page's
// distinct targets live in one shared Uint32Array (a log: a page recorded again gets a new slot and
// its old one becomes garbage, compacted away when it outweighs the rest); the number of pages
// linking each title is kept current. "What links here" is a lookup in a reverse index (CSR:
// offsets per title into one array of pages), built on first use and then patched: pages recorded
// since it was built are looked at directly until there are too many, when it is rebuilt.
import * as path from 'node:path';
import type { ParsedPage } from '../parse';
import type { FileStamp } from './fileSystem';
import { HashSlots, PackedStrings, hashString } from './packed';
import { finish, type Steps } from './pacing';

/** A page's file stamp when its links were read, so a persisted graph can tell stale pages. */
export type PageStamp = FileStamp;

/** The graph as plain arrays, for the persisted index. */
export interface LinkGraphData {
  /** The folder the page paths in `files` are relative to (see `LinkGraph.base`). */
  base: string;
  titles: PackedStrings;
  titleSlots: HashSlots;
  files: PackedStrings;
  fileSlots: HashSlots;
  /** offsets[p]..offsets[p + 1] index `targets` for page p. */
  offsets: Uint32Array;
  targets: Uint32Array;
  mtimes: Float64Array;
  sizes: Float64Array;
  /** The pages linking each title (see `ReverseIndex`), so that "what links here" answers at once after a restart. */
  reverseOffsets: Uint32Array;
  reverseSources: Uint32Array;
}

/** Pages changed since the reverse index was built, above which it is rebuilt rather than patched. */
const REBUILD_AFTER = 4096;

/** Pages handled between two yields of work done in steps. */
const PAGES_PER_STEP = 16_384;

export class LinkGraph {
  /**
   * @param base A folder: the pages below it are kept by their path relative to it (`Page/X.md`),
   * others by their whole path. At a million pages the common beginning of the paths would be a
   * fifth of the graph's memory and of its persisted file.
   */
  constructor(readonly base = '') {}

  private titles = new Interner();
  private incoming = new Uint32Array(1024);

  private files = new Interner();
  /** Per page: where its targets start in `log` (-1: no links recorded), how many, and its stamp. */
  private start = new Int32Array(1024).fill(-1);
  private length = new Uint32Array(1024);
  private mtimes = new Float64Array(1024);
  private sizes = new Float64Array(1024);
  private log: Uint32Array<ArrayBufferLike> = new Uint32Array(1 << 16);
  private used = 0;
  private live = 0;

  private reverse: ReverseIndex | undefined;
  /** Pages recorded or forgotten since `reverse` was built. */
  private readonly changed = new Set<number>();

  /** Pages read so far by the background scan, of `total`; `complete` once all were. */
  progress = { done: 0, total: 0, complete: false };
  /** Counts the pages recorded or forgotten: work done in steps (`compacting`) is void if it moved meanwhile. */
  changes = 0;

  /** Records the titles a page links (see `linkTargets`), replacing what it linked before. */
  record(file: string, titles: readonly string[], stamp: PageStamp = { mtimeMs: 0, size: -1 }): void {
    const page = this.pageId(file);
    this.drop(page);
    const ids = new Set<number>();
    for (const t of titles) ids.add(this.titleId(t));
    this.reserve(ids.size);
    this.start[page] = this.used;
    this.length[page] = ids.size;
    for (const id of ids) {
      this.log[this.used++] = id;
      this.incoming[id]++;
    }
    this.live += ids.size;
    this.mtimes[page] = stamp.mtimeMs;
    this.sizes[page] = stamp.size;
    this.changed.add(page);
    this.changes++;
  }

  forget(file: string): void {
    const page = this.files.get(this.keyOf(file));
    if (page === undefined || this.start[page] < 0) return;
    this.drop(page);
    this.changed.add(page);
    this.changes++;
  }

  /** The stamp of the file a page's links were recorded from, if they were recorded from a file. */
  stampOf(file: string): PageStamp | undefined {
    const page = this.files.get(this.keyOf(file));
    return page === undefined || this.start[page] < 0 || this.sizes[page] < 0 ? undefined : { mtimeMs: this.mtimes[page], size: this.sizes[page] };
  }

  /** Every file whose links are recorded. */
  *recordedFiles(): IterableIterator<string> {
    for (let p = 0; p < this.files.size; p++) if (this.start[p] >= 0) yield this.fileOf(p);
  }

  /** The titles a page links, as recorded. */
  targetsOf(file: string): string[] {
    const page = this.files.get(this.keyOf(file));
    if (page === undefined || this.start[page] < 0) return [];
    return Array.from(this.log.subarray(this.start[page], this.start[page] + this.length[page]), (id) => this.titles.at(id));
  }

  /** Pages linking any of these titles (each page once). */
  sourcesOf(titles: Iterable<string>): string[] {
    return [...this.pagesLinking(this.linkedIds(titles))].map((p) => this.fileOf(p));
  }

  /** How many pages link any of these titles, each page once. */
  countSources(titles: Iterable<string>): number {
    const wanted = this.linkedIds(titles);
    if (wanted.size <= 1) return wanted.size ? this.incoming[wanted.values().next().value!] : 0;
    return this.pagesLinking(wanted).size;
  }

  private pagesLinking(wanted: Set<number>): Set<number> {
    if (wanted.size === 0) return new Set();
    const reverse = this.reverseIndex();
    const pages = new Set<number>();
    for (const id of wanted) {
      // A title newer than the reverse index is linked only by pages changed since.
      if (id + 1 >= reverse.offsets.length) continue;
      for (let k = reverse.offsets[id]; k < reverse.offsets[id + 1]; k++) {
        const page = reverse.sources[k];
        if (!this.changed.has(page)) pages.add(page);
      }
    }
    for (const page of this.changed) if (this.linksAny(page, wanted)) pages.add(page);
    return pages;
  }

  /** How many pages link a title. */
  count(title: string): number {
    const id = this.titles.get(title);
    return id === undefined ? 0 : this.incoming[id];
  }

  /**
   * Packs the interned titles and files into the arrays a persisted graph has, one after the other
   * (so that memory holds one set of strings and its packed copy at a time), and builds the reverse index:
   * in steps (see `finishPaced`), each taken only if no page was recorded or forgotten meanwhile.
   * True when all were taken.
   */
  *compacting(): Steps<boolean> {
    const changes = this.changes;
    const titles = yield* this.titles.packing();
    if (this.changes !== changes) return false;
    this.titles = new Interner(titles.strings, titles.slots);
    const files = yield* this.files.packing();
    if (this.changes !== changes) return false;
    this.files = new Interner(files.strings, files.slots);
    if (this.reverse && this.changed.size === 0) return true;
    const reverse = yield* this.inverting();
    if (this.changes !== changes) return false;
    this.reverse = reverse;
    this.changed.clear();
    return true;
  }

  /** The graph as compact arrays (garbage left out), for the persisted index. */
  toData(): LinkGraphData {
    return finish(this.dataSteps())!;
  }

  /**
   * `toData` in steps (see `finishPaced`): at a million pages, after pages were edited, it repacks
   * and inverts for a second. Undefined when a page was recorded or forgotten meanwhile.
   */
  *dataSteps(): Steps<LinkGraphData | undefined> {
    const changes = this.changes;
    const recorded = new Uint32Array(this.files.size);
    let count = 0;
    for (let p = 0; p < this.files.size; p++) if (this.start[p] >= 0) recorded[count++] = p;
    const pages = recorded.subarray(0, count);
    const offsets = new Uint32Array(pages.length + 1);
    // After a first scan the log holds each page once, in page order: it is the targets as they are
    // (copying them would double the largest array at the moment memory peaks).
    let inOrder = true;
    let n = 0;
    for (let i = 0; i < pages.length; i++) {
      offsets[i] = n;
      if (this.start[pages[i]] !== n) inOrder = false;
      n += this.length[pages[i]];
    }
    offsets[pages.length] = n;
    let targets = this.log.subarray(0, n);
    if (!inOrder) {
      targets = new Uint32Array(n);
      // Plain loops: a subarray per page costs more than copying its few targets.
      for (let i = 0, k = 0; i < pages.length; i++) {
        if (i % PAGES_PER_STEP === 0) {
          yield;
          if (this.changes !== changes) return undefined;
        }
        for (let from = this.start[pages[i]], to = from + this.length[pages[i]]; from < to; from++) targets[k++] = this.log[from];
      }
    }
    yield;
    if (this.changes !== changes) return undefined;
    const titles = yield* this.titles.packing();
    if (this.changes !== changes) return undefined;
    const files = pages.length === this.files.size ? yield* this.files.packing() : withSlots(PackedStrings.of(Array.from(pages, (p) => this.files.at(p))));
    if (this.changes !== changes) return undefined;
    // The live reverse index numbers pages as the data does when no page was dropped.
    const reverse = this.reverse && this.changed.size === 0 && pages.length === this.files.size
      ? this.reverse
      : yield* inverting(titles.strings.size, pages.length, (p) => offsets[p], (p) => offsets[p + 1], targets);
    if (this.changes !== changes) return undefined;
    const mtimes = new Float64Array(pages.length);
    const sizes = new Float64Array(pages.length);
    for (let i = 0; i < pages.length; i++) {
      if (i % PAGES_PER_STEP === 0) {
        yield;
        if (this.changes !== changes) return undefined;
      }
      mtimes[i] = this.mtimes[pages[i]];
      sizes[i] = this.sizes[pages[i]];
    }
    return {
      base: this.base, titles: titles.strings, titleSlots: titles.slots, files: files.strings, fileSlots: files.slots, offsets, targets, mtimes, sizes,
      reverseOffsets: reverse.offsets, reverseSources: reverse.sources,
    };
  }

  /** A graph from persisted arrays (checked by the caller: offsets ascend, targets are title ids). */
  static fromData(data: LinkGraphData): LinkGraph {
    return finish(LinkGraph.takingData(data));
  }

  /** This graph as one over the arrays it gave (`dataSteps`), in steps; undefined when a page was recorded or forgotten meanwhile. */
  *repacking(data: LinkGraphData): Steps<LinkGraph | undefined> {
    const changes = this.changes;
    const packed = yield* LinkGraph.takingData(data);
    if (this.changes !== changes) return undefined;
    packed.progress = this.progress;
    return packed;
  }

  /** `fromData` in steps: 50 ms at a million pages. */
  private static *takingData(data: LinkGraphData): Steps<LinkGraph> {
    const graph = new LinkGraph(data.base);
    graph.titles = new Interner(data.titles, data.titleSlots);
    graph.incoming = new Uint32Array(Math.max(1024, data.titles.size * 2));
    // A title's pages are its run in the reverse index.
    for (let id = 0; id < data.titles.size; id++) {
      if (id % PAGES_PER_STEP === 0) yield;
      graph.incoming[id] = data.reverseOffsets[id + 1] - data.reverseOffsets[id];
    }
    const n = data.files.size;
    graph.files = new Interner(data.files, data.fileSlots);
    const capacity = Math.max(1024, n * 2);
    graph.start = new Int32Array(capacity).fill(-1);
    graph.length = new Uint32Array(capacity);
    graph.mtimes = new Float64Array(capacity);
    graph.sizes = new Float64Array(capacity);
    for (let p = 0; p < n; p++) {
      if (p % PAGES_PER_STEP === 0) yield;
      graph.start[p] = data.offsets[p];
      graph.length[p] = data.offsets[p + 1] - data.offsets[p];
    }
    graph.mtimes.set(data.mtimes);
    graph.sizes.set(data.sizes);
    // The persisted targets are the log as they are; the first page recorded after the start grows it.
    graph.log = data.targets;
    graph.used = graph.live = data.targets.length;
    graph.reverse = { offsets: data.reverseOffsets, sources: data.reverseSources };
    return graph;
  }

  private drop(page: number): void {
    const from = this.start[page];
    if (from < 0) return;
    for (let k = from; k < from + this.length[page]; k++) this.incoming[this.log[k]]--;
    this.live -= this.length[page];
    this.start[page] = -1;
    this.length[page] = 0;
  }

  private linksAny(page: number, wanted: Set<number>): boolean {
    const from = this.start[page];
    for (let k = from; from >= 0 && k < from + this.length[page]; k++) if (wanted.has(this.log[k])) return true;
    return false;
  }

  private reverseIndex(): ReverseIndex {
    if (this.reverse && this.changed.size <= REBUILD_AFTER) return this.reverse;
    this.reverse = finish(this.inverting());
    this.changed.clear();
    return this.reverse;
  }

  /** The reverse index of the live lists, in steps. */
  private inverting(): Steps<ReverseIndex> {
    const from = (p: number) => Math.max(0, this.start[p]);
    return inverting(this.titles.size, this.files.size, from, (p) => from(p) + this.length[p], this.log);
  }

  private linkedIds(titles: Iterable<string>): Set<number> {
    const wanted = new Set<number>();
    for (const t of titles) {
      const id = this.titles.get(t);
      if (id !== undefined && this.incoming[id] > 0) wanted.add(id);
    }
    return wanted;
  }

  /** Room for `n` more targets in the log: compacted when mostly garbage, else grown. */
  private reserve(n: number): void {
    if (this.used + n <= this.log.length) return;
    if (this.live + n <= this.log.length / 2) {
      const compact = new Uint32Array(this.log.length);
      let k = 0;
      for (let p = 0; p < this.files.size; p++) {
        if (this.start[p] < 0) continue;
        compact.set(this.log.subarray(this.start[p], this.start[p] + this.length[p]), k);
        this.start[p] = k;
        k += this.length[p];
      }
      this.log = compact;
      this.used = k;
      return;
    }
    const grown = new Uint32Array(Math.max(this.log.length * 2, this.used + n));
    grown.set(this.log.subarray(0, this.used));
    this.log = grown;
  }

  private titleId(title: string): number {
    const id = this.titles.idOf(title);
    if (id >= this.incoming.length) this.incoming = grow(this.incoming, id);
    return id;
  }

  /** How a page's path is kept: relative to `base` below it. */
  private keyOf(file: string): string {
    const n = this.base.length;
    return n > 0 && file.length > n + 1 && file[n] === path.sep && file.startsWith(this.base) ? file.slice(n + 1) : file;
  }

  /** The path of page p (a kept relative path never begins with a separator or a drive). */
  private fileOf(p: number): string {
    const key = this.files.at(p);
    return this.base === '' || path.isAbsolute(key) ? key : this.base + path.sep + key;
  }

  private pageId(file: string): number {
    const page = this.files.idOf(this.keyOf(file));
    if (page >= this.start.length) {
      const oldLength = this.start.length;
      this.start = grow(this.start, page);
      this.start.fill(-1, oldLength);
      this.length = grow(this.length, page);
      this.mtimes = grow(this.mtimes, page);
      this.sizes = grow(this.sizes, page);
    }
    return page;
  }
}

/** Strings added to an interner are joined into one string this many at a time. */
const CHUNK = 1 << 16;

/**
 * Strings numbered in the order first seen, looked up both ways: those of the persisted graph (or
 * of the last packing) in packed arrays, later ones joined a chunk at a time into one string each,
 * with hash slots of their own. At a million pages a map of strings cost hundreds of MB more and
 * gave the collector millions of objects to walk while the scan filled it.
 */
export class Interner {
  /** Added strings: full chunks joined (`sealed[c]`, offsets of its strings), the rest still apart. */
  private readonly sealed: PackedStrings[] = [];
  private pending: string[] = [];
  private addedCount = 0;
  /** Open addressing over the added strings: id - base.size + 1, 0 for empty; their hashes for growing. */
  private addedSlots = new Uint32Array(16);
  private addedHashes = new Uint32Array(16);

  constructor(private readonly base = PackedStrings.empty, private readonly slots = HashSlots.empty, private readonly chunk = CHUNK) {}

  get size(): number {
    return this.base.size + this.addedCount;
  }

  get(s: string): number | undefined {
    const hash = hashString(s);
    const id = this.base.size === 0 ? -1 : this.slots.find(hash, (k) => this.base.equals(k, s));
    if (id >= 0) return id;
    const mask = this.addedSlots.length - 1;
    for (let at = hash & mask; this.addedSlots[at] !== 0; at = (at + 1) & mask) {
      const k = this.addedSlots[at] - 1;
      if (this.addedHashes[k] === hash && this.addedEquals(k, s)) return this.base.size + k;
    }
    return undefined;
  }

  at(id: number): string {
    if (id < this.base.size) return this.base.at(id);
    const k = id - this.base.size;
    const c = Math.floor(k / this.chunk);
    return c < this.sealed.length ? this.sealed[c].at(k % this.chunk) : this.pending[k - this.sealed.length * this.chunk];
  }

  idOf(s: string): number {
    const found = this.get(s);
    if (found !== undefined) return found;
    const k = this.addedCount++;
    if (k >= this.addedHashes.length) this.addedHashes = grow(this.addedHashes, k);
    this.addedHashes[k] = hashString(s);
    if (this.addedCount * 2 > this.addedSlots.length) this.rehash(this.addedSlots.length * 2);
    else this.place(k);
    this.pending.push(s);
    if (this.pending.length === this.chunk) {
      this.sealed.push(PackedStrings.of(this.pending));
      this.pending = [];
    }
    return this.base.size + k;
  }

  private addedEquals(k: number, s: string): boolean {
    const c = Math.floor(k / this.chunk);
    return c < this.sealed.length ? this.sealed[c].equals(k % this.chunk, s) : this.pending[k - this.sealed.length * this.chunk] === s;
  }

  private place(k: number): void {
    const mask = this.addedSlots.length - 1;
    let at = this.addedHashes[k] & mask;
    while (this.addedSlots[at] !== 0) at = (at + 1) & mask;
    this.addedSlots[at] = k + 1;
  }

  private rehash(size: number): void {
    this.addedSlots = new Uint32Array(size);
    for (let k = 0; k < this.addedCount; k++) this.place(k);
  }

  /** All the strings, packed, with their hash slots (in steps). */
  *packing(): Steps<{ strings: PackedStrings; slots: HashSlots }> {
    if (this.addedCount === 0) return { strings: this.base, slots: this.slots };
    const parts = [this.base, ...this.sealed, PackedStrings.of(this.pending)];
    const offsets = new Uint32Array(this.size + 1);
    let n = 0;
    for (const part of parts) {
      const at = offsets[n];
      for (let i = 1; i <= part.size; i++) offsets[n + i] = at + part.offsets[i];
      n += part.size;
    }
    yield;
    const strings = new PackedStrings(parts.map((part) => part.text).join(''), offsets);
    const base = this.base.size;
    return { strings, slots: yield* HashSlots.building(strings.size, (i) => (i < base ? strings.hash(i) : this.addedHashes[i - base])) };
  }
}

function withSlots(strings: PackedStrings): { strings: PackedStrings; slots: HashSlots } {
  return { strings, slots: HashSlots.build(strings.size, (i) => strings.hash(i)) };
}

/** Pages by the title they link: `sources[offsets[t]..offsets[t + 1])` link title t. */
interface ReverseIndex { offsets: Uint32Array; sources: Uint32Array }

/**
 * The reverse index of the pages' targets (page p's are `targets[from(p)..to(p))`): a counting sort
 * by title, two passes over the pairs.
 */
function* inverting(titles: number, pages: number, from: (page: number) => number, to: (page: number) => number, targets: Uint32Array): Steps<ReverseIndex> {
  const offsets = new Uint32Array(titles + 1);
  for (let p = 0; p < pages; p++) {
    if (p % PAGES_PER_STEP === 0) yield;
    for (let k = from(p), end = to(p); k < end; k++) offsets[targets[k] + 1]++;
  }
  for (let id = 0; id < titles; id++) offsets[id + 1] += offsets[id];
  const fill = offsets.slice(0, titles);
  const sources = new Uint32Array(offsets[titles]);
  for (let p = 0; p < pages; p++) {
    if (p % PAGES_PER_STEP === 0) yield;
    for (let k = from(p), end = to(p); k < end; k++) sources[fill[targets[k]]++] = p;
  }
  return { offsets, sources };
}

/** A typed array twice as long (or long enough for `index`), with the old values. */
function grow<T extends Int32Array | Uint32Array | Float64Array>(array: T, index: number): T {
  const grown = new (array.constructor as new (n: number) => T)(Math.max(array.length * 2, index + 1));
  grown.set(array);
  return grown;
}

/** The titles a page links (local, wiki and category links), each once. */
export function linkTargets(parsed: ParsedPage): string[] {
  const titles = new Set<string>();
  for (const link of parsed.links) {
    if (link.target && (link.kind === 'local' || link.kind === 'wiki' || link.kind === 'category')) titles.add(link.target.title);
  }
  return [...titles];
}
