/// <reference lib="dom" />
// The script of the graph webview (bundled to dist/graph.js for the browser): draws the page graph
// the extension sends with cytoscape, and tells the extension what was clicked.
import cytoscape from 'cytoscape';
import type { PageGraph } from '../../server/src/features/graph';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
const style = getComputedStyle(document.body);
const colour = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;

const cy = cytoscape({
  container: document.getElementById('graph'),
  wheelSensitivity: 0.3,
  maxZoom: 1.5,
  style: [
    {
      selector: 'node',
      style: {
        label: 'data(title)', 'font-size': 11, color: colour('--vscode-editor-foreground', '#ccc'),
        'text-valign': 'bottom', 'text-margin-y': 4, width: 14, height: 14,
        'background-color': colour('--vscode-textLink-foreground', '#3794ff'),
      },
    },
    { selector: 'node[state = "centre"]', style: { width: 22, height: 22, 'font-weight': 'bold', 'background-color': colour('--vscode-charts-green', '#89d185') } },
    { selector: 'node[state = "missing"]', style: { 'background-color': '#d73333', color: '#d73333' } },
    { selector: 'node[via]', style: { 'border-width': 2, 'border-style': 'dashed', 'border-color': colour('--vscode-charts-yellow', '#cca700') } },
    {
      selector: 'edge',
      style: {
        width: 1, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.7,
        'line-color': colour('--vscode-editorWidget-border', '#666'), 'target-arrow-color': colour('--vscode-editorWidget-border', '#666'),
      },
    },
  ],
});

const twoHops = document.getElementById('two-hops') as HTMLInputElement;
twoHops.addEventListener('change', () => vscode.postMessage({ type: 'hops', hops: twoHops.checked ? 2 : 1 }));
cy.on('tap', 'node', (e) => vscode.postMessage({ type: 'open', id: e.target.id() }));
cy.on('dbltap', 'node', (e) => vscode.postMessage({ type: 'centre', id: e.target.id() }));

window.addEventListener('message', (event: MessageEvent<{ type: string; graph: PageGraph; hops: 1 | 2 }>) => {
  if (event.data.type !== 'graph') return;
  const { graph, hops } = event.data;
  twoHops.checked = hops === 2;
  const centre = graph.nodes.find((n) => n.id === graph.centre);
  document.getElementById('title')!.textContent = centre?.title ?? '';
  const via = graph.nodes.filter((n) => n.via).length;
  document.getElementById('note')!.textContent = `${graph.nodes.length - 1} pages${via ? `, ${via} by variant or redirect (dashed)` : ''}${graph.truncated ? ', more left out' : ''}`;
  // Nearer pages in inner rings: the centre, then what it links or is linked by.
  const ring = new Map<string, number>([[graph.centre, 2]]);
  for (const e of graph.edges) if (e.from === graph.centre || e.to === graph.centre) ring.set(e.from === graph.centre ? e.to : e.from, 1);
  cy.elements().remove();
  cy.add([
    ...graph.nodes.map((n) => ({ group: 'nodes' as const, data: { ...n, ring: ring.get(n.id) ?? 0 } })),
    ...graph.edges.map((e, i) => ({ group: 'edges' as const, data: { id: `e${i}`, source: e.from, target: e.to } })),
  ]);
  cy.layout({ name: 'concentric', concentric: (node) => node.data('ring') as number, levelWidth: () => 1, minNodeSpacing: 24, animate: false }).run();
  vscode.postMessage({ type: 'drawn', nodes: cy.nodes().map((n) => n.data('title') as string) });
});
// A graph posted before this script listened would be lost: the extension sends it again on this.
vscode.postMessage({ type: 'ready' });
