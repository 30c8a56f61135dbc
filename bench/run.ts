// `npm run bench [-- --jobs 2000 --waiting 10000] [--stack]`: the runner on this machine against
// the Temporal floor measured in the same run, on the same server: the dev server (SQLite file,
// the timer setting every dev server gets), or with --stack the production stack (Temporal on
// PostgreSQL with mTLS, the SurrealDB server). Prints a table, writes bench/results.json and
// bench/latency.svg (results-stack.json, latency-stack.svg). Not part of `npm test`: timings belong here, not in assertions.
//
// Latencies (pickup, end to end, timer lateness) use a runner inside this process, so its
// events carry exact times. Throughput, CPU, memory and the two-runner run use runner
// processes started as an operator starts them (`spooky-temporal start`), connected over
// ws:// to the embedded SurrealDB engine through the chaos run's relay.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import proto from '@temporalio/proto';
import pLimit from 'p-limit';
import { COUNTING_BACKEND_PATHS, startCountingBackend } from '../chaos/countingBackend.js';
import { RunnerProcess } from '../chaos/processes.js';
import { benchEnvironment } from './environments.js';
import { silentLogger } from '../src/adapters/logger.js';
import { createRunner } from '../src/app/runner/createRunner.js';
import { latencySvg, percentile, round } from './stats.js';

const { values: flags } = parseArgs({
  options: { jobs: { type: 'string', default: '2000' }, waiting: { type: 'string', default: '10000' }, stack: { type: 'boolean', default: false } },
});
const BURST = Number(flags.jobs);
const WAITING = Number(flags.waiting);
const SAMPLES = 50;
const EventType = proto.temporal.api.enums.v1.EventType;
type EventType = proto.temporal.api.enums.v1.EventType;
// Wall-clock ms everywhere: rows carry created_at from the same clock (performance.now()
// drifts from it by hundreds of ms over a run).
const now = () => Date.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

// Runner processes run the compiled CLI, as in production (tsx would add its own memory).
execFileSync('npm', ['run', '--silent', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
Runtime.install({ logger: new DefaultLogger('WARN') }); // no worker state chatter in the table's way
const environment = await benchEnvironment(flags.stack ? 'stack' : 'dev', log);
const db = environment.db;
const backend = await startCountingBackend();
const backendConfig = { name: 'api', table: 'job', baseUrl: backend.url, concurrency: 100, backoffBaseMs: 200, maxRetriesLimit: 100, allowedPaths: COUNTING_BACKEND_PATHS };
const processEnv = {
  SPKY_JOB_CONFIG: JSON.stringify([{ name: 'api', table: 'job', base_url: backend.url, concurrency: 100, backoff_base_ms: 200, allowed_paths: COUNTING_BACKEND_PATHS }]),
  ...environment.runnerEnv,
  LOG_LEVEL: 'warn',
};
const clientConnection = await environment.connectClient();
const client = new Client({ connection: clientConnection });

const createdAt = new Map<string, number>();
async function insert(fields: { path?: string; delay?: number; max_retries?: number } = {}): Promise<string> {
  const [rows] = await db.query<[{ id: unknown }[]]>('CREATE job CONTENT $c RETURN id', {
    c: { path: fields.path ?? '/ok', payload: '{}', max_retries: fields.max_retries ?? 0, retry_strategy: 'linear', delay: fields.delay ?? 0, status: 'pending' },
  });
  const id = String(rows[0]!.id);
  createdAt.set(id, now());
  return id;
}
async function insertMany(count: number, fields: { path: string; delay: number }): Promise<void> {
  for (let i = 0; i < count; i += 500) {
    await db.query('FOR $i IN 1..=$n { CREATE job CONTENT { path: $path, payload: "{}", max_retries: 0, retry_strategy: "linear", delay: $delay, status: "pending" } }', {
      n: Math.min(500, count - i),
      ...fields,
    });
  }
}
async function countWhere(condition: string): Promise<number> {
  const [rows] = await db.query<[{ n: number }[]]>(`SELECT count() AS n FROM job WHERE ${condition} GROUP ALL`);
  return rows[0]?.n ?? 0;
}
async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 2): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!(await done())) {
    if (now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}
function rssMbOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}
/** Runner processes; with `ready`, once a probe job of theirs has succeeded. */
async function startRunnerProcesses(count: number, ready = true): Promise<RunnerProcess[]> {
  const runners = Array.from({ length: count }, (_, i) => new RunnerProcess(`bench-runner-${i + 1}`, 'both', processEnv, 30_000, true));
  runners.forEach((r) => r.start());
  if (!ready) return runners;
  const probe = await insert();
  await waitFor('the runner processes to start', async () => (await countWhere(`id = ${probe} AND status = 'success'`)) === 1, 120_000, 100);
  return runners;
}

// ---- The floor's worker, same server: one no-op activity per workflow ----
const floorQueue = 'bench-floor';
const floorActivityAt = new Map<string, number>();
const nativeConnection = await environment.connectWorker();
const floorWorker = await Worker.create({
  connection: nativeConnection,
  taskQueue: floorQueue,
  workflowBundle: await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./floor/workflows.ts', import.meta.url)), logger: quietLogger() }),
  activities: {
    noop: async (label?: string) => {
      if (label) floorActivityAt.set(label, now());
    },
  },
  maxConcurrentActivityTaskExecutions: 100,
});
const floorRunning = floorWorker.run();

// ---- Latencies, with a runner in this process ----
const startedAt = new Map<string, number>();
const doneAt = new Map<string, number>();
const runner = await createRunner({ db, logger: silentLogger(), config: { backends: [backendConfig], temporal: environment.temporal } });
runner.events.on('job', (event) => {
  if (event.status === 'started') startedAt.set(event.jobId, now());
  if (event.status === 'success') doneAt.set(event.jobId, now());
});
await runner.start();
for (let i = 0; i < 5; i++) {
  const id = await insert(); // warm-up: bundles, pools, first workflow tasks
  await waitFor('warm-up', () => doneAt.has(id), 60_000);
}

log('1. pickup at 10 jobs/s');
const steady: string[] = [];
for (let i = 0; i < SAMPLES * 2; i++) {
  steady.push(await insert());
  await sleep(100);
}
await waitFor('steady jobs', () => steady.every((id) => doneAt.has(id)), 60_000);
const pickup = steady.map((id) => startedAt.get(id)! - createdAt.get(id)!);

log('2. end to end, one job at a time');
const e2e: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const id = await insert();
  await waitFor('one job', () => doneAt.has(id), 30_000);
  e2e.push(doneAt.get(id)! - createdAt.get(id)!);
}

log('3. kill of a call in flight: from kill() to the backend seeing the request aborted');
// Kills land at random moments of the heartbeat cycle, as a user's would.
const killToAbort: number[] = [];
const killReturns: number[] = [];
for (let i = 0; i < 20; i++) {
  const id = await insert({ path: '/slow/30000' });
  await waitFor('the slow call', () => backend.requests.some((r) => r.jobId === id), 30_000);
  await sleep(Math.random() * 1_000);
  const killedAt = now();
  await runner.jobs.kill(id);
  killReturns.push(now() - killedAt);
  const request = backend.requests.find((r) => r.jobId === id)!;
  await waitFor('the call to be aborted', () => request.abortedAt !== undefined, 30_000, 5);
  killToAbort.push(request.abortedAt! - killedAt);
}

log('5. delay and backoff accuracy');
// Written at a steady 10 rows/s, as the pickup phase: this measures the timers, not a crowd of
// jobs falling due in the same instant (those queue behind the worker's workflow thread).
// The floor's timers run beside them, with the same delays: a baseline under the same load.
const delayed: string[] = [];
const flaky: string[] = [];
const floorDue = new Map<string, number>();
for (let i = 0; i < SAMPLES; i++) {
  const delay = 300 + ((i * 1_913) % 4_700);
  delayed.push(await insert({ delay }));
  floorDue.set(`timer-${i}`, now() + delay);
  await client.workflow.start('floorDelayedWorkflow', { taskQueue: floorQueue, workflowId: `floor-timer-${i}`, args: [delay, `timer-${i}`] });
  if (i % 5 === 0 || i % 5 === 2) flaky.push(await insert({ path: '/flaky/2', max_retries: 3 }));
  await sleep(100);
}
await waitFor('delayed and flaky jobs', () => [...delayed, ...flaky].every((id) => doneAt.has(id)) && floorActivityAt.size === SAMPLES, 60_000);
const floorTimerLateness = [...floorDue].map(([label, due]) => floorActivityAt.get(label)! - due);
const requestsOf = (id: string) => backend.requests.filter((r) => r.jobId === id).sort((a, b) => a.receivedAt - b.receivedAt);
const delayLateness = await Promise.all(
  delayed.map(async (id) => {
    const row = (await runner.jobs.get(id))!;
    return requestsOf(id)[0]!.receivedAt - (row.createdAt.getTime() + row.delayMs);
  }),
);
// Where a delayed job's lateness goes, from its history: the first workflow task (the
// server's timer), the activity scheduled (the worker's workflow task), then the request.
const eventMs = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
  Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
const delayBreakdown = await Promise.all(
  delayed.map(async (id) => {
    const row = (await runner.jobs.get(id))!;
    const due = row.createdAt.getTime() + row.delayMs;
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const at = (type: EventType) => eventMs(events.find((e) => e.eventType === type)!) - due;
    return {
      workflowTask: at(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      activityScheduled: at(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
      request: requestsOf(id)[0]!.receivedAt - due,
    };
  }),
);
// Linear backoff, base 200 ms: 400 ms after attempt 1, 600 ms after attempt 2, from the answer.
const backoffLateness = flaky.flatMap((id) => {
  const [first, second, third] = requestsOf(id);
  return [second!.receivedAt - first!.answeredAt! - 400, third!.receivedAt - second!.answeredAt! - 600];
});
const lateness = [...delayLateness, ...backoffLateness];

log('6. history cost');
const eventsOf = async (id: string) => (await client.workflow.getHandle(id).fetchHistory()).events?.length ?? 0;
const eventsFirst = await eventsOf(steady[0]!);
const eventsThird = await eventsOf(flaky[0]!);
const eventsDelayed = await eventsOf(delayed[0]!);
await runner.stop();

// ---- Throughput: one runner process, then two ----
async function burstThrough(processes: number): Promise<{ perSecond: number; cpuSecondsPer1000: number; effectiveCallsPerKey: number[] }> {
  const runners = await startRunnerProcesses(processes);
  const cpuBefore = runners.map((r) => cpuSecondsOf(r.pid!));
  const successBefore = await countWhere("status = 'success'");
  const requestsBefore = backend.requests.length;
  const t0 = now();
  await insertMany(BURST, { path: '/ok', delay: 0 });
  await waitFor(`a burst through ${processes} runner process(es)`, async () => (await countWhere("status = 'success'")) - successBefore >= BURST, 900_000, 100);
  const seconds = (now() - t0) / 1000;
  const cpu = runners.reduce((sum, r, i) => sum + cpuSecondsOf(r.pid!) - cpuBefore[i]!, 0);
  await Promise.all(runners.map((r) => r.stop()));
  const perKey = new Map<string, number>();
  for (const r of backend.requests.slice(requestsBefore)) if (r.status === 200) perKey.set(r.key, (perKey.get(r.key) ?? 0) + 1);
  return { perSecond: BURST / seconds, cpuSecondsPer1000: (cpu / BURST) * 1000, effectiveCallsPerKey: [...perKey.values()] };
}
log(`3. burst of ${BURST} jobs through one runner process`);
const one = await burstThrough(1);
log(`8. burst of ${BURST} jobs through two runner processes`);
const two = await burstThrough(2);

// ---- The floor, same server: one no-op activity per workflow, straight from a client ----
log('4. the Temporal floor');
const floor = await (async () => {
  const oneAtATime: number[] = [];
  for (let i = 0; i < SAMPLES + 5; i++) {
    const t0 = now();
    await client.workflow.execute('floorWorkflow', { taskQueue: floorQueue, workflowId: `floor-one-${i}` });
    if (i >= 5) oneAtATime.push(now() - t0);
  }
  const t0 = now();
  const limit = pLimit(100); // as many in flight as the runner's 100 activity slots
  await Promise.all(
    Array.from({ length: BURST }, (_, i) => limit(() => client.workflow.execute('floorWorkflow', { taskQueue: floorQueue, workflowId: `floor-burst-${i}` }))),
  );
  return { oneAtATime, perSecond: BURST / ((now() - t0) / 1000) };
})();
floorWorker.shutdown();
await floorRunning;
await nativeConnection.close();
// The start-rate floor, for the catch-up: workflow starts with a start delay, as the bridge does.
const startsT0 = now();
const startLimit = pLimit(16);
const FLOOR_STARTS = Math.min(WAITING, 2_000);
await Promise.all(
  Array.from({ length: FLOOR_STARTS }, (_, i) =>
    startLimit(() => client.workflow.start('floorWorkflow', { taskQueue: 'bench-floor-idle', workflowId: `floor-start-${i}`, startDelay: '1h' })),
  ),
);
const floorStartsPerSecond = FLOOR_STARTS / ((now() - startsT0) / 1000);

// ---- Waiting cost: rows delayed by an hour, written while no runner runs ----
log(`7. ${WAITING} jobs delayed by an hour`);
await insertMany(WAITING, { path: '/ok', delay: 3_600_000 });
const runningJobs = async () => (await client.workflow.count('WorkflowType = "runJob" AND ExecutionStatus = "Running"')).count;
const [waiter] = await startRunnerProcesses(1, false);
let firstStart = 0;
await waitFor(
  'the catch-up',
  async () => {
    const n = await runningJobs();
    if (n > 0 && !firstStart) firstStart = now();
    return n >= WAITING;
  },
  1_800_000,
  1_000, // a count over every workflow is not free on the dev server: poll gently
);
const catchUpPerSecond = WAITING / ((now() - firstStart) / 1000);
const catchUpCpuPer1000 = (cpuSecondsOf(waiter!.pid!) / WAITING) * 1000; // includes the process's start-up
await sleep(10_000);
const idleCpuBefore = cpuSecondsOf(waiter!.pid!);
const idleT0 = now();
await sleep(60_000);
const idleCpuPercent = ((cpuSecondsOf(waiter!.pid!) - idleCpuBefore) / ((now() - idleT0) / 1000)) * 100;
const rssMb = rssMbOf(waiter!.pid!);
await waiter!.stop();

const floorP50 = percentile(floor.oneAtATime, 50);
const runTwice = two.effectiveCallsPerKey.filter((n) => n > 1).length + one.effectiveCallsPerKey.filter((n) => n > 1).length;
const results = {
  at: new Date().toISOString(),
  machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memory_gib: round(os.totalmem() / 2 ** 30), node: process.version },
  versions: versions(),
  burst_jobs: BURST,
  throughput_jobs_per_s: round(one.perSecond),
  floor_workflows_per_s: round(floor.perSecond),
  throughput_ratio: round(one.perSecond / floor.perSecond, 2),
  cpu_s_per_1000_jobs: round(one.cpuSecondsPer1000, 2),
  two_runners_jobs_per_s: round(two.perSecond),
  two_runners_cpu_s_per_1000_jobs: round(two.cpuSecondsPer1000, 2),
  jobs_run_twice: runTwice,
  pickup_p50_ms: round(percentile(pickup, 50)),
  pickup_p95_ms: round(percentile(pickup, 95)),
  pickup_p99_ms: round(percentile(pickup, 99)),
  pickup_max_ms: round(Math.max(...pickup)),
  e2e_p50_ms: round(percentile(e2e, 50)),
  e2e_p95_ms: round(percentile(e2e, 95)),
  e2e_p99_ms: round(percentile(e2e, 99)),
  floor_e2e_p50_ms: round(floorP50),
  latency_overhead_ms: round(percentile(e2e, 50) - floorP50),
  kill_to_abort_p50_ms: round(percentile(killToAbort, 50)),
  kill_to_abort_max_ms: round(Math.max(...killToAbort)),
  kill_returns_p50_ms: round(percentile(killReturns, 50)),
  kill_returns_max_ms: round(Math.max(...killReturns)),
  delay_lateness_p50_ms: round(percentile(delayLateness, 50)),
  delay_lateness_p99_ms: round(percentile(delayLateness, 99)),
  backoff_lateness_p50_ms: round(percentile(backoffLateness, 50)),
  backoff_lateness_p99_ms: round(percentile(backoffLateness, 99)),
  delay_lateness_p50_breakdown_ms: {
    first_workflow_task: round(percentile(delayBreakdown.map((d) => d.workflowTask), 50)),
    activity_scheduled: round(percentile(delayBreakdown.map((d) => d.activityScheduled), 50)),
    request_received: round(percentile(delayBreakdown.map((d) => d.request), 50)),
  },
  floor_timer_lateness_p50_ms: round(percentile(floorTimerLateness, 50)),
  floor_timer_lateness_p99_ms: round(percentile(floorTimerLateness, 99)),
  timer_lateness_p50_ms: round(percentile(lateness, 50)),
  timer_lateness_p99_ms: round(percentile(lateness, 99)),
  events_per_job: { first_attempt_success: eventsFirst, third_attempt_success: eventsThird, delayed_first_attempt_success: eventsDelayed },
  waiting_jobs: WAITING,
  catchup_rows_per_s: round(catchUpPerSecond),
  floor_starts_per_s: round(floorStartsPerSecond),
  catchup_cpu_s_per_1000_rows: round(catchUpCpuPer1000, 2),
  rss_mb: round(rssMb),
  idle_cpu_percent_of_core: round(idleCpuPercent, 2),
};

const table: [string, string, string][] = [
  ['throughput, burst (1 process)', `${results.throughput_jobs_per_s} jobs/s; floor ${results.floor_workflows_per_s} workflows/s; ratio ${results.throughput_ratio}`, 'ratio ≥ 0.9'],
  ['runner CPU', `${results.cpu_s_per_1000_jobs} s per 1,000 jobs`, ''],
  ['two runner processes', `${results.two_runners_jobs_per_s} jobs/s, ${results.two_runners_cpu_s_per_1000_jobs} CPU s per 1,000; jobs run twice: ${runTwice}`, '0 run twice'],
  ['pickup (10 jobs/s)', `p50 ${results.pickup_p50_ms} ms, p95 ${results.pickup_p95_ms}, p99 ${results.pickup_p99_ms}, max ${results.pickup_max_ms}`, 'p50 ≤ 10, p99 ≤ 50'],
  ['end to end (one at a time)', `p50 ${results.e2e_p50_ms} ms, p95 ${results.e2e_p95_ms}, p99 ${results.e2e_p99_ms}; floor p50 ${results.floor_e2e_p50_ms}; overhead ${results.latency_overhead_ms} ms`, 'overhead ≤ 15'],
  ['kill of a call in flight', `aborted at the backend p50 ${results.kill_to_abort_p50_ms} ms, max ${results.kill_to_abort_max_ms}; kill() returned p50 ${results.kill_returns_p50_ms} ms, max ${results.kill_returns_max_ms}`, 'about 1 s'],
  ['delay lateness', `p50 ${results.delay_lateness_p50_ms} ms, p99 ${results.delay_lateness_p99_ms} (p50: timer fired +${results.delay_lateness_p50_breakdown_ms.first_workflow_task}, activity scheduled +${results.delay_lateness_p50_breakdown_ms.activity_scheduled})`, 'p99 ≤ 100'],
  ['backoff lateness', `p50 ${results.backoff_lateness_p50_ms} ms, p99 ${results.backoff_lateness_p99_ms}`, 'p99 ≤ 100'],
  ['floor timer lateness', `p50 ${results.floor_timer_lateness_p50_ms} ms, p99 ${results.floor_timer_lateness_p99_ms} (bare workflows, same delays, same moments)`, ''],
  ['history events per job', `${eventsFirst} (attempt 1), ${eventsThird} (attempt 3), ${eventsDelayed} (delayed, attempt 1)`, '≤ 20 (attempt 1)'],
  [`${WAITING} jobs waiting 1 h`, `catch-up ${results.catchup_rows_per_s} rows/s (floor: ${results.floor_starts_per_s} starts/s, runner ${results.catchup_cpu_s_per_1000_rows} CPU s per 1,000 rows); RSS ${results.rss_mb} MB; idle CPU ${results.idle_cpu_percent_of_core}% of a core`, '≥ 2,000 rows/s, < 250 MB, < 1%'],
];
console.log(`spooky-temporal bench (${environment.name === 'stack' ? 'production stack: Temporal on PostgreSQL with mTLS, SurrealDB server' : 'dev server, embedded SurrealDB'}), ${results.at}, ${results.machine.cores} cores, ${results.machine.cpu}, node ${process.version}`);
for (const [k, v, target] of table) console.log(`${k.padEnd(30)} ${v}${target ? `   [target ${target}]` : ''}`);
writeFileSync(new URL(flags.stack ? './results-stack.json' : './results.json', import.meta.url), `${JSON.stringify({ environment: environment.name, ...results }, null, 2)}\n`);
writeFileSync(
  new URL(flags.stack ? './latency-stack.svg' : './latency.svg', import.meta.url),
  latencySvg(
    {
      'pickup (10/s)': pickup,
      'end to end': e2e,
      'Temporal floor, one at a time': floor.oneAtATime,
      'timer lateness': lateness.map((v) => Math.max(v, 1)),
      'floor timer lateness': floorTimerLateness.map((v) => Math.max(v, 1)),
    },
    `spooky-temporal latency, ${results.at.slice(0, 10)}, ${results.machine.cores} cores`,
  ),
);

await clientConnection.close();
await backend.close();
await environment.close();
// The Temporal SDK's native runtime can outlive every closed worker and connection; exit
// explicitly so the bench always ends on its own.
process.exit(0);

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m) };
}

function versions(): Record<string, string> {
  const pkg = (name: string) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version as string;
  return { temporalio_sdk: pkg('@temporalio/worker'), surrealdb_sdk: pkg('surrealdb'), surrealdb_engine: pkg('@surrealdb/node') };
}
