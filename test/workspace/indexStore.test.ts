// The persisted index on the real file system: a restart answers from it, pages changed since are
// re-read (and only they), and a corrupt, truncated, foreign-version, half-written or foreign-key
// file is detected and rebuilt with the same answers as a fresh scan.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { nodeFileSystem, type FileSystem } from '../../server/src/workspace/fileSystem';
import { decodeIndex, encodeIndex, graphFileOf, indexFileFor } from '../../server/src/workspace/indexStore';
import { EntryTable } from '../../server/src/workspace/entryTable';
import { Workspace } from '../../server/src/workspace/workspace';
import { parsePage } from '../../server/src/parse';

let top: string;
let root: string;
let indexFile: string;

beforeEach(() => {
  top = mkdtempSync(join(tmpdir(), 'wikimd-index-'));
  root = join(top, 'ws');
  mkdirSync(join(root, 'Page'), { recursive: true });
  mkdirSync(join(root, 'Redirect'));
  writeFileSync(join(root, 'Page', 'A.md'), '[B](../Page/B.md "wikilink") [C](../Page/C.md "wikilink") [軟體](../Page/軟體.md "wikilink")');
  writeFileSync(join(root, 'Page', 'B.md'), '[C](../Page/C.md "wikilink")');
  writeFileSync(join(root, 'Page', 'C.md'), '**C** [Category:X](https://zh.wikipedia.org/wiki/Category:X "wikilink")');
  writeFileSync(join(root, 'Page', '软体.md'), '**软体**');
  symlinkSync('../Page/C.md', join(root, 'Redirect', 'See.md'));
  indexFile = join(top, 'cache', 'index.bin');
});
afterEach(() => rmSync(top, { recursive: true, force: true }));

/** The real file system, counting the pages read. */
function countingFs(): FileSystem & { reads: string[] } {
  const reads: string[] = [];
  return { ...nodeFileSystem, reads, readRegularFile: (p, n) => { reads.push(p); return nodeFileSystem.readRegularFile(p, n); } };
}

/** Opens a workspace (from the persisted index if usable) and brings its link graph up to date, as the server does. */
async function openWorkspace(fs: FileSystem = nodeFileSystem) {
  const logs: string[] = [];
  const ws = new Workspace(fs, (m) => logs.push(m), [root], { pageFolders: ['**/Page'], maxFileBytes: 100_000 });
  const from = await ws.open(indexFile);
  await ws.openLinks(indexFile);
  await ws.scanContents(() => false, () => undefined);
  return { ws, from, logs };
}

/** Everything the features ask of the index and the graph, as plain data. */
function answers(ws: Workspace) {
  const page = (t: string) => ws.index.get(t)!;
  return {
    titles: [...ws.index.pages()].map((p) => p.title).sort(),
    redirect: ws.index.get('See', 'Redirect')?.redirectTo,
    variant: ws.lookUpTitle('軟體').state,
    cLinkedBy: ws.links.sourcesOf(ws.titlesReaching(page('C'))).sort(),
    softwareLinkedBy: ws.links.sourcesOf(ws.titlesReaching(page('软体'))).sort(),
    category: ws.links.count('Category:X'),
  };
}

test('a restart answers from the persisted index without reading any page', async () => {
  const first = await openWorkspace();
  assert.equal(first.from, 'scanned');
  const before = answers(first.ws);
  await first.ws.persist(indexFile);
  // Persisting packs the graph in place: the same answers, and pages recorded after it count.
  assert.deepEqual(answers(first.ws), before);
  const fs = countingFs();
  const second = await openWorkspace(fs);
  assert.equal(second.from, 'persisted');
  assert.deepEqual(fs.reads.filter((p) => p !== indexFile && p !== graphFileOf(indexFile)), []);
  assert.deepEqual(answers(second.ws), answers(first.ws));
  assert.deepEqual(answers(second.ws).cLinkedBy, [join(root, 'Page', 'A.md'), join(root, 'Page', 'B.md')]);
  for (const ws of [first.ws, second.ws]) {
    ws.links.record(join(root, 'Page', 'D.md'), ['C', 'New']);
    assert.deepEqual(ws.links.sourcesOf(['C']).sort(), ['A.md', 'B.md', 'D.md'].map((n) => join(root, 'Page', n)));
    assert.equal(ws.links.count('New'), 1);
  }
});

test('a page edited before the persisted graph is taken keeps the links it has in the editor', async () => {
  const first = await openWorkspace();
  await first.ws.persist(indexFile);
  const ws = new Workspace(nodeFileSystem, () => undefined, [root], { pageFolders: ['**/Page'], maxFileBytes: 100_000 });
  assert.equal(await ws.open(indexFile), 'persisted');
  ws.pageEdited(join(root, 'Page', 'B.md'), parsePage('[软体](../Page/软体.md "wikilink")'));
  await ws.openLinks(indexFile);
  assert.deepEqual(ws.links.targetsOf(join(root, 'Page', 'B.md')), ['软体']);
  assert.deepEqual(ws.links.sourcesOf(['C']), [join(root, 'Page', 'A.md')], 'the graph read for the others');
});

test('pages changed since are re-read, and only they; added pages make the titles listed again', async () => {
  const first = await openWorkspace();
  await first.ws.persist(indexFile);
  // B no longer links C; its time and size both change.
  writeFileSync(join(root, 'Page', 'B.md'), 'no links at all now');
  utimesSync(join(root, 'Page', 'B.md'), new Date(), new Date(Date.now() + 5000));
  const fs = countingFs();
  const second = await openWorkspace(fs);
  assert.equal(second.from, 'persisted');
  assert.deepEqual(fs.reads.filter((p) => p !== indexFile && p !== graphFileOf(indexFile)), [join(root, 'Page', 'B.md')]);
  assert.deepEqual(answers(second.ws).cLinkedBy, [join(root, 'Page', 'A.md')]);

  await second.ws.persist(indexFile);
  writeFileSync(join(root, 'Page', 'D.md'), '[C](../Page/C.md "wikilink")');
  const third = await openWorkspace();
  assert.equal(third.from, 'scanned', 'a new file changes its folder: titles are listed again');
  assert.ok(third.logs.some((l) => /listing them again/.test(l)));
  assert.ok(answers(third.ws).titles.includes('D'));
  assert.deepEqual(answers(third.ws).cLinkedBy, [join(root, 'Page', 'A.md'), join(root, 'Page', 'D.md')]);
});

test('a bad index file is detected, reported and rebuilt, with the same answers as a fresh scan', async () => {
  const fresh = answers((await openWorkspace()).ws);
  const good = await (async () => {
    const { ws } = await openWorkspace();
    await ws.persist(indexFile);
    return readFileSync(indexFile);
  })();
  const foreignVersion = Buffer.from(good);
  foreignVersion.writeUInt32LE(999, 4);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 9] ^= 0xff;
  const cases: [string, Uint8Array, RegExp][] = [
    ['corrupt', flipped, /checksum/],
    ['truncated', good.subarray(0, good.length - 100), /truncated/],
    ['half-written (only the start reached the disk)', good.subarray(0, 20), /truncated/],
    ['foreign version', foreignVersion, /format version 999/],
    ['not an index', Buffer.from('hello, world, this is not an index'), /not an index/],
    ['empty', Buffer.alloc(0), /not an index/],
  ];
  for (const [name, bytes, reason] of cases) {
    writeFileSync(indexFile, bytes);
    const { ws, from, logs } = await openWorkspace();
    assert.equal(from, 'scanned', name);
    assert.ok(logs.some((l) => reason.test(l)), `${name}: ${logs.join(' | ')}`);
    assert.deepEqual(answers(ws), fresh, name);
    await ws.persist(indexFile);
    assert.equal((await openWorkspace()).from, 'persisted', `${name}: rebuilt and written again`);
  }
});

test('a bad link graph file is detected, reported and rebuilt from the pages, with the titles still taken from theirs', async () => {
  const fresh = answers((await openWorkspace()).ws);
  const graphFile = graphFileOf(indexFile);
  const good = await (async () => {
    const { ws } = await openWorkspace();
    await ws.persist(indexFile);
    return readFileSync(graphFile);
  })();
  const flipped = Buffer.from(good);
  flipped[flipped.length - 9] ^= 0xff;
  const cases: [string, Uint8Array, RegExp][] = [
    ['corrupt', flipped, /checksum/],
    ['half-written', good.subarray(0, 20), /truncated/],
    ['the titles where the graph belongs', readFileSync(indexFile), /holds the titles, not the graph/],
  ];
  for (const [name, bytes, reason] of cases) {
    writeFileSync(graphFile, bytes);
    const fs = countingFs();
    const { ws, from, logs } = await openWorkspace(fs);
    assert.equal(from, 'persisted', `${name}: the titles' file is good`);
    assert.ok(logs.some((l) => /link graph not used/.test(l) && reason.test(l)), `${name}: ${logs.join(' | ')}`);
    assert.ok(fs.reads.includes(join(root, 'Page', 'A.md')), `${name}: the pages are read again`);
    assert.deepEqual(answers(ws), fresh, name);
  }
  rmSync(graphFile);
  const { ws, logs } = await openWorkspace();
  assert.deepEqual(answers(ws), fresh, 'no graph file yet: the pages are read');
  assert.ok(!logs.some((l) => /link graph not used/.test(l)), 'a missing graph file is no problem to report');
});

test('a large index file is read in parts and its checksum taken part by part: a flip in the last part is found', async () => {
  const { ws } = await openWorkspace();
  await ws.persist(indexFile);
  const good = readFileSync(indexFile);
  // The same index with its payload grown past two parts of 64 MB (trailing bytes no section reaches), checksum and length set.
  const payload = Buffer.alloc((130 << 20) - 16, 0x5a);
  good.copy(payload, 0, 16);
  const preamble = Buffer.from(good.subarray(0, 16));
  preamble.writeUInt32LE(payload.length, 8);
  preamble.writeUInt32LE(crc32(payload), 12);
  writeFileSync(indexFile, Buffer.concat([preamble, payload]));
  assert.equal((await openWorkspace()).from, 'persisted', 'the checksum of the parts is the checksum of the whole');
  payload[payload.length - 1] ^= 0xff;
  writeFileSync(indexFile, Buffer.concat([preamble, payload]));
  const { from, logs } = await openWorkspace();
  assert.equal(from, 'scanned');
  assert.ok(logs.some((l) => /checksum/.test(l)), logs.join(' | '));
});

test('an index file taken apart in parts of any size gives the same table, and a flip of any byte is found, never a crash', async () => {
  const { ws } = await openWorkspace();
  await ws.persist(indexFile);
  const good = readFileSync(indexFile);
  const whole = decodeIndex([good], ws.indexKey);
  assert.ok('table' in whole, 'the whole file decodes');
  fc.assert(fc.property(fc.uniqueArray(fc.nat(good.length), { maxLength: 12 }), (cuts) => {
    const at = [0, ...cuts.sort((a, b) => a - b), good.length];
    const parts = at.slice(1).map((end, k) => good.subarray(at[k], end));
    const decoded = decodeIndex(parts, ws.indexKey);
    assert.ok('table' in decoded, JSON.stringify(decoded));
    // Written out again, byte for byte the file it came from.
    assert.deepEqual(encodeIndex(ws.indexKey, decoded), good);
  }), { numRuns: 200 });
  fc.assert(fc.property(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(good.length), (byte, flip, cut) => {
    const bad = Buffer.from(good);
    bad[byte] ^= flip;
    assert.ok('reason' in decodeIndex([bad.subarray(0, cut), bad.subarray(cut)], ws.indexKey), `byte ${byte}`);
  }), { numRuns: 300 });
});

test('an index built for other folders or settings is not used', async () => {
  const { ws } = await openWorkspace();
  const bytes = encodeIndex(ws.indexKey, { pageFolders: [], folders: [], table: EntryTable.empty });
  assert.ok('table' in decodeIndex([bytes], ws.indexKey));
  assert.match((decodeIndex([bytes], { ...ws.indexKey, maxFileBytes: 1 }) as { reason: string }).reason, /other folders or settings/);
  assert.match((decodeIndex([bytes], { ...ws.indexKey, roots: ['/elsewhere'] }) as { reason: string }).reason, /other folders or settings/);
});

test('where the index lives: the editor\'s storage folder, else the user\'s cache folder, keyed by the workspace', () => {
  const a = indexFileFor(['/data/zhwiki'], undefined, { XDG_CACHE_HOME: '/home/u/.cache-x' });
  assert.match(a, /^\/home\/u\/\.cache-x\/wiki-markdown\/zhwiki-[0-9a-f]{16}\/index\.bin$/);
  assert.notEqual(a, indexFileFor(['/data/other/zhwiki'], undefined, { XDG_CACHE_HOME: '/home/u/.cache-x' }));
  assert.match(indexFileFor(['/data/zhwiki'], '/vscode/storage/abc'), /^\/vscode\/storage\/abc\/index-zhwiki-[0-9a-f]{16}\.bin$/);
  assert.match(indexFileFor(['/data/zhwiki'], undefined, { XDG_CACHE_HOME: 'relative' }), /\.cache\/wiki-markdown\//);
});
