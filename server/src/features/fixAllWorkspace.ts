// "Fix all <code> in workspace": the preferred fix of every finding of one code across the corpus,
// as one WorkspaceEdit whose edits carry a change annotation that needs confirmation, so the
// editor shows a preview before anything is written.
import type { TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { Workspace } from '../workspace/workspace';
import { fixAllEdits } from './fixes';
import { loadPage, spanRange, type OpenDocument } from './page';
import type { DiagnosticCode } from './settings';

export interface FixAllResult {
  edit: WorkspaceEdit;
  pages: number;
  edits: number;
  cancelled: boolean;
}

export async function fixAllInWorkspace(
  workspace: Workspace, code: DiagnosticCode, openDocument: OpenDocument, maxLength: number,
  isCancelled: () => boolean, onProgress: (done: number, total: number) => void,
): Promise<FixAllResult> {
  const annotation = `wiki-markdown.${code}`;
  const documentChanges: TextDocumentEdit[] = [];
  const files = [...workspace.index.pageList()].sort();
  let edits = 0;
  let done = 0;
  for (const file of files) {
    if (isCancelled()) return { edit: {}, pages: documentChanges.length, edits, cancelled: true };
    const page = await loadPage(workspace, file, openDocument, maxLength);
    const fixEdits = page ? fixAllEdits(page, workspace, new Set([code])) : [];
    if (page && fixEdits.length) {
      edits += fixEdits.length;
      documentChanges.push({
        textDocument: { uri: page.document.uri, version: openDocument(file)?.version ?? null },
        edits: fixEdits.map((e) => ({ range: spanRange(page.document, e), newText: e.newText, annotationId: annotation })),
      });
    }
    if (++done % 100 === 0 || done === files.length) onProgress(done, files.length);
  }
  return {
    edit: {
      documentChanges,
      changeAnnotations: {
        [annotation]: { label: `Fix ${code}`, description: `${edits} edits in ${documentChanges.length} pages`, needsConfirmation: true },
      },
    },
    pages: documentChanges.length,
    edits,
    cancelled: false,
  };
}
