// Go to definition: a link to a page of the corpus (local, or a wiki link whose page exists
// locally) opens that page's file.
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver';
import type { Workspace } from '../workspace/workspace';
import { linkAt, type PageContext } from './page';

export function definition(page: PageContext, workspace: Workspace, offset: number): Location | null {
  const link = linkAt(page.parsed, offset);
  if (!link || (link.kind !== 'local' && link.kind !== 'wiki')) return null;
  const resolution = workspace.resolve(link, page.file);
  if (resolution.state !== 'exists') return null;
  const top = { line: 0, character: 0 };
  return { uri: pathToFileURL(resolution.page.path).href, range: { start: top, end: top } };
}
