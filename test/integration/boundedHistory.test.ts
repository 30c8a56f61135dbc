// A job's workflow history stays bounded however many retries it is allowed: a run continues
// as new before its history gets large, keeping the attempt count, the errors and the kill.
// max_retries has a per-backend limit; a row over it fails with a clear error, not a clamp.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/temporal/devServer.js';
import type { Runner } from '../../src/runner/createRunner.js';
import { CONTINUE_AS_NEW_AT_EVENTS } from '../../src/workflows/runJob.js';
import { ERRORS_KEPT_ON_ROW } from '../../src/sql/setClause.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
let runner: Runner;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
  const config = testConfig(temporal, backend.url);
  const api = config.backends[0]!;
  config.backends.push(
    // Fails fast with no wait between attempts, and may retry 5,000 times.
    { ...api, name: 'many', table: 'many_job', maxRetriesLimit: 5_000, backoffBaseMs: 0, backoffMaxMs: 0, concurrency: 4, taskQueue: `${api.taskQueue}-m` },
    // Same, with a short wait between attempts, so a kill can land in a later run.
    { ...api, name: 'paced', table: 'paced_job', maxRetriesLimit: 1_000, backoffBaseMs: 30, backoffMaxMs: 30, taskQueue: `${api.taskQueue}-p` },
  );
  runner = await startRunner({ db, config, deploySchema: true });
});

after(async () => {
  await runner?.stop();
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

async function runsOf(workflowId: string): Promise<{ runId: string; events: number }[]> {
  const runs: { runId: string; events: number }[] = [];
  for await (const execution of runner.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    const history = await runner.client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
    runs.push({ runId: execution.runId, events: history.events?.length ?? 0 });
  }
  return runs;
}

void test('a job allowed 5,000 fast-failing retries ends failed with every attempt counted, and no run of its workflow passes the history threshold', async () => {
  const jobId = await insertJob(db, { path: '/status/500', max_retries: 5_000 }, 'many_job');
  const row = await waitForTerminal(runner, jobId, 420_000);
  assert.equal(row.status, 'failed');
  assert.equal(row.retries, 5_000);
  // The row keeps the newest error entries; `retries` counts them all.
  assert.equal(row.errors.length, ERRORS_KEPT_ON_ROW);
  assert.deepEqual(
    row.errors.map((e) => e.attempt),
    Array.from({ length: ERRORS_KEPT_ON_ROW }, (_, i) => 5_001 - ERRORS_KEPT_ON_ROW + 1 + i),
  );
  assert.equal(backend.requestsFor(jobId).length, 5_001);
  const runs = await runsOf(jobId);
  assert.ok(runs.length > 1, `expected several runs, got ${runs.length}`);
  for (const run of runs) {
    // The threshold is checked before each attempt, which adds at most a dozen events.
    assert.ok(run.events <= CONTINUE_AS_NEW_AT_EVENTS + 20, `run ${run.runId} has ${run.events} events`);
  }
});

void test('a job keeps its attempt count and can still be killed after its workflow continued as new', async () => {
  const jobId = await insertJob(db, { path: '/status/503', max_retries: 1_000 }, 'paced_job');
  await waitFor('the workflow to continue as new', async () => (await runsOf(jobId)).length > 1 || undefined, 240_000);
  const killed = await runner.jobs.kill(jobId);
  assert.equal(killed.outcome, 'killed');
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  const last = row.errors.at(-1)!;
  assert.ok(['killed', 'cancelled'].includes(String(last.code)), `last error ${JSON.stringify(last)}`);
  // Attempts before and after the continue-as-new are counted, in order, without a gap.
  assert.ok(row.retries > 100, `retries ${row.retries}`);
  const attempts = row.errors.map((e) => e.attempt);
  assert.equal(attempts.at(-1), row.retries + 1);
  assert.deepEqual(attempts.slice(0, -1), Array.from({ length: attempts.length - 1 }, (_, i) => row.retries + 2 - attempts.length + i));
  // The workflow closes: cancelled, or completed as fenced when the kill met its attempt's write.
  const closed = await waitFor('the workflow to close', async () => {
    const { status } = await runner.client.workflow.getHandle(jobId).describe();
    return status.name === 'RUNNING' ? undefined : status.name;
  });
  assert.ok(['CANCELLED', 'COMPLETED'].includes(closed), closed);
  const calls = backend.requestsFor(jobId).length;
  assert.ok(calls <= row.retries + 1, 'no call after the kill returned');
});

void test('a row whose max_retries is over the backend limit fails as invalid, naming the limit and how to raise it', async () => {
  const jobId = await insertJob(db, { path: '/echo', max_retries: 101 });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  assert.equal(row.errors[0]?.code, 'invalid');
  assert.match(row.errors[0]!.reason, /max_retries 101 is over backend api's limit of 100: .*maxRetriesLimit/);
  assert.equal(backend.requestsFor(jobId).length, 0);
  await assert.rejects(runner.jobs.enqueue('api', '/echo', {}, { maxRetries: 101 }), /over backend api's limit of 100/);
});
