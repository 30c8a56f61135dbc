// Cron jobs on Temporal Schedules and retention, on the real dev server and the embedded engine:
// config reconciliation, one row per slot with two runners up, catch-up after an outage, the
// overlap policy, and the retention schedule.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import type { ConfigObject } from '../../src/config/loadConfig.js';
import { ScheduleExistsError } from '../../src/core/errors.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { openTestDb, sleep, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

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

async function run(options: Parameters<typeof startRunner>[0]): Promise<Runner> {
  const runner = await startRunner(options);
  cleanups.push(() => runner.stop());
  return runner;
}

/** The rows a schedule enqueued, oldest slot first. */
async function scheduledRows(db: Surreal, schedule: string): Promise<{ id: string; status: string }[]> {
  const [rows] = await db.query<[{ id: unknown; status: string }[]]>('SELECT id, status FROM job WHERE schedule = $schedule ORDER BY id', { schedule });
  return (rows ?? []).map((row) => ({ id: String(row.id), status: row.status }));
}

/** The slot time encoded in a scheduled job's id (`job:sched_<name>_<YYYYMMDDTHHMMSS>Z`). */
function slotOf(jobId: string): number {
  const m = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?Z$/.exec(jobId);
  assert.ok(m, `${jobId} ends with its slot time`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +(m[7] ?? 0));
}

void test('config schedules become Temporal Schedules at start; at the next start a changed one is updated, a removed one deleted, and one made through the API or by another deployment is kept', async () => {
  const db = await freshDb();
  const base = testConfig(temporal, backend.url);
  const first: ConfigObject = {
    ...base,
    schedules: [
      { name: 'sync-nightly', cron: '0 3 * * *', timezone: 'Europe/Berlin', path: '/echo', payload: { report: 'daily' } },
      { name: 'sync-hourly', every: '1h', path: '/echo' },
    ],
  };
  let runner = await run({ db, config: first, deploySchema: true });
  const made = await runner.schedules.create({ name: 'sync-adhoc', cron: '*/5 * * * *', path: '/echo' });
  assert.equal(made.managedBy, 'api');

  const listed = await runner.schedules.list();
  const byName = new Map(listed.map((s) => [s.name, s]));
  assert.deepEqual(['sync-adhoc', 'sync-hourly', 'sync-nightly'].map((n) => byName.get(n)?.managedBy), ['api', 'config', 'config']);
  const nightly = byName.get('sync-nightly')!;
  const berlinHour = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(d);
  assert.ok(nightly.nextRuns.length > 0);
  assert.ok(nightly.nextRuns.every((d) => berlinHour(d) === '03' && d.getUTCMinutes() === 0), `03:00 in Berlin: ${nightly.nextRuns.map((d) => d.toISOString()).join(', ')}`);
  assert.equal(nightly.overlap, 'skip');
  // What the Temporal UI shows: the schedule itself, under its id.
  const described = await runner.client.schedule.getHandle('spooky:sync-nightly').describe();
  assert.equal(described.spec.timezone, 'Europe/Berlin');
  // Its slots run on the backend's own task queue, served by the backend's workers.
  assert.equal(described.action.type === 'startWorkflow' && described.action.taskQueue, (base.backends as { taskQueue: string }[])[0]!.taskQueue);
  await runner.stop();

  const second: ConfigObject = {
    ...base,
    schedules: [{ name: 'sync-nightly', cron: '30 4 * * *', timezone: 'Europe/Berlin', path: '/spookify', payload: { id: 'boo' } }],
  };
  runner = await run({ db, config: second });
  const after = new Map((await runner.schedules.list()).map((s) => [s.name, s]));
  assert.equal(after.has('sync-hourly'), false, 'removed from config: deleted');
  assert.equal(after.get('sync-adhoc')?.managedBy, 'api', 'made through the API: kept');
  const updated = after.get('sync-nightly')!;
  assert.equal((updated.definition as { path: string }).path, '/spookify');
  assert.ok(updated.nextRuns.every((d) => berlinHour(d) === '04' && d.getUTCMinutes() === 30));
  // A runner of another deployment in the same namespace leaves this deployment's schedules alone.
  await run({ db, config: testConfig(temporal, backend.url) });
  assert.ok((await runner.schedules.list()).some((s) => s.name === 'sync-nightly'), "another deployment's runner deleted sync-nightly");
  await runner.schedules.delete('sync-adhoc');
  await assert.rejects(runner.schedules.delete('sync-adhoc'), { name: 'ScheduleNotFoundError', message: /schedules list/ });
});

/** Each sample of a gauge in Prometheus text, by its `schedule` label. */
function scheduleSamples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}\\{schedule="([^"]*)"\\} (\\S+)$`).exec(line);
    if (m) found.set(m[1]!, Number(m[2]));
  }
  return found;
}

void test("/metrics shows each of the deployment's schedules with its next run as Temporal computed it, in the future, and whether it is paused; a worker-only process shows none", async () => {
  const db = await freshDb();
  const config: ConfigObject = {
    ...testConfig(temporal, backend.url),
    schedules: [
      { name: 'gauge-nightly', cron: '0 3 * * *', path: '/echo' },
      { name: 'gauge-held', cron: '*/5 * * * *', path: '/echo', paused: true },
    ],
  };
  const runner = await run({ db, config, deploySchema: true, mode: 'bridge', metrics: { port: 0, schedulesRefreshMs: 300 } });
  const worker = await run({ db, config, mode: 'worker', metrics: { port: 0, schedulesRefreshMs: 300 } });
  const scrape = async (r: Runner) => (await fetch(`${r.opsUrl!}/metrics`)).text();
  const nextRuns = await waitFor(
    'the next-run gauge of gauge-nightly',
    async () => {
      const found = scheduleSamples(await scrape(runner), 'spooky_schedule_next_run_timestamp_seconds');
      return found.has('gauge-nightly') ? found : undefined;
    },
    10_000,
  );
  const described = await runner.client.schedule.getHandle('spooky:gauge-nightly').describe();
  assert.equal(nextRuns.get('gauge-nightly'), described.info.nextActionTimes[0]!.getTime() / 1000, 'the next action Temporal describes');
  assert.ok(nextRuns.get('gauge-nightly')! > Date.now() / 1000, 'in the future');
  // Schedules of the other tests' deployments, in the same namespace, are theirs to report.
  assert.deepEqual([...nextRuns.keys()].filter((name) => name !== 'gauge-held'), ['gauge-nightly']);
  const paused = scheduleSamples(await scrape(runner), 'spooky_schedule_paused');
  assert.deepEqual(Object.fromEntries(paused), { 'gauge-held': 1, 'gauge-nightly': 0 });

  await runner.schedules.pause('gauge-nightly');
  await waitFor('the paused gauge to follow a pause', async () => scheduleSamples(await scrape(runner), 'spooky_schedule_paused').get('gauge-nightly') === 1, 10_000);
  const workerText = await scrape(worker);
  assert.ok(!/^spooky_schedule_(next_run_timestamp_seconds|paused)\{/m.test(workerText), 'a worker-only process reports no schedule');
});

void test('the API refuses a schedule whose name differs from an existing one only in - and _, since their jobs would share row ids', async () => {
  const db = await freshDb();
  const config: ConfigObject = { ...testConfig(temporal, backend.url), schedules: [{ name: 'clash-report', cron: '0 3 * * *', path: '/echo' }] };
  const runner = await run({ db, config, deploySchema: true });
  await waitFor('the config schedule to be listed', async () => (await runner.schedules.list()).some((s) => s.name === 'clash-report'));
  await assert.rejects(runner.schedules.create({ name: 'clash_report', cron: '0 4 * * *', path: '/echo' }), (error: unknown) => {
    assert.ok(error instanceof ScheduleExistsError, String(error));
    assert.match(error.message, /"clash-report" exists already, and "clash_report" would share its jobs' row ids/);
    return true;
  });
  assert.ok(!(await runner.schedules.list()).some((s) => s.name === 'clash_report'));
});

void test('with two runners up, a schedule firing every second creates exactly one job row per slot, and each job runs once', async () => {
  const db = await freshDb();
  const config: ConfigObject = { ...testConfig(temporal, backend.url), schedules: [{ name: 'twice-up', every: '1s', path: '/echo', overlap: 'allow_all', maxRetries: 0 }] };
  const [a, b] = await Promise.all([run({ db, config, deploySchema: true }), run({ db, config, identity: 'second-runner' })]);
  const started: string[] = [];
  for (const runner of [a, b]) runner.events.on('job:started', ({ jobId }) => started.push(jobId));
  await waitFor('6 slots', async () => ((await scheduledRows(db, 'twice-up')).length >= 6 ? true : undefined), 30_000);
  await a.schedules.pause('twice-up');
  await sleep(1_500); // a slot taken just before the pause
  const rows = await scheduledRows(db, 'twice-up');
  for (const row of rows) assert.equal((await waitForTerminal(a, row.id)).status, 'success');

  const slots = rows.map((row) => slotOf(row.id));
  assert.equal(new Set(slots).size, rows.length, 'one row per slot');
  const taken = (await a.schedules.describe('twice-up')).recentRuns.map((r) => r.scheduledAt.getTime());
  for (const slot of taken) assert.ok(slots.includes(slot), `slot ${new Date(slot).toISOString()} has its row`);
  for (const row of rows) assert.equal(backend.requestsFor(row.id).length, 1, `${row.id} ran once`);
  // job:started once per job, from whichever runner enqueued its slot (the first slot may precede the listeners).
  for (const row of rows) assert.ok(started.filter((id) => id === row.id).length <= 1, `${row.id} started once`);
  assert.ok(started.length >= rows.length - 1, `${started.length} job:started events for ${rows.length} jobs`);
  assert.equal((await a.schedules.describe('twice-up')).paused, true);
});

void test("overlap skip: a slot that comes while the previous slot's job still runs is skipped", async () => {
  const db = await freshDb();
  const config: ConfigObject = {
    ...testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 10 } }),
    schedules: [{ name: 'slow-skip', every: '1s', path: '/slow', payload: { ms: 2_500 }, overlap: 'skip', maxRetries: 0 }],
  };
  const runner = await run({ db, config, deploySchema: true });
  const since = Date.now();
  await sleep(6_000);
  await runner.schedules.pause('slow-skip');
  const window = Date.now() - since;
  const rows = await scheduledRows(db, 'slow-skip');
  for (const row of rows) await waitForTerminal(runner, row.id);
  // Every second for 6 s would be 6 jobs; one at a time, 2.5 s each, leaves room for 3.
  assert.ok(rows.length >= 1 && rows.length <= Math.ceil(window / 2_500) + 1, `${rows.length} jobs in ${window} ms`);
  const calls = rows.map((row) => backend.requestsFor(row.id)[0]!).sort((x, y) => x.receivedAt - y.receivedAt);
  for (let i = 1; i < calls.length; i++) {
    assert.ok(calls[i]!.receivedAt - calls[i - 1]!.receivedAt >= 2_400, 'a job started only after the previous one ended');
  }
});

void test('slots missed while the Temporal server was down are run when it is back, within the catch-up window', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'temporal-catchup-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const dbFilename = join(dir, 'temporal.db');
  let server = await startTemporal({ dbFilename });
  const port = server.port;
  cleanups.push(() => server.stop());
  const db = await freshDb();
  const config: ConfigObject = {
    ...testConfig(server, backend.url),
    schedules: [{ name: 'catch-up', every: '2s', path: '/echo', overlap: 'buffer_all', catchupWindow: '1m', maxRetries: 0 }],
  };
  const runner = await run({ db, config, deploySchema: true });
  await waitFor('a first slot', async () => ((await scheduledRows(db, 'catch-up')).length >= 1 ? true : undefined), 30_000);
  await server.stop();
  const downAt = Date.now();
  await sleep(7_000);
  const upAt = Date.now();
  server = await startTemporal({ dbFilename, port });
  const missed = () => scheduledRows(db, 'catch-up').then((rows) => rows.filter((r) => slotOf(r.id) > downAt + 500 && slotOf(r.id) < upAt - 500));
  const caughtUp = await waitFor('the missed slots to be enqueued', async () => ((await missed()).length >= 2 ? missed() : undefined), 60_000);
  for (const row of caughtUp) assert.equal((await waitForTerminal(runner, row.id, 60_000)).status, 'success');
  for (const row of caughtUp) assert.ok(backend.requestsFor(row.id)[0]!.receivedAt >= upAt, 'run after the server came back');
  await runner.schedules.pause('catch-up');
});

void test('the retention schedule deletes finished jobs older than the window and keeps recent and unfinished ones', async () => {
  const db = await freshDb();
  const config: ConfigObject = { ...testConfig(temporal, backend.url), retention: { olderThan: '1h', every: '1s' } };
  const runner = await run({ db, config, deploySchema: true });
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  const make = async (status: string, old: boolean) => {
    const [rows] = await db.query<[{ id: unknown }[]]>(
      // created_at is READONLY with a default: write it at creation.
      `CREATE job CONTENT { path: '/echo', payload: '{}', max_retries: 0, retry_strategy: 'linear', status: $status, created_at: $at, updated_at: $at } RETURN id`,
      { status, at: old ? twoHoursAgo : new Date() },
    );
    return String(rows[0]!.id);
  };
  // Terminal rows are written by hand: keep the bridge from taking the pending ones.
  const oldDone = [await make('success', true), await make('failed', true)];
  const recentDone = await make('success', false);
  const oldProcessing = await make('processing', true);
  await waitFor('old finished rows to go', async () => {
    const left = await Promise.all(oldDone.map((id) => runner.jobs.get(id)));
    return left.every((row) => row === undefined) ? true : undefined;
  }, 30_000);
  assert.equal((await runner.jobs.get(recentDone))?.status, 'success');
  assert.equal((await runner.jobs.get(oldProcessing))?.status, 'processing');
  const retention = (await runner.schedules.list()).find((s) => s.kind === 'retention');
  assert.deepEqual({ managedBy: retention?.managedBy, definition: retention?.definition }, { managedBy: 'config', definition: { olderThanMs: 3_600_000, everyMs: 1_000 } });
  await runner.schedules.pause('retention');
});

void test("a schedule's job can be killed while its call is in flight, and retried: the re-run is an ordinary job of the bridge", async () => {
  const db = await freshDb();
  const config: ConfigObject = {
    ...testConfig(temporal, backend.url, { backendOverrides: { timeoutSeconds: 20 } }),
    schedules: [{ name: 'kill-me', every: '1h', path: '/slow', payload: { ms: 15_000 }, maxRetries: 0 }],
  };
  const runner = await run({ db, config, deploySchema: true });
  await runner.schedules.trigger('kill-me');
  const [row] = await waitFor('the triggered job', async () => {
    const rows = await scheduledRows(db, 'kill-me');
    return rows.length === 1 && backend.requestsFor(rows[0]!.id).length === 1 ? rows : undefined;
  });
  assert.deepEqual(await runner.jobs.kill(row!.id), { outcome: 'killed', jobId: row!.id, previousStatus: 'processing' });
  const killed = await runner.jobs.get(row!.id);
  assert.deepEqual([killed?.status, killed?.errors.at(-1)?.code], ['failed', 'cancelled']);

  backend.route('/slow', (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rerun: true }));
  });
  const retried = await runner.jobs.retry(row!.id);
  assert.equal(retried.workflowId, `${row!.id}~retry-1`);
  const done = await waitForTerminal(runner, row!.id);
  assert.deepEqual([done.status, done.result], ['success', { rerun: true }]);
  await runner.schedules.delete('kill-me');
});
