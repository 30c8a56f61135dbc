// A job's workflow history stays bounded however many retries it is allowed: a run continues
// as new before its history gets large, keeping the attempt count, the errors and the kill.
// max_retries has a per-backend limit; a row over it fails with a clear error, not a clamp.
// The runner here continues as new at 100 events instead of 2,000 (a test hook in the workflow
// input), so 121 attempts cross the threshold about ten times in seconds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import { ERRORS_KEPT_ON_ROW } from '../../src/adapters/sql/setClause.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
let runner: Runner;

/** The test's continue-as-new threshold, in history events (production: CONTINUE_AS_NEW_AT_EVENTS). */
const THRESHOLD = 100;
/** Retries of the fast-failing job: over ERRORS_KEPT_ON_ROW, and many runs' worth of attempts. */
const MANY_RETRIES = 120;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
  const config = testConfig(temporal, backend.url);
  const api = config.backends[0]!;
  config.backends.push(
    // Fails fast with no wait between attempts, and may retry MANY_RETRIES times.
    { ...api, name: 'many', table: 'many_job', maxRetriesLimit: MANY_RETRIES, backoffBaseMs: 0, backoffMaxMs: 0, concurrency: 4, taskQueue: `${api.taskQueue}-m` },
    // Same, with a short wait between attempts, so a kill can land in a later run.
    { ...api, name: 'paced', table: 'paced_job', maxRetriesLimit: 1_000, backoffBaseMs: 30, backoffMaxMs: 30, taskQueue: `${api.taskQueue}-p` },
  );
  runner = await startRunner({ db, config, deploySchema: true, testHooks: { continueAsNewAtEvents: THRESHOLD } });
});

after(async () => {
  await runner?.stop();
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

interface RunOfJob {
  runId: string;
  startedAt: number;
  events: number;
  /** How many attempts (runAttempt activities) the run made. */
  attempts: number;
}

async function runsOf(workflowId: string): Promise<RunOfJob[]> {
  const runs: RunOfJob[] = [];
  for await (const execution of runner.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    const history = await runner.client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
    const events = history.events ?? [];
    const attempts = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runAttempt').length;
    runs.push({ runId: execution.runId, startedAt: execution.startTime.getTime(), events: events.length, attempts });
  }
  return runs.sort((a, b) => a.startedAt - b.startedAt);
}

void test('a job allowed 120 fast-failing retries ends failed with every attempt counted, and no run of its workflow passes the history threshold', async () => {
  const jobId = await insertJob(db, { path: '/status/500', max_retries: MANY_RETRIES }, 'many_job');
  const row = await waitForTerminal(runner, jobId, 120_000);
  assert.equal(row.status, 'failed');
  assert.equal(row.retries, MANY_RETRIES);
  // The row keeps the newest error entries; `retries` counts them all.
  assert.equal(row.errors.length, ERRORS_KEPT_ON_ROW);
  assert.deepEqual(
    row.errors.map((e) => e.attempt),
    Array.from({ length: ERRORS_KEPT_ON_ROW }, (_, i) => MANY_RETRIES + 1 - ERRORS_KEPT_ON_ROW + 1 + i),
  );
  assert.equal(backend.requestsFor(jobId).length, MANY_RETRIES + 1);
  const runs = await runsOf(jobId);
  assert.ok(runs.length > 1, `expected several runs, got ${runs.length}`);
  for (const run of runs) {
    // The threshold is checked before each attempt, which adds at most a dozen events.
    assert.ok(run.events <= THRESHOLD + 20, `run ${run.runId} has ${run.events} events`);
  }
  // Each run carried the attempt count on: together they made every attempt, each once.
  assert.equal(runs.reduce((sum, run) => sum + run.attempts, 0), MANY_RETRIES + 1);
});

void test('a job keeps its attempt count and can still be killed after its workflow continued as new', async () => {
  const jobId = await insertJob(db, { path: '/status/503', max_retries: 1_000 }, 'paced_job');
  await waitFor('the workflow to continue as new', async () => (await runsOf(jobId)).length > 1 || undefined, 60_000);
  const killed = await runner.jobs.kill(jobId);
  assert.equal(killed.outcome, 'killed');
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  const last = row.errors.at(-1)!;
  assert.ok(['killed', 'cancelled'].includes(String(last.code)), `last error ${JSON.stringify(last)}`);
  // Attempts before and after the continue-as-new are counted, in order, without a gap.
  const [firstRun] = await runsOf(jobId);
  assert.ok(row.retries + 1 > firstRun!.attempts, `retries ${row.retries}, first run made ${firstRun!.attempts} attempts`);
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
