// Rename a page: move `Page/<old>.md` to the new title and rewrite every link that reaches it, as
// one WorkspaceEdit; and the same link updates when a page file is renamed in the explorer.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Range, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import { normalizeTitle, pagePathFromTitle, titleFromPagePath } from '../parse';
import type { PageEntry } from '../workspace/pageIndex';
import type { Workspace } from '../workspace/workspace';
import { destinationEdit, destinationTo, type OffsetEdit } from './fixes';
import { linkAt, spanRange, textEdits, type OpenDocument, type PageContext } from './page';
import { forEachBacklink, pageAt } from './references';

export type RenameOptions = { updateWikiLinks: boolean; maxLength: number };

/** What F2 renames at a position: the range shown and the current title, or why it cannot. */
export function prepareRename(page: PageContext, workspace: Workspace, offset: number): { range: Range; placeholder: string } | { error: string } {
  const target = pageAt(page, workspace, offset);
  if (!target) return { error: 'Rename works on a link to a page of the corpus, or inside a page of the corpus' };
  const link = linkAt(page.parsed, offset);
  const span = link ?? page.parsed.boldTitle ?? { start: 0, end: 0 };
  return { range: spanRange(page.document, span), placeholder: target.title };
}

/** Why a new title cannot be used, or undefined when it can. */
export function invalidTitle(workspace: Workspace, target: PageEntry, raw: string): string | undefined {
  const { title } = normalizeTitle(raw.trim());
  if (!title) return 'The new title is empty';
  const bad = /[#<>[\]|{}\u0000-\u001f\u007f]/.exec(title);
  if (bad) return `A title cannot contain "${bad[0]}"`;
  if (title.split('/').some((s) => s === '.' || s === '..')) return 'A title cannot have "." or ".." parts';
  if (Buffer.byteLength(title) > 255) return 'A title is at most 255 bytes long';
  const file = newPath(workspace, target, title);
  if (path.dirname(file) !== path.dirname(target.path)) return 'Rename keeps a page in its folder: the new title cannot add or remove "/" parts';
  const existing = workspace.index.get(title);
  if (existing && existing.path !== target.path) return `"${title}" already exists: ${existing.path}`;
  return undefined;
}

/** F2: the file rename and every link rewritten; an error when the title is not usable. */
export async function rename(
  page: PageContext, workspace: Workspace, offset: number, newName: string, openDocument: OpenDocument, options: RenameOptions,
): Promise<WorkspaceEdit | { error: string }> {
  const target = pageAt(page, workspace, offset);
  if (!target) return { error: 'Nothing to rename here' };
  const problem = invalidTitle(workspace, target, newName);
  if (problem) return { error: problem };
  const title = normalizeTitle(newName.trim()).title;
  const to = newPath(workspace, target, title);
  const edits = await linkEdits(workspace, target, { title, path: to, folder: 'Page' }, openDocument, options);
  // Links inside the page itself are edited before it moves, at its old name.
  return { documentChanges: [...edits, { kind: 'rename', oldUri: pathToFileURL(target.path).href, newUri: pathToFileURL(to).href }] };
}

/** `workspace/willRenameFiles`: link updates for page files the user moves in the explorer. */
export async function willRenameFiles(
  workspace: Workspace, files: { oldPath: string; newPath: string }[], openDocument: OpenDocument, options: RenameOptions,
): Promise<WorkspaceEdit | null> {
  const documentChanges: TextDocumentEdit[] = [];
  for (const { oldPath, newPath: moved } of files) {
    const target = workspace.index.byFile(oldPath);
    const folder = target && workspace.pageFolderOf(moved);
    if (target?.folder !== 'Page' || !folder || !moved.toLowerCase().endsWith('.md')) continue;
    const title = titleFromPagePath(path.relative(folder, moved).split(path.sep).join('/'));
    documentChanges.push(...(await linkEdits(workspace, target, { title, path: moved, folder: 'Page' }, openDocument, options)));
  }
  return documentChanges.length ? { documentChanges } : null;
}

function newPath(workspace: Workspace, target: PageEntry, title: string): string {
  const folder = workspace.pageFolderOf(target.path) ?? path.dirname(target.path);
  return path.join(folder, pagePathFromTitle(title));
}

/**
 * The link rewrites for a page moving to `moved`: local links get the new destination (keeping
 * their fragment); links through a redirect are left, since they name the redirect; `wiki` links
 * naming the page get the new title only when the user opted in.
 */
async function linkEdits(
  workspace: Workspace, target: PageEntry, moved: PageEntry, openDocument: OpenDocument, options: RenameOptions,
): Promise<TextDocumentEdit[]> {
  const out: TextDocumentEdit[] = [];
  await forEachBacklink(workspace, target, openDocument, options.maxLength, () => false, (source, links) => {
    const edits: OffsetEdit[] = [];
    for (const link of links) {
      const fragment = link.target?.fragment;
      if (link.kind === 'local' && link.target?.folder !== 'Redirect') {
        edits.push(destinationEdit(link, destinationTo(source.file, moved, workspace, fragment)));
      } else if (link.kind === 'wiki' && options.updateWikiLinks && link.target?.host) {
        const url = `https://${link.target.host}/wiki/${moved.title.replace(/ /g, '_')}${fragment ? `#${fragment.replace(/ /g, '_')}` : ''}`;
        edits.push(destinationEdit(link, url));
      }
    }
    if (!edits.length) return;
    const version = openDocument(source.file)?.version ?? null;
    out.push({ textDocument: { uri: source.document.uri, version }, edits: textEdits(source.document, edits.sort((a, b) => a.start - b.start)) });
  });
  return out;
}
