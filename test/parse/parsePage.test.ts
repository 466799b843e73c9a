import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePage, normalizeTitle, type Span } from '../../server/src/parse';

/**
 * Fixtures are marked-up text: `⟦…⟧` marks each span the parser must find (links here, or the
 * construct under test), and the marks are removed before parsing.
 */
function marked(source: string): { text: string; spans: Span[] } {
  let text = '';
  const spans: Span[] = [];
  const open: number[] = [];
  for (const ch of source) {
    if (ch === '⟦') open.push(text.length);
    else if (ch === '⟧') spans.push({ start: open.pop()!, end: text.length });
    else text += ch;
  }
  return { text, spans: spans.sort((a, b) => a.start - b.start) };
}

const spansOf = (xs: Span[]) => xs.map(({ start, end }) => ({ start, end }));

test('links: spans of the forms pandoc writes, with kinds and titles', () => {
  const { text, spans } = marked(
    '**AmigaOS **是适用于 ⟦[Amiga](../Page/Amiga.md "wikilink")⟧ 和 PC。\n' +
    '由⟦[Commodore\n国际开发](https://zh.wikipedia.org/wiki/Commodore国际 "wikilink")⟧，' +
    '⟦[PHPで書かれた](../Page/PHP_\\(プログラミング言語\\).md "wikilink")⟧ ' +
    '⟦[Category:操作系统](https://zh.wikipedia.org/wiki/Category:操作系统 "wikilink")⟧ ' +
    '⟦[官方網站](http://www.dragonflybsd.org)⟧ ⟦[virtual machine](https://en.wikipedia.org/wiki/virtual_machine)⟧\n',
  );
  const page = parsePage(text);
  assert.deepEqual(spansOf(page.links), spans);
  assert.deepEqual(page.links.map((l) => l.kind), ['local', 'wiki', 'local', 'category', 'web', 'web']);
  assert.deepEqual(page.links.map((l) => l.target?.title), ['Amiga', 'Commodore国际', 'PHP (プログラミング言語)', 'Category:操作系统', undefined, 'Virtual machine']);
  assert.equal(page.links[1].text, 'Commodore国际开发', 'a line break between Latin and Han stands for nothing');
  assert.equal(page.links[2].text, 'PHPで書かれた');
  assert.equal(page.boldTitle?.text, 'AmigaOS');
});

test('links: nested brackets, escapes, angle destinations, fragments, percent-encoding', () => {
  const { text, spans } = marked(
    '⟦[a [b] c](../Page/X.md "wikilink")⟧ ⟦[K\\&R](<../Page/K&R style.md> "wikilink")⟧ ' +
    '⟦[s](https://zh.wikipedia.org/wiki/%E5%8C%97%E4%BA%AC#%E5%8E%86%E5%8F%B2 "wikilink")⟧ ' +
    '⟦[iPhone](../Page/iPhone.md "wikilink")⟧ \\[not a link\\](x)',
  );
  const page = parsePage(text);
  assert.deepEqual(spansOf(page.links), spans);
  assert.equal(page.links[0].text, 'a [b] c');
  assert.equal(page.links[1].target?.title, 'K&R style');
  assert.deepEqual([page.links[2].target?.title, page.links[2].target?.fragment], ['北京', '历史']);
  assert.equal(page.links[3].target?.title, 'IPhone', 'first letter is case-insensitive');
});

test('links: markers, redirects, the chinapedia host, <a> tags in HTML tables, figures', () => {
  const { text, spans } = marked(
    '⟦[微軟ⓦ](https://zh.wiki.chinapedia.org/wiki/微軟 "wikilink")⟧ ⟦[科尔宾Ⓡ](../Redirect/科尔宾.md "wikilink")⟧\n\n' +
    '<table>\n<tr><td><p>⟦<a\nhref="https://zh.wikipedia.org/wiki/Visual_Studio"\ntitle="wikilink">2005ⓦ</a>⟧</p></td></tr>\n</table>\n\n' +
    '⟦[The CLR converts ⟦[Common Intermediate\nLanguage](https://en.wikipedia.org/wiki/CIL "wikilink")⟧\nto code.](https://en.wikipedia.org/wiki/File:CLR_diag.svg "fig:The CLR")⟧\n',
  );
  const page = parsePage(text);
  assert.deepEqual(spansOf(page.links), spans);
  assert.deepEqual(page.links.map((l) => [l.kind, l.marker ?? '', l.form]), [
    ['wiki', 'ⓦ', 'markdown'], ['local', 'Ⓡ', 'markdown'], ['wiki', 'ⓦ', 'html'], ['image', '', 'markdown'], ['wiki', '', 'markdown'],
  ]);
  assert.equal(page.links[0].text, '微軟');
  assert.equal(page.links[1].target?.folder, 'Redirect');
  assert.equal(text.slice(page.links[2].destStart, page.links[2].destEnd), 'https://zh.wikipedia.org/wiki/Visual_Studio');
  assert.equal(page.links[2].target?.title, 'Visual Studio');
});

test('no links inside code, comments; headings ATX and setext', () => {
  const text = [
    '# Title #', '', '`[a](../Page/A.md "wikilink")`', '', '```', '[b](../Page/B.md "wikilink")', '```', '',
    '    [c](../Page/C.md "wikilink")', '', '<!-- [d](../Page/D.md "wikilink") -->', '', 'Setext',
    '------', '', '[e](../Page/E.md "wikilink")', '',
  ].join('\n');
  const page = parsePage(text);
  assert.deepEqual(page.links.map((l) => l.target?.title), ['E']);
  assert.deepEqual(page.headings.map((h) => [h.level, h.text]), [[1, 'Title'], [2, 'Setext']]);
  assert.equal(page.codeBlocks.length, 2);
  assert.equal(page.codeSpans.length, 1);
  assert.equal(page.comments.length, 1);
});

test('footnotes: escaped refs and the closing notes list, some empty; GFM footnotes', () => {
  const older = parsePage('正文\\[1\\]\\[2\\]。\n\n## 参考资料\n\n[Category:X](https://zh.wikipedia.org/wiki/Category:X "wikilink")\n\n1.\n2.  [t](http://a)\n    on 2015\n');
  assert.deepEqual(older.footnoteRefs.map((r) => [r.style, r.label]), [['escaped', '1'], ['escaped', '2']]);
  assert.deepEqual(older.footnoteNotes.map((n) => [n.label, n.empty]), [['1', true], ['2', false]]);

  const content = parsePage('1.  第一\n2.  第二\n\n正文\\[1\\]。\n');
  assert.deepEqual(content.footnoteNotes, [], 'an ordered list before other text is not the notes');

  const gfm = parsePage('text.[^1] more[^2]\n\n[^1]: [a](http://a)\n\n[^2]:\n');
  assert.deepEqual(gfm.footnoteRefs.map((r) => [r.style, r.label]), [['gfm', '1'], ['gfm', '2']]);
  assert.deepEqual(gfm.footnoteNotes.map((n) => [n.label, n.empty]), [['1', false], ['2', true]]);
});

test('empty parentheses left by dropped templates, not calls or real content', () => {
  const { text, spans } = marked('**杰勒托克桑事件**⟦（）⟧即 ⟦(, )⟧ ⟦（；）⟧ main() f(x) （AmigaOS 3.5） `（）`');
  assert.deepEqual(spansOf(parsePage(text).emptyParens), spans);
});

test('variant markup -{…}- is recorded and its content still parsed', () => {
  const text = '-{zh-hans:**.NET框架**（英語：[X](../Page/X.md "wikilink")）;zh-hant:**.NET\nFramework**}-是';
  const page = parsePage(text);
  assert.deepEqual(spansOf(page.variantMarkup), [{ start: 0, end: text.indexOf('是') }]);
  assert.equal(page.links.length, 1);
});

test('title normalisation: escapes, underscores, namespaces, first letter', () => {
  assert.deepEqual(normalizeTitle('category:操作_系统'), { title: 'Category:操作 系统', namespace: 'Category' });
  assert.deepEqual(normalizeTitle('分类:BSD'), { title: 'Category:BSD', namespace: 'Category' });
  assert.deepEqual(normalizeTitle('  .NET__Core '), { title: '.NET Core', namespace: '' });
  assert.deepEqual(normalizeTitle('ßtraße'), { title: 'ßtraße', namespace: '' });
});

test('maxLength: only the prefix is parsed', () => {
  const text = '[a](../Page/A.md "wikilink")\n\n'.repeat(10);
  const page = parsePage(text, { maxLength: 40 });
  assert.equal(page.parsedLength, 40);
  assert.equal(page.links.length, 1);
});

test('malformed input: records what it can, never throws', () => {
  for (const text of ['[', ']', '[a](', '[a](b "', '\\', '<a href="x">', '<!--', '-{', '```', '[^', '（', '\u0000\ud800[x](y)', '[a](<b)']) {
    const page = parsePage(text);
    for (const l of page.links) assert.ok(l.start >= 0 && l.end <= text.length);
  }
});

// Real pages copied from the corpus: every link has a kind and its span round-trips.
const fixtureDirs = ['test/fixtures/corpus/Page', 'test/fixtures/corpus/gen2023/Page'];
for (const dir of fixtureDirs) {
  for (const name of readdirSync(dir)) {
    test(`real page ${name}: every link parses to a kind, spans round-trip`, () => {
      const text = readFileSync(join(dir, name), 'utf8');
      const page = parsePage(text);
      assert.ok(page.links.length > 5);
      for (const l of page.links) {
        const raw = text.slice(l.start, l.end);
        assert.ok(['local', 'wiki', 'category', 'image', 'web'].includes(l.kind));
        assert.match(raw, l.form === 'html' ? /^<a[\s\S]*<\/a>$/ : /^!?\[[\s\S]*\)$/);
        if (l.form === "markdown") assert.ok(l.start <= l.textStart && l.textEnd <= l.destStart && l.destEnd <= l.end);
        assert.equal(text.slice(l.destStart, l.destEnd), l.dest);
        if (raw.includes('"wikilink"') && !raw.includes('File:')) assert.notEqual(l.kind, 'web', raw);
      }
      // Links do not overlap unless one contains the other.
      for (let i = 1; i < page.links.length; i++) {
        const [a, b] = [page.links[i - 1], page.links[i]];
        assert.ok(b.start >= a.end || b.end <= a.end, `overlap at ${b.start}`);
      }
    });
  }
}

test('linear time on adversarial input (ratio of 1 MB to 100 KB parse time under 20)', () => {
  for (const unit of ['[', '[a](', '\\[', '**a', '(', '<!--', '[a](b "', '`']) {
    // Ten parses of 100 KB against one of 1 MB, so that both take long enough to time.
    const time = (n: number, repeat: number) => {
      const text = unit.repeat(Math.ceil(n / unit.length));
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < repeat; i++) parsePage(text);
      return Number(process.hrtime.bigint() - t0) / repeat;
    };
    // The best of a few runs: the machine is noisy, and the first run warms up the JIT.
    const best = (n: number, repeat: number) => Math.max(Math.min(...Array.from({ length: 5 }, () => time(n, repeat))), 1);
    const small = best(100_000, 10);
    const large = best(1_000_000, 1);
    // A 1 MB parse under 20 ms runs at memory speed, where the ratio measures CPU caches (100 KB fits
    // in them, 1 MB does not), not the algorithm; anything quadratic takes seconds at 1 MB.
    const fastEnough = large < 20e6;
    assert.ok(large / small < 20 || fastEnough, `${JSON.stringify(unit)}: 1 MB took ${(large / small).toFixed(1)}× the time of 100 KB (${(large / 1e6).toFixed(1)} ms)`);
  }
});
