// Steps that only write the database (mirroring a kill) run in the worker's local slots, not in
// the backend's HTTP slots: a kill is mirrored at once even while every slot holds a long call.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitFor } from '../helpers/harness.js';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
let runner: Runner;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
  runner = await startRunner({
    db,
    config: testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 30, concurrency: 1 } }),
    deploySchema: true,
  });
});

after(async () => {
  await runner?.stop();
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

void test('with concurrency 1 and another 12 s call waiting for the slot, killing the call in flight ends its row at once', async () => {
  const first = await insertJob(db, { path: '/slow', payload: { ms: 12_000 } });
  await waitFor('the first call to arrive', () => backend.requestsFor(first).length === 1);
  const second = await insertJob(db, { path: '/slow', payload: { ms: 12_000 } });
  await waitFor('the second job to wait for the slot', async () => (await runner.client.workflow.getHandle(second).describe()).raw.pendingActivities?.length === 1);
  const killedAt = Date.now();
  const outcome = await runner.jobs.kill(first);
  const killTookMs = Date.now() - killedAt;
  assert.equal(outcome.outcome, 'killed');
  assert.equal((await runner.jobs.get(first))?.status, 'failed');
  // The freed slot goes to the second call; the kill's row write must not wait behind it (12 s).
  assert.ok(killTookMs < 8_000, `kill() took ${killTookMs} ms: the kill's row write waited for an HTTP slot`);
  await waitFor('the second call to start', () => backend.requestsFor(second).length === 1, 10_000);
  await runner.jobs.kill(second);
});
