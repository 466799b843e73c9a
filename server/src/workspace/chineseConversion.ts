// Chinese script and regional conversion with opencc's dictionaries (opencc-js carries them), in
// tables that load fast. opencc-js keeps each dictionary as a trie of nested Maps: its five
// converters cost a third of a second and 46 MB of heap to build, which every cold start paid
// before its first diagnostics. Here a dictionary is one Map of phrase → replacement and a match
// is the longest phrase at a position, as in opencc; test/workspace/variants.test.ts compares the
// outputs with opencc's own converters.
import * as OpenCC from 'opencc-js';

/** A dictionary as opencc-js ships it: `"from to|from to"` or pairs. */
type Dict = string | string[][];

/** The steps of one conversion, as opencc-js's presets name them. */
interface ConversionConfig {
  normalizationChain?: Dict[][];
  segmentation?: Dict | Dict[];
  conversionChain: Dict[][];
}

/**
 * Phrases and their replacements, as a trie over UTF-16 units: the root's children in an array by
 * unit, the other edges in a hash table of typed arrays. (Nested Maps, opencc's way, were slow to
 * build; one Map keyed by `node * 0x10000 + unit` was slow to ask, its keys past 2^31 being heap
 * numbers.) Where dictionaries of a group share a phrase, the first one's wins.
 */
export class PhraseTable {
  /** The child of the root for each unit, 0 for none (node 0 is the root). */
  private readonly rootChildren = new Int32Array(0x10000);
  /** Edges below the root: slot → parent node (-1 empty), unit, child node; open addressing. */
  private edgeParent = new Int32Array(1 << 16).fill(-1);
  private edgeUnit = new Uint16Array(1 << 16);
  private edgeChild = new Int32Array(1 << 16);
  private edges = 0;
  /** The replacement of the phrase ending at each node. */
  private readonly replacements: (string | undefined)[] = [undefined];
  /** The replacement of the last phrase `matchAt` found. */
  private matched = '';

  constructor(group: readonly Dict[]) {
    for (let d = group.length - 1; d >= 0; d--) {
      const dict = group[d];
      if (typeof dict === 'string') this.addSerialized(dict);
      else for (const [from, to] of dict) this.add(from, 0, from.length, to);
    }
  }

  /** `from to|from to`, read in place: a hundred thousand entries split into strings would keep the collector busy. */
  private addSerialized(dict: string): void {
    for (let at = 0; at < dict.length;) {
      const bar = dict.indexOf('|', at);
      const end = bar < 0 ? dict.length : bar;
      const space = dict.indexOf(' ', at);
      // The replacement is the second field (a third, if any, is not used).
      if (space > at && space < end) {
        const next = dict.indexOf(' ', space + 1);
        this.add(dict, at, space, dict.slice(space + 1, next > space && next < end ? next : end));
      }
      at = end + 1;
    }
  }

  /** Adds the phrase `text[start, end)`. */
  private add(text: string, start: number, end: number, to: string): void {
    let node = 0;
    for (let k = start; k < end; k++) {
      const unit = text.charCodeAt(k);
      let child = this.child(node, unit);
      if (child === 0) {
        child = this.replacements.length;
        this.replacements.push(undefined);
        if (node === 0) this.rootChildren[unit] = child;
        else this.addEdge(node, unit, child);
      }
      node = child;
    }
    this.replacements[node] = to;
  }

  /** The child of `node` by `unit`, 0 for none. */
  private child(node: number, unit: number): number {
    if (node === 0) return this.rootChildren[unit];
    const { edgeParent, edgeUnit } = this;
    const mask = edgeParent.length - 1;
    for (let at = edgeSlot(node, unit) & mask; edgeParent[at] !== -1; at = (at + 1) & mask) {
      if (edgeParent[at] === node && edgeUnit[at] === unit) return this.edgeChild[at];
    }
    return 0;
  }

  private addEdge(node: number, unit: number, child: number): void {
    if (++this.edges * 2 > this.edgeParent.length) this.growEdges();
    this.placeEdge(node, unit, child);
  }

  private placeEdge(node: number, unit: number, child: number): void {
    const mask = this.edgeParent.length - 1;
    let at = edgeSlot(node, unit) & mask;
    while (this.edgeParent[at] !== -1) at = (at + 1) & mask;
    this.edgeParent[at] = node;
    this.edgeUnit[at] = unit;
    this.edgeChild[at] = child;
  }

  private growEdges(): void {
    const { edgeParent, edgeUnit, edgeChild } = this;
    this.edgeParent = new Int32Array(edgeParent.length * 2).fill(-1);
    this.edgeUnit = new Uint16Array(edgeParent.length * 2);
    this.edgeChild = new Int32Array(edgeParent.length * 2);
    for (let from = 0; from < edgeParent.length; from++) {
      if (edgeParent[from] !== -1) this.placeEdge(edgeParent[from], edgeUnit[from], edgeChild[from]);
    }
  }

  /**
   * Calls `entry` with each phrase (its units in `phrase`, a buffer used again for the next one, up
   * to `length`) and its replacement, in no particular order.
   */
  forEachEntry(entry: (phrase: Uint16Array, length: number, replacement: string) => void): void {
    const nodes = this.replacements.length;
    const parent = new Int32Array(nodes);
    const unit = new Uint16Array(nodes);
    const depth = new Uint16Array(nodes);
    for (let u = 0; u < 0x10000; u++) if (this.rootChildren[u]) unit[this.rootChildren[u]] = u;
    for (let at = 0; at < this.edgeParent.length; at++) {
      if (this.edgeParent[at] === -1) continue;
      parent[this.edgeChild[at]] = this.edgeParent[at];
      unit[this.edgeChild[at]] = this.edgeUnit[at];
    }
    // A child is made after its parent: depths in one pass.
    for (let node = 1; node < nodes; node++) depth[node] = depth[parent[node]] + 1;
    let phrase = new Uint16Array(16);
    for (let node = 1; node < nodes; node++) {
      const replacement = this.replacements[node];
      if (replacement === undefined) continue;
      if (depth[node] > phrase.length) phrase = new Uint16Array(depth[node] * 2);
      for (let n = node, k = depth[node] - 1; n !== 0; n = parent[n], k--) phrase[k] = unit[n];
      entry(phrase, depth[node], replacement);
    }
  }

  /** The length of the longest phrase at `i` (its replacement left in `matched`), 0 when none starts there. */
  private matchAt(s: string, i: number): number {
    let found = 0;
    let node = 0;
    for (let j = i; j < s.length; j++) {
      node = this.child(node, s.charCodeAt(j));
      if (node === 0) break;
      const replacement = this.replacements[node];
      if (replacement !== undefined) {
        found = j + 1 - i;
        this.matched = replacement;
      }
    }
    return found;
  }

  /** Each longest phrase replaced, left to right; the rest kept. */
  convert(s: string): string {
    let out = '';
    this.forEachPiece(s, (start, end, replacement) => (out += replacement ?? s.slice(start, end)));
    return out;
  }

  /** The text cut into its phrases and the runs between them. */
  segment(s: string): string[] {
    const segments: string[] = [];
    this.forEachPiece(s, (start, end) => segments.push(s.slice(start, end)));
    return segments;
  }

  /** The text, left to right, as its longest phrases (with their replacements) and the runs of text between them. */
  private forEachPiece(s: string, piece: (start: number, end: number, replacement?: string) => void): void {
    let run = -1;
    for (let i = 0; i < s.length;) {
      const n = this.matchAt(s, i);
      if (n > 0) {
        if (run >= 0) piece(run, i);
        run = -1;
        piece(i, i + n, this.matched);
        i += n;
      } else {
        if (run < 0) run = i;
        i += unmatchedLength(s, i);
      }
    }
    if (run >= 0) piece(run, s.length);
  }
}

/** Where the edge of `node` by `unit` is looked for first (before the mask): a multiplicative hash of both, an int32. */
function edgeSlot(node: number, unit: number): number {
  return Math.imul(node, 0x9e3779b1) ^ Math.imul(unit, 0x85ebca6b);
}

/**
 * How far an unmatched character reaches: a whole Ideographic Description Sequence (`⿰氵青`, a
 * character described by its parts) is kept together, else one code point.
 */
function unmatchedLength(s: string, i: number): number {
  const end = descriptionEnd(s, i);
  return end > i ? end - i : codePointLength(s, i);
}

function codePointLength(s: string, i: number): number {
  return (s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
}

/** How many parts an Ideographic Description Character (U+2FF0–U+2FFF) combines; 0 for any other. */
function descriptionArity(c: number): number {
  if (c < 0x2ff0 || c > 0x2fff) return 0;
  return c === 0x2ff2 || c === 0x2ff3 ? 3 : 2;
}

/** The end of the description sequence starting at `i`, or 0 when there is none (or it is cut short). */
function descriptionEnd(s: string, i: number): number {
  const arity = descriptionArity(s.codePointAt(i) ?? 0);
  if (arity === 0) return 0;
  let end = i + codePointLength(s, i);
  for (let part = 0; part < arity; part++) {
    if (end >= s.length) return 0;
    end = descriptionEnd(s, end) || end + codePointLength(s, end);
  }
  return end;
}

const presets = (OpenCC.Locale as unknown as { configs: Record<string, ConversionConfig> }).configs;

/** Tables are made once per group of dictionaries and shared by the conversions that use it (the presets repeat groups). */
const tables = new Map<string, PhraseTable>();
const dictIds = new Map<Dict, number>();
function tableOf(group: readonly Dict[]): PhraseTable {
  const key = group.map((dict) => dictIds.get(dict) ?? dictIds.set(dict, dictIds.size).get(dict)).join();
  let table = tables.get(key);
  if (!table) tables.set(key, (table = new PhraseTable(group)));
  return table;
}

/** The tables that can change a text in opencc's preset `name`: its normalization and conversion (segmentation only cuts). */
export function conversionTables(name: string): PhraseTable[] {
  const config = presets[name];
  if (!config) throw new Error(`no opencc preset ${name}`);
  return [...(config.normalizationChain ?? []), ...config.conversionChain].map(tableOf);
}

/** A conversion by opencc's preset `name` (`s2tw`, `t2s`, …): normalize, cut into phrases, convert each through the chain. */
export function converter(name: string): (s: string) => string {
  const config = presets[name];
  if (!config) throw new Error(`no opencc preset ${name}`);
  const normalization = (config.normalizationChain ?? []).map(tableOf);
  const seg = config.segmentation;
  // A segmentation given as a list of serialized dictionaries is a group; else it is one dictionary.
  const segmentation = seg === undefined ? undefined : tableOf(Array.isArray(seg) && seg.every((d) => typeof d === 'string') ? (seg as Dict[]) : [seg as Dict]);
  const chain = config.conversionChain.map(tableOf);
  const convertSegment = (segment: string) => chain.reduce((text, table) => table.convert(text), segment);
  return (s) => {
    const normalized = normalization.reduce((text, table) => table.convert(text), s);
    return segmentation ? segmentation.segment(normalized).map(convertSegment).join('') : convertSegment(normalized);
  };
}
