// Generates a synthetic wiki-markdown corpus of N pages from the real pages in the repository
// (test/fixtures/corpus, sample), keeping their statistics: pages are runs of real lines (so link
// density, link kinds, refs, notes, tables and artifacts are the real ones), titles copy the shape
// of real link targets (script, length, disambiguator, Traditional characters), and link targets
// are re-pointed at generated titles with a realistic share of missing pages, variant spellings
// and swallowed trails. Deterministic from the seed.
//
//   node bench/generate.mjs --pages 100000 --out DIR [--seed 1] [--sources DIR,DIR]
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['test/fixtures/corpus', 'sample'];

/** Shares of link targets, from what the real pages show (most local links resolve in a full corpus). */
const SHARE = { missing: 0.12, variantSpelling: 0.03, trail: 0.04, wikiExists: 0.02, redirectPages: 0.05 };
/** Median page size in UTF-16 units; zh Wikipedia pages are short on average, with a long tail. */
const MEDIAN_PAGE = 2500;

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function realPages(sources) {
  const pages = [];
  const walk = (dir) => {
    // Sorted: directory order differs between file systems, and the corpus must not.
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md') && path.basename(dir) === 'Page') pages.push(readFileSync(p, 'utf8'));
    }
  };
  for (const s of sources) walk(path.resolve(ROOT, s));
  return pages;
}

const LINK = /\[((?:[^\[\]\\]|\\.)*)\]\(((?:\.\.\/)+Page\/|https:\/\/zh\.wikipedia\.org\/wiki\/)((?:[^()\s\\]|\\.)+?)(\.md)?( "wikilink")?\)/g;
const HAN = /[\u3400-\u9fff]/;

/** What the real pages give the generator: lines, title shapes, character pools. */
function learn(pages) {
  const lines = pages.map((p) => p.split('\n'));
  const shapes = [];
  const han = [];
  const latin = [];
  for (const page of pages) {
    for (const m of page.matchAll(LINK)) {
      const title = decodeURIComponent(m[3].replace(/\\(.)/g, '$1')).replace(/_/g, ' ');
      if (title.includes(':')) continue;
      const disambiguator = /\s\((.+)\)$/.exec(title);
      const base = disambiguator ? title.slice(0, disambiguator.index) : title;
      const hanCount = [...base].filter((c) => HAN.test(c)).length;
      shapes.push({ length: [...base].length, han: hanCount / Math.max(1, [...base].length), disambiguator: disambiguator?.[1] });
    }
    for (const c of page) if (HAN.test(c)) han.push(c);
    for (const w of page.match(/[A-Za-z]{2,12}/g) ?? []) latin.push(w);
  }
  return { lines, shapes, han, latin };
}

export function generateCorpus({ pages: count, out, seed = 1, sources = SOURCES }) {
  const rand = mulberry32(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const model = learn(realPages(sources));

  const makeTitle = () => {
    const shape = pick(model.shapes);
    let title = '';
    if (shape.han >= 0.99) for (let i = 0; i < shape.length; i++) title += pick(model.han);
    else if (shape.han <= 0.01) {
      while (title.length < shape.length) title += (title ? ' ' : '') + pick(model.latin);
      title = title[0].toUpperCase() + title.slice(1);
    } else title = pick(model.latin) + Array.from({ length: Math.max(1, Math.round(shape.length * shape.han)) }, () => pick(model.han)).join('');
    if (shape.disambiguator) title += ` (${pick(model.shapes).disambiguator ?? shape.disambiguator})`;
    return title.replace(/[/#<>[\]|{}]/g, '');
  };

  const titles = [];
  const seen = new Set();
  while (titles.length < count) {
    let t = makeTitle();
    if (seen.has(t)) t = `${t} ${titles.length}`;
    seen.add(t);
    titles.push(t);
  }
  const missing = Array.from({ length: Math.max(100, count / 10) }, () => `${makeTitle()}缺`);
  const categories = Array.from({ length: Math.max(20, count / 100) }, () => makeTitle());
  const outside = Array.from({ length: Math.max(1000, count) }, () => makeTitle());
  // Popular pages get most links (Zipf-like).
  const popular = () => titles[Math.floor(titles.length * rand() ** 3)];
  const fileName = (t) => `${t.replace(/ /g, '_')}.md`;
  const dest = (t) => fileName(t).replace(/[()\\]/g, '\\$&');

  const rewriteLine = (line) => line.replace(LINK, (all, text, prefix, _target, _md, wikilink) => {
    if (!wikilink) return all;
    if (/^https/.test(prefix)) {
      // Wiki links name pages of the wiki outside the corpus: a large but finite set that pages share.
      const t = rand() < SHARE.wikiExists ? popular() : pick(outside);
      return `[${t}](${prefix}${t.replace(/ /g, '_').replace(/[()\\]/g, '\\$&')} "wikilink")`;
    }
    let t = rand() < SHARE.missing ? pick(missing) : popular();
    let shown = t;
    // A Simplified spelling of a title the corpus has in Traditional, or the other way around.
    if (rand() < SHARE.variantSpelling && /[國語學會後體]/.test(t)) t = t.replace(/國/g, '国').replace(/語/g, '语').replace(/學/g, '学');
    if (rand() < SHARE.trail) shown += pick(model.han) + pick(model.han);
    return `[${shown}](${prefix}${dest(t)} "wikilink")`;
  });

  const pageDir = path.join(out, 'Page');
  const redirectDir = path.join(out, 'Redirect');
  mkdirSync(pageDir, { recursive: true });
  mkdirSync(redirectDir, { recursive: true });
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const source = pick(model.lines);
    // Log-normal page size around the median, cut at the template's length.
    const target = MEDIAN_PAGE * Math.exp((rand() + rand() + rand() - 1.5) * 1.6);
    const start = Math.floor(rand() * Math.max(1, source.length - 5));
    const body = [`**${titles[i]}**是一个页面。`, ''];
    let size = 0;
    for (let j = start; j < source.length && size < target; j++) {
      const line = rewriteLine(source[j]);
      body.push(line);
      size += line.length + 1;
    }
    if (rand() < 0.6) body.push('', `[Category:${pick(categories)}](https://zh.wikipedia.org/wiki/Category:${pick(categories).replace(/ /g, '_')} "wikilink")`);
    const text = `${body.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    writeFileSync(path.join(pageDir, fileName(titles[i])), text);
    if (rand() < SHARE.redirectPages) {
      try {
        symlinkSync(`../Page/${fileName(titles[i])}`, path.join(redirectDir, `${fileName(makeTitle())}`));
      } catch { /* a duplicate redirect title: skip */ }
    }
  }
  return { pages: count, bytes, titles };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? dflt : process.argv[i + 1];
  };
  const out = arg('out');
  if (!out) {
    console.error('usage: node bench/generate.mjs --pages N --out DIR [--seed S] [--sources DIR,DIR]');
    process.exit(2);
  }
  const t0 = Date.now();
  const sources = arg('sources')?.split(',');
  const result = generateCorpus({ pages: Number(arg('pages', 100000)), out, seed: Number(arg('seed', 1)), ...(sources ? { sources } : {}) });
  console.log(`${result.pages} pages, ${(result.bytes / 1e6).toFixed(1)} MB in ${out} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
