// MediaWiki title normalisation and the classification of link destinations.
import type { LinkKind, WikiTarget } from './syntax';

// The namespace names of the Chinese, Japanese and Korean wikis (MediaWiki's Messages*.php).
const NAMESPACE_ALIASES: Record<string, string> = {
  category: 'Category', 分类: 'Category', 分類: 'Category', カテゴリ: 'Category', 분류: 'Category',
  file: 'File', image: 'File', 文件: 'File', 檔案: 'File', 图像: 'File', 圖像: 'File', 档案: 'File', ファイル: 'File', 画像: 'File', 파일: 'File', 그림: 'File',
  template: 'Template', 模板: 'Template', テンプレート: 'Template', 틀: 'Template',
  wikipedia: 'Wikipedia', 维基百科: 'Wikipedia', 維基百科: 'Wikipedia', 위키백과: 'Wikipedia',
  help: 'Help', 帮助: 'Help', 說明: 'Help', ヘルプ: 'Help', 도움말: 'Help',
  portal: 'Portal', 主题: 'Portal', 主題: 'Portal', ポータル: 'Portal', 포털: 'Portal',
  user: 'User', 用户: 'User', 用戶: 'User', 利用者: 'User', 사용자: 'User',
  special: 'Special', 特別: 'Special', 특수: 'Special', 특수기능: 'Special',
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
  const c = s.charCodeAt(0);
  // Fast paths: ASCII, and the CJK blocks, which have no case.
  if (c < 0x80) return c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 32) + s.slice(1) : s;
  if (c >= 0x3000 && c < 0xa000) return s;
  const first = String.fromCodePoint(s.codePointAt(0)!);
  const upper = first.toUpperCase();
  // Characters whose upper case is longer (ß → SS) keep their form, as MediaWiki's ucfirst does.
  return (upper.length === first.length ? upper : first) + s.slice(first.length);
}

/** White space as `\s` and `String.prototype.trim` mean it. */
export function isWhiteSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Whether a title has `_` or white space, which normalisation folds. */
function needsFolding(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f || isWhiteSpace(c)) return true;
  }
  return false;
}

/**
 * Normalises a title the way MediaWiki does: `_` is a space, runs of spaces fold, the ends are trimmed,
 * a namespace prefix is recognised and canonicalised, and the first letter of the name is upper case.
 */
export function normalizeTitle(raw: string): { title: string; namespace: string } {
  const spaced = needsFolding(raw) ? raw.replace(/[_\s]+/g, ' ').trim() : raw;
  const colon = spaced.indexOf(':');
  if (colon > 0) {
    const alias = spaced.slice(0, colon).trim().toLowerCase();
    const ns = Object.hasOwn(NAMESPACE_ALIASES, alias) ? NAMESPACE_ALIASES[alias] : undefined;
    if (ns) {
      const name = upperFirst(spaced.slice(colon + 1).trim());
      return { title: `${ns}:${name}`, namespace: ns };
    }
  }
  return { title: upperFirst(spaced), namespace: '' };
}

/** The target of `title#fragment`, both halves normalised, with the fields of its kind of link. */
function targetOf(raw: string, extra: { folder: 'Page' | 'Redirect'; path: string } | { host: string; lang: string }): WikiTarget {
  const hash = raw.indexOf('#');
  const { title, namespace } = normalizeTitle(hash >= 0 ? raw.slice(0, hash) : raw);
  const fragment = hash >= 0 ? raw.slice(hash + 1).replace(/_/g, ' ') : undefined;
  const target: WikiTarget = { title, namespace };
  if (fragment) target.fragment = fragment;
  return Object.assign(target, extra);
}

const WIKI_DEST = /^https?:\/\/([a-z][a-z0-9-]*)\.(?:m\.)?(?:wikipedia\.org|wiki\.chinapedia\.org)\/wiki\/(.+)$/is;
/** The wiki host nearly every wiki link names, matched without the regular expression. */
const ZH_WIKI = 'https://zh.wikipedia.org/wiki/';

export interface ClassifiedDestination {
  kind: LinkKind;
  target?: WikiTarget;
}

/**
 * A local destination, `(../|./)*(Page|Redirect)/NAME.md(#FRAGMENT)?`, split by hand (this runs for
 * every link of every page): the name ends at the first `.md` that ends the text or precedes `#`.
 */
function splitLocal(dest: string): { folder: 'Page' | 'Redirect'; name: string } | undefined {
  let i = 0;
  while (dest.charCodeAt(i) === 0x2e /* . */) {
    if (dest.charCodeAt(i + 1) === 0x2f /* / */) i += 2;
    else if (dest.charCodeAt(i + 1) === 0x2e && dest.charCodeAt(i + 2) === 0x2f) i += 3;
    else return undefined;
  }
  const folder = dest.startsWith('Page/', i) ? 'Page' : dest.startsWith('Redirect/', i) ? 'Redirect' : undefined;
  if (!folder) return undefined;
  const nameStart = i + folder.length + 1;
  for (let k = dest.indexOf('.md', nameStart + 1); k >= 0; k = dest.indexOf('.md', k + 1)) {
    if (k + 3 === dest.length) return { folder, name: dest.slice(nameStart, k) };
    if (dest.charCodeAt(k + 3) === 0x23 /* # */) return { folder, name: dest.slice(nameStart, k) + dest.slice(k + 3) };
  }
  return undefined;
}

/**
 * Decides a link's kind from its destination, title attribute and whether it was written as an image.
 * A local link is identified by its path (`…/Page/X.md`); a wiki link by its host and the `wikilink` title.
 */
export function classifyDestination(rawDest: string, titleAttr: string | undefined, isImage: boolean): ClassifiedDestination {
  const dest = percentDecode(unescapeMarkdown(rawDest));
  const figure = isImage || (titleAttr?.startsWith('fig:') ?? false);

  const local = splitLocal(dest);
  if (local) {
    const target = targetOf(local.name, { folder: local.folder, path: dest });
    return { kind: kindForNamespace(target.namespace, figure, 'local'), target };
  }

  let host: string;
  let rest: string;
  if (dest.startsWith(ZH_WIKI) && dest.length > ZH_WIKI.length) {
    host = 'zh.wikipedia.org';
    rest = dest.slice(ZH_WIKI.length);
  } else {
    const wiki = WIKI_DEST.exec(dest);
    if (!wiki) return { kind: figure ? 'image' : 'web' };
    host = dest.replace(/^https?:\/\//i, '').split('/')[0].toLowerCase();
    rest = wiki[2];
  }
  const query = rest.indexOf('?');
  const target = targetOf(query >= 0 ? rest.slice(0, query) : rest, { host, lang: host.slice(0, host.indexOf('.')) });
  return { kind: kindForNamespace(target.namespace, figure, titleAttr === 'wikilink' ? 'wiki' : 'web'), target };
}

function kindForNamespace(namespace: string, figure: boolean, otherwise: LinkKind): LinkKind {
  if (figure || namespace === 'File') return 'image';
  if (namespace === 'Category') return 'category';
  return otherwise;
}

/** The title of the page a corpus file holds, from its path below the `Page` folder (`TCP/IP.md` → `TCP/IP`). */
export function titleFromPagePath(relativePath: string): string {
  // `.md` (any case) checked by hand: this runs for every file of a million-page listing.
  const n = relativePath.length;
  const md = n >= 3 && relativePath.charCodeAt(n - 3) === 0x2e && (relativePath.charCodeAt(n - 2) | 0x20) === 0x6d && (relativePath.charCodeAt(n - 1) | 0x20) === 0x64;
  return normalizeTitle(md ? relativePath.slice(0, n - 3) : relativePath).title;
}

/** The file name (below the `Page` folder) the converter gives a title: spaces become `_`. */
export function pagePathFromTitle(title: string): string {
  return `${title.replace(/ /g, '_')}.md`;
}

/** Escapes a path for use as a markdown link destination, as pandoc does (`(` → `\(`). */
export function escapeDestination(path: string): string {
  return path.replace(/[()\\<>\[\]]/g, (c) => `\\${c}`);
}
