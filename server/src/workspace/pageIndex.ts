// Every page of the corpus by title, from file names alone: no content is read to build it.
import { fastVariantKey } from './variants';

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
  private readonly byTitle = { Page: new Map<string, PageEntry[]>(), Redirect: new Map<string, PageEntry[]>() };
  private readonly byPath = new Map<string, PageEntry>();
  private readonly byVariant = new Map<string, string[]>();
  private readonly byRedirectTarget = new Map<string, PageEntry[]>();
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
    push(this.byTitle[entry.folder], entry.title, entry);
    if (entry.redirectTo) push(this.byRedirectTarget, entry.redirectTo, entry);
    if (entry.folder === 'Page') {
      const titles = this.byVariant.get(fastVariantKey(entry.title));
      if (!titles) this.byVariant.set(fastVariantKey(entry.title), [entry.title]);
      else if (!titles.includes(entry.title)) titles.push(entry.title);
    }
    this.version++;
  }

  remove(path: string): PageEntry | undefined {
    const entry = this.byPath.get(path);
    if (!entry) return undefined;
    this.byPath.delete(path);
    const titles = this.byTitle[entry.folder];
    const rest = (titles.get(entry.title) ?? []).filter((e) => e.path !== path);
    if (rest.length) titles.set(entry.title, rest);
    else titles.delete(entry.title);
    if (entry.redirectTo) {
      const redirects = (this.byRedirectTarget.get(entry.redirectTo) ?? []).filter((e) => e !== entry);
      if (redirects.length) this.byRedirectTarget.set(entry.redirectTo, redirects);
      else this.byRedirectTarget.delete(entry.redirectTo);
    }
    if (entry.folder === 'Page' && !rest.some((e) => e.folder === 'Page')) {
      if (this.sorted?.[lowerBound(this.sorted, entry.title)] === entry.title) this.sorted.splice(lowerBound(this.sorted, entry.title), 1);
      const vkey = fastVariantKey(entry.title);
      const titles = (this.byVariant.get(vkey) ?? []).filter((t) => t !== entry.title);
      if (titles.length) this.byVariant.set(vkey, titles);
      else this.byVariant.delete(vkey);
    }
    this.version++;
    return entry;
  }

  byFile(path: string): PageEntry | undefined {
    return this.byPath.get(path);
  }

  /** The entry of a title in one folder. */
  get(title: string, folder: 'Page' | 'Redirect' = 'Page'): PageEntry | undefined {
    return this.byTitle[folder].get(title)?.[0];
  }

  /** Titles of pages that may be variants of this title (same character-wise Simplified form), other than itself. */
  variantsOf(title: string): string[] {
    return (this.byVariant.get(fastVariantKey(title)) ?? []).filter((t) => t !== title);
  }

  /** The redirects pointing at a file. */
  redirectsTo(path: string): readonly PageEntry[] {
    return this.byRedirectTarget.get(path) ?? [];
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
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
