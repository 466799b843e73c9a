// The syntax tree of one wiki-markdown page. Offsets are UTF-16 code unit indices into
// the page text, half-open [start, end). No LSP types here: this layer is pure.

export interface Span {
  start: number;
  end: number;
}

/**
 * local: `../Page/T.md` (or `../Redirect/T.md`), a page that should be in the corpus.
 * wiki: a `"wikilink"` to `https://<lang>.wikipedia.org/wiki/T`, a page outside the corpus.
 * category: a link into the `Category:` namespace, in either form.
 * image: `![alt](…)`, pandoc's `[thumb](…File:…)` remnants and `fig:` links.
 * web: anything else.
 */
export type LinkKind = 'local' | 'wiki' | 'category' | 'image' | 'web';

export interface WikiTarget {
  /** The MediaWiki title: escapes removed, percent-decoded, `_` as space, first letter upper-cased. */
  title: string;
  /** Canonical namespace (`Category`, `File`, …) or '' for articles. */
  namespace: string;
  /** The fragment after `#`, decoded, without the `#`. */
  fragment?: string;
  /** For local links: the folder the destination names. */
  folder?: 'Page' | 'Redirect';
  /** For local links: the destination path with escapes removed and percent-decoding applied. */
  path?: string;
  /** For wiki links: the host and the language code taken from it. */
  host?: string;
  lang?: string;
}

export interface LinkNode extends Span {
  kind: LinkKind;
  form: 'markdown' | 'html';
  textStart: number;
  textEnd: number;
  /** The raw destination (without `<>`). */
  destStart: number;
  destEnd: number;
  dest: string;
  /** The link title attribute, `wikilink` for links that were `[[…]]` in the source. */
  titleAttr?: string;
  /** What the text means: escapes removed, pandoc's line breaks undone, marker dropped. */
  text: string;
  /** The converter's marker at the end of the text: ⓦ (external) or Ⓡ (unresolved redirect). */
  marker?: 'ⓦ' | 'Ⓡ';
  /** Set for local, wiki, category and wiki-hosted image links. */
  target?: WikiTarget;
}

export interface Heading extends Span {
  level: number;
  text: string;
  textStart: number;
  textEnd: number;
}

export interface FootnoteRef extends Span {
  /** `escaped` is `\[1\]` (older generation), `gfm` is `[^1]`. */
  style: 'escaped' | 'gfm';
  label: string;
}

export interface FootnoteNote extends Span {
  style: 'list' | 'gfm';
  label: string;
  /** The note's content; empty when the citation template was dropped. */
  contentStart: number;
  contentEnd: number;
  empty: boolean;
}

export interface TableNode extends Span {
  form: 'pipe' | 'html';
}

export interface ParsedPage {
  /** Length of the text that was parsed (shorter than the page when it was over the size limit). */
  parsedLength: number;
  links: LinkNode[];
  headings: Heading[];
  footnoteRefs: FootnoteRef[];
  footnoteNotes: FootnoteNote[];
  /** Parentheses holding nothing but spaces and punctuation, left by dropped templates. */
  emptyParens: Span[];
  /** `-{…}-` variant markup left over by the converter. */
  variantMarkup: Span[];
  codeBlocks: Span[];
  codeSpans: Span[];
  comments: Span[];
  tables: TableNode[];
  /** The bold title at the start of the article, when there is one. */
  boldTitle?: Span & { text: string };
}
