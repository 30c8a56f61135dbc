// One job row → one Temporal workflow → HTTP calls → every state change mirrored to the row.
// Real Temporal dev server, embedded SurrealDB, real HTTP backend.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/temporal/devServer.js';
import type { Runner } from '../../src/runner/createRunner.js';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, TEST_TOKEN, waitForTerminal, sleep } from '../helpers/harness.js';
import { workflowIdFor } from '../../src/workflows/workflowId.js';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
let runner: Runner;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
  runner = await startRunner({ db, config: testConfig(temporal, backend.url), deploySchema: true });
});

after(async () => {
  await runner?.stop();
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

void test('a pending job is POSTed once with its parsed payload, token, idempotency key and job id, then marked success with the result', async () => {
  const jobId = await insertJob(db, { path: '/echo', payload: { hello: 'world' } });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'success');
  const calls = backend.requestsFor(jobId);
  assert.equal(calls.length, 1);
  const call = calls[0]!;
  assert.equal(call.method, 'POST');
  assert.equal(call.path, '/echo');
  assert.deepEqual(call.body, { hello: 'world' });
  assert.equal(call.headers['authorization'], `Bearer ${TEST_TOKEN}`);
  assert.equal(call.headers['idempotency-key'], workflowIdFor(jobId, 1));
  assert.equal(call.attempt, 1);
  assert.deepEqual(row.result, { ok: true, echo: { hello: 'world' } });
  assert.equal(row.retries, 0);
  assert.deepEqual(row.errors, []);
});

void test('a delayed job stays pending until created_at + delay, then runs', async () => {
  const delay = 1500;
  const jobId = await insertJob(db, { path: '/echo', delay });
  const created = (await runner.jobs.get(jobId))!.createdAt.getTime();
  await sleep(500);
  assert.equal((await runner.jobs.get(jobId))!.status, 'pending');
  assert.equal(backend.requestsFor(jobId).length, 0);
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'success');
  const call = backend.requestsFor(jobId)[0]!;
  assert.ok(call.receivedAt >= created + delay, `called ${call.receivedAt - created} ms after creation, before the ${delay} ms delay`);
});
