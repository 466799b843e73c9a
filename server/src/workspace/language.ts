// The content languages of the wikis the corpora come from. Each has its own `$linkTrail`: the
// letters after `]]` that MediaWiki links with the link.
export const WIKI_LANGUAGES = ['zh', 'ja', 'ko', 'en'] as const;
export type WikiLanguage = (typeof WIKI_LANGUAGES)[number];
