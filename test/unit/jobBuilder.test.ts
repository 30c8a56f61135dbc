// The builder checks each option where it is written: a bad value throws at once, saying what
// is accepted, and nothing is enqueued.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobBuilder } from '../../src/app/jobs/jobBuilder.js';
import { priorityLevel } from '../../src/core/enqueueOptions.js';
import type { EnqueueOptions } from '../../src/core/enqueueOptions.js';
import type { JobHandle } from '../../src/app/jobs/jobHandle.js';

function builder(): { b: JobBuilder; sent: EnqueueOptions[] } {
  const sent: EnqueueOptions[] = [];
  const b = new JobBuilder(async (options) => {
    sent.push(options);
    return { id: 'job:x' } as JobHandle;
  });
  return { b, sent };
}

void test('bad builder input throws at once, naming what is accepted', () => {
  const { b, sent } = builder();
  assert.throws(() => b.delay('5 minutes'), /expected a duration such as 1500 \(ms\), 30s, 5m or 1h30m/);
  assert.throws(() => b.delay(-1), /delay must be 0 or more milliseconds/);
  assert.throws(() => b.priority('urgent' as never), /expected critical, high, normal, low, or a number from 1 \(first\) to 5 \(last\)/);
  assert.throws(() => b.priority(6 as never), /unknown priority 6/);
  assert.throws(() => b.strategy('random' as never), /expected linear or exponential/);
  assert.throws(() => b.retries(1.5), /whole number of 0 or more/);
  assert.throws(() => b.timeout('0s'), /more than 0/);
  assert.throws(() => b.queue('bad name'), /expected 1–100 letters/);
  assert.throws(() => b.at(new Date('not a date')), /valid Date/);
  assert.throws(() => b.idempotencyKey(''), /1–255 characters/);
  assert.equal(sent.length, 0);
});

void test('the builder sends what was set: durations in ms, timeout in whole seconds, a past .at() as no delay', async () => {
  const { b, sent } = builder();
  await b.delay('1h30m').priority('high').retries(5).strategy('exponential').timeout(600_000).queue('analysis').idempotencyKey('k').enqueue();
  assert.deepEqual(sent[0], { delay: 5_400_000, priority: 'high', maxRetries: 5, retryStrategy: 'exponential', timeout: 600, queue: 'analysis', idempotencyKey: 'k' });
  const second = builder();
  await second.b.at(new Date(Date.now() - 60_000)).enqueue();
  assert.deepEqual(second.sent[0], { delay: 0 });
  const third = builder();
  await third.b.delay(new Date(Date.now() + 10_000)).enqueue();
  assert.ok(third.sent[0]!.delay! > 9_000 && third.sent[0]!.delay! <= 10_000, `delay ${third.sent[0]!.delay}`);
});

void test('priority names map to levels 1 (critical) … 4 (low); numbers 1–5 pass through', () => {
  assert.deepEqual(['critical', 'high', 'normal', 'low'].map((p) => priorityLevel(p)), [1, 2, 3, 4]);
  assert.equal(priorityLevel(5), 5);
});
