// LSP wiring: connects requests and notifications to the features. No logic of its own beyond
// keeping the open documents' parses, debouncing diagnostics, and following file events.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, CodeActionKind, FileChangeType, ResponseError, ErrorCodes, CodeLensRefreshRequest,
  type InitializeParams, type InitializeResult, type WorkspaceFolder, type CancellationToken, type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from './workspace/fileSystem';
import { growHeapsByAQuarter } from './heapGrowth';
import { lowerHelperThreads } from './workspace/threadPriority';
import { Workspace, type FileChange } from './workspace/workspace';
import { indexFileFor } from './workspace/indexStore';
import { pacer } from './workspace/pacing';
import { editedPageContext, loadPage, type PageContext } from './features/page';
import { findProblems, toDiagnostics } from './features/diagnostics';
import { codeActions, FIX_ALL_KIND } from './features/codeActions';
import { hover } from './features/hover';
import { definition } from './features/definition';
import { documentLinks } from './features/documentLinks';
import { references, backlinkLens } from './features/references';
import { linksIn, linksOut, prepareLinkHierarchy } from './features/linkHierarchy';
import { prepareRename, rename, willRenameFiles } from './features/rename';
import { completion } from './features/completion';
import { documentSymbols, workspaceSymbols } from './features/symbols';
import { foldingRanges } from './features/folding';
import { fixAllInWorkspace } from './features/fixAllWorkspace';
import { FIX_ALL_IN_WORKSPACE_COMMAND, FIXABLE_CODES, GRAPH_REQUEST, PREVIEW_LINKS_REQUEST, STATUS_NOTIFICATION, type IndexStatus } from './protocol';
import { pageGraph } from './features/graph';
import { previewLinks } from './features/previewLinks';
import { countProblems, fixPages, type PageCounts } from './cli/pool';
import { checkFile } from './cli/checkFile';
import { findingsFileOf } from './cli/findingsCache';
import { DEFAULT_SETTINGS, readSettings, workspaceOptions, type DiagnosticCode, type Settings } from './features/settings';

growHeapsByAQuarter();
lowerHelperThreads();
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const log = (message: string) => connection.console.log(message);

let settings: Settings = DEFAULT_SETTINGS;
let workspace = new Workspace(nodeFileSystem, log);
let rootFolders: string[] = [];
let canPullConfiguration = false;
let canReportProgress = false;
let canRefreshLenses = false;
let ready: Promise<void> = Promise.resolve();
/** Settles once the persisted link graph (if any) is taken: what links where waits for it, briefly, rather than answer from an empty graph. */
let linksReady: Promise<void> = Promise.resolve();
/** Whether the titles are indexed; before, a page's diagnostics come from probing the files its links name. */
let indexed = false;
let contentScan = { cancelled: false };
/** The storage folder the editor gave for the persisted index (undefined: the user's cache folder). */
let storagePath: string | undefined;
let persistTimer: NodeJS.Timeout | undefined;
/** After changes, the index is persisted again once things are quiet for this long. */
const PERSIST_DELAY_MS = 30_000;
/** The script of the background workers: the content scan, the title order. */
const BACKGROUND_WORKER = path.join(__dirname, 'scanWorker.js');
/** While the user typed this recently, the background reading of pages sends its workers no new pages. */
const TYPING_PAUSE_MS = 1000;
let lastEditAt = 0;
let recountTimer: NodeJS.Timeout | undefined;
/** The count of the corpus' problems, while one runs: whether pages changed on disk meanwhile. */
let counting: { changedMeanwhile: boolean } | undefined;
/** File events that come together (a `git pull`) are counted once, after this quiet time. */
const RECOUNT_DELAY_MS = 1000;
const userIsTyping = () => Date.now() - lastEditAt < TYPING_PAUSE_MS;

/** The files renames are reported for: pages. */
const PAGE_FILES = { filters: [{ scheme: 'file', pattern: { glob: '**/*.md', matches: 'file' as const } }] };

/** Each open page's last parse, with its text: the next version is parsed again only around the edit. */
const parses = new Map<string, { version: number; page: PageContext; text: string }>();
/** Each page's scheduled check, as the function that cancels it. */
const pending = new Map<string, () => void>();

/** The page of an open `file:` document, parsed once per version; undefined for anything else. */
function pageOf(uri: string): PageContext | undefined {
  const document = documents.get(uri);
  const file = filePath(uri);
  if (!document || !file) return undefined;
  const cached = parses.get(uri);
  if (cached && cached.version === document.version) return cached.page;
  const page = editedPageContext(document, file, settings.maxPageSize, cached);
  parses.set(uri, { version: document.version, page, text: document.getText() });
  workspace.pageEdited(file, page.parsed);
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

/** The uri of each open file's document: file events ask for every file whether it is open. */
const openUris = new Map<string, string>();

function openDocument(file: string): TextDocument | undefined {
  const uri = openUris.get(file);
  return uri === undefined ? undefined : documents.get(uri);
}

/** Once the titles are indexed and the persisted link graph (if any) taken. */
async function graphReady(): Promise<void> {
  await ready;
  await linksReady;
}

/** The open page a request is about, once the index is ready; undefined when the request was cancelled. */
async function requestPage(uri: string, token?: CancellationToken): Promise<PageContext | undefined> {
  await ready;
  return token?.isCancellationRequested ? undefined : pageOf(uri);
}

function validate(uri: string) {
  const page = pageOf(uri);
  if (!page) return;
  const diagnostics = toDiagnostics(page, findProblems(page, workspace), settings);
  connection.sendDiagnostics({ uri, version: page.document.version, diagnostics });
  // The corpus count follows the pages the user edits.
  const counted = problemsByFile?.replace(page.file, diagnostics.length);
  if (counted !== undefined && counted !== diagnostics.length) setStatus({ problems: (status.problems ?? 0) + diagnostics.length - counted }, true);
}

/** Diagnostics before the titles are indexed: the files the page's links name are looked up directly. */
async function validateEarly(uri: string) {
  const page = pageOf(uri);
  if (!page) return;
  const probed = workspace;
  await probed.probeLinks(page.parsed.links, page.file);
  // Once the index is there, its answer (scheduled when it became ready) is the one to show.
  if (!indexed && probed === workspace) validate(uri);
}

function scheduleValidation(uri: string, delay = settings.diagnosticsDelay) {
  pending.get(uri)?.();
  const check = () => {
    pending.delete(uri);
    if (indexed) validate(uri);
    else {
      void validateEarly(uri)
        .catch((e) => connection.console.error(`checking ${uri} before the index failed: ${(e as Error).stack}`))
        .then(() => ready)
        .then(() => validate(uri));
    }
  };
  // Without a delay, at the end of this turn of the event loop (changes already received coalesce), not a timer's 1 ms later.
  if (delay > 0) {
    const timer = setTimeout(check, delay);
    pending.set(uri, () => clearTimeout(timer));
  } else {
    const immediate = setImmediate(check);
    pending.set(uri, () => clearImmediate(immediate));
  }
}

let status: IndexStatus = { phase: 'listing', pages: 0, fromCache: false };
/** Each page's problems as last counted, for the status bar's total. */
let problemsByFile: PageCounts | undefined;
let statusSentAt = 0;
/** Tells the client where indexing stands: at most twice a second, except a change of phase. */
function setStatus(next: Partial<IndexStatus>, now = false) {
  status = { ...status, ...next };
  if (!now && Date.now() - statusSentAt < 500) return;
  statusSentAt = Date.now();
  void connection.sendNotification(STATUS_NOTIFICATION, status);
}

function persistSoon() {
  clearTimeout(persistTimer);
  persistTimer = setTimeout(() => void persistIndex(), PERSIST_DELAY_MS);
}

async function persistIndex() {
  clearTimeout(persistTimer);
  const file = indexFileFor(rootFolders, storagePath);
  try {
    await workspace.persist(file, userIsTyping, BACKGROUND_WORKER);
  } catch (e) {
    connection.console.warn(`could not persist the index to ${file}: ${(e as Error).message}`);
  }
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

/**
 * Progress through pages, reported when its percentage changes: a report per batch of pages was
 * thousands of messages when the pages were only stat'ed (a restart), and replies waited behind them.
 */
function pageProgress(progress: WorkDoneProgressServerReporter | undefined, onPercent?: (percent: number) => void, what = ''): (done: number, total: number) => void {
  let reported = -1;
  return (done, total) => {
    const percent = Math.round((100 * done) / total);
    if (percent === reported) return;
    reported = percent;
    progress?.report(percent, `${done}/${total} pages${what && ` ${what}`}`);
    onPercent?.(percent);
  };
}

/** Indexes the corpus, then reads every page into the link graph in the background with work-done progress. */
async function indexWorkspace() {
  contentScan.cancelled = true;
  const options = workspaceOptions(settings);
  // The workspace made at initialize (which may hold probed files) serves unless it is indexed or its options changed.
  if (indexed || JSON.stringify(workspace.options) !== JSON.stringify(options)) workspace = new Workspace(nodeFileSystem, log, rootFolders, options);
  indexed = false;
  setStatus({ phase: 'listing', pages: 0, percent: undefined, problems: undefined, fromCache: false }, true);
  const indexFile = indexFileFor(rootFolders, storagePath);
  const from = await workspace.open(indexFile);
  indexed = true;
  setStatus({ phase: 'reading', pages: workspace.index.pageCount(), percent: 0, fromCache: from === 'persisted' }, true);
  const scan = (contentScan = { cancelled: false });
  const current = workspace;
  // The titles answer already; the graph (hundreds of MB at a million pages) is read after them.
  linksReady = current.openLinks(indexFile);
  void (async () => {
    // Until the titles are in order, prefix search (completion) puts groups of them in order. The
    // pages are read once they are: read beside it, the order took 4-5 s at 1.4M pages, not 1-1.5 s.
    const ordered = current.orderTitles(userIsTyping, BACKGROUND_WORKER);
    const progress = canReportProgress ? await connection.window.createWorkDoneProgress() : undefined;
    await linksReady;
    // Prefix search still works without the order: a failure costs completion time, never the graph.
    await ordered.catch((e) => connection.console.error(`putting the titles in order failed: ${(e as Error).stack}`));
    progress?.begin(from === 'persisted' || current.links.progress.complete ? 'Wiki Markdown: checking pages against the persisted index' : 'Wiki Markdown: reading pages', 0, undefined, true);
    await current.scanContents(
      () => scan.cancelled || (progress?.token.isCancellationRequested ?? false),
      pageProgress(progress, (percent) => setStatus({ percent })),
      BACKGROUND_WORKER,
      userIsTyping,
    );
    progress?.done();
    if (scan.cancelled) return;
    if (canRefreshLenses) connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    // Encoding the index holds this thread for seconds at a million pages: not while the user's first requests come in.
    persistSoon();
    problemsByFile = undefined;
    await countCorpus(current, scan, true);
  })().catch((e) => connection.console.error(`reading the pages in the background failed: ${(e as Error).stack}`));
}

/**
 * Counts the problems of every page for the status bar, on workers. The findings cache beside the
 * index gives the rows of each page unchanged since the last count whose links reach no page added
 * or removed since, so a count again after a `git pull` checks only what the pull can have changed.
 * `first`: the running total shows as pages are checked; a count again shows the old total until done.
 * Pages changed on disk while it runs may have been counted before they changed: it counts again.
 */
async function countCorpus(current: Workspace, job: { cancelled: boolean }, first: boolean) {
  if (!settings.countProblems) return setStatus({ phase: 'ready', percent: undefined }, true);
  setStatus({ phase: 'counting', percent: 0 }, true);
  const run = (counting = { changedMeanwhile: false });
  try {
    const counts = await countProblems(current, settings, path.join(__dirname, 'cli.js'), (done, total, found) => {
      setStatus({ percent: Math.round((100 * done) / total), ...(first ? { problems: found } : {}) });
    }, () => job.cancelled || current !== workspace, userIsTyping, { file: findingsFileOf(indexFileFor(rootFolders, storagePath)), log });
    if (!counts) return;
    problemsByFile = counts.byFile;
    setStatus({ phase: 'ready', percent: undefined, problems: counts.problems }, true);
  } catch (e) {
    // A worker that fails (a page no check foresaw) costs the count, never the server.
    connection.console.error(`counting the problems of the corpus failed: ${(e as Error).stack}`);
    setStatus({ phase: 'ready', percent: undefined, problems: undefined }, true);
  } finally {
    if (counting === run) counting = undefined;
  }
  if (run.changedMeanwhile) recountSoon();
}

/** A count again after pages changed on disk, once file events stop coming for a moment (or once the count running ends). */
function recountSoon() {
  clearTimeout(recountTimer);
  recountTimer = setTimeout(() => {
    if (counting) counting.changedMeanwhile = true;
    else if (problemsByFile) void countCorpus(workspace, contentScan, false);
  }, RECOUNT_DELAY_MS);
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const folders: WorkspaceFolder[] = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
  rootFolders = folders.map((f) => filePath(f.uri)).filter((p): p is string => p !== undefined);
  canPullConfiguration = params.capabilities.workspace?.configuration ?? false;
  canReportProgress = params.capabilities.window?.workDoneProgress ?? false;
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport ?? false;
  const options = params.initializationOptions as { settings?: unknown; storagePath?: unknown } | undefined;
  if (typeof options?.storagePath === 'string' && path.isAbsolute(options.storagePath)) storagePath = options.storagePath;
  if (options?.settings !== undefined) {
    const read = readSettings(options.settings);
    settings = read.settings;
  }
  workspace = new Workspace(nodeFileSystem, log, rootFolders, workspaceOptions(settings));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      documentLinkProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      referencesProvider: true,
      callHierarchyProvider: true,
      renameProvider: { prepareProvider: true },
      completionProvider: { triggerCharacters: ['/', '['] },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      foldingRangeProvider: true,
      codeLensProvider: { resolveProvider: false },
      executeCommandProvider: { commands: [FIX_ALL_IN_WORKSPACE_COMMAND] },
      workspace: {
        fileOperations: { willRename: PAGE_FILES, didRename: PAGE_FILES },
      },
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
  // The language changes only the checks: no new index.
  else workspace.options = { ...workspace.options, language: settings.language };
  await ready;
  revalidateAll();
});

/** File events wait here as received and are taken in batches, their paths made in the paced drain: a `git pull` sends tens of thousands at once. */
const fileEvents: { uri: string; type: FileChange['type'] }[] = [];
let drainingFileEvents: Promise<void> | undefined;
const EVENT_TYPES = { [FileChangeType.Created]: 'created', [FileChangeType.Changed]: 'changed', [FileChangeType.Deleted]: 'deleted' } as const;

connection.onDidChangeWatchedFiles(({ changes }) => {
  for (const change of changes) {
    const type = EVENT_TYPES[change.type as keyof typeof EVENT_TYPES];
    if (type) fileEvents.push({ uri: change.uri, type });
  }
  drainingFileEvents ??= drainFileEvents();
});

async function drainFileEvents() {
  await ready;
  let anyTitleChanged = false;
  /** Pages changed on disk that are not open (an open page's count follows its diagnostics). */
  const changedOnDisk = new Set<string>();
  while (fileEvents.length) {
    const current = workspace;
    const changes: FileChange[] = [];
    const pause = pacer();
    for (const { uri, type } of fileEvents.splice(0)) {
      const due = pause();
      if (due) await due;
      const file = filePath(uri);
      if (file) changes.push({ file, type });
    }
    const titlesChanged = await current.applyFileChanges(changes, (file) => openDocument(file) !== undefined, BACKGROUND_WORKER);
    if (titlesChanged && current === workspace) revalidateAll();
    anyTitleChanged ||= titlesChanged;
    for (const { file, type } of changes) if (type === 'changed' && !openDocument(file)) changedOnDisk.add(file);
  }
  drainingFileEvents = undefined;
  persistSoon();
  // A page's findings depend on its text and the titles: with the titles the same, only the pages changed can count otherwise.
  if (anyTitleChanged || changedOnDisk.size > COUNT_EACH_UP_TO || counting) recountSoon();
  else await countPagesAgain(changedOnDisk);
}

/** Pages changed on disk up to which each is counted again on this thread; past it, the corpus through the cache. */
const COUNT_EACH_UP_TO = 100;

/** Counts again a few pages changed on disk, the titles unchanged (no other page's problems can have moved). */
async function countPagesAgain(files: Iterable<string>) {
  const pause = pacer(undefined, userIsTyping);
  for (const file of files) {
    if (problemsByFile?.get(file) === undefined) continue;
    const due = pause();
    if (due) await due;
    const result = await checkFile(workspace, file, { settings, displayPath: (f) => f });
    const counted = problemsByFile?.replace(file, result.rows.length);
    if (counted === undefined) continue;
    setStatus({ problems: (status.problems ?? 0) + result.rows.length - counted }, true);
  }
}

/** Pages whose open has not been checked yet: a page just opened is checked at once, an edit after a pause in typing. */
const opening = new Set<string>();
documents.onDidOpen((e) => {
  opening.add(e.document.uri);
  const file = filePath(e.document.uri);
  if (file) openUris.set(file, e.document.uri);
});
documents.onDidChangeContent((e) => {
  if (opening.delete(e.document.uri)) return scheduleValidation(e.document.uri, 0);
  lastEditAt = Date.now();
  scheduleValidation(e.document.uri);
});
documents.onDidClose((e) => {
  parses.delete(e.document.uri);
  const file = filePath(e.document.uri);
  if (file && openUris.get(file) === e.document.uri) openUris.delete(file);
  if (file) void workspace.refreshLinks(file);
  pending.get(e.document.uri)?.();
  pending.delete(e.document.uri);
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover(async (params, token) => {
  const page = await requestPage(params.textDocument.uri, token);
  return page ? hover(page, workspace, page.document.offsetAt(params.position), openDocument) : null;
});

connection.onDefinition(async (params, token) => {
  const page = await requestPage(params.textDocument.uri, token);
  return page ? definition(page, workspace, page.document.offsetAt(params.position)) : null;
});

connection.onDocumentLinks(async (params, token) => {
  const page = await requestPage(params.textDocument.uri, token);
  return page ? documentLinks(page, workspace) : null;
});

connection.onCodeAction(async (params, token) => {
  const page = await requestPage(params.textDocument.uri, token);
  return page ? codeActions(page, workspace, settings, params.context.diagnostics, params.context.only) : null;
});

connection.onReferences(async (params, token) => {
  await graphReady();
  const page = await requestPage(params.textDocument.uri, token);
  if (!page) return null;
  return references(page, workspace, page.document.offsetAt(params.position), openDocument, settings.maxPageSize, () => token.isCancellationRequested);
});

connection.languages.callHierarchy.onPrepare(async (params, token) => {
  const page = await requestPage(params.textDocument.uri, token);
  return page ? prepareLinkHierarchy(page, workspace, page.document.offsetAt(params.position)) : null;
});

connection.languages.callHierarchy.onIncomingCalls(async (params, token) => {
  await graphReady();
  const file = filePath(params.item.uri);
  return file ? linksIn(workspace, file, openDocument, settings.maxPageSize, () => token.isCancellationRequested) : null;
});

connection.languages.callHierarchy.onOutgoingCalls(async (params) => {
  await ready;
  const file = filePath(params.item.uri);
  return file ? linksOut(workspace, file, openDocument, settings.maxPageSize) : null;
});

connection.onCodeLens(async (params, token) => {
  if (!settings.backlinkLens) return [];
  await graphReady();
  const page = await requestPage(params.textDocument.uri, token);
  return page ? backlinkLens(page, workspace) : [];
});

connection.onPrepareRename(async (params, token) => {
  const page = await requestPage(params.textDocument.uri, token);
  if (!page) return null;
  const prepared = prepareRename(page, workspace, page.document.offsetAt(params.position));
  if ('error' in prepared) throw new ResponseError(ErrorCodes.InvalidRequest, prepared.error);
  return prepared;
});

connection.onRenameRequest(async (params, token) => {
  await graphReady();
  const page = await requestPage(params.textDocument.uri, token);
  if (!page) return null;
  const edit = await rename(page, workspace, page.document.offsetAt(params.position), params.newName, openDocument, renameOptions());
  if ('error' in edit) throw new ResponseError(ErrorCodes.InvalidRequest, edit.error);
  return edit;
});

connection.workspace.onWillRenameFiles(async (params) => {
  await graphReady();
  const files = params.files
    .map((f) => ({ oldPath: filePath(f.oldUri), newPath: filePath(f.newUri) }))
    .filter((f): f is { oldPath: string; newPath: string } => f.oldPath !== undefined && f.newPath !== undefined);
  return willRenameFiles(workspace, files, openDocument, renameOptions());
});

/** A page open in the editor, else read from disk (inside the workspace only). */
async function anyPage(uri: string): Promise<PageContext | undefined> {
  const file = filePath(uri);
  return pageOf(uri) ?? (file === undefined ? undefined : await loadPage(workspace, file, openDocument, settings.maxPageSize));
}

// The Markdown preview asks how to draw a page's links; before the index is ready, the files they name are probed.
connection.onRequest(PREVIEW_LINKS_REQUEST, async (params: { uri: string }) => {
  const page = await anyPage(params.uri);
  if (!page) return [];
  if (!indexed) await workspace.probeLinks(page.parsed.links, page.file);
  return previewLinks(page, workspace);
});

// The graph view asks for a page's neighbourhood.
connection.onRequest(GRAPH_REQUEST, async (params: { uri: string; hops?: number }) => {
  await graphReady();
  const page = await anyPage(params.uri);
  return page ? pageGraph(page, workspace, params.hops === 2 ? 2 : 1) : null;
});

// A page moved: the Redirect/ links to its old file would dangle; they follow it.
connection.workspace.onDidRenameFiles(async (params) => {
  await ready;
  for (const f of params.files) {
    const [oldPath, newPath] = [filePath(f.oldUri), filePath(f.newUri)];
    if (oldPath === undefined || newPath === undefined) continue;
    const { retargeted, problems } = await workspace.retargetRedirects(oldPath, newPath);
    if (retargeted.length) log(`retargeted ${retargeted.length} redirect(s) to ${newPath}`);
    for (const problem of problems) connection.window.showWarningMessage(`Wiki Markdown: ${problem}`);
  }
});

connection.onCompletion(async (params, token) => {
  const page = await requestPage(params.textDocument.uri, token);
  return page ? completion(page, workspace, page.document.offsetAt(params.position)) : null;
});

connection.onDocumentSymbol(async (params, token) => {
  const page = await requestPage(params.textDocument.uri, token);
  return page ? documentSymbols(page) : null;
});

connection.onWorkspaceSymbol(async (params, token) => {
  await ready;
  return workspaceSymbols(workspace, params.query, () => token.isCancellationRequested);
});

connection.onFoldingRanges(async (params, token) => {
  const page = await requestPage(params.textDocument.uri, token);
  return page ? foldingRanges(page) : null;
});

connection.onExecuteCommand(async (params) => {
  if (params.command !== FIX_ALL_IN_WORKSPACE_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
  const code = params.arguments?.[0] as DiagnosticCode;
  if (!(FIXABLE_CODES as readonly string[]).includes(code)) throw new ResponseError(ErrorCodes.InvalidParams, `no fix-all for "${String(code)}"; one of ${FIXABLE_CODES.join(', ')}`);
  await ready;
  const progress = canReportProgress ? await connection.window.createWorkDoneProgress() : undefined;
  progress?.begin(`Wiki Markdown: fixing ${code}`, 0, undefined, true);
  const isCancelled = () => progress?.token.isCancellationRequested ?? false;
  const steps = { edits: pageProgress(progress, undefined, 'checked'), write: pageProgress(progress, undefined, 'written') };
  try {
    const result = await fixAllInWorkspace(workspace, {
      code, openDocument, maxLength: settings.maxPageSize, maxPreviewPages: settings.maxPreviewPages, isCancelled,
      openFiles: documents.all().map((d) => filePath(d.uri)).filter((f): f is string => f !== undefined),
      run: (files, fixTo, onPage) => fixPages(workspace, settings, [code], fixTo, files, path.join(__dirname, 'cli.js'), onPage, isCancelled, userIsTyping),
      onProgress: (done, total, step) => steps[step](done, total),
      confirmWrite: async (pages, edits) => {
        const write = 'Write to the files';
        const chosen = await connection.window.showWarningMessage(
          `Fix all ${code}: ${edits} fixes in ${pages} pages, more than a preview shows (wikiMarkdown.fixAll.maxPreviewPages: ${settings.maxPreviewPages}). Write them to the files? Open pages get theirs in the editor; the files can be reviewed and undone with version control.`,
          { title: write }, { title: 'Cancel' },
        ).catch(() => undefined);
        return chosen?.title === write;
      },
      applyEdit: async (edit) => (await connection.workspace.applyEdit({ label: `Fix all ${code}`, edit })).applied,
    });
    const unfixed = result.unfixed ? `; ${result.unfixed} pages not fixed (${result.problems[0]})` : '';
    if (result.written !== undefined) void connection.window.showInformationMessage(`Fix all ${code}: ${result.written} pages written${result.cancelled ? ' before it was cancelled' : ''}${unfixed}.`);
    else if (unfixed) void connection.window.showWarningMessage(`Fix all ${code}${unfixed}.`);
    return result;
  } finally {
    progress?.done();
  }
});

function renameOptions() {
  return { updateWikiLinks: settings.renameWikiLinks, maxLength: settings.maxPageSize };
}

connection.onShutdown(() => {
  contentScan.cancelled = true;
  clearTimeout(persistTimer);
  clearTimeout(recountTimer);
});

documents.listen(connection);
connection.listen();
