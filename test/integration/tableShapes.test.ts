// The core kill and retry scenarios on both table shapes a Sp00ky app may have: ours (after
// `schema deploy`, with `run` and `kill_requested_at`) and Sp00ky's table exactly as its docs
// define it (no `run`: which run is current only Temporal knows). Each must behave the same.
// Also: a backend's 2xx wins over a kill that reaches its call too late.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { StringRecordId, type Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, sleep, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

const SEED_SCHEMA = fileURLToPath(new URL('../fixtures/seed-job-table.surql', import.meta.url));

let temporal: DevServer;
let backend: TestBackend;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  // The status line and the first bytes of a 2xx at once, the rest of the body `ms` later.
  backend.route('/slow-body', async (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"done":');
    await sleep((req.body as { ms: number }).ms);
    res.end('true}');
  });
});

after(async () => {
  await backend?.close();
  await temporal?.stop();
});

const SHAPES = {
  'our deployed schema': { deploySchema: true, define: async (_db: Surreal) => undefined },
  "Sp00ky's documented table": { deploySchema: false, define: async (db: Surreal) => db.query(await readFile(SEED_SCHEMA, 'utf8')) },
};

// The two shapes run side by side (their tables are apart); the tests of one shape run in order.
void describe('both table shapes', { concurrency: true }, () => {
  for (const [shapeName, shape] of Object.entries(SHAPES)) {
    void describe(`on ${shapeName}`, { concurrency: 1 }, () => {
      let db: Surreal;
      let runner: Runner;

      before(async () => {
        ({ db } = await openTestDb());
        await shape.define(db);
        runner = await startRunner({
          db,
          config: testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 30 } }),
          deploySchema: shape.deploySchema,
        });
      });

      after(async () => {
        await runner?.stop();
        await db?.close();
      });

      const enqueue = (fields: Parameters<typeof insertJob>[1]) => insertJob(db, { assigned_to: 'thread:t', ...fields });
      const workflowStatus = async (workflowId: string) => (await runner.client.workflow.getHandle(workflowId).describe()).status.name;

      void test('a retried job runs again as ~retry-1 and succeeds, while reconciliation passes over it', async () => {
        const jobId = await enqueue({ path: '/echo' });
        assert.equal((await waitForTerminal(runner, jobId)).status, 'success');
        // Due 2.5 s after the retry (created_at is set once on ours, on every write on the seed's),
        // so the re-run waits pending through reconciliation passes (every 1 s here).
        await db.query('UPDATE $id SET delay = duration::millis(time::now() - created_at) + 2500', { id: new StringRecordId(jobId) });
        const retried = await runner.jobs.retry(jobId);
        assert.equal(retried.workflowId, `${jobId}~retry-1`);
        await sleep(1_500);
        assert.equal((await runner.jobs.get(jobId))?.status, 'pending', 'reconciliation ended the re-run while it waited');
        const row = await waitForTerminal(runner, jobId);
        assert.equal(row.status, 'success');
        assert.equal(backend.requestsFor(jobId).length, 2);
        await waitFor('the re-run to complete', async () => (await workflowStatus(`${jobId}~retry-1`)) === 'COMPLETED');
      });

      void test('kill during the delay fails the job as killed and the backend is never called', async () => {
        const jobId = await enqueue({ path: '/echo', delay: 3_000 });
        await waitFor('the workflow to start', async () => (await workflowStatus(jobId)) === 'RUNNING');
        assert.deepEqual(await runner.jobs.kill(jobId), { outcome: 'killed', jobId, previousStatus: 'pending' });
        assert.equal((await waitForTerminal(runner, jobId)).status, 'failed');
        await waitFor('the workflow to end cancelled', async () => (await workflowStatus(jobId)) === 'CANCELLED');
        await sleep(3_200);
        assert.equal(backend.requestsFor(jobId).length, 0);
      });

      void test('kill in flight aborts the request, fails the job and does not retry it', async () => {
        const jobId = await enqueue({ path: '/slow', payload: { ms: 20_000 }, max_retries: 2 });
        await waitFor('the request to arrive', () => backend.requestsFor(jobId).length === 1);
        assert.deepEqual(await runner.jobs.kill(jobId), { outcome: 'killed', jobId, previousStatus: 'processing' });
        assert.equal((await runner.jobs.get(jobId))?.status, 'failed');
        await waitFor('the backend to see the request aborted', () => backend.requestsFor(jobId)[0]?.abortedAt !== undefined, 10_000);
        assert.equal(await workflowStatus(jobId), 'CANCELLED');
        assert.equal(backend.requestsFor(jobId).length, 1);
      });

      void test('kill of a retried job in flight cancels the re-run, not the first run, and aborts its request', async () => {
        const jobId = await enqueue({ path: '/slow', payload: { ms: 50 } });
        assert.equal((await waitForTerminal(runner, jobId)).status, 'success');
        await db.query('UPDATE $id SET payload = $p', { id: new StringRecordId(jobId), p: JSON.stringify({ ms: 20_000 }) });
        await runner.jobs.retry(jobId);
        await waitFor('the re-run request to arrive', () => backend.requestsFor(jobId).length === 2);
        assert.deepEqual(await runner.jobs.kill(jobId), { outcome: 'killed', jobId, previousStatus: 'processing' });
        assert.equal((await runner.jobs.get(jobId))?.status, 'failed');
        await waitFor('the re-run request to be aborted', () => backend.requestsFor(jobId)[1]?.abortedAt !== undefined, 10_000);
        assert.equal(await workflowStatus(`${jobId}~retry-1`), 'CANCELLED');
        assert.equal(await workflowStatus(jobId), 'COMPLETED');
      });

      void test("a kill that arrives after the backend's 2xx status line is too late: the job succeeds, once", async () => {
        const jobId = await enqueue({ path: '/slow-body', payload: { ms: 2_500 }, max_retries: 2 });
        await waitFor('the request to arrive', () => backend.requestsFor(jobId).length === 1);
        await sleep(300); // the status line is on its way back; the body is not
        assert.deepEqual(await runner.jobs.kill(jobId), { outcome: 'too-late', jobId, status: 'success' });
        const row = await waitForTerminal(runner, jobId);
        assert.equal(row.status, 'success');
        await waitFor('the workflow to complete', async () => (await workflowStatus(jobId)) === 'COMPLETED');
        assert.equal(backend.requestsFor(jobId)[0]?.abortedAt, undefined, 'the 2xx body was cut off');
        await sleep(1_500);
        assert.equal(backend.requestsFor(jobId).length, 1);
      });

      // Last: it empties the table.
      void test('clear({ all }) deletes pending rows in batches and cancels the workflow of every one of them', async () => {
        const ids = await Promise.all(Array.from({ length: 10 }, () => enqueue({ path: '/echo', delay: 60_000 })));
        await waitFor('every workflow to start', async () => (await Promise.all(ids.map(workflowStatus).map((p) => p.catch(() => '')))).every((s) => s === 'RUNNING'));
        const counts = await runner.jobs.clear({ all: true, batchSize: 3 });
        assert.ok((counts['job'] ?? 0) >= 10, JSON.stringify(counts));
        assert.deepEqual(await Promise.all(ids.map((id) => runner.jobs.get(id))), ids.map(() => undefined));
        await waitFor('every workflow to be cancelled', async () => (await Promise.all(ids.map(workflowStatus))).every((s) => s === 'CANCELLED'));
      });
    });
  }
});
