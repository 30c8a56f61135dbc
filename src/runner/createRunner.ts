// A runner = the bridge (rows → workflow starts), the workers (one per backend), or both,
// over one SurrealDB connection and one Temporal namespace. Also exposes the jobs API.
import os from 'node:os';
import type { Surreal } from 'surrealdb';
import type { Client, Connection } from '@temporalio/client';
import { GracefulShutdownPeriodExpiredError, type NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { RunnerConfig, SurrealConnectionConfig, TemporalConnectionConfig } from '../interfaces.js';
import { loadConfig, configFromObject, type ConfigObject } from '../config/loadConfig.js';
import { openSurreal, redactUrl } from '../db/connect.js';
import { DbConnection } from '../db/dbConnection.js';
import { TableShapes } from '../db/tableShape.js';
import { connectTemporalClient, connectTemporalWorker } from '../temporal/connectTemporal.js';
import { temporalSecurity } from '../temporal/temporalTls.js';
import { registerSearchAttributes } from '../temporal/registerSearchAttributes.js';
import { JobBridge, type BridgeOptions } from '../bridge/bridge.js';
import { JobsClient } from '../jobsClient.js';
import { createLogger } from '../logger.js';
import { BackendRegistry, type WorkflowInputHooks } from './backendRegistry.js';
import { configSecrets } from '../config/configSecrets.js';
import { secretScrubber } from '../redactSecrets.js';
import { JobEvents } from './jobEvents.js';
import { createWorkers, shutdownGraceMs, SHUTDOWN_FORCE_AFTER_GRACE_MS } from './createWorkers.js';
import { currentActivitySignal } from '../activities/activitySignal.js';
import { watchWorkerFailure } from './watchWorkerFailure.js';
import { reportStalledSlots } from './reportStalledSlots.js';
import type { SlotHealth, SlotWatch } from './slotWatch.js';
import { getWorkflowBundle } from './workflowBundle.js';
import { DEFAULT_QUEUE } from './taskQueues.js';
import { SchedulesClient } from '../schedules/schedulesClient.js';
import { syncSchedules } from '../schedules/syncSchedules.js';
import { checkQueueName } from '../enqueueOptions.js';

export type RunnerMode = 'all' | 'bridge' | 'worker';

export interface RunnerOptions {
  /** A config object (see README), or an already loaded RunnerConfig. */
  config?: ConfigObject | RunnerConfig;
  /** sp00ky.yml to read when `config` is not given (default: SPKY_CONFIG, ./sp00ky.yml, or SPKY_JOB_CONFIG). */
  configPath?: string;
  /** Use the app's own SurrealDB instance (never closed by the runner). */
  db?: Surreal;
  /** How to (re)open SurrealDB when `db` is not given; default from the config's `surreal` block. */
  openDb?: () => Promise<Surreal>;
  /** Use existing Temporal connections instead of connecting to `config.temporal.address`. */
  temporalClient?: Client;
  temporalWorkerConnection?: NativeConnection;
  /** `all` (default), `bridge` only, or `worker` only. */
  mode?: RunnerMode;
  /**
   * Named queues this process's workers serve (default `['default']`). A job on a queue no
   * runner serves stays pending until one does; `jobs list` says so.
   */
  queues?: string[];
  /** This process's name in `assignee` and in Temporal's worker list. Default `<host>:<pid>`. */
  identity?: string;
  logger?: Logger;
  /** Deploy the job tables and functions on start (default false). */
  deploySchema?: boolean;
  /** Pre-built workflow bundle (tests share one per file). */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Reconcile the config's schedules (and retention) with Temporal at start; default true (not in worker mode). */
  syncSchedules?: boolean;
  /** For tests only: what every job's workflow input carries (e.g. a low continue-as-new threshold). */
  testHooks?: WorkflowInputHooks;
  /** Deadline of each SurrealDB call, ms (default 10 s); a call past it fails and its step is retried. */
  databaseCallTimeoutMs?: number;
  bridge?: Pick<BridgeOptions, 'pageSize' | 'reconcileIntervalMs' | 'healthCheckIntervalMs' | 'reconnectBaseDelayMs' | 'startConcurrency' | 'staleProcessingMs' | 'recheckRunningMs'>;
}

export interface StopOptions {
  /** Milliseconds to let calls in flight finish; default: up to the longest HTTP timeout plus 5 s. */
  drainTimeout?: number;
}

export interface Runner {
  readonly config: RunnerConfig;
  readonly jobs: JobsClient;
  /** Cron jobs on Temporal Schedules: list, create, pause, resume, trigger, delete. */
  readonly schedules: SchedulesClient;
  readonly events: JobEvents;
  readonly client: Client;
  readonly db: Surreal;
  start(): Promise<void>;
  /**
   * Stops the bridge, then drains the workers: no new work is taken, calls in flight finish.
   * With `drainTimeout` (ms), calls still in flight then are aborted and their attempts run
   * again on another worker, without counting a retry. Then closes what it opened.
   */
  stop(options?: StopOptions): Promise<void>;
  /**
   * Each worker's activity slots; `stalledSinceMs` is set while every slot is held by an activity
   * past its timeout (the worker then takes no new work). Empty in bridge mode.
   */
  workerHealth(): SlotHealth[];
  /** The longest `stop()` takes without `drainTimeout`, ms: grace time, cancellation, closing. */
  readonly stopTimeoutMs: number;
  /**
   * Resolves with the error when a worker stops with one outside `stop()` (a fatal poll error, a
   * deleted namespace): this runner then runs no more jobs, so its bridge stops starting them too.
   * `start` exits non-zero on it; an app embedding the runner should stop and restart it.
   */
  whenFailed(): Promise<Error>;
}

/** How long stop() waits for the run() of a worker that failed. */
const FAILED_WORKER_WAIT_MS = 5_000;

/** Closing the connections after the workers stopped. */
const CLOSE_MARGIN_MS = 10_000;

export async function createRunner(options: RunnerOptions = {}): Promise<Runner> {
  const config = await resolveConfig(options);
  const registry = await BackendRegistry.load(config, options.testHooks);
  const secrets = configSecrets(config);
  const logger = options.logger ?? createLogger({ secrets });
  const mode = options.mode ?? 'all';
  const identity = options.identity ?? `${os.hostname()}:${process.pid}`;
  const queues = [...new Set(options.queues?.length ? options.queues : (config.queues ?? [DEFAULT_QUEUE]))];
  queues.forEach(checkQueueName);

  const dbOptions = {
    callTimeoutMs: options.databaseCallTimeoutMs,
    signal: currentActivitySignal,
    onReopenError: (error: unknown) => logger.warn({ err: error }, 'could not reopen the SurrealDB connection after a call timed out; trying again'),
  };
  const connection = options.db
    ? DbConnection.borrow(options.db, dbOptions)
    : await DbConnection.open(options.openDb ?? (() => openSurreal(config.surreal)), dbOptions);
  const shapes = new TableShapes(() => connection.db);
  const events = new JobEvents();
  const drain = new AbortController();

  let ownedClientConnection: Connection | undefined;
  let client = options.temporalClient;
  if (!client) {
    const connected = await connectTemporalClient(config.temporal).catch(async (error: unknown) => {
      await connection.close();
      throw error;
    });
    ownedClientConnection = connected.connection;
    client = connected.client;
  }
  const temporalClient = client;
  const jobs = new JobsClient({ db: () => connection.db, client: temporalClient, registry, shapes, events });
  events.configure({
    readRow: (jobId) => jobs.get(jobId),
    onListenerError: (error, event) => logger.warn({ err: error, event }, 'a job event listener threw; the runner goes on'),
  });

  let bridge: JobBridge | undefined;
  let workers: Worker[] = [];
  let workerRuns: Promise<void>[] = [];
  let stopping = false;
  let reportFailure: (error: Error) => void = () => undefined;
  const failure = new Promise<Error>((resolve) => (reportFailure = resolve));
  let slotWatch: SlotWatch | undefined;
  let stopReporting: (() => void) | undefined;
  let stopWatchingWorkers: (() => void) | undefined;
  let stopped: Promise<void> | undefined;
  let ownedWorkerConnection: NativeConnection | undefined;
  let started = false;

  const schedules = new SchedulesClient({ client: temporalClient, config, registry });

  return {
    config,
    jobs,
    schedules,
    events,
    client: temporalClient,
    get db() {
      return connection.db;
    },

    async start() {
      if (started) return;
      started = true;
      if (options.deploySchema) await jobs.deploySchema();
      await registerSearchAttributes(temporalClient.connection as Connection, config.temporal.namespace).catch(
        (error: unknown) => logger.warn({ err: error }, 'could not register search attributes; register them on the server'),
      );
      if (mode !== 'bridge') {
        const nativeConnection =
          options.temporalWorkerConnection ?? (ownedWorkerConnection = await connectTemporalWorker(config.temporal));
        ({ workers, slotWatch } = await createWorkers({
          connection: nativeConnection,
          namespace: config.temporal.namespace,
          backends: config.backends,
          queues,
          workflowBundle: options.workflowBundle ?? (await getWorkflowBundle()),
          identity,
          activityDeps: {
            db: () => connection.db,
            shapes,
            identity,
            backends: registry.backends,
            assertDeclaredPath: (backend, path) => registry.assertDeclaredPath(backend, path),
            events,
            drain: drain.signal,
            registry,
            scrub: secretScrubber(secrets),
          },
        }));
        stopReporting = reportStalledSlots(slotWatch, logger);
        const runs = workers.map((worker) => worker.run());
        workerRuns = runs.map((run, i) =>
          run.catch((error: unknown) => {
            if (error instanceof GracefulShutdownPeriodExpiredError) {
              logger.error(
                { taskQueue: workers[i]!.options.taskQueue },
                'activities ignored their cancellation at shutdown; stopped without waiting for them (their attempts run again elsewhere)',
              );
            }
          }),
        );
        stopWatchingWorkers = watchWorkerFailure(workers, runs, ({ taskQueue, error }) => {
          if (stopping) return;
          logger.error({ err: error, taskQueue }, 'a worker stopped with an error: the runner stops, so no job is started that nobody runs');
          void bridge?.stop();
          reportFailure(error);
        });
      }
      if (mode !== 'worker' && options.syncSchedules !== false) {
        await syncSchedules(temporalClient, config, registry, logger);
      }
      if (mode !== 'worker') {
        bridge = new JobBridge({ connection, client: temporalClient, registry, shapes, logger, events, ...options.bridge });
        await bridge.start();
      }
      const anyPath = registry.backendsAllowingAnyPath;
      if (anyPath.length > 0) {
        logger.warn(
          { backends: anyPath },
          `backend ${anyPath.join(', ')} has no OpenAPI spec and allowAnyPath: true, so a job may POST to any of its paths (/admin too): list its paths in allowedPaths instead`,
        );
      }
      logger.info(
        {
          mode,
          surreal: redactUrl(config.surreal.url),
          temporal: config.temporal.address,
          temporalSecurity: temporalSecurity(config.temporal),
          ...(config.surreal.authLevel ? { surrealAuthLevel: config.surreal.authLevel } : {}),
          backends: config.backends.map((b) => `${b.name} (table ${b.table}, task queue ${b.taskQueue})`),
          queues: mode === 'bridge' ? [] : queues,
        },
        'runner started',
      );
    },

    workerHealth() {
      return slotWatch?.check() ?? [];
    },

    whenFailed() {
      return failure;
    },

    stopTimeoutMs:
      Math.max(0, ...config.backends.map((backend) => shutdownGraceMs(backend))) + SHUTDOWN_FORCE_AFTER_GRACE_MS + CLOSE_MARGIN_MS,

    stop(stopOptions: StopOptions = {}) {
      // Idempotent: a second call (a finally block, a second signal) waits for the first.
      stopped ??= stopOnce(stopOptions);
      return stopped;
    },
  };

  async function stopOnce(stopOptions: StopOptions): Promise<void> {
    stopping = true;
    stopReporting?.();
    stopWatchingWorkers?.();
    await bridge?.stop();
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    const drainTimer =
      stopOptions.drainTimeout === undefined ? undefined : setTimeout(() => drain.abort(), Math.max(0, stopOptions.drainTimeout));
    // A failed worker's run() may never settle (its native finalisation hangs): wait a little only.
    await Promise.all(workerRuns.map((run, i) => (workers[i]!.getState() === 'FAILED' ? settledWithin(run, FAILED_WORKER_WAIT_MS) : run)));
    clearTimeout(drainTimer);
    // A failed worker whose finalisation hangs keeps its reference to the native connection;
    // the process exit releases it.
    await ownedWorkerConnection?.close().catch((error: unknown) => {
      if (!workers.some((worker) => worker.getState() === 'FAILED')) throw error;
      logger.warn('a failed worker still holds the Temporal connection; it is released when the process exits');
    });
    await ownedClientConnection?.close();
    await connection.close();
  }
}

function settledWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function resolveConfig(options: RunnerOptions): Promise<RunnerConfig> {
  if (options.config && 'source' in options.config && Array.isArray(options.config.backends) && isRunnerConfig(options.config)) {
    return options.config;
  }
  if (options.config) return configFromObject(options.config);
  return loadConfig({ configPath: options.configPath });
}

function isRunnerConfig(value: ConfigObject | RunnerConfig): value is RunnerConfig {
  const v = value as RunnerConfig;
  return typeof v.surreal?.url === 'string' && typeof v.temporal?.address === 'string' && typeof v.source === 'string';
}

export type { SurrealConnectionConfig, TemporalConnectionConfig };
