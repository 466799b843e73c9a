// The thin client: starts the bundled language server for markdown files, forwards settings and
// file events, and registers the commands. No parsing here.
import * as vscode from 'vscode';
import {
  LanguageClient, TransportKind, ReferencesRequest, CloseAction, ErrorAction,
  type ErrorHandler, type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';

import {
  FIX_ALL_COMMAND, FIX_ALL_IN_WORKSPACE_COMMAND, FIXABLE_CODES, PREVIEW_LINKS_REQUEST, SHOW_BACKLINKS_COMMAND, SHOW_GRAPH_COMMAND, STATUS_NOTIFICATION,
  type IndexStatus,
} from '../../server/src/protocol';
import { GraphPanel } from './graphPanel';
import type MarkdownIt from 'markdown-it';
import type { PreviewLink } from '../../server/src/features/previewLinks';
import { wikiPreview } from './preview';

let client: LanguageClient | undefined;

/** What the extension offers other extensions (and its end-to-end tests). */
export interface WikiMarkdownApi {
  /** The status bar item's text, tooltip and command. */
  status(): { text: string; tooltip: string; command: string };
  /** VS Code's Markdown preview calls it with its markdown-it (`markdown.markdownItPlugins`). */
  extendMarkdownIt(md: MarkdownIt): MarkdownIt;
  /** The titles the graph view last drew, if it is open. */
  graphNodes(): string[] | undefined;
  /** The messages shown when the server stopped for good (the restart policy gave up). */
  serverGaveUp(): readonly string[];
}

export async function activate(context: vscode.ExtensionContext): Promise<WikiMarkdownApi> {
  const policy = restartPolicy();
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'markdown' }],
    synchronize: {
      configurationSection: 'wikiMarkdown',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.md'),
    },
    markdown: { isTrusted: false, supportHtml: false },
    errorHandler: policy,
    // Room VS Code gives this workspace (or every workspace) for the persisted index.
    initializationOptions: { storagePath: (context.storageUri ?? context.globalStorageUri).fsPath },
  };
  client = new LanguageClient('wikiMarkdown', 'Wiki Markdown', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('wikiMarkdown.restartServer', () => client?.restart()),
    vscode.commands.registerCommand(SHOW_BACKLINKS_COMMAND, showBacklinks),
    vscode.commands.registerCommand(FIX_ALL_COMMAND, fixAllInWorkspace),
    vscode.commands.registerCommand(SHOW_GRAPH_COMMAND, () => GraphPanel.show(context, client!)),
  );
  const item = vscode.window.createStatusBarItem('wikiMarkdown.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Wiki Markdown';
  item.command = 'workbench.actions.view.problems';
  context.subscriptions.push(item, client.onNotification(STATUS_NOTIFICATION, (status: IndexStatus) => showStatus(item, status)));
  await client.start();
  return {
    graphNodes: () => GraphPanel.shown?.drawn,
    serverGaveUp: () => policy.gaveUp,
    status: () => ({ text: item.text, tooltip: typeof item.tooltip === 'string' ? item.tooltip : '', command: String(item.command) }),
    extendMarkdownIt: (md) => wikiPreview(
      md,
      (uri) => client!.sendRequest<PreviewLink[]>(PREVIEW_LINKS_REQUEST, { uri }),
      () => void vscode.commands.executeCommand('markdown.preview.refresh'),
      () => vscode.window.activeTextEditor?.document.uri.toString(),
    ),
  };
}

/** `Indexing 41%`, then `1,234 pages · 56 problems`; the tooltip says where the index came from. */
function showStatus(item: vscode.StatusBarItem, status: IndexStatus): void {
  const count = (n: number) => n.toLocaleString('en-US');
  const percent = status.percent === undefined ? '' : ` ${status.percent}%`;
  const pages = `${count(status.pages)} pages`;
  const source = status.fromCache ? 'Index loaded from the persisted cache; pages changed since were read again.' : 'Index built from the page folders.';
  if (status.phase === 'listing') item.text = '$(sync~spin) Wiki: indexing';
  else if (status.phase === 'reading') item.text = `$(sync~spin) Wiki: indexing${percent}`;
  else if (status.phase === 'counting') item.text = `$(book) ${pages} · counting problems${percent}`;
  else item.text = `$(book) ${pages}${status.problems === undefined ? '' : ` · ${count(status.problems)} problems`}`;
  item.tooltip = `Wiki Markdown: ${pages}${status.problems === undefined ? '' : `, ${count(status.problems)} problems in the corpus`}. ${source} Click to show the Problems view.`;
  item.show();
}

/** Restarts a crashed server at most 3 times in 3 minutes; after that, says so once and stays down. */
function restartPolicy(): ErrorHandler & { gaveUp: string[] } {
  const WINDOW_MS = 3 * 60_000;
  const MAX_RESTARTS = 3;
  let crashes: number[] = [];
  const gaveUp: string[] = [];
  return {
    gaveUp,
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      const now = Date.now();
      crashes = [...crashes.filter((t) => now - t < WINDOW_MS), now];
      if (crashes.length <= MAX_RESTARTS) return { action: CloseAction.Restart };
      const message = `Wiki Markdown: the language server stopped ${crashes.length} times in 3 minutes and will not be restarted. See the "Wiki Markdown" output; run "Wiki Markdown: Restart the language server" to try again.`;
      gaveUp.push(message);
      // A new start by the user's command gets three restarts again.
      crashes = [];
      return { action: CloseAction.DoNotRestart, message };
    },
  };
}

/** Opens the references view on the pages linking the page (or the link's target) at a position. */
async function showBacklinks(uriArg?: string | vscode.Uri, positionArg?: vscode.Position | { line: number; character: number }): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg ?? editor?.document.uri;
  const position = positionArg ? new vscode.Position(positionArg.line, positionArg.character) : editor?.selection.active ?? new vscode.Position(0, 0);
  if (!client || !uri) return;
  const locations = await client.sendRequest(ReferencesRequest.type, {
    textDocument: { uri: uri.toString() },
    position: { line: position.line, character: position.character },
    context: { includeDeclaration: false },
  });
  const converted = await client.protocol2CodeConverter.asReferences(locations);
  await vscode.commands.executeCommand('editor.action.showReferences', uri, position, converted ?? []);
}

/** Asks which kind to fix, then lets the server compute one edit that VS Code previews before applying (past the preview's limit, the server asks and writes the files). */
async function fixAllInWorkspace(code?: string): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Wiki Markdown: fixing files across the workspace needs a trusted workspace.');
    return;
  }
  const chosen = code ?? await vscode.window.showQuickPick([...FIXABLE_CODES], { placeHolder: 'Fix every problem of this kind in the workspace' });
  if (!chosen) return;
  await vscode.commands.executeCommand(FIX_ALL_IN_WORKSPACE_COMMAND, chosen);
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
