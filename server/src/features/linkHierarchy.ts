// The wiki's links in VS Code's own Call Hierarchy view: a page's incoming calls are the pages that
// link it ("what links here", each with its links to it), its outgoing calls the pages it links (by
// title, variant, redirect or wiki link), and each of those opens onto its own, as deep as the user
// goes. Pages are named by their file, which must be a page of the index.
import { pathToFileURL } from 'node:url';
import { SymbolKind, type CallHierarchyIncomingCall, type CallHierarchyItem, type CallHierarchyOutgoingCall, type Range } from 'vscode-languageserver';
import type { PageEntry } from '../workspace/pageIndex';
import type { Workspace } from '../workspace/workspace';
import { loadPage, spanRange, type OpenDocument, type PageContext } from './page';
import { forEachBacklink, pageAt } from './references';

const TOP: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The page at a position (the page its link reaches, else the page itself) as the hierarchy's root. */
export function prepareLinkHierarchy(page: PageContext, workspace: Workspace, offset: number): CallHierarchyItem[] | null {
  const target = pageAt(page, workspace, offset);
  return target ? [itemOf(target)] : null;
}

/** The pages linking the page at `file`, each with the ranges of its links to it. */
export async function linksIn(
  workspace: Workspace, file: string, openDocument: OpenDocument, maxLength: number, isCancelled: () => boolean = () => false,
): Promise<CallHierarchyIncomingCall[]> {
  const target = pageOf(workspace, file);
  if (!target) return [];
  const calls: CallHierarchyIncomingCall[] = [];
  await forEachBacklink(workspace, target, openDocument, maxLength, isCancelled, (source, links) => {
    const from = pageOf(workspace, source.file);
    if (from) calls.push({ from: itemOf(from), fromRanges: links.map((link) => spanRange(source.document, link)) });
  });
  return calls;
}

/** The pages the page at `file` links, in the order of their first link, each with the ranges of its links there. */
export async function linksOut(
  workspace: Workspace, file: string, openDocument: OpenDocument, maxLength: number,
): Promise<CallHierarchyOutgoingCall[]> {
  if (!pageOf(workspace, file)) return [];
  const page = await loadPage(workspace, file, openDocument, maxLength);
  if (!page) return [];
  const calls = new Map<string, CallHierarchyOutgoingCall>();
  for (const link of page.parsed.links) {
    const resolution = workspace.resolve(link, file);
    if (resolution.state !== 'exists' || resolution.page.path === file) continue;
    const to = resolution.page;
    let call = calls.get(to.path);
    if (!call) calls.set(to.path, (call = { to: itemOf(to), fromRanges: [] }));
    call.fromRanges.push(spanRange(page.document, link));
  }
  return [...calls.values()];
}

/** A page of the index by its file; undefined for anything else (a file the client names may be any). */
function pageOf(workspace: Workspace, file: string): PageEntry | undefined {
  const entry = workspace.index.byFile(file);
  return entry?.folder === 'Page' ? entry : undefined;
}

function itemOf(page: PageEntry): CallHierarchyItem {
  return { name: page.title, kind: SymbolKind.File, uri: pathToFileURL(page.path).href, range: TOP, selectionRange: TOP };
}
