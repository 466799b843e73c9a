// Folding: each section from its heading to the next heading of the same or a higher level, the
// closing notes list, tables, code blocks and multi-line comments.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { Span } from '../parse';
import type { PageContext } from './page';

/** For each heading, the offset where its section ends (before the next heading at its level or above). */
export function sectionEnds(page: PageContext): number[] {
  const { headings, parsedLength } = page.parsed;
  return headings.map((h, i) => {
    const next = headings.slice(i + 1).find((n) => n.level <= h.level);
    return next ? next.start : parsedLength;
  });
}

export function foldingRanges(page: PageContext): FoldingRange[] {
  const { document } = page;
  const out: FoldingRange[] = [];
  const fold = (span: Span, kind?: FoldingRangeKind) => {
    const startLine = document.positionAt(span.start).line;
    // A span ending at a line start (the next section's heading) folds up to the line before.
    const end = document.positionAt(span.end);
    const endLine = end.character === 0 ? end.line - 1 : end.line;
    if (endLine > startLine) out.push({ startLine, endLine, ...(kind ? { kind } : {}) });
  };
  const ends = sectionEnds(page);
  page.parsed.headings.forEach((h, i) => fold({ start: h.start, end: trimEnd(document.getText(), ends[i]) }));
  const notes = page.parsed.footnoteNotes.filter((n) => n.style === 'list');
  if (notes.length) fold({ start: notes[0].start, end: notes[notes.length - 1].end });
  for (const table of page.parsed.tables) fold(table);
  for (const block of page.parsed.codeBlocks) fold(block);
  for (const comment of page.parsed.comments) fold(comment, FoldingRangeKind.Comment);
  return out.sort((a, b) => a.startLine - b.startLine);
}

/** Leaves blank lines at the end of a section outside its fold. */
function trimEnd(text: string, end: number): number {
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}
