// Chinese variant conversion, for MediaWiki's lookup of a missing title through its
// Traditional/Simplified variants (`科尔宾` finds `科爾賓`), characters and regional phrases
// (`軟體` finds `软件`: MediaWiki converts a title with its phrase tables too).
import { conversionTables, converter } from './chineseConversion';

/** Conversions are built on first use (their tables are shared: `cn` to `tw`, `twp` and `hk` all start with the same Traditional one). */
function lazyConverter(preset: string): (s: string) => string {
  let convert: ((s: string) => string) | undefined;
  return (s) => (convert ??= converter(preset))(s);
}
/** As opencc-js names them: `t` → `cn`, `cn` → `tw`, `twp`, `hk`, and `twp` → `cn`. */
const toSimplified = lazyConverter('t2s');
const toTaiwan = lazyConverter('s2tw');
const toTaiwanPhrases = lazyConverter('s2twp');
const toHongKong = lazyConverter('s2hk');
const fromTaiwanPhrases = lazyConverter('tw2sp');

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

export function hasHan(title: string): boolean {
  return HAN.test(title);
}

/** Conversions are slow (a dictionary walk each) and the same titles come back page after page. */
const CACHE_LIMIT = 200_000;
const keyCache = new Map<string, string>();
const variantCache = new Map<string, string[]>();
const phraseCache = new Map<string, readonly string[]>();

function cached<T>(cache: Map<string, T>, title: string, compute: (t: string) => T): T {
  let value = cache.get(title);
  if (value === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    value = compute(title);
    cache.set(title, value);
  }
  return value;
}

/**
 * A cheap key under which variants of a title meet: each character on its own in its Simplified
 * form. The index files titles under it, so a missing title whose key no page shares is known
 * missing without converting it; only keys that meet get the exact check.
 */
export function fastVariantKey(title: string): string {
  if (!HAN.test(title)) return title;
  // Most titles are their own key (Simplified already): a new string only from the first unit that differs.
  let key: string | undefined;
  for (let i = 0; i < title.length; i++) {
    const unit = title.charCodeAt(i);
    const k = unitKey(unit);
    if (k === WIDER) return keyByCharacter(title);
    if (key !== undefined) key += String.fromCharCode(k);
    else if (k !== unit) key = title.slice(0, i) + String.fromCharCode(k);
  }
  return key ?? title;
}

/** Whether `text[from, to)` has this cheap variant key, compared in place (the index asks this of every candidate). */
export function hasVariantKey(text: string, from: number, to: number, key: string): boolean {
  const sameLength = to - from === key.length;
  for (let i = from; i < to; i++) {
    const k = unitKey(text.charCodeAt(i));
    if (k === WIDER) return fastVariantKey(text.slice(from, to)) === key;
    if (sameLength && k !== key.charCodeAt(i - from)) return false;
  }
  return sameLength;
}

/**
 * Each UTF-16 unit's key, filled as met (0: not yet known; a unit that is its own key is stored as
 * itself): a table, not a map of one-letter strings, since every title of the index and every
 * missing title is walked through it. WIDER marks a surrogate, or a character whose Simplified form
 * is not one unit: those titles take the walk by characters.
 */
const unitKeys = new Uint16Array(0x10000);
const WIDER = 0xffff;

function unitKey(unit: number): number {
  let k = unitKeys[unit];
  if (k === 0) {
    const c = String.fromCharCode(unit);
    const simplified = unit >= 0xd800 && unit <= 0xdfff ? '' : HAN.test(c) ? toSimplified(c) : c;
    k = unitKeys[unit] = simplified.length === 1 ? simplified.charCodeAt(0) : WIDER;
  }
  return k;
}

const charKeys = new Map<string, string>();
function keyByCharacter(title: string): string {
  let key = '';
  for (const c of title) {
    let k = charKeys.get(c);
    if (k === undefined) {
      k = HAN.test(c) ? toSimplified(c) : c;
      charKeys.set(c, k);
    }
    key += k;
  }
  return key;
}

/** The key under which all variants of a title meet: its Simplified form. */
export function variantKey(title: string): string {
  return HAN.test(title) ? cached(keyCache, title, toSimplified) : title;
}

/** The titles MediaWiki tries for a missing title: its conversions to each variant, characters and phrases. */
export function titleVariants(title: string): string[] {
  if (!HAN.test(title)) return [];
  return cached(variantCache, title, (t) => {
    const simplified = variantKey(t);
    const out = new Set([simplified, toTaiwan(simplified), toHongKong(simplified), ...phraseForms(t)]);
    out.delete(t);
    return [...out];
  });
}

/**
 * The variants of a title that differ from it in more than characters: the index files them under
 * other keys. Asked for every missing title, and almost always none: a title in which no phrase of
 * the tables can start and no character converts to another key has none, known without
 * converting it or keeping it in the cache (`mayHavePhraseVariant`, once a thousand titles were
 * converted); those with none share one empty list, so that a cache of 200,000 titles is not also
 * 200,000 lists for the collector to walk.
 */
export function phraseVariants(title: string): readonly string[] {
  if (!HAN.test(title) || (converted >= CONVERTED_BEFORE_QUICK_TEST && !mayHavePhraseVariant(title))) return NONE;
  return cached(phraseCache, title, (t) => {
    converted++;
    const key = fastVariantKey(t);
    const found = phraseForms(t).filter((v) => fastVariantKey(v) !== key);
    return found.length ? found : NONE;
  });
}
const NONE: readonly string[] = Object.freeze([]);
/** The quick test takes 50 ms to make, which the first page's diagnostics should not wait for: it pays off over many titles. */
const CONVERTED_BEFORE_QUICK_TEST = 1000;
let converted = 0;

/**
 * What can make a phrase form's key differ from the title's, by the units' keys (conversions look
 * up the units themselves; marking their keys errs on the side of converting): of each entry of
 * the tables that changes a unit's key, its unit, or for a phrase, its first two units. Through
 * every step of the conversions a text without any keeps its key: the other entries replace units
 * with units of the same keys, so no new pair of keys appears for a later step to match.
 */
interface PhraseTriggers { units: Uint8Array; pairStarts: Uint8Array; pairs: Set<number> }
let triggers: PhraseTriggers | undefined;

function phraseTriggers(): PhraseTriggers {
  if (triggers) return triggers;
  const found: PhraseTriggers = { units: new Uint8Array(0x10000), pairStarts: new Uint8Array(0x10000), pairs: new Set() };
  // The conversions phraseForms makes: `tw2sp` of the title, `s2twp` of its Simplified form (`t2s`).
  for (const table of ['t2s', 'tw2sp', 's2twp'].flatMap(conversionTables)) {
    table.forEachEntry((phrase, length, replacement) => {
      if (keepsKeys(phrase, length, replacement)) return;
      const first = unitKey(phrase[0]);
      if (length === 1) found.units[first] = 1;
      else {
        found.pairStarts[first] = 1;
        found.pairs.add(first * 0x10000 + unitKey(phrase[1]));
      }
    });
  }
  return (triggers = found);
}

/** Whether a replacement leaves each unit's key as it was (most phrases only pick the right character of one key: `干燥` → `乾燥`). */
function keepsKeys(phrase: Uint16Array, length: number, replacement: string): boolean {
  if (length !== replacement.length) return false;
  for (let i = 0; i < length; i++) {
    const k = unitKey(phrase[i]);
    if (k === WIDER || k !== unitKey(replacement.charCodeAt(i))) return false;
  }
  return true;
}

/** Whether a phrase form of the title can have another key (false: it has no phrase variant). */
export function mayHavePhraseVariant(title: string): boolean {
  const { units, pairStarts, pairs } = phraseTriggers();
  let before = -1;
  for (let i = 0; i < title.length; i++) {
    const k = unitKey(title.charCodeAt(i));
    if (k === WIDER || units[k] || (before >= 0 && pairStarts[before] && pairs.has(before * 0x10000 + k))) return true;
    before = k;
  }
  return false;
}

/** A title converted with the regional phrase tables, both ways. */
function phraseForms(title: string): string[] {
  return [...new Set([fromTaiwanPhrases(title), toTaiwanPhrases(variantKey(title))])];
}
