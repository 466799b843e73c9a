// Quick fixes, one or more per diagnostic. Each edit touches only the link or parentheses its
// diagnostic names.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { escapeDestination, pagePathFromTitle, type LinkNode } from '../parse';
import { nearestTitles, type PageEntry } from '../workspace/pageIndex';
import type { Workspace } from '../workspace/workspace';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { findLinkTrail } from './linkTrail';
import { spanRange, type PageContext } from './page';

export function codeActions(page: PageContext, workspace: Workspace, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const start = page.document.offsetAt(diagnostic.range.start);
    const end = page.document.offsetAt(diagnostic.range.end);
    const link = page.parsed.links.find((l) => l.start === start && l.end === end);
    for (const fix of fixesFor(String(diagnostic.code), page, workspace, start, end, link)) {
      actions.push({ kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], ...fix });
    }
  }
  return actions;
}

type Fix = { title: string; edit: WorkspaceEdit; isPreferred?: boolean };

function fixesFor(code: string, page: PageContext, workspace: Workspace, start: number, end: number, link: LinkNode | undefined): Fix[] {
  const source = page.document.getText();
  const uri = page.document.uri;
  const edit = (edits: TextEdit[]): WorkspaceEdit => ({ changes: { [uri]: edits } });
  const replace = (from: number, to: number, newText: string): TextEdit => ({ range: spanRange(page.document, { start: from, end: to }), newText });

  if (code === 'empty-parens') {
    if (!page.parsed.emptyParens.some((p) => p.start === start && p.end === end)) return [];
    return [{ title: `Remove ${source.slice(start, end)}`, isPreferred: true, edit: edit([replace(start, end, '')]) }];
  }
  if (!link?.target) return [];
  const resolution = workspace.resolve(link, page.file);

  switch (code) {
    case 'link-trail': {
      const trail = findLinkTrail(source, link, resolution.state === 'exists' ? resolution.page.title : undefined);
      if (!trail) return [];
      return [{
        title: `Move "${trail.text}" out of the link`,
        isPreferred: true,
        edit: edit([replace(trail.start, trail.end, ''), replace(link.end, link.end, trail.text)]),
      }];
    }
    case 'variant-title':
    case 'wiki-page-exists': {
      if (resolution.state !== 'exists') return [];
      const title = code === 'variant-title' ? `Link to the existing page "${resolution.page.title}"` : `Make it a local link to "${resolution.page.title}"`;
      return [{ title, isPreferred: true, edit: edit(retarget(source, page, workspace, link, resolution.page).map((e) => replace(e.start, e.end, e.newText))) }];
    }
    case 'missing-page': {
      const fixes: Fix[] = nearestTitles(workspace.index, link.target.title, 3).map((t) => ({
        title: `Link to the closest existing page "${t}"`,
        edit: edit(retarget(source, page, workspace, link, workspace.index.get(t)!).map((e) => replace(e.start, e.end, e.newText))),
      }));
      fixes.push({
        title: `Link to "${link.target.title}" on Wikipedia`,
        edit: edit([replace(link.destStart, link.destEnd, escapeDestination(wikiUrl(page, link.target.title)))]),
      });
      const created = createPage(page, workspace, link.target.title);
      if (created) fixes.push(created);
      return fixes;
    }
  }
  return [];
}

interface OffsetEdit { start: number; end: number; newText: string }

/** Points a link at a page of the corpus: a local destination, the `wikilink` title kept, the ⓦ marker dropped. */
function retarget(source: string, page: PageContext, workspace: Workspace, link: LinkNode, target: PageEntry): OffsetEdit[] {
  const dest = localDestination(page.file, target, workspace) + (link.target?.fragment ? `#${link.target.fragment.replace(/ /g, '_')}` : '');
  const edits: OffsetEdit[] = [{
    start: link.destStart, end: link.destEnd,
    newText: link.form === 'html' ? dest.replace(/&/g, '&amp;').replace(/"/g, '&quot;') : escapeDestination(dest),
  }];
  if (link.marker === 'ⓦ') {
    const at = source.lastIndexOf('ⓦ', link.textEnd - 1);
    if (at >= link.textStart) edits.push({ start: at, end: at + 1, newText: '' });
  }
  return edits;
}

/** The destination the converter would write: `../Page/Title.md` from a page in the same corpus. */
function localDestination(fromFile: string, target: PageEntry, workspace: Workspace): string {
  const folder = workspace.pageFolders.find((f) => target.path.startsWith(f + path.sep)) ?? path.dirname(target.path);
  const up = path.relative(path.dirname(fromFile), path.dirname(folder)).split(path.sep).join('/');
  const inFolder = path.relative(folder, target.path).split(path.sep).join('/');
  return `${up ? `${up}/` : ''}${path.basename(folder)}/${inFolder}`;
}

/** The page's own wiki host (the most common one among its wiki links), else Chinese Wikipedia. */
function wikiUrl(page: PageContext, title: string): string {
  const hosts = new Map<string, number>();
  for (const l of page.parsed.links) if (l.kind === 'wiki' && l.target?.host) hosts.set(l.target.host, (hosts.get(l.target.host) ?? 0) + 1);
  const host = [...hosts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'zh.wikipedia.org';
  return `https://${host}/wiki/${title.replace(/ /g, '_')}`;
}

function createPage(page: PageContext, workspace: Workspace, title: string): Fix | undefined {
  const folder = workspace.pageFolders.find((f) => page.file.startsWith(f + path.sep)) ?? workspace.pageFolders[0];
  if (!folder || title.includes('..')) return undefined;
  const file = path.join(folder, pagePathFromTitle(title));
  if (!workspace.roots.containsLexically(file)) return undefined;
  const uri = pathToFileURL(file).href;
  return {
    title: `Create the page "${title}"`,
    edit: {
      documentChanges: [
        { kind: 'create', uri, options: { ignoreIfExists: true } },
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `**${title}**\n` }] },
      ],
    },
  };
}
