import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJobRow } from '../../src/adapters/db/jobRow.js';
import { decodePayload } from '../../src/core/payload.js';
import { workflowIdFor, jobIdOfWorkflowId } from '../../src/core/workflowId.js';
import { toStoredResult } from '../../src/adapters/http/readBody.js';

void test('a row written by db.run parses with Sp00ky defaults for missing fields', () => {
  const parsed = parseJobRow({ id: 'job:abc', path: '/x', payload: '{"a":1}', status: 'pending', created_at: '2026-01-01T00:00:00Z' });
  assert.ok(parsed.ok);
  assert.equal(parsed.row.table, 'job');
  assert.equal(parsed.row.maxRetries, 3);
  assert.equal(parsed.row.retryStrategy, 'linear');
  assert.equal(parsed.row.delayMs, 0);
  assert.equal(parsed.row.run, 1);
  assert.equal(parsed.row.createdAt.toISOString(), '2026-01-01T00:00:00.000Z');
});

void test('a row without a path is refused with a reason naming the field', () => {
  const parsed = parseJobRow({ id: 'job:abc', status: 'pending' });
  assert.equal(parsed.ok, false);
  assert.ok(!parsed.ok && /path/.test(parsed.reason));
  assert.ok(!parsed.ok && parsed.jobId === 'job:abc');
});

void test('a JSON-string payload is decoded; other payloads pass through', () => {
  assert.deepEqual(decodePayload('{"a":[1,2]}'), { a: [1, 2] });
  assert.deepEqual(decodePayload({ a: 1 }), { a: 1 });
  assert.equal(decodePayload('not json'), 'not json');
  assert.deepEqual(decodePayload(undefined), {});
});

void test('the first run of a job has the job id as workflow id; retries get their own ids', () => {
  assert.equal(workflowIdFor('job:abc', 1), 'job:abc');
  assert.equal(workflowIdFor('job:abc', 3), 'job:abc~retry-2');
  assert.equal(jobIdOfWorkflowId('job:abc~retry-2'), 'job:abc');
  assert.equal(jobIdOfWorkflowId('job:abc'), 'job:abc');
});

void test('response bodies become parsed JSON, text, null, or a size marker over the limit', () => {
  assert.deepEqual(toStoredResult({ text: '{"ok":true}', bytes: 11, truncated: false }), { ok: true });
  assert.equal(toStoredResult({ text: 'plain', bytes: 5, truncated: false }), 'plain');
  assert.equal(toStoredResult({ text: '', bytes: 0, truncated: false }), null);
  assert.deepEqual(toStoredResult({ text: 'x', bytes: 70_000, truncated: true }), { truncated: true, bytes: 70_000, limit: 65_536 });
});
