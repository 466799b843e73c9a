// Containment in the workspace folders: the check every read passes. The prefix test taken for paths
// that are resolved already must answer as the `path.relative` test does, for any path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { isResolved, WorkspaceRoots } from '../../server/src/workspace/roots';
import { MemoryFileSystem } from './memoryFileSystem';

/** The check as `path` answers it: inside when the relative path does not climb out. */
function insideByRelative(p: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = path.relative(path.resolve(root), path.resolve(p));
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

const segment = fc.constantFrom('w', 'a', 'Page', '..', '.', '', '..a', '.x', 'a b', '中文', 'w..');
const pathText = fc.tuple(fc.boolean(), fc.array(segment, { maxLength: 6 }), fc.boolean())
  .map(([absolute, parts, trailing]) => `${absolute ? '/' : ''}${parts.join('/')}${trailing ? '/' : ''}`);

test('containment: a resolved path is what path.resolve gives back, and inside exactly when path.relative says so', () => {
  const rootSets = [['/w'], ['/w/a', '/Page'], ['/'], ['/w/..a'], ['/w/'], ['w/a']];
  fc.assert(fc.property(pathText, fc.constantFrom(...rootSets), (p, roots) => {
    if (isResolved(p)) assert.equal(path.resolve(p), p);
    const workspaceRoots = new WorkspaceRoots(roots, new MemoryFileSystem({}));
    assert.equal(workspaceRoots.containsLexically(p), insideByRelative(p, roots), `${p} in ${roots.join(', ')}`);
  }), { numRuns: 3000 });
  // The cases the prefix must not get wrong: a sibling sharing the root's beginning, the root itself.
  const roots = new WorkspaceRoots(['/w/a'], new MemoryFileSystem({}));
  assert.equal(roots.containsLexically('/w/ab/Page/x.md'), false);
  assert.equal(roots.containsLexically('/w/a'), true);
  assert.equal(roots.containsLexically('/w/a/Page/x.md'), true);
});
