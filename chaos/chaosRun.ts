// One chaos run from start to end: the environment, a counting backend, a bridge process and two
// worker processes; then the load and the faults together, the wait for every job to end, and
// the checks over what was observed. runChaos.ts puts the deadline around it.
import { Client } from '@temporalio/client';
import { configFromObject } from '../src/config/loadConfig.js';
import { TableShapes } from '../src/adapters/db/tableShape.js';
import { JobsClient } from '../src/app/jobs/jobsClient.js';
import { SchedulesClient } from '../src/app/schedulesClient.js';
import { BackendRegistry } from '../src/config/backendRegistry.js';
import type { ChaosOptions, ChaosReport } from './chaosOptions.js';
import { checkChaos } from './checks.js';
import { COUNTING_BACKEND_PATHS, startCountingBackend } from './countingBackend.js';
import { devEnvironment, stackEnvironment } from './environments.js';
import { injectFaults, type CallWatch } from './faultInjector.js';
import { createJobLoad } from './jobLoad.js';
import { RunnerProcess } from './processes.js';
import { retryJobsOnceFinished } from './retryAfterFinish.js';
import { mulberry32 } from './seededRandom.js';
import { waitForJobsToEnd } from './settle.js';
import type { StartedResources } from './startedResources.js';
import { persist } from './timing.js';
import { readOutcomes } from './workflowOutcomes.js';

/** A schedule that fires every 2 s throughout the run: its slot workflows run on the workers that get killed. */
const SCHEDULE = 'chaos-tick';

/** Runs the chaos run, recording in `resources` each thing it starts (for the cleanup should the deadline pass). */
export async function runChaosOnce(options: ChaosOptions, resources: StartedResources): Promise<ChaosReport> {
  const startedAt = Date.now();
  const random = mulberry32(options.seed);
  const { log } = options;
  const stallMs = options.surrealStallMs ?? 20_000;
  const environment = (resources.environment =
    options.environment === 'stack' ? await stackEnvironment({ surrealStallMs: stallMs, log }) : await devEnvironment({ surrealStallMs: stallMs }));
  const db = environment.db;
  const backend = (resources.backend = await startCountingBackend());
  const jobConfig = [
    { name: 'api', table: 'job', base_url: backend.url, timeout: 10, concurrency: 10, backoff_base_ms: 100, backoff_max_ms: 2_000, allowed_paths: COUNTING_BACKEND_PATHS },
  ];
  const env = { ...environment.runnerEnv, SPKY_JOB_CONFIG: JSON.stringify(jobConfig), LOG_LEVEL: 'warn' };
  const extraArgs = options.dbTimeoutMs !== undefined ? ['--db-timeout', String(options.dbTimeoutMs)] : [];
  const runner = (name: string, mode: 'bridge' | 'worker') => new RunnerProcess(name, mode, env, 2_000, false, extraArgs);
  const bridge = runner('bridge-1', 'bridge');
  const secondBridge = runner('bridge-2', 'bridge');
  const workers = [runner('worker-1', 'worker'), runner('worker-2', 'worker')];
  const everyProcess = (resources.processes = [bridge, secondBridge, ...workers]);
  bridge.start();
  workers.forEach((w) => w.start());

  const connection = (resources.connection = await environment.connectTemporal());
  const client = (resources.client = new Client({ connection }));
  const config = configFromObject({ backends: [{ name: 'api', baseUrl: backend.url, allowedPaths: COUNTING_BACKEND_PATHS }] });
  resources.taskQueues = config.backends.map((b) => b.taskQueue);
  const registry = await BackendRegistry.load(config);
  const jobs = new JobsClient({ db: () => db, client, registry, shapes: new TableShapes(() => db) });
  const schedules = new SchedulesClient({ client, config, registry });

  const background: Promise<unknown>[] = [];
  const load = createJobLoad({ db, jobs, random, options, background, log });
  const calls: CallWatch = {};
  backend.onRequest = (request) => {
    load.sawCall(request.jobId);
    calls.onCall?.(request.jobId, request.path);
  };

  // The load, the retries after finishing and the faults, all at once.
  await persist('create the schedule', () =>
    schedules.create({ name: SCHEDULE, every: '2s', path: '/ok', payload: {}, overlap: 'allow_all', maxRetries: 20 }),
  );
  const enqueueing = load.enqueueAll();
  const retrier = retryJobsOnceFinished(jobs, load.retryAfterFinish, log);
  const faults = await injectFaults({ options, random, db, environment, bridge, secondBridge, workers, calls, enqueue: load.enqueue, background, log });
  await enqueueing;
  await persist('delete the schedule', () => schedules.delete(SCHEDULE));
  log(`enqueued ${options.jobs} jobs, injected ${faults.length} faults; waiting for every job to end`);

  // Settle, then check.
  await waitForJobsToEnd({
    db,
    client,
    keepRunning: everyProcess.filter((p) => p !== secondBridge),
    everyProcess,
    retriesWaiting: () => retrier.waiting(),
    background,
    timeoutMs: options.settleTimeoutMs,
    log,
  });
  await retrier.stop();
  const observed = await readOutcomes(db, client);
  const results = checkChaos({ ...observed, requests: backend.requests, killedAt: load.killedAt, expectedFailures: load.expectedFailures, faults });

  await Promise.allSettled(everyProcess.map((p) => p.stop()));
  await connection.close();
  await backend.close();
  await environment.close();
  const injected: Record<string, number> = {};
  for (const fault of faults) injected[fault.kind] = (injected[fault.kind] ?? 0) + 1;
  return { ...results, duration_s: Math.round((Date.now() - startedAt) / 1000), kinds: load.kinds, fault_kinds: injected };
}
