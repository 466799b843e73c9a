// Turns a page's text into its syntax tree in one linear pass: a block pass over lines finds code,
// headings, comments, tables, list items and footnote definitions and hands each run of inline
// text (a "segment": a paragraph, a heading, a list item, a table row) to the inline scanner.
import type { FootnoteNote, Heading, ParsedPage, Span, TableNode } from './syntax';
import { scanInline, InlineSink } from './inline';
import { isWhiteSpace } from './title';

export interface ParseOptions {
  /** Parse at most this many characters; the rest of the page is left unparsed. */
  maxLength?: number;
}

interface Line {
  start: number;
  /** End of the line's content, before its line break. */
  end: number;
  /** Start of the next line. */
  next: number;
}

function* lines(text: string, limit: number): Generator<Line> {
  let start = 0;
  // The next \n and \r at or after `start`, found with the native indexOf (a JS loop over every character is several times slower).
  let lf = -1;
  let cr = -1;
  while (start < limit) {
    if (lf < start) lf = text.indexOf('\n', start);
    if (cr < start) cr = text.indexOf('\r', start);
    const end = Math.min(lf === -1 ? limit : lf, cr === -1 ? limit : cr, limit);
    if (lf === -1) lf = limit;
    if (cr === -1) cr = limit;
    let next = end;
    if (next < limit) next += text.charCodeAt(next) === 13 && text.charCodeAt(next + 1) === 10 ? 2 : 1;
    yield { start, end, next: Math.min(next, limit) };
    start = next;
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+|$)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const LIST_ITEM = /^([ \t]*)([-*+]|(\d{1,9})[.)])(?:[ \t]+|$)/;
const GFM_NOTE = /^\[\^([^\]\s]+)\]:[ \t]*/;
const INDENTED = /^(?: {4}|\t)/;
const THEMATIC = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;

/** First characters (after spaces and tabs) of fences, headings, rules, lists, notes, comments, tables. */
const BLOCK_START = new Uint8Array(128);
for (const c of '`~#=-*_+[<|0123456789') BLOCK_START[c.charCodeAt(0)] = 1;

/**
 * Whether a line may open or be a block construct: its first character after the white space that
 * `trimStart` removes (ideographic spaces too) is one of BLOCK_START.
 */
function mayStartBlock(content: string): boolean {
  let i = 0;
  while (i < content.length && isWhiteSpace(content.charCodeAt(i))) i++;
  const c = content.charCodeAt(i);
  return c < 128 && BLOCK_START[c] === 1;
}

export function parsePage(text: string, options: ParseOptions = {}): ParsedPage {
  const limit = Math.min(text.length, options.maxLength ?? Infinity);
  const page: ParsedPage = {
    parsedLength: limit,
    links: [], headings: [], footnoteRefs: [], footnoteNotes: [], emptyParens: [], variantMarkup: [],
    codeBlocks: [], codeSpans: [], comments: [], tables: [],
  };
  const sink: InlineSink = page;

  let segStart = -1; // start of the open paragraph segment, -1 when none
  let segEnd = -1;
  const flush = () => {
    if (segStart >= 0) scanInline(text, segStart, segEnd, sink);
    segStart = -1;
  };
  const addToSegment = (line: Line) => {
    if (segStart < 0) segStart = line.start;
    segEnd = line.end;
  };

  let fence: { marker: string; start: number } | undefined;
  let indentedCode: Span | undefined;
  let comment: number | undefined;
  let pipeTable: TableNode | undefined;
  let htmlTable: number | undefined;
  let prevBlank = true;
  let inList = false;
  // Ordered list items and GFM note definitions; which of them are the notes is decided at the end.
  const orderedItems: { label: string; start: number; end: number; contentStart: number; contentEnd: number; topLevel: boolean }[] = [];
  let openItem: (typeof orderedItems)[number] | undefined;
  let lastOtherBlock = -1; // end of the last block that is neither an ordered item nor blank
  const gfmNotes: FootnoteNote[] = [];
  let openGfmNote: FootnoteNote | undefined;

  for (const line of lines(text, limit)) {
    const content = text.slice(line.start, line.end);

    if (fence) {
      if (content.trimStart().startsWith(fence.marker) && content.trim().replace(/[`~]/g, '') === '') {
        page.codeBlocks.push({ start: fence.start, end: line.end });
        fence = undefined;
      }
      continue;
    }
    if (comment !== undefined) {
      const close = content.indexOf('-->');
      if (close >= 0) {
        page.comments.push({ start: comment, end: line.start + close + 3 });
        comment = undefined;
      }
      continue;
    }

    const blank = content.trim() === '';
    if (indentedCode) {
      if (blank || INDENTED.test(content)) {
        if (!blank) indentedCode.end = line.end;
        prevBlank = blank;
        continue;
      }
      page.codeBlocks.push(indentedCode);
      indentedCode = undefined;
    }

    if (blank) {
      flush();
      if (pipeTable) { page.tables.push(pipeTable); pipeTable = undefined; }
      prevBlank = true;
      continue;
    }

    const indented = INDENTED.test(content);
    // A continuation line of a list item or note belongs to it (indented, or lazily after it).
    if (indented && (openItem || openGfmNote)) {
      if (openItem) openItem.contentEnd = line.end, openItem.end = line.end;
      if (openGfmNote) openGfmNote.contentEnd = line.end, openGfmNote.end = line.end, openGfmNote.empty = false;
      addToSegment(line);
      prevBlank = false;
      continue;
    }
    if (indented && prevBlank && !inList && segStart < 0) {
      flush();
      indentedCode = { start: line.start, end: line.end };
      prevBlank = false;
      continue;
    }

    // Block syntax starts with one of a few characters: other lines (most of a page) skip every test below.
    const special = mayStartBlock(content);
    const fenceMatch = special ? FENCE.exec(content) : null;
    if (fenceMatch && !(fenceMatch[1][0] === '`' && content.slice(fenceMatch[0].length).includes('`'))) {
      flush();
      closeItems();
      fence = { marker: fenceMatch[1], start: line.start };
      lastOtherBlock = line.end;
      prevBlank = false;
      continue;
    }

    const trimmed = special ? content.trimStart() : content;
    if (special && trimmed.startsWith('<!--') && !trimmed.includes('-->')) {
      flush();
      comment = line.start + content.indexOf('<!--');
      prevBlank = false;
      continue;
    }

    if (htmlTable === undefined && special && /^<table[\s>]/i.test(trimmed)) {
      flush();
      closeItems();
      htmlTable = line.start;
    }
    if (htmlTable !== undefined) {
      // A whole HTML table is one segment: its `<a>` tags wrap over lines.
      if (/<\/table>/i.test(content)) {
        page.tables.push({ start: htmlTable, end: line.end, form: 'html' });
        scanInline(text, htmlTable, line.end, sink);
        htmlTable = undefined;
      }
      lastOtherBlock = line.end;
      prevBlank = false;
      continue;
    }

    const atx = special ? ATX.exec(content) : null;
    if (atx) {
      flush();
      closeItems();
      inList = false;
      let textEnd = line.end;
      // A closing sequence of #s is not part of the heading text.
      const closing = /[ \t]+#+[ \t]*$/.exec(content);
      if (closing && closing.index >= atx[0].length - 1) textEnd = line.start + closing.index;
      while (textEnd > line.start && /[ \t]/.test(text[textEnd - 1])) textEnd--;
      const textStart = Math.min(line.start + atx[0].length, textEnd);
      addHeading(atx[1].length, line.start, line.end, textStart, textEnd);
      scanInline(text, textStart, textEnd, sink);
      lastOtherBlock = line.end;
      prevBlank = false;
      continue;
    }

    const setext = special ? SETEXT.exec(content) : null;
    if (setext && segStart >= 0 && !pipeTable && !openItem && !openGfmNote && !inList) {
      const textStart = segStart;
      const textEnd = segEnd;
      flush();
      addHeading(setext[1][0] === '=' ? 1 : 2, textStart, line.end, textStart, textEnd);
      lastOtherBlock = line.end;
      prevBlank = false;
      continue;
    }

    if (special && (THEMATIC.test(content) || (/^ {0,3}(?:-[ \t]*){3,}$/.test(content)))) {
      flush();
      closeItems();
      inList = false;
      lastOtherBlock = line.end;
      prevBlank = false;
      continue;
    }

    const note = special ? GFM_NOTE.exec(content) : null;
    if (note) {
      flush();
      closeItems();
      const contentStart = line.start + note[0].length;
      openGfmNote = {
        style: 'gfm', label: note[1], start: line.start, end: line.end,
        contentStart, contentEnd: line.end, empty: contentStart >= line.end,
      };
      gfmNotes.push(openGfmNote);
      if (contentStart < line.end) scanInline(text, contentStart, line.end, sink);
      prevBlank = false;
      continue;
    }

    const item = special ? LIST_ITEM.exec(content) : null;
    if (item) {
      flush();
      closeItems();
      inList = true;
      const contentStart = Math.min(line.start + item[0].length, line.end);
      if (item[3] !== undefined) {
        openItem = {
          label: item[3], start: line.start, end: line.end, contentStart, contentEnd: line.end,
          topLevel: item[1] === '',
        };
        orderedItems.push(openItem);
      } else {
        lastOtherBlock = line.end;
      }
      segStart = contentStart;
      segEnd = line.end;
      prevBlank = false;
      continue;
    }

    if (special && trimmed.startsWith('|')) {
      // Each row of a pipe table is its own segment: links never cross rows.
      flush();
      closeItems();
      if (!pipeTable) pipeTable = { start: line.start, end: line.end, form: 'pipe' };
      pipeTable.end = line.end;
      scanInline(text, line.start, line.end, sink);
      lastOtherBlock = line.end;
      prevBlank = false;
      continue;
    }

    // A paragraph line; after a blank line it ends any list item (lazy continuation needs no blank).
    if (prevBlank) {
      flush();
      closeItems();
      inList = false;
    }
    if (!openItem && !openGfmNote) lastOtherBlock = line.end;
    else if (openItem) openItem.contentEnd = openItem.end = line.end;
    else if (openGfmNote) openGfmNote.contentEnd = openGfmNote.end = line.end, openGfmNote.empty = false;
    addToSegment(line);
    prevBlank = false;
  }

  flush();
  if (fence) page.codeBlocks.push({ start: fence.start, end: limit });
  if (indentedCode) page.codeBlocks.push(indentedCode);
  if (comment !== undefined) page.comments.push({ start: comment, end: limit });
  if (pipeTable) page.tables.push(pipeTable);
  if (htmlTable !== undefined) {
    page.tables.push({ start: htmlTable, end: limit, form: 'html' });
    scanInline(text, htmlTable, limit, sink);
  }

  // The older generation's notes are the ordered list that closes a page with `\[N\]` refs: its
  // top-level items after the last other block.
  const hasEscapedRefs = page.footnoteRefs.some((r) => r.style === 'escaped');
  for (const it of orderedItems) {
    if (!hasEscapedRefs || !it.topLevel || it.start < lastOtherBlock) continue;
    const empty = text.slice(it.contentStart, it.contentEnd).trim() === '';
    page.footnoteNotes.push({
      style: 'list', label: it.label, start: it.start, end: it.end,
      contentStart: it.contentStart, contentEnd: Math.max(it.contentStart, it.contentEnd), empty,
    });
  }
  page.footnoteNotes.push(...gfmNotes);
  page.boldTitle = findBoldTitle(text, limit);
  sortBySpan(page.links);
  sortBySpan(page.footnoteRefs);
  sortBySpan(page.emptyParens);
  sortBySpan(page.codeSpans);
  return page;

  function closeItems() {
    openItem = undefined;
    openGfmNote = undefined;
  }

  function addHeading(level: number, start: number, end: number, textStart: number, textEnd: number) {
    const heading: Heading = {
      level, start, end, textStart, textEnd,
      text: text.slice(textStart, textEnd).replace(/\s*\n\s*/g, ' ').trim(),
    };
    page.headings.push(heading);
  }
}

function sortBySpan(spans: Span[]) {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** The article's bold title, `**Title**`, when the first paragraph starts with it. */
function findBoldTitle(text: string, limit: number): (Span & { text: string }) | undefined {
  let i = 0;
  while (i < limit && /\s/.test(text[i])) i++;
  if (text.startsWith('> ', i)) {
    // The newer generation's header line (`> 本文内容由…转换而来。`) comes first.
    const eol = text.indexOf('\n', i);
    if (eol < 0) return undefined;
    i = eol + 1;
    while (i < limit && /\s/.test(text[i])) i++;
  }
  if (!text.startsWith('**', i)) return undefined;
  const close = text.indexOf('**', i + 2);
  if (close < 0 || close > Math.min(limit, i + 500)) return undefined;
  const inner = text.slice(i + 2, close);
  if (inner.includes('\n\n')) return undefined;
  return { start: i, end: close + 2, text: inner.replace(/\s+/g, ' ').trim() };
}

/** The categories a page carries (`Category:X` titles), each once. */
export function categoryTitles(parsed: ParsedPage): string[] {
  return [...new Set(parsed.links.filter((l) => l.kind === 'category' && l.target).map((l) => l.target!.title))];
}
