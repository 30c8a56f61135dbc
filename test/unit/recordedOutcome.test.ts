import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordedOutcome } from '../../src/orchestration/activities/recordedOutcome.js';
import { decideOutcome } from '../../src/core/decideOutcome.js';

const key = { jobId: 'job:a', run: 2, attempt: 3 };
const state = (over: object) => ({ status: 'processing', retries: 2, run: 2, killRequested: false, ...over });
const err = (attempt: number, code: number | string = 500) => ({ code, reason: 'x', attempt, at: '' });

void test("a row showing this attempt's own outcome is read back as that outcome", () => {
  assert.deepEqual(recordedOutcome(state({ status: 'success', result: { ok: 1 } }), key), { kind: 'success', result: { ok: 1 } });
  assert.deepEqual(recordedOutcome(state({ status: 'pending', retries: 3, lastError: err(3) }), key), { kind: 'retry', error: err(3) });
  assert.deepEqual(recordedOutcome(state({ status: 'failed', lastError: err(3) }), key), { kind: 'failed', error: err(3) });
  assert.deepEqual(recordedOutcome(state({ status: 'failed' }), key), { kind: 'failed' }, 'a seed table keeps no errors');
});

void test('a row that moved on, belongs to another run, was killed or is gone fences the attempt', () => {
  assert.deepEqual(recordedOutcome(undefined, key), { kind: 'fenced', rowStatus: 'deleted' });
  assert.deepEqual(recordedOutcome(state({ status: 'success', run: 3 }), key), { kind: 'fenced', rowStatus: 'success' });
  assert.deepEqual(recordedOutcome(state({ status: 'success', retries: 3 }), key), { kind: 'fenced', rowStatus: 'success' });
  assert.deepEqual(recordedOutcome(state({ status: 'failed', lastError: err(3, 'killed') }), key), { kind: 'fenced', rowStatus: 'failed' });
  assert.deepEqual(recordedOutcome(state({ status: 'failed', killRequested: true, lastError: err(3) }), key), { kind: 'fenced', rowStatus: 'failed' });
  assert.deepEqual(recordedOutcome(state({ status: 'pending', retries: 2 }), key), { kind: 'fenced', rowStatus: 'pending' });
  assert.deepEqual(recordedOutcome(state({ killRequested: true }), key), { kind: 'kill-requested' });
});

void test('decideOutcome: 2xx succeeds, a retryable error waits the backoff, the last attempt or a 4xx fails', () => {
  const rules = { attempt: 1, maxAttempts: 3, retryStrategy: 'linear' as const, backoffBaseMs: 200, backoffMaxMs: 10_000 };
  const now = new Date(0);
  assert.deepEqual(decideOutcome({ ok: true, status: 201, result: 1 }, rules, now), { kind: 'success', httpStatus: 201, result: 1 });
  const retry = decideOutcome({ ok: false, code: 503, reason: 'busy', retryable: true }, rules, now);
  assert.equal(retry.kind === 'retry' && retry.waitMs, 400);
  const later = decideOutcome({ ok: false, code: 429, reason: 'slow down', retryable: true, retryAfterMs: 3_000 }, rules, now);
  assert.equal(later.kind === 'retry' && later.waitMs, 3_000);
  assert.equal(decideOutcome({ ok: false, code: 503, reason: 'busy', retryable: true }, { ...rules, attempt: 3 }, now).kind, 'failed');
  assert.equal(decideOutcome({ ok: false, code: 404, reason: 'no', retryable: false }, rules, now).kind, 'failed');
});
