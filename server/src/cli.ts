// `wikimd check [DIR…]`: the server's checks over a whole corpus, for the terminal and for CI.
// Same parser, workspace and diagnostics code as the language server.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from './workspace/fileSystem';
import { Workspace } from './workspace/workspace';
import { findProblems, toDiagnostics } from './features/diagnostics';
import { DEFAULT_SETTINGS, DIAGNOSTIC_CODES } from './features/settings';
import type { PageContext } from './features/page';
import { parsePage } from './parse';

const USAGE = `usage: wikimd check [--format text|json] [DIR…]

Checks every page under the Page folders of each DIR (default: the current folder) and prints
  path:line:col: severity code message
Exit code: 0 clean, 1 when any diagnostic is an error, 2 on bad usage.`;

const SEVERITY_NAMES = ['', 'error', 'warning', 'information', 'hint'];

interface Row { file: string; line: number; column: number; severity: string; code: string; message: string }

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'check') return usage(command === undefined ? 'no command given' : `unknown command "${command}"`);
  let format = 'text';
  const dirs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--format') format = rest[++i] ?? '';
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else if (arg.startsWith('-')) return usage(`unknown option "${arg}"`);
    else dirs.push(arg);
  }
  if (format !== 'text' && format !== 'json') return usage(`unknown format "${format}"`);
  if (dirs.length === 0) dirs.push('.');

  const rows: Row[] = [];
  let pages = 0;
  const started = Date.now();
  for (const dir of dirs) {
    const root = path.resolve(dir);
    if (!(await nodeFileSystem.stat(root))?.isDirectory) {
      process.stderr.write(`wikimd: ${dir} is not a folder\n`);
      return 2;
    }
    const workspace = new Workspace(nodeFileSystem, (m) => process.stderr.write(`wikimd: ${m}\n`), [root], {
      pageFolders: DEFAULT_SETTINGS.pageFolders, maxFileBytes: DEFAULT_SETTINGS.maxPageSize * 4,
    });
    await workspace.scan();
    const files = [...workspace.index.pages()].map((p) => p.path).sort();
    for (const file of files) {
      const read = await workspace.readText(file);
      if ('error' in read) {
        process.stderr.write(`wikimd: ${read.error}\n`);
        continue;
      }
      pages++;
      const document = TextDocument.create(pathToFileURL(file).href, 'markdown', 0, read.text);
      const page: PageContext = { document, file, parsed: parsePage(read.text, { maxLength: DEFAULT_SETTINGS.maxPageSize }) };
      for (const d of toDiagnostics(page, findProblems(page, workspace), DEFAULT_SETTINGS)) {
        rows.push({
          file: path.relative(process.cwd(), file) || file,
          line: d.range.start.line + 1, column: d.range.start.character + 1,
          severity: SEVERITY_NAMES[d.severity ?? 1], code: String(d.code), message: typeof d.message === 'string' ? d.message : d.message.value,
        });
      }
    }
  }

  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ pages, diagnostics: rows }, null, 2)}\n`);
  } else {
    for (const r of rows) process.stdout.write(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code} ${r.message}\n`);
    const counts = new Map<string, number>(DIAGNOSTIC_CODES.map((c) => [c, 0]));
    for (const r of rows) counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
    process.stdout.write(`\n${pages} pages checked in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
    for (const [code, n] of counts) process.stdout.write(`  ${code.padEnd(20)} ${n}\n`);
  }
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}

function usage(problem: string): number {
  process.stderr.write(`wikimd: ${problem}\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`wikimd: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 2;
  },
);
