// The link trail: text after `]]` that pandoc swallowed into a link's text. A trail is there when
// the text starts with the target title (or its part before a `(disambiguator)`, or a variant of
// either) and goes on with letters. Chinese Wikipedia has no link trail, so any such letters are an
// artifact, except a trail of ASCII lower-case letters, which MediaWiki links too (`[[apple]]s`).
import type { LinkNode } from '../parse';
import { isAsciiPunctuation } from '../parse/inline';
import { variantKey } from '../workspace/variants';

export interface LinkTrail {
  /** Where the swallowed text starts and ends in the document (the marker ⓦ/Ⓡ stays in the link). */
  start: number;
  end: number;
  /** The swallowed text as written (line breaks kept as they are). */
  raw: string;
  /** The swallowed text's meaning (line breaks removed). */
  text: string;
}

const TRAIL = /^[\p{L}\p{M}\p{N}]+$/u;

export function findLinkTrail(source: string, link: LinkNode, resolvedTitle?: string): LinkTrail | undefined {
  if (link.form !== 'markdown' || !link.target || link.target.namespace !== '') return undefined;
  if (link.kind !== 'local' && link.kind !== 'wiki') return undefined;
  // Each character of a title takes at least one of the text: a text no longer than the shortest
  // title it may start with has no room for a trail (most links stop here).
  if (link.textEnd - link.textStart <= Math.min(shortestBase(link.target.title), resolvedTitle === undefined ? Infinity : shortestBase(resolvedTitle))) return undefined;
  let textEnd = link.textEnd;
  while (textEnd > link.textStart && /\s/.test(source[textEnd - 1])) textEnd--;
  if (link.marker && source[textEnd - 1] === link.marker) textEnd--;
  while (textEnd > link.textStart && /\s/.test(source[textEnd - 1])) textEnd--;

  for (const base of baseTitles(link.target.title, resolvedTitle)) {
    const matchEnd = matchPrefix(source, link.textStart, textEnd, base);
    if (matchEnd < 0 || matchEnd >= textEnd) continue;
    const raw = source.slice(matchEnd, textEnd);
    const text = raw.replace(/\s*[\r\n]\s*/g, '');
    if (!TRAIL.test(text) || /^[a-z]+$/.test(text)) return undefined;
    return { start: matchEnd, end: textEnd, raw, text };
  }
  return undefined;
}

/** The title and the title without its `(disambiguator)`, for the page named and the page found. */
function baseTitles(title: string, resolvedTitle: string | undefined): string[] {
  const bases = new Set<string>();
  for (const t of [title, resolvedTitle]) {
    if (!t) continue;
    bases.add(t);
    const paren = /^(.+?) \([^)]*\)$/.exec(t);
    if (paren) bases.add(paren[1]);
  }
  // Longest first, so `PHP (x)` is matched whole before `PHP`.
  return [...bases].sort((a, b) => b.length - a.length);
}

/** A lower bound of the length of the titles `baseTitles` derives from one title. */
function shortestBase(title: string): number {
  const paren = title.charCodeAt(title.length - 1) === 0x29 /* ) */ ? title.indexOf(' (', 1) : -1;
  return paren > 0 ? paren : title.length;
}

/** Matches `base` at the start of the link text; returns the document offset after the match or -1. */
function matchPrefix(source: string, start: number, end: number, base: string): number {
  let i = start;
  let k = 0;
  while (k < base.length) {
    if (i >= end) return -1;
    let ch = source[i];
    let step = 1;
    if (ch === '\r' || ch === '\n') {
      // pandoc's line break inside the text stands for a space or for nothing.
      while (i < end && /\s/.test(source[i])) i++;
      if (base[k] === ' ') k++;
      continue;
    }
    if (ch === '\\' && i + 1 < end && isAsciiPunctuation(source.charCodeAt(i + 1))) {
      ch = source[i + 1];
      step = 2;
    }
    if (!sameCharacter(ch, base[k], k === 0)) return -1;
    i += step;
    k++;
  }
  return i;
}

function sameCharacter(a: string, b: string, first: boolean): boolean {
  if (a === b || (a === '_' && b === ' ')) return true;
  if (first && a.toUpperCase() === b.toUpperCase()) return true;
  return a.charCodeAt(0) >= 0x3400 && variantKey(a) === variantKey(b);
}
