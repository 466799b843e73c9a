// Chinese variant conversion, for MediaWiki's lookup of a missing title through its
// Traditional/Simplified variants (`科尔宾` finds `科爾賓`), characters and regional phrases
// (`軟體` finds `软件`: MediaWiki converts a title with its phrase tables too).
import { converter } from './chineseConversion';

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
 * other keys. Asked for every missing title, and almost always none: those share one empty list, so
 * that a cache of 200,000 titles is not also 200,000 lists for the collector to walk.
 */
export function phraseVariants(title: string): readonly string[] {
  if (!HAN.test(title)) return NONE;
  return cached(phraseCache, title, (t) => {
    const key = fastVariantKey(t);
    const found = phraseForms(t).filter((v) => fastVariantKey(v) !== key);
    return found.length ? found : NONE;
  });
}
const NONE: readonly string[] = Object.freeze([]);

/** A title converted with the regional phrase tables, both ways. */
function phraseForms(title: string): string[] {
  return [...new Set([fromTaiwanPhrases(title), toTaiwanPhrases(variantKey(title))])];
}
