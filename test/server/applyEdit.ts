// Applies a WorkspaceEdit to the files on disk, as an editor does when the user accepts it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver';

function editFile(uri: string, edits: TextEdit[]) {
  const file = fileURLToPath(uri);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, TextDocument.applyEdits(TextDocument.create(uri, 'markdown', 0, text), edits));
}

export function applyToDisk(edit: WorkspaceEdit): void {
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) editFile(uri, edits);
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change) editFile(change.textDocument.uri, change.edits as TextEdit[]);
    else if (change.kind === 'rename') renameSync(fileURLToPath(change.oldUri), fileURLToPath(change.newUri));
    else if (change.kind === 'create') writeFileSync(fileURLToPath(change.uri), '', { flag: 'a' });
    else throw new Error(`unexpected change ${change.kind}`);
  }
}
