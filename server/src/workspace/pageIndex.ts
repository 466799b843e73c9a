// Every page of the corpus by title, from file names alone: no content is read to build it.
import { fastVariantKey, hasHan } from './variants';

export interface PageEntry {
  /** The MediaWiki title (`PHP (プログラミング言語)`, `TCP/IP`). */
  title: string;
  /** Absolute path of the file. */
  path: string;
  folder: 'Page' | 'Redirect';
  /** For a redirect: the absolute path it points at, when that is inside the workspace. */
  redirectTo?: string;
}

export class PageIndex {
  /** Title → entries, one map per folder kind (no key strings built on every lookup). */
  private readonly byTitle = { Page: new MultiMap<PageEntry>(), Redirect: new MultiMap<PageEntry>() };
  private readonly byPath = new Map<string, PageEntry>();
  /** Cheap variant key → titles; only titles with Han characters can meet a variant. */
  private readonly byVariant = new MultiMap<string>();
  private readonly byRedirectTarget = new MultiMap<PageEntry>();
  /** Incremented on every change, so that callers can tell whether what they computed is stale. */
  version = 0;
  /** Page titles in code-unit order for prefix search, built on first use and then kept current. */
  private sorted: string[] | undefined;

  get size(): number {
    return this.byPath.size;
  }

  add(entry: PageEntry): void {
    if (this.byPath.has(entry.path)) this.remove(entry.path);
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
    if (!entry) return undefined;
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

  byFile(path: string): PageEntry | undefined {
    return this.byPath.get(path);
  }

  /** The entry of a title in one folder. */
  get(title: string, folder: 'Page' | 'Redirect' = 'Page'): PageEntry | undefined {
    return this.byTitle[folder].first(title);
  }

  /** Titles of pages that may be variants of this title (same character-wise Simplified form), other than itself. */
  variantsOf(title: string): string[] {
    return hasHan(title) ? this.byVariant.get(fastVariantKey(title)).filter((t) => t !== title) : [];
  }

  /** The redirects pointing at a file. */
  redirectsTo(path: string): readonly PageEntry[] {
    return this.byRedirectTarget.get(path);
  }

  /** Page titles starting with `prefix`, in code-unit order, at most `limit`. */
  titlesWithPrefix(prefix: string, limit: number): string[] {
    const sorted = this.sortedTitles();
    const out: string[] = [];
    for (let i = lowerBound(sorted, prefix); i < sorted.length && out.length < limit && sorted[i].startsWith(prefix); i++) out.push(sorted[i]);
    return out;
  }

  /** Every page title, each once, in code-unit order. */
  sortedTitles(): readonly string[] {
    this.sorted ??= [...new Set(Array.from(this.pages(), (p) => p.title))].sort();
    return this.sorted;
  }

  /** Every entry, pages and redirects. */
  entries(): IterableIterator<PageEntry> {
    return this.byPath.values();
  }

  *pages(): IterableIterator<PageEntry> {
    for (const e of this.byPath.values()) if (e.folder === 'Page') yield e;
  }
}

/** The first index whose title is not below `title`. */
function lowerBound(sorted: readonly string[], title: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < title) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
