// `start`'s work, loaded only when `start` runs.
import { loadConfig } from '../../../config/loadConfig.js';
import { createRunner, type Runner, type RunnerMode } from '../../runner/createRunner.js';
import { tracingFromEnv } from '../../../adapters/tracing/tracingFromEnv.js';
import { createLogger } from '../../../adapters/logger.js';
import { configSecrets } from '../../../config/configSecrets.js';
import { UnreachableError, WorkerFailedError } from '../../../core/errors.js';
import { connectionOverrides, type ConnectionOptions } from '../args.js';
import { oneLine } from '../cliErrors.js';
import { withRetries } from '../retry.js';
import { connectTemporalClient } from '../../../adapters/temporal/connectTemporal.js';
import { queueList } from '../args.js';
import { exportSdkMetrics, sdkMetricsProblem } from '../../../adapters/temporal/quietRuntime.js';

export interface StartOptions extends ConnectionOptions {
  bridgeOnly?: boolean;
  workerOnly?: boolean;
  deploySchema?: boolean;
  connectAttempts: number;
  /** Deadline of each SurrealDB call, ms. */
  dbTimeout?: number;
  reconcileInterval: number;
  identity?: string;
  queues?: string[];
  /** /metrics, /healthz, /readyz; 0 = off. */
  metricsPort: number;
  metricsHost: string;
  /** The Temporal SDK's own Prometheus exporter; 0 = off. */
  sdkMetricsPort: number;
  /** OTLP/HTTP traces URL; else from OTEL_* variables; else tracing is off. */
  otlpEndpoint?: string;
}

export async function runStart(opts: StartOptions): Promise<void> {
  const mode: RunnerMode = opts.bridgeOnly ? 'bridge' : opts.workerOnly ? 'worker' : 'all';
  const config = await loadConfig({ configPath: opts.config, overrides: connectionOverrides(opts) });
  // Every line is scrubbed of the config's secrets, whatever a backend echoed into an error.
  const logger = createLogger({ secrets: configSecrets(config) });

  // Before the first connection: the SDK's runtime is installed once per process.
  if (opts.sdkMetricsPort) exportSdkMetrics(`${opts.metricsHost.includes(':') ? `[${opts.metricsHost}]` : opts.metricsHost}:${opts.sdkMetricsPort}`);
  const tracing = await tracingFromEnv(process.env, opts.otlpEndpoint);
  if (tracing) logger.info('tracing on: spans are sent over OTLP (each job in the trace its row was enqueued in)');
  const { runner, temporal } = await withRetries(
    async () => {
      const temporal = await connectTemporalClient(config.temporal);
      let runner: Runner | undefined;
      try {
        runner = await createRunner({
          config,
          mode,
          logger,
          temporalClient: temporal.client,
          deploySchema: opts.deploySchema ?? false,
          ...(opts.dbTimeout !== undefined ? { databaseCallTimeoutMs: opts.dbTimeout } : {}),
          bridge: { reconcileIntervalMs: opts.reconcileInterval },
          ...(opts.metricsPort ? { metrics: { port: opts.metricsPort, host: opts.metricsHost } } : {}),
          ...(opts.identity ? { identity: opts.identity } : {}),
          ...(tracing ? { tracing } : {}),
          queues: opts.queues ?? (process.env.SPKY_QUEUES ? queueList(process.env.SPKY_QUEUES) : undefined),
        });
        await runner.start();
        return { runner, temporal };
      } catch (error) {
        await runner?.stop().catch(() => undefined);
        await temporal.connection.close().catch(() => undefined);
        throw error;
      }
    },
    {
      attempts: opts.connectAttempts,
      baseDelayMs: 500,
      maxDelayMs: 4_000,
      shouldRetry: (error) => error instanceof UnreachableError,
      onRetry: (error, attempt, delayMs) =>
        logger.warn(
          { attempt, attempts: opts.connectAttempts, retryInMs: delayMs },
          `${oneLine((error as Error).message).replace(/\.$/, '')} (retrying)`,
        ),
    },
  );

  if (runner.opsUrl) logger.info({ url: runner.opsUrl }, `metrics and health at ${runner.opsUrl}/metrics, /healthz, /readyz`);
  const sdkProblem = sdkMetricsProblem();
  if (sdkProblem) logger.error(`the Temporal SDK's metrics exporter did not start (${sdkProblem}): set --sdk-metrics-port to a free port, or 0`);
  runner.events.on('job', (event) => {
    logger.info(
      {
        job: event.jobId,
        status: event.status,
        ...(event.attempt !== undefined ? { attempt: event.attempt } : {}),
        ...(event.workflowId ? { workflowId: event.workflowId } : {}),
        ...(event.error ? { error: event.error } : {}),
        ...(event.nextAttemptInMs !== undefined ? { nextAttemptInMs: event.nextAttemptInMs } : {}),
      },
      `job ${event.jobId} ${event.status}`,
    );
  });

  const workerFailure = await new Promise<Error | undefined>((resolve) => {
    let stopping = false;
    let failure: Error | undefined;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn(`${signal} again: exiting without waiting for in-flight calls`);
        process.exit(1);
      }
      stopping = true;
      logger.info(`${signal}: stopping, draining in-flight calls`);
      // The last resort: whatever still hangs (a call that ignores its cancellation), the process ends.
      setTimeout(() => {
        logger.error({ afterMs: runner.stopTimeoutMs }, `${signal}: stopping took longer than the grace time; exiting without waiting`);
        process.exit(1);
      }, runner.stopTimeoutMs).unref();
      void runner
        .stop()
        .catch((error: unknown) => logger.error({ err: error }, 'error while stopping'))
        .then(() => temporal.connection.close().catch(() => undefined))
        .then(() => {
          logger.info('stopped');
          resolve(failure);
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    // A worker that stopped with an error runs no more jobs: stop, and exit non-zero so the
    // supervisor (systemd, Kubernetes) restarts the process.
    void runner.whenFailed().then((error) => {
      failure = error;
      stop('worker failure');
    });
  });
  if (workerFailure) throw new WorkerFailedError(workerFailure);
}
