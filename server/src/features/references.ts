// What links here: every link in the corpus that reaches a page, by its title, a Traditional/
// Simplified variant, a redirect, or a `wiki` link naming it. The link graph says which pages to
// read; each candidate page is parsed and its links resolved, so what is reported is exact.
import type { CodeLens, Location } from 'vscode-languageserver';
import type { LinkNode } from '../parse';
import { SHOW_BACKLINKS_COMMAND } from '../protocol';
import type { PageEntry } from '../workspace/pageIndex';
import { pacer } from '../workspace/pacing';
import type { Workspace } from '../workspace/workspace';
import { linkAt, loadPage, spanRange, type OpenDocument, type PageContext } from './page';

/** The page a position designates: the page the link under it reaches, else the page itself. */
export function pageAt(page: PageContext, workspace: Workspace, offset: number): PageEntry | undefined {
  const link = linkAt(page.parsed, offset);
  if (link?.target) {
    const resolution = workspace.resolve(link, page.file);
    if (resolution.state === 'exists') return resolution.page;
  }
  const self = workspace.index.byFile(page.file);
  return self?.folder === 'Page' ? self : undefined;
}

/**
 * Each page with links reaching `target`, in path order, handed to `visit` with those links and not
 * kept: a page linked from a hundred thousand others would hold them all parsed at once. Every
 * slice of time the loop lets waiting requests in, so the server answers meanwhile and hears a cancel.
 */
export async function forEachBacklink(
  workspace: Workspace, target: PageEntry, openDocument: OpenDocument, maxLength: number, isCancelled: () => boolean,
  visit: (source: PageContext, links: LinkNode[]) => void,
): Promise<void> {
  const pause = pacer();
  for (const file of workspace.links.sourcesOf(workspace.titlesReaching(target)).sort()) {
    const due = pause();
    if (due) await due;
    if (isCancelled()) return;
    const source = await loadPage(workspace, file, openDocument, maxLength);
    if (!source) continue;
    const links = source.parsed.links.filter((link) => {
      const resolution = workspace.resolve(link, file);
      return resolution.state === 'exists' && resolution.page.path === target.path;
    });
    if (links.length) visit(source, links);
  }
}

export async function references(
  page: PageContext, workspace: Workspace, offset: number, openDocument: OpenDocument, maxLength: number, isCancelled: () => boolean = () => false,
): Promise<Location[]> {
  const target = pageAt(page, workspace, offset);
  if (!target) return [];
  const found: Location[] = [];
  await forEachBacklink(workspace, target, openDocument, maxLength, isCancelled, (source, links) => {
    for (const link of links) found.push({ uri: source.document.uri, range: spanRange(source.document, link) });
  });
  return found;
}

/** "N pages link here" on the first line, from the link graph (no page is read). */
export function backlinkLens(page: PageContext, workspace: Workspace): CodeLens[] {
  const self = workspace.index.byFile(page.file);
  if (self?.folder !== 'Page') return [];
  const count = workspace.links.countSources(workspace.titlesReaching(self));
  const { done, total, complete } = workspace.links.progress;
  const indexing = complete ? '' : ` (indexing, ${total ? Math.floor((100 * done) / total) : 0}% done)`;
  const top = { line: 0, character: 0 };
  return [{
    range: { start: top, end: top },
    command: {
      title: `${count} page${count === 1 ? '' : 's'} link here${indexing}`,
      command: SHOW_BACKLINKS_COMMAND,
      arguments: [page.document.uri, top],
    },
  }];
}
