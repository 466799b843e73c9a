// The worker pool that reads pages and counts problems in the background: every item answered once,
// and no batch sent while it is paused (the user is typing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInWorkers } from '../../server/src/workspace/workerPool';

/** A worker that answers each batch with its items doubled, speaking the pool's messages. */
const DOUBLER = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ batch, items }) => parentPort.postMessage({ batch, results: items.map((x) => x * 2) }));`;

test('worker pool: every item answered once, in batches; none sent while paused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wikimd-pool-'));
  try {
    const script = join(dir, 'doubler.js');
    writeFileSync(script, DOUBLER);
    const items = Array.from({ length: 100 }, (_, i) => i);
    let paused = true;
    let answeredWhilePaused = 0;
    const results = new Map<number, number[]>();
    setTimeout(() => { paused = false; }, 300);
    await runInWorkers<number, number>(script, undefined, items, { workers: 2, batchSize: 16, isPaused: () => paused }, (batch, answer) => {
      if (paused) answeredWhilePaused++;
      results.set(batch, answer);
    });
    assert.equal(answeredWhilePaused, 0);
    assert.deepEqual([...results.keys()].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...results.entries()].sort(([a], [b]) => a - b).flatMap(([, r]) => r), items.map((x) => x * 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
