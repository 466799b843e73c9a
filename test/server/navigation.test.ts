// Corpus-wide features over LSP against the bundled server: references and the backlink lens,
// the call hierarchy (what links here, what a page links), rename (files really moved), willRenameFiles, completion, symbols, folding, fix-all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  CallHierarchyIncomingCall, CallHierarchyItem, CallHierarchyOutgoingCall, CodeAction, CodeLens, CompletionList, DocumentSymbol, FoldingRange, Location, TextEdit, WorkspaceEdit, WorkspaceSymbol,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from './lspClient';
import { generateCorpus, makeWorkspace, type TempWorkspace } from './workspaceFixture';
import { applyToDisk } from './applyEdit';

let ws: TempWorkspace;
let client: LspClient;

const TARGET = '**目标**是一个页面。\n\n## 历史\n\n### 早期\n\n早期的文字。\n\n## 参见\n\n文字\\[1\\]。\n\n1.  \n2.  一个注释\n';
const LINKS_BY_TITLE_AND_VARIANT = '[目标](../Page/目标.md "wikilink")和[目標](../Page/目標.md "wikilink")，再[目标](../Page/目标.md#历史 "wikilink")。\n';
const LINKS_BY_WIKI_AND_REDIRECT = '[目标](https://zh.wikipedia.org/wiki/目标 "wikilink")与[靶子](../Redirect/靶子.md "wikilink")，[其他](../Page/其他.md "wikilink")。\n';

before(async () => {
  ws = makeWorkspace({
    '目标.md': TARGET,
    '甲.md': LINKS_BY_TITLE_AND_VARIANT,
    '乙.md': LINKS_BY_WIKI_AND_REDIRECT,
    '丙.md': '没有链接。[目标的一次](../Page/目标.md "wikilink")\n',
    '其他.md': '**其他**\n',
  });
  symlinkSync('../Page/目标.md', join(ws.root, 'Redirect', '靶子.md'));
  client = new LspClient();
  await client.initialize(ws.root);
});

after(async () => {
  await client.stop();
  ws.dispose();
});

const pos = (text: string, needle: string, delta = 1) => {
  const doc = TextDocument.create('x', 'markdown', 1, text);
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return doc.positionAt(at + delta);
};
const rel = (uri: string) => relative(ws.root, fileURLToPath(uri));
const snapshot = () => {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.set(relative(ws.root, p), readFileSync(p, 'utf8'));
    }
  };
  walk(ws.root);
  return files;
};

test('references: every link reaching the page, by title, variant, fragment, redirect and wiki link', async () => {
  const uri = await client.open(ws.page('甲.md'), LINKS_BY_TITLE_AND_VARIANT);
  const params = { textDocument: { uri }, position: pos(LINKS_BY_TITLE_AND_VARIANT, '[目标]'), context: { includeDeclaration: false } };
  const refs = await client.requestUntil<Location[]>('textDocument/references', params, (r) => r.length >= 6);
  // 甲: title, variant 目標, fragment; 乙: wiki link, redirect 靶子; 丙: one (with a swallowed trail). Not 乙's link to 其他.
  assert.equal(refs.length, 6);
  const files = new Set(refs.map((r) => rel(r.uri)));
  assert.deepEqual([...files].sort(), ['Page/丙.md', 'Page/乙.md', 'Page/甲.md']);
  const inJia = refs.filter((r) => r.uri.endsWith(encodeURI('甲.md')));
  assert.equal(inJia.length, 3, 'title, variant and fragment links in 甲');
  const inYi = refs.filter((r) => r.uri.endsWith(encodeURI('乙.md')));
  assert.equal(inYi.length, 2, 'the wiki link and the redirect in 乙, not the link to 其他');
  const yi = readFileSync(ws.page('乙.md'), 'utf8');
  const yiDoc = TextDocument.create('x', 'markdown', 1, yi);
  assert.deepEqual(inYi.map((r) => yi.slice(yiDoc.offsetAt(r.range.start), yiDoc.offsetAt(r.range.start) + 4)).sort(), ['[目标]', '[靶子]']);
});

test('references from inside the page itself; the lens counts linking pages', async () => {
  const uri = await client.open(ws.page('目标.md'), TARGET);
  const refs = await client.requestUntil<Location[]>('textDocument/references', { textDocument: { uri }, position: pos(TARGET, '早期的'), context: { includeDeclaration: false } }, (r) => r.length >= 6);
  assert.equal(refs.length, 6);
  const lenses = await client.requestUntil<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } }, (l) => !l[0]?.command?.title.includes('indexing'));
  // 甲 links by title and variant, 乙 by wiki link and redirect, 丙 once: three pages, each counted once.
  assert.equal(lenses[0].command!.title, '3 pages link here');
  assert.equal(lenses[0].command!.command, 'wikiMarkdown.showBacklinks');
  assert.deepEqual(lenses[0].range.start, { line: 0, character: 0 });
});

test('call hierarchy: the pages linking a page, and the pages a page links, each with its links to it', async () => {
  const uri = pathToFileURL(ws.page('甲.md')).href;
  const [root, ...more] = await client.request<CallHierarchyItem[]>('textDocument/prepareCallHierarchy', { textDocument: { uri }, position: pos(LINKS_BY_TITLE_AND_VARIANT, '[目标]') });
  assert.equal(more.length, 0);
  assert.equal(root.name, '目标', 'the page the link under the cursor reaches');
  assert.equal(rel(root.uri), 'Page/目标.md');
  const incoming = await client.requestUntil<CallHierarchyIncomingCall[]>('callHierarchy/incomingCalls', { item: root }, (r) => r.length >= 3);
  // 甲 by title, variant and fragment; 乙 by wiki link and redirect; 丙 once.
  assert.deepEqual(incoming.map((c) => `${c.from.name} ${c.fromRanges.length}`).sort(), ['丙 1', '乙 2', '甲 3']);
  const yi = incoming.find((c) => c.from.name === '乙')!.from;
  const outgoing = await client.request<CallHierarchyOutgoingCall[]>('callHierarchy/outgoingCalls', { item: yi });
  assert.deepEqual(outgoing.map((c) => `${c.to.name} ${c.fromRanges.length}`), ['目标 2', '其他 1'], 'in the order of their first link');
  const yiDoc = TextDocument.create('x', 'markdown', 1, readFileSync(ws.page('乙.md'), 'utf8'));
  assert.deepEqual(outgoing.flatMap((c) => c.fromRanges).map((r) => yiDoc.getText(r).slice(0, 4)), ['[目标]', '[靶子]', '[其他]'], 'the ranges are the links, in the page they are in');
  // A file that is no page of the index is not read.
  const notAPage = { ...root, uri: pathToFileURL(join(ws.root, '..', 'elsewhere.md')).href };
  assert.deepEqual(await client.request('callHierarchy/outgoingCalls', { item: notAPage }), []);
  assert.deepEqual(await client.request('callHierarchy/incomingCalls', { item: notAPage }), []);
});

test('rename: moves the file and rewrites every local link to it; nothing else changes', async () => {
  const text = readFileSync(ws.page('DragonFly_BSD.md'), 'utf8');
  const uri = await client.open(ws.page('DragonFly_BSD.md'), text);
  const at = pos(text, '[AmigaOS]');
  await client.requestUntil<Location[]>('textDocument/references', { textDocument: { uri }, position: at, context: { includeDeclaration: false } }, (r) => r.length > 0);
  const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri }, position: at });
  assert.equal(prepared.placeholder, 'AmigaOS');
  await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position: at, newName: 'DragonFly BSD' }), /already exists/);
  await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position: at, newName: 'Amiga|OS' }), /cannot contain "\|"/);

  const before = snapshot();
  const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: at, newName: 'AmigaOS 4' });
  applyToDisk(edit);
  const afterRename = snapshot();
  assert.ok(!existsSync(ws.page('AmigaOS.md')) && existsSync(ws.page('AmigaOS_4.md')), 'the file moved');
  assert.equal(afterRename.get('Page/AmigaOS_4.md'), before.get('Page/AmigaOS.md'), 'its content is untouched');
  assert.equal(afterRename.get('Page/DragonFly_BSD.md'), before.get('Page/DragonFly_BSD.md')!.replace('[AmigaOS](../Page/AmigaOS.md "wikilink")', '[AmigaOS](../Page/AmigaOS_4.md "wikilink")'));
  for (const [file, content] of before) {
    if (file !== 'Page/AmigaOS.md' && file !== 'Page/DragonFly_BSD.md') assert.equal(afterRename.get(file), content, `${file} unchanged`);
  }
});

test('rename keeps fragments, follows variants, leaves redirects and (by default) wiki links', async () => {
  const uri = pathToFileURL(ws.page('目标.md')).href;
  const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos(TARGET, '早期的'), newName: '新目标' });
  const texts = new Map<string, string>();
  for (const change of edit.documentChanges ?? []) {
    if (!('textDocument' in change)) continue;
    const text = readFileSync(fileURLToPath(change.textDocument.uri), 'utf8');
    texts.set(rel(change.textDocument.uri), TextDocument.applyEdits(TextDocument.create('x', 'markdown', 0, text), change.edits as TextEdit[]));
  }
  assert.equal(texts.get('Page/甲.md'), '[目标](../Page/新目标.md "wikilink")和[目標](../Page/新目标.md "wikilink")，再[目标](../Page/新目标.md#历史 "wikilink")。\n');
  assert.equal(texts.get('Page/乙.md'), undefined, 'wiki links and redirects are left as they are');
  const renames = (edit.documentChanges ?? []).filter((c) => 'kind' in c && c.kind === 'rename');
  assert.equal(renames.length, 1);
  // The open document 甲 carries its version, so the editor can refuse a stale edit.
  const jia = (edit.documentChanges ?? []).find((c) => 'textDocument' in c && c.textDocument.uri.endsWith(encodeURI('甲.md')));
  assert.ok(jia && 'textDocument' in jia && jia.textDocument.version === 1);
});

test('willRenameFiles: renaming a page in the explorer updates the links to it', async () => {
  const edit = await client.request<WorkspaceEdit | null>('workspace/willRenameFiles', {
    files: [{ oldUri: pathToFileURL(ws.page('其他.md')).href, newUri: pathToFileURL(ws.page('其它.md')).href }],
  });
  assert.ok(edit?.documentChanges?.length === 1);
  const change = edit.documentChanges[0];
  assert.ok('textDocument' in change);
  assert.deepEqual((change.edits as TextEdit[]).map((e) => e.newText), ['../Page/其它.md']);
});

test('completion: titles by prefix in a destination and in new link text, across variants', async () => {
  const text = '见[目](../Page/目\n以及[DragonF\n';
  const uri = await client.open(ws.page('丁.md'), text);
  const inDest = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: pos(text, '目\n', 1) });
  assert.ok(inDest.items.some((i) => i.label === '目标'), JSON.stringify(inDest.items.map((i) => i.label)));
  const item = inDest.items.find((i) => i.label === '目标')!;
  assert.equal((item.textEdit as { newText: string }).newText, '目标.md "wikilink")');
  const inText = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: pos(text, 'DragonF\n', 7) });
  const dragon = inText.items.find((i) => i.label === 'DragonFly BSD')!;
  assert.equal((dragon.textEdit as { newText: string }).newText, '[DragonFly BSD](../Page/DragonFly_BSD.md "wikilink")');
  // Typed in Traditional, the Simplified title is offered.
  const trad = '[目標';
  const uri2 = await client.open(ws.page('戊.md'), trad);
  const variant = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: uri2 }, position: { line: 0, character: 3 } });
  assert.ok(variant.items.some((i) => i.label === '目标'));
});

test('document symbols, workspace symbols and folding ranges', async () => {
  const uri = pathToFileURL(ws.page('目标.md')).href;
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbols.map((s) => [s.name, s.children?.map((c) => c.name)]), [['历史', ['早期']], ['参见', []]]);
  const found = await client.request<WorkspaceSymbol[]>('workspace/symbol', { query: 'dfly' });
  assert.equal(found[0].name, 'DragonFly BSD', 'fuzzy: d-f-l-y in order');
  const variant = await client.request<WorkspaceSymbol[]>('workspace/symbol', { query: '目標' });
  assert.ok(variant.some((s) => s.name === '目标'));
  const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
  const lines = TARGET.split('\n');
  const line = (s: string) => lines.findIndex((l) => l.startsWith(s));
  assert.ok(folds.some((f) => f.startLine === line('## 历史') && f.endLine === line('早期的')), 'section 历史');
  assert.ok(folds.some((f) => f.startLine === line('1.') && f.endLine === line('2.')), 'the notes list');
});

test('fix all: per page (source.fixAll) and across the workspace, previewed with a change annotation', async () => {
  const text = readFileSync(ws.page('$.md'), 'utf8');
  const uri = await client.open(ws.page('$.md'), text);
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [], only: ['source.fixAll'] } });
  assert.deepEqual(actions.map((a) => a.kind), ['source.fixAll.wikiMarkdown']);
  const fixedPage = TextDocument.applyEdits(TextDocument.create(uri, 'markdown', 1, text), actions[0].edit!.changes![uri]);
  assert.ok(!fixedPage.includes('[波托西](../Page/波托西.md "wikilink")（）'), 'empty parentheses removed');
  assert.ok(fixedPage.includes('[英属北美](https://zh.wikipedia.org/wiki/英属北美 "wikilink")也被称为'), 'trail moved out');
  const lightbulb = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
  assert.ok(!lightbulb.some((a) => a.kind === 'source.fixAll.wikiMarkdown'), 'not offered on the lightbulb');

  const result = await client.request<{ pages: number; edits: number; applied: boolean }>('workspace/executeCommand', { command: 'wikiMarkdown.server.fixAllInWorkspace', arguments: ['link-trail'] });
  assert.ok(result.applied && result.pages >= 3, JSON.stringify(result));
  const { edit } = client.appliedEdits.at(-1)!;
  const annotations = Object.values(edit.changeAnnotations ?? {});
  assert.deepEqual(annotations.map((a) => a.needsConfirmation), [true]);
  for (const change of edit.documentChanges ?? []) {
    assert.ok('textDocument' in change);
    for (const e of change.edits) assert.equal((e as { annotationId?: string }).annotationId, 'wiki-markdown.link-trail');
  }
  await assert.rejects(client.request('workspace/executeCommand', { command: 'wikiMarkdown.server.fixAllInWorkspace', arguments: ['missing-page'] }), /no fix-all/);
});

test('fix all past the preview: asked once, open pages fixed in the editor, the others written as `wikimd check --fix` writes them', async () => {
  const top = mkdtempSync(join(tmpdir(), 'wikimd-fixall-'));
  const corpus = join(top, 'corpus');
  const byCli = join(top, 'cli');
  const server = new LspClient();
  try {
    generateCorpus(corpus, 40, 7);
    cpSync(corpus, byCli, { recursive: true });
    const cli = spawnSync(process.execPath, [join(process.cwd(), 'dist/cli.js'), 'check', '--fix', 'link-trail', '.'], { cwd: byCli, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    assert.ok(cli.status === 0 || cli.status === 1, cli.stderr);
    const files = (dir: string) => {
      const found = new Map<string, string>();
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(d, e.name));
          else if (e.isFile()) found.set(relative(dir, join(d, e.name)), readFileSync(join(d, e.name), 'utf8'));
        }
      };
      walk(dir);
      return found;
    };
    const before = files(corpus);
    const fixedByCli = files(byCli);
    const changed = [...before.keys()].filter((f) => before.get(f) !== fixedByCli.get(f));
    assert.ok(changed.length > 3, `the corpus needs more than a preview's pages of fixes: ${changed.length}`);

    await server.initialize(corpus, { fixAll: { maxPreviewPages: 3 }, statusBar: { countProblems: false } });
    // One page with fixes is open with an edit the user has not saved.
    const openFile = join(corpus, changed[0]);
    const unsaved = `${before.get(changed[0])}\n未保存的一行。\n`;
    await server.open(openFile, unsaved);
    const command = { command: 'wikiMarkdown.server.fixAllInWorkspace', arguments: ['link-trail'] };

    server.answer = 'Cancel';
    const declined = await server.request<{ pages: number; applied: boolean }>('workspace/executeCommand', command);
    assert.equal(declined.pages, changed.length);
    assert.equal(declined.applied, false);
    assert.deepEqual(files(corpus), before, 'nothing written when the user declines');
    assert.equal(server.appliedEdits.length, 0, 'no preview past the limit');
    assert.match(server.questions[0], new RegExp(`fixes in ${changed.length} pages`));

    server.answer = 'Write to the files';
    const result = await server.request<{ pages: number; applied: boolean; written: number; unfixed: number }>('workspace/executeCommand', command);
    assert.deepEqual({ applied: result.applied, written: result.written, unfixed: result.unfixed }, { applied: true, written: changed.length - 1, unfixed: 0 });
    const after = files(corpus);
    for (const [file, text] of fixedByCli) {
      if (file === changed[0]) assert.equal(after.get(file), before.get(file), 'the open page is left to the editor');
      else assert.equal(after.get(file), text, file);
    }
    // The open page's fixes went to the editor, made from its unsaved text.
    const { edit } = server.appliedEdits.at(-1)!;
    assert.equal(edit.documentChanges?.length, 1);
    const change = edit.documentChanges![0] as { textDocument: { uri: string }; edits: TextEdit[] };
    assert.equal(change.textDocument.uri, pathToFileURL(openFile).href);
    const inEditor = TextDocument.applyEdits(TextDocument.create(change.textDocument.uri, 'markdown', 1, unsaved), change.edits);
    assert.equal(inEditor, `${fixedByCli.get(changed[0])}\n未保存的一行。\n`);
  } finally {
    await server.stop();
    rmSync(top, { recursive: true, force: true });
  }
});

test('graph: the pages a page links and the pages linking it (by title, variant, redirect, wiki link), missing pages marked', async () => {
  type Graph = { centre: string; nodes: { id: string; title: string; state: string; via?: string }[]; edges: { from: string; to: string }[] };
  const uri = pathToFileURL(ws.page('乙.md')).href;
  const out = await client.request<Graph>('wikiMarkdown/graph', { uri, hops: 1 });
  const node = (title: string) => out.nodes.find((n) => n.title === title);
  assert.equal(out.centre, ws.page('乙.md'));
  assert.equal(node('目标')?.state, 'page', 'a wiki link whose page is in the corpus reaches it');
  assert.equal(node('其他')?.state, 'page');
  assert.ok(out.edges.some((e) => e.from === ws.page('乙.md') && e.to === node('目标')!.id));
  const around = await client.requestUntil<Graph>('wikiMarkdown/graph', { uri: pathToFileURL(ws.page('目标.md')).href, hops: 1 }, (g) => g.nodes.length >= 4);
  const linking = around.edges.filter((e) => e.to === ws.page('目标.md')).map((e) => around.nodes.find((n) => n.id === e.from)!.title).sort();
  assert.deepEqual(linking, ['丙', '乙', '甲'], 'by title, variant, redirect and wiki link');
  const two = await client.request<Graph>('wikiMarkdown/graph', { uri: pathToFileURL(ws.page('丙.md')).href, hops: 2 });
  assert.ok(two.nodes.some((n) => n.title === '甲'), 'two hops: the pages linking a page it links');
  const missing = await client.request<Graph>('wikiMarkdown/graph', { uri: pathToFileURL(ws.page('AmigaOS_4.md')).href, hops: 1 });
  assert.ok(missing.nodes.some((n) => n.state === 'missing' && n.title === 'PowerPC'), 'a local link to a missing page is a red node');
});

test('a renamed page takes its redirects along: the Redirect/ links to it are retargeted, relative, after the move', async () => {
  const uri = pathToFileURL(ws.page('目标.md')).href;
  const redirect = join(ws.root, 'Redirect', '靶子.md');
  assert.equal(readlinkSync(redirect), '../Page/目标.md');
  const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos(TARGET, '早期的'), newName: '靶标' });
  applyToDisk(edit);
  // The editor tells the server once it has moved the file.
  await client.notify('workspace/didRenameFiles', { files: [{ oldUri: uri, newUri: pathToFileURL(ws.page('靶标.md')).href }] });
  for (let i = 0; i < 100 && readlinkSync(redirect) !== '../Page/靶标.md'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(readlinkSync(redirect), '../Page/靶标.md');
  assert.equal(readFileSync(redirect, 'utf8'), TARGET, 'the redirect reaches the page again');
});
