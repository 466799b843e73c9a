// The thin client: starts the bundled language server for markdown files, forwards settings and
// file events, and registers the commands. No parsing here.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
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
  };
  client = new LanguageClient('wikiMarkdown', 'Wiki Markdown', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('wikiMarkdown.restartServer', () => client?.restart()),
  );
  await client.start();
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
