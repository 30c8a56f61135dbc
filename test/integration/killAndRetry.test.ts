// Kill = workflow cancellation (from the API or from fn::job::kill); retry = a new enqueue.
// That later builds replay these paths is checked on committed histories: replayHistories.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StringRecordId, type Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import { JobStateError } from '../../src/core/errors.js';
import { workflowIdFor } from '../../src/core/workflowId.js';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, sleep, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
let runner: Runner;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
  runner = await startRunner({ db, config: testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 30 } }), deploySchema: true });
});

after(async () => {
  await runner?.stop();
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

async function workflowStatus(workflowId: string): Promise<string> {
  return (await runner.client.workflow.getHandle(workflowId).describe()).status.name;
}

async function waitUntilWorkflowExists(workflowId: string): Promise<void> {
  await waitFor(`workflow ${workflowId}`, () => workflowStatus(workflowId).then(() => true));
}

void test('kill during the delay (API) cancels the workflow, marks the job failed with "killed", and the backend is never called', async () => {
  const jobId = await insertJob(db, { path: '/echo', delay: 3000 });
  await waitUntilWorkflowExists(jobId);
  const outcome = await runner.jobs.kill(jobId);
  assert.deepEqual(outcome, { outcome: 'killed', jobId, previousStatus: 'pending' });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  assert.deepEqual(row.errors.map((e) => e.code), ['killed']);
  await waitFor('the workflow to end as cancelled', async () => (await workflowStatus(jobId)) === 'CANCELLED');
  await sleep(3500); // past the delay: still never called
  assert.equal(backend.requestsFor(jobId).length, 0);
});

void test('kill during the delay through SurrealQL fn::job::kill is turned into a cancellation by the bridge', async () => {
  const jobId = await insertJob(db, { path: '/echo', delay: 3000 });
  await waitUntilWorkflowExists(jobId);
  const [result] = await db.query<[{ outcome: string }]>('RETURN fn::job::kill($id)', { id: new StringRecordId(jobId) });
  assert.equal(result.outcome, 'killed');
  await waitFor('workflow cancelled', async () => (await workflowStatus(jobId)) === 'CANCELLED');
  const row = await runner.jobs.get(jobId);
  assert.equal(row?.status, 'failed');
  assert.deepEqual(row?.errors.map((e) => e.code), ['killed']);
  await sleep(3500);
  assert.equal(backend.requestsFor(jobId).length, 0);
});

void test('kill in flight (API) aborts the request and marks the job failed with "cancelled", without retrying', async () => {
  const jobId = await insertJob(db, { path: '/slow', payload: { ms: 20_000 }, max_retries: 3 });
  await waitFor('the request to arrive', () => backend.requestsFor(jobId).length === 1);
  assert.equal((await runner.jobs.get(jobId))?.status, 'processing');
  const outcome = await runner.jobs.kill(jobId);
  assert.equal(outcome.outcome, 'killed');
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  assert.deepEqual(row.errors.map((e) => e.code), ['cancelled']);
  await waitFor('the backend to see the request aborted', () => backend.requestsFor(jobId)[0]?.abortedAt !== undefined, 10_000);
  assert.equal(await workflowStatus(jobId), 'CANCELLED');
  assert.equal(backend.requestsFor(jobId).length, 1);
});

void test('kill in flight through fn::job::kill aborts the request too', async () => {
  const jobId = await insertJob(db, { path: '/slow', payload: { ms: 20_000 } });
  await waitFor('the request to arrive', () => backend.requestsFor(jobId).length === 1);
  await db.query('RETURN fn::job::kill($id)', { id: new StringRecordId(jobId) });
  const row = await waitForTerminal(runner, jobId);
  assert.deepEqual(row.errors.map((e) => e.code), ['cancelled']);
  await waitFor('the backend to see the request aborted', () => backend.requestsFor(jobId)[0]?.abortedAt !== undefined, 10_000);
});

void test('killing a finished job changes nothing and says it was already finished', async () => {
  const jobId = await insertJob(db, { path: '/echo' });
  const before = await waitForTerminal(runner, jobId);
  assert.deepEqual(await runner.jobs.kill(jobId), { outcome: 'already-finished', jobId, status: 'success' });
  const [fromSql] = await db.query<[{ outcome: string }]>('RETURN fn::job::kill($id)', { id: new StringRecordId(jobId) });
  assert.equal(fromSql.outcome, 'already-finished');
  const afterKill = await runner.jobs.get(jobId);
  assert.equal(afterKill?.status, 'success');
  assert.deepEqual(afterKill?.errors, before.errors);
});

void test('retry of a failed job resets it and runs a new workflow; the old run stays visible', async () => {
  let fail = true;
  backend.route('/flaky', (_req, res) => (fail ? json(res, 500, { no: true }) : json(res, 200, { yes: true })));
  const jobId = await insertJob(db, { path: '/flaky' });
  const failed = await waitForTerminal(runner, jobId);
  assert.equal(failed.status, 'failed');
  fail = false;
  const outcome = await runner.jobs.retry(jobId);
  assert.deepEqual(outcome, { outcome: 're-enqueued', jobId, workflowId: workflowIdFor(jobId, 2), run: 2 });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'success');
  assert.deepEqual(row.errors, []);
  assert.equal(row.retries, 0);
  assert.equal(row.run, 2);
  const calls = backend.requestsFor(jobId);
  assert.equal(calls.length, 2);
  assert.notEqual(calls[0]!.headers['idempotency-key'], calls[1]!.headers['idempotency-key']);
  assert.equal(await workflowStatus(jobId), 'FAILED'); // the first run, kept
  await runner.client.workflow.getHandle(workflowIdFor(jobId, 2)).result();
  assert.equal(await workflowStatus(workflowIdFor(jobId, 2)), 'COMPLETED');
});

void test('retry through SurrealQL fn::job::retry is picked up by the bridge', async () => {
  const jobId = await insertJob(db, { path: '/echo' });
  await waitForTerminal(runner, jobId);
  const [result] = await db.query<[{ outcome: string; run: number }]>('RETURN fn::job::retry($id)', { id: new StringRecordId(jobId) });
  assert.deepEqual(result, { outcome: 're-enqueued', run: 2 });
  await waitFor('the second run to reach the backend', () => backend.requestsFor(jobId).length === 2);
  assert.equal((await waitForTerminal(runner, jobId)).status, 'success');
  await runner.client.workflow.getHandle(workflowIdFor(jobId, 2)).result();
  assert.equal(await workflowStatus(workflowIdFor(jobId, 2)), 'COMPLETED');
});

void test('retry of a job that is not finished is refused with a clear error', async () => {
  const jobId = await insertJob(db, { path: '/echo', delay: 60_000 });
  await assert.rejects(runner.jobs.retry(jobId), (error: unknown) => {
    assert.ok(error instanceof JobStateError);
    assert.match(error.message, /is pending: only failed or success jobs can be retried/);
    return true;
  });
  await assert.rejects(db.query('RETURN fn::job::retry($id)', { id: new StringRecordId(jobId) }), /only failed or success jobs/);
  await runner.jobs.kill(jobId);
});

void test('record users cannot call fn::job::kill or fn::job::retry', async () => {
  const jobId = await insertJob(db, { path: '/echo', delay: 60_000 });
  const { session: userDb, namespace, database } = await openSessionOnSameDb();
  try {
    await userDb.query(
      `DEFINE ACCESS account ON DATABASE TYPE RECORD SIGNUP (CREATE user SET name = $name) SIGNIN (SELECT * FROM user WHERE name = $name);
       DEFINE TABLE user SCHEMALESS PERMISSIONS FULL;`,
    );
    await userDb.signup({ namespace, database, access: 'account', variables: { name: 'mallory' } });
    await assert.rejects(userDb.query('RETURN fn::job::kill($id)', { id: new StringRecordId(jobId) }), /permission/i);
    await assert.rejects(userDb.query('RETURN fn::job::retry($id)', { id: new StringRecordId(jobId) }), /permission/i);
  } finally {
    await userDb.closeSession();
  }
  assert.equal((await runner.jobs.get(jobId))?.status, 'pending');
  await runner.jobs.kill(jobId);

  /** A second session on the same embedded database (same engine, own auth). */
  async function openSessionOnSameDb() {
    const [info] = await db.query<[{ ns: string; db: string }]>('RETURN { ns: session::ns(), db: session::db() }');
    const session = await db.newSession();
    await session.use({ namespace: info.ns, database: info.db });
    return { session, namespace: info.ns, database: info.db };
  }
});

void test('a job whose workflow was terminated by hand is marked failed by reconciliation, with a reason, and can be retried', async () => {
  const jobId = await insertJob(db, { path: '/echo', delay: 60_000 });
  await waitUntilWorkflowExists(jobId);
  await runner.client.workflow.getHandle(jobId).terminate('operator clicked Terminate in the Temporal UI');
  const row = await waitForTerminal(runner, jobId, 15_000);
  assert.equal(row.status, 'failed');
  assert.equal(row.errors[0]?.code, 'killed');
  assert.match(row.errors[0]!.reason, /ended \(TERMINATED\) without finishing the job; retry the job/);
  assert.equal(backend.requestsFor(jobId).length, 0);
  const retried = await runner.jobs.retry(jobId);
  assert.equal(retried.workflowId, workflowIdFor(jobId, 2));
  await waitUntilWorkflowExists(retried.workflowId);
  assert.equal(await workflowStatus(retried.workflowId), 'RUNNING');
  assert.equal((await runner.jobs.get(jobId))?.status, 'pending');
  await runner.jobs.kill(jobId);
});

void test('a job in flight whose workflow was terminated by hand is marked failed as cancelled by reconciliation', async () => {
  const jobId = await insertJob(db, { path: '/slow', payload: { ms: 20_000 } });
  await waitFor('the request to arrive', () => backend.requestsFor(jobId).length === 1);
  await runner.client.workflow.getHandle(jobId).terminate('stuck, terminated by hand');
  const row = await waitForTerminal(runner, jobId, 15_000);
  assert.equal(row.status, 'failed');
  assert.equal(row.errors[0]?.code, 'cancelled');
  assert.match(row.errors[0]!.reason, /ended \(TERMINATED\)/);
});
