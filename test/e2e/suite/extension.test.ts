// The extension in a real VS Code, through the API a user's editor uses. Runs in the extension
// host on a temporary copy of the real pages (the runner makes it), so it may edit and delete.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'wiki-markdown.wiki-markdown';

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const folder = () => vscode.workspace.workspaceFolders![0].uri;

/** The language server processes this extension host started (it runs this suite too). */
function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('dist/server.js')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
const page = (name: string) => vscode.Uri.joinPath(folder(), 'Page', name);

/** The range of the whole link `[text](…)` whose raw text starts with `[text`. */
function linkRange(doc: vscode.TextDocument, startsWith: string): vscode.Range {
  const text = doc.getText();
  const start = text.indexOf(startsWith);
  assert.ok(start >= 0, `page lacks ${startsWith}`);
  const end = text.indexOf(')', text.indexOf('](', start)) + 1;
  return new vscode.Range(doc.positionAt(start), doc.positionAt(end));
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'wiki-markdown');

function codesAt(uri: vscode.Uri, range: vscode.Range): string[] {
  return ours(uri).filter((d) => d.range.isEqual(range)).map((d) => String(d.code)).sort();
}

async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(page(name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

suite('Wiki Markdown in VS Code', () => {
  let amiga: vscode.TextDocument;

  suiteSetup(async () => {
    amiga = await open('AmigaOS.md');
    console.log(`[e2e] VS Code ${vscode.version}, Node ${process.version}, ${amiga.uri.toString()} as ${amiga.languageId}`);
  });

  test('the extension activates on a Page/*.md file and its server publishes diagnostics', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'the extension is installed');
    await waitFor('activation', () => (extension.isActive ? true : undefined));
    assert.equal(amiga.languageId, 'markdown', 'files stay markdown');
    await waitFor('diagnostics from the language server', () => (ours(amiga.uri).length ? true : undefined));
  });

  test('the status bar shows the page count and the problems of the corpus; its command opens the Problems view', async () => {
    const api = vscode.extensions.getExtension<{ status(): { text: string; tooltip: string; command: string } }>(EXTENSION_ID)!.exports;
    const status = await waitFor('the counted status', () => (/pages · [\d,]+ problems/.test(api.status().text) ? api.status() : undefined), 60_000);
    const pages = (await vscode.workspace.findFiles('**/Page/*.md')).length;
    assert.equal(status.command, 'workbench.actions.view.problems');
    await vscode.commands.executeCommand(status.command);
    assert.match(status.text, new RegExp(`^\\$\\(book\\) ${pages.toLocaleString('en-US')} pages · [\\d,]+ problems$`));
    assert.match(status.tooltip, /Click to show the Problems view/);
    console.log(`[e2e] status bar: ${status.text}`);
  });

  test('the Markdown preview draws links as the wiki does: red links, variant and wiki links to local files', async () => {
    const render = (doc: vscode.TextDocument) => vscode.commands.executeCommand<string>('markdown.api.render', doc);
    const anchor = (html: string, text: string) => new RegExp(`<a [^>]*>${text}(<span|</a>)`).exec(html)?.[0] ?? '';
    const doc = await open('AmigaOS.md');
    // The first render asks the server; a later one draws its answer.
    const html = await waitFor('the preview drawn with the server\'s answer', async () => {
      const h = await render(doc);
      return h.includes('wikimd-new') ? h : undefined;
    });
    assert.match(anchor(html, 'PowerPC'), /class="wikimd-new"/, 'a missing page is a red link');
    assert.match(anchor(html, '内核'), /href="%E5%85%A7%E6%A0%B8\.md"/, 'a variant link opens the file found');
    assert.doesNotMatch(anchor(html, 'API'), /wikimd-new/, 'a wiki link whose page is not local stays a web link');
    const dotnet = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'gen2023', 'Page', '.NET框架.md'));
    await vscode.window.showTextDocument(dotnet);
    const html2 = await waitFor('the preview of .NET框架', async () => {
      const h = await render(dotnet);
      return h.includes('wikimd-catlinks') ? h : undefined;
    });
    assert.match(anchor(html2, '\\.NET Core'), /href="\.\.\/\.\.\/Page\/\.NET_Core\.md"/, 'a wiki link whose page is in the corpus opens the local file');
  });

  test('the link graph view draws the page, the pages it links and those linking it, and follows the active editor', async () => {
    const api = vscode.extensions.getExtension<{ graphNodes(): string[] | undefined }>(EXTENSION_ID)!.exports;
    await open('DragonFly_BSD.md');
    await vscode.commands.executeCommand('wikiMarkdown.showGraph');
    const drawn = await waitFor('the graph drawn in its webview', () => (api.graphNodes()?.includes('DragonFly BSD') ? api.graphNodes() : undefined));
    assert.ok(drawn.includes('AmigaOS'), `a page it links: ${drawn.join(', ')}`);
    await open('AmigaOS.md');
    const after = await waitFor('the graph following the active editor', () => (api.graphNodes()?.includes('PowerPC') ? api.graphNodes() : undefined));
    assert.ok(after.includes('DragonFly BSD'), `a page linking it: ${after.join(', ')}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('diagnostics: missing page, link trail, variant title, empty parentheses at their links', async () => {
    const range = (s: string) => linkRange(amiga, s);
    await waitFor('missing-page on [PowerPC]', () => (codesAt(amiga.uri, range('[PowerPC]')).includes('missing-page') ? true : undefined));
    assert.deepEqual(codesAt(amiga.uri, range('[PowerPC]')), ['missing-page']);
    assert.deepEqual(codesAt(amiga.uri, range('[32位处理器]')), ['link-trail']);
    assert.deepEqual(codesAt(amiga.uri, range('[内核]')), ['variant-title']);
    const dollar = await open('$.md');
    const start = dollar.getText().indexOf('（）');
    const parens = new vscode.Range(dollar.positionAt(start), dollar.positionAt(start + 2));
    const codes = await waitFor('empty-parens', () => (codesAt(dollar.uri, parens).length ? codesAt(dollar.uri, parens) : undefined));
    assert.deepEqual(codes, ['empty-parens']);
  });

  test('hover on a local link shows the target title and its lead text', async () => {
    const dragonfly = await open('DragonFly_BSD.md');
    const at = linkRange(dragonfly, '[AmigaOS]').start.translate(0, 2);
    const text = await waitFor('hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', dragonfly.uri, at);
      const value = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
      return value.includes('AmigaOS') ? value : undefined;
    });
    assert.match(text, /\*\*AmigaOS\*\* · local link · exists/);
    assert.match(text, /适用于 Amiga/, 'the lead of AmigaOS.md');
  });

  test('go to definition on a local link opens the page file', async () => {
    const dragonfly = await open('DragonFly_BSD.md');
    const at = linkRange(dragonfly, '[AmigaOS]').start.translate(0, 2);
    const found = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', dragonfly.uri, at);
    const uris = found.map((l) => ('targetUri' in l ? l.targetUri : l.uri).toString());
    assert.deepEqual(uris, [page('AmigaOS.md').toString()]);
  });

  test("VS Code's call hierarchy shows what links a page and what a page links, with the links", async () => {
    const dragonfly = await open('DragonFly_BSD.md');
    const link = linkRange(dragonfly, '[AmigaOS]');
    const [item] = await vscode.commands.executeCommand<vscode.CallHierarchyItem[]>('vscode.prepareCallHierarchy', dragonfly.uri, link.start.translate(0, 2));
    assert.equal(item.name, 'AmigaOS');
    assert.equal(item.uri.toString(), page('AmigaOS.md').toString());
    const incoming = await waitFor('the pages linking AmigaOS', async () => {
      const calls = await vscode.commands.executeCommand<vscode.CallHierarchyIncomingCall[]>('vscode.provideIncomingCalls', item);
      return calls.find((c) => c.from.name === 'DragonFly BSD');
    });
    assert.ok(incoming.fromRanges.some((r) => r.isEqual(link)), 'the link itself');
    const outgoing = await vscode.commands.executeCommand<vscode.CallHierarchyOutgoingCall[]>('vscode.provideOutgoingCalls', incoming.from);
    assert.ok(outgoing.some((c) => c.to.name === 'AmigaOS' && c.fromRanges.some((r) => r.isEqual(link))));
  });

  test('the link-trail quick fix, applied, moves the trail out of the link and changes nothing else', async () => {
    const before = amiga.getText();
    const range = linkRange(amiga, '[32位处理器]');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', amiga.uri, range);
    const fix = actions.find((a) => a.title === 'Move "处理器" out of the link');
    assert.ok(fix?.edit, `offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(amiga.getText(), before.replace(
      '[32位处理器](https://zh.wikipedia.org/wiki/32位 "wikilink")',
      '[32位](https://zh.wikipedia.org/wiki/32位 "wikilink")处理器',
    ));
  });

  test('deleting a linked page on disk makes its missing-page diagnostic appear', async () => {
    const dragonfly = await open('DragonFly_BSD.md');
    const range = linkRange(dragonfly, '[AmigaOS]');
    await waitFor('diagnostics for DragonFly BSD', () => (ours(dragonfly.uri).length ? true : undefined));
    assert.deepEqual(codesAt(dragonfly.uri, range), []);
    await vscode.workspace.fs.delete(page('AmigaOS.md'));
    const codes = await waitFor('missing-page after the delete', () => (codesAt(dragonfly.uri, range).includes('missing-page') ? codesAt(dragonfly.uri, range) : undefined));
    assert.deepEqual(codes, ['missing-page']);
  });

  test('the injection grammar is contributed to markdown', () => {
    const grammars = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.grammars as { injectTo: string[]; path: string }[];
    assert.deepEqual(grammars.map((g) => g.injectTo), [['text.html.markdown']]);
  });

  test('a crashed server is restarted three times in three minutes; the fourth crash gives the message once and it stays down', async () => {
    const api = vscode.extensions.getExtension<{ serverGaveUp(): readonly string[] }>(EXTENSION_ID)!.exports;
    let pid = await waitFor('the language server process', () => serverPids()[0]);
    for (let crash = 1; crash <= 3; crash++) {
      process.kill(pid, 'SIGKILL');
      const old = pid;
      pid = await waitFor(`the server back after crash ${crash}`, () => serverPids().find((p) => p !== old));
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.deepEqual(api.serverGaveUp(), []);
    process.kill(pid, 'SIGKILL');
    await waitFor('the message after the fourth crash', () => (api.serverGaveUp().length ? true : undefined));
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(serverPids().filter((p) => p !== pid), [], 'not restarted');
    assert.equal(api.serverGaveUp().length, 1, 'the message is given once');
    assert.match(api.serverGaveUp()[0], /stopped 4 times in 3 minutes and will not be restarted/);
    // The user's command starts it again, for the rest of the suite.
    await vscode.commands.executeCommand('wikiMarkdown.restartServer');
    await waitFor('the server started by the command', () => serverPids()[0]);
    const doc = await open('AmigaOS.md');
    await waitFor('diagnostics from the new server', () => (ours(doc.uri).length ? true : undefined));
  });

  suiteTeardown(async () => {
    // Cues for the runner, which reads the rendered editor while the extension still runs: first the
    // colour-check page as it is drawn, then a picture of it with a hover open and the problems below.
    const pause = () => new Promise((r) => setTimeout(r, 2500));
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    const colours = await open('Colours.md');
    await pause();
    console.log('[e2e] cue: check colours');
    await pause();
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const editor = await vscode.window.showTextDocument(colours);
    const at = linkRange(colours, '[DragonFly BSD]').start.translate(0, 3);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('editor.action.showHover');
    const picture = async (name: string) => {
      await pause();
      console.log(`[e2e] cue: take screenshot of ${name}`);
      await pause();
    };
    await picture('editor');
    // The Markdown preview of a page beside it: red links, quiet marks, the category bar.
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await open('AmigaOS.md');
    await vscode.commands.executeCommand('markdown.showPreviewToSide');
    await picture('preview');
    // The link graph of a page beside it.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await open('DragonFly_BSD.md');
    await vscode.commands.executeCommand('wikiMarkdown.showGraph');
    await picture('graph');
  });
});
