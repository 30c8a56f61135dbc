// Restarts and races: delays survive runner and Temporal restarts, several bridges never
// double-run a job, a dropped database connection is recovered, a kill holds with no bridge.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { StringRecordId, type Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { openSurreal } from '../../src/adapters/db/connect.js';
import { deploySchema } from '../../src/adapters/db/deploySchema.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, sleep, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

let temporal: DevServer;
let backend: TestBackend;
const cleanups: (() => Promise<unknown>)[] = [];

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await backend?.close();
  await temporal?.stop();
});

async function freshDb(): Promise<Surreal> {
  const { db } = await openTestDb();
  cleanups.push(() => db.close());
  return db;
}

void test('a runner stopped during a delay and replaced by new instances runs the job once, on time', async () => {
  const db = await freshDb();
  const config = testConfig(temporal, backend.url);
  const first = await startRunner({ db, config, deploySchema: true });
  const delay = 3000;
  const jobId = await insertJob(db, { path: '/echo', delay });
  const createdAt = (await first.jobs.get(jobId))!.createdAt.getTime();
  await waitFor('the workflow to start', async () => (await first.client.workflow.getHandle(jobId).describe()).status.name === 'RUNNING');
  await first.stop();
  await sleep(500);
  const second = await startRunner({ db, config, identity: 'replacement' });
  cleanups.push(() => second.stop());
  const row = await waitForTerminal(second, jobId);
  assert.equal(row.status, 'success');
  const calls = backend.requestsFor(jobId);
  assert.equal(calls.length, 1);
  const lateBy = calls[0]!.receivedAt - (createdAt + delay);
  assert.ok(lateBy >= 0, `ran ${-lateBy} ms early`);
  assert.ok(lateBy < 10_000, `ran ${lateBy} ms late`);
  assert.equal(row.assignee, 'replacement');
});

void test('two bridges at once start each job once: every backend is called exactly once', async () => {
  const db = await freshDb();
  const config = testConfig(temporal, backend.url);
  // One at a time: the first CREATE also creates the table, and concurrent first writes to a
  // table that does not exist yet conflict inside SurrealDB.
  const early: string[] = [];
  for (let i = 0; i < 10; i++) early.push(await insertJob(db, { path: '/echo' }));
  const [a, b] = await Promise.all([
    startRunner({ db, config, deploySchema: true, identity: 'a' }),
    startRunner({ db, config, identity: 'b' }),
  ]);
  cleanups.push(() => a.stop(), () => b.stop());
  const late = await Promise.all(Array.from({ length: 10 }, () => insertJob(db, { path: '/echo' })));
  for (const jobId of [...early, ...late]) {
    assert.equal((await waitForTerminal(a, jobId)).status, 'success');
  }
  await sleep(1500); // let both reconciliation passes run over the finished jobs
  for (const jobId of [...early, ...late]) assert.equal(backend.requestsFor(jobId).length, 1, jobId);
});

void test('a Temporal server stopped during a delay and restarted on the same database file keeps the delay', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'temporal-restart-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const dbFilename = join(dir, 'temporal.db');
  let server = await startTemporal({ dbFilename });
  const port = server.port;
  cleanups.push(() => server.stop());
  const db = await freshDb();
  const runner = await startRunner({ db, config: testConfig(server, backend.url), deploySchema: true });
  cleanups.push(() => runner.stop());
  const delay = 4000;
  const jobId = await insertJob(db, { path: '/echo', delay });
  const createdAt = (await runner.jobs.get(jobId))!.createdAt.getTime();
  await waitFor('the workflow to start', async () => (await runner.client.workflow.getHandle(jobId).describe()).status.name === 'RUNNING');
  await server.stop();
  await sleep(1000);
  server = await startTemporal({ dbFilename, port });
  const row = await waitForTerminal(runner, jobId, 60_000);
  assert.equal(row.status, 'success');
  const calls = backend.requestsFor(jobId);
  assert.equal(calls.length, 1);
  assert.ok(calls[0]!.receivedAt >= createdAt + delay, 'the job ran before its delay');
});

void test('after the database connection drops, the bridge reconnects with backoff and catches up on rows it missed', async () => {
  // An embedded engine cannot be reopened in the same process, so the "server" the bridge
  // reconnects to is a second engine that already holds a row written during the outage.
  const connection = { url: 'mem://', namespace: 'test', database: 'reconnect' };
  let gate: Promise<void> = Promise.resolve();
  const reconnectTo: { db?: Surreal } = {};
  let opens = 0;
  const runner = await startRunner({
    openDb: async () => {
      opens += 1;
      await gate;
      return reconnectTo.db ?? openSurreal(connection);
    },
    config: testConfig(temporal, backend.url),
    deploySchema: true,
  });
  cleanups.push(() => runner.stop());
  const beforeDrop = await insertJob(runner.db, { path: '/echo' });
  assert.equal((await waitForTerminal(runner, beforeDrop)).status, 'success');

  let open!: () => void;
  gate = new Promise((resolve) => (open = resolve));
  await runner.db.close(); // the drop
  await waitFor('the bridge to try to reconnect', () => opens === 2);
  const next = (reconnectTo.db = await openSurreal(connection));
  await deployOn(next);
  const missed = await insertJob(next, { path: '/echo' });
  open();

  const row = await waitForTerminal(runner, missed, 30_000);
  assert.equal(row.status, 'success');
  assert.equal(backend.requestsFor(missed).length, 1);
  // and the live query works again on the new connection
  const afterReconnect = await insertJob(runner.db, { path: '/echo' });
  assert.equal((await waitForTerminal(runner, afterReconnect)).status, 'success');
  assert.equal(opens, 2);
});

void test('a job killed with fn::job::kill while no bridge runs never reaches the backend', async () => {
  const db = await freshDb();
  const config = testConfig(temporal, backend.url);
  // A worker without a bridge: the workflow of the first job sleeps, nobody watches kill requests.
  const bridgeRunner = await startRunner({ db, config, deploySchema: true });
  const started = await insertJob(db, { path: '/echo', delay: 2500 });
  await waitFor('the workflow to start', async () => (await bridgeRunner.client.workflow.getHandle(started).describe()).status.name === 'RUNNING');
  await bridgeRunner.stop();
  const workerOnly = await startRunner({ db, config, mode: 'worker' });
  cleanups.push(() => workerOnly.stop());
  // Never seen by any bridge.
  const unseen = await insertJob(db, { path: '/echo', delay: 500 });
  for (const id of [started, unseen]) await db.query('RETURN fn::job::kill($id)', { id: new StringRecordId(id) });
  await sleep(3500); // both delays have passed
  const fresh = await startRunner({ db, config, mode: 'bridge' });
  cleanups.push(() => fresh.stop());
  await sleep(1000);
  for (const id of [started, unseen]) {
    assert.equal(backend.requestsFor(id).length, 0, id);
    const row = await fresh.jobs.get(id);
    assert.equal(row?.status, 'failed');
    assert.deepEqual(row?.errors.map((e) => e.code), ['killed']);
  }
});

void test('on a table defined exactly like the seed, jobs still run and end with the right status', async () => {
  const db = await freshDb();
  const seedSchema = await readFile(fileURLToPath(new URL('../fixtures/seed-job-table.surql', import.meta.url)), 'utf8');
  await db.query(seedSchema);
  const runner = await startRunner({ db, config: testConfig(temporal, backend.url) });
  cleanups.push(() => runner.stop());
  const ok = await insertJob(db, { path: '/echo', payload: { a: 1 }, assigned_to: 'thread:one' });
  const failing = await insertJob(db, { path: '/status/503', max_retries: 1, assigned_to: 'thread:one' });
  const okRow = await waitForTerminal(runner, ok);
  assert.equal(okRow.status, 'success');
  const failedRow = await waitForTerminal(runner, failing);
  assert.equal(failedRow.status, 'failed');
  assert.equal(failedRow.retries, 1);
  assert.equal(backend.requestsFor(failing).length, 2);
  // retry works on the seed's table too (no `run` field: the retry number comes from Temporal)
  const retried = await runner.jobs.retry(ok);
  assert.equal(retried.workflowId, `${ok}~retry-1`);
  assert.equal((await waitForTerminal(runner, ok)).status, 'success');
  assert.equal(backend.requestsFor(ok).length, 2);
});

function deployOn(db: Surreal): Promise<void> {
  return deploySchema(db, ['job']);
}

void test('stopping a runner while a call is in flight lets the call finish: no attempt is burned, the job completes once', async () => {
  const db = await freshDb();
  const config = testConfig(temporal, backend.url);
  const first = await startRunner({ db, config, deploySchema: true });
  const jobId = await insertJob(db, { path: '/slow', payload: { ms: 1500 }, max_retries: 2 });
  await waitFor('the request to arrive', () => backend.requestsFor(jobId).length === 1);
  await first.stop(); // waits for the in-flight call (grace time ≥ the HTTP timeout)
  const call = backend.requestsFor(jobId)[0]!;
  assert.equal(call.abortedAt, undefined, 'the in-flight request was aborted by the shutdown');
  const second = await startRunner({ db, config });
  cleanups.push(() => second.stop());
  const row = await waitForTerminal(second, jobId);
  assert.equal(row.status, 'success');
  assert.deepEqual(row.errors, []);
  assert.equal(backend.requestsFor(jobId).length, 1);
});

void test('a job killed through the API while no worker runs is failed at once and never runs later', async () => {
  const db = await freshDb();
  const config = testConfig(temporal, backend.url);
  const bridgeOnly = await startRunner({ db, config, deploySchema: true, mode: 'bridge' });
  cleanups.push(() => bridgeOnly.stop());
  const jobId = await insertJob(db, { path: '/echo', delay: 1000 });
  await waitFor('the workflow to start', async () => (await bridgeOnly.client.workflow.getHandle(jobId).describe()).status.name === 'RUNNING');
  const started = Date.now();
  assert.deepEqual(await bridgeOnly.jobs.kill(jobId), { outcome: 'killed', jobId, previousStatus: 'pending' });
  assert.ok(Date.now() - started < 10_000, 'kill waited for a worker that is not there');
  assert.equal((await bridgeOnly.jobs.get(jobId))?.status, 'failed');
  await sleep(1500); // past the delay; now a worker comes up
  const worker = await startRunner({ db, config, mode: 'worker' });
  cleanups.push(() => worker.stop());
  await waitFor('the workflow to end as cancelled', async () => (await worker.client.workflow.getHandle(jobId).describe()).status.name === 'CANCELLED');
  assert.equal(backend.requestsFor(jobId).length, 0);
  assert.deepEqual((await worker.jobs.get(jobId))?.errors.map((e) => e.code), ['killed']);
});
