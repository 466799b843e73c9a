// Hover on a link: what it points at and whether that exists; for a page of the corpus a preview
// of its lead and its categories; for categories how many pages carry them. No command links,
// and all page text is escaped.
import type { Hover } from 'vscode-languageserver';
import { categoryTitles, type LinkNode } from '../parse';
import type { Resolution, Workspace } from '../workspace/workspace';
import { linkAt, loadPage, spanRange, type OpenDocument, type PageContext } from './page';
import { escapeMarkdown, leadText } from './preview';

/** The lead and categories are near the top; no need to parse all of a long page. */
const PREVIEW_PARSE_LENGTH = 200_000;

const KIND_NAMES = { local: 'local link', wiki: 'Wikipedia link', category: 'category', image: 'image', web: 'web link' } as const;

export async function hover(page: PageContext, workspace: Workspace, offset: number, openDocument: OpenDocument): Promise<Hover | null> {
  const link = linkAt(page.parsed, offset);
  if (!link) return null;
  const resolution = workspace.resolve(link, page.file);
  const lines = [`**${escapeMarkdown(link.target?.title ?? link.text)}** · ${KIND_NAMES[link.kind]} · ${stateText(link, resolution)}`];
  if (link.target?.fragment) lines.push(`Section: ${escapeMarkdown(link.target.fragment)}`);
  if (link.kind === 'wiki' || link.kind === 'web' || link.kind === 'image') lines.push(`\`${link.dest.replace(/`/g, '')}\``);
  if (link.kind === 'category' && link.target) {
    const n = workspace.links.count(link.target.title);
    lines.push(`${n} page${n === 1 ? '' : 's'} in the workspace carry this category${workspace.links.progress.complete ? '' : ' (still counting)'}`);
  }
  if (resolution.state === 'exists') {
    const target = await loadPage(workspace, resolution.page.path, openDocument, PREVIEW_PARSE_LENGTH);
    if (target) {
      const { parsed } = target;
      const lead = leadText(target.document.getText(), parsed);
      if (lead) lines.push('---', escapeMarkdown(lead));
      const categories = categoryTitles(parsed).map((t) => t.replace(/^Category:/, ''));
      if (categories.length) lines.push(`Categories: ${categories.map(escapeMarkdown).join(' · ')}`);
    }
  }
  return { contents: { kind: 'markdown', value: lines.join('\n\n') }, range: spanRange(page.document, link) };
}

function stateText(link: LinkNode, resolution: Resolution): string {
  switch (resolution.state) {
    case 'outside': return 'points outside the workspace';
    case 'missing': return link.kind === 'local' ? 'missing from the corpus' : 'not in the corpus';
    case 'none': return 'outside the corpus';
    case 'exists':
      if (resolution.match === 'variant') return `exists as the variant "${escapeMarkdown(resolution.page.title)}"`;
      if (resolution.match === 'redirect') return `redirects to "${escapeMarkdown(resolution.page.title)}"`;
      return link.kind === 'local' ? 'exists' : 'exists in the corpus';
  }
}
