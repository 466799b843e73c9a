// VS Code's Markdown preview, extended so that a page reads as on the wiki: each link goes where the
// language server resolves it (a variant, a redirect, a wiki link whose page is in the corpus opens
// the local file), a missing page is a red link, the ⓦ/Ⓡ marks are quiet, and the category links
// gather in a bar at the end. The server answers per page; the client holds no resolution rules.
// Rendering is synchronous, so a page is drawn with the last answer and drawn again when a new
// answer differs; before the first answer links are drawn as they are, never red.
import type MarkdownIt from 'markdown-it';
import type { PreviewLink } from '../../server/src/features/previewLinks';

type Token = ReturnType<MarkdownIt['parse']>[number];
type TokenConstructor = new (type: string, tag: string, nesting: -1 | 0 | 1) => Token;

const MARKS = /[ⓦⓇ]$/;

export function wikiPreview(
  md: MarkdownIt, ask: (uri: string) => Thenable<PreviewLink[]>, refresh: () => void, activeDocument: () => string | undefined = () => undefined,
): MarkdownIt {
  const answers = new Map<string, Map<string, PreviewLink>>();
  const asking = new Set<string>();

  const update = (uri: string) => {
    if (asking.has(uri)) return;
    asking.add(uri);
    ask(uri).then((links) => {
      asking.delete(uri);
      const next = new Map(links.map((l) => [md.normalizeLink(l.href), l]));
      const before = answers.get(uri);
      answers.set(uri, next);
      if (!before || JSON.stringify([...before]) !== JSON.stringify([...next])) refresh();
    }, () => asking.delete(uri));
  };

  md.core.ruler.push('wiki_markdown_links', (state) => {
    // A preview names its document; a render without one (`markdown.api.render`) is of the active editor's.
    const uri = (state.env as { currentDocument?: { toString(): string } } | undefined)?.currentDocument?.toString() ?? activeDocument();
    if (!uri) return;
    update(uri);
    const links = answers.get(uri);
    if (!links) return;
    const categories: { name: string; href: string }[] = [];
    for (const block of state.tokens) {
      if (block.type === 'inline' && block.children) block.children = rewriteInline(block.children, links, categories, state.Token);
    }
    if (categories.length) {
      state.tokens = dropEmptyParagraphs(state.tokens);
      const bar = new state.Token('wiki_markdown_categories', 'div', 0);
      bar.meta = categories;
      bar.block = true;
      state.tokens.push(bar);
    }
  });

  md.renderer.rules.wiki_markdown_mark = (tokens, i) => `<span class="wikimd-mark">${md.utils.escapeHtml(tokens[i].content)}</span>`;
  md.renderer.rules.wiki_markdown_categories = (tokens, i) => {
    const items = (tokens[i].meta as { name: string; href: string }[])
      .map((c) => `<li><a href="${md.utils.escapeHtml(c.href)}">${md.utils.escapeHtml(c.name)}</a></li>`).join('');
    return `<div class="wikimd-catlinks"><span class="wikimd-catlinks-title">Categories:</span><ul>${items}</ul></div>\n`;
  };
  return md;
}

function rewriteInline(children: Token[], links: Map<string, PreviewLink>, categories: { name: string; href: string }[], TokenClass: TokenConstructor): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < children.length; i++) {
    const token = children[i];
    if (token.type !== 'link_open') {
      out.push(token);
      continue;
    }
    const href = token.attrGet('href') ?? '';
    const link = links.get(href);
    const close = children.findIndex((t, k) => k > i && t.type === 'link_close' && t.level === token.level);
    if (link?.state === 'category' && close > i) {
      categories.push({ name: link.category ?? '', href });
      // The space that separated it from the text before goes with it.
      if (out.length && out[out.length - 1].type === 'text' && !out[out.length - 1].content.trim()) out.pop();
      i = close;
      continue;
    }
    if (link?.state === 'page' && link.to !== undefined) {
      token.attrSet('href', link.to);
      token.attrJoin('class', 'wikimd-page');
    } else if (link?.state === 'missing') {
      token.attrJoin('class', 'wikimd-new');
      token.attrSet('title', 'The page does not exist in the corpus');
    }
    out.push(token);
    // The converter's marks at the end of the text: kept, but drawn quietly.
    const last = close > i ? children[close - 1] : undefined;
    if (last?.type === 'text' && MARKS.test(last.content) && close - 1 > i) {
      for (let k = i + 1; k < close - 1; k++) out.push(children[k]);
      const mark = last.content.slice(-1);
      if (last.content.length > 1) {
        const text = new TokenClass('text', '', 0);
        text.content = last.content.slice(0, -1);
        out.push(text);
      }
      const quiet = new TokenClass('wiki_markdown_mark', 'span', 0);
      quiet.content = mark;
      out.push(quiet, children[close]);
      i = close;
    }
  }
  return out;
}

/** Paragraphs that held only category links are gone with them. */
function dropEmptyParagraphs(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const [open, inline, close] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    const empty = open.type === 'paragraph_open' && inline?.type === 'inline' && close?.type === 'paragraph_close'
      && (inline.children ?? []).every((t) => (t.type === 'text' && !t.content.trim()) || t.type === 'softbreak');
    if (empty) {
      i += 2;
      continue;
    }
    out.push(open);
  }
  return out;
}
