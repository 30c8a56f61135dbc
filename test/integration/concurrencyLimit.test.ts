// A backend's `concurrency` holds under a backlog: 200 rows written at once, a real runner and a
// real backend on 127.0.0.1 that counts the calls in flight at every moment. Per worker: the
// worker that ran a job is the `assignee` its claim wrote (one runner here, so one worker).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import { callsPerJob, LOAD_BACKEND_PATHS, maxOverlapPerWorker, startLoadBackend, type LoadBackend } from '../../bench/loadBackend.js';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import { openTestDb, startRunner, startTemporal, testConfig, waitFor } from '../helpers/harness.js';

const JOBS = 200;
const CONCURRENCY = 2;
let temporal: DevServer;
let backend: LoadBackend;
let db: Surreal;
let runner: Runner;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startLoadBackend()]);
  ({ db } = await openTestDb());
  const config = testConfig(temporal, backend.url, {
    backendOverrides: { concurrency: CONCURRENCY, specPath: undefined, allowedPaths: LOAD_BACKEND_PATHS },
  });
  runner = await startRunner({ db, config, deploySchema: true, identity: 'limit-runner' });
});

after(async () => {
  await runner?.stop();
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

void test(`${JOBS} jobs written at once on a backend with concurrency ${CONCURRENCY}: never more than ${CONCURRENCY} calls in flight, each job called once, all succeed`, async () => {
  await db.query(`FOR $i IN 1..=${JOBS} { CREATE job CONTENT { path: '/call', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: 'pending' } }`);
  await waitFor(
    `${JOBS} successful jobs`,
    async () => {
      const [rows] = await db.query<[{ n: number }[]]>("SELECT count() AS n FROM job WHERE status = 'success' GROUP ALL");
      return (rows[0]?.n ?? 0) === JOBS ? true : undefined;
    },
    60_000,
  );

  // Every call is answered (5–20 ms) before its job's row is written `success`.
  const live = Math.max(...backend.maxInFlight.values());
  assert.equal(live, CONCURRENCY, `calls in flight at once at the backend: ${live} (a backlog fills every slot, and no more)`);
  const [rows] = await db.query<[{ id: unknown; assignee: string; status: string }[]]>('SELECT id, assignee, status FROM job');
  const assigneeOf = new Map(rows.map((r) => [String(r.id), r.assignee]));
  const perWorker = maxOverlapPerWorker(backend.calls.map((call) => ({ ...call, worker: assigneeOf.get(call.jobId) ?? 'unknown' })));
  assert.deepEqual(Object.fromEntries(perWorker), { 'limit-runner': CONCURRENCY }, 'calls in flight at once per worker, from the recorded intervals');

  const perJob = callsPerJob(backend.calls);
  assert.equal(perJob.size, JOBS, 'every job called');
  assert.deepEqual([...new Set(perJob.values())], [1], 'each job called once');
  assert.equal(backend.calls.filter((c) => c.aborted).length, 0);
  assert.deepEqual([...new Set(rows.map((r) => r.status))], ['success']);
});
