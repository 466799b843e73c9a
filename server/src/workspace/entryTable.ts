// The pages of a scan as one immutable table: titles, file names and redirect targets packed into a
// few strings, every lookup (title, path, variant key, redirect target) a hash slot array. Built
// once per scan (or read from the persisted index as it is), with no object per page; PageIndex
// keeps the changes since in maps beside it.
import * as path from 'node:path';
import { pagePathFromTitle } from '../parse/title';
import { FNV_OFFSET, FNV_PRIME, HashSlots, PackedStrings, allInRange, byUnit, hashString, idsInStringOrder, lowerBound, lowerBoundBy, sortingByString } from './packed';
import { finish, type Steps } from './pacing';
import type { PageEntry } from './pageIndex';
import { fastVariantKey, hasHan, hasVariantKey } from './variants';

/** The arrays of a table, as the persisted index stores them. */
export interface EntryTableParts {
  /** The folders the files lie in; entry i's file is `dirs[dirOf[i]]/names[i]`. */
  dirs: string[];
  dirOf: Uint32Array;
  names: FileNames;
  titles: PackedStrings;
  /** 1 for an entry of a `Redirect` folder. */
  redirect: Uint8Array;
  /** Per entry, the index of its redirect target in `targets`, or -1. */
  targetOf: Int32Array;
  targets: PackedStrings;
  titleSlots: HashSlots;
  pathSlots: HashSlots;
  /** Pages with Han characters in their title, by the hash of their cheap variant key. */
  variantSlots: HashSlots;
  /** Redirect entries by the hash of their target. */
  targetSlots: HashSlots;
  /** Pages of distinct titles in code-unit order of title, for prefix search; empty until first needed. */
  sorted: Uint32Array;
}

/** Per folder, its path and a separator hashed: a file's hash as if of its whole path (FNV runs on), without making the path. */
function dirHashesOf(dirs: readonly string[]): number[] {
  return dirs.map((d) => hashString(path.sep, 0, 1, hashString(d)));
}

/** Neighbours compared between yields (100 ms for a million titles in one go). */
const DEDUPE_STEP = 65_536;

/** The entries of pages (not redirects) of distinct titles, in code-unit order of title: what a worker thread makes for `EntryTable.takeOrder`. */
export function pageTitleOrder(titles: PackedStrings, redirect: Uint8Array): Uint32Array {
  return finish(titleOrder(titles, redirect));
}

/** `pageTitleOrder` in steps. */
function* titleOrder(titles: PackedStrings, redirect: Uint8Array): Steps<Uint32Array> {
  const pages = new Uint32Array(redirect.length);
  let count = 0;
  for (let i = 0; i < redirect.length; i++) if (!redirect[i]) pages[count++] = i;
  const sorted = yield* sortingByString(pages.subarray(0, count), titles);
  // Equal titles are neighbours now, the page listed first ahead: it stands for them.
  let distinct = 0;
  for (let k = 0; k < sorted.length; k++) {
    if (k % DEDUPE_STEP === 0) yield;
    if (distinct === 0 || !titles.same(sorted[distinct - 1], sorted[k])) sorted[distinct++] = sorted[k];
  }
  return sorted.slice(0, distinct);
}

/**
 * Pages (not redirects) grouped by the first two units of their title (a one-unit title by its unit
 * and 0): `ids[starts[g], starts[g + 1])` for the group whose key (first unit * 0x10000 + second)
 * is `keys[g]`, keys ascending, so that the groups of one first unit are neighbours.
 */
interface PrefixGroups { keys: Float64Array; starts: Uint32Array; ids: Uint32Array }

function groupByFirstTwoUnits(text: string, offsets: Uint32Array, redirect: Uint8Array): PrefixGroups {
  const first = new Uint16Array(redirect.length);
  const second = new Uint16Array(redirect.length);
  const pages = new Uint32Array(redirect.length);
  let count = 0;
  for (let i = 0; i < redirect.length; i++) {
    if (redirect[i] || offsets[i + 1] === offsets[i]) continue;
    pages[count++] = i;
    first[i] = text.charCodeAt(offsets[i]);
    if (offsets[i + 1] - offsets[i] > 1) second[i] = text.charCodeAt(offsets[i] + 1);
  }
  // Two stable counting sorts (second unit, then first): no map of keys, which above 2^31 are not small integers.
  const ids = byUnit(byUnit(pages.subarray(0, count), (i) => second[i]), (i) => first[i]);
  const keys = new Float64Array(count);
  const starts = new Uint32Array(count + 1);
  let groups = 0;
  for (let k = 0; k < count; k++) {
    const key = first[ids[k]] * 0x10000 + second[ids[k]];
    if (groups === 0 || keys[groups - 1] !== key) {
      keys[groups] = key;
      starts[groups++] = k;
    }
  }
  starts[groups] = count;
  return { keys: keys.slice(0, groups), starts: starts.slice(0, groups + 1), ids };
}

/**
 * Each entry's file name. Nearly every file is named after its title as the converter names it
 * (`pagePathFromTitle`: spaces as `_`, then `.md`), so only the other names are kept, beside the
 * titles: at 1.4M pages all the names were 44 MB more in every thread that holds the table.
 */
export class FileNames {
  /** Per entry, 1 where its name is in `own` (most lookups need not search `ownIds`). */
  private readonly isOwn: Uint8Array;

  /** `ownIds`: the entries (ascending) whose name is not their title's, with those names in `own`. */
  constructor(private readonly titles: PackedStrings, readonly ownIds: Uint32Array, readonly own: PackedStrings) {
    this.isOwn = new Uint8Array(titles.size);
    for (const i of ownIds) if (i < titles.size) this.isOwn[i] = 1;
  }

  static of(names: readonly string[], titles: PackedStrings): FileNames {
    const ids: number[] = [];
    const own: string[] = [];
    names.forEach((name, i) => {
      if (!isTitleName(titles, i, name)) {
        ids.push(i);
        own.push(name);
      }
    });
    return new FileNames(titles, Uint32Array.from(ids), PackedStrings.of(own));
  }

  get size(): number {
    return this.titles.size;
  }

  at(i: number): string {
    const k = this.ownIndex(i);
    return k >= 0 ? this.own.at(k) : pagePathFromTitle(this.titles.at(i));
  }

  equals(i: number, name: string): boolean {
    const k = this.ownIndex(i);
    return k >= 0 ? this.own.equals(k, name) : isTitleName(this.titles, i, name);
  }

  /** `hashString` of the name, going on from `seed`, made in place. */
  hash(i: number, seed = FNV_OFFSET): number {
    const k = this.ownIndex(i);
    if (k >= 0) return this.own.hash(k, seed);
    const { text, offsets } = this.titles;
    let h = seed;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) h = Math.imul(h ^ nameUnit(text.charCodeAt(c)), FNV_PRIME);
    return hashString(MD, 0, MD.length, h);
  }

  /** Why these arrays cannot be file names (from a persisted index), if they cannot. */
  problem(): string | undefined {
    const { ownIds, own } = this;
    if (own.size !== ownIds.length || !allInRange(ownIds, 0, this.size)) return 'file names out of range';
    for (let k = 1; k < ownIds.length; k++) if (ownIds[k] <= ownIds[k - 1]) return 'file names not ascending';
    return PackedStrings.problem(own.text, own.offsets);
  }

  /** All the names packed end to end, each after its `prefix` (for a sort by path): the titles' spaces as `_` in one pass. */
  packed(prefix: (i: number) => string = () => ''): PackedStrings {
    const { text, offsets } = this.titles;
    const spaced = text.replaceAll(' ', '_');
    return PackedStrings.of(Array.from({ length: this.size }, (_, i) => {
      const k = this.ownIndex(i);
      return prefix(i) + (k >= 0 ? this.own.at(k) : `${spaced.slice(offsets[i], offsets[i + 1])}${MD}`);
    }));
  }

  /** Where entry i's name is in `own`, -1 when it is its title's. */
  private ownIndex(i: number): number {
    if (this.isOwn[i] !== 1) return -1;
    const { ownIds } = this;
    return lowerBoundBy(ownIds.length, (m) => ownIds[m] < i);
  }
}

const MD = '.md';
const SPACE = 0x20;
const UNDERSCORE = 0x5f;
/** A title's unit as its file name has it (`pagePathFromTitle`). */
const nameUnit = (unit: number) => (unit === SPACE ? UNDERSCORE : unit);

/** Whether `name` is the file name of title i, compared in place. */
function isTitleName(titles: PackedStrings, i: number, name: string): boolean {
  const from = titles.offsets[i];
  const length = titles.offsets[i + 1] - from;
  if (name.length !== length + MD.length || !name.endsWith(MD)) return false;
  for (let k = 0; k < length; k++) if (name.charCodeAt(k) !== nameUnit(titles.text.charCodeAt(from + k))) return false;
  return true;
}

/** Entries as a scan lists them, one column per field (no object per page), to build a table from. */
export class EntryColumns {
  readonly dirs: string[] = [];
  private readonly dirIds = new Map<string, number>();
  readonly dirOf: number[] = [];
  readonly names: string[] = [];
  readonly titles: string[] = [];
  readonly redirect: number[] = [];
  /** Per entry, its index in `targets`, or -1. */
  readonly targetOf: number[] = [];
  readonly targets: string[] = [];

  get size(): number {
    return this.names.length;
  }

  add(dir: string, name: string, title: string, folder: 'Page' | 'Redirect', redirectTo?: string): void {
    let d = this.dirIds.get(dir);
    if (d === undefined) this.dirIds.set(dir, (d = this.dirs.push(dir) - 1));
    this.dirOf.push(d);
    this.names.push(name);
    this.titles.push(title);
    this.redirect.push(folder === 'Redirect' ? 1 : 0);
    this.targetOf.push(redirectTo === undefined ? -1 : this.targets.push(redirectTo) - 1);
  }

  static of(entries: readonly PageEntry[]): EntryColumns {
    const columns = new EntryColumns();
    for (const e of entries) {
      const cut = e.path.lastIndexOf(path.sep);
      columns.add(e.path.slice(0, cut), e.path.slice(cut + 1), e.title, e.folder, e.redirectTo);
    }
    return columns;
  }
}

export class EntryTable {
  static readonly empty = EntryTable.of([]);

  /** Pages by the first two units of their title, made on the first prefix search before the title order exists. */
  private byPrefix?: PrefixGroups;
  /** Per prefix group, 1 once its ids are in title order (see `fromSortedGroup`). */
  private sortedGroups?: Uint8Array;
  /** Per folder, the hash its files' paths start from (see `building`). */
  private dirHashes?: number[];

  constructor(readonly parts: EntryTableParts) {}

  static of(entries: readonly PageEntry[]): EntryTable {
    return finish(EntryTable.building(EntryColumns.of(entries)));
  }

  /** The table of a scan's columns, in steps (see `finishPaced`): at a million pages it takes a second or two. */
  static *building(columns: EntryColumns): Steps<EntryTable> {
    const { dirs, redirect, targets } = columns;
    const n = columns.size;
    const titles = PackedStrings.of(columns.titles);
    const names = FileNames.of(columns.names, titles);
    const dirOf = Uint32Array.from(columns.dirOf);
    const targetOf = Int32Array.from(columns.targetOf);
    yield;
    const dirHashes = dirHashesOf(dirs);
    return new EntryTable({
      dirs, dirOf, names, titles, redirect: Uint8Array.from(redirect), targetOf, targets: PackedStrings.of(targets),
      titleSlots: yield* HashSlots.building(n, (i) => titles.hash(i)),
      pathSlots: yield* HashSlots.building(n, (i) => names.hash(i, dirHashes[dirOf[i]])),
      variantSlots: yield* HashSlots.building(n, (i) => (!redirect[i] && hasHan(columns.titles[i]) ? hashString(fastVariantKey(columns.titles[i])) : undefined)),
      targetSlots: yield* HashSlots.building(n, (i) => (targetOf[i] < 0 ? undefined : hashString(targets[targetOf[i]]))),
      sorted: new Uint32Array(0),
    });
  }

  /**
   * Writes at `out[at…at+4]` the keys of the lookups whose answer entry i takes part in (see
   * `LookupLog`), hashed as `PageIndex` hashes a lookup: its title, its cheap variant key (a page
   * with Han characters in its title), its path, its redirect target. An entry without a variant key
   * or a target repeats its title's key there.
   */
  lookupKeysInto(i: number, out: Uint32Array, at: number): void {
    const { dirs, dirOf, names, titles, redirect, targetOf, targets } = this.parts;
    this.dirHashes ??= dirHashesOf(dirs);
    const title = titles.hash(i);
    out[at] = title;
    out[at + 1] = title;
    if (!redirect[i]) {
      const t = titles.at(i);
      if (hasHan(t)) out[at + 1] = hashString(fastVariantKey(t));
    }
    out[at + 2] = names.hash(i, this.dirHashes[dirOf[i]]);
    out[at + 3] = targetOf[i] < 0 ? title : targets.hash(targetOf[i]);
  }

  /** The table again after a structured clone (to a worker thread), which keeps the data and drops the classes. */
  static fromClone(clone: EntryTable): EntryTable {
    const p = clone.parts;
    const strings = (s: PackedStrings) => new PackedStrings(s.text, s.offsets);
    const slots = (s: HashSlots) => new HashSlots(s.slots);
    const titles = strings(p.titles);
    return new EntryTable({
      ...p, names: new FileNames(titles, p.names.ownIds, strings(p.names.own)), titles, targets: strings(p.targets),
      titleSlots: slots(p.titleSlots), pathSlots: slots(p.pathSlots), variantSlots: slots(p.variantSlots), targetSlots: slots(p.targetSlots),
    });
  }

  get size(): number {
    return this.parts.dirOf.length;
  }

  title(i: number): string {
    return this.parts.titles.at(i);
  }

  isRedirect(i: number): boolean {
    return this.parts.redirect[i] === 1;
  }

  path(i: number): string {
    return `${this.parts.dirs[this.parts.dirOf[i]]}${path.sep}${this.parts.names.at(i)}`;
  }

  entry(i: number): PageEntry {
    const { targetOf, targets } = this.parts;
    const entry: PageEntry = { title: this.title(i), path: this.path(i), folder: this.isRedirect(i) ? 'Redirect' : 'Page' };
    if (targetOf[i] >= 0) entry.redirectTo = targets.at(targetOf[i]);
    return entry;
  }

  /**
   * The first entry by path (not the first listed: a listing's order is the file system's) with this
   * title in one folder kind for which `accept` holds, or -1. No list is made: this runs for every link.
   */
  firstWithTitle(title: string, folder: 'Page' | 'Redirect', accept: (i: number) => boolean): number {
    const { redirect, titles } = this.parts;
    const kind = folder === 'Redirect' ? 1 : 0;
    let first = -1;
    this.parts.titleSlots.find(hashString(title), (i) => {
      if (redirect[i] === kind && titles.equals(i, title) && accept(i) && (first < 0 || this.path(i) < this.path(first))) first = i;
      return false;
    });
    return first;
  }

  /** A few entries (of one title) in path order: their paths compared, not every folder ranked. */
  private inPathOrderIfMany(ids: number[]): number[] {
    return ids.length < 2 ? ids : ids.map((i) => ({ i, path: this.path(i) })).sort((a, b) => (a.path < b.path ? -1 : 1)).map((e) => e.i);
  }

  /** The entry of a file, or -1. */
  withPath(file: string): number {
    const { dirs, dirOf, names } = this.parts;
    return this.parts.pathSlots.find(hashString(file), (i) => {
      const dir = dirs[dirOf[i]];
      return file.length > dir.length && file.startsWith(dir) && file[dir.length] === path.sep && names.equals(i, file.slice(dir.length + 1));
    });
  }

  /** Pages whose title has this cheap variant key. */
  withVariantKey(key: string): number[] {
    const { titles } = this.parts;
    return this.parts.variantSlots.findAll(hashString(key), (i) => hasVariantKey(titles.text, titles.offsets[i], titles.offsets[i + 1], key));
  }

  /** Redirect entries pointing at a file, in path order. */
  redirectsTo(file: string): number[] {
    const { targetOf, targets } = this.parts;
    return this.inPathOrderIfMany(this.parts.targetSlots.findAll(hashString(file), (i) => targets.equals(targetOf[i], file)));
  }

  /** Pages of distinct titles in title order (computed on first use, or taken from the persisted index). */
  sortedPages(): Uint32Array {
    return finish(this.sortingPages());
  }

  /** `sortedPages` in steps (see `finishPaced`): at a million titles the order takes a second. */
  *sortingPages(): Steps<Uint32Array> {
    if (!this.isSorted) this.parts.sorted = yield* titleOrder(this.parts.titles, this.parts.redirect);
    return this.parts.sorted;
  }

  get isSorted(): boolean {
    return this.parts.sorted.length > 0 || this.size === 0;
  }

  /** Takes the order of its titles a worker thread made (`pageTitleOrder`); false, taking nothing, for one that cannot be theirs. */
  takeOrder(sorted: Uint32Array): boolean {
    if (this.isSorted) return true;
    const { redirect } = this.parts;
    if (sorted.length === 0 || !allInRange(sorted, 0, this.size) || sorted.some((i) => redirect[i] === 1)) return false;
    this.parts.sorted = sorted;
    return true;
  }

  /**
   * The first `limit` page titles (in code-unit order, each once, each one `keep` accepts) starting
   * with `prefix` (not empty), before the title order exists: the entries whose title starts with
   * its first two units (or its one unit), grouped on first use (tens of milliseconds at a million
   * pages, where the order takes over a second), each match kept only while among the first `limit`.
   */
  titlesStartingWith(prefix: string, limit: number, keep: (title: string) => boolean): string[] {
    const { titles } = this.parts;
    this.byPrefix ??= groupByFirstTwoUnits(titles.text, titles.offsets, this.parts.redirect);
    const { keys, starts, ids } = this.byPrefix;
    // The groups of the prefix's first two units, or of its only unit.
    const low = prefix.charCodeAt(0) * 0x10000 + (prefix.length > 1 ? prefix.charCodeAt(1) : 0);
    const high = prefix.length > 1 ? low + 1 : low + 0x10000;
    const first: string[] = [];
    if (limit <= 0) return first;
    const firstGroup = lowerBoundBy(keys.length, (g) => keys[g] < low);
    const endGroup = lowerBoundBy(keys.length, (g) => keys[g] < high);
    if (prefix.length > 1 && endGroup - firstGroup === 1) return this.fromSortedGroup(firstGroup, prefix, limit, keep);
    const from = starts[firstGroup];
    const to = starts[endGroup];
    for (let k = from; k < to; k++) {
      const i = ids[k];
      if (!titles.startsWith(i, prefix)) continue;
      if (first.length === limit && !titles.below(i, first[limit - 1])) continue;
      const title = titles.at(i);
      const at = lowerBound(first, title);
      if (first[at] === title || !keep(title)) continue;
      first.splice(at, 0, title);
      if (first.length > limit) first.pop();
    }
    return first;
  }

  /**
   * The titles of one prefix group that start with `prefix`, from the group put in order on its
   * first search and kept so: typing a completion asks the same group again at each letter, and
   * kept the first `limit` titles in order as they passed took 10-80 ms for a large group.
   */
  private fromSortedGroup(g: number, prefix: string, limit: number, keep: (title: string) => boolean): string[] {
    const { starts, ids } = this.byPrefix!;
    const { titles } = this.parts;
    const group = ids.subarray(starts[g], starts[g + 1]);
    this.sortedGroups ??= new Uint8Array(starts.length - 1);
    if (!this.sortedGroups[g]) {
      group.set(finish(sortingByString(group, titles)));
      this.sortedGroups[g] = 1;
    }
    const found: string[] = [];
    for (let k = lowerBoundBy(group.length, (k) => titles.below(group[k], prefix)); k < group.length && found.length < limit; k++) {
      const i = group[k];
      if (!titles.startsWith(i, prefix)) break;
      const title = titles.at(i);
      if (found[found.length - 1] !== title && keep(title)) found.push(title);
    }
    return found;
  }

  /**
   * `ids` in the order of their paths, without making a path for each (a million paths are 300 MB):
   * every path begins with what all folders begin with, so the rest of each path (for most, the
   * file's name) orders them. Folders inside others (`Page/TCP` for `TCP/IP`) sort among their files.
   */
  inPathOrder(ids: Uint32Array): Uint32Array {
    const { dirs, dirOf, names } = this.parts;
    const folders = dirs.map((d) => d + path.sep);
    let common = folders.length ? folders[0].length : 0;
    for (const folder of folders) while (common > 0 && !folder.startsWith(folders[0].slice(0, common))) common--;
    const rests = folders.map((f) => f.slice(common));
    // Made for the sort only (the CLI's): the table keeps few of the names.
    return idsInStringOrder(ids, names.packed((i) => rests[dirOf[i]]));
  }

  /** Why these arrays cannot be a table (from a persisted index), if they cannot. */
  static problem(p: EntryTableParts): string | undefined {
    const n = p.dirOf.length;
    if (p.names.size !== n || p.titles.size !== n || p.redirect.length !== n || p.targetOf.length !== n) return 'entry arrays do not match';
    if (!allInRange(p.dirOf, 0, p.dirs.length)) return 'entry folder out of range';
    if (!allInRange(p.targetOf, -1, p.targets.size)) return 'redirect target out of range';
    if (!allInRange(p.sorted, 0, n)) return 'sorted entry out of range';
    return p.names.problem() ?? PackedStrings.problem(p.titles.text, p.titles.offsets)
      ?? PackedStrings.problem(p.targets.text, p.targets.offsets)
      ?? HashSlots.problem(p.titleSlots.slots, n) ?? HashSlots.problem(p.pathSlots.slots, n)
      ?? HashSlots.problem(p.variantSlots.slots, n) ?? HashSlots.problem(p.targetSlots.slots, n);
  }
}
