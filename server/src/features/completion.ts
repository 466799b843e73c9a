// Completion of page titles: inside a destination `](../Page/…` and inside the text of a new
// `[…`. Titles come from the index by prefix (binary search, so fast on any corpus), matching
// the typed text and its Traditional/Simplified conversions, ranked by how many pages link them.
import { CompletionItemKind, type CompletionItem, type CompletionList } from 'vscode-languageserver';
import { escapeDestination, normalizeTitle, pagePathFromTitle, percentDecode, unescapeMarkdown } from '../parse';
import { titleVariants } from '../workspace/variants';
import type { Workspace } from '../workspace/workspace';
import { destinationsFrom } from './fixes';
import { spanRange, type PageContext } from './page';

/** Items returned; the list is marked incomplete so the editor asks again as the user types. */
const MAX_ITEMS = 50;
/** Prefix matches looked at per typed form before ranking. */
const MAX_CANDIDATES = 2000;

/** `](../Page/Ti` before the cursor: the path up to the folder, then the typed title. */
const IN_DESTINATION = /\]\(<?((?:\.\.\/)*(?:[^()\s<>]*\/)?Page\/)([^()\s<>"]*)$/;
/** `[Ti` before the cursor: an unclosed, unescaped bracket that is not an image. */
const IN_TEXT = /(?<![\\!])\[([^[\]()\\]+)$/;

export function completion(page: PageContext, workspace: Workspace, offset: number): CompletionList | null {
  const text = page.document.getText();
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset));

  const inDestination = IN_DESTINATION.exec(before);
  if (inDestination) {
    const typed = inDestination[2];
    // Replace the rest of the destination too, and close the link when it is not closed yet.
    const restOfDest = /^[^()\s<>"]*/.exec(after)![0];
    const tail = after.slice(restOfDest.length);
    const closing = /^\s+"/.test(tail) ? '' : tail.startsWith(')') ? ' "wikilink"' : ' "wikilink")';
    const range = spanRange(page.document, { start: offset - typed.length, end: offset + restOfDest.length });
    const prefix = normalizeTitle(percentDecode(unescapeMarkdown(typed))).title;
    return list(workspace, prefix, (title) => ({
      textEdit: { range, newText: escapeDestination(pagePathFromTitle(title)) + closing },
      filterText: typed,
    }));
  }

  const inText = IN_TEXT.exec(before);
  if (inText && inText[1].trim()) {
    const typed = inText[1];
    // An editor that auto-closes brackets has put `]` after the cursor; replace it too.
    const end = offset + (after.startsWith(']') && !after.startsWith('](') ? 1 : 0);
    const range = spanRange(page.document, { start: offset - typed.length - 1, end });
    const destinationTo = destinationsFrom(page.file, workspace);
    return list(workspace, normalizeTitle(typed).title, (title) => {
      const entry = workspace.index.get(title)!;
      return {
        textEdit: { range, newText: `[${title}](${escapeDestination(destinationTo(entry))} "wikilink")` },
        filterText: `[${typed}`,
      };
    });
  }
  return null;
}

function list(workspace: Workspace, prefix: string, item: (title: string) => Partial<CompletionItem>): CompletionList | null {
  const ranked = rankedTitles(workspace, prefix);
  if (!ranked.length) return null;
  const items = ranked.map((title, i): CompletionItem => {
    const links = workspace.links.count(title);
    return {
      label: title,
      kind: CompletionItemKind.File,
      detail: `${links} page${links === 1 ? '' : 's'} link here`,
      sortText: String(i).padStart(4, '0'),
      ...item(title),
    };
  });
  return { isIncomplete: true, items };
}

/** Titles starting with the prefix or one of its variants, most linked first. */
export function rankedTitles(workspace: Workspace, prefix: string): string[] {
  if (!prefix) return [];
  const found = new Set<string>();
  for (const form of [prefix, ...titleVariants(prefix)]) {
    for (const title of workspace.index.titlesWithPrefix(form, MAX_CANDIDATES)) found.add(title);
  }
  // The first MAX_ITEMS kept in order as the candidates pass: sorting thousands of them, a count
  // looked up in each comparison, was most of a completion's time at a million pages.
  const best: Ranked[] = [];
  for (const title of found) {
    const candidate = { title, links: workspace.links.count(title) };
    if (best.length === MAX_ITEMS && !ranksBefore(candidate, best[MAX_ITEMS - 1])) continue;
    let at = best.length;
    while (at > 0 && ranksBefore(candidate, best[at - 1])) at--;
    best.splice(at, 0, candidate);
    if (best.length > MAX_ITEMS) best.pop();
  }
  return best.map((r) => r.title);
}

interface Ranked { title: string; links: number }

/** Most linked first, then the shorter title, then code-unit order. */
function ranksBefore(a: Ranked, b: Ranked): boolean {
  if (a.links !== b.links) return a.links > b.links;
  if (a.title.length !== b.title.length) return a.title.length < b.title.length;
  return a.title < b.title;
}
