// The order of packed strings without a key string per id: the same order as sorting the strings
// themselves (code units, a string before those it begins, equal strings in the order given).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PackedStrings, idsInStringOrder } from '../../server/src/workspace/packed';

// Few units, so that strings share their first two units, begin one another and repeat.
const stringArb = fc.array(fc.constantFrom('a', 'b', '中', '中', '\ud842\udfb7', ' '), { maxLength: 5 }).map((units) => units.join(''));

/** The order a plain sort of the strings gives `ids`, equal strings in the order of `ids`. */
function expectedOrder(strings: string[], ids: Uint32Array): number[] {
  return Array.from(ids).map((id, k) => ({ id, k })).sort((a, b) => (strings[a.id] < strings[b.id] ? -1 : strings[a.id] > strings[b.id] ? 1 : a.k - b.k)).map((e) => e.id);
}

test('packed strings in runs too long to compare (thousands sharing their first units) are split unit by unit', () => {
  // Long shared beginnings, strings that end where others go on, and repeats.
  const longArb = fc.array(fc.constantFrom('a', 'b', '中', ''), { minLength: 1, maxLength: 8 }).map((units) => `ab${units.join('')}`);
  fc.assert(fc.property(fc.array(longArb, { minLength: 1500, maxLength: 4000 }), (strings) => {
    const ids = Uint32Array.from(strings.keys()).reverse();
    assert.deepEqual(Array.from(idsInStringOrder(ids, PackedStrings.of(strings))), expectedOrder(strings, ids));
  }), { numRuns: 20 });
});

test('packed strings are ordered as a sort of the strings orders them, stably', () => {
  fc.assert(fc.property(fc.array(stringArb, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 40 }), (strings, picks) => {
    const packed = PackedStrings.of(strings);
    // A subset of ids in any order: equal strings keep the order of the ids given.
    const ids = strings.length ? Uint32Array.from(picks, (p) => p % strings.length).filter((id, k, all) => all.indexOf(id) === k) : new Uint32Array(0);
    assert.deepEqual(Array.from(idsInStringOrder(ids, packed)), expectedOrder(strings, ids));
    for (let i = 0; i < strings.length; i++) for (let j = 0; j < strings.length; j++) assert.equal(packed.same(i, j), strings[i] === strings[j]);
  }));
});
