import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { backoffDelayMs, nextWaitMs } from '../../src/core/backoff.js';

void test("the first retry waits 400 ms under both strategies with the default 200 ms base, as in Sp00ky's runner", () => {
  assert.equal(backoffDelayMs('linear', 1, 200, 300_000), 400);
  assert.equal(backoffDelayMs('exponential', 1, 200, 300_000), 400);
});

void test('linear waits grow by one base per retry; exponential waits double', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffDelayMs('linear', n, 200, 300_000)), [400, 600, 800, 1000]);
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffDelayMs('exponential', n, 200, 300_000)), [400, 800, 1600, 3200]);
});

void test('every wait is capped, even for absurd retry counts', () => {
  fc.assert(
    fc.property(fc.constantFrom('linear' as const, 'exponential' as const), fc.nat(10_000), fc.nat(10_000), fc.nat(1_000_000), (s, n, base, max) => {
      const wait = backoffDelayMs(s, n, base, max);
      return Number.isFinite(wait) && wait >= 0 && wait <= max;
    }),
  );
});

void test('waits never shrink as retries increase', () => {
  fc.assert(
    fc.property(fc.constantFrom('linear' as const, 'exponential' as const), fc.nat(60), fc.integer({ min: 1, max: 5000 }), (s, n, base) => {
      return backoffDelayMs(s, n + 1, base, 300_000) >= backoffDelayMs(s, n, base, 300_000);
    }),
  );
});

void test('Retry-After wins when it asks for longer than the backoff, and is capped too', () => {
  assert.equal(nextWaitMs(400, 2000, 300_000), 2000);
  assert.equal(nextWaitMs(400, 100, 300_000), 400);
  assert.equal(nextWaitMs(400, undefined, 300_000), 400);
  assert.equal(nextWaitMs(400, 10_000_000, 300_000), 300_000);
});
