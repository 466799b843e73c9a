// What every feature works on: one page's document, its syntax tree and its file.
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range, TextEdit } from 'vscode-languageserver';
import { parsePage, reparsePage, type LinkNode, type ParsedPage, type Span } from '../parse';
import type { Workspace } from '../workspace/workspace';

export interface PageContext {
  document: TextDocument;
  /** Absolute path of the file, for resolving relative links. */
  file: string;
  parsed: ParsedPage;
}

export function pageContext(document: TextDocument, file: string, maxLength: number): PageContext {
  return { document, file, parsed: parsePage(document.getText(), { maxLength }) };
}

/**
 * The page of a document the user edits: parsed so that the next version is parsed again only
 * around the edit (`reparsePage`), given this version's page and text.
 */
export function editedPageContext(document: TextDocument, file: string, maxLength: number, previous?: { page: PageContext; text: string }): PageContext {
  const text = document.getText();
  const options = { maxLength, resumable: true };
  return { document, file, parsed: previous ? reparsePage(previous.page.parsed, previous.text, text, options) : parsePage(text, options) };
}

export function spanRange(document: TextDocument, span: Span): Range {
  return { start: document.positionAt(span.start), end: document.positionAt(span.end) };
}

/** Offset edits (`{start, end, newText}`) as LSP text edits of a document. */
export function textEdits(document: TextDocument, edits: readonly (Span & { newText: string })[]): TextEdit[] {
  return edits.map((e) => ({ range: spanRange(document, e), newText: e.newText }));
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

/** The document of a file when it is open in the editor (newer than the disk), else undefined. */
export type OpenDocument = (file: string) => TextDocument | undefined;

/** A page of the corpus: the editor's document if it is open, else the file's text (version 0). */
export async function loadPage(workspace: Workspace, file: string, openDocument: OpenDocument, maxLength: number): Promise<PageContext | undefined> {
  const open = openDocument(file);
  if (open) return pageContext(open, file, maxLength);
  const read = await workspace.readText(file);
  if ('error' in read) return undefined;
  return pageContext(TextDocument.create(pathToFileURL(file).href, 'markdown', 0, read.text), file, maxLength);
}
