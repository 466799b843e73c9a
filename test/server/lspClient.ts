// Spawns the bundled server (`node dist/server.js --stdio`) and speaks LSP to it, as an editor does.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams, WorkspaceEdit } from 'vscode-languageserver';
import type { IndexStatus } from '../../server/src/protocol';

export class LspClient {
  readonly connection: MessageConnection;
  private readonly process: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every status the server sent (the status bar's), in order. */
  readonly statuses: IndexStatus[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly logs: string[] = [];
  /** Edits the server asked the editor to apply (`workspace/applyEdit`); all are accepted. */
  readonly appliedEdits: { label?: string; edit: WorkspaceEdit }[] = [];
  /** Messages the server asked the user about (`window/showMessageRequest`), in order. */
  readonly questions: string[] = [];
  /** The title of the action the user picks in such a message (none: the message is dismissed). */
  answer: string | undefined;
  private versions = new Map<string, number>();
  /** The server's XDG_CACHE_HOME, where it persists its index. */
  readonly cacheHome: string;
  /** A cache folder made for this client alone is removed when it stops; one given is the caller's. */
  private readonly ownsCache: boolean;

  /** `cacheHome`: a fresh folder unless given. `nodeOptions` go to the server's node (a heap limit, say). */
  constructor(serverPath = 'dist/server.js', cacheHome?: string, nodeOptions: string[] = []) {
    this.ownsCache = cacheHome === undefined;
    this.cacheHome = cacheHome ?? mkdtempSync(join(tmpdir(), 'wikimd-cache-'));
    this.process = spawn(process.execPath, [...nodeOptions, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: this.cacheHome } });
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => { this.logs.push(p.message); });
    this.connection.onNotification('wikiMarkdown/status', (p: IndexStatus) => { this.statuses.push(p); });
    this.connection.onRequest('workspace/applyEdit', (p: { label?: string; edit: WorkspaceEdit }) => {
      this.appliedEdits.push(p);
      return { applied: true };
    });
    this.connection.onRequest('window/showMessageRequest', (p: { message: string; actions?: { title: string }[] }) => {
      this.questions.push(p.message);
      return p.actions?.find((a) => a.title === this.answer) ?? null;
    });
    this.connection.listen();
  }

  async initialize(root: string, settings?: unknown): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }],
      capabilities: {},
      initializationOptions: settings === undefined ? undefined : { settings },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  async open(file: string, text: string): Promise<string> {
    const uri = pathToFileURL(file).href;
    this.versions.set(uri, 1);
    this.diagnostics.delete(uri);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    return uri;
  }

  async change(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.diagnostics.delete(uri);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Waits until diagnostics for the uri arrive that satisfy the predicate (or fails after a time-out). */
  async diagnosticsFor(uri: string, until: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 15_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.diagnostics.get(uri);
      if (got && until(got.diagnostics)) return got.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(got?.diagnostics.map((d) => d.code))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Asks again until the answer satisfies the predicate (the link graph fills in the background). */
  async requestUntil<T>(method: string, params: unknown, until: (result: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.request<T>(method, params);
      if (until(result)) return result;
      if (Date.now() > deadline) throw new Error(`${method}: no satisfying answer; last: ${JSON.stringify(result)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  get pid(): number {
    return this.process.pid!;
  }

  get exited(): boolean {
    return this.process.exitCode !== null;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    this.process.kill();
    if (!this.ownsCache) return;
    // The server may still be writing its index there until it is gone.
    if (this.process.exitCode === null && this.process.signalCode === null) await new Promise((resolve) => this.process.once('exit', resolve));
    rmSync(this.cacheHome, { recursive: true, force: true });
  }
}
