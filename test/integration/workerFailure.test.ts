// A worker that fails for good must not leave a bridge starting workflows nobody runs.
// Trigger: a task queue longer than the server's 1,000-character limit, so Temporal answers
// every poll with InvalidArgument; Core gives up after its 60 s grace for long polls.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { workflowIdFor } from '../../src/core/workflowId.js';
import { insertJob, openTestDb, sleep, startRunner, startTemporal, testConfig } from '../helpers/harness.js';

let temporal: DevServer;
let db: Surreal;

before(async () => {
  temporal = await startTemporal();
  ({ db } = await openTestDb());
});

after(async () => {
  await db?.close();
  await temporal?.stop();
});

void test('a worker refused by Temporal for good settles whenFailed(), stops the bridge (new rows start no workflow), and stop() still returns', async () => {
  const taskQueue = `refused-${'q'.repeat(1_100)}`;
  const runner = await startRunner({ db, deploySchema: true, config: testConfig(temporal, 'http://127.0.0.1:9', { backendOverrides: { taskQueue } }) });
  try {
    const failure = await Promise.race([runner.whenFailed(), sleep(150_000).then(() => undefined)]);
    assert.ok(failure, 'whenFailed() settled within 150 s of a fatal poll error');
    assert.match(failure.message, /refused-q+|taskQueue length exceeds limit/);

    const jobId = await insertJob(db, { path: '/echo', payload: {} });
    await sleep(3_000); // longer than the bridge's pickup (ms) and reconcile interval (1 s) in tests
    const started = await runner.client.workflow
      .getHandle(workflowIdFor(jobId, 1))
      .describe()
      .then(() => true)
      .catch((error: unknown) => (error instanceof WorkflowNotFoundError ? false : Promise.reject(error)));
    assert.equal(started, false, 'the stopped bridge started no workflow for a row written after the failure');
  } finally {
    const t0 = Date.now();
    await runner.stop();
    assert.ok(Date.now() - t0 < 30_000, `stop() took ${Date.now() - t0} ms after a worker failure`);
  }
});
