// The outline of a page (its headings as nested sections) and page titles across the workspace
// for "go to symbol in workspace": fuzzy, and matching Traditional/Simplified variants.
import { pathToFileURL } from 'node:url';
import { SymbolKind, type DocumentSymbol, type WorkspaceSymbol } from 'vscode-languageserver';
import { pacer } from '../workspace/pacing';
import { titleVariants } from '../workspace/variants';
import type { Workspace } from '../workspace/workspace';
import { spanRange, type PageContext } from './page';
import { sectionEnds } from './folding';

export function documentSymbols(page: PageContext): DocumentSymbol[] {
  const { headings } = page.parsed;
  const ends = sectionEnds(page);
  const roots: DocumentSymbol[] = [];
  const open: { level: number; symbol: DocumentSymbol }[] = [];
  headings.forEach((heading, i) => {
    const symbol: DocumentSymbol = {
      name: heading.text.trim() || '(untitled section)',
      kind: heading.level === 1 ? SymbolKind.File : SymbolKind.String,
      range: spanRange(page.document, { start: heading.start, end: ends[i] }),
      selectionRange: spanRange(page.document, { start: heading.textStart, end: heading.textEnd }),
      children: [],
    };
    while (open.length && open[open.length - 1].level >= heading.level) open.pop();
    (open.length ? open[open.length - 1].symbol.children! : roots).push(symbol);
    open.push({ level: heading.level, symbol });
  });
  return roots;
}

const MAX_SYMBOLS = 200;
/** Matches collected before ranking, so a one-letter query on a huge corpus stays quick. */
const MAX_MATCHES = 20_000;

/**
 * Page titles matching the query as a prefix, a substring or a subsequence (in that order), most
 * linked first. A million titles take a while to walk: the walk lets waiting requests in every slice
 * of time and stops when the query is cancelled (the editor asks again at each keystroke).
 */
export async function workspaceSymbols(workspace: Workspace, query: string, isCancelled: () => boolean = () => false): Promise<WorkspaceSymbol[]> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const forms = [q, ...titleVariants(q)];
  // The titles are put in order once indexed (on a worker, by the server): a query before that waits for it rather than sorting them all at once.
  await workspace.orderTitles();
  if (isCancelled()) return [];
  const matches: { title: string; score: number; links: number }[] = [];
  const pause = pacer();
  let walked = 0;
  for (const title of workspace.index.sortedTitles()) {
    if (++walked % CHECK_EVERY === 0) {
      const due = pause();
      if (due) await due;
      if (isCancelled()) return [];
    }
    const lower = title.toLowerCase();
    let score = 3;
    for (const form of forms) score = Math.min(score, matchScore(lower, form));
    if (score < 3) matches.push({ title, score, links: workspace.links.count(title) });
    if (matches.length >= MAX_MATCHES) break;
  }
  return matches
    .sort((a, b) => a.score - b.score || b.links - a.links || a.title.length - b.title.length)
    .slice(0, MAX_SYMBOLS)
    .map(({ title }) => ({ name: title, kind: SymbolKind.File, location: { uri: pathToFileURL(workspace.index.get(title)!.path).href } }));
}

/** Titles walked between looks at the clock. */
const CHECK_EVERY = 1024;

/** 0 prefix, 1 substring, 2 subsequence, 3 no match. */
function matchScore(title: string, query: string): number {
  if (title.startsWith(query)) return 0;
  if (title.includes(query)) return 1;
  // Each unit of the query after the last one found (a surrogate pair is found whole, its halves in order).
  let at = 0;
  for (let i = 0; i < query.length; i++) {
    at = title.indexOf(query[i], at) + 1;
    if (at === 0) return 3;
  }
  return 2;
}
