// Code actions: the quick fixes of each diagnostic, and "fix all" for the page, per code and
// altogether (`source.fixAll.wikiMarkdown`, which editors can run on save).
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import type { Workspace } from '../workspace/workspace';
import { DIAGNOSTIC_SOURCE, findProblems, type Finding } from './diagnostics';
import { FIXABLE_CODES } from '../protocol';
import { fixAllEdits, fixesFor, type Fix, type OffsetEdit } from './fixes';
import { textEdits, type PageContext } from './page';
import type { DiagnosticCode, Settings } from './settings';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.wikiMarkdown`;

export function codeActions(
  page: PageContext, workspace: Workspace, settings: Settings, diagnostics: readonly Diagnostic[], only?: readonly string[],
): CodeAction[] {
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];
  // The page's findings, computed at most once for all the fix-all actions below.
  let findings: Finding[] | undefined;
  const pageFindings = () => (findings ??= findProblems(page, workspace));
  if (wants(CodeActionKind.QuickFix)) {
    const codesHere = new Set<DiagnosticCode>();
    for (const diagnostic of diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const code = String(diagnostic.code) as DiagnosticCode;
      const finding = { code, start: page.document.offsetAt(diagnostic.range.start), end: page.document.offsetAt(diagnostic.range.end) };
      for (const fix of fixesFor(page, workspace, finding)) {
        actions.push({ kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], title: fix.title, isPreferred: fix.preferred, edit: fixEdit(page, fix) });
      }
      codesHere.add(code);
    }
    for (const code of FIXABLE_CODES) {
      if (!codesHere.has(code)) continue;
      const count = pageFindings().filter((f) => f.code === code).length;
      if (count < 2) continue;
      const edits = fixAllEdits(page, workspace, new Set([code]), pageFindings());
      actions.push({ kind: CodeActionKind.QuickFix, title: `Fix all ${count} ${code} problems in this page`, edit: pageEdit(page, edits) });
    }
  }
  // Source actions only when asked for (the Source Action menu, fix-on-save), not on the lightbulb.
  if (only?.some((o) => FIX_ALL_KIND === o || FIX_ALL_KIND.startsWith(`${o}.`))) {
    const codes = new Set(FIXABLE_CODES.filter((c) => settings.severities[c] !== 'off'));
    const edits = fixAllEdits(page, workspace, codes, pageFindings());
    if (edits.length) actions.push({ kind: FIX_ALL_KIND, title: 'Fix all Wiki Markdown problems in this page', edit: pageEdit(page, edits) });
  }
  return actions;
}

function pageEdit(page: PageContext, edits: readonly OffsetEdit[]): WorkspaceEdit {
  return { changes: { [page.document.uri]: textEdits(page.document, edits) } };
}

function fixEdit(page: PageContext, fix: Fix): WorkspaceEdit {
  if (!fix.createFile) return pageEdit(page, fix.edits);
  const uri = pathToFileURL(fix.createFile.file).href;
  const top = { line: 0, character: 0 };
  return {
    documentChanges: [
      { kind: 'create', uri, options: { ignoreIfExists: true } },
      { textDocument: { uri, version: null }, edits: [{ range: { start: top, end: top }, newText: fix.createFile.text }] },
    ],
  };
}
