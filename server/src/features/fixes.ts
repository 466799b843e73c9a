// The fixes of each finding as plain offset edits, shared by quick fixes, fix-all (page and
// workspace) and the CLI's `--fix`. Each fix touches only the link or parentheses its finding names.
import * as path from 'node:path';
import { escapeDestination, pagePathFromTitle, type LinkNode } from '../parse';
import { nearestTitles, type PageEntry } from '../workspace/pageIndex';
import type { Workspace } from '../workspace/workspace';
import { findProblems, type Finding } from './diagnostics';
import { findLinkTrail, pageTrailContexts } from './linkTrail';
import type { PageContext } from './page';
import type { DiagnosticCode } from './settings';

export interface OffsetEdit { start: number; end: number; newText: string }

export interface Fix {
  title: string;
  /** The one fix applied by "fix all": unambiguous and safe without a human choosing. */
  preferred: boolean;
  edits: OffsetEdit[];
  /** A page to create (absolute path) with its first text. */
  createFile?: { file: string; text: string };
}

export function fixesFor(page: PageContext, workspace: Workspace, finding: Pick<Finding, 'code' | 'start' | 'end'>): Fix[] {
  const source = page.document.getText();
  const { code, start, end } = finding;
  if (code === 'empty-parens') {
    if (!page.parsed.emptyParens.some((p) => p.start === start && p.end === end)) return [];
    return [{ title: `Remove ${source.slice(start, end)}`, preferred: true, edits: [{ start, end, newText: '' }] }];
  }
  const linkIndex = page.parsed.links.findIndex((l) => l.start === start && l.end === end);
  const link = page.parsed.links[linkIndex];
  if (!link?.target) return [];
  const resolution = workspace.resolve(link, page.file);

  switch (code) {
    case 'link-trail':
    case 'link-trail-guess': {
      const context = pageTrailContexts(page, workspace)(linkIndex);
      const trail = findLinkTrail(source, link, resolution.state === 'exists' ? resolution.page.title : undefined, context);
      if (!trail || trail.sure !== (code === 'link-trail')) return [];
      // A guess offers each place the label may end; none is applied in bulk.
      return [trail, ...trail.alternatives].map((t) => ({
        title: `Move "${t.text}" out of the link`,
        preferred: trail.sure,
        edits: [{ start: t.start, end: trail.end, newText: '' }, { start: link.end, end: link.end, newText: t.text }],
      }));
    }
    case 'variant-title':
    case 'wiki-page-exists': {
      if (resolution.state !== 'exists') return [];
      const title = code === 'variant-title' ? `Link to the existing page "${resolution.page.title}"` : `Make it a local link to "${resolution.page.title}"`;
      return [{ title, preferred: true, edits: retarget(source, page.file, workspace, link, resolution.page) }];
    }
    case 'missing-page': {
      const fixes: Fix[] = nearestTitles(workspace.index, link.target.title, 3).map((t) => ({
        title: `Link to the closest existing page "${t}"`,
        preferred: false,
        edits: retarget(source, page.file, workspace, link, workspace.index.get(t)!),
      }));
      fixes.push({
        title: `Link to "${link.target.title}" on Wikipedia`,
        preferred: false,
        edits: [{ start: link.destStart, end: link.destEnd, newText: escapeDestination(wikiUrl(page, link.target.title)) }],
      });
      const created = createPage(page.file, workspace, link.target.title);
      if (created) fixes.push(created);
      return fixes;
    }
  }
  return [];
}

/**
 * The preferred fixes of every finding of the given codes, as one set of non-overlapping edits
 * sorted by offset. A fix whose edits would overlap one already taken is left for a second pass.
 */
export function fixAllEdits(
  page: PageContext, workspace: Workspace, codes: ReadonlySet<DiagnosticCode>, findings: readonly Finding[] = findProblems(page, workspace),
): OffsetEdit[] {
  const taken: OffsetEdit[] = [];
  for (const finding of findings) {
    if (!codes.has(finding.code)) continue;
    const fix = fixesFor(page, workspace, finding).find((f) => f.preferred);
    if (!fix || fix.edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    taken.push(...fix.edits);
  }
  // Stable: two insertions at one offset keep the order their fixes were taken in.
  return taken.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.i - b.i).map(({ e }) => e);
}

function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Applies sorted, non-overlapping edits to a text. */
export function applyEdits(text: string, edits: readonly OffsetEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** The destination the converter would write for a page of the corpus, from `fromFile`, plus the link's fragment. */
export function destinationTo(fromFile: string, target: PageEntry, workspace: Workspace, fragment?: string): string {
  return destinationsFrom(fromFile, workspace)(target, fragment);
}

/** `destinationTo` for many targets from one page (completion's fifty): the way to each folder is worked out once. */
export function destinationsFrom(fromFile: string, workspace: Workspace): (target: PageEntry, fragment?: string) => string {
  const toFolder = new Map<string, string>();
  return (target, fragment) => {
    const folder = workspace.pageFolderOf(target.path) ?? path.dirname(target.path);
    let start = toFolder.get(folder);
    if (start === undefined) {
      const up = path.relative(path.dirname(fromFile), path.dirname(folder)).split(path.sep).join('/');
      toFolder.set(folder, (start = `${up ? `${up}/` : ''}${path.basename(folder)}/`));
    }
    const inFolder = path.relative(folder, target.path).split(path.sep).join('/');
    return `${start}${inFolder}${fragment ? `#${fragment.replace(/ /g, '_')}` : ''}`;
  };
}

/** The edit of a link's destination to `dest`, escaped the way the link's form needs. */
export function destinationEdit(link: LinkNode, dest: string): OffsetEdit {
  return {
    start: link.destStart, end: link.destEnd,
    newText: link.form === 'html' ? dest.replace(/&/g, '&amp;').replace(/"/g, '&quot;') : escapeDestination(dest),
  };
}

/** Points a link at a page of the corpus: a local destination, the `wikilink` title kept, the ⓦ marker dropped. */
function retarget(source: string, fromFile: string, workspace: Workspace, link: LinkNode, target: PageEntry): OffsetEdit[] {
  const edits = [destinationEdit(link, destinationTo(fromFile, target, workspace, link.target?.fragment))];
  if (link.marker === 'ⓦ') {
    const at = source.lastIndexOf('ⓦ', link.textEnd - 1);
    if (at >= link.textStart) edits.push({ start: at, end: at + 1, newText: '' });
  }
  return edits.sort((a, b) => a.start - b.start);
}

/** The page's own wiki host (the most common one among its wiki links), else Chinese Wikipedia. */
function wikiUrl(page: PageContext, title: string): string {
  const hosts = new Map<string, number>();
  for (const l of page.parsed.links) if (l.kind === 'wiki' && l.target?.host) hosts.set(l.target.host, (hosts.get(l.target.host) ?? 0) + 1);
  const host = [...hosts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'zh.wikipedia.org';
  return `https://${host}/wiki/${title.replace(/ /g, '_')}`;
}

function createPage(fromFile: string, workspace: Workspace, title: string): Fix | undefined {
  const folder = workspace.pageFolderOf(fromFile) ?? workspace.pageFolders[0];
  if (!folder || title.includes('..')) return undefined;
  const file = path.join(folder, pagePathFromTitle(title));
  if (!workspace.roots.containsLexically(file)) return undefined;
  return { title: `Create the page "${title}"`, preferred: false, edits: [], createFile: { file, text: `**${title}**\n` } };
}
