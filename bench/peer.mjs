// The peer: VS Code's own markdown link validation (vscode-markdown-languageservice, markdown-it as
// its parser), what a user has without us, driven through its public API over every page of the
// corpus, as VS Code's markdown server does. `node bench/peer.mjs DIR` prints the diagnostic count.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { createLanguageService, DiagnosticLevel, githubSlugifier, LogLevel } from 'vscode-markdown-languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';

const root = path.resolve(process.argv[2]);
const pageDir = path.join(root, 'Page');
const files = readdirSync(pageDir).filter((n) => n.endsWith('.md')).sort().map((n) => path.join(pageDir, n));
const md = new MarkdownIt({ html: true });
const noEvent = () => ({ dispose() {} });
const documents = new Map();

function open(file) {
  let doc = documents.get(file);
  if (!doc) {
    let text;
    try { text = readFileSync(file, 'utf8'); } catch { return undefined; }
    doc = TextDocument.create(URI.file(file).toString(), 'markdown', 1, text);
    documents.set(file, doc);
  }
  return doc;
}

const workspace = {
  workspaceFolders: [URI.file(root)],
  onDidChangeMarkdownDocument: noEvent,
  onDidCreateMarkdownDocument: noEvent,
  onDidDeleteMarkdownDocument: noEvent,
  async getAllMarkdownDocuments() { return files.map(open).filter(Boolean); },
  hasMarkdownDocument: (uri) => documents.has(uri.fsPath),
  async openMarkdownDocument(uri) { return uri.fsPath.endsWith('.md') ? open(uri.fsPath) : undefined; },
  async stat(uri) {
    try { return { isDirectory: statSync(uri.fsPath).isDirectory() }; } catch { return undefined; }
  },
  async readDirectory(uri) {
    return readdirSync(uri.fsPath, { withFileTypes: true }).map((e) => [e.name, { isDirectory: e.isDirectory() }]);
  },
};
const parser = { slugifier: githubSlugifier, async tokenize(doc) { return md.parse(doc.getText(), {}); } };
const service = createLanguageService({ workspace, parser, logger: { level: LogLevel.Off, log() {} } });
// What VS Code uses with `markdown.validate.enabled`.
const options = {
  validateReferences: DiagnosticLevel.warning,
  validateFragmentLinks: DiagnosticLevel.warning,
  validateFileLinks: DiagnosticLevel.warning,
  validateMarkdownFileLinkFragments: DiagnosticLevel.warning,
  validateUnusedLinkDefinitions: DiagnosticLevel.ignore,
  validateDuplicateLinkDefinitions: DiagnosticLevel.ignore,
  ignoreLinks: [],
};
const token = { isCancellationRequested: false, onCancellationRequested: noEvent };
let diagnostics = 0;
for (const file of files) {
  const doc = open(file);
  if (doc) diagnostics += (await service.computeDiagnostics(doc, options, token)).length;
  documents.delete(file); // keep memory bounded as VS Code does for closed documents
}
console.log(JSON.stringify({ pages: files.length, diagnostics }));
