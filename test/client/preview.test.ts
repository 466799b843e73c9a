// The preview plugin on VS Code's renderer (markdown-it), answered by the server's own feature on a
// workspace of real pages: what a user sees in the Markdown preview.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { wikiPreview } from '../../client/src/preview';
import { previewLinks } from '../../server/src/features/previewLinks';
import { pageContext } from '../../server/src/features/page';
import { Workspace } from '../../server/src/workspace/workspace';
import { MemoryFileSystem } from '../workspace/memoryFileSystem';

const PAGE = [
  '**甲**是[內核](../Page/内核.md "wikilink")的一部分，见[乙](https://zh.wikipedia.org/wiki/乙 "wikilink")、[丙ⓦ](https://zh.wiki.chinapedia.org/wiki/丙 "wikilink")',
  '与[丁](../Page/丁.md "wikilink")和[靶子](../Redirect/靶子.md "wikilink")，[网站](https://example.com/x)。',
  '',
  '[Category:测试](https://zh.wikipedia.org/wiki/Category:测试 "wikilink") [Category:例子](https://zh.wikipedia.org/wiki/Category:例子 "wikilink")',
  '',
].join('\n');

async function render(): Promise<{ first: string; second: string; refreshed: number }> {
  const fs = new MemoryFileSystem({ '/w/Page/甲.md': PAGE, '/w/Page/內核.md': '内核', '/w/Page/乙.md': '乙', '/w/Page/目标.md': '目标' });
  fs.symlink('/w/Redirect/靶子.md', '../Page/目标.md');
  const workspace = new Workspace(fs, () => undefined, ['/w']);
  await workspace.scan();
  const page = pageContext(TextDocument.create('file:///w/Page/%E7%94%B2.md', 'markdown', 1, PAGE), '/w/Page/甲.md', 1e6);
  let refreshed = 0;
  let answered: Promise<unknown> = Promise.resolve();
  const md = wikiPreview(new MarkdownIt(), (uri) => {
    assert.equal(uri, 'file:///w/Page/%E7%94%B2.md');
    return (answered = Promise.resolve(previewLinks(page, workspace))) as Promise<ReturnType<typeof previewLinks>>;
  }, () => refreshed++);
  const env = { currentDocument: { toString: () => 'file:///w/Page/%E7%94%B2.md' } };
  const first = md.render(PAGE, env);
  await answered;
  await new Promise((r) => setImmediate(r));
  return { first, second: md.render(PAGE, env), refreshed };
}

test('preview: before the server answers, links are drawn as written and none is red', async () => {
  const { first } = await render();
  assert.doesNotMatch(first, /wikimd-new/);
  assert.match(first, /href="\.\.\/Page\/%E5%86%85%E6%A0%B8\.md"/);
});

test('preview: links go where the server resolves them; a missing page is a red link; marks are quiet; categories gather in a bar', async () => {
  const { second, refreshed } = await render();
  assert.equal(refreshed, 1, 'the preview is drawn again once, when the answer came');
  const anchor = (text: string) => new RegExp(`<a [^>]*>${text}(<span|</a>)`).exec(second)?.[0] ?? '';
  assert.match(anchor('內核'), /href="%E5%85%A7%E6%A0%B8\.md"/, 'a variant link opens the file found');
  assert.match(anchor('乙'), /href="%E4%B9%99\.md"/, 'a wiki link whose page is in the corpus opens it');
  assert.match(anchor('丙'), /href="https:\/\/zh\.wiki\.chinapedia\.org/, 'a wiki link whose page is not stays on the web');
  assert.match(second, /丙<span class="wikimd-mark">ⓦ<\/span><\/a>/);
  assert.match(anchor('丁'), /class="wikimd-new"/, 'a missing page is a red link');
  assert.match(anchor('靶子'), /href="%E7%9B%AE%E6%A0%87\.md"/, 'a redirect opens its page');
  assert.match(anchor('网站'), /href="https:\/\/example\.com\/x"/);
  assert.doesNotMatch(second, /<p>\s*<\/p>/, 'the paragraph of category links is gone');
  assert.match(second, /<div class="wikimd-catlinks"><span class="wikimd-catlinks-title">Categories:<\/span><ul><li><a href="[^"]+">测试<\/a><\/li><li><a href="[^"]+">例子<\/a><\/li><\/ul><\/div>/);
  assert.equal(second.split('class="wikimd-catlinks"').length, 2, 'one bar');
  assert.ok(second.trimEnd().endsWith('</div>'), 'at the end of the page');
});
