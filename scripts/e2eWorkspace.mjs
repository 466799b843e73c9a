// The workspace of the end-to-end suite: a temporary copy of the real fixture pages plus
// test/e2e/workspace (a variant page, the colour-check page, settings with a theme for our scopes).
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function makeE2eWorkspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wikimd-e2e-ws-'));
  cpSync(path.join(ROOT, 'test/fixtures/corpus'), dir, { recursive: true });
  cpSync(path.join(ROOT, 'test/e2e/workspace'), dir, { recursive: true, filter: (src) => !src.endsWith('README.md') });
  return dir;
}
