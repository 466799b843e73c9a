// `wikimd check [DIR…]`: the server's checks over a whole corpus, for the terminal and for CI.
// Same parser, workspace, diagnostics and fixes as the language server; see cli/ for the parts.
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import { version } from '../../package.json';
import { nodeFileSystem } from './workspace/fileSystem';
import { Workspace } from './workspace/workspace';
import { indexFileFor } from './workspace/indexStore';
import { DEFAULT_SETTINGS, workspaceOptions, type DiagnosticCode, type Settings } from './features/settings';
import { WIKI_LANGUAGES } from './workspace/language';
import { FIXABLE_CODES } from './protocol';
import { checkFiles, displayPathFrom, runWorkerIfWorker } from './cli/pool';
import { workerCount } from './workspace/workerPool';
import { growHeapsByAQuarter } from './heapGrowth';
import { createReporter, summary, type Format } from './cli/report';
import { findingsFileOf, openFindingsStore } from './cli/findingsCache';

const USAGE = `usage: wikimd check [options] [DIR…]

Checks every page under the Page folders of each DIR (default: the current folder).
  --format text|json|sarif   output (default text: path:line:col: severity code message)
  --fix CODE[,CODE]          apply the preferred fixes of these codes in place (${FIXABLE_CODES.join(', ')})
  --dry-run                  with --fix: print a unified diff instead of writing
  --summary                  print only the table of counts per code
  --jobs N                   worker threads (default: all cores from 20000 pages)
  --cache DIR                keep the title index and the findings in DIR: the next run skips
                             listing the page folders when none changed, and checks again only
                             the pages whose text changed, and those whose links reach a page
                             or redirect added, removed or renamed
  --language auto|${WIKI_LANGUAGES.join('|')}    the wiki's content language, whose link-trail rule applies
                             (default auto: read off each page's Wikipedia links)
Exit code: 0 clean, 1 when any diagnostic is an error, 2 on bad usage.`;

/** Below this many pages, starting workers costs more than it saves. */
const PARALLEL_THRESHOLD = 20_000;

interface Options { format: string; fix?: DiagnosticCode[]; dryRun: boolean; summary: boolean; jobs?: number; cache?: string; language: Settings['language']; dirs: string[] }

function parseArgs(args: string[]): Options | string {
  const options: Options = { format: 'text', dryRun: false, summary: false, language: 'auto', dirs: [] };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? args[i].split(/=(.*)/s) : [args[i], undefined];
    const value = () => inline ?? args[++i] ?? '';
    if (flag === '--format') options.format = value();
    else if (flag === '--fix') options.fix = value().split(',').filter(Boolean) as DiagnosticCode[];
    else if (flag === '--dry-run') options.dryRun = true;
    else if (flag === '--summary') options.summary = true;
    else if (flag === '--jobs') options.jobs = Number(value());
    else if (flag === '--cache') options.cache = value();
    else if (flag === '--language') options.language = value() as Settings['language'];
    else if (flag.startsWith('-')) return `unknown option "${flag}"`;
    else options.dirs.push(flag);
  }
  if (!['text', 'json', 'sarif'].includes(options.format)) return `unknown format "${options.format}"`;
  if (options.fix && (!options.fix.length || options.fix.some((c) => !(FIXABLE_CODES as readonly string[]).includes(c)))) {
    return `--fix takes codes among ${FIXABLE_CODES.join(', ')}`;
  }
  if (options.dryRun && !options.fix) return '--dry-run goes with --fix';
  if (options.jobs !== undefined && !(Number.isInteger(options.jobs) && options.jobs >= 1)) return '--jobs takes a whole number of at least 1';
  if (options.cache === '') return '--cache takes a folder';
  if (options.language !== 'auto' && !(WIKI_LANGUAGES as readonly string[]).includes(options.language)) return `--language takes auto or one of ${WIKI_LANGUAGES.join(', ')}`;
  if (!options.dirs.length) options.dirs.push('.');
  return options;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'check') return usage(command === undefined ? 'no command given' : `unknown command "${command}"`);
  const options = parseArgs(rest);
  if (typeof options === 'string') return usage(options);

  const started = Date.now();
  const format: Format = options.dryRun ? 'diff' : options.summary ? 'summary' : options.format as Format;
  // Diffs go to stdout; the summary of a dry run goes to stderr.
  const output = bufferedOutput((s) => process.stdout.write(s));
  try {
    return await check(options, format, output, started);
  } finally {
    output.flush();
  }
}

async function check(options: Options, format: Format, output: ReturnType<typeof bufferedOutput>, started: number): Promise<number> {
  const cwd = process.cwd();
  const displayPath = displayPathFrom(cwd);
  const progress = progressBar();
  const { reporter, tally } = createReporter(format, output.write, displayPath, Boolean(options.fix), version);
  // A reader that stops early (`wikimd check | head`) ends the run quietly, as grep and git do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(tally.errors > 0 ? 1 : 0);
  });
  for (const dir of options.dirs) {
    const root = path.resolve(dir);
    if (!(await nodeFileSystem.stat(root))?.isDirectory) {
      process.stderr.write(`wikimd: ${dir} is not a folder\n`);
      return 2;
    }
    const settings = { ...DEFAULT_SETTINGS, language: options.language };
    const workspace = new Workspace(nodeFileSystem, (m) => process.stderr.write(`wikimd: ${m}\n`), [root], workspaceOptions(settings));
    const indexFile = options.cache === undefined ? undefined : indexFileFor([root], path.resolve(options.cache));
    await workspace.open(indexFile);
    const files = workspace.index.pageList().inPathOrder();
    collectGarbage();
    const jobs = options.jobs ?? (files.length >= PARALLEL_THRESHOLD ? workerCount(8) : 1);
    // A run that fixes pages neither takes nor keeps findings.
    const findings = indexFile && !options.fix
      ? await openFindingsStore(findingsFileOf(indexFile), workspace.index.table(), files.length, __filename, JSON.stringify({ language: options.language, ...workspace.indexKey }), (m) => process.stderr.write(`wikimd: ${m}\n`))
      : undefined;
    const checkOptions = { settings, fix: options.fix, fixTo: options.dryRun ? 'diff' as const : 'write' as const, displayPath, cwd };
    let done = 0;
    const reused = await checkFiles(workspace, files, checkOptions, jobs <= 1 ? 0 : jobs, (result) => {
      progress(++done, files.length);
      if (result.problem) process.stderr.write(`${progress.clear()}wikimd: ${result.problem}\n`);
      reporter.file(result);
    }, undefined, undefined, undefined, findings);
    if (findings?.previous) process.stderr.write(`${progress.clear()}wikimd: ${reused} of ${files.length} pages unchanged since the last run: their findings taken from the cache\n`);
    if (indexFile) await workspace.persist(indexFile).catch((e) => process.stderr.write(`wikimd: could not write the cache ${indexFile}: ${(e as Error).message}\n`));
  }
  progress.end();
  const seconds = (Date.now() - started) / 1000;
  reporter.end(seconds);
  output.flush();
  if (options.dryRun) process.stderr.write(`${summary(tally, seconds, true, displayPath)}\n`);
  return tally.errors > 0 && !options.dryRun ? 1 : 0;
}

/** Output gathered into writes of 64 KB: a write for each finding cost a system call each. */
function bufferedOutput(write: (s: string) => void): { write: (s: string) => void; flush: () => void } {
  let pending = '';
  const flush = () => {
    if (pending) write(pending);
    pending = '';
  };
  return {
    write: (s) => {
      pending += s;
      if (pending.length >= 1 << 16) flush();
    },
    flush,
  };
}

/**
 * Listing a million pages leaves this thread half a gigabyte of garbage, and the long check after it
 * allocates too little here for the engine to collect it: collected once, by hand, before it.
 */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** A progress bar on stderr, only on a terminal and not under CI. */
function progressBar(): ((done: number, total: number) => void) & { end(): void; clear(): string } {
  const shown = Boolean(process.stderr.isTTY) && !process.env.CI;
  let last = 0;
  const draw = (done: number, total: number) => {
    if (!shown || (Date.now() - last < 100 && done < total)) return;
    last = Date.now();
    const width = 30;
    const filled = total ? Math.round((width * done) / total) : width;
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} pages`);
  };
  const clear = () => (shown ? '\r\x1b[K' : '');
  return Object.assign(draw, { end: () => process.stderr.write(clear()), clear });
}

function usage(problem: string): number {
  process.stderr.write(`wikimd: ${problem}\n${USAGE}\n`);
  return 2;
}

if (isMainThread) growHeapsByAQuarter();

if (!runWorkerIfWorker()) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => {
      process.stderr.write(`wikimd: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
