// The bundled demo wiki (sample/) shows every feature to a new user: enough real pages that link
// among themselves (backlinks and the graph have something to show), both corpus generations, a
// page under its other-script title and a redirect, and the findings users fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { nodeFileSystem } from '../../server/src/workspace/fileSystem';
import { Workspace } from '../../server/src/workspace/workspace';

const SAMPLE = resolve('sample');

test('the sample wiki is a connected neighbourhood of real pages in both generations', async () => {
  const ws = new Workspace(nodeFileSystem, () => undefined, [SAMPLE], { pageFolders: ['**/Page'], maxFileBytes: 1_000_000 });
  await ws.open(undefined);
  await ws.scanContents(() => false, () => undefined);
  const pages = [...ws.index.pages()];
  assert.ok(pages.length >= 40, `${pages.length} pages`);
  const linked = pages.filter((p) => ws.links.sourcesOf(ws.titlesReaching(p)).some((from) => from !== p.path));
  assert.ok(linked.length >= 30, `only ${linked.length} pages have backlinks`);
  const inFolder = (folder: string) => pages.filter((p) => p.path.startsWith(resolve(SAMPLE, folder) + '/')).length;
  assert.ok(inFolder('Page') >= 20 && inFolder('gen2023/Page') >= 8, 'both generations');
  assert.ok([...ws.index.entries()].some((e) => e.folder === 'Redirect' && e.redirectTo), 'a redirect to a page');
});

test('the sample wiki shows each kind of finding', () => {
  const r = spawnSync(process.execPath, [resolve('dist/cli.js'), 'check', '--format', 'json', '.'], { cwd: SAMPLE, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const codes = new Set(r.stdout.split('\n').filter((l) => l.startsWith('    {"file"')).map((l) => (JSON.parse(l.replace(/,$/, '')) as { code: string }).code));
  for (const code of ['missing-page', 'variant-title', 'link-trail', 'link-trail-guess', 'wiki-page-exists', 'empty-parens', 'footnote']) assert.ok(codes.has(code), code);
});
