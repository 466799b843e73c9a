// MediaWiki title normalisation and the classification of link destinations.
import type { LinkKind, WikiTarget } from './syntax';

const NAMESPACE_ALIASES: Record<string, string> = {
  category: 'Category', 分类: 'Category', 分類: 'Category',
  file: 'File', image: 'File', 文件: 'File', 檔案: 'File', 图像: 'File', 圖像: 'File', 档案: 'File',
  template: 'Template', 模板: 'Template',
  wikipedia: 'Wikipedia', 维基百科: 'Wikipedia', 維基百科: 'Wikipedia',
  help: 'Help', 帮助: 'Help', 說明: 'Help',
  portal: 'Portal', 主题: 'Portal', 主題: 'Portal',
  user: 'User', 用户: 'User', 用戶: 'User',
  special: 'Special',
};

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/** Removes markdown backslash escapes: `PHP_\(x\)` → `PHP_(x)`. */
export function unescapeMarkdown(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && ASCII_PUNCTUATION.test(s[i + 1])) {
      out += s[i + 1];
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Percent-decodes what decodes as UTF-8 and leaves malformed sequences as they are. */
export function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Upper-cases the first character (a whole code point), as MediaWiki does for first-letter-insensitive wikis. */
export function upperFirst(s: string): string {
  if (s === '') return s;
  const first = String.fromCodePoint(s.codePointAt(0)!);
  const upper = first.toUpperCase();
  // Characters whose upper case is longer (ß → SS) keep their form, as MediaWiki's ucfirst does.
  return (upper.length === first.length ? upper : first) + s.slice(first.length);
}

/**
 * Normalises a title the way MediaWiki does: `_` is a space, runs of spaces fold, the ends are trimmed,
 * a namespace prefix is recognised and canonicalised, and the first letter of the name is upper case.
 */
export function normalizeTitle(raw: string): { title: string; namespace: string } {
  const spaced = raw.replace(/[_\s]+/g, ' ').trim();
  const colon = spaced.indexOf(':');
  if (colon > 0) {
    const ns = NAMESPACE_ALIASES[spaced.slice(0, colon).trim().toLowerCase()];
    if (ns) {
      const name = upperFirst(spaced.slice(colon + 1).trim());
      return { title: `${ns}:${name}`, namespace: ns };
    }
  }
  return { title: upperFirst(spaced), namespace: '' };
}

/** Splits `title#fragment` and normalises both halves. */
function titleWithFragment(raw: string): { title: string; namespace: string; fragment?: string } {
  const hash = raw.indexOf('#');
  const name = hash >= 0 ? raw.slice(0, hash) : raw;
  const fragment = hash >= 0 ? raw.slice(hash + 1).replace(/_/g, ' ') : undefined;
  return { ...normalizeTitle(name), ...(fragment ? { fragment } : {}) };
}

const LOCAL_DEST = /^(?:\.\.?\/)*(Page|Redirect)\/(.+?)\.md(?:#(.*))?$/s;
const WIKI_DEST = /^https?:\/\/([a-z][a-z0-9-]*)\.(?:m\.)?(?:wikipedia\.org|wiki\.chinapedia\.org)\/wiki\/(.+)$/is;

export interface ClassifiedDestination {
  kind: LinkKind;
  target?: WikiTarget;
}

/**
 * Decides a link's kind from its destination, title attribute and whether it was written as an image.
 * A local link is identified by its path (`…/Page/X.md`); a wiki link by its host and the `wikilink` title.
 */
export function classifyDestination(rawDest: string, titleAttr: string | undefined, isImage: boolean): ClassifiedDestination {
  const dest = percentDecode(unescapeMarkdown(rawDest));
  const figure = isImage || (titleAttr?.startsWith('fig:') ?? false);

  const local = LOCAL_DEST.exec(dest);
  if (local) {
    const folder = local[1] as 'Page' | 'Redirect';
    const named = titleWithFragment(local[2] + (local[3] !== undefined ? `#${local[3]}` : ''));
    const target: WikiTarget = { ...named, folder, path: dest };
    return { kind: kindForNamespace(named.namespace, figure, 'local'), target };
  }

  const wiki = WIKI_DEST.exec(dest);
  if (wiki) {
    const host = dest.replace(/^https?:\/\//i, '').split('/')[0].toLowerCase();
    const named = titleWithFragment(wiki[2].split('?')[0]);
    const target: WikiTarget = { ...named, host, lang: wiki[1].toLowerCase() };
    const kind = kindForNamespace(named.namespace, figure, titleAttr === 'wikilink' ? 'wiki' : 'web');
    return { kind, target };
  }

  return { kind: figure ? 'image' : 'web' };
}

function kindForNamespace(namespace: string, figure: boolean, otherwise: LinkKind): LinkKind {
  if (figure || namespace === 'File') return 'image';
  if (namespace === 'Category') return 'category';
  return otherwise;
}

/** The title of the page a corpus file holds, from its path below the `Page` folder (`TCP/IP.md` → `TCP/IP`). */
export function titleFromPagePath(relativePath: string): string {
  return normalizeTitle(relativePath.replace(/\.md$/i, '')).title;
}

/** The file name (below the `Page` folder) the converter gives a title: spaces become `_`. */
export function pagePathFromTitle(title: string): string {
  return `${title.replace(/ /g, '_')}.md`;
}

/** Escapes a path for use as a markdown link destination, as pandoc does (`(` → `\(`). */
export function escapeDestination(path: string): string {
  return path.replace(/[()\\<>\[\]]/g, (c) => `\\${c}`);
}
