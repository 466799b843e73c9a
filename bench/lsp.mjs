// Drives our language server over stdio as an editor does and times what a user waits for:
// titles indexed, first diagnostics, a keystroke on a 100 KB page, hover/definition/completion,
// the background link graph (with the server's peak RSS), references.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
/** Keystrokes timed in each phase: enough that p95 is not one unlucky keystroke. */
const KEYSTROKES = 200;

function procStatus(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMB: kb('VmRSS') / 1024, peakRssMB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMB: 0, peakRssMB: 0 };
  }
}

/** Starts the server on `root`; resolves when the titles are indexed. `countProblems`: the status bar's count of the corpus (on by default for users). */
async function startServer(root, cacheHome, { countProblems = false } = {}) {
  const t0 = process.hrtime.bigint();
  // BENCH_SERVER_ARGS: node options for the server, e.g. `--cpu-prof --cpu-prof-dir DIR` to profile it.
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_ARGS ? process.env.BENCH_SERVER_ARGS.split(' ') : []), path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const diagnostics = new Map();
  const waiters = [];
  let indexedAt;
  let graphDoneAt;
  const onIndexed = new Promise((resolve) => {
    connection.onNotification('window/logMessage', (p) => {
      if (/^indexed \d+ pages/.test(p.message)) {
        indexedAt = ms(t0);
        resolve();
      }
    });
  });
  const onGraph = new Promise((resolve) => {
    connection.onNotification('$/progress', (p) => {
      if (p.value?.kind === 'end') {
        graphDoneAt = ms(t0);
        resolve();
      }
    });
  });
  let counted;
  const onCounted = new Promise((resolve) => {
    connection.onNotification('wikiMarkdown/status', (status) => {
      if (status.phase === 'ready' && status.problems !== undefined && !counted) {
        counted = { seconds: ms(t0) / 1000, problems: status.problems };
        resolve(counted);
      }
    });
  });
  connection.onRequest('window/workDoneProgress/create', () => null);
  // Fix all in workspace: its preview is not applied, its question past the preview is declined (when it came is kept).
  let askedAt;
  connection.onRequest('workspace/applyEdit', () => ({ applied: false }));
  connection.onRequest('window/showMessageRequest', () => {
    askedAt = ms(t0);
    return null;
  });
  connection.onNotification('textDocument/publishDiagnostics', (p) => {
    // When the first publication of each version arrived: a page's first diagnostics may come long
    // before the titles are indexed, and the full index's answer for the same version after them.
    const prev = diagnostics.get(p.uri);
    diagnostics.set(p.uri, { ...p, receivedMs: prev && prev.version === p.version ? prev.receivedMs : ms(t0) });
    for (const w of waiters.splice(0)) w();
  });
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'bench' }],
    capabilities: { window: { workDoneProgress: true } },
    // The corpus problem count (status bar) would run on workers while latencies are measured: it is measured on its own.
    initializationOptions: { settings: { diagnosticsDelay: 0, statusBar: { countProblems } } },
  });
  await connection.sendNotification('initialized', {});
  const server = {
    child, connection, t0, onIndexed, onGraph, onCounted,
    get indexedAt() { return indexedAt; },
    get graphDoneAt() { return graphDoneAt; },
    get askedAt() { return askedAt; },
    async diagnosticsFor(uri, version) {
      for (;;) {
        const got = diagnostics.get(uri);
        if (got && (version === undefined || got.version === version)) return got;
        await new Promise((r) => waiters.push(r));
      }
    },
    async stop() {
      await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000))]).catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      connection.dispose();
      child.kill();
    },
  };
  return server;
}

const position = (text, offset) => {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
};

/**
 * A `git pull` of 50k pages: each gains a category link at its top, one notification names them all, and a hover
 * on that category is asked again and again (its count shows how far the server got; each answer's
 * time shows whether requests kept being served). The pages are restored afterwards.
 */
async function measureBulkChange(server, pageDir, names, count = Math.min(50_000, names.length)) {
  // At the top: a page's end may lie inside a code block or a table, where a link is no link.
  const marker = '[Category:BenchBulk](https://zh.wikipedia.org/wiki/Category:BenchBulk "wikilink")\n\n';
  const files = names.slice(0, count).map((n) => path.join(pageDir, n));
  const originals = files.map((f) => readFileSync(f));
  // The pages are put back however the run ends (Ctrl-C, a timeout, output piped into `head`): the corpus may be the user's own (--corpus).
  const restore = () => files.forEach((f, i) => writeFileSync(f, originals[i]));
  const interrupted = () => process.exit(130);
  process.on('exit', restore);
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  try {
    files.forEach((f, i) => writeFileSync(f, Buffer.concat([Buffer.from(marker), originals[i]])));
    const probe = pathToFileURL(path.join(pageDir, '__bench_bulk.md')).href;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: probe, languageId: 'markdown', version: 1, text: marker.trim() } });
    const t0 = process.hrtime.bigint();
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: files.map((f) => ({ uri: pathToFileURL(f).href, type: 2 })) });
    const latencies = [];
    let absorbed = null;
    while (ms(t0) < 600_000) {
      const h0 = process.hrtime.bigint();
      const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri: probe }, position: { line: 0, character: 2 } });
      latencies.push(ms(h0));
      if (new RegExp(`\\b${count} pages in the workspace carry`).test(hover?.contents?.value ?? '')) {
        absorbed = ms(t0) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return { bulkPages: count, bulkAbsorbedSeconds: absorbed, bulkHoverMs: { p50: percentile(latencies, 50), max: Math.max(...latencies) } };
  } finally {
    process.off('exit', restore);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    restore();
  }
}

/**
 * The page most linked from a sample of pages: a corpus' popular pages (the generator's are
 * Zipf-like) are what "what links here" and fix-all meet at their largest.
 */
function mostLinkedPage(pageDir, names, sample = 2000) {
  const counts = new Map();
  for (let i = 0; i < names.length; i += Math.max(1, Math.floor(names.length / sample))) {
    for (const m of readFileSync(path.join(pageDir, names[i]), 'utf8').matchAll(/\]\(\.\.\/Page\/((?:[^()\s\\]|\\.)+?\.md) "wikilink"\)/g)) {
      counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
    }
  }
  for (const [dest] of [...counts].sort((a, b) => b[1] - a[1])) {
    const file = path.join(pageDir, decodeURIComponent(dest.replace(/\\(.)/g, '$1')));
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** A request timed, with a hover asked every 50 ms meanwhile: how long the user waits, and whether the server keeps answering. */
async function timeWithHovers(connection, request, hoverAt) {
  let done = false;
  const t0 = process.hrtime.bigint();
  const answer = request().finally(() => { done = true; });
  const hovers = [];
  while (!done) {
    const h = process.hrtime.bigint();
    await connection.sendRequest('textDocument/hover', hoverAt);
    hovers.push(ms(h));
    await new Promise((r) => setTimeout(r, 50));
  }
  const result = await answer;
  // Flat: the bench rounds the numbers one level down.
  return { result, ms: ms(t0), hovers: hovers.length, hoverP50Ms: percentile(hovers, 50), hoverMaxMs: Math.max(...hovers) };
}

/** The persisted index file under a cache folder (the server names it after the workspace). */
function indexFileIn(cacheHome) {
  const dir = path.join(cacheHome, 'wiki-markdown');
  if (!existsSync(dir)) return undefined;
  const [name] = readdirSync(dir);
  return name && existsSync(path.join(dir, name, 'index.bin')) ? path.join(dir, name, 'index.bin') : undefined;
}

export async function measureServer(root, { graphTimeoutS = 1800 } = {}) {
  const pageDir = path.join(root, 'Page');
  const names = readdirSync(pageDir).filter((n) => n.endsWith('.md')).sort();
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'wikimd-bench-cache-'));
  const server = await startServer(root, cacheHome);
  const { connection } = server;
  const out = {};

  // A page opened right away: diagnostics wait for the titles, never for the link graph.
  const first = path.join(pageDir, names[0]);
  const firstUri = pathToFileURL(first).href;
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: firstUri, languageId: 'markdown', version: 1, text: readFileSync(first, 'utf8') } });
  await server.onIndexed;
  out.indexTitlesSeconds = server.indexedAt / 1000;
  out.firstDiagnosticsSeconds = (await server.diagnosticsFor(firstUri, 1)).receivedMs / 1000;

  // A 100 KB page made of real generated pages, edited one keystroke at a time.
  let big = '';
  for (let i = 0; big.length < 100_000; i++) big += readFileSync(path.join(pageDir, names[(i * 7919) % names.length]), 'utf8');
  const bigUri = pathToFileURL(path.join(pageDir, '__bench_100k.md')).href;
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'markdown', version: 1, text: big } });
  await server.diagnosticsFor(bigUri, 1);
  // Typed while the pages are still being read in the background, and again once the corpus is idle.
  let version = 1;
  const timeKeystrokes = async () => {
    const keystrokes = [];
    for (let n = 0; n < KEYSTROKES; n++) {
      const v = ++version;
      const at = position(big, Math.floor(big.length / 2));
      const t0 = process.hrtime.bigint();
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: bigUri, version: v },
        contentChanges: [{ range: { start: at, end: at }, text: 'x' }],
      });
      await server.diagnosticsFor(bigUri, v);
      keystrokes.push(ms(t0));
      big = big.slice(0, Math.floor(big.length / 2)) + 'x' + big.slice(Math.floor(big.length / 2));
    }
    return { p50: percentile(keystrokes, 50), p95: percentile(keystrokes, 95) };
  };
  out.keystrokeDiagnosticsMs = await timeKeystrokes();

  // Requests at local links of the big page.
  const links = [...big.matchAll(/\[[^\]\n]+\]\(\.\.\/Page\//g)].map((m) => position(big, m.index + 1));
  const timeRequests = async (method, params) => {
    const times = [];
    for (let i = 0; i < 200; i++) {
      const t0 = process.hrtime.bigint();
      await connection.sendRequest(method, params(links[i % links.length]));
      times.push(ms(t0));
    }
    return { p50: percentile(times, 50), p95: percentile(times, 95) };
  };
  const at = (p) => ({ textDocument: { uri: bigUri }, position: p });
  out.hoverMs = await timeRequests('textDocument/hover', at);
  out.definitionMs = await timeRequests('textDocument/definition', at);
  // Completion in the text of a new link: `[` plus the start of a title.
  const completionUri = pathToFileURL(path.join(pageDir, '__bench_completion.md')).href;
  // Prefixes from titles spread over the corpus (the first 200 names in order would all begin alike).
  const prefixes = Array.from({ length: 200 }, (_, i) => names[Math.floor((i * names.length) / 200)].slice(0, 2));
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: completionUri, languageId: 'markdown', version: 1, text: prefixes.map((p) => `[${p}`).join('\n') } });
  const completionTimes = [];
  for (let i = 0; i < prefixes.length; i++) {
    const t0 = process.hrtime.bigint();
    await connection.sendRequest('textDocument/completion', { textDocument: { uri: completionUri }, position: { line: i, character: prefixes[i].length + 1 } });
    completionTimes.push(ms(t0));
  }
  out.completionMs = { p50: percentile(completionTimes, 50), p95: percentile(completionTimes, 95) };
  out.rssBeforeGraphMB = procStatus(server.child.pid).rssMB;

  let timer;
  const graph = await Promise.race([server.onGraph.then(() => true), new Promise((r) => { timer = setTimeout(() => r(false), graphTimeoutS * 1000); })]);
  clearTimeout(timer);
  out.linkGraphSeconds = graph ? server.graphDoneAt / 1000 : null;
  out.serverPeakRssMB = procStatus(server.child.pid).peakRssMB;
  out.idleKeystrokeDiagnosticsMs = await timeKeystrokes();
  const t0 = process.hrtime.bigint();
  const refs = await connection.sendRequest('textDocument/references', { ...at(links[0]), context: { includeDeclaration: false } });
  out.referencesMs = ms(t0);
  out.referencesFound = refs?.length ?? 0;
  // What the Markdown preview and the graph view ask for the 100 KB page.
  const timeCustom = async (method, params) => {
    const times = [];
    let answer;
    for (let i = 0; i < 20; i++) {
      const t = process.hrtime.bigint();
      answer = await connection.sendRequest(method, params);
      times.push(ms(t));
    }
    return { p50: percentile(times, 50), p95: percentile(times, 95), answer };
  };
  const preview = await timeCustom('wikiMarkdown/previewLinks', { uri: bigUri });
  out.previewLinksMs = { p50: preview.p50, p95: preview.p95, links: preview.answer.length };
  const graphView = await timeCustom('wikiMarkdown/graph', { uri: bigUri, hops: 2 });
  out.graphViewMs = { p50: graphView.p50, p95: graphView.p95, nodes: graphView.answer?.nodes.length ?? 0 };
  // The index is persisted once the graph is complete.
  const persistStarted = Date.now();
  while (!indexFileIn(cacheHome) && Date.now() - persistStarted < 600_000) await new Promise((r) => setTimeout(r, 200));
  // The graph's file is written first, then the titles': both are there once the titles' is.
  const sizeMB = (file) => (existsSync(file) ? Number((statSync(file).size / 1e6).toFixed(1)) : null);
  out.persistedIndexMB = indexFileIn(cacheHome) ? sizeMB(indexFileIn(cacheHome)) : null;
  out.persistedGraphMB = indexFileIn(cacheHome) ? sizeMB(indexFileIn(cacheHome).replace(/\.bin$/, '.graph.bin')) : null;
  // Writing the index is the server's other memory peak: the peak so far includes it.
  out.serverPeakRssWithPersistMB = procStatus(server.child.pid).peakRssMB;
  // Over the whole corpus at once: what links to the most linked page, and fix all in workspace (declined once asked).
  const hoverAt = at(links[0]);
  const popular = mostLinkedPage(pageDir, names);
  if (popular) {
    const uri = pathToFileURL(popular).href;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: readFileSync(popular, 'utf8') } });
    const timed = await timeWithHovers(connection, () => connection.sendRequest('textDocument/references', { textDocument: { uri }, position: { line: 0, character: 0 }, context: { includeDeclaration: false } }), hoverAt);
    out.popularReferences = { ms: timed.ms, found: timed.result?.length ?? 0, pages: new Set(timed.result?.map((l) => l.uri)).size, hoverP50Ms: timed.hoverP50Ms, hoverMaxMs: timed.hoverMaxMs };
    await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  const fixAll = await timeWithHovers(connection, () => connection.sendRequest('workspace/executeCommand', { command: 'wikiMarkdown.server.fixAllInWorkspace', arguments: ['link-trail'] }), hoverAt);
  out.fixAll = { seconds: fixAll.ms / 1000, pages: fixAll.result?.pages, edits: fixAll.result?.edits, asked: server.askedAt !== undefined, hoverP50Ms: fixAll.hoverP50Ms, hoverMaxMs: fixAll.hoverMaxMs, peakRssMB: procStatus(server.child.pid).peakRssMB };
  await server.stop();

  // Restart on the unchanged corpus: titles, first diagnostics and references from the persisted index.
  // The page asked for references is found first, off the restart's clock.
  let linking;
  for (const n of names) {
    if (readFileSync(path.join(pageDir, n), 'utf8').includes('](../Page/')) {
      linking = path.join(pageDir, n);
      break;
    }
  }
  const again = await startServer(root, cacheHome);
  const againUri = pathToFileURL(first).href;
  await again.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: againUri, languageId: 'markdown', version: 1, text: readFileSync(first, 'utf8') } });
  again.opened = [againUri];
  await again.onIndexed;
  out.restartIndexSeconds = again.indexedAt / 1000;
  out.restartFirstDiagnosticsSeconds = (await again.diagnosticsFor(againUri, 1)).receivedMs / 1000;
  // References from the first link of the first page with one (opened too).
  const LOCAL = /\[[^\]\n]+\]\(\.\.\/Page\//g;
  if (linking) {
    const text = readFileSync(linking, 'utf8');
    const uri = pathToFileURL(linking).href;
    await again.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    again.opened.push(uri);
    const firstLink = [...text.matchAll(LOCAL)][0];
    const refsAgain = await again.connection.sendRequest('textDocument/references', { textDocument: { uri }, position: position(text, firstLink.index + 1), context: { includeDeclaration: false } });
    out.restartReferencesSeconds = ms(again.t0) / 1000;
    out.restartReferencesFound = refsAgain?.length ?? 0;
  }
  out.restartPeakRssMB = procStatus(again.child.pid).peakRssMB;
  // Pages open in the editor are newer than their files: close them, so that every changed file counts.
  for (const uri of again.opened) await again.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  Object.assign(out, await measureBulkChange(again, pageDir, names));
  await again.stop();

  // As users have it by default: the status bar counts the problems of the whole corpus on workers,
  // here after a restart (titles and graph from the persisted index, no findings kept yet).
  const counting = await startServer(root, cacheHome, { countProblems: true });
  let countTimer;
  const count = await Promise.race([counting.onCounted, new Promise((r) => { countTimer = setTimeout(() => r(null), graphTimeoutS * 1000); })]);
  clearTimeout(countTimer);
  out.countSeconds = count?.seconds ?? null;
  out.countProblems = count?.problems ?? null;
  out.countPeakRssMB = procStatus(counting.child.pid).peakRssMB;
  await counting.stop();
  rmSync(cacheHome, { recursive: true, force: true });
  return out;
}
