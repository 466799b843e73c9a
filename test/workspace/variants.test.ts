// Our conversion tables must convert as opencc's own converters do: MediaWiki's variant lookup is
// what users expect, opencc is our stand-in for it, and we only load its dictionaries differently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { converter } from '../../server/src/workspace/chineseConversion';
import { fastVariantKey, hasVariantKey, mayHavePhraseVariant, phraseVariants } from '../../server/src/workspace/variants';

const opencc = (from: string, to: string) => OpenCC.Converter({ from, to } as Parameters<typeof OpenCC.Converter>[0]);
/** Each conversion the variant lookup uses: our preset, opencc's converter. */
const DIRECTIONS = [['t2s', 't', 'cn'], ['tw2sp', 'twp', 'cn'], ['s2tw', 'cn', 'tw'], ['s2twp', 'cn', 'twp'], ['s2hk', 'cn', 'hk']]
  .map(([preset, from, to]) => ({ preset, ours: converter(preset), theirs: opencc(from, to) }));

function same(s: string): void {
  for (const { preset, ours, theirs } of DIRECTIONS) assert.equal(ours(s), theirs(s), `${preset}: ${s}`);
}

test('Chinese conversion: our tables convert as opencc does, on the phrases of its own dictionaries, titles and any text', () => {
  const { configs } = OpenCC.Locale as unknown as { configs: Record<string, { conversionChain: (string | string[][])[][] }> };
  // The phrases of the dictionaries, where conversion differs most from character by character, in sentences.
  const phrases = ['s2twp', 's2hk', 'tw2sp', 't2s'].flatMap((name) => configs[name].conversionChain.flat())
    .flatMap((dict) => (typeof dict === 'string' ? dict.split('|').map((entry) => entry.split(' ')[0]) : dict.map(([from]) => from)))
    .filter((phrase) => phrase.length > 1);
  assert.ok(phrases.length > 10_000, 'the phrase dictionaries are read');
  for (let i = 0; i < phrases.length; i += 11) same(`在${phrases[i]}${phrases[(i * 31) % phrases.length]}的`);
  for (const f of readdirSync('sample/Page')) same(f.replace(/\.md$/, ''));
  for (const s of ['⿰氵青水⿱艹⿰氵青', '⿲干干后面', '⿳干⿰干干后面', '后面⿲干']) same(s); // ideographic description sequences stay whole
  // Arbitrary text: Han that converts, phrases, and any code point (astral, lone surrogates).
  const unit = fc.oneof(fc.constantFrom(...'软件计算机信息网络发展台湾香港里面後面后于乾干发髮⿰⿱⿲⿳'), fc.constantFrom(...phrases.slice(0, 2000)), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  fc.assert(fc.property(fc.string({ unit }), (s) => same(s)), { numRuns: 1000 });
});

test('cheap variant key: each character in its Simplified form (opencc), and compared in place as computed', () => {
  const toSimplified = opencc('t', 'cn');
  const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
  const byCharacter = (s: string) => (HAN.test(s) ? [...s].map((c) => (HAN.test(c) ? toSimplified(c) : c)).join('') : s);
  const unit = fc.oneof(fc.constantFrom(...'軟體软件計算機發展臺灣台湾裡裏里乾干髮后後於于'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  fc.assert(fc.property(fc.string({ unit }), fc.string({ unit }), (a, b) => {
    const key = fastVariantKey(a);
    assert.equal(key, byCharacter(a));
    // `b` in the middle of a packed text, as the index keeps titles.
    const text = `${a}${b}${a}`;
    assert.equal(hasVariantKey(text, a.length, a.length + b.length, key), fastVariantKey(b) === key, `${a} / ${b}`);
    assert.ok(hasVariantKey(text, 0, a.length, key));
  }), { numRuns: 2000 });
  // Titles that differ only in characters' scripts meet; titles that differ in a character do not.
  assert.ok(hasVariantKey('軟體', 0, 2, fastVariantKey('软体')));
  assert.ok(!hasVariantKey('軟件', 0, 2, fastVariantKey('软体')));
});

test('phrase variants: a title the quick test passes over has none, exactly as converting it finds', () => {
  // What phraseVariants computes when it converts: the phrase forms whose key is not the title's.
  const [toSimplified, fromTaiwanPhrases, toTaiwanPhrases] = ['t2s', 'tw2sp', 's2twp'].map(converter);
  const converted = (t: string) => {
    const key = fastVariantKey(t);
    return [...new Set([fromTaiwanPhrases(t), toTaiwanPhrases(toSimplified(t))])].filter((v) => fastVariantKey(v) !== key);
  };
  const same = (t: string) => {
    const expected = /[\u3400-\u9fff\uf900-\ufaff]/.test(t) ? converted(t) : [];
    if (expected.length) assert.ok(mayHavePhraseVariant(t), `passed over: ${t} has ${expected.join(', ')}`);
    assert.deepEqual([...phraseVariants(t)], expected, t);
  };
  const { configs } = OpenCC.Locale as unknown as { configs: Record<string, { conversionChain: (string | string[][])[][] }> };
  const entries = ['s2twp', 'tw2sp', 't2s'].flatMap((name) => configs[name].conversionChain.flat())
    .flatMap((dict) => (typeof dict === 'string' ? dict.split('|').map((entry) => entry.split(' ')[0]) : dict.map(([from]) => from)));
  // Every phrase and character of the tables, alone and between others, and the sample's titles.
  for (let i = 0; i < entries.length; i++) {
    same(entries[i]);
    if (i % 7 === 0) same(`新${entries[i]}${entries[(i * 31) % entries.length]}站`);
  }
  for (const f of readdirSync('sample/Page')) same(f.replace(/\.md$/, ''));
  const unit = fc.oneof(fc.constantFrom(...'软件軟體计算機信息資訊网络網絡台湾臺灣里裡裏后後于於乾干发髮着著的是在'), fc.constantFrom(...entries.slice(0, 3000)), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  fc.assert(fc.property(fc.string({ unit, maxLength: 8 }), same), { numRuns: 2000 });
  // And the quick test does pass over most titles: the conversions are not made for them.
  const linked = readdirSync('test/fixtures/corpus/Page').flatMap((f) => [...readFileSync(join('test/fixtures/corpus/Page', f), 'utf8').matchAll(/\]\(\.\.\/Page\/([^)\s"]+)\.md/g)].map((m) => m[1]));
  const titles = [...new Set(linked)].filter((t) => /[\u3400-\u9fff]/.test(t));
  const passedOver = titles.filter((t) => !mayHavePhraseVariant(t)).length;
  assert.ok(passedOver > titles.length / 2, `${passedOver} of ${titles.length} titles passed over`);
});
