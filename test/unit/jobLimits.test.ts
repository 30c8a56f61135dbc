// The one check of what a job may ask for, shared by enqueue and the bridge, and the header
// encoding of row ids, start refusals, schedule payloads. The integration test of the same name runs real rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jobRequestProblem, LIMIT_DEFAULTS, payloadSize } from '../../src/core/jobLimits.js';
import { configFromObject } from '../../src/config/loadConfig.js';
import { encodeHeaderValue, isPlainHeaderValue } from '../../src/core/headerValue.js';
import { startRefusalReason } from '../../src/adapters/temporal/startRefusal.js';
import { BackendRegistry } from '../../src/config/backendRegistry.js';
import { checkScheduleTarget } from '../../src/orchestration/schedules/syncSchedules.js';
import type { BackendConfig } from '../../src/core/interfaces.js';

function backend(overrides: Record<string, unknown> = {}): BackendConfig {
  return configFromObject({ backends: [{ name: 'api', baseUrl: 'http://127.0.0.1:1', allowAnyPath: true, ...overrides }] }).backends[0]!;
}
const ok = { payload: { id: 1 }, maxRetries: 3, delayMs: 0 };

void test('defaults: 1 MiB of JSON, a delay of 1 year, a per-job timeout of 1 h', () => {
  assert.deepEqual(backend().limits, { payloadBytes: 1_048_576, delayMs: 365 * 86_400_000, timeoutSeconds: 3_600 });
  assert.deepEqual(LIMIT_DEFAULTS, backend().limits);
  assert.equal(jobRequestProblem(ok, backend()), undefined);
});

void test('a payload over the limit names its size, the limit, the backend and the keys that change it', () => {
  const payload = { blob: 'x'.repeat(5 * 1024 * 1024) };
  const problem = jobRequestProblem({ ...ok, payload }, backend());
  assert.equal(problem?.field, 'payload');
  assert.match(problem.reason, /^payload is 5,242,891 bytes of JSON, over backend api's limit of 1,048,576: .*sp00ky\.yml method\.limits\.payloadBytes/);
  assert.match(problem.reason, /SPKY_JOB_CONFIG limits\.payload_bytes/);
  // Counted in UTF-8 bytes of the JSON the backend gets, not characters.
  assert.equal(payloadSize({ s: 'é' }), 10);
  assert.equal(jobRequestProblem({ ...ok, payload: { s: 'é'.repeat(50) } }, backend({ limits: { payloadBytes: 108 } })), undefined);
  assert.equal(jobRequestProblem({ ...ok, payload: { s: 'é'.repeat(50) } }, backend({ limits: { payloadBytes: 107 } }))?.field, 'payload');
  assert.match(jobRequestProblem({ ...ok, payload: { n: 1n } }, backend())?.reason ?? '', /cannot be sent as JSON/);
});

void test('delay: a whole number of ms up to the limit', () => {
  assert.equal(jobRequestProblem({ ...ok, delayMs: 365 * 86_400_000 }, backend()), undefined);
  const far = jobRequestProblem({ ...ok, delayMs: 9e15 }, backend());
  assert.equal(far?.field, 'delay');
  assert.match(far.reason, /^delay is 9,000,000,000,000,000 ms, over backend api's limit of 31,536,000,000 ms \(365 days\): .*method\.limits\.delay/);
  for (const bad of [-1, 1.5, Number.NaN, Infinity, '5']) {
    assert.match(jobRequestProblem({ ...ok, delayMs: bad }, backend())?.reason ?? '', /delay must be a whole number of milliseconds ≥ 0/, String(bad));
  }
});

void test('timeout: checked against the limit only where a row may override it; never above a Node timer', () => {
  assert.equal(jobRequestProblem({ ...ok, timeoutSeconds: 1e9 }, backend()), undefined, 'not overridable: the row timeout is not used');
  const over = jobRequestProblem({ ...ok, timeoutSeconds: 1e9 }, backend({ timeoutOverridable: true }));
  assert.equal(over?.field, 'timeout');
  assert.match(over.reason, /^timeout is 1,000,000,000 s, over backend api's limit of 3,600 s: .*method\.limits\.timeout.*at most 2,147,483 s/);
  assert.equal(jobRequestProblem({ ...ok, timeoutSeconds: 3_600 }, backend({ timeoutOverridable: true })), undefined);
  for (const bad of [0, -1, 2.5]) assert.equal(jobRequestProblem({ ...ok, timeoutSeconds: bad }, backend())?.field, 'timeout');
});

void test('max_retries: a whole number ≥ 0 up to the limit', () => {
  for (const bad of [-1, 1.5, Number.NaN, '3']) {
    const problem = jobRequestProblem({ ...ok, maxRetries: bad }, backend());
    assert.equal(problem?.field, 'max_retries', String(bad));
    assert.match(problem.reason, /max_retries must be a whole number ≥ 0/);
  }
  assert.match(jobRequestProblem({ ...ok, maxRetries: 101 }, backend())?.reason ?? '', /over backend api's limit of 100.*method\.maxRetriesLimit/);
});

void test('idempotency key: 1–255 printable ASCII characters without spaces', () => {
  assert.equal(jobRequestProblem({ ...ok, idempotencyKey: 'order-42:50%off~x' }, backend()), undefined);
  for (const bad of ['clé', 'a\r\nX-Evil: 1', 'a b', '', 'x'.repeat(256), 'tab\there']) {
    assert.equal(jobRequestProblem({ ...ok, idempotencyKey: bad }, backend())?.field, 'idempotency_key', JSON.stringify(bad));
  }
  assert.match(jobRequestProblem({ ...ok, idempotencyKey: 'clé' }, backend())?.reason ?? '', /character 3 is U\+00E9/);
});

void test('row ids become valid header values, one-to-one, and plain ids are sent unchanged', () => {
  assert.equal(encodeHeaderValue('job:abc123'), 'job:abc123');
  assert.equal(encodeHeaderValue('job:⟨é⟩'), 'job:%E2%9F%A8%C3%A9%E2%9F%A9');
  assert.equal(encodeHeaderValue('job:a\r\nb'), 'job:a%0D%0Ab');
  assert.equal(encodeHeaderValue('job:50%'), 'job:50%25');
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
      const [ea, eb] = [encodeHeaderValue(a), encodeHeaderValue(b)];
      assert.ok(isPlainHeaderValue(ea));
      assert.equal(ea === a ? a : decodeURIComponent(ea), a);
      if (a !== b) assert.notEqual(ea, eb);
    }),
  );
});

void test('a start Temporal will never accept ends the row; a rate limit or an outage does not', () => {
  const grpc = (code: number, details: string) => Object.assign(new Error('Failed to start Workflow'), { cause: Object.assign(new Error(details), { code, details }) });
  assert.match(startRefusalReason(grpc(3, 'Blob data size exceeds limit.')) ?? '', /INVALID_ARGUMENT: Blob data size exceeds limit/);
  assert.match(startRefusalReason(grpc(8, 'grpc: received message larger than max (5243014 vs. 4194304)')) ?? '', /RESOURCE_EXHAUSTED.*too large/);
  assert.equal(startRefusalReason(grpc(8, 'namespace rate limit exceeded')), undefined);
  assert.equal(startRefusalReason(grpc(14, 'unavailable')), undefined);
  assert.equal(startRefusalReason(new Error('socket hang up')), undefined);
});

void test('a schedule whose payload is over the limit is refused when it is defined, not once per slot', async () => {
  const registry = await BackendRegistry.load(configFromObject({ backends: [{ name: 'api', baseUrl: 'http://127.0.0.1:1', allowAnyPath: true, limits: { payloadBytes: 100 } }] }));
  assert.throws(
    () => checkScheduleTarget(registry, 'api', '/report', { blob: 'x'.repeat(200) }, 'sp00ky.yml', 'schedules[0] (nightly)'),
    (error: Error & { key?: string }) => error.key === 'schedules[0] (nightly).payload' && /payload is 211 bytes of JSON, over backend api's limit of 100/.test(error.message),
  );
  assert.doesNotThrow(() => checkScheduleTarget(registry, 'api', '/report', { small: 1 }, 'sp00ky.yml', 'schedules[0] (nightly)'));
});
