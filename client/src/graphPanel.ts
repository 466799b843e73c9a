// The link graph view: a webview beside the editor with the active page's neighbourhood, from the
// server's link graph. It follows the active editor; a click on a node opens the page, a double
// click centres the graph on it. The webview runs only its own bundled script (dist/graph.js) under
// a strict content security policy, and only asks the extension to open or centre on a node.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GRAPH_REQUEST } from '../../server/src/protocol';
import type { PageGraph } from '../../server/src/features/graph';

type FromWebview = { type: 'ready' } | { type: 'open'; id: string } | { type: 'centre'; id: string } | { type: 'hops'; hops: 1 | 2 } | { type: 'drawn'; nodes: string[] };

export class GraphPanel {
  private static current: GraphPanel | undefined;
  private hops: 1 | 2 = 1;
  private centre: vscode.Uri | undefined;
  /** The nodes sent to the webview: the only ones it may ask to open. */
  private readonly known = new Set<string>();
  /** The node titles the webview last drew (it reports them), for the end-to-end tests. */
  drawn: string[] = [];
  /** The last graph sent, sent again when the webview's script says it is ready (it may have missed it while loading). */
  private sent: unknown;

  static show(context: vscode.ExtensionContext, client: LanguageClient): GraphPanel {
    if (GraphPanel.current) {
      GraphPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      const panel = vscode.window.createWebviewPanel('wikiMarkdown.graph', 'Link graph', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
      });
      GraphPanel.current = new GraphPanel(panel, context, client);
    }
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId === 'markdown') void GraphPanel.current.centreOn(editor.document.uri);
    return GraphPanel.current;
  }

  static get shown(): GraphPanel | undefined {
    return GraphPanel.current;
  }

  private constructor(private readonly panel: vscode.WebviewPanel, context: vscode.ExtensionContext, private readonly client: LanguageClient) {
    const webview = panel.webview;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'graph.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'graph.css'));
    webview.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${webview.cspSource}; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:;">
<link rel="stylesheet" href="${style}"><title>Link graph</title></head>
<body><div id="bar"><span id="title"></span><label><input type="checkbox" id="two-hops"> two hops</label><span id="note"></span></div>
<div id="graph"></div><script src="${script}"></script></body></html>`;
    const disposables = [
      webview.onDidReceiveMessage((message: FromWebview) => this.received(message)),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor?.document.languageId === 'markdown' && editor.document.uri.scheme === 'file') void this.centreOn(editor.document.uri);
      }),
    ];
    panel.onDidDispose(() => {
      GraphPanel.current = undefined;
      for (const d of disposables) d.dispose();
    });
  }

  async centreOn(uri: vscode.Uri): Promise<void> {
    this.centre = uri;
    const graph = await this.client.sendRequest<PageGraph | null>(GRAPH_REQUEST, { uri: uri.toString(), hops: this.hops });
    if (!graph || this.centre !== uri) return;
    this.known.clear();
    for (const node of graph.nodes) this.known.add(node.id);
    this.sent = { type: 'graph', graph, hops: this.hops };
    void this.panel.webview.postMessage(this.sent);
  }

  private received(message: FromWebview): void {
    if (message.type === 'ready') {
      if (this.sent) void this.panel.webview.postMessage(this.sent);
    } else if (message.type === 'drawn') this.drawn = message.nodes;
    else if (message.type === 'hops') {
      this.hops = message.hops;
      if (this.centre) void this.centreOn(this.centre);
    } else if (this.known.has(message.id) && !message.id.startsWith('missing:')) {
      const uri = vscode.Uri.file(message.id);
      if (message.type === 'open') void vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preview: true });
      else void this.centreOn(uri);
    }
  }
}
