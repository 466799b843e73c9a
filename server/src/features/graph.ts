// A page's neighbourhood for the graph view: the pages it links and the pages linking it, one or
// two hops out, from the link graph (no page read but the one at the centre), so it is instant on
// a million pages. The centre's own links are read from its text: they say which are local links
// to missing pages (red) and which reach a page by variant or redirect.
import type { PageEntry } from '../workspace/pageIndex';
import type { Workspace } from '../workspace/workspace';
import type { PageContext } from './page';

export interface GraphNode {
  /** The page's file, or `missing:<title>` for a local link's page that is not in the corpus. */
  id: string;
  title: string;
  state: 'centre' | 'page' | 'missing';
  /** How the centre's link reached it, when not by its exact title. */
  via?: 'variant' | 'redirect';
}

export interface PageGraph {
  centre: string;
  nodes: GraphNode[];
  edges: { from: string; to: string }[];
  /** Nodes were left out past the limit. */
  truncated: boolean;
}

export function pageGraph(page: PageContext, workspace: Workspace, hops: 1 | 2, limit = 150): PageGraph {
  const self = workspace.index.byFile(page.file);
  const graph: PageGraph = { centre: page.file, nodes: [], edges: [], truncated: false };
  const nodes = new Map<string, GraphNode>();
  const edges = new Set<string>();
  const addNode = (node: GraphNode): boolean => {
    if (nodes.has(node.id)) return true;
    if (nodes.size >= limit) {
      graph.truncated = true;
      return false;
    }
    nodes.set(node.id, node);
    return true;
  };
  const addEdge = (from: string, to: string) => {
    if (from !== to && nodes.has(from) && nodes.has(to)) edges.add(`${from}\u0000${to}`);
  };
  addNode({ id: page.file, title: self?.title ?? page.file, state: 'centre' });

  const ring: PageEntry[] = [];
  for (const link of page.parsed.links) {
    if (!link.target || link.target.namespace !== '' || (link.kind !== 'local' && link.kind !== 'wiki')) continue;
    const resolution = workspace.resolve(link, page.file);
    if (resolution.state === 'exists') {
      const { page: to, match } = resolution;
      if (addNode({ id: to.path, title: to.title, state: 'page', via: match === 'exact' ? undefined : match })) ring.push(to);
      addEdge(page.file, to.path);
    } else if (resolution.state === 'missing' && link.kind === 'local') {
      const id = `missing:${link.target.title}`;
      addNode({ id, title: link.target.title, state: 'missing' });
      addEdge(page.file, id);
    }
  }
  if (self) {
    for (const from of linking(workspace, self)) {
      if (addNode({ id: from.path, title: from.title, state: 'page' })) ring.push(from);
      addEdge(from.path, page.file);
    }
  }
  if (hops === 2) {
    // Each further page costs lookups: stop at the limit.
    for (const near of ring) {
      if (graph.truncated) break;
      for (const to of linked(workspace, near)) {
        if (!addNode({ id: to.path, title: to.title, state: 'page' })) break;
        addEdge(near.path, to.path);
      }
      for (const from of linking(workspace, near)) {
        if (!addNode({ id: from.path, title: from.title, state: 'page' })) break;
        addEdge(from.path, near.path);
      }
    }
  }
  graph.nodes = [...nodes.values()];
  graph.edges = [...edges].map((e) => {
    const [from, to] = e.split('\u0000');
    return { from, to };
  });
  return graph;
}

/** Pages of the corpus linking a page (by its title, a variant or a redirect), by the link graph. */
function linking(workspace: Workspace, target: PageEntry): PageEntry[] {
  return workspace.links.sourcesOf(workspace.titlesReaching(target)).sort()
    .map((file) => workspace.index.byFile(file))
    .filter((p): p is PageEntry => p?.folder === 'Page');
}

/** Pages of the corpus a page links, by the titles the link graph recorded for it. */
function linked(workspace: Workspace, from: PageEntry): PageEntry[] {
  const out: PageEntry[] = [];
  for (const title of workspace.links.targetsOf(from.path)) {
    const resolution = workspace.lookUpTitle(title);
    const page = resolution.state === 'exists' ? resolution.page : workspace.redirectedPage(title);
    if (page) out.push(page);
  }
  return out;
}
