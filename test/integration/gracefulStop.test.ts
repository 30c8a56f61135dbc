// runner.stop(): no new work, calls in flight finish; with a drain timeout, calls still in
// flight are aborted and their attempt runs again on another worker, uncounted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;
const seen = new Map<string, number>();

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
  // The first request of each job hangs for `payload.ms`; a repeat answers at once.
  backend.route('/slow', async (req, res) => {
    const n = (seen.get(req.jobId) ?? 0) + 1;
    seen.set(req.jobId, n);
    if (n === 1) await new Promise((resolve) => setTimeout(resolve, (req.body as { ms: number }).ms));
    if (!res.destroyed) json(res, 200, { request: n });
  });
});

after(async () => {
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

void test('stop({ drainTimeout }) aborts a call still in flight; its attempt runs again on another worker, and the job succeeds with no retry counted', async () => {
  const config = testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 30 } });
  const first = await startRunner({ db, config, deploySchema: true });
  const jobId = await insertJob(db, { path: '/slow', payload: { ms: 20_000 }, max_retries: 0 });
  await waitFor('the first call', () => (backend.requestsFor(jobId).length === 1 ? true : undefined));
  const second = await startRunner({ db, config, mode: 'worker' });
  try {
    const t0 = Date.now();
    await first.stop({ drainTimeout: 300 });
    const stoppedIn = Date.now() - t0;
    assert.ok(stoppedIn < 10_000, `stop took ${stoppedIn} ms: the 20 s call should have been aborted after 300 ms`);
    const row = await waitForTerminal(second, jobId, 60_000);
    assert.equal(row.status, 'success');
    assert.equal(row.retries, 0);
    assert.deepEqual(row.errors, []);
    assert.deepEqual(row.result, { request: 2 });
    const requests = backend.requestsFor(jobId);
    assert.equal(requests.length, 2);
    assert.ok(requests[0]!.abortedAt, 'the first call was aborted');
    assert.deepEqual(requests.map((r) => [r.attempt, r.headers['idempotency-key']]), [[1, jobId], [1, jobId]]);
  } finally {
    await second.stop();
  }
});

void test('stop() without a drain timeout lets the call in flight finish, and the job succeeds on its first request', async () => {
  const config = testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 30 } });
  const runner = await startRunner({ db, config });
  const jobId = await insertJob(db, { path: '/slow', payload: { ms: 1_500 }, max_retries: 0 });
  await waitFor('the call', () => (backend.requestsFor(jobId).length === 1 ? true : undefined));
  await runner.stop();
  const [rows] = await db.query<[{ status: string; result: unknown }[]]>('SELECT status, result FROM type::record($id)', { id: jobId });
  assert.deepEqual(rows[0], { status: 'success', result: { request: 1 } });
  assert.equal(backend.requestsFor(jobId).length, 1);
});
