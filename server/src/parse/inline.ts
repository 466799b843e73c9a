// The inline scanner: links (markdown and `<a>`), footnote refs, code spans, comments, empty
// parentheses and variant markup inside one segment of text. Every look-ahead is bounded (by the
// segment, by SCAN_LIMIT, or by remembering that a closer does not exist), so a scan is linear.
import type { LinkNode, ParsedPage } from './syntax';
import { classifyDestination, unescapeMarkdown } from './title';

export type InlineSink = Pick<ParsedPage, 'links' | 'footnoteRefs' | 'emptyParens' | 'variantMarkup' | 'codeSpans' | 'comments'>;

/** The longest destination, title or tag looked at. */
const SCAN_LIMIT = 2048;
/** Parentheses nested deeper than this inside a destination end the attempt (as cmark does). */
const MAX_PAREN_DEPTH = 32;
/** The longest run of punctuation and spaces inside parentheses still taken for an empty pair. */
const EMPTY_PARENS_LIMIT = 16;

const BACKSLASH = 0x5c, BACKTICK = 0x60, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d, OPEN_PAREN = 0x28,
  CLOSE_PAREN = 0x29, LESS = 0x3c, GREATER = 0x3e, FULL_OPEN_PAREN = 0xff08, FULL_CLOSE_PAREN = 0xff09, DASH = 0x2d,
  NEWLINE = 0x0a, CARRIAGE = 0x0d, SPACE = 0x20, TAB = 0x09;

export function isAsciiPunctuation(c: number): boolean {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

const ESCAPED_REF = /\\\[(\d{1,4})\\\]/y;
const GFM_REF = /\[\^([^\]\s]{1,64})\](?!:)/y;
const A_OPEN = /<a\s([^<>]*)>/iy;
const EMPTY_INNER = /^[\p{P}\p{Z}\s]*$/u;

interface Destination {
  end: number;
  destStart: number;
  destEnd: number;
  title?: string;
}

/** Unclosed `[` remembered at once. */
const MAX_OPENERS = 1024;

export function scanInline(text: string, start: number, end: number, sink: InlineSink): void {
  const openers: { pos: number; image: boolean }[] = [];
  let codeRuns: CodeRuns | undefined;
  // Once a closer is known to be absent from the rest of the segment, openers of its kind are text.
  let noCommentClose = false, noAnchorClose = false, noVariantClose = false;

  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      if (text.charCodeAt(i + 1) === OPEN_BRACKET) {
        ESCAPED_REF.lastIndex = i;
        const m = ESCAPED_REF.exec(text);
        if (m && m.index + m[0].length <= end) {
          sink.footnoteRefs.push({ style: 'escaped', label: m[1], start: i, end: i + m[0].length });
          i += m[0].length;
          continue;
        }
      }
      i += i + 1 < end && isAsciiPunctuation(text.charCodeAt(i + 1)) ? 2 : 1;
    } else if (c === BACKTICK) {
      codeRuns ??= new CodeRuns(text, start, end);
      const span = codeRuns.spanFrom(i);
      if (span.closed) sink.codeSpans.push({ start: i, end: span.end });
      i = span.end;
    } else if (c === OPEN_BRACKET) {
      if (text.charCodeAt(i + 1) === 0x5e /* ^ */) {
        GFM_REF.lastIndex = i;
        const m = GFM_REF.exec(text);
        if (m && m.index + m[0].length <= end) {
          sink.footnoteRefs.push({ style: 'gfm', label: m[1], start: i, end: i + m[0].length });
          i += m[0].length;
          continue;
        }
      }
      // Brackets never nest this deep in a page; forgetting the oldest keeps memory flat on `[[[[…`.
      if (openers.length === MAX_OPENERS) openers.splice(0, MAX_OPENERS / 2);
      openers.push({ pos: i, image: i > start && text.charCodeAt(i - 1) === 0x21 && text.charCodeAt(i - 2) !== BACKSLASH });
      i++;
    } else if (c === CLOSE_BRACKET) {
      const opener = openers.pop();
      if (opener && text.charCodeAt(i + 1) === OPEN_PAREN) {
        const dest = parseDestination(text, i + 1, end);
        if (dest) {
          sink.links.push(markdownLink(text, opener.pos, opener.image, i, dest));
          i = dest.end;
          continue;
        }
      }
      i++;
    } else if (c === LESS) {
      if (text.startsWith('<!--', i)) {
        const close = noCommentClose ? -1 : indexWithin(text, '-->', i + 4, end);
        if (close >= 0) {
          sink.comments.push({ start: i, end: close + 3 });
          i = close + 3;
          continue;
        }
        noCommentClose = true;
        i++;
        continue;
      }
      A_OPEN.lastIndex = i;
      const open = noAnchorClose ? null : A_OPEN.exec(text);
      if (open && i + open[0].length <= end) {
        const textStart = i + open[0].length;
        const close = indexWithin(text, '</a>', textStart, end);
        if (close >= 0) {
          const link = htmlLink(text, i, open[1], textStart, close);
          if (link) sink.links.push(link);
          i = close + 4;
          continue;
        }
        noAnchorClose = true;
      }
      i++;
    } else if (c === OPEN_PAREN || c === FULL_OPEN_PAREN) {
      const close = emptyParensEnd(text, i, end);
      if (close > 0) {
        sink.emptyParens.push({ start: i, end: close });
        i = close;
        continue;
      }
      i++;
    } else if (c === DASH && text.charCodeAt(i + 1) === 0x7b /* { */) {
      const close = noVariantClose ? -1 : indexWithin(text, '}-', i + 2, end);
      if (close >= 0) sink.variantMarkup.push({ start: i, end: close + 2 });
      else noVariantClose = true;
      // The markup's content is page text too (bold titles, links): scan on inside it.
      i += 2;
    } else {
      // Ordinary text (most of a page): skip to the next character any branch above looks at.
      i++;
      for (let d = text.charCodeAt(i); i < end && !(d < 128 ? SPECIAL[d] : d === FULL_OPEN_PAREN); d = text.charCodeAt(++i));
    }
  }
}

/** The ASCII characters the scanner acts on; beyond ASCII only the full-width `（`. */
const SPECIAL = new Uint8Array(128);
for (const c of [BACKSLASH, BACKTICK, OPEN_BRACKET, CLOSE_BRACKET, LESS, OPEN_PAREN, DASH]) SPECIAL[c] = 1;

function indexWithin(text: string, needle: string, from: number, end: number): number {
  const at = text.indexOf(needle, from);
  return at >= 0 && at + needle.length <= end ? at : -1;
}

/** Backtick runs of a segment, found once, so that each code span's closer is found in O(1). */
class CodeRuns {
  private readonly closerOf = new Map<number, number>(); // run start → start of the next run of the same length
  private readonly lengthOf = new Map<number, number>();

  constructor(text: string, start: number, end: number) {
    const runs: { pos: number; len: number }[] = [];
    for (let i = start; i < end;) {
      if (text.charCodeAt(i) !== BACKTICK) { i++; continue; }
      let j = i;
      while (j < end && text.charCodeAt(j) === BACKTICK) j++;
      runs.push({ pos: i, len: j - i });
      i = j;
    }
    const nextOfLength = new Map<number, number>();
    for (let k = runs.length - 1; k >= 0; k--) {
      const { pos, len } = runs[k];
      this.lengthOf.set(pos, len);
      const next = nextOfLength.get(len);
      if (next !== undefined) this.closerOf.set(pos, next);
      nextOfLength.set(len, pos);
    }
  }

  spanFrom(pos: number): { closed: boolean; end: number } {
    const len = this.lengthOf.get(pos) ?? 1;
    const closer = this.closerOf.get(pos);
    return closer === undefined ? { closed: false, end: pos + len } : { closed: true, end: closer + len };
  }
}

function skipSpace(text: string, i: number, end: number): number {
  let newlines = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) i++;
    else if ((c === NEWLINE || c === CARRIAGE) && newlines === 0) {
      newlines++;
      i += c === CARRIAGE && text.charCodeAt(i + 1) === NEWLINE ? 2 : 1;
    } else break;
  }
  return i;
}

/** Parses `(dest "title")` starting at the `(`; undefined when it is not a link destination. */
function parseDestination(text: string, open: number, end: number): Destination | undefined {
  let j = skipSpace(text, open + 1, end);
  let destStart: number, destEnd: number;
  if (text.charCodeAt(j) === LESS) {
    let k = j + 1;
    for (; k < end && k - j < SCAN_LIMIT; k++) {
      const c = text.charCodeAt(k);
      if (c === NEWLINE || c === CARRIAGE || c === LESS) return undefined;
      if (c === BACKSLASH) { k++; continue; }
      if (c === GREATER) break;
    }
    if (text.charCodeAt(k) !== GREATER || k >= end) return undefined;
    destStart = j + 1;
    destEnd = k;
    j = k + 1;
  } else {
    destStart = j;
    let depth = 0;
    while (j < end && j - destStart < SCAN_LIMIT) {
      const c = text.charCodeAt(j);
      if (c === BACKSLASH && j + 1 < end && isAsciiPunctuation(text.charCodeAt(j + 1))) { j += 2; continue; }
      if (c <= SPACE) break;
      if (c === OPEN_PAREN) {
        if (++depth > MAX_PAREN_DEPTH) return undefined;
      } else if (c === CLOSE_PAREN) {
        if (depth === 0) break;
        depth--;
      }
      j++;
    }
    if (depth > 0) return undefined;
    destEnd = j;
  }
  const afterDest = j;
  j = skipSpace(text, j, end);
  let title: string | undefined;
  const q = text.charCodeAt(j);
  if ((j > afterDest || destStart === destEnd) && (q === 0x22 || q === 0x27 || q === OPEN_PAREN)) {
    const closeChar = q === OPEN_PAREN ? CLOSE_PAREN : q;
    let k = j + 1;
    for (; k < end && k - j < SCAN_LIMIT; k++) {
      const c = text.charCodeAt(k);
      if (c === BACKSLASH) { k++; continue; }
      if (c === closeChar) break;
      if (q === OPEN_PAREN && c === OPEN_PAREN) return undefined;
    }
    if (k >= end || text.charCodeAt(k) !== closeChar) return undefined;
    title = unescapeMarkdown(text.slice(j + 1, k));
    j = skipSpace(text, k + 1, end);
  }
  if (j >= end || text.charCodeAt(j) !== CLOSE_PAREN) return undefined;
  return { end: j + 1, destStart, destEnd, title };
}

function markdownLink(text: string, openPos: number, image: boolean, closeBracket: number, d: Destination): LinkNode {
  const rawDest = text.slice(d.destStart, d.destEnd);
  const { kind, target } = classifyDestination(rawDest, d.title, image);
  const meaning = linkTextMeaning(text.slice(openPos + 1, closeBracket));
  const link: LinkNode = {
    kind, form: 'markdown', start: image ? openPos - 1 : openPos, end: d.end,
    textStart: openPos + 1, textEnd: closeBracket, destStart: d.destStart, destEnd: d.destEnd, dest: rawDest,
    text: meaning.text,
  };
  if (d.title !== undefined) link.titleAttr = d.title;
  if (meaning.marker) link.marker = meaning.marker;
  if (target) link.target = target;
  return link;
}

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
const TITLE = /\btitle\s*=\s*(?:"([^"]*)"|'([^']*)')/i;

function htmlLink(text: string, start: number, attributes: string, textStart: number, textEnd: number): LinkNode | undefined {
  const href = HREF.exec(attributes);
  if (!href) return undefined;
  const value = href[1] ?? href[2];
  // The attributes start after `<a` and one white-space character; the value ends before its quote.
  const destStart = start + 3 + href.index + href[0].length - value.length - 1;
  const titleMatch = TITLE.exec(attributes);
  const titleAttr = titleMatch ? titleMatch[1] ?? titleMatch[2] : undefined;
  const { kind, target } = classifyDestination(decodeEntities(value), titleAttr, false);
  const meaning = linkTextMeaning(text.slice(textStart, textEnd).replace(/<[^>]*>/g, ''));
  const link: LinkNode = {
    kind, form: 'html', start, end: textEnd + 4, textStart, textEnd,
    destStart, destEnd: destStart + value.length, dest: value, text: meaning.text,
  };
  if (titleAttr !== undefined) link.titleAttr = titleAttr;
  if (meaning.marker) link.marker = meaning.marker;
  if (target) link.target = target;
  return link;
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

/** East Asian wide characters: between them pandoc's line breaks stand for nothing, not a space. */
const WIDE = /[\u1100-\u115f\u2e80-\u303f\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\ud840-\ud8bf\udc00-\udfff]/;

/** What a link's text means: escapes removed, line breaks pandoc added undone, the marker split off. */
export function linkTextMeaning(raw: string): { text: string; marker?: 'ⓦ' | 'Ⓡ' } {
  let s = unescapeMarkdown(raw);
  if (s.includes('\n') || s.includes('\r')) {
    s = s.replace(/[ \t]*(?:\r\n|\r|\n)[ \t]*/g, (m, offset: number, all: string) =>
      WIDE.test(all[offset - 1] ?? '') || WIDE.test(all[offset + m.length] ?? '') ? '' : ' ');
  }
  s = s.trim();
  const last = s.at(-1);
  if (last === 'ⓦ' || last === 'Ⓡ') return { text: s.slice(0, -1).trimEnd(), marker: last };
  return { text: s };
}

/**
 * The end of an empty pair of parentheses starting at `open` (nothing inside but spaces and
 * punctuation), or -1. ASCII `()` right after a word character is a call like `main()`, not an artifact.
 */
function emptyParensEnd(text: string, open: number, end: number): number {
  if (text.charCodeAt(open) === OPEN_PAREN && open > 0 && /[\p{L}\p{N}_]/u.test(text[open - 1])) return -1;
  for (let k = open + 1; k < end && k - open <= EMPTY_PARENS_LIMIT; k++) {
    const c = text.charCodeAt(k);
    if (c === CLOSE_PAREN || c === FULL_CLOSE_PAREN) {
      return EMPTY_INNER.test(text.slice(open + 1, k)) ? k + 1 : -1;
    }
    if (c === OPEN_PAREN || c === FULL_OPEN_PAREN || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === BACKSLASH) return -1;
    if (!EMPTY_INNER.test(text[k])) return -1;
  }
  return -1;
}
