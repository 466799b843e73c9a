// Every page of the corpus by title, from file names alone: no content is read to build it.
import { EntryTable } from './entryTable';
import { hashString, lowerBound, lowerBoundBy } from './packed';
import { fastVariantKey, hasHan } from './variants';
import type { ItemList } from './workerPool';

export interface PageEntry {
  /** The MediaWiki title (`PHP (プログラミング言語)`, `TCP/IP`). */
  title: string;
  /** Absolute path of the file. */
  path: string;
  folder: 'Page' | 'Redirect';
  /** For a redirect: the absolute path it points at, when that is inside the workspace. */
  redirectTo?: string;
}

/**
 * What a page's checks asked the index, as 32-bit keys: the hash of each title, cheap variant key and
 * path looked up (`everything`: it walked the whole index). An entry added or removed later changes
 * only the answers to the keys `EntryTable.lookupKeysInto` gives it, so findings whose log holds none of
 * those still hold (`wikimd check --cache`). A hash shared by chance only costs a needless check.
 */
export class LookupLog {
  readonly keys: number[] = [];
  everything = false;

  /** Logs a lookup of this title, variant key or path. */
  add(asked: string): void {
    this.keys.push(hashString(asked));
  }

  addAll(other: LookupLog): void {
    for (const key of other.keys) this.keys.push(key);
    this.everything ||= other.everything;
  }
}

/**
 * The scan's pages as one compact table (`EntryTable`), and the pages added or removed since in maps
 * beside it: a million pages cost a few arrays, and a change costs what it changes.
 */
export class PageIndex {
  private base = EntryTable.empty;
  /** Base entries removed (or replaced) since the table was made. */
  private removed = new Uint8Array(0);
  private removedCount = 0;
  /** Entries added since, title → entries per folder kind, and by path. */
  private readonly byTitle = { Page: new MultiMap<PageEntry>(), Redirect: new MultiMap<PageEntry>() };
  private readonly byPath = new Map<string, PageEntry>();
  /** Cheap variant key → titles of added pages; only titles with Han characters can meet a variant. */
  private readonly byVariant = new MultiMap<string>();
  private readonly byRedirectTarget = new MultiMap<PageEntry>();
  /** Incremented on every change, so that callers can tell whether what they computed is stale. */
  version = 0;
  /** Titles of added pages in code-unit order for prefix search, built on first use and then kept current. */
  private sorted: string[] | undefined;
  /** Where lookups are logged, while a page's findings are made for the findings cache. */
  lookupLog: LookupLog | undefined;

  get size(): number {
    return this.base.size - this.removedCount + this.byPath.size;
  }

  /** How many pages (not redirects) there are, without making an entry or a list of them. */
  pageCount(): number {
    let n = 0;
    this.forEachLiveBasePage(() => n++);
    for (const _ of this.addedPages()) n++;
    return n;
  }

  /** Replaces everything with a scan's table. */
  load(table: EntryTable): void {
    this.base = table;
    this.removed = new Uint8Array(this.base.size);
    this.removedCount = 0;
    for (const e of [...this.byPath.keys()]) this.remove(e);
    this.sorted = undefined;
    this.version++;
  }

  /** The index as one table (for the persisted index): the base itself while nothing changed. */
  table(): EntryTable {
    if (this.removedCount === 0 && this.byPath.size === 0) return this.base;
    return EntryTable.of([...this.entries()]);
  }

  add(entry: PageEntry): void {
    if (this.byFile(entry.path)) this.remove(entry.path);
    this.byPath.set(entry.path, entry);
    if (this.sorted && entry.folder === 'Page' && !this.get(entry.title)) this.sorted.splice(lowerBound(this.sorted, entry.title), 0, entry.title);
    this.byTitle[entry.folder].add(entry.title, entry);
    if (entry.redirectTo) this.byRedirectTarget.add(entry.redirectTo, entry);
    if (entry.folder === 'Page' && hasHan(entry.title)) {
      const key = fastVariantKey(entry.title);
      if (!this.byVariant.get(key).includes(entry.title)) this.byVariant.add(key, entry.title);
    }
    this.version++;
  }

  remove(path: string): PageEntry | undefined {
    const entry = this.byPath.get(path);
    if (!entry) return this.removeFromBase(path);
    this.byPath.delete(path);
    const titles = this.byTitle[entry.folder];
    titles.remove(entry.title, (e) => e.path === path);
    if (entry.redirectTo) this.byRedirectTarget.remove(entry.redirectTo, (e) => e === entry);
    if (entry.folder === 'Page' && !titles.get(entry.title).length) {
      if (this.sorted?.[lowerBound(this.sorted, entry.title)] === entry.title) this.sorted.splice(lowerBound(this.sorted, entry.title), 1);
      if (hasHan(entry.title)) this.byVariant.remove(fastVariantKey(entry.title), (t) => t === entry.title);
    }
    this.version++;
    return entry;
  }

  private removeFromBase(path: string): PageEntry | undefined {
    const i = this.base.withPath(path);
    if (i < 0 || this.removed[i]) return undefined;
    this.removed[i] = 1;
    this.removedCount++;
    this.version++;
    return this.base.entry(i);
  }

  private live = (i: number) => this.removed[i] === 0;

  has(path: string): boolean {
    this.lookupLog?.add(path);
    if (this.byPath.has(path)) return true;
    const i = this.base.withPath(path);
    return i >= 0 && this.live(i);
  }

  byFile(path: string): PageEntry | undefined {
    this.lookupLog?.add(path);
    const added = this.byPath.get(path);
    if (added) return added;
    const i = this.base.withPath(path);
    return i >= 0 && this.live(i) ? this.base.entry(i) : undefined;
  }

  /** The entry of a title in one folder. */
  get(title: string, folder: 'Page' | 'Redirect' = 'Page'): PageEntry | undefined {
    this.lookupLog?.add(title);
    const i = this.base.firstWithTitle(title, folder, this.live);
    return i < 0 ? this.byTitle[folder].first(title) : this.base.entry(i);
  }

  /** Titles of pages that may be variants of this title (same character-wise Simplified form), other than itself. */
  variantsOf(title: string): string[] {
    if (!hasHan(title)) return [];
    const key = fastVariantKey(title);
    this.lookupLog?.add(key);
    const found = this.base.withVariantKey(key);
    const added = this.byVariant.get(key);
    // Most missing titles share their key with no page.
    if (found.length === 0 && added.length === 0) return [];
    const titles = new Set(found.filter(this.live).map((i) => this.base.title(i)));
    for (const t of added) titles.add(t);
    titles.delete(title);
    // In code-unit order, not the order of a listing.
    return [...titles].sort();
  }

  /** The redirects pointing at a file. */
  redirectsTo(path: string): readonly PageEntry[] {
    this.lookupLog?.add(path);
    return [...this.base.redirectsTo(path).filter(this.live).map((i) => this.base.entry(i)), ...this.byRedirectTarget.get(path)];
  }

  /** Page titles starting with `prefix`, in code-unit order, at most `limit`. */
  titlesWithPrefix(prefix: string, limit: number): string[] {
    if (this.lookupLog) this.lookupLog.everything = true;
    if (!this.base.isSorted && prefix) {
      // Until the title order is needed for something else (the persisted index keeps it): the
      // titles with the prefix's first two letters, walked, not all of them sorted first.
      const added = [...new Set(Array.from(this.byPath.values(), (e) => e.title))].filter((t) => t.startsWith(prefix) && this.get(t));
      const base = this.base.titlesStartingWith(prefix, limit, (t) => this.get(t) !== undefined);
      // The base's are in order already: most searches have no page added since the scan to merge.
      return added.length ? [...new Set([...base, ...added])].sort().slice(0, limit) : base;
    }
    const out: string[] = [];
    for (const title of this.sortedTitles(prefix)) {
      if (!title.startsWith(prefix) || out.length >= limit) break;
      out.push(title);
    }
    return out;
  }

  /** Every page title, each once, in code-unit order (from the first not below `from`). */
  *sortedTitles(from = ''): IterableIterator<string> {
    if (this.lookupLog) this.lookupLog.everything = true;
    const base = this.base.sortedPages();
    this.sorted ??= [...new Set(Array.from(this.byPath.values(), (e) => e.title).filter((t) => this.get(t)))].sort();
    const added = this.sorted;
    let b = lowerBoundBy(base.length, (k) => this.base.title(base[k]) < from);
    let a = lowerBound(added, from);
    let last: string | undefined;
    while (b < base.length || a < added.length) {
      const fromBase = b < base.length ? this.base.title(base[b]) : undefined;
      const title = fromBase !== undefined && (a >= added.length || fromBase <= added[a]) ? fromBase : added[a];
      if (title === fromBase) {
        // A removed base page still counts when another page of that title is left.
        if (!this.live(base[b++]) && !this.get(title)) continue;
      } else a++;
      if (title !== last) yield (last = title);
    }
  }

  /** Every entry, pages and redirects. */
  *entries(): IterableIterator<PageEntry> {
    if (this.lookupLog) this.lookupLog.everything = true;
    for (let i = 0; i < this.base.size; i++) if (this.live(i)) yield this.base.entry(i);
    yield* this.byPath.values();
  }

  /** The files of every page (not redirects) as they are now, made into paths only when asked. */
  pageList(): PageList {
    if (this.lookupLog) this.lookupLog.everything = true;
    const ids = new Uint32Array(this.base.size);
    let n = 0;
    this.forEachLiveBasePage((i) => (ids[n++] = i));
    return new PageList(this.base, ids.subarray(0, n), [...this.addedPages()].map((e) => e.path));
  }

  *pages(): IterableIterator<PageEntry> {
    for (const i of this.pageList().baseIds()) yield this.base.entry(i);
    yield* this.addedPages();
  }

  /** A plain loop, not a generator: it runs over a million entries when the server starts. */
  private forEachLiveBasePage(visit: (i: number) => void): void {
    const { removed } = this;
    const anyRemoved = this.removedCount > 0;
    for (let i = 0; i < this.base.size; i++) if (!this.base.isRedirect(i) && !(anyRemoved && removed[i])) visit(i);
  }

  private *addedPages(): IterableIterator<PageEntry> {
    for (const e of this.byPath.values()) if (e.folder === 'Page') yield e;
  }
}

/** Page files by position: base table entries, then added pages (a million paths made at once would be 100 MB). */
export class PageList {
  constructor(private readonly table: EntryTable, private readonly ids: Uint32Array, private readonly added: readonly string[]) {}

  get length(): number {
    return this.ids.length + this.added.length;
  }

  /** The base table ids of the listed pages (the added pages follow them). */
  baseIds(): Uint32Array {
    return this.ids;
  }

  /** The same pages in path order (the CLI's output order); still without a path each where no page was added. */
  inPathOrder(): ItemList<string> {
    if (this.added.length) return [...this].sort();
    return new PageList(this.table, this.table.inPathOrder(this.ids), []);
  }

  at(i: number): string | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return i < this.ids.length ? this.table.path(this.ids[i]) : this.added[i - this.ids.length];
  }

  /** The position of a file in the list, -1 when it is not listed. */
  indexOf(file: string): number {
    const id = this.table.withPath(file);
    // The base ids are listed in ascending order.
    const at = id < 0 ? -1 : lowerBoundBy(this.ids.length, (k) => this.ids[k] < id);
    if (at >= 0 && this.ids[at] === id) return at;
    this.addedAt ??= new Map(this.added.map((f, k) => [f, this.ids.length + k]));
    return this.addedAt.get(file) ?? -1;
  }

  /** Positions of the added pages, made on the first `indexOf`. */
  private addedAt?: Map<string, number>;

  [Symbol.iterator](): IterableIterator<string> {
    return this.slice(0, this.length)[Symbol.iterator]();
  }

  slice(start: number, end: number): string[] {
    const out: string[] = [];
    for (let i = start; i < Math.min(end, this.length); i++) out.push(this.at(i)!);
    return out;
  }
}

/**
 * A map from keys to one or more values that allocates an array only for keys with several
 * values: almost every title has one file, and a million small arrays cost seconds of GC.
 */
class MultiMap<V> {
  private readonly map = new Map<string, V | V[]>();

  add(key: string, value: V): void {
    const old = this.map.get(key);
    if (old === undefined) this.map.set(key, value);
    else if (Array.isArray(old)) old.push(value);
    else this.map.set(key, [old, value]);
  }

  get(key: string): readonly V[] {
    const v = this.map.get(key);
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }

  first(key: string): V | undefined {
    const v = this.map.get(key);
    return Array.isArray(v) ? v[0] : v;
  }

  remove(key: string, matches: (value: V) => boolean): void {
    const rest = this.get(key).filter((v) => !matches(v));
    if (rest.length === 0) this.map.delete(key);
    else this.map.set(key, rest.length === 1 ? rest[0] : rest);
  }
}

/** Titles within a small edit distance of `title`, closest first (for "did you mean" fixes). */
export function nearestTitles(index: PageIndex, title: string, limit: number): string[] {
  const maxDistance = Math.min(2, Math.max(1, Math.floor(title.length / 4)));
  const found: { title: string; distance: number }[] = [];
  for (const page of index.pages()) {
    if (Math.abs(page.title.length - title.length) > maxDistance) continue;
    const distance = boundedEditDistance(title, page.title, maxDistance);
    if (distance <= maxDistance) found.push({ title: page.title, distance });
  }
  return found.sort((a, b) => a.distance - b.distance || a.title.localeCompare(b.title)).slice(0, limit).map((f) => f.title);
}

/** Levenshtein distance, or max + 1 as soon as it must exceed max. */
function boundedEditDistance(a: string, b: string, max: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}
