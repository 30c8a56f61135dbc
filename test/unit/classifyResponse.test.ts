import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRetryableStatus, parseRetryAfterMs } from '../../src/core/classifyResponse.js';

void test('5xx, 408, 425 and 429 are retried; every other 4xx fails at once', () => {
  for (const status of [500, 502, 503, 504, 408, 425, 429]) assert.equal(isRetryableStatus(status), true, String(status));
  for (const status of [400, 401, 403, 404, 409, 410, 422]) assert.equal(isRetryableStatus(status), false, String(status));
});

void test('Retry-After is read as seconds or as an HTTP date, only on 429 and 503', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfterMs(429, '3', now), 3000);
  assert.equal(parseRetryAfterMs(503, 'Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfterMs(500, '3', now), undefined);
  assert.equal(parseRetryAfterMs(429, 'soon', now), undefined);
  assert.equal(parseRetryAfterMs(429, null, now), undefined);
});
