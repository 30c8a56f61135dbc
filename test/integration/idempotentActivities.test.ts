// Every activity of a job, run twice from two different worker identities (as Temporal does
// when a worker dies after a step but before the step was recorded as done): the repeat
// succeeds wherever it runs, a write for an older run or attempt changes nothing, and a
// killed or finished job fences every later attempt. Real embedded SurrealDB, real HTTP backend.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Surreal } from 'surrealdb';
import { createActivities, type AttemptInput } from '../../src/orchestration/activities/index.js';
import { configFromObject } from '../../src/config/loadConfig.js';
import { deploySchema } from '../../src/adapters/db/deploySchema.js';
import { TableShapes } from '../../src/adapters/db/tableShape.js';
import { BackendRegistry } from '../../src/config/backendRegistry.js';
import { JobEvents } from '../../src/core/jobEvents.js';
import { claimJob } from '../../src/adapters/sql/claimJob.js';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, TEST_SPEC } from '../helpers/harness.js';

let db: Surreal;
let backend: TestBackend;
let shapes: TableShapes;
let workerA: ReturnType<typeof createActivities>;
let workerB: ReturnType<typeof createActivities>;

before(async () => {
  backend = await startTestBackend();
  ({ db } = await openTestDb());
  await deploySchema(db, ['job']);
  const config = configFromObject({ backends: [{ name: 'api', baseUrl: backend.url, specPath: TEST_SPEC, timeoutSeconds: 2 }] });
  const registry = await BackendRegistry.load(config);
  shapes = new TableShapes(() => db);
  const worker = (identity: string) =>
    createActivities({
      db: () => db,
      shapes,
      identity,
      backends: registry.backends,
      assertDeclaredPath: (name, path) => registry.assertDeclaredPath(name, path),
      events: new JobEvents(),
      registry,
    });
  workerA = worker('host-a:101');
  workerB = worker('host-b:202');
});

after(async () => {
  await db?.close();
  await backend?.close();
});

let flakyCalls = 0;
beforeEach(() => {
  flakyCalls = 0;
  backend.route('/flaky', (_req, res) => (++flakyCalls === 1 ? json(res, 503, { try: 'again' }) : json(res, 200, { ok: flakyCalls })));
});

/** Runs an activity function inside a mock activity context (heartbeats, cancellation). */
function inActivity<R>(fn: () => Promise<R>): Promise<R> {
  return new MockActivityEnvironment().run(fn);
}

function attemptInput(jobId: string, path: string, attempt: number, overrides: Partial<AttemptInput> = {}): AttemptInput {
  return {
    jobId,
    table: 'job',
    run: 1,
    backend: 'api',
    path,
    payload: {},
    idempotencyKey: jobId,
    timeoutMs: 2_000,
    attempt,
    maxAttempts: 3,
    retryStrategy: 'linear',
    backoffBaseMs: 100,
    backoffMaxMs: 1_000,
    ...overrides,
  };
}

async function row(jobId: string): Promise<Record<string, unknown>> {
  const [found] = await db.query<[Record<string, unknown>]>('SELECT * FROM ONLY type::record($id)', { id: jobId });
  return found;
}

async function setRow(jobId: string, assignments: string): Promise<void> {
  await db.query(`UPDATE type::record($id) SET ${assignments}`, { id: jobId });
}

void test('runAttempt: a claim left by a worker that died before calling is taken over by another worker, which calls and records success', async () => {
  const jobId = await insertJob(db, { path: '/echo' });
  // What worker A's attempt did before it was SIGKILLed: the claim, nothing else.
  assert.equal(await claimJob(db, await shapes.get('job'), { key: { jobId, run: 1, attempt: 1 }, assignee: 'host-a:101' }), true);
  const outcome = await inActivity(() => workerB.runAttempt(attemptInput(jobId, '/echo', 1)));
  assert.equal(outcome.kind, 'success');
  assert.equal(backend.requestsFor(jobId).length, 1);
  const after = await row(jobId);
  assert.equal(after['status'], 'success');
  assert.equal(after['assignee'], 'host-b:202');
});

void test('runAttempt: a repeat after the outcome was recorded returns that outcome from the row without calling again', async () => {
  const jobId = await insertJob(db, { path: '/echo', payload: { n: 1 } });
  const first = await inActivity(() => workerA.runAttempt(attemptInput(jobId, '/echo', 1)));
  const repeat = await inActivity(() => workerB.runAttempt(attemptInput(jobId, '/echo', 1)));
  assert.equal(first.kind, 'success');
  assert.equal(repeat.kind, 'success');
  assert.equal(repeat.kind === 'success' && repeat.repeated, true);
  assert.deepEqual(repeat.kind === 'success' && repeat.result, first.kind === 'success' && first.result);
  assert.equal(backend.requestsFor(jobId).length, 1, 'the backend is called once');
});

void test('runAttempt: a repeated retry outcome counts the retry and its error once', async () => {
  const jobId = await insertJob(db, { path: '/flaky', max_retries: 2 });
  const first = await inActivity(() => workerA.runAttempt(attemptInput(jobId, '/flaky', 1)));
  const repeat = await inActivity(() => workerB.runAttempt(attemptInput(jobId, '/flaky', 1)));
  assert.equal(first.kind, 'retry');
  assert.equal(repeat.kind, 'retry');
  assert.equal(repeat.kind === 'retry' && repeat.error.code, 503);
  const after = await row(jobId);
  assert.equal(after['status'], 'pending');
  assert.equal(after['retries'], 1);
  assert.equal((after['errors'] as unknown[]).length, 1);
  assert.equal(flakyCalls, 1);
});

void test('runAttempt: a repeated final failure is recorded once and not called again', async () => {
  const jobId = await insertJob(db, { path: '/status/500' });
  const last = attemptInput(jobId, '/status/500', 1, { maxAttempts: 1 });
  const first = await inActivity(() => workerA.runAttempt(last));
  const repeat = await inActivity(() => workerB.runAttempt(last));
  assert.equal(first.kind, 'failed');
  assert.equal(repeat.kind, 'failed');
  assert.equal((await row(jobId))['status'], 'failed');
  assert.equal(((await row(jobId))['errors'] as unknown[]).length, 1);
  assert.equal(backend.requestsFor(jobId).length, 1);
});

void test('runAttempt: an older attempt or an older run is refused and changes nothing', async () => {
  const jobId = await insertJob(db, { path: '/flaky', max_retries: 2 });
  await inActivity(() => workerA.runAttempt(attemptInput(jobId, '/flaky', 1)));
  await inActivity(() => workerA.runAttempt(attemptInput(jobId, '/flaky', 2)));
  const before = await row(jobId);
  assert.equal(before['status'], 'success');
  // A stale repeat of attempt 1 would find a row that moved on.
  const stale = await inActivity(() => workerB.runAttempt(attemptInput(jobId, '/flaky', 1)));
  assert.deepEqual(stale, { kind: 'fenced', rowStatus: 'success' });
  // The job re-enqueued (run 2): an activity of run 1 must not touch it.
  await setRow(jobId, "status = 'pending', retries = 0, errors = [], result = NONE, run = 2");
  const oldRun = await inActivity(() => workerB.runAttempt(attemptInput(jobId, '/flaky', 1, { run: 1 })));
  assert.deepEqual(oldRun, { kind: 'fenced', rowStatus: 'pending' });
  const after = await row(jobId);
  assert.equal(after['status'], 'pending');
  assert.equal(after['retries'], 0);
  assert.equal(flakyCalls, 2, 'no call for the stale attempt or the old run');
});

void test('runAttempt: a killed job fences every later attempt, and a kill requested in flight ends a repeat as cancelled without a call', async () => {
  const killedPending = await insertJob(db, { path: '/echo' });
  await setRow(killedPending, "status = 'failed', errors = [{ code: 'killed', reason: 'killed by operator', attempt: 1, at: '' }]");
  assert.deepEqual(await inActivity(() => workerA.runAttempt(attemptInput(killedPending, '/echo', 1))), { kind: 'fenced', rowStatus: 'failed' });

  const killedInFlight = await insertJob(db, { path: '/echo' });
  await claimJob(db, await shapes.get('job'), { key: { jobId: killedInFlight, run: 1, attempt: 1 }, assignee: 'host-a:101' });
  await setRow(killedInFlight, 'kill_requested_at = time::now()');
  const repeat = await inActivity(() => workerB.runAttempt(attemptInput(killedInFlight, '/echo', 1)));
  assert.deepEqual(repeat, { kind: 'fenced', rowStatus: 'failed' });
  const after = await row(killedInFlight);
  assert.equal(after['status'], 'failed');
  assert.equal((after['errors'] as { code: string }[])[0]?.code, 'cancelled');
  assert.equal(backend.requestsFor(killedPending).length + backend.requestsFor(killedInFlight).length, 0);
});

void test('markKilled: a repeat on another worker writes nothing more, and a kill of an older run changes nothing', async () => {
  const jobId = await insertJob(db, { path: '/echo' });
  const error = { code: 'killed' as const, reason: 'killed by operator', attempt: 1, at: new Date().toISOString() };
  assert.equal(await inActivity(() => workerA.markKilled({ jobId, table: 'job', run: 1, error })), true);
  assert.equal(await inActivity(() => workerB.markKilled({ jobId, table: 'job', run: 1, error })), false);
  assert.equal(((await row(jobId))['errors'] as unknown[]).length, 1);

  const newer = await insertJob(db, { path: '/echo' });
  await setRow(newer, 'run = 2');
  assert.equal(await inActivity(() => workerA.markKilled({ jobId: newer, table: 'job', run: 1, error })), false);
  assert.equal((await row(newer))['status'], 'pending');
});

void test('v1 activities: a claim repeated by another worker succeeds, and repeated outcome writes count once', async () => {
  const jobId = await insertJob(db, { path: '/echo', max_retries: 1 });
  const claim = { jobId, table: 'job', retries: 0, attempt: 1 };
  assert.deepEqual(await inActivity(() => workerA.claimJob(claim)), { claimed: true });
  assert.deepEqual(await inActivity(() => workerB.claimJob(claim)), { claimed: true }, 'the v1 runner fenced itself out here');

  const error = { code: 503, reason: 'busy', attempt: 1, at: new Date().toISOString() };
  const retry = { jobId, table: 'job', error, retries: 1, waitMs: 100 };
  assert.equal(await inActivity(() => workerA.scheduleRetry(retry)), true);
  assert.equal(await inActivity(() => workerB.scheduleRetry(retry)), false);
  assert.equal((await row(jobId))['retries'], 1);
  assert.equal(((await row(jobId))['errors'] as unknown[]).length, 1);

  const second = { jobId, table: 'job', retries: 1, attempt: 2 };
  assert.deepEqual(await inActivity(() => workerA.claimJob(second)), { claimed: true });
  assert.deepEqual(await inActivity(() => workerB.claimJob(claim)), { claimed: false, status: 'processing' }, 'an older attempt is refused');
  const done = { jobId, table: 'job', result: { ok: true }, attempt: 2 };
  assert.equal(await inActivity(() => workerA.completeJob(done)), true);
  assert.equal(await inActivity(() => workerB.completeJob(done)), false);
  assert.equal((await row(jobId))['status'], 'success');

  const failing = await insertJob(db, { path: '/echo' });
  const failure = { jobId: failing, table: 'job', error: { ...error, attempt: 1 } };
  assert.equal(await inActivity(() => workerA.failJob(failure)), true);
  assert.equal(await inActivity(() => workerB.failJob(failure)), false);
  assert.equal(((await row(failing))['errors'] as unknown[]).length, 1);
});

void test("enqueueScheduledJob: a schedule's slot enqueued twice, from two workers, finds the first row instead of creating a second", async () => {
  const spec = { schedule: 'nightly-report', table: 'job', path: '/echo', payload: { n: 1 }, maxRetries: 2, retryStrategy: 'linear' as const };
  const slotMs = Date.UTC(2026, 10, 25, 3, 0, 0);
  const first = await inActivity(() => workerA.enqueueScheduledJob({ spec, slotMs }));
  const repeat = await inActivity(() => workerB.enqueueScheduledJob({ spec, slotMs }));
  assert.ok(first.ok && repeat.ok);
  assert.equal(first.jobId, 'job:sched_nightly_report_20261125T030000Z');
  assert.deepEqual([first.created, repeat.created], [true, false]);
  assert.equal(repeat.jobId, first.jobId);
  assert.equal(repeat.workflowId, first.workflowId);
  const [rows] = await db.query<[{ id: unknown; schedule: string; max_retries: number }[]]>('SELECT id, schedule, max_retries FROM job WHERE schedule = $s', { s: 'nightly-report' });
  assert.deepEqual(rows.map((r) => [String(r.id), r.schedule, r.max_retries]), [[first.jobId, 'nightly-report', 2]]);
});
