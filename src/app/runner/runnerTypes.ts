// What createRunner takes and what it returns.
import type { Surreal } from 'surrealdb';
import type { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { RunnerConfig } from '../../core/interfaces.js';
import type { ConfigObject } from '../../config/loadConfig.js';
import type { BridgeOptions } from '../../orchestration/bridge/bridge.js';
import type { JobsClient } from '../jobs/jobsClient.js';
import type { SchedulesClient } from '../schedulesClient.js';
import type { WorkflowInputHooks } from '../../config/backendRegistry.js';
import type { JobEvents } from '../../core/jobEvents.js';
import type { SlotHealth } from '../../orchestration/worker/slotWatch.js';
import type { MetricsOptions } from './opsEndpoint.js';
import type { TracingOptions } from '../../adapters/tracing/runnerTracing.js';

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
  /**
   * Trace each job (off by default; `start` turns it on from OTEL_EXPORTER_OTLP_ENDPOINT): the bridge
   * starts a row's workflow in the trace stored at enqueue; workflows, attempts, waits and HTTP
   * calls become spans; the backend gets a `traceparent` header.
   */
  tracing?: TracingOptions;
  /** Serve /metrics, /healthz and /readyz on this port (off by default; `start` turns it on). */
  metrics?: MetricsOptions;
  bridge?: Pick<
    BridgeOptions,
    'pageSize' | 'reconcileIntervalMs' | 'healthCheckIntervalMs' | 'reconnectBaseDelayMs' | 'startConcurrency' | 'maxQueuedLiveRows' | 'staleProcessingMs' | 'recheckRunningMs' | 'startDeadlineMs'
  >;
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
  /** Where /metrics, /healthz and /readyz answer once started with `metrics`, e.g. http://127.0.0.1:9464. */
  readonly opsUrl: string | undefined;
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
