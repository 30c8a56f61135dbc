import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildWorkflowInput } from '../../src/core/buildWorkflowInput.js';
import { BackendRegistry } from '../../src/config/backendRegistry.js';
import { configFromObject } from '../../src/config/loadConfig.js';
import type { JobRow } from '../../src/core/interfaces.js';

const spec = fileURLToPath(new URL('../fixtures/jobs-openapi.yml', import.meta.url));

async function registry(overrides: Record<string, unknown> = {}) {
  return BackendRegistry.load(
    configFromObject({
      backends: [{ name: 'api', table: 'job', baseUrl: 'http://127.0.0.1:1', authToken: 'secret-token-xyz', specPath: spec, ...overrides }],
    }),
  );
}

function row(fields: Partial<JobRow> = {}): JobRow {
  return {
    id: 'job:abc',
    table: 'job',
    path: '/spookify',
    payload: '{"id":"thread:1"}',
    status: 'pending',
    retries: 0,
    maxRetries: 3,
    retryStrategy: 'linear',
    delayMs: 5000,
    errors: [],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    run: 1,
    ...fields,
  };
}

void test('the due time is created_at + delay, absolute, so a late bridge never extends the delay', async () => {
  const built = buildWorkflowInput(row(), await registry());
  assert.ok(built.ok);
  assert.equal(built.input.dueAtMs, Date.parse('2026-01-01T00:00:05Z'));
  assert.deepEqual(built.input.payload, { id: 'thread:1' });
});

void test('the workflow input never contains the auth token', async () => {
  const built = buildWorkflowInput(row(), await registry());
  assert.ok(built.ok);
  assert.ok(!JSON.stringify(built).includes('secret-token-xyz'));
});

void test("a row's timeout counts only when the backend is timeoutOverridable", async () => {
  const fixed = buildWorkflowInput(row({ timeoutSeconds: 60 }), await registry({ timeoutSeconds: 10 }));
  assert.ok(fixed.ok && fixed.input.timeoutMs === 10_000);
  const overridable = buildWorkflowInput(row({ timeoutSeconds: 60 }), await registry({ timeoutSeconds: 10, timeoutOverridable: true }));
  assert.ok(overridable.ok && overridable.input.timeoutMs === 60_000);
});

void test('undeclared paths, unsafe paths and payloads against the schema are refused with a reason', async () => {
  const r = await registry();
  const undeclared = buildWorkflowInput(row({ path: '/nope' }), r);
  assert.ok(!undeclared.ok && /not a POST operation/.test(undeclared.reason));
  const ssrf = buildWorkflowInput(row({ path: '//evil.example/x' }), r);
  assert.ok(!ssrf.ok && /refused/.test(ssrf.reason));
  const payload = buildWorkflowInput(row({ payload: '{"id":42}' }), r);
  assert.ok(!payload.ok && /payload does not match/.test(payload.reason));
});

void test('a retry run gets its own workflow id and idempotency key', async () => {
  const built = buildWorkflowInput(row({ run: 2 }), await registry());
  assert.ok(built.ok);
  assert.equal(built.workflowId, 'job:abc~retry-1');
  assert.equal(built.input.idempotencyKey, 'job:abc~retry-1');
});
