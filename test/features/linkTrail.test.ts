import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePage } from '../../server/src/parse';
import { findLinkTrail } from '../../server/src/features/linkTrail';

const trailOf = (source: string, resolvedTitle?: string) => {
  const [link] = parsePage(source).links;
  return findLinkTrail(source, link, resolvedTitle)?.text;
};

test('link trail: the text after the title, from the forms in FORMAT.md', () => {
  assert.equal(trailOf('[阿拉木图的一次](../Page/阿拉木图.md "wikilink")'), '的一次');
  assert.equal(trailOf('[PHPで書かれた](../Page/PHP_\\(プログラミング言語\\).md "wikilink")'), 'で書かれた', 'before the disambiguator');
  assert.equal(trailOf('[Windows\nDNA之後的新開發平臺](https://zh.wikipedia.org/wiki/Windows_DNA "wikilink")'), '之後的新開發平臺', 'wrapped text');
  assert.equal(trailOf('[Commodore\n国际开发](https://zh.wikipedia.org/wiki/Commodore国际 "wikilink")'), '开发');
  assert.equal(trailOf('[學生運動的](../Page/学生运动.md "wikilink")'), '的', 'text in the other variant');
  assert.equal(trailOf('[Java平臺企業版技術是ⓦ](https://zh.wikipedia.org/wiki/Java平臺企業版技術 "wikilink")'), '是', 'marker stays');
});

test('no link trail: exact text, piped text, English trails, categories', () => {
  assert.equal(trailOf('[微軟ⓦ](https://zh.wikipedia.org/wiki/微軟 "wikilink")'), undefined);
  assert.equal(trailOf('[西属美洲](../Page/西班牙美洲殖民地.md "wikilink")'), undefined);
  assert.equal(trailOf('[apples](../Page/Apple.md "wikilink")'), undefined, 'MediaWiki links [[apple]]s too');
  assert.equal(trailOf('[FreeBSD 4.8](../Page/FreeBSD.md "wikilink")'), undefined, 'a space is not swallowed');
  assert.equal(trailOf('[Category:BSD系统](https://zh.wikipedia.org/wiki/Category:BSD "wikilink")'), undefined);
});

test('the trail span covers exactly the swallowed characters', () => {
  const source = 'x[阿拉木图的一次ⓦ](https://zh.wikipedia.org/wiki/阿拉木图 "wikilink")';
  const [link] = parsePage(source).links;
  const trail = findLinkTrail(source, link)!;
  assert.equal(source.slice(trail.start, trail.end), '的一次');
});
