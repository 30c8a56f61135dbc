import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { backoffDelays, withRetries } from '../../src/app/cli/retry.js';

void test('parseDuration reads bare milliseconds and unit suffixes', () => {
  assert.equal(parseDuration('1500'), 1500);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('1.5s'), 1_500);
  assert.equal(parseDuration(' 10S '), 10_000);
});

void test('parseDuration adds up compound durations like 1h30m and 1m30s500ms', () => {
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1m30s500ms'), 90_500);
  assert.equal(parseDuration('0s'), 0);
});

void test('parseDuration refuses empty, negative, unknown units, repeated units and trailing junk with what it expected', () => {
  for (const bad of ['', '-5s', '5x', '5 m', 's', '1h1h', '10s!', '1e3', 'abc']) {
    assert.throws(() => parseDuration(bad), /expected a duration such as 1500 \(ms\), 30s, 5m or 1h30m/, bad);
  }
});

void test('formatDuration prints compact ages with at most two units', () => {
  assert.equal(formatDuration(850), '850ms');
  assert.equal(formatDuration(45_000), '45s');
  assert.equal(formatDuration(200_000), '3m20s');
  assert.equal(formatDuration(180_000), '3m');
  assert.equal(formatDuration(7_500_000), '2h5m');
  assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3d4h');
  assert.equal(formatDuration(-5), '0ms');
});

void test('a formatted duration parses back to at most the original (it only drops precision)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 30 * 86_400_000 }), (ms) => {
      const back = parseDuration(formatDuration(ms));
      assert.ok(back <= ms && back >= 0, `${ms} → ${formatDuration(ms)} → ${back}`);
    }),
  );
});

void test('connect retries back off by doubling up to a cap, and give up after the last try', async () => {
  assert.deepEqual(backoffDelays(5, 500, 4_000), [500, 1_000, 2_000, 4_000]);
  assert.deepEqual(backoffDelays(1, 500), []);
  const slept: number[] = [];
  let calls = 0;
  await assert.rejects(
    withRetries(
      () => {
        calls++;
        return Promise.reject(new Error('down'));
      },
      { attempts: 3, baseDelayMs: 10, sleep: (ms) => (slept.push(ms), Promise.resolve()) },
    ),
    /down/,
  );
  assert.equal(calls, 3);
  assert.deepEqual(slept, [10, 20]);
});

void test('connect retries stop at once on an error not worth retrying', async () => {
  let calls = 0;
  await assert.rejects(
    withRetries(
      () => {
        calls++;
        return Promise.reject(new Error('bad config'));
      },
      { attempts: 5, baseDelayMs: 1, shouldRetry: () => false },
    ),
  );
  assert.equal(calls, 1);
});
