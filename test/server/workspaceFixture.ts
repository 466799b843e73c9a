// A temporary workspace built from the real pages in test/fixtures, plus a few pages the tests name;
// or a synthetic corpus generated from them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempWorkspace {
  /** Parent folder: holds the workspace and, beside it, files outside the workspace. */
  top: string;
  root: string;
  page(name: string): string;
  dispose(): void;
}

export function makeWorkspace(extraPages: Record<string, string | Uint8Array> = {}): TempWorkspace {
  const top = mkdtempSync(join(tmpdir(), 'wikimd-'));
  const root = join(top, 'ws');
  mkdirSync(root);
  cpSync('test/fixtures/corpus/Page', join(root, 'Page'), { recursive: true });
  for (const [name, content] of Object.entries(extraPages)) writeFileSync(join(root, 'Page', name), content);
  // A secret outside the workspace, and ways to reach for it.
  mkdirSync(join(top, 'outside', 'Page'), { recursive: true });
  writeFileSync(join(top, 'outside', 'Page', 'Secret.md'), 'TOPSECRET lead text\n');
  mkdirSync(join(root, 'Redirect'));
  symlinkSync(join(top, 'outside', 'Page', 'Secret.md'), join(root, 'Redirect', 'Sneaky.md'));
  return {
    top, root,
    page: (name) => join(root, 'Page', name),
    dispose: () => rmSync(top, { recursive: true, force: true }),
  };
}

/** A synthetic corpus of `pages` pages at `out`, made from the fixture pages by bench/generate.mjs. */
export function generateCorpus(out: string, pages: number, seed: number): void {
  const gen = spawnSync(process.execPath, ['bench/generate.mjs', '--pages', String(pages), '--seed', String(seed), '--out', out, '--sources', 'test/fixtures/corpus'], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
}
