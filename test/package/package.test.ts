// `npm run package` makes the .vsix the README tells users to install: run the same vsce command on
// the built bundles and read the archive's table of contents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The file names in a zip archive, from its central directory. */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'a central directory entry');
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

test('packaging: the .vsix holds the bundles, the grammar, the README with its images and the license; no sources, tests or node_modules', () => {
  const script = JSON.parse(readFileSync('package.json', 'utf8')).scripts.package as string;
  const vsceArgs = /vsce (package .*?) -o /.exec(script);
  assert.ok(vsceArgs, `npm run package runs vsce: ${script}`);
  const dir = mkdtempSync(join(tmpdir(), 'wikimd-vsix-'));
  try {
    const out = join(dir, 'wiki-markdown.vsix');
    const r = spawnSync(process.execPath, [resolve('node_modules/@vscode/vsce/vsce'), ...vsceArgs[1].split(' '), '-o', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, `vsce failed: ${r.stdout}\n${r.stderr}`);
    const entries = zipEntries(readFileSync(out));
    for (const expected of ['extension/package.json', 'extension/readme.md', 'extension/LICENSE.txt', 'extension/media/preview.css', 'extension/dist/client.js', 'extension/dist/server.js',
      'extension/dist/scanWorker.js', 'extension/dist/cli.js', 'extension/dist/graph.js', 'extension/media/graph.css', 'extension/syntaxes/wikilink.injection.tmLanguage.json']) {
      assert.ok(entries.includes(expected), `${expected} in ${entries.join(', ')}`);
    }
    const readme = readFileSync('README.md', 'utf8');
    for (const [, image] of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)) assert.ok(entries.includes(`extension/${image}`), `README image ${image} in the archive`);
    for (const entry of entries) {
      assert.doesNotMatch(entry, /node_modules|^extension\/(server|client|test|bench|scripts|sample)\/|\.ts$|\.map$/, `${entry} does not belong in the archive`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
