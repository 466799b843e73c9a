// Converts the MediaWiki sources of the sample wiki (sample/wikitext/gen1, sample/wikitext/gen2023)
// to wiki-markdown with pandoc and the converter rules of each corpus generation
// (test/fixtures/trail-eval/convert.lua): gen1 into sample/Page, gen2023 into sample/gen2023/Page.
// A link becomes a local ../Page/ link when its page is in the same folder, so every page's file is
// made (empty) before any is converted. Needs pandoc: `apt-get install -y pandoc`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const FILTER = path.join(ROOT, 'test/fixtures/trail-eval/convert.lua');
const work = mkdtempSync(path.join(os.tmpdir(), 'wikimd-sample-'));

for (const [gen, out] of [['1', 'sample/Page'], ['2023', 'sample/gen2023/Page']]) {
  const sources = path.join(ROOT, 'sample/wikitext', `gen${gen}`);
  const pages = path.join(ROOT, out);
  const titles = readdirSync(sources).filter((n) => n.endsWith('.wikitext')).map((n) => n.slice(0, -'.wikitext'.length));
  for (const t of titles) if (!existsSync(path.join(pages, `${t}.md`))) writeFileSync(path.join(pages, `${t}.md`), '');
  for (const t of titles) {
    const r = spawnSync('pandoc', ['-f', 'mediawiki', '-t', 'gfm', '--lua-filter', FILTER, path.join(sources, `${t}.wikitext`), '-o', path.join(pages, `${t}.md`)], {
      encoding: 'utf8', env: { ...process.env, GEN: gen, PAGES: pages, RECORD: path.join(work, 'record') },
    });
    if (r.status !== 0) throw new Error(`pandoc failed on ${t}: ${r.stderr ?? r.error}`);
  }
  console.log(`${titles.length} pages of generation ${gen} in ${out}`);
}
rmSync(work, { recursive: true, force: true });
