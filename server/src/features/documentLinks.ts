// Every link ctrl-clickable: local links open the page's file, the rest their URL.
import { pathToFileURL } from 'node:url';
import type { DocumentLink } from 'vscode-languageserver';
import { percentDecode, unescapeMarkdown } from '../parse';
import type { Workspace } from '../workspace/workspace';
import { spanRange, type PageContext } from './page';

export function documentLinks(page: PageContext, workspace: Workspace): DocumentLink[] {
  const out: DocumentLink[] = [];
  for (const link of page.parsed.links) {
    let target: string | undefined;
    const resolution = workspace.resolve(link, page.file);
    if (resolution.state === 'exists' && (link.kind === 'local' || link.kind === 'wiki')) target = pathToFileURL(resolution.page.path).href;
    else if (link.kind !== 'local') target = webTarget(link.dest);
    if (target) out.push({ range: spanRange(page.document, link), target, tooltip: link.target?.title });
  }
  return out;
}

function webTarget(dest: string): string | undefined {
  const url = percentDecode(unescapeMarkdown(dest));
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}
