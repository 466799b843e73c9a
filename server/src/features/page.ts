// What every feature works on: one page's document, its syntax tree and its file.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver';
import { parsePage, type LinkNode, type ParsedPage, type Span } from '../parse';

export interface PageContext {
  document: TextDocument;
  /** Absolute path of the file, for resolving relative links. */
  file: string;
  parsed: ParsedPage;
}

export function pageContext(document: TextDocument, file: string, maxLength: number): PageContext {
  return { document, file, parsed: parsePage(document.getText(), { maxLength }) };
}

export function spanRange(document: TextDocument, span: Span): Range {
  return { start: document.positionAt(span.start), end: document.positionAt(span.end) };
}

/** The innermost link containing the offset (links nest only for figures with links in captions). */
export function linkAt(parsed: ParsedPage, offset: number): LinkNode | undefined {
  let found: LinkNode | undefined;
  for (const link of parsed.links) {
    if (link.start > offset) break;
    // Links are sorted outer before inner, so the last one containing the offset is the innermost.
    if (offset < link.end) found = link;
  }
  return found;
}
