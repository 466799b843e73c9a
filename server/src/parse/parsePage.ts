// Turns a page's text into its syntax tree in one linear pass: a block pass over lines finds code,
// headings, comments, tables, list items and footnote definitions and hands each run of inline
// text (a "segment": a paragraph, a heading, a list item, a table row) to the inline scanner.
import type { FootnoteNote, Heading, ParsedPage, Span, TableNode } from './syntax';
import { scanInline, InlineSink } from './inline';
import { isWhiteSpace } from './title';

export interface ParseOptions {
  /** Parse at most this many characters; the rest of the page is left unparsed. */
  maxLength?: number;
  /** Keep what `reparsePage` needs to parse an edited version of this text again in part (the editor's pages). */
  resumable?: boolean;
}

interface Line {
  start: number;
  /** End of the line's content, before its line break. */
  end: number;
  /** Start of the next line. */
  next: number;
}

/**
 * Moves `line` to the line starting at `line.next` (ending before `limit`). The next \n and \r are
 * found with the native indexOf (a JS loop over every character is several times slower) and
 * remembered in `breaks` until passed; one Line is reused, the loop runs for every line of a corpus.
 */
function advanceLine(text: string, limit: number, line: Line, breaks: { lf: number; cr: number }): void {
  const start = line.next;
  if (breaks.lf < start) breaks.lf = text.indexOf('\n', start);
  if (breaks.cr < start) breaks.cr = text.indexOf('\r', start);
  if (breaks.lf === -1) breaks.lf = limit;
  if (breaks.cr === -1) breaks.cr = limit;
  const end = Math.min(breaks.lf, breaks.cr, limit);
  let next = end;
  if (next < limit) next += text.charCodeAt(next) === 13 && text.charCodeAt(next + 1) === 10 ? 2 : 1;
  line.start = start;
  line.end = end;
  line.next = Math.min(next, limit);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+|$)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const LIST_ITEM = /^([ \t]*)([-*+]|(\d{1,9})[.)])(?:[ \t]+|$)/;
const GFM_NOTE = /^\[\^([^\]\s]+)\]:[ \t]*/;
const THEMATIC = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;

/** First characters (after spaces and tabs) of fences, headings, rules, lists, notes, comments, tables. */
const BLOCK_START = new Uint8Array(128);
for (const c of '`~#=-*_+[<|0123456789') BLOCK_START[c.charCodeAt(0)] = 1;

/** The first character of `text[start, end)` that is not white space (as `trim` means it), or `end`. */
function firstNonSpace(text: string, start: number, end: number): number {
  while (start < end && isWhiteSpace(text.charCodeAt(start))) start++;
  return start;
}

/** Whether the line starts with four spaces or a tab: indented code, or a continuation of a list item. */
function isIndented(text: string, start: number, end: number): boolean {
  const c = text.charCodeAt(start);
  if (c === 0x09) return start < end;
  return start + 4 <= end && c === 0x20 && text.charCodeAt(start + 1) === 0x20 && text.charCodeAt(start + 2) === 0x20 && text.charCodeAt(start + 3) === 0x20;
}

export function parsePage(text: string, options: ParseOptions = {}): ParsedPage {
  return parseFrom(text, Math.min(text.length, options.maxLength ?? Infinity), options.resumable === true);
}

/**
 * The parse of `text`, an edit of `previousText` whose parse (made `resumable`) is `previous`: the
 * same answer as `parsePage(text)`, found by parsing only from the last quiet line before the edit
 * (no open block, paragraph, list item or note) until the parse is quiet again in the same state at
 * a line the old parse was quiet at, then taking the old parse's rest, shifted.
 */
export function reparsePage(previous: ParsedPage, previousText: string, text: string, options: ParseOptions = {}): ParsedPage {
  const limit = Math.min(text.length, options.maxLength ?? Infinity);
  const state = resumeStates.get(previous);
  if (!state || limit < text.length || previous.parsedLength < previousText.length) return parseFrom(text, limit, true);
  // The edit: what lies between the texts' common beginning and their common end.
  const shorter = Math.min(text.length, previousText.length);
  const editStart = sameRun(text, previousText, 0, 0, shorter, 1);
  const tail = sameRun(text, previousText, text.length, previousText.length, shorter - editStart, -1);
  return parseFrom(text, limit, true, { previous, state, editStart, editEnd: text.length - tail, delta: text.length - previousText.length });
}

/**
 * How many characters of `a` and `b` agree from `a[i]` and `b[j]` on (`step` 1), or before them
 * backwards (`step` -1), at most `max`: compared a block at a time natively, then one by one.
 */
function sameRun(a: string, b: string, i: number, j: number, max: number, step: 1 | -1): number {
  let n = 0;
  for (const block of [4096, 64]) {
    while (n + block <= max) {
      const equal = step === 1
        ? a.slice(i + n, i + n + block) === b.slice(j + n, j + n + block)
        : a.slice(i - n - block, i - n) === b.slice(j - n - block, j - n);
      if (!equal) break;
      n += block;
    }
  }
  while (n < max && (step === 1 ? a.charCodeAt(i + n) === b.charCodeAt(j + n) : a.charCodeAt(i - n - 1) === b.charCodeAt(j - n - 1))) n++;
  return n;
}

/** What a resumable parse keeps beside its page: its checkpoints and the block state the page does not show. */
interface ResumeState {
  /** Flat records of `Checkpoint.Size` numbers, one for each quiet line, in order. */
  checkpoints: number[];
  orderedItems: OrderedItem[];
  gfmNotes: FootnoteNote[];
  lastOtherBlock: number;
}
const resumeStates = new WeakMap<ParsedPage, ResumeState>();

interface OrderedItem { label: string; start: number; end: number; contentStart: number; contentEnd: number; topLevel: boolean }

/** A quiet line's start, the state before it, and how many nodes of each list (`nodeLists`) come before it. */
const enum Checkpoint { Offset, Flags, LastOtherBlock, Lengths, Size = Lengths + 11 }
const PREV_BLANK = 1;
const IN_LIST = 2;

interface Edit {
  previous: ParsedPage;
  state: ResumeState;
  /** The new text's [editStart, editEnd) replaced the old text's [editStart, editEnd - delta). */
  editStart: number;
  editEnd: number;
  delta: number;
}

/** A page's node lists and the block state's, in the order of a checkpoint's lengths. */
function nodeLists(page: ParsedPage, state: Pick<ResumeState, 'orderedItems' | 'gfmNotes'>): Span[][] {
  return [page.links, page.headings, page.footnoteRefs, page.emptyParens, page.variantMarkup, page.codeBlocks, page.codeSpans, page.comments, page.tables, state.orderedItems, state.gfmNotes];
}

const OFFSET_FIELDS = ['start', 'end', 'textStart', 'textEnd', 'destStart', 'destEnd', 'contentStart', 'contentEnd'];

/** A copy of a node with each of its offsets moved by `delta`. */
function shifted<T extends Span>(node: T, delta: number): T {
  const copy = { ...node } as unknown as Record<string, unknown>;
  for (const field of OFFSET_FIELDS) if (typeof copy[field] === 'number') copy[field] = (copy[field] as number) + delta;
  return copy as unknown as T;
}

function parseFrom(text: string, limit: number, resumable: boolean, edit?: Edit): ParsedPage {
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
  const orderedItems: OrderedItem[] = [];
  let openItem: OrderedItem | undefined;
  let lastOtherBlock = -1; // end of the last block that is neither an ordered item nor blank
  const gfmNotes: FootnoteNote[] = [];
  let openGfmNote: FootnoteNote | undefined;
  const lists = nodeLists(page, { orderedItems, gfmNotes });
  const checkpoints: number[] = [];

  // After an edit, the old parse up to its last checkpoint before the edit is this one's.
  let from = 0;
  let oldCheckpoint = 0; // the old checkpoint `resync` looks at next
  if (edit) {
    const old = edit.state.checkpoints;
    let k = -1;
    // Strictly before: where a line break at the checkpoint ends (`\r` or `\r\n`) depends on the character after it.
    for (let c = 0; c < old.length && old[c + Checkpoint.Offset] < edit.editStart; c += Checkpoint.Size) k = c;
    if (k >= 0) {
      const oldLists = nodeLists(edit.previous, edit.state);
      for (let l = 0; l < lists.length; l++) for (let n = 0; n < old[k + Checkpoint.Lengths + l]; n++) lists[l].push(oldLists[l][n]);
      for (let c = 0; c < k; c++) checkpoints.push(old[c]);
      from = old[k + Checkpoint.Offset];
      prevBlank = (old[k + Checkpoint.Flags] & PREV_BLANK) !== 0;
      inList = (old[k + Checkpoint.Flags] & IN_LIST) !== 0;
      lastOtherBlock = old[k + Checkpoint.LastOtherBlock];
      oldCheckpoint = k;
    }
  }
  let resynced = false;

  const line: Line = { start: from, end: from, next: from };
  const breaks = { lf: -1, cr: -1 };
  while (line.next < limit) {
    advanceLine(text, limit, line, breaks);
    if (resumable && segStart < 0 && !fence && comment === undefined && !indentedCode && !pipeTable && htmlTable === undefined && !openItem && !openGfmNote) {
      const flags = (prevBlank ? PREV_BLANK : 0) | (inList ? IN_LIST : 0);
      // Past the edit (and the character after it), quiet where the old parse was, in the same state: the rest is the old parse's.
      if (edit && line.start > edit.editEnd && (resynced = resync(edit, line.start, flags))) break;
      checkpoints.push(line.start, flags, lastOtherBlock);
      for (const list of lists) checkpoints.push(list.length);
    }
    if (fence) {
      const content = text.slice(line.start, line.end);
      if (content.trimStart().startsWith(fence.marker) && content.trim().replace(/[`~]/g, '') === '') {
        page.codeBlocks.push({ start: fence.start, end: line.end });
        fence = undefined;
      }
      continue;
    }
    if (comment !== undefined) {
      const close = text.slice(line.start, line.end).indexOf('-->');
      if (close >= 0) {
        page.comments.push({ start: comment, end: line.start + close + 3 });
        comment = undefined;
      }
      continue;
    }

    // Most lines are paragraph text: what the tests below need is found without slicing the line.
    const first = firstNonSpace(text, line.start, line.end);
    const blank = first === line.end;
    const indented = isIndented(text, line.start, line.end);
    if (indentedCode) {
      if (blank || indented) {
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
    const firstChar = text.charCodeAt(first);
    const special = firstChar < 128 && BLOCK_START[firstChar] === 1;
    const content = special || htmlTable !== undefined ? text.slice(line.start, line.end) : '';
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

  if (!resynced) {
    flush();
    if (fence) page.codeBlocks.push({ start: fence.start, end: limit });
    if (indentedCode) page.codeBlocks.push(indentedCode);
    if (comment !== undefined) page.comments.push({ start: comment, end: limit });
    if (pipeTable) page.tables.push(pipeTable);
    if (htmlTable !== undefined) {
      page.tables.push({ start: htmlTable, end: limit, form: 'html' });
      scanInline(text, htmlTable, limit, sink);
    }
  }
  if (resumable) resumeStates.set(page, { checkpoints, orderedItems, gfmNotes, lastOtherBlock });

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

  /**
   * At a quiet line of the new text past the edit: when the old parse was quiet at the same line
   * (shifted by the edit) in the same state, takes the old parse's nodes and checkpoints from there.
   */
  function resync({ previous, state, delta }: Edit, at: number, flags: number): boolean {
    const old = state.checkpoints;
    while (oldCheckpoint < old.length && old[oldCheckpoint + Checkpoint.Offset] < at - delta) oldCheckpoint += Checkpoint.Size;
    const k = oldCheckpoint;
    if (k >= old.length || old[k + Checkpoint.Offset] !== at - delta || old[k + Checkpoint.Flags] !== flags) return false;
    const oldLists = nodeLists(previous, state);
    const lengths = lists.map((list) => list.length);
    for (let l = 0; l < lists.length; l++) {
      for (let n = old[k + Checkpoint.Lengths + l]; n < oldLists[l].length; n++) lists[l].push(shifted(oldLists[l][n], delta));
    }
    // The last other block: the old rest's if it has one, else the one before this line.
    const lastBefore = lastOtherBlock;
    const oldBefore = old[k + Checkpoint.LastOtherBlock];
    const moved = (last: number) => (last === oldBefore ? lastBefore : last + delta);
    for (let c = k; c < old.length; c += Checkpoint.Size) {
      checkpoints.push(old[c + Checkpoint.Offset] + delta, old[c + Checkpoint.Flags], moved(old[c + Checkpoint.LastOtherBlock]));
      for (let l = 0; l < lists.length; l++) checkpoints.push(old[c + Checkpoint.Lengths + l] - old[k + Checkpoint.Lengths + l] + lengths[l]);
    }
    lastOtherBlock = moved(state.lastOtherBlock);
    return true;
  }

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
