// "Fix all <code> in workspace": the preferred fix of every finding of one code across the corpus.
// Up to `maxPreviewPages` pages it is one WorkspaceEdit whose edits carry a change annotation that
// needs confirmation, so the editor shows a preview before anything is written. A whole corpus is
// far more than a preview (or one message) can hold: past that, the user is asked once, the pages
// open in the editor get their fixes there and the others are written to their files, as
// `wikimd check --fix` writes them. The pages are read and fixed on worker threads (`RunFixes`),
// so the server answers the user meanwhile, and a cancel is heard.
import { pathToFileURL } from 'node:url';
import type { TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { ItemList } from '../workspace/workerPool';
import type { Workspace } from '../workspace/workspace';
import { fixAllEdits } from './fixes';
import { loadPage, textEdits, type OpenDocument } from './page';
import type { DiagnosticCode } from './settings';

/** One page's fixes as a `RunFixes` hands them on (`checkFile` of the CLI with `fixTo`). */
export interface PageFixes {
  file: string;
  /** With 'edits': the page's fixes (none: nothing to fix). */
  edits?: TextEdit[];
  /** How many fixes were made (or, with 'edits', would be). */
  fixed: number;
  /** Why the page was not fixed (too large, not valid UTF-8, not writable). */
  problem?: string;
}

/** Fixes pages, in the order of `files`: as edits, nothing written ('edits'), or written to their files ('write'). */
export type RunFixes = (files: ItemList<string>, fixTo: 'edits' | 'write', onPage: (page: PageFixes) => void) => Promise<void>;

export interface FixAllOptions {
  code: DiagnosticCode;
  run: RunFixes;
  /** The pages open in the editor, whose text there is newer than their files'. */
  openFiles: readonly string[];
  openDocument: OpenDocument;
  maxLength: number;
  /** Above this many pages to fix, no preview: the fixes are written once `confirmWrite` says so. */
  maxPreviewPages: number;
  confirmWrite: (pages: number, edits: number) => Promise<boolean>;
  applyEdit: (edit: WorkspaceEdit) => Promise<boolean>;
  isCancelled: () => boolean;
  /** Pages done of those to check ('edits') or to write ('write'). */
  onProgress: (done: number, total: number, step: 'edits' | 'write') => void;
}

export interface FixAllResult {
  pages: number;
  edits: number;
  cancelled: boolean;
  /** Whether the editor applied the edit (the preview accepted), or the user chose to write the fixes. */
  applied: boolean;
  /** Without a preview: the pages whose files were written. */
  written?: number;
  /** How many pages could not be fixed; `problems` says why for the first of them. */
  unfixed: number;
  problems: string[];
}

/** Reasons given back for pages not fixed: a corpus of binary files would make the answer as large. */
const PROBLEMS_LISTED = 10;

export async function fixAllInWorkspace(workspace: Workspace, o: FixAllOptions): Promise<FixAllResult> {
  const annotation = `wiki-markdown.${o.code}`;
  const open = new Set(o.openFiles);
  const codes = new Set([o.code]);
  // In the index's order: putting a million paths in order holds the server up for seconds; the preview is sorted alone.
  const files = workspace.index.pageList();
  // Pages to write (positions in `files`, not open in the editor); their edits only while a preview can hold them.
  const onDisk: number[] = [];
  let preview: TextDocumentEdit[] | undefined = [];
  let edits = 0;
  let done = 0;
  const problems: string[] = [];
  let unfixed = 0;
  const notFixed = (problem: string | undefined) => {
    if (problem && ++unfixed <= PROBLEMS_LISTED) problems.push(problem);
  };
  await o.run(files, 'edits', (page) => {
    const at = done++;
    o.onProgress(done, files.length, 'edits');
    notFixed(page.problem);
    if (!page.edits?.length || open.has(page.file)) return;
    onDisk.push(at);
    edits += page.edits.length;
    if (onDisk.length > o.maxPreviewPages) preview = undefined;
    preview?.push({ textDocument: { uri: pathToFileURL(page.file).href, version: null }, edits: page.edits });
  });
  const cancelled = (pages = onDisk.length) => ({ pages, edits, cancelled: true, applied: false, unfixed, problems });
  if (o.isCancelled()) return cancelled();
  // Open pages from the editor's text, unsaved changes and all.
  const inEditor: TextDocumentEdit[] = [];
  for (const file of o.openFiles) {
    const page = workspace.index.byFile(file)?.folder === 'Page' ? await loadPage(workspace, file, o.openDocument, o.maxLength) : undefined;
    const fixes = page ? fixAllEdits(page, workspace, codes) : [];
    if (!page || !fixes.length) continue;
    edits += fixes.length;
    inEditor.push({ textDocument: { uri: page.document.uri, version: page.document.version }, edits: textEdits(page.document, fixes) });
  }
  const pages = onDisk.length + inEditor.length;
  const result = { pages, edits, cancelled: false, unfixed, problems };
  if (pages === 0) return { ...result, applied: false };
  if (preview) {
    preview.sort((a, b) => (a.textDocument.uri < b.textDocument.uri ? -1 : a.textDocument.uri > b.textDocument.uri ? 1 : 0));
    const documentChanges = [...inEditor, ...preview].map((change) => ({ ...change, edits: change.edits.map((e) => ({ ...e, annotationId: annotation })) }));
    const edit: WorkspaceEdit = {
      documentChanges,
      changeAnnotations: { [annotation]: { label: `Fix ${o.code}`, description: `${edits} edits in ${pages} pages`, needsConfirmation: true } },
    };
    return { ...result, applied: await o.applyEdit(edit) };
  }
  if (!(await o.confirmWrite(pages, edits))) return { ...result, applied: false };
  if (inEditor.length) await o.applyEdit({ documentChanges: inEditor });
  // Each page is fixed again from its file as it is now: a page changed since is fixed as it stands.
  let written = 0;
  const toWrite: ItemList<string> = {
    length: onDisk.length,
    at: (i) => files.at(onDisk[i]),
    slice: (start, end) => onDisk.slice(start, end).map((at) => files.at(at)!),
  };
  done = 0;
  await o.run(toWrite, 'write', (page) => {
    o.onProgress(++done, toWrite.length, 'write');
    if (page.fixed) written++;
    notFixed(page.problem);
  });
  if (o.isCancelled()) return { ...cancelled(pages), unfixed, written };
  return { ...result, unfixed, applied: true, written };
}
