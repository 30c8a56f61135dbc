// One job row → one Temporal workflow → HTTP calls → every state change mirrored to the row.
// Real Temporal dev server, embedded SurrealDB, real HTTP backend.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, TEST_TOKEN, waitForTerminal, sleep } from '../helpers/harness.js';
import { workflowIdFor } from '../../src/core/workflowId.js';
import { freePort } from '../../src/adapters/temporal/devServer.js';
import { JOB_STATUS } from '../../src/core/searchAttributes.js';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
let runner: Runner;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
  backend.route('/big', (_req, res) => json(res, 200, { blob: 'x'.repeat(100 * 1024) }));
  const base = testConfig(temporal, backend.url);
  const api = base.backends[0]!;
  const closedPort = await freePort();
  base.backends.push(
    // Same backend app, but a row's timeout may override the backend's 1 s.
    { ...api, name: 'overridable', table: 'override_job', timeoutSeconds: 1, timeoutOverridable: true, taskQueue: `${api.taskQueue}-o` },
    // Nothing listens there: every call is a transport error.
    { ...api, name: 'down', table: 'down_job', baseUrl: `http://127.0.0.1:${closedPort}`, taskQueue: `${api.taskQueue}-d` },
  );
  runner = await startRunner({ db, config: base, deploySchema: true });
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
  assert.ok(call.receivedAt < created + delay + 1_000, `called ${call.receivedAt - created} ms after creation, for a ${delay} ms delay`);
});

/** The waits the workflow scheduled (timer durations in its history), in ms: exact, whatever the machine's load. */
async function scheduledWaits(workflowId: string): Promise<number[]> {
  const history = await runner.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const timeout = event.timerStartedEventAttributes?.startToFireTimeout;
    return timeout ? [Number(timeout.seconds ?? 0) * 1000 + Math.round((timeout.nanos ?? 0) / 1e6)] : [];
  });
}

/**
 * The backoff counts from the backend's answer, so each timer in history covers what is left
 * of the planned wait once the outcome is written: at most the plan, and not much less.
 */
function assertTimersCover(timers: number[], planned: number[]): void {
  assert.equal(timers.length, planned.length, `timers in history: ${timers.join(', ')}`);
  planned.forEach((ms, i) => {
    assert.ok(timers[i]! <= ms && timers[i]! > ms - 150, `timer ${i + 1}: ${timers[i]} ms in history for a planned ${ms} ms wait`);
  });
}

/** Gaps between consecutive attempts of one job, as the backend received them, in ms. */
function gaps(jobId: string): number[] {
  const times = backend.requestsFor(jobId).map((r) => r.receivedAt);
  return times.slice(1).map((t, i) => t - times[i]!);
}

/**
 * What the user observes: the backend received the next attempt no sooner than planned, and
 * not much later (generous for a loaded 2-core machine: a planned 400 ms wait is under 800 ms).
 * A stock dev server fires sub-second timers about a second late, which fails this.
 */
function assertWaited(gaps: number[], planned: number[]): void {
  assert.equal(gaps.length, planned.length);
  planned.forEach((ms, i) => {
    const gap = gaps[i]!;
    assert.ok(gap >= ms - 20, `wait ${i + 1}: the backend saw the next attempt ${gap} ms later, before the planned ${ms} ms`);
    assert.ok(gap < ms + Math.max(ms, 400), `wait ${i + 1}: planned ${ms} ms, but the backend saw the next attempt ${gap} ms later`);
  });
}

void test('linear retry makes max_retries + 1 attempts with waits of base·(n+1) between them, then fails', async () => {
  const jobId = await insertJob(db, { path: '/status/503', max_retries: 3, retry_strategy: 'linear' });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  assert.equal(backend.requestsFor(jobId).length, 4);
  assert.deepEqual(backend.requestsFor(jobId).map((r) => r.attempt), [1, 2, 3, 4]);
  assert.equal(row.retries, 3);
  assert.deepEqual(row.errors.map((e) => [e.code, e.attempt]), [[503, 1], [503, 2], [503, 3], [503, 4]]);
  // base 100 ms: waits of 200, 300, 400 ms, as planned in history and as the backend saw them
  assertTimersCover(await scheduledWaits(jobId), [200, 300, 400]);
  assertWaited(gaps(jobId), [200, 300, 400]);
  // one enqueue, one idempotency key on every attempt
  assert.equal(new Set(backend.requestsFor(jobId).map((r) => r.headers['idempotency-key'])).size, 1);
});

void test('exponential retry waits base·2^n between attempts', async () => {
  const jobId = await insertJob(db, { path: '/status/500', max_retries: 3, retry_strategy: 'exponential' });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  assert.equal(backend.requestsFor(jobId).length, 4);
  // base 100 ms: waits of 200, 400, 800 ms, as planned in history and as the backend saw them
  assertTimersCover(await scheduledWaits(jobId), [200, 400, 800]);
  assertWaited(gaps(jobId), [200, 400, 800]);
});

void test('max_retries 0 means exactly one attempt', async () => {
  const jobId = await insertJob(db, { path: '/status/500', max_retries: 0 });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  assert.equal(backend.requestsFor(jobId).length, 1);
  assert.equal(row.retries, 0);
});

void test('a 4xx other than 408/425/429 fails the job at once, without retries', async () => {
  const jobId = await insertJob(db, { path: '/status/422', max_retries: 3 });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  assert.equal(backend.requestsFor(jobId).length, 1);
  assert.equal(row.errors[0]?.code, 422);
  assert.match(row.errors[0]?.reason ?? '', /status \/status\/422/);
});

void test('429 is retried and its Retry-After is honoured', async () => {
  let calls = 0;
  backend.route('/flaky', (_req, res) => {
    calls += 1;
    if (calls === 1) json(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
    else json(res, 200, { done: true });
  });
  const jobId = await insertJob(db, { path: '/flaky', max_retries: 2 });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'success');
  assert.equal(backend.requestsFor(jobId).length, 2);
  assertTimersCover(await scheduledWaits(jobId), [1000]); // Retry-After: 1 beats the 200 ms backoff
  assertWaited(gaps(jobId), [1000]);
  assert.deepEqual(row.errors.map((e) => e.code), [429]);
  assert.equal(row.retries, 1);
});

void test('a request slower than the backend timeout is aborted and recorded as "timeout"', async () => {
  // backend api: timeout 2 s, not overridable, so the row's timeout of 30 s is ignored
  const jobId = await insertJob(db, { path: '/slow', payload: { ms: 4000 }, timeout: 30, max_retries: 1 });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  assert.deepEqual(row.errors.map((e) => e.code), ['timeout', 'timeout']);
  assert.equal(backend.requestsFor(jobId).length, 2);
  for (const call of backend.requestsFor(jobId)) assert.ok(call.abortedAt, 'the timed-out request was not aborted');
});

void test("a row's timeout overrides the backend's only when the backend is timeoutOverridable", async () => {
  // backend overridable: timeout 1 s; the row allows 5 s and the call takes 1.5 s
  const jobId = await insertJob(db, { path: '/slow', payload: { ms: 1500 }, timeout: 5 }, 'override_job');
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'success', JSON.stringify(row.errors));
  const withoutOverride = await insertJob(db, { path: '/slow', payload: { ms: 1500 } }, 'override_job');
  const failed = await waitForTerminal(runner, withoutOverride);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.errors[0]?.code, 'timeout');
});

void test('a transport error (nothing listening) is retried and recorded with code 0', async () => {
  const jobId = await insertJob(db, { path: '/echo', max_retries: 1 }, 'down_job');
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'failed');
  assert.deepEqual(row.errors.map((e) => e.code), [0, 0]);
  assert.match(row.errors[0]!.reason, /ECONNREFUSED|fetch failed/);
});

void test('a response body over 64 KiB is stored as a size marker', async () => {
  const jobId = await insertJob(db, { path: '/big' });
  const row = await waitForTerminal(runner, jobId);
  assert.equal(row.status, 'success');
  const result = row.result as { truncated: boolean; bytes: number; limit: number };
  assert.equal(result.truncated, true);
  assert.equal(result.limit, 64 * 1024);
  assert.ok(result.bytes > 100 * 1024);
});

void test('rows that cannot run are marked failed with an "invalid" error and the backend is never called', async () => {
  const undeclared = await insertJob(db, { path: '/not-in-spec' });
  const badPayload = await insertJob(db, { path: '/spookify', payload: { id: 42 } });
  const ssrf = await Promise.all(
    ['//evil.example/x', '/@evil.example', 'http://evil.example/x', '/../admin', '/%2e%2e/admin', '/status%2f500'].map((path) =>
      insertJob(db, { path }),
    ),
  );
  for (const jobId of [undeclared, badPayload, ...ssrf]) {
    const row = await waitForTerminal(runner, jobId);
    assert.equal(row.status, 'failed', jobId);
    assert.equal(row.errors[0]?.code, 'invalid');
    assert.equal(backend.requestsFor(jobId).length, 0);
  }
  assert.match((await runner.jobs.get(undeclared))!.errors[0]!.reason, /not a POST operation/);
  assert.match((await runner.jobs.get(badPayload))!.errors[0]!.reason, /id.*string/);
  // the bridge keeps going after invalid rows
  const good = await insertJob(db, { path: '/spookify', payload: { id: 'thread:1' } });
  assert.equal((await waitForTerminal(runner, good)).status, 'success');
  // no request ever left for another host: every request reached our backend on a declared path
  assert.ok(backend.requests.every((r) => !r.path.includes('evil')));
});

void test('each job is searchable in Temporal by JobStatus and JobId, with a summary naming backend and path', async () => {
  const jobId = await insertJob(db, { path: '/status/400' });
  await waitForTerminal(runner, jobId);
  const found = await (async () => {
    for (let i = 0; i < 100; i++) {
      const list = [];
      for await (const wf of runner.client.workflow.list({ query: `JobId = "${jobId}" AND JobStatus = "failed"` })) list.push(wf);
      if (list.length > 0) return list;
      await sleep(100);
    }
    return [];
  })();
  assert.equal(found.length, 1);
  assert.equal(found[0]!.workflowId, jobId);
  assert.equal(found[0]!.typedSearchAttributes.get(JOB_STATUS), 'failed');
  const description = await runner.client.workflow.getHandle(jobId).describe();
  assert.equal(await description.staticSummary(), 'api POST /status/400');
});
