// The link graph against a plain model (each page's set of targets), after any records and
// forgets, live and after packing into the arrays a persisted graph has (`toData` / `fromData`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Interner, LinkGraph, type LinkGraphData } from '../../server/src/workspace/linkGraph';
import { finish } from '../../server/src/workspace/pacing';

// Below the base folder `/w` of some graphs, and not: `/w2` begins with the base's name but is no folder in it.
const FILES = ['/w/Page/A.md', '/w/Page/B.md', '/x/Page/C.md', '/w2/Page/D.md'];
const TITLES = ['甲', '乙', '丙', '丁', 'E', 'F'];

const step = fc.oneof(
  fc.record({ forget: fc.constant(false), file: fc.constantFrom(...FILES), titles: fc.subarray(TITLES), size: fc.nat(1000) }),
  fc.record({ forget: fc.constant(true), file: fc.constantFrom(...FILES) }),
);

function sameAnswers(graph: LinkGraph, model: Map<string, { titles: Set<string>; size: number }>, label: string): void {
  for (const file of FILES) {
    const recorded = model.get(file);
    assert.deepEqual(new Set(graph.targetsOf(file)), recorded?.titles ?? new Set(), `${label}: targets of ${file}`);
    assert.equal(graph.stampOf(file)?.size, recorded?.size, `${label}: stamp of ${file}`);
  }
  assert.deepEqual(new Set(graph.recordedFiles()), new Set(model.keys()), `${label}: recorded files`);
  for (const title of TITLES) {
    const linking = [...model].filter(([, r]) => r.titles.has(title)).map(([file]) => file).sort();
    assert.deepEqual(graph.sourcesOf([title]).sort(), linking, `${label}: pages linking ${title}`);
    assert.equal(graph.count(title), linking.length, `${label}: count of ${title}`);
  }
  const both = new Set([...model].filter(([, r]) => r.titles.has(TITLES[0]) || r.titles.has(TITLES[1])).map(([file]) => file));
  assert.equal(graph.countSources(TITLES.slice(0, 2)), both.size, `${label}: pages linking either of two titles`);
}

test('link graph: answers as a plain model after any records and forgets, live, compacted in steps, and packed', () => {
  fc.assert(fc.property(fc.array(step, { maxLength: 40 }), fc.nat(39), fc.array(fc.boolean(), { maxLength: 40 }), fc.array(fc.boolean(), { maxLength: 40 }), fc.constantFrom('', '/w'), (steps, packAt, compactSteps, dataSteps, base) => {
    let graph = new LinkGraph(base);
    const model = new Map<string, { titles: Set<string>; size: number }>();
    // A compaction in steps runs beside the records; one that saw a record meanwhile takes nothing.
    let compacting: Generator<void, boolean, void> | undefined;
    // So does the packing for the persisted index: its arrays, when it gives them, are the graph's answers.
    let packing: { steps: Generator<void, LinkGraphData | undefined, void>; recordedSince: boolean } | undefined;
    steps.forEach((s, i) => {
      if (packing && (!s.forget || model.has(s.file))) packing.recordedSince = true;
      if (s.forget) {
        graph.forget(s.file);
        model.delete(s.file);
      } else {
        graph.record(s.file, s.titles, { mtimeMs: 1, size: s.size });
        model.set(s.file, { titles: new Set(s.titles), size: s.size });
      }
      // Packed midway, the graph goes on from the packed arrays.
      if (i === packAt) {
        graph = LinkGraph.fromData(graph.toData());
        compacting = undefined;
        packing = undefined;
      }
      if (compactSteps[i]) {
        compacting ??= graph.compacting();
        if (compacting.next().done) compacting = undefined;
      }
      if (dataSteps[i]) {
        packing ??= { steps: graph.dataSteps(), recordedSince: false };
        const next = packing.steps.next();
        if (next.done) {
          assert.equal(next.value === undefined, packing.recordedSince, 'given up exactly when a page was recorded meanwhile');
          if (next.value) sameAnswers(LinkGraph.fromData(next.value), model, 'packed in steps');
          packing = undefined;
        }
      }
    });
    sameAnswers(graph, model, 'live');
    const left = compacting ?? graph.compacting();
    for (let next = left.next(); !next.done; next = left.next());
    sameAnswers(graph, model, 'compacted');
    sameAnswers(LinkGraph.fromData(graph.toData()), model, 'packed');
  }), { numRuns: 500 });
});

test('link graph: keeps the pages below its base folder by their relative path, in memory and in its data', () => {
  const graph = new LinkGraph('/w');
  for (const file of FILES) graph.record(file, ['甲']);
  const data = graph.toData();
  assert.equal(data.base, '/w');
  assert.deepEqual(Array.from({ length: data.files.size }, (_, p) => data.files.at(p)), ['Page/A.md', 'Page/B.md', '/x/Page/C.md', '/w2/Page/D.md']);
  assert.deepEqual(LinkGraph.fromData(data).sourcesOf(['甲']).sort(), [...FILES].sort());
});

test('interner: numbers strings in the order first seen, across chunks joined as they fill and a packed base', () => {
  const strings = fc.array(fc.oneof(fc.constantFrom('', 'a', '甲', '乙丙', '\uD800'), fc.string({ maxLength: 4 })), { maxLength: 60 });
  fc.assert(fc.property(strings, strings, fc.integer({ min: 1, max: 5 }), (first, second, chunk) => {
    const model = new Map<string, number>();
    const check = (interner: Interner) => {
      assert.equal(interner.size, model.size);
      for (const [s, id] of model) {
        assert.equal(interner.get(s), id, `id of ${JSON.stringify(s)}`);
        assert.equal(interner.at(id), s);
      }
      assert.equal(interner.get('never added \u0000'), undefined);
    };
    let interner = new Interner(undefined, undefined, chunk);
    for (const s of first) {
      if (!model.has(s)) model.set(s, model.size);
      assert.equal(interner.idOf(s), model.get(s));
    }
    check(interner);
    // Packed, the strings become the base of a new interner that goes on numbering after them.
    const packed = finish(interner.packing());
    interner = new Interner(packed.strings, packed.slots, chunk);
    check(interner);
    for (const s of second) {
      if (!model.has(s)) model.set(s, model.size);
      assert.equal(interner.idOf(s), model.get(s));
    }
    check(interner);
    const again = finish(interner.packing());
    check(new Interner(again.strings, again.slots, chunk));
  }), { numRuns: 500 });
});
