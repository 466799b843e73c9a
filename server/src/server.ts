// LSP wiring: connects requests and notifications to the features. No logic of its own beyond
// keeping the open documents' parses, debouncing diagnostics, and following file events.
import { fileURLToPath } from 'node:url';
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, CodeActionKind, FileChangeType,
  type InitializeParams, type InitializeResult, type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from './workspace/fileSystem';
import { Workspace } from './workspace/workspace';
import { pageContext, type PageContext } from './features/page';
import { findProblems, toDiagnostics } from './features/diagnostics';
import { codeActions } from './features/codeActions';
import { hover } from './features/hover';
import { definition } from './features/definition';
import { documentLinks } from './features/documentLinks';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './features/settings';

const DIAGNOSTICS_DEBOUNCE_MS = 150;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const log = (message: string) => connection.console.log(message);

let settings: Settings = DEFAULT_SETTINGS;
let workspace = new Workspace(nodeFileSystem, log);
let rootFolders: string[] = [];
let canPullConfiguration = false;
let canReportProgress = false;
let ready: Promise<void> = Promise.resolve();
let contentScan = { cancelled: false };

const parses = new Map<string, { version: number; page: PageContext }>();
const pending = new Map<string, NodeJS.Timeout>();

/** The page of an open `file:` document, parsed once per version; undefined for anything else. */
function pageOf(uri: string): PageContext | undefined {
  const document = documents.get(uri);
  const file = filePath(uri);
  if (!document || !file) return undefined;
  const cached = parses.get(uri);
  if (cached && cached.version === document.version) return cached.page;
  const page = pageContext(document, file, settings.maxPageSize);
  parses.set(uri, { version: document.version, page });
  return page;
}

function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function openText(file: string): string | undefined {
  for (const document of documents.all()) if (filePath(document.uri) === file) return document.getText();
  return undefined;
}

function validate(uri: string) {
  const page = pageOf(uri);
  if (!page) return;
  connection.sendDiagnostics({ uri, version: page.document.version, diagnostics: toDiagnostics(page, findProblems(page, workspace), settings) });
}

function scheduleValidation(uri: string, delay = DIAGNOSTICS_DEBOUNCE_MS) {
  clearTimeout(pending.get(uri));
  pending.set(uri, setTimeout(() => {
    pending.delete(uri);
    void ready.then(() => validate(uri));
  }, delay));
}

function revalidateAll() {
  for (const document of documents.all()) scheduleValidation(document.uri);
}

async function loadSettings(pushed?: unknown) {
  let raw: unknown = pushed;
  if (canPullConfiguration) raw = await connection.workspace.getConfiguration('wikiMarkdown');
  const read = readSettings(raw ?? {});
  for (const p of read.problems) connection.console.warn(p);
  settings = read.settings;
  parses.clear();
}

/** Indexes the corpus, then counts categories in the background with work-done progress. */
async function indexWorkspace() {
  contentScan.cancelled = true;
  workspace = new Workspace(nodeFileSystem, log, rootFolders, { pageFolders: settings.pageFolders, maxFileBytes: settings.maxPageSize * 4 });
  await workspace.scan();
  const scan = (contentScan = { cancelled: false });
  const current = workspace;
  void (async () => {
    const progress = canReportProgress ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('Wiki Markdown: reading pages', 0, undefined, true);
    await current.scanContents(
      () => scan.cancelled || (progress?.token.isCancellationRequested ?? false),
      (done, total) => progress?.report(Math.round((100 * done) / total), `${done}/${total} pages`),
    );
    progress?.done();
  })();
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const folders: WorkspaceFolder[] = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
  rootFolders = folders.map((f) => filePath(f.uri)).filter((p): p is string => p !== undefined);
  canPullConfiguration = params.capabilities.workspace?.configuration ?? false;
  canReportProgress = params.capabilities.window?.workDoneProgress ?? false;
  const options = params.initializationOptions as { settings?: unknown } | undefined;
  if (options?.settings !== undefined) {
    const read = readSettings(options.settings);
    settings = read.settings;
  }
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      documentLinkProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'wiki-markdown' },
  };
});

connection.onInitialized(() => {
  ready = (async () => {
    if (canPullConfiguration) await loadSettings();
    await indexWorkspace();
  })().catch((e) => connection.console.error(`indexing failed: ${(e as Error).stack}`));
  void ready.then(revalidateAll);
});

connection.onDidChangeConfiguration(async (change) => {
  const before = settings;
  await loadSettings((change.settings as { wikiMarkdown?: unknown } | undefined)?.wikiMarkdown);
  if (before.pageFolders.join() !== settings.pageFolders.join()) ready = indexWorkspace();
  await ready;
  revalidateAll();
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  await ready;
  let changed = false;
  for (const change of changes) {
    const file = filePath(change.uri);
    if (!file) continue;
    if (change.type === FileChangeType.Deleted) changed = workspace.fileDeleted(file) || changed;
    else if (change.type === FileChangeType.Created) changed = (await workspace.fileCreated(file)) || changed;
  }
  if (changed) revalidateAll();
});

documents.onDidChangeContent((e) => scheduleValidation(e.document.uri));
documents.onDidClose((e) => {
  parses.delete(e.document.uri);
  clearTimeout(pending.get(e.document.uri));
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover(async (params, token) => {
  await ready;
  const page = pageOf(params.textDocument.uri);
  if (!page || token.isCancellationRequested) return null;
  return hover(page, workspace, page.document.offsetAt(params.position), openText);
});

connection.onDefinition(async (params) => {
  await ready;
  const page = pageOf(params.textDocument.uri);
  return page ? definition(page, workspace, page.document.offsetAt(params.position)) : null;
});

connection.onDocumentLinks(async (params) => {
  await ready;
  const page = pageOf(params.textDocument.uri);
  return page ? documentLinks(page, workspace) : null;
});

connection.onCodeAction(async (params) => {
  await ready;
  const page = pageOf(params.textDocument.uri);
  return page ? codeActions(page, workspace, params.context.diagnostics) : null;
});

connection.onShutdown(() => {
  contentScan.cancelled = true;
});

documents.listen(connection);
connection.listen();
