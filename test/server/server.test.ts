import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, Hover, Location, DocumentLink, Range, TextEdit } from 'vscode-languageserver';
import { LspClient } from './lspClient';
import { generateCorpus, makeWorkspace, type TempWorkspace } from './workspaceFixture';

let ws: TempWorkspace;
let client: LspClient;
let amiga: { uri: string; text: string; doc: TextDocument };

/** The range of the whole link `[text](…)` whose raw text starts with `[text`. */
function linkRange(doc: TextDocument, startsWith: string): Range {
  const text = doc.getText();
  const start = text.indexOf(startsWith);
  assert.ok(start >= 0, `fixture lacks ${startsWith}`);
  const end = text.indexOf(')', text.indexOf('](', start)) + 1;
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

const codesAt = (ds: Diagnostic[], r: Range) => ds.filter((d) => JSON.stringify(d.range) === JSON.stringify(r)).map((d) => d.code).sort();

before(async () => {
  ws = makeWorkspace({
    // Pages that AmigaOS.md links to: by variant (內核 for 内核), as wiki links that exist, a local one to preview.
    '內核.md': '**內核**是操作系統的核心。\n',
    '抢占式多任务处理.md': '**抢占式多任务处理**\n',
    'Amiga.md': '**Amiga**是一系列[个人电脑](../Page/个人电脑.md "wikilink")，由Commodore推出\\[1\\]。\n\n## 历史\n\n正文。\n\n[Category:个人电脑](https://zh.wikipedia.org/wiki/Category:个人电脑 "wikilink")\n',
    'Escape.md': '[passwd](../Page/../../../../../../etc/passwd.md "wikilink") [s](../Page/../../outside/Page/Secret.md "wikilink") [r](../Redirect/Sneaky.md "wikilink")\n',
    'Binary.md': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe]),
    'Invalid.md': new Uint8Array([0x2a, 0x2a, 0xe4, 0xb8, 0x2a, 0x2a, 0xff, 0x0a]),
  });
  client = new LspClient();
  await client.initialize(ws.root);
  const text = readFileSync(ws.page('AmigaOS.md'), 'utf8');
  amiga = { uri: await client.open(ws.page('AmigaOS.md'), text), text, doc: TextDocument.create('x', 'markdown', 1, text) };
});

after(async () => {
  await client.stop();
  ws.dispose();
});

test('status: indexing, then the page count and the problems of the whole corpus, as many as the CLI finds, following edits', async () => {
  for (let i = 0; i < 300 && !client.statuses.some((s) => s.phase === 'ready'); i++) await new Promise((r) => setTimeout(r, 50));
  const phases = client.statuses.map((s) => s.phase);
  assert.deepEqual([...new Set(phases)], ['listing', 'reading', 'counting', 'ready'], phases.join());
  const last = client.statuses.at(-1)!;
  assert.equal(last.pages, readdirSync(join(ws.root, 'Page')).filter((f) => f.endsWith('.md')).length);
  assert.equal(last.fromCache, false);
  const cli = spawnSync(process.execPath, [resolve('dist/cli.js'), 'check', '--format', 'json', ws.root], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const rows = cli.stdout.split('\n').filter((l) => l.trim().startsWith('{"file"')).length;
  assert.ok(rows > 0);
  assert.equal(last.problems, rows);
  // An edit that adds a missing page moves the total with it; undone, the total is back.
  const seen = client.statuses.length;
  await client.change(amiga.uri, `${amiga.text}\n[无此页](../Page/无此页.md "wikilink")\n`);
  for (let i = 0; i < 100 && client.statuses.length === seen; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(client.statuses.at(-1)!.problems, rows + 1);
  await client.change(amiga.uri, amiga.text);
  for (let i = 0; i < 100 && client.statuses.at(-1)!.problems !== rows; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(client.statuses.at(-1)!.problems, rows);
});

test('the problem count is kept beside the index: after a restart only the pages changed since are checked again', async () => {
  const small = makeWorkspace();
  const cacheHome = mkdtempSync(join(tmpdir(), 'wikimd-count-'));
  /** A server on the small workspace, sharing one cache folder: its problem count once ready, and its log. */
  const count = async () => {
    const server = new LspClient(undefined, cacheHome);
    await server.initialize(small.root);
    for (let i = 0; i < 600 && !server.statuses.some((s) => s.phase === 'ready'); i++) await new Promise((r) => setTimeout(r, 50));
    const problems = server.statuses.at(-1)!.problems;
    await server.stop();
    return { problems, kept: /(\d+) of (\d+) pages unchanged since the last count/.exec(server.logs.join('\n')) };
  };
  const first = await count();
  assert.ok(first.problems! > 0);
  assert.equal(first.kept, null, 'nothing to take on the first start');
  const again = await count();
  assert.equal(again.problems, first.problems);
  assert.ok(again.kept && again.kept[1] === again.kept[2], again.kept?.[0]);
  const pages = Number(again.kept[2]);
  // A page edited while the server was down: it alone is checked again, and its new problem counts.
  const amigaFile = small.page('AmigaOS.md');
  writeFileSync(amigaFile, `${readFileSync(amigaFile, 'utf8')}\n[无此页](../Page/无此页.md "wikilink")\n`);
  const edited = await count();
  assert.equal(edited.problems, first.problems! + 1);
  assert.equal(edited.kept?.[0], `${pages - 1} of ${pages} pages unchanged since the last count`);
  // A page added while it was down, which AmigaOS links: AmigaOS alone is checked again (and the new page), the link no longer missing.
  writeFileSync(small.page('PowerPC.md'), '**PowerPC**\n');
  const added = await count();
  assert.equal(added.problems, edited.problems! - 1);
  assert.equal(added.kept?.[0], `${pages - 1} of ${pages + 1} pages unchanged since the last count`);
  small.dispose();
  rmSync(cacheHome, { recursive: true, force: true });
});

test('the problem count follows pages changed on disk: a page added is counted again with the page that links it, the rest taken from the cache; a page edited alone', async () => {
  const small = makeWorkspace();
  const cacheHome = mkdtempSync(join(tmpdir(), 'wikimd-recount-'));
  const server = new LspClient(undefined, cacheHome);
  try {
    await server.initialize(small.root);
    const ready = async (after: number) => {
      for (let i = 0; i < 600 && !server.statuses.slice(after).some((s) => s.phase === 'ready' && s.problems !== undefined); i++) await new Promise((r) => setTimeout(r, 50));
      return server.statuses.slice(after).findLast((s) => s.phase === 'ready')!;
    };
    const first = await ready(0);
    const pages = readdirSync(join(small.root, 'Page')).length;
    const seen = server.statuses.length;
    const added = small.page('PowerPC.md');
    writeFileSync(added, '**PowerPC**\n');
    await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(added).href, type: 1 }] });
    const again = await ready(seen);
    assert.equal(again.problems, first.problems! - 1, 'AmigaOS links PowerPC: its missing-page is gone');
    assert.ok(server.logs.some((l) => l === `${pages - 1} of ${pages + 1} pages unchanged since the last count: their problems taken from the cache`), server.logs.join('\n'));
    // A page edited on disk, the titles the same: that page alone is checked again, here, not the corpus.
    const counts = () => server.logs.filter((l) => /pages unchanged since the last count/.test(l)).length;
    const countsBefore = counts();
    const amigaFile = small.page('AmigaOS.md');
    writeFileSync(amigaFile, `${readFileSync(amigaFile, 'utf8')}\n[无此页](../Page/无此页.md "wikilink")\n`);
    await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(amigaFile).href, type: 2 }] });
    for (let i = 0; i < 200 && server.statuses.at(-1)!.problems !== again.problems! + 1; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.statuses.at(-1)!.problems, again.problems! + 1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(counts(), countsBefore, 'no count of the corpus');
  } finally {
    await server.stop();
    small.dispose();
    rmSync(cacheHome, { recursive: true, force: true });
  }
});

test('pages changed on disk while the first count runs are counted again once it is done: the total is the CLI\'s', async () => {
  const top = mkdtempSync(join(tmpdir(), 'wikimd-count-meanwhile-'));
  const corpus = join(top, 'corpus');
  generateCorpus(corpus, 2600, 5);
  const server = new LspClient(undefined, join(top, 'cache'));
  try {
    await server.initialize(corpus);
    // Once some pages are counted, every page gains a link to a missing page.
    for (let i = 0; i < 1200 && !server.statuses.some((s) => (s.phase === 'counting' && (s.percent ?? 0) >= 30) || s.phase === 'ready'); i++) await new Promise((r) => setTimeout(r, 25));
    const files = readdirSync(join(corpus, 'Page')).map((n) => join(corpus, 'Page', n));
    for (const f of files) writeFileSync(f, `${readFileSync(f, 'utf8')}\n[无此页](../Page/无此页.md "wikilink")\n`);
    await server.notify('workspace/didChangeWatchedFiles', { changes: files.map((f) => ({ uri: pathToFileURL(f).href, type: 2 })) });
    const cli = spawnSync(process.execPath, [resolve('dist/cli.js'), 'check', '--format', 'json', corpus], { encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 1 << 28 });
    const expected = (JSON.parse(cli.stdout) as { diagnostics: unknown[] }).diagnostics.length;
    for (let i = 0; i < 1200 && !(server.statuses.at(-1)!.phase === 'ready' && server.statuses.at(-1)!.problems === expected); i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(server.statuses.at(-1)!.problems, expected);
  } finally {
    await server.stop();
    rmSync(top, { recursive: true, force: true });
  }
});

test('diagnostics: each code at the whole link, from [ to )', async () => {
  const ds = await client.diagnosticsFor(amiga.uri);
  const { doc } = amiga;
  assert.deepEqual(codesAt(ds, linkRange(doc, '[PowerPC]')), ['missing-page']);
  assert.deepEqual(codesAt(ds, linkRange(doc, '[内核]')), ['variant-title']);
  assert.deepEqual(codesAt(ds, linkRange(doc, '[抢占式多任务处理]')), ['wiki-page-exists']);
  assert.deepEqual(codesAt(ds, linkRange(doc, '[32位处理器]')), ['link-trail']);
  assert.deepEqual(codesAt(ds, linkRange(doc, '[Amiga]')), [], 'an existing page is not flagged');
  const trail = ds.find((d) => d.code === 'link-trail' && String(d.message).includes('处理器'));
  assert.match(String(trail!.message), /swallowed "处理器"/);
  assert.equal(ds.filter((d) => d.code === 'footnote').length, 4, 'notes 1-4 of AmigaOS are empty');
  for (const d of ds) assert.equal(d.source, 'wiki-markdown');
  assert.equal(ds.find((d) => d.code === 'missing-page')!.severity, 2);
});

test('hover on a local link: title, state, lead text and categories; never a command link', async () => {
  const range = linkRange(amiga.doc, '[Amiga]');
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: amiga.uri }, position: { line: range.start.line, character: range.start.character + 2 } });
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /\*\*Amiga\*\* · local link · exists/);
  assert.match(value, /是一系列个人电脑，由Commodore推出/, 'lead text with links as text and refs dropped');
  assert.match(value, /Categories: 个人电脑/);
  assert.doesNotMatch(value, /command:|<[a-z]/i);
});

test('hover on a variant link names the page found', async () => {
  const range = linkRange(amiga.doc, '[内核]');
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: amiga.uri }, position: range.start });
  assert.match((hover.contents as { value: string }).value, /exists as the variant "內核"[\s\S]*操作系統的核心/);
});

test('definition of a local link and of a wiki link whose page exists', async () => {
  for (const [link, file] of [['[Amiga]', 'Amiga.md'], ['[抢占式多任务处理]', '抢占式多任务处理.md']]) {
    const range = linkRange(amiga.doc, link);
    const loc = await client.request<Location>('textDocument/definition', { textDocument: { uri: amiga.uri }, position: range.start });
    assert.equal(loc.uri, pathToFileURL(ws.page(file)).href);
  }
  const missing = await client.request<Location | null>('textDocument/definition', { textDocument: { uri: amiga.uri }, position: linkRange(amiga.doc, '[PowerPC]').start });
  assert.equal(missing, null);
});

test('document links: local to the file, wiki to the URL', async () => {
  const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: amiga.uri } });
  const targets = links.map((l) => l.target);
  assert.ok(targets.includes(pathToFileURL(ws.page('Amiga.md')).href));
  assert.ok(targets.includes('https://zh.wikipedia.org/wiki/%E8%A7%86%E7%AA%97%E7%B3%BB%E7%BB%9F'));
});

async function fixesFor(uri: string, code: string, range: Range): Promise<CodeAction[]> {
  const ds = await client.diagnosticsFor(uri);
  const diagnostic = ds.find((d) => d.code === code && JSON.stringify(d.range) === JSON.stringify(range));
  assert.ok(diagnostic, `no ${code} at ${JSON.stringify(range)}`);
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [diagnostic] } });
}

function apply(doc: TextDocument, action: CodeAction): string {
  const edits = Object.values(action.edit!.changes!)[0] as TextEdit[];
  return TextDocument.applyEdits(doc, edits);
}

test('quick fixes: each edit changes exactly the link it names', async () => {
  const { doc, uri, text } = amiga;
  const [trail] = await fixesFor(uri, 'link-trail', linkRange(doc, '[32位处理器]'));
  assert.equal(apply(doc, trail), text.replace('[32位处理器](https://zh.wikipedia.org/wiki/32位 "wikilink")', '[32位](https://zh.wikipedia.org/wiki/32位 "wikilink")处理器'));

  const [variant] = await fixesFor(uri, 'variant-title', linkRange(doc, '[内核]'));
  assert.equal(apply(doc, variant), text.replace('[内核](../Page/内核.md "wikilink")', '[内核](../Page/內核.md "wikilink")'));

  const [local] = await fixesFor(uri, 'wiki-page-exists', linkRange(doc, '[抢占式多任务处理]'));
  assert.equal(apply(doc, local), text.replace('https://zh.wikipedia.org/wiki/抢占式多任务处理', '../Page/抢占式多任务处理.md'));

  const missing = await fixesFor(uri, 'missing-page', linkRange(doc, '[PowerPC]'));
  assert.deepEqual(missing.map((a) => a.title), ['Link to "PowerPC" on Wikipedia', 'Create the page "PowerPC"']);
  assert.equal(apply(doc, missing[0]), text.replace('../Page/PowerPC.md', 'https://zh.wikipedia.org/wiki/PowerPC'));
  const create = missing[1].edit!.documentChanges![0] as { kind: string; uri: string };
  assert.deepEqual([create.kind, create.uri], ['create', pathToFileURL(ws.page('PowerPC.md')).href]);
});

test('empty parentheses: diagnostic and removal', async () => {
  const text = '**杰勒托克桑事件**（）即**十二月事件**\n';
  const uri = await client.open(ws.page('杰勒托克桑事件.md'), text);
  const doc = TextDocument.create(uri, 'markdown', 1, text);
  const range = { start: doc.positionAt(text.indexOf('（')), end: doc.positionAt(text.indexOf('）') + 1) };
  const [remove] = await fixesFor(uri, 'empty-parens', range);
  assert.equal(apply(doc, remove), '**杰勒托克桑事件**即**十二月事件**\n');
});

test('a page deleted on disk: its links become missing-page; created again: fixed', async () => {
  const range = linkRange(amiga.doc, '[Amiga]');
  const file = ws.page('Amiga.md');
  const saved = readFileSync(file);
  unlinkSync(file);
  await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 3 }] });
  const after = await client.diagnosticsFor(amiga.uri, (ds) => codesAt(ds, range).includes('missing-page'));
  assert.deepEqual(codesAt(after, range), ['missing-page']);
  writeFileSync(file, saved);
  await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 1 }] });
  const again = await client.diagnosticsFor(amiga.uri, (ds) => codesAt(ds, range).length === 0);
  assert.deepEqual(codesAt(again, range), []);
});

test('edits refresh diagnostics; settings turn a code off', async () => {
  const uri = await client.open(ws.page('Edit.md'), 'x\n');
  assert.deepEqual(await client.diagnosticsFor(uri), []);
  await client.change(uri, '[PowerPC处理器](../Page/PowerPC.md "wikilink")\n');
  const ds = await client.diagnosticsFor(uri, (d) => d.length > 0);
  assert.deepEqual(ds.map((d) => d.code).sort(), ['link-trail', 'missing-page']);
  await client.notify('workspace/didChangeConfiguration', { settings: { wikiMarkdown: { diagnostics: { 'link-trail': 'off', 'missing-page': 'error', bogus: 'x' } } } });
  const after = await client.diagnosticsFor(uri, (d) => d.length === 1);
  assert.deepEqual(after.map((d) => [d.code, d.severity]), [['missing-page', 1]]);
  await client.notify('workspace/didChangeConfiguration', { settings: { wikiMarkdown: {} } });
  await client.diagnosticsFor(uri, (d) => d.length === 2);
});

test('typing: after each edit, the diagnostics of the text checked whole (the page is parsed again only around the edit)', async () => {
  const checkedWhole = async (text: string) => {
    const uri = await client.open(ws.page('Whole.md'), text);
    const ds = await client.diagnosticsFor(uri);
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    return ds;
  };
  const lineStart = (text: string, fraction: number) => text.indexOf('\n', Math.floor(text.length * fraction)) + 1;
  const edits: ((text: string) => string)[] = [
    (t) => { const at = lineStart(t, 0.5); return `${t.slice(0, at)}\n新段落[个人电脑的](../Page/个人电脑.md "wikilink")\n\n${t.slice(at)}`; },
    (t) => { const at = Math.floor(t.length / 3); return t.slice(0, at) + t.slice(at + 30); },
    (t) => { const at = lineStart(t, 0.6); return `${t.slice(0, at)}1.  ${t.slice(at)}`; },
    (t) => { const at = lineStart(t, 0.4); return `${t.slice(0, at)}\`\`\`\n${t.slice(at)}`; },
    (t) => t.replace('```\n', ''),
    (t) => `${t}x`,
  ];
  let text = amiga.text;
  const uri = await client.open(ws.page('Typing.md'), text);
  await client.diagnosticsFor(uri);
  for (const edit of edits) {
    text = edit(text);
    await client.change(uri, text);
    const typed = await client.diagnosticsFor(uri);
    assert.deepEqual(typed, await checkedWhole(text));
  }
  await client.notify('textDocument/didClose', { textDocument: { uri } });
});

test('links that escape the workspace: an error, never read, never shown', async () => {
  const text = readFileSync(ws.page('Escape.md'), 'utf8');
  const uri = await client.open(ws.page('Escape.md'), text);
  const ds = await client.diagnosticsFor(uri);
  assert.deepEqual(ds.map((d) => d.code), ['outside-workspace', 'outside-workspace', 'missing-page']);
  for (const character of [2, text.indexOf('[s]') + 1, text.indexOf('[r]') + 1]) {
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character } });
    assert.doesNotMatch((hover.contents as { value: string }).value, /TOPSECRET|root:/);
  }
  const def = await client.request<Location | null>('textDocument/definition', { textDocument: { uri }, position: { line: 0, character: text.indexOf('[r]') + 1 } });
  assert.equal(def, null);
});

test('bad input: binary and invalid UTF-8 pages, 10 MB page, 100k brackets; the server keeps serving', async () => {
  const linking = '[b](../Page/Binary.md "wikilink") [i](../Page/Invalid.md "wikilink")\n';
  const uri = await client.open(ws.page('Bad.md'), linking);
  await client.diagnosticsFor(uri);
  for (const character of [1, linking.indexOf('[i]') + 1]) {
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character } });
    assert.match((hover.contents as { value: string }).value, /exists/);
  }
  const huge = `${'[a](../Page/A.md "wikilink") 文字（）\n'.repeat(300_000)}`;
  const hugeUri = await client.open(ws.page('Huge.md'), huge);
  const hugeDs = await client.diagnosticsFor(hugeUri, (d) => d.length > 0, 60_000);
  assert.equal(hugeDs.at(-1)!.code, 'page-truncated');
  const brackets = await client.open(ws.page('Brackets.md'), '['.repeat(100_000));
  assert.deepEqual(await client.diagnosticsFor(brackets, () => true, 30_000), []);
  const unopened = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: 'untitled:x' }, position: { line: 0, character: 0 } });
  assert.equal(unopened, null);
  const past = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: amiga.uri }, position: { line: 9999, character: 0 } });
  assert.equal(past, null);
  assert.equal(client.exited, false);
});

test('the engine\'s helper threads and the background workers run at the lowest priority; the thread that answers stays at normal priority', { skip: process.platform !== 'linux' }, () => {
  const niceOf = (task: string) => {
    const stat = readFileSync(`/proc/${client.pid}/task/${task}/stat`, 'utf8');
    // Field 19 of stat, counted after the parenthesised command name (which may hold spaces).
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  };
  const tasks = readdirSync(`/proc/${client.pid}/task`);
  assert.equal(niceOf(String(client.pid)), 0);
  const others = tasks.filter((t) => t !== String(client.pid));
  assert.ok(others.length >= 2, `the server runs helper threads (${others.length})`);
  for (const task of others) assert.equal(niceOf(task), 19, `thread ${task}`);
});
