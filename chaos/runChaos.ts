// The chaos run: a mixed load of jobs through a bridge process and two worker processes,
// while workers, bridges and the Temporal server are killed and restarted at random moments.
// Afterwards every row, every backend request and every workflow outcome is checked.
import proto from '@temporalio/proto';
import { ApplicationFailure, CancelledFailure, Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import pLimit from 'p-limit';
import { Table, raw } from 'surrealdb';
import { configFromObject } from '../src/config/loadConfig.js';
import { parseJobRow } from '../src/adapters/db/jobRow.js';
import { TableShapes } from '../src/adapters/db/tableShape.js';
import type { JobRow } from '../src/core/interfaces.js';
import { JobsClient } from '../src/app/jobs/jobsClient.js';
import { SchedulesClient } from '../src/app/schedulesClient.js';
import { BackendRegistry } from '../src/config/backendRegistry.js';
import { workflowIdFor } from '../src/core/workflowId.js';
import { checkChaos, type ChaosResults, type WorkflowOutcome } from './checks.js';
import { COUNTING_BACKEND_PATHS, startCountingBackend } from './countingBackend.js';
import { devEnvironment, stackEnvironment, type ChaosEnvironment } from './environments.js';
import { RunnerProcess } from './processes.js';

export interface ChaosOptions {
  /** `dev` (default): dev server and embedded engine; `stack`: the production stack (npm run stack's servers). */
  environment?: 'dev' | 'stack';
  jobs: number;
  faults: number;
  seed: number;
  /** Longest delay of a delayed job, ms (the issue asks for 1–20 s). */
  maxDelayMs: number;
  /** How long enqueueing is spread over, ms. */
  enqueueOverMs: number;
  /** Give up waiting for the rows to end after this long, ms. */
  settleTimeoutMs: number;
  /**
   * The whole run's hard deadline, ms. When it passes, the run prints what was still open (rows,
   * task queues' pollers and backlog, each process's last output), stops what it started and fails.
   */
  deadlineMs: number;
  /** How long the `surreal-stall` / `network-stall` fault keeps SurrealDB from answering, ms (default 20 s). */
  surrealStallMs?: number;
  /** Deadline of each SurrealDB call in the runner processes (`start --db-timeout`), ms; default theirs (10 s). */
  dbTimeoutMs?: number;
  log: (line: string) => void;
}

/** Faults of the runner processes, the same in every environment; each environment adds its servers' faults. */
export const RUNNER_FAULT_KINDS = ['kill-worker', 'kill-bridge', 'kill-bridge-and-worker', 'kill-worker-after-claim', 'kill-worker-during-call', 'two-bridges'] as const;
/** Every fault of a run on the dev environment (its servers add restart-temporal and the two SurrealDB faults). */
export const DEV_FAULT_KINDS = [...RUNNER_FAULT_KINDS, 'restart-temporal', 'surreal-stall', 'surreal-drop-connections'] as const;
type FaultKind = string;

type JobKind = 'ok' | 'delayed' | 'flaky' | 'fail' | 'slow' | 'kill-before-call' | 'kill-during-call' | 'retry-after-finish';

export interface ChaosReport extends ChaosResults {
  duration_s: number;
  kinds: Record<string, number>;
  fault_kinds: Record<string, number>;
}

/** What a run started, for the diagnostics and the cleanup when its deadline passes. */
interface Started {
  processes: RunnerProcess[];
  environment?: ChaosEnvironment;
  backend?: { close(): Promise<void> };
  connection?: Connection;
  client?: Client;
  taskQueues: string[];
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started: Started = { processes: [], taskQueues: [] };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChaosDeadlineError(options.deadlineMs)), options.deadlineMs);
  });
  try {
    return await Promise.race([run(options, started), expired]);
  } catch (error) {
    if (error instanceof ChaosDeadlineError) {
      const report = await diagnose(started).catch((e: unknown) => `diagnostics failed: ${(e as Error).message}`);
      options.log(report);
      await cleanUp(started);
      throw new Error(`${error.message}\n${report}`, { cause: error });
    }
    await cleanUp(started);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

class ChaosDeadlineError extends Error {
  constructor(deadlineMs: number) {
    super(`the chaos run did not end within its deadline of ${Math.round(deadlineMs / 1000)} s`);
  }
}

/** Open rows, each task queue's pollers and backlog, each process's last output. Every step bounded. */
async function diagnose(s: Started): Promise<string> {
  const lines: string[] = [];
  if (s.environment) {
    const open = await within(
      s.environment.db.query<[unknown[]]>("SELECT id, status, retries, assignee, updated_at FROM job WHERE status IN ['pending', 'processing'] LIMIT 20"),
      5_000,
    ).catch((error: unknown) => [[`(could not read the rows: ${(error as Error).message})`]]);
    const rows = open[0] ?? [];
    lines.push(`open rows (first ${rows.length}):`, ...rows.map((row) => `  ${JSON.stringify(row)}`));
  }
  if (s.client) {
    const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
    for (const name of s.taskQueues) {
      for (const [typeName, type] of [['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW], ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]] as const) {
        const described = await within(
          s.client.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            taskQueueType: type,
            reportStats: true,
          }),
          5_000,
        ).catch((error: unknown) => error as Error);
        if (described instanceof Error) {
          lines.push(`task queue ${name} (${typeName}): cannot describe: ${described.message}`);
          continue;
        }
        const pollers = (described.pollers ?? []).map((p) => p.identity).join(', ') || 'none';
        const stats = described.stats;
        const age = stats?.approximateBacklogAge?.seconds;
        lines.push(
          `task queue ${name} (${typeName}): pollers ${pollers}; backlog ${String(stats?.approximateBacklogCount ?? '?')}` +
            (age != null ? `, oldest ${String(age)} s` : ''),
        );
      }
    }
  }
  for (const p of s.processes) {
    lines.push(`${p.name} (${p.running ? `running, pid ${p.pid}` : 'not running'}), last output:`, p.recentStderr.slice(-2_000) || '  (none)');
  }
  return lines.join('\n');
}

/** Stops everything the run started. Bounded: a hung engine or process cannot keep it waiting. */
async function cleanUp(s: Started): Promise<void> {
  await Promise.allSettled(s.processes.map((p) => p.stop()));
  await within(s.connection?.close() ?? Promise.resolve(), 5_000).catch(() => undefined);
  await within(s.backend?.close() ?? Promise.resolve(), 5_000).catch(() => undefined);
  await within(s.environment?.close() ?? Promise.resolve(), 60_000).catch(() => undefined);
}

function within<T>(promise: PromiseLike<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]);
}

async function run(options: ChaosOptions, started_: Started): Promise<ChaosReport> {
  const started = Date.now();
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const { log } = options;
  const stallMs = options.surrealStallMs ?? 20_000;
  const environment = (started_.environment =
    options.environment === 'stack' ? await stackEnvironment({ surrealStallMs: stallMs, log }) : await devEnvironment({ surrealStallMs: stallMs }));
  const db = environment.db;
  const backend = (started_.backend = await startCountingBackend());
  const jobConfig = [
    { name: 'api', table: 'job', base_url: backend.url, timeout: 10, concurrency: 10, backoff_base_ms: 100, backoff_max_ms: 2_000, allowed_paths: COUNTING_BACKEND_PATHS },
  ];
  const env = { ...environment.runnerEnv, SPKY_JOB_CONFIG: JSON.stringify(jobConfig), LOG_LEVEL: 'warn' };
  const extraArgs = options.dbTimeoutMs !== undefined ? ['--db-timeout', String(options.dbTimeoutMs)] : [];
  const runner = (name: string, mode: 'bridge' | 'worker') => new RunnerProcess(name, mode, env, 2_000, false, extraArgs);
  const bridge = runner('bridge-1', 'bridge');
  const secondBridge = runner('bridge-2', 'bridge');
  const workers = [runner('worker-1', 'worker'), runner('worker-2', 'worker')];
  const everyProcess = (started_.processes = [bridge, secondBridge, ...workers]);
  bridge.start();
  workers.forEach((w) => w.start());

  const connection = (started_.connection = await environment.connectTemporal());
  const client = (started_.client = new Client({ connection }));
  const config = configFromObject({ backends: [{ name: 'api', baseUrl: backend.url, allowedPaths: COUNTING_BACKEND_PATHS }] });
  started_.taskQueues = config.backends.map((b) => b.taskQueue);
  const registry = await BackendRegistry.load(config);
  const jobs = new JobsClient({ db: () => db, client, registry, shapes: new TableShapes(() => db) });
  const schedules = new SchedulesClient({ client, config, registry });

  const killedAt = new Map<string, number>();
  const expectedFailures = new Set<string>();
  const killDuringCall = new Set<string>();
  const retryAfterFinish = new Set<string>();
  const background: Promise<unknown>[] = [];
  const faults: { kind: string; at: number }[] = [];
  const kinds: Record<string, number> = {};

  /** Retries an API call while Temporal restarts under it. */
  const persist = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    for (let i = 0; ; i++) {
      try {
        return await call();
      } catch (error) {
        if (i >= 60) throw new Error(`${what} kept failing: ${(error as Error).message}`, { cause: error });
        await sleep(500);
      }
    }
  };
  const kill = (jobId: string) =>
    background.push(
      persist(`kill ${jobId}`, () => jobs.kill(jobId))
        .then(() => killedAt.set(jobId, Date.now()))
        .catch((error: unknown) => log(`kill failed: ${(error as Error).message}`)),
    );

  // Kill mid-call: as soon as the backend sees the request of a job meant for it.
  let onCall: ((jobId: string, path: string) => void) | undefined;
  backend.onRequest = (request) => {
    if (killDuringCall.delete(request.jobId)) setTimeout(() => kill(request.jobId), 100);
    onCall?.(request.jobId, request.path);
  };

  // ---------------------------------------------------------------- the load
  // A schedule fires every 2 s throughout: its slot workflows run on the workers that get killed.
  await persist('create the schedule', () =>
    schedules.create({ name: SCHEDULE, every: '2s', path: '/ok', payload: {}, overlap: 'allow_all', maxRetries: 20 }),
  );
  const enqueue = async (index: number, forced?: JobKind) => {
    const kind = forced ?? jobKind(random());
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const delay = kind === 'delayed' ? 1_000 + Math.floor(random() * (options.maxDelayMs - 1_000)) : kind === 'kill-before-call' ? options.maxDelayMs : 0;
    const pathOf: Record<JobKind, string> = {
      ok: '/ok',
      delayed: '/ok',
      flaky: `/flaky/${1 + Math.floor(random() * 3)}`,
      fail: '/fail',
      slow: '/slow/1500',
      'kill-before-call': '/ok',
      'kill-during-call': '/slow/60000',
      'retry-after-finish': '/ok',
    };
    const [rows] = await persist('enqueue', () => db.query<[{ id: unknown }[]]>('CREATE job CONTENT $content RETURN id', {
      content: {
        path: pathOf[kind],
        payload: JSON.stringify({ index }),
        // Enough that injected faults alone cannot exhaust them; the failing ones end soon.
        max_retries: kind === 'fail' ? 2 : 20,
        retry_strategy: 'linear',
        delay,
        status: 'pending',
      },
    }));
    const jobId = String(rows[0]!.id);
    if (kind === 'fail') expectedFailures.add(jobId);
    if (kind === 'kill-during-call') killDuringCall.add(jobId);
    if (kind === 'retry-after-finish') retryAfterFinish.add(jobId);
    if (kind === 'kill-before-call') {
      const at = 500 + Math.floor(random() * (options.maxDelayMs / 2));
      background.push(sleep(at).then(() => kill(jobId)));
    }
  };
  const enqueueing = (async () => {
    const batches = Math.max(1, Math.round(options.enqueueOverMs / 200));
    const perBatch = Math.ceil(options.jobs / batches);
    for (let done = 0; done < options.jobs; done += perBatch) {
      await Promise.all(Array.from({ length: Math.min(perBatch, options.jobs - done) }, (_, i) => enqueue(done + i)));
      await sleep(200);
    }
  })();

  // Retry jobs after they finished, once each.
  const retried = new Set<string>();
  let retryPass: Promise<void> = Promise.resolve();
  const retrying = setInterval(() => {
    retryPass = retryPass.then(async () => {
      for (const jobId of retryAfterFinish) {
        if (retried.has(jobId)) continue;
        const row = await jobs.get(jobId).catch(() => undefined);
        if (row?.status !== 'success' && row?.status !== 'failed') continue;
        // Marked first: a retry whose answer was lost (Temporal restarting) may have reset the row
        // already, and a second one would then be refused (or, once it ended, run it twice).
        retried.add(jobId);
        let attempted = false;
        await persist(`retry ${jobId}`, async () => {
          if (attempted && (await jobs.get(jobId))?.status !== 'success' && (await jobs.get(jobId))?.status !== 'failed') return;
          attempted = true;
          await jobs.retry(jobId);
        });
      }
    }).catch((error: unknown) => log(`retry pass failed: ${(error as Error).message}`));
  }, 1_000);

  // ---------------------------------------------------------------- the faults
  const faultKinds: string[] = [...RUNNER_FAULT_KINDS, ...Object.keys(environment.faults)];
  const order = shuffle([...faultKinds, ...Array.from({ length: Math.max(0, options.faults - faultKinds.length) }, () => pick(faultKinds))], random);
  // Faults land while jobs are still being enqueued, so each one meets work in progress.
  const spacing = options.enqueueOverMs / (order.length + 1);
  const restartLater = (processes: RunnerProcess[], ms: number) =>
    background.push(sleep(ms).then(() => processes.forEach((p) => p.start())));
  const record = (kind: FaultKind) => {
    faults.push({ kind, at: Date.now() });
    log(`fault ${faults.length}/${order.length}: ${kind}`);
  };
  const killWorkerOfJob = async (jobId: string, kind: FaultKind) => {
    const [assignee] = await db.query<[string | undefined]>('SELECT VALUE assignee FROM ONLY type::record($id)', { id: jobId });
    const worker = workers.find((w) => w.name === assignee) ?? pick(workers);
    worker.kill();
    record(kind);
    restartLater([worker], 500 + random() * 1_000);
  };

  // A targeted fault that finds nothing to hit (no claim, no call in 10 s) is tried again later.
  const queue = [...order];
  for (let tries = 0; queue.length > 0 && tries < order.length * 3; tries++) {
    const kind = queue.shift()!;
    const before = faults.length;
    await sleep(spacing * (0.5 + random()));
    switch (kind) {
      case 'kill-worker': {
        const worker = pick(workers);
        worker.kill();
        record(kind);
        restartLater([worker], 300 + random() * 1_500);
        break;
      }
      case 'kill-bridge':
        bridge.kill();
        record(kind);
        restartLater([bridge], 300 + random() * 1_500);
        break;
      case 'kill-bridge-and-worker': {
        const worker = pick(workers);
        bridge.kill();
        worker.kill();
        record(kind);
        restartLater([bridge, worker], 500 + random() * 1_500);
        break;
      }
      case 'kill-worker-after-claim': {
        // The next claim seen on the database: kill the worker that made it.
        const live = await db.live(new Table('job')).where(raw("status = 'processing'"));
        const claimed = await Promise.race([
          new Promise<string>((resolve) => live.subscribe((m) => m.action !== 'KILLED' && resolve(String(m.value['id'])))),
          sleep(10_000).then(() => undefined),
        ]);
        await live.kill();
        if (claimed) await killWorkerOfJob(claimed, kind);
        break;
      }
      case 'kill-worker-during-call': {
        const nextSlowCall = (ms: number) =>
          Promise.race([
            new Promise<string>((resolve) => (onCall = (jobId, p) => p.startsWith('/slow/1500') && resolve(jobId))),
            sleep(ms).then(() => undefined),
          ]);
        let inCall = await nextSlowCall(10_000);
        if (!inCall && tries >= order.length) {
          // Late in the run no slow call may be left: enqueue one to be interrupted (a `slow` job).
          await enqueue(options.jobs, 'slow');
          inCall = await nextSlowCall(30_000);
        }
        onCall = undefined;
        if (inCall) await killWorkerOfJob(inCall, kind);
        break;
      }
      case 'two-bridges':
        secondBridge.start();
        record(kind);
        background.push(sleep(8_000).then(() => secondBridge.kill()));
        break;
      default:
        record(kind);
        await environment.faults[kind]!({ random, later: (work) => background.push(work) });
    }
    if (faults.length === before) queue.push(kind);
  }
  await enqueueing;
  await persist('delete the schedule', () => schedules.delete(SCHEDULE));
  log(`enqueued ${options.jobs} jobs, injected ${faults.length} faults; waiting for every job to end`);

  // ---------------------------------------------------------------- settle and check
  const deadline = Date.now() + options.settleTimeoutMs;
  for (;;) {
    everyProcess.filter((p) => p !== secondBridge).forEach((p) => p.start());
    const [open] = await db.query<[number[]]>("SELECT VALUE count() FROM job WHERE status IN ['pending', 'processing'] GROUP ALL");
    const waitingRetries = [...retryAfterFinish].some((id) => !retried.has(id));
    const runningSlots = await client.workflow.count("WorkflowType = 'runScheduledJob' AND ExecutionStatus = 'Running'").then((c) => c.count, () => 1);
    if ((open?.[0] ?? 0) === 0 && !waitingRetries && runningSlots === 0) {
      await Promise.allSettled(background.splice(0));
      const [again] = await db.query<[number[]]>("SELECT VALUE count() FROM job WHERE status IN ['pending', 'processing'] GROUP ALL");
      if ((again?.[0] ?? 0) === 0) break;
    }
    if (Date.now() > deadline) {
      log(`gave up waiting: ${open?.[0] ?? 0} jobs still open`);
      for (const p of everyProcess) if (p.recentStderr) log(`${p.name} stderr:\n${p.recentStderr.slice(-2_000)}`);
      break;
    }
    await sleep(1_000);
  }
  clearInterval(retrying);
  await retryPass;

  const [raws] = await persist('read the rows', () => db.query<[unknown[]]>('SELECT * FROM job'));
  const rows = raws.flatMap((rawRow) => {
    const parsed = parseJobRow(rawRow);
    return parsed.ok ? [parsed.row] : [];
  });
  const outcomes = new Map<string, WorkflowOutcome>();
  const limit = pLimit(16);
  await Promise.all(rows.map((row) => limit(async () => outcomes.set(row.id, await outcomeOf(client, row)))));
  const slots: { workflowId: string; completed: boolean; jobId?: string }[] = [];
  for await (const w of client.workflow.list({ query: "WorkflowType = 'runScheduledJob'" })) {
    const result = w.status.name === 'COMPLETED' ? ((await client.workflow.getHandle(w.workflowId, w.runId).result()) as { jobId?: string }) : undefined;
    slots.push({ workflowId: w.workflowId, completed: w.status.name === 'COMPLETED', ...(result?.jobId ? { jobId: result.jobId } : {}) });
  }
  const results = checkChaos({ rows, requests: backend.requests, killedAt, expectedFailures, outcomes, faults, slots });

  await Promise.allSettled(everyProcess.map((p) => p.stop()));
  await connection.close();
  await backend.close();
  await environment.close();
  const injected: Record<string, number> = {};
  for (const fault of faults) injected[fault.kind] = (injected[fault.kind] ?? 0) + 1;
  return { ...results, duration_s: Math.round((Date.now() - started) / 1000), kinds, fault_kinds: injected };
}

/** The outcome of the job's latest enqueue, following continue-as-new. */
async function outcomeOf(client: Client, row: JobRow): Promise<WorkflowOutcome> {
  const handle = client.workflow.getHandle(workflowIdFor(row.id, row.run));
  try {
    const result = (await handle.result()) as { status: string; attempts: number; result?: unknown; rowStatus?: string };
    if (result.status === 'success') return { status: 'success', attempts: result.attempts, result: result.result };
    if (result.status === 'fenced') return { status: 'fenced', rowStatus: String(result.rowStatus) };
    return { status: 'other', detail: JSON.stringify(result) };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { status: 'missing' };
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof CancelledFailure) return { status: 'cancelled' };
    if (cause instanceof ApplicationFailure && cause.type === 'JobFailed') {
      return { status: 'failed', attempts: (cause.details?.[0] as { attempt?: number } | undefined)?.attempt };
    }
    const c = cause as { name?: string; message?: string } | undefined;
    return { status: 'other', detail: `${(error as Error).message}: ${c?.name}: ${c?.message}` };
  }
}

const SCHEDULE = 'chaos-tick';

function jobKind(r: number): JobKind {
  const table: [number, JobKind][] = [
    [0.3, 'ok'],
    [0.5, 'delayed'],
    [0.65, 'flaky'],
    [0.7, 'fail'],
    [0.8, 'slow'],
    [0.87, 'kill-before-call'],
    [0.93, 'kill-during-call'],
    [1, 'retry-after-finish'],
  ];
  return table.find(([upTo]) => r < upTo)![1];
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Seeded, so a run can be repeated. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
