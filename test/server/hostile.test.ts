// Hostile workspaces and protocol abuse against the bundled server over LSP: it must answer
// correctly or with the proper error, never read outside the workspace, and keep serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Hover } from 'vscode-languageserver';
import { LspClient } from './lspClient';
import { makeWorkspace, type TempWorkspace } from './workspaceFixture';

let ws: TempWorkspace;
let client: LspClient;

const LINKS = [
  '[etc](../Redirect/Etc.md "wikilink")',
  '[loop](../Redirect/Loop.md "wikilink")',
  '[passwd](../Page/../../../etc/passwd.md "wikilink")',
  '[dir](../Page/Folder.md "wikilink")',
  '[gone](../Page/Gone.md "wikilink")',
  '[bom](../Page/Bom.md "wikilink")',
].join(' ');

before(async () => {
  ws = makeWorkspace({
    'Hostile.md': `${LINKS}\n`,
    'Bom.md': '\uFEFF**Bom**是一个页面。\r\n\r\n[Amiga](../Page/Amiga.md "wikilink")\r\n',
    'Cr.md': '**Cr**\r[AmigaOS](../Page/AmigaOS.md "wikilink")\r',
    'Gone.md': '**Gone** lead\n',
    'Unreadable.md': '**Unreadable**\n',
    'Huge.md': `**Huge**${'文字[x](../Page/X.md "wikilink")'.repeat(1_700_000)}`,
  });
  symlinkSync('/etc', join(ws.root, 'Redirect', 'Etc.md'));
  symlinkSync('Loop2.md', join(ws.root, 'Redirect', 'Loop.md'));
  symlinkSync('Loop.md', join(ws.root, 'Redirect', 'Loop2.md'));
  mkdirSync(join(ws.root, 'Page', 'Folder.md'));
  chmodSync(ws.page('Unreadable.md'), 0o000);
  client = new LspClient();
  await client.initialize(ws.root);
});

after(async () => {
  await client.stop();
  ws.dispose();
});

const hoverText = (h: Hover | null) => (h ? (h.contents as { value: string }).value : '');

test('a hostile workspace: symlinks out and in loops, a folder named .md, a deleted page, BOM, CR line ends, 50 MB', async () => {
  const text = `${LINKS}\n`;
  const uri = await client.open(ws.page('Hostile.md'), text);
  // Deleted after the scan listed it: hovering its link must not fail.
  unlinkSync(ws.page('Gone.md'));
  const ds = await client.diagnosticsFor(uri);
  const codeOf = (needle: string) => ds.filter((d) => d.range.start.character === text.indexOf(needle)).map((d) => d.code);
  assert.deepEqual(codeOf('[passwd]'), ['outside-workspace']);
  assert.deepEqual(codeOf('[etc]'), ['missing-page'], 'a redirect to /etc is not followed');
  assert.deepEqual(codeOf('[loop]'), ['missing-page'], 'a symlink loop resolves to nothing');
  assert.deepEqual(codeOf('[dir]'), ['missing-page'], 'a folder named like a page is not a page');
  for (const needle of ['[etc]', '[loop]', '[passwd]', '[gone]']) {
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: text.indexOf(needle) + 1 } });
    assert.doesNotMatch(hoverText(hover), /root:|TOPSECRET|Gone\*\* lead/, `${needle} shows nothing from outside or from a vanished file`);
  }
  const bom = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: text.indexOf('[bom]') + 1 } });
  assert.match(hoverText(bom), /Bom.*是一个页面/s, 'a page with a BOM and CRLF previews its lead');
  assert.ok(client.logs.some((l) => /skipped .*Folder\.md: a folder named like a page/.test(l)), client.logs.join('\n'));

  const cr = readFileSync(ws.page('Cr.md'), 'utf8');
  const crUri = await client.open(ws.page('Cr.md'), cr);
  const crDs = await client.diagnosticsFor(crUri);
  assert.deepEqual(crDs.filter((d) => d.code !== 'footnote').map((d) => d.code), [], 'lone CR line ends parse as lines');

  const huge = readFileSync(ws.page('Huge.md'), 'utf8');
  assert.ok(huge.length > 50_000_000 / 3, 'a page of about 50 MB');
  const hugeUri = await client.open(ws.page('Huge.md'), huge);
  const hugeDs = await client.diagnosticsFor(hugeUri, (d) => d.length > 0, 60_000);
  assert.equal(hugeDs.filter((d) => d.code === 'page-truncated').length, 1, 'one diagnostic says the rest was skipped');
  await client.notify('textDocument/didClose', { textDocument: { uri: hugeUri } });
  assert.ok(!client.exited);
});

test('protocol abuse: unknown methods, foreign URIs, positions past the end, stale versions, a storm of edits, cancellation', async () => {
  await assert.rejects(client.request('wikiMarkdown/noSuchMethod', {}), (e: { code: number }) => e.code === -32601);
  const at = { line: 9999, character: 9999 };
  assert.equal(await client.request('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: at }), null);
  assert.equal(await client.request('textDocument/definition', { textDocument: { uri: 'file:///nowhere/Page/X.md' }, position: at }), null);
  await client.notify('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-2', languageId: 'markdown', version: 1, text: '[a](../Page/A.md "wikilink")' } });
  assert.equal(await client.request('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-2' }, position: { line: 0, character: 1 } }), null);

  const file = ws.page('Storm.md');
  const uri = pathToFileURL(file).href;
  await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: '' } });
  // 10k single-character edits, as fast as the pipe takes them, then one with a stale version.
  const target = '[阿拉木图的一次](../Page/阿拉木图.md "wikilink") [PowerPC](../Page/PowerPC.md "wikilink")\n';
  let text = '';
  for (let v = 2; v <= 10_001; v++) {
    const ch = target[(v - 2) % target.length];
    const end = { line: text.split('\n').length - 1, character: text.length - (text.lastIndexOf('\n') + 1) };
    text += ch;
    void client.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range: { start: end, end }, text: ch }] });
  }
  await client.notify('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text }] });
  const final = await client.diagnosticsFor(uri, (d: Diagnostic[]) => d.some((x) => x.code === 'missing-page'), 60_000);
  assert.ok(final.length > 0);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
  assert.match(hoverText(hover), /阿拉木图/);

  // A cancelled request answers (with its result or the cancellation error), and the server goes on.
  const { CancellationTokenSource } = await import('vscode-jsonrpc/node');
  const source = new CancellationTokenSource();
  const pending = client.connection.sendRequest('textDocument/references', { textDocument: { uri }, position: { line: 0, character: 1 }, context: { includeDeclaration: false } }, source.token);
  source.cancel();
  await pending.then(() => undefined, (e: { code: number }) => assert.equal(e.code, -32800));
  assert.ok(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } }));
});

test('soak: 32k documents opened, edited and closed and 3.2k files renamed on disk; memory stays flat', async () => {
  // A server of its own, so that the 50 MB page above does not weigh on its memory.
  const soakWs = makeWorkspace({ '内核.md': '**内核**\n' });
  // A heap limit makes the collector reclaim garbage instead of letting the heap grow toward its default
  // (which it does at its own pace); a leak then ends in an out-of-memory crash, which the test sees.
  const client = new LspClient(undefined, undefined, ['--max-old-space-size=256']);
  await client.initialize(soakWs.root);
  const ws = soakWs;
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${client.pid}/status`, 'utf8'))![1]) / 1024;
  const page = readFileSync(ws.page('AmigaOS.md'), 'utf8');
  // Steady state first: the variant dictionaries (all three converters) load on the first lookup through a variant.
  const warm = await client.open(ws.page('Warm.md'), '[內核](../Page/內核.md "wikilink")\n');
  await client.diagnosticsFor(warm);
  const readings: number[] = [];
  let renamed = 0;
  for (let pass = 0; pass < 16; pass++) {
    for (let i = 0; i < 2000; i++) {
      const uri = pathToFileURL(ws.page(`Soak${i}.md`)).href;
      await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: page } });
      await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${page}\n[x${pass}](../Page/X${i}.md "wikilink")` }] });
      await client.notify('textDocument/didClose', { textDocument: { uri } });
    }
    for (let i = 0; i < 200; i++, renamed++) {
      const from = ws.page(renamed === 0 ? 'Gone2.md' : `Moved${renamed - 1}.md`);
      const to = ws.page(`Moved${renamed}.md`);
      if (renamed === 0) writeFileSync(from, '**moved**\n');
      renameSync(from, to);
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(from).href, type: 3 }, { uri: pathToFileURL(to).href, type: 1 }] });
    }
    // A round trip so that the server has handled everything sent so far.
    await client.request('textDocument/hover', { textDocument: { uri: 'untitled:x' }, position: { line: 0, character: 0 } });
    readings.push(rss());
  }
  console.log(`soak RSS after each pass (MB): ${readings.map((r) => r.toFixed(0)).join(', ')}`);
  // RSS climbs between full collections (about every ten passes here) and falls back after one: a leak
  // raises the floor, so the lowest of the last four passes is held to the highest of the first four.
  const [early, late] = [Math.max(...readings.slice(0, 4)), Math.min(...readings.slice(-4))];
  assert.ok(late <= early * 1.1, `RSS grew from ${early.toFixed(0)} MB to ${late.toFixed(0)} MB`);
  assert.ok(!client.exited);
  await client.stop();
  soakWs.dispose();
});

test('200k files in one folder: indexed, and an open page is checked against them', async () => {
  const big = makeWorkspace();
  for (let i = 0; i < 200_000; i++) writeFileSync(join(big.root, 'Page', `P${i}.md`), `**P${i}** [P${i + 1}](../Page/P${i + 1}.md "wikilink")\n`);
  const client = new LspClient();
  await client.initialize(big.root);
  const text = '[P199999](../Page/P199999.md "wikilink") [P200000](../Page/P200000.md "wikilink")\n';
  const uri = await client.open(join(big.root, 'Page', 'P0.md'), text);
  const ds = await client.diagnosticsFor(uri, (d) => d.length > 0, 120_000);
  assert.deepEqual(ds.map((d) => [d.code, d.range.start.character]), [['missing-page', text.indexOf('[P200000]')]]);
  // The page's diagnostics may come before the index (from the files its links name); the index follows.
  for (const deadline = Date.now() + 120_000; !client.logs.some((l) => /indexed 200\d{3} pages/.test(l)) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
  assert.ok(client.logs.some((l) => /indexed 200\d{3} pages/.test(l)), client.logs.join('\n'));
  await client.stop();
  big.dispose();
});
