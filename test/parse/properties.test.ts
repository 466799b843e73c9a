// Property tests (fast-check): the parser on arbitrary strings and on real pages with random
// edits, and every preferred fix on fuzzed pages. `FUZZ_RUNS` scales the runs (`npm run fuzz`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parsePage, reparsePage, type ParsedPage, type Span } from '../../server/src/parse';
import { Workspace } from '../../server/src/workspace/workspace';
import { findProblems } from '../../server/src/features/diagnostics';
import { applyEdits, fixesFor } from '../../server/src/features/fixes';
import { pageContext } from '../../server/src/features/page';
import { MemoryFileSystem } from '../workspace/memoryFileSystem';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

/** Pieces that matter to the parser, and some that do not. */
const PIECES = [
  '[', ']', '(', ')', '\\', '\n', '\n\n', '"', '<', '>', '!', '*', '`', '```', '-', '{', '}', '（', '）', '#', '|', ' ',
  '\uD800', '\uDC00', '\u0000', '\r', '\r\n', '\uFEFF', '中', '國', 'a', '1', '.', '/', ':', '%', '_', 'ⓦ', 'Ⓡ',
  '../Page/', '../Redirect/', 'https://zh.wikipedia.org/wiki/', ' "wikilink")', '<!--', '-->', '\\[1\\]', '[^1]', '1.  ',
  '## ', '<a href="', '" title="wikilink">', '</a>', '-{', '}-', '.md', 'Category:', 'File:', '"fig:', '    ',
];
const wikiText = fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }).map((xs) => xs.join(''));

const FIXTURES = join('test', 'fixtures', 'corpus');
const realPages: { name: string; text: string }[] = [];
for (const dir of [join(FIXTURES, 'Page'), join(FIXTURES, 'gen2023', 'Page')]) {
  for (const name of readdirSync(dir)) realPages.push({ name, text: readFileSync(join(dir, name), 'utf8') });
}

/** Random edits of a real page: deletions and insertions of the pieces above (shown compactly when a property fails). */
const pageEdits = fc.record({
  page: fc.nat(realPages.length - 1),
  edits: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat(12), insert: fc.constantFrom('', ...PIECES) }), { maxLength: 8 }),
});

function editedPage({ page, edits }: { page: number; edits: { at: number; remove: number; insert: string }[] }) {
  let text = realPages[page].text;
  for (const e of edits) {
    const at = Math.floor(e.at * text.length);
    text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
  }
  return { name: realPages[page].name, text };
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

function spansOf(page: ParsedPage): Span[] {
  return [
    ...page.links, ...page.links.map((l) => ({ start: l.textStart, end: l.textEnd })), ...page.links.map((l) => ({ start: l.destStart, end: l.destEnd })),
    ...page.headings, ...page.footnoteRefs, ...page.footnoteNotes, ...page.emptyParens, ...page.variantMarkup,
    ...page.codeBlocks, ...page.codeSpans, ...page.comments, ...page.tables, ...(page.boldTitle ? [page.boldTitle] : []),
  ];
}

function checkParse(text: string): void {
  const page = parsePage(text);
  assert.ok(page.parsedLength <= text.length);
  for (const s of spansOf(page)) {
    assert.ok(s.start >= 0 && s.start <= s.end && s.end <= text.length, `span ${s.start}-${s.end} outside ${text.length}`);
    for (const offset of [s.start, s.end]) {
      const splits = offset > 0 && offset < text.length && isHigh(text.charCodeAt(offset - 1)) && isLow(text.charCodeAt(offset));
      assert.ok(!splits, `offset ${offset} splits a surrogate pair`);
    }
  }
  for (const l of page.links) {
    const inside = (a: number, b: number) => l.start <= a && a <= b && b <= l.end;
    assert.ok(inside(l.textStart, l.textEnd) && inside(l.destStart, l.destEnd), 'text and destination lie inside the link');
    assert.ok(l.textEnd <= l.destStart || l.destEnd <= l.textStart, 'text and destination do not overlap');
  }
  // Links nest (figures with links in their captions) or are disjoint, never cross.
  for (const a of page.links) {
    for (const b of page.links) {
      const disjoint = a.end <= b.start || b.end <= a.start;
      const nested = (a.start <= b.start && b.end <= a.end) || (b.start <= a.start && a.end <= b.end);
      assert.ok(disjoint || nested, `links ${a.start}-${a.end} and ${b.start}-${b.end} cross`);
    }
  }
  // Printing the text around and inside the outermost links gives the page back, byte for byte.
  let printed = '';
  let at = 0;
  for (const l of page.links) {
    if (l.start < at) continue;
    const [first, second] = l.textStart < l.destStart ? [l.textStart, l.destStart] : [l.destStart, l.textStart];
    printed += text.slice(at, l.start) + text.slice(l.start, first) + text.slice(first, second) + text.slice(second, l.end);
    at = l.end;
  }
  assert.equal(printed + text.slice(at), text);
}

test('parser: arbitrary text never throws; spans inside the text, on code point boundaries, nested or disjoint', () => {
  fc.assert(fc.property(wikiText, checkParse), params);
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkParse), params);
});

test('parser: real pages with random edits keep every property', () => {
  fc.assert(fc.property(pageEdits, (edits) => checkParse(editedPage(edits).text)), params);
});

/** Edits as an editor sends them while typing: mostly one character, now and then a piece that opens or closes a block. */
const typing = fc.array(fc.record({
  // Unbiased too: fast-check's doubles lean to the ends, and edits at the start or end leave little to resume.
  at: fc.oneof(fc.noBias(fc.double({ min: 0, max: 1, noNaN: true })), fc.double({ min: 0, max: 1, noNaN: true })), remove: fc.oneof(fc.constant(0), fc.nat(3), fc.nat(40)), insert: fc.constantFrom('', 'x', '中', ...PIECES),
}), { minLength: 1, maxLength: 12 });

/** Short pages of block-level lines (lists, notes, code, comments, tables, headings) and edits that add or remove whole line beginnings. */
const LINE_STARTS = ['', '', '    ', '- ', '1.  ', '2. ', '# ', '```', '~~~', '<!--', '-->', '| ', '[^1]: ', '---', '===', '<table>', '</table>'];
const LINE_BODIES = ['', 'a', '中文', '[x](../Page/X.md "wikilink")', '\\[1\\]', '[^1]', '（）', '`c`'];
const LINE_BREAKS = ['\n', '\n', '\n\n', '\r\n', '\r'];
const blockText = fc.array(fc.tuple(fc.constantFrom(...LINE_STARTS), fc.constantFrom(...LINE_BODIES), fc.constantFrom(...LINE_BREAKS)), { maxLength: 14 })
  .map((lines) => lines.map((parts) => parts.join('')).join(''));
const blockEdits = fc.array(fc.record({
  at: fc.oneof(fc.noBias(fc.double({ min: 0, max: 1, noNaN: true })), fc.double({ min: 0, max: 1, noNaN: true })),
  remove: fc.nat(6), insert: fc.constantFrom(...LINE_STARTS, ...LINE_BODIES, ...LINE_BREAKS),
}), { minLength: 1, maxLength: 8 });

test('parser: a page parsed again in part after each edit (reparsePage) is the page parsed whole', () => {
  const check = (start: string, edits: { at: number; remove: number; insert: string }[]) => {
    let text = start;
    let parsed = parsePage(text, { resumable: true });
    for (const e of edits) {
      const at = Math.floor(e.at * text.length);
      const next = text.slice(0, at) + e.insert + text.slice(at + e.remove);
      parsed = reparsePage(parsed, text, next, { resumable: true });
      assert.deepStrictEqual(parsed, parsePage(next));
      text = next;
    }
  };
  fc.assert(fc.property(fc.nat(realPages.length - 1), typing, (page, edits) => check(realPages[page].text, edits)), params);
  fc.assert(fc.property(wikiText, typing, check), params);
  fc.assert(fc.property(blockText, blockEdits, check), params);
  // Line breaks as \r\n: a checkpoint's line break may become \r\n by an edit just after it.
  fc.assert(fc.property(fc.nat(realPages.length - 1), typing, (page, edits) => check(realPages[page].text.replace(/\n/g, '\r\n'), edits)), params);
});

test('parser: reparsing after a line break made \\r\\n by an edit just after it', () => {
  // The line after the heading starts after `\r`; with `\n` typed there it starts one later, and is no longer after a blank line.
  const text = '# h\r    c';
  const edited = '# h\r\n    c';
  assert.deepStrictEqual(reparsePage(parsePage(text, { resumable: true }), text, edited), parsePage(edited));
});

test('parser: reparsing after an edit in the middle keeps the nodes before it and shifts those after it', () => {
  const text = realPages.map((p) => p.text).join('\n\n');
  const previous = parsePage(text, { resumable: true });
  const at = text.indexOf('\n\n', text.length >> 1) + 2;
  const edited = text.slice(0, at) + '新段落。\n\n' + text.slice(at);
  const parsed = reparsePage(previous, text, edited, { resumable: true });
  assert.strictEqual(parsed.links[0], previous.links[0], 'a link before the edit is the old parse\'s own');
  const last = parsed.links[parsed.links.length - 1];
  const oldLast = previous.links[previous.links.length - 1];
  assert.notStrictEqual(last, oldLast);
  assert.equal(last.start, oldLast.start + '新段落。\n\n'.length);
  assert.deepStrictEqual(parsed, parsePage(edited));
});

test('fixes: every fix offered on a fuzzed page edits only its finding and adds no problem of another kind', async () => {
  const files: Record<string, string> = {};
  for (const p of realPages) files[`/ws/Page/${p.name}`] = p.text;
  files['/ws/Page/內核.md'] = '**內核**';
  files['/ws/Page/抢占式多任务处理.md'] = '**抢占式多任务处理**';
  const workspace = new Workspace(new MemoryFileSystem(files), () => undefined, ['/ws']);
  await workspace.scan();
  const counts = (text: string, file: string) => {
    const found = new Map<string, number>();
    const page = pageContext(TextDocument.create('file:///x', 'markdown', 1, text), file, 2_000_000);
    // A trail known from the page's other texts may become a guess when a fix changes those texts: one kind of problem.
    for (const f of findProblems(page, workspace)) {
      const kind = f.code === 'link-trail-guess' ? 'link-trail' : f.code;
      found.set(kind, (found.get(kind) ?? 0) + 1);
    }
    return found;
  };
  fc.assert(fc.property(pageEdits, (edits) => {
    const { name, text } = editedPage(edits);
    const file = `/ws/Page/${name}`;
    const page = pageContext(TextDocument.create('file:///x', 'markdown', 1, text), file, 2_000_000);
    const before = counts(text, file);
    for (const finding of findProblems(page, workspace)) {
      for (const fix of fixesFor(page, workspace, finding)) {
        for (const e of fix.edits) assert.ok(finding.start <= e.start && e.end <= finding.end, `${finding.code}: edit ${e.start}-${e.end} outside ${finding.start}-${finding.end}`);
        const fixed = applyEdits(text, fix.edits);
        const after = counts(fixed, file);
        for (const [code, n] of after) {
          if (code !== finding.code.replace(/-guess$/, '')) assert.ok(n <= (before.get(code) ?? 0), `"${fix.title}" added a ${code}`);
        }
      }
    }
  }), { ...params, numRuns: Math.max(20, Math.floor(RUNS / 5)) });
});
