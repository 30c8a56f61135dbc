// A runner = the bridge (rows → workflow starts), the workers (one per backend), or both,
// over one SurrealDB connection and one Temporal namespace. Also exposes the jobs API.
// The composition root: each part lives in its own file; this one wires them and orders
// their start and stop.
import os from 'node:os';
import type { Connection } from '@temporalio/client';
import type { RunnerConfig, SurrealConnectionConfig, TemporalConnectionConfig } from '../../core/interfaces.js';
import { TableShapes } from '../../adapters/db/tableShape.js';
import { registerSearchAttributes } from '../../adapters/temporal/registerSearchAttributes.js';
import { JobBridge } from '../../orchestration/bridge/bridge.js';
import { JobsClient } from '../jobs/jobsClient.js';
import { createLogger } from '../../adapters/logger.js';
import { BackendRegistry } from '../../config/backendRegistry.js';
import { configSecrets } from '../../config/configSecrets.js';
import { JobEvents } from '../../core/jobEvents.js';
import { DEFAULT_QUEUE } from '../../core/taskQueues.js';
import { SchedulesClient } from '../schedulesClient.js';
import { syncSchedules } from '../../orchestration/schedules/syncSchedules.js';
import { checkQueueName } from '../../core/enqueueOptions.js';
import { CONFIG_DEFAULTS } from '../../config/schema.js';
import { resolveConfig } from './resolveConfig.js';
import { openConnections } from './openConnections.js';
import { WorkerPool } from './workerPool.js';
import { stopTimeoutMs } from './drainWorkers.js';
import { logRunnerStarted } from './logRunnerStarted.js';
import { startOpsEndpoint, type OpsEndpoint } from './opsEndpoint.js';
import { startTracing } from './startTracing.js';
import type { Runner, RunnerOptions, StopOptions } from './runnerTypes.js';

export type { Runner, RunnerMode, RunnerOptions, StopOptions } from './runnerTypes.js';

export async function createRunner(options: RunnerOptions = {}): Promise<Runner> {
  const config = await resolveConfig(options);
  const registry = await BackendRegistry.load(config, options.testHooks);
  const secrets = configSecrets(config);
  const logger = options.logger ?? createLogger({ secrets });
  const mode = options.mode ?? 'all';
  const identity = options.identity ?? `${os.hostname()}:${process.pid}`;
  const queues = servedQueues(options, config);

  const tracing = await startTracing(options.tracing);
  const connections = await openConnections(options, config, logger);
  const { connection, client: temporalClient } = connections;
  const shapes = new TableShapes(() => connection.db);
  const events = new JobEvents();
  // Traced, its retries start their run in the retry's trace (as the bridge does for new rows).
  const startingClient = tracing ? tracing.traced(temporalClient) : temporalClient;
  const jobs = new JobsClient({ db: () => connection.db, client: startingClient, registry, shapes, events });
  events.configure({
    readRow: (jobId) => jobs.get(jobId),
    onListenerError: (error, event) => logger.warn({ err: error, event }, 'a job event listener threw; the runner goes on'),
  });

  let bridge: JobBridge | undefined;
  let reportFailure: (error: Error) => void = () => undefined;
  let failedWith: Error | undefined;
  const failure = new Promise<Error>((resolve) => (reportFailure = resolve));
  void failure.then((error) => (failedWith = error));
  let ops: OpsEndpoint | undefined;
  const workerPool = new WorkerPool({
    config,
    registry,
    queues,
    identity,
    connection,
    shapes,
    events,
    logger,
    secrets,
    nativeConnection: options.temporalWorkerConnection,
    workflowBundle: options.workflowBundle,
    ...(tracing ? { tracing } : {}),
    onFailure: (error) => {
      // This runner runs no more jobs, so its bridge must not start any.
      void bridge?.stop();
      reportFailure(error);
    },
  });
  let stopped: Promise<void> | undefined;
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
    get opsUrl() {
      return ops?.url;
    },

    async start() {
      if (started) return;
      started = true;
      if (options.metrics) {
        // First, so /healthz answers and /readyz says what is still starting.
        ops = await startOpsEndpoint(
          {
            db: () => connection.db,
            client: temporalClient,
            shapes,
            registry,
            events,
            logger,
            ...(mode !== 'bridge' ? { workers: { health: () => workerPool.health(), failed: () => failedWith } } : {}),
            ...(mode !== 'worker' ? { schedules: { deployment: config.deployment ?? CONFIG_DEFAULTS.deployment }, bridge: () => bridge?.health() } : {}),
          },
          options.metrics,
        ).catch((error: unknown) => {
          // Two runners on one host with the same port: the jobs matter more than the second endpoint.
          if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
          logger.error(
            { port: options.metrics!.port },
            `metrics port ${options.metrics!.port} is taken: running without /metrics, /healthz and /readyz; give each process its own --metrics-port (0 = off)`,
          );
          return undefined;
        });
      }
      if (options.deploySchema) await jobs.deploySchema();
      await registerSearchAttributes(temporalClient.connection as Connection, config.temporal.namespace).catch(
        (error: unknown) => logger.warn({ err: error }, 'could not register search attributes; register them on the server'),
      );
      if (mode !== 'bridge') await workerPool.start();
      if (mode !== 'worker' && options.syncSchedules !== false) {
        await syncSchedules(temporalClient, config, registry, logger);
      }
      if (mode !== 'worker') {
        bridge = new JobBridge({ connection, client: startingClient, registry, shapes, logger, events, ...options.bridge });
        await bridge.start();
      }
      logRunnerStarted(logger, config, registry, mode, queues);
    },

    workerHealth() {
      return workerPool.health();
    },

    whenFailed() {
      return failure;
    },

    stopTimeoutMs: stopTimeoutMs(config.backends),

    stop(stopOptions: StopOptions = {}) {
      // Idempotent: a second call (a finally block, a second signal) waits for the first.
      stopped ??= stopOnce(stopOptions);
      return stopped;
    },
  };

  /** The bridge first, so no job is started that no worker would run; then the workers; then the connections. */
  async function stopOnce(stopOptions: StopOptions): Promise<void> {
    workerPool.stopWatching();
    await bridge?.stop();
    await workerPool.drain(stopOptions.drainTimeout);
    await ops?.close();
    await tracing?.flush();
    await connections.close();
  }
}

/** The named queues this process's workers serve: the option, else the config's, else the default one. */
function servedQueues(options: RunnerOptions, config: RunnerConfig): string[] {
  const queues = [...new Set(options.queues?.length ? options.queues : (config.queues ?? [DEFAULT_QUEUE]))];
  queues.forEach(checkQueueName);
  return queues;
}

export type { SurrealConnectionConfig, TemporalConnectionConfig };
