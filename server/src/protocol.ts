// Names shared by the server and the client: commands, and the codes fix-all can fix. Constants
// only, no imports, so the client bundle takes nothing else from the server.

/** Codes whose findings have a preferred fix that is safe to apply in bulk. */
export const FIXABLE_CODES = ['link-trail', 'variant-title', 'wiki-page-exists', 'empty-parens'] as const;

/** Client command: the references view on the pages linking here. */
export const SHOW_BACKLINKS_COMMAND = 'wikiMarkdown.showBacklinks';
/** Client command: asks which code to fix, then runs the server's command. */
export const FIX_ALL_COMMAND = 'wikiMarkdown.fixAllInWorkspace';
/** Server command (workspace/executeCommand): computes the edit and asks the client to apply it. */
export const FIX_ALL_IN_WORKSPACE_COMMAND = 'wikiMarkdown.server.fixAllInWorkspace';

/** Server notification: where indexing stands, then the corpus' page and problem counts (the status bar). */
export const STATUS_NOTIFICATION = 'wikiMarkdown/status';
export interface IndexStatus {
  /** listing titles, reading every page's links, counting the corpus' problems, or done. */
  phase: 'listing' | 'reading' | 'counting' | 'ready';
  percent?: number;
  pages: number;
  /** Problems of every page, as of the last count (undefined until one is done). */
  problems?: number;
  /** The titles and link graph came from the persisted index. */
  fromCache: boolean;
}

/** Client request: how the Markdown preview should draw each link of a page (`PreviewLink[]`). */
export const PREVIEW_LINKS_REQUEST = 'wikiMarkdown/previewLinks';

/** Client request: the neighbourhood of a page for the graph view (`PageGraph`), params `{ uri, hops }`. */
export const GRAPH_REQUEST = 'wikiMarkdown/graph';
/** Client command: the graph view of the active page. */
export const SHOW_GRAPH_COMMAND = 'wikiMarkdown.showGraph';
