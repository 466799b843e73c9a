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

/**
 * The work a parse does, counted rather than timed so that a busy machine cannot change the answer:
 * every character the scanner reads (`charCodeAt`), every character a native search passes over
 * (`indexOf`, `startsWith`), and for each regular expression run the rest of its input from where it
 * starts, an upper bound of what it reads (a sticky expression reads only at its position: the
 * length of its match, or a bounded look when it fails).
 */
function parseSteps(text: string): number {
  let steps = 0;
  const str = String.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = { charCodeAt: str.charCodeAt, indexOf: str.indexOf, startsWith: str.startsWith, exec: RegExp.prototype.exec };
  str.charCodeAt = function (this: string, ...a: unknown[]) { steps++; return saved.charCodeAt.apply(this, a); };
  str.indexOf = function (this: string, ...a: unknown[]) {
    const from = Number(a[1] ?? 0);
    const at = saved.indexOf.apply(this, a) as number;
    steps += (at < 0 ? this.length : at + String(a[0]).length) - from + 1;
    return at;
  };
  str.startsWith = function (this: string, ...a: unknown[]) { steps += String(a[0]).length; return saved.startsWith.apply(this, a); };
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    const from = this.global || this.sticky ? this.lastIndex : 0;
    const match = saved.exec.call(this, s);
    steps += this.sticky ? (match?.[0].length ?? 0) + 1 : s.length - from + 1;
    return match;
  };
  try {
    parsePage(text);
  } finally {
    Object.assign(str, { charCodeAt: saved.charCodeAt, indexOf: saved.indexOf, startsWith: saved.startsWith });
    RegExp.prototype.exec = saved.exec;
  }
  return steps;
}

test('linear work on adversarial input: 10× the text costs at most 12× the steps', () => {
  for (const unit of ['[', '[a](', '\\[', '**a', '(', '<!--', 'a<!--', '[a](b "', '`', '<a ', '-{', '# a #', '[^', '\\[1\\', '（', '[a](../Page/']) {
    const steps = (n: number) => parseSteps(unit.repeat(Math.ceil(n / unit.length)));
    const small = steps(50_000);
    const large = steps(500_000);
    // A linear parse reads each character a bounded number of times: the ratio is about 10; anything quadratic gives about 100.
    assert.ok(small >= 50_000, `${JSON.stringify(unit)}: only ${small} steps counted for 50 KB`);
    assert.ok(large / small < 12, `${JSON.stringify(unit)}: 500 KB took ${(large / small).toFixed(1)}× the steps of 50 KB`);
  }
});
