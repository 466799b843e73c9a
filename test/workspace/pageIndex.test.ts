// PageIndex keeps the scan as one compact table and later changes beside it: whatever the mix of
// a loaded scan, pages added, removed and re-added, every lookup answers as a plain list of the
// live entries would (the model below, in the order a page was last added).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EntryTable, FileNames } from '../../server/src/workspace/entryTable';
import { PackedStrings } from '../../server/src/workspace/packed';
import { pagePathFromTitle } from '../../server/src/parse/title';
import { PageIndex, type PageEntry } from '../../server/src/workspace/pageIndex';
import { fastVariantKey, hasHan } from '../../server/src/workspace/variants';

// Few titles (with Traditional/Simplified pairs and shared prefixes) and folders, so that operations collide.
const TITLES = ['软件', '軟件', '软体', 'A', 'AB', 'A B', 'B', '中国', '中國', '中国人', 'TCP/IP', 'constructor'];
// A folder inside another (`/w/Page/x/Page`) and one whose name extends another's (`/w/Page-x/Page`) test the path order.
const FOLDERS = ['/w/Page', '/w/Redirect', '/w/gen2023/Page', '/w/Page/x/Page', '/w/Page-x/Page'];

const entryArb = fc.record({ title: fc.constantFrom(...TITLES), folder: fc.constantFrom(...FOLDERS), target: fc.nat(TITLES.length - 1) }).map(({ title, folder, target }): PageEntry => {
  const entry: PageEntry = { title, path: `${folder}/${title.replace(/\//g, '／')}.md`, folder: folder.endsWith('Redirect') ? 'Redirect' : 'Page' };
  if (entry.folder === 'Redirect') entry.redirectTo = `/w/Page/${TITLES[target]}.md`;
  return entry;
});
const opArb = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), entry: entryArb }),
  fc.record({ kind: fc.constant('remove' as const), entry: entryArb }),
  fc.record({ kind: fc.constant('load' as const), entries: fc.array(entryArb, { maxLength: 12 }) }),
);

/** The model: live entries in the order each was last added. */
type Op = { kind: 'add' | 'remove'; entry: PageEntry } | { kind: 'load'; entries: PageEntry[] };
function apply(model: PageEntry[], op: Op): PageEntry[] {
  if (op.kind === 'load') return dedupeByPath(op.entries);
  const rest = model.filter((e) => e.path !== op.entry.path);
  return op.kind === 'add' ? [...rest, op.entry] : rest;
}
/** A scan lists each file once: the last of several entries for a path stands. */
const dedupeByPath = (entries: PageEntry[]) => entries.filter((e, i) => !entries.slice(i + 1).some((later) => later.path === e.path));

function check(index: PageIndex, model: PageEntry[]) {
  const pages = model.filter((e) => e.folder === 'Page');
  assert.equal(index.size, model.length);
  assert.deepEqual([...index.entries()].map((e) => e.path).sort(), model.map((e) => e.path).sort());
  for (const e of model) assert.deepEqual(index.byFile(e.path), e);
  for (const title of TITLES) {
    for (const folder of ['Page', 'Redirect'] as const) assert.equal(index.get(title, folder)?.title, model.find((e) => e.folder === folder && e.title === title)?.title);
    const variants = hasHan(title) ? [...new Set(pages.filter((e) => e.title !== title && fastVariantKey(e.title) === fastVariantKey(title)).map((e) => e.title))] : [];
    assert.deepEqual(index.variantsOf(title).sort(), variants.sort(), `variants of ${title}`);
  }
  for (const target of new Set(model.map((e) => e.redirectTo).filter((t) => t !== undefined))) {
    assert.deepEqual(index.redirectsTo(target).map((e) => e.path).sort(), model.filter((e) => e.redirectTo === target).map((e) => e.path).sort());
  }
  const list = index.pageList();
  assert.deepEqual(list.slice(0, list.length).sort(), pages.map((e) => e.path).sort());
  assert.deepEqual(Array.from({ length: list.length }, (_, i) => list.at(i)), list.slice(0, list.length + 1));
  // Each listed page is found at its place; a redirect, a removed page or another path is not listed.
  for (let i = 0; i < list.length; i++) assert.equal(list.indexOf(list.at(i)!), i);
  for (const path of [...model.filter((e) => e.folder === 'Redirect').map((e) => e.path), ...FOLDERS.map((f) => `${f}/none.md`)]) assert.equal(list.indexOf(path), -1, path);
  const inPathOrder = list.inPathOrder();
  assert.deepEqual(inPathOrder.slice(0, inPathOrder.length), pages.map((e) => e.path).sort(), 'the CLI order: by path');
  const sorted = [...new Set(pages.map((e) => e.title))].sort();
  // Prefix search before the title order is made (a walk over the titles), then after it.
  for (let pass = 0; pass < 2; pass++) {
    // One unit (several groups), two units or more (one group, put in order on its first search), and each again.
    for (const prefix of ['A', '中', 'T', 'Z', '中国', 'A ', '软', 'A', '中', '中国人', 'TCP', 'AB', '中国']) {
      for (const limit of [1, 2, 3]) assert.deepEqual(index.titlesWithPrefix(prefix, limit), sorted.filter((t) => t.startsWith(prefix)).slice(0, limit), `${prefix}, ${limit}`);
    }
    assert.deepEqual([...index.sortedTitles()], sorted);
  }
}

test('page index: lookups agree with a plain list of the live entries after any changes', () => {
  fc.assert(fc.property(fc.array(opArb, { maxLength: 25 }), fc.boolean(), (ops, queryBetween) => {
    const index = new PageIndex();
    let model: PageEntry[] = [];
    for (const op of ops) {
      if (op.kind === 'load') index.load(EntryTable.of(dedupeByPath(op.entries)));
      else if (op.kind === 'add') index.add(op.entry);
      else index.remove(op.entry.path);
      model = apply(model, op);
      // Prefix search keeps its own sorted list once used: query between changes, or only at the end.
      if (queryBetween) check(index, model);
    }
    check(index, model);
    // The table made for the persisted index holds the same entries.
    const copy = new PageIndex();
    copy.load(index.table());
    check(copy, model);
  }), { numRuns: 300 });
});

test('entry table: of several files with one title, the first by path answers, whatever order the folder listing gave', () => {
  const entries: PageEntry[] = [
    { title: 'X', path: '/w/gen2023/Page/X.md', folder: 'Page' },
    { title: 'X', path: '/w/Page/X.md', folder: 'Page' },
    { title: 'Y', path: '/w/Redirect/Y.md', folder: 'Redirect', redirectTo: '/w/Page/X.md' },
    { title: 'B', path: '/w/Redirect/B.md', folder: 'Redirect', redirectTo: '/w/Page/X.md' },
  ];
  for (const listed of [entries, [...entries].reverse()]) {
    const index = new PageIndex();
    index.load(EntryTable.of(listed));
    assert.equal(index.get('X')?.path, '/w/Page/X.md');
    assert.deepEqual(index.redirectsTo('/w/Page/X.md').map((e) => e.title), ['B', 'Y']);
  }
});

test('entry table: a missing title, path or redirect target finds nothing', () => {
  const table = EntryTable.of([{ title: 'A', path: '/w/Page/A.md', folder: 'Page' }]);
  const any = () => true;
  assert.equal(table.firstWithTitle('B', 'Page', any), -1);
  assert.equal(table.firstWithTitle('A', 'Redirect', any), -1);
  assert.equal(table.firstWithTitle('A', 'Page', () => false), -1, 'none accepted');
  assert.equal(table.firstWithTitle('A', 'Page', any), 0);
  assert.equal(table.withPath('/w/Page/B.md'), -1);
  assert.equal(table.withPath('/w/PageA.md'), -1);
  assert.deepEqual(table.redirectsTo('/w/Page/A.md'), []);
  assert.equal(EntryTable.problem(table.parts), undefined);
});

test('entry table: file names kept only where they are not their title\'s answer as all the names packed would', () => {
  // Titles and names from a few units (space, `_`, `.`, a surrogate pair), so that many names are their title's and many are not.
  const unit = fc.constantFrom('a', 'A', ' ', '_', '.', 'm', 'd', '中', '😀');
  const text = fc.array(unit, { maxLength: 6 }).map((units) => units.join(''));
  const entryArb = fc.oneof(
    text.map((title) => ({ title, name: pagePathFromTitle(title) })),
    fc.record({ title: text, name: text }),
  );
  fc.assert(fc.property(fc.array(entryArb, { maxLength: 12 }), fc.array(text, { maxLength: 4 }), fc.nat(), (entries, others, seed) => {
    const titles = PackedStrings.of(entries.map((e) => e.title));
    const names = FileNames.of(entries.map((e) => e.name), titles);
    const all = PackedStrings.of(entries.map((e) => e.name));
    assert.equal(names.problem(), undefined);
    assert.deepEqual([names.packed().text, [...names.packed().offsets]], [all.text, [...all.offsets]]);
    assert.equal(names.ownIds.length, entries.filter((e) => e.name !== pagePathFromTitle(e.title)).length, 'only the names that are not their title\'s are kept');
    entries.forEach((e, i) => {
      assert.equal(names.at(i), e.name);
      assert.equal(names.hash(i, seed), all.hash(i, seed));
      for (const other of [...others, ...others.map(pagePathFromTitle), e.name]) assert.equal(names.equals(i, other), other === e.name, other);
    });
  }), { numRuns: 1000 });
});
