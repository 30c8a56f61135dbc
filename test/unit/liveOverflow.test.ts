// LiveOverflow: live notifications past the bound are not held in memory; their rows are left
// to catch-up passes, repeated until one ran with nothing dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pLimit from 'p-limit';
import { silentLogger } from '../../src/adapters/logger.js';
import { LiveOverflow } from '../../src/orchestration/bridge/liveOverflow.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

void test('past maxQueued waiting notifications, further ones are dropped and a catch-up pass runs; a drop during that pass runs another', async () => {
  const limit = pLimit(1);
  let release!: () => void;
  const blocked = new Promise<void>((resolve) => (release = resolve));
  const handled: number[] = [];
  let passes = 0;
  let finishPass!: () => void;
  const overflow = new LiveOverflow({
    limit,
    maxQueued: 3,
    catchUp: () => {
      passes++;
      return new Promise<void>((resolve) => (finishPass = resolve));
    },
    logger: silentLogger(),
    stopSignal: new AbortController().signal,
  });
  // One running (blocked), three waiting: the bound.
  overflow.offer(() => blocked);
  for (const n of [1, 2, 3]) overflow.offer(async () => void handled.push(n));
  await tick();
  assert.equal(limit.pendingCount, 3);
  assert.equal(passes, 0, 'no catch-up while nothing was dropped');

  overflow.offer(async () => void handled.push(4));
  overflow.offer(async () => void handled.push(5));
  await tick();
  assert.equal(limit.pendingCount, 3, 'the dropped notifications are not held');
  assert.equal(passes, 1, 'one pass for both drops');

  overflow.offer(async () => void handled.push(6)); // dropped while the pass runs
  finishPass();
  await tick();
  assert.equal(passes, 2, 'a row dropped during a pass may lie behind its cursor: another pass');
  finishPass();
  release();
  await overflow.idle();
  await tick();
  assert.equal(passes, 2, 'no drop during the second pass: no third');
  assert.deepEqual(handled, [1, 2, 3]);
});

void test('under the bound every notification is handled and no catch-up runs', async () => {
  const limit = pLimit(2);
  let passes = 0;
  const overflow = new LiveOverflow({ limit, maxQueued: 100, catchUp: async () => void passes++, logger: silentLogger(), stopSignal: new AbortController().signal });
  const handled: number[] = [];
  for (let n = 0; n < 50; n++) overflow.offer(async () => void handled.push(n));
  while (limit.activeCount + limit.pendingCount > 0) await tick();
  assert.equal(handled.length, 50);
  assert.equal(passes, 0);
});
