// What links where, for "what links here", category counts and ranking completions. Built by the
// background content scan and kept current from edited pages. Compact: target titles are interned
// to numbers, each page keeps the distinct targets it links as one typed array, and the number of
// pages linking each target is kept up to date, so counts never need a scan.
import type { ParsedPage } from '../parse';

export class LinkGraph {
  private readonly ids = new Map<string, number>();
  private readonly outgoing = new Map<string, Uint32Array>();
  private incoming = new Uint32Array(1024);
  /** Pages read so far by the background scan, of `total`; `complete` once all were. */
  progress = { done: 0, total: 0, complete: false };

  /** Records the titles a page links (see `linkTargets`), replacing what it linked before. */
  record(file: string, titles: readonly string[]): void {
    this.forget(file);
    const list = Uint32Array.from(new Set(titles.map((t) => this.idOf(t))));
    for (const id of list) this.incoming[id]++;
    this.outgoing.set(file, list);
  }

  forget(file: string): void {
    const list = this.outgoing.get(file);
    if (!list) return;
    for (const id of list) this.incoming[id]--;
    this.outgoing.delete(file);
  }

  /** Pages linking any of these titles (each page once). */
  sourcesOf(titles: Iterable<string>): string[] {
    const wanted = this.linkedIds(titles);
    if (wanted.size === 0) return [];
    const out: string[] = [];
    for (const [file, list] of this.outgoing) if (list.some((id) => wanted.has(id))) out.push(file);
    return out;
  }

  /** How many pages link any of these titles, each page once; a scan only when two or more are linked. */
  countSources(titles: Iterable<string>): number {
    const wanted = this.linkedIds(titles);
    if (wanted.size <= 1) return wanted.size ? this.incoming[wanted.values().next().value!] : 0;
    let n = 0;
    for (const list of this.outgoing.values()) if (list.some((id) => wanted.has(id))) n++;
    return n;
  }

  private linkedIds(titles: Iterable<string>): Set<number> {
    const wanted = new Set<number>();
    for (const t of titles) {
      const id = this.ids.get(t);
      if (id !== undefined && this.incoming[id] > 0) wanted.add(id);
    }
    return wanted;
  }

  /** How many pages link a title. */
  count(title: string): number {
    const id = this.ids.get(title);
    return id === undefined ? 0 : this.incoming[id];
  }

  private idOf(title: string): number {
    let id = this.ids.get(title);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(title, id);
      if (id >= this.incoming.length) {
        const grown = new Uint32Array(this.incoming.length * 2);
        grown.set(this.incoming);
        this.incoming = grown;
      }
    }
    return id;
  }
}

/** The titles a page links (local, wiki and category links), each once. */
export function linkTargets(parsed: ParsedPage): string[] {
  const titles = new Set<string>();
  for (const link of parsed.links) {
    if (link.target && (link.kind === 'local' || link.kind === 'wiki' || link.kind === 'category')) titles.add(link.target.title);
  }
  return [...titles];
}
