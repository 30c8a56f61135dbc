// The developers' API on the real components: jobs.run → a handle that waits (pushed by a
// LIVE SELECT, not polled), typed failures, handles rebuilt from an id, idempotency keys.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { StringRecordId, type Surreal } from 'surrealdb';
import { startSurrealRelay, type SurrealRelay } from '../../chaos/surrealRelay.js';
import { openSurreal } from '../../src/adapters/db/connect.js';
import { InvalidJobError, JobFailedError, JobKilledError, JobNotFoundError, WaitTimeoutError } from '../../src/core/errors.js';
import { createRunner, type Runner } from '../../src/app/runner/createRunner.js';
import { silentLogger } from '../../src/adapters/logger.js';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { JobLifecycleEvent, JobLifecycleEventName } from '../../src/core/jobEvents.js';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { sleep, startRunner, startTemporal, testConfig, waitFor } from '../helpers/harness.js';

let temporal: DevServer;
let backend: TestBackend;
let relay: SurrealRelay;
let runner: Runner;
let otherConnection: Surreal;
let otherProcess: Runner; // a second API client on its own connection, as another process would have
let config: ReturnType<typeof testConfig>;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  relay = await startSurrealRelay({ url: 'mem://', namespace: 'test', database: 'handles' });
  config = testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 30 } });
  // `emails` for the builder's .queue('emails'): a job on a queue no runner serves would wait.
  runner = await startRunner({ db: relay.db, config, deploySchema: true, queues: ['default', 'emails'] });
  otherConnection = await openSurreal({ url: relay.url, namespace: 'test', database: 'handles' });
  otherProcess = await createRunner({ db: otherConnection, config, logger: silentLogger() });
});

after(async () => {
  await runner?.stop();
  await otherConnection?.close();
  await relay?.close();
  await backend?.close();
  await temporal?.stop();
});

void test('jobs.run returns a handle; wait() resolves with the final row and its result right after the success write', async (t) => {
  const handle = await runner.jobs.run('api', '/echo', { hello: 'world' });
  assert.match(handle.id, /^job:/);
  const row = await handle.wait({ timeout: 30_000 });
  const resolvedAt = Date.now();
  assert.equal(row.status, 'success');
  assert.deepEqual(row.result, { ok: true, echo: { hello: 'world' } });
  assert.ok(row.updatedAt, 'the row has updated_at');
  const lag = resolvedAt - row.updatedAt.getTime();
  t.diagnostic(`wait() resolved ${lag} ms after the success write`);
  assert.ok(lag < 500, `wait() resolved ${lag} ms after the success write (it is pushed, not polled)`);
  assert.equal(await handle.status(), 'success');
});

void test('wait() on a job that already finished resolves at once', async () => {
  const handle = await runner.jobs.run('api', '/echo', {});
  await handle.wait({ timeout: 30_000 });
  const row = await handle.wait({ timeout: 1_000 });
  assert.equal(row.status, 'success');
});

void test('wait() rejects with JobFailedError carrying every attempt\'s error', async () => {
  const handle = await runner.jobs.run('api', '/status/500', {}, { maxRetries: 1 });
  const failure = await handle.wait({ timeout: 30_000 }).then(
    () => assert.fail('expected JobFailedError'),
    (error: unknown) => error,
  );
  assert.ok(failure instanceof JobFailedError, String(failure));
  assert.deepEqual(failure.errors.map((e) => [e.attempt, e.code]), [[1, 500], [2, 500]]);
});

void test('wait() rejects with JobKilledError when the job is killed, and with WaitTimeoutError when time runs out first', async () => {
  const handle = await runner.jobs.run('api', '/echo', {}, { delay: 60_000 });
  const timedOut = await handle.wait({ timeout: 300 }).catch((error: unknown) => error);
  assert.ok(timedOut instanceof WaitTimeoutError, String(timedOut));
  assert.equal(timedOut.status, 'pending');
  const waiting = handle.wait({ timeout: 30_000 }).catch((error: unknown) => error);
  await handle.kill();
  const killed = await waiting;
  assert.ok(killed instanceof JobKilledError, String(killed));
  assert.equal(backend.requestsFor(handle.id).length, 0);
});

void test('wait() rejects with JobNotFoundError when the row is deleted while it waits', async () => {
  const handle = await runner.jobs.run('api', '/echo', {}, { delay: 60_000 });
  const waiting = handle.wait().catch((error: unknown) => error); // no timeout of its own
  await sleep(500); // wait() has read the row and is waiting
  await relay.db.query('DELETE $id', { id: new StringRecordId(handle.id) });
  const deleted = await Promise.race([waiting, sleep(10_000).then(() => 'still waiting 10 s after the delete')]);
  assert.ok(deleted instanceof JobNotFoundError, String(deleted));
});

void test('wait() still settles when its live query is killed by the server before the job ends', async () => {
  const handle = await runner.jobs.run('api', '/slow', { ms: 1_500 });
  const waiting = handle.wait(); // no timeout of its own
  // Kill wait()'s own LIVE SELECT (the one on one record id), as a server restart would.
  await waitFor('the live query of wait()', async () => (await killLiveQueriesOnOneRow()) > 0, 5_000);
  const row = await Promise.race([waiting, sleep(15_000).then(() => undefined)]);
  assert.equal(row?.status, 'success', 'wait() did not settle within 15 s');
});

async function killLiveQueriesOnOneRow(): Promise<number> {
  const [info] = await relay.db.query<[{ lives?: Record<string, string> }]>('INFO FOR TABLE job');
  const ids = Object.entries(info.lives ?? {}).filter(([, statement]) => /WHERE id =/i.test(statement)).map(([id]) => id);
  for (const id of ids) await relay.db.query(`KILL u'${id}'`);
  return ids.length;
}

void test('a handle rebuilt from an id on another connection waits for the same job', async () => {
  const handle = await runner.jobs.run('api', '/slow', { ms: 300 });
  const elsewhere = otherProcess.jobs.handle(handle.id);
  const row = await elsewhere.wait({ timeout: 30_000 });
  assert.equal(row.status, 'success');
  assert.deepEqual(row.result, { slept: true });
});

void test('20 racing enqueues of one idempotency key from two connections make one job, and the backend gets that key', async () => {
  const key = `order-${Date.now()}`;
  const ids = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 ? otherProcess : runner).jobs.enqueue('api', '/echo', { n: i }, { idempotencyKey: key })),
  );
  assert.equal(new Set(ids).size, 1, `one job for the key, got ${new Set(ids).size}`);
  const [rows] = await relay.db.query<[unknown[]]>('SELECT id FROM job WHERE idempotency_key = $key', { key });
  assert.equal(rows.length, 1);
  const row = await runner.jobs.handle(ids[0]!).wait({ timeout: 30_000 });
  assert.equal(row.status, 'success');
  const requests = backend.requestsFor(ids[0]!);
  assert.equal(requests.length, 1);
  assert.equal(requests[0]!.headers['idempotency-key'], key);
  // Without a key, the workflow id is sent, as before.
  const plain = await runner.jobs.run('api', '/echo', {});
  await plain.wait({ timeout: 30_000 });
  assert.equal(backend.requestsFor(plain.id)[0]!.headers['idempotency-key'], plain.id);
});

void test('a retried job with an idempotency key sends the key with ~retry-1, so the backend does not replay the first answer', async () => {
  const key = `invoice-${Date.now()}`;
  const handle = await runner.jobs.run('api', '/status/500', {}, { maxRetries: 0, idempotencyKey: key });
  await assert.rejects(handle.wait({ timeout: 30_000 }), JobFailedError);
  await handle.retry();
  await assert.rejects(handle.wait({ timeout: 30_000 }), JobFailedError);
  assert.deepEqual(backend.requestsFor(handle.id).map((r) => r.headers['idempotency-key']), [key, `${key}~retry-1`]);
});

void test('the fluent builder writes every option on the row, honours the delay, and returns a handle that waits', async () => {
  const key = `builder-${Date.now()}`;
  const handle = await runner.jobs
    .background('api', '/echo', { via: 'builder' })
    .delay('1s')
    .priority('high')
    .retries(2)
    .strategy('exponential')
    .timeout('20s')
    .queue('emails')
    .idempotencyKey(key)
    .enqueue();
  const queued = await handle.get();
  assert.deepEqual(
    [queued.delayMs, queued.priority, queued.maxRetries, queued.retryStrategy, queued.timeoutSeconds, queued.queue, queued.idempotencyKey],
    [1000, 2, 2, 'exponential', 20, 'emails', key],
  );
  const row = await handle.wait({ timeout: 30_000 });
  assert.equal(row.status, 'success');
  const called = backend.requestsFor(handle.id)[0]!.receivedAt;
  assert.ok(called >= row.createdAt.getTime() + 1000 - 20, 'the backend was not called before the delay');
});

void test('bg() enqueues at once with the defaults; .at() with a past date runs at once', async () => {
  const quick = await runner.jobs.bg('api', '/echo', {});
  const row = await quick.wait({ timeout: 30_000 });
  assert.deepEqual([row.status, row.priority, row.maxRetries, row.delayMs], ['success', 3, 3, 0]);
  const late = await runner.jobs.background('api', '/echo', {}).at(new Date(Date.now() - 3_600_000)).enqueue();
  assert.equal((await late.get()).delayMs, 0);
  assert.equal((await late.wait({ timeout: 30_000 })).status, 'success');
});

void test('typed events carry the error and the row (started, retrying, completed, failed, killed); throwing listeners break nothing', async () => {
  const names: JobLifecycleEventName[] = ['job:started', 'job:retrying', 'job:completed', 'job:failed', 'job:killed'];
  const seen = new Map<string, { name: JobLifecycleEventName; event: JobLifecycleEvent }[]>();
  const listeners = names.map((name) => {
    const listener = (event: JobLifecycleEvent) => seen.set(event.jobId, [...(seen.get(event.jobId) ?? []), { name, event }]);
    runner.events.on(name, listener);
    return [name, listener] as const;
  });
  const throwing = () => {
    throw new Error('a bug in an app listener');
  };
  runner.events.on('job:completed', throwing);
  runner.events.on('job', throwing);
  const calls = new Map<string, number>();
  backend.route('/flaky', (req, res) => {
    const n = (calls.get(req.jobId) ?? 0) + 1;
    calls.set(req.jobId, n);
    json(res, n === 1 ? 503 : 200, { n });
  });
  try {
    const flaky = await runner.jobs.run('api', '/flaky', {}, { maxRetries: 2 });
    const failing = await runner.jobs.run('api', '/status/400', {});
    const killed = await runner.jobs.run('api', '/echo', {}, { delay: 60_000 });
    assert.equal((await flaky.wait({ timeout: 30_000 })).status, 'success');
    await assert.rejects(failing.wait({ timeout: 30_000 }), JobFailedError);
    await waitFor('the delayed job to start', () => seen.get(killed.id)?.some((e) => e.name === 'job:started'));
    await killed.kill();
    const namesOf = (id: string) => (seen.get(id) ?? []).map((e) => e.name).sort();
    await waitFor('every event', () => namesOf(killed.id).length === 2 && namesOf(flaky.id).length === 3 && namesOf(failing.id).length === 2);
    assert.deepEqual(namesOf(flaky.id), ['job:completed', 'job:retrying', 'job:started']);
    assert.deepEqual(namesOf(failing.id), ['job:failed', 'job:started']);
    assert.deepEqual(namesOf(killed.id), ['job:killed', 'job:started']);
    const of = (id: string, name: JobLifecycleEventName) => seen.get(id)!.find((e) => e.name === name)!.event;
    assert.equal(of(flaky.id, 'job:retrying').error?.code, 503);
    assert.equal(of(flaky.id, 'job:completed').row?.status, 'success');
    assert.equal(of(failing.id, 'job:failed').error?.code, 400);
    assert.equal(of(failing.id, 'job:failed').row?.status, 'failed');
    assert.equal(of(killed.id, 'job:killed').error?.code, 'killed');
    assert.equal(calls.get(flaky.id), 2, 'the throwing listeners cost no extra attempt');
  } finally {
    for (const [name, listener] of listeners) runner.events.off(name, listener);
    runner.events.off('job:completed', throwing);
    runner.events.off('job', throwing);
  }
});

void test('enqueueMany writes all jobs in one transaction and returns handles; one invalid item writes nothing and is named', async () => {
  const count = async () => (await relay.db.query<[{ n: number }[]]>('SELECT count() AS n FROM job GROUP ALL'))[0][0]?.n ?? 0;
  const before = await count();
  const invalid = await runner.jobs
    .enqueueMany([
      { backend: 'api', path: '/echo', payload: { n: 1 } },
      { backend: 'api', path: '/not-declared', payload: {} },
      { backend: 'api', path: '/echo', payload: { n: 3 } },
    ])
    .catch((error: unknown) => error);
  assert.ok(invalid instanceof InvalidJobError, String(invalid));
  assert.match(invalid.message, /item 1/);
  assert.equal(await count(), before, 'nothing was written');

  const key = `batch-${Date.now()}`;
  const existing = await runner.jobs.enqueue('api', '/echo', { first: true }, { idempotencyKey: key });
  const handles = await runner.jobs.enqueueMany([
    ...Array.from({ length: 20 }, (_, n) => ({ backend: 'api', path: '/echo', payload: { n } })),
    { backend: 'api', path: '/echo', payload: { again: true }, options: { idempotencyKey: key } },
    { backend: 'api', path: '/echo', payload: { fresh: 1 }, options: { idempotencyKey: `${key}-new` } },
    { backend: 'api', path: '/echo', payload: { fresh: 2 }, options: { idempotencyKey: `${key}-new` } },
  ]);
  assert.equal(handles.length, 23);
  assert.equal(handles[20]!.id, existing, 'an existing key returns its job');
  assert.equal(handles[21]!.id, handles[22]!.id, 'a key repeated in the batch makes one job');
  assert.equal(await count(), before + 1 + 21);
  const rows = await Promise.all(handles.map((h) => h.wait({ timeout: 60_000 })));
  assert.ok(rows.every((row) => row.status === 'success'));
  assert.deepEqual(rows.slice(0, 3).map((row) => row.result), [0, 1, 2].map((n) => ({ ok: true, echo: { n } })));
});

void test('20 enqueues of one idempotency key racing from two processes make one job', async () => {
  const key = `two-processes-${Date.now()}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../helpers/enqueueInAnotherProcess.ts', import.meta.url)), relay.url, JSON.stringify(config), key, '10'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await waitFor('the other process to connect', () => (out.startsWith('ready\n') ? true : child.exitCode !== null ? assert.fail(`it exited with ${child.exitCode}`) : undefined), 60_000);
  child.stdin.write('go\n'); // both start now
  const ours = await Promise.all(Array.from({ length: 10 }, (_, n) => runner.jobs.enqueue('api', '/echo', { n }, { idempotencyKey: key })));
  assert.equal(await exited, 0);
  const theirs = JSON.parse(out.slice('ready\n'.length)) as string[];
  assert.equal(new Set([...ours, ...theirs]).size, 1, 'one job for the key across both processes');
  const [rows] = await relay.db.query<[unknown[]]>('SELECT id FROM job WHERE idempotency_key = $key', { key });
  assert.equal(rows.length, 1);
});
