// `wikimd check` (dist/cli.js) on a temporary copy of the real pages in test/fixtures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as OpenCC from 'opencc-js';
import { generateCorpus } from '../server/workspaceFixture';

const CLI = resolve('dist/cli.js');
let dir: string;

function wikimd(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `wikimd check --format json` in `cwd`: its messages and rows. */
function checkJson(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...args, '.'], { cwd, encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 1 << 28 });
  return { stderr: r.stderr, rows: JSON.parse(r.stdout).diagnostics as { file: string; code: string; message: string }[] };
}

function files(): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.set(join(d, e.name), readFileSync(join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

const LINE = /^(.+\.md):(\d+):(\d+): (error|warning|information|hint) ([a-z-]+) (.+)$/;
const countsOf = (stdout: string) => {
  const counts: Record<string, number> = {};
  for (const line of stdout.split('\n')) {
    const m = LINE.exec(line);
    if (m) counts[m[5]] = (counts[m[5]] ?? 0) + 1;
  }
  return counts;
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wikimd-cli-'));
  cpSync('test/fixtures/corpus', dir, { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('text: one line per diagnostic, a summary table, exit 0 without errors', () => {
  const r = wikimd('check', '.');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => LINE.test(l));
  assert.ok(lines.length > 100);
  assert.ok(lines.some((l) => l.startsWith('Page/AmigaOS.md:') && l.includes('warning missing-page Page "PowerPC"')));
  const table = r.stdout.slice(r.stdout.indexOf('pages checked'));
  const counts = countsOf(r.stdout);
  for (const [code, n] of Object.entries(counts)) assert.match(table, new RegExp(`\\n  ${code} +${n}\\n`));
  assert.match(r.stdout, /\n6 pages checked in /);
});

test('json and sarif carry the same diagnostics as text', () => {
  const text = countsOf(wikimd('check').stdout);
  const json = JSON.parse(wikimd('check', '--format', 'json').stdout);
  assert.equal(json.pages, 6);
  for (const [code, n] of Object.entries(text)) assert.equal(json.counts[code], n);

  const sarif = JSON.parse(wikimd('check', '--format=sarif', '.').stdout);
  // The fields SARIF 2.1.0's schema requires, and those code-scanning UIs read.
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs.length, 1);
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'wikimd');
  const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
  assert.equal(run.results.length, json.diagnostics.length);
  for (const result of run.results) {
    assert.equal(typeof result.message.text, 'string');
    assert.ok(ruleIds.includes(result.ruleId));
    assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
    assert.ok(['error', 'warning', 'note', 'none'].includes(result.level));
    const { artifactLocation, region } = result.locations[0].physicalLocation;
    assert.match(artifactLocation.uri, /\.md$/);
    assert.ok(region.startLine >= 1 && region.startColumn >= 1 && region.endLine >= region.startLine);
  }
});

test('--dry-run prints a unified diff and writes nothing', () => {
  const before = files();
  const r = wikimd('check', '--fix', 'link-trail', '--dry-run');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^--- a\/Page\/\$\.md$/m);
  assert.match(r.stdout, /^-.*\[英属北美也被称为\]/m);
  assert.match(r.stdout, /^\+.*\[英属北美\]\(https:\/\/zh\.wikipedia\.org\/wiki\/英属北美 "wikilink"\)也被称为/m);
  assert.deepEqual(files(), before);
});

test('--fix applies the fixes in place; a re-check finds none of those codes and the rest unchanged', () => {
  const before = countsOf(wikimd('check').stdout);
  const amiga = join(dir, 'Page/AmigaOS.md');
  chmodSync(amiga, 0o444);
  const untouched = readFileSync(amiga);
  const r = wikimd('check', '--fix', 'link-trail,empty-parens');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /not written: .*AmigaOS\.md is read-only/, 'the read-only page is reported');
  assert.deepEqual(readFileSync(amiga), untouched, 'and left alone');
  const after = countsOf(wikimd('check').stdout);
  const amigaTrails = countsOf(wikimd('check').stdout.split('\n').filter((l) => l.startsWith('Page/AmigaOS.md')).join('\n'))['link-trail'] ?? 0;
  assert.ok(amigaTrails > 0);
  assert.equal(after['link-trail'] ?? 0, amigaTrails, 'only the read-only page keeps its trails');
  assert.equal(after['empty-parens'] ?? 0, 0);
  for (const code of ['missing-page', 'footnote', 'wiki-page-exists']) assert.equal(after[code], before[code], code);
  chmodSync(amiga, 0o644);
});

test('the output is the same with one worker or several', () => {
  const strip = (s: string) => s.replace(/checked in [\d.]+ s/, '');
  const one = wikimd('check', '--jobs', '1', '--format', 'json');
  const two = wikimd('check', '--jobs', '2', '--format', 'json');
  const body = (s: string) => strip(JSON.stringify({ ...JSON.parse(s), seconds: 0 }));
  assert.equal(body(two.stdout), body(one.stdout));
});

test('exit 1 on an error-severity diagnostic, 2 on bad usage; unreadable files are skipped', () => {
  writeFileSync(join(dir, 'Page/Escape.md'), '[x](../Page/../../../../etc/passwd.md "wikilink")\n');
  writeFileSync(join(dir, 'Page/Binary.md'), Buffer.from([0x89, 0x50, 0, 0, 0xff]));
  const r = wikimd('check');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Page\/Escape\.md:1:1: error outside-workspace/);
  assert.match(r.stderr, /skipped .*Binary\.md: binary content/);
  assert.equal(wikimd('check', '--format', 'xml').code, 2);
  assert.equal(wikimd('check', '--fix', 'missing-page').code, 2);
  assert.equal(wikimd('check', '--dry-run').code, 2);
  assert.equal(wikimd('lint').code, 2);
  assert.equal(wikimd('check', 'no-such-folder').code, 2);
});

test('--cache keeps the title index: the next run reads it instead of listing, and lists again after a change', () => {
  // Outside the corpus: a cache folder made inside it would itself change the folder it stamps.
  const cache = mkdtempSync(join(tmpdir(), 'wikimd-cli-cache-'));
  const first = wikimd('check', '--cache', cache, '.');
  assert.ok(first.code === 0 || first.code === 1, first.stderr);
  assert.deepEqual(readdirSync(cache).filter((f) => f.endsWith('.bin')).map((f) => f.replace(/^index-.*?(\.findings)?\.bin$/, 'index$1')).sort(), ['index', 'index.findings']);
  const second = wikimd('check', '--cache', cache, '.');
  assert.match(second.stderr, /from the persisted index/);
  assert.equal(second.code, first.code);
  assert.equal(second.stdout.replace(/in [\d.]+ s/, ''), first.stdout.replace(/in [\d.]+ s/, ''));
  writeFileSync(join(dir, 'Page', 'PowerPC.md'), '**PowerPC**\n');
  const third = wikimd('check', '--cache', cache, '.');
  assert.match(third.stderr, /listing them again/);
  assert.ok(!third.stdout.includes('Page "PowerPC" is not in the corpus'), 'the new page is found');
  rmSync(join(dir, 'Page', 'PowerPC.md'));
  rmSync(cache, { recursive: true });
  assert.equal(wikimd('check', '--cache', '', '.').code, 2);
});

test('--cache keeps the findings: the next run checks again only the pages whose text changed, and a damaged cache is not used', () => {
  const cache = mkdtempSync(join(tmpdir(), 'wikimd-cli-findings-'));
  const run = () => checkJson(dir, '--cache', cache);
  /** How many pages the run took from the cache, of how many. */
  const kept = (r: { stderr: string }) => {
    const m = /(\d+) of (\d+) pages unchanged since the last run/.exec(r.stderr);
    assert.ok(m, r.stderr);
    return { kept: Number(m[1]), of: Number(m[2]) };
  };
  const first = run();
  const findingsFile = join(cache, readdirSync(cache).find((f) => f.endsWith('.findings.bin'))!);
  assert.ok(first.rows.length > 100);
  const again = run();
  // Every page but those that could not be read (earlier tests left a binary one).
  const all = kept(again);
  assert.ok(all.kept >= 6 && all.kept >= all.of - 1, again.stderr);
  assert.deepEqual(again.rows, first.rows);

  // A fresh checkout gives every file a new time: the same text still has the same findings.
  const amiga = join(dir, 'Page', 'AmigaOS.md');
  utimesSync(amiga, new Date(), new Date(Date.now() + 60_000));
  const touched = run();
  assert.deepEqual(kept(touched), all);
  assert.deepEqual(touched.rows, first.rows);

  // An edited page alone is checked again.
  const original = readFileSync(amiga);
  writeFileSync(amiga, Buffer.concat([original, Buffer.from('\n[无此页](../Page/无此页.md "wikilink")\n')]));
  const edited = run();
  assert.deepEqual(kept(edited), { ...all, kept: all.kept - 1 });
  assert.ok(edited.rows.some((r) => r.file === 'Page/AmigaOS.md' && r.code === 'missing-page' && r.message.includes('无此页')));
  assert.deepEqual(edited.rows.filter((r) => r.file !== 'Page/AmigaOS.md'), first.rows.filter((r) => r.file !== 'Page/AmigaOS.md'));
  writeFileSync(amiga, original);
  const restored = run();
  assert.deepEqual(kept(restored), { ...all, kept: all.kept - 1 });
  assert.deepEqual(restored.rows, first.rows);

  // Damage: a block that does not check out is checked again; a file that does not is not used.
  const good = readFileSync(findingsFile);
  const headerLength = good.readUInt32LE(good.length - 32 + 24);
  const flipped = (at: number) => {
    const bad = Buffer.from(good);
    bad[at] ^= 0x55;
    return bad;
  };
  const version = Buffer.from(good);
  version.writeUInt32LE(99, 4);
  const oneLess = new RegExp(`${all.kept - 1} of ${all.of} pages unchanged`);
  const damaged: [string, Buffer, RegExp][] = [
    ['the first page\'s block', flipped(8), oneLess],
    ['the page table', flipped(good.length - 32 - headerLength - 1), /not used \(checksum mismatch\)/],
    ['the header', flipped(good.length - 32 - 2), /not used \(checksum mismatch\)/],
    ['the trailer', flipped(good.length - 30), /not used \(truncated\)/],
    ['a truncated file', good.subarray(0, good.length - 10), /not used \(truncated\)/],
    ['another format version', version, /not used \(format version 99, not 3\)/],
    ['another file altogether', Buffer.from('not a cache at all, but long enough to have a trailer'), /not used \(not a findings file\)/],
  ];
  for (const [what, bytes, said] of damaged) {
    writeFileSync(findingsFile, bytes);
    const r = run();
    assert.match(r.stderr, said, what);
    assert.deepEqual(r.rows, first.rows, what);
  }

  // A page added: the page that links it is checked again, the others are kept.
  const withAmiga = kept(run());
  writeFileSync(join(dir, 'Page', 'PowerPC.md'), '**PowerPC**\n');
  const added = run();
  assert.deepEqual(kept(added), { kept: withAmiga.kept - 1, of: withAmiga.of + 1 });
  assert.ok(!added.rows.some((r) => r.message.includes('"PowerPC"') && r.code === 'missing-page'));
  assert.deepEqual(added.rows, checkJson(dir).rows, 'as a run without the cache');
  rmSync(join(dir, 'Page', 'PowerPC.md'));
  rmSync(cache, { recursive: true });
});

test('--cache with several workers: the first pages on this thread, the rest on the workers once 2000 had to be read; the same rows in the same order', () => {
  const top = mkdtempSync(join(tmpdir(), 'wikimd-cli-switch-'));
  try {
    const corpus = join(top, 'corpus');
    generateCorpus(corpus, 2600, 5);
    // A page whose findings are larger than the part of the findings file read at once.
    writeFileSync(join(corpus, 'Page', 'Many.md'), Array.from({ length: 1500 }, (_, i) => `[缺页${i}](../Page/缺页${i}.md "wikilink")`).join('\n\n'));
    const run = (...args: string[]) => checkJson(corpus, ...args);
    const cache = join(top, 'cache');
    const plain = run('--jobs', '1').rows;
    assert.deepEqual(run('--jobs', '2', '--cache', cache).rows, plain, 'filling the cache');
    // New times on every page: each one is read to know its text unchanged, so after 2000 the workers take over.
    const later = new Date(Date.now() + 60_000);
    for (const f of readdirSync(join(corpus, 'Page'))) utimesSync(join(corpus, 'Page', f), later, later);
    const touched = run('--jobs', '2', '--cache', cache);
    assert.match(touched.stderr, /2601 of 2601 pages unchanged/);
    assert.equal(touched.rows.filter((r) => r.file === 'Page/Many.md').length, 1500);
    assert.deepEqual(touched.rows, plain);
    // A page edited among the last ones, which the workers check.
    const last = plain[plain.length - 1].file;
    writeFileSync(join(corpus, last), `${readFileSync(join(corpus, last), 'utf8')}\n[无此页](../Page/无此页.md "wikilink")\n`);
    const edited = run('--jobs', '2', '--cache', cache);
    assert.match(edited.stderr, /2600 of 2601 pages unchanged/);
    assert.deepEqual(edited.rows.filter((r) => r.file !== last), plain.filter((r) => r.file !== last));
    assert.ok(edited.rows.some((r) => r.file === last && r.message.includes('无此页')));
    assert.deepEqual(edited.rows, run('--jobs', '1').rows, 'as a run without the cache');
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('--cache as pages are added, removed, renamed to a variant and redirected: the pages whose links reach them are checked again, the rest kept, the rows those of a run without the cache', () => {
  const top = mkdtempSync(join(tmpdir(), 'wikimd-cli-index-change-'));
  try {
    const corpus = join(top, 'corpus');
    generateCorpus(corpus, 300, 11);
    const cache = join(top, 'cache');
    const pageDir = join(corpus, 'Page');
    const redirectDir = join(corpus, 'Redirect');
    const plain = () => checkJson(corpus).rows;
    let rows = checkJson(corpus, '--cache', cache).rows;
    assert.deepEqual(rows, plain(), 'filling the cache');
    const toTitle = (name: string) => name.slice(0, -'.md'.length).replace(/_/g, ' ');
    const toName = (title: string) => `${title.replace(/ /g, '_')}.md`;
    const simple = (title: string) => !/[/:#%\\]/.test(title);
    /** Titles named in rows of a code: `Page "X" is not…`, `"X" is in the corpus…`. */
    const titlesIn = (code: string) => [...new Set(rows.filter((r) => r.code === code).map((r) => /"([^"]+)"/.exec(r.message)![1]))].filter(simple).sort();
    const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
    let redirect = '';
    const steps: [string, () => void][] = [
      ['three missing pages added', () => titlesIn('missing-page').slice(0, 3).forEach((t) => writeFileSync(join(pageDir, toName(t)), `**${t}**\n`))],
      ['two linked pages removed', () => titlesIn('wiki-page-exists').slice(0, 2).forEach((t) => rmSync(join(pageDir, toName(t))))],
      ['a page renamed to its Traditional variant', () => {
        const name = readdirSync(pageDir).sort().find((n) => simple(toTitle(n)) && toTraditional(toTitle(n)) !== toTitle(n) && rows.some((r) => r.message.includes(`"${toTitle(n)}"`)))!;
        renameSync(join(pageDir, name), join(pageDir, toName(toTraditional(toTitle(name)))));
      }],
      ['a redirect added for a title wiki links miss', () => {
        const linked = readdirSync(pageDir).sort()[0];
        const wikiTitles = readdirSync(pageDir).sort().flatMap((n) => [...readFileSync(join(pageDir, n), 'utf8').matchAll(/\]\(https:\/\/zh\.wikipedia\.org\/wiki\/([^()\s\\]+) "wikilink"\)/g)].map((m) => decodeURIComponent(m[1]).replace(/_/g, ' ')));
        const missing = wikiTitles.find((t) => simple(t) && !titlesIn('wiki-page-exists').includes(t) && !readdirSync(redirectDir).includes(toName(t)))!;
        symlinkSync(`../Page/${linked}`, (redirect = join(redirectDir, toName(missing))));
      }],
      ['the redirect removed', () => rmSync(redirect)],
      ['a page edited as another is added', () => {
        const name = readdirSync(pageDir).sort()[1];
        writeFileSync(join(pageDir, name), `${readFileSync(join(pageDir, name), 'utf8')}\n[无此页](../Page/无此页.md "wikilink")\n`);
        const title = titlesIn('missing-page')[0];
        writeFileSync(join(pageDir, toName(title)), `**${title}**\n`);
      }],
    ];
    for (const [what, change] of steps) {
      change();
      const cached = checkJson(corpus, '--cache', cache);
      assert.notDeepEqual(cached.rows, rows, `${what}: the rows change`);
      assert.deepEqual(cached.rows, plain(), `${what}: as a run without the cache`);
      const m = /(\d+) of (\d+) pages unchanged since the last run/.exec(cached.stderr);
      assert.ok(m && Number(m[1]) < Number(m[2]) && Number(m[1]) >= 0.9 * Number(m[2]), `${what}: most pages kept, not all\n${cached.stderr}`);
      rows = cached.rows;
    }
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test("Korean and Japanese pages: each wiki's own link-trail rule, the language read off the pages' wiki links", () => {
  const trails = (language: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'check', ...args, resolve('test/fixtures/languages', language)], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    return r.stdout.split('\n').map((l) => LINE.exec(l)).filter((m) => m && m[5].startsWith('link-trail')).map((m) => `${m![5]} ${/"([^"]*)"/.exec(m![6])![1]}`);
  };
  assert.deepEqual(trails('ko'), ['link-trail 에', 'link-trail 로', 'link-trail 과', 'link-trail 을', 'link-trail 를'], 'Hangul after ]] is not linked by the wiki');
  assert.deepEqual(trails('ja'), ['link-trail-guess や', 'link-trail-guess に掲載されたり', 'link-trail として実際に設置されるものが出てくるのである']);
  assert.deepEqual(trails('ja', '--language', 'ja'), trails('ja'));
  const bad = spawnSync(process.execPath, [CLI, 'check', '--language', 'xx', '.'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--language takes auto or one of zh, ja, ko, en/);
});

test('a reader that stops early (`wikimd check | head`) ends the run quietly: no EPIPE, the usual exit code', async () => {
  const corpus = mkdtempSync(join(tmpdir(), 'wikimd-pipe-'));
  try {
    generateCorpus(corpus, 400, 3);
    const child = spawn(process.execPath, [CLI, 'check', corpus], { env: { ...process.env, CI: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Far more output than a pipe holds: the CLI is still writing when the reader goes away.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.ok(code === 0 || code === 1, `exit code ${code}`);
    assert.doesNotMatch(stderr, /EPIPE|Error|at /);
  } finally {
    rmSync(corpus, { recursive: true, force: true });
  }
});
