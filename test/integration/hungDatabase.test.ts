// A database that stops answering must not stall workers forever. The worker reaches SurrealDB
// over ws:// through the chaos relay, which can drop requests unanswered (as on a half-open
// connection); the bridge uses the embedded engine directly, so only the worker's calls hang.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import proto from '@temporalio/proto';
import { startSurrealRelay, type SurrealRelay } from '../../chaos/surrealRelay.js';
import { openSurreal } from '../../src/adapters/db/connect.js';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { TEST_SPEC, TEST_TOKEN, insertJob, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NS = 'hung';

let temporal: DevServer;
let backend: TestBackend;
let relay: SurrealRelay;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  backend.route('/echo', (req, res) => json(res, 200, { echoed: req.body }));
  relay = await startSurrealRelay({ url: 'mem://', namespace: NS, database: NS });
});

after(async () => {
  await relay?.close();
  await backend?.close();
  await temporal?.stop();
});

/** The attempt activity's retry state, as Temporal shows it while the workflow runs. */
async function pendingAttempt(runner: Awaited<ReturnType<typeof startRunner>>, jobId: string) {
  const described = await runner.client.workflow.getHandle(jobId).describe();
  const pending = described.raw.pendingActivities?.[0];
  return pending ? { attempt: pending.attempt ?? 0, lastFailure: pending.lastFailure?.message ?? '', state: pending.state } : undefined;
}

void test('a database call that never gets an answer times out and frees the worker\'s only slot: the step is retried, and the job succeeds once the database answers again', async () => {
  const config = testConfig(temporal, backend.url, { backendOverrides: { concurrency: 1 } });
  const bridge = await startRunner({ db: relay.db, config, mode: 'bridge', deploySchema: true });
  const worker = await startRunner({
    config,
    mode: 'worker',
    openDb: () => openSurreal({ url: relay.url, namespace: NS, database: NS }, { timeoutMs: 2_000 }),
    databaseCallTimeoutMs: 1_000,
  });
  try {
    relay.stopAnswering();
    const jobId = await insertJob(relay.db, { path: '/echo', payload: { n: 1 } });
    // The claim got no answer: the attempt failed on its deadline and Temporal retries it.
    const retried = await waitFor(
      'the attempt to fail on its database deadline and be retried',
      async () => {
        const pending = await pendingAttempt(bridge, jobId);
        return pending && pending.attempt >= 2 && /did not answer/.test(pending.lastFailure) ? pending : undefined;
      },
      20_000,
    );
    assert.match(retried.lastFailure, /SurrealDB did not answer a query call within 1 s/);
    assert.equal(backend.requestsFor(jobId).length, 0, 'the backend is not called before the claim is written');

    relay.answerAgain();
    const row = await waitForTerminal(bridge, jobId, 30_000);
    assert.equal(row.status, 'success');
    assert.equal(row.retries, 0, 'a database timeout is not a failed attempt of the job');
    assert.deepEqual(row.errors, []);
    assert.equal(backend.requestsFor(jobId).length, 1);
  } finally {
    relay.answerAgain();
    await worker.stop();
    await bridge.stop();
  }
});

void test('SIGTERM ends a worker process within its grace time while its activity waits on a database that never answers', async (t) => {
  // The worker process runs as an operator starts it; its one backend has a 1 s HTTP timeout, so a
  // grace time of 6 s. Its database deadline is set far away: only the shutdown path can end it.
  const config = testConfig(temporal, backend.url, { backendOverrides: { taskQueue: 'spooky-temporal.api', timeoutSeconds: 1, concurrency: 1 } });
  const bridge = await startRunner({ db: relay.db, config, mode: 'bridge', deploySchema: true });
  const env = {
    ...process.env,
    SPKY_JOB_CONFIG: JSON.stringify([{ name: 'api', table: 'job', base_url: backend.url, auth_token: TEST_TOKEN, spec: TEST_SPEC, timeout: 1, concurrency: 1 }]),
    SURREAL_URL: relay.url,
    SURREAL_NS: NS,
    SURREAL_DB: NS,
    TEMPORAL_ADDRESS: temporal.address,
    LOG_LEVEL: 'info',
  };
  const args = ['--import', 'tsx', 'src/app/cli/main.ts', 'start', '--worker-only', '--identity', 'hung-worker', '--db-timeout', '600000'];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor('the worker process to start', () => output.includes('runner started'), 60_000);
    relay.stopAnswering();
    const jobId = await insertJob(relay.db, { path: '/echo', payload: { n: 2 } });
    await waitFor(
      'the attempt to start on the worker',
      async () => (await pendingAttempt(bridge, jobId))?.state === proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the claim is sent, and waits

    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 45_000))]);
    const tookMs = Date.now() - t0;
    assert.notEqual(code, 'hung', `the worker ignored SIGTERM for 45 s; its output:\n${output.slice(-3_000)}`);
    // Grace time 6 s, then cancellation; the last resort exits at grace + 5 s + 10 s.
    t.diagnostic(`exited ${tookMs} ms after SIGTERM with code ${String(code)}`);
    assert.ok(tookMs < 30_000, `exit took ${tookMs} ms`);
  } finally {
    relay.answerAgain();
    child.kill('SIGKILL');
    await bridge.stop();
  }
});
