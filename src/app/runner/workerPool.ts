// The runner's workers, from start to drain: opens the worker connection (unless given), creates
// one worker per backend and queue, runs them, reports stalled slots and a worker that fails.
import { GracefulShutdownPeriodExpiredError, type NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { RunnerConfig } from '../../core/interfaces.js';
import type { DbConnection } from '../../adapters/db/dbConnection.js';
import type { TableShapes } from '../../adapters/db/tableShape.js';
import { connectTemporalWorker } from '../../adapters/temporal/connectTemporal.js';
import { bundleEncodesFailures, temporalDataConverter } from '../../adapters/temporal/dataConverter.js';
import { ConfigError, PayloadCodecError } from '../../core/errors.js';
import { bundleTracesWorkflows } from '../../adapters/temporal/workflowTracingModule.js';
import type { RunnerTracingParts } from './startTracing.js';
import { decodeErrorReporter } from '../../orchestration/worker/reportDecodeErrors.js';
import { secretScrubber } from '../../core/redactSecrets.js';
import type { BackendRegistry } from '../../config/backendRegistry.js';
import type { JobEvents } from '../../core/jobEvents.js';
import { createWorkers } from '../../orchestration/worker/createWorkers.js';
import { watchWorkerFailure } from '../../orchestration/worker/watchWorkerFailure.js';
import { reportStalledSlots } from '../../orchestration/worker/reportStalledSlots.js';
import type { SlotHealth, SlotWatch } from '../../orchestration/worker/slotWatch.js';
import { getWorkflowBundle } from '../../orchestration/worker/workflowBundle.js';
import { drainWorkers } from './drainWorkers.js';

export interface WorkerPoolOptions {
  config: RunnerConfig;
  registry: BackendRegistry;
  queues: string[];
  identity: string;
  connection: DbConnection;
  shapes: TableShapes;
  events: JobEvents;
  logger: Logger;
  /** Scrubbed from what activities report. */
  secrets: string[];
  /** The app's own worker connection (never closed here); otherwise one is opened at start. */
  nativeConnection?: NativeConnection;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** With tracing on: workflows, attempts, waits and HTTP calls become spans. */
  tracing?: RunnerTracingParts;
  /** Told once when a worker stops with an error outside stop(). */
  onFailure: (error: Error) => void;
}

export class WorkerPool {
  readonly #o: WorkerPoolOptions;
  readonly #drain = new AbortController();
  #workers: Worker[] = [];
  #runs: Promise<void>[] = [];
  #slotWatch: SlotWatch | undefined;
  #ownedConnection: NativeConnection | undefined;
  #stopReporting: (() => void) | undefined;
  #stopWatchingWorkers: (() => void) | undefined;
  #stopping = false;

  constructor(options: WorkerPoolOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const { config, registry, connection, shapes, events, logger, identity } = this.#o;
    const encrypted = config.temporal.codec !== undefined;
    const dataConverter = temporalDataConverter(config.temporal, { onDecodeError: decodeErrorReporter(logger) });
    const { tracing } = this.#o;
    const workflowBundle = this.#o.workflowBundle ?? (await getWorkflowBundle({ encodeFailures: encrypted, traced: tracing !== undefined }));
    if (tracing && !bundleTracesWorkflows(workflowBundle)) {
      throw new ConfigError(
        'createRunner options',
        'workflowBundle',
        'a bundle with the tracing interceptors, since tracing is on (else its workflows make no spans): ' +
          'build it with getWorkflowBundle({ traced: true }), or leave workflowBundle out',
      );
    }
    if (encrypted && !bundleEncodesFailures(workflowBundle)) {
      throw new PayloadCodecError(
        'the workflowBundle given to the runner does not encode failure messages, so with payload encryption on a failed job would still show ' +
          "its backend's answer in clear in Temporal: build it with getWorkflowBundle({ encodeFailures: true }), or leave workflowBundle out",
      );
    }
    const nativeConnection = this.#o.nativeConnection ?? (this.#ownedConnection = await connectTemporalWorker(config.temporal));
    ({ workers: this.#workers, slotWatch: this.#slotWatch } = await createWorkers({
      connection: nativeConnection,
      namespace: config.temporal.namespace,
      backends: config.backends,
      queues: this.#o.queues,
      workflowBundle,
      ...(dataConverter ? { dataConverter } : {}),
      identity,
      ...(tracing ? { tracing: tracing.worker } : {}),
      activityDeps: {
        db: () => connection.db,
        shapes,
        identity,
        backends: registry.backends,
        assertDeclaredPath: (backend, path) => registry.assertDeclaredPath(backend, path),
        events,
        drain: this.#drain.signal,
        registry,
        scrub: secretScrubber(this.#o.secrets),
        logger,
        ...(tracing ? { tracer: tracing.tracer } : {}),
      },
    }));
    this.#stopReporting = reportStalledSlots(this.#slotWatch, logger);
    const workers = this.#workers;
    const runs = workers.map((worker) => worker.run());
    this.#runs = runs.map((run, i) =>
      run.catch((error: unknown) => {
        if (error instanceof GracefulShutdownPeriodExpiredError) {
          logger.error(
            { taskQueue: workers[i]!.options.taskQueue },
            'activities ignored their cancellation at shutdown; stopped without waiting for them (their attempts run again elsewhere)',
          );
        }
      }),
    );
    this.#stopWatchingWorkers = watchWorkerFailure(workers, runs, ({ taskQueue, error }) => {
      if (this.#stopping) return;
      logger.error({ err: error, taskQueue }, 'a worker stopped with an error: the runner stops, so no job is started that nobody runs');
      this.#o.onFailure(error);
    });
  }

  /** Each worker's activity slots; empty before start. */
  health(): SlotHealth[] {
    return this.#slotWatch?.check() ?? [];
  }

  /** First step of stop(): from here on a worker that stops is not a failure; stalled slots go unreported. */
  stopWatching(): void {
    this.#stopping = true;
    this.#stopReporting?.();
    this.#stopWatchingWorkers?.();
  }

  /** Shuts the workers down, aborting calls still in flight after `drainTimeout`, and closes an owned connection. */
  drain(drainTimeout: number | undefined): Promise<void> {
    return drainWorkers({
      workers: this.#workers,
      runs: this.#runs,
      drain: this.#drain,
      drainTimeout,
      ownedConnection: this.#ownedConnection,
      logger: this.#o.logger,
    });
  }
}
