// The workspace layer on an in-memory file system: scanning, resolution, containment, reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parsePage } from '../../server/src/parse';
import { Workspace } from '../../server/src/workspace/workspace';
import { nodeFileSystem } from '../../server/src/workspace/fileSystem';
import { MemoryFileSystem } from './memoryFileSystem';

function workspaceOf(fs: MemoryFileSystem) {
  const logs: string[] = [];
  return { ws: new Workspace(fs, (m) => logs.push(m), ['/ws'], { pageFolders: ['**/Page'], maxFileBytes: 1000 }), logs };
}
const link = (text: string) => parsePage(text).links[0];

test('resolution: exact, variant, redirect inside, redirect and links escaping, missing', async () => {
  const fs = new MemoryFileSystem({
    '/ws/Page/內核.md': '**內核**',
    '/ws/Page/Amiga.md': '**Amiga**',
    '/etc/passwd.md': 'root:x:0:0',
  });
  fs.symlink('/ws/Redirect/Amiga_computer.md', '../Page/Amiga.md');
  fs.symlink('/ws/Redirect/Etc.md', '/etc/passwd.md');
  const { ws } = workspaceOf(fs);
  await ws.scan();
  const from = '/ws/Page/Amiga.md';
  assert.deepEqual(ws.resolve(link('[a](../Page/Amiga.md "wikilink")'), from), { state: 'exists', page: ws.index.get('Amiga'), match: 'exact' });
  assert.equal((ws.resolve(link('[a](../Page/内核.md "wikilink")'), from) as { match: string }).match, 'variant');
  assert.equal((ws.resolve(link('[a](../Redirect/Amiga_computer.md "wikilink")'), from) as { match: string }).match, 'redirect');
  assert.equal(ws.resolve(link('[a](../Redirect/Etc.md "wikilink")'), from).state, 'missing', 'a redirect out of the workspace is not followed');
  assert.equal((ws.resolve(link('[a](https://zh.wikipedia.org/wiki/Amiga_computer "wikilink")'), from) as { match: string }).match, 'redirect', 'a wiki link naming a redirect reaches its page');
  assert.equal(ws.resolve(link('[a](../Page/Amiga_computer.md "wikilink")'), from).state, 'missing', 'a local link names a file, which is not there');
  assert.equal(ws.resolve(link('[a](../Page/../../etc/passwd.md "wikilink")'), from).state, 'outside');
  assert.equal(ws.resolve(link('[a](../Page/PowerPC.md "wikilink")'), from).state, 'missing');
  assert.deepEqual(await ws.readText('/ws/Redirect/Etc.md'), { error: 'not read: /ws/Redirect/Etc.md is outside the workspace folders' });
});

test('reading: binary skipped, size cap and invalid UTF-8 flagged incomplete, BOM kept, symlink loops refused', async () => {
  const fs = new MemoryFileSystem({
    '/ws/Page/Bin.md': new Uint8Array([0x89, 0x50, 0, 1]),
    '/ws/Page/Big.md': 'x'.repeat(5000),
    '/ws/Page/Bad.md': new Uint8Array([0x61, 0xff, 0x62]),
    '/ws/Page/Bom.md': '\uFEFF**Bom**\r\nline\rline',
  });
  fs.symlink('/ws/Page/Loop.md', 'Loop2.md');
  fs.symlink('/ws/Page/Loop2.md', 'Loop.md');
  const { ws } = workspaceOf(fs);
  await ws.scan();
  assert.match((await ws.readText('/ws/Page/Bin.md') as { error: string }).error, /binary/);
  assert.deepEqual(await ws.readText('/ws/Page/Big.md'), { text: 'x'.repeat(1000), complete: false, stamp: { mtimeMs: 0, size: 5000 } });
  assert.deepEqual(await ws.readText('/ws/Page/Bad.md'), { text: 'a\uFFFDb', complete: false, stamp: { mtimeMs: 0, size: 3 } });
  assert.deepEqual(await ws.readText('/ws/Page/Bom.md'), { text: '\uFEFF**Bom**\r\nline\rline', complete: true, stamp: { mtimeMs: 0, size: 21 } });
  assert.ok('error' in await ws.readText('/ws/Page/Loop.md'));
  assert.match((await ws.writeText('/ws/Page/Loop.md', 'x'))?.error ?? '', /not written/);
});

test('the link graph follows recorded, edited and deleted pages', async () => {
  const fs = new MemoryFileSystem({
    '/ws/Page/A.md': '[B](../Page/B.md "wikilink") [C](../Page/C.md "wikilink")',
    '/ws/Page/B.md': '[C](../Page/C.md "wikilink")',
    '/ws/Page/C.md': '**C**',
  });
  const { ws } = workspaceOf(fs);
  await ws.scan();
  await ws.scanContents(() => false, () => undefined);
  assert.equal(ws.links.count('C'), 2);
  assert.deepEqual(ws.links.sourcesOf(['C']).sort(), ['/ws/Page/A.md', '/ws/Page/B.md']);
  ws.pageEdited('/ws/Page/B.md', parsePage('no links'));
  assert.equal(ws.links.count('C'), 1);
  ws.fileDeleted('/ws/Page/A.md');
  assert.equal(ws.links.count('C'), 0);
  assert.equal(ws.links.count('B'), 0);
});

test('before the index: probing a page\'s links gives the answers the full index gives', async () => {
  const files = {
    '/ws/Page/內核.md': '**內核**',
    '/ws/Page/Amiga.md': '**Amiga**',
    '/ws/Page/iPhone.md': '**iPhone**',
    '/ws/Page/TCP/IP.md': '**TCP/IP**',
  };
  const page = [
    '[a](../Page/Amiga.md "wikilink")', '[b](../Page/内核.md "wikilink")', '[c](../Redirect/Amiga_computer.md "wikilink")',
    '[d](../Page/iPhone.md "wikilink")', '[e](../Page/TCP/IP.md#x "wikilink")', '[f](../Page/PowerPC.md "wikilink")',
    '[g](https://zh.wikipedia.org/wiki/Amiga "wikilink")', '[h](../Page/../../etc/passwd.md "wikilink")',
  ].join(' ');
  const links = parsePage(page).links;
  const from = '/ws/Page/Start.md';
  const answers = (ws: Workspace) => links.map((l) => {
    const r = ws.resolve(l, from);
    return r.state === 'exists' ? `${r.match}:${r.page.path}` : r.state;
  });
  const make = () => {
    const fs = new MemoryFileSystem(files);
    fs.symlink('/ws/Redirect/Amiga_computer.md', '../Page/Amiga.md');
    return workspaceOf(fs).ws;
  };
  const probed = make();
  await probed.probeLinks(links, from);
  const indexed = make();
  await indexed.scan();
  assert.deepEqual(answers(probed), answers(indexed));
  assert.deepEqual(answers(indexed), [
    'exact:/ws/Page/Amiga.md', 'variant:/ws/Page/內核.md', 'redirect:/ws/Page/Amiga.md', 'exact:/ws/Page/iPhone.md',
    'exact:/ws/Page/TCP/IP.md', 'missing', 'exact:/ws/Page/Amiga.md', 'outside',
  ]);
  // Only the files the links name were looked at: the index holds nothing else.
  assert.equal(probed.index.get('Start'), undefined);
});

test('file events in bulk: the index follows, and only pages whose file changed are read again', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 50; i++) files[`/ws/Page/P${i}.md`] = `[C](../Page/C.md "wikilink") ${'x'.repeat(i)}`;
  files['/ws/Page/C.md'] = '**C**';
  const fs = new MemoryFileSystem(files);
  const reads: string[] = [];
  const readRegularFile = fs.readRegularFile.bind(fs);
  fs.readRegularFile = (p, n) => { reads.push(p); return readRegularFile(p, n); };
  const { ws } = workspaceOf(fs);
  await ws.scan();
  await ws.scanContents(() => false, () => undefined);
  assert.equal(ws.links.count('C'), 50);
  reads.length = 0;
  // As after a pull: 10 pages rewritten (no longer linking C), 5 deleted, 5 created, and events for 20 untouched pages.
  const changes: { file: string; type: 'created' | 'changed' | 'deleted' }[] = [];
  for (let i = 0; i < 10; i++) { fs.write(`/ws/Page/P${i}.md`, 'no links now'); changes.push({ file: `/ws/Page/P${i}.md`, type: 'changed' }); }
  for (let i = 10; i < 15; i++) { fs.nodes.delete(`/ws/Page/P${i}.md`); changes.push({ file: `/ws/Page/P${i}.md`, type: 'deleted' }); }
  for (let i = 0; i < 5; i++) { fs.write(`/ws/Page/New${i}.md`, '[C](../Page/C.md "wikilink")'); changes.push({ file: `/ws/Page/New${i}.md`, type: 'created' }); }
  for (let i = 20; i < 40; i++) changes.push({ file: `/ws/Page/P${i}.md`, type: 'changed' });
  // P0 is open in the editor: its file is not read, the editor's text counts.
  const titlesChanged = await ws.applyFileChanges(changes, (file) => file === '/ws/Page/P0.md');
  assert.equal(titlesChanged, true);
  assert.equal(ws.index.get('P12'), undefined);
  assert.ok(ws.index.get('New3'));
  assert.deepEqual(reads.sort(), [...Array.from({ length: 9 }, (_, i) => `/ws/Page/P${i + 1}.md`), ...Array.from({ length: 5 }, (_, i) => `/ws/Page/New${i}.md`)].sort());
  // 50 − 9 rewritten − 5 deleted + 5 created (P0 keeps its recorded links until the editor says otherwise).
  assert.equal(ws.links.count('C'), 41);
  assert.equal(await ws.applyFileChanges([{ file: '/ws/Page/P30.md', type: 'changed' }], () => false), false);
});

test('the title order made on a worker thread (the server\'s) is the one made here; a worker that fails or answers what cannot be the order leaves it to this thread', async (t) => {
  const letters = ['中', '国', '人', '軟', '软', 'A', 'B', 'a', ' ', '1'];
  const files: Record<string, string> = {};
  for (let i = 0; i < 600; i++) {
    // Titles of one to five letters, many sharing their first two (a prefix group).
    const title = Array.from({ length: 1 + (i % 5) }, (_, k) => letters[Math.floor(i / 10 ** k) % letters.length]).join('').trim() || 'X';
    files[`/ws/Page/${title.replace(/ /g, '_')}.md`] = `**${title}**`;
  }
  const fs = new MemoryFileSystem(files);
  fs.symlink('/ws/Redirect/Amiga.md', '../Page/AB.md');
  const indexed = async () => {
    const { ws } = workspaceOf(fs);
    await ws.scan();
    return ws;
  };
  const here = await indexed();
  await here.orderTitles();
  const expected = [...here.index.sortedTitles()];
  assert.ok(expected.length > 100 && expected.every((title, i) => i === 0 || expected[i - 1] < title), 'every title once, in order');

  const dir = mkdtempSync(join(tmpdir(), 'wikimd-order-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const answering = (order: string) => {
    const script = join(dir, `answer-${order.length}.js`);
    writeFileSync(script, `require('node:worker_threads').parentPort.postMessage(new Uint32Array(${order}));`);
    return script;
  };
  for (const [script, fromWorker] of [
    [resolve('dist/scanWorker.js'), true],
    [join(dir, 'missing.js'), false],
    [answering('[1e9]'), false],
    [answering('[]'), false],
  ] as const) {
    const ws = await indexed();
    const table = ws.index.table();
    const take = table.takeOrder.bind(table);
    let taken = false;
    table.takeOrder = (order) => (taken = take(order));
    await ws.orderTitles(undefined, script);
    assert.equal(taken, fromWorker, script);
    assert.deepEqual([...ws.index.sortedTitles()], expected, script);
  }
});

test('a page whose file still has the stamp given is not read again ("unchanged"), on disk and in memory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wikimd-stamp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'Page', 'A.md');
  mkdirSync(join(dir, 'Page'));
  writeFileSync(file, '**A**');
  const onDisk = new Workspace(nodeFileSystem, () => undefined, [dir]);
  const { mtimeMs, size } = statSync(file);
  assert.equal(await onDisk.readPage(file, { mtimeMs, size }), 'unchanged');
  for (const other of [{ mtimeMs: mtimeMs + 1, size }, { mtimeMs, size: size + 1 }]) {
    const read = await onDisk.readPage(file, other);
    assert.ok(typeof read === 'object' && 'bytes' in read && Buffer.from(read.bytes).toString() === '**A**' && read.stamp.mtimeMs === mtimeMs);
  }
  assert.deepEqual(await onDisk.readPage(join(dir, '..', 'B.md'), { mtimeMs, size }), { error: `not read: ${join(dir, '..', 'B.md')} is outside the workspace folders` }, 'outside: never looked at');
  const { ws } = workspaceOf(new MemoryFileSystem({ '/ws/Page/A.md': '**A**' }));
  assert.equal(await ws.readPage('/ws/Page/A.md', { mtimeMs: 0, size: 5 }), 'unchanged');
  assert.ok(typeof (await ws.readPage('/ws/Page/A.md', { mtimeMs: 0, size: 4 })) === 'object');
});
