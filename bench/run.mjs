// `npm run bench [-- --pages N] [--compare-pages M] [--seed S] [--keep] [--corpus DIR]`
// Generates a corpus of N pages (default 100k) in a temporary folder, then measures in one run:
//   the floor (read every byte), our CLI, our language server over LSP, and — on an M-page corpus
//   (default 5000, the peer is slow) — our CLI against vscode-markdown-languageservice.
// Prints a table and writes bench/results.json. Numbers only: no pass/fail here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, statfsSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './generate.mjs';
import { measureServer } from './lsp.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : process.argv[i + 1] ?? true;
};
const pages = Number(arg('pages', 100_000));
const comparePages = Number(arg('compare-pages', Math.min(5000, pages)));
const seed = Number(arg('seed', 1));
const keep = process.argv.includes('--keep');
const say = (...a) => console.error('[bench]', ...a);

/** Runs a node script as its own process; wall time here, CPU and peak RSS from inside it. */
function measure(script, args) {
  const usageFile = path.join(os.tmpdir(), `bench-usage-${process.pid}-${Date.now()}.json`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(ROOT, 'bench/usage.cjs'), script, ...args], {
    encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, BENCH_USAGE_FILE: usageFile, CI: '1' },
  });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  rmSync(usageFile);
  return { wallSeconds, ...usage, stdout: r.stdout, stderr: r.stderr };
}

/** The bytes of a corpus' pages. */
function corpusBytes(dir) {
  let bytes = 0;
  for (const name of readdirSync(path.join(dir, 'Page'))) bytes += statSync(path.join(dir, 'Page', name)).size;
  return bytes;
}

/**
 * Adds `count` pages named after titles that links of the corpus' first pages miss, runs `during`,
 * and removes them again (however the run ends: the corpus may be the user's own). Returns what
 * `during` returned, with the number of pages added and of `missing-page` findings gone.
 */
function withPagesAdded(dir, count, during) {
  const pageDir = path.join(dir, 'Page');
  const names = readdirSync(pageDir).sort();
  const added = new Set();
  for (let i = 0; i < names.length && added.size < count; i++) {
    for (const m of readFileSync(path.join(pageDir, names[i]), 'utf8').matchAll(/\]\(\.\.\/Page\/([^()\s\\%]+\.md) "wikilink"\)/g)) {
      if (added.size < count && !existsSync(path.join(pageDir, m[1]))) added.add(m[1]);
    }
  }
  const files = [...added].map((n) => path.join(pageDir, n));
  const remove = () => files.forEach((f) => rmSync(f, { force: true }));
  process.on('exit', remove);
  try {
    files.forEach((f) => writeFileSync(f, `**${path.basename(f, '.md')}**\n`));
    const run = during();
    return { ...run, pagesAdded: files.length, missingPageGone: results.cli.counts['missing-page'] - run.counts['missing-page'] };
  } finally {
    process.off('exit', remove);
    remove();
  }
}

/** The counts per code from the CLI's summary table. */
const countsFrom = (summary) => Object.fromEntries([...summary.matchAll(/^  ([a-z-]+) +(\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
/** The kind of file system a folder is on, by its magic number: the floor is a disk's speed, or memory's (tmpfs). */
function fileSystemOf(dir) {
  const type = statfsSync(dir).type;
  return { 0x01021994: 'tmpfs', 0xef53: 'ext4', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs' }[type] ?? `0x${type.toString(16)}`;
}
const round = (x, d = 2) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
const top = mkdtempSync(path.join(os.tmpdir(), 'wikimd-bench-'));
const results = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, memGB: round(os.totalmem() / 2 ** 30, 1), node: process.version }, pages, comparePages, seed };
try {
  // --corpus DIR: a corpus generated before with the same --pages and --seed (kept, not regenerated).
  const given = arg('corpus', undefined);
  const full = given ? path.resolve(given) : path.join(top, 'full');
  say(given ? `using ${full}` : `generating ${pages} pages`);
  let t0 = Date.now();
  const generated = given ? { bytes: corpusBytes(full) } : generateCorpus({ pages, out: full, seed });
  results.corpus = { pages, megabytes: round(generated.bytes / 1e6, 1), generateSeconds: given ? null : round((Date.now() - t0) / 1000, 1), fileSystem: fileSystemOf(full) };

  // The floor is read twice, before the CLI and after it: how much of the corpus the disk's cache
  // holds makes one read of every byte take anywhere from 16 s to 211 s here. The faster is the floor.
  say('floor: reading every byte');
  const floors = [measure(path.join(ROOT, 'bench/floor.mjs'), [full])];

  say('our CLI on the whole corpus');
  const cli = measure(path.join(ROOT, 'dist/cli.js'), ['check', '--summary', full]);
  results.cli = { wallSeconds: round(cli.wallSeconds), cpuSeconds: round(cli.cpuSeconds), peakRssMB: round(cli.peakRssMB, 0), counts: countsFrom(cli.stdout) };

  say('floor again, after the CLI');
  floors.push(measure(path.join(ROOT, 'bench/floor.mjs'), [full]));
  const floor = floors.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
  results.floor = { wallSeconds: round(floor.wallSeconds), cpuSeconds: round(floor.cpuSeconds), peakRssMB: round(floor.peakRssMB, 0), runsWallSeconds: floors.map((f) => round(f.wallSeconds)) };

  // `--cache DIR`: the run that fills the cache, one on the unchanged corpus, and one after every page
  // got a new time (a fresh checkout: each page is read, and its text's digest says it is unchanged).
  say('our CLI with --cache: filling it, unchanged, after a fresh checkout');
  const cliCacheDir = path.join(top, 'cli-cache');
  const cached = (label, sameCounts = true) => {
    const run = measure(path.join(ROOT, 'dist/cli.js'), ['check', '--summary', '--cache', cliCacheDir, full]);
    if (sameCounts && JSON.stringify(countsFrom(run.stdout)) !== JSON.stringify(results.cli.counts)) throw new Error(`--cache (${label}) changed the findings`);
    const kept = /(\d+) of \d+ pages unchanged since the last run/.exec(run.stderr);
    return { wallSeconds: round(run.wallSeconds), cpuSeconds: round(run.cpuSeconds), peakRssMB: round(run.peakRssMB, 0), pagesKept: kept ? Number(kept[1]) : 0, counts: countsFrom(run.stdout) };
  };
  results.cliCache = { fill: cached('filling') };
  results.cliCache.unchanged = cached('unchanged');
  const later = Date.now() / 1000 + 60;
  for (const name of readdirSync(path.join(full, 'Page'))) utimesSync(path.join(full, 'Page', name), later, later);
  results.cliCache.newTimes = cached('fresh checkout');
  // A `git pull` that adds pages which other pages link: only the pages whose links reach them are checked again.
  results.cliCache.pagesAdded = withPagesAdded(full, 10, () => cached('pages added', false));
  for (const run of Object.values(results.cliCache)) delete run.counts;
  results.cliCache.findingsMB = round(readdirSync(cliCacheDir).filter((f) => f.endsWith('.findings.bin')).reduce((n, f) => n + statSync(path.join(cliCacheDir, f)).size, 0) / 1e6, 1);

  say('our language server over LSP');
  const server = await measureServer(full);
  results.server = Object.fromEntries(Object.entries(server).map(([k, v]) => [k, typeof v === 'number' ? round(v, 3) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([q, x]) => [q, round(x, 3)])) : v]));

  if (!keep && !given) rmSync(full, { recursive: true, force: true });
  const small = path.join(top, 'compare');
  say(`comparison corpus of ${comparePages} pages: ours, then the peer`);
  const smallCorpus = generateCorpus({ pages: comparePages, out: small, seed });
  const oursSmall = measure(path.join(ROOT, 'dist/cli.js'), ['check', '--summary', small]);
  const oneWorker = measure(path.join(ROOT, 'dist/cli.js'), ['check', '--summary', '--jobs', '1', small]);
  const peer = measure(path.join(ROOT, 'bench/peer.mjs'), [small]);
  const floorSmall = measure(path.join(ROOT, 'bench/floor.mjs'), [small]);
  results.compare = {
    pages: comparePages,
    ours: { wallSeconds: round(oursSmall.wallSeconds), cpuSeconds: round(oursSmall.cpuSeconds), peakRssMB: round(oursSmall.peakRssMB, 0), counts: countsFrom(oursSmall.stdout) },
    peer: { wallSeconds: round(peer.wallSeconds), cpuSeconds: round(peer.cpuSeconds), peakRssMB: round(peer.peakRssMB, 0), diagnostics: JSON.parse(peer.stdout).diagnostics },
    floor: { wallSeconds: round(floorSmall.wallSeconds), cpuSeconds: round(floorSmall.cpuSeconds) },
    oneWorker: { wallSeconds: round(oneWorker.wallSeconds), cpuSeconds: round(oneWorker.cpuSeconds), megabytesPerSecond: round(smallCorpus.bytes / 1e6 / oneWorker.wallSeconds, 1) },
  };
  results.compare.speedup = { wall: round(peer.wallSeconds / oursSmall.wallSeconds, 1), cpu: round(peer.cpuSeconds / oursSmall.cpuSeconds, 1) };
} finally {
  if (keep) say(`kept ${top}`);
  else rmSync(top, { recursive: true, force: true });
}

writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
const s = results.server;
const c = results.compare;
const lines = [
  `corpus: ${results.corpus.pages} pages, ${results.corpus.megabytes} MB (generated in ${results.corpus.generateSeconds} s) on ${results.corpus.fileSystem}; ${results.machine.cpus} cores`,
  '',
  '| what | ours | peer | ratio | target |',
  '|---|---|---|---|---|',
  `| floor: read every byte (the faster of a read before the CLI and one after: ${results.floor.runsWallSeconds.join(' / ')} s) | ${results.floor.wallSeconds} s | | | |`,
  `| CLI check, whole corpus (wall / CPU / peak RSS) | ${results.cli.wallSeconds} s / ${results.cli.cpuSeconds} s / ${results.cli.peakRssMB} MB | | ${round(results.cli.wallSeconds / results.floor.wallSeconds, 1)}× floor | ≤ 1.5× floor, < 1 GB |`,
  `| CLI with --cache: the run that fills it / again, corpus unchanged / again after every page got a new time (fresh checkout) | ${results.cliCache.fill.wallSeconds} / ${results.cliCache.unchanged.wallSeconds} / ${results.cliCache.newTimes.wallSeconds} s (peak RSS ${results.cliCache.fill.peakRssMB} / ${results.cliCache.unchanged.peakRssMB} / ${results.cliCache.newTimes.peakRssMB} MB; findings file ${results.cliCache.findingsMB} MB) | | ${round(results.cliCache.unchanged.wallSeconds / results.floor.wallSeconds, 2)}× / ${round(results.cliCache.newTimes.wallSeconds / results.floor.wallSeconds, 2)}× floor | |`,
  `| CLI with --cache after ${results.cliCache.pagesAdded.pagesAdded} pages that links miss were added (${results.cliCache.pagesAdded.missingPageGone} missing-page findings gone): pages kept | ${results.cliCache.pagesAdded.wallSeconds} s (${results.cliCache.pagesAdded.pagesKept} pages kept; peak RSS ${results.cliCache.pagesAdded.peakRssMB} MB) | | ${round(results.cliCache.pagesAdded.wallSeconds / results.floor.wallSeconds, 2)}× floor | |`,
  `| server start → titles indexed | ${s.indexTitlesSeconds} s | | | < 2 s |`,
  `| server start → diagnostics of the open page | ${s.firstDiagnosticsSeconds} s | | | < 0.3 s |`,
  `| keystroke → diagnostics, 100 KB page, while pages are read (p50 / p95) | ${s.keystrokeDiagnosticsMs.p50} / ${s.keystrokeDiagnosticsMs.p95} ms | | | p95 < 5 ms |`,
  `| same, corpus idle (after the link graph) | ${s.idleKeystrokeDiagnosticsMs?.p50} / ${s.idleKeystrokeDiagnosticsMs?.p95} ms | | | p95 < 5 ms |`,
  `| preview: how to draw the 100 KB page's links (p50 / p95) | ${s.previewLinksMs?.p50} / ${s.previewLinksMs?.p95} ms (${s.previewLinksMs?.links} links) | | | well under 100 ms |`,
  `| graph view of that page, two hops (p50 / p95) | ${s.graphViewMs?.p50} / ${s.graphViewMs?.p95} ms (${s.graphViewMs?.nodes} nodes) | | | instant |`,
  `| hover p50 / p95 | ${s.hoverMs.p50} / ${s.hoverMs.p95} ms | | | < 2 ms p95 |`,
  `| definition p50 / p95 | ${s.definitionMs.p50} / ${s.definitionMs.p95} ms | | | < 2 ms p95 |`,
  `| completion p50 / p95 | ${s.completionMs.p50} / ${s.completionMs.p95} ms | | | < 2 ms p95 |`,
  `| link graph built (server start →) / server peak RSS | ${s.linkGraphSeconds ?? 'timed out'} s / ${s.serverPeakRssMB} MB (${s.serverPeakRssWithPersistMB} MB once the index is written) | | | < 30 s, < 1 GB |`,
  `| references on a link (graph complete) | ${s.referencesMs} ms (${s.referencesFound} found) | | | < 50 ms |`,
  `| what links here: references on the most linked page (of a sample) / hover meanwhile p50 / max | ${s.popularReferences?.ms} ms (${s.popularReferences?.found} links from ${s.popularReferences?.pages} pages); ${s.popularReferences?.hoverP50Ms} / ${s.popularReferences?.hoverMaxMs} ms | | | answers meanwhile |`,
  `| fix all link-trail in workspace, until the preview or the question / hover meanwhile p50 / max / server peak RSS | ${s.fixAll?.seconds} s (${s.fixAll?.edits} fixes in ${s.fixAll?.pages} pages; ${s.fixAll?.asked ? 'asked' : 'previewed'}); ${s.fixAll?.hoverP50Ms} / ${s.fixAll?.hoverMaxMs} ms; ${s.fixAll?.peakRssMB} MB | | | answers meanwhile, < 1 GB |`,
  `| restart, unchanged corpus → titles indexed / first diagnostics / references answered | ${s.restartIndexSeconds} / ${s.restartFirstDiagnosticsSeconds} / ${s.restartReferencesSeconds} s (${s.restartReferencesFound} found; index files: titles ${s.persistedIndexMB} MB, graph ${s.persistedGraphMB} MB; peak RSS ${s.restartPeakRssMB} MB) | | | < 1 s |`,
  `| problems of the whole corpus counted (status bar, on by default; after a restart) / server peak RSS | ${s.countSeconds ?? 'timed out'} s (${s.countProblems} problems; the CLI's total: ${Object.values(results.cli.counts).reduce((a, b) => a + b, 0)}) / ${s.countPeakRssMB} MB | | | < 1 GB |`,
  `| ${s.bulkPages} pages changed on disk at once (one notification) → absorbed; hover meanwhile p50 / max | ${s.bulkAbsorbedSeconds ?? 'not within 600'} s; ${s.bulkHoverMs?.p50} / ${s.bulkHoverMs?.max} ms | | | < 10 s |`,
  `| CLI, one worker, ${c.pages} pages | ${c.oneWorker.wallSeconds} s = ${c.oneWorker.megabytesPerSecond} MB/s | | | ≥ 80 MB/s |`,
  `| link check of ${c.pages} pages (wall) | ${c.ours.wallSeconds} s | ${c.peer.wallSeconds} s | ${c.speedup.wall}× | ≥ 20× |`,
  `| same, CPU time | ${c.ours.cpuSeconds} s | ${c.peer.cpuSeconds} s | ${c.speedup.cpu}× | |`,
  `| same, peak RSS | ${c.ours.peakRssMB} MB | ${c.peer.peakRssMB} MB | | |`,
];
console.log(lines.join('\n'));
