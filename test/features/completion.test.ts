// Completion's ranking of titles: the most linked first, then the shorter, then code-unit order,
// over every title the prefix (or a variant of it) begins, whichever way the candidates arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rankedTitles } from '../../server/src/features/completion';
import { Workspace } from '../../server/src/workspace/workspace';
import { MemoryFileSystem } from '../workspace/memoryFileSystem';

test('completion ranking: the first 50 of all matching titles by links, length and code-unit order', async () => {
  // 120 titles with the prefix (some of a length, some Traditional), and others without it.
  const titles = Array.from({ length: 120 }, (_, i) => `目标${'甲乙丙丁'.slice(0, i % 4)}${i}`);
  titles.push('目標雙', 'Other', '其他目标');
  const fs = new MemoryFileSystem(Object.fromEntries(titles.map((t) => [`/ws/Page/${t}.md`, `**${t}**`])));
  const ws = new Workspace(fs, () => undefined, ['/ws'], { pageFolders: ['**/Page'], maxFileBytes: 1000 });
  await ws.scan();
  fc.assert(fc.property(fc.array(fc.nat({ max: 6 }), { minLength: titles.length, maxLength: titles.length }), (counts) => {
    // Page p links the titles it was dealt: title i is linked by counts[i] pages.
    for (let p = 0; p < 7; p++) ws.links.record(`/ws/Page/linker${p}.md`, titles.filter((_, i) => counts[i] > p));
    const expected = titles
      .filter((t) => t.startsWith('目标') || t.startsWith('目標'))
      .sort((a, b) => ws.links.count(b) - ws.links.count(a) || a.length - b.length || (a < b ? -1 : 1))
      .slice(0, 50);
    assert.deepEqual(rankedTitles(ws, '目标'), expected);
  }), { numRuns: 200 });
});
