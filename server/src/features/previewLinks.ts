// The Markdown preview's view of a page's links, from the server's own resolution: the preview
// draws a red link where the page is missing, opens the file a variant, a redirect or a wiki link
// reaches in the corpus, and gathers the category links into a bar. The client carries no rules.
import * as path from 'node:path';
import { unescapeMarkdown } from '../parse';
import type { Workspace } from '../workspace/workspace';
import type { PageContext } from './page';

export interface PreviewLink {
  /** The destination as a Markdown reader takes it (escapes undone): the key the preview finds the link by. */
  href: string;
  /** `page`: it reaches a page of the corpus; `missing`: it should and does not; `web`: it stays a web link; `category`: a category link. */
  state: 'page' | 'missing' | 'web' | 'category';
  /** For `page`: the page's file relative to the linking page's folder, as a URL path (with the link's fragment). */
  to?: string;
  /** For `category`: the category's name. */
  category?: string;
}

export function previewLinks(page: PageContext, workspace: Workspace): PreviewLink[] {
  const out: PreviewLink[] = [];
  const seen = new Set<string>();
  for (const link of page.parsed.links) {
    if (link.form !== 'markdown' || !link.target) continue;
    const href = unescapeMarkdown(link.dest);
    if (seen.has(href)) continue;
    seen.add(href);
    if (link.kind === 'category') {
      out.push({ href, state: 'category', category: link.target.title.slice(link.target.title.indexOf(':') + 1) });
      continue;
    }
    if ((link.kind !== 'local' && link.kind !== 'wiki') || link.target.namespace !== '') continue;
    const resolution = workspace.resolve(link, page.file);
    if (resolution.state === 'exists') {
      const relative = path.relative(path.dirname(page.file), resolution.page.path).split(path.sep).map(encodeURIComponent).join('/');
      const fragment = link.target.fragment ? `#${encodeURIComponent(link.target.fragment.replace(/ /g, '_'))}` : '';
      out.push({ href, state: 'page', to: relative + fragment });
    } else {
      out.push({ href, state: link.kind === 'local' ? 'missing' : 'web' });
    }
  }
  return out;
}
