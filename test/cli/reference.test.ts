// Same answers as before: `wikimd check --format json` on the bundled pages and on a generated
// corpus must give, byte for byte, the findings stored in test/fixtures/reference (made by the CLI
// before the scale work). The server's diagnostics of the generated pages must be the CLI's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LspClient } from '../server/lspClient';
import { generateCorpus } from '../server/workspaceFixture';

const CLI = resolve('dist/cli.js');
let top: string;

/** The diagnostic rows of the CLI's JSON output, one line each (the trailing summary has timings). */
function jsonRows(dir: string, ...extra: string[]): string[] {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...extra, '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 1 << 28 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout.split('\n').filter((l) => l.startsWith('    {"file"')).map((l) => l.replace(/,$/, ''));
}

function reference(name: string): string[] {
  return gunzipSync(readFileSync(join('test/fixtures/reference', name))).toString('utf8').split('\n').filter(Boolean).map((l) => l.replace(/,$/, ''));
}

/** Compares line lists and, on a difference, names the first line that differs. */
function assertSameRows(actual: string[], expected: string[]) {
  const i = actual.findIndex((line, k) => line !== expected[k]);
  if (i >= 0 || actual.length !== expected.length) {
    const at = i >= 0 ? i : Math.min(actual.length, expected.length);
    assert.fail(`row ${at} differs (${actual.length} rows, ${expected.length} expected)\n  got:      ${actual[at]}\n  expected: ${expected[at]}`);
  }
}

let generated: string;

before(() => {
  top = mkdtempSync(join(tmpdir(), 'wikimd-ref-'));
  generated = join(top, 'generated');
  generateCorpus(generated, 400, 11);
});
after(() => rmSync(top, { recursive: true, force: true }));

test('bundled pages: the same findings as the stored reference', () => {
  const dir = join(top, 'bundled');
  mkdirSync(dir);
  cpSync('test/fixtures/corpus', join(dir, 'fixtures'), { recursive: true });
  cpSync('sample', join(dir, 'sample'), { recursive: true, verbatimSymlinks: true });
  assertSameRows(jsonRows(dir), reference('bundled.jsonl.gz'));
});

test('generated corpus: the same findings as the stored reference, with one worker or several', () => {
  const expected = reference('generated-400-seed11.jsonl.gz');
  assert.ok(expected.length > 1000);
  assertSameRows(jsonRows(generated), expected);
  assertSameRows(jsonRows(generated, '--jobs', '2'), expected);
});

test('generated corpus: the server publishes the CLI\'s diagnostics for each page', async () => {
  const rows = jsonRows(generated).map((l) => JSON.parse(l) as { file: string; line: number; column: number; endLine: number; endColumn: number; code: string; message: string });
  const pages = readdirSync(join(generated, 'Page')).sort().slice(0, 60);
  const client = new LspClient();
  try {
    await client.initialize(generated, { diagnosticsDelay: 0 });
    for (const name of pages) {
      const file = join(generated, 'Page', name);
      const uri = await client.open(file, readFileSync(file, 'utf8'));
      const got = (await client.diagnosticsFor(uri)).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${String(d.code)} ${d.message}`);
      const want = rows.filter((r) => r.file === `Page/${name}`).map((r) => `${r.line}:${r.column}-${r.endLine}:${r.endColumn} ${r.code} ${r.message}`);
      assert.deepEqual(got, want, name);
    }
  } finally {
    await client.stop();
  }
});
