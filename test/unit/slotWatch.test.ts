// SlotWatch: a worker counts as stalled only while every slot is held past its timeout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlotWatch } from '../../src/orchestration/worker/slotWatch.js';

void test('a worker is stalled once every activity slot is held past its start-to-close timeout, and no longer once one returns', () => {
  let now = 1_000;
  const watch = new SlotWatch([{ taskQueue: 'q', backend: 'api', slots: 2 }], () => now);
  const first = watch.begin('q', 30_000);
  now += 10_000;
  watch.begin('q', 30_000);
  assert.equal(watch.check()[0]!.stalledSinceMs, undefined, 'both in time');
  now = 1_000 + 31_000;
  assert.equal(watch.check()[0]!.overdue, 1);
  assert.equal(watch.check()[0]!.stalledSinceMs, undefined, 'one slot still in time');
  now = 1_000 + 41_000;
  const stalled = watch.check()[0]!;
  assert.deepEqual([stalled.inFlight, stalled.overdue, stalled.stalledSinceMs], [2, 2, 1_000 + 40_000]);
  first();
  watch.begin('q', 30_000);
  assert.equal(watch.check()[0]!.stalledSinceMs, undefined, 'a freed slot took new work');
});
