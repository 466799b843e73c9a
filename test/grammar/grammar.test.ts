// Tokenizes with the real TextMate engine (vscode-textmate + oniguruma), VS Code's markdown grammar
// from tm-grammars as the base, and our injection grammar injected as VS Code injects it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as oniguruma from 'vscode-oniguruma';
import { Registry, INITIAL, parseRawGrammar, type IGrammar } from 'vscode-textmate';

const INJECTION = 'text.html.markdown.wikilink.injection';

async function loadMarkdown(): Promise<IGrammar> {
  await oniguruma.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => {
      if (scope === 'text.html.markdown') return parseRawGrammar(readFileSync(require.resolve('tm-grammars/grammars/markdown.json'), 'utf8'), 'markdown.json');
      if (scope === INJECTION) return parseRawGrammar(readFileSync('syntaxes/wikilink.injection.tmLanguage.json', 'utf8'), 'injection.json');
      return null;
    },
    getInjections: (scope) => (scope === 'text.html.markdown' ? [INJECTION] : undefined),
  });
  return (await registry.loadGrammar('text.html.markdown'))!;
}

/** The scopes of the first character of `needle` (its n-th occurrence) in the tokenized document. */
function scopesAt(grammar: IGrammar, text: string, needle: string, nth = 0): string[] {
  let state = INITIAL;
  let seen = 0;
  for (const line of text.split('\n')) {
    const { tokens, ruleStack } = grammar.tokenizeLine(line, state);
    state = ruleStack;
    let from = 0;
    for (;;) {
      const at = line.indexOf(needle, from);
      if (at < 0) break;
      if (seen++ === nth) return tokens.find((t) => t.startIndex <= at && at < t.endIndex)!.scopes;
      from = at + 1;
    }
  }
  throw new Error(`${needle} not in text`);
}

const has = (scopes: string[], part: string) => scopes.some((s) => s.includes(part));

const grammar = loadMarkdown();

test('each link kind gets its own scope, wikilink kinds named so', async () => {
  const g = await grammar;
  const text = [
    '**DragonFly BSD**自[FreeBSD](../Page/FreeBSD.md "wikilink") 4.8，[六月另外](https://zh.wikipedia.org/wiki/六月 "wikilink")。',
    '[Category:BSD](https://zh.wikipedia.org/wiki/Category:BSD "wikilink") [官方網站](http://www.dragonflybsd.org)',
    '[科尔宾Ⓡ](../Redirect/科尔宾.md "wikilink") [PHP](../Page/PHP_\\(プログラミング言語\\).md "wikilink")',
  ].join('\n');
  assert.ok(has(scopesAt(g, text, 'FreeBSD]'), 'meta.link.inline.wikilink.local'));
  assert.ok(has(scopesAt(g, text, 'FreeBSD]'), 'string.other.link.title.wikilink.local'));
  assert.ok(has(scopesAt(g, text, '../Page/FreeBSD'), 'markup.underline.link.wikilink.local'));
  assert.ok(has(scopesAt(g, text, '六月另外'), 'meta.link.inline.wikilink.wiki'));
  assert.ok(has(scopesAt(g, text, 'Category:BSD]'), 'meta.link.inline.wikilink.category'));
  assert.ok(has(scopesAt(g, text, '官方網站'), 'meta.link.inline.web'));
  assert.ok(!has(scopesAt(g, text, '官方網站'), 'wikilink'));
  assert.ok(has(scopesAt(g, text, '科尔宾Ⓡ'), 'meta.link.inline.wikilink.redirect'));
  assert.ok(has(scopesAt(g, text, 'PHP]'), 'meta.link.inline.wikilink.local'), 'escaped parens in the destination');
  assert.ok(has(scopesAt(g, text, 'DragonFly'), 'markup.bold'), 'bold stays markdown\'s');
});

test('a link whose text wraps over lines: the destination still tells the kind', async () => {
  const g = await grammar;
  const text = '1985年，其最开始由[Commodore\n国际开发](https://zh.wikipedia.org/wiki/Commodore国际 "wikilink")，并随 Amiga\n\n[AmigaOS\n4](../Page/AmigaOS_4.md "wikilink")';
  assert.ok(has(scopesAt(g, text, '国际开发'), 'string.other.link.title'));
  assert.ok(has(scopesAt(g, text, 'https://zh'), 'markup.underline.link.wikilink.wiki'));
  assert.ok(!has(scopesAt(g, text, '并随'), 'link'), 'the text after the link is not a link');
  assert.ok(has(scopesAt(g, text, '../Page/AmigaOS_4'), 'markup.underline.link.wikilink.local'));
});

test('an unclosed [ does not run past its paragraph', async () => {
  const g = await grammar;
  const text = '[never closed\n\nnext paragraph [A](../Page/A.md "wikilink")';
  assert.ok(!has(scopesAt(g, text, 'next paragraph'), 'link'));
  assert.ok(has(scopesAt(g, text, 'A]'), 'wikilink.local'));
});

test('footnote refs, and nothing inside code', async () => {
  const g = await grammar;
  const text = '文字\\[1\\]和[^2]。\n\n```\n[FreeBSD](../Page/FreeBSD.md "wikilink")\n```\n\n`[X](../Page/X.md "wikilink")`';
  assert.ok(has(scopesAt(g, text, '1\\]'), 'constant.other.reference.footnote'));
  assert.ok(has(scopesAt(g, text, '2]'), 'meta.link.reference.footnote.gfm'));
  assert.ok(!has(scopesAt(g, text, 'FreeBSD'), 'wikilink'));
  assert.ok(!has(scopesAt(g, text, 'X]'), 'wikilink'));
});
