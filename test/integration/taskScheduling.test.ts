// Priorities, named queues and fairness, on the real dev server (new matcher, fairness on):
// a backlog is built in Temporal while no worker runs, then one starts with few slots, and
// the order in which the backend really received the calls is what is checked.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Surreal } from 'surrealdb';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import type { EnqueueOptions } from '../../src/core/enqueueOptions.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { openTestDb, sleep, startRunner, startTemporal, testConfig, waitFor, waitForTerminal } from '../helpers/harness.js';

let temporal: DevServer;
let backend: TestBackend;
let db: Surreal;

before(async () => {
  [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
  ({ db } = await openTestDb());
});

after(async () => {
  await db?.close();
  await backend?.close();
  await temporal?.stop();
});

/** Enqueues through a bridge-only runner and resolves once every job's workflow has started. */
async function enqueueBacklog(bridge: Runner, items: { payload: unknown; options: EnqueueOptions }[]): Promise<string[]> {
  const started = new Set<string>();
  const onJob = (event: { jobId: string; status: string }) => {
    if (event.status === 'started') started.add(event.jobId);
  };
  bridge.events.on('job', onJob);
  try {
    const ids: string[] = [];
    for (let i = 0; i < items.length; i += 250) {
      const handles = await bridge.jobs.enqueueMany(
        items.slice(i, i + 250).map((item) => ({ backend: 'api', path: '/echo', payload: item.payload, options: { maxRetries: 0, ...item.options } })),
      );
      ids.push(...handles.map((h) => h.id));
    }
    await waitFor(`${ids.length} workflows started`, () => ids.every((id) => started.has(id)), 120_000);
    return ids;
  } finally {
    bridge.events.off('job', onJob);
  }
}

/** Job ids in the order the backend received their first call. */
function arrivalOrder(ids: Set<string>): string[] {
  return backend.requests.filter((r) => ids.has(r.jobId) && r.attempt === 1).map((r) => r.jobId);
}

void test('with one worker slot, 5 critical jobs enqueued behind a backlog of 50 low ones finish before the remaining low ones', async (t) => {
  const config = testConfig(temporal, backend.url, { backendOverrides: { concurrency: 1 } });
  const bridge = await startRunner({ db, config, mode: 'bridge', deploySchema: true });
  let worker: Runner | undefined;
  try {
    const low = await enqueueBacklog(bridge, Array.from({ length: 50 }, (_, n) => ({ payload: { low: n }, options: { priority: 'low' } })));
    const critical = await enqueueBacklog(bridge, Array.from({ length: 5 }, (_, n) => ({ payload: { critical: n }, options: { priority: 'critical' } })));
    const row = await bridge.jobs.get(critical[0]!);
    assert.equal(row?.priority, 1, 'the priority is stored on the row');

    worker = await startRunner({ db, config, mode: 'worker' });
    await Promise.all(critical.map((id) => waitForTerminal(worker!, id, 60_000)));
    const order = arrivalOrder(new Set([...low, ...critical]));
    const positions = critical.map((id) => order.indexOf(id));
    const [first, last] = [Math.min(...positions), Math.max(...positions)];
    t.diagnostic(`low jobs that reached the backend before the last critical one: ${last - 4} of 50`);
    // First in, first out would put the critical jobs after all 50. A low job can only come first
    // if its attempt was handed to the free slot while the critical workflows were still starting.
    assert.equal(last - first, 4, `no low job runs between the critical ones (order: ${order.slice(0, 10).join(', ')}…)`);
    assert.ok(first <= 2, `${first} low jobs reached the backend before the critical ones (order: ${order.slice(0, 10).join(', ')}…)`);
    await Promise.all(low.map((id) => waitForTerminal(worker!, id, 120_000)));
    const lowOrder = arrivalOrder(new Set(low));
    assert.equal(lowOrder.length, 50, 'every low job ran too');
  } finally {
    await worker?.stop();
    await bridge.stop();
  }
});

void test("a critical schedule's slot runs ahead of the jobs already waiting on its backend's task queue", async (t) => {
  const config = testConfig(temporal, backend.url, { backendOverrides: { concurrency: 1 } });
  const runner = await startRunner({ db, config, deploySchema: true });
  try {
    await runner.schedules.create({ name: 'urgent-digest', every: '1h', path: '/echo', payload: { digest: true }, priority: 'critical', maxRetries: 0 });
    // One slot, 30 calls of 150 ms each waiting for it.
    const handles = await runner.jobs.enqueueMany(
      Array.from({ length: 30 }, (_, n) => ({ backend: 'api', path: '/slow', payload: { ms: 150, n }, options: { maxRetries: 0 } })),
    );
    const backlog = new Set(handles.map((h) => h.id));
    const arrived = () => backend.requests.filter((r) => r.attempt === 1 && backlog.has(r.jobId)).length;
    await waitFor('the backlog to be running', () => arrived() >= 3);
    const atTrigger = arrived();
    await runner.schedules.trigger('urgent-digest');
    const slotJob = await waitFor('the scheduled job to reach the backend', async () => {
      const [rows] = await db.query<[{ id: unknown }[]]>("SELECT id FROM job WHERE schedule = 'urgent-digest'");
      const id = rows[0] ? String(rows[0].id) : undefined;
      return id && backend.requestsFor(id).length > 0 ? id : undefined;
    }, 60_000);
    const order = backend.requests.filter((r) => r.attempt === 1 && (r.jobId === slotJob || backlog.has(r.jobId))).map((r) => r.jobId);
    const overtaken = order.indexOf(slotJob) - atTrigger;
    t.diagnostic(`waiting jobs that reached the backend between the trigger and the scheduled job: ${overtaken} of ${30 - atTrigger}`);
    // The slot's own steps (write the row, start the job) run at the first priority, and its job
    // at the schedule's. At the default priority, writing the row would wait behind the backlog.
    assert.ok(overtaken <= 5, `${overtaken} waiting jobs reached the backend between the trigger and the scheduled job`);
    await Promise.all([...backlog].map((id) => waitForTerminal(runner, id, 60_000)));
  } finally {
    await runner.schedules.delete('urgent-digest').catch(() => undefined);
    await runner.stop();
  }
});

void test('a job on a queue no runner serves stays pending and is reported unserved; a runner serving that queue then runs it', async () => {
  const config = testConfig(temporal, backend.url);
  const main = await startRunner({ db, config, deploySchema: true });
  let emails: Runner | undefined;
  try {
    const onEmails = await main.jobs.background('api', '/echo', { to: 'a@example.com' }).queue('emails').retries(0).enqueue();
    const onDefault = await main.jobs.run('api', '/echo', { plain: true }, { maxRetries: 0 });
    assert.equal((await onDefault.wait({ timeout: 30_000 })).status, 'success');
    await sleep(1_000);
    assert.equal(await onEmails.status(), 'pending', 'no worker serves queue emails, so the job waits');
    assert.equal(backend.requestsFor(onEmails.id).length, 0);
    const report = await main.jobs.queues();
    const emailsQueue = report.find((q) => q.queue === 'emails');
    assert.deepEqual(
      { pending: emailsQueue?.pending, served: emailsQueue?.served, taskQueue: emailsQueue?.taskQueue },
      { pending: 1, served: false, taskQueue: `${main.config.backends[0]!.taskQueue}-emails` },
    );

    emails = await startRunner({ db, config, mode: 'worker', queues: ['emails'] });
    const done = await onEmails.wait({ timeout: 30_000 });
    assert.equal(done.status, 'success');
    assert.deepEqual((await main.jobs.queues()).filter((q) => q.queue === 'emails'), [], 'nothing is pending on emails any more');
  } finally {
    await emails?.stop();
    await main.stop();
  }
});

void test("fairness: 10 jobs of one tenant enqueued behind 1,000 of another finish while most of the 1,000 still wait", async (t) => {
  const config = testConfig(temporal, backend.url, { backendOverrides: { concurrency: 2 } });
  const bridge = await startRunner({ db, config, mode: 'bridge', deploySchema: true });
  let worker: Runner | undefined;
  try {
    const busy = await enqueueBacklog(bridge, Array.from({ length: 1_000 }, (_, n) => ({ payload: { n }, options: { assignedTo: 'tenant:busy' } })));
    const quiet = await enqueueBacklog(bridge, Array.from({ length: 10 }, (_, n) => ({ payload: { n }, options: { fairnessKey: 'tenant-quiet' } })));

    worker = await startRunner({ db, config, mode: 'worker' });
    await Promise.all(quiet.map((id) => waitForTerminal(worker!, id, 90_000)));
    const busyDone = arrivalOrder(new Set(busy)).length;
    t.diagnostic(`busy tenant's jobs run before the quiet tenant's 10 were done: ${busyDone} of 1,000`);
    // Without fairness the 10 would wait for all 1,000 (first in, first out); taking turns, they
    // are done after about 10 of the busy tenant's jobs (10-12 measured).
    assert.ok(busyDone <= 50, `${busyDone} of the busy tenant's 1,000 jobs ran before the quiet tenant's 10 were done`);
  } finally {
    await worker?.stop();
    await bridge.stop();
  }
});
