// The operations endpoint against real components: a mix of jobs runs through a runner with
// metrics on, /metrics is scraped over HTTP and its counters match the rows; /readyz turns 503
// naming the database when the database stops answering, then the bridge once it is reconnecting,
// while /healthz stays 200. With the
// bridge and the workers in separate processes, each measures its own part of every job.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSurrealRelay, type SurrealRelay } from '../../chaos/surrealRelay.js';
import { openSurreal } from '../../src/adapters/db/connect.js';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import { failureReason } from '../../src/core/metricLabels.js';
import { exportSdkMetrics } from '../../src/adapters/temporal/quietRuntime.js';
import { createServer } from 'node:net';
import { json, startTestBackend, type TestBackend } from '../helpers/backend.js';
import { insertJob, openTestDb, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';
import type { Runner } from '../../src/app/runner/createRunner.js';

const NS = 'metrics';
let temporal: DevServer;
let backend: TestBackend;
let relay: SurrealRelay;
let sdkMetricsPort: number;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  // Before the first connection installs the SDK's runtime (once per process).
  sdkMetricsPort = await freePort();
  exportSdkMetrics(`127.0.0.1:${sdkMetricsPort}`);
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  backend.route('/echo', (req, res) => json(res, 200, { echoed: req.body }));
  // 503 on the first attempt, 200 after.
  backend.route('/flaky', (req, res) => json(res, req.attempt === 1 ? 503 : 200, {}));
  relay = await startSurrealRelay({ url: 'mem://', namespace: NS, database: NS });
});

after(async () => {
  await relay?.close();
  await backend?.close();
  await temporal?.stop();
});

/** One sample's value from Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.slice(name.length, l.lastIndexOf('}') + 1).includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** Sum of a metric's samples over all label sets. */
function total(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

void test(`/metrics counts a mixed run as the rows record it, and /readyz turns 503 naming the database once the database stops answering, then the bridge reconnecting, while /healthz stays 200; the SDK's worker metrics answer on their own port`, async () => {
  const config = testConfig(temporal, backend.url);
  const runner = await startRunner({
    config,
    openDb: () => openSurreal({ url: relay.url, namespace: NS, database: NS }, { timeoutMs: 2_000 }),
    databaseCallTimeoutMs: 1_000,
    deploySchema: true,
    metrics: { port: 0, backlogRefreshMs: 200 },
  });
  try {
    const url = runner.opsUrl!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = await waitFor('/readyz to answer 200', async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined), 15_000);
    assert.equal(ready, true);

    const jobs = {
      success: await insertJob(relay.db, { path: '/echo', payload: { n: 1 } }),
      retried: await insertJob(relay.db, { path: '/flaky', max_retries: 2 }),
      clientError: await insertJob(relay.db, { path: '/status/404' }),
      invalid: await insertJob(relay.db, { path: '/not-in-the-spec' }),
      killed: await insertJob(relay.db, { path: '/slow', payload: { ms: 20_000 } }),
      killedWaiting: await insertJob(relay.db, { path: '/echo', payload: { n: 2 }, delay: 60_000 }),
    };
    await waitFor('the slow job to reach the backend', () => backend.requestsFor(jobs.killed).length > 0, 20_000);
    await waitFor('every row picked up', async () => total(await (await fetch(`${url}/metrics`)).text(), 'spooky_jobs_enqueued_total') === 6, 20_000);
    await runner.jobs.kill(jobs.killedWaiting, { waitMs: 10_000 });
    const inFlight = await (await fetch(`${url}/metrics`)).text();
    assert.equal(sample(inFlight, 'spooky_calls_in_flight', { backend: 'api' }) >= 1, true, 'the slow call is in flight');
    await runner.jobs.kill(jobs.killed, { waitMs: 10_000 });
    const rows = await Promise.all(Object.values(jobs).map((id) => waitForTerminal(runner, id, 30_000)));

    const text = await (await fetch(`${url}/metrics`)).text();
    const succeeded = rows.filter((r) => r.status === 'success').length;
    assert.equal(succeeded, 2);
    assert.equal(total(text, 'spooky_jobs_succeeded_total'), succeeded);
    const failedRows = rows.filter((r) => r.status === 'failed');
    const byReason = new Map<string, number>();
    for (const row of failedRows) {
      const reason = failureReason(row.errors.at(-1)?.code);
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    }
    assert.deepEqual([...byReason.keys()].sort(), ['cancelled', 'http_4xx', 'invalid', 'killed']);
    for (const [reason, n] of byReason) assert.equal(sample(text, 'spooky_jobs_failed_total', { reason }), n, `failed{reason="${reason}"}`);
    assert.equal(total(text, 'spooky_jobs_failed_total'), failedRows.length);
    assert.equal(total(text, 'spooky_jobs_retried_total'), 1, 'the one 503 was retried');
    assert.equal(total(text, 'spooky_jobs_killed_total'), 2);
    assert.equal(total(text, 'spooky_jobs_enqueued_total'), 6);
    // Path labels are the spec's templates, never the raw path.
    assert.equal(sample(text, 'spooky_jobs_failed_total', { path: '/status/{code}', reason: 'http_4xx', backend: 'api', table: 'job' }), 1);
    assert.ok(!text.includes('/status/404'), 'a raw path never becomes a label');
    assert.equal(sample(text, 'spooky_attempt_duration_seconds_count', { path: '/echo' }), 1);
    assert.equal(sample(text, 'spooky_job_end_to_end_seconds_count', { path: '/flaky' }), 1);
    // The job killed in its delay ran no attempt: its end to end comes from the pickup's row time.
    assert.equal(sample(text, 'spooky_job_end_to_end_seconds_count', { path: '/echo' }), 2);
    assert.ok(total(text, 'spooky_job_pickup_lag_seconds_count') >= 4);
    await waitFor(
      'the backlog gauge to show no pending row',
      async () => sample(await (await fetch(`${url}/metrics`)).text(), 'spooky_oldest_pending_age_seconds', { table: 'job' }) === 0 || undefined,
      5_000,
    );

    const sdk = await (await fetch(`http://127.0.0.1:${sdkMetricsPort}/metrics`)).text();
    assert.match(sdk, /^temporal_num_pollers\{.*poller_type="activity_task"/m, "the SDK's worker metrics are served beside ours");

    relay.stopAnswering();
    const notReady = await fetch(`${url}/readyz`);
    assert.equal(notReady.status, 503);
    const body = (await notReady.json()) as { failures: { check: string; reason: string }[] };
    // The bridge's own health check may already have noticed too (it probes every 500 ms here).
    assert.equal(body.failures[0]?.check, 'database', JSON.stringify(body));
    assert.ok(body.failures.slice(1).every((f) => f.check === 'bridge'), JSON.stringify(body));
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const bridgeDown = await waitFor(
      '/readyz to name the bridge reconnecting its live subscriptions',
      async () => {
        const answer = (await (await fetch(`${url}/readyz`)).json()) as { failures: { check: string; reason: string }[] };
        return answer.failures.find((f) => f.check === 'bridge');
      },
      15_000,
    );
    assert.match(bridgeDown.reason, /live subscriptions lost since .*; reconnecting/);
  } finally {
    relay.answerAgain();
    await runner.stop();
  }
});

void test('with the bridge and the workers in separate runners, the worker measures end to end, lateness and attempts of every job and the bridge only enqueues and pickup lag, so nothing is counted twice', async () => {
  const { db } = await openTestDb();
  const config = testConfig(temporal, backend.url);
  const runners: Runner[] = [];
  try {
    const bridge = await startRunner({ db, config, mode: 'bridge', deploySchema: true, metrics: { port: 0 } });
    runners.push(bridge);
    const worker = await startRunner({ db, config, mode: 'worker', metrics: { port: 0 } });
    runners.push(worker);
    const DELAY_MS = 1_500;
    const ids = [
      await insertJob(db, { path: '/echo', payload: { n: 1 } }),
      await insertJob(db, { path: '/echo', payload: { n: 2 } }),
      await insertJob(db, { path: '/echo', payload: { n: 3 }, delay: DELAY_MS }),
    ];
    const rows = await Promise.all(ids.map((id) => waitForTerminal(worker, id, 30_000)));
    assert.deepEqual(rows.map((r) => r.status), ['success', 'success', 'success']);

    const scrape = async (runner: Runner) => (await fetch(`${runner.opsUrl!}/metrics`)).text();
    // The outcome's event follows the row's write by a moment.
    const workerText = await waitFor(
      "the worker's end-to-end count to reach the jobs",
      async () => {
        const text = await scrape(worker);
        return total(text, 'spooky_job_end_to_end_seconds_count') >= ids.length ? text : undefined;
      },
      5_000,
    );
    assert.equal(total(workerText, 'spooky_job_end_to_end_seconds_count'), ids.length, 'end to end, once per job');
    assert.equal(total(workerText, 'spooky_job_delay_lateness_seconds_count'), ids.length, 'lateness, once per first attempt');
    assert.equal(total(workerText, 'spooky_attempt_duration_seconds_count'), ids.length);
    assert.equal(total(workerText, 'spooky_jobs_started_total'), ids.length);
    assert.equal(total(workerText, 'spooky_jobs_succeeded_total'), ids.length);
    // The delayed job's end to end includes its delay: the row's created_at reached the worker.
    assert.ok(total(workerText, 'spooky_job_end_to_end_seconds_sum') >= DELAY_MS / 1000, workerText);
    assert.equal(total(workerText, 'spooky_job_pickup_lag_seconds_count'), 0, 'pickup lag is the bridge’s');
    assert.equal(total(workerText, 'spooky_jobs_enqueued_total'), 0, 'enqueued is the bridge’s');

    const bridgeText = await scrape(bridge);
    assert.equal(total(bridgeText, 'spooky_job_pickup_lag_seconds_count'), ids.length);
    assert.equal(total(bridgeText, 'spooky_jobs_enqueued_total'), ids.length);
    assert.equal(total(bridgeText, 'spooky_job_end_to_end_seconds_count'), 0, 'no end to end counted twice');
    assert.equal(total(bridgeText, 'spooky_job_delay_lateness_seconds_count'), 0);
    assert.equal(total(bridgeText, 'spooky_attempt_duration_seconds_count'), 0);
  } finally {
    for (const runner of runners.reverse()) await runner.stop();
    await db.close();
  }
});
